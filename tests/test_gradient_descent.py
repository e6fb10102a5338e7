"""gradient_descent and smoothness_constant (Newton's tests are in test_newton.py)."""

import numpy as np
import pytest

import lossbook as lb


def opening_program(X, y, learning_rate, num_iterations):
    """The opening lesson's loop, verbatim in substance."""
    theta = np.zeros(X.shape[1])
    for _ in range(num_iterations):
        h = 1 / (1 + np.exp(-(X @ theta)))
        theta = theta - learning_rate * X.T @ (h - y) / len(y)
    return theta


def test_reproduces_the_opening_program(opening):
    X, y = opening
    result = lb.gradient_descent(X, y, learning_rate=0.01, num_iterations=1000)
    np.testing.assert_allclose(result.theta, opening_program(X, y, 0.01, 1000), rtol=1e-12)
    assert result.n_iter == 1000 and not result.converged
    assert len(result.history) == 1001
    assert result.history[0] == pytest.approx(np.log(2))
    assert np.all(np.diff(result.history) < 0)


def test_step_of_one_over_L_never_increases_the_loss(opening):
    X, y = opening
    L = lb.smoothness_constant(X)
    result = lb.gradient_descent(X, y, learning_rate=1 / L, num_iterations=300)
    assert np.all(np.diff(result.history) <= 1e-15)


def test_stops_at_tolerance_and_says_converged():
    X, y = lb.make_data(m=200, noise=2.0, seed=0)  # noisy: a well-conditioned optimum
    result = lb.gradient_descent(X, y, learning_rate=4.0, num_iterations=100_000, tol=1e-8)
    assert result.converged and result.n_iter < 100_000
    assert result.grad_norm <= 1e-8
    np.testing.assert_allclose(np.linalg.norm(lb.gradient(result.theta, X, y)),
                               result.grad_norm, rtol=1e-12)


def test_zero_iterations_returns_the_start(opening):
    X, y = opening
    theta0 = np.array([0.1, 0.2, 0.3])
    result = lb.gradient_descent(X, y, 0.1, 0, theta0=theta0)
    np.testing.assert_array_equal(result.theta, theta0)
    assert result.n_iter == 0 and len(result.history) == 1
    assert result.theta is not theta0  # the caller's array is not updated in place


def test_l2_changes_the_optimum(opening):
    X, y = opening
    free = lb.gradient_descent(X, y, 1.0, 200).theta
    ridge = lb.gradient_descent(X, y, 1.0, 200, l2=1.0).theta
    assert np.linalg.norm(ridge[1:]) < np.linalg.norm(free[1:])


@pytest.mark.parametrize("learning_rate", [1e290, 1e300])
def test_diverging_step_stops_cleanly(learning_rate):
    # Overlapping classes, a huge step: theta overflows (1e300) or X @ theta does (1e290).
    X = np.array([[1.0, 1e10], [1.0, 1e10], [1.0, -1e10], [1.0, -1e10]])
    with pytest.warns(lb.ConvergenceWarning, match="too large.*1/L_s = 4e-20"):
        result = lb.gradient_descent(X, [1, 0, 1, 0], learning_rate, 50, theta0=[0.0, 1.0])
    assert not result.converged
    assert "diverged" in result.message
    assert np.isfinite(result.theta).all() and np.isfinite(result.history).all()
    assert len(result.history) == result.n_iter + 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"learning_rate": 0.0}, ValueError, "learning_rate must be a finite number > 0"),
        ({"learning_rate": -0.1}, ValueError, "learning_rate must be a finite number > 0"),
        ({"num_iterations": -1}, ValueError, "num_iterations must be >= 0"),
        ({"num_iterations": 2.5}, TypeError, "num_iterations must be a whole number"),
        ({"l2": -1.0}, ValueError, "l2 must be"),
        ({"theta0": np.zeros(2)}, ValueError, "size 2 but X has 3 columns"),
    ],
)
def test_bad_arguments(opening, kwargs, error, match):
    X, y = opening
    args = {"learning_rate": 0.1, "num_iterations": 10, **kwargs}
    with pytest.raises(error, match=match):
        lb.gradient_descent(X, y, **args)


def test_smoothness_constant_bounds_the_hessian(opening):
    X, y = opening
    L = lb.smoothness_constant(X, l2=0.5)
    rng = np.random.default_rng(0)
    for _ in range(5):
        H = lb.hessian(rng.standard_normal(3) * 3, X, y, l2=0.5)
        assert np.linalg.eigvalsh(H).max() <= L * (1 + 1e-12)
    # Without penalty the bound is attained at theta = 0, where every weight is exactly 1/4.
    np.testing.assert_allclose(np.linalg.eigvalsh(lb.hessian(np.zeros(3), X, y)).max(),
                               lb.smoothness_constant(X), rtol=1e-12)
