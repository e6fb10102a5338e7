"""The opening example's data, its train/test split, and the intercept column.

``make_data`` and ``train_test_split`` reproduce, number for number, what the opening
lesson's program does with ``numpy.random.RandomState`` and scikit-learn, so the course can
start without scikit-learn installed (notebook 00).
"""

import math
import numbers

import numpy as np

from ._validate import check_positive_float, check_positive_int

__all__ = ["add_intercept", "make_data", "make_separable_data", "train_test_split"]


def add_intercept(X):
    """Prepend a column of ones to X, so that theta[0] is the intercept (bias).

    The input is not modified; a new float array is returned.

    >>> add_intercept([[2.0, 3.0], [4.0, 5.0]])
    array([[1., 2., 3.],
           [1., 4., 5.]])
    """
    X = np.asarray(X)
    if X.dtype.kind not in "iuf":
        raise TypeError(f"X must hold real numbers, got dtype {X.dtype}")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (m samples x n features), got shape {X.shape}")
    dtype = np.result_type(X.dtype, np.float32) if X.dtype.kind == "f" else np.float64
    out = np.empty((X.shape[0], X.shape[1] + 1), dtype=dtype)
    out[:, 0] = 1.0
    out[:, 1:] = X
    return out


def make_data(m=100, n=2, theta_true=(1, 2, 3), noise=0.2, seed=42):
    r"""The opening example's data: m samples, n Gaussian features, noisy linear labels.

    Exactly as the opening lesson's program does it, with ``rng = RandomState(seed)``:
    ``X = rng.randn(m, n)`` with a column of ones prepended, then
    ``y = (X @ theta_true + rng.randn(m) * noise) > 0``. Labels are bools.

    >>> X, y = make_data()
    >>> X.shape, y.shape, y.dtype
    ((100, 3), (100,), dtype('bool'))
    >>> X[0].round(4)
    array([ 1.    ,  0.4967, -0.1383])
    """
    m = check_positive_int(m, "m", allow_zero=False)
    n = check_positive_int(n, "n", allow_zero=False)
    theta_true = np.asarray(theta_true, dtype=np.float64)
    if theta_true.shape != (n + 1,):
        raise ValueError(
            f"theta_true must have n + 1 = {n + 1} entries (intercept first), "
            f"got shape {theta_true.shape}"
        )
    if not (isinstance(noise, numbers.Real) and noise >= 0):
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")
    rng = np.random.RandomState(seed)
    X = add_intercept(rng.randn(m, n))
    y = (X @ theta_true + rng.randn(m) * noise) > 0
    return X, y


def make_separable_data(m=100, n=2, seed=0, margin=0.5):
    """Linearly separable data: labels given by the side of a line, with a gap around it.

    Points within ``margin`` of the boundary ``x1 + x2 = 0`` (in the first two features)
    are pushed away from it, so a separating line exists and no finite minimum of the
    unregularised loss does (notebook 08).

    >>> X, y = make_separable_data(m=10)
    >>> bool(np.all((X[:, 1] + X[:, 2] > 0) == y))
    True
    """
    m = check_positive_int(m, "m", allow_zero=False)
    n = check_positive_int(n, "n", allow_zero=False)
    if n < 2:
        raise ValueError(f"n must be >= 2, got {n}")
    margin = check_positive_float(margin, "margin")
    rng = np.random.RandomState(seed)
    features = rng.randn(m, n)
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

    >>> X, y = make_data()
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y)
    >>> X_train.shape, X_test.shape
    ((80, 3), (20, 3))
    """
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
    perm = np.random.RandomState(random_state).permutation(m)
    test, train = perm[:n_test], perm[n_test:]
    return X[train], X[test], y[train], y[test]
