"""The checks that the exercises' tests are written with: run a student's function, compare it with
`relu_reference`, and when it differs say where, by how much and what the usual mistake is.

One way to do each thing: `check_matches` for a function against the reference, `check_close` for a value
already computed, `forbid_reference` and `uses_reference` for work that merely calls the reference,
`random_inputs` and `edge_values` for the inputs of the hidden tests.
"""

from __future__ import annotations

import contextlib
import inspect
import sys
import types
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

__all__ = [
    "ReferenceUsedError",
    "check_close",
    "check_matches",
    "check_vectorised",
    "edge_values",
    "forbid_reference",
    "random_inputs",
    "tolerances",
    "uses_reference",
]

_PACKAGE = __name__.rpartition(".")[0]  # "relu_reference"
_PACKAGE_DIR = str(Path(__file__).resolve().parent)
_THIS_FILE = str(Path(__file__).resolve())

#: (rtol, atol) by dtype, so that every correct formula passes (``np.logaddexp`` or the stable softplus,
#: ``expm1`` or ``exp(x) - 1``, ``erf`` or ``ndtr``, PyTorch's textbook GELU derivative, whose cancelling
#: terms of size ~20 lose about 100 ulps of float32 in the left tail) while a wrong constant (SELU's to
#: four digits), a wrong approximation (GELU's tanh form for the exact one) or a wrong branch does not.
_TOLERANCES = {
    np.dtype(np.float16): (4e-3, 1e-3),
    np.dtype(np.float32): (1e-5, 1e-5),
    np.dtype(np.float64): (1e-10, 1e-12),
}

_SHOWN = 5  # mismatching elements listed in a failure message


class ReferenceUsedError(AssertionError):
    """A student's function used `relu_reference` instead of computing the result itself."""


def tolerances(dtype) -> tuple[float, float]:
    """The ``(rtol, atol)`` that `check_matches` and `check_close` use for results of `dtype`.

    Parameters
    ----------
    dtype : numpy dtype or type
        A floating dtype; others (and extended precision) get float64's tolerances.

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> tolerances(np.float32)
    (1e-05, 1e-05)
    """
    return _TOLERANCES.get(np.dtype(dtype), _TOLERANCES[np.dtype(np.float64)])


# ---------------------------------------------------------------------------------------------------------
# Inputs


def edge_values(dtype=np.float64) -> np.ndarray:
    """The inputs where implementations go wrong: ±inf, NaN, ±0, the largest, the tiniest normal and a
    subnormal number of `dtype`, and ±1.

    Parameters
    ----------
    dtype : floating numpy dtype, optional
        Default float64.

    Returns
    -------
    ndarray of `dtype`, shape (15,)

    Examples
    --------
    >>> edge_values()[[0, 5, 6, 11, 12]]
    array([-inf,  -0.,   0.,  inf,  nan])
    >>> edge_values(np.float32).dtype
    dtype('float32')
    """
    info = np.finfo(dtype)
    values = [-np.inf, -info.max, -1.0, -info.smallest_normal, -info.smallest_subnormal, -0.0,
              0.0, info.smallest_subnormal, info.smallest_normal, 1.0, info.max, np.inf, np.nan,
              -info.max / 4, info.max / 4]
    return np.array(values, dtype=dtype)


def random_inputs(rng: np.random.Generator, dtype=np.float64, size=40, *, scale=3.0,
                  kinks=(0.0,)) -> np.ndarray:
    """Random inputs for a hidden test: normal values times `scale`, a few set exactly to each kink.

    Parameters
    ----------
    rng : numpy.random.Generator
        Unseeded in a hidden test (``np.random.default_rng()``), so that every grading draws new values.
    dtype : floating numpy dtype, optional
        Default float64.
    size : int or tuple of int, optional
        The shape; default 40 values.
    scale : float, optional
        Standard deviation of the values; default 3.
    kinks : sequence of float, optional
        Values that each replace two random entries (default: 0, ReLU's kink).

    Returns
    -------
    ndarray of `dtype`

    Examples
    --------
    >>> x = random_inputs(np.random.default_rng(0), np.float32, size=(4, 5))
    >>> x.dtype, x.shape, int(np.sum(x == 0))
    (dtype('float32'), (4, 5), 2)
    """
    x = (scale * rng.standard_normal(size)).astype(dtype)
    flat = x.reshape(-1)
    places = rng.permutation(flat.size)
    for index, kink in enumerate(kinks):
        flat[places[2 * index:2 * index + 2]] = kink
    return x


# ---------------------------------------------------------------------------------------------------------
# Work that merely calls the reference


def _in_package(module) -> bool:
    # This module is the tests' tool, not a reference implementation: using it is not copying the answer.
    return isinstance(module, str) and module != __name__ and (module == _PACKAGE or module.startswith(_PACKAGE + "."))


def _reference_object(value) -> bool:
    """Whether `value` is relu_reference, one of its modules, or a function or class defined in it."""
    if isinstance(value, types.ModuleType):
        return _in_package(value.__name__)
    if callable(value) and not isinstance(value, np.ufunc):
        return _in_package(getattr(value, "__module__", None))
    return False


def _code_objects(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from _code_objects(constant)


def uses_reference(function) -> str | None:
    """Which name in `function`'s code refers to `relu_reference`, or None if none does.

    Looks at the function itself, the global names its code (nested functions included) refers to, its
    closure and its default values. It sees a reference on a branch that a test never runs, but not one
    reached through another object; `forbid_reference` sees every call that is made.

    Parameters
    ----------
    function : callable

    Returns
    -------
    str or None
        The first such name, e.g. ``'ref'``.

    Examples
    --------
    >>> import relu_reference as ref
    >>> def relu(x):
    ...     return ref.relu(x)
    >>> uses_reference(relu)
    'ref'
    >>> uses_reference(lambda x: np.maximum(x, 0)) is None
    True
    """
    if _reference_object(function):
        return getattr(function, "__name__", repr(function))
    while isinstance(function, types.MethodType):
        function = function.__func__
    code = getattr(function, "__code__", None)
    if code is None:
        return None
    namespace = getattr(function, "__globals__", {})
    for inner in _code_objects(code):
        for name in inner.co_names:
            if name in namespace and _reference_object(namespace[name]):
                return name
    for cell in function.__closure__ or ():
        with contextlib.suppress(ValueError):  # an empty cell
            if _reference_object(cell.cell_contents):
                return getattr(cell.cell_contents, "__name__", "a closure variable")
    for default in (*(function.__defaults__ or ()), *(function.__kwdefaults__ or {}).values()):
        if _reference_object(default):
            return getattr(default, "__name__", "a default value")
    return None


@contextlib.contextmanager
def forbid_reference(what: str):
    """Fail with `ReferenceUsedError` if any code of `relu_reference` runs inside the ``with`` block.

    Compute the expected values before entering the block, and call only the student's code inside it.
    A profile hook watches every Python call, so the reference is caught however it is reached: an alias
    (``from relu_reference import relu as r``), a registry record, `numpy.vectorize`, a helper defined in
    another cell. This module's own code is allowed.

    Parameters
    ----------
    what : str
        How to name the student's code in the message, e.g. ``'relu(x)'``.

    Raises
    ------
    ReferenceUsedError
        After the block, if reference code ran in it (also when the student's code caught an error).

    Examples
    --------
    >>> import relu_reference as ref
    >>> with forbid_reference("my_relu(x)"):
    ...     _ = np.maximum([-1.0, 2.0], 0)
    >>> with forbid_reference("my_relu(x)"):
    ...     _ = ref.relu([-1.0, 2.0])
    Traceback (most recent call last):
    ...
    relu_reference.checking.ReferenceUsedError: my_relu(x) calls relu_reference (relu): the exercise is ...
    """
    called: list[str] = []

    # coverage.py traces, it does not profile: it cannot see this hook run.
    def hook(frame, event, arg):  # pragma: no cover
        # The first few frames: a public function may be entered through a decorator's wrapper.
        if event == "call" and len(called) < 8:
            filename = frame.f_code.co_filename
            if filename.startswith(_PACKAGE_DIR) and filename != _THIS_FILE:
                called.append(frame.f_code.co_name)

    previous = sys.getprofile()
    sys.setprofile(hook)
    try:
        yield
    finally:
        sys.setprofile(previous)
        if called:
            import relu_reference  # noqa: PLC0415 -- the package is fully imported by now

            public = [name for name in called if name in relu_reference.__all__]
            raise ReferenceUsedError(
                f"{what} calls relu_reference ({(public or called)[0]}): the exercise is to compute it yourself with "
                "numpy, and work that calls the reference scores nothing. Compare with relu_reference "
                "only outside your function.")


def _check_not_reference(function, what: str) -> None:
    name = uses_reference(function)
    if name is not None:
        raise ReferenceUsedError(
            f"{what} uses relu_reference (through the name {name!r}): the exercise is to compute it "
            "yourself with numpy, and work that uses the reference scores nothing.")


# ---------------------------------------------------------------------------------------------------------
# Comparing


def _format(value: np.generic) -> str:
    """One element of an array, as a student would type it (-0.0 kept: it is an input of its own)."""
    if isinstance(value, np.floating):
        return repr(float(value)) if not (value == 0 and np.signbit(value)) else "-0.0"
    return repr(value.item())


def _array_inputs(inputs: dict, shape) -> dict[str, np.ndarray]:
    """The inputs that are arrays of the result's shape: those can be shown element by element."""
    shown = {}
    for name, value in inputs.items():
        if isinstance(value, np.ndarray | list | tuple | float | int | np.generic):
            array = np.asarray(value)
            if array.dtype.kind in "biuf" and array.shape == tuple(shape):
                shown[name] = array
    return shown


def _value_hints(bad: np.ndarray, got: np.ndarray, expected: np.ndarray, arrays: dict, caught) -> list[str]:
    """The usual mistakes that explain the mismatching elements `bad`."""
    hints = []
    for name, array in arrays.items():
        if array.dtype.kind != "f":
            continue
        if np.any(bad & (array == 0)):
            hints.append(f"The kink: at {name} = 0 the expected value is the one stated in the exercise "
                         "(PyTorch's convention, e.g. relu'(0) = 0). Check `>` against `>=`.")
        if np.any(bad & np.isnan(array)):
            hints.append(f"NaN in gives NaN out: a comparison such as {name} > 0 is False for NaN, so "
                         "np.where turns NaN into the other branch. np.maximum keeps NaN, or put it back "
                         f"with np.where(np.isnan({name}), {name}, result).")
        if np.any(bad & np.isinf(array)):
            hints.append(f"At {name} = ±inf the answer is the mathematical limit; inf * 0 is NaN, so a "
                         "formula that multiplies an infinite input by a zero factor needs that case "
                         "handled (np.where, or clip the input).")
        break  # hints about the first array argument, the one the function is of
    if np.any(bad & ~np.isfinite(got) & np.isfinite(expected)):
        hints.append("Your result overflowed (inf or NaN) where the true value is finite: an exponential "
                     "of a large number overflows, e.g. the naive log(1 + exp(x)). Rewrite the formula so "
                     "that exp only ever sees numbers <= 0.")
    if caught:
        hints.append("numpy warned while your function ran: " + "; ".join(sorted(set(caught))) + ".")
    return hints


def _describe_keys(value) -> str:
    if isinstance(value, dict):
        return f"a dict with the keys {sorted(value, key=str)}"
    return f"{type(value).__name__} {value!r}"


def _fail(what: str, problem: str, hints) -> None:
    message = f"{what}: {problem}"
    for hint in hints:
        message += f"\nHint: {hint}"
    raise AssertionError(message)


def check_close(got, expected, *, what: str, inputs: dict | None = None, rtol: float | None = None,
                atol: float | None = None, check_dtype: bool = True, hint: str | None = None,
                warned=()) -> None:
    """Fail with a teaching message unless `got` equals `expected` up to the tolerances of its dtype.

    Checks, in this order, that `got` is a numpy array (or numpy scalar), its dtype (if `check_dtype`),
    its shape, and its values: NaN where NaN is expected, the same infinities, and the rest within
    ``atol + rtol * |expected|``. The message names each mismatching element with the inputs there.

    Parameters
    ----------
    got : array_like, dict or tuple
        What the student's code produced.
    expected : array_like, dict or tuple
        The right answer (from `relu_reference`); a dict is compared key by key (e.g. gradients by
        parameter name), a tuple item by item (e.g. final parameters and losses).
    what : str
        How to name `got` in the message, e.g. ``'relu(x)'``.
    inputs : dict, optional
        The inputs by name; arrays of the result's shape are shown element by element.
    rtol, atol : float, optional
        Default: `tolerances` of the expected dtype.
    check_dtype : bool, optional
        Require the expected dtype exactly (default). Off for plain numbers such as a loss.
    hint : str, optional
        A hint to add when the values differ.
    warned : sequence of str, optional
        The warnings the student's code raised (`check_matches` captures them), quoted in a hint.

    Raises
    ------
    AssertionError
        With what was expected, what came back, where, and hints for the usual mistakes.

    Examples
    --------
    >>> check_close(np.array([0.0, 2.0]), np.array([0.0, 2.0]), what="relu(x)")
    >>> check_close(np.array([1.0, 2.0]), np.array([0.0, 2.0]), what="relu_grad(x)",
    ...             inputs={"x": np.array([0.0, 2.0])})
    Traceback (most recent call last):
    ...
    AssertionError: relu_grad(x): differs from the reference at 1 of 2 element(s)
      at x[0] = 0.0: expected 0.0, got 1.0
    Hint: The kink: ...
    """
    if isinstance(expected, tuple):
        if not isinstance(got, tuple | list) or len(got) != len(expected):
            _fail(what, f"returned {type(got).__name__} {got!r:.200}, expected a tuple of {len(expected)}", [])
        for index, (part, expected_part) in enumerate(zip(got, expected)):
            check_close(part, expected_part, what=f"{what}[{index}]", inputs=inputs, rtol=rtol, atol=atol,
                        check_dtype=check_dtype, hint=hint, warned=warned)
        return
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            _fail(what, f"returned {_describe_keys(got)}, expected a dict with the keys {sorted(expected)}", [])
        for key in expected:
            check_close(got[key], expected[key], what=f"{what}[{key!r}]", inputs=inputs, rtol=rtol, atol=atol,
                        check_dtype=check_dtype, hint=hint, warned=warned)
        return
    expected = np.asarray(expected)
    inputs = inputs or {}
    if check_dtype:
        if not hasattr(got, "dtype") or not hasattr(got, "shape"):
            _fail(what, f"returned {type(got).__name__} {got!r}, expected a numpy array",
                  ["Return a numpy array, e.g. the result of np.maximum or np.where, not a list or a "
                   "Python number."])
        if got.dtype != expected.dtype:
            hints = []
            if got.dtype.kind in "biu":
                hints.append("An integer or boolean result cannot hold every answer: integer input must "
                             "give float64 (convert first: x = np.asarray(x); if x.dtype.kind != 'f': "
                             "x = x.astype(np.float64)), and a mask such as (x > 0) must be converted "
                             "to the input's dtype.")
            elif expected.dtype == np.float32:
                hints.append("float32 input must give float32 output: a float64 array in the formula "
                             "(np.where(x > 0, 1.0, 0.0), np.zeros(n), np.float64 constants) upcasts it; "
                             "build the result in x's dtype (np.zeros_like(x), .astype(x.dtype)).")
            else:
                hints.append("Floating input keeps its dtype; integer and Python input become float64.")
            _fail(what, f"returned dtype {got.dtype}, expected {expected.dtype}", hints)
    got = np.asarray(got)
    if got.shape != expected.shape:
        _fail(what, f"returned shape {got.shape}, expected {expected.shape}",
              ["The output has the input's shape, 0-d and empty arrays included: work elementwise "
               "(no .ravel(), no list comprehensions over rows)."])
    dtype = expected.dtype if expected.dtype.kind == "f" else np.dtype(np.float64)
    default_rtol, default_atol = tolerances(dtype)
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    if got.dtype.kind not in "biuf":
        _fail(what, f"returned non-numbers (dtype {got.dtype})", [])
    got_f = got.astype(np.float64)
    expected_f = expected.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        nan_expected = np.isnan(expected_f)
        same_inf = np.isinf(expected_f) & (got_f == expected_f)
        close = np.abs(got_f - expected_f) <= atol + rtol * np.abs(expected_f)
        good = np.where(nan_expected, np.isnan(got_f), same_inf | (np.isfinite(expected_f) & close))
    if np.all(good):
        return
    bad = ~good
    arrays = _array_inputs(inputs, expected.shape)
    lines = [f"differs from the reference at {int(bad.sum())} of {bad.size} element(s)"]
    for index in list(zip(*np.nonzero(bad)))[:_SHOWN] if bad.ndim else [()]:
        place = f"[{', '.join(str(int(i)) for i in index)}]" if index else ""
        where = ", ".join(f"{name}{place} = {_format(array[index])}" for name, array in arrays.items())
        where = f"at {where}: " if where else (f"at index {place}: " if index else "")
        lines.append(f"  {where}expected {_format(expected[index])}, got {_format(got[index])}")
    if bad.sum() > _SHOWN:
        lines.append(f"  ... and {int(bad.sum()) - _SHOWN} more")
    hints = _value_hints(bad, got_f, expected_f, arrays, warned)
    if hint:
        hints.append(hint)
    _fail(what, "\n".join(lines), hints)


def _reference_function(reference) -> tuple[Callable, str]:
    if isinstance(reference, str):
        import relu_reference  # noqa: PLC0415 -- the package imports this module lazily, not at import

        function = getattr(relu_reference, reference, None)
        if not callable(function):
            raise ValueError(f"check_matches: relu_reference has no function {reference!r}")
        return function, f"relu_reference.{reference}"
    if callable(reference):
        return reference, getattr(reference, "__name__", "the reference")
    raise TypeError(f"check_matches: reference must be a name in relu_reference or a callable, "
                    f"got {type(reference).__name__}")


def _copy(value):
    """A deep copy of the arrays in `value` (arrays, and dicts, lists and tuples of them)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_copy(item) for item in value)
    return value


def _unchanged(before, now) -> bool:
    """Whether `now` still holds what the snapshot `before` holds (NaN and the sign of zero included)."""
    if isinstance(before, np.ndarray):
        return (isinstance(now, np.ndarray) and now.shape == before.shape and now.dtype == before.dtype
                and np.array_equal(now, before, equal_nan=before.dtype.kind in "fc")
                and (before.dtype.kind != "f" or np.array_equal(np.signbit(now), np.signbit(before))))
    if isinstance(before, dict):
        return isinstance(now, dict) and set(now) == set(before) and all(
            _unchanged(before[key], now[key]) for key in before)
    if isinstance(before, list | tuple):
        return isinstance(now, list | tuple) and len(now) == len(before) and all(
            _unchanged(a, b) for a, b in zip(before, now))
    return True


def _argument_names(function, args, params) -> dict:
    """The student's names for the positional arguments (``x``, ``grad_out``), and the keyword ones."""
    try:
        bound = inspect.signature(function).bind(*args, **params)
        return dict(bound.arguments)
    except (TypeError, ValueError):
        return {**{f"arg{i}": a for i, a in enumerate(args)}, **params}


def check_matches(student: Callable, reference: str | Callable, *args, rtol: float | None = None,
                  atol: float | None = None, check_dtype: bool = True, hint: str | None = None,
                  **params) -> None:
    """Check that ``student(*args, **params)`` gives what the reference gives, the way the contract says.

    In order: the student's function does not use `relu_reference` (by its code, then by what runs when
    it is called); it does not modify its array arguments (nor arrays inside dict, list or tuple
    arguments); it returns an array of the expected dtype and
    shape; and its values match (`check_close`). Each failure says which input, what was expected, what
    came back, and a hint for the usual mistake (the kink convention, NaN, overflow, integer output, ...).

    Parameters
    ----------
    student : callable
        The student's function.
    reference : str or callable
        The name of a function of `relu_reference` (``'relu'``), or a callable that computes the expected
        result from the same arguments (for a result the package has no single function for).
    *args
        Positional arguments, e.g. ``x``; given to the reference first, on copies.
    rtol, atol : float, optional
        Default: `tolerances` of the expected dtype.
    check_dtype : bool, optional
        Require the reference's dtype (default); off for results that hold plain numbers.
    hint : str, optional
        An extra hint for a mismatch in value.
    **params
        Keyword arguments for both, e.g. ``negative_slope=0.2``.

    Raises
    ------
    ReferenceUsedError
        If the student's function uses `relu_reference`.
    AssertionError
        For any other difference, with an explanation.

    Examples
    --------
    >>> def relu(x):
    ...     x = np.asarray(x)
    ...     x = x if x.dtype.kind == "f" else x.astype(np.float64)
    ...     return np.maximum(x, 0)
    >>> check_matches(relu, "relu", np.array([-2.0, 0.0, 3.0]))
    >>> def relu_grad(x):
    ...     return (np.asarray(x) >= 0).astype(float)
    >>> check_matches(relu_grad, "relu_grad", np.array([-2.0, 0.0, 3.0]))
    Traceback (most recent call last):
    ...
    AssertionError: relu_grad(x): differs from the reference at 1 of 3 element(s)
      at x[1] = 0.0: expected 0.0, got 1.0
    Hint: The kink: at x = 0 the expected value is the one stated in the exercise (PyTorch's ...
    """
    reference_function, reference_name = _reference_function(reference)
    name = getattr(student, "__name__", "your function")
    names = _argument_names(student, args, params)
    positional = list(names)[:len(args)]
    what = f"{name}({', '.join(positional)}{''.join(f', {k}={v!r}' for k, v in params.items())})"
    _check_not_reference(student, name)
    expected = reference_function(*map(_copy, args), **params)
    before = [_copy(a) for a in args]
    with warnings.catch_warnings(record=True) as caught, forbid_reference(name):
        warnings.simplefilter("always")
        got = student(*args, **params)
    for position, (original, now) in enumerate(zip(before, args)):
        if not _unchanged(original, now):
            _fail(what, f"modified its argument {positional[position]} in place",
                  ["Never change the caller's data: x[x < 0] = 0, x *= ..., np.maximum(x, 0, out=x), "
                   "params[name] -= ... all do. Compute new arrays (np.maximum(x, 0), np.where(...), "
                   "a - b) or work on copies."])
    inputs = {key: value for key, value in names.items() if key in positional}
    check_close(got, expected, what=what, inputs=inputs, rtol=rtol, atol=atol, check_dtype=check_dtype,
                hint=hint, warned=[str(w.message) for w in caught])



def check_vectorised(student: Callable, x, *, budget: int | None = None, **params) -> None:
    """Check that ``student(x)`` works on the whole array at once instead of looping over its elements.

    Counts the Python lines and calls that run while `student` computes `x` (numpy's own C loops are not
    counted): a vectorised function runs the same few lines whatever the size of `x`, a loop runs at least
    one line per element. The count does not depend on the machine's speed, so the check cannot flake.

    Parameters
    ----------
    student : callable
    x : ndarray
        An input with many elements (a few thousand).
    budget : int, optional
        How many lines and calls are allowed; default a tenth of ``x.size``.
    **params
        Keyword arguments for `student`.

    Raises
    ------
    ReferenceUsedError
        If `student` uses `relu_reference` (a call into it would be a loop-free answer too).
    AssertionError
        If more than `budget` lines and calls ran.

    Examples
    --------
    >>> check_vectorised(lambda x: np.maximum(x, 0), np.ones(5000))
    >>> check_vectorised(lambda x: np.array([max(v, 0.0) for v in x]), np.ones(5000))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: <lambda>(x): ran ... Python lines and calls on 5000 elements: it loops over the elements.
    Hint: Work on the whole array at once ...
    """
    x = np.asarray(x)
    budget = max(x.size // 10, 50) if budget is None else budget
    name = getattr(student, "__name__", "your function")
    _check_not_reference(student, name)
    counter = getattr(student, "__count_python_lines__", None)
    # A function that runs in another process (the grader's sandboxed worker) counts its lines there.
    count = counter(x, **params) if counter is not None else _count_python_lines(student, x, name, params)
    if count > budget:
        _fail(f"{name}(x)", f"ran {count} Python lines and calls on {x.size} elements: it loops over the "
              "elements.", ["Work on the whole array at once with numpy (np.maximum, np.where, arithmetic "
                            "on arrays): no for loop, list comprehension, map or np.vectorize."])


def _count_python_lines(student: Callable, x, name: str, params: dict) -> int:
    """The Python lines and calls that run while ``student(x, **params)`` runs in this process."""
    count = 0

    # coverage.py's tracer is the one these replace while they run, so it cannot see them.
    def local(frame, event, arg):  # pragma: no cover
        nonlocal count
        if event == "line":
            count += 1
        return local

    def trace(frame, event, arg):  # pragma: no cover
        nonlocal count
        count += 1
        return local

    previous = sys.gettrace()
    with warnings.catch_warnings(record=True), forbid_reference(name):
        sys.settrace(trace)
        try:
            student(x, **params)
        finally:
            sys.settrace(previous)
    return count
