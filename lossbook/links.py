r"""Other links for a binary (or count) response: the probit model and Poisson regression.

Logistic regression is one generalised linear model (GLM) among many: a linear predictor
:math:`z = X\theta` (intercept column of ones first), a distribution for y, and a link
between them. Notebook 11 (why the sigmoid) derives the two kept here.

**Probit** (a non-canonical link): :math:`P(y = 1 \mid x) = \Phi(z)`, Φ the standard normal
CDF. With the ±1 label :math:`s = 2y - 1`, and :math:`\Phi(-z) = 1 - \Phi(z)`:

.. math::

    J(\theta) = -\frac{1}{m}\sum_i \log\Phi(s_i z_i)
                + \frac{\lambda}{2}\lVert\theta_{1:}\rVert^2

    \nabla J = \frac{1}{m} X^\top r + \lambda[0, \theta_{1:}],
    \qquad r_i = -s_i\,\frac{\varphi(z_i)}{\Phi(s_i z_i)}
           = \frac{\varphi(z_i)}{\Phi(z_i)(1 - \Phi(z_i))}\,(\Phi(z_i) - y_i)

    \nabla^2 J = \frac{1}{m} X^\top W X + \lambda\operatorname{diag}(0, 1, \dots, 1),
    \qquad W_{ii} = \rho(t_i)\,(t_i + \rho(t_i)),\ t_i = s_i z_i,\ \rho = \varphi/\Phi

The weight :math:`\varphi/(\Phi(1-\Phi))` does not cancel (it does for the sigmoid, whose
derivative is σ(1 − σ)), and the Hessian depends on y: the link is not canonical.

**Poisson regression** (the canonical log link): counts :math:`y_i \in \{0, 1, 2, \dots\}`,
mean :math:`\mu_i = e^{z_i}`, and, dropping the constant :math:`\frac{1}{m}\sum\log y_i!`,

.. math::

    J(\theta) = \frac{1}{m}\sum_i (e^{z_i} - y_i z_i) + \frac{\lambda}{2}\lVert\theta_{1:}\rVert^2,
    \quad \nabla J = \frac{1}{m}X^\top(\mu - y) + \lambda[0, \theta_{1:}],
    \quad \nabla^2 J = \frac{1}{m}X^\top \operatorname{diag}(\mu) X
                     + \lambda\operatorname{diag}(0, 1, \dots)

the same Xᵀ(μ − y)/m as logistic regression's, with a Hessian free of y: what every
canonical link gives.

References: C. M. Bishop, *Pattern Recognition and Machine Learning* (2006), sections
4.2–4.3 (4.3.5 for probit, 4.3.6 for canonical links); P. McCullagh and J. A. Nelder,
*Generalized Linear Models*, 2nd ed. (1989), chapters 2 and 4.

The normal CDF needs ``erfc``, which numpy lacks: it comes from Python's ``math.erfc``
(accurate to about 1 ulp), applied elementwise, and, below z = -30 where Φ approaches
underflow, from the asymptotic series of Mills' ratio. So ``import lossbook`` needs numpy
alone, and ``scipy.special.log_ndtr`` is only the reference the tests compare against.
"""

import math

import numpy as np

from ._validate import as_real_array, check_finite_result, check_l2, check_theta, check_X
from .stable import _as_float_array

__all__ = [
    "log_ndtr",
    "mills_ratio",
    "norm_cdf",
    "poisson_gradient",
    "poisson_hessian",
    "poisson_loss",
    "probit_gradient",
    "probit_hessian",
    "probit_loss",
]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_TAIL = -30.0  # below this, the asymptotic series (its error is below 1e-17 there)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_INV_SQRT2_HI = 1.0 / math.sqrt(2.0)  # fl(1/sqrt 2), and what it misses:
_INV_SQRT2_LO = 6.268583589525109e-17  # 1/sqrt(2) - fl(1/sqrt(2)), from mpmath
_erfc = np.frompyfunc(math.erfc, 1, 1)


def _as_float(z):
    """z as float64 (the series below are written for float64), checked by stable's helper."""
    return _as_float_array(z).astype(np.float64, copy=False)


def _out(value, z):
    return value[()] if np.ndim(z) == 0 else value


def _series_parts(t, n_terms):
    r"""S(t) - 1 = :math:`\sum_{k=1}^{n} (-1)^k (2k-1)!!/t^{2k}`, summed directly (no 1 - S)."""
    u = 1.0 / (t * t)
    total = np.zeros_like(t)
    term = np.ones_like(t)
    for k in range(1, n_terms + 1):
        term = term * (-(2 * k - 1) * u)
        total = total + term
    return total


def _tail_series(t):
    r"""For t < -30: :math:`S = \Phi(t)\,|t|/\varphi(t) = \sum_k (-1)^k (2k-1)!!/t^{2k}`."""
    return 1.0 + _series_parts(t, 10)  # the eleventh term is below 3e-21 at |t| = 30


def _two_product(a, b):
    """p, e with p = fl(a * b) and p + e = a * b exactly (Dekker), for |a|, |b| < 1e150."""
    p = a * b
    a_hi = a * 134217729.0
    a_hi = a_hi - (a_hi - a)
    a_lo = a - a_hi
    b_hi = b * 134217729.0
    b_hi = b_hi - (b_hi - b)
    b_lo = b - b_hi
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return p, e


def _gauss(a):
    r""":math:`e^{-a^2/2}` to a few ulp: :math:`a^2 = p + e` exactly, :math:`e^{-p/2}(1 - e/2)`."""
    p, e = _two_product(a, a)
    return np.exp(-0.5 * p) * (1.0 - 0.5 * e)


def _upper(a):
    r"""For a >= 0 (at most 40): :math:`Q(a) = \Phi(-a) = \tfrac12\operatorname{erfc}(a/\sqrt2)`.

    ``erfc`` receives the rounded :math:`t = \mathrm{fl}(a/\sqrt2)`; near t = 26 a relative
    error :math:`\delta` of its argument becomes :math:`2t^2\delta`, 1e-13, in its value. So
    the exact error :math:`\delta t = a/\sqrt2 - t` (a two-product and the constant's own
    rounding) is put back with one Taylor term,
    :math:`\operatorname{erfc}(t + \delta t)
    = \operatorname{erfc}(t) - \tfrac{2}{\sqrt\pi}e^{-t^2}\delta t`.
    """
    t, err = _two_product(a, _INV_SQRT2_HI)
    dt = err + a * _INV_SQRT2_LO
    q = 0.5 * np.asarray(_erfc(t), dtype=np.float64)
    # 0.5 * 2/sqrt(pi) * exp(-t^2) = exp(-a^2/2) / sqrt(2 pi) (a = sqrt(2) t), the density
    return q - _gauss(a) / _SQRT_2PI * dt * math.sqrt(2.0)


def norm_cdf(z):
    r"""The standard normal CDF :math:`\Phi(z) = \tfrac12\operatorname{erfc}(-z/\sqrt2)`.

    Domain: every real z; accurate to a few ulp (relative): for z <= 0 it is the upper
    tail Q(-z) itself, for z > 0 it is 1 - Q(z), with Q < 1/2. Derived in notebook 11.

    >>> float(norm_cdf(0.0))
    0.5
    >>> norm_cdf(np.array([-30.0, 30.0]))  # tiny, not 0
    array([4.90671393e-198, 1.00000000e+000])
    """
    z = _as_float(z)
    zf = np.atleast_1d(z)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        a = np.minimum(np.abs(zf), 40.0)  # Q(40) = 3.7e-350 underflows to 0 anyway
        q = np.where(np.abs(zf) > 40.0, 0.0, _upper(a))
        out = np.where(zf <= 0, q, 1.0 - q)
    return _out(out.reshape(z.shape), z)


def log_ndtr(z):
    r"""The log of the normal CDF, :math:`\log\Phi(z)`, finite for every finite z.

    ``np.log(norm_cdf(z))`` is ``-inf`` once Φ(z) underflows (z < -38.5) and loses its
    relative accuracy for large z, where Φ(z) rounds to 1. Here: :math:`\log Q(-z)` for
    -30 <= z <= 0, :math:`\operatorname{log1p}(-Q(z))` for z > 0 (Q the upper tail, see
    :func:`norm_cdf`), and below -30 the asymptotic expansion
    :math:`\log\Phi(z) = -\tfrac{z^2}{2} - \log(-z) - \log\sqrt{2\pi} + \log S(z)`,
    S the Mills-ratio series. Accurate to a few ulp (relative); agrees with
    ``scipy.special.log_ndtr``. Derived in notebook 11.

    >>> log_ndtr(np.array([-1e4, -40.0, 0.0, 10.0]))
    array([-5.00000101e+07, -8.04608442e+02, -6.93147181e-01, -7.61985302e-24])
    """
    z = _as_float(z)
    zf = np.atleast_1d(z)
    out = np.empty(zf.shape, np.float64)
    tail = zf < _TAIL
    pos = zf > 0
    mid = ~(tail | pos)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        out[mid] = np.log(_upper(-zf[mid]))
        out[pos] = np.log1p(-_upper(np.minimum(zf[pos], 40.0)))
        t = zf[tail]
        out[tail] = -0.5 * t * t - np.log(-t) - _LOG_SQRT_2PI + np.log(_tail_series(t))
    return _out(out.reshape(z.shape), z)


def mills_ratio(z):
    r"""The ratio :math:`\rho(z) = \varphi(z)/\Phi(z)` (the inverse Mills ratio), for every z.

    It is the probit gradient's per-sample factor: :math:`\tfrac{d}{dz}\log\Phi(z) = \rho(z)`.
    Computed as φ(z)/Φ(z) from :func:`norm_cdf`'s pieces, and below z = -30 as
    :math:`|z|/S(z)` (so it tends to :math:`-z`, never to 0/0 = nan). Accurate to a few
    ulp (relative).

    >>> mills_ratio(np.array([-1000.0, 0.0, 40.0]))
    array([1.00000100e+03, 7.97884561e-01, 0.00000000e+00])
    """
    z = _as_float(z)
    zf = np.atleast_1d(z)
    out = np.empty(zf.shape, np.float64)
    tail = zf < _TAIL
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        rest = zf[~tail]
        a = np.minimum(np.abs(rest), 40.0)
        q = _upper(a)
        phi = np.where(np.abs(rest) > 40.0, 0.0, _gauss(a) / _SQRT_2PI)
        out[~tail] = phi / np.where(rest <= 0, q, 1.0 - q)
        t = zf[tail]
        out[tail] = -t / _tail_series(t)
    return _out(out.reshape(z.shape), z)


def _curvature(t):
    r""":math:`\rho(t)(t + \rho(t))`, the probit Hessian weight, for every finite t.

    Below t = -10, :math:`t + \rho(t) = |t|(1 - S)/S` from the series (45 terms: the
    smallest is below 1e-20 at |t| = 10), because t and ρ(t) nearly cancel there; between
    -10 and -5 the direct sum loses up to 7 bits (relative error below 1e-13).
    """
    rho = mills_ratio(t)
    with np.errstate(under="ignore"):
        w = rho * (t + rho)
        tail = t < -10.0
        if tail.any():
            tt = t[tail]
            s_minus_1 = _series_parts(tt, 45)
            w[tail] = rho[tail] * tt * s_minus_1 / (1.0 + s_minus_1)
    return w


def _check_binary(y, m):
    y = as_real_array(y, "y")
    if y.ndim != 1 or y.shape[0] != m:
        raise ValueError(f"y must be 1-D with one label per sample ({m}), got shape {y.shape}")
    is_one = y == 1
    if not np.all(is_one | (y == 0)):
        bad = y[~(is_one | (y == 0))][:3]
        raise ValueError(f"labels must be 0 or 1; y holds e.g. {bad.tolist()}")
    return is_one


def _check_counts(y, m):
    y = as_real_array(y, "y")
    if y.dtype.kind == "b":
        y = y.astype(np.float64)
    if y.ndim != 1 or y.shape[0] != m:
        raise ValueError(f"y must be 1-D with one count per sample ({m}), got shape {y.shape}")
    bad = ~((y >= 0) & (y == np.floor(y)))
    if bad.any():
        raise ValueError(
            f"Poisson counts must be whole numbers >= 0; y holds e.g. {y[bad][:3].tolist()}"
        )
    return y.astype(np.float64, copy=False)


def _prepare(theta, X, y, l2, labels):
    X = check_X(X)
    y = labels(y, X.shape[0])
    theta = check_theta(theta, X.shape[1])
    l2 = check_l2(l2)
    with np.errstate(over="ignore", invalid="ignore"):
        z = np.asarray(X @ theta, dtype=np.float64)
    check_finite_result(z, X)
    return theta, X, y, l2, z


def _penalty(theta, l2):
    value = 0.5 * l2 * float(theta[1:] @ theta[1:])
    grad = l2 * np.asarray(theta, dtype=np.float64)
    grad[0] = 0.0
    return value, grad


def _hess_penalty(H, l2):
    d = H.shape[0]
    H[np.arange(1, d), np.arange(1, d)] += l2
    return H


def probit_loss(theta, X, y, l2=0.0):
    r"""The probit model's negative mean log-likelihood, :math:`-\frac{1}{m}\sum\log\Phi(s_i z_i)`.

    theta (d,), X (m, d) intercept column first, y (m,) of 0/1 or bools, l2 >= 0 (the
    intercept is not penalised). Finite and accurate for every finite θ (a confidently
    wrong sample costs about z²/2, not inf). Derived in notebook 11.

    >>> X = np.array([[1.0, -1.0], [1.0, 2.0]])
    >>> round(probit_loss(np.zeros(2), X, [0, 1]), 6)  # log 2: a coin flip
    0.693147
    >>> round(probit_loss(np.array([0.0, -100.0]), X, [0, 1]), 3)  # both confidently wrong
    12505.871
    """
    theta, X, y_is_one, l2, z = _prepare(theta, X, y, l2, _check_binary)
    t = np.where(y_is_one, z, -z)
    return float(-np.mean(log_ndtr(t))) + _penalty(theta, l2)[0]


def probit_gradient(theta, X, y, l2=0.0):
    r"""The gradient :math:`\frac{1}{m}X^\top r + \lambda[0,\theta_{1:}]`, r_i = -s_i ρ(s_i z_i).

    ρ = φ/Φ (see :func:`mills_ratio`); equivalently
    :math:`r_i = \frac{\varphi(z_i)}{\Phi(z_i)(1-\Phi(z_i))}(\Phi(z_i) - y_i)`: the residual
    keeps a weight that the sigmoid's cancellation removes. Derived in notebook 11.

    >>> X = np.array([[1.0, -1.0], [1.0, 2.0]])
    >>> probit_gradient(np.zeros(2), X, [0, 1])
    array([ 0.        , -1.19682684])
    """
    theta, X, y_is_one, l2, z = _prepare(theta, X, y, l2, _check_binary)
    s = np.where(y_is_one, 1.0, -1.0)
    r = -s * mills_ratio(s * z)
    return X.T @ r / X.shape[0] + _penalty(theta, l2)[1]


def probit_hessian(theta, X, y, l2=0.0):
    r"""The Hessian :math:`\frac{1}{m}X^\top W X + \lambda\operatorname{diag}(0,1,\dots,1)`.

    :math:`W_{ii} = \rho(t_i)(t_i + \rho(t_i))` with :math:`t_i = s_i z_i`: positive (so the
    probit loss is convex too), but it depends on y, unlike a canonical link's.

    >>> X = np.array([[1.0, -1.0], [1.0, 2.0]])
    >>> probit_hessian(np.zeros(2), X, [0, 1])
    array([[0.63661977, 0.31830989],
           [0.31830989, 1.59154943]])
    """
    theta, X, y_is_one, l2, z = _prepare(theta, X, y, l2, _check_binary)
    w = _curvature(np.where(y_is_one, z, -z))
    return _hess_penalty(X.T @ (w[:, None] * X) / X.shape[0], l2)


def _poisson_mean(z, X):
    with np.errstate(over="ignore"):
        mu = np.exp(z)
    check_finite_result(mu, X)
    return mu


def poisson_loss(theta, X, y, l2=0.0):
    r"""Poisson regression's loss :math:`\frac{1}{m}\sum_i(e^{z_i} - y_i z_i)` (+ the penalty).

    The negative mean log-likelihood of counts :math:`y_i \sim \mathrm{Poisson}(e^{z_i})`
    without its constant :math:`\frac1m\sum\log y_i!`. y: whole numbers >= 0.
    Derived in notebook 11.

    >>> X = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> round(poisson_loss(np.zeros(2), X, [0, 3]), 6)
    1.0
    """
    theta, X, y, l2, z = _prepare(theta, X, y, l2, _check_counts)
    mu = _poisson_mean(z, X)
    return float(np.mean(mu - y * z)) + _penalty(theta, l2)[0]


def poisson_gradient(theta, X, y, l2=0.0):
    r"""The gradient :math:`\frac{1}{m}X^\top(\mu - y) + \lambda[0,\theta_{1:}]`, μ = exp(Xθ).

    >>> X = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> poisson_gradient(np.zeros(2), X, [0, 3])
    array([-0.5, -1. ])
    """
    theta, X, y, l2, z = _prepare(theta, X, y, l2, _check_counts)
    mu = _poisson_mean(z, X)
    return X.T @ (mu - y) / X.shape[0] + _penalty(theta, l2)[1]


def poisson_hessian(theta, X, y, l2=0.0):
    r"""The Hessian :math:`\frac{1}{m}X^\top\mathrm{diag}(\mu)X + \lambda D`, D = diag(0, 1, ...).

    y is validated but does not enter: the canonical link's Hessian is free of y.

    >>> X = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> poisson_hessian(np.zeros(2), X, [0, 3])
    array([[1. , 0.5],
           [0.5, 0.5]])
    """
    theta, X, y, l2, z = _prepare(theta, X, y, l2, _check_counts)
    mu = _poisson_mean(z, X)
    return _hess_penalty(X.T @ (mu[:, None] * X) / X.shape[0], l2)
