"""nbgrader's ``Execute`` with the kernel in the sandbox, and no hidden test in it."""
from __future__ import annotations

import copy
import functools
import json
import shutil
import threading
from pathlib import Path

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearHiddenTests, Execute
from traitlets import Integer

from ..isolation.kernel import SandboxedKernelManager
from ..isolation.sandbox import Sandbox, SandboxUnavailableError, check_available, give, remove


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
                self._close_channels(km)
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

    def _close_channels(self, km: SandboxedKernelManager) -> None:
        """Close the client's and the manager's ZeroMQ sockets: nbclient leaves them open when it is given
        its kernel manager, and a grading process would run out of file descriptors after a few dozen
        notebooks."""
        client, self.kc = getattr(self, "kc", None), None
        if client is not None:
            client.stop_channels()
            client.context.destroy(linger=0)
        km.context.destroy(linger=0)
        self.km = None

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
