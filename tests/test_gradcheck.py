"""numerical_gradient and relative_error: exactness on polynomials, error orders, the loss."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lossbook as lb
from lossbook.gradcheck import numerical_gradient, relative_error


def cubic(t):
    return t[0] ** 3 + 2 * t[0] * t[1] - t[1] ** 2


def cubic_grad(t):
    return np.array([3 * t[0] ** 2 + 2 * t[1], 2 * t[0] - 2 * t[1]])


def test_exact_on_quadratics_up_to_rounding():
    # Central differences have no truncation error on a quadratic.
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -2.0])
    theta = np.array([0.5, -1.5])
    g = numerical_gradient(lambda t: 0.5 * t @ A @ t + b @ t, theta, h=1e-3)
    np.testing.assert_allclose(g, A @ theta + b, rtol=1e-10)


def test_truncation_error_is_second_order():
    # For t0^3 the central difference is off by exactly h^2 (f''' = 6, error h^2 f'''/6).
    theta = np.array([1.0, 2.0])
    errors = [numerical_gradient(cubic, theta, h=h)[0] - cubic_grad(theta)[0]
              for h in (1e-2, 1e-3)]
    np.testing.assert_allclose(errors, [1e-4, 1e-6], rtol=1e-4)


def test_default_step_is_accurate_on_the_loss(opening):
    X, y = opening
    for theta in (np.zeros(3), np.array([0.4, 0.8, 1.6]), np.array([16.0, 28.0, 42.0])):
        g = numerical_gradient(lambda t: lb.loss(t, X, y), theta)
        assert relative_error(g, lb.gradient(theta, X, y)) < 1e-6


def test_catches_a_wrong_gradient(opening):
    X, y = opening
    theta = np.array([0.4, 0.8, 1.6])
    wrong = X.T @ (lb.predict_proba(theta, X) - y)  # forgot the 1/m
    g = numerical_gradient(lambda t: lb.loss(t, X, y), theta)
    assert relative_error(g, wrong) > 0.9


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=2, max_size=2))
def test_matches_the_derivative_of_a_cubic(values):
    theta = np.array(values)
    g = numerical_gradient(cubic, theta)
    np.testing.assert_allclose(g, cubic_grad(theta), atol=1e-7)


def test_does_not_modify_theta_and_keeps_shape():
    theta = np.array([[1.0, 2.0], [3.0, 4.0]])
    before = theta.copy()
    g = numerical_gradient(lambda t: float((t**2).sum()), theta)
    np.testing.assert_array_equal(theta, before)
    assert g.shape == (2, 2)
    np.testing.assert_allclose(g, 2 * theta, rtol=1e-9)


def test_integer_theta_becomes_float64():
    g = numerical_gradient(lambda t: float(t @ t), np.array([1, 2]))
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, [2.0, 4.0], rtol=1e-9)


def test_float32_needs_a_larger_step():
    theta = np.array([1.0, -0.5], dtype=np.float32)

    def f(t):
        return np.sum(np.exp(t) * np.float32(0.5))

    exact = 0.5 * np.exp(theta.astype(np.float64))
    good = numerical_gradient(f, theta, h=5e-3)
    bad = numerical_gradient(f, theta, h=1e-6)
    assert good.dtype == np.float32
    assert relative_error(good, exact) < 1e-4
    assert relative_error(bad, exact) > 10 * relative_error(good, exact)


def test_step_too_small_to_move_theta_is_an_error():
    with pytest.raises(ValueError, match="too small to move"):
        numerical_gradient(lambda t: float(t @ t), np.array([1e10, 0.0]), h=1e-10)


@pytest.mark.parametrize("h", [0.0, -1e-6, np.nan, np.inf, True, "1e-6"])
def test_rejects_bad_steps(h):
    with pytest.raises(ValueError, match="h must be"):
        numerical_gradient(lambda t: float(t @ t), np.ones(2), h=h)


def test_rejects_bad_theta_and_bad_f():
    with pytest.raises(TypeError, match="real numbers"):
        numerical_gradient(lambda t: 0.0, np.array(["a"]))
    with pytest.raises(ValueError, match="NaN or infinity"):
        numerical_gradient(lambda t: 0.0, np.array([np.nan]))
    with pytest.raises(ValueError, match="real scalar"):
        numerical_gradient(lambda t: t, np.ones(2))
    with pytest.raises(ValueError, match="not finite"):
        numerical_gradient(lambda t: np.inf, np.ones(2))


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0, 0.0], [0.0, 0.0]) == 1.0
    assert relative_error([2.0], [1.0]) == 0.5
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.ones(2), np.ones(3))
