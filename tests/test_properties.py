"""Property-based tests (hypothesis): every layout and dtype gives the reference answer.

The reference is the same function on a float64, C-ordered, writeable copy of the same
numbers. float32 inputs are compared with the reference on their float32-rounded values, to
float32 precision; every other layout must agree to float64 rounding.
"""

import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lossbook as lb

_TMP = Path(tempfile.mkdtemp(prefix="lossbook-memmap-"))


def c_float64(a):
    return np.array(a, dtype=np.float64, order="C")


def fortran(a):
    return np.asfortranarray(a)


def strided(a):
    """A non-contiguous view holding the same numbers (every other row and column)."""
    big = np.zeros((2 * a.shape[0], 2 * a.shape[1]) if a.ndim == 2 else 2 * a.shape[0], a.dtype)
    if a.ndim == 2:
        big[::2, ::2] = a
        return big[::2, ::2]
    big[::2] = a
    return big[::2]


def read_only(a):
    a = a.copy()
    a.flags.writeable = False
    return a


def memmapped(a):
    path = _TMP / f"a{np.random.default_rng().integers(1 << 62)}.dat"
    mm = np.memmap(path, dtype=a.dtype, mode="w+", shape=a.shape)
    mm[...] = a
    mm.flush()
    return np.memmap(path, dtype=a.dtype, mode="r", shape=a.shape)


def frame(a):
    return pd.DataFrame(a) if a.ndim == 2 else pd.Series(a)


def as_float32(a):
    return a.astype(np.float32)


LAYOUTS = {"fortran": fortran, "strided": strided, "read_only": read_only,
           "memmap": memmapped, "pandas": frame, "float32": as_float32,
           "float32_fortran": lambda a: fortran(as_float32(a))}


@st.composite
def problems(draw):
    m = draw(st.integers(4, 40))
    d = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    X = np.c_[np.ones(m), rng.standard_normal((m, d - 1))]
    theta = rng.standard_normal(d)
    y = rng.random(m) < 0.5
    y[:2] = [True, False]  # both classes
    return theta, X, y


def tolerance(layout):
    return 2e-5 if "float32" in layout else 1e-12


def reference_inputs(layout, theta, X):
    """The reference sees the numbers the layout holds (float32-rounded for float32)."""
    if "float32" in layout:
        return c_float64(theta.astype(np.float32)), c_float64(X.astype(np.float32))
    return theta, X


def close(actual, expected, layout, scale=1.0):
    rtol = tolerance(layout)
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), expected, rtol=rtol,
                               atol=rtol * scale)


ELEMENTWISE = {
    "loss": lambda t, X, y: lb.loss(t, X, y, l2=0.1),
    "gradient": lambda t, X, y: lb.gradient(t, X, y, l2=0.1),
    "hessian": lambda t, X, y: lb.hessian(t, X, y, l2=0.1),
    "loss_and_gradient": lambda t, X, y: np.r_[lb.loss_and_gradient(t, X, y)],
    "predict_proba": lambda t, X, y: lb.predict_proba(t, X),
    "standard_errors": lambda t, X, y: lb.standard_errors(t, X, y, l2=0.1),
    "smoothness_constant": lambda t, X, y: lb.smoothness_constant(X, l2=0.1),
    "add_intercept": lambda t, X, y: lb.add_intercept(X),
    "per_sample_loss": lambda t, X, y: lb.per_sample_loss(X @ t if isinstance(X, np.ndarray)
                                                          else X.to_numpy() @ t, y),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
@settings(max_examples=4, deadline=None)
@given(problem=problems())
def test_same_answer_in_every_layout(name, layout, problem):
    theta, X, y = problem
    func = ELEMENTWISE[name]
    make = LAYOUTS[layout]
    theta_ref, X_ref = reference_inputs(layout, theta, X)
    expected = func(theta_ref, X_ref, y)
    X_in = make(X)
    theta_in = theta.astype(np.float32) if "float32" in layout else theta
    actual = func(theta_in, X_in, make(y) if layout == "pandas" else y)
    close(actual, expected, layout, scale=np.max(np.abs(expected)))
    if isinstance(X_in, np.ndarray):
        np.testing.assert_array_equal(np.asarray(X_in, dtype=np.float64), X_ref)  # unmodified


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@settings(max_examples=3, deadline=None)
@given(problem=problems())
def test_accuracy_in_every_layout(layout, problem):
    theta, X, y = problem
    theta_ref, X_ref = reference_inputs(layout, theta, X)
    z = X_ref @ theta_ref
    if np.min(np.abs(z)) < 1e-4:  # a logit this close to 0 may change sign in float32
        return
    expected = np.mean((z >= 0) == y)
    theta_in = theta.astype(np.float32) if "float32" in layout else theta
    assert lb.accuracy(theta_in, LAYOUTS[layout](X), y) == expected


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@settings(max_examples=3, deadline=None)
@given(problem=problems())
def test_optimisers_in_every_layout(layout, problem):
    _, X, y = problem
    _, X_ref = reference_inputs(layout, np.zeros(1), X)
    make = LAYOUTS[layout]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lb.ConvergenceWarning)
        fit = lb.newton(make(X), y, l2=0.5)
        ref = lb.newton(X_ref, y, l2=0.5)
        descent = lb.gradient_descent(make(X), y, 0.5, 20)
        ref_descent = lb.gradient_descent(X_ref, y, 0.5, 20)
    close(fit.theta, ref.theta, layout, scale=10 * np.max(np.abs(ref.theta)))
    close(descent.theta, ref_descent.theta, layout, scale=np.max(np.abs(ref_descent.theta)))
    assert fit.converged == ref.converged


@pytest.mark.parametrize("layout", ["fortran", "strided", "read_only", "memmap", "pandas"])
@settings(max_examples=3, deadline=None)
@given(problem=problems(), seed=st.integers(0, 1000))
def test_split_in_every_layout(layout, problem, seed):
    _, X, y = problem
    ours = lb.train_test_split(LAYOUTS[layout](X), y, test_size=0.25, random_state=seed)
    ref = lb.train_test_split(X, y, test_size=0.25, random_state=seed)
    for a, b in zip(ours, ref, strict=True):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=10, deadline=None)
@given(p=st.lists(st.floats(0, 1), min_size=1, max_size=30), seed=st.integers(0, 100))
def test_calibration_curve_layouts(p, seed):
    p = np.array(p)
    y = np.random.default_rng(seed).random(p.size) < 0.5
    expected = lb.calibration_curve(p, y)
    for variant in (strided(p), read_only(p), frame(p), p.astype(object)):
        for a, b in zip(lb.calibration_curve(variant, y), expected, strict=True):
            np.testing.assert_array_equal(a, b)


@settings(max_examples=10, deadline=None)
@given(z=st.lists(st.floats(-50, 50), min_size=1, max_size=20))
def test_stable_functions_in_float32_and_strided(z):
    z = np.array(z)
    for func in (lb.sigmoid, lb.softplus, lb.log_sigmoid, lb.sigmoid_derivative):
        expected = func(z)
        np.testing.assert_array_equal(func(strided(z)), expected)
        np.testing.assert_array_equal(func(read_only(z)), expected)
        z32 = z.astype(np.float32)
        out32 = func(z32)
        assert out32.dtype == np.float32
        ref32 = func(z32.astype(np.float64))
        np.testing.assert_allclose(out32, ref32, rtol=1e-5, atol=1e-30)
