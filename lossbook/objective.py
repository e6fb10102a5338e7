r"""The cross-entropy loss of logistic regression and its derivatives.

For parameters :math:`\theta \in \mathbb{R}^d`, a design matrix X (m x d, intercept column
of ones first) and labels :math:`y_i \in \{0, 1\}`, with logits :math:`z = X\theta`:

.. math::

    J(\theta) = \frac{1}{m}\sum_{i=1}^m \big[-y_i \log\sigma(z_i)
                - (1 - y_i)\log(1 - \sigma(z_i))\big]
                + \frac{\lambda}{2}\lVert\theta_{1:}\rVert^2

    \nabla J = \frac{1}{m} X^\top(\sigma(z) - y) + \lambda\,[0, \theta_{1:}]

    \nabla^2 J = \frac{1}{m} X^\top R X + \lambda\,\operatorname{diag}(0, 1, \dots, 1),
    \qquad R = \operatorname{diag}(\sigma(z_i)\,\sigma(-z_i))

The intercept :math:`\theta_0` is never penalised. Derivations: notebook 02 (the loss),
04 (its stable form), 05 (the gradient), 07 (the Hessian), 08 (the penalty).
Reference: C. M. Bishop, *Pattern Recognition and Machine Learning* (2006), section 4.3.2.

Every function here reads X in blocks of rows small enough to stay in cache, so the
gradient's second pass ``X_b.T @ r_b`` finds its block still there: X travels from memory
once per evaluation, and the extra memory is a few blocks, whatever m is.
"""

import functools

import numpy as np

from ._validate import (
    bad_labels_error,
    check_finite_result,
    check_inputs,
    check_label_array,
    check_theta,
    check_X,
    is_dask,
    labels_are_binary,
)
from .stable import _as_float_array, sigmoid

__all__ = [
    "gradient",
    "hessian",
    "loss",
    "loss_and_gradient",
    "per_sample_loss",
    "predict_proba",
    "residual",
]

# Bytes of X per block. Large enough that numpy's per-call overhead is small against the
# block's arithmetic, small enough that the block and the per-sample scratch vectors (_Work)
# are all still in L2 when the second pass X_b.T @ r_b reads the block. 512 KiB was fastest
# on the reference machine at d = 20 and 200 (1 MiB: no faster; benchmarks/). At small d
# the per-sample vectors dominate instead, so a block also has at most _MAX_BLOCK_ROWS rows:
# at d = 2, 16384 rows were 1.1-1.3x faster than 8192 (numpy's per-call overhead amortised
# over twice the samples) and 24576 or 32768 no faster (the vectors leave L2).
_BLOCK_BYTES = 512 * 1024
_MIN_BLOCK_ROWS = 256
_MAX_BLOCK_ROWS = 16384


def _block_rows(X):
    rows = _BLOCK_BYTES // max(1, X.shape[1] * X.itemsize)
    return max(_MIN_BLOCK_ROWS, min(_MAX_BLOCK_ROWS, rows))


class _Work:
    """Scratch vectors for the per-sample terms of one block, allocated once per pass."""

    _NAMES = ("z", "s", "e", "u", "inv_u", "pos", "delta", "r")

    def __init__(self, shape, dtype):
        self._full = {name: np.empty(shape, dtype) for name in self._NAMES}
        self.__dict__.update(self._full)
        self._n = shape[0] if shape else None

    def rows(self, n):
        """The buffers cut to a block of n rows (the last block may be shorter)."""
        if n != self._n:
            self.__dict__.update({name: buf[:n] for name, buf in self._full.items()})
            self._n = n
        return self


def _signs(labels, y, out):
    """The labels of a block as the signs :math:`-s = 1 - 2y` (+1 for y = 0, -1 for y = 1).

    (:math:`s = 2y - 1` is the course's ±1 label; the kernel works with its negative, so that
    :math:`t = -sz` is large where the prediction is confidently wrong.)

    Checked here, block by block, unless they are bools (y, all the labels, is only for
    the error message): no array of m labels is ever made. Computed in out's dtype: for
    float32 signs from float64 labels that is a float32 multiply, not a float64 one whose
    result is then cast (0 and 1 are exact in every float dtype).
    """
    if not labels_are_binary(labels):
        raise bad_labels_error(y)
    np.multiply(labels, out.dtype.type(-2), out=out, dtype=out.dtype)
    out += 1
    return out


def _terms(z, s, work, want_loss=True, per_sample=False):
    r"""The loss and the residual of logits z with signs s = 1 - 2y, stable for every finite z.

    The argument ``s`` holds :math:`1 - 2y` (+1 for y = 0, -1 for y = 1), the negative of the
    ±1 label :math:`2y - 1`; below, as in the code, s denotes that negative sign. Then
    :math:`t = s z` is large when the prediction is confidently wrong. With
    :math:`e = e^{-|t|} \in (0, 1]` and :math:`u = 1 + e` (rounded), one exponential serves
    both:

    - loss :math:`= \operatorname{softplus}(t) = \max(t, 0) + \operatorname{log1p}(e)`
    - residual :math:`\sigma(z) - y = s\,\sigma(t)`, with
      :math:`\sigma(t) = 1/u` for t >= 0 and :math:`e/u` for t < 0;

    ``log1p(e)`` is computed as :math:`\log u - \delta/u` with :math:`\delta = (u - 1) - e`
    the exact rounding error of u (Goldberg's correction, error :math:`O(\delta^2)`): as
    accurate as ``np.log1p``, and vectorised in numpy's SIMD ``log``. No subtraction of
    nearly equal numbers occurs, so both results are accurate to a few ulp.

    Every step is one in-place numpy call into ``work`` (a :class:`_Work` cut to z's
    length): under twenty passes over vectors that stay in cache, and no ``np.where`` (which
    evaluates both branches, and is slow). ``pos`` is 1.0 where t >= 0 and 0.0 elsewhere, so
    that the residual's numerator is :math:`\max(e, pos)`. Finite for every finite t: the
    reference form, used by :func:`per_sample_loss` and :func:`residual`, and by the blocked
    pass where :func:`_fast_terms`' exponential overflows. z is overwritten with t.
    Returns the loss (the block's sum, or each sample's with ``per_sample``; None unless
    ``want_loss``) and the residual.
    """
    t = np.multiply(z, s, out=z)
    e = np.abs(t, out=work.e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    u = np.add(e, 1.0, out=work.u)
    inv_u = np.divide(1.0, u, out=work.inv_u)
    pos = np.greater_equal(t, 0, out=work.pos, casting="unsafe")
    loss = None
    if want_loss:
        delta = np.subtract(u, 1.0, out=work.delta)
        delta -= e  # exact: the rounding error of 1 + e
        delta *= inv_u
        loss = np.log(u, out=u)
        loss -= delta
        loss += np.maximum(t, 0.0, out=work.delta)
        if not per_sample:
            loss = float(loss.sum())
    r = np.maximum(e, pos, out=work.r)  # 1 where t >= 0, else e
    r *= inv_u
    r *= s
    return loss, r


@functools.cache
def _vectorised_log1p(dtype_char):
    r"""Whether numpy runs ``log1p`` for this dtype ("d", "f") in SIMD code (AVX-512).

    There one ``log1p`` pass is cheaper than Goldberg's :math:`\log u - \delta/u` (four
    passes more); elsewhere ``log1p`` is scalar code, about three times slower than ``log``
    (float64 on the reference machine with AVX-512 turned off: 13 against 4 ns). numpy says
    which loop it dispatched to since 2.1; before that, the answer is no.
    """
    try:
        from numpy.lib.introspect import opt_func_info
    except ImportError:
        return False
    loop = opt_func_info(func_name="^log1p$").get("log1p", {}).get(dtype_char * 2, {})
    return not loop.get("current", "baseline").startswith("baseline")


def _fast_terms(z, s, work, want_loss=True):
    r"""The loss and the residual of a block from one exponential :math:`E = e^t`, t = s z.

    With s = 1 - 2y as in :func:`_terms` and :math:`u = 1 + E`:

    - loss :math:`= \operatorname{softplus}(t) = \operatorname{log1p}(E)`
    - residual :math:`\sigma(z) - y = s\,\sigma(t) = s\,E/u`

    Both are accurate to a few ulp while E is finite: ``log1p`` has no cancellation, nor has
    :math:`E/u` (for t << 0 it is E itself, relatively accurate). Where numpy's ``log1p``
    is scalar code it is computed, as in :func:`_terms`, as :math:`\log u - \delta/u`,
    :math:`\delta = (u - 1) - E` (the rounding error of u). Seven to eleven passes over the
    block instead of :func:`_terms`' eighteen. E overflows for t > 709.78 (88.72 in float32:
    a prediction confidently wrong beyond any fitted model): the loss is then inf or NaN and
    the residual NaN, and the caller evaluates again with :func:`_terms`. Returns the
    block's summed loss (None unless ``want_loss``) and the residual; z is overwritten with t.
    """
    t = np.multiply(z, s, out=z)
    E = np.exp(t, out=work.e)
    u = np.add(E, 1.0, out=work.u)
    loss = None
    if want_loss:
        if _vectorised_log1p(E.dtype.char):
            softplus = np.log1p(E, out=work.delta)
        else:
            delta = np.subtract(u, 1.0, out=work.delta)
            delta -= E  # the rounding error of 1 + E (exact for E <= 1)
            delta /= u
            softplus = np.log(u, out=work.inv_u)
            softplus -= delta
        loss = float(softplus.sum())
    r = np.divide(E, u, out=work.r)
    r *= s
    return loss, r


def _per_sample(z, y, want_loss):
    z = _as_float_array(z)
    if z.ndim == 1:
        y = check_label_array(y, z.shape[0])
    else:
        y = np.asarray(_scalar_label(y))
    work = _Work(z.shape, z.dtype)
    s = _signs(y, y, work.s)
    loss, r = _terms(np.array(z, copy=True), s, work, want_loss, per_sample=True)
    return loss if want_loss else r


def per_sample_loss(z, y):
    r"""The loss of each sample from its logit: :math:`-y\log\sigma(z) - (1-y)\log(1-\sigma(z))`.

    Domain: every finite z; y in {0, 1}. Equal to softplus(z) for y = 0 and softplus(-z)
    for y = 1, accurate to a few ulp (relative) even where it is tiny (y = 1, z = 37 gives
    8.5e-17, not 0). Derived in notebooks 02 and 04.

    >>> per_sample_loss(np.array([0.0, 37.0, -1000.0]), np.array([1, 1, 1]))
    array([6.93147181e-01, 8.53304763e-17, 1.00000000e+03])
    """
    return _per_sample(z, y, want_loss=True)


def residual(z, y):
    r"""The residual :math:`\sigma(z) - y` of each sample, without cancellation.

    Domain: every finite z; y in {0, 1}. For y = 1 it is computed as :math:`-\sigma(-z)`,
    so it keeps its relative accuracy where :math:`\sigma(z)` rounds to 1. It is the
    per-sample factor of the gradient (notebook 05).

    >>> residual(np.array([0.0, 40.0]), np.array([1, 1]))
    array([-5.00000000e-01, -4.24835426e-18])
    """
    return _per_sample(z, y, want_loss=False)


def _scalar_label(y):
    if np.ndim(y) != 0 or y not in (0, 1):
        raise ValueError(f"for a scalar z, y must be a single label 0 or 1, got {y!r}")
    return bool(y)


def _penalty_terms(theta, l2, want_loss, want_grad):
    r"""The penalty's value :math:`\frac{\lambda}{2}\lVert\theta_{1:}\rVert^2` and gradient
    :math:`\lambda[0, \theta_{1:}]`, each only if asked (else None); theta[0] is not penalised.

    Each is computed only when asked, so a gradient whose penalty value would overflow (a
    large λ and θ: the value squares θ, the gradient does not) is still returned.
    """
    value = grad = None
    with np.errstate(over="ignore"):
        if want_loss:
            value = 0.5 * l2 * float(theta[1:] @ theta[1:]) if l2 else 0.0
            if not np.isfinite(value):
                raise ValueError("the penalty (l2/2)|theta[1:]|^2 overflows: theta is too large")
        if want_grad:
            grad = l2 * theta
            grad[0] = 0.0
            if not np.isfinite(grad).all():
                raise ValueError("the penalty's gradient l2 * theta[1:] overflows: "
                                 "l2 or theta is too large")
    return value, grad


def _weighted_gram(Xb, t, work, buf):
    r"""One block's :math:`X_b^\top R X_b`, as :math:`(\sqrt{R}X_b)^\top(\sqrt{R}X_b)`.

    A matrix times its own transpose is symmetric, and BLAS computes it as one triangle
    (``syrk``): half the arithmetic of ``Xb.T @ (Xb * s[:, None])``. The square root of the
    weight comes from one exponential, :math:`\sqrt{\sigma'(z)} = h/(1 + h^2)` with
    :math:`h = e^{-|z|/2}` (:math:`|z| = |t|`, so t will do); next to ``syrk``'s d² flops per
    sample it costs little. ``buf`` is scratch space of at least Xb's shape.
    """
    h = np.abs(t, out=work.delta)
    h *= -0.5
    np.exp(h, out=h)
    root = np.multiply(h, h, out=work.u)
    root += 1.0
    np.divide(h, root, out=root)
    wx = np.multiply(Xb, root[:, None], out=buf[: Xb.shape[0]])
    return wx.T @ wx


def _accumulate(theta, X, y, want_loss, want_grad, want_hess, want_margin=False,
                terms=_fast_terms):
    """One blocked pass over X: sums of the loss, X.T @ r and X.T @ R @ X.

    The labels y are checked (unless bools) and turned into signs block by block, in the
    same pass, so the extra memory is a few blocks whatever m is. The per-sample terms
    come from :func:`_fast_terms`; if its loss or gradient is not finite (some t > 709.78,
    88.72 in float32, or NaN or inf in X) the pass is made again with :func:`_terms`,
    finite for every finite t, so that only bad input gives a non-finite result.
    """
    m, d = X.shape
    dtype = np.result_type(X.dtype, theta.dtype, np.float32)
    theta = theta.astype(dtype, copy=False)
    total, max_t = 0.0, -np.inf
    grad = np.zeros(d, dtype) if want_grad else None
    hess = np.zeros((d, d), dtype) if want_hess else None
    step = _block_rows(X)
    work = _Work((min(step, m),), dtype)
    buf = np.empty((min(step, m), d), dtype) if want_hess else None
    same_dtype = X.dtype == dtype
    # NaN/inf in X (or X @ theta overflowing) shows up as a non-finite result, which the
    # caller turns into a ValueError that names it; numpy's warnings would only be noise.
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, m, step):
            Xb = X[start : start + step]
            w = work.rows(Xb.shape[0])
            s = _signs(y[start : start + step], y, w.s)
            if same_dtype:
                z = np.matmul(Xb, theta, out=w.z)
            else:
                z = np.asarray(Xb @ theta, dtype=dtype)
            if want_loss or want_grad or want_margin:
                loss, r = terms(z, s, w, want_loss)  # z now holds t (|t| = |z|)
            if want_margin:
                max_t = max(max_t, float(z.max()))
            if want_loss:
                total += loss
            if want_grad:
                grad += Xb.T @ r
            if want_hess:
                hess += _weighted_gram(Xb, z, w, buf)
    finite = np.isfinite(total) and (grad is None or np.isfinite(grad).all())
    if terms is _fast_terms and not finite:
        return _accumulate(theta, X, y, want_loss, want_grad, want_hess, want_margin, _terms)
    return total, grad, hess, max_t


def evaluate(theta, X, y, l2, want_grad=True, want_hess=False, want_margin=False,
             want_loss=True):
    """J, its gradient and Hessian (each only if asked, else None) from validated inputs.

    The one place that turns the blocked sums into J, its gradient and its Hessian (the 1/m
    and the penalty). y has been checked for its shape; its values are checked block by
    block unless they are bools. The optimisers turn y into bools once per run
    (``check_labels``) and call it in their loops, so the labels are checked once per run,
    not once per step. With ``want_margin`` it also returns ``max_i t_i`` (t as in
    :func:`_terms`): a negative value certifies that theta separates the data.
    """
    m = X.shape[0]
    accumulate = _accumulate
    if is_dask(X):  # the same kernel, chunk by chunk where the chunks live
        from ._dask import accumulate
    total, grad, hess, max_t = accumulate(
        theta, X, y, want_loss, want_grad, want_hess, want_margin
    )
    if want_loss:
        check_finite_result(total, X)
    pen, pen_grad = _penalty_terms(theta, l2, want_loss, grad is not None)
    if grad is not None:
        check_finite_result(grad, X)
        grad /= m
        grad += pen_grad
    if hess is not None:
        check_finite_result(hess, X)
        hess /= m
        hess[np.arange(1, X.shape[1]), np.arange(1, X.shape[1])] += l2
    out = (total / m + pen if want_loss else None, grad, hess)
    return (*out, max_t) if want_margin else out


def loss_and_gradient(theta, X, y, l2=0.0):
    r"""The loss J(θ) and its gradient, in one pass over X.

    Returns ``(J, grad)`` with
    :math:`J = \frac{1}{m}\sum_i \operatorname{softplus}(t_i)
    + \frac{\lambda}{2}\lVert\theta_{1:}\rVert^2`
    and :math:`\nabla J = \frac{1}{m}X^\top(\sigma(X\theta) - y) + \lambda[0,\theta_{1:}]`,
    where :math:`t_i = \pm z_i` (see :func:`per_sample_loss`). Suitable for
    ``scipy.optimize.minimize(loss_and_gradient, theta0, args=(X, y), jac=True)``.

    Parameters: theta (d,); X (m, d) with the intercept column of ones first; y (m,) of
    0/1, bools allowed; l2 >= 0, the ridge penalty λ (intercept excluded).

    X and y may be Dask arrays chunked by rows: see :mod:`lossbook._dask` (a map-reduce).

    >>> X = np.array([[1.0, -1.0], [1.0, 2.0]])
    >>> J, g = loss_and_gradient(np.zeros(2), X, [0, 1])
    >>> round(J, 6), g
    (0.693147, array([ 0.  , -0.75]))
    """
    theta, X, y, l2 = check_inputs(theta, X, y, l2, label_values=False)
    J, grad, _ = evaluate(theta, X, y, l2)
    return J, grad


def loss(theta, X, y, l2=0.0):
    r"""The cross-entropy loss :math:`J(\theta)`, the negative mean log-likelihood.

    :math:`J(\theta) = -\frac{1}{m}\sum_i [y_i\log\sigma(z_i) + (1-y_i)\log(1-\sigma(z_i))]
    + \frac{\lambda}{2}\lVert\theta_{1:}\rVert^2`, with :math:`z = X\theta`, evaluated from
    the logits (never from probabilities), so it is finite and accurate for every finite θ.
    Derived in notebook 02; made safe in notebook 04.

    X and y may be Dask arrays chunked by rows: see :mod:`lossbook._dask` (a map-reduce).

    >>> X = np.array([[1.0, -1.0], [1.0, 2.0]])
    >>> round(loss(np.zeros(2), X, [0, 1]), 6)  # log 2: a coin flip
    0.693147
    >>> loss(np.array([0.0, 1000.0]), X, [0, 1])  # confidently right: tiny, not nan
    0.0
    """
    theta, X, y, l2 = check_inputs(theta, X, y, l2, label_values=False)
    return evaluate(theta, X, y, l2, want_grad=False)[0]


def gradient(theta, X, y, l2=0.0):
    r"""The gradient of J, :math:`\frac{1}{m}X^\top(\sigma(X\theta) - y) + \lambda[0, \theta_{1:}]`.

    Two matrix-vector products and the residual :math:`\sigma(z) - y`, computed without
    cancellation. Derived in notebook 05.

    X and y may be Dask arrays chunked by rows: see :mod:`lossbook._dask` (a map-reduce).

    >>> X = np.array([[1.0, -1.0], [1.0, 2.0]])
    >>> gradient(np.zeros(2), X, [0, 1])
    array([ 0.  , -0.75])
    """
    theta, X, y, l2 = check_inputs(theta, X, y, l2, label_values=False)
    return evaluate(theta, X, y, l2, want_loss=False)[1]


def hessian(theta, X, y, l2=0.0):
    r"""The Hessian :math:`\nabla^2 J = \frac{1}{m}X^\top R X + \lambda\,\mathrm{diag}(0,1,...,1)`.

    :math:`R = \operatorname{diag}(\sigma(z_i)\sigma(-z_i))` does not depend on y; it is
    positive semi-definite, which is why J is convex. Derived in notebook 07.

    X and y may be Dask arrays chunked by rows: see :mod:`lossbook._dask` (a map-reduce).

    >>> X = np.array([[1.0, -1.0], [1.0, 2.0]])
    >>> hessian(np.zeros(2), X, [0, 1])
    array([[0.25 , 0.125],
           [0.125, 0.625]])
    """
    theta, X, y, l2 = check_inputs(theta, X, y, l2, label_values=False)
    return evaluate(theta, X, y, l2, want_grad=False, want_hess=True, want_loss=False)[2]


def predict_proba(theta, X):
    r"""Predicted probabilities :math:`\hat y = \sigma(X\theta)` that each label is 1.

    >>> predict_proba(np.array([0.0, 1.0]), np.array([[1.0, -800.0], [1.0, 0.0]]))
    array([0. , 0.5])
    """
    X = check_X(X)
    theta = check_theta(theta, X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):  # reported below, by name
        z = X @ theta
    check_finite_result(z, X)
    return sigmoid(z)
