"""The catalogue of hostile and broken submissions of relu_basics that tests/test_adversarial.py grades.

Each entry is one student: how to build the submission from the released notebook, and what grading it must
give: the test cells its code deserves to pass (so its exact score), its status in the grading log, and the
problems the log must name. The entries read as the grader's specification against cheating: forged
metadata, sabotaged processes, tampering with Python itself, reading or writing the course's files, calling
the reference, hard-coded answers and unreadable files. Most attacks sit in the ``relu`` answer cell, after a
definition of ``relu``, so that the grader's verification has a function to judge.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

ASSIGNMENT = "relu_basics"

# The test cells of relu_basics and their points, as the instructor's source has them (9 in all); the
# module's tests check this against the source, so that a change to the assignment fails loudly here.
RELU_TESTS = ("relu_matches_reference", "relu_keeps_dtype_shape_and_input", "relu_is_vectorised",
              "relu_edge_values_and_random_inputs")
TABLE_TESTS = ("relu_table_matches_reference",)
SOFTPLUS_TESTS = ("softplus_matches_reference", "softplus_does_not_overflow",
                  "softplus_edge_values_and_random_inputs")
POINTS = dict.fromkeys(RELU_TESTS + TABLE_TESTS + SOFTPLUS_TESTS, 1.0) | {
    "softplus_edge_values_and_random_inputs": 2.0}
ALL = frozenset(POINTS)
NOTHING = frozenset()
ANSWERS = ("relu", "relu_table", "softplus", "plot_relu_and_softplus")  # the answer cells' grade ids

# --- the students' code ---------------------------------------------------------------------------------

# Wrong in every way a test looks at: the absolute value, float64 whatever the input, one element at a time
# (so it fails relu_is_vectorised too). Every test of relu fails with it, and so does relu_table's, which
# uses relu: a submission with it and the released stubs elsewhere deserves 0.
WRONG_RELU = '''\
def relu(x):
    """max(0, x) elementwise (wrong on purpose: the absolute value, one element at a time)."""
    x = np.asarray(x, dtype=np.float64)
    return np.array([abs(value) for value in x.ravel()]).reshape(x.shape)
'''

# A plausible honest mistake: the absolute value, vectorised and dtype-keeping. It fails every test that
# compares values, and passes relu_is_vectorised, which only counts the Python lines that run.
ABS_RELU = '''\
def relu(x):
    """max(0, x) elementwise, as a new floating array of x's shape (float64 unless x is floating)."""
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    return np.abs(x)
'''

# --- tampering with the notebook's own process: most fool the notebook's tests, none the grader's -------

NUMPY_PATCHED = '''
# The comparisons the tests use now always agree.
np.testing.assert_allclose = lambda *args, **kwargs: None
np.testing.assert_array_equal = lambda *args, **kwargs: None
np.array_equal = lambda *args, **kwargs: True
np.allclose = lambda *args, **kwargs: True
np.all = lambda *args, **kwargs: True
'''

CHECKS_REBOUND = '''
# The test cells call these names: make them do nothing.
check_matches = check_vectorised = lambda *args, **kwargs: None
'''

CHECKING_INTERNALS = '''
import relu_reference.checking
relu_reference.checking.check_close = lambda *args, **kwargs: None
relu_reference.checking._check_not_reference = lambda *args, **kwargs: None
relu_reference.checking._fail = lambda *args, **kwargs: None
'''

INPUT_TRANSFORMER = '''
# Every cell run after this one is replaced by `pass`, the test cells included.
get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])
'''

AST_TRANSFORMER = '''
import ast


class Nothing(ast.NodeTransformer):
    """Every cell's code becomes `pass`."""

    def visit_Module(self, node):
        node.body = [ast.Pass()]
        return ast.fix_missing_locations(node)


get_ipython().ast_transformers.append(Nothing())
'''

PRE_RUN_CELL = '''
def disarm(*args):
    """Before each cell: the checks do nothing."""
    get_ipython().user_ns.update(check_matches=lambda *a, **k: None, check_vectorised=lambda *a, **k: None)


get_ipython().events.register("pre_run_cell", disarm)
'''

# An extra cell before the setup cell: its `from relu_reference.checking import ...` finds this instead.
FAKE_MODULE_CELL = '''\
import sys
import types

fake = types.ModuleType("relu_reference.checking")
fake.check_matches = fake.check_vectorised = lambda *args, **kwargs: None
fake.edge_values = fake.random_inputs = lambda *args, **kwargs: None
sys.modules["relu_reference.checking"] = fake
'''

ALWAYS_EQUAL_ARRAY = '''
class Agreeable(np.ndarray):
    """An array that equals everything, and whose every ufunc says yes."""

    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

    def __ne__(self, other):
        return np.zeros(self.shape, dtype=bool)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.ones(np.broadcast_shapes(*(np.shape(item) for item in inputs)), dtype=bool)


wrong_relu = relu


def relu(x):
    return wrong_relu(x).view(Agreeable)
'''

ARRAY_UFUNC_OBJECT = '''
class Everything:
    """Claims the dtype and shape the test wants; every comparison and ufunc on it says yes."""

    def __init__(self, x):
        self.x = np.asarray(x)
        self.dtype = self.x.dtype if self.x.dtype.kind == "f" else np.dtype(np.float64)
        self.shape = self.x.shape

    def __array__(self, dtype=None, copy=None):
        return np.abs(self.x).astype(dtype or self.dtype)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.ones(self.shape, dtype=bool)

    def __eq__(self, other):
        return True

    __le__ = __ge__ = __lt__ = __gt__ = __eq__


def relu(x):
    return Everything(x)
'''

TRACEBACK_HIDDEN = '''
import builtins


class NotAnError(Exception):
    """What `raise AssertionError(...)` raises from now on."""


builtins.AssertionError = NotAnError
# nbgrader fails a test cell by the error it shows: show none.
get_ipython()._showtraceback = lambda *args, **kwargs: None
get_ipython().showtraceback = lambda *args, **kwargs: None
'''

# --- the reference instead of one's own work (the notebook's intro: such a function scores zero) --------

REFERENCE_DIRECT = '''\
import relu_reference as ref


def relu(x):
    return ref.relu(x)
'''

REFERENCE_ALIAS = '''\
from relu_reference import relu as fast_relu


def relu(x):
    return fast_relu(x)
'''

REFERENCE_IMPORTLIB = '''\
import importlib


def relu(x):
    return importlib.import_module("relu_" + "reference").relu(x)
'''

REFERENCE_REGISTRY = '''\
def relu(x):
    return registry["relu"](x)


registry = dict(ref.ACTIVATIONS)
'''

# Out of sight of the notebook's checks: a dict hides the reference from the look at relu's names, and
# removing the profile hook hides the call from the check that watches every call.
REFERENCE_UNHOOKED = '''\
import sys

box = {"relu": ref.relu}


def relu(x):
    sys.setprofile(None)
    return box["relu"](x)
'''

# --- answers for the visible inputs only ----------------------------------------------------------------

# Right on relu_matches_reference's input only; a KeyError (no loop) elsewhere.
HARDCODED_LOOKUP = '''\
ANSWERS = {(-2.0, -0.5, 0.0, 0.5, 2.0): np.array([0.0, 0.0, 0.0, 0.5, 2.0])}


def relu(x):
    return ANSWERS[tuple(np.ravel(x).tolist())].copy()
'''

# Right on relu_matches_reference's input, and loop-free, so relu_is_vectorised (which counts Python lines,
# not values) passes too: 2 points by the tests' own definitions.
HARDCODED_CONSTANT = '''\
def relu(x):
    return np.array([0.0, 0.0, 0.0, 0.5, 2.0])
'''

# --- sabotage of the grading processes ----------------------------------------------------------------

OS_EXIT = '''
import os
os._exit(3)
'''

SYS_EXIT = '''
import sys
sys.exit("goodbye")
'''

SELF_KILL = '''
import os
import signal
os.kill(os.getpid(), signal.SIGKILL)
'''

FORK_BOMB = '''
import os
import time

children = 0
for _ in range(200):  # bounded: the sandbox allows 64 processes, so the forks soon fail
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(1000)
        os._exit(0)
    children += 1
print(f"forked {children} children")
'''

ENDLESS_LOOP = '''
while True:
    pass
'''

SLEEP_EVERY_CELL = '''
import time
get_ipython().events.register("pre_run_cell", lambda *args: time.sleep(1000))
'''

MEMORY_NUMPY = '''
hog = np.ones(50 * 2**30 // 8)  # 50 GB
'''

# np.empty leaves the memory untouched, so the address-space limit is reached at once.
MEMORY_LIST = '''
hog = []
while True:
    hog.append(np.empty(10**8 // 8))
'''

OUTPUT_FLOOD = '''
for _ in range(2000):
    print("flood\\n" * 1000, end="")  # 2 million lines, a thousand at a time
'''

# A session leader sleeping, and a double-forked daemon that keeps writing marker files where it can; both
# carry the run's token on their command line, so that a survivor can be found.
BACKGROUND = '''
import os
import subprocess
import sys

sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)", TOKEN],
                           start_new_session=True)
DAEMON = """
import sys, time
token, paths = sys.argv[1], sys.argv[2:]
for _ in range(1200):
    for path in paths:
        try:
            with open(path, "a") as file:
                file.write(token + "\\\\n")
        except OSError:
            pass
    time.sleep(0.5)
"""
first = os.fork()
if first == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", DAEMON, TOKEN, *MARKERS])
    os._exit(0)
_ = os.waitpid(first, 0)
'''

# --- the file system ---------------------------------------------------------------------------------------

# Tries to read what a student must never see, and prints whatever it gets (so a leak would show in the
# graded notebook's outputs).
FILES_READ = '''
MARK = ("BEGIN " + "HIDDEN TESTS").encode()  # spelled out, the grader would take this cell for a test
for name, path in SECRETS.items():
    try:
        with open(path, "rb") as file:
            data = file.read()
    except Exception as error:
        print(f"ATTACK read {name}: blocked ({type(error).__name__})")
        continue
    print(f"ATTACK read {name}: ok, {len(data)} bytes")
    at = data.find(MARK)
    print(data[max(at, 0):max(at, 0) + 3000].decode(errors="replace"))
'''

# Searches the file system, for at most 1.5 s, for a file with hidden tests, and prints what follows the mark.
FILES_SEARCH = '''
import os
import time

MARK = ("BEGIN " + "HIDDEN TESTS").encode()
deadline = time.monotonic() + 1.5
seen, hits, walked = 0, 0, set()
for root in [os.getcwd(), os.path.expanduser("~"), "/tmp", COURSE, REPOSITORY, "/work", "/root", "/home",
             "/srv", "/var", "/opt", "/"]:
    for folder, subfolders, files in os.walk(root):
        if folder in walked or folder.startswith(("/proc", "/sys", "/dev")) or time.monotonic() > deadline:
            subfolders[:] = []
            continue
        walked.add(folder)
        for name in files:
            path = os.path.join(folder, name)
            try:
                if os.path.getsize(path) > 2_000_000:
                    continue
                with open(path, "rb") as file:
                    data = file.read()
            except OSError:
                continue
            seen += 1
            at = data.find(MARK)
            if at >= 0:
                hits += 1
                if hits <= 20:
                    print(f"ATTACK search found {path}:", data[at:at + 800].decode(errors="replace"))
print(f"ATTACK search: read {seen} files, {hits} with hidden tests")
'''

# Tries to change the gradebook, another student's submission and the sources, and to leave marker files.
FILES_WRITE = '''
import sqlite3

for name, path in TARGETS.items():
    try:
        with open(path, "ab") as file:
            file.write(b" ")
    except Exception as error:
        print(f"ATTACK write {name}: blocked ({type(error).__name__})")
    else:
        print(f"ATTACK write {name}: ok")
try:
    database = sqlite3.connect(f"{COURSE}/gradebook.db")
    database.execute("UPDATE grade SET manual_score = 100")
    database.commit()
except Exception as error:
    print(f"ATTACK write gradebook rows: blocked ({type(error).__name__})")
else:
    print("ATTACK write gradebook rows: ok")
'''

# An innocent comment that happens to quote the marker of the instructor's hidden tests.
HIDDEN_MARKER = '''
# Which inputs do the hidden tests use? The source notebook marks them with "### BEGIN HIDDEN TESTS".
'''

# Files submitted beside the notebook: if the kernel imported them, they would print the shadow mark.
SHADOW_NUMPY = '''\
print("SHADOW " + TOKEN)
raise ImportError("this numpy is a shadow")
'''

SHADOW_REFERENCE = '''\
import sys
import types

print("SHADOW " + TOKEN)
checking = types.ModuleType("relu_reference.checking")
checking.check_matches = checking.check_vectorised = lambda *args, **kwargs: None
checking.edge_values = checking.random_inputs = lambda *args, **kwargs: None
sys.modules["relu_reference.checking"] = checking
plotting = None


def relu(x):
    return x
'''


# --- building the submissions ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Kit:
    """What the submissions are built from.

    Parameters
    ----------
    course : pathlib.Path
        The temporary course directory (its absolute paths are hard-coded into the attacks).
    repository : pathlib.Path
        This repository (its solutions/ is a target too).
    token : str
        Unique to this run: marks every process and file an attack leaves, so that one can be found.
    released : nbformat.NotebookNode
        The student version of relu_basics, as generated.
    right : dict
        The instructor's answer of each answer cell (solution markers removed), by grade id.
    """

    course: Path
    repository: Path
    token: str
    released: nbformat.NotebookNode
    right: dict

    def constants(self) -> str:
        """The lines that give an attack the course's real paths and the run's token."""
        course = str(self.course)
        secrets = {
            "gradebook": f"{course}/gradebook.db",
            "solution": f"{course}/solutions/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
            "solution, relative": f"../../solutions/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
            "solution, repository": f"{self.repository}/solutions/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
            "grading secret": f"{course}/.grading_secret",
            "grading journal": f"{course}/grading_journal.jsonl",
            "another student": f"{course}/submitted/honest_right/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
        }
        targets = {
            "gradebook": f"{course}/gradebook.db",
            "another student": f"{course}/submitted/honest_right/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
            "solution": f"{course}/solutions/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
            "course marker": str(self.marker_paths()[0]),
            "tmp marker": str(self.marker_paths()[1]),
            "repository marker": str(self.marker_paths()[2]),
        }
        markers = [str(path).replace("pwned", "daemon") for path in self.marker_paths()]
        return (f"COURSE = {course!r}\nREPOSITORY = {str(self.repository)!r}\nTOKEN = {self.token!r}\n"
                f"SECRETS = {secrets!r}\nTARGETS = {targets!r}\nMARKERS = {markers!r}\n")

    def marker_paths(self) -> list[Path]:
        """Where the writing attacks (and, with "daemon" for "pwned", the daemon) try to leave a file."""
        name = f"pwned_{self.token}"
        return [self.course / name, Path("/tmp") / name, self.repository / name]


Build = Callable[[Kit, Path], None]


def right_answers(solution_nb) -> dict[str, str]:
    """The instructor's answer cells as a student would type them: without nbgrader's solution markers."""
    answers = {}
    for cell in solution_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            answers[meta["grade_id"]] = "\n".join(
                line for line in cell.source.splitlines()
                if not re.match(r"\s*### (BEGIN|END) SOLUTION", line))
    return answers


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _source(kit: Kit, text: str) -> str:
    # Attacks refer to COURSE, TOKEN, ... : define them first, where they are used.
    if re.search(r"\b(COURSE|REPOSITORY|TOKEN|SECRETS|TARGETS|MARKERS)\b", text):
        return kit.constants() + "\n" + text
    return text


def notebook(kit: Kit, edit: Callable | None = None, **answers: str) -> nbformat.NotebookNode:
    """The released notebook with the given answer cells (by grade id; `RIGHT_ANSWER` in one stands for the
    instructor's answer of that cell), then `edit(nb, kit)` applied."""
    nb = copy.deepcopy(kit.released)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            text = answers[grade_id(cell)].replace(RIGHT_ANSWER, kit.right[grade_id(cell)] + "\n")
            cell.source = _source(kit, text)
    if edit is not None:
        edit(nb, kit)
    return nb


def submit(**answers) -> Build:
    """A build that submits the released notebook with `answers` (see `notebook`; ``edit=`` too)."""
    def build(kit: Kit, folder: Path) -> None:
        folder.mkdir(parents=True)
        nbformat.write(notebook(kit, **answers), folder / f"{ASSIGNMENT}.ipynb")
    return build


RIGHT_ANSWER = "#<the instructor's answer>\n"
RIGHT = dict.fromkeys(ANSWERS, RIGHT_ANSWER)


# --- structural edits ---------------------------------------------------------------------------------------

def _tests(nb):
    return [cell for cell in nb.cells if grade_id(cell) in POINTS]


def edit_tests(nb, kit):
    for cell in _tests(nb):
        cell.source = "pass  # my functions are fine"


def delete_tests(nb, kit):
    nb.cells = [cell for cell in nb.cells if grade_id(cell) not in POINTS]


def duplicate_tests(nb, kit):
    # As Jupyter copies a cell: metadata, grade id included; the copy, graded last, passes trivially.
    for cell in _tests(nb):
        twin = copy.deepcopy(cell)
        twin["id"] = f"{cell['id']}-copy"
        twin.source = "pass"
        nb.cells.insert(nb.cells.index(cell) + 1, twin)


def _retype(cell_type: str):
    def edit(nb, kit):
        for index, cell in enumerate(nb.cells):
            if grade_id(cell) in POINTS:
                new = (nbformat.v4.new_markdown_cell if cell_type == "markdown" else nbformat.v4.new_raw_cell)(
                    cell.source, metadata=cell.metadata)
                new["id"] = cell["id"]
                nb.cells[index] = new
    return edit


def raise_points(nb, kit):
    for cell in _tests(nb):
        cell.metadata["nbgrader"]["points"] = 100


def swap_ids(nb, kit):
    # The 1-point relu test and the 2-point softplus test trade names (and so places in the gradebook).
    first, second = (next(c for c in nb.cells if grade_id(c) == name)
                     for name in ("relu_matches_reference", "softplus_edge_values_and_random_inputs"))
    first.metadata["nbgrader"]["grade_id"], second.metadata["nbgrader"]["grade_id"] = (
        "softplus_edge_values_and_random_inputs", "relu_matches_reference")


def rename_id(nb, kit):
    cell = next(c for c in nb.cells if grade_id(c) == "relu_matches_reference")
    cell.metadata["nbgrader"]["grade_id"] = "relu_bonus"
    cell.source = "pass"


def bad_schema(nb, kit):
    for cell in nb.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata["nbgrader"]["schema_version"] = 99


def add_fake_graded_cell(nb, kit):
    cell = nbformat.v4.new_code_cell("print('extra credit')")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "extra_credit", "locked": True, "points": 1000,
                                 "schema_version": 3, "solution": False, "task": False}
    answer = next(c for c in nb.cells if grade_id(c) == "relu")
    nb.cells.insert(nb.cells.index(answer) + 1, cell)


def delete_table_test(nb, kit):
    nb.cells = [cell for cell in nb.cells if grade_id(cell) != "relu_table_matches_reference"]


def add_foreign_cell(nb, kit):
    # A test cell copied, as Jupyter copies it (nbgrader metadata and all), from another assignment's
    # notebook: its grade id is unknown to this assignment's gradebook.
    cell = nbformat.v4.new_code_cell('"""relu\'(0) is 0, as in PyTorch"""\nassert True')
    cell.metadata.update(deletable=False, editable=False)
    cell.metadata["nbgrader"] = {"cell_type": "code", "checksum": "0123456789abcdef0123456789abcdef",
                                 "grade": True, "grade_id": "relu_grad_at_zero", "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False, "task": False}
    answer = next(c for c in nb.cells if grade_id(c) == "relu")
    nb.cells.insert(nb.cells.index(answer) + 1, cell)


def lock_answer(nb, kit):
    # The answer cell claims to be the instructor's: a locked, graded cell worth 50 points.
    cell = next(c for c in nb.cells if grade_id(c) == "relu")
    cell.metadata["nbgrader"].update(grade=True, locked=True, solution=False, points=50)


def plant_fake_module(nb, kit):
    setup = next(c for c in nb.cells if grade_id(c) == "setup")
    nb.cells.insert(nb.cells.index(setup), nbformat.v4.new_code_cell(FAKE_MODULE_CELL))


def with_file(name: str, text: str, **answers) -> Build:
    """Submit the notebook with `answers` and a file `name` beside it."""
    def build(kit: Kit, folder: Path) -> None:
        submit(**answers)(kit, folder)
        (folder / name).write_text(_source(kit, text))
    return build


# --- broken files --------------------------------------------------------------------------------------------

def _write(name: str | None, content: Callable[[Kit], str] | None) -> Build:
    def build(kit: Kit, folder: Path) -> None:
        folder.mkdir(parents=True)
        if name is not None:
            (folder / name).write_text(content(kit))
    return build


def _released_text(kit: Kit) -> str:
    return nbformat.writes(kit.released)


def no_folder(kit: Kit, folder: Path) -> None:
    folder.parent.mkdir(parents=True)  # the student is there, the assignment is not


def _no_cells(kit: Kit) -> str:
    nb = copy.deepcopy(kit.released)
    nb.cells = []
    return nbformat.writes(nb)


# --- the catalogue --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hostile:
    """One student's submission, and what grading it must give.

    Parameters
    ----------
    name : str
        The student's id.
    kind : str
        The family of the attack (one of `KINDS`).
    build : callable
        ``build(kit, folder)`` writes the submission into ``folder`` (``submitted/<name>/relu_basics``).
    deserves : frozenset of str
        The test cells the submission's code deserves to pass: each scores its points, every other zero.
    status : str
        Its status in the grading log: ``"graded"``, ``"zero"`` (a recorded zero) or ``"missing"``.
    problems : tuple of str
        Problem kinds (grading/records.py) that the grading log must name for it.
    why : str
        What it tries, and why it deserves what it does.
    """

    name: str
    kind: str
    build: Build
    deserves: frozenset
    status: str = "graded"
    problems: tuple = ()
    why: str = ""

    @property
    def score(self) -> float:
        return sum(POINTS[test] for test in self.deserves)


KINDS = ("honest", "test cells", "metadata", "process", "tampering", "files", "reference", "hard-coded",
         "broken")

CATALOGUE = [
    # --- honest, for comparison ---
    Hostile("honest_right", "honest", submit(**RIGHT), ALL, why="the instructor's solution"),
    Hostile("honest_untouched", "honest", submit(), NOTHING, why="the released stubs raise NotImplementedError"),
    Hostile("honest_wrong_relu", "honest", submit(**RIGHT | {"relu": ABS_RELU}),
            frozenset({"relu_is_vectorised", *SOFTPLUS_TESTS}),
            why="np.abs for relu: only loop-freeness holds; relu_table is wrong through it; softplus is right"),

    # --- test cells: the originals are graded, whatever the submission did to them ---
    Hostile("tests_edited", "test cells", submit(relu=WRONG_RELU, edit=edit_tests), NOTHING,
            problems=("edited test",), why="every test cell replaced by `pass`"),
    Hostile("tests_deleted", "test cells", submit(relu=WRONG_RELU, edit=delete_tests), NOTHING,
            problems=("deleted test",), why="every test cell deleted: they are put back, and fail"),
    Hostile("table_test_deleted_right", "test cells", submit(**RIGHT, edit=delete_table_test), ALL,
            problems=("deleted test",), why="right answers, the relu_table test deleted: it is put back, and "
                                            "passes"),
    Hostile("tests_duplicated", "test cells", submit(relu=WRONG_RELU, edit=duplicate_tests), NOTHING,
            problems=("copied cell",), why="each test cell copied, the copy emptied"),
    Hostile("tests_markdown", "test cells", submit(relu=WRONG_RELU, edit=_retype("markdown")), NOTHING,
            problems=("edited test",), why="test cells turned into markdown, so they do not run"),
    Hostile("tests_raw_right", "test cells", submit(**RIGHT, edit=_retype("raw")), ALL,
            problems=("edited test",), why="right answers, test cells turned raw: they are put back and pass"),

    # --- forged nbgrader metadata ---
    Hostile("points_raised_right", "metadata", submit(**RIGHT, edit=raise_points), ALL,
            problems=("edited test",), why="100 points on every test cell: the right answers get 9, not 800"),
    Hostile("ids_swapped", "metadata", submit(relu=RIGHT_ANSWER, edit=swap_ids), frozenset(RELU_TESTS),
            why="a 1-point and a 2-point test trade grade ids; relu is right, softplus a stub"),
    Hostile("id_renamed", "metadata", submit(relu=WRONG_RELU, edit=rename_id), NOTHING,
            problems=("deleted test",), why="a failing test cell renamed and emptied: the original is put back"),
    Hostile("schema_forged_right", "metadata", submit(**RIGHT, edit=bad_schema), ALL,
            why="right answers, nbgrader schema_version 99 on every cell: the gradebook's metadata replaces "
                "it, no point is lost"),
    Hostile("fake_graded_cell", "metadata", submit(relu=WRONG_RELU, edit=add_fake_graded_cell), NOTHING,
            why="a new locked graded cell worth 1000 points that always passes: it is not graded"),
    Hostile("foreign_cell_right", "metadata", submit(**RIGHT, edit=add_foreign_cell), ALL,
            why="right answers, and a test cell copied with its metadata from another assignment: not graded, "
                "and no reason to lose a point"),
    Hostile("answer_locked", "metadata", submit(relu=WRONG_RELU, edit=lock_answer), NOTHING,
            why="the answer cell claims to be a locked test cell worth 50 points: it is still the student's"),

    # --- sabotage of the grading processes ---
    Hostile("os_exit", "process", submit(relu=WRONG_RELU + OS_EXIT), NOTHING, problems=("crashed",),
            why="os._exit in the answer cell ends the kernel"),
    Hostile("self_kill", "process", submit(relu=WRONG_RELU + SELF_KILL), NOTHING, problems=("crashed",),
            why="the kernel sends itself SIGKILL"),
    Hostile("sys_exit_right", "process", submit(**RIGHT | {"relu": RIGHT_ANSWER + SYS_EXIT}), ALL,
            why="sys.exit after a right relu: IPython (and the grader) only see an exception"),
    Hostile("fork_bomb_right", "process", submit(**RIGHT | {"relu": RIGHT_ANSWER + FORK_BOMB}), ALL,
            why="forks until the sandbox's process limit, children sleeping; the answers are right"),
    Hostile("endless_loop_right", "process", submit(**RIGHT | {"relu": RIGHT_ANSWER + ENDLESS_LOOP}), ALL,
            problems=("timeout",), why="an endless loop after a right relu: the cell is interrupted, relu "
                                       "stays defined, as in any kernel"),
    Hostile("sleep_every_cell_right", "process",
            submit(**RIGHT | {"relu_table": RIGHT_ANSWER + SLEEP_EVERY_CELL}), ALL, problems=("timeout", "overridden"),
            why="from relu_table on, every cell sleeps first, so every later test times out in the notebook; the "
                "functions are right"),
    Hostile("memory_numpy_right", "process", submit(**RIGHT | {"relu": RIGHT_ANSWER + MEMORY_NUMPY}), ALL,
            why="asks numpy for 50 GB after a right relu: a MemoryError, nothing else"),
    Hostile("memory_list", "process", submit(relu=WRONG_RELU + MEMORY_LIST), NOTHING,
            why="a list grown until the address-space limit, then kept"),
    Hostile("output_flood_right", "process", submit(**RIGHT | {"relu": RIGHT_ANSWER + OUTPUT_FLOOD}), ALL,
            why="prints 2 million lines (12 MB) after a right relu"),
    Hostile("background_right", "process", submit(**RIGHT | {"relu": RIGHT_ANSWER + BACKGROUND}), ALL,
            why="starts a session leader and a double-forked daemon that outlive the cell"),

    # --- tampering with Python in the notebook's process, with a wrong relu ---
    Hostile("tamper_numpy", "tampering", submit(relu=WRONG_RELU + NUMPY_PATCHED), NOTHING,
            problems=("overridden",), why="numpy's comparisons replaced by ones that always agree"),
    Hostile("tamper_checks_rebound", "tampering", submit(relu=WRONG_RELU + CHECKS_REBOUND), NOTHING,
            problems=("overridden",), why="check_matches and check_vectorised rebound to no-ops"),
    Hostile("tamper_checking_internals", "tampering", submit(relu=WRONG_RELU + CHECKING_INTERNALS), NOTHING,
            problems=("overridden",), why="relu_reference.checking's comparison and failure made no-ops"),
    Hostile("tamper_input_transformer", "tampering", submit(relu=WRONG_RELU + INPUT_TRANSFORMER), NOTHING,
            problems=("overridden",), why="an IPython input transformer turns every later cell into pass"),
    Hostile("tamper_ast_transformer", "tampering", submit(relu=WRONG_RELU + AST_TRANSFORMER), NOTHING,
            problems=("overridden",), why="an IPython AST transformer turns every later cell into pass"),
    Hostile("tamper_pre_run_cell", "tampering", submit(relu=WRONG_RELU + PRE_RUN_CELL), NOTHING,
            problems=("overridden",), why="a pre_run_cell hook disarms the checks before every cell"),
    Hostile("tamper_fake_module", "tampering", submit(relu=WRONG_RELU, edit=plant_fake_module), NOTHING,
            problems=("overridden",),
            why="a cell before the setup plants a fake relu_reference.checking in sys.modules"),
    Hostile("tamper_always_equal_array", "tampering", submit(relu=WRONG_RELU + ALWAYS_EQUAL_ARRAY), NOTHING,
            why="relu returns an ndarray subclass whose == and ufuncs always say yes"),
    Hostile("tamper_array_ufunc_object", "tampering", submit(relu=ARRAY_UFUNC_OBJECT), NOTHING,
            why="relu returns an object with __array_ufunc__, __array__ and comparisons that say yes"),
    Hostile("tamper_traceback_hidden", "tampering", submit(relu=WRONG_RELU + TRACEBACK_HIDDEN), NOTHING,
            why="builtins.AssertionError replaced and tracebacks hidden, so that failing cells show no error "
                "(nbgrader records the error of the kernel's reply anyway)"),
    Hostile("tamper_numpy_right", "tampering", submit(**RIGHT | {"relu": RIGHT_ANSWER + NUMPY_PATCHED}), ALL,
            why="numpy patched as above, but every answer is right: it deserves full marks"),
    Hostile("tamper_mixed", "tampering",
            submit(**RIGHT | {"relu": WRONG_RELU + CHECKS_REBOUND}), frozenset(SOFTPLUS_TESTS),
            problems=("overridden",),
            why="checks disarmed, relu wrong (and relu_table wrong through it), softplus right"),

    # --- the course's files ---
    Hostile("files_read", "files", submit(relu=WRONG_RELU + FILES_READ), NOTHING,
            why="reads the gradebook, the solutions (absolute, relative, the repository's), the grading "
                "secret and journal, another student's notebook, and prints them"),
    Hostile("files_search", "files", submit(relu=WRONG_RELU + FILES_SEARCH), NOTHING,
            why="walks the file system for 'BEGIN HIDDEN TESTS' and prints what follows"),
    Hostile("files_write", "files", submit(relu=WRONG_RELU + FILES_WRITE), NOTHING,
            why="writes to the gradebook (file and rows), another student's notebook, the solution, and "
                "marker files"),
    Hostile("shadow_numpy_right", "files", with_file("numpy.py", SHADOW_NUMPY, **RIGHT), ALL,
            problems=("ignored file",), why="a numpy.py beside the notebook that would break numpy"),
    Hostile("shadow_reference", "files", with_file("relu_reference.py", SHADOW_REFERENCE, relu=WRONG_RELU),
            NOTHING, problems=("ignored file",),
            why="a relu_reference.py beside the notebook whose checks do nothing"),
    Hostile("hidden_marker_right", "files", submit(**RIGHT | {"relu": RIGHT_ANSWER + HIDDEN_MARKER}), ALL,
            why="right answers, and a comment that mentions the instructor's hidden-test marker"),

    # --- the reference instead of one's own work ---
    Hostile("reference_direct", "reference", submit(relu=REFERENCE_DIRECT), NOTHING, why="return ref.relu(x)"),
    Hostile("reference_alias", "reference", submit(relu=REFERENCE_ALIAS), NOTHING,
            why="the reference's relu under another name"),
    Hostile("reference_importlib", "reference", submit(relu=REFERENCE_IMPORTLIB), NOTHING,
            why="the reference imported by importlib inside relu"),
    Hostile("reference_registry", "reference", submit(relu=REFERENCE_REGISTRY), NOTHING,
            why="the reference's relu from the registry of activations"),
    Hostile("reference_unhooked", "reference", submit(relu=REFERENCE_UNHOOKED), NOTHING,
            problems=("overridden",),
            why="the reference hidden in a dict, with the notebook's profile hook removed before the call"),

    # --- answers for the visible inputs only ---
    Hostile("hardcoded_lookup", "hard-coded", submit(relu=HARDCODED_LOOKUP),
            frozenset({"relu_matches_reference"}), why="a dict from the visible input to its output"),
    Hostile("hardcoded_constant", "hard-coded", submit(relu=HARDCODED_CONSTANT),
            frozenset({"relu_matches_reference", "relu_is_vectorised"}),
            why="always the visible test's answer; loop-free, so relu_is_vectorised holds"),

    # --- files that are not a gradable submission ---
    Hostile("invalid_json", "broken", _write(f"{ASSIGNMENT}.ipynb", lambda kit: _released_text(kit)[:2000]),
            NOTHING, status="zero", problems=("invalid",), why="a notebook cut in half"),
    Hostile("zero_bytes", "broken", _write(f"{ASSIGNMENT}.ipynb", lambda kit: ""), NOTHING, status="zero",
            problems=("invalid",), why="an empty file"),
    Hostile("no_cells", "broken", _write(f"{ASSIGNMENT}.ipynb", _no_cells), NOTHING, problems=("deleted test",),
            why="a valid notebook without a single cell: the tests are put back, and fail"),
    Hostile("renamed", "broken", _write(f"{ASSIGNMENT} (1).ipynb", _released_text), NOTHING, status="zero",
            problems=("renamed",), why="the notebook under another name"),
    Hostile("missing_notebook", "broken", _write("notes.txt", lambda kit: "I forgot it"), NOTHING,
            status="zero", problems=("missing notebook",), why="another file, no notebook"),
    Hostile("empty_folder", "broken", _write(None, None), NOTHING, status="zero",
            problems=("missing notebook",), why="the assignment's folder, empty"),
    Hostile("no_folder", "broken", no_folder, NOTHING, status="missing", problems=("missing",),
            why="the student's folder without the assignment"),
]

HONEST = [entry for entry in CATALOGUE if entry.kind == "honest"]
HOSTILE = [entry for entry in CATALOGUE if entry.kind != "honest"]
