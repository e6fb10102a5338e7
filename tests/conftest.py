"""Shared fixtures: small, seeded problems."""

import numpy as np
import pytest

import lossbook as lb


@pytest.fixture
def opening():
    """The opening example's training data."""
    X, y = lb.make_data()
    X_train, _, y_train, _ = lb.train_test_split(X, y)
    return X_train, y_train


@pytest.fixture
def random_problem():
    rng = np.random.default_rng(7)
    X = lb.add_intercept(rng.standard_normal((50, 3)))
    theta = rng.standard_normal(4)
    y = rng.random(50) < 0.5
    return theta, X, y
