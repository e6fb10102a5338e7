"""Numerically stable elementwise functions of a logit z.

One function, one job, stable by construction (in the spirit of ``scipy.special``):
no overflow, no ``log(0)``, no cancellation, for every finite float input, and no
floating-point warning. Derived in ``notebooks/04-computing-the-loss-safely.ipynb``.

The one trick used throughout: write everything in terms of ``e = exp(-|z|)``, which lies
in (0, 1] and therefore can neither overflow nor turn ``1 + e`` into a cancellation.
"""

import numpy as np

__all__ = ["log_sigmoid", "logit", "sigmoid", "sigmoid_derivative", "softplus"]


def _as_float_array(z):
    """Return z as a floating array (integers and bools become float64); reject the rest."""
    z = np.asarray(z)
    if z.dtype.kind in "biu":
        return z.astype(np.float64)
    if z.dtype.kind != "f":
        raise TypeError(f"z must be real numbers, got dtype {z.dtype}")
    return z


def _scalar_or_array(out, z):
    """Return a NumPy scalar for a 0-d input, the array otherwise (like a ufunc)."""
    return out[()] if np.ndim(z) == 0 else out


def sigmoid(z):
    r"""The logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`.

    Domain: every real z; the result lies in [0, 1] and is accurate to a few ulp
    (relative) everywhere, including the far tails.

    Computed as :math:`1/(1+e)` for z >= 0 and :math:`e/(1+e)` for z < 0, with
    :math:`e = e^{-|z|}`, so ``exp`` never overflows. Derived in notebook 01 (the model)
    and made safe in notebook 04.

    >>> float(sigmoid(0.0))
    0.5
    >>> sigmoid(np.array([-800.0, 800.0]))  # no overflow warning
    array([0., 1.])
    >>> float(sigmoid(-40.0))  # not 0: tiny but accurate
    4.2483543e-18
    """
    z = _as_float_array(z)
    e = np.exp(-np.abs(z))
    out = np.where(z >= 0, 1.0, e) / (1.0 + e)
    return _scalar_or_array(out.astype(z.dtype, copy=False), z)


def softplus(z):
    r"""Softplus :math:`\log(1 + e^{z})`, the loss of a logit z whose label is 0.

    Domain: every real z; the result is >= 0, accurate to a few ulp (relative).

    Computed as :math:`\max(z, 0) + \operatorname{log1p}(e^{-|z|})`: both terms are
    non-negative, so nothing cancels, and ``exp`` never overflows. Derived in notebook 04.

    >>> float(softplus(0.0))  # log 2
    0.69314718
    >>> softplus(np.array([-40.0, 1000.0]))
    array([4.24835426e-18, 1.00000000e+03])
    """
    z = _as_float_array(z)
    out = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
    return _scalar_or_array(out.astype(z.dtype, copy=False), z)


def log_sigmoid(z):
    r"""The log of the sigmoid, :math:`\log \sigma(z) = -\operatorname{softplus}(-z)`.

    Domain: every real z; the result is <= 0, accurate to a few ulp (relative).
    ``np.log(sigmoid(z))`` returns ``-inf`` once ``sigmoid(z)`` underflows (z < -745) and
    loses all relative precision once ``sigmoid(z)`` rounds to 1 (z > 37); this does neither.
    Derived in notebook 04.

    >>> log_sigmoid(np.array([-1000.0, 0.0, 40.0]))
    array([-1.00000000e+03, -6.93147181e-01, -4.24835426e-18])
    """
    z = _as_float_array(z)
    return -softplus(-z)


def sigmoid_derivative(z):
    r"""The derivative :math:`\sigma'(z) = \sigma(z)\,\sigma(-z) = e / (1 + e)^2`.

    With :math:`e = e^{-|z|}` this is the curvature weight of the Hessian (notebook 07);
    it is symmetric in z, lies in [0, 1/4], and is accurate to a few ulp (relative) in the
    tails, where ``sigmoid(z) * (1 - sigmoid(z))`` returns exactly 0. Derived in notebook 01.

    >>> float(sigmoid_derivative(0.0))
    0.25
    >>> float(sigmoid_derivative(40.0))
    4.2483543e-18
    """
    z = _as_float_array(z)
    e = np.exp(-np.abs(z))
    out = e / (1.0 + e) ** 2
    return _scalar_or_array(out.astype(z.dtype, copy=False), z)


def logit(p):
    r"""The log-odds :math:`\operatorname{logit}(p) = \log\frac{p}{1 - p}`, inverse of the sigmoid.

    Domain: p in [0, 1]; ``logit(0) = -inf`` and ``logit(1) = +inf`` (without a warning), and
    a p outside [0, 1] (or NaN) raises ``ValueError``. Accurate to a few ulp (relative)
    everywhere: computed as :math:`\log p - \operatorname{log1p}(-p)` for p < 1/4, and as
    :math:`2\operatorname{artanh}(2p - 1)` otherwise, where ``2p - 1`` is exact, so no
    cancellation occurs near p = 1/2 (where the log-odds is close to 0) or near p = 1.
    Derived in notebook 01: ``logit(sigmoid(z)) == z`` up to rounding.

    >>> float(logit(0.5))
    0.0
    >>> logit(np.array([0.1, 0.9]))  # odds 1:9 and 9:1
    array([-2.19722458,  2.19722458])
    >>> logit(np.array([0.0, 1.0]))  # certain: infinite log-odds, no warning
    array([-inf,  inf])
    >>> float(logit(sigmoid(-30.0)))
    -30.0
    """
    p = _as_float_array(p)
    if not np.all((p >= 0) & (p <= 1)):
        bad = p[~((p >= 0) & (p <= 1))].ravel()[:3]
        raise ValueError(f"logit needs probabilities in [0, 1] (not NaN), got e.g. {bad.tolist()}")
    with np.errstate(divide="ignore", under="ignore"):  # log(0) = -inf is the answer
        small = np.log(p) - np.log1p(-p)
        other = 2.0 * np.arctanh(2.0 * p - 1.0)
    out = np.where(p < 0.25, small, other)
    return _scalar_or_array(out.astype(p.dtype, copy=False), p)
