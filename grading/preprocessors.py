"""The preprocessors ``nbgrader_config.py`` puts into nbgrader's autograding.

``SandboxedExecute`` runs a notebook in the sandbox instead of next to the gradebook, and
``ApplyVerification`` replaces each test cell's in-notebook result by the grader's own verdict where they
differ. ``OverwriteCells`` repairs an nbgrader bug:

nbgrader 0.9.6 crashes on a notebook in which a student copied a graded cell (Jupyter copies its metadata,
so the grade id appears twice) when deleted test cells are to be put back (``add_missing_cells``):
``DeduplicateIds`` empties the copy's nbgrader metadata, and ``OverwriteCells.add_missing_task_cells``
then looks up a grade id the copy no longer has (``KeyError: 'grade_id'``), failing the whole submission.
"""
from __future__ import annotations

import copy
import functools
import json
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor
from traitlets import Integer
from nbgrader.preprocessors import OverwriteCells as _NbgraderOverwriteCells

from .isolation.kernel import SandboxedKernelManager
from .isolation.sandbox import Sandbox, SandboxUnavailableError, check_available, give, remove
from .verification import course_secret, make_plan, submission_seed, verify

SECRET_FILE = ".grading_secret"  # in the course directory, beside the gradebook


class OverwriteCells(_NbgraderOverwriteCells):
    """nbgrader's ``OverwriteCells``, which trusts no nbgrader metadata of the submission and also grades a
    notebook holding a copied graded cell.

    Configured as ``OverwriteCells`` like the original. Before nbgrader's own work, every cell's nbgrader
    metadata is replaced by what the gradebook recorded for its grade id (points, kind, lock, schema
    version), and dropped from a cell whose id the gradebook does not know: forged points, a "graded" cell
    the student made up, or a broken schema version change nothing and fail nothing. A cell whose metadata
    lost its grade id (a duplicate) is not an nbgrader cell any more for nbgrader either; its leftover
    metadata is dropped before the missing cells are put back.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    >>> nb.cells[0].metadata["nbgrader"] = {}
    >>> _drop_idless_metadata(nb)
    >>> "nbgrader" in nb.cells[0].metadata
    False
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            _restore_metadata(nb, gb.find_notebook(info["notebook"], info["assignment"]))
        return super().preprocess(nb, resources)

    def add_missing_grade_cells(self, nb, resources):
        """Put back every deleted graded cell after the nearest cell that precedes it in the instructor's
        notebook and is still there (nbgrader looks only at graded and answer cells before it, and fails
        when the one before is a locked setup or demonstration cell)."""
        recorded = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in recorded.source_cells]
        grade_cells = {cell.name: cell for cell in recorded.grade_cells}
        answers = {cell.name for cell in recorded.solution_cells}
        sources = {cell.name: cell for cell in recorded.source_cells}

        def present():
            return {cell.metadata["nbgrader"]["grade_id"]: index for index, cell in enumerate(nb.cells)
                    if "grade_id" in cell.metadata.get("nbgrader", {})}

        for position, name in enumerate(order):
            if name not in grade_cells or name in present():
                continue
            self.log.warning(f"Missing grade cell {name} encountered, adding to notebook")
            cell = self.missing_cell_transform(sources[name], grade_cells[name].max_score,
                                               is_solution=name in answers)
            where = present()
            before = [where[earlier] for earlier in order[:position] if earlier in where]
            nb.cells.insert(max(before) + 1 if before else 0, cell)
        return nb, resources

    def add_missing_task_cells(self, nb, resources):
        _drop_idless_metadata(nb)
        return super().add_missing_task_cells(nb, resources)


def _restore_metadata(nb, recorded) -> None:
    """Give each cell the nbgrader metadata the gradebook recorded for its grade id, or none."""
    sources = {cell.name: cell for cell in recorded.source_cells}
    points = {cell.name: cell.max_score for cell in recorded.grade_cells}
    answers = {cell.name for cell in recorded.solution_cells}
    tasks = {cell.name for cell in recorded.task_cells}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id") if isinstance(
            cell.metadata.get("nbgrader"), dict) else None
        if grade_id not in sources:
            cell.metadata.pop("nbgrader", None)
            continue
        source = sources[grade_id]
        meta = {"grade": grade_id in points, "grade_id": grade_id, "locked": bool(source.locked),
                "schema_version": 3, "solution": grade_id in answers, "task": grade_id in tasks}
        if grade_id in points:
            meta["points"] = points[grade_id]
        if source.locked:
            meta["checksum"] = source.checksum
            _retype(cell, source.cell_type)  # a test cell turned into markdown is code again
        cell.metadata["nbgrader"] = meta


def _retype(cell, cell_type: str) -> None:
    if cell.cell_type == cell_type:
        return
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _drop_idless_metadata(nb) -> None:
    for cell in nb.cells:
        if "nbgrader" in cell.metadata and "grade_id" not in cell.metadata["nbgrader"]:
            del cell.metadata["nbgrader"]


# --- Students' code in a sandbox, verdicts from the grader --------------------------------------------------

class SandboxedExecute(Execute):
    """nbgrader's ``Execute``, with the kernel in a sandbox (`grading.isolation`) and no hidden test in it.

    Configured with ``Execute``'s options (timeout, interrupt_on_timeout, extra_arguments, ...) and the
    sandbox's (``c.Sandbox``). The kernel gets the released assignment's other files, never the files a
    student submitted beside the notebook (a ``numpy.py`` there would shadow numpy), and it runs the test
    cells as released, without their hidden tests: the grader runs those itself (``ApplyVerification``), so
    no student's code ever sees them. A cell that did not run gets an error saying why, so that it scores
    nothing in the notebook; each cell keeps at most ``max_output_bytes`` of output.
    """

    max_output_bytes = Integer(1 << 20, help="Most output a cell may keep, in bytes.").tag(config=True)
    runs: list = []  # (notebook, how its run ended: "ok" or why it stopped) of each run in this process

    def preprocess(self, nb, resources, km=None):
        sandbox = Sandbox(parent=self)
        require_sandbox(sandbox)
        scratch = sandbox.scratch()
        visible = copy.deepcopy(nb)
        for cell in visible.cells:
            meta = cell.metadata.get("nbgrader", {})  # the gradebook's, restored by OverwriteCells
            if meta.get("locked") and meta.get("grade") and not meta.get("solution"):
                _hide_tests(cell)
        try:
            _copy_released_files(CourseDirectory(config=self.config), resources, scratch)
            give(scratch, sandbox)
            km = SandboxedKernelManager(sandbox, scratch, cpu_seconds=sandbox.notebook_timeout + 5)
            watchdog = threading.Timer(sandbox.notebook_timeout, km.kill_now)
            watchdog.start()
            status = "ok"
            try:
                super().preprocess(visible, resources, km=km)
            except Exception as error:  # noqa: BLE001 -- whatever stopped the run, the cells that ran count
                status = _stopped(error, watchdog, sandbox)
            finally:
                watchdog.cancel()
                km.kill_now()
        finally:
            remove(scratch)
        for cell, ran in zip(nb.cells, visible.cells):
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = ran.outputs, ran.execution_count
                if ran.execution_count is None and not ran.outputs:
                    cell.outputs = [nbformat.v4.new_output(
                        "error", ename="CellNotRun", evalue=status,
                        traceback=[f"CellNotRun: the notebook stopped before this cell ran ({status})"])]
        SandboxedExecute.runs.append((resources.get("nbgrader", {}).get("notebook"), status))
        return nb, resources

    def output(self, outs, msg, display_id, cell_index):
        if sum(len(json.dumps(out)) for out in outs[-64:]) >= self.max_output_bytes or len(outs) > 10000:
            if not outs or "[output cut" not in str(outs[-1].get("text", "")):
                outs.append(nbformat.v4.new_output("stream", name="stderr", text=(
                    f"\n[output cut: this cell printed more than {self.max_output_bytes} bytes]\n")))
            return None
        return super().output(outs, msg, display_id, cell_index)


@functools.cache
def _unavailable(unsandboxed: bool) -> str | None:
    return check_available(Sandbox(unsandboxed=unsandboxed))


def require_sandbox(sandbox: Sandbox) -> None:
    """Refuse to run a student's code when it cannot be isolated, unless unsandboxed grading was accepted
    (checked once per process: also plain ``nbgrader autograde`` refuses)."""
    reason = _unavailable(sandbox.unsandboxed)
    if reason is not None:
        raise SandboxUnavailableError(
            f"students' code cannot be isolated on this machine: {reason}. Fix that, or accept grading "
            "without isolation (students' code then runs as you, and can read and change the gradebook and "
            "the hidden tests): make autograde UNSANDBOXED=1, python -m grading autograde --unsandboxed, or "
            "--Sandbox.unsandboxed=True")


def _hide_tests(cell) -> None:
    """Remove a cell's hidden tests, as nbgrader does for the student version."""
    ClearHiddenTests()._remove_hidden_test_region(cell)


def _copy_released_files(coursedir: CourseDirectory, resources, scratch: Path) -> None:
    assignment = resources.get("nbgrader", {}).get("assignment")
    if not assignment:
        return
    released = Path(coursedir.format_path(coursedir.release_directory, ".", assignment))
    for path in released.rglob("*") if released.is_dir() else ():
        if path.is_file() and path.suffix != ".ipynb":
            target = scratch / path.relative_to(released)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def _stopped(error: Exception, watchdog: threading.Timer, sandbox: Sandbox) -> str:
    if watchdog.finished.is_set() and not watchdog.is_alive():
        return f"the notebook ran longer than {sandbox.notebook_timeout} s and was stopped"
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else 'the kernel stopped'}"[:300]


class ApplyVerification(NbGraderPreprocessor):
    """After nbgrader has saved the in-notebook results: verify every test cell (`grading.verification`)
    and, where the verdict differs, record it as the cell's manual score with an explanation in the cell.

    Runs last in ``Autograde.autograde_preprocessors``. Each notebook's verdicts are also kept in
    `ApplyVerification.results` for the grading log.
    """

    results: list = []  # (student, assignment, notebook, [Override]) of each notebook verified in this process

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        coursedir = CourseDirectory(config=self.config)
        source_path = Path(coursedir.format_path(coursedir.source_directory, ".", info["assignment"])) \
            / f"{info['notebook']}.ipynb"
        source = nbformat.read(source_path, as_version=4)
        sandbox = Sandbox(parent=self)
        secret = course_secret(Path(coursedir.root) / SECRET_FILE)
        seed = submission_seed(secret, info["student"], info["assignment"], info["notebook"])
        plan = make_plan(source, nb)
        timeout = SandboxedExecute(config=self.config).timeout or 30  # as configured, on the command line too
        verdicts, _ = verify(plan, sandbox, owner=info["student"], seed=seed, timeout=timeout,
                             notebook_timeout=sandbox.notebook_timeout)
        hidden = {label for label, text, is_test in plan.trusted if is_test and "BEGIN HIDDEN TESTS" in text}
        overrides = self._record(verdicts, info, hidden)
        for override in overrides:
            _explain(nb, override)
        ApplyVerification.results.append((info["student"], info["assignment"], info["notebook"], overrides))
        return nb, resources

    def _record(self, verdicts, info, hidden: set[str]) -> list:
        overrides = []
        with Gradebook(info["db_url"]) as gb:
            for verdict in verdicts:
                grade = gb.find_grade(verdict.grade_id, info["notebook"], info["assignment"], info["student"])
                verified = float(grade.max_score) if verdict.passed else 0.0
                in_notebook = float(grade.auto_score or 0.0)
                if verified != in_notebook:
                    grade.manual_score = verified
                    grade.needs_manual_grade = False
                    overrides.append(Override(info["notebook"], verdict.grade_id, in_notebook, verified,
                                              float(grade.max_score), verdict.detail,
                                              verdict.grade_id in hidden))
                else:
                    grade.manual_score = None  # an override of an earlier grading no longer applies
            gb.db.commit()
        return overrides


@dataclass(frozen=True)
class Override:
    """A test cell whose in-notebook result the grader's verification replaced."""

    notebook: str
    grade_id: str
    in_notebook: float
    verified: float
    max_score: float
    detail: str
    hidden: bool  # the test has hidden tests, which only the grader runs

    def sentence(self) -> str:
        if self.hidden and self.verified < self.in_notebook:
            return (f"{self.notebook}: test {self.grade_id} passed its visible part in the notebook but failed "
                    f"its hidden tests, which the grader runs ({self.detail or 'no reason given'}): "
                    f"{self.verified:g} of {self.max_score:g} points")
        if self.verified > self.in_notebook:
            return (f"{self.notebook}: test {self.grade_id} failed in the notebook but passed the grader's own "
                    f"check of your functions: {self.verified:g} of {self.max_score:g} points")
        return (f"{self.notebook}: test {self.grade_id} passed in the notebook but not the grader's own check "
                f"of your functions ({self.detail or 'no reason given'}): {self.verified:g} of "
                f"{self.max_score:g} points")


def _explain(nb, override: Override) -> None:
    """Show the verification's verdict under the test cell, for the instructor (formgrader) and the
    student (feedback)."""
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == override.grade_id:
            text = (f"Grader's verification: {override.sentence()}. The grader ran your functions on its own, "
                    "in isolation, with this whole test; its verdict replaces the notebook's.\n")
            cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=text))
            return
