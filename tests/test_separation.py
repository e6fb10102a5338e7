"""detect_separation sorts data into complete / quasi-complete separation or overlap."""

import numpy as np
import pytest

import lossbook as lb

pytest.importorskip("scipy")

PAIR = np.array([[1.0, 0.3, -0.3], [1.0, 0.3, -0.3]])  # on the line x1 + x2 = 0


def test_complete_separation_with_certificate():
    X, y = lb.make_separable_data()
    result = lb.detect_separation(X, y)
    assert result.kind == "complete" and not result.mle_exists
    margins = np.where(y, 1.0, -1.0) * (X @ result.theta)
    assert margins.min() > 0


def test_quasi_complete_separation_is_found():
    X, y = lb.make_separable_data()
    result = lb.detect_separation(np.vstack([X, PAIR]), np.r_[y, True, False])
    assert result.kind == "quasi-complete" and result.on_boundary == 2
    margins = np.where(np.r_[y, True, False], 1.0, -1.0) * (np.vstack([X, PAIR]) @ result.theta)
    assert margins.min() > -1e-9 and margins.max() > 0.1


def test_overlap_means_the_mle_exists():
    X, y = lb.make_data()
    X_train, _, y_train, _ = lb.train_test_split(X, y)
    result = lb.detect_separation(X_train, y_train)
    assert result.kind == "overlap" and result.mle_exists and result.theta is None
    assert lb.newton(X_train, y_train).converged


def test_separable_once_the_misclassified_samples_go():
    X, y = lb.make_data()
    X_train, _, y_train, _ = lb.train_test_split(X, y)
    theta_hat = lb.newton(X_train, y_train).theta
    right = np.where(y_train, 1.0, -1.0) * (X_train @ theta_hat) > 0
    assert lb.detect_separation(X_train[right], y_train[right]).kind == "complete"


def test_one_class_only_is_complete_separation():
    # all labels 1: theta = (1, 0, 0) gives every sample margin 1 > 0
    X = np.c_[np.ones(5), np.arange(5.0)]
    assert lb.detect_separation(X, np.ones(5, dtype=bool)).kind == "complete"


def test_inputs_are_checked_and_not_modified():
    X, y = lb.make_separable_data()
    X_copy, y_copy = X.copy(), y.copy()
    lb.detect_separation(X, y)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        lb.detect_separation(X, np.full(len(y), 2))
    bad = X.copy()
    bad[0, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        lb.detect_separation(bad, y)
