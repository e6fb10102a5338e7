"""accuracy, calibration_curve and standard_errors (notebook 09)."""

import numpy as np
import pytest
from sklearn.calibration import calibration_curve as sklearn_calibration_curve
from sklearn.metrics import accuracy_score

import lossbook as lb
from lossbook.exercises import check_accuracy
from lossbook.inference import accuracy, calibration_curve, standard_errors


def noisy_problem(m=200, seed=0):
    """Overlapping classes, so the MLE is finite and the information well conditioned."""
    return lb.make_data(m=m, noise=2.0, seed=seed)


class TestAccuracy:
    def test_passes_the_exercise_checker(self, capsys):
        check_accuracy(accuracy)
        assert "passed" in capsys.readouterr().out

    def test_matches_sklearn(self, random_problem):
        theta, X, y = random_problem
        predicted = lb.predict_proba(theta, X) >= 0.5
        assert accuracy(theta, X, y) == pytest.approx(accuracy_score(y, predicted))

    def test_a_logit_of_exactly_zero_predicts_one(self):
        X = np.array([[1.0, 0.0]])
        assert accuracy(np.zeros(2), X, [1]) == 1.0
        assert accuracy(np.zeros(2), X, [0]) == 0.0

    def test_opening_example_at_the_mle(self, opening):
        X, y = opening
        assert accuracy(lb.newton(X, y).theta, X, y) == 77 / 80  # 3 samples wrong

    def test_bad_input(self):
        with pytest.raises(ValueError, match="labels must be 0 or 1"):
            accuracy(np.zeros(2), np.ones((3, 2)), [0, 1, 2])
        with pytest.raises(ValueError, match="NaN or infinity"):
            accuracy(np.ones(2), np.array([[1.0, np.nan]]), [1])


class TestCalibrationCurve:
    @pytest.mark.parametrize("n_bins", [1, 5, 10, 17])
    def test_matches_sklearn(self, n_bins):
        rng = np.random.default_rng(n_bins)
        p = rng.random(500)
        p[:5] = [0.0, 1.0, 0.5, 0.2, 0.8]  # edges and ties
        y = rng.random(500) < p
        mean_predicted, observed, count = calibration_curve(p, y, n_bins)
        sk_observed, sk_predicted = sklearn_calibration_curve(y, p, n_bins=n_bins)
        np.testing.assert_allclose(mean_predicted, sk_predicted, rtol=1e-12)
        np.testing.assert_allclose(observed, sk_observed, rtol=1e-12)
        assert count.sum() == 500 and np.all(count > 0)

    def test_empty_bins_are_left_out(self):
        mean_predicted, observed, count = calibration_curve([0.05, 0.95], [0, 1], n_bins=10)
        np.testing.assert_allclose(mean_predicted, [0.05, 0.95])
        np.testing.assert_array_equal(observed, [0.0, 1.0])
        np.testing.assert_array_equal(count, [1, 1])

    def test_a_calibrated_model_is_near_the_diagonal(self):
        rng = np.random.default_rng(0)
        p = rng.random(100_000)
        y = rng.random(100_000) < p  # labels drawn with exactly these probabilities
        mean_predicted, observed, count = calibration_curve(p, y)
        noise = np.sqrt(observed * (1 - observed) / count)
        assert np.all(np.abs(observed - mean_predicted) < 5 * noise + 1e-12)

    @pytest.mark.parametrize("p", [[0.5, 1.5], [-0.1, 0.5], [np.nan, 0.5], [[0.5, 0.5]]])
    def test_rejects_what_is_not_a_probability(self, p):
        with pytest.raises(ValueError, match="p must"):
            calibration_curve(p, [0, 1])

    def test_rejects_bad_labels_and_bins(self):
        with pytest.raises(ValueError, match="labels"):
            calibration_curve([0.5, 0.5], [0, 2])
        with pytest.raises(ValueError, match="n_bins"):
            calibration_curve([0.5, 0.5], [0, 1], n_bins=0)


class TestStandardErrors:
    def test_the_textbook_formula(self):
        """sqrt(diag((X^T W X)^-1)), W = diag(p(1-p)), as statistics packages compute it."""
        X, y = noisy_problem()
        theta = lb.newton(X, y).theta
        p = lb.sigmoid(X @ theta)
        covariance = np.linalg.inv(X.T @ (X * (p * (1 - p))[:, None]))
        np.testing.assert_allclose(standard_errors(theta, X, y), np.sqrt(np.diag(covariance)),
                                   rtol=1e-10)

    def test_penalty_adds_m_lambda_to_the_penalised_diagonal(self):
        X, y = noisy_problem()
        l2 = 0.05
        theta = lb.newton(X, y, l2=l2).theta
        information = len(y) * lb.hessian(theta, X, y)
        information[1:, 1:] += len(y) * l2 * np.eye(X.shape[1] - 1)
        expected = np.sqrt(np.diag(np.linalg.inv(information)))
        np.testing.assert_allclose(standard_errors(theta, X, y, l2=l2), expected, rtol=1e-10)
        assert np.all(standard_errors(theta, X, y, l2=l2)[1:] < standard_errors(theta, X, y)[1:])

    def test_scaling_a_feature_scales_its_error(self):
        X, y = noisy_problem()
        theta = lb.newton(X, y).theta
        scaled = X * np.array([1.0, 10.0, 1.0])
        np.testing.assert_allclose(
            standard_errors(theta / np.array([1.0, 10.0, 1.0]), scaled, y),
            standard_errors(theta, X, y) / np.array([1.0, 10.0, 1.0]), rtol=1e-9)

    def test_shrink_like_one_over_root_m(self):
        small = standard_errors(np.zeros(3), *noisy_problem(m=1000))
        large = standard_errors(np.zeros(3), *noisy_problem(m=16_000))
        np.testing.assert_allclose(small / large, 4.0, rtol=0.05)

    def test_match_the_spread_over_simulated_data_sets(self):
        """Refit on 300 data sets drawn from one model: the spread of theta-hat ~ SE."""
        rng = np.random.default_rng(2024)
        m, theta_true = 400, np.array([0.5, 1.0, -1.0])
        X = lb.add_intercept(rng.standard_normal((m, 2)))  # fixed design
        p_true = lb.sigmoid(X @ theta_true)
        estimates, errors = [], []
        for _ in range(300):
            y = rng.random(m) < p_true
            theta = lb.newton(X, y).theta
            estimates.append(theta)
            errors.append(standard_errors(theta, X, y))
        estimates, errors = np.array(estimates), np.array(errors)
        # 300 replicates: the sample sd is within ~10 % of the truth; the MLE's small-sample
        # bias adds a few per cent.
        np.testing.assert_allclose(estimates.std(axis=0, ddof=1), errors.mean(axis=0),
                                   rtol=0.2)
        # theta-hat +- 2 SE covers the true value about 95 % of the time
        coverage = (np.abs(estimates - theta_true) < 2 * errors).mean(axis=0)
        assert np.all((coverage > 0.9) & (coverage < 0.99))

    def test_collinear_columns_raise(self, opening):
        X, y = opening
        with pytest.raises(ValueError, match="not positive definite"):
            standard_errors(np.zeros(4), np.c_[X, 2 * X[:, 1]], y)

    def test_separated_data_at_a_huge_theta_raise(self):
        X, y = lb.make_separable_data()
        with pytest.raises(ValueError, match="separable"):
            standard_errors(np.array([0.0, 1e4, 1e4]), X, y)

    def test_float32(self):
        X, y = noisy_problem()
        theta = lb.newton(X, y).theta
        se32 = standard_errors(theta.astype(np.float32), X.astype(np.float32), y)
        np.testing.assert_allclose(se32, standard_errors(theta, X, y), rtol=1e-4)
