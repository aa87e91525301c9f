"""The grading log: what happened to every submission, and every problem an instructor must know about.

``autograde`` writes it (``grading_log.json`` in the course directory); ``report`` reads it. A problem is
*zeroing* when it left the submission with a recorded score of zero; the others are graded as usual but
the instructor should look (a test cell that was deleted and put back, a cell that hit the time limit).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

FORMAT_VERSION = 1

# Every kind of problem, with the sentence the report shows for it.
KINDS = {
    "missing": "nothing submitted",
    "missing notebook": "a notebook of the assignment is missing (it scores zero)",
    "renamed": "the notebook was renamed, so nbgrader cannot find it (score zero)",
    "invalid": "the notebook is not a valid notebook file (score zero)",
    "deleted test": "a test cell was deleted; nbgrader put it back and graded it",
    "edited test": "a test cell was edited; nbgrader graded it with the original",
    "copied cell": "a graded cell appears more than once (copied); nbgrader graded only the last copy",
    "timeout": "a cell (or the whole notebook) ran longer than its time limit and was interrupted",
    "crashed": "the notebook crashed its kernel: the cells after the crash did not run",
    "failed": "nbgrader could not grade it (score zero)",
    "manual": "has cells that need manual grading",
    "hidden tests": "passed the visible tests in the notebook but failed hidden tests (run by the grader)",
    "overridden": "the notebook's own test result was contradicted by the grader's check of the student's "
                  "functions (look: tampering, or a broken run)",
    "ignored file": "a file submitted beside the notebook was not used (e.g. a numpy.py shadowing numpy)",
    "unknown cell": "a cell carried nbgrader metadata the gradebook does not know (forged, or copied from "
                    "another assignment); it was graded as ordinary code",
}

# Kinds that are part of grading as usual: listed in the report, but not flagged for a look.
ROUTINE = {"hidden tests"}


@dataclass
class Problem:
    """One thing wrong with one submission."""

    kind: str
    detail: str

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown problem kind {self.kind!r}; expected one of {', '.join(KINDS)}")


@dataclass
class Outcome:
    """What grading did with one student's submission of one assignment.

    ``status`` is ``"graded"`` (nbgrader graded it), ``"zero"`` (a score of zero was recorded, see the
    problems), or ``"missing"`` (nothing was submitted; nbgrader's export scores it zero).
    """

    student: str
    assignment: str
    status: str
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self):
        if self.status not in ("graded", "zero", "missing"):
            raise ValueError(f"unknown status {self.status!r} for {self.student}/{self.assignment}")
        self.problems = [p if isinstance(p, Problem) else Problem(**p) for p in self.problems]


def write_log(path: Path, outcomes: list[Outcome], **settings) -> None:
    """Write the log of one grading run (`settings` such as the cell timeout are kept alongside)."""
    data = {"version": FORMAT_VERSION, "settings": settings, "outcomes": [asdict(o) for o in outcomes]}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    tmp.replace(path)  # a report never reads a half-written log


def read_log(path: Path) -> tuple[list[Outcome], dict]:
    """The outcomes and settings of the last grading run; no log (nothing graded yet) gives none."""
    if not path.is_file():
        return [], {}
    data = json.loads(path.read_text())
    if data.get("version") != FORMAT_VERSION:
        raise ValueError(f"{path} has log format {data.get('version')!r}, expected {FORMAT_VERSION}: "
                         "run the autograde step again")
    return [Outcome(**o) for o in data["outcomes"]], data.get("settings", {})
