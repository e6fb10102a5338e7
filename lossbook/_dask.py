r"""The loss as a map-reduce: X and y as Dask arrays chunked along rows.

J, its gradient and its Hessian are sums over samples, so they are sums over any split of the
rows into chunks c (:math:`t_i`, :math:`r_i`, :math:`R` as in :mod:`lossbook.objective`):

.. math::

    mJ - m\tfrac{\lambda}{2}\lVert\theta_{1:}\rVert^2 = \sum_c \sum_{i \in c}
    \operatorname{softplus}(t_i), \qquad
    m(\nabla J - \lambda[0, \theta_{1:}]) = \sum_c X_c^\top r_c, \qquad
    m(\nabla^2 J - \lambda I') = \sum_c X_c^\top R_c X_c

Map: each chunk's three sums (1 + d + d² numbers), its largest margin :math:`\max t_i`
(Newton's separation test) and its label and finite-value checks are computed where the
chunk lives, by the same blocked kernel as in memory (``objective._accumulate``), in one
pass. Reduce: the partial sums are added in a tree (:data:`FAN_IN` at a time) on the
workers, and the driver receives one set of 1 + d + d² numbers; the 1/m and the penalty are
applied there, by ``objective.evaluate``, as in memory. So the result is a numpy array equal
to the in-memory one up to the order of the additions (relative 1e-12 in float64; float32
sums differ in float32's last bits).

The public functions :func:`~lossbook.loss`, :func:`~lossbook.gradient`,
:func:`~lossbook.hessian`, :func:`~lossbook.loss_and_gradient`, :func:`~lossbook.newton` and
:func:`~lossbook.gradient_descent` take this path when X or y is a Dask array; the
optimisers keep θ on the driver and make one pass per evaluation (plus, for ``newton``, one
pass over y alone to count the classes); nothing is persisted. Whatever scheduler is active
runs it: a ``distributed.Client`` if one was created, else Dask's default. Dask is imported
only here, and only once a Dask array has been passed (the ``scale`` extra).

X must be chunked by rows only (each chunk holds whole rows): a chunk with a split column
axis is rejected with the rechunk that fixes it. y may be a Dask array (rechunked lazily to
X's row chunks if they differ) or a numpy array (cut into X's row chunks and sent with each
pass: for large data make it a Dask array too). A bad chunk raises the same error as in
memory: the labels' count and first examples are gathered over all chunks.

>>> import dask, dask.array as da
>>> import lossbook
>>> X, y = lossbook.make_data()  # 100 x 3
>>> Xd, yd = da.from_array(X, chunks=(30, 3)), da.from_array(y, chunks=30)  # 4 chunks
>>> theta = np.array([0.5, 1.0, 2.0])
>>> with dask.config.set(scheduler="synchronous"):  # no cluster needed
...     J, g = lossbook.loss_and_gradient(theta, Xd, yd, l2=0.1)
...     fit = lossbook.newton(Xd, yd)
>>> J_mem, g_mem = lossbook.loss_and_gradient(theta, X, y, l2=0.1)
>>> type(g).__name__, abs(J - J_mem) <= 1e-12 * J_mem, bool(np.allclose(g, g_mem, 1e-12, 0))
('ndarray', True, True)
>>> bool(np.allclose(fit.theta, lossbook.newton(X, y).theta, rtol=1e-9, atol=0))
True
"""

from typing import NamedTuple

import numpy as np

from ._validate import (
    X_NOT_FINITE,
    X_THETA_OVERFLOWS,
    as_real_array,
    bad_label_summary,
    bad_labels_error_from,
    check_l2,
    check_label_array,
    check_theta,
    check_X,
    is_dask,
    labels_are_binary,
)
from .objective import _accumulate

# Partial sums combined per task of the reduction tree: few enough that a combine is quick,
# enough that the tree is shallow (1000 chunks: 4 levels).
FAN_IN = 8

_X_OVERFLOW, _X_NOT_FINITE = 1, 2


class _Partial(NamedTuple):
    """One chunk's (or a subtree's) sums: all that travels from a worker."""

    total: float
    grad: object  # (d,) float64 array, or None if not asked for
    hess: object  # (d, d) float64 array, or None
    max_t: float
    n_bad: int  # labels other than 0 and 1
    bad_examples: list  # the first three of them, in row order
    not_finite: int  # 0, _X_OVERFLOW or _X_NOT_FINITE (worst over the chunks)


def _chunk_sums(Xc, yc, theta, wants):
    """The map: one chunk's partial sums by the in-memory kernel, and its checks."""
    if not labels_are_binary(yc):
        n_bad, examples = bad_label_summary(yc)
        return _Partial(0.0, None, None, -np.inf, n_bad, examples, 0)
    Xc = as_real_array(Xc, "X")  # float16 to float32, as in memory; otherwise no copy
    total, grad, hess, max_t = _accumulate(theta, Xc, yc, *wants)
    not_finite = 0
    if not _all_finite((total, grad, hess), wants):  # only then read the chunk again
        not_finite = _X_NOT_FINITE if not np.isfinite(Xc).all() else _X_OVERFLOW
    return _Partial(total, _astype(grad, np.float64), _astype(hess, np.float64), max_t, 0, [],
                    not_finite)


def _all_finite(sums, wants):
    """True if each of (total, grad, hess) that was asked for is finite."""
    return all(np.isfinite(v).all() for v, wanted in zip(sums, wants[:3], strict=True)
               if wanted)


def _astype(a, dtype):
    return None if a is None else a.astype(dtype)


def _add(a, b):
    return a if b is None else b if a is None else a + b


def _combine(*parts):
    """The reduce: partial sums added, margins maxed, label and finite checks merged."""
    first, *rest = parts
    total, grad, hess, max_t, n_bad, examples, not_finite = first
    examples = list(examples)
    for p in rest:
        total += p.total
        grad, hess = _add(grad, p.grad), _add(hess, p.hess)
        max_t = max(max_t, p.max_t)
        n_bad += p.n_bad
        examples = (examples + p.bad_examples)[:3]
        not_finite = max(not_finite, p.not_finite)
    return _Partial(total, grad, hess, max_t, n_bad, examples, not_finite)


def accumulate(theta, X, y, want_loss, want_grad, want_hess, want_margin=False):
    """``objective._accumulate`` for Dask X and y: one pass, a map over chunks and a tree sum.

    Returns the same four sums as in memory (numpy, in the working dtype), after raising
    the in-memory errors for bad labels or non-finite values found in any chunk.
    """
    import dask

    wants = (want_loss, want_grad, want_hess, want_margin)
    chunk_sums = dask.delayed(_chunk_sums, pure=True)
    combine = dask.delayed(_combine, pure=True)
    parts = [chunk_sums(Xc, yc, theta, wants)
             for Xc, yc in zip(X.to_delayed().ravel(), y.to_delayed().ravel(), strict=True)]
    while len(parts) > 1:
        parts = [combine(*parts[i : i + FAN_IN]) for i in range(0, len(parts), FAN_IN)]
    (result,) = dask.compute(parts[0])
    if result.n_bad:
        raise bad_labels_error_from(result.n_bad, result.bad_examples)
    if result.not_finite == _X_NOT_FINITE:
        raise ValueError(X_NOT_FINITE)
    dtype = np.result_type(X.dtype, theta.dtype, np.float32)
    grad, hess = _astype(result.grad, dtype), _astype(result.hess, dtype)
    # (a sum over chunks can overflow where no chunk's did)
    if result.not_finite == _X_OVERFLOW or not _all_finite((result.total, grad, hess), wants):
        raise ValueError(X_THETA_OVERFLOWS)
    return result.total, grad, hess, result.max_t


def _stand_in(a):
    """A numpy array of a's dtype and shape that takes no memory: for the in-memory checks."""
    return np.broadcast_to(np.zeros((), a.dtype), a.shape)


def _check_dask_array(a, name):
    """A Dask array's metadata checked without computing it (no pass over the data)."""
    if not all(hasattr(type(a), attr) for attr in ("chunks", "dtype", "ndim", "to_delayed")):
        raise TypeError(
            f"{name} is a Dask collection of type {type(a).__name__}, not a Dask array; "
            f"pass {name}.to_dask_array(lengths=True) (a DataFrame), or a Dask array"
        )
    if any(np.isnan(n) for n in a.shape):
        raise ValueError(
            f"{name} has unknown chunk sizes (shape {a.shape}); call "
            f"{name}.compute_chunk_sizes() first"
        )
    if a.dtype.kind == "O":  # (other dtypes are judged by the in-memory checks)
        raise TypeError(f"{name} must hold real numbers, got a Dask array of dtype object; "
                        f"convert it first, e.g. {name}.astype(float)")
    if a.dtype == np.float16:  # as in memory: sums in float32 (chunk by chunk, lazily)
        a = a.astype(np.float32)
    return a


def check_dask_X(X):
    """``check_X`` for a Dask X, on its metadata (same messages), and its chunks' shape."""
    X = _check_dask_array(X, "X")
    check_X(_stand_in(X))
    if len(X.chunks[1]) > 1:
        raise ValueError(
            f"X is chunked along its columns too (column chunks {X.chunks[1]}); each chunk "
            "must hold whole rows, for its partial sums X_c.T @ r_c: pass X.rechunk({1: -1})"
        )
    return X


def check_design(X, y):
    """X and y, one of them (or both) a Dask array, as Dask arrays with the same row chunks.

    The checks of ``check_X`` and ``check_label_array`` on their metadata, with the same
    messages; the values (labels, finiteness) are checked chunk by chunk in every pass.
    """
    import dask.array as da

    X = check_dask_X(X) if is_dask(X) else check_X(X)
    if is_dask(y):
        y = _check_dask_array(y, "y")
        check_label_array(_stand_in(y), X.shape[0])
    else:
        y = check_label_array(y, X.shape[0])
    if not is_dask(X):  # a numpy X with a Dask y: X cut into y's chunks
        X = da.from_array(X, chunks=(y.chunks[0], X.shape[1]))
    elif not is_dask(y):
        y = da.from_array(y, chunks=(X.chunks[0],))
    if y.chunks[0] != X.chunks[0]:
        y = y.rechunk((X.chunks[0],))
    return X, y


def check_inputs(theta, X, y, l2):
    """``_validate.check_inputs`` (``label_values=False``) when X or y is a Dask array."""
    X, y = check_design(X, y)
    return check_theta(theta, X.shape[1]), X, y, check_l2(l2)
