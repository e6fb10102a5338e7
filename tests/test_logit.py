"""logit, the inverse of the sigmoid (notebook 01), against a 50-digit reference (mpmath)."""

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lossbook as lb
from lossbook.stable import logit

mpmath.mp.dps = 50

# Probabilities in every regime: subnormal, tiny, near 1/4 (the switch), near 1/2 (logit ~ 0),
# and near 1 (where 1 - p has few significant bits).
P = np.array(
    [5e-324, 1e-300, 1e-20, 1e-8, 0.01, 0.1, 0.2499999999999999, 0.25, 0.2500000000000001,
     0.3, 0.5 - 2**-40, 0.5 - 2**-53, 0.5, 0.5 + 2**-52, 0.5 + 2**-40, 0.7, 0.9, 0.99,
     1 - 1e-8, 1 - 2**-52, 1 - 2**-53]
)


def ref_logit(p):
    p = mpmath.mpf(float(p))
    return mpmath.log(p / (1 - p))


def ulps(computed, exact):
    computed = np.asarray(computed, dtype=np.float64)
    exact_f = np.array([float(e) for e in exact])
    pairs = zip(computed, exact, strict=True)
    err = np.array([abs(float(mpmath.mpf(float(c)) - e)) for c, e in pairs])
    return err / np.maximum(np.spacing(np.abs(exact_f)), np.finfo(np.float64).smallest_subnormal)


def test_accurate_to_a_few_ulp_everywhere():
    with np.errstate(all="raise"):
        out = logit(P)
    assert np.all(ulps(out, [ref_logit(p) for p in P]) <= 4)


def test_exactly_zero_at_one_half():
    assert logit(0.5) == 0.0


def test_endpoints_are_infinite_without_warning():
    with np.errstate(all="raise"):
        out = logit(np.array([0.0, 1.0]))
    np.testing.assert_array_equal(out, [-np.inf, np.inf])


@given(st.floats(min_value=-700, max_value=36, allow_nan=False))
def test_inverts_the_sigmoid(z):
    # sigmoid(z) is rounded to an ulp of p; logit amplifies that by 1 / (p (1 - p)), so for
    # z > 0 the round trip can lose up to about eps / (1 - p) = eps e^z (all of z past 36).
    p = lb.sigmoid(z)
    tol = 4 * np.finfo(float).eps * (abs(z) + 1 / (1 - p))
    assert abs(logit(p) - z) <= tol


@given(st.floats(min_value=0.0, max_value=1.0, allow_nan=False))
def test_odd_symmetry(p):
    # logit(1 - p) = -logit(p), where 1 - p is exact (p >= 1/2 by Sterbenz's lemma).
    if p >= 0.5:
        assert logit(1 - p) == pytest.approx(-logit(p), rel=1e-13)


def test_scalar_in_scalar_out_and_shape_kept():
    assert np.ndim(logit(0.3)) == 0
    assert logit(np.full((2, 3), 0.5)).shape == (2, 3)


def test_float32_stays_float32():
    assert logit(np.array([0.2, 0.7], dtype=np.float32)).dtype == np.float32


def test_integers_are_accepted():
    np.testing.assert_array_equal(logit([0, 1]), [-np.inf, np.inf])


def test_input_not_modified():
    p = np.array([0.1, 0.5, 0.9])
    before = p.copy()
    logit(p)
    np.testing.assert_array_equal(p, before)


@pytest.mark.parametrize("bad", [-0.1, 1.5, np.nan, np.inf])
def test_outside_the_unit_interval_raises(bad):
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        logit(np.array([0.5, bad]))


def test_non_numeric_raises():
    with pytest.raises(TypeError):
        logit(np.array(["a"]))
