"""newton: converges to the minimum (against SciPy), stops safely where none exists."""

import itertools
import time
import warnings

import numpy as np
import pytest
from scipy.optimize import minimize

import lossbook as lb
from lossbook import optimize


def noisy_problem(m=300, n=3, seed=0):
    """Overlapping classes: a well-defined, well-conditioned minimum."""
    rng = np.random.default_rng(seed)
    X = lb.add_intercept(rng.standard_normal((m, n)))
    y = rng.random(m) < lb.sigmoid(X @ rng.standard_normal(n + 1))
    return X, y


def badly_conditioned_problem(m=2000, n=6, seed=1):
    """Correlated features (0.99) on scales from 0.01 to 100: cond(X^T X) ~ 1e10."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal((m, 1))
    scales = np.logspace(-2, 2, n)
    F = (np.sqrt(0.99) * common + np.sqrt(0.01) * rng.standard_normal((m, n))) * scales
    beta = rng.standard_normal(n) / scales
    y = rng.random(m) < lb.sigmoid(0.3 + F @ beta)
    return lb.add_intercept(F), y


def reference(X, y, l2=0.0, method="trust-exact"):
    """SciPy's minimiser, driven by lossbook's loss, gradient (and Hessian)."""
    kwargs = {"hess": lb.hessian} if method == "trust-exact" else {}
    res = minimize(lb.loss, np.zeros(X.shape[1]), args=(X, y, l2), jac=lb.gradient,
                   method=method, options={"gtol": 1e-10, "maxiter": 10_000}, **kwargs)
    return res.x


def plain_newton(X, y, steps):
    """Full Newton steps, the Hessian at every point: the textbook iteration."""
    theta = np.zeros(X.shape[1])
    path = [theta]
    for _ in range(steps):
        theta = theta - np.linalg.solve(lb.hessian(theta, X, y), lb.gradient(theta, X, y))
        path.append(theta)
    return np.array(path)


class TestConverges:
    def test_opening_example_matches_trust_exact(self, opening):
        X, y = opening
        result = lb.newton(X, y)
        assert result.converged and result.grad_norm < 1e-10
        assert len(result.history) == result.n_iter + 1
        np.testing.assert_allclose(result.theta, reference(X, y), rtol=1e-6)

    @pytest.mark.parametrize("l2", [0.0, 0.1])
    def test_noisy_problem_matches_bfgs(self, l2):
        X, y = noisy_problem()
        result = lb.newton(X, y, l2=l2)
        assert result.converged
        np.testing.assert_allclose(result.theta, reference(X, y, l2, method="BFGS"),
                                   rtol=1e-5, atol=1e-7)

    def test_reported_gradient_norm_is_the_gradient_at_theta(self):
        X, y = noisy_problem()
        result = lb.newton(X, y, l2=0.01)
        np.testing.assert_allclose(np.linalg.norm(lb.gradient(result.theta, X, y, l2=0.01)),
                                   result.grad_norm, rtol=1e-12, atol=1e-17)

    def test_loss_never_increases(self, opening):
        X, y = opening
        assert np.all(np.diff(lb.newton(X, y).history) <= 0)

    def test_iterates_are_the_textbook_newton_iterates(self):
        """Skipping unused Hessians changes the cost, never the path."""
        X, y = noisy_problem()
        result = lb.newton(X, y, tol=1e-12)
        path = plain_newton(X, y, result.n_iter)
        np.testing.assert_allclose(result.theta, path[-1], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(result.history, [lb.loss(t, X, y) for t in path],
                                   rtol=1e-14)

    def test_quadratic_convergence(self):
        """Near the minimum |grad J| is (about) squared at each step."""
        X, y = noisy_problem()
        norms = [np.linalg.norm(lb.gradient(t, X, y)) for t in plain_newton(X, y, 6)]
        # 2.4e-03 -> 5.2e-05 -> 2.4e-08 -> 5.5e-15: the exponent doubles
        for before, after in itertools.pairwise(norms[3:]):
            assert after < 10 * before**2
        assert lb.newton(X, y, tol=1e-10).n_iter == 6

    def test_badly_conditioned(self):
        X, y = badly_conditioned_problem()
        assert np.linalg.cond(X.T @ X) > 1e9
        result = lb.newton(X, y, tol=1e-9)
        assert result.converged and result.n_iter < 15
        np.testing.assert_allclose(result.theta, reference(X, y), rtol=1e-6)

    def test_tolerance_is_met_not_more(self):
        X, y = noisy_problem()
        loose = lb.newton(X, y, tol=1e-2)
        tight = lb.newton(X, y, tol=1e-12)
        assert loose.converged and loose.grad_norm < 1e-2
        assert loose.n_iter < tight.n_iter

    def test_far_start_needs_the_line_search(self):
        X, y = noisy_problem()
        start = np.array([30.0, -30.0, 30.0, -30.0])
        result = lb.newton(X, y, theta0=start)
        assert result.converged
        np.testing.assert_allclose(result.theta, lb.newton(X, y).theta, rtol=1e-8)
        np.testing.assert_array_equal(start, [30.0, -30.0, 30.0, -30.0])  # not modified

    def test_duplicated_column_singular_hessian(self, opening):
        X, y = opening
        result = lb.newton(np.c_[X, X[:, 1]], y)
        assert result.converged and np.isfinite(result.theta).all()
        # the duplicated pair shares the original coefficient
        theta = lb.newton(X, y).theta
        assert result.theta[1] + result.theta[3] == pytest.approx(theta[1], rel=1e-6)

    def test_float32(self):
        X, y = noisy_problem()
        result = lb.newton(X.astype(np.float32), y, tol=1e-5)
        assert result.converged and result.theta.dtype == np.float32
        np.testing.assert_allclose(result.theta, lb.newton(X, y).theta, rtol=1e-4, atol=1e-5)


class TestStopsSafely:
    def test_separable_data_warn_and_stop(self):
        X, y = lb.make_separable_data()
        with pytest.warns(lb.SeparationWarning, match="linearly separable"):
            result = lb.newton(X, y)
        assert not result.converged
        assert np.isfinite(result.theta).all() and np.linalg.norm(result.theta) < 100
        assert np.all((X @ result.theta > 0) == y)  # theta is the separating certificate
        assert "separable" in result.message

    def test_one_class_only_is_separable(self, opening):
        X, _ = opening
        with pytest.warns(lb.SeparationWarning):
            result = lb.newton(X, np.ones(len(X)))
        assert not result.converged and np.isfinite(result.theta).all()

    def test_separable_with_l2_converges(self):
        X, y = lb.make_separable_data()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = lb.newton(X, y, l2=0.01)
        assert result.converged
        np.testing.assert_allclose(result.theta, reference(X, y, 0.01), rtol=1e-6)

    def test_max_iter_zero_returns_the_start(self, opening):
        X, y = opening
        theta0 = np.array([0.1, 0.2, 0.3])
        with pytest.warns(lb.ConvergenceWarning, match="max_iter=0"):
            result = lb.newton(X, y, max_iter=0, theta0=theta0)
        np.testing.assert_array_equal(result.theta, theta0)
        assert result.theta is not theta0
        assert result.n_iter == 0 and len(result.history) == 1 and not result.converged

    def test_max_iter_zero_at_the_minimum_is_converged(self, opening):
        X, y = opening
        theta = lb.newton(X, y).theta
        result = lb.newton(X, y, max_iter=0, theta0=theta)
        assert result.converged and result.n_iter == 0

    def test_max_iter_reached_warns(self, opening):
        X, y = opening
        with pytest.warns(lb.ConvergenceWarning, match="max_iter=3"):
            result = lb.newton(X, y, max_iter=3)
        assert result.n_iter == 3 and not result.converged

    def test_unreachable_tolerance_stops_in_bounded_time(self):
        """float32 cannot resolve |grad J| < 1e-12: it warns, it does not hang."""
        X, y = noisy_problem()
        start = time.perf_counter()
        with pytest.warns(lb.ConvergenceWarning, match="float32 precision"):
            result = lb.newton(X.astype(np.float32), y, tol=1e-12)
        assert time.perf_counter() - start < 10 and result.n_iter < 20
        assert not result.converged and np.isfinite(result.theta).all()
        np.testing.assert_allclose(result.theta, lb.newton(X, y).theta, rtol=1e-3, atol=1e-4)

    def test_tolerance_below_float64_rounding_stops_early(self):
        X, y = noisy_problem()
        with pytest.warns(lb.ConvergenceWarning, match="float64 precision"):
            result = lb.newton(X, y, tol=1e-20, max_iter=1000)
        assert result.n_iter < 20 and result.grad_norm < 1e-15

    @pytest.mark.parametrize("direction", [lambda g, H: -g * 1e308,
                                           lambda g, H: np.full_like(g, np.inf)])
    def test_overflowing_trial_steps_are_rejected(self, monkeypatch, direction):
        """A direction so long that theta or X @ theta overflows: never nan, never raised."""
        X, y = noisy_problem()
        monkeypatch.setattr(optimize, "_newton_direction", direction)
        with pytest.warns(lb.ConvergenceWarning, match="line search"):
            result = lb.newton(X, y)
        assert np.isfinite(result.theta).all() and not result.converged

    def test_non_descent_direction_falls_back_to_the_gradient(self):
        g = np.array([1.0, 0.0])
        H = np.array([[-1.0, 0.0], [0.0, 1.0]])  # indefinite: the Newton step goes uphill
        np.testing.assert_array_equal(optimize._newton_direction(g, H), -g)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"tol": 0.0}, ValueError), ({"tol": -1.0}, ValueError), ({"max_iter": -1}, ValueError),
     ({"max_iter": 2.5}, TypeError), ({"l2": -0.1}, ValueError)],
)
def test_bad_arguments(opening, kwargs, error):
    X, y = opening
    with pytest.raises(error):
        lb.newton(X, y, **kwargs)
