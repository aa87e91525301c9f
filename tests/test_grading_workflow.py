"""The instructor's grading workflow, run through `make` and nbgrader on a small class in a temporary course.

One class holds an honest submission of each kind (right, untouched, plausibly wrong) and one of every kind
of broken submission. The whole workflow runs once (generate, autograde, feedback, grades, report), with
a short cell timeout, and the tests check what it left behind: nobody stopped anybody else, every broken
submission has a recorded score and a reason, the honest ones have exactly the score their answer earns.
"""
import copy
import csv
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from traitlets.config.loader import PyFileConfigLoader

from grading.records import ROUTINE

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 3  # seconds per cell: the endless loop costs this much once

SOLUTION = "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION"


def _cell(kind, source, **nbgrader):
    cell = (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(source)
    if nbgrader:
        meta = {"grade": False, "locked": False, "schema_version": 3, "solution": False, "task": False}
        cell.metadata["nbgrader"] = {**meta, **nbgrader}
    return cell


def make_assignment(course: Path) -> None:
    """A tiny assignment: one answer cell, two autograded tests (2 and 1 points, the first with a hidden
    test), one answer graded by hand (1 point)."""
    nb = nbformat.v4.new_notebook(cells=[
        _cell("markdown", "# Squares\nWrite `square(x)`."),
        _cell("code", SOLUTION, grade_id="square", solution=True),
        _cell("code", '"""square is right on small integers"""\n'
              "assert square(3) == 9\nassert square(-2) == 4\n"
              "### BEGIN HIDDEN TESTS\nassert square(1.5) == 2.25\n### END HIDDEN TESTS",
              grade_id="square_values", grade=True, locked=True, points=2),
        _cell("code", '"""the square of zero is zero"""\nassert square(0) == 0',
              grade_id="square_zero", grade=True, locked=True, points=1),
        _cell("markdown", "Why is a square never negative?\n\nYOUR ANSWER HERE",
              grade_id="why_positive", grade=True, solution=True, points=1),
    ])
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    (course / "solutions" / "squares").mkdir(parents=True)
    nbformat.write(nb, course / "solutions" / "squares" / "squares.ipynb")


def _with_answer(nb, source):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "square":
            cell.source = source
    return nb


def make_class(course: Path) -> dict[str, tuple[float | None, str | None]]:
    """Submissions of the released notebook; returns each student's expected autograded score and the
    problem the grading log must name (None for an honest one)."""
    released = nbformat.read(course / "exercises" / "squares" / "squares.ipynb", as_version=4)
    right = "def square(x):\n    return x * x"
    notebooks = {
        "honest_right": _with_answer(released, right),
        "honest_untouched": released,
        "honest_wrong": _with_answer(released, "def square(x):\n    return 2 * x"),  # passes only at 0
        # passes the visible tests only: the hidden test must be back in the graded notebook
        "honest_hardcoded": _with_answer(released, "def square(x):\n    return {3: 9, -2: 4, 0: 0}[x]"),
        "endless_loop": _with_answer(released, right + "\nwhile True:\n    pass"),
        "kernel_crash": _with_answer(released, "import os\nos._exit(1)"),
        "deleted_test": _with_answer(released, right),
        "edited_test": _with_answer(released, "def square(x):\n    return 2 * x"),
    }
    for cell in notebooks["honest_right"].cells:  # an answer for the instructor to grade by hand
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "why_positive":
            cell.source = "Because x * x = |x| * |x|, a product of two numbers that are not negative."
    notebooks["copied_test"] = _with_answer(released, right)  # Jupyter's copy keeps the grade id
    index = next(i for i, c in enumerate(released.cells) if c.metadata.get("nbgrader", {}).get("grade_id")
                 == "square_zero")
    duplicate = copy.deepcopy(released.cells[index])
    duplicate["id"] = "copy-of-square-zero"
    notebooks["copied_test"].cells.insert(index + 1, duplicate)
    notebooks["deleted_test"].cells = [c for c in notebooks["deleted_test"].cells
                                       if c.metadata.get("nbgrader", {}).get("grade_id") != "square_values"]
    for cell in notebooks["edited_test"].cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "square_values":
            cell.source = "assert True  # my square is fine"
    for student, nb in notebooks.items():
        folder = course / "submitted" / student / "squares"
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "squares.ipynb")
    for student in ("invalid_json", "renamed", "missing_notebook", "no_submission"):
        (course / "submitted" / student).mkdir(parents=True)
    (course / "submitted" / "invalid_json" / "squares").mkdir()
    text = (course / "submitted" / "honest_right" / "squares" / "squares.ipynb").read_text()
    (course / "submitted" / "invalid_json" / "squares" / "squares.ipynb").write_text(text[: len(text) // 2])
    (course / "submitted" / "renamed" / "squares").mkdir()
    (course / "submitted" / "renamed" / "squares" / "squares (1).ipynb").write_text(text)
    (course / "submitted" / "missing_notebook" / "squares").mkdir()
    (course / "submitted" / "missing_notebook" / "squares" / "notes.txt").write_text("I forgot it")
    return {
        "honest_right": (3, None), "honest_untouched": (0, None), "honest_wrong": (1, None),
        "honest_hardcoded": (1, None),
        "endless_loop": (3, "timeout"), "kernel_crash": (0, "crashed"), "deleted_test": (3, "deleted test"),
        "edited_test": (1, "edited test"), "copied_test": (3, "copied cell"),
        "invalid_json": (0, "invalid"), "renamed": (0, "renamed"),
        "missing_notebook": (0, "missing notebook"), "no_submission": (0, "missing"),
    }


def make(target: str, course: Path, **variables) -> subprocess.CompletedProcess:
    args = [f"COURSE_DIR={course}"] + [f"{name}={value}" for name, value in variables.items()]
    return subprocess.run(["make", "--no-print-directory", target, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "MAKEFLAGS": ""})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A class graded by the make targets: the course folder, the expected results, and each step's output."""
    course = tmp_path_factory.mktemp("course")
    make_assignment(course)
    steps = {"assignments": make("assignments", course)}
    expected = make_class(course)
    steps["autograde"] = make("autograde", course, TIMEOUT=TIMEOUT)
    for target in ("feedback", "grades", "report"):
        steps[target] = make(target, course)
    return course, expected, steps


@pytest.mark.parametrize("target", ["assignments", "autograde", "feedback", "grades", "report"])
def test_make_target_succeeds(graded, target):
    """each make target runs through to the end on a class with broken submissions"""
    _, _, steps = graded
    done = steps[target]
    assert done.returncode == 0, f"make {target} failed:\n{done.stdout}\n{done.stderr}"


def test_student_version_is_generated_without_outputs(graded):
    """make assignments writes the student version: the answer is a stub, no output is stored"""
    course, _, _ = graded
    nb = nbformat.read(course / "exercises" / "squares" / "squares.ipynb", as_version=4)
    source = "\n".join(cell.source for cell in nb.cells)
    assert "return x * x" not in source and "NotImplementedError" in source
    assert "square(1.5)" not in source, "the hidden test is in the student version"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells
               if c.cell_type == "code")


def test_autograde_shows_progress_for_every_submission(graded):
    """the autograde run prints one numbered line per submission, with the time left, and a summary that
    counts the assignments nobody handed in"""
    course, expected, steps = graded
    output = steps["autograde"].stdout
    lines = re.findall(r"^\[(\d+)/(\d+)\] (\w+)/squares ... (.*)$", output, re.MULTILINE)
    submitted = sorted(student for student in expected if student != "no_submission")
    assert sorted(student for _, _, student, _ in lines) == submitted
    assert {total for _, total, _, _ in lines} == {str(len(submitted))}
    assert sorted(int(done) for done, _, _, _ in lines) == list(range(1, len(submitted) + 1))
    assert all("left)" in text for done, total, _, text in lines if done != total), "no time left shown"
    assert re.search(r"^9 graded .*, 3 scored zero, 1 not submitted", output, re.MULTILINE), output


def _scores(course):
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in gb.students:
            try:
                scores[student.id] = gb.find_submission("squares", student.id).score
            except Exception:  # no submission at all: nbgrader's export scores it zero
                scores[student.id] = None
    return scores


def test_every_submission_has_its_expected_score(graded):
    """honest submissions get exactly what their answer earns; every broken one a recorded score"""
    course, expected, _ = graded
    scores = _scores(course)
    for student, (score, _) in expected.items():
        if student == "no_submission":
            assert scores[student] is None, "a student who submitted nothing has no submission"
        else:
            assert scores[student] == score, f"{student}: expected {score}, got {scores[student]}"


def test_every_problem_is_logged_with_a_reason(graded):
    """the grading log names the problem of each broken submission, and none for the honest ones"""
    course, expected, _ = graded
    log = json.loads((course / "grading_log.json").read_text())
    outcomes = {o["student"]: o for o in log["outcomes"]}
    assert set(outcomes) == set(expected)
    for student, (_, kind) in expected.items():
        kinds = [p["kind"] for p in outcomes[student]["problems"]]
        if kind is None:
            flagged = [k for k in kinds if k not in ROUTINE]  # failed hidden tests are graded as usual
            assert flagged == [], f"{student} is honest but was flagged: {kinds}"
        else:
            assert kind in kinds, f"{student}: expected the problem {kind!r}, got {kinds}"
            assert all(p["detail"] for p in outcomes[student]["problems"]), f"{student}: a reason is empty"
    zeroed = {s for s, o in outcomes.items() if o["status"] == "zero"}
    assert zeroed == {"invalid_json", "renamed", "missing_notebook"}  # the crashed one is graded: 0 points


def test_restored_test_cells_are_graded(graded):
    """a deleted test cell is put back and graded, an edited one is graded in its original form"""
    course, _, _ = graded
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        deleted = gb.find_grade("square_values", "squares", "squares", "deleted_test")
        edited = gb.find_grade("square_values", "squares", "squares", "edited_test")
        assert (deleted.auto_score, edited.auto_score) == (2, 0)


def test_csv_lists_every_student(graded):
    """make grades exports one row per student, zero for the broken and missing submissions"""
    course, expected, _ = graded
    with (course / "grades.csv").open(newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(expected)
    for student, (score, _) in expected.items():
        assert float(rows[student]["score"]) == score, f"{student} in grades.csv"
        assert float(rows[student]["max_score"]) == 4


def test_feedback_for_the_graded(graded):
    """make feedback writes a page for each graded submission, none for one scored zero unrun"""
    course, _, _ = graded
    assert (course / "feedback" / "honest_right" / "squares" / "squares.html").is_file()
    assert not (course / "feedback" / "invalid_json").exists()


def test_feedback_skips_an_assignment_nobody_has_handed_in(graded, tmp_path):
    """mid-term most assignments have no submission yet: make feedback skips them and still succeeds"""
    course, _, _ = graded
    later = tmp_path / "course"
    shutil.copytree(course, later)
    shutil.copytree(later / "solutions" / "squares", later / "solutions" / "cubes")
    (later / "solutions" / "cubes" / "squares.ipynb").rename(later / "solutions" / "cubes" / "cubes.ipynb")
    done = make("feedback", later)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "writing feedback for cubes ... skipped: nothing autograded yet" in done.stdout
    assert (later / "feedback" / "honest_right" / "squares" / "squares.html").is_file()


def test_report_has_plots_and_the_attention_list(graded):
    """the report is one self-contained page with both figures and every student who needs attention"""
    course, expected, _ = graded
    page = (course / "grading_report.html").read_text()
    assert page.count('<img src="data:image/png;base64,') == 2
    assert not re.search(r'(src|href)="(https?:)?//', page), "the report must not load anything"
    attention = page.split('id="attention"', 1)[1].split("</table>", 1)[0]
    for student, (_, kind) in expected.items():
        if kind is not None:
            assert re.search(rf"<td>{student}</td><td>squares</td><td><strong>{kind}</strong>", attention), \
                f"{student} ({kind}) is not in the attention list"
    # The answer graded by hand is pending for everyone graded, and only for them.
    assert re.search(r"<td>honest_right</td><td>squares</td><td><strong>manual</strong>", attention)
    assert not re.search(r"<td>renamed</td><td>squares</td><td><strong>manual</strong>", attention)


def test_nbgrader_config_survives_bad_submissions():
    """nbgrader's own commands get the same rules: a per-cell timeout with interrupt, deleted tests back"""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert 0 < config.Execute.timeout <= 120
    assert config.Execute.interrupt_on_timeout is True
    assert config.OverwriteCells.add_missing_cells is True
    # The repaired OverwriteCells replaces nbgrader's in nbgrader's own list, which must not have changed.
    default = Autograde().sanitize_preprocessors  # without configuration: nbgrader's own list
    configured = config.Autograde.sanitize_preprocessors
    assert [name.rsplit(".", 1)[1] for name in configured] == [cls.__name__ for cls in default]
    assert "grading.preprocessors.OverwriteCells" in configured


@pytest.mark.parametrize("path", ["grades.csv", "grading_log.json", "grading_report.html"])
def test_grading_output_is_gitignored(path):
    """grades, the log and the report hold students' results and never go into git"""
    ignored = subprocess.run(["git", "check-ignore", "--quiet", "--no-index", path], cwd=ROOT)
    assert ignored.returncode == 0, f"{path} is not ignored by .gitignore"


def test_nbgrader_commands_work_directly(graded):
    """`nbgrader autograde` run by hand gets the same rules, the repaired OverwriteCells included"""
    course, _, _ = graded
    env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["nbgrader", "autograde", "squares", "--student", "copied_test", "--force",
                           f"--CourseDirectory.root={course}", f"--Execute.timeout={TIMEOUT}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "exists multiple times" in done.stderr  # the copied test cell was there, and was survived
    assert _scores(course)["copied_test"] == 3


@pytest.mark.parametrize("target", ["assignments", "autograde", "feedback", "grades", "report"])
def test_target_is_documented(target):
    """each instructor target is in `make help` and in the README's For instructors section"""
    listed = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "MAKEFLAGS": ""}).stdout
    assert re.search(rf"^  {target}\s+\S", listed, re.MULTILINE), f"make help does not list {target}"
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## For instructors", 1)[1].split("\n## ", 1)[0]
    assert f"`make {target}`" in section, f"the README's For instructors section does not describe {target}"
