"""Grading a synthetic class: the parallel sandboxed grader against stock sequential nbgrader, and the cost
of isolation per notebook.

The class (BENCH_STUDENTS students, default 30, times every assignment in solutions/) is built once: honest
students hand in, alternately, the instructor's answers typed into the released notebook (every autograded
point) and the untouched released notebook (zero), and three hostile students are spread among them: one
whose answer loops forever (in the first assignment only: each time the cell runs it costs a full timeout),
one whose answers are wrong but make numpy's comparisons always succeed, and one whose answers call
relu_reference. Then, in one run of this section:

* throughput: stock ``nbgrader autograde ASSIGNMENT --force --create``, one assignment after another, in a
  copy of the class with a plain nbgrader_config.py (nbgrader's own preprocessors, kernels unsandboxed, no
  verification), against ``python -m grading autograde`` (one grading process per core, every kernel and
  every check of a test in a sandbox), both with a 10 s cell timeout. One run each, stock first: with 30
  students stock takes eight to ten minutes on two cores, ours four to five, and repeating them would
  double the section's time (about 17 minutes in all, most of it stock's);
* isolation: the same grader with ``--jobs 1``, sandboxed and ``--unsandboxed`` (the very same pipeline
  without bubblewrap; the resource limits stay), three runs each in the order AB BA AB, on two honest
  students (a solution and an untouched one: ten notebooks, about three minutes in all). Per notebook, the
  grading log's seconds: the median over the runs, then over the notebooks, so that neither the start of the
  grading process nor a notebook slowed down by another user of the machine weighs on it. The hostile
  students are left out there: an endless loop costs the same timeouts either way and would only add noise;
* the results: our grader's score of every honest submission must be what it deserves (a warning says
  otherwise), and the hostile students' scores are shown beside stock nbgrader's.
"""
from __future__ import annotations

import ast
import collections
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
# Seconds per cell in both graders. An endless loop costs it each time its cell runs: once in stock
# nbgrader's kernel; in ours, once in the sandboxed kernel and once in each verification worker.
TIMEOUT = 10
SUBSET = 2  # honest students (a solution and an untouched one) in the isolation measurement
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
        return [student for student, kind in self.kinds.items() if kind in HONEST]

    def hostile(self) -> list[str]:
        return [student for student, kind in self.kinds.items() if kind not in HONEST]


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


HONEST = ("solution", "untouched")
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
            kinds[f"student{number:02d}"] = HONEST[honest % 2]
            honest += 1
    return kinds


def make_class(course: Path, students: int) -> Class:
    """Copy solutions/ into `course`, generate the released notebooks, and hand in every assignment for
    every student (see `class_kinds`)."""
    shutil.copytree(ROOT / "solutions", course / "solutions")
    grading(course, "assignments")
    assignments = sorted(path.name for path in (course / "solutions").iterdir()
                         if path.is_dir() and any(path.glob("*.ipynb")))
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
    kinds = {student: whole.kinds[student] for student in students}
    return Class(folder, whole.assignments, kinds, whole.notebooks_per_student)


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
            raise RuntimeError(f"stock nbgrader generate_assignment {assignment} failed:\n"
                               f"{done.stderr[-3000:]}")
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


@dataclass
class Run:
    """One timed run of our grader: its wall time, and each submission's seconds and problems from its log."""

    wall: float
    seconds: dict[tuple[str, str], float]  # (student, assignment) -> seconds
    problems: dict[tuple[str, str], list[str]]  # (student, assignment) -> "kind: detail" of each problem
    ungraded: list[tuple[str, str]]  # the submissions it could not grade, and scored zero for that


def ours_run(course: Path, *options: str) -> Run:
    """Grade the whole class with `python -m grading autograde` and the benchmark's cell timeout."""
    wall = grading(course, "autograde", "--timeout", str(TIMEOUT), *options)
    outcomes = json.loads((course / "grading_log.json").read_text())["outcomes"]
    seconds = {(o["student"], o["assignment"]): o["seconds"] for o in outcomes if o["status"] != "missing"}
    problems = {(o["student"], o["assignment"]): [f"{p['kind']}: {p['detail']}" for p in o["problems"]]
                for o in outcomes}
    ungraded = [(o["student"], o["assignment"]) for o in outcomes if o["status"] == "zero"]
    return Run(wall, seconds, problems, ungraded)


def isolation_runs(subset: Class) -> dict[str, list[Run]]:
    """`ROUNDS` runs each of one grading process on `subset`, sandboxed and unsandboxed, interleaved in the
    order AB BA AB ..., so that neither mode always runs first after the other."""
    options = {"sandboxed": [], "unsandboxed": ["--unsandboxed"]}
    runs: dict[str, list[Run]] = {mode: [] for mode in options}
    for round_ in range(ROUNDS):
        for mode in list(options)[::1 if round_ % 2 == 0 else -1]:
            runs[mode].append(ours_run(subset.course, "--jobs", "1", "--regrade", *options[mode]))
    return runs


def per_notebook(runs: list[Run]) -> float:
    """The median over notebooks of each notebook's median seconds over `runs` (from the grading logs):
    neither a slow start of the grading process nor one disturbed notebook moves it much."""
    keys = runs[0].seconds
    return statistics.median(statistics.median(one.seconds[key] for one in runs) for key in keys)


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
        return {name: float(gb.find_assignment(name).max_code_score) for name in assignments}


def misgraded(whole: Class, ours: dict, maximum: dict[str, float]) -> dict[tuple[str, str], str]:
    """The honest submissions whose score is not the deserved one (solution: every autograded point;
    untouched: 0), each with what it got instead."""
    wrong = {}
    for student in whole.honest():
        for assignment in whole.assignments:
            deserved = maximum[assignment] if whole.kinds[student] == "solution" else 0.0
            got = ours[student, assignment]
            if got is None or abs(got - deserved) > 1e-9:
                wrong[student, assignment] = f"{score_text(got)} instead of {deserved:g}"
    return wrong


def common_problems(graded: Run, submissions) -> str:
    """The commonest problems the grading log gives for `submissions`, with how many had each."""
    counts = collections.Counter(problem for key in submissions for problem in graded.problems.get(key, []))
    return "; ".join(f"{problem} ({count}x)" for problem, count in counts.most_common(3)) or "none logged"


def score_text(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def run(args) -> None:
    if not any(p.is_dir() and any(p.glob("*.ipynb")) for p in (ROOT / "solutions").iterdir()):
        print("no assignment in solutions/: nothing to grade, section skipped")
        return
    began = time.perf_counter()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        tmp = Path(tmp)
        whole = make_class(tmp / "class", STUDENTS)
        stock = stock_course(whole, tmp / "stock")
        stock_wall, stock_failed = stock_seconds(stock, whole.assignments)
        ours = ours_run(whole.course)
        ours_scores = scores(whole.course, whole.kinds, whole.assignments)
        stock_scores = scores(stock, whole.kinds, whole.assignments)
        maximum = autograded_maximum(whole.course, whole.assignments)
        subset = subset_course(whole, tmp / "subset", whole.honest()[:SUBSET])
        isolation = isolation_runs(subset)

    n, m = whole.notebooks, subset.notebooks
    hostile = ", ".join(whole.kinds[s] for s in whole.hostile()) or "none"
    print(f"class: {len(whole.kinds)} students x {len(whole.assignments)} assignments = {n} notebooks "
          f"({len(whole.honest())} honest students; hostile: {hostile}); cell timeout {TIMEOUT} s in both "
          f"graders; {cores} cores\n")
    median_wall = {mode: statistics.median(one.wall for one in runs) for mode, runs in isolation.items()}
    median_nb = {mode: per_notebook(runs) for mode, runs in isolation.items()}
    rows = [
        ("stock `nbgrader autograde A --force --create`, each assignment in turn", n, "1", stock_wall, None),
        ("`python -m grading autograde`, sandboxed", n, f"{cores} (default)", ours.wall,
         statistics.median(ours.seconds.values())),
        (f"same, `--jobs 1`, sandboxed: {len(subset.kinds)} honest students, median of {ROUNDS}", m, "1",
         median_wall["sandboxed"], median_nb["sandboxed"]),
        (f"same, `--jobs 1 --unsandboxed`, interleaved with the above, median of {ROUNDS}", m, "1",
         median_wall["unsandboxed"], median_nb["unsandboxed"]),
    ]
    print("| grading | notebooks | processes | wall s | wall s / notebook | notebooks / min | "
          "median s / notebook (log) |")
    print("|---------|----------:|----------:|-------:|------------------:|----------------:|"
          "--------------------------:|")
    for label, count, processes, wall, median in rows:
        print(f"| {label} | {count} | {processes} | {wall:.1f} | {wall / count:.2f} | "
              f"{60 * count / wall:.1f} | {'-' if median is None else f'{median:.2f}'} |")
    print()
    print(f"throughput: ours {60 * n / ours.wall:.1f} vs stock {60 * n / stock_wall:.1f} notebooks/min on "
          f"{cores} cores: {stock_wall / ours.wall:.2f}x (stock {stock_wall:.0f} s / ours {ours.wall:.0f} s; "
          f"one run each, stock first; ours' slowest notebook {max(ours.seconds.values()):.1f} s)")
    sandboxed, unsandboxed = median_nb["sandboxed"], median_nb["unsandboxed"]
    print(f"isolation: {sandboxed:.2f} s per notebook sandboxed vs {unsandboxed:.2f} s unsandboxed "
          f"({m} notebooks, one process; per notebook the median of {ROUNDS} interleaved runs, then the "
          f"median over notebooks): {sandboxed - unsandboxed:+.2f} s, {sandboxed / unsandboxed:.2f}x; wall "
          f"times sandboxed {', '.join(f'{one.wall:.0f}' for one in isolation['sandboxed'])} s, unsandboxed "
          f"{', '.join(f'{one.wall:.0f}' for one in isolation['unsandboxed'])} s "
          f"({median_wall['sandboxed'] / median_wall['unsandboxed']:.2f}x)")
    report_scores(whole, ours_scores, stock_scores, maximum, stock_failed, ours)
    print(f"\n(this section took {(time.perf_counter() - began) / 60:.1f} min)")


def report_scores(whole: Class, ours: dict, stock: dict, maximum: dict[str, float], stock_failed,
                  graded: Run) -> None:
    """Print the check of the honest students' scores (with what our grading log says of the wrong ones),
    the submissions our grader could not grade, and the hostile students' scores in both graders."""
    honest = len(whole.honest()) * len(whole.assignments)
    wrong = misgraded(whole, ours, maximum)
    print(f"check: {honest - len(wrong)} of {honest} honest submissions got exactly their deserved score "
          "from our grader (solution: every autograded point; untouched: 0)")
    if wrong:
        examples = "; ".join(f"{student}/{assignment} ({whole.kinds[student]}): {text}"
                             for (student, assignment), text in list(wrong.items())[:5])
        print(f"WARNING: {len(wrong)} honest submissions misgraded by our grader, e.g. {examples}")
        print(f"WARNING: what the grading log says of them: {common_problems(graded, wrong)}")
    if graded.ungraded:
        examples = ", ".join(f"{student}/{assignment}" for student, assignment in graded.ungraded[:3])
        print(f"WARNING: our grader could not grade {len(graded.ungraded)} submissions (scored zero for it), "
              f"e.g. {examples}: {common_problems(graded, graded.ungraded)}")
    disagree = [f"{s}/{a}" for s in whole.honest() for a in whole.assignments if ours[s, a] != stock[s, a]]
    if disagree:
        print(f"note: stock nbgrader scored {len(disagree)} honest submissions differently, e.g. "
              f"{', '.join(disagree[:3])}")
    if stock_failed:
        print(f"note: stock nbgrader reported a submission it could not grade in {', '.join(stock_failed)}")
    total = sum(maximum.values())
    for student in whole.hostile():
        ours_total = sum(ours[student, a] or 0.0 for a in whole.assignments)
        stock_total = sum(stock[student, a] or 0.0 for a in whole.assignments)
        each = ", ".join(f"{score_text(ours[student, a])}/{score_text(stock[student, a])}"
                         for a in whole.assignments)
        print(f"hostile {whole.kinds[student]} ({student}): ours {ours_total:g}, stock {stock_total:g} of "
              f"{total:g} autograded points (per assignment, ours/stock: {each})")
