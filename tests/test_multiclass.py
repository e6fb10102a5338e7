"""lossbook.multiclass: softmax regression against mpmath, SciPy, scikit-learn and finite
differences."""

import re
import warnings

import mpmath
import numpy as np
import pytest
from scipy import special
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from test_mutation_kills import assert_points_at_the_caller

import lossbook as lb
from lossbook import multiclass as mc
from lossbook import objective

EPS = np.finfo(float).eps


def mp_log_softmax(z):
    with mpmath.workdps(350):  # enough for results down to 1e-300 with logits of 1e4
        zs = [mpmath.mpf(float(v)) for v in z]
        lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in zs))
        return np.array([float(v - lse) for v in zs])


def mp_softmax(z):
    with mpmath.workdps(350):
        zs = [mpmath.mpf(float(v)) for v in z]
        lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in zs))
        return np.array([float(mpmath.exp(v - lse)) for v in zs])


def logit_rows():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((60, 4)) * np.array([1.0, 30.0, 1e3, 1e4])
    extra = np.array([
        [50.0, 0.0, -1e4, 0.0], [1e4, -1e4, 0.0, 1.0], [36.0, 0.0, 0.0, 0.0],
        [1e-3, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [-1e4, -1e4, -1e4, -1e4 + 1e-12 * 1e4],
        [745.0, 0.0, -745.0, 1.0],
    ])
    return np.vstack([Z, extra])


def test_log_softmax_few_ulps_against_mpmath():
    Z = logit_rows()
    got = mc.log_softmax(Z)
    want = np.array([mp_log_softmax(z) for z in Z])
    ok = np.abs(want) > 1e-300  # below, subnormal results cannot keep relative accuracy
    err = np.abs(got[ok] - want[ok]) / np.abs(want[ok]) / EPS
    assert err.max() <= 4
    np.testing.assert_array_equal(got[~ok] <= 0, True)


def test_softmax_few_ulps_against_mpmath():
    Z = logit_rows()
    want = np.array([mp_softmax(z) for z in Z])
    got = mc.softmax(Z)
    ok = want > 1e-300
    assert (np.abs(got[ok] - want[ok]) / want[ok] / EPS).max() <= 4
    np.testing.assert_allclose(got.sum(axis=-1), 1.0, rtol=4 * EPS)


def test_agrees_with_scipy_and_any_shape():
    Z = np.random.default_rng(1).standard_normal((3, 5, 4)) * 100
    # scipy rounds a log-probability of -2.6e-21 to 0: compare with an absolute margin
    np.testing.assert_allclose(mc.log_softmax(Z), special.log_softmax(Z, axis=-1), rtol=1e-13,
                               atol=1e-15)
    np.testing.assert_allclose(mc.softmax(Z), special.softmax(Z, axis=-1), rtol=1e-13,
                               atol=1e-300)
    assert mc.softmax(np.array([1, 2])).dtype == np.float64  # ints become floats


def test_no_warning_for_huge_logits():
    Z = np.array([[1e4, -1e4, 0.0], [-1e308, 1e308, 0.0], [800.0, 800.0, -800.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            P = mc.softmax(Z)
            L = mc.log_softmax(Z)
    np.testing.assert_array_equal(P[2], [0.5, 0.5, 0.0])
    assert np.isfinite(L[:1]).all() and np.isfinite(L[2]).all()


@pytest.fixture
def problem():
    rng = np.random.default_rng(4)
    X = lb.add_intercept(rng.standard_normal((40, 3)))
    y = rng.integers(0, 3, 40)
    Theta = rng.standard_normal((4, 3))
    return Theta, X, y


@pytest.mark.parametrize("l2", [0.0, 0.4])
def test_loss_is_the_negative_mean_log_likelihood(problem, l2):
    Theta, X, y = problem
    logp = special.log_softmax(X @ Theta, axis=1)
    want = -np.mean(logp[np.arange(40), y]) + 0.5 * l2 * np.sum(Theta[1:] ** 2)
    assert mc.loss(Theta, X, y, l2) == pytest.approx(want, rel=1e-14)
    assert mc.loss(Theta.ravel(), X, y, l2) == mc.loss(Theta, X, y, l2)


@pytest.mark.parametrize("l2", [0.0, 0.4])
def test_gradient_formula_and_finite_differences(problem, l2):
    Theta, X, y = problem
    P = special.softmax(X @ Theta, axis=1)
    Y = np.eye(3)[y]
    want = X.T @ (P - Y) / 40
    want[1:] += l2 * Theta[1:]
    g = mc.gradient(Theta, X, y, l2)
    assert g.shape == (4, 3)
    np.testing.assert_allclose(g, want, rtol=1e-12, atol=1e-15)
    num = lb.numerical_gradient(lambda t: mc.loss(t, X, y, l2), Theta.ravel())
    assert lb.relative_error(mc.gradient(Theta.ravel(), X, y, l2), num) < 1e-8
    J, g2 = mc.loss_and_gradient(Theta.ravel(), X, y, l2)
    assert g2.shape == (12,) and J == mc.loss(Theta, X, y, l2)
    np.testing.assert_array_equal(g2, g.ravel())


def test_hessian_by_finite_differences_psd_and_singular(problem):
    Theta, X, y = problem
    H = mc.hessian(Theta, X, y)
    num = np.array([
        lb.numerical_gradient(lambda t, i=i: mc.gradient(t, X, y).ravel()[i], Theta.ravel())
        for i in range(12)
    ])
    assert lb.relative_error(H, num) < 1e-7
    ev = np.linalg.eigvalsh(H)
    assert ev.min() > -1e-12 * ev.max()
    # adding v to every column: one null direction per row of Theta
    for j in range(4):
        v = np.zeros((4, 3))
        v[j] = 1.0
        assert np.abs(H @ v.ravel()).max() < 1e-12
    assert np.sum(ev < 1e-10 * ev.max()) == 4
    Hp = mc.hessian(Theta, X, y, l2=0.5)
    ev = np.linalg.eigvalsh(Hp)
    assert np.sum(ev < 1e-10 * ev.max()) == 1  # the unpenalised intercepts' direction


def test_identifiability(problem):
    Theta, X, y = problem
    shift = np.array([[2.0], [-1.0], [0.5], [3.0]]) @ np.ones((1, 3))
    assert mc.loss(Theta + shift, X, y) == pytest.approx(mc.loss(Theta, X, y), rel=1e-13)
    np.testing.assert_allclose(mc.predict_proba(Theta + shift, X), mc.predict_proba(Theta, X),
                               rtol=1e-12)


def test_two_classes_is_logistic_regression(problem):
    _, X, _ = problem
    rng = np.random.default_rng(9)
    y = rng.integers(0, 2, 40)
    Theta = rng.standard_normal((4, 2))
    theta = Theta[:, 1] - Theta[:, 0]
    assert mc.loss(Theta, X, y) == pytest.approx(lb.loss(theta, X, y), rel=1e-13)
    g = mc.gradient(Theta, X, y)
    np.testing.assert_allclose(g[:, 1], lb.gradient(theta, X, y), rtol=1e-12)
    np.testing.assert_allclose(g[:, 0], -g[:, 1], rtol=1e-12)
    fit = mc.fit(X, y, l2=0.2)
    ref = lb.newton(X, y, l2=0.1).theta  # theta = 2 b and the penalty l2 |b|^2 = (l2/4)|theta|^2
    np.testing.assert_allclose(fit.theta[:, 1] - fit.theta[:, 0], ref, rtol=1e-8)


def test_accurate_for_confident_logits():
    X = np.array([[1.0, 1.0], [1.0, -1.0]])
    Theta = np.array([[0.0, 0.0, 0.0], [5000.0, 0.0, -5000.0]])
    y = np.array([0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        J = mc.loss(Theta, X, y)
        g = mc.gradient(Theta, X, y)
    want_J = 0.5 * (-mp_log_softmax([5000.0, 0.0, -5000.0])[0]
                    - mp_log_softmax([-5000.0, 0.0, 5000.0])[1])
    assert J == pytest.approx(want_J, rel=1e-15)
    assert np.isfinite(g).all()
    # confidently right: tiny loss, not 0
    assert mc.loss(np.array([[0.0, 0.0], [40.0, 0.0]]), X[:1], [0]) == pytest.approx(
        np.exp(-40.0), rel=1e-14)


@pytest.mark.parametrize("method", ["newton", "gd"])
def test_fit_matches_scikit_learn_on_iris(method):
    data = load_iris()
    Xs = (data.data - data.data.mean(0)) / data.data.std(0)
    X = lb.add_intercept(Xs)
    y = data.target
    m, C = len(y), 10.0
    l2 = 1.0 / (C * m)
    res = mc.fit(X, y, l2=l2, method=method, tol=1e-9 if method == "newton" else 1e-7,
                 max_iter=None if method == "newton" else 400_000)
    assert res.converged
    sk = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(Xs, y)
    np.testing.assert_allclose(mc.predict_proba(res.theta, X), sk.predict_proba(Xs), atol=1e-6)
    np.testing.assert_allclose(res.theta.sum(axis=1)[0], 0.0, atol=1e-12)  # centred intercepts


def test_validation_names_the_problem(problem):
    Theta, X, y = problem
    with pytest.raises(ValueError, match=r"0\.\.K-1 = 0\.\.2"):
        mc.loss(Theta, X, np.where(y == 2, 3, y))
    with pytest.raises(ValueError, match=r"0\.\.K-1"):
        mc.gradient(Theta, X, np.where(y == 2, -1, y))
    with pytest.raises(TypeError, match="integer class labels"):
        mc.loss(Theta, X, y.astype(float))
    with pytest.raises(ValueError, match="K >= 2"):
        mc.loss(Theta[:, :1], X, np.zeros(40, dtype=int))
    with pytest.raises(ValueError, match="one-hot"):
        mc.loss(Theta, X, np.eye(3)[y])
    with pytest.raises(TypeError, match="bools"):
        mc.loss(Theta[:, :2], X, y == 1)
    with pytest.raises(ValueError, match="rows but X has 4 columns"):
        mc.loss(Theta[:3], X, y)
    with pytest.raises(ValueError, match="d \\* K entries"):
        mc.loss(Theta.ravel()[:10], X, y)
    with pytest.raises(ValueError, match="NaN or infinity"):
        mc.loss(Theta * np.nan, X, y)
    with pytest.raises(ValueError, match="X contains NaN"):
        Xn = X.copy()
        Xn[3, 1] = np.nan
        mc.loss(Theta, Xn, y)
    with pytest.raises(ValueError, match="labels but X has"):
        mc.loss(Theta, X, y[:5])


def test_inputs_are_not_modified_and_blocks_agree(problem):
    _, _, _ = problem
    rng = np.random.default_rng(2)
    X = lb.add_intercept(rng.standard_normal((3000, 40)))  # several blocks of rows
    y = rng.integers(0, 4, 3000)
    Theta = rng.standard_normal((41, 4)) * 0.1
    copies = X.copy(), y.copy(), Theta.copy()
    J, _ = mc.loss_and_gradient(Theta, X, y, 0.1)
    for a, c in zip((X, y, Theta), copies, strict=True):
        np.testing.assert_array_equal(a, c)
    logp = special.log_softmax(X @ Theta, axis=1)
    assert J == pytest.approx(-np.mean(logp[np.arange(3000), y])
                              + 0.05 * np.sum(Theta[1:] ** 2), rel=1e-13)
    mc.hessian(Theta[:5], X[:, :5], y)
    np.testing.assert_array_equal(Theta, copies[2])


def test_fit_warns_when_it_stops_early(problem):
    _, X, y = problem
    with pytest.warns(lb.ConvergenceWarning):
        mc.fit(X, y, method="gd", max_iter=3)
    with pytest.raises(ValueError, match="method"):
        mc.fit(X, y, method="bfgs")


def test_loss_and_gradient_default_to_no_penalty(problem):
    """l2 defaults to 0 in loss_and_gradient too: J and its gradient at a Θ with non-zero
    rows 1: are scipy's plain softmax cross-entropy and X^T(P - Y)/m."""
    Theta, X, y = problem
    logp = special.log_softmax(X @ Theta, axis=1)
    J, g = mc.loss_and_gradient(Theta, X, y)
    assert J == pytest.approx(-np.mean(logp[np.arange(40), y]), rel=1e-14)
    want = X.T @ (special.softmax(X @ Theta, axis=1) - np.eye(3)[y]) / 40
    np.testing.assert_allclose(g, want, rtol=1e-12, atol=1e-15)


def test_check_inputs_defaults_to_no_penalty(problem):
    Theta, X, y = problem
    assert mc.check_inputs(Theta.ravel(), X, y)[3:] == (0.0, (12,))


@pytest.mark.parametrize("Theta", [[[0.0, 0.0], [1e300, 0.0]], [[1e300, 0.0], [-1e300, 0.0]]])
def test_predict_proba_overflow_is_a_clear_error_and_no_warning(Theta):
    """X Θ overflows to +inf (1e300 * 1e300) or -inf (1e300 - inf): one ValueError saying so."""
    X = np.array([[1.0, 1e300]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="overflows"):
            mc.predict_proba(np.array(Theta), X)


def test_penalty_gradient_overflow_is_named():
    """l2 = 1e300 and Theta[1, 0] = 1e10: l2 Theta = 1e310 is past float64; an error, not inf
    (X's column 1 is zero, so X @ Theta is finite)."""
    X = np.array([[1.0, 0.0], [1.0, 0.0]])
    Theta = np.array([[0.0, 0.0], [1e10, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"^the penalty's gradient l2 \* Theta\[1:\] "
                                             r"overflows: l2 or Theta is too large$"):
            lb.multiclass.gradient(Theta, X, [0, 1], l2=1e300)


def test_the_loss_does_not_need_the_gradient():
    """As for two classes: (l2/2) |Theta[1:]|^2 = 1.27e308 is finite where l2 Theta = 1.95e308
    is not; the loss is returned, the gradient is an error."""
    X = np.array([[1.0, 0.0], [1.0, 0.0]])
    Theta = np.array([[0.0, 0.0], [1.3, 0.0]])
    J = lb.multiclass.loss(Theta, X, [0, 1], l2=1.5e308)
    assert J == pytest.approx(np.log(2) + 0.75e308 * 1.3**2, rel=1e-15)
    with pytest.raises(ValueError, match=r"^the penalty's gradient"):
        lb.multiclass.loss_and_gradient(Theta, X, [0, 1], l2=1.5e308)


@pytest.mark.parametrize("l2", [0.0, 0.4])
def test_fit_returns_the_centred_representative_from_any_start(problem, l2):
    """J does not change when one vector is added to every class's column (all rows without a
    penalty, the intercepts with one); from a start shifted that way, fit still returns the
    representative whose unpenalised rows sum to 0 over the classes: the one a start at 0
    reaches."""
    _, X, y = problem
    Theta0 = np.random.default_rng(9).standard_normal((4, 3))
    Theta0 += np.array([[5.0], [-3.0], [2.0], [1.0]])  # every row shifted off centre
    res = mc.fit(X, y, l2=l2, Theta0=Theta0)
    assert res.converged
    rows = slice(None) if l2 == 0 else slice(0, 1)
    np.testing.assert_allclose(res.theta[rows].sum(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(res.theta, mc.fit(X, y, l2=l2).theta, rtol=0, atol=1e-8)


def textbook_fit(X, y, K, l2, Theta0, tol, method="newton", max_iter=100):
    """fit as its docstring states it, written independently: the minimum-norm Newton step
    H^+ grad J (a least-squares solve, in place of fit's (H + N N^T) p = grad J), halved until
    Armijo's test J(Theta - t p) <= J - 1e-4 t grad J . p holds, the full step taken where
    grad J . p <= 1e-13 max(1, |J|); or gradient steps 1/L_s. Returns the path and losses."""
    m, d = X.shape
    Theta, path = Theta0, [Theta0]
    L_s = np.linalg.eigvalsh(X.T @ X / m)[-1] / 2 + l2
    J, g = mc.loss_and_gradient(Theta, X, y, l2)
    losses = [J]
    while np.linalg.norm(g) > tol and len(path) <= max_iter:
        if method == "gd":
            Theta = Theta - g / L_s
        else:
            H = mc.hessian(Theta, X, y, l2)
            p = np.linalg.lstsq(H, g.ravel(), rcond=None)[0].reshape(d, K)
            slope, t = float(np.sum(g * p)), 1.0
            if slope > 1e-13 * max(1.0, abs(J)):
                while mc.loss(Theta - t * p, X, y, l2) > J - 1e-4 * t * slope and t >= 1e-10:
                    t /= 2
            Theta = Theta - t * p
        J, g = mc.loss_and_gradient(Theta, X, y, l2)
        path.append(Theta)
        losses.append(J)
    return path, np.array(losses)


@pytest.mark.parametrize(("l2", "start"), [(0.0, 0.0), (0.4, 0.0), (0.0, 3.0), (0.4, 3.0)])
def test_newton_takes_the_textbook_steps(problem, l2, start):
    """From 0 Newton's full steps are taken; from a start 3 N(0, 1) away full steps would
    raise J and the line search halves them (down to 1/32 of the step without a penalty,
    1/2048 with one); the last steps take the full step untested. Each time fit's iterates
    are the textbook's:
    the same losses, step count and (centred) minimum, and J never rises."""
    _, X, y = problem
    Theta0 = start * np.random.default_rng(2).standard_normal((4, 3))
    path, losses = textbook_fit(X, y, 3, l2, Theta0, tol=1e-12)
    res = mc.fit(X, y, l2=l2, Theta0=Theta0, tol=1e-12)
    assert res.converged and res.n_iter == len(path) - 1
    # (the two solves agree to rounding times H's condition number, large far from the minimum)
    np.testing.assert_allclose(res.history, losses, rtol=1e-9)
    np.testing.assert_allclose(res.theta, mc._centre(path[-1], l2), rtol=0, atol=1e-10)
    assert np.all(np.diff(res.history) <= 4 * np.finfo(float).eps * res.history[1:])


def test_gradient_descent_takes_the_textbook_steps(problem):
    _, X, y = problem
    path, losses = textbook_fit(X, y, 3, 0.4, np.zeros((4, 3)), tol=0.0, method="gd",
                                max_iter=25)
    with pytest.warns(lb.ConvergenceWarning, match="^stopped after max_iter = 25 steps"):
        res = mc.fit(X, y, l2=0.4, method="gd", tol=0.0, max_iter=25)
    assert res.n_iter == 25 and len(res.history) == 26
    np.testing.assert_allclose(res.history, losses, rtol=1e-13)
    np.testing.assert_allclose(res.theta, mc._centre(path[-1], 0.4), rtol=1e-12, atol=1e-14)


def test_fit_reports_what_it_did(problem):
    """The result's fields: the message for either outcome, grad_norm the norm of the gradient
    at the returned Theta, history J at each iterate (Θ0's first), and the warning pointing at
    the caller's line."""
    _, X, y = problem
    res = mc.fit(X, y, l2=0.4)
    assert res.converged and res.message == "converged: |grad J| <= 1e-10"
    assert res.grad_norm == pytest.approx(np.linalg.norm(mc.gradient(res.theta, X, y, l2=0.4)),
                                          rel=1e-6, abs=1e-17)
    assert type(res.history) is np.ndarray and res.history.shape == (res.n_iter + 1,)
    assert res.history[0] == mc.loss(np.zeros((4, 3)), X, y, l2=0.4)
    with pytest.warns(lb.ConvergenceWarning) as caught:
        early = mc.fit(X, y, l2=0.4, max_iter=2)
    assert_points_at_the_caller(caught[0], __file__)
    assert early.n_iter == 2 and not early.converged
    assert early.message == ("stopped after max_iter = 2 steps with "
                             f"|grad J| = {early.grad_norm:.3g}")
    assert str(caught[0].message) == early.message
    np.testing.assert_allclose(early.grad_norm, np.linalg.norm(
        mc.gradient(early.theta, X, y, l2=0.4)), rtol=1e-12)


def test_fit_at_an_exact_minimum_has_converged_with_tol_0():
    """Balanced labels over x = ±1: at Θ = 0 every residual is ±1/2 and the gradient exactly 0,
    so |grad J| = 0 <= tol = 0 before any step."""
    X = lb.add_intercept(np.array([[1.0], [-1.0], [1.0], [-1.0]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = mc.fit(X, [0, 0, 1, 1], tol=0.0)
    assert res.converged and res.n_iter == 0 and res.grad_norm == 0.0


def test_max_iter_is_named_in_its_error(problem):
    _, X, y = problem
    with pytest.raises(ValueError, match=r"^max_iter must be >= 0, got -1$"):
        mc.fit(X, y, max_iter=-1)


@pytest.mark.parametrize("X_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("Theta_dtype", [np.float32, np.float64])
def test_computed_in_the_wider_of_the_inputs_dtypes(problem, X_dtype, Theta_dtype):
    """float32 only when X and Θ both are; then to float32's precision."""
    Theta, X, y = problem
    Theta, X = Theta.astype(Theta_dtype), X.astype(X_dtype)
    want = mc.gradient(Theta.astype(float), X.astype(float), y)
    g = mc.gradient(Theta, X, y)
    assert g.dtype == np.result_type(X_dtype, Theta_dtype)
    rtol = 1e-6 if g.dtype == np.float32 else 1e-14
    np.testing.assert_allclose(g, want, rtol=rtol, atol=rtol * np.abs(want).max())


def test_overflow_of_X_theta_is_an_error_and_no_warning():
    """Row 0's logits are (1e600, 0): past float64. One ValueError saying so, no warning."""
    Theta = np.array([[0.0, 0.0], [1e300, 0.0]])
    X = np.array([[1.0, 1e300], [1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for f in (mc.loss, mc.loss_and_gradient):
            with pytest.raises(ValueError, match=r"^X @ theta overflows"):
                f(Theta, X, [0, 1])


def test_label_errors_say_the_whole_problem(problem):
    Theta, X, y = problem
    one_hot = np.eye(3)[y]
    obj = y.astype(object)
    obj[3] = "a"
    for labels, error, message in [
        (one_hot, ValueError, "y has shape (40, 3): it looks one-hot (or a matrix); pass "
                              "integer class labels 0..K-1 of shape (m,), e.g. y.argmax(axis=1)"),
        (one_hot[:, :2], ValueError, "y has shape (40, 2): it looks one-hot (or a matrix); pass "
                                     "integer class labels 0..K-1 of shape (m,), e.g. "
                                     "y.argmax(axis=1)"),
        (y[:, None], ValueError, "y must be 1-D with one class label per sample, got shape "
                                 "(40, 1)"),
        (obj, TypeError, "y must hold real numbers; entry (3,) is 'a' (str), which is not "
                         "exactly a float64"),
    ]:
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            mc.loss(Theta, X, labels)


def test_blocked_sums_add_every_block(problem, monkeypatch):
    """Blocks of 7 rows (40 = 5 x 7 + 5): the same J and gradient as one block."""
    Theta, X, y = problem
    want = mc.loss_and_gradient(Theta, X, y, l2=0.3)
    monkeypatch.setattr(objective, "_MIN_BLOCK_ROWS", 7)
    monkeypatch.setattr(objective, "_BLOCK_BYTES", 7 * 4 * 8)
    assert objective._block_rows(X) == 7
    J, g = mc.loss_and_gradient(Theta, X, y, l2=0.3)
    assert J == pytest.approx(want[0], rel=1e-14)
    np.testing.assert_allclose(g, want[1], rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(mc.gradient(Theta, X, y, l2=0.3), want[1], rtol=1e-13,
                               atol=1e-16)


def test_penalty_and_non_finite_errors_are_whole_and_warn_nothing():
    """theta_1 = 1e200 where X's column 1 is 0: X Θ is finite; (l2/2) Θ_1² = 5e399 is not,
    so with l2 = 1 the loss is an error, with l2 = 0 it is log 2 (no penalty: 0, not 0 x inf).
    NaN in X is named for the gradient alone too."""
    X = np.array([[1.0, 0.0], [1.0, 0.0]])
    Theta = np.array([[0.0, 0.0], [1e200, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"^the penalty \(l2/2\)\|Theta\[1:\]\|\^2 "
                                             r"overflows: Theta is too large$"):
            mc.loss(Theta, X, [0, 1], l2=1.0)
        assert mc.loss(Theta, X, [0, 1]) == pytest.approx(np.log(2), rel=1e-15)
        X[1, 1] = np.nan
        with pytest.raises(ValueError, match=r"^X contains NaN or infinity$"):
            mc.gradient(np.zeros((2, 2)), X, [0, 1])


def _objects(shape, where, value):
    a = np.zeros(shape).astype(object)
    a[where] = value
    return a


def _labels_out_of_range():
    y = np.random.default_rng(4).integers(0, 3, 40)
    y[:6] = [0, 3, -1, 1, 5, 7]  # out of 0..2: 3, -1, 5, 7, in that order
    return y


@pytest.mark.parametrize(("Theta", "y", "error", "message"), [
    (np.ones((4, 3), bool), None, TypeError, "Theta must hold real numbers, got dtype bool"),
    (_objects((4, 3), (0, 0), "a"), None, TypeError,
     "Theta must hold real numbers; entry (0, 0) is 'a' (str), which is not exactly a float64"),
    (np.zeros((3, 2)), None, ValueError, "Theta has 3 rows but X has 4 columns (Theta is d x K, "
                                         "one column per class; did you forget the intercept "
                                         "column?)"),
    (np.zeros(13), None, ValueError, "a flat Theta must have d * K entries (d = 4), got 13"),
    (np.zeros((4, 3, 1)), None, ValueError,
     "Theta must be (d, K) or flat (d * K,), got shape (4, 3, 1)"),
    (np.zeros((4, 1)), None, ValueError,
     "softmax regression needs K >= 2 classes, Theta has K = 1 column(s)"),
    (np.full((4, 3), np.nan), None, ValueError, "Theta contains NaN or infinity"),
    (None, _labels_out_of_range(), ValueError,
     "labels must be integers 0..K-1 = 0..2 (K = 3 columns of Theta); y holds e.g. [3, -1, 5]"),
    (None, np.zeros(40, bool), TypeError,
     "y holds bools; multiclass labels are integers 0..K-1 (use y.astype(int))"),
    (None, np.zeros(40), TypeError, "y must hold integer class labels 0..K-1, got dtype float64 "
                                    "(if they are whole numbers, use y.astype(int))"),
    (None, np.zeros((40, 1, 1), int), ValueError,
     "y must be 1-D with one class label per sample, got shape (40, 1, 1)"),
    (None, np.zeros(39, int), ValueError, "y has 39 labels but X has 40 rows"),
])
def test_theta_and_label_errors_say_the_whole_problem(problem, Theta, y, error, message):
    Theta0, X, y0 = problem
    Theta = Theta0 if Theta is None else Theta
    y = y0 if y is None else y
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        mc.loss(Theta, X, y)


@pytest.mark.parametrize(("Z", "error", "message"), [
    (np.float64(1.0), ValueError, "Z must have at least one axis (the classes, last)"),
    (np.empty((2, 0)), ValueError, "Z has no classes (its last axis is empty)"),
    (_objects(3, 1, "a"), TypeError,
     "Z must hold real numbers; entry (1,) is 'a' (str), which is not exactly a float64"),
])
def test_logit_errors_say_the_whole_problem(Z, error, message):
    for f in (mc.softmax, mc.log_softmax):
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            f(Z)


def test_integer_inputs_are_computed_as_float64_and_one_class_is_certain(problem):
    """Integer Θ and Z as the floats they hold; float32 Z stays float32; a single class has
    probability 1 (log 0); -inf logits give probability 0, with no warning."""
    Theta, X, y = problem
    whole = np.round(3 * Theta)
    assert mc.loss(whole.astype(int), X, y) == mc.loss(whole, X, y)
    np.testing.assert_array_equal(mc.softmax(np.array([0, 1, 2])),
                                  mc.softmax(np.array([0.0, 1.0, 2.0])))
    assert mc.softmax(np.array([0, 1])).dtype == np.float64
    assert mc.log_softmax(np.zeros(2, np.float32)).dtype == np.float32
    np.testing.assert_array_equal(mc.softmax(np.array([[3.0]])), [[1.0]])
    np.testing.assert_array_equal(mc.log_softmax(np.array([[3.0]])), [[0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = mc.softmax(np.array([0.0, 1.0]))
        np.testing.assert_array_equal(mc.softmax(np.array([0.0, -np.inf, 1.0])),
                                      [p[0], 0.0, p[1]])
        np.testing.assert_array_equal(mc.log_softmax(np.array([0.0, -np.inf])), [0.0, -np.inf])


def test_fit_defaults_and_argument_errors(problem, monkeypatch):
    """No penalty by default; K checked as a whole number and against the labels (also when no
    Θ0 is given); tol named; at most 100 Newton steps or 100 000 gradient steps, counted with a
    stand-in for J whose gradient never vanishes (so neither method can stop earlier)."""
    _, X, y = problem
    np.testing.assert_array_equal(mc.fit(X, y).theta, mc.fit(X, y, l2=0.0).theta)
    for K, error, message in [
        (2.5, TypeError, "K must be a whole number, got 2.5"),
        (True, TypeError, "K must be a whole number, got True"),
        (2, ValueError, "labels must be integers 0..K-1 = 0..1 (K = 2 columns of Theta); y holds "
                        "e.g. [2, 2, 2]"),
    ]:
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            mc.fit(X, y, K=K)
    with pytest.raises(ValueError, match=r"^tol must be a finite number >= 0, got -1\.0$"):
        mc.fit(X, y, tol=-1)
    monkeypatch.setattr(mc, "evaluate", lambda Theta, X, y, l2, **_: (1.0, np.ones_like(Theta)))
    for method, steps in [("newton", 100), ("gd", 100_000)]:
        with pytest.warns(lb.ConvergenceWarning, match=f"^stopped after max_iter = {steps} "):
            assert mc.fit(X, y, method=method).n_iter == steps
