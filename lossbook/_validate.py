"""Input checks shared by the loss and the optimisers.

Every check here is O(m) or cheaper: the labels are read once (by the loss functions block by
block, in the pass that uses them, so that no array of m labels is made), X only for its shape
and dtype. NaN or infinity inside X is caught afterwards, for free, from the non-finite result
it produces (see ``check_finite_result``), so validation never costs an extra pass over X.

What is accepted, and how it is converted (the README's "Inputs" section says the same):

- numpy arrays of floats, ints or bools, any memory layout, read-only or memory-mapped:
  used as they are (no copy), except float16, which is promoted to float32 so that no sum
  is formed in float16 (a copy);
- pandas DataFrames and Series: each column must be numeric (numpy or nullable
  ``Float64``/``Int64``/``boolean``); they are converted to one numpy array of the columns'
  common type (``pd.NA`` becoming NaN, which the result check then reports); a column of
  another type is named in the error;
- object arrays whose every entry is a real number exactly representable as float64:
  converted to float64 (like scikit-learn's ``check_array``); anything else is named;
- rejected with a message that says why: masked arrays with masked entries (lossbook does not
  drop samples silently), ``scipy.sparse`` matrices (the blocked kernel is dense), complex
  numbers and strings.
"""

import numbers

import numpy as np


def is_dask(a):
    """True for a Dask collection (it has the Dask protocol's ``__dask_graph__``), without
    importing dask: those are evaluated chunk by chunk (``lossbook._dask``)."""
    return hasattr(type(a), "__dask_graph__")


def _is_sparse(a):
    """True for a scipy.sparse matrix or array, without importing scipy."""
    return type(a).__module__.startswith("scipy.sparse")


def _exact_float64(a, name):
    """An object array converted to float64 if every entry is a real number it holds exactly."""
    flat = a.ravel()
    for index, value in enumerate(flat):
        if isinstance(value, (bool, np.bool_)):
            continue
        if not isinstance(value, numbers.Real) or float(value) != value:
            where = np.unravel_index(index, a.shape)
            raise TypeError(
                f"{name} must hold real numbers; entry {tuple(int(i) for i in where)} is "
                f"{value!r} ({type(value).__name__}), which is not exactly a float64"
            )
    return a.astype(np.float64)


def _from_pandas(frame, name):
    """A DataFrame as one numpy array of its columns' common type; name a bad column."""
    dtypes = []
    for column, dtype in frame.dtypes.items():
        numpy_dtype = getattr(dtype, "numpy_dtype", dtype)  # nullable Float64 -> float64
        if not isinstance(numpy_dtype, np.dtype) or numpy_dtype.kind not in "biuf":
            raise TypeError(
                f"{name} column {column!r} has dtype {dtype}, not numbers "
                "(convert or drop it; categories need an encoding, e.g. pandas.get_dummies)"
            )
        dtypes.append(numpy_dtype)
    dtype = np.result_type(*dtypes) if dtypes else np.dtype(np.float64)
    if frame.isna().to_numpy().any():  # pd.NA becomes NaN, which needs a float type
        return frame.to_numpy(dtype=np.result_type(dtype, np.float64), na_value=np.nan)
    return frame.to_numpy(dtype=dtype)  # (pandas < 2.2 refuses na_value for an int dtype)


def needs_conversion(a):
    """True for what ``np.asarray`` alone would get wrong: masked, sparse, pandas, object."""
    return (np.ma.isMaskedArray(a) or _is_sparse(a) or hasattr(a, "to_numpy")
            or (isinstance(a, np.ndarray) and a.dtype.kind == "O"))


def as_real_array(a, name):
    """Return a as a numpy array of bools, ints or floats (float16 promoted to float32).

    Converts pandas objects and exact object arrays, and rejects masked entries, sparse
    matrices and anything that is not a real number, naming the problem (see the module
    docstring). Never modifies its input; copies only where a conversion needs it.
    """
    if _is_sparse(a):
        raise TypeError(
            f"{name} is a scipy.sparse matrix, which lossbook does not support (its loss is "
            f"evaluated in dense blocks); pass {name}.toarray() if it fits in memory"
        )
    if np.ma.isMaskedArray(a):
        n_masked = int(np.count_nonzero(np.ma.getmaskarray(a)))
        if n_masked:
            raise ValueError(
                f"{name} is a masked array with {n_masked} masked entries; lossbook would "
                "ignore the mask, so remove those samples (or fill them) first"
            )
        a = np.ma.getdata(a)
    if hasattr(a, "dtypes") and hasattr(a, "columns"):  # a pandas DataFrame
        a = _from_pandas(a, name)
    elif hasattr(a, "dtype") and hasattr(a, "to_frame"):  # a pandas Series
        a = _from_pandas(a.to_frame(), name)[:, 0]
    a = np.asarray(a)
    if a.dtype.kind == "O":
        a = _exact_float64(a, name)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {a.dtype}")
    if a.dtype == np.float16:  # sums in float16 lose everything: compute in float32
        a = a.astype(np.float32)
    return a


def check_X(X):
    """Return X as a 2-D real array (no copy unless converted), or raise naming what is wrong.

    Bools are accepted as 0/1 features (an indicator column), as they are for y.
    """
    X = as_real_array(X, "X")
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
    y = as_real_array(y, "y") if needs_conversion(y) else np.asarray(y)
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
    return bad_labels_error_from(*bad_label_summary(y))


def bad_label_summary(y):
    """How many labels are not 0 or 1, and the first three of them (a list)."""
    is_label = (y == 0) | (y == 1)
    return int(y.shape[0] - np.count_nonzero(is_label)), y[~is_label][:3].tolist()


def bad_labels_error_from(n_bad, examples):
    """The error of :func:`bad_labels_error` from counts gathered elsewhere (Dask chunks)."""
    return ValueError(f"labels must be 0 or 1; y holds {n_bad} other value(s), e.g. {examples}")


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
    theta = as_real_array(theta, "theta")
    if theta.dtype.kind == "b":
        raise TypeError("theta must hold real numbers, got dtype bool")
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
    if not label_values and (is_dask(X) or is_dask(y)):  # metadata only; values per chunk
        from ._dask import check_inputs as check_dask_inputs

        return check_dask_inputs(theta, X, y, l2)
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
        raise ValueError(X_NOT_FINITE)
    raise ValueError(X_THETA_OVERFLOWS)


X_NOT_FINITE = "X contains NaN or infinity"
X_THETA_OVERFLOWS = "X @ theta overflows: X or theta is too large in magnitude"


def check_positive_int(value, name, allow_zero=True):
    """Return value as an int after checking it is a whole number (>= 0, or > 0)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return int(value)


def check_positive_float(value, name, allow_zero=False):
    """Return value as a float after checking it is finite and > 0 (or >= 0)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value}")
    return value
