"""Where a course's files are, and nbgrader configured for it exactly as ``nbgrader_config.py`` says.

The settings always come from this repository's ``nbgrader_config.py``; only the course's root may point
elsewhere (a temporary class in the tests and benchmarks), so every course is graded with the same rules.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

REPOSITORY = Path(__file__).resolve().parent.parent
CONFIG_FILE = REPOSITORY / "nbgrader_config.py"


@dataclass(frozen=True)
class Course:
    """One nbgrader course directory and the configuration it is graded with.

    Parameters
    ----------
    root : pathlib.Path
        The course directory: it holds ``solutions/``, ``exercises/``, ``submitted/`` and so on.
    config : traitlets.config.Config
        nbgrader's configuration, with ``CourseDirectory.root`` set to `root`.

    Examples
    --------
    >>> course = Course.open()
    >>> course.root == REPOSITORY, course.coursedir.source_directory
    (True, 'solutions')
    """

    root: Path
    config: Config
    shard: tuple[int, int] | None = None  # (k, n): this machine grades the k-th of n shares of the students

    @classmethod
    def open(cls, root: str | os.PathLike | None = None, *, timeout: int | None = None,
             notebook_timeout: int | None = None, unsandboxed: bool = False,
             shard: str | None = None) -> "Course":
        """The course at `root` (default: this repository), configured from ``nbgrader_config.py``.

        Parameters
        ----------
        root : path, optional
            The course directory; it must exist.
        timeout : int, optional
            Seconds each cell may run while autograding (``Execute.timeout``), instead of the configured one.
        notebook_timeout : int, optional
            Seconds a whole notebook may run (``Sandbox.notebook_timeout``), instead of the configured one.
        unsandboxed : bool
            Accept grading without the sandbox where it is unavailable (``Sandbox.unsandboxed``).
        shard : str, optional
            ``"K/N"``: grade only the K-th of N shares of the students (N machines, one gradebook).
        """
        root = REPOSITORY if root is None else Path(root).resolve()
        if not root.is_dir():
            raise FileNotFoundError(f"course directory {root} does not exist")
        config = PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()
        config.CourseDirectory.root = str(root)
        if timeout is not None:
            if timeout <= 0:
                raise ValueError(f"the cell timeout must be a positive number of seconds, got {timeout}")
            config.Execute.timeout = int(timeout)
        if notebook_timeout is not None:
            if notebook_timeout <= 0:
                raise ValueError(f"the notebook timeout must be a positive number of seconds, got "
                                 f"{notebook_timeout}")
            config.Sandbox.notebook_timeout = int(notebook_timeout)
        if unsandboxed:
            config.Sandbox.unsandboxed = True
        if "db_url" not in config.CourseDirectory:
            # Several grading processes write the gradebook at once: a writer waits its turn for up to a
            # minute instead of SQLite's default 5 s.
            config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}?timeout=60"
        _put_venv_on_path()
        return cls(root, config, _parse_shard(shard))

    @property
    def coursedir(self) -> CourseDirectory:
        """A fresh nbgrader CourseDirectory for this course (nbgrader changes its fields while it works)."""
        return CourseDirectory(config=self.config)

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    def has_gradebook(self) -> bool:
        """Whether the gradebook exists (opening a missing one would create an empty one)."""
        url = self.db_url
        return not url.startswith("sqlite:///") or Path(url[len("sqlite:///"):].split("?")[0]).is_file()

    def folder(self, step: str) -> Path:
        """One of nbgrader's folders: `step` is ``"source"``, ``"release"``, ``"submitted"``, ``"autograded"``
        or ``"feedback"``."""
        return self.root / getattr(self.coursedir, f"{step}_directory")

    def assignments(self) -> list[str]:
        """The assignments: every folder of the source directory that holds a notebook, sorted."""
        source = self.folder("source")
        if not source.is_dir():
            return []
        return sorted(path.name for path in source.iterdir()
                      if path.is_dir() and not path.name.startswith(".") and any(path.glob("*.ipynb")))

    def notebooks(self, assignment: str) -> list[str]:
        """The names (without ``.ipynb``) of the notebooks a submission of `assignment` must contain."""
        return sorted(path.stem for path in (self.folder("source") / assignment).glob("*.ipynb"))

    def students(self) -> list[str]:
        """Everyone with a folder in the submitted directory, sorted."""
        submitted = self.folder("submitted")
        if not submitted.is_dir():
            return []
        return sorted(path.name for path in submitted.iterdir()
                      if path.is_dir() and not path.name.startswith("."))

    def in_shard(self, student: str) -> bool:
        """Whether this machine grades `student` (always, unless the class is shared among machines)."""
        if self.shard is None:
            return True
        k, n = self.shard
        return int(hashlib.sha256(student.encode()).hexdigest(), 16) % n == k - 1

    @property
    def _suffix(self) -> str:
        return "" if self.shard is None else f".shard-{self.shard[0]}-of-{self.shard[1]}"

    @property
    def log_file(self) -> Path:
        """The grading log: every problem found while grading, which the report reads (one per shard)."""
        return self.root / f"grading_log{self._suffix}.json"

    def log_files(self) -> list[Path]:
        """Every grading log of the course: the whole class's, or each shard's."""
        return sorted(self.root.glob("grading_log*.json"))

    @property
    def journal_file(self) -> Path:
        """The journal of submissions graded so far, which lets an interrupted run continue (one per shard,
        so that machines sharing the course folder never write the same file)."""
        return self.root / f"grading_journal{self._suffix}.jsonl"

    @property
    def grades_file(self) -> Path:
        return self.root / "grades.csv"

    @property
    def report_file(self) -> Path:
        return self.root / "grading_report.html"


def _parse_shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"a shard is written K/N, like 2/3, not {text!r}") from None
    if not 1 <= k <= n:
        raise ValueError(f"shard {text}: K must be between 1 and N")
    return k, n


def quiet_warnings() -> None:
    """Silence the warnings that say nothing about a submission, in this process (grading processes too)."""
    from nbformat.validator import MissingIDFieldWarning  # noqa: PLC0415 -- nbformat is slow to import
    from sqlalchemy.exc import SAWarning  # noqa: PLC0415

    # Notebooks with a test cell put back lack nbformat's cell ids, which nbformat warns about on every
    # write; the warning says nothing about the submission, and would break the progress lines.
    warnings.filterwarnings("ignore", category=MissingIDFieldWarning)
    # nbgrader's gradebook makes SQLAlchemy warn each time it records a student's first submission of an
    # assignment; the submission is recorded all the same (nbgrader adds it to the session right after).
    warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session", category=SAWarning)


def quiet_logger(name: str = "grading.nbgrader") -> logging.Logger:
    """A logger for nbgrader's converters that prints nothing: their messages are captured per submission."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    return logger


def _put_venv_on_path() -> None:
    # nbgrader creates a new gradebook by running the `alembic` command, found on PATH: the one installed
    # next to this interpreter must be found even when the virtualenv is not activated.
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
