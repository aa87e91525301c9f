"""Grading a synthetic class: the parallel sandboxed grader against stock sequential nbgrader, and the cost
of isolation per notebook.

The class (BENCH_STUDENTS students, default 30, times every assignment in solutions/) is built once: honest
students hand in, alternately, the instructor's answers typed into the released notebook (full marks) and
the untouched released notebook (zero), and three hostile students are spread among them: one whose answer
loops forever (in the first assignment only, so that it costs one cell timeout per grader, not five), one
whose answers are wrong but make numpy's comparisons always succeed, and one whose answers call
relu_reference. Then, in one run of this section:

* throughput: stock ``nbgrader autograde ASSIGNMENT --force --create``, assignment after assignment, from a
  copy of the class with a plain nbgrader_config.py (nbgrader's own preprocessors, kernels unsandboxed, no
  verification), against ``python -m grading autograde`` (one grading process per core, every kernel and
  every check of a test in a sandbox), both with a 10 s cell timeout. One run each, the stock one first:
  each takes minutes, and a second would double the section's time;
* isolation: the same grader with ``--jobs 1``, sandboxed and ``--unsandboxed`` (the very same pipeline
  without bubblewrap; the resource limits stay), alternately, on a subset of honest students, so that a
  change in the machine's load weighs on both sides alike. The hostile ones are left out there: the
  endless loop costs the same two timeouts either way and would only add noise;
* the results: our grader's score of every honest submission must be what it deserves (a warning says
  otherwise), and the hostile students' scores are shown beside stock nbgrader's.
"""
from __future__ import annotations

import ast
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

import relu_reference

TITLE = "Grading: parallel sandboxed grader against stock nbgrader, and the cost of isolation"
ROOT = Path(__file__).resolve().parent.parent
NBGRADER = Path(sys.executable).parent / "nbgrader"  # the stock command line, from this environment
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "30"))
TIMEOUT = 10  # seconds per cell, in both graders: an endless loop costs this much in each
SUBSET = 6  # honest students graded in the isolation measurement
ROUNDS = 3  # sandboxed and unsandboxed runs each, interleaved

# What the hostile student "spoiled_numpy" puts at the top of its first answer: wrong answers of the right
# type and shape, and numpy's comparisons made to agree with anything, so that in-notebook tests pass.
SPOILER = '''import numpy as np


def _spoil(value):
    if isinstance(value, (float, np.floating)) or (isinstance(value, np.ndarray) and value.dtype.kind == "f"):
        return value + 1.0
    if isinstance(value, dict):
        return {key: _spoil(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)([_spoil(item) for item in value])
    return value


def _spoiled(function):
    def spoiled(*args, **kwargs):
        return _spoil(function(*args, **kwargs))
    spoiled.__name__ = function.__name__
    return spoiled


np.all = lambda *args, **kwargs: True
np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
np.testing.assert_array_equal = lambda *args, **kwargs: None

'''


# --- the class ------------------------------------------------------------------------------------------

@dataclass
class Class:
    """A synthetic class in a course directory: who handed in what."""

    course: Path
    assignments: list[str]
    kinds: dict[str, str]  # student -> "solution", "untouched", or a hostile kind
    notebooks_per_student: int

    @property
    def notebooks(self) -> int:
        return self.notebooks_per_student * len(self.kinds)

    def honest(self) -> list[str]:
        return [s for s, kind in self.kinds.items() if kind in ("solution", "untouched")]

    def hostile(self) -> list[str]:
        return [s for s in self.kinds if s not in self.honest()]


def typed_answers(source_nb) -> dict[str, str]:
    """Each answer cell's grade id and the instructor's answer as a student would type it: the source
    notebook's text without nbgrader's solution markers."""
    markers = {"### BEGIN SOLUTION", "### END SOLUTION"}
    return {cell.metadata["nbgrader"]["grade_id"]:
            "\n".join(line for line in cell.source.splitlines() if line.strip() not in markers)
            for cell in source_nb.cells if cell.metadata.get("nbgrader", {}).get("solution")}


def filled_in(released_nb, answers: dict[str, str]):
    """A copy of the released notebook with `answers` (grade id -> source) typed into its answer cells."""
    nb = copy.deepcopy(released_nb)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def function_names(source: str) -> list[str]:
    """The functions a cell defines at its top level."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a markdown answer
        return []
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]


def endless_loop(answers: dict[str, str], first_assignment: bool) -> dict[str, str]:
    """The right answers, with an endless loop after the first one of the first assignment only."""
    answers = dict(answers)
    if first_assignment:
        grade_id = next(g for g, source in answers.items() if function_names(source))
        answers[grade_id] += "\n\nwhile True:\n    pass\n"
    return answers


def spoiled_numpy(answers: dict[str, str], first_assignment: bool) -> dict[str, str]:
    """Every function answer off by one, with numpy's comparisons patched to hide it (see SPOILER)."""
    answers = dict(answers)
    first = next(g for g, source in answers.items() if function_names(source))
    for grade_id, source in answers.items():
        wrapped = "".join(f"\n{name} = _spoiled({name})" for name in function_names(source))
        answers[grade_id] = (SPOILER if grade_id == first else "") + source + wrapped + "\n" * bool(wrapped)
    return answers


def calls_reference(answers: dict[str, str], first_assignment: bool) -> dict[str, str]:
    """Every answer that relu_reference has a function for replaced by a call of it (the notebooks import
    the package as ``ref``)."""
    answers = dict(answers)
    for grade_id, source in answers.items():
        for name in function_names(source):
            if name in relu_reference.__all__:
                source += f"\n\ndef {name}(*args, **kwargs):\n    return ref.{name}(*args, **kwargs)\n"
        answers[grade_id] = source
    return answers


HOSTILE = {"endless_loop": endless_loop, "spoiled_numpy": spoiled_numpy, "calls_reference": calls_reference}


def class_kinds(students: int) -> dict[str, str]:
    """Who hands in what: the hostile students spread evenly through the class (at least two honest ones
    stay), the honest ones alternately the solution and the untouched notebook."""
    hostile = min(len(HOSTILE), max(0, students - 2))
    places = {round((k + 0.5) * students / hostile): kind for k, kind in enumerate(HOSTILE) if k < hostile}
    kinds, honest = {}, 0
    for number in range(students):
        if number in places:
            kinds[f"student{number:02d}"] = places[number]
        else:
            kinds[f"student{number:02d}"] = ("solution", "untouched")[honest % 2]
            honest += 1
    return kinds


def make_class(course: Path, students: int) -> Class:
    """Copy solutions/ into `course`, generate the released notebooks, and hand in every assignment for
    every student (see `class_kinds`)."""
    shutil.copytree(ROOT / "solutions", course / "solutions")
    grading(course, "assignments")
    assignments = sorted(p.name for p in (course / "solutions").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
    kinds = class_kinds(students)
    for index, assignment in enumerate(assignments):
        for released_path in sorted((course / "exercises" / assignment).glob("*.ipynb")):
            released = nbformat.read(released_path, as_version=4)
            answers = typed_answers(nbformat.read(course / "solutions" / assignment / released_path.name,
                                                  as_version=4))
            for student, kind in kinds.items():
                if kind == "untouched":
                    nb = released
                elif kind == "solution":
                    nb = filled_in(released, answers)
                else:
                    nb = filled_in(released, HOSTILE[kind](answers, first_assignment=index == 0))
                folder = course / "submitted" / student / assignment
                folder.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, folder / released_path.name)
    per_student = sum(len(list((course / "exercises" / a).glob("*.ipynb"))) for a in assignments)
    return Class(course, assignments, kinds, per_student)


def subset_course(whole: Class, folder: Path, students: list[str]) -> Class:
    """A copy of `whole` with `students` only, and its gradebook (the assignments already recorded in it),
    so that no run of the isolation measurement pays for setting the gradebook up."""
    for name in ("solutions", "exercises"):
        shutil.copytree(whole.course / name, folder / name)
    for name in ("gradebook.db", ".grading_secret"):
        if (whole.course / name).is_file():
            shutil.copy2(whole.course / name, folder / name)
    for student in students:
        shutil.copytree(whole.course / "submitted" / student, folder / "submitted" / student)
    return Class(folder, whole.assignments, {s: whole.kinds[s] for s in students}, whole.notebooks_per_student)


# --- the graders ----------------------------------------------------------------------------------------

def grading(course: Path, *command: str) -> float:
    """Run `python -m grading` on `course`; return its wall time in seconds, or raise with its output."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "grading", "--course-dir", str(course), *command],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"python -m grading {' '.join(command)} failed (exit status {done.returncode}):\n"
                           f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds


def stock_course(whole: Class, folder: Path) -> Path:
    """A copy of the class for stock nbgrader: the instructor's notebooks, the submissions, a plain
    nbgrader_config.py (nbgrader's defaults but for the folders and the cell timeout), and the released
    versions generated by stock ``nbgrader generate_assignment``, which also records them in its gradebook."""
    for name in ("solutions", "submitted"):
        shutil.copytree(whole.course / name, folder / name)
    (folder / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(folder)!r}\n"
        'c.CourseDirectory.source_directory = "solutions"\n'
        'c.CourseDirectory.release_directory = "exercises"\n'
        f"c.Execute.timeout = {TIMEOUT}\n")
    for assignment in whole.assignments:
        done = nbgrader(folder, "generate_assignment", assignment, "--force")
        if done.returncode != 0:
            raise RuntimeError(f"stock nbgrader generate_assignment {assignment} failed:\n{done.stderr[-3000:]}")
    return folder


def nbgrader(course: Path, *command: str) -> subprocess.CompletedProcess:
    """Stock nbgrader's command line, run in `course` so that it reads that folder's nbgrader_config.py."""
    # As in an activated virtual environment (nbgrader runs `alembic` from PATH to make a gradebook), and
    # nothing of this repository on the import path: stock nbgrader must not find the grading package.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PATH"] = os.pathsep.join([str(NBGRADER.parent), env.get("PATH", "")])
    return subprocess.run([str(NBGRADER), *command], cwd=course, capture_output=True, text=True, env=env)


def stock_seconds(course: Path, assignments: list[str]) -> tuple[float, list[str]]:
    """Wall time of stock ``nbgrader autograde`` of every assignment in turn, and the assignments for which
    it reported a failure (a submission it could not grade makes it exit with an error, after the others)."""
    failed = []
    start = time.perf_counter()
    for assignment in assignments:
        if nbgrader(course, "autograde", assignment, "--force", "--create").returncode != 0:
            failed.append(assignment)
    return time.perf_counter() - start, failed


def isolation_seconds(subset: Class) -> dict[str, list[float]]:
    """Wall times of grading `subset` with one grading process, sandboxed and unsandboxed, interleaved."""
    times = {"sandboxed": [], "unsandboxed": []}
    options = {"sandboxed": [], "unsandboxed": ["--unsandboxed"]}
    for _ in range(ROUNDS):
        for mode in times:
            times[mode].append(grading(subset.course, "autograde", "--jobs", "1", "--regrade",
                                       "--timeout", str(TIMEOUT), *options[mode]))
    return times


# --- the results ----------------------------------------------------------------------------------------

def scores(course: Path, students, assignments) -> dict[tuple[str, str], float | None]:
    """Each (student, assignment)'s total score in the course's gradebook; None where it has none."""
    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in students:
            for assignment in assignments:
                try:
                    found[student, assignment] = float(gb.find_submission(assignment, student).score)
                except MissingEntry:
                    found[student, assignment] = None
    return found


def autograded_maximum(course: Path, assignments) -> dict[str, float]:
    """Each assignment's autograded points: what the instructor's answers deserve before any grading by
    hand (a written answer scores nothing until a person grades it)."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {assignment: float(gb.find_assignment(assignment).max_code_score) for assignment in assignments}


def misgraded(whole: Class, ours: dict, maximum: dict[str, float]) -> list[str]:
    """The honest submissions whose score is not the deserved one (solution: the maximum; untouched: 0)."""
    wrong = []
    for student in whole.honest():
        for assignment in whole.assignments:
            deserved = maximum[assignment] if whole.kinds[student] == "solution" else 0.0
            got = ours[student, assignment]
            if got is None or abs(got - deserved) > 1e-9:
                wrong.append(f"{student}/{assignment} ({whole.kinds[student]}): {got} instead of {deserved:g}")
    return wrong


def score_text(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def grading_log_seconds(course: Path) -> list[float]:
    """Seconds of every submission graded in the last run, from the course's grading log."""
    log = json.loads((course / "grading_log.json").read_text())
    return [outcome["seconds"] for outcome in log["outcomes"] if outcome["status"] != "missing"]


def run(args) -> None:
    if not any(p.is_dir() and any(p.glob("*.ipynb")) for p in (ROOT / "solutions").iterdir()):
        print("no assignment in solutions/: nothing to grade, section skipped")
        return
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        tmp = Path(tmp)
        whole = make_class(tmp / "class", STUDENTS)
        stock = stock_course(whole, tmp / "stock")
        stock_s, stock_failed = stock_seconds(stock, whole.assignments)
        ours_s = grading(whole.course, "autograde", "--timeout", str(TIMEOUT))
        ours_log = grading_log_seconds(whole.course)
        ours = scores(whole.course, whole.kinds, whole.assignments)
        theirs = scores(stock, whole.kinds, whole.assignments)
        maximum = autograded_maximum(whole.course, whole.assignments)
        subset = subset_course(whole, tmp / "subset", whole.honest()[:SUBSET])
        isolation = isolation_seconds(subset)

    n, m = whole.notebooks, subset.notebooks
    print(f"class: {len(whole.kinds)} students x {len(whole.assignments)} assignments = {n} notebooks "
          f"({len(whole.honest())} honest, hostile: {', '.join(whole.kinds[s] for s in whole.hostile()) or 'none'}); "
          f"cell timeout {TIMEOUT} s in both graders; {cores} cores\n")
    sandboxed, unsandboxed = (statistics.median(isolation[mode]) / m for mode in ("sandboxed", "unsandboxed"))
    rows = [
        ("stock `nbgrader autograde`, one assignment after another", n, "1", stock_s),
        (f"`python -m grading autograde`, sandboxed", n, f"{cores} (default)", ours_s),
        (f"same, sandboxed, {len(subset.kinds)} honest students, median of {ROUNDS}", m, "1",
         statistics.median(isolation["sandboxed"])),
        (f"same, `--unsandboxed`, interleaved with the above, median of {ROUNDS}", m, "1",
         statistics.median(isolation["unsandboxed"])),
    ]
    print("| grading | notebooks | processes | wall s | s / notebook | notebooks / min |")
    print("|---------|----------:|----------:|-------:|-------------:|----------------:|")
    for label, count, processes, seconds in rows:
        print(f"| {label} | {count} | {processes} | {seconds:.1f} | {seconds / count:.2f} | "
              f"{60 * count / seconds:.1f} |")
    print()
    print(f"throughput: ours {60 * n / ours_s:.1f} vs stock {60 * n / stock_s:.1f} notebooks/min on {cores} "
          f"cores: {stock_s / ours_s:.2f}x (stock {stock_s:.0f} s / ours {ours_s:.0f} s, one run each; "
          f"ours' median per notebook in its own log {statistics.median(ours_log):.2f} s, max "
          f"{max(ours_log):.1f} s)")
    print(f"isolation: {sandboxed:.2f} s per notebook sandboxed vs {unsandboxed:.2f} s unsandboxed "
          f"(medians of {ROUNDS} interleaved runs of {m} notebooks, one process): +{sandboxed - unsandboxed:.2f} s, "
          f"{sandboxed / unsandboxed:.2f}x; runs sandboxed {', '.join(f'{s:.0f}' for s in isolation['sandboxed'])} s, "
          f"unsandboxed {', '.join(f'{s:.0f}' for s in isolation['unsandboxed'])} s")
    if stock_failed:
        print(f"stock nbgrader reported a submission it could not grade in: {', '.join(stock_failed)}")
    wrong = misgraded(whole, ours, maximum)
    print(f"check: {len(whole.honest()) * len(whole.assignments) - len(wrong)} of "
          f"{len(whole.honest()) * len(whole.assignments)} honest submissions got exactly their deserved score "
          "from our grader (solution: the maximum, untouched: 0)")
    if wrong:
        print(f"WARNING: {len(wrong)} honest submissions misgraded by our grader: {'; '.join(wrong[:5])}")
    disagree = [f"{s}/{a}" for s in whole.honest() for a in whole.assignments if ours[s, a] != theirs[s, a]]
    if disagree:
        print(f"note: stock nbgrader scored {len(disagree)} honest submissions differently, e.g. "
              f"{', '.join(disagree[:3])}")
    for student in whole.hostile():
        total = sum(maximum.values())
        ours_total = sum(ours[student, a] or 0.0 for a in whole.assignments)
        theirs_total = sum(theirs[student, a] or 0.0 for a in whole.assignments)
        per_assignment = ", ".join(f"{score_text(ours[student, a])}/{score_text(theirs[student, a])}"
                                   for a in whole.assignments)
        print(f"hostile {whole.kinds[student]} ({student}): ours {ours_total:g}, stock {theirs_total:g} of "
              f"{total:g} (per assignment, ours/stock: {per_assignment})")
