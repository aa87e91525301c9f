"""The grader's own verdict on every autograded test cell, decided where a student's code cannot reach.

The instructor's cells (setup and tests, hidden tests included, as the source notebook has them) run here,
in the grading process. The student's cells run in a sandboxed worker (`grading.isolation.worker`) and never
see a test. Every name the instructor's solution cells define (``relu``, ``LARGE_LEARNING_RATE``, ...) is
bound here to what the student's cells made of it: a value is copied over as plain data, a function becomes
a `StudentFunction`, whose calls run in the worker on the arguments the test chose, while the test compares
the results with `relu_reference` here. So the tests are exactly the notebook's, and whatever the student's
code does to its own process (replacing numpy's comparisons, neutering ``assert``, planting modules) cannot
change a verdict.

Inputs the tests draw without a seed (``np.random.default_rng()``) are drawn from a seed made of the
course's secret and the submission's name: unknown to students, and the same at every grading, in parallel
or not.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import hashlib
import io
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .isolation import codec
from .isolation.sandbox import Sandbox
from .isolation.workers import Worker, WorkerError



@dataclass(frozen=True)
class Verdict:
    """The grader's verdict on one test cell."""

    grade_id: str
    passed: bool
    detail: str = ""  # why it failed, as the test said it


@dataclass
class Plan:
    """What to run where, for one notebook: derived from the instructor's source notebook only."""

    trusted: list[tuple[str, str, bool]]  # (label, source, is_test) of the instructor's code cells, in order
    worker: list[tuple[str, str, bool]]  # (label, source, statementwise) of what the worker runs, in order
    answers: list[str]  # the names the solution cells define
    may_use_reference: set[str] = field(default_factory=set)
    points: dict[str, float] = field(default_factory=dict)  # test cell -> its points


def make_plan(source_nb, submitted_nb) -> Plan:
    """Split a submission into the instructor's cells (taken from `source_nb`) and the student's.

    A cell of the submission counts as the instructor's only if the source notebook has a locked cell with
    its grade id; its text is then taken from the source. Everything else is the student's, whatever its
    metadata claims: a forged "locked" or "grade" cell is just more student code.
    """
    locked, answers, points = {}, [], {}
    trusted = []
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        grade_id = meta.get("grade_id")
        if meta.get("solution"):
            answers += [name for name in _bound_names(cell.source) if name not in answers]
        elif meta.get("locked") and grade_id:
            is_test = bool(meta.get("grade"))
            locked[grade_id] = (cell.source, is_test)
            trusted.append((grade_id, cell.source, is_test))
            if is_test:
                points[grade_id] = float(meta.get("points", 0))
    worker, seen = [], set()
    for index, cell in enumerate(submitted_nb.cells):
        if cell.cell_type != "code":
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in locked and grade_id not in seen:
            seen.add(grade_id)
            source, is_test = locked[grade_id]
            if not is_test:  # the tests never reach the worker
                worker.append((f"<cell {grade_id}>", source, True))
        elif grade_id not in locked:
            worker.append((f"<your cell {index + 1}>", cell.source, False))
    # Setup cells the student deleted still run first, so that the student's functions find their helpers.
    missing = [(f"<cell {gid}>", src, True) for gid, (src, test) in locked.items() if gid not in seen and not test]
    allowed = set(source_nb.metadata.get("relu_course", {}).get("may_use_reference", []))
    return Plan(trusted, missing + worker, answers, allowed, points)


def _bound_names(source: str) -> list[str]:
    """The names a cell binds at its top level (functions, classes, assignments)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(statement.name)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                names += [node.id for node in ast.walk(target) if isinstance(node, ast.Name)]
    return names


# --- the worker, seen from the grader -------------------------------------------------------------------

class StudentFunction:
    """A student's function as the tests see it: calling it runs it in the worker.

    The arguments travel as plain data (the grader's own functions as handles the worker can call back),
    the result comes back as plain data, and the arguments are updated in place as the function left them,
    so a test still sees a function that modifies its input.
    """

    def __init__(self, worker: Worker, name: str):
        self._worker, self.__name__, self.__qualname__ = worker, name, name

    def __call__(self, *args, **kwargs):
        reply = self._call(args, kwargs, count_lines=False)
        return reply["value"]

    def __count_python_lines__(self, *args, **kwargs) -> int:
        """How many Python lines and calls ran in the worker for this call (see `check_vectorised`)."""
        return self._call(args, kwargs, count_lines=True)["lines"]

    def __repr__(self):
        return f"<your function {self.__name__}>"

    def _call(self, args, kwargs, count_lines):
        try:
            reply = self._worker.call(self.__name__, args, kwargs, count_lines)
        except codec.EncodingError as error:
            raise TypeError(f"{self.__name__}: {error}") from None
        except WorkerError as error:
            raise RuntimeError(f"{self.__name__} could not be run: {error}") from None
        if not reply.get("ok"):
            raise _student_error(self.__name__, reply.get("type", ""), reply.get("error", ""))
        for original, after in zip(args, reply.get("args") or ()):
            _write_back(original, after)
        for name, after in (reply.get("kwargs") or {}).items():
            if name in kwargs:
                _write_back(kwargs[name], after)
        return reply


def _student_error(name: str, kind: str, message: str) -> Exception:
    if kind == "ReferenceUnavailableError":
        from relu_reference.checking import ReferenceUsedError
        return ReferenceUsedError(f"{name} uses relu_reference: {message.split(': ', 1)[-1]}")
    builtin = getattr(builtins, kind, None)
    text = message.split(": ", 1)[-1] if message.startswith(kind) else message
    if isinstance(builtin, type) and issubclass(builtin, Exception) and not issubclass(builtin, OSError):
        return builtin(text)
    return RuntimeError(f"{name} raised {message}")


def _write_back(original, after) -> None:
    """Make `original` (an argument the test passed) what the student's function left it as."""
    if isinstance(original, np.ndarray) and isinstance(after, np.ndarray):
        if original.shape == after.shape and original.flags.writeable and \
                not np.array_equal(original, after.astype(original.dtype, copy=False), equal_nan=True):
            np.copyto(original, after, casting="unsafe")
    elif isinstance(original, dict) and isinstance(after, dict):
        for key in list(original):
            if key not in after:
                del original[key]
        for key, value in after.items():
            if key in original and isinstance(original[key], (np.ndarray, dict, list)):
                _write_back(original[key], value)
            elif key not in original or not _same(original[key], value):
                original[key] = value
    elif isinstance(original, list) and isinstance(after, list):
        if len(original) != len(after):
            original[:] = after
        else:
            for index, value in enumerate(after):
                if isinstance(original[index], (np.ndarray, dict, list)):
                    _write_back(original[index], value)
                elif not _same(original[index], value):
                    original[index] = value


def _same(a, b) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # noqa: BLE001
        return False


# --- running the instructor's cells ---------------------------------------------------------------------

def verify(plan: Plan, sandbox: Sandbox, *, owner: str, seed: bytes, timeout: float,
           notebook_timeout: float) -> tuple[
        list[Verdict], dict[str, str]]:
    """Run the plan: the student's cells in workers, the instructor's here; one verdict per test cell.

    Returns
    -------
    verdicts : list of Verdict
    cell_errors : dict
        What went wrong in the student's cells, by cell label (for the instructor).
    """
    deadline = time.monotonic() + notebook_timeout
    workers = {"stub": Worker(sandbox, owner, plan.worker, "stub", timeout, deadline)}
    if plan.may_use_reference:
        workers["real"] = Worker(sandbox, owner, plan.worker, "real", timeout, deadline)
    namespace: dict = {"__name__": "__main__"}
    verdicts = []
    try:
        bindings = _student_bindings(plan, workers)
        with _seeded_rng(seed), _quiet():
            for label, source, is_test in plan.trusted:
                namespace.update(bindings)
                try:
                    exec(compile(source, f"<{label}>", "exec"), namespace)  # noqa: S102 -- the instructor's
                except Exception as error:  # noqa: BLE001 -- a failing test is a verdict
                    if is_test:
                        verdicts.append(Verdict(label, False, _last_line(error)))
                else:
                    if is_test:
                        verdicts.append(Verdict(label, True))
                finally:
                    _close_figures()
        errors = {}
        for worker in workers.values():
            errors.update(worker.cell_errors)
        return verdicts, errors
    finally:
        for worker in workers.values():
            worker.close()


def _student_bindings(plan: Plan, workers: dict[str, Worker]) -> dict:
    """The solution cells' names, as the student's cells left them: values, or `StudentFunction` s."""
    bindings = {}
    try:
        described = workers["stub"].describe(plan.answers)
    except WorkerError:
        return bindings  # nothing could be run: every name is missing, every test fails on it
    for name, what in described.items():
        if what.get("kind") == "function":
            worker = workers["real"] if name in plan.may_use_reference else workers["stub"]
            bindings[name] = StudentFunction(worker, name)
        elif what.get("kind") == "value":
            bindings[name] = what["value"]
    return bindings


def _last_line(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".strip()
    return text[:2000]


@contextlib.contextmanager
def _seeded_rng(seed: bytes):
    """`np.random.default_rng()` without a seed draws from `seed`, a new stream at each call."""
    original = np.random.default_rng
    calls = 0

    def default_rng(seed_arg=None):
        nonlocal calls
        if seed_arg is not None:
            return original(seed_arg)
        calls += 1
        digest = hashlib.sha256(seed + calls.to_bytes(8, "big")).digest()
        return original(np.random.SeedSequence(list(np.frombuffer(digest, dtype=np.uint32))))

    np.random.default_rng = default_rng
    try:
        yield
    finally:
        np.random.default_rng = original


@contextlib.contextmanager
def _quiet():
    """The instructor's cells print and plot for the student; here nobody is watching."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _close_figures() -> None:
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def submission_seed(secret: bytes, student: str, assignment: str, notebook: str) -> bytes:
    """The seed of one notebook's verification: the course's secret and the notebook's name."""
    return hashlib.sha256(b"\0".join([secret, student.encode(), assignment.encode(), notebook.encode()])).digest()


def course_secret(path: Path) -> bytes:
    """The course's secret (created on first use, readable by the instructor only)."""
    if not path.is_file():
        with contextlib.suppress(FileExistsError):  # another grading process made it first
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(os.urandom(32).hex().encode())
    return path.read_bytes().strip()
