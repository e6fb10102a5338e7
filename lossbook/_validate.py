"""Input checks shared by the loss and the optimisers.

Every check here is O(m) or cheaper: the labels are read once (by the loss functions block by
block, in the pass that uses them, so that no array of m labels is made), X only for its shape
and dtype. NaN or infinity inside X is caught afterwards, for free, from the non-finite result
it produces (see ``check_finite_result``), so validation never costs an extra pass over X.
"""

import numbers

import numpy as np


def check_X(X):
    """Return X as a 2-D real array (no copy), or raise naming what is wrong."""
    X = np.asarray(X)
    if X.dtype.kind not in "iuf":
        raise TypeError(f"X must hold real numbers, got dtype {X.dtype}")
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-D (m samples x d features, intercept column first), "
            f"got {X.ndim}-D with shape {X.shape}"
        )
    if X.shape[0] == 0:
        raise ValueError("X has no samples (0 rows)")
    if X.shape[1] == 0:
        raise ValueError("X has no columns; it needs at least the intercept column of ones")
    return X


def check_label_array(y, m):
    """Return y as an array of m labels (no copy) after checking its dtype and shape.

    O(1): the values are checked by :func:`check_labels`, or block by block, in the pass
    that uses them, by :func:`labels_are_binary`.
    """
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"y must hold numeric labels 0/1 (or bools), got dtype {y.dtype}")
    if y.ndim != 1:
        hint = " (use y.ravel() for a column vector)" if y.ndim == 2 and 1 in y.shape else ""
        raise ValueError(
            f"y must be 1-D with one label per sample, got shape {y.shape}{hint}; "
            "a column vector would broadcast against an (m,) array into an m x m matrix"
        )
    if y.shape[0] != m:
        raise ValueError(f"y has {y.shape[0]} labels but X has {m} rows")
    return y


def labels_are_binary(labels):
    """True if every label is 0 or 1 (bools always are).

    Two comparisons and two counts, no array of more than the labels' size in bools: the
    check the loss functions run on each block of labels.
    """
    if labels.dtype.kind == "b":
        return True
    n_binary = np.count_nonzero(labels == 0) + np.count_nonzero(labels == 1)
    return n_binary == labels.size


def bad_labels_error(y):
    """The ValueError for labels that are not all 0 or 1, naming how many and a few."""
    is_label = (y == 0) | (y == 1)
    n_bad = y.shape[0] - np.count_nonzero(is_label)
    return ValueError(
        f"labels must be 0 or 1; y holds {n_bad} other value(s), e.g. {y[~is_label][:3].tolist()}"
    )


def check_labels(y, m):
    """Return a boolean array ``y == 1`` after checking y holds m labels, each 0 or 1."""
    y = check_label_array(y, m)
    if y.dtype.kind == "b":
        return y
    if not labels_are_binary(y):
        raise bad_labels_error(y)
    return y == 1


def check_theta(theta, d):
    """Return theta as a 1-D float array of size d, or raise naming what is wrong."""
    theta = np.asarray(theta)
    if theta.dtype.kind not in "iuf":
        raise TypeError(f"theta must hold real numbers, got dtype {theta.dtype}")
    if theta.ndim != 1:
        raise ValueError(f"theta must be 1-D of size {d}, got shape {theta.shape}")
    if theta.shape[0] != d:
        raise ValueError(
            f"theta has size {theta.shape[0]} but X has {d} columns "
            "(did you forget the intercept column? see add_intercept)"
        )
    if theta.dtype.kind != "f":
        theta = theta.astype(np.float64)
    if not np.isfinite(theta).all():
        raise ValueError("theta contains NaN or infinity")
    return theta


def check_l2(l2):
    """Return l2 as a float after checking it is a finite number >= 0."""
    if isinstance(l2, bool) or not isinstance(l2, numbers.Real):
        raise TypeError(f"l2 must be a real number, got {type(l2).__name__}")
    l2 = float(l2)
    if not np.isfinite(l2) or l2 < 0:
        raise ValueError(f"l2 must be a finite number >= 0, got {l2}")
    return l2


def check_inputs(theta, X, y, l2=0.0, label_values=True):
    """Validate the arguments of the loss and its derivatives; return them ready to use.

    The labels come back as the boolean array ``y == 1``; with ``label_values=False`` their
    values are left to be checked block by block (:func:`labels_are_binary`) and y comes
    back as it is, so that no array of m labels is made.
    """
    X = check_X(X)
    y = check_labels(y, X.shape[0]) if label_values else check_label_array(y, X.shape[0])
    theta = check_theta(theta, X.shape[1])
    return theta, X, y, check_l2(l2)


def check_finite_result(value, X):
    """Raise if a result is not finite; only then spend a pass over X to say why.

    With a finite theta, a non-finite loss, gradient or Hessian can only come from NaN or
    infinity inside X, or from ``X @ theta`` overflowing.
    """
    if np.isfinite(value).all():
        return
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinity")
    raise ValueError("X @ theta overflows: X or theta is too large in magnitude")


def check_positive_int(value, name, allow_zero=True):
    """Return value as an int after checking it is a whole number (>= 0, or > 0)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return int(value)


def check_positive_float(value, name):
    """Return value as a float after checking it is finite and > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value
