"""Issue 5: no submission can earn a point it does not deserve, see a hidden test, touch another student's
grade, or outlive grading.

One temporary class of relu_basics holds the catalogue of tests/hostile.py: honest submissions, and hostile
or broken ones of every kind (forged test cells and metadata, sabotaged processes, tampering with Python,
attacks on the file system, calls into the reference, hard-coded answers, unreadable files). It is graded
once by ``python -m grading autograde``, as the instructor runs it, inside a small wrapper process that
adopts whatever the grading leaves running (a "child subreaper"), so that a survivor can be found. The tests
then read what grading left behind: the gradebook, the grading log, the graded notebooks, the processes.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry

from . import hostile
from .hostile import ASSIGNMENT, CATALOGUE, HONEST, HOSTILE, POINTS, Hostile, Kit

ROOT = Path(__file__).resolve().parent.parent
BWRAP = Path("/usr/bin/bwrap")
CELL_TIMEOUT, NOTEBOOK_TIMEOUT = 5, 60
SANDBOX_UIDS = range(61000, 61064)  # grading/isolation/sandbox.py: FIRST_UID and one per parallel slot
# The problems that leave a submission with a recorded zero (grading/autograde.py's ZEROING).
ZEROING = {"invalid", "renamed", "missing notebook", "crashed", "timeout", "failed"}

# Runs the grader as its child, as a "child subreaper" (prctl PR_SET_CHILD_SUBREAPER): a process that the
# grading leaves behind is adopted here instead of by init, so it is found, reported and then ended.
WRAPPER = r'''
import ctypes, json, os, signal, subprocess, sys, time

ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
report, command = sys.argv[1], sys.argv[2:]
returncode = subprocess.run(command).returncode


def table():
    processes = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
            cmdline = open(f"/proc/{entry}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
            uid = next(int(line.split()[1]) for line in open(f"/proc/{entry}/status") if line.startswith("Uid:"))
        except (OSError, ValueError, StopIteration):
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        processes[int(entry)] = {"ppid": int(ppid), "state": state, "uid": uid, "cmdline": cmdline}
    return processes


def left():
    while True:  # reap the adopted processes that have ended
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
    processes = table()
    mine, found = {os.getpid()}, True
    while found:
        found = False
        for pid, process in processes.items():
            if pid not in mine and process["ppid"] in mine and process["state"] != "Z":
                mine.add(pid)
                found = True
    return {pid: processes[pid] for pid in mine - {os.getpid()}}


deadline = time.monotonic() + 10  # sandboxes that are being torn down take a moment
survivors = left()
while survivors and time.monotonic() < deadline:
    time.sleep(0.2)
    survivors = left()
for pid in survivors:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
time.sleep(0.5)
left()
with open(report, "w") as file:
    json.dump({"returncode": returncode, "survivors": list(survivors.values())}, file)
sys.exit(returncode)
'''


@dataclass
class Graded:
    """A graded class: the course, the kit its submissions were built with, and what grading left."""

    course: Path
    kit: Kit
    run: subprocess.CompletedProcess
    survivors: list[dict] | None  # None: the wrapper wrote no report
    hashes: dict[str, str]  # every submitted file before grading -> its sha256
    scores: dict[str, float | None]  # student -> find_submission(...).score (None: no submission)
    grades: dict[str, dict[str, dict]]  # student -> grade id -> score, max_score, auto_score, manual_score
    max_score: float
    students: set[str]  # in the gradebook
    outcomes: dict[str, dict]  # student -> its outcome in grading_log.json

    def graded_notebook(self, student: str):
        path = self.course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        return nbformat.read(path, as_version=4) if path.is_file() else None


def _require_sandbox() -> None:
    """The grader refuses to run without its sandbox; CI installs bubblewrap, so there it must be."""
    reason = None
    if not BWRAP.exists():
        reason = f"{BWRAP} is missing: apt-get install bubblewrap (.ci/run does)"
    else:
        from grading.isolation.sandbox import Sandbox, check_available
        reason = check_available(Sandbox())
    if reason is not None:
        message = f"the grading sandbox is unavailable: {reason}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _grading(course: Path, *command: str, wrapper: Path | None = None, report: Path | None = None):
    argv = [sys.executable, "-m", "grading", "--course-dir", str(course), *command]
    if wrapper is not None:
        argv = [sys.executable, str(wrapper), str(report), *argv]
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=900)


def _hashes(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Graded:
    """The catalogue's class, graded once by the grader's command line with short time limits."""
    _require_sandbox()
    course = tmp_path_factory.mktemp("adversarial")
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, course / "solutions" / ASSIGNMENT)
    done = _grading(course, "assignments")
    assert done.returncode == 0, f"generating the student version failed:\n{done.stdout}\n{done.stderr}"
    solution = nbformat.read(course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    released = nbformat.read(course / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    kit = Kit(course, ROOT, uuid.uuid4().hex, released, hostile.right_answers(solution))
    for entry in CATALOGUE:
        entry.build(kit, course / "submitted" / entry.name / ASSIGNMENT)
    hashes = _hashes(course / "submitted")

    wrapper, report = course.parent / "subreaper.py", course.parent / "subreaper.json"
    wrapper.write_text(WRAPPER)
    run = _grading(course, "autograde", "--timeout", str(CELL_TIMEOUT), "--notebook-timeout",
                   str(NOTEBOOK_TIMEOUT), wrapper=wrapper, report=report)
    survivors = json.loads(report.read_text())["survivors"] if report.is_file() else None

    scores, grades = {}, {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        students = {student.id for student in gb.students}
        max_score = float(gb.find_assignment(ASSIGNMENT).max_score)
        for entry in CATALOGUE:
            try:
                submission = gb.find_submission(ASSIGNMENT, entry.name)
            except MissingEntry:
                scores[entry.name] = None
                continue
            scores[entry.name] = float(submission.score)
            grades[entry.name] = {grade.name: {"score": float(grade.score or 0), "max_score": float(grade.max_score),
                                               "auto_score": grade.auto_score, "manual_score": grade.manual_score}
                                  for notebook in submission.notebooks for grade in notebook.grades}
    log = course / "grading_log.json"
    outcomes = {o["student"]: o for o in json.loads(log.read_text())["outcomes"]} if log.is_file() else {}
    return Graded(course, kit, run, survivors, hashes, scores, grades, max_score, students, outcomes)


def _ids(entries):
    return [entry.name for entry in entries]


def _params(entries, check: str):
    """The entries as test parameters, named after them (`check` says which assertion uses them)."""
    return [pytest.param(entry, id=entry.name) for entry in entries]


def _outputs(nb) -> str:
    """Everything the cells of a graded notebook show (not their sources)."""
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            texts.append(str(output.get("text", "")))
            texts += [str(value) for value in output.get("data", {}).values()]
            texts += [str(output.get("ename", "")), str(output.get("evalue", ""))]
            texts += [str(line) for line in output.get("traceback", [])]
    return "\n".join(texts)


def _hidden_lines() -> list[str]:
    """Distinctive lines of relu_basics' hidden tests: long, and nowhere in the visible part of the notebook."""
    source = nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    hidden, visible = [], []
    for cell in source.cells:
        inside = False
        for line in cell.source.splitlines():
            if "### BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "### END HIDDEN TESTS" in line:
                inside = False
            else:
                (hidden if inside else visible).append(line.strip())
    shown = "\n".join(visible)
    return [line for line in dict.fromkeys(hidden) if len(line) >= 25 and line not in shown]


# --- the run itself ----------------------------------------------------------------------------------------

def test_catalogue_is_a_full_spec():
    """the catalogue holds at least 25 hostile submissions of every kind and 3 honest ones, under one name
    each, and its points are those of the instructor's source"""
    assert len(HOSTILE) >= 25 and len(HONEST) >= 3
    assert {entry.kind for entry in CATALOGUE} == set(hostile.KINDS)
    assert len({entry.name for entry in CATALOGUE}) == len(CATALOGUE)
    source = nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    points = {cell.metadata["nbgrader"]["grade_id"]: float(cell.metadata["nbgrader"]["points"])
              for cell in source.cells if cell.metadata.get("nbgrader", {}).get("grade")}
    assert points == POINTS


def test_grading_runs_through(graded):
    """the hostile class does not stop the grader: the command succeeds and grades everyone"""
    assert graded.run.returncode == 0, f"{graded.run.stdout[-3000:]}\n{graded.run.stderr[-3000:]}"
    assert graded.max_score == sum(POINTS.values()) == 9, "the assignment's maximum score changed"


# --- 1. nobody is dropped, the honest get exactly what they deserve ------------------------------------------

def test_every_student_has_a_score(graded):
    """every student is in the gradebook, and every one with a submission folder has a recorded score"""
    assert {entry.name for entry in CATALOGUE} <= graded.students
    for entry in CATALOGUE:
        if entry.status == "missing":
            assert graded.scores[entry.name] is None, f"{entry.name} submitted nothing, yet has a submission"
        else:
            assert graded.scores[entry.name] is not None, f"{entry.name} has no recorded score"


@pytest.mark.parametrize("entry", _params(HONEST, "score"))
def test_honest_submission_gets_its_exact_score(graded, entry: Hostile):
    """an honest submission gets exactly the points of the tests its code passes"""
    assert graded.scores[entry.name] == entry.score, f"{entry.name}: {entry.why}"


# --- 2. no undeserved point, and no lost one ---------------------------------------------------------------

def _cell_scores(graded, entry: Hostile) -> dict[str, float]:
    return {name: grade["score"] for name, grade in graded.grades.get(entry.name, {}).items()}


@pytest.mark.parametrize("entry", _params(HOSTILE, "score"))
def test_hostile_submission_gets_exactly_what_its_code_deserves(graded, entry: Hostile):
    """each test cell of a hostile submission scores its points if the submission's code deserves them and
    zero otherwise: tampering with a wrong answer earns nothing, tampering with a right one loses nothing"""
    score = graded.scores[entry.name]
    if entry.status == "missing":
        assert score is None
        return
    expected = {test: (POINTS[test] if test in entry.deserves else 0.0) for test in POINTS}
    got = _cell_scores(graded, entry)
    wrong = {test: f"got {got.get(test)}, deserves {points}" for test, points in expected.items()
             if got.get(test, 0.0) != points}
    assert not wrong, f"{entry.name} ({entry.why}): {wrong}"
    assert score == entry.score, f"{entry.name} ({entry.why}): scored {score}, deserves {entry.score}"


def test_no_grade_exceeds_its_points(graded):
    """no forged metadata or gradebook write gives a cell more than its points, or adds a graded cell"""
    for student, grades in graded.grades.items():
        assert set(grades) <= set(POINTS), f"{student} has grades of unknown cells: {set(grades) - set(POINTS)}"
        for name, grade in grades.items():
            assert grade["max_score"] == POINTS[name], f"{student}/{name}: max score {grade['max_score']}"
            assert 0 <= grade["score"] <= grade["max_score"], f"{student}/{name}: score {grade['score']}"


# --- 3. no other student's grade or file is touched ------------------------------------------------------------

def test_submitted_files_are_unchanged(graded):
    """no submission changed any submitted file, another student's included"""
    assert _hashes(graded.course / "submitted") == graded.hashes


def test_attack_files_were_not_written(graded):
    """the writing attacks and the daemon left no file where they aimed, the course directory included"""
    paths = graded.kit.marker_paths()
    paths += [Path(str(path).replace("pwned", "daemon")) for path in paths]
    written = [path for path in paths if path.exists()] + list(graded.course.rglob(f"*{graded.kit.token}*"))
    for path in written:  # one of them would be in this repository
        path.unlink()
    assert written == []


@pytest.mark.parametrize(("student", "verb"), [("files_read", "read"), ("files_write", "write")])
def test_file_attacks_were_blocked(graded, student: str, verb: str):
    """every read of a secret file and every write to the course failed inside the sandbox (the attack ran:
    it printed a line for each target)"""
    nb = graded.graded_notebook(student)
    assert nb is not None, f"{student} was not graded"
    lines = [line for line in _outputs(nb).splitlines() if line.startswith(f"ATTACK {verb} ")]
    assert len(lines) >= 5, f"the {verb} attack did not run: {lines}"
    assert all(": blocked (" in line for line in lines), "\n".join(lines)


# --- 4. no hidden test leaks -----------------------------------------------------------------------------------

def test_hidden_test_lines_are_distinctive():
    """the leak check below has hidden lines to look for, and none of them is in the student version"""
    lines = _hidden_lines()
    assert len(lines) >= 8, lines
    released = (ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert not [line for line in lines if json.dumps(line)[1:-1] in released]


def test_no_hidden_test_in_any_output(graded):
    """no graded notebook shows a hidden test in its outputs, and no other file that grading kept (a
    submission's extra files) holds one"""
    lines = _hidden_lines()
    leaks, sources = [], ""
    for path in sorted((graded.course / "autograded").rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            text = _outputs(nb)
            sources += "\n".join(cell.source for cell in nb.cells)
        else:
            text = path.read_text(errors="replace")
        leaks += [f"{path.relative_to(graded.course)}: {line}" for line in lines if line in text]
    assert not leaks, "\n".join(leaks)
    # The graded notebooks' test cells are the instructor's, hidden tests included: the lines looked for are
    # really there to be found, in the sources.
    assert all(line in sources for line in lines)


def test_file_search_found_no_hidden_test(graded):
    """the search of the whole file system ran in the sandbox and found none of relu_basics' hidden tests
    (it may find nbgrader's own examples of the marker, in the installed packages)"""
    nb = graded.graded_notebook("files_search")
    assert nb is not None, "files_search was not graded"
    text = _outputs(nb)
    assert "ATTACK search: read " in text, f"the search did not finish: {text[-2000:]}"
    assert not [line for line in _hidden_lines() if line in text]
    assert str(graded.course) not in text, "the search found the course directory"


def test_shadow_modules_are_not_imported(graded):
    """a numpy.py or relu_reference.py submitted beside the notebook is never imported by the kernel"""
    for student in ("shadow_numpy_right", "shadow_reference"):
        nb = graded.graded_notebook(student)
        assert nb is not None, f"{student} was not graded"
        assert f"SHADOW {graded.kit.token}" not in _outputs(nb), f"{student}'s module was imported"


# --- 5. nothing outlives grading ----------------------------------------------------------------------------------

def _processes() -> dict[int, dict]:
    processes = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        uid = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("Uid:"))
        processes[int(entry)] = {"ppid": int(ppid), "state": state, "uid": uid, "cmdline": cmdline,
                                 "name": stat.split("(", 1)[1].rsplit(")", 1)[0]}
    return processes


def test_no_process_survives_grading(graded):
    """when the grader has finished, none of the processes it started, or students' code started, is left"""
    assert graded.survivors is not None, f"the wrapper reported nothing:\n{graded.run.stderr[-3000:]}"
    assert graded.survivors == [], json.dumps(graded.survivors, indent=1)


def test_no_process_carries_the_token(graded):
    """no process anywhere carries the run's token: the sleeper and the daemon ended with their sandbox"""
    found = [p["cmdline"] for p in _processes().values() if graded.kit.token in p["cmdline"]]
    assert found == []


def _in_live_sandbox(pid: int, processes: dict) -> bool:
    """Whether `pid` runs in a sandbox of another grading that is still running: under a bubblewrap whose
    parent (a grader) is alive. An orphaned sandbox has init for its parent."""
    seen = set()
    while pid in processes and pid not in seen:
        seen.add(pid)
        parent = processes[pid]["ppid"]
        if processes[pid]["name"] == "bwrap" and processes.get(parent, {}).get("name") != "bwrap":
            return parent > 1 and parent in processes
        pid = parent
    return False


def test_sandbox_users_own_no_process(graded):
    """no process of a sandbox user is left, except in sandboxes of other gradings still running on this
    machine (on CI there are none)"""
    processes = _processes()
    left = [p for pid, p in processes.items()
            if p["uid"] in SANDBOX_UIDS and p["state"] != "Z" and not _in_live_sandbox(pid, processes)]
    assert left == [], json.dumps(left, indent=1)


# --- 6. every submission is logged, with a reason where it was zeroed or overridden ---------------------------

@pytest.mark.parametrize("entry", _params(CATALOGUE, "log"))
def test_submission_is_logged_with_its_status_and_problems(graded, entry: Hostile):
    """the grading log has the submission's expected status and names its expected problems; a zero has a
    zeroing reason, and every problem says what happened"""
    outcome = graded.outcomes.get(entry.name)
    assert outcome is not None, f"{entry.name} is not in grading_log.json"
    kinds = [problem["kind"] for problem in outcome["problems"]]
    assert outcome["status"] == entry.status, f"{entry.name}: {outcome}"
    assert set(entry.problems) <= set(kinds), f"{entry.name}: expected {entry.problems}, got {outcome['problems']}"
    assert all(problem["detail"].strip() for problem in outcome["problems"]), outcome["problems"]
    if entry.status == "zero":
        assert ZEROING & set(kinds), f"{entry.name} was zeroed without a reason: {outcome['problems']}"


@pytest.mark.parametrize("entry", CATALOGUE, ids=_ids(CATALOGUE))
def test_override_is_logged_and_explained(graded, entry: Hostile):
    """where the grader's verdict replaced the notebook's, the log says so and so does the test cell's
    output in the graded notebook"""
    overridden = sorted(name for name, grade in graded.grades.get(entry.name, {}).items()
                        if grade["manual_score"] is not None)
    if not overridden:
        return
    kinds = {problem["kind"] for problem in graded.outcomes[entry.name]["problems"]}
    assert kinds & {"overridden", "hidden tests"}, f"{entry.name}: {overridden} overridden, log says {kinds}"
    nb = graded.graded_notebook(entry.name)
    assert nb is not None, f"{entry.name} has overridden grades but no graded notebook"
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in overridden:
            assert "Grader's verification" in _outputs(nbformat.v4.new_notebook(cells=[cell])), \
                f"{entry.name}: the override of {cell.metadata['nbgrader']['grade_id']} is not explained"


def test_output_flood_is_cut(graded):
    """two million printed lines leave a graded notebook of modest size"""
    path = graded.course / "autograded" / "output_flood_right" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert path.is_file(), "output_flood_right was not graded"
    assert path.stat().st_size < 4 << 20, f"{path.stat().st_size} bytes"
