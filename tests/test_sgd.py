"""lossbook.sgd: unbiased mini-batch gradients, their 1/B variance, determinism, convergence."""

import warnings

import numpy as np
import pytest
from test_mutation_kills import assert_points_at_the_caller

import lossbook as lb
from lossbook.stochastic import _batches


@pytest.fixture
def problem():
    X, y = lb.make_data(m=300, noise=1.0, seed=3)  # overlapping classes: a finite optimum
    return X, y


def reference_sgd(X, y, eta, B, n_epochs, seed, l2=0.0, decay_epochs=None, average=False):
    """The algorithm as documented, written independently: lb.gradient on each batch's rows,
    the step eta / (1 + k / (n_b T)) at step k = 0, 1, ... if decay_epochs = T is given, and
    the running mean of the iterates after each step if average."""
    rng = np.random.default_rng(seed)
    theta = np.zeros(X.shape[1])
    mean, k = theta, 0
    m = X.shape[0]
    n_b = -(-m // B)
    for _ in range(n_epochs):
        order = rng.permutation(m)
        for start in range(0, m, B):
            rows = order[start : start + B]
            step = eta if decay_epochs is None else eta / (1 + k / (n_b * decay_epochs))
            theta = theta - step * lb.gradient(theta, X[rows], y[rows], l2)
            k += 1
            mean = mean + (theta - mean) / k
    return mean if average else theta


def test_batches_partition_the_samples_once_per_epoch():
    rng = np.random.default_rng(0)
    batches = _batches(103, 10, rng)
    assert [len(b) for b in batches] == [10] * 10 + [3]
    assert sorted(np.concatenate(batches).tolist()) == list(range(103))


@pytest.mark.parametrize("B", [1, 7, 30, 300])
def test_batch_gradients_of_an_epoch_average_to_the_full_gradient(problem, B):
    # Unbiasedness, exactly: each sample is in one batch, so sum_b |b|/m g_b = grad J.
    X, y = problem
    theta = np.array([0.3, -0.7, 1.1])
    batches = _batches(X.shape[0], B, np.random.default_rng(1))
    weighted = sum(len(b) / X.shape[0] * lb.gradient(theta, X[b], y[b], 0.5) for b in batches)
    np.testing.assert_allclose(weighted, lb.gradient(theta, X, y, 0.5), rtol=1e-12, atol=1e-15)


def finite_population_variance(theta, X, y, B):
    """E|g_B - grad J|^2 = (m - B) / (B (m - 1)) tr S, from the per-sample gradients."""
    m = X.shape[0]
    per_sample = X * lb.residual(X @ theta, y)[:, None]  # row i: x_i (sigma(z_i) - y_i)
    trace_S = np.sum((per_sample - per_sample.mean(axis=0)) ** 2) / m
    return (m - B) / (B * (m - 1)) * trace_S


@pytest.mark.parametrize("B", [1, 4, 16, 64, 200])
def test_variance_of_the_batch_gradient_matches_sampling_without_replacement(problem, B):
    X, y = problem
    theta = np.array([0.3, -0.7, 1.1])
    full = lb.gradient(theta, X, y)
    rng = np.random.default_rng(5)
    draws = 3000
    sq = [np.sum((lb.gradient(theta, X[b], y[b]) - full) ** 2)
          for b in (rng.choice(X.shape[0], B, replace=False) for _ in range(draws))]
    expected = finite_population_variance(theta, X, y, B)
    assert np.mean(sq) == pytest.approx(expected, rel=0.12)  # ~5 standard errors


def test_variance_falls_as_one_over_B(problem):
    X, y = problem
    theta = np.array([0.3, -0.7, 1.1])
    v = [finite_population_variance(theta, X, y, B) for B in (1, 2, 4)]
    m = X.shape[0]
    # (m - B) / (B (m - 1)): close to 1/B while B << m, and 0 at B = m
    assert v[0] / v[1] == pytest.approx(2 * (m - 1) / (m - 2))
    assert finite_population_variance(theta, X, y, m) == 0


def test_follows_the_documented_algorithm(problem):
    X, y = problem
    result = lb.sgd(X, y, learning_rate=0.3, batch_size=16, n_epochs=4, seed=11, l2=0.01)
    np.testing.assert_allclose(result.theta, reference_sgd(X, y, 0.3, 16, 4, 11, 0.01),
                               rtol=1e-12)
    assert result.n_iter == 4 and len(result.history) == 5
    assert result.history[0] == pytest.approx(np.log(2))
    assert result.history[-1] == pytest.approx(lb.loss(result.theta, X, y, 0.01), rel=1e-12)
    assert result.grad_norm == pytest.approx(
        np.linalg.norm(lb.gradient(result.theta, X, y, 0.01)), rel=1e-12)


@pytest.mark.parametrize("average", [False, True])
def test_the_decaying_step_and_the_average_follow_the_documented_algorithm(problem, average):
    X, y = problem
    result = lb.sgd(X, y, learning_rate=2.0, batch_size=32, n_epochs=3, seed=5, l2=0.01,
                    schedule="inverse", decay_epochs=0.5, average=average)
    want = reference_sgd(X, y, 2.0, 32, 3, 5, 0.01, decay_epochs=0.5, average=average)
    np.testing.assert_allclose(result.theta, want, rtol=1e-12)
    assert result.history[-1] == pytest.approx(lb.loss(want, X, y, 0.01), rel=1e-12)


def test_decay_epochs_defaults_to_one(problem):
    X, y = problem
    result = lb.sgd(X, y, learning_rate=2.0, batch_size=32, n_epochs=2, seed=5,
                    schedule="inverse")
    np.testing.assert_allclose(result.theta, reference_sgd(X, y, 2.0, 32, 2, 5,
                                                           decay_epochs=1.0), rtol=1e-12)


def test_an_exact_minimum_stops_before_the_first_epoch_with_tol_0():
    """Balanced labels over x = ±1: the gradient at θ = 0 is exactly 0 <= tol = 0."""
    X = lb.add_intercept(np.array([[1.0], [-1.0], [1.0], [-1.0]]))
    result = lb.sgd(X, [0, 0, 1, 1], learning_rate=0.5, batch_size=1, n_epochs=5, seed=0)
    assert result.converged and result.n_iter == 0 and result.grad_norm == 0.0
    assert result.message == "gradient norm 0 <= tol=0 after 0 epochs"


def test_full_batch_with_a_constant_step_is_gradient_descent(problem):
    X, y = problem
    result = lb.sgd(X, y, learning_rate=1.0, batch_size=X.shape[0], n_epochs=25, seed=0)
    gd = lb.gradient_descent(X, y, learning_rate=1.0, num_iterations=25)
    np.testing.assert_allclose(result.theta, gd.theta, rtol=1e-10)
    np.testing.assert_allclose(result.history, gd.history, rtol=1e-10)


def test_deterministic_for_a_seed(problem):
    X, y = problem
    a = lb.sgd(X, y, 0.5, 8, 3, seed=42)
    b = lb.sgd(X, y, 0.5, 8, 3, seed=42)
    c = lb.sgd(X, y, 0.5, 8, 3, seed=43)
    np.testing.assert_array_equal(a.theta, b.theta)
    np.testing.assert_array_equal(a.history, b.history)
    assert not np.array_equal(a.theta, c.theta)
    d = lb.sgd(X, y, 0.5, 8, 3, seed=np.random.default_rng(42))
    np.testing.assert_array_equal(a.theta, d.theta)


def test_a_generator_is_used_as_is_and_advances(problem):
    X, y = problem
    rng = np.random.default_rng(9)
    first = lb.sgd(X, y, 0.5, 8, 1, seed=rng).theta
    second = lb.sgd(X, y, 0.5, 8, 1, seed=rng).theta
    assert not np.array_equal(first, second)


def test_shuffles_every_epoch(problem):
    # Two epochs with the same order would equal the reference with a fixed permutation.
    X, y = problem
    result = lb.sgd(X, y, 0.5, 10, 2, seed=4)
    rng = np.random.default_rng(4)
    order = rng.permutation(X.shape[0])
    theta = np.zeros(3)
    for _ in range(2):
        for start in range(0, X.shape[0], 10):
            rows = order[start : start + 10]
            theta = theta - 0.5 * lb.gradient(theta, X[rows], y[rows])
    assert not np.allclose(result.theta, theta, rtol=1e-9)


@pytest.fixture(scope="module")
def optimum():
    X, y = lb.make_data(m=300, noise=1.0, seed=3)
    return X, y, lb.newton(X, y).theta


def test_decaying_step_converges_near_newtons_optimum(optimum):
    X, y, theta_star = optimum
    J_star = lb.loss(theta_star, X, y)
    constant = lb.sgd(X, y, 2.0, 5, 200, seed=0)
    inverse = lb.sgd(X, y, 2.0, 5, 200, seed=0, schedule="inverse", decay_epochs=5)
    gap_constant = constant.history[-20:] - J_star
    gap_inverse = inverse.history[-1] - J_star
    assert gap_inverse < 1e-6
    assert np.linalg.norm(inverse.theta - theta_star) < 0.05 * np.linalg.norm(theta_star)
    assert gap_inverse < 0.1 * gap_constant.mean()  # the constant step stalls at a floor


def test_averaging_beats_the_last_iterate_at_a_constant_step(optimum):
    X, y, theta_star = optimum
    J_star = lb.loss(theta_star, X, y)
    last = lb.sgd(X, y, 1.0, 5, 100, seed=1)
    mean = lb.sgd(X, y, 1.0, 5, 100, seed=1, average=True)
    assert mean.history[-1] - J_star < 0.2 * (last.history[-1] - J_star)
    assert mean.history[-1] == pytest.approx(lb.loss(mean.theta, X, y), rel=1e-12)


def test_a_short_decay_stops_short(optimum):
    # eta_0 / (1 + epoch): the steps sum to only ~eta_0 log(epochs), too little when mu is small
    X, y, theta_star = optimum
    J_star = lb.loss(theta_star, X, y)
    short = lb.sgd(X, y, 1.0, 5, 200, seed=0, schedule="inverse", decay_epochs=1)
    longer = lb.sgd(X, y, 1.0, 5, 200, seed=0, schedule="inverse", decay_epochs=20)
    assert longer.history[-1] - J_star < 0.01 * (short.history[-1] - J_star)


def test_noise_floor_grows_with_the_step(optimum):
    X, y, theta_star = optimum
    J_star = lb.loss(theta_star, X, y)
    floors = [np.mean(lb.sgd(X, y, eta, 5, 150, seed=2).history[-50:] - J_star)
              for eta in (0.1, 0.4, 1.6)]
    assert floors[0] < floors[1] < floors[2]


def test_tol_stops_early(optimum):
    X, y, _ = optimum
    result = lb.sgd(X, y, 2.0, 10, 10_000, seed=0, schedule="inverse", decay_epochs=5,
                    tol=1e-3)
    assert result.converged and result.n_iter < 10_000 and result.grad_norm <= 1e-3
    assert "tol" in result.message


def test_zero_epochs_returns_the_start(problem):
    X, y = problem
    theta0 = np.array([0.1, 0.2, 0.3])
    result = lb.sgd(X, y, 0.1, 5, 0, theta0=theta0, seed=0)
    np.testing.assert_array_equal(result.theta, theta0)
    assert result.theta is not theta0
    assert result.n_iter == 0 and len(result.history) == 1 and not result.converged


def test_inputs_not_modified(problem):
    X, y = problem
    X, y = X.copy(), y.copy()
    X.flags.writeable = False
    y.flags.writeable = False
    theta0 = np.array([0.1, 0.2, 0.3])
    before = theta0.copy()
    lb.sgd(X, y, 0.5, 7, 2, seed=0, theta0=theta0, average=True)
    np.testing.assert_array_equal(theta0, before)


def test_float32_stays_float32(problem):
    X, y = problem
    X32 = X.astype(np.float32)
    result = lb.sgd(X32, y, 0.5, 10, 5, seed=0, schedule="inverse")
    assert result.theta.dtype == np.float32
    ref = lb.sgd(X, y, 0.5, 10, 5, seed=0, schedule="inverse")
    np.testing.assert_allclose(result.theta, ref.theta, rtol=1e-4, atol=1e-5)


def test_integer_labels_and_bools_agree(problem):
    X, y = problem
    a = lb.sgd(X, y, 0.5, 10, 2, seed=0)
    b = lb.sgd(X, y.astype(int), 0.5, 10, 2, seed=0)
    np.testing.assert_array_equal(a.theta, b.theta)


def test_diverging_step_warns_and_returns_a_finite_point():
    X = np.array([[1.0, 1e10], [1.0, 1e10], [1.0, -1e10], [1.0, -1e10]])
    with pytest.warns(lb.ConvergenceWarning) as caught:
        result = lb.sgd(X, [1, 0, 1, 0], 1e300, 2, 5, seed=0, theta0=[0.0, 1.0])
    assert not result.converged and np.isfinite(result.theta).all()
    assert len(result.history) == result.n_iter + 1
    # the first epoch's first step overflows: theta is the start, and epoch 1 is named
    assert result.n_iter == 0 and list(result.theta) == [0.0, 1.0]
    assert result.message == ("diverged in epoch 1: theta or X @ theta overflowed "
                              "(learning_rate=1e+300 is too large)")
    assert str(caught[0].message) == f"sgd: {result.message}"
    assert_points_at_the_caller(caught[0], __file__)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"learning_rate": 0.0}, ValueError, "learning_rate must be a finite number > 0"),
        ({"learning_rate": np.nan}, ValueError, "learning_rate must be a finite number > 0"),
        ({"batch_size": 0}, ValueError, "batch_size must be > 0"),
        ({"batch_size": 2.0}, TypeError, "batch_size must be a whole number"),
        ({"batch_size": 301}, ValueError, "batch_size=301 is larger than the m = 300 samples"),
        ({"n_epochs": -1}, ValueError, "n_epochs must be >= 0"),
        ({"n_epochs": True}, TypeError, "n_epochs must be a whole number"),
        ({"seed": -1}, ValueError, "seed must be >= 0"),
        ({"seed": 1.5}, TypeError, "seed must be None, an int or a numpy.random.Generator"),
        ({"seed": np.random.RandomState(0)}, TypeError, "numpy.random.Generator"),
        ({"schedule": "linear"}, ValueError, "schedule must be one of"),
        ({"average": "yes"}, TypeError, "average must be True or False"),
        ({"decay_epochs": 0.0}, ValueError, "decay_epochs must be a finite number > 0"),
        ({"tol": -1.0}, ValueError, "tol must be a finite number >= 0"),
        ({"l2": -1.0}, ValueError, "l2 must be"),
        ({"theta0": np.zeros(2)}, ValueError, "size 2 but X has 3 columns"),
    ],
)
def test_bad_arguments_are_named(problem, kwargs, error, match):
    X, y = problem
    args = {"learning_rate": 0.1, "batch_size": 10, "n_epochs": 1, "seed": 0, **kwargs}
    with pytest.raises(error, match=match):
        lb.sgd(X, y, **args)


def test_bad_data_are_named(problem):
    X, y = problem
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        lb.sgd(X, np.where(y, 2, 0), 0.1, 10, 1, seed=0)
    with pytest.raises(ValueError, match="y has 299 labels but X has 300 rows"):
        lb.sgd(X, y[:-1], 0.1, 10, 1, seed=0)
    bad = X.copy()
    bad[5, 1] = np.nan
    with pytest.raises(ValueError, match="X contains NaN or infinity"):
        lb.sgd(bad, y, 0.1, 10, 1, seed=0)


def test_no_warnings_on_a_normal_run(problem):
    X, y = problem
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lb.sgd(X, y, 0.5, 10, 3, seed=0, average=True, schedule="inverse")


def test_a_dask_array_is_refused_with_a_reason(problem):
    da = pytest.importorskip("dask.array")
    X, y = problem
    with pytest.raises(TypeError, match=r"^sgd needs X in memory: each step reads a random "
                       r"batch of rows, which a Dask array would fetch from every chunk; pass "
                       r"X\.compute\(\) if it fits, or fit with newton or gradient_descent, "
                       r"which read a Dask array chunk by chunk$"):
        lb.sgd(da.from_array(X, chunks=(100, 3)), y, 0.1, 10, 1, seed=0)
    with pytest.raises(TypeError, match="sgd needs y in memory"):
        lb.sgd(X, da.from_array(y, chunks=100), 0.1, 10, 1, seed=0)
