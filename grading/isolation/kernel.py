"""A Jupyter kernel that runs in the sandbox, driven by nbclient in the grading process.

The kernel and the grader talk over ZeroMQ's ``ipc`` transport: Unix sockets in the sandbox's scratch
folder, which both sides see at the same path, since the sandbox has no network to share. So the grading
process executes the notebook with nbgrader's own ``Execute`` (nbclient), and the notebook file, with its
tests, never enters the sandbox: the kernel only ever receives the cells it is asked to run.

Interrupts travel as a message (``interrupt_request``) that the kernel turns into SIGINT for itself, since
a signal sent to bubblewrap would not reach it.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import zmq
from jupyter_client.manager import AsyncKernelManager

from .sandbox import Sandbox, give, kill

MAX_MESSAGE = 64 << 20  # bytes; ZeroMQ drops a connection that sends a larger message


class SandboxedKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernel is started in `sandbox`, with `scratch` as its folder.

    Examples
    --------
    >>> import tempfile
    >>> km = SandboxedKernelManager(Sandbox(), Path(tempfile.gettempdir()))
    >>> km.transport, km.kernel_spec.interrupt_mode
    ('ipc', 'message')
    >>> km.context.destroy()
    """

    def __init__(self, sandbox: Sandbox, scratch: Path, cpu_seconds: int = 3600, **kwargs):
        super().__init__(transport="ipc", ip=str(scratch / "kernel"), kernel_name="python3",
                         connection_file=str(scratch / "kernel.json"), **kwargs)
        self.sandbox, self.scratch, self.cpu_seconds = sandbox, scratch, cpu_seconds
        # A kernel that floods the grader with one huge message loses its connection instead.
        self.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)
        self.kernel_spec.interrupt_mode = "message"

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        give(Path(self.connection_file), self.sandbox)  # the kernel runs as the sandbox's user

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        kw.update(env=self.sandbox.environment(self.scratch, "real"), cwd=str(self.scratch),
                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # In the sandbox's process namespace the kernel's parent is its pid 1, which ipykernel would take for
        # "my parent has exited"; the sandbox ends the kernel with the grader anyway.
        kernel_cmd = [*kernel_cmd, "--IPKernelApp.parent_handle=1"]
        command = self.sandbox.command(kernel_cmd, scratch=self.scratch, reference="real",
                                       cpu_seconds=self.cpu_seconds)
        await super()._async_launch_kernel(command, **kw)

    def kill_now(self) -> None:
        """End the sandbox and everything in it (the notebook's time is up)."""
        process = getattr(self.provisioner, "process", None) if self.provisioner else None
        if process is not None:
            kill(process)
