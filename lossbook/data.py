"""The opening example's data, its train/test split, and the intercept column.

``make_data`` and ``train_test_split`` reproduce, number for number, what the opening
lesson's program does with ``numpy.random.RandomState`` and scikit-learn, so the course can
start without scikit-learn installed (notebook 00).
"""

import math
import numbers

import numpy as np

from ._validate import as_real_array, check_positive_float, check_positive_int

__all__ = ["add_intercept", "make_data", "make_separable_data", "train_test_split"]


def add_intercept(X):
    """Prepend a column of ones to X, so that theta[0] is the intercept (bias).

    The input is not modified; a new float array is returned.

    >>> add_intercept([[2.0, 3.0], [4.0, 5.0]])
    array([[1., 2., 3.],
           [1., 4., 5.]])
    """
    X = as_real_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (m samples x n features), got shape {X.shape}")
    dtype = np.result_type(X.dtype, np.float32) if X.dtype.kind == "f" else np.float64
    out = np.empty((X.shape[0], X.shape[1] + 1), dtype=dtype)
    out[:, 0] = 1.0
    out[:, 1:] = X
    return out


def _random_state(seed, name, allow_generator=True):
    """A RandomState (or Generator) from seed, as scikit-learn's ``check_random_state`` does.

    None is numpy's global RandomState; an int seeds a new RandomState; a RandomState (or,
    where allowed, a Generator) is used as it is, and advances.
    """
    if seed is None:
        return np.random.mtrand._rand
    if isinstance(seed, numbers.Integral) and not isinstance(seed, (bool, np.bool_)):
        if not 0 <= seed < 2**32:
            raise ValueError(f"{name} must be between 0 and 2**32 - 1, got {seed}")
        return np.random.RandomState(int(seed))
    if isinstance(seed, np.random.RandomState):
        return seed
    if isinstance(seed, np.random.Generator):
        if allow_generator:
            return seed
        raise TypeError(
            f"{name} must be None, an int or a numpy.random.RandomState, as in scikit-learn "
            "(which rejects a Generator too: its permutation is a different one)"
        )
    kinds = "None, an int, a RandomState or a Generator" if allow_generator else (
        "None, an int or a numpy.random.RandomState")
    raise TypeError(f"{name} must be {kinds}, got {seed!r}")


def make_data(m=100, n=2, theta_true=(1, 2, 3), noise=0.2, seed=42):
    r"""The opening example's data: m samples, n Gaussian features, noisy linear labels.

    Exactly as the opening lesson's program does it, with ``rng = RandomState(seed)``:
    ``X = rng.randn(m, n)`` with a column of ones prepended, then
    ``y = (X @ theta_true + rng.randn(m) * noise) > 0``. Labels are bools.
    ``seed`` may also be None (numpy's global RandomState), a ``RandomState`` (used as it
    is) or a ``Generator`` (which draws ``standard_normal``: other numbers than the
    opening program's). ``theta_true`` must be finite and ``noise`` a finite number >= 0.

    >>> X, y = make_data()
    >>> X.shape, y.shape, y.dtype
    ((100, 3), (100,), dtype('bool'))
    >>> X[0].round(4)
    array([ 1.    ,  0.4967, -0.1383])
    """
    m = check_positive_int(m, "m", allow_zero=False)
    n = check_positive_int(n, "n", allow_zero=False)
    theta_true = as_real_array(theta_true, "theta_true").astype(np.float64)
    if theta_true.shape != (n + 1,):
        raise ValueError(
            f"theta_true must have n + 1 = {n + 1} entries (intercept first), "
            f"got shape {theta_true.shape}"
        )
    if not np.isfinite(theta_true).all():
        raise ValueError(f"theta_true must be finite, got {theta_true.tolist()}")
    noise = check_positive_float(noise, "noise", allow_zero=True)
    rng = _random_state(seed, "seed")
    X = add_intercept(rng.standard_normal((m, n)))
    y = (X @ theta_true + rng.standard_normal(m) * noise) > 0
    return X, y


def make_separable_data(m=100, n=2, seed=0, margin=0.5):
    r"""Linearly separable data: labels given by the side of a line, with a gap around it.

    Points within ``margin`` of the boundary ``x1 + x2 = 0`` (in the first two features)
    are pushed away from it, so a separating line exists and no finite minimum of the
    unregularised loss does (notebook 08): every point has
    :math:`|x_1 + x_2| \ge` ``margin``. ``seed`` as for :func:`make_data`.

    >>> X, y = make_separable_data(m=10)
    >>> bool(np.all((X[:, 1] + X[:, 2] > 0) == y))
    True
    """
    m = check_positive_int(m, "m", allow_zero=False)
    n = check_positive_int(n, "n", allow_zero=False)
    if n < 2:
        raise ValueError(f"n must be >= 2, got {n}")
    margin = check_positive_float(margin, "margin")
    rng = _random_state(seed, "seed")
    features = rng.standard_normal((m, n))
    side = features[:, 0] + features[:, 1]
    push = np.where(side >= 0, 1.0, -1.0) * margin / 2
    features[:, 0] += push
    features[:, 1] += push
    return add_intercept(features), side >= 0


def train_test_split(X, y, test_size=0.2, random_state=42):
    """Split into ``X_train, X_test, y_train, y_test`` exactly as scikit-learn does.

    Same arguments, same result as ``sklearn.model_selection.train_test_split`` (a
    ``ShuffleSplit``): with ``n_test = ceil(test_size * m)`` for a fraction (or test_size
    itself for a count), ``perm = RandomState(random_state).permutation(m)``, the test rows
    are ``perm[:n_test]`` and the train rows ``perm[n_test:]``. Inputs are not modified.
    ``random_state`` is what scikit-learn takes: an int, None (numpy's global RandomState)
    or a ``RandomState`` (used as it is, and advanced); a ``Generator`` is refused, as
    scikit-learn refuses it. X and y may be any arrays (or pandas objects) with one row per
    sample; rows are taken with numpy indexing.

    >>> X, y = make_data()
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y)
    >>> X_train.shape, X_test.shape
    ((80, 3), (20, 3))
    """
    rng = _random_state(random_state, "random_state", allow_generator=False)
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("X and y must be arrays with one row per sample")
    m = X.shape[0]
    if y.shape[0] != m:
        raise ValueError(f"y has {y.shape[0]} rows but X has {m}")
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        n_test = int(test_size)
    elif isinstance(test_size, numbers.Real) and 0 < test_size < 1:
        n_test = math.ceil(test_size * m)
    else:
        raise ValueError(f"test_size must be a fraction in (0, 1) or a count, got {test_size!r}")
    if not 0 < n_test < m:
        raise ValueError(f"test_size={test_size!r} leaves {n_test} of {m} samples for testing")
    perm = rng.permutation(m)
    test, train = perm[:n_test], perm[n_test:]
    return X[train], X[test], y[train], y[test]
