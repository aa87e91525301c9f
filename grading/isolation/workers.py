"""The grader's side of the verification worker: one sandboxed process per student, one session per notebook.

`Zygote` is a student's worker process (``worker.py`` in a sandbox); `Worker` is one notebook's session in
it, which runs the student's cells and then answers calls. Only plain data crosses (`codec`), and every
wait has a deadline: a session that the student's code ends is started again without the cell that ended
it, and one that hangs costs the whole sandbox.
"""
from __future__ import annotations

import atexit
import os
import select
import signal
import subprocess
import sys
import time

from . import codec
from .sandbox import HERE as ISOLATION, Sandbox, kill, remove

MAX_RESTARTS = 3  # a worker killed by a student's code is started again at most this often per notebook
GRACE = 5.0  # seconds the grader waits beyond a cell's time limit before it kills an unresponsive worker


class WorkerError(RuntimeError):
    """The student's worker stopped, timed out, or could not be started."""


# What the exercise notebooks import: a worker imports them once per student, before any student code.
PRELOAD = ("numpy", "matplotlib.pyplot", "scipy.special", "relu_reference")


class Zygote:
    """One student's sandboxed worker process, which forks a fresh worker for each notebook (`Session`).

    It lives as long as the grader works on that student (see `zygote`), or until a notebook's code makes
    its worker hang, when the whole sandbox is killed and the next notebook starts a new one.
    """

    def __init__(self, sandbox: Sandbox, reference: str):
        self.sandbox, self.reference = sandbox, reference
        self.scratch = sandbox.scratch()
        self.process = sandbox.popen(
            [sys.executable, str(ISOLATION / "worker.py"), *PRELOAD], scratch=self.scratch,
            reference=reference, cpu_seconds=sandbox.notebook_timeout + 5,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def send(self, request: dict, callables: dict | None = None) -> None:
        try:
            codec.write_message(self.process.stdin, codec.encode(request, callables))
        except (BrokenPipeError, OSError, ValueError):
            raise WorkerError(self._death()) from None

    def receive(self, deadline: float, what: str) -> dict:
        """The next message, or WorkerError if none comes before `deadline` (a monotonic time)."""
        header = self._read_exactly(8, deadline, what)
        length = int.from_bytes(header, "big")
        if length > codec.MAX_MESSAGE:
            raise WorkerError(f"the worker sent {length} bytes, more than the {codec.MAX_MESSAGE} allowed")
        reply = codec.decode(self._read_exactly(length, deadline, what))
        if not isinstance(reply, dict):
            raise WorkerError("the worker answered something that is not a reply")
        return reply

    def close(self) -> None:
        if self.process is not None:
            kill(self.process)
            self.process = None
        remove(self.scratch)

    def _read_exactly(self, count: int, deadline: float, what: str) -> bytes:
        stream = self.process.stdout
        chunks, missing = [], count
        while missing:
            remaining = deadline - time.monotonic()
            # poll, not select: select fails on descriptors above 1023, which a long run may reach
            poller = select.poll()
            poller.register(stream, select.POLLIN)
            if remaining <= 0 or not poller.poll(remaining * 1000):
                raise WorkerError(what)
            chunk = os.read(stream.fileno(), min(missing, 1 << 20))
            if not chunk:
                raise WorkerError(self._death())
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def _death(self) -> str:
        code = self.process.wait() if self.process is not None else None
        if code is not None and code < 0:
            return f"the worker was killed by signal {signal.Signals(-code).name}"
        return f"the worker ended (exit status {code})"


_zygotes: dict[tuple[str, str], Zygote] = {}


def zygote(sandbox: Sandbox, owner: str, reference: str) -> Zygote:
    """The live worker process of `owner` (a student) seeing `reference`; another student's are closed
    first, so that no process ever holds two students' code."""
    for key in [key for key in _zygotes if key[0] != owner]:
        _zygotes.pop(key).close()
    current = _zygotes.get((owner, reference))
    if current is None or not current.alive:
        if current is not None:
            current.close()
        current = _zygotes[owner, reference] = Zygote(sandbox, reference)
    return current


def close_zygotes() -> None:
    """End every worker process of this grading process (when its student is done)."""
    while _zygotes:
        _zygotes.popitem()[1].close()


atexit.register(close_zygotes)


class Worker:
    """One notebook's session in a student's worker: the student's cells, run once, then calls.

    A session that the student's code ends (``os._exit``, a crash) is started again in a new fork, without
    the cell that ended it; one that hangs past `timeout` costs the whole sandbox, which is started again.
    After `MAX_RESTARTS` restarts nothing more runs for this notebook.

    Parameters
    ----------
    sandbox : Sandbox
    owner : str
        Whose code this is (one worker process per student).
    cells : list of (label, source, statementwise)
    reference : {"stub", "real"}
        The relu_reference the worker sees.
    timeout : float
        Seconds for each cell and each call.
    deadline : float
        `time.monotonic()` after which nothing more is run for this notebook.
    """

    def __init__(self, sandbox: Sandbox, owner: str, cells, reference: str, timeout: float, deadline: float):
        self.sandbox, self.owner, self.cells, self.reference = sandbox, owner, list(cells), reference
        self.timeout, self.deadline = timeout, deadline
        self.cell_errors: dict[str, str] = {}
        self.fatal: set[int] = set()  # cells that ended or hung the worker: not run again
        self.starts = 0
        self.zygote: Zygote | None = None  # while a session is open

    def describe(self, names: list[str]) -> dict:
        return self._request({"op": "describe", "names": names}, {})

    def call(self, name: str, args, kwargs, count_lines: bool = False) -> dict:
        request = {"op": "call", "name": name, "args": list(args), "kwargs": dict(kwargs),
                   "count_lines": count_lines, "timeout": self.timeout}
        return self._request(request, {})

    def close(self) -> None:
        """End the session; the student's worker process stays for their next notebook."""
        if self.zygote is None:
            return
        zygote_, self.zygote = self.zygote, None
        try:
            zygote_.send({"op": "end"})
            while zygote_.receive(time.monotonic() + 5, "the session did not end").get("op") != "ended":
                pass
        except WorkerError:
            zygote_.close()

    # --- internals ---
    def _open(self) -> None:
        if self.zygote is not None:
            return
        if self.starts > MAX_RESTARTS:
            raise WorkerError(f"your code stopped the grader's worker {self.starts} times; nothing more was run")
        if time.monotonic() >= self.deadline:
            raise WorkerError("the notebook's time for verification ran out")
        self.starts += 1
        self.zygote = zygote(self.sandbox, self.owner, self.reference)
        self.zygote.send({"op": "session"})
        for index, (label, source, statementwise) in enumerate(self.cells):
            if index in self.fatal:
                continue
            try:
                reply = self._exchange({"op": "exec", "source": source, "label": label,
                                        "statementwise": statementwise, "timeout": self.timeout}, {})
            except WorkerError as error:
                self.fatal.add(index)
                self.cell_errors[label] = str(error)
                return self._open()
            if not reply["ok"]:
                self.cell_errors[label] = reply["error"]

    def _request(self, request: dict, callables: dict) -> dict:
        self._open()
        return self._exchange(request, callables)

    def _exchange(self, request: dict, callables: dict) -> dict:
        """Send a request and wait for its reply, answering the worker's calls of the grader's functions.
        On any failure the session is over (and, if it hung, the worker process too)."""
        zygote_ = self.zygote
        # The worker interrupts a cell or call itself after `timeout`; this is for code that prevents that.
        limit = min(time.monotonic() + self.timeout + GRACE, self.deadline)
        what = (f"no answer within {self.timeout + GRACE:g} s, even after an interrupt" if limit < self.deadline
                else "the notebook's time for verification ran out")
        try:
            zygote_.send(request, callables)
            while True:
                reply = zygote_.receive(limit, what)
                if reply.get("op") == "callback":
                    zygote_.send(_answer_callback(reply, callables))
                    continue
                if reply.get("op") == "ended":
                    raise WorkerError(_ended(reply.get("status")))
                return reply
        except WorkerError as error:
            self.zygote = None
            if not str(error).startswith(_ended_prefix):
                zygote_.close()  # it hangs, or is gone: the whole sandbox goes
            raise


_ended_prefix = "your code ended the worker"


def _ended(status) -> str:
    status = int(status) if isinstance(status, int) else -1
    if os.WIFSIGNALED(status):
        return f"{_ended_prefix} (killed by signal {signal.Signals(os.WTERMSIG(status)).name})"
    return f"{_ended_prefix} (exit status {os.WEXITSTATUS(status) if os.WIFEXITED(status) else status})"


def _answer_callback(request: dict, callables: dict) -> dict:
    """Run one of the grader's own functions for the worker (on plain data the worker sent)."""
    function = callables.get(request.get("handle"))
    try:
        if function is None:
            raise LookupError("no such function")
        answer = {"ok": True, "value": function(*request["args"], **request["kwargs"])}
        codec.encode(answer)
        return answer
    except Exception as error:  # noqa: BLE001 -- the callback's failure goes back to the caller
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:500]}
