"""The opening example's data and split, against the program and scikit-learn."""

import numpy as np
import pytest
from sklearn.model_selection import train_test_split as sk_train_test_split

import lossbook as lb


def test_make_data_is_the_opening_program():
    # The opening lesson's own lines, with the legacy global seed.
    np.random.seed(42)  # noqa: NPY002 - the lesson's own legacy calls, on purpose
    X = np.random.randn(100, 2)  # noqa: NPY002
    X = np.hstack([np.ones((100, 1)), X])
    y = (X @ np.array([1, 2, 3]) + np.random.randn(100) * 0.2) > 0  # noqa: NPY002
    X_lb, y_lb = lb.make_data()
    np.testing.assert_array_equal(X_lb, X)
    np.testing.assert_array_equal(y_lb, y)
    assert y_lb.dtype == bool


def test_make_data_other_sizes():
    X, y = lb.make_data(m=7, n=4, theta_true=(0, 1, 1, 1, 1), noise=0.0, seed=1)
    assert X.shape == (7, 5) and y.shape == (7,)
    np.testing.assert_array_equal(X[:, 0], 1.0)
    np.testing.assert_array_equal(y, X @ np.array([0, 1, 1, 1, 1]) > 0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"m": 0}, "m must be > 0"),
        ({"n": 3}, "theta_true must have n \\+ 1 = 4"),
        ({"noise": -1.0}, "noise must be"),
        ({"m": 2.5}, "whole number"),
    ],
)
def test_make_data_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        lb.make_data(**kwargs)


@pytest.mark.parametrize("m", [5, 10, 99, 100, 101, 1000])
@pytest.mark.parametrize("test_size", [0.2, 0.25, 0.5, 0.33, 3])
@pytest.mark.parametrize("seed", [0, 42, 2024])
def test_split_is_scikit_learns(m, test_size, seed):
    rng = np.random.default_rng(m)
    X = rng.standard_normal((m, 3))
    y = rng.random(m) < 0.5
    ours = lb.train_test_split(X, y, test_size=test_size, random_state=seed)
    theirs = sk_train_test_split(X, y, test_size=test_size, random_state=seed)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)


def test_split_defaults_are_the_opening_examples():
    X, y = lb.make_data()
    ours = lb.train_test_split(X, y)
    theirs = sk_train_test_split(X, y, test_size=0.2, random_state=42)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("test_size", [0.0, 1.0, 1.5, 0, 10, "0.2", True])
def test_split_bad_sizes(test_size):
    X, y = np.zeros((10, 2)), np.zeros(10)
    with pytest.raises(ValueError, match="test_size"):
        lb.train_test_split(X, y, test_size=test_size)


def test_split_length_mismatch():
    with pytest.raises(ValueError, match="y has 9 rows but X has 10"):
        lb.train_test_split(np.zeros((10, 2)), np.zeros(9))


def test_add_intercept():
    X = np.array([[2, 3], [4, 5]])
    out = lb.add_intercept(X)
    np.testing.assert_array_equal(out, [[1, 2, 3], [1, 4, 5]])
    assert out.dtype == np.float64
    assert lb.add_intercept(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_array_equal(X, [[2, 3], [4, 5]])  # not modified
    with pytest.raises(ValueError, match="2-D"):
        lb.add_intercept(np.zeros(3))


def test_add_intercept_works_in_float32_at_least_and_float64_for_integers():
    # float16 is widened to float32 (as the kernel computes); small integers and bools, which
    # numpy would promote with float32 to float32, become float64 like every integer X.
    ones = np.ones((2, 2))
    assert lb.add_intercept(ones.astype(np.float16)).dtype == np.float32
    for dtype in (np.int8, np.uint8, np.int16, np.bool_):
        out = lb.add_intercept(ones.astype(dtype))
        assert out.dtype == np.float64, dtype
        np.testing.assert_array_equal(out, np.ones((2, 3)))


def test_add_intercept_names_x_in_its_dtype_error():
    with pytest.raises(TypeError, match=r"^X must hold real numbers, got dtype <U1"):
        lb.add_intercept(np.array([["a", "b"]]))


def test_separable_data_is_separable():
    X, y = lb.make_separable_data(m=200, seed=3)
    theta = np.array([0.0, 1.0, 1.0])
    margins = np.where(y, 1, -1) * (X @ theta)
    assert margins.min() > 0.2  # a gap around the boundary


# ---- what `make mutation` found untested (issue 14, part 3) ----------------------------------


@pytest.mark.parametrize(("test_size", "message"), [
    (0.0, "test_size must be a fraction in (0, 1) or a count, got 0.0"),
    (1.0, "test_size must be a fraction in (0, 1) or a count, got 1.0"),
    (1.5, "test_size must be a fraction in (0, 1) or a count, got 1.5"),
    (0, "test_size=0 leaves 0 of 10 samples for testing"),
    (10, "test_size=10 leaves 10 of 10 samples for testing"),
])
def test_split_bad_sizes_say_which_rule_they_break(test_size, message):
    with pytest.raises(ValueError) as info:
        lb.train_test_split(np.zeros((10, 2)), np.zeros(10), test_size=test_size)
    assert str(info.value) == message


def test_split_of_a_scalar_says_what_it_needs():
    with pytest.raises(ValueError) as info:
        lb.train_test_split(np.zeros((3, 2)), 1.0)
    assert str(info.value) == "X and y must be arrays with one row per sample"


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"margin": 0.0}, ValueError, "margin must be a finite number > 0, got 0.0"),
    ({"margin": "1"}, TypeError, "margin must be a real number, got '1'"),
    ({"seed": 0.5}, TypeError, "seed must be None, an int, a RandomState or a Generator, got 0.5"),
])
def test_separable_data_errors_name_the_argument(kwargs, error, message):
    with pytest.raises(error) as info:
        lb.make_separable_data(**kwargs)
    assert str(info.value) == message


@pytest.mark.parametrize("seed", [2**32, 2**32 + 1, -1])
def test_seeds_outside_randomstates_range_are_named(seed):
    # RandomState takes 0 .. 2**32 - 1 (its own error would say "Seed", not which argument)
    message = f"must be between 0 and 2**32 - 1, got {seed}"
    with pytest.raises(ValueError) as info:
        lb.make_data(seed=seed)
    assert str(info.value) == f"seed {message}"
    with pytest.raises(ValueError) as info:
        lb.train_test_split(np.zeros((10, 2)), np.zeros(10), random_state=seed)
    assert str(info.value) == f"random_state {message}"


def test_split_refuses_a_generator_saying_why():
    with pytest.raises(TypeError) as info:
        lb.train_test_split(np.zeros((10, 2)), np.zeros(10), random_state=np.random.default_rng())
    assert str(info.value) == (
        "random_state must be None, an int or a numpy.random.RandomState, as in scikit-learn "
        "(which rejects a Generator too: its permutation is a different one)")


def test_make_data_labels_a_logit_of_exactly_zero_false():
    # y = (X theta_true + noise) > 0: with theta_true = 0 and no noise every logit is 0
    _, y = lb.make_data(m=5, theta_true=(0, 0, 0), noise=0.0)
    np.testing.assert_array_equal(y, np.zeros(5, dtype=bool))
