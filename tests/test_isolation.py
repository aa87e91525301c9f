"""The pieces the grader's trust rests on, one at a time: the codec that is the only way values cross out of a
sandbox, the sandbox itself, the plan that decides which code is the instructor's, and the journal."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from grading.isolation import codec
from grading.isolation.sandbox import Sandbox, check_available, kill, remove
from grading.journal import Journal, fingerprint
from grading.records import Outcome
from grading.verification import StudentFunction, _write_back, make_plan

ROOT = Path(__file__).resolve().parent.parent
needs_sandbox = pytest.mark.skipif(check_available(Sandbox()) is not None and not os.environ.get("CI"),
                                   reason="bubblewrap is not available here (CI installs it)")


# --- codec ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    None, True, 0, -(10**40), 1.5, float("inf"), -0.0, 1 + 2j, "relu", [1, [2.0]], (1, "a"), {"w": 1, 2: None},
    np.arange(6, dtype=np.int8).reshape(2, 3), np.array([np.nan, -0.0], dtype=np.float32), np.float16(2.5),
    np.array(3.0), np.zeros((0, 4)), np.array([True, False]),
])
def test_codec_round_trip(value):
    back = codec.decode(codec.encode(value))
    assert type(back) is type(value)
    if isinstance(value, (np.ndarray, np.generic)):
        assert back.dtype == value.dtype and back.shape == np.shape(value)
        np.testing.assert_array_equal(back, value)
        assert np.array_equal(np.signbit(back), np.signbit(value))
    elif isinstance(value, float):
        assert repr(back) == repr(value)
    else:
        assert back == value


class AlwaysEqual:
    def __eq__(self, other):
        return True


class SneakyArray(np.ndarray):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize(("value", "message"), [
    (AlwaysEqual(), "AlwaysEqual cannot be checked"),
    (np.zeros(3).view(SneakyArray), "SneakyArray cannot be checked"),
    (np.array(["a"], dtype=object), "dtype object cannot be checked"),
    (np.array(["a"]), "cannot be checked"),
    (lambda x: x, "function cannot be checked"),
])
def test_codec_refuses_what_is_not_plain_data(value, message):
    """objects whose comparisons lie, ndarray subclasses and code never travel"""
    with pytest.raises(codec.EncodingError, match=message):
        codec.encode(value)


@pytest.mark.parametrize(("item", "message"), [
    ({"$": "array", "dtype": "<f8", "shape": [3], "data": "AAAA"}, "do not make an array"),
    ({"$": "array", "dtype": "|O", "shape": [1], "data": ""}, "not allowed"),
    ({"$": "object", "class": "os:system", "v": {}}, "not something the grader rebuilds"),
    ({"$": "object", "class": "relu_reference.network:mse_loss", "v": {}}, "not a class"),
    ({"$": "object", "class": "relu_reference.network:TrainingHistory", "v": {"evil": {"$": "int", "v": "1"}}},
     "no field"),
    ({"$": "callable", "v": 0}, "cannot be sent back"),
    ({"$": "pickle", "v": ""}, "unknown kind"),
    ({"no": "tag"}, "not a value"),
])
def test_codec_decoding_refuses_forged_messages(item, message):
    import json
    with pytest.raises(codec.EncodingError, match=message):
        codec.decode(json.dumps(item).encode())


def test_codec_rebuilds_reference_objects_without_running_their_code():
    import relu_reference as ref
    network = ref.make_network([1, 3, 1], rng=np.random.default_rng(0))
    back = codec.decode(codec.encode(network))
    assert type(back) is ref.Network
    np.testing.assert_array_equal(back.forward(np.ones((2, 1))), network.forward(np.ones((2, 1))))


def test_codec_nesting_is_bounded():
    value = []
    for _ in range(codec.MAX_DEPTH + 2):
        value = [value]
    with pytest.raises(codec.EncodingError, match="nested"):
        codec.encode(value)


def test_message_framing_round_trip(tmp_path):
    import io
    stream = io.BytesIO()
    codec.write_message(stream, b"hello")
    codec.write_message(stream, b"")
    stream.seek(0)
    assert codec.read_message(stream) == b"hello"
    assert codec.read_message(stream) == b""
    with pytest.raises(EOFError):
        codec.read_message(stream)


# --- the sandbox ------------------------------------------------------------------------------------------

def sandboxed(code: str, *, reference: str = "real", timeout: float = 60) -> subprocess.CompletedProcess:
    sandbox = Sandbox()
    scratch = sandbox.scratch()
    process = sandbox.popen([sys.executable, "-c", code], scratch=scratch, reference=reference, cpu_seconds=60,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        kill(process)
        remove(scratch)
    return subprocess.CompletedProcess(process.args, process.returncode, out.decode(), err.decode())


@needs_sandbox
def test_sandbox_sees_no_course_files_and_no_network():
    code = f"""
import os, socket
print(os.getuid())
for path in {[str(ROOT / "solutions"), str(ROOT / "nbgrader_config.py"), str(ROOT / "exercises"),
              str(ROOT / "gradebook.db")]!r}:
    print(path, os.path.exists(path))
print("repository", *sorted(os.listdir({str(ROOT)!r})))
try:
    socket.create_connection(("127.0.0.1", 22), timeout=2)
except OSError as error:
    print("network", type(error).__name__)
try:
    open({str(ROOT / ".venv" / "pwned")!r}, "w")
except OSError as error:
    print("venv", type(error).__name__)
"""
    result = sandboxed(code)
    lines = result.stdout.splitlines()
    assert int(lines[0]) >= 61000, "runs as an unprivileged user of its own"
    assert all(line.endswith("False") for line in lines[1:5]), lines
    # of the repository, only the environment, relu_reference and the grader's in-sandbox programs
    assert set(lines[5].split()[1:]) <= {".venv", "grading", "reference"}, lines[5]
    assert "network ConnectionRefusedError" in lines or any(l.startswith("network") for l in lines)
    assert "venv OSError" in lines or "venv PermissionError" in lines
    assert not (ROOT / ".venv" / "pwned").exists()


@needs_sandbox
def test_sandbox_stub_reference_refuses_use():
    result = sandboxed("import relu_reference as r\ntry:\n    r.relu([1.0])\nexcept Exception as e:\n"
                       "    print(type(e).__name__)", reference="stub")
    assert result.stdout.strip() == "ReferenceUnavailableError", result.stderr


@needs_sandbox
def test_sandbox_limits_memory_and_processes():
    code = """
import os
try:
    bytearray(4 << 30)
except MemoryError:
    print("memory limited")
children = 0
try:
    for _ in range(500):
        if os.fork() == 0:
            import time; time.sleep(30); os._exit(0)
        children += 1
except OSError:
    print("processes limited", children < 100)
"""
    result = sandboxed(code)
    assert "memory limited" in result.stdout and "processes limited True" in result.stdout, result


@needs_sandbox
def test_nothing_outlives_the_sandbox():
    token = f"relu-token-{os.getpid()}-{time.time_ns()}"
    code = (f"import subprocess\nsubprocess.Popen(['sleep', '600', {token!r}], start_new_session=True)\n"
            "print('started')")
    assert sandboxed(code).stdout.strip() == "started"
    time.sleep(0.5)
    alive = [p for p in Path("/proc").iterdir() if p.name.isdigit() and token.encode() in _cmdline(p)]
    assert not alive, "a process started in the sandbox outlived it"


def _cmdline(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""


# --- the plan: whose code is whose ------------------------------------------------------------------------

def _cell(source, **meta):
    cell = nbformat.v4.new_code_cell(source)
    if meta:
        cell.metadata["nbgrader"] = {"schema_version": 3, "grade": False, "solution": False, "locked": False,
                                     **meta}
    return cell


def test_plan_takes_the_instructors_cells_from_the_source_only():
    source = nbformat.v4.new_notebook(cells=[
        _cell("import numpy as np", grade_id="setup", locked=True),
        _cell("def relu(x):\n    return x\nLIMIT = 3", grade_id="relu", solution=True),
        _cell("assert relu(1) == 1\n### BEGIN HIDDEN TESTS\nassert relu(-1) == 0\n### END HIDDEN TESTS",
              grade_id="test_relu", grade=True, locked=True, points=2),
    ])
    submitted = nbformat.v4.new_notebook(cells=[
        _cell("import os  # edited setup", grade_id="setup", locked=True),
        _cell("def relu(x):\n    return max(x, 0)", grade_id="relu", solution=True),
        _cell("assert True", grade_id="test_relu", grade=True, locked=True, points=99),
        _cell("print('mine')", grade_id="forged", grade=True, locked=True, points=1000),
    ])
    plan = make_plan(source, submitted)
    assert plan.trusted == [("setup", "import numpy as np", False), ("test_relu", source.cells[2].source, True)]
    assert plan.points == {"test_relu": 2.0}
    assert plan.answers == ["relu", "LIMIT"]
    worker_sources = [text for _, text, _ in plan.worker]
    assert worker_sources == ["import numpy as np", "def relu(x):\n    return max(x, 0)", "print('mine')"]
    assert not any("HIDDEN" in text or "relu(-1)" in text for text in worker_sources), "a test reached the worker"
    assert [statementwise for *_, statementwise in plan.worker] == [True, False, False]


def test_write_back_reproduces_a_functions_changes_to_its_arguments():
    x, params = np.array([-1.0, 2.0]), {"w": np.array([1.0]), "b": 0.5}
    _write_back(x, np.array([0.0, 2.0]))
    _write_back(params, {"w": np.array([3.0]), "b": 0.5, "extra": 1})
    assert x.tolist() == [0.0, 2.0]
    assert params["w"].tolist() == [3.0] and params["extra"] == 1


def test_student_function_raises_the_students_error():
    class FakeWorker:
        def call(self, name, args, kwargs, count_lines):
            return {"ok": False, "type": "ValueError", "error": "ValueError: approximate must be 'none'"}

    with pytest.raises(ValueError, match="approximate must be 'none'"):
        StudentFunction(FakeWorker(), "gelu")(1.0)


# --- the journal ------------------------------------------------------------------------------------------

def test_journal_keeps_the_latest_and_survives_a_torn_line(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    journal.record(Outcome("ada", "a1", "zero"), "f1")
    journal.record(Outcome("ada", "a1", "graded", 2.0), "f2")
    with open(journal.path, "a") as file:
        file.write('{"fingerprint": "f3", "outc')  # a crash in the middle of a line
    latest = journal.latest()
    assert latest[("ada", "a1")][0] == "f2" and latest[("ada", "a1")][1].status == "graded"


def test_fingerprint_changes_with_any_file(tmp_path):
    (tmp_path / "a.ipynb").write_text("1")
    first = fingerprint(tmp_path)
    (tmp_path / "b.py").write_text("2")
    second = fingerprint(tmp_path)
    (tmp_path / "a.ipynb").write_text("3")
    assert len({first, second, fingerprint(tmp_path), fingerprint(tmp_path, extra=b"x")}) == 4
