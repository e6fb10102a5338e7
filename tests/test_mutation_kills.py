"""Tests that kill mutmut's user-visible survivors (issue 14, part 3; `make mutation`).

Each test pins a value, a default, a result field or an error that a mutant changed without
any other test noticing. Reference values come from independent computations (mpmath, closed
forms, the opening program's recipe written out with numpy).
"""

import os
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

import lossbook as lb
from lossbook import optimize, regularization


def noisy_problem(m=300, n=3, seed=0):
    """Overlapping classes: a well-defined, well-conditioned minimum."""
    rng = np.random.default_rng(seed)
    X = lb.add_intercept(rng.standard_normal((m, n)))
    y = rng.random(m) < lb.sigmoid(X @ rng.standard_normal(n + 1))
    return X, y


def quiet(func, *args, **kwargs):
    """Call func with every warning an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return func(*args, **kwargs)


def assert_points_at_the_caller(warning, caller=__file__):
    """The warning's stacklevel names the caller's line (in the file ``caller``), never one
    inside lossbook.

    Under mutmut a trampoline frame sits between the test and the library, so there only
    "outside lossbook" can be checked (a dropped stacklevel); `make test` checks the file.
    """
    assert "lossbook" not in Path(warning.filename).parts, warning.filename
    if "MUTANT_UNDER_TEST" not in os.environ:
        assert warning.filename == caller


def l_s(X, l2=0.0):
    """The smoothness constant from its formula, lambda_max(X^T X) / (4 m) + l2."""
    return float(np.linalg.eigvalsh(X.T @ X).max()) / (4 * X.shape[0]) + l2


# ---- optimize: gradient_descent's warning ------------------------------------------------


def test_step_too_large_warning_gives_one_over_l_s_and_the_rises():
    """J ends above its start; it rose (by less than 1) at some of the steps."""
    X, y = noisy_problem()
    l2 = 0.05
    with pytest.warns(lb.ConvergenceWarning) as record:
        result = lb.gradient_descent(X, y, 5 / l_s(X, l2), 20, l2=l2)
    text = str(record[0].message)
    assert text.startswith("gradient_descent: J rose from 0.6931 to ")
    safe = float(re.search(r"1/L_s = (\S+) ", text).group(1))
    assert safe == pytest.approx(1 / l_s(X, l2), rel=1e-3)
    rises = np.count_nonzero(np.diff(result.history) > 0)
    assert 0 < rises < 20 and f"(it rose at {rises} of 20 steps)" in text
    assert_points_at_the_caller(record[0])


def test_diverging_run_warns_that_it_diverged():
    X = np.array([[1.0, 1e10], [1.0, 1e10], [1.0, -1e10], [1.0, -1e10]])
    with pytest.warns(lb.ConvergenceWarning, match="gradient_descent: diverged") as record:
        lb.gradient_descent(X, [1, 0, 1, 0], 1e300, 50, theta0=[0.0, 1.0])
    assert_points_at_the_caller(record[0])


def test_smoothness_constant_names_non_finite_x():
    with pytest.raises(ValueError, match=r"^X contains NaN or infinity"):
        lb.smoothness_constant(np.array([[1.0, np.nan], [1.0, 2.0]]))


# ---- optimize: newton ----------------------------------------------------------------------


def test_newton_direction_keeps_only_descent_directions():
    # H = diag(-1, 1) is indefinite; -H^{-1} g = (0.5, 0) has g.p = 0.25 > 0: uphill.
    g = np.array([0.5, 0.0])
    H = np.array([[-1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(optimize._newton_direction(g, H), -g)


def test_newton_default_max_iter_is_50(monkeypatch):
    X, y = noisy_problem()
    # tiny descent steps: J falls every step, the gradient never meets tol
    monkeypatch.setattr(optimize, "_newton_direction", lambda g, H: -1e-3 * g)
    with pytest.warns(lb.ConvergenceWarning, match="reached max_iter=50,") as record:
        result = lb.newton(X, y)
    assert result.n_iter == 50 and not result.converged
    assert_points_at_the_caller(record[0])


@pytest.mark.parametrize("max_iter", [-1, 2.5])
def test_newton_bad_max_iter_is_named(max_iter):
    X, y = noisy_problem()
    with pytest.raises((ValueError, TypeError), match=r"^max_iter must be"):
        lb.newton(X, y, max_iter=max_iter)


@pytest.mark.parametrize(("x_dtype", "theta_dtype"),
                         [(np.float64, np.float32), (np.float32, np.float64)])
def test_newton_default_tol_is_of_the_wider_working_type(x_dtype, theta_dtype):
    """X @ theta is computed in the wider of the two types, so float64's tolerance applies."""
    X, y = noisy_problem()
    result = quiet(lb.newton, X.astype(x_dtype), y, theta0=np.zeros(4, theta_dtype))
    assert result.converged and result.message.endswith("< tol=1e-10")
    assert result.theta.dtype == np.float64


def test_newton_counts_three_flat_steps_from_the_minimum():
    """At the minimum each step changes J by rounding only: it stops after exactly three."""
    X, y = noisy_problem()
    minimum = quiet(lb.newton, X, y).theta
    with pytest.warns(lb.ConvergenceWarning, match="no longer decreases J at float64") as record:
        result = lb.newton(X, y, theta0=minimum, tol=1e-20)
    assert result.n_iter == 3 and not result.converged
    assert_points_at_the_caller(record[0])


@pytest.mark.parametrize(("label", "sign"), [(1, "+"), (0, "-")])
def test_newton_one_class_message_says_where_the_intercept_goes(label, sign):
    X, _ = noisy_problem()
    with pytest.warns(lb.SeparationWarning) as record:
        result = lb.newton(X, np.full(len(X), label))
    assert f"every label is {label} (one class only)" in result.message
    assert f"(theta[0] -> {sign}inf)" in result.message
    assert str(record[0].message) == result.message
    assert_points_at_the_caller(record[0])


def test_newton_one_sample_is_one_class():
    X, _ = noisy_problem()
    with pytest.warns(lb.SeparationWarning, match="every label is 1"):
        lb.newton(X[:1], [1])


def test_newton_separable_message_says_what_to_do():
    X, y = lb.make_separable_data()
    with pytest.warns(lb.SeparationWarning) as record:
        result = lb.newton(X, y)
    assert result.message.startswith("the data are linearly separable: ")
    assert result.message.endswith("so J has no finite minimum (J -> 0 as |theta| -> inf); "
                                   "use l2 > 0")
    assert str(record[0].message) == result.message
    assert_points_at_the_caller(record[0])


def test_newton_slope_overflow_is_no_floating_point_warning(monkeypatch):
    """A direction so long that its slope g.p overflows: rejected quietly, no RuntimeWarning."""
    X, y = noisy_problem()
    X = X * 100.0  # a gradient of order 10: g.p = -1e308 * sum|g| overflows
    monkeypatch.setattr(optimize, "_newton_direction", lambda g, H: -np.sign(g) * 1e308)
    with pytest.warns(lb.ConvergenceWarning, match="line search") as record:
        result = lb.newton(X, y)
    assert [w.category for w in record] == [lb.ConvergenceWarning]
    assert np.isfinite(result.theta).all() and not result.converged


def largest_armijo_step(X, y, c=1e-4):
    """The largest s with J(-s g) <= J(0) - c s |g|^2 at theta = 0 (J is convex along -g)."""
    theta = np.zeros(X.shape[1])
    J0, g = lb.loss(theta, X, y), lb.gradient(theta, X, y)

    def armijo(s):
        return lb.loss(-s * g, X, y) <= J0 - c * s * (g @ g)

    lo, hi = 0.0, 1.0
    while armijo(hi):
        lo, hi = hi, 2 * hi
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if armijo(mid) else (lo, mid)
    return lo


@pytest.mark.parametrize(("halvings", "steps"), [(30, 1), (31, 0)])
def test_newton_line_search_halves_at_most_30_times(monkeypatch, halvings, steps):
    """A direction whose first acceptable step is alpha = 2**-halvings: 2**-30 is taken,
    2**-31 is not (the search gives up)."""
    X, y = noisy_problem()
    s_max = largest_armijo_step(X, y)
    long = 0.75 * s_max * 2.0**halvings  # alpha * long <= s_max first at alpha = 2**-halvings
    monkeypatch.setattr(optimize, "_newton_direction", lambda g, H: -long * g)
    match = "max_iter=1" if steps else "line search no longer decreases J"
    with pytest.warns(lb.ConvergenceWarning, match=match):
        result = lb.newton(X, y, max_iter=1)
    assert result.n_iter == steps
    if steps:
        g = lb.gradient(np.zeros(4), X, y)
        np.testing.assert_allclose(result.theta, -long * 2.0**-halvings * g, rtol=1e-12)


def test_newton_trial_theta_overflowing_is_halved_quietly(monkeypatch):
    """theta_j + p_j overflows (column j of X is 0, so X @ theta stays finite): the step is
    halved, without a floating-point warning, and the halved step is taken."""
    X, y = noisy_problem()
    X[:, 3] = 0.0
    theta0 = np.array([0.0, 0.0, 0.0, 1e308])

    def direction(g, H):
        p = -g.copy()
        p[3] = 1e308
        return p

    monkeypatch.setattr(optimize, "_newton_direction", direction)
    with pytest.warns(lb.ConvergenceWarning, match="max_iter=1") as record:
        result = lb.newton(X, y, theta0=theta0, max_iter=1)
    assert [w.category for w in record] == [lb.ConvergenceWarning]
    assert result.n_iter == 1 and result.theta[3] == 1.5e308


def test_newton_armijo_rejects_a_step_that_decreases_j_too_little(monkeypatch):
    """A full step past Armijo's bound (J(theta + p) > J + 1e-4 g.p, though still close to J)
    is halved; the condition with the sign of its term flipped would take it."""
    X, y = noisy_problem()
    s_armijo = largest_armijo_step(X, y)
    s_flipped = largest_armijo_step(X, y, c=-1e-4)
    assert s_flipped > s_armijo * (1 + 1e-5)
    long = (s_armijo + s_flipped) / 2
    monkeypatch.setattr(optimize, "_newton_direction", lambda g, H: -long * g)
    with pytest.warns(lb.ConvergenceWarning, match="max_iter=1"):
        result = lb.newton(X, y, max_iter=1)
    g = lb.gradient(np.zeros(4), X, y)
    np.testing.assert_allclose(result.theta, -0.5 * long * g, rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 2])
def test_newton_stops_after_three_flat_steps_in_a_row(seed):
    """From zeros with an unreachable tol: steps that change J, then exactly three that change
    it by no more than rounding (16 eps relative), then it stops."""
    X, y = noisy_problem(seed=seed)
    with pytest.warns(lb.ConvergenceWarning, match="no longer decreases J"):
        result = lb.newton(X, y, tol=1e-20, max_iter=1000)
    h = result.history
    relative_change = np.abs(np.diff(h)) / np.abs(h[:-1])
    flat = 16 * np.finfo(np.float64).eps
    assert np.all(relative_change[-3:] <= flat) and np.all(relative_change[:-3] > flat)


@pytest.mark.parametrize(("learning_rate", "what"), [(1e290, "X @ theta"), (1e300, "theta")])
def test_gradient_descent_says_what_overflowed(learning_rate, what):
    X = np.array([[1.0, 1e10], [1.0, 1e10], [1.0, -1e10], [1.0, -1e10]])
    with pytest.warns(lb.ConvergenceWarning):
        result = lb.gradient_descent(X, [1, 0, 1, 0], learning_rate, 50, theta0=[0.0, 1.0])
    assert result.message == f"diverged: {what} overflowed (the learning rate is too large)"


def test_gradient_descent_tol_zero_converges_where_the_gradient_is_exactly_zero():
    """At theta = 0 these labels balance exactly (X^T (1/2 - y) = 0): |grad J| = 0 <= tol = 0."""
    X = np.array([[1.0, 1.0], [1.0, -1.0], [1.0, 1.0], [1.0, -1.0]])
    result = quiet(lb.gradient_descent, X, [1, 0, 0, 1], 0.1, 10, tol=0)
    assert result.converged and result.n_iter == 0 and result.grad_norm == 0.0
    assert result.message == "gradient norm 0 <= tol=0"


@pytest.mark.parametrize("tol", [-1.0, 0.0, "1e-8"])
def test_newton_bad_tol_is_named(tol):
    X, y = noisy_problem()
    with pytest.raises((ValueError, TypeError), match=r"^tol must be a"):
        lb.newton(X, y, tol=tol)


@pytest.mark.parametrize("x_dtype", [np.float64, np.int64, np.bool_])
def test_default_start_is_zeros_of_the_working_float_type(x_dtype):
    """No step taken: the start theta0 = 0 itself comes back, as float64 for float64, int or
    bool X (never float32, never ints)."""
    X, y = noisy_problem()
    X = (X > 0).astype(x_dtype) if x_dtype is np.bool_ else X.astype(x_dtype)
    with pytest.warns(lb.ConvergenceWarning, match="max_iter=0"):
        result = lb.newton(X, y, max_iter=0)
    gd = lb.gradient_descent(X, y, 0.1, 0)
    for theta in (result.theta, gd.theta):
        assert theta.dtype == np.float64
        np.testing.assert_array_equal(theta, np.zeros(4))


# ---- stable ------------------------------------------------------------------------------


@pytest.mark.parametrize("f", [lb.sigmoid, lb.softplus, lb.log_sigmoid, lb.sigmoid_derivative,
                               lb.logit])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_scalar_in_numpy_scalar_out(f, dtype):
    """Like a ufunc: a scalar gives a numpy scalar of its type (not a 0-d array), an array an
    array of the same shape."""
    out = f(dtype(0.25))
    assert type(out) is dtype
    assert type(f(0.25)) is np.float64
    vector = f(np.array([0.25], dtype))
    assert isinstance(vector, np.ndarray) and vector.shape == (1,) and vector.dtype == dtype
    # the same value to a few ulp: numpy's scalar and SIMD array loops may round differently
    # (2 ulp apart in float32 under numpy 1.26)
    np.testing.assert_allclose(vector[0], out, rtol=4 * np.finfo(dtype).eps)


# ---- regularization ------------------------------------------------------------------------


def test_regularization_default_max_iter_is_newtons_50(monkeypatch):
    X, y = noisy_problem()
    monkeypatch.setattr(optimize, "_newton_direction", lambda g, H: -1e-3 * g)
    with pytest.warns(lb.ConvergenceWarning, match="reached max_iter=50,"):
        regularization.regularization_path(X, y, [0.1])
    with pytest.warns(lb.ConvergenceWarning, match="reached max_iter=50,"):
        regularization.choose_l2(X, y, X, y, [0.1])


def test_choose_l2_passes_tol_on():
    X, y = noisy_problem()
    X_val, y_val = noisy_problem(seed=1)
    _, val_losses = quiet(regularization.choose_l2, X, y, X_val, y_val, [0.1], tol=0.05)
    loose = quiet(lb.newton, X, y, l2=0.1, tol=0.05).theta
    tight = quiet(lb.newton, X, y, l2=0.1).theta
    assert val_losses[0] == lb.loss(loose, X_val, y_val) != lb.loss(tight, X_val, y_val)


def test_regularization_refuses_a_negative_finite_l2():
    X, y = noisy_problem()
    with pytest.raises(ValueError, match="every l2 value must be a finite number >= 0"):
        regularization.regularization_path(X, y, [0.1, -0.1])


# ---- inference ---------------------------------------------------------------------------


def test_calibration_curve_errors_name_p():
    with pytest.raises(TypeError, match=r"^p must hold real numbers"):
        lb.calibration_curve(np.array(["a", "b"]), [0, 1])
    with pytest.raises(ValueError, match=r"^p must hold probabilities in \[0, 1\] \(no NaN\)$"):
        lb.calibration_curve([0.5, 1.5], [0, 1])


def test_standard_errors_one_sample_is_one_class():
    with pytest.raises(ValueError, match=r"^every label is 1 \(one class only\): .* so no "
                                         r"standard errors exist$"):
        lb.standard_errors(np.zeros(2), [[1.0, 0.5]], [1])


def test_standard_errors_collinear_message():
    X, y = noisy_problem()
    with pytest.raises(ValueError, match=(
            r"^the information matrix X\^T R X is not positive definite: X has collinear "
            r"columns, or theta is so large that every weight sigma'\(z\) vanishes "
            r"\(separable data\); no standard errors exist \(try l2 > 0\)$")):
        lb.standard_errors(np.zeros(5), np.c_[X, X[:, 1]], y)


def test_standard_errors_of_a_tiny_but_independent_column():
    """A column of scale 1e-14 is not collinear (its unexplained share is about 1): its
    standard error is about 1e14, not an error."""
    rng = np.random.default_rng(3)
    X = lb.add_intercept(rng.standard_normal((50, 2)) * [1.0, 1e-14])
    y = rng.random(50) < 0.5
    se = lb.standard_errors(np.zeros(3), X, y)
    reference = np.sqrt(np.diag(np.linalg.inv(X.T @ X / 4)))  # R = I/4 at theta = 0
    np.testing.assert_allclose(se, reference, rtol=1e-8)
    assert se[2] > 1e13


# ---- optimize: smoothness_constant of a Dask X ---------------------------------------------


def test_smoothness_constant_of_a_dask_x():
    """A Dask X chunked by rows gives lambda_max(X^T X) / (4 m) + l2; one chunked by columns
    too is refused with a message that says how to rechunk (not loaded into memory)."""
    da = pytest.importorskip("dask.array")
    dask = pytest.importorskip("dask")
    X, _ = noisy_problem()
    with dask.config.set(scheduler="synchronous"):
        assert lb.smoothness_constant(da.from_array(X, chunks=(128, -1)), 0.1) == pytest.approx(
            l_s(X, 0.1), rel=1e-12)
        with pytest.raises(ValueError, match=r"X is chunked along its columns too"):
            lb.smoothness_constant(da.from_array(X, chunks=(128, 2)))


# ---- optimize: the optimisers on Dask arrays ---------------------------------------------


def textbook_gradient(theta, X, y, l2):
    p = 1 / (1 + np.exp(-(X @ theta)))
    return X.T @ (p - y) / len(X) + l2 * np.r_[0.0, theta[1:]]


@pytest.fixture
def never_loaded_whole(monkeypatch):
    """Dask arrays that refuse to become one numpy array: only chunk-by-chunk passes work."""
    da = pytest.importorskip("dask.array")
    dask = pytest.importorskip("dask")

    def refuse(self, *args, **kwargs):
        raise AssertionError("a Dask array was loaded into memory whole")

    monkeypatch.setattr(da.Array, "__array__", refuse)
    with dask.config.set(scheduler="synchronous"):
        yield da


@pytest.mark.parametrize("which", ["X and y", "X", "y"])
def test_optimisers_on_dask_arrays_chunk_by_chunk(never_loaded_whole, which):
    """X, y or both as Dask arrays chunked by rows: newton reaches scikit-learn's penalised
    minimum and 25 steps of gradient descent land where the same steps written out with numpy
    do, without the Dask arrays ever being loaded into memory whole."""
    from sklearn.linear_model import LogisticRegression

    da = never_loaded_whole
    X, y = noisy_problem()
    Xd = da.from_array(X, chunks=(128, -1)) if "X" in which else X
    yd = da.from_array(y, chunks=128) if "y" in which else y
    l2, eta = 0.1, 1.0
    result = quiet(lb.newton, Xd, yd, l2=l2)
    sk = LogisticRegression(C=1 / (len(X) * l2), tol=1e-12, max_iter=10_000).fit(X[:, 1:], y)
    assert result.converged
    np.testing.assert_allclose(result.theta, np.r_[sk.intercept_, sk.coef_[0]], rtol=1e-6)
    theta = np.zeros(4)
    for _ in range(25):
        theta = theta - eta * textbook_gradient(theta, X, y, l2)
    gd = quiet(lb.gradient_descent, Xd, yd, eta, 25, l2=l2)
    np.testing.assert_allclose(gd.theta, theta, rtol=1e-10)


def test_default_start_of_float32_x_is_float32():
    """float32 X: theta0 = 0 in float32 (the working type; X @ theta is not promoted), for
    both optimisers; the fit itself stays float32."""
    X, y = noisy_problem()
    X32 = X.astype(np.float32)
    with pytest.warns(lb.ConvergenceWarning, match="max_iter=0"):
        start = lb.newton(X32, y, max_iter=0).theta
    for theta in (start, lb.gradient_descent(X32, y, 0.1, 0).theta):
        assert theta.dtype == np.float32
        np.testing.assert_array_equal(theta, np.zeros(4))
    assert quiet(lb.newton, X32, y).theta.dtype == np.float32
