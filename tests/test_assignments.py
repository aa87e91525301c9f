"""The five assignments, graded by nbgrader itself: the instructor's solutions score full marks, the untouched
student version scores zero, plausible wrong answers score less than full, and an edited test cell is graded
by the original. Also: the committed exercises/ is exactly what nbgrader generates from solutions/.

Each assignment is graded in its own temporary course directory (its own gradebook, so two can be graded at
once), with the repository's nbgrader_config.py; the submissions are the solution notebooks edited with
nbformat, one edit per wrong answer.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = ["relu_basics", "relu_derivative", "relu_network", "dying_relu", "relu_variants"]
BIN = Path(sys.executable).parent  # nbgrader runs alembic from PATH

# --- The wrong answers -------------------------------------------------------------------------------------
# Each submission: (name, [(grade_id of a solution cell, old, new), ...], test cells that must score 0).
# `old` must occur in that cell, so an edit can never silently stop applying. To keep the number of notebooks
# (and the time) down, one submission may hold two mistakes in independent parts, each caught by its own
# tests. The last submission of each assignment also has every test cell replaced by `pass`, as a student
# might do: its tests must still fail, because nbgrader grades with the original test cells.

RELU_BODY = "return np.maximum(x, 0)"
SOFTPLUS_BODY = ("smooth = (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / beta\n"
                 "    return np.where(z > threshold, x, smooth)")

WRONG = {
    "relu_basics": [
        ("relu_in_place+softplus_naive",
         [("relu", RELU_BODY, "x[x < 0] = 0\n    return x"),
          ("softplus", SOFTPLUS_BODY, "return np.log(1 + np.exp(z)) / beta")],
         ["relu_matches_reference", "softplus_does_not_overflow"]),
        ("relu_loops+softplus_without_threshold",
         [("relu", RELU_BODY, "return np.array([max(v, 0) for v in x.ravel()], dtype=x.dtype).reshape(x.shape)"),
          ("softplus", "return np.where(z > threshold, x, smooth)", "return smooth")],
         ["relu_is_vectorised", "softplus_matches_reference"]),
        ("relu_integer_output+relu_table_hard_coded",
         [("relu", 'if x.dtype.kind != "f":\n        x = x.astype(np.float64)\n', ""),
          ("relu_table", "x = np.asarray(x, dtype=np.float64).ravel()",
           "return np.array([[-2.0, 0.0], [-1.0, 0.0], [-0.5, 0.0], [0.0, 0.0], [0.5, 0.5], [1.0, 1.0], [2.0, 2.0]])")],
         ["relu_keeps_dtype_shape_and_input", "relu_table_matches_reference"]),
        ("relu_calls_reference_by_alias",
         [("relu", "def relu(x):", "from relu_reference import relu as _rectify\n\n\ndef relu(x):"),
          ("relu", RELU_BODY, "return _rectify(x)")],
         ["relu_matches_reference", "relu_keeps_dtype_shape_and_input", "relu_is_vectorised",
          "relu_edge_values_and_random_inputs", "relu_table_matches_reference"]),
    ],
    "relu_derivative": [
        ("relu_grad_kink_ge+numerical_grad_one_sided",
         [("relu_grad", "(x > 0)", "(x >= 0)"),
          ("numerical_grad", "(f(x + h) - f(x - h)) / (2 * h)", "(f(x + h) - f(x)) / h")],
         ["relu_grad_at_zero", "relu_backward_matches_reference", "numerical_grad_is_a_central_difference"]),
        ("relu_grad_integer_output+gradient_check_absolute_error",
         [("relu_grad", "x = as_float(x)\n", "x = np.asarray(x)\n"), ("relu_grad", "astype(x.dtype)", "astype(int)"),
          ("numerical_grad", "/ np.where(scale > 0, scale, 1.0)", "")],
         ["relu_grad_keeps_dtype_and_input", "gradient_check_finds_wrong_derivatives"]),
        ("relu_grad_loses_nan", [("relu_grad", "return np.where(np.isnan(x), x, grad)", "return grad")],
         ["relu_grad_edge_values_and_random_inputs"]),
        ("relu_grad_calls_reference", [("relu_grad", "x = as_float(x)\n", "return ref.relu_grad(x)\n")],
         ["relu_grad_matches_reference", "relu_grad_at_zero", "relu_backward_matches_reference"]),
    ],
    "relu_network": [
        ("gradients_kink_ge",
         [("gradients", "(output_pre > 0)", "(output_pre >= 0)"), ("gradients", "(hidden_pre > 0)", "(hidden_pre >= 0)")],
         ["gradients_match_reference", "gradients_at_random_parameters"]),
        ("gradients_of_the_sum+predict_calls_reference_helper",
         [("gradients", "/ len(target) ", ""),
          ("hidden_units_and_predict", "hidden = hidden_units(dose, params)\n", "return reference_predict(dose, params)\n")],
         ["gradients_match_reference", "predict_matches_reference"]),
        ("gradient_descent_in_place",
         [("gradient_descent",
           "params = {name: np.copy(value) if isinstance(value, np.ndarray) else value for name, value in params.items()}\n",
           ""),
          ("gradient_descent", "params = {name: params[name] - learning_rate * grads[name] for name in params}",
           "for name in params:\n            params[name] -= learning_rate * grads[name]")],
         ["gradient_descent_matches_reference"]),
    ],
    "dying_relu": [
        ("dead_fraction_kink_lt+learning_rate_too_small",
         [("dead_fraction", "z <= 0", "z < 0"), ("large_learning_rate", "0.8", "0.05")],
         ["dead_fraction_by_hand", "large_learning_rate_kills_units"]),
        ("dead_fraction_of_activations+remedy_that_does_not_help",
         [("dead_fraction", "np.mean(np.all(z <= 0, axis=0))", "np.mean(z <= 0)"),
          ("train_with_remedy", 'train_network(0.1, activation="leaky_relu", seed=seed, epochs=100)',
           "train_network(0.8, seed=seed)")],
         ["dead_fraction_by_hand", "remedy_keeps_units_alive"]),
        ("dead_fraction_any+learning_rate_blows_up",
         [("dead_fraction", "np.all(", "np.any("), ("large_learning_rate", "0.8", "5.0")],
         ["dead_fraction_by_hand", "large_learning_rate_kills_units"]),
        ("dead_fraction_calls_reference",
         [("dead_fraction", "z = np.asarray(pre_activations)", "return reference_dead_fraction(pre_activations)")],
         ["dead_fraction_by_hand", "dead_fraction_matches_reference_network"]),
    ],
    "relu_variants": [
        ("leaky_relu_grad_kink_ge+selu_rounded_constants",
         [("leaky_relu_and_prelu", "grad = np.where(x > 0, np.ones_like(x), np.full_like(x, negative_slope))",
           "grad = np.where(x >= 0, np.ones_like(x), np.full_like(x, negative_slope))"),
          ("elu_and_selu", "return SELU_SCALE * elu(x, alpha=SELU_ALPHA)", "return 1.0507 * elu(x, alpha=1.6733)")],
         ["leaky_relu_grad_at_zero", "selu_matches_reference"]),
        ("elu_grad_right_slope_at_zero+gelu_nan_at_minus_inf",
         [("elu_and_selu", "return np.where(x > 0, np.ones_like(x), alpha", "return np.where(x >= 0, np.ones_like(x), alpha"),
          ("gelu", "return np.where(gate == 0, 0 * gate, x * gate)", "return x * gate")],
         ["elu_grad_at_zero", "selu_grad_at_zero", "gelu_edge_values"]),
        ("leaky_relu_calls_reference+gelu_ignores_approximate",
         [("leaky_relu_and_prelu", "return np.where(x > 0, x, negative_slope * x)", "return ref.leaky_relu(x, negative_slope)"),
          ("gelu", 'if approximate == "none":\n        gate', 'if approximate in ("none", "tanh"):\n        gate')],
         ["leaky_relu_matches_reference", "gelu_matches_reference"]),
    ],
}


def _cells_by_id(nb) -> dict:
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in nb.cells if "nbgrader" in cell.metadata}


def _is_test(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade", False) and not meta.get("solution", False)


def wrong_answer(solution, edits) -> nbformat.NotebookNode:
    """The solution notebook with each edit (grade_id, old, new) applied to that cell's source."""
    nb = nbformat.reads(nbformat.writes(solution), as_version=4)
    cells = _cells_by_id(nb)
    for cell_id, old, new in edits:
        assert old in cells[cell_id].source, f"edit {old!r} does not apply to cell {cell_id}"
        cells[cell_id].source = cells[cell_id].source.replace(old, new)
    return nb


def with_tests_replaced(nb) -> nbformat.NotebookNode:
    """`nb` with every test cell's code replaced by `pass`, as a student might do to get the points."""
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    for cell in nb.cells:
        if _is_test(cell):
            cell.source = '"""tests removed by the student"""\npass'
    return nb


def nbgrader(course: Path, *args: str) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


def configure(course: Path) -> None:
    """Make `course` a course directory configured by the repository's nbgrader_config.py."""
    (course / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(ROOT / 'nbgrader_config.py')!r})  # noqa: F821 -- the course's own settings\n"
        f"c.CourseDirectory.root = {str(course)!r}\n")


def make_course(course: Path) -> None:
    """A course directory holding every assignment's source, with the student versions generated."""
    for assignment in ASSIGNMENTS:
        shutil.copytree(ROOT / "solutions" / assignment, course / "solutions" / assignment)
    configure(course)
    nbgrader(course, "generate_assignment", "*", "--force")


def grade(course: Path, assignment: str) -> dict:
    """Submit the solution, the student version and the wrong answers; autograde them in one nbgrader call.

    Returns {student: {grade_id: (score, max_score)}} for the autograded (test) cells: the score nbgrader
    records, which is the grader's own verdict where that overrides the notebook's (a manual score).
    """
    from nbgrader.api import Gradebook

    solution = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    released = nbformat.read(course / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    submissions = {"solution": solution, "untouched": released}
    for index, (name, edits, _) in enumerate(WRONG[assignment]):
        nb = wrong_answer(solution, edits)
        submissions[name] = with_tests_replaced(nb) if index == len(WRONG[assignment]) - 1 else nb
    for student, nb in submissions.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")
    nbgrader(course, "autograde", assignment, "--force")
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in submissions:
            notebook = gradebook.find_submission_notebook(assignment, assignment, student)
            scores[student] = {g.name: (g.score or 0.0, g.max_score) for g in notebook.grades
                               if g.cell.cell_type == "code"}
    return scores


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    """Every assignment generated, then graded two at a time: {assignment: (course, scores)}, see `grade`.

    Generation runs once; each assignment is then graded in its own copy of the course, so that two
    nbgrader processes never write to the same gradebook.
    """
    generated = tmp_path_factory.mktemp("course")
    make_course(generated)

    def run(assignment):
        course = tmp_path_factory.mktemp(assignment)
        shutil.copytree(generated, course, dirs_exist_ok=True)
        configure(course)
        return course, grade(course, assignment)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(ASSIGNMENTS, pool.map(run, ASSIGNMENTS)))


def total(scores: dict) -> tuple[float, float]:
    return sum(s for s, _ in scores.values()), sum(m for _, m in scores.values())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks(graded, assignment):
    """the instructor's solutions, submitted as a student, pass every test cell"""
    scores = graded[assignment][1]["solution"]
    failed = [cell for cell, (score, most) in scores.items() if score != most]
    assert not failed, f"{assignment}: the solution fails {failed}"
    assert total(scores)[1] > 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_version_scores_zero(graded, assignment):
    """the untouched student version scores zero"""
    scores = graded[assignment][1]["untouched"]
    passed = [cell for cell, (score, _) in scores.items() if score != 0]
    assert not passed, f"{assignment}: the untouched student version passes {passed}"


@pytest.mark.parametrize(("assignment", "wrong"), [(a, w) for a in ASSIGNMENTS for w in WRONG[a]],
                         ids=[f"{a}-{w[0]}" for a in ASSIGNMENTS for w in WRONG[a]])
def test_wrong_answer_scores_less_than_full(graded, assignment, wrong):
    """each plausible wrong answer fails the tests written to catch it, and so scores less than full marks"""
    name, _, must_fail = wrong
    scores = graded[assignment][1][name]
    got, most = total(scores)
    assert got < most, f"{assignment}/{name} scores full marks ({got}/{most})"
    passed = [cell for cell in must_fail if scores[cell][0] != 0]
    assert not passed, f"{assignment}/{name} passes {passed}, which should catch it"
    # the tests are specific: the parts that are right still score
    assert got > 0, f"{assignment}/{name} scores nothing: an unrelated part must have broken"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_edited_tests_are_graded_by_the_original(graded, assignment):
    """a wrong answer whose test cells were all replaced by `pass` still fails them: nbgrader restores them"""
    name, _, must_fail = WRONG[assignment][-1]
    scores = graded[assignment][1][name]
    assert all(scores[cell][0] == 0 for cell in must_fail), f"{assignment}/{name}: {scores}"


def _comparable(nb) -> list:
    # cell ids are the source's, nbgrader keeps them; outputs and execution counts are empty in both
    return [(cell.cell_type, cell.get("id"), cell.source, json.dumps(cell.metadata, sort_keys=True))
            for cell in nb.cells]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_exercise_is_what_nbgrader_generates(graded, assignment):
    """exercises/ holds exactly what `nbgrader generate_assignment` makes of solutions/ (never edited by hand)"""
    course = graded[assignment][0]
    generated = nbformat.read(course / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    committed = nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    assert _comparable(committed) == _comparable(generated), (
        f"exercises/{assignment} differs from what nbgrader generates: run "
        f"`nbgrader generate_assignment {assignment} --force` (make assignments)")
    assert committed.metadata == generated.metadata


# --- The notebooks' form: cheap checks that need no grading --------------------------------------------------

def _notebook(folder: str, assignment: str):
    return nbformat.read(ROOT / folder / assignment / f"{assignment}.ipynb", as_version=4)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_are_readable(assignment):
    """each test cell has a snake_case grade id and starts with a one-line docstring saying what it checks"""
    for cell in _notebook("solutions", assignment).cells:
        meta = cell.metadata.get("nbgrader")
        if meta:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", meta["grade_id"]), meta["grade_id"]
        if _is_test(cell):
            first = cell.source.splitlines()[0]
            assert re.fullmatch(r'""".+"""', first), f"{assignment}/{meta['grade_id']} starts with {first!r}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_stubs_raise_not_implemented(assignment):
    """in the student version every code answer is a stub that raises NotImplementedError"""
    for cell in _notebook("exercises", assignment).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            assert "raise NotImplementedError()" in cell.source, meta["grade_id"]
            assert "BEGIN SOLUTION" not in cell.source and "HIDDEN TESTS" not in cell.source


@pytest.mark.parametrize("folder", ["solutions", "exercises"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebooks_carry_no_outputs(folder, assignment):
    """the notebooks in git carry no outputs"""
    for cell in _notebook(folder, assignment).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
