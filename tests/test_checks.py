"""The shared argument checks: TypeError for the wrong kind of argument, ValueError for a wrong value."""

import math

import numpy as np
import pytest

from autograd_mlp import _checks as checks


@pytest.mark.parametrize("call, error, message", [
    (lambda: checks.numeric_array("x", "abc"), TypeError, "expected x as an array of numbers; got str 'abc'"),
    (lambda: checks.numeric_array("x", [["a"]]), TypeError, "expected x to hold numbers"),
    (lambda: checks.numeric_array("x", [[1, 2], [3]]), ValueError, "rectangular"),
    (lambda: checks.finite_array("x", [1.0, math.nan]), ValueError, "without NaN or infinity; got 1"),
    (lambda: checks.whole_number("n", 2.0), TypeError, "expected n as a whole number; got float 2.0"),
    (lambda: checks.whole_number("n", True), TypeError, "got bool True"),
    (lambda: checks.positive_int("epochs", 0), ValueError, "expected epochs as a whole number ≥ 1; got 0"),
    (lambda: checks.whole_number("k", 7, 0, 5), ValueError, r"k as a whole number in \[0, 5\]; got 7"),
    (lambda: checks.real_number("rate", "0.1"), TypeError, "expected rate as a real number; got str"),
    (lambda: checks.real_number("rate", math.nan), ValueError, "finite"),
    (lambda: checks.real_number("rate", 0.0, minimum=0, low_open=True), ValueError, "rate > 0; got 0.0"),
    (lambda: checks.probability("p", 1.5), ValueError, r"p in \[0, 1\]; got 1.5"),
    (lambda: checks.probability("rate", 1.0, include_one=False), ValueError, r"in \[0, 1\)"),
    (lambda: checks.flag("shuffle", 1), TypeError, "expected shuffle as a bool"),
    (lambda: checks.one_of("rule", "simpson", ("trapezoid", "midpoint")), ValueError, "'trapezoid', 'midpoint'"),
    (lambda: checks.one_of("rule", 3, ("trapezoid", "midpoint")), TypeError, "got int 3"),
    (lambda: checks.rng("seed", "x"), TypeError, "seed as None, a whole number or a numpy Generator"),
    (lambda: checks.rng("seed", -1), ValueError, "seed ≥ 0; got -1"),
])
def test_one_exception_type_per_kind_of_mistake(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_the_checks_return_the_converted_argument():
    assert checks.whole_number("n", np.int64(3)) == 3 and type(checks.whole_number("n", np.int64(3))) is int
    assert checks.real_number("r", np.float32(0.5)) == 0.5 and type(checks.real_number("r", 1)) is float
    assert checks.flag("f", np.bool_(True)) is True
    generator = np.random.default_rng(0)
    assert checks.rng("seed", generator) is generator
    assert checks.rng("seed", 3).integers(1000) == np.random.default_rng(3).integers(1000)
    assert checks.numeric_array("x", [1, 2]).dtype.kind == "i"


def test_a_long_argument_is_cut_in_the_message():
    with pytest.raises(TypeError) as info:
        checks.whole_number("n", "x" * 10_000)
    assert len(str(info.value)) < 200
