"""detect_separation sorts data into complete / quasi-complete separation or overlap."""

import numpy as np
import pytest

import lossbook as lb

pytest.importorskip("scipy")

PAIR = np.array([[1.0, 0.3, -0.3], [1.0, 0.3, -0.3]])  # on the line x1 + x2 = 0


def test_complete_separation_with_certificate():
    X, y = lb.make_separable_data()
    result = lb.detect_separation(X, y)
    assert result.kind == "complete" and not result.mle_exists and result.on_boundary == 0
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
    assert result.on_boundary == 0
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
    with pytest.raises(ValueError, match=r"^X holds NaN or infinity; separation is decided for "
                       r"finite data only$"):
        lb.detect_separation(bad, y)


# ---- the linear programs' scale, tolerance and box (issue 14, part 3: `make mutation`) ----

def four_points(delta, positive_right=True):
    """x = +-1 and +-delta, labelled by their side of 0 (or the other way round).

    By hand: the margins along theta = (theta0, theta1), over max ||x_i||_1 = 2, are
    (+-theta0 + theta1) / 2 and (+-theta0 + delta theta1) / 2; the last two sum to
    delta theta1, so the smallest margin is at most delta / 2 in the box, and equals it only at
    theta = (0, 1) (or (0, -1) with the labels the other way round).
    """
    X = np.array([[1.0, 1.0], [1.0, -1.0], [1.0, delta], [1.0, -delta]])
    y = np.array([1, 0, 1, 0]) if positive_right else np.array([0, 1, 0, 1])
    return X, y


@pytest.mark.parametrize("positive_right", [True, False])
def test_complete_certificate_is_the_largest_smallest_margin_in_the_box(positive_right):
    X, y = four_points(0.25, positive_right)
    result = lb.detect_separation(X, y)
    assert result.kind == "complete" and result.on_boundary == 0
    np.testing.assert_allclose(result.theta, [0.0, 1.0 if positive_right else -1.0],
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize(("tol", "kind"), [(4e-4, "complete"), (6e-4, "quasi-complete")])
@pytest.mark.parametrize("unit", [1.0, 1e-9, 1e9])
def test_tol_is_relative_to_the_largest_row(tol, kind, unit):
    """The smallest margin is delta / 2 = 5e-4 relative to max ||x_i||_1 (four_points), in
    whatever units X is given."""
    X, y = four_points(1e-3)
    assert lb.detect_separation(X * unit, y, tol=tol).kind == kind


@pytest.mark.parametrize("unit", [1e-12, 1e-6, 1e6, 1e12])
def test_the_same_answer_in_any_units(unit):
    """Margins scale with X: the case cannot depend on its units (it did, the solver's
    tolerances being absolute: 1e-9 X was 'overlap', 1e9 X 'quasi-complete')."""
    X, y = lb.make_separable_data()
    assert lb.detect_separation(X * unit, y).kind == "complete"
    quasi = lb.detect_separation(np.vstack([X, PAIR]) * unit, np.r_[y, True, False])
    assert (quasi.kind, quasi.on_boundary) == ("quasi-complete", 2)
    X_train, _, y_train, _ = lb.train_test_split(*lb.make_data())
    assert lb.detect_separation(X_train * unit, y_train).kind == "overlap"


@pytest.mark.parametrize(("tol", "error"), [(0.0, ValueError), (-1e-9, ValueError),
                                            (np.nan, ValueError), (np.inf, ValueError),
                                            ("1e-9", TypeError), (True, TypeError)])
def test_bad_tol_is_named(tol, error):
    # NaN made every data set 'overlap' (every comparison false), the MLE said to exist
    X, y = lb.make_separable_data()
    expected = "a finite number > 0" if error is ValueError else "a real number"
    with pytest.raises(error, match=rf"^tol must be {expected}, got "):
        lb.detect_separation(X, y, tol=tol)


class FakeLinprog:
    """scipy's linprog, but with the answers of the calls numbered in ``fakes`` replaced."""

    def __init__(self, monkeypatch, **fakes):
        import scipy.optimize

        self.real, self.fakes, self.calls = scipy.optimize.linprog, fakes, 0
        monkeypatch.setattr(scipy.optimize, "linprog", self)

    def __call__(self, *args, **kwargs):
        self.calls += 1
        fake = self.fakes.get(f"call{self.calls}")
        result = self.real(*args, **kwargs)
        return result if fake is None else fake(result)


def quasi_data():
    X, y = lb.make_separable_data()
    return np.vstack([X, PAIR]), np.r_[y, True, False]


def failed(result):
    from scipy.optimize import OptimizeResult

    return OptimizeResult(status=4, fun=None, x=None, message="numerical difficulties")


def test_a_failed_first_program_leaves_the_second_to_decide(monkeypatch):
    fake = FakeLinprog(monkeypatch, call1=failed)
    result = lb.detect_separation(*quasi_data())
    assert (result.kind, result.on_boundary, fake.calls) == ("quasi-complete", 2, 2)


@pytest.mark.parametrize(("theta", "smallest"), [([0.0, 1.0, 1.0], "zero"),
                                                 ([0.0, 0.0, 1.0], "negative")])
def test_a_claimed_complete_separation_is_checked(monkeypatch, theta, smallest):
    """The solver claims t = 0.5 with a theta whose smallest margin is 0 (x1 + x2: the pair on
    the line) or negative (x2 alone): neither certifies complete separation, so the second
    program decides."""
    from scipy.optimize import OptimizeResult

    X, y = quasi_data()
    margins = np.where(y, 1.0, -1.0) * (X @ theta)
    assert margins.min() == 0.0 if smallest == "zero" else margins.min() < -0.1
    claim = OptimizeResult(status=0, fun=-0.5, x=np.r_[theta, 0.5], message="")
    fake = FakeLinprog(monkeypatch, call1=lambda _: claim)
    result = lb.detect_separation(X, y)
    assert (result.kind, result.on_boundary, fake.calls) == ("quasi-complete", 2, 2)


def test_a_certificate_with_a_negative_margin_is_never_returned(monkeypatch):
    X, y = quasi_data()

    def wrong(result):
        result.x = np.array([0.0, 0.0, 1.0])  # x2 alone: margins of both signs
        return result

    FakeLinprog(monkeypatch, call2=wrong)
    result = lb.detect_separation(X, y)
    margins = np.where(y, 1.0, -1.0) * (X @ [0.0, 0.0, 1.0])
    assert margins.min() < -0.1 and margins.max() > 0.1
    assert result.theta is None


def test_a_failed_second_program_is_an_error_that_says_why(monkeypatch):
    from scipy.optimize import OptimizeResult

    FakeLinprog(monkeypatch, call2=lambda _: OptimizeResult(status=2, fun=None, x=None,
                                                            message="The problem is infeasible"))
    with pytest.raises(RuntimeError, match=r"^linprog failed: The problem is infeasible$"):
        lb.detect_separation(*quasi_data())
