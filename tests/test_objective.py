"""The loss J, its gradient and Hessian: properties, references, bad input."""

import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lossbook as lb
from lossbook import objective

RAISE = {"over": "raise", "invalid": "raise", "divide": "raise"}


def naive_loss(theta, X, y, l2=0.0):
    """The textbook formula, for moderate logits only."""
    p = 1 / (1 + np.exp(-(X @ theta)))
    y = np.asarray(y, dtype=float)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) + 0.5 * l2 * theta[1:] @ theta[1:]


# --- strategies: small problems with moderate values, so finite differences are meaningful
@st.composite
def problems(draw, max_m=30, max_d=4):
    m = draw(st.integers(1, max_m))
    d = draw(st.integers(1, max_d))
    elems = st.floats(-3, 3, allow_nan=False, allow_subnormal=False)
    X = draw(arrays(np.float64, (m, d), elements=elems))
    X[:, 0] = 1.0
    theta = draw(arrays(np.float64, d, elements=elems))
    y = draw(arrays(np.bool_, m))
    l2 = draw(st.sampled_from([0.0, 0.1, 2.0]))
    return theta, X, y, l2


def central_differences(f, theta, h):
    out = []
    for j in range(theta.size):
        e = np.zeros_like(theta)
        e[j] = h
        out.append((f(theta + e) - f(theta - e)) / (2 * h))
    return np.array(out)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_gradient_matches_central_differences(problem):
    theta, X, y, l2 = problem
    numeric = central_differences(lambda t: lb.loss(t, X, y, l2), theta, 1e-6)
    np.testing.assert_allclose(lb.gradient(theta, X, y, l2), numeric, rtol=1e-5, atol=1e-7)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_hessian_matches_differences_of_the_gradient(problem):
    theta, X, y, l2 = problem
    H = lb.hessian(theta, X, y, l2)
    numeric = central_differences(lambda t: lb.gradient(t, X, y, l2), theta, 1e-6).T
    np.testing.assert_allclose(H, numeric, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(H, H.T, rtol=0, atol=1e-15)
    assert np.linalg.eigvalsh(H).min() >= -1e-12  # convex


@settings(max_examples=60, deadline=None)
@given(problems())
def test_loss_nonnegative_and_label_symmetric(problem):
    theta, X, y, l2 = problem
    J = lb.loss(theta, X, y, l2)
    assert J >= 0
    # Flipping every label is the same as flipping the model's sign.
    np.testing.assert_allclose(lb.loss(-theta, X, ~y, l2), J, rtol=1e-12, atol=1e-15)


@settings(max_examples=40, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_invariant_to_sample_order(problem, rnd):
    theta, X, y, l2 = problem
    perm = np.array(rnd.sample(range(len(y)), len(y)))
    np.testing.assert_allclose(lb.loss(theta, X[perm], y[perm], l2), lb.loss(theta, X, y, l2),
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(lb.gradient(theta, X[perm], y[perm], l2),
                               lb.gradient(theta, X, y, l2), rtol=1e-10, atol=1e-14)


def test_agrees_with_the_textbook_formula(random_problem):
    theta, X, y = random_problem
    for l2 in (0.0, 0.5, 1.0):
        np.testing.assert_allclose(lb.loss(theta, X, y, l2), naive_loss(theta, X, y, l2),
                                   rtol=1e-12)


def test_loss_and_gradient_is_both(random_problem):
    theta, X, y = random_problem
    J, g = lb.loss_and_gradient(theta, X, y, l2=0.3)
    assert J == lb.loss(theta, X, y, l2=0.3)
    np.testing.assert_array_equal(g, lb.gradient(theta, X, y, l2=0.3))


def test_intercept_is_not_penalised(random_problem):
    theta, X, y = random_problem
    g0, g1 = lb.gradient(theta, X, y), lb.gradient(theta, X, y, l2=1.0)
    assert g1[0] == g0[0]
    np.testing.assert_allclose(g1[1:] - g0[1:], theta[1:], rtol=1e-12)
    H0, H1 = lb.hessian(theta, X, y), lb.hessian(theta, X, y, l2=1.0)
    np.testing.assert_allclose(H1 - H0, np.diag([0.0, 1, 1, 1]), atol=1e-15)


class TestAgainstScikitLearn:
    def test_loss_gradient_hessian(self, random_problem):
        from sklearn._loss.loss import HalfBinomialLoss
        from sklearn.linear_model._linear_loss import LinearModelLoss

        theta, X, y = random_problem
        sk = LinearModelLoss(HalfBinomialLoss(), fit_intercept=False)
        yf = y.astype(float)
        J, g = sk.loss_gradient(theta, X, yf)
        np.testing.assert_allclose(lb.loss(theta, X, y), J, rtol=1e-12)
        np.testing.assert_allclose(lb.gradient(theta, X, y), g, rtol=1e-10, atol=1e-15)
        _, H, _ = sk.gradient_hessian(theta, X, yf)[:3]
        np.testing.assert_allclose(lb.hessian(theta, X, y), H, rtol=1e-10, atol=1e-15)

    def test_where_scikit_learn_loses_precision(self):
        # y = 1 and z = 37: the true loss is 8.5e-17; scikit-learn's loss-only path gives 0.
        X = np.array([[1.0]])
        assert lb.loss(np.array([37.0]), X, [1]) == pytest.approx(8.533047625744066e-17,
                                                                   rel=1e-15)


class TestExtremeLogits:
    @pytest.mark.parametrize("z", [37.0, 100.0, 700.0, 1e4, -37.0, -700.0, -1e4])
    @pytest.mark.parametrize("label", [0, 1])
    def test_finite_accurate_and_silent(self, z, label):
        X = np.array([[1.0]])
        theta = np.array([z])
        with np.errstate(**RAISE):
            J, g = lb.loss_and_gradient(theta, X, [label])
            H = lb.hessian(theta, X, [label])
        np.testing.assert_allclose(J, lb.softplus(z if label == 0 else -z), rtol=1e-15)
        np.testing.assert_allclose(g[0], lb.residual(z, label), rtol=1e-15)
        np.testing.assert_allclose(H[0, 0], lb.sigmoid_derivative(z), rtol=1e-15)

    def test_opening_example_at_its_mle_is_finite(self, opening):
        X, y = opening
        theta = lb.newton(X, y).theta
        with np.errstate(divide="ignore", invalid="ignore"):
            assert np.isnan(naive_loss(theta, X, y))
        assert 0 < lb.loss(theta, X, y) < 0.1


class TestDtypesAndLabels:
    def test_bool_int_float_labels_agree(self, random_problem):
        theta, X, y = random_problem
        expected = lb.loss(theta, X, y.astype(float))
        assert lb.loss(theta, X, y) == expected
        assert lb.loss(theta, X, y.astype(int)) == expected
        assert lb.loss(theta, X, list(y.astype(int))) == expected

    @pytest.mark.parametrize("label_dtype", [np.float64, np.int64, np.uint64, np.float16])
    def test_float32_result_does_not_depend_on_the_labels_dtype(self, random_problem,
                                                                 label_dtype):
        theta, X, y = random_problem
        t32, X32 = theta.astype(np.float32), X.astype(np.float32)
        J, g = lb.loss_and_gradient(t32, X32, y)  # bool labels: signs straight from y
        J_other, g_other = lb.loss_and_gradient(t32, X32, y.astype(label_dtype))
        assert J_other == J
        np.testing.assert_array_equal(g_other, g)
        assert g_other.dtype == np.float32

    def test_float32(self, random_problem):
        theta, X, y = random_problem
        X32, t32 = X.astype(np.float32), theta.astype(np.float32)
        g = lb.gradient(t32, X32, y)
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, lb.gradient(theta, X, y), rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(lb.loss(t32, X32, y), lb.loss(theta, X, y), rtol=1e-5)
        # float32 X with float64 theta computes in float64
        assert lb.gradient(theta, X32, y).dtype == np.float64

    def test_integer_X_and_theta(self):
        X = np.array([[1, 2], [1, -1]])
        assert lb.loss([0, 1], X, [1, 0]) == pytest.approx(lb.loss([0.0, 1.0], X * 1.0, [1, 0]))

    def test_inputs_not_modified(self, random_problem):
        theta, X, y = random_problem
        copies = theta.copy(), X.copy(), y.copy()
        lb.loss_and_gradient(theta, X, y, l2=1.0)
        lb.hessian(theta, X, y, l2=1.0)
        for before, after in zip(copies, (theta, X, y), strict=True):
            np.testing.assert_array_equal(before, after)


def test_blocks_give_the_same_answer_as_one_pass(monkeypatch):
    """Many blocks (with a ragged last one) against a single block."""
    rng = np.random.default_rng(3)
    X = lb.add_intercept(rng.standard_normal((1000, 5)))
    theta = rng.standard_normal(6)
    y = rng.random(1000) < lb.sigmoid(X @ theta)
    one_block = lb.loss(theta, X, y), lb.gradient(theta, X, y), lb.hessian(theta, X, y)
    monkeypatch.setattr(objective, "_MIN_BLOCK_ROWS", 7)
    monkeypatch.setattr(objective, "_BLOCK_BYTES", 7 * 6 * 8)
    assert objective._block_rows(X) == 7
    many = lb.loss(theta, X, y), lb.gradient(theta, X, y), lb.hessian(theta, X, y)
    for a, b in zip(one_block, many, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("fn", [lb.loss_and_gradient, lb.loss, lb.gradient, lb.hessian])
@pytest.mark.parametrize("label_dtype", [bool, np.int64, np.float64, np.float32])
def test_extra_memory_does_not_grow_with_m(label_dtype, fn):
    """Labels of every dtype are checked and turned into signs block by block."""
    import tracemalloc

    def peak_bytes(m):
        rng = np.random.default_rng(0)
        X = lb.add_intercept(rng.standard_normal((m, 4)))
        theta = rng.standard_normal(5)
        y = (rng.random(m) < 0.5).astype(label_dtype)
        tracemalloc.start()
        fn(theta, X, y)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    small, large = peak_bytes(200_000), peak_bytes(800_000)
    # A few block-sized buffers; even bool labels == 1 at m = 800k would be 0.8 MB more.
    assert large < small + 100_000, (small, large)
    assert large < 2_000_000, large


@pytest.mark.parametrize("fn", [lb.loss, lb.gradient, lb.hessian, lb.loss_and_gradient])
def test_bad_labels_in_a_late_block_named_with_all_of_them(monkeypatch, fn):
    """The labels are checked block by block; the message still counts every bad label."""
    monkeypatch.setattr(objective, "_MIN_BLOCK_ROWS", 7)
    monkeypatch.setattr(objective, "_BLOCK_BYTES", 7 * 2 * 8)
    X = lb.add_intercept(np.linspace(-1, 1, 30)[:, None])
    y = (np.arange(30) % 2).astype(float)
    y[[20, 29]] = [0.5, 2.0]
    with pytest.raises(ValueError, match=r"y holds 2 other value\(s\), e\.g\. \[0\.5, 2\.0\]"):
        fn(np.zeros(2), X, y)


@pytest.mark.parametrize("label", [0.5, 2.0, -1.0, 1e-300, 5e-324, 1 - 2**-53, np.inf, np.nan])
def test_labels_near_0_or_1_rejected(label):
    from lossbook._validate import labels_are_binary

    assert labels_are_binary(np.array([0.0, -0.0, 1.0]))
    assert not labels_are_binary(np.array([0.0, label, 1.0]))


@pytest.mark.parametrize("label_dtype", [bool, np.uint8, np.int64, np.float32, np.float64])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_signs(label_dtype, dtype):
    y = np.array([0, 1, 1, 0], dtype=label_dtype)
    s = objective._signs(y, y, np.empty(4, dtype))
    assert s.dtype == dtype
    np.testing.assert_array_equal(s, [1, -1, -1, 1])


# --- bad input: each gets an error that names the problem ------------------------------
X_OK = np.array([[1.0, 0.5], [1.0, -0.5], [1.0, 2.0]])
Y_OK = np.array([0, 1, 1])
T_OK = np.array([0.1, -0.2])


@pytest.mark.parametrize(
    ("theta", "X", "y", "l2", "error", "match"),
    [
        (T_OK, X_OK, [0, 1, 2], 0.0, ValueError, "labels must be 0 or 1"),
        (T_OK, X_OK, [0, 1, -1.0], 0.0, ValueError, "labels must be 0 or 1"),
        (T_OK, X_OK, [0, 1, np.nan], 0.0, ValueError, "labels must be 0 or 1"),
        (T_OK, X_OK, [0, 1], 0.0, ValueError, "2 labels but X has 3 rows"),
        (T_OK, X_OK, Y_OK.reshape(-1, 1), 0.0, ValueError, r"y must be 1-D.*y.ravel\(\)"),
        (T_OK, X_OK, ["a", "b", "c"], 0.0, TypeError, "numeric labels"),
        (np.array([0.1, 0.2, 0.3]), X_OK, Y_OK, 0.0, ValueError, "size 3 but X has 2 columns"),
        (T_OK.reshape(-1, 1), X_OK, Y_OK, 0.0, ValueError, "theta must be 1-D"),
        (np.array([np.nan, 0.0]), X_OK, Y_OK, 0.0, ValueError, "theta contains NaN"),
        (np.array([np.inf, 0.0]), X_OK, Y_OK, 0.0, ValueError, "theta contains NaN"),
        (T_OK, np.where(X_OK == 2.0, np.nan, X_OK), Y_OK, 0.0, ValueError, "X contains NaN"),
        (T_OK, np.where(X_OK == 2.0, np.inf, X_OK), Y_OK, 0.0, ValueError, "X contains NaN"),
        (T_OK, np.empty((0, 2)), [], 0.0, ValueError, "no samples"),
        (T_OK, X_OK[:, 1], Y_OK, 0.0, ValueError, "X must be 2-D"),
        (T_OK, X_OK.astype(str), Y_OK, 0.0, TypeError, "X must hold real numbers"),
        (T_OK, X_OK, Y_OK, -1.0, ValueError, "l2 must be a finite number >= 0"),
        (T_OK, X_OK, Y_OK, np.nan, ValueError, "l2 must be a finite number >= 0"),
        (T_OK, X_OK, Y_OK, "0.1", TypeError, "l2 must be a real number"),
    ],
)
@pytest.mark.parametrize("fn", [lb.loss, lb.gradient, lb.hessian, lb.loss_and_gradient])
def test_bad_input_named(fn, theta, X, y, l2, error, match):
    with pytest.raises(error, match=match):
        fn(theta, X, y, l2)


@pytest.mark.parametrize("fn", [lb.loss, lb.loss_and_gradient])
def test_overflowing_logits_named(fn):
    # A finite X whose logits overflow: the loss would be inf. (The gradient and Hessian
    # saturate correctly there, since sigma(+-inf) and sigma' are exact, so they do not raise.)
    with pytest.raises(ValueError, match="X @ theta overflows"):
        fn(np.ones(2), np.full((3, 2), 1e308), Y_OK)


def test_predict_proba(random_problem):
    theta, X, _ = random_problem
    np.testing.assert_allclose(lb.predict_proba(theta, X), lb.sigmoid(X @ theta))
    with pytest.raises(ValueError, match="size 2 but X has 4 columns"):
        lb.predict_proba(np.zeros(2), X)


# --- the blocked kernel's two ways to softplus, its fallback, and its result types ---------
# (issue 14: tests that kill mutmut's survivors in `_fast_terms`, `_accumulate`, `evaluate`)


def ulps_from(value, exact, dtype):
    """|value - exact| in units of the last place of exact rounded to dtype (mpmath)."""
    exact_f = dtype(float(exact))
    spacing = max(float(np.spacing(np.abs(exact_f))), float(np.finfo(dtype).smallest_subnormal))
    return float(abs(mpmath.mpf(float(value)) - exact) / mpmath.mpf(spacing))


def exact_softplus(t):
    return mpmath.log1p(mpmath.exp(mpmath.mpf(float(t))))


def exact_sigmoid(t):
    return 1 / (1 + mpmath.exp(-mpmath.mpf(float(t))))


# Logits t = (1 - 2y) z of every regime of one sample: confidently right (t << 0), near the
# boundary, confidently wrong (t >> 0), and beyond exp's overflow (709.78, 88.72 in float32),
# where the pass is made again with _terms.
# Also t with e^t just below a power of 2, 2^k - 1/2: there 1 + e^t rounds (it crosses into
# the next binade), so Goldberg's correction delta = (u - 1) - e^t is not 0 (for most k).
KERNEL_LOGITS = [-700.0, -100.0, -30.0, -20.0, -5.0, -1.0, -1e-3, -1e-8, 0.0, 1e-8, 1e-3,
                 0.5, 1.0, 5.0, 20.0, 30.0, 80.0, 100.0, 700.0, 709.0, 710.0, 1e4,
                 *(float(np.log(2.0**k - 0.5)) for k in range(2, 21))]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("vectorised_log1p", [True, False], ids=["log1p", "goldberg"])
@pytest.mark.parametrize("label", [0, 1])
def test_blocked_loss_and_gradient_of_one_sample_to_a_few_ulp(monkeypatch, dtype,
                                                             vectorised_log1p, label):
    """J = softplus(t) and dJ/dtheta = x (sigma(z) - y) of a single sample, whichever way
    _fast_terms forms softplus (numpy's log1p where it is SIMD code, Goldberg's
    log u - delta/u elsewhere: forced here either way), against mpmath, to 4 ulp of dtype."""
    monkeypatch.setattr(objective, "_vectorised_log1p", lambda char: vectorised_log1p)
    sign = 1 - 2 * label
    for z in np.array(KERNEL_LOGITS, dtype):
        X, theta = np.ones((1, 1), dtype), np.array([z], dtype)  # X @ theta = z exactly
        with np.errstate(**RAISE):
            J, g = lb.loss_and_gradient(theta, X, [label])
        assert g.dtype == dtype
        t = sign * z
        assert ulps_from(J, exact_softplus(t), dtype) <= 4, (z, J)
        assert ulps_from(g[0], sign * exact_sigmoid(t), dtype) <= 4, (z, g)


@pytest.mark.parametrize("l2", [0.0, 0.5])
def test_hessian_where_the_logits_overflow_is_its_limit(l2):
    """X @ theta = +-inf: every weight sigma'(z) is exactly 0, so the Hessian is the penalty's
    diag(0, l2), though J (inf) and here the gradient (X^T r = 2e308) are not finite."""
    X, y = np.full((3, 2), 1e308), [0, 0, 1]
    H = lb.hessian(np.ones(2), X, y, l2)
    np.testing.assert_array_equal(H, np.diag([0.0, l2]))
    with pytest.raises(ValueError, match="X @ theta overflows"):
        lb.gradient(np.ones(2), X, y, l2)


@pytest.mark.parametrize(("X", "theta", "match"), [
    (np.full((3, 2), 1e308), np.ones(2), "X @ theta overflows"),
    (np.array([[np.inf, 1.0], [1.0, 1.0]]), np.array([0.0, 1.0]), "X contains NaN or inf"),
])
def test_predict_proba_names_a_non_finite_logit_without_a_floating_point_warning(X, theta,
                                                                                match):
    """X @ theta overflowing, or inf * 0 in it (NaN): a ValueError that says which, and no
    RuntimeWarning from numpy before it (every warning is an error in this test suite)."""
    with pytest.raises(ValueError, match=match):
        lb.predict_proba(theta, X)


@pytest.mark.parametrize("fn", [lb.per_sample_loss, lb.residual])
def test_per_sample_float32_stays_float32(fn):
    z = np.array([-3.0, 0.5, 20.0], np.float32)
    out = fn(z, [1, 0, 1])
    assert out.dtype == np.float32
    exact = ([exact_softplus(-z[0]), exact_softplus(z[1]), exact_softplus(-z[2])]
             if fn is lb.per_sample_loss else
             [exact_sigmoid(z[0]) - 1, exact_sigmoid(z[1]), exact_sigmoid(z[2]) - 1])
    for value, reference in zip(out, exact, strict=True):
        assert ulps_from(value, reference, np.float32) <= 4


@pytest.mark.parametrize("fn", [lb.per_sample_loss, lb.residual])
@pytest.mark.parametrize("y", [np.array([1]), np.array([0, 1]), [1], 0.5])
def test_scalar_logit_needs_a_single_label(fn, y):
    with pytest.raises(ValueError, match="for a scalar z, y must be a single label 0 or 1"):
        fn(2.0, y)


def test_largest_margin_beyond_exp_overflow():
    """evaluate's max_i t_i (newton's separation test), t = (1 - 2y) z, where some t > 709.78
    sends the pass to _terms: the margin of t, not of z."""
    X = np.array([[1.0, 800.0], [1.0, -900.0]])
    theta, y = np.array([0.0, 1.0]), np.array([True, True])
    *_, max_t = objective.evaluate(theta, X, y, 0.0, want_margin=True)
    assert max_t == 900.0  # t = -z for y = 1: (-800, 900)


def test_loss_finite_where_the_gradient_overflows():
    """z = 1e308 - 1e308 = 0 in every row: J = log 2 exactly, while X^T r = 4 (1e308 / 2)
    overflows; the loss alone does not need the gradient, so it is returned."""
    X, y = np.tile([1e308, -1e308], (4, 1)), [0, 0, 0, 0]
    assert lb.loss(np.ones(2), X, y) == pytest.approx(np.log(2), rel=1e-15)
    with pytest.raises(ValueError, match="X @ theta overflows"):
        lb.gradient(np.ones(2), X, y)


def test_gradient_saturates_where_the_loss_overflows():
    """z = +inf in every row: sigma(z) - y is exactly 1 for y = 0 and 0 for y = 1, so the
    gradient is X^T r / m = 1e308 / 3 per column, though J is infinite."""
    X, y = np.full((3, 2), 1e308), [0, 1, 1]
    np.testing.assert_array_equal(lb.gradient(np.ones(2), X, y), np.full(2, 1e308 / 3))
    with pytest.raises(ValueError, match="X @ theta overflows"):
        lb.loss(np.ones(2), X, y)


def textbook_gradient(theta, X, y, l2=0.0):
    """X^T (p - y) / m + l2 [0, theta_1:], for moderate logits only."""
    p = 1 / (1 + np.exp(-(X @ theta)))
    return X.T @ (p - np.asarray(y, float)) / len(X) + l2 * np.r_[0.0, theta[1:]]


def textbook_hessian(theta, X, l2=0.0):
    """X^T diag(p (1 - p)) X / m + l2 diag(0, 1, ..., 1), for moderate logits only."""
    p = 1 / (1 + np.exp(-(X @ theta)))
    return (X.T * (p * (1 - p))) @ X / len(X) + l2 * np.diag(np.r_[0.0, np.ones(theta.size - 1)])


@pytest.mark.parametrize("l2", [0.0, 1.0])
def test_dask_x_chunked_by_rows_gives_the_textbook_values(l2):
    """A Dask X and y (the map-reduce of lossbook._dask): J, its gradient and Hessian are the
    textbook formulas' (in memory, numpy), and come back as numpy values, not Dask arrays."""
    da = pytest.importorskip("dask.array")
    dask = pytest.importorskip("dask")
    rng = np.random.default_rng(11)
    X = lb.add_intercept(rng.standard_normal((700, 3)))
    theta, y = 0.5 * rng.standard_normal(4), rng.random(700) < 0.5
    Xd, yd = da.from_array(X, chunks=(128, 4)), da.from_array(y, chunks=128)
    with dask.config.set(scheduler="synchronous"):
        J, g = lb.loss_and_gradient(theta, Xd, yd, l2)
        H = lb.hessian(theta, Xd, yd, l2)
    g_ref, H_ref = textbook_gradient(theta, X, y, l2), textbook_hessian(theta, X, l2)
    assert type(J) is float and J == pytest.approx(naive_loss(theta, X, y, l2), rel=1e-12)
    assert type(g) is np.ndarray and type(H) is np.ndarray
    np.testing.assert_allclose(g, g_ref, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(H, H_ref, rtol=1e-10, atol=1e-15)


def test_penalty_overflow_is_named():
    """theta[1] = 1e200 with X's column 1 all zeros: X @ theta is finite, but (l2/2) theta_1^2
    = 5e399 is not; the error says so (and numpy warns nothing first)."""
    X = np.array([[1.0, 0.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match=r"^the penalty \(l2/2\)\|theta\[1:\]\|\^2 overflows: "
                                         r"theta is too large$"):
        lb.loss(np.array([0.0, 1e200]), X, [0, 1], l2=1.0)


def test_gradient_and_hessian_do_not_need_the_penalty_value():
    """Where (l2/2) theta_1^2 overflows but l2 theta_1 does not, the gradient and Hessian are
    returned (the penalty's value is not part of them). By hand, for X = [[1, 0], [1, 0]] and
    y = [0, 1]: z = 0, so the data's gradient is ((1/2 - 0) + (1/2 - 1))/2 = 0 and its Hessian
    sigma'(0) = 1/4 in the intercept's entry; the penalty adds l2 theta_1 and l2."""
    X = np.array([[1.0, 0.0], [1.0, 0.0]])
    theta = np.array([0.0, 1e200])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = lb.gradient(theta, X, [0, 1], l2=1.0)
        H = lb.hessian(theta, X, [0, 1], l2=1.0)
    np.testing.assert_array_equal(g, [0.0, 1e200])
    np.testing.assert_array_equal(H, [[0.25, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"^the penalty "):
        lb.loss_and_gradient(theta, X, [0, 1], l2=1.0)


def test_no_penalty_is_zero_however_large_theta():
    """l2 = 0: the penalty is 0, not 0 x inf, where (1/2) theta_1^2 would overflow."""
    X = np.array([[1.0, 0.0], [1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        J, g = lb.loss_and_gradient(np.array([0.0, 1e200]), X, [0, 1])
    assert J == pytest.approx(np.log(2), rel=1e-15)
    np.testing.assert_array_equal(g, [0.0, 0.0])


def test_the_loss_does_not_need_the_gradient():
    """l2 = 1.5e308 and theta_1 = 1.3 (X's column 1 zero): the penalty (l2/2) theta_1^2 =
    1.27e308 is finite, its gradient l2 theta_1 = 1.95e308 is not. The loss is returned; the
    gradient is an error."""
    X = np.array([[1.0, 0.0], [1.0, 0.0]])
    theta = np.array([0.0, 1.3])
    J = lb.loss(theta, X, [0, 1], l2=1.5e308)
    assert J == pytest.approx(np.log(2) + 0.75e308 * 1.3**2, rel=1e-15)
    with pytest.raises(ValueError, match=r"^the penalty's gradient"):
        lb.loss_and_gradient(theta, X, [0, 1], l2=1.5e308)


def test_penalty_gradient_overflow_is_named():
    """l2 = 1e300 and theta_1 = 1e10: l2 theta_1 = 1e310 is past float64; an error, not inf."""
    X = np.array([[1.0, 0.0], [1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"^the penalty's gradient l2 \* theta\[1:\] "
                                             r"overflows: l2 or theta is too large$"):
            lb.gradient(np.array([0.0, 1e10]), X, [0, 1], l2=1e300)


def test_newton_from_a_start_beyond_exp_overflow_reaches_scikit_learns_minimum():
    """A start where one sample (x_1 = 100, y = 0) has t = 800 > 709.78: the first pass,
    Hessian included, falls back to _terms; Newton still reaches the penalised minimum
    scikit-learn finds."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(5)
    X = lb.add_intercept(np.r_[rng.standard_normal((60, 2)), [[100.0, 0.0]]])
    y = np.r_[rng.random(60) < lb.sigmoid(X[:60] @ [0.3, 1.0, -1.0]), False]
    theta0 = np.array([0.0, 8.0, 0.0])
    assert ((1 - 2 * y) * (X @ theta0)).max() == 800.0
    l2 = 0.1
    result = lb.newton(X, y, l2=l2, theta0=theta0)
    sk = LogisticRegression(C=1 / (len(X) * l2), tol=1e-12, max_iter=10_000).fit(X[:, 1:], y)
    assert result.converged
    np.testing.assert_allclose(result.theta, np.r_[sk.intercept_, sk.coef_[0]], rtol=1e-6)


def test_loss_and_gradient_where_only_the_hessian_would_overflow():
    """X of scale 1e200 and theta of 1e-200: the logits, J and the gradient are finite, the
    Hessian (x x^T = 1e400) is not, and loss_and_gradient does not form it."""
    X = np.array([[1e200, 0.0], [-1e200, 1.0], [1e200, 1.0]])
    theta, y = np.array([1e-200, 0.5]), [1, 0, 0]
    J, g = lb.loss_and_gradient(theta, X, y)
    assert J == pytest.approx(naive_loss(theta, X, y), rel=1e-12)
    np.testing.assert_allclose(g, textbook_gradient(theta, X, y), rtol=1e-12)
    with pytest.raises(ValueError, match="X @ theta overflows"):
        lb.hessian(theta, X, y)
