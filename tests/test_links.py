"""lossbook.links: the probit model and Poisson regression, against SciPy, mpmath and
finite differences."""

import warnings

import mpmath
import numpy as np
import pytest
from scipy import special, stats

import lossbook as lb
from lossbook import links

EPS = np.finfo(float).eps


def ulps(got, want):
    got, want = np.asarray(got, float), np.asarray(want, float)
    return np.abs(got - want) / np.abs(want) / EPS


def mp_log_ndtr(z):
    with mpmath.workdps(400):
        return float(mpmath.log(mpmath.ncdf(mpmath.mpf(float(z)))))


def mp_mills(z):
    with mpmath.workdps(400):
        z = mpmath.mpf(float(z))
        return float(mpmath.npdf(z) / mpmath.ncdf(z))


def mp_curvature(t):
    with mpmath.workdps(400):
        t = mpmath.mpf(float(t))
        r = mpmath.npdf(t) / mpmath.ncdf(t)
        return float(r * (t + r))


GRID = np.concatenate([
    [-1e6, -1e4, -1000.0, -40.0, -30.000001, -30.0, -29.999999, -10.0, -5.0, -1.0, -1e-8,
     0.0, 1e-8, 1.0, 5.0, 10.0, 27.4, 30.0, 37.0],
    np.random.default_rng(3).uniform(-60, 37, 200),
])


def test_log_ndtr_few_ulps_everywhere_against_mpmath():
    want = np.array([mp_log_ndtr(z) for z in GRID])
    assert ulps(links.log_ndtr(GRID), want).max() <= 4


def test_log_ndtr_agrees_with_scipy():
    z = np.linspace(-1e4, 30, 20001)
    np.testing.assert_allclose(links.log_ndtr(z), special.log_ndtr(z), rtol=1e-12)


def test_log_ndtr_is_finite_where_the_naive_log_is_not():
    z = np.array([-1e300, -1e150, -40.0])
    with np.errstate(divide="ignore"):
        assert np.isneginf(np.log(links.norm_cdf(z))).all()
    out = links.log_ndtr(z)
    assert np.isfinite(out[1:]).all()
    assert out[0] == -np.inf or np.isfinite(out[0])  # z^2 overflows at 1e300: -inf is the limit
    np.testing.assert_allclose(out[1:], special.log_ndtr(z[1:]), rtol=1e-14)


def test_norm_cdf_and_mills_ratio_few_ulps():
    want_cdf = np.array([float(mpmath.ncdf(mpmath.mpf(z))) for z in GRID])
    ok = want_cdf > 1e-300
    assert ulps(links.norm_cdf(GRID)[ok], want_cdf[ok]).max() <= 4
    want = np.array([mp_mills(z) for z in GRID])
    ok = want > 1e-300
    assert ulps(links.mills_ratio(GRID)[ok], want[ok]).max() <= 6


def test_curvature_weight_against_mpmath():
    t = GRID[GRID > -1e4]
    want = np.array([mp_curvature(v) for v in t])
    ok = want > 1e-300
    got = links._curvature(t)
    assert np.all(got > 0)
    np.testing.assert_allclose(got[ok], want[ok], rtol=1e-13)
    tail = ok & (t < -10)
    assert ulps(got[tail], want[tail]).max() <= 4


def test_scalars_give_scalars_and_no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            assert float(links.norm_cdf(0.0)) == 0.5
            assert float(links.log_ndtr(-1e4)) == pytest.approx(special.log_ndtr(-1e4))
            assert np.ndim(links.mills_ratio(3.0)) == 0
            links.log_ndtr(GRID)
            links.mills_ratio(GRID)
            links._curvature(GRID)


@pytest.fixture
def binary():
    rng = np.random.default_rng(11)
    X = lb.add_intercept(rng.standard_normal((60, 2)))
    theta = np.array([0.3, 1.4, -0.8])
    y = rng.random(60) < stats.norm.cdf(X @ theta)
    return theta, X, y


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_probit_loss_is_the_negative_mean_log_likelihood(binary, l2):
    theta, X, y = binary
    z = X @ theta
    want = -np.mean(np.where(y, stats.norm.logcdf(z), stats.norm.logsf(z)))
    want += 0.5 * l2 * theta[1:] @ theta[1:]
    assert links.probit_loss(theta, X, y, l2) == pytest.approx(want, rel=1e-13)


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_probit_gradient_and_hessian_by_finite_differences(binary, l2):
    theta, X, y = binary
    g = links.probit_gradient(theta, X, y, l2)
    num = lb.numerical_gradient(lambda t: links.probit_loss(t, X, y, l2), theta)
    assert lb.relative_error(g, num) < 1e-8
    H = links.probit_hessian(theta, X, y, l2)
    num_H = np.array([
        lb.numerical_gradient(lambda t, i=i: links.probit_gradient(t, X, y, l2)[i], theta)
        for i in range(3)
    ])
    assert lb.relative_error(H, num_H) < 1e-7
    np.testing.assert_allclose(H, H.T)
    assert np.linalg.eigvalsh(H).min() > 0


def test_probit_residual_keeps_its_weight(binary):
    theta, X, y = binary
    z = X @ theta
    Phi, phi = stats.norm.cdf(z), stats.norm.pdf(z)
    r = phi / (Phi * (1 - Phi)) * (Phi - y)
    np.testing.assert_allclose(links.probit_gradient(theta, X, y), X.T @ r / len(y), rtol=1e-12)


def test_probit_hessian_depends_on_y(binary):
    theta, X, y = binary
    assert not np.allclose(links.probit_hessian(theta, X, y), links.probit_hessian(theta, X, ~y))


def test_probit_in_the_tails_is_finite_and_accurate():
    X = np.array([[1.0, 1.0], [1.0, -1.0]])
    theta = np.array([0.0, 5000.0])  # z = +-5000: both samples confidently wrong
    y = np.array([0, 1])
    J = links.probit_loss(theta, X, y)
    assert J == pytest.approx(-special.log_ndtr(-5000.0), rel=1e-15)
    g = links.probit_gradient(theta, X, y)
    np.testing.assert_allclose(g, [0.0, mp_mills(-5000.0)], rtol=1e-14, atol=1e-300)
    assert np.isfinite(links.probit_hessian(theta, X, y)).all()


def test_poisson_gradient_and_hessian(binary):
    _, X, _ = binary
    rng = np.random.default_rng(5)
    theta = np.array([0.2, 0.5, -0.3])
    y = rng.poisson(np.exp(X @ theta))
    t = np.array([0.1, 0.2, 0.1])
    mu = np.exp(X @ t)
    want = np.mean(mu - y * (X @ t)) + 0.5 * 0.2 * t[1:] @ t[1:]
    assert links.poisson_loss(t, X, y, 0.2) == pytest.approx(want, rel=1e-14)
    # the full negative log-likelihood differs by a constant only
    nll = -np.mean(stats.poisson.logpmf(y, mu)) + 0.5 * 0.2 * t[1:] @ t[1:]
    assert nll - links.poisson_loss(t, X, y, 0.2) == pytest.approx(
        np.mean(special.gammaln(y + 1)), rel=1e-12)
    g = links.poisson_gradient(t, X, y, 0.2)
    np.testing.assert_allclose(g, X.T @ (mu - y) / len(y) + 0.2 * np.r_[0, t[1:]], rtol=1e-13)
    num = lb.numerical_gradient(lambda s: links.poisson_loss(s, X, y, 0.2), t)
    assert lb.relative_error(g, num) < 1e-8
    H = links.poisson_hessian(t, X, y, 0.2)
    num_H = np.array([
        lb.numerical_gradient(lambda s, i=i: links.poisson_gradient(s, X, y, 0.2)[i], t)
        for i in range(3)
    ])
    assert lb.relative_error(H, num_H) < 1e-7
    np.testing.assert_array_equal(H, links.poisson_hessian(t, X, 2 * y, 0.2))  # y-free


def test_validation_names_the_problem(binary):
    theta, X, y = binary
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        links.probit_loss(theta, X, np.where(y, 2, 0))
    with pytest.raises(ValueError, match="whole numbers >= 0"):
        links.poisson_loss(theta, X, np.full(60, 1.5))
    with pytest.raises(ValueError, match="whole numbers >= 0"):
        links.poisson_gradient(theta, X, -np.ones(60))
    with pytest.raises(ValueError, match="theta has size 2"):
        links.probit_gradient(theta[:2], X, y)
    with pytest.raises(ValueError, match="one label per sample"):
        links.probit_loss(theta, X, y[:5])
    with pytest.raises(ValueError, match="l2 must be"):
        links.probit_loss(theta, X, y, l2=-1.0)
    with pytest.raises(ValueError, match="overflows"):
        links.poisson_loss(np.array([800.0, 0.0, 0.0]), X, np.zeros(60))


def test_inputs_are_not_modified(binary):
    theta, X, y = binary
    copies = theta.copy(), X.copy(), y.copy()
    for f in (links.probit_loss, links.probit_gradient, links.probit_hessian):
        f(theta, X, y, 0.1)
    for f in (links.poisson_loss, links.poisson_gradient, links.poisson_hessian):
        f(theta, X, y.astype(int), 0.1)
    for a, c in zip((theta, X, y), copies, strict=True):
        np.testing.assert_array_equal(a, c)


def test_import_needs_no_scipy():
    import subprocess
    import sys

    code = ("import sys; sys.modules['scipy'] = None; import lossbook.links as L; "
            "print(float(L.log_ndtr(-40.0)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(out.stdout) == pytest.approx(special.log_ndtr(-40.0), rel=1e-15)


def test_poisson_defaults_to_no_penalty():
    """l2 defaults to 0: the loss and gradient at a θ with non-zero slopes are the plain
    Poisson ones (closed forms), with nothing added for θ[1:]."""
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    theta = np.array([0.1, 0.5])
    y = np.array([0, 2, 5])
    z = X @ theta
    mu = np.exp(z)
    assert links.poisson_loss(theta, X, y) == pytest.approx(np.mean(mu - y * z), rel=1e-14)
    np.testing.assert_allclose(links.poisson_gradient(theta, X, y), X.T @ (mu - y) / 3,
                               rtol=1e-14)
    np.testing.assert_allclose(links.poisson_hessian(theta, X, y),
                               X.T @ (mu[:, None] * X) / 3, rtol=1e-14)


@pytest.mark.parametrize("f", [links.poisson_gradient, links.poisson_hessian])
def test_poisson_derivatives_say_when_exp_overflows(f):
    """exp(z) overflows at z = 800 (> log(max float) = 709.8): a ValueError naming it."""
    X = np.ones((2, 1))
    with pytest.raises(ValueError, match="overflows"):
        f(np.array([800.0]), X, [0, 1])


def test_poisson_counts_are_checked_and_named():
    """Bool counts are 0/1; a column of counts (m, 1) is not silently broadcast against the
    m logits into an (m, m) table; a y of strings is rejected naming y."""
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    theta = np.array([0.1, 0.5])
    z = X @ theta
    want = np.mean(np.exp(z) - np.array([1.0, 0.0, 1.0]) * z)
    assert links.poisson_loss(theta, X, np.array([True, False, True])) == pytest.approx(
        want, rel=1e-14)
    with pytest.raises(ValueError, match=r"one count per sample \(3\), got shape \(3, 1\)"):
        links.poisson_loss(theta, X, np.array([[1], [0], [2]]))
    with pytest.raises(TypeError, match=r"^y must hold real numbers"):
        links.poisson_gradient(theta, X, np.array(["1", "0", "2"]))


def test_probit_label_error_quotes_the_offending_labels():
    X = np.ones((4, 1))
    with pytest.raises(ValueError, match=r"labels must be 0 or 1; y holds e\.g\. \[2\]$"):
        links.probit_loss(np.zeros(1), X, [0, 1, 2, 0])
    with pytest.raises(TypeError, match=r"^y must hold real numbers"):
        links.probit_loss(np.zeros(1), X, np.array(["0", "1", "1", "0"]))


@pytest.mark.parametrize("f", [links.probit_loss, links.probit_gradient, links.probit_hessian,
                               links.poisson_loss, links.poisson_gradient,
                               links.poisson_hessian])
@pytest.mark.parametrize("theta", [[0.0, 1e300], [1e300, -1e300]])
def test_overflowing_logits_raise_a_clear_error_and_no_warning(f, theta):
    """X @ θ overflows to +inf (1e300 * 1e300) or -inf (1e300 - inf): one ValueError saying
    so, not numpy's RuntimeWarning first."""
    X = np.array([[1.0, 1e300], [1.0, 1e300]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="overflows"):
            f(np.array(theta), X, [0, 1])


def test_float32_inputs_give_the_float64_answer():
    """float32 X and θ: z = Xθ is taken to float64 before exp (exp(100) overflows float32),
    and the penalty's gradient l2 θ is computed in float64; the answers are those of the
    same (exactly representable) numbers in float64, computed by hand."""
    X32 = np.array([[1.0, 0.0], [1.0, 1.0]], np.float32)
    t32 = np.array([0.5, 100.0], np.float32)
    X, t = X32.astype(np.float64), t32.astype(np.float64)
    z = X @ t
    y = np.array([0, 1])
    assert links.poisson_loss(t32, X32, y) == pytest.approx(np.mean(np.exp(z) - y * z),
                                                            rel=1e-14)
    tp = np.array([0.5, 0.3], np.float32)  # 0.3 is not a float32: l2 * θ rounds if in float32
    zp = X @ tp.astype(np.float64)
    s = np.where(y == 1, 1.0, -1.0)
    r = -s * stats.norm.pdf(zp) / stats.norm.cdf(s * zp)
    want = X.T @ r / 2 + 0.37 * np.r_[0.0, np.float64(tp[1])]
    np.testing.assert_allclose(links.probit_gradient(tp, X32, y, 0.37), want, rtol=1e-13)


def test_norm_cdf_in_the_tails_raises_nothing_under_strict_errstate():
    """Q(z) underflows (erfc, exp) beyond |z| = 38.5: norm_cdf gives 0 and 1 there without a
    FloatingPointError even when the caller turns every floating-point warning into one."""
    z = np.array([-1e6, -41.0, -40.0, -39.0, -38.0, 38.0, 39.0, 40.0, 41.0, 1e6])
    with np.errstate(all="raise"):
        got = links.norm_cdf(z)
    want = np.array([float(mpmath.ncdf(mpmath.mpf(v))) for v in z])
    np.testing.assert_allclose(got, want, rtol=4 * EPS, atol=0)


def test_mills_ratio_far_in_the_tail_raises_nothing_under_strict_errstate():
    """ρ(z) → -z as z → -∞; at z = -1e200, z² overflows (so 1/z² is 0) inside the
    series, silently: ρ is 1e200 (to rounding), with no FloatingPointError."""
    z = np.array([-1e200, -1e300])
    with np.errstate(all="raise"):
        got = links.mills_ratio(z)
    np.testing.assert_allclose(got, -z, rtol=2 * EPS)


def test_mills_ratio_beyond_40_is_zero():
    """ρ(z) = φ(z)/Φ(z): φ(41) = 1e-365 underflows, so ρ is 0 for z > 40 (mpmath agrees
    after rounding to float64), never φ taken as 1 or left undefined."""
    z = np.array([40.5, 41.0, 100.0, 1e6])
    want = np.array([mp_mills(v) for v in z])
    np.testing.assert_array_equal(want, 0.0)
    np.testing.assert_array_equal(links.mills_ratio(z), want)
    assert links.probit_gradient(np.array([0.0, 1.0]), np.array([[1.0, 50.0]]), [1])[1] == 0.0


@pytest.mark.parametrize("f", [links.norm_cdf, links.log_ndtr, links.mills_ratio])
def test_a_scalar_gives_a_numpy_scalar_not_a_0d_array(f):
    assert type(f(0.5)) is np.float64
    assert f(np.array([0.5])).shape == (1,)
