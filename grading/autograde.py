"""Autograde a whole class, several students at once, so that no submission can stop the others.

Each submission is first checked (see `checks`), then graded by its own run of nbgrader's ``Autograde``
converter, whose kernel runs in a sandbox and whose test verdicts the grader checks itself
(`grading.preprocessors`). Whatever goes wrong is caught, classified and logged, and every submission that
could not be graded gets an explicit score of zero in the gradebook: no student's grade is ever silently
missing. Students are shared out among grading processes; the journal (`grading.journal`) makes an
interrupted run resumable.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.utils import capture_log, temp_attrs

from . import checks
from .course import CONFIG_FILE, Course, quiet_logger
from .gradebook import add_students, ensure_assignments, graded_submissions, record_zero, submission_score
from .isolation.sandbox import Sandbox
from .journal import Journal, fingerprint
from .preprocessors import SECRET_FILE, ApplyVerification, SandboxedExecute, require_sandbox
from .isolation.workers import close_zygotes
from .parallel import grade_in_parallel
from .records import ROUTINE, Outcome, Problem, write_log
from .verification import course_secret

# The problems that can leave a submission ungraded; the progress line names the first one.
ZEROING = ("invalid", "renamed", "missing notebook", "crashed", "timeout", "failed")


def autograde_class(course: Course, *, jobs: int | None = None, regrade: bool = False,
                    out=sys.stdout) -> list[Outcome]:
    """Grade every student's submission of every assignment, several students at once, and write the log.

    Students are shared out among `jobs` grading processes (default: one per core); each grades all of one
    student's assignments in turn, in sandboxes of its own. Every finished submission goes into the journal
    at once, so a run that is interrupted continues where it stopped when started again; a submission
    already graded, whose files and assignment have not changed since, is not graded again unless
    `regrade`. Prints a line per submission (with the time left) and, on a terminal, a progress bar.

    Returns
    -------
    list of Outcome
        One per student and assignment, sorted by student and assignment.

    Raises
    ------
    SandboxUnavailableError
        If students' code cannot be isolated here and unsandboxed grading was not accepted.
    """
    sandbox = Sandbox(config=course.config)
    require_sandbox(sandbox)
    if sandbox.unsandboxed:
        print("WARNING: grading WITHOUT the sandbox, as accepted (--unsandboxed): students' code runs as "
              "you, next to the gradebook", file=out)
    assignments = course.assignments()
    if not assignments:
        raise FileNotFoundError(f"no assignment in {course.folder('source')}: nothing to grade against")
    students = course.students()
    if not students:
        raise FileNotFoundError(f"no submissions in {course.folder('submitted')} "
                                "(expected submitted/<student>/<assignment>/<notebook>.ipynb)")
    if course.shard is not None:
        students = [student for student in students if course.in_shard(student)]
        print(f"shard {course.shard[0]} of {course.shard[1]}: {len(students)} students", file=out)
    for assignment in ensure_assignments(course, assignments):
        print(f"recorded {assignment} in the gradebook from {course.folder('source') / assignment}", file=out)
    add_students(course, students)
    course_secret(course.root / SECRET_FILE)  # made here once, before the grading processes read it

    journal = Journal(course.journal_file)
    if regrade:
        journal.clear()
    settings = _settings_fingerprint(course)
    known, graded_now = journal.latest(), graded_submissions(course)
    outcomes: dict[tuple[str, str], Outcome] = {}
    todo: dict[str, list[tuple[str, str]]] = {}
    for student in students:
        for assignment in assignments:
            folder = course.folder("submitted") / student / assignment
            if not folder.is_dir():
                outcomes[student, assignment] = Outcome(student, assignment, "missing", problems=[
                    Problem("missing", f"no folder {folder.relative_to(course.root)}")])
                continue
            digest = fingerprint(folder, course.folder("source") / assignment, extra=settings)
            previous = known.get((student, assignment))
            if previous and previous[0] == digest and (student, assignment) in graded_now:
                outcomes[student, assignment] = previous[1]
            else:
                todo.setdefault(student, []).append((assignment, digest))
    total = sum(map(len, todo.values()))
    unchanged = sum(outcome.status != "missing" for outcome in outcomes.values())
    if unchanged:
        print(f"{unchanged} submissions were graded since they last changed, and are not graded again "
              "(--regrade grades them too)", file=out)
    timeout = course.config.Execute.get("timeout", 30)
    try:
        for outcome, digest in grade_in_parallel(course, todo, jobs or os.cpu_count() or 1, grade_student, out):
            journal.record(outcome, digest)
            outcomes[outcome.student, outcome.assignment] = outcome
    except KeyboardInterrupt:
        done = sum(1 for key in outcomes if outcomes[key].status != "missing")
        print(f"\ninterrupted: every submission graded so far is kept; run the same command again to grade "
              f"the rest", file=out)
        write_log(course.log_file, _sorted(outcomes), timeout=timeout)
        raise
    result = _sorted(outcomes)
    write_log(course.log_file, result, timeout=timeout)
    _print_summary(result, course, out)
    return result


def _sorted(outcomes: dict) -> list[Outcome]:
    return [outcomes[key] for key in sorted(outcomes)]


def _settings_fingerprint(course: Course) -> bytes:
    """What else a grade depends on: the grading rules, and the grader's own code."""
    parts = [CONFIG_FILE.read_bytes()]
    parts += [path.read_bytes() for path in sorted(Path(__file__).parent.rglob("*.py"))]
    return b"\0".join(parts)


def grade_student(course: Course, student: str, work: list[tuple[str, str]], events) -> None:
    """Grade one student's submissions in turn, putting (outcome, fingerprint, progress line) of each on
    `events` as it is done (in a grading process, see `grading.parallel`)."""
    timeout = course.config.Execute.get("timeout", 30)
    try:
        for assignment, digest in work:
            try:
                outcome = grade_one(course, assignment, student, timeout)
            except Exception as error:  # a fault of the grading itself must not stop the class either
                _zero(course, assignment, student)
                outcome = Outcome(student, assignment, "zero", problems=[Problem(
                    "failed", f"grading stopped with {type(error).__name__}: {error}"[:300])])
            events.put((outcome, digest, f"{student}/{assignment} ... {_describe(course, outcome)}"))
    finally:
        close_zygotes()


def grade_one(course: Course, assignment: str, student: str, timeout: float) -> Outcome:
    """Check and grade one submission; never raises for anything wrong with the submission itself."""
    folder = course.folder("submitted") / student / assignment
    if not folder.is_dir():
        return Outcome(student, assignment, "missing",
                       problems=[Problem("missing", f"no folder {folder.relative_to(course.root)}")])
    start = time.perf_counter()
    with Gradebook(course.db_url) as gb:
        problems, fatal = checks.check_submission(folder, course.notebooks(assignment), gb, assignment)
    if fatal:
        _zero(course, assignment, student)
        return Outcome(student, assignment, "zero", time.perf_counter() - start, problems)

    coursedir = course.coursedir
    ApplyVerification.results.clear()
    SandboxedExecute.runs.clear()
    with temp_attrs(coursedir, assignment_id=assignment, student_id=student):
        app = Autograde(coursedir=coursedir, config=course.config, log=quiet_logger())
        app.force = True
        app.create_student = True
        result = capture_log(app)
    problems += [_run_problem(notebook, status) for notebook, status in SandboxedExecute.runs if status != "ok"]
    problems += [Problem("hidden tests" if override.hidden and override.verified < override.in_notebook
                         else "overridden", override.sentence())
                 for *_, overrides in ApplyVerification.results for override in overrides]
    seconds = time.perf_counter() - start
    if not result["success"]:
        problems.append(_classify_failure(result.get("log", "") + result.get("error", "")))
        _zero(course, assignment, student)
        return Outcome(student, assignment, "zero", seconds, problems)
    problems += _timeouts(course.folder("autograded") / student / assignment, timeout)
    return Outcome(student, assignment, "graded", seconds, problems)


def _zero(course: Course, assignment: str, student: str) -> None:
    record_zero(course, assignment, student)
    # An earlier run's graded copy no longer matches the submission: feedback must not be made from it.
    shutil.rmtree(course.folder("autograded") / student / assignment, ignore_errors=True)


def _run_problem(notebook: str, status: str) -> Problem:
    """Why a notebook's run in the sandbox stopped early (its cells that did not run scored nothing)."""
    if "ran longer than" in status:
        return Problem("timeout", f"{notebook}: {status}")
    if "DeadKernel" in status or "died" in status.lower():
        return Problem("crashed", f"{notebook}: the kernel died (e.g. os._exit, a crash, or out of memory); "
                                  "the cells after that did not run")
    return Problem("crashed", f"{notebook}: the run stopped early: {status}")


def _classify_failure(log: str) -> Problem:
    if "DeadKernelError" in log or "Kernel died" in log:
        return Problem("crashed", "the kernel died while running the notebook (e.g. os._exit, "
                                  "a segfault, or running out of memory)")
    if "UnresponsiveKernelError" in log or "became unresponsive" in log:
        return Problem("timeout", "the kernel stopped responding and could not be interrupted")
    if "nbgrader metadata may be corrupted" in log:
        return Problem("failed", "the nbgrader metadata of a cell was damaged (e.g. a duplicated grade id)")
    # The most specific message: the last exception raised, other than nbgrader's closing "see above".
    errors = [match.group(2) for match in re.finditer(r"^\s*([\w.]*\.)?(\w+(?:Error|Exception): .*)$", log,
                                                      re.MULTILINE)
              if "see the the above traceback" not in match.group(2)]
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    return Problem("failed", (errors or lines or ["nbgrader gave no message"])[-1][:300])


def _timeouts(folder: Path, timeout: float) -> list[Problem]:
    problems = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            if any(out.get("ename") == "CellTimeoutError" for out in cell.get("outputs", [])):
                name = cell.metadata.get("nbgrader", {}).get("grade_id", f"number {index}")
                problems.append(Problem("timeout", f"{path.stem}: cell {name} ran longer than {timeout:g} s "
                                                   "and was interrupted"))
    return problems


def _describe(course: Course, outcome: Outcome) -> str:
    if outcome.status == "missing":
        return "not submitted"
    score, max_score, manual = submission_score(course, outcome.assignment, outcome.student)
    text = f"{score:g}/{max_score:g}" + (f" ({manual:g} to grade by hand)" if manual else "")
    text += f" in {outcome.seconds:.1f} s"
    if outcome.status == "zero":
        reasons = [p.kind for p in outcome.problems if p.kind in ZEROING] or ["failed"]
        text = f"ZERO ({reasons[0]}) in {outcome.seconds:.1f} s"
    kinds = sorted({p.kind for p in outcome.problems} - {"missing"} - ROUTINE)
    return text + (f"; check: {', '.join(kinds)}" if kinds and outcome.status != "zero" else "")


def _print_summary(outcomes: list[Outcome], course: Course, out) -> None:
    counts = {status: sum(o.status == status for o in outcomes) for status in ("graded", "zero", "missing")}
    flagged = sum(any(p.kind not in ROUTINE for p in o.problems) and o.status == "graded" for o in outcomes)
    print(f"\n{counts['graded']} graded ({flagged} of them to check), {counts['zero']} scored zero, "
          f"{counts['missing']} not submitted. Log: {course.log_file}", file=out)
