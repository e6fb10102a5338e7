"""Careless-user inputs (issue #14): each gives the right answer or a clear error.

Expected values come from independent references: float64 numpy formulas written out here,
scikit-learn, or a recipe re-implemented from the docstring, never from the code under test.
"""

import fractions
import re
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.calibration import calibration_curve as sk_calibration_curve
from sklearn.model_selection import train_test_split as sk_train_test_split

import lossbook as lb
from lossbook import optimize, regularization
from lossbook._validate import check_positive_float, check_positive_int


def ref_loss(theta, X, y, l2=0.0):
    """J in float64 from numpy's logaddexp (an independent formula)."""
    X = np.asarray(X, dtype=np.float64)
    z = X @ np.asarray(theta, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    theta = np.asarray(theta, dtype=np.float64)
    return np.mean(np.logaddexp(0, z) - y * z) + 0.5 * l2 * theta[1:] @ theta[1:]


def ref_gradient(theta, X, y, l2=0.0):
    X = np.asarray(X, dtype=np.float64)
    theta = np.asarray(theta, dtype=np.float64)
    r = 1 / (1 + np.exp(-(X @ theta))) - np.asarray(y, dtype=np.float64)
    return X.T @ r / len(r) + l2 * np.r_[0.0, theta[1:]]


@pytest.fixture
def problem():
    rng = np.random.RandomState(3)
    X = np.c_[np.ones(40), rng.standard_normal((40, 2))]
    y = rng.random_sample(40) < 1 / (1 + np.exp(-(X @ [0.2, 1.0, -1.0])))
    return np.array([0.3, -0.4, 0.8]), X, y


def quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return func(*args, **kwargs)


# ---- 1. silent wrong answers -------------------------------------------------------------

class TestOneClass:
    @pytest.mark.parametrize("label", [0, 1])
    @pytest.mark.parametrize("l2", [0.0, 0.1])
    def test_newton_says_no_minimum_exists(self, problem, label, l2):
        _, X, _ = problem
        with pytest.warns(lb.SeparationWarning, match=f"every label is {label} .one class"):
            result = lb.newton(X, np.full(len(X), label), l2=l2)
        assert result.converged is False
        assert result.n_iter == 0
        np.testing.assert_array_equal(result.theta, np.zeros(3))
        assert "one class" in result.message

    def test_standard_errors_refuse(self, problem):
        _, X, _ = problem
        with pytest.raises(ValueError, match="one class only"):
            lb.standard_errors(np.array([-23.0, 0.0, 0.0]), X, np.zeros(len(X)), l2=0.1)

    def test_two_classes_are_fitted(self, problem):
        _, X, _ = problem
        y = np.zeros(len(X))
        y[0] = 1  # one sample of the other class is enough for a minimum (with l2 > 0)
        assert quiet(lb.newton, X, y, l2=0.1).converged


class TestFloat16:
    def test_computed_in_float32_at_least(self, problem):
        theta, X, y = problem
        X16, theta16 = X.astype(np.float16), theta.astype(np.float16)
        grad = lb.gradient(theta16, X16, y)
        assert grad.dtype == np.float32
        np.testing.assert_allclose(grad, ref_gradient(theta16, X16, y), rtol=1e-5, atol=1e-6)
        assert lb.loss(theta16, X16, y) == pytest.approx(ref_loss(theta16, X16, y), rel=1e-6)

    def test_logits_beyond_float16_range_are_no_overflow(self):
        X = np.array([[1.0, 60000.0], [1.0, -60000.0]], dtype=np.float16)
        theta = np.array([0.0, 2.0], dtype=np.float16)  # |z| = 120000 > 65504
        assert lb.loss(theta, X, [1, 0]) == pytest.approx(0.0, abs=1e-30)
        np.testing.assert_array_equal(lb.predict_proba(theta, X), [1.0, 0.0])

    def test_input_not_modified(self, problem):
        theta, X, y = problem
        X16 = X.astype(np.float16)
        before = X16.copy()
        lb.loss(theta, X16, y)
        assert X16.dtype == np.float16
        np.testing.assert_array_equal(X16, before)


class TestMakeDataParameters:
    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            ({"theta_true": (1, np.nan, 3)}, ValueError, "theta_true must be finite"),
            ({"theta_true": (1, np.inf, 3)}, ValueError, "theta_true must be finite"),
            ({"theta_true": ("1", "2", "3")}, TypeError, "theta_true must hold real numbers"),
            ({"noise": np.inf}, ValueError, "noise must be a finite number >= 0"),
            ({"noise": np.nan}, ValueError, "noise must be a finite number >= 0"),
            ({"noise": -0.1}, ValueError, "noise must be a finite number >= 0"),
            ({"noise": "0.2"}, TypeError, "noise must be a real number"),
            ({"noise": True}, TypeError, "noise must be a real number"),
            ({"m": "100"}, TypeError, "m must be a whole number"),
            ({"m": 0}, ValueError, "m must be > 0"),
            ({"n": 0}, ValueError, "n must be > 0"),
            ({"seed": 1.5}, TypeError, "seed must be None, an int, a RandomState or a Gen"),
            ({"seed": "42"}, TypeError, "seed must be"),
            ({"seed": True}, TypeError, "seed must be"),
            ({"seed": -1}, ValueError, "seed must be between 0 and 2\\*\\*32 - 1"),
        ],
    )
    def test_bad(self, kwargs, error, match):
        with pytest.raises(error, match=match):
            lb.make_data(**kwargs)

    def test_noise_zero_is_allowed(self):
        X, y = lb.make_data(noise=0)
        np.testing.assert_array_equal(y, X @ [1.0, 2.0, 3.0] > 0)

    def test_seed_randomstate_is_the_int_seed(self):
        for a, b in zip(lb.make_data(seed=np.random.RandomState(7)), lb.make_data(seed=7),
                        strict=True):
            np.testing.assert_array_equal(a, b)

    def test_seed_generator_draws_standard_normal(self):
        X, y = lb.make_data(m=30, seed=np.random.default_rng(5), noise=0.0)
        features = np.random.default_rng(5).standard_normal((30, 2))
        np.testing.assert_array_equal(X[:, 1:], features)
        np.testing.assert_array_equal(y, features @ [2.0, 3.0] + 1 > 0)

    def test_seed_none_uses_the_global_randomstate(self):
        np.random.seed(11)  # noqa: NPY002 - None means numpy's global state, as in sklearn
        X, _ = lb.make_data(m=5, seed=None)
        np.testing.assert_array_equal(X[:, 1:], np.random.RandomState(11).randn(5, 2))

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [({"m": 0}, ValueError, "m must be > 0"), ({"n": 0}, ValueError, "n must be > 0"),
         ({"n": 1}, ValueError, "n must be >= 2"), ({"margin": 0.0}, ValueError, "margin"),
         ({"margin": "1"}, TypeError, "margin"), ({"seed": 0.5}, TypeError, "seed")],
    )
    def test_separable_bad(self, kwargs, error, match):
        with pytest.raises(error, match=match):
            lb.make_separable_data(**kwargs)


def separable_reference(m=100, n=2, seed=0, margin=0.5):
    """The recipe of make_separable_data's docstring, written out."""
    features = np.random.RandomState(seed).randn(m, n)
    side = features[:, 0] + features[:, 1]
    shift = np.where(side >= 0, margin / 2, -margin / 2)
    features[:, :2] += shift[:, None]
    return np.c_[np.ones(m), features], side >= 0


class TestMakeSeparableData:
    @pytest.mark.parametrize("kwargs", [{}, {"seed": 3}, {"margin": 2.0}, {"m": 17, "n": 4}])
    def test_is_the_recipe(self, kwargs):
        X, y = lb.make_separable_data(**kwargs)
        X_ref, y_ref = separable_reference(**kwargs)
        np.testing.assert_allclose(X, X_ref, rtol=1e-15, atol=1e-15)
        np.testing.assert_array_equal(y, y_ref)
        assert y.dtype == bool

    @pytest.mark.parametrize("margin", [0.5, 1.0, 3.0])
    def test_gap_is_the_margin(self, margin):
        X, y = lb.make_separable_data(m=500, margin=margin)
        s = X[:, 1] + X[:, 2]
        assert np.abs(s).min() >= margin * (1 - 1e-12)
        np.testing.assert_array_equal(s > 0, y)

    def test_seed_matters(self):
        assert not np.array_equal(lb.make_separable_data(seed=1)[0],
                                  lb.make_separable_data(seed=2)[0])


class TestGradientDescentTol:
    @pytest.mark.parametrize(("tol", "error", "match"), [
        (np.nan, ValueError, "tol must be a finite number >= 0, got nan"),
        (np.inf, ValueError, "tol must be a finite number >= 0"),
        (-1e-8, ValueError, "tol must be a finite number >= 0"),
        (None, TypeError, "tol must be a real number, got None"),
        ("1e-8", TypeError, "tol must be a real number, got '1e-8'"),
    ])
    def test_bad(self, problem, tol, error, match):
        _, X, y = problem
        with pytest.raises(error, match=match):
            lb.gradient_descent(X, y, 0.1, 10, tol=tol)

    def test_zero_runs_every_step(self, problem):
        _, X, y = problem
        result = quiet(lb.gradient_descent, X, y, 1.0, 30, tol=0)
        assert result.n_iter == 30 and result.converged is False

    def test_large_tol_stops_at_once(self, problem):
        _, X, y = problem
        result = quiet(lb.gradient_descent, X, y, 1.0, 30, tol=10.0)
        assert result.n_iter == 0 and result.converged is True


class TestStepTooLarge:
    def test_oscillating_run_warns_with_one_over_L(self, problem):
        _, X, y = problem
        L = np.linalg.eigvalsh(X.T @ X)[-1] / (4 * len(X))
        with pytest.warns(lb.ConvergenceWarning, match="too large") as record:
            result = lb.gradient_descent(X, y, 1e4 / L, 200)
        assert f"1/L_s = {1 / L:.4g}" in str(record[0].message)
        assert result.history[-1] > result.history[0]  # the case the warning is about

    def test_good_step_is_silent(self, problem):
        _, X, y = problem
        L = np.linalg.eigvalsh(X.T @ X)[-1] / (4 * len(X))
        quiet(lb.gradient_descent, X, y, 1 / L, 200)


class TestMaskedArrays:
    def test_masked_entries_are_rejected(self, problem):
        theta, X, y = problem
        mask = np.zeros_like(X, dtype=bool)
        mask[3, 1] = mask[5, 2] = True
        with pytest.raises(ValueError, match="masked array with 2 masked entries"):
            lb.loss(theta, np.ma.masked_array(X, mask=mask), y)
        y_masked = np.ma.masked_array(y, mask=np.arange(len(y)) == 0)
        with pytest.raises(ValueError, match="y is a masked array with 1 masked"):
            lb.loss(theta, X, y_masked)
        with pytest.raises(ValueError, match="theta is a masked array"):
            lb.loss(np.ma.masked_array(theta, mask=[1, 0, 0]), X, y)

    def test_nothing_masked_is_the_plain_array(self, problem):
        theta, X, y = problem
        assert lb.loss(np.ma.masked_array(theta), np.ma.masked_array(X),
                       np.ma.masked_array(y)) == pytest.approx(ref_loss(theta, X, y), rel=1e-14)


class TestFloat32Newton:
    def test_default_tol_converges_without_warning(self, opening):
        X, y = opening
        result = quiet(lb.newton, X.astype(np.float32), y)
        assert result.converged is True and result.theta.dtype == np.float32
        assert result.grad_norm < 10 * np.finfo(np.float32).eps
        # the same (float32-rounded) data, fitted in float64
        theta64 = quiet(lb.newton, X.astype(np.float32).astype(np.float64), y).theta
        np.testing.assert_allclose(result.theta, theta64, rtol=1e-4)

    def test_default_tol_is_1e_10_in_float64(self):
        assert optimize._default_tol(np.float64) == 1e-10
        assert optimize._default_tol(np.float32) == pytest.approx(1.1920929e-06)

    def test_float64_theta0_with_float32_x_works_in_float64(self, opening):
        X, y = opening
        result = quiet(lb.newton, X.astype(np.float32), y, theta0=np.zeros(3))
        assert result.theta.dtype == np.float64


# ---- 2. errors that say what is wrong, or conversions that are exact ------------------------

class TestPandas:
    def test_mixed_float_and_bool_columns(self, problem):
        theta, X, y = problem
        frame = pd.DataFrame({"intercept": X[:, 0], "x1": X[:, 1], "positive": X[:, 2] > 0})
        expected = np.c_[X[:, :2], X[:, 2] > 0].astype(np.float64)
        assert lb.loss(theta, frame, pd.Series(y)) == pytest.approx(
            ref_loss(theta, expected, y), rel=1e-14)
        np.testing.assert_allclose(lb.gradient(theta, frame, y), ref_gradient(theta, expected, y),
                                   rtol=1e-13)

    @pytest.mark.parametrize("dtype", ["Float64", "Int64"])
    def test_nullable_columns(self, problem, dtype):
        theta, X, y = problem
        Xi = np.round(X * 4) if dtype == "Int64" else X
        frame = pd.DataFrame({f"c{j}": pd.array(Xi[:, j].astype(
            "int64" if dtype == "Int64" else "float64"), dtype=dtype) for j in range(3)})
        assert lb.loss(theta, frame, y) == pytest.approx(ref_loss(theta, Xi, y), rel=1e-14)

    def test_missing_value_is_reported(self, problem):
        theta, X, y = problem
        frame = pd.DataFrame({f"c{j}": pd.array(X[:, j], dtype="Float64") for j in range(3)})
        frame.iloc[4, 2] = pd.NA
        with pytest.raises(ValueError, match="X contains NaN or infinity"):
            lb.loss(theta, frame, y)

    def test_bad_column_is_named(self, problem):
        theta, X, y = problem
        frame = pd.DataFrame({"intercept": X[:, 0], "x1": X[:, 1], "colour": ["red"] * len(X)})
        with pytest.raises(TypeError, match="X column 'colour' has dtype"):
            lb.loss(theta, frame, y)

    def test_nullable_boolean_labels(self, problem):
        theta, X, y = problem
        labels = pd.Series(pd.array(y, dtype="boolean"))
        assert lb.loss(theta, X, labels) == pytest.approx(ref_loss(theta, X, y), rel=1e-14)

    def test_newton_and_split_take_frames(self, problem):
        _, X, y = problem
        frame = pd.DataFrame(X, columns=["one", "a", "b"])
        np.testing.assert_allclose(quiet(lb.newton, frame, pd.Series(y)).theta,
                                   quiet(lb.newton, X, y).theta, rtol=1e-12)
        ours = lb.train_test_split(frame, pd.Series(y), random_state=0)
        theirs = sk_train_test_split(X, y, test_size=0.2, random_state=0)
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(a, b)


class TestObjectAndBoolArrays:
    def test_object_array_of_numbers_converts(self, problem):
        theta, X, y = problem
        X_obj = X.astype(object)
        X_obj[0, 0] = 1  # a Python int among floats
        assert lb.loss(theta, X_obj, y) == pytest.approx(ref_loss(theta, X, y), rel=1e-14)

    @pytest.mark.parametrize("bad", ["1.0", None, 1 + 2j, 2**60 + 1])
    def test_inexact_or_non_number_is_named(self, problem, bad):
        theta, X, y = problem
        X_obj = X.astype(object)
        X_obj[2, 1] = bad
        with pytest.raises(TypeError, match=r"entry \(2, 1\) is"):
            lb.loss(theta, X_obj, y)

    def test_bool_x_is_zero_one(self, problem):
        theta, X, y = problem
        B = X > 0
        assert lb.loss(theta, B, y) == pytest.approx(ref_loss(theta, B.astype(float), y),
                                                     rel=1e-14)

    def test_bool_theta_is_rejected(self, problem):
        _, X, y = problem
        with pytest.raises(TypeError, match="theta must hold real numbers, got dtype bool"):
            lb.loss(np.array([True, False, True]), X, y)

    @pytest.mark.parametrize("bad", [np.ones((3, 3), dtype=complex), np.full((3, 3), "a")])
    def test_complex_and_strings_rejected(self, bad):
        with pytest.raises(TypeError, match="X must hold real numbers, got dtype"):
            lb.loss(np.zeros(3), bad, [0, 1, 0])


class TestSparse:
    @pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
    def test_rejected_with_a_message_that_says_so(self, problem, fmt):
        theta, X, y = problem
        with pytest.raises(TypeError, match=r"scipy.sparse matrix.*X.toarray\(\)"):
            lb.loss(theta, sp.csr_matrix(X).asformat(fmt), y)
        with pytest.raises(TypeError, match=r"scipy\.sparse"):
            lb.newton(sp.csr_array(X), y)

    def test_sparse_labels_are_named_too(self, problem):
        theta, X, y = problem
        with pytest.raises(TypeError, match=r"^y is a scipy.sparse matrix.*y.toarray\(\)"):
            lb.loss(theta, X, sp.csr_matrix(np.asarray(y, float)))


@pytest.mark.parametrize(("shape", "hint"), [
    ((6, 1), " (use y.ravel() for a column vector)"),
    ((1, 6), " (use y.ravel() for a column vector)"),
    ((6, 2), ""),
    ((6, 1, 1), ""),
])
def test_labels_of_the_wrong_shape_get_the_whole_message(shape, hint):
    """The ravel hint only for a 2-D y with a dimension of 1, where it is the fix."""
    X = lb.add_intercept(np.arange(6.0).reshape(6, 1))
    message = (f"y must be 1-D with one label per sample, got shape {shape}{hint}; a column "
               "vector would broadcast against an (m,) array into an m x m matrix")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        lb.loss(np.zeros(2), X, np.zeros(shape))


def test_import_lossbook_needs_numpy_only():
    code = ("import sys, lossbook; "
            "print(sorted(m for m in ('scipy', 'pandas', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


class TestSplitRandomState:
    def data(self, m=30):
        rng = np.random.default_rng(m)
        return rng.standard_normal((m, 2)), rng.random(m) < 0.5

    def test_randomstate_instance_is_sklearns(self):
        X, y = self.data()
        ours = lb.train_test_split(X, y, random_state=np.random.RandomState(42))
        theirs = sk_train_test_split(X, y, test_size=0.2, random_state=np.random.RandomState(42))
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(a, b)

    def test_none_is_the_global_state_as_in_sklearn(self):
        X, y = self.data()
        np.random.seed(5)  # noqa: NPY002
        ours = lb.train_test_split(X, y, random_state=None)
        np.random.seed(5)  # noqa: NPY002
        theirs = sk_train_test_split(X, y, test_size=0.2, random_state=None)
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(a, b)

    @pytest.mark.parametrize("bad", [np.random.default_rng(0), 1.5, "42"])
    def test_others_are_refused_clearly(self, bad):
        X, y = self.data()
        with pytest.raises(TypeError, match="random_state must be None, an int or a numpy"):
            lb.train_test_split(X, y, random_state=bad)

    def test_one_dimensional_x(self):
        X, y = self.data()
        ours = lb.train_test_split(X[:, 0], y, test_size=0.3, random_state=1)
        theirs = sk_train_test_split(X[:, 0], y, test_size=0.3, random_state=1)
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(a, b)

    def test_default_test_size_and_seed(self):
        X, y = self.data(50)
        ours = lb.train_test_split(X, y)
        theirs = sk_train_test_split(X, y, test_size=0.2, random_state=42)
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(a, b)


# ---- 3. what mutation testing found untested -------------------------------------------------

def test_loss_and_gradient_default_is_unpenalised(problem):
    theta, X, y = problem
    J, g = lb.loss_and_gradient(theta, X, y)
    assert J == pytest.approx(ref_loss(theta, X, y), rel=1e-14)
    np.testing.assert_allclose(g, ref_gradient(theta, X, y), rtol=1e-13)
    for func in (lb.loss, lb.gradient, lb.hessian):
        np.testing.assert_array_equal(func(theta, X, y), func(theta, X, y, l2=0.0))


def test_per_sample_loss_of_a_scalar_logit():
    assert lb.per_sample_loss(2.0, 1) == pytest.approx(np.log1p(np.exp(-2.0)), rel=1e-15)
    assert lb.per_sample_loss(2.0, 0) == pytest.approx(2 + np.log1p(np.exp(-2.0)), rel=1e-15)
    assert lb.residual(0.0, 1) == -0.5
    with pytest.raises(ValueError, match="single label 0 or 1"):
        lb.per_sample_loss(2.0, 2)


def test_predict_proba_names_nan_in_x(problem):
    theta, X, _ = problem
    X = X.copy()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="X contains NaN or infinity"):
        lb.predict_proba(theta, X)


def test_result_types_follow_x_and_theta(problem):
    theta, X, y = problem
    # float32 theta with float64 X: computed (and returned) in float64
    grad = lb.gradient(theta.astype(np.float32), X, y)
    assert grad.dtype == np.float64
    np.testing.assert_allclose(grad, ref_gradient(theta.astype(np.float32), X, y), rtol=1e-13)
    assert quiet(lb.newton, X, y).theta.dtype == np.float64
    assert quiet(lb.gradient_descent, X, y, 0.1, 3).theta.dtype == np.float64
    assert quiet(lb.gradient_descent, X.astype(np.float32), y, 0.1, 3).theta.dtype == np.float32


def test_optimize_result_defaults():
    result = lb.OptimizeResult(np.zeros(2), 0, False, np.zeros(1), 0.0)
    assert result.message == ""


def test_separation_result_is_not_converged():
    X, y = lb.make_separable_data()
    with pytest.warns(lb.SeparationWarning):
        result = lb.newton(X, y)
    assert result.converged is False and isinstance(result.message, str)


@pytest.mark.parametrize(("value", "error"), [(True, TypeError), (np.True_, TypeError),
                                              ("1.0", TypeError), (None, TypeError),
                                              (0.0, ValueError), (-1.0, ValueError),
                                              (np.nan, ValueError), (np.inf, ValueError)])
def test_check_positive_float_rejects(value, error):
    with pytest.raises(error, match=r"^x must be a"):
        check_positive_float(value, "x")


def test_check_positive_float_accepts():
    assert check_positive_float(2, "x") == 2.0 and type(check_positive_float(2, "x")) is float
    assert check_positive_float(0.0, "x", allow_zero=True) == 0.0
    assert check_positive_float(np.float32(0.5), "x") == 0.5


def test_check_positive_int():
    assert check_positive_int(0, "n") == 0
    assert check_positive_int(np.int64(3), "n", allow_zero=False) == 3
    with pytest.raises(ValueError, match="n must be > 0, got 0"):
        check_positive_int(0, "n", allow_zero=False)
    with pytest.raises(ValueError, match="n must be >= 0, got -1"):
        check_positive_int(-1, "n")
    with pytest.raises(TypeError, match="n must be a whole number, got True"):
        check_positive_int(True, "n")


def test_calibration_curve_default_is_ten_bins():
    rng = np.random.default_rng(0)
    p = rng.random(500)
    y = rng.random(500) < p
    mean_predicted, observed, count = lb.calibration_curve(p, y)
    sk_observed, sk_predicted = sk_calibration_curve(y, p, n_bins=10)
    np.testing.assert_allclose(mean_predicted, sk_predicted, rtol=1e-14)
    np.testing.assert_allclose(observed, sk_observed, rtol=1e-14)
    assert count.sum() == 500 and len(count) == 10


def test_regularization_passes_tol_and_max_iter(opening):
    X, y = opening
    with pytest.warns(lb.ConvergenceWarning, match="max_iter=1"):
        regularization.regularization_path(X, y, [0.1], max_iter=1)
    loose = quiet(regularization.regularization_path, X, y, [0.1], tol=0.05)[0]
    np.testing.assert_array_equal(loose, quiet(lb.newton, X, y, l2=0.1, tol=0.05).theta)
    assert not np.array_equal(loose, quiet(lb.newton, X, y, l2=0.1).theta)
    with pytest.warns(lb.ConvergenceWarning, match="max_iter=1"):
        regularization.choose_l2(X, y, X, y, [0.1], max_iter=1)
    X32 = X.astype(np.float32)  # default tol=None: newton's dtype-scaled default, no warning
    quiet(regularization.choose_l2, X32, y, X32, y, [0.1, 0.01])


def test_logit_near_one_half_is_accurate():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    p = 0.5 + np.array([-1e-3, -3e-4, 1e-4, 1e-3, 0.1, 0.2, 0.24])
    exact = np.array([float(mpmath.log(mpmath.mpf(float(q)) / (1 - mpmath.mpf(float(q)))))
                      for q in p])
    err = np.abs(lb.logit(p) - exact) / np.spacing(np.abs(exact))
    assert err.max() <= 4


# ---- survivors of the first `make mutation` run, killed --------------------------------------

def test_split_refuses_a_scalar_x():
    with pytest.raises(ValueError, match="X and y must be arrays with one row per sample"):
        lb.train_test_split(5.0, np.arange(10))


def test_object_array_checks_every_entry_after_a_bool(problem):
    theta, X, y = problem
    X_obj = X.astype(object)
    X_obj[0, 0] = True
    X_obj[7, 2] = "x"
    with pytest.raises(TypeError, match=r"entry \(7, 2\) is 'x' \(str\)"):
        lb.loss(theta, X_obj, y)


def test_float32_frame_is_computed_in_float32(problem):
    theta, X, y = problem
    frame = pd.DataFrame(X.astype(np.float32))
    grad = lb.gradient(theta.astype(np.float32), frame, y)
    assert grad.dtype == np.float32
    int_frame = pd.DataFrame(np.round(X * 3).astype(np.int64))
    assert lb.add_intercept(int_frame).dtype == np.float64


@pytest.mark.parametrize("label", [0, 1])
def test_standard_errors_message_names_the_label(problem, label):
    _, X, _ = problem
    with pytest.raises(ValueError, match=f"every label is {label} "):
        lb.standard_errors(np.zeros(3), X, np.full(len(X), label))


def test_step_too_large_counts_the_rises(problem):
    _, X, y = problem
    with pytest.warns(lb.ConvergenceWarning) as record:
        result = lb.gradient_descent(X, y, 1e4, 50)
    rises = int(np.sum(np.diff(result.history) > 0))
    message = str(record[0].message)
    assert f"rose at {rises} of 50 steps" in message
    assert f"from {result.history[0]:.4g} to {result.history[-1]:.4g}" in message
    assert "learning_rate=10000 is too large" in message


def test_logit_names_the_bad_probabilities():
    with pytest.raises(ValueError, match=r"got e.g. \[1.5, -0.5\]"):
        lb.logit(np.array([0.2, 1.5, 0.7, -0.5]))


def test_calibration_curve_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match=r"p must hold probabilities in \[0, 1\] \(no NaN\)"):
        lb.calibration_curve(np.array([0.5, np.nan]), [0, 1])
    with pytest.raises(ValueError, match="p must be a 1-D array of probabilities"):
        lb.calibration_curve(np.ones((2, 2)) / 2, [0, 1])
    with pytest.raises(ValueError, match="n_bins must be > 0"):
        lb.calibration_curve(np.array([0.5, 0.5]), [0, 1], n_bins=0)


def test_prior_relations_name_their_argument():
    with pytest.raises(ValueError, match="variance must be a finite number > 0"):
        regularization.l2_from_prior_variance(0.0, 10)
    with pytest.raises(ValueError, match="m must be > 0"):
        regularization.l2_from_prior_variance(1.0, 0)
    with pytest.raises(ValueError, match="l2 must be a finite number > 0"):
        regularization.prior_variance_from_l2(0.0, 10)
    with pytest.raises(ValueError, match="m must be > 0"):
        regularization.prior_variance_from_l2(1.0, 0)
    assert regularization.l2_from_prior_variance(2.0, 5) == 0.1
    assert regularization.prior_variance_from_l2(0.1, 5) == pytest.approx(2.0, rel=1e-15)


# ---- _validate: what `make mutation` found untested (issue 14, part 3) ----------------------


def test_frame_columns_combine_by_numpys_promotion():
    """float32 with bool columns is float32 (np.result_type), not pandas' object-then-float64."""
    frame = pd.DataFrame({"x1": np.float32([0.5, -2.0]), "flag": [True, False]})
    assert np.result_type(np.float32, np.bool_) == np.float32
    out = lb.add_intercept(frame)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[1.0, 0.5, 1.0], [1.0, -2.0, 0.0]])
    nullable = pd.DataFrame({"n": pd.array([3, 4], dtype="Int64"), "b": [True, False]})
    assert lb.add_intercept(nullable).dtype == np.float64  # int64 columns, made float


def test_frame_with_a_missing_int_becomes_nan():
    """Int64 with pd.NA needs a float type to hold the NaN (an int array cannot)."""
    frame = pd.DataFrame({"n": pd.array([3, None], dtype="Int64")})
    out = lb.add_intercept(frame)
    np.testing.assert_array_equal(out, [[1.0, 3.0], [1.0, np.nan]])


@pytest.mark.skipif(np.finfo(np.longdouble).eps == np.finfo(np.float64).eps,
                    reason="long double is float64 here")
def test_frame_with_nan_keeps_a_wider_float_type():
    frame = pd.DataFrame({"x": np.array([1.0, np.nan], dtype=np.longdouble)})
    assert lb.add_intercept(frame).dtype == np.longdouble


def test_frame_without_columns_has_no_columns():
    with pytest.raises(ValueError, match="X has no columns"):
        lb.loss(np.zeros(0), pd.DataFrame(index=range(3)), [0, 1, 0])


@pytest.mark.parametrize("column", [
    pd.Series(["red", "blue"], dtype=object),
    pd.Series([0.5, 1.5], dtype=object),  # numbers, but a column of Python objects
    pd.Series(np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[ns]")),
    pd.Series(pd.Categorical(["a", "b"])),
])
def test_frame_column_of_no_numeric_type_is_named(column):
    frame = pd.DataFrame({"one": [1.0, 1.0], "odd": column})
    with pytest.raises(TypeError, match=r"^X column 'odd' has dtype .*, not numbers \(convert or "
                       r"drop it; categories need an encoding, e\.g\. pandas\.get_dummies\)$"):
        lb.loss(np.zeros(2), frame, [0, 1])


def test_bad_labels_error_quotes_the_first_three():
    y = np.array([0, 2, 1, 3, 4, 5, 1])
    with pytest.raises(ValueError) as info:
        lb.loss(np.zeros(1), np.ones((7, 1)), y)
    assert str(info.value) == "labels must be 0 or 1; y holds 4 other value(s), e.g. [2, 3, 4]"


def test_a_dask_x_or_y_takes_the_chunked_path(problem):
    """Either one a Dask array sends the loss down the chunked path, whose own checks (X's
    column chunks, a Dask collection that is not an array) are then the errors seen."""
    da = pytest.importorskip("dask.array")
    dask = pytest.importorskip("dask")
    theta, X, y = problem
    with pytest.raises(ValueError, match=r"chunked along its columns too"):
        lb.loss(theta, da.from_array(X, chunks=(20, 2)), y)
    with pytest.raises(TypeError, match=r"^y is a Dask collection of type Delayed"):
        lb.loss(theta, X, dask.delayed(y))


@pytest.mark.parametrize(("theta", "error", "message"), [
    (np.array([True, False, True]), TypeError, "theta must hold real numbers, got dtype bool"),
    (np.zeros(2), ValueError, "theta has size 2 but X has 3 columns (did you forget the "
                              "intercept column? see add_intercept)"),
    (np.array([0.0, np.nan, 1.0]), ValueError, "theta contains NaN or infinity"),
])
def test_theta_errors_say_what_is_wrong(problem, theta, error, message):
    _, X, y = problem
    with pytest.raises(error) as info:
        lb.loss(theta, X, y)
    assert str(info.value) == message


def test_labels_are_converted_like_x(problem):
    """An object array of 0/1 is the int labels; a categorical Series is refused, as for X."""
    theta, X, y = problem
    assert lb.loss(theta, X, y.astype(int).astype(object)) == pytest.approx(
        ref_loss(theta, X, y), rel=1e-14)
    with pytest.raises(TypeError, match=r"^y column 0 has dtype category, not numbers"):
        lb.loss(theta, X, pd.Series(y.astype(int), dtype="category"))


_X3 = lb.add_intercept(np.arange(3.0).reshape(3, 1))
_MASKED = np.ma.masked_array(_X3, mask=[[0, 1], [0, 0], [1, 0]])
_OBJECT_X = _X3.astype(object)
_OBJECT_X[1, 1] = "a"
_OBJECT_Y = np.array([0, 1, fractions.Fraction(1, 3)], dtype=object)


@pytest.mark.parametrize(("X", "y", "l2", "error", "message"), [
    (_MASKED, None, 0.0, ValueError, "X is a masked array with 2 masked entries; lossbook would "
                                     "ignore the mask, so remove those samples (or fill them) "
                                     "first"),
    (np.empty((0, 2)), None, 0.0, ValueError, "X has no samples (0 rows)"),
    (np.empty((3, 0)), None, 0.0, ValueError,
     "X has no columns; it needs at least the intercept column of ones"),
    (_X3, None, "0.1", TypeError, "l2 must be a real number, got str"),
    (_X3, None, None, TypeError, "l2 must be a real number, got NoneType"),
    (_OBJECT_X, None, 0.0, TypeError,
     "X must hold real numbers; entry (1, 1) is 'a' (str), which is not exactly a float64"),
    (_X3, _OBJECT_Y, 0.0, TypeError, "y must hold real numbers; entry (2,) is Fraction(1, 3) "
                                     "(Fraction), which is not exactly a float64"),
])
def test_errors_say_the_whole_problem(X, y, l2, error, message):
    """The whole message, not a fragment of it: what is wrong and, where there is one, the fix."""
    y = np.zeros(X.shape[0]) if y is None else y
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        lb.loss(np.zeros(X.shape[1]), X, y, l2=l2)
