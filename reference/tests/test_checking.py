"""The exercises' checking helpers: they accept correct answers, reject wrong ones with a message that teaches,
and catch work that merely calls the reference however it is disguised."""

import functools
import sys

import numpy as np
import pytest

import relu_reference as ref
from relu_reference import checking
from relu_reference.checking import (
    ReferenceUsedError,
    check_close,
    check_matches,
    check_vectorised,
    edge_values,
    forbid_reference,
    random_inputs,
    tolerances,
    uses_reference,
)


def as_student(source: str, **namespace):
    """Define functions as a notebook does: in a namespace of their own (module '__main__')."""
    namespace = {"np": np, "__name__": "__main__", **namespace}
    exec(source, namespace)  # noqa: S102 -- test fixtures written in this file
    return namespace


GOOD = as_student('''
def as_float(x):
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)

def relu(x):
    return np.maximum(as_float(x), 0)

def relu_grad(x):
    x = as_float(x)
    return np.where(np.isnan(x), x, (x > 0).astype(x.dtype))

def softplus(x, beta=1.0, threshold=20.0):
    x = as_float(x)
    with np.errstate(over="ignore"):
        z = beta * x
    return np.where(z > threshold, x, np.logaddexp(0, z) / beta)   # another stable formula: also right
''')


# ---------------------------------------------------------------------------------------------------------
# Correct answers pass


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["relu", "relu_grad", "softplus"])
def test_correct_functions_pass_on_edge_values_and_random_inputs(name, dtype):
    rng = np.random.default_rng(0)
    check_matches(GOOD[name], name, edge_values(dtype))
    check_matches(GOOD[name], name, random_inputs(rng, dtype, size=(3, 5)))
    check_matches(GOOD[name], name, rng.integers(-3, 4, size=6))
    check_matches(GOOD[name], name, np.array(0.5, dtype=dtype))       # 0-d: a numpy scalar result is fine
    check_matches(GOOD[name], name, [-1.0, 0.0, 2.0])
    check_matches(GOOD[name], name, np.zeros((0, 2), dtype=dtype))


def test_parameters_reach_both_functions():
    check_matches(GOOD["softplus"], "softplus", np.array([-1.0, 2.4, 2.6]), beta=2.0, threshold=5.0)


def test_naive_but_correct_formulas_pass_within_the_dtype_tolerance():
    # exp(x) - 1 instead of expm1: a few ulps off near 0, well inside the absolute tolerance
    elu = as_student("def elu(x, alpha=1.0):\n    return np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1))")["elu"]
    for dtype in (np.float64, np.float32):
        check_matches(elu, "elu", random_inputs(np.random.default_rng(1), dtype, size=50, scale=1e-3))


def test_a_correct_function_that_warns_in_an_unselected_branch_passes_silently(recwarn):
    elu = as_student("def elu(x, alpha=1.0):\n    return np.where(x > 0, x, alpha * np.expm1(x))")["elu"]
    check_matches(elu, "elu", np.array([-1.0, 1000.0]))   # expm1(1000) overflows but is not selected
    assert not recwarn.list  # the student's warnings are captured, never printed (nbgrader: stderr = fail)


def test_dicts_and_tuples_are_compared_item_by_item():
    check_close({"w": np.ones(2), "b": 0.5}, {"w": np.ones(2), "b": 0.5}, what="grads", check_dtype=False)
    check_close((np.ones(2), 1.0), (np.ones(2), 1.0), what="fit", check_dtype=False)
    with pytest.raises(AssertionError, match=r"grads\['b'\]: differs"):
        check_close({"w": np.ones(2), "b": 0.6}, {"w": np.ones(2), "b": 0.5}, what="grads", check_dtype=False)
    with pytest.raises(AssertionError, match="expected a dict with the keys"):
        check_close({"w": np.ones(2)}, {"w": np.ones(2), "b": 0.5}, what="grads", check_dtype=False)
    with pytest.raises(AssertionError, match="expected a dict with the keys"):
        check_close([1.0], {"w": 1.0}, what="grads", check_dtype=False)
    with pytest.raises(AssertionError, match="expected a tuple of 2"):
        check_close(np.ones(2), (np.ones(2), 1.0), what="fit", check_dtype=False)
    with pytest.raises(AssertionError, match=r"fit\[1\]: differs"):
        check_close([np.ones(2), 2.0], (np.ones(2), 1.0), what="fit", check_dtype=False)


# ---------------------------------------------------------------------------------------------------------
# Wrong answers fail, each with its hint


def failure(student_source, name, *args, **params) -> str:
    student = as_student(student_source)[name]
    with pytest.raises(AssertionError) as caught:
        check_matches(student, name, *args, **params)
    return str(caught.value)


def test_the_kink_mistake_names_the_input_and_the_convention():
    message = failure("def relu_grad(x):\n    return (np.asarray(x) >= 0).astype(float)", "relu_grad",
                      np.array([-1.0, 0.0, 1.0]))
    assert "relu_grad(x): differs from the reference at 1 of 3 element(s)" in message
    assert "at x[1] = 0.0: expected 0.0, got 1.0" in message
    assert "`>` against `>=`" in message


def test_negative_zero_is_shown_as_such():
    message = failure("def relu_grad(x):\n    return (np.asarray(x) >= 0).astype(float)", "relu_grad",
                      np.array([-0.0]))
    assert "x[0] = -0.0" in message


def test_modifying_the_input_fails():
    message = failure("def relu(x):\n    x[x < 0] = 0\n    return x", "relu", np.array([-1.0, 2.0]))
    assert "modified its argument x in place" in message


def test_modifying_an_array_inside_a_dict_fails():
    def reference(params):
        return params["w"] * 2

    student = as_student("def double(params):\n    params['w'] *= 2\n    return params['w']")["double"]
    with pytest.raises(AssertionError, match="modified its argument params in place"):
        check_matches(student, reference, {"w": np.ones(2), "b": [np.zeros(1)]})


def test_integer_output_fails_with_the_conversion_hint():
    message = failure("def relu(x):\n    return np.maximum(np.asarray(x), 0)", "relu", np.array([-1, 2]))
    assert "returned dtype int64, expected float64" in message
    assert "integer input must give float64" in message


def test_float32_upcast_fails_with_its_hint():
    message = failure("def relu_grad(x):\n    return np.where(np.asarray(x) > 0, 1.0, 0.0)", "relu_grad",
                      np.array([1.0, -1.0], dtype=np.float32))
    assert "returned dtype float64, expected float32" in message
    assert "float32 input must give float32 output" in message


def test_float64_downcast_fails():
    message = failure("def relu(x):\n    return np.maximum(np.asarray(x, dtype=np.float32), 0)", "relu",
                      np.array([1.0]))
    assert "Floating input keeps its dtype" in message


def test_a_list_is_not_an_array():
    message = failure("def relu(x):\n    return [max(v, 0.0) for v in x]", "relu", np.array([1.0, -1.0]))
    assert "returned list" in message and "Return a numpy array" in message


def test_integer_input_is_shown_as_integers():
    message = failure("def relu(x):\n    return np.abs(np.asarray(x, dtype=float))", "relu", np.array([-2, 3]))
    assert "at x[0] = -2: expected 0.0, got 2.0" in message


def test_a_wrong_shape_fails():
    message = failure("def relu(x):\n    return np.maximum(np.ravel(x), 0.0)", "relu", np.ones((2, 2)))
    assert "returned shape (4,), expected (2, 2)" in message


def test_non_numbers_fail():
    with pytest.raises(AssertionError, match="returned non-numbers"):
        check_close(np.array(["a"]), np.array([1.0]), what="f(x)", check_dtype=False)


def test_naive_softplus_fails_with_the_overflow_hint_and_the_warning():
    message = failure("def softplus(x, beta=1.0, threshold=20.0):\n    return np.log(1 + np.exp(beta * x)) / beta",
                      "softplus", np.array([1000.0]), threshold=1e9)
    assert "expected 1000.0, got inf" in message
    assert "naive log(1 + exp(x))" in message
    assert "numpy warned while your function ran: overflow encountered in exp" in message


def test_losing_nan_fails_with_its_hint():
    message = failure("def relu(x):\n    return np.where(x > 0, x, 0.0)", "relu", np.array([np.nan, 1.0]))
    assert "expected nan, got 0.0" in message and "NaN in gives NaN out" in message


def test_inf_times_zero_fails_with_the_limit_hint():
    message = failure("def silu(x):\n    return x / (1 + np.exp(-x))", "silu", np.array([-np.inf, 1.0]))
    assert "At x = ±inf the answer is the mathematical limit" in message


def test_a_wrong_constant_fails_on_a_long_input_listing_only_some_elements():
    message = failure("def selu(x):\n    return 1.0507 * np.where(x > 0, x, 1.6733 * np.expm1(np.minimum(x, 0)))",
                      "selu", np.linspace(0.5, 5.0, 10))
    assert "at 10 of 10 element(s)" in message and "... and 5 more" in message


def test_the_tolerance_is_tight_enough_to_tell_gelus_two_forms_apart_in_float32():
    exact_for_tanh = as_student(
        "from scipy import special\ndef gelu(x, approximate='none'):\n    return x * special.ndtr(x)")["gelu"]
    with pytest.raises(AssertionError, match="differs"):
        check_matches(exact_for_tanh, "gelu", np.linspace(-3, 3, 13, dtype=np.float32), approximate="tanh")


def test_a_scalar_result_can_be_checked_without_inputs():
    with pytest.raises(AssertionError, match=r"loss: differs from the reference at 1 of 1 element\(s\)\n  expected 1.0, got 2.0"):
        check_close(2.0, 1.0, what="loss", check_dtype=False)
    with pytest.raises(AssertionError, match=r"at index \[1\]: expected 1.0, got 2.0\nHint: look again"):
        check_close(np.array([0.0, 2.0]), np.array([0.0, 1.0]), what="f", hint="look again")


def test_tolerances_by_dtype():
    assert tolerances(np.float16)[0] > tolerances(np.float32)[0] > tolerances(np.float64)[0]
    assert tolerances(np.longdouble) == tolerances(np.float64)


def test_a_callable_reference_and_bad_references():
    check_matches(GOOD["relu"], lambda x: np.maximum(x, 0.0), np.array([-1.0, 1.0]))
    with pytest.raises(ValueError, match="relu_reference has no function 'relux'"):
        check_matches(GOOD["relu"], "relux", np.array([1.0]))
    with pytest.raises(TypeError, match="reference must be a name in relu_reference or a callable"):
        check_matches(GOOD["relu"], 3, np.array([1.0]))


def test_arguments_that_do_not_bind_are_numbered():
    message = failure("def relu(*args):\n    return np.asarray(args[0]) * 0.0 + 1.0", "relu", np.array([-1.0]))
    assert "differs" in message
    # a callable without a signature for inspect: its arguments are numbered in messages
    assert checking._argument_names(max, (1.0, 2.0), {}) == {"arg0": 1.0, "arg1": 2.0}


# ---------------------------------------------------------------------------------------------------------
# Work that calls the reference


def assert_caught(student, x=np.array([-1.0, 2.0])):
    with pytest.raises(ReferenceUsedError, match="relu_reference"):
        check_matches(student, "relu", x)


def test_calling_the_reference_is_caught_however_it_is_reached():
    assert_caught(as_student("def relu(x):\n    return ref.relu(x)", ref=ref)["relu"])
    assert_caught(as_student("from relu_reference import relu as r\ndef relu(x):\n    return r(x)")["relu"])
    assert_caught(ref.relu)                                                    # relu = ref.relu
    assert_caught(np.vectorize(ref.relu, otypes=[float]))
    assert_caught(functools.partial(ref.leaky_relu, negative_slope=0.0))
    # through a helper defined in another cell, which the static check cannot see
    helper = as_student("def helper(x):\n    return record.forward(x)", record=ref.ACTIVATIONS["relu"])
    assert_caught(as_student("def relu(x):\n    return helper(x)", helper=helper["helper"])["relu"])
    # even when the student catches the tripwire's consequences
    sneaky = as_student("def relu(x):\n    try:\n        return helper(x)\n    except Exception:\n        return x",
                        helper=helper["helper"])["relu"]
    assert_caught(sneaky)


def test_uses_reference_reads_code_closures_and_defaults():
    assert uses_reference(GOOD["relu"]) is None
    assert uses_reference(as_student("def f(x):\n    return ref.relu(x)", ref=ref)["f"]) == "ref"
    nested = as_student("def f(x):\n    g = lambda y: ref.relu(y)\n    return x", ref=ref)["f"]
    assert uses_reference(nested) == "ref"                                     # on a branch never run
    assert uses_reference(as_student("def f(x, r=ref.relu):\n    return r(x)", ref=ref)["f"]) == "relu"
    assert uses_reference(as_student("def f(x, *, r=ref.relu):\n    return r(x)", ref=ref)["f"]) == "relu"

    def outer():
        closure = ref.relu

        def inner(x):
            return closure(x)
        return inner
    assert uses_reference(outer()) == "relu"

    class Student:
        def relu(self, x):
            return ref.relu(x)
    assert uses_reference(Student().relu) == "ref"
    assert uses_reference(np.maximum) is None                                  # a ufunc, no Python code
    assert uses_reference(checking.check_close) is None                        # the tests' tool is allowed


def test_using_the_references_constants_is_allowed():
    selu = as_student("def selu(x):\n    return SCALE * np.where(x > 0, x, ALPHA * np.expm1(np.minimum(x, 0)))",
                      SCALE=ref.SELU_SCALE, ALPHA=ref.SELU_ALPHA)["selu"]
    check_matches(selu, "selu", np.array([-1.0, 0.0, 1.0]))


def test_forbid_reference_restores_the_previous_profiler():
    def profiler(frame, event, arg):
        return None

    sys.setprofile(profiler)
    try:
        with pytest.raises(ReferenceUsedError, match=r"f\(x\) calls relu_reference \(relu\)"):
            with forbid_reference("f(x)"):
                ref.relu([1.0])
        assert sys.getprofile() is profiler
    finally:
        sys.setprofile(None)


def test_forbid_reference_names_a_private_helper_when_nothing_public_ran():
    with pytest.raises(ReferenceUsedError, match=r"\(real_number\)"):
        with forbid_reference("f(x)"):
            from relu_reference._checks import real_number
            real_number(1.0, "x")


# ---------------------------------------------------------------------------------------------------------
# Vectorisation and inputs


def test_check_vectorised_accepts_numpy_and_rejects_loops():
    check_vectorised(GOOD["relu"], np.linspace(-1, 1, 5000))
    check_vectorised(GOOD["softplus"], np.linspace(-1, 1, 5000), beta=2.0)
    for loop in ["def relu(x):\n    return np.array([max(v, 0.0) for v in x])",
                 "def relu(x):\n    out = np.empty_like(x)\n    for i in range(len(x)):\n        out[i] = max(x[i], 0)\n    return out",
                 "def relu(x):\n    return np.vectorize(lambda v: max(v, 0.0))(x)",
                 "def relu(x):\n    return np.fromiter(map(lambda v: max(v, 0.0), x), float)"]:
        with pytest.raises(AssertionError, match="it loops over the elements"):
            check_vectorised(as_student(loop)["relu"], np.linspace(-1, 1, 5000))


class RemoteFunction:
    """A function that runs elsewhere (as in the grader's sandboxed worker) and counts its lines there."""

    __name__ = "relu"

    def __init__(self, lines):
        self.lines, self.calls = lines, []

    def __call__(self, x):  # pragma: no cover -- check_vectorised must not run it here
        raise AssertionError("the lines are counted where the function runs")

    def __count_python_lines__(self, x, **params):
        self.calls.append((x.size, params))
        return self.lines


def test_check_vectorised_takes_the_count_of_a_function_that_runs_elsewhere():
    remote = RemoteFunction(lines=12)
    check_vectorised(remote, np.ones(5000), beta=2.0)
    assert remote.calls == [(5000, {"beta": 2.0})]
    with pytest.raises(AssertionError, match="ran 5001 Python lines and calls on 5000 elements"):
        check_vectorised(RemoteFunction(lines=5001), np.ones(5000))


def test_check_vectorised_refuses_the_reference():
    with pytest.raises(ReferenceUsedError):
        check_vectorised(ref.relu, np.ones(5000))
    with pytest.raises(ReferenceUsedError):
        check_vectorised(as_student("def relu(x):\n    return helper(x)", helper=lambda x: ref.relu(x))["relu"],
                         np.ones(5000))


def test_check_vectorised_restores_the_previous_tracer():
    previous = sys.gettrace()
    check_vectorised(GOOD["relu"], np.ones(100))
    assert sys.gettrace() is previous


def test_edge_values_hold_every_special_number():
    for dtype in (np.float16, np.float32, np.float64):
        x = edge_values(dtype)
        info = np.finfo(dtype)
        assert x.dtype == dtype
        assert np.isnan(x).sum() == 1 and np.isposinf(x).sum() == 1 and np.isneginf(x).sum() == 1
        assert np.sum((x == 0) & np.signbit(x)) == 1 and np.sum((x == 0) & ~np.signbit(x)) == 1
        assert info.max in x and info.smallest_subnormal in x and info.smallest_normal in x


def test_random_inputs_have_the_kinks_and_the_dtype():
    x = random_inputs(np.random.default_rng(3), np.float32, size=30, kinks=(0.0, 6.0))
    assert x.dtype == np.float32 and x.shape == (30,)
    assert np.sum(x == 0) >= 2 and np.sum(x == 6) >= 2
    assert not np.array_equal(random_inputs(np.random.default_rng(), size=30),
                              random_inputs(np.random.default_rng(), size=30))
