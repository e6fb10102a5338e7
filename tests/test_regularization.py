"""lossbook.regularization: the prior <-> penalty relation, the path, choosing lambda."""

import warnings

import numpy as np
import pytest

import lossbook as lb
from lossbook.regularization import (
    choose_l2,
    l2_from_prior_variance,
    prior_variance_from_l2,
    regularization_path,
)

L2_VALUES = np.logspace(-4, 1, 11)


def gaussian_neg_log_posterior_over_m(theta, X, y, variance):
    """-(1/m) [log-likelihood + log N(theta[1:]; 0, variance I)], written out from scratch."""
    m = X.shape[0]
    z = X @ theta
    log_lik = np.sum(np.where(y, -np.logaddexp(0, -z), -np.logaddexp(0, z)))
    log_prior = np.sum(-theta[1:] ** 2 / (2 * variance) - 0.5 * np.log(2 * np.pi * variance))
    return -(log_lik + log_prior) / m


@pytest.mark.parametrize("variance", [0.25, 1.0, 9.0])
def test_map_objective_is_the_penalised_loss_plus_a_constant(random_problem, variance):
    theta, X, y = random_problem
    m, d = X.shape
    l2 = l2_from_prior_variance(variance, m)
    const = (d - 1) * np.log(2 * np.pi * variance) / (2 * m)
    for t in (theta, 3 * theta, np.zeros(d)):
        assert gaussian_neg_log_posterior_over_m(t, X, y, variance) == pytest.approx(
            lb.loss(t, X, y, l2=l2) + const, rel=1e-12
        )


def test_prior_and_penalty_are_inverse():
    assert l2_from_prior_variance(4.0, 80) == pytest.approx(1 / 320)
    for l2 in (1e-6, 0.01, 3.0):
        assert l2_from_prior_variance(prior_variance_from_l2(l2, 50), 50) == pytest.approx(l2)
    # a fixed prior gives a penalty that shrinks like 1/m
    assert l2_from_prior_variance(1.0, 1000) == pytest.approx(l2_from_prior_variance(1.0, 10) / 100)


@pytest.mark.parametrize("bad", [0.0, -1.0, np.inf, np.nan])
def test_prior_relations_reject_bad_values(bad):
    with pytest.raises(ValueError, match="variance"):
        l2_from_prior_variance(bad, 10)
    with pytest.raises(ValueError, match="l2"):
        prior_variance_from_l2(bad, 10)
    with pytest.raises(ValueError, match="m"):
        l2_from_prior_variance(1.0, 0)


def test_path_rows_are_the_penalised_minimisers(opening):
    X, y = opening
    thetas = regularization_path(X, y, L2_VALUES)
    assert thetas.shape == (L2_VALUES.size, X.shape[1])
    for l2, theta in zip(L2_VALUES, thetas, strict=True):
        assert np.linalg.norm(lb.gradient(theta, X, y, l2=l2)) < 1e-9
        np.testing.assert_allclose(theta, lb.newton(X, y, l2=l2).theta, rtol=1e-6, atol=1e-8)


def test_path_keeps_the_given_order(opening):
    X, y = opening
    order = np.random.default_rng(3).permutation(L2_VALUES.size)
    np.testing.assert_allclose(regularization_path(X, y, L2_VALUES[order]),
                               regularization_path(X, y, L2_VALUES)[order], rtol=1e-6, atol=1e-8)


def test_penalty_shrinks_the_coefficients_monotonically(opening):
    X, y = opening
    norms = np.linalg.norm(regularization_path(X, y, L2_VALUES)[:, 1:], axis=1)
    assert np.all(np.diff(norms) < 0)


def test_strong_penalty_leaves_the_log_odds_of_the_base_rate(opening):
    X, y = opening
    theta = regularization_path(X, y, [1e6])[0]
    p = np.mean(y)
    assert theta[0] == pytest.approx(np.log(p / (1 - p)), abs=1e-4)
    assert np.abs(theta[1:]).max() < 1e-5


def test_separable_data_have_a_penalised_minimum_without_warning():
    X, y = lb.make_separable_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        thetas = regularization_path(X, y, [1.0, 0.1, 0.01])
    assert np.isfinite(thetas).all()
    with pytest.warns(lb.SeparationWarning):
        regularization_path(X, y, [0.0])


def test_choose_l2_minimises_the_unpenalised_validation_loss(opening):
    X, y = opening
    X_fit, X_val, y_fit, y_val = lb.train_test_split(X, y, test_size=0.25, random_state=0)
    best, val_losses = choose_l2(X_fit, y_fit, X_val, y_val, L2_VALUES)
    thetas = regularization_path(X_fit, y_fit, L2_VALUES)
    np.testing.assert_allclose(val_losses, [lb.loss(t, X_val, y_val) for t in thetas],
                               rtol=1e-6)
    assert best == L2_VALUES[np.argmin(val_losses)]


def test_inputs_are_not_modified(opening):
    X, y = opening
    X0, y0, l0 = X.copy(), y.copy(), L2_VALUES.copy()
    choose_l2(X, y, X, y, L2_VALUES)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(L2_VALUES, l0)


@pytest.mark.parametrize("bad", [[], [[0.1]], [-0.1, 0.1], [np.nan], ["a"]])
def test_bad_l2_values_raise(opening, bad):
    X, y = opening
    with pytest.raises(ValueError, match="l2"):
        regularization_path(X, y, bad)
