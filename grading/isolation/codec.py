"""The only way values cross between the grader and a student's worker: plain data, never code, never pickle.

A value is encoded as JSON in which numpy arrays travel as their dtype, shape and raw bytes. Decoding can
only ever build ``None``, booleans, numbers, strings, lists, tuples, dicts, numpy arrays and scalars of
numeric dtypes, objects of ``relu_reference``'s own classes (rebuilt field by field, without running any of
their code), and handles of the grader's own callables. So an object whose ``==`` always says yes, a
subclass of ndarray, or anything else a student's code might return, arrives as plain data or not at all.

This module runs on both sides of the sandbox and imports nothing but the standard library and numpy.

Examples
--------
>>> import numpy as np
>>> back = decode(encode({"w": np.arange(3.0, dtype=np.float32), "b": (1, None)}))
>>> back["w"].dtype, back["w"].tolist(), back["b"]
(dtype('float32'), [0.0, 1.0, 2.0], (1, None))
"""
from __future__ import annotations

import base64
import dataclasses
import importlib
import json
import math
import struct

import numpy as np

MAX_MESSAGE = 256 << 20  # bytes; a longer message is refused before it is read
MAX_DEPTH = 32
_KINDS = "biufc"  # the numpy dtype kinds that may travel: bool, integers, floats, complex


class EncodingError(TypeError):
    """A value cannot travel between the grader and the worker."""


def encode(value, callables: dict | None = None) -> bytes:
    """`value` as bytes; a callable is replaced by a handle registered in `callables` (id -> callable),
    or refused when `callables` is None."""
    return json.dumps(_encode(value, callables, 0), allow_nan=True, separators=(",", ":")).encode()


def decode(data: bytes, resolve=None):
    """The value encoded in `data`; `resolve(handle)` gives what a callable's handle stands for (by default
    handles are refused)."""
    if len(data) > MAX_MESSAGE:
        raise EncodingError(f"a message of {len(data)} bytes is larger than the {MAX_MESSAGE} allowed")
    return _decode(json.loads(data.decode()), resolve, 0)


def _encode(value, callables, depth):
    if depth > MAX_DEPTH:
        raise EncodingError(f"the value is nested more than {MAX_DEPTH} levels deep")
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return {"$": "int", "v": str(value)}  # JSON numbers would lose big integers
    if kind is float:
        return {"$": "float", "v": float.hex(value)}  # exact, with inf, nan and -0.0
    if kind is complex:
        return {"$": "complex", "v": [float.hex(value.real), float.hex(value.imag)]}
    if kind is np.ndarray or isinstance(value, np.generic):
        array = np.asarray(value)
        if array.dtype.kind not in _KINDS:
            raise EncodingError(f"an array of dtype {array.dtype} cannot be checked (numbers only)")
        return {"$": "array" if kind is np.ndarray else "scalar", "dtype": array.dtype.str,
                "shape": list(array.shape),
                "data": base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()}
    if kind in (list, tuple):
        items = [_encode(item, callables, depth + 1) for item in value]
        return items if kind is list else {"$": "tuple", "v": items}
    if kind is dict:
        return {"$": "dict", "v": [[_encode(k, callables, depth + 1), _encode(v, callables, depth + 1)]
                                   for k, v in value.items()]}
    module = getattr(kind, "__module__", "") or ""
    if module.startswith("relu_reference.") and hasattr(value, "__dict__"):
        state = {name: _encode(field, callables, depth + 1) for name, field in vars(value).items()}
        return {"$": "object", "class": f"{module}:{kind.__qualname__}", "v": state}
    if callable(value) and callables is not None:
        handle = len(callables)
        callables[handle] = value
        return {"$": "callable", "v": handle, "name": getattr(value, "__name__", "a function")}
    raise EncodingError(f"a value of type {kind.__module__}.{kind.__qualname__} cannot be checked; "
                        "return numbers, numpy arrays, lists, tuples or dicts of them")


def _decode(item, resolve, depth):
    if depth > MAX_DEPTH:
        raise EncodingError(f"the value is nested more than {MAX_DEPTH} levels deep")
    if item is None or isinstance(item, (bool, str)):
        return item
    if isinstance(item, list):
        return [_decode(x, resolve, depth + 1) for x in item]
    if not isinstance(item, dict) or "$" not in item:
        raise EncodingError(f"not a value of this encoding: {str(item)[:80]}")
    tag, payload = item["$"], item.get("v")
    if tag == "int":
        return int(payload)
    if tag == "float":
        return float.fromhex(payload)
    if tag == "complex":
        return complex(float.fromhex(payload[0]), float.fromhex(payload[1]))
    if tag in ("array", "scalar"):
        dtype = np.dtype(item["dtype"])
        shape = tuple(int(n) for n in item["shape"])
        if dtype.kind not in _KINDS or any(n < 0 for n in shape):
            raise EncodingError(f"an array of dtype {dtype} and shape {shape} is not allowed")
        data = base64.b64decode(item["data"], validate=True)
        if len(data) != math.prod(shape) * dtype.itemsize:
            raise EncodingError(f"{len(data)} bytes do not make an array of shape {shape} and dtype {dtype}")
        array = np.frombuffer(data, dtype=dtype).reshape(shape).copy()
        return array if tag == "array" else array[()]
    if tag == "tuple":
        return tuple(_decode(x, resolve, depth + 1) for x in payload)
    if tag == "dict":
        return {_decode(k, resolve, depth + 1): _decode(v, resolve, depth + 1) for k, v in payload}
    if tag == "object":
        return _rebuild(item["class"], {k: _decode(v, resolve, depth + 1) for k, v in payload.items()})
    if tag == "callable":
        if resolve is None:
            raise EncodingError("a function cannot be sent back to the grader")
        return resolve(int(payload), item.get("name", "a function"))
    raise EncodingError(f"unknown kind of value {tag!r}")


def _lookup(qualified: str, allowed: tuple[str, ...]):
    module_name, _, name = qualified.partition(":")
    if module_name.split(".")[0] not in allowed or not name.replace(".", "").replace("_", "").isalnum():
        raise EncodingError(f"{qualified} is not something the grader rebuilds")
    value = importlib.import_module(module_name)
    for part in name.split("."):
        value = getattr(value, part)
    return value


def _rebuild(qualified: str, state: dict):
    """An object of one of relu_reference's classes with the given fields; none of its code runs."""
    cls = _lookup(qualified, ("relu_reference",))
    if not isinstance(cls, type):
        raise EncodingError(f"{qualified} is not a class")
    names = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else None
    obj = object.__new__(cls)
    for name, value in state.items():
        if not isinstance(name, str) or not name.isidentifier() or (names is not None and name not in names
                                                                    and not name.startswith("_")):
            raise EncodingError(f"{qualified} has no field {name!r}")
        object.__setattr__(obj, name, value)
    return obj


# --- framing: each message is its length (8 bytes, big-endian) and then its bytes -----------------------

def write_message(stream, data: bytes) -> None:
    stream.write(struct.pack(">Q", len(data)) + data)
    stream.flush()


def read_message(stream) -> bytes:
    """The next message of `stream`; EOFError when the other side has gone."""
    header = _read_exactly(stream, 8)
    (length,) = struct.unpack(">Q", header)
    if length > MAX_MESSAGE:
        raise EncodingError(f"a message of {length} bytes is larger than the {MAX_MESSAGE} allowed")
    return _read_exactly(stream, length)


def _read_exactly(stream, count: int) -> bytes:
    chunks, missing = [], count
    while missing:
        chunk = stream.read(missing)
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)
