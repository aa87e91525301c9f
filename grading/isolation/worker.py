"""The verification worker: inside the sandbox, it runs a student's cells and answers the grader's calls.

Started as ``python worker.py MODULE...`` in a sandbox of one student (whose relu_reference is usually a
stand-in that refuses every use), it imports the MODULEs once, then serves one *session* per notebook: on
``{"op": "session"}`` it forks, the child runs that notebook's cells in a fresh namespace and answers the
requests below until ``{"op": "end"}``, and when the child has ended, however it ended, the parent says
``{"op": "ended", "status": int}``. So every notebook starts clean, and imports are paid once per student.

Requests and replies are messages of `codec` on the standard input and output; before any of the student's
code runs, both are moved to private descriptors and the standard streams point to /dev/null, so nothing
the student's code prints can be taken for a reply.

Requests (dicts) of a session, and their replies:

``{"op": "exec", "source": str, "label": str, "statementwise": bool, "timeout": float}``
    Run a cell in the worker's namespace; after `timeout` seconds it is interrupted (``TimeoutError``
    raised inside it, as a kernel raises ``KeyboardInterrupt``), and what it defined so far stays. The
    instructor's cells run statement by statement, so that a statement that needs the real relu_reference
    does not keep the rest of the cell from defining its helpers. Reply ``{"ok": bool, "error": str}``.
``{"op": "describe", "names": [str]}``
    What each name is now: ``{"kind": "function"}``, ``{"kind": "value", "value": ...}``,
    ``{"kind": "missing"}`` or ``{"kind": "unsupported", "type": str}``.
``{"op": "call", "name": str, "args": list, "kwargs": dict, "count_lines": bool, "timeout": float}``
    Call a function, interrupted like a cell after `timeout` seconds. Arguments may hold handles of the
    grader's callables; calling one sends
    ``{"op": "callback", "handle": int, "args": list, "kwargs": dict}`` and waits for
    ``{"ok": bool, "value": ..., "error": str}``. Reply ``{"ok": True, "value": ..., "args": ...,
    "kwargs": ..., "lines": int}`` (the arguments as they are after the call, so that the grader sees a
    function that changes its input) or ``{"ok": False, "type": str, "error": str}``.

Nothing here is trusted: a student's code can replace any of it. That only changes what this student's
own functions appear to return, which the grader checks against values it computes itself.
"""
import ast
import contextlib
import os
import signal
import sys
import traceback

import codec


class _Channel:
    def __init__(self):
        self.incoming = os.fdopen(os.dup(0), "rb", buffering=0)
        self.outgoing = os.fdopen(os.dup(1), "wb", buffering=0)
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)

    def receive(self, resolve=None):
        return codec.decode(codec.read_message(self.incoming), resolve)

    def send(self, reply) -> None:
        codec.write_message(self.outgoing, codec.encode(reply))


class _Shell:
    """Enough of IPython's ``get_ipython()`` for a cell's magics to do nothing instead of failing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class CellTimeoutError(TimeoutError):
    """The cell or call ran longer than the grader allows."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the code inside after `seconds` (the grader kills the worker if this does not work)."""
    def interrupt(signum, frame):
        raise CellTimeoutError(f"stopped after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _python_source(source: str) -> str:
    if not any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()):
        return source
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(source)


def _describe_error(error: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(error), error)).strip()[-2000:]


def run_cell(namespace: dict, source: str, label: str, statementwise: bool, timeout: float) -> dict:
    try:
        tree = ast.parse(_python_source(source), filename=label)
    except SyntaxError as error:
        return {"ok": False, "error": _describe_error(error)}
    blocks = [ast.Module(body=[statement], type_ignores=[]) for statement in tree.body] if statementwise \
        else [tree]
    errors = []
    try:
        with _time_limit(timeout):
            for block in blocks:
                try:
                    exec(compile(block, label, "exec"), namespace)
                except CellTimeoutError:
                    raise
                except BaseException as error:  # noqa: BLE001 -- SystemExit and KeyboardInterrupt are the cell's
                    errors.append(_describe_error(error))
                    if not statementwise:
                        break
    except CellTimeoutError as error:
        errors.append(_describe_error(error))
    return {"ok": not errors, "error": "\n".join(errors)}


def describe(namespace: dict, names: list) -> dict:
    described = {}
    for name in names:
        if name not in namespace:
            described[name] = {"kind": "missing"}
            continue
        value = namespace[name]
        if callable(value):
            described[name] = {"kind": "function"}
            continue
        try:
            codec.encode(value)
        except Exception:  # noqa: BLE001 -- whatever it is, it cannot travel
            described[name] = {"kind": "unsupported", "type": type(value).__name__}
        else:
            described[name] = {"kind": "value", "value": value}
    return described


def _count_lines(function, args, kwargs):
    """The Python lines and calls that run while `function` runs (relu_reference.checking counts alike)."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def trace(frame, event, arg):
        nonlocal count
        count += 1
        return local

    sys.settrace(trace)
    try:
        value = function(*args, **kwargs)
    finally:
        sys.settrace(None)
    return value, count


def call(channel: _Channel, namespace: dict, request: dict) -> dict:
    function = namespace.get(request["name"])
    if not callable(function):
        return {"ok": False, "type": "NameError", "error": f"{request['name']} is not a defined function"}
    args, kwargs = request["args"], request["kwargs"]
    try:
        with _time_limit(request["timeout"]):
            if request.get("count_lines"):
                value, lines = _count_lines(function, args, kwargs)
            else:
                value, lines = function(*args, **kwargs), None
    except BaseException as error:  # noqa: BLE001
        return {"ok": False, "type": type(error).__name__, "error": _describe_error(error)}
    try:
        codec.encode([args, kwargs])
    except Exception:  # noqa: BLE001 -- e.g. they hold the grader's callables: nothing to send back
        args = kwargs = None
    return {"ok": True, "value": value, "args": args, "kwargs": kwargs, "lines": lines}


def serve(channel: _Channel) -> None:
    """One notebook's session, in a forked child: until ``end`` (or the grader goes away)."""
    namespace = {"__name__": "__main__", "__builtins__": __builtins__, "get_ipython": _Shell}

    def resolve(handle, name):
        def callback(*args, **kwargs):
            channel.send({"op": "callback", "handle": handle, "args": list(args), "kwargs": kwargs})
            reply = channel.receive()
            if not reply["ok"]:
                raise RuntimeError(f"{name} (the grader's function) failed: {reply['error']}")
            return reply["value"]
        callback.__name__ = name
        return callback

    while True:
        try:
            request = channel.receive(resolve)
        except EOFError:
            return
        if request["op"] == "end":
            return
        if request["op"] == "exec":
            reply = run_cell(namespace, request["source"], request["label"], request["statementwise"],
                             request["timeout"])
        elif request["op"] == "describe":
            reply = describe(namespace, request["names"])
        else:
            reply = call(channel, namespace, request)
        try:
            channel.send(reply)
        except codec.EncodingError as error:
            channel.send({"ok": False, "type": "TypeError", "error": str(error)})


def main(preload: list[str]) -> None:
    for module in preload:  # what the notebooks import anyway, once for all of a student's notebooks
        try:
            __import__(module)
        except Exception:  # noqa: BLE001,S112 -- a module that is not there is imported by nobody
            continue
    channel = _Channel()
    while True:
        try:
            request = channel.receive()
        except EOFError:
            return
        if request.get("op") != "session":
            channel.send({"op": "ended", "status": -1})
            continue
        child = os.fork()
        if child == 0:
            try:
                serve(channel)
            finally:
                os._exit(0)
        _, status = os.waitpid(child, 0)
        channel.send({"op": "ended", "status": status})


if __name__ == "__main__":
    main(sys.argv[1:])
