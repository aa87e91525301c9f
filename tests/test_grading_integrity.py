"""The grader's integrity: parallel grading equals sequential grading, an interrupted run resumes without losing
or repeating anything, shards of a class share one gradebook, and grading refuses to run unsandboxed unless
the instructor accepts it.

The class is the tiny `squares` assignment of test_grading_workflow (a notebook grades in about two
seconds), submitted by six students: right, wrong in several ways, and untouched.
"""
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from grading.course import Course
from grading.isolation import sandbox as sandbox_module

from .test_grading_workflow import _with_answer, make_assignment

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
ANSWERS = {
    "right": "def square(x):\n    return x * x",
    "wrong": "def square(x):\n    return 2 * x",
    "hardcoded": "def square(x):\n    return {3: 9, -2: 4, 0: 0}[x]",
    "abs_times": "def square(x):\n    return abs(x) * x",
    "untouched": None,
    "raises": "def square(x):\n    raise ValueError('no')",
}


def make_class(course: Path) -> None:
    make_assignment(course)
    run(course, "assignments")
    released = nbformat.read(course / "exercises" / "squares" / "squares.ipynb", as_version=4)
    for student, answer in ANSWERS.items():
        folder = course / "submitted" / student / "squares"
        folder.mkdir(parents=True)
        nbformat.write(released if answer is None else _with_answer(released, answer), folder / "squares.ipynb")


def run(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(PYTHON), "-m", "grading", "--course-dir", str(course), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def cell_scores(course: Path) -> dict:
    """{(student, grade id): score} of every graded cell in the gradebook."""
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for submission in gb.find_assignment("squares").submissions:
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    scores[submission.student.id, grade.name] = grade.score
    return scores


def submissions_in_gradebook(course: Path) -> list[str]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return sorted(s.student.id for s in gb.find_assignment("squares").submissions)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("template")
    make_class(course)
    return course


def fresh(template: Path, tmp_path: Path, name: str) -> Path:
    course = tmp_path / name
    shutil.copytree(template, course)
    return course


@pytest.fixture(scope="module")
def sequential_and_parallel(template, tmp_path_factory):
    """The same class graded with one grading process, and with two."""
    tmp = tmp_path_factory.mktemp("runs")
    one, two = fresh(template, tmp, "one"), fresh(template, tmp, "two")
    run(one, "autograde", "--jobs", "1", "--timeout", "5")
    run(two, "autograde", "--jobs", "2", "--timeout", "5")
    return one, two


def test_parallel_grading_equals_sequential_grading(sequential_and_parallel):
    """every cell of every submission scores the same with two grading processes as with one"""
    one, two = sequential_and_parallel
    scores = cell_scores(one)
    assert scores == cell_scores(two)
    assert len(scores) == len(ANSWERS) * 3  # three graded cells each


def test_scores_are_deserved(sequential_and_parallel):
    """the right answers score all 3 autograded points, the wrong ones what they earn"""
    course, _ = sequential_and_parallel
    totals = {}
    for (student, grade_id), score in cell_scores(course).items():
        if grade_id != "why_positive":  # graded by hand
            totals[student] = totals.get(student, 0) + (score or 0)
    assert totals == {"right": 3, "abs_times": 1, "wrong": 1, "hardcoded": 1, "untouched": 0, "raises": 0}


def test_grading_again_grades_nothing_unchanged(sequential_and_parallel):
    """a second run skips every submission graded since it last changed, and keeps their outcomes"""
    course, _ = sequential_and_parallel
    before = json.loads((course / "grading_log.json").read_text())["outcomes"]
    done = run(course, "autograde")
    assert f"{len(ANSWERS)} submissions were graded since they last changed" in done.stdout
    assert not [line for line in done.stdout.splitlines() if line.startswith("[")]
    assert json.loads((course / "grading_log.json").read_text())["outcomes"] == before


def test_a_changed_submission_is_graded_again(sequential_and_parallel):
    """only the submission whose notebook changed is graded by the next run"""
    _, course = sequential_and_parallel
    path = course / "submitted" / "wrong" / "squares" / "squares.ipynb"
    nbformat.write(_with_answer(nbformat.read(path, as_version=4), ANSWERS["right"]), path)
    done = run(course, "autograde", "--timeout", "5")
    assert [line.split()[1] for line in done.stdout.splitlines() if line.startswith("[")] == ["wrong/squares"]
    assert cell_scores(course)["wrong", "square_values"] == 2


def test_an_interrupted_run_loses_and_repeats_nothing(template, tmp_path):
    """a run killed mid-class, then started again, grades every submission exactly once in the end"""
    course = fresh(template, tmp_path, "interrupted")
    process = subprocess.Popen([str(PYTHON), "-m", "grading", "--course-dir", str(course), "autograde",
                                "--jobs", "1", "--timeout", "5"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    for line in process.stdout:  # wait until two submissions are graded, then pull the plug
        lines.append(line)
        if line.startswith("[2/"):
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=60)
    process.stdout.close()
    time.sleep(1)
    journal = [json.loads(line) for line in (course / "grading_journal.jsonl").read_text().splitlines()]
    assert len(journal) >= 2, "".join(lines)
    assert not _grading_processes(course), "a grading process outlived the coordinator"
    done = run(course, "autograde", "--jobs", "2", "--timeout", "5")
    graded_again = [line.split()[1].split("/")[0] for line in done.stdout.splitlines() if line.startswith("[")]
    first = {entry["outcome"]["student"] for entry in journal}
    assert not first & set(graded_again), "a submission was graded twice"
    assert first | set(graded_again) == set(ANSWERS), "a submission was lost"
    assert submissions_in_gradebook(course) == sorted(ANSWERS)
    outcomes = json.loads((course / "grading_log.json").read_text())["outcomes"]
    assert sorted(o["student"] for o in outcomes) == sorted(ANSWERS)


def _grading_processes(course: Path) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(course) in command:
            found.append(command)
    return found


def test_two_shards_grade_one_class_into_one_gradebook(template, tmp_path):
    """two machines' shares of the class, graded at once against one gradebook, make the whole class"""
    course = fresh(template, tmp_path, "shards")
    processes = [subprocess.Popen([str(PYTHON), "-m", "grading", "--course-dir", str(course), "autograde",
                                   "--shard", shard, "--jobs", "1", "--timeout", "5"], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for shard in ("1/2", "2/2")]
    outputs = [p.communicate(timeout=600)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    logs = sorted(course.glob("grading_log.shard-*.json"))
    assert [log.name for log in logs] == ["grading_log.shard-1-of-2.json", "grading_log.shard-2-of-2.json"]
    students = [o["student"] for log in logs for o in json.loads(log.read_text())["outcomes"]]
    assert sorted(students) == sorted(ANSWERS), "each student in exactly one shard"
    assert submissions_in_gradebook(course) == sorted(ANSWERS)
    run(course, "report")
    report = (course / "grading_report.html").read_text()
    assert all(f"<td>{student}</td>" in report for student in ANSWERS)


def test_shard_must_be_k_of_n(tmp_path):
    with pytest.raises(ValueError, match="K/N"):
        Course.open(tmp_path, shard="2")
    with pytest.raises(ValueError, match="between 1 and N"):
        Course.open(tmp_path, shard="3/2")


def test_grading_refuses_without_the_sandbox(template, tmp_path, monkeypatch):
    """without bubblewrap the grader says why and how to accept unsandboxed grading, and grades nothing"""
    course = fresh(template, tmp_path, "refused")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("prlimit", "setpriv"):  # the machine has these; only bubblewrap is missing
        (bin_dir / tool).symlink_to(shutil.which(tool))
    env = {**os.environ, "PATH": str(bin_dir)}
    done = subprocess.run([str(PYTHON), "-m", "grading", "--course-dir", str(course), "autograde"], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 1
    assert "bubblewrap is not installed" in done.stderr and "UNSANDBOXED=1" in done.stderr
    assert not (course / "autograded").exists()
    accepted = subprocess.run([str(PYTHON), "-m", "grading", "--course-dir", str(course), "autograde",
                               "--unsandboxed", "--timeout", "5"], cwd=ROOT, capture_output=True, text=True,
                              env=env, timeout=600)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "WITHOUT the sandbox" in accepted.stdout
    assert cell_scores(course)["right", "square_values"] == 2


@pytest.mark.parametrize(("reason", "patch"), [
    ("bubblewrap is not installed", lambda m: m.setattr(shutil, "which", lambda tool: None)),
    ("must run as root", lambda m: m.setattr(os, "geteuid", lambda: 1000)),
])
def test_check_available_names_the_problem(monkeypatch, reason, patch):
    patch(monkeypatch)
    assert reason in sandbox_module.check_available(sandbox_module.Sandbox())


def test_the_sandbox_is_available_here():
    """CI installs bubblewrap: grading there runs sandboxed"""
    if not os.environ.get("CI") and shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (CI installs it)")
    assert sandbox_module.check_available(sandbox_module.Sandbox()) is None



def test_grading_keeps_no_file_descriptor_per_notebook(sequential_and_parallel):
    """a grading process grades hundreds of notebooks: each must leave no open socket or pipe behind"""
    from grading.autograde import grade_one

    course = Course.open(sequential_and_parallel[0], timeout=5)
    counts = []
    for _ in range(4):
        assert grade_one(course, "squares", "right", 5).status == "graded"
        counts.append(len(os.listdir("/proc/self/fd")))
    assert counts[-1] == counts[1], f"open file descriptors after each notebook: {counts}"
