r"""Gradient checking: compare a derived gradient with finite differences (notebook 05).

A derived gradient is a claim; :func:`numerical_gradient` tests it using nothing but
evaluations of the function itself, and :func:`relative_error` says how well two gradients
agree. Both work for any function of a parameter vector, not only the loss J.
"""

import numbers

import numpy as np

__all__ = ["numerical_gradient", "relative_error"]


def numerical_gradient(f, theta, h=1e-6):
    r"""The gradient of a scalar function f at theta, by central differences.

    For each coordinate j, with :math:`e_j` the j-th unit vector:

    .. math::

        \frac{\partial f}{\partial \theta_j} \approx
        \frac{f(\theta + h e_j) - f(\theta - h e_j)}{2h}

    Two evaluations of f per coordinate, so 2d in all: this checks a gradient, it is far too
    slow to replace one. The denominator is the distance actually travelled,
    :math:`(\theta_j + h) - (\theta_j - h)` as rounded in theta's dtype, which equals 2h
    only when both are representable.

    Errors (derived in notebook 05), with :math:`\varepsilon` the machine epsilon of f's
    arithmetic (2.2e-16 in float64):

    - truncation: Taylor's theorem gives
      :math:`\frac{h^2}{6}\lvert f'''\rvert`, i.e. :math:`O(h^2)` (the even terms cancel);
    - rounding: each value of f carries an error of about :math:`\varepsilon\lvert f\rvert`,
      and dividing their difference by 2h magnifies it to :math:`O(\varepsilon/h)`.

    Their sum is smallest near :math:`h \sim \varepsilon^{1/3}` (about 6e-6 in float64,
    for f and its derivatives of order 1), where the error is :math:`O(\varepsilon^{2/3})`,
    about 1e-11 relative. For a given f the best h is
    :math:`(3\varepsilon\lvert f\rvert/\lvert f'''\rvert)^{1/3}` (1.5e-5 for the opening
    example's J, notebook 05); the default ``h=1e-6``, a decade below it, still gives about
    1e-9. (Forward
    differences, :math:`(f(\theta + h e_j) - f(\theta))/h`, have truncation error
    :math:`O(h)`: their best h is :math:`\sim\sqrt{\varepsilon}` and their best error only
    :math:`O(\sqrt{\varepsilon})`.)

    Parameters: f, a function of theta returning a real scalar (e.g.
    ``lambda t: loss(t, X, y)``); theta, an array of real numbers (float32 stays float32,
    so h must then be larger: about 1e-2); h > 0, the step. theta is not modified.
    Returns an array of theta's shape.

    >>> numerical_gradient(lambda t: t[0] ** 2 + 3 * t[1], np.array([2.0, -1.0])).round(6)
    array([4., 3.])
    """
    if isinstance(h, bool) or not isinstance(h, numbers.Real) or not np.isfinite(h) or h <= 0:
        raise ValueError(f"h must be a finite number > 0, got {h!r}")
    theta = np.asarray(theta)
    if theta.dtype.kind not in "iuf":
        raise TypeError(f"theta must hold real numbers, got dtype {theta.dtype}")
    if theta.dtype.kind != "f":
        theta = theta.astype(np.float64)
    if not np.isfinite(theta).all():
        raise ValueError("theta contains NaN or infinity")
    point = theta.copy()
    grad = np.empty(theta.shape, dtype=np.float64)
    for j in np.ndindex(theta.shape):
        start = theta[j]
        point[j] = start + h
        upper = point[j]
        f_plus = _scalar(f(point), point)
        point[j] = start - h
        lower = point[j]
        f_minus = _scalar(f(point), point)
        point[j] = start
        width = float(upper) - float(lower)
        if width == 0:
            raise ValueError(
                f"h={h!r} is too small to move theta{list(j)} = {start!r} in {theta.dtype}"
            )
        grad[j] = (f_plus - f_minus) / width
    return grad.astype(theta.dtype, copy=False)


def _scalar(value, point):
    value = np.asarray(value)
    if value.size != 1 or value.dtype.kind not in "biuf":
        raise ValueError(f"f must return a real scalar, got {value.dtype} of shape {value.shape}")
    value = float(value.reshape(()))
    if not np.isfinite(value):
        raise ValueError(f"f is not finite near theta = {point.tolist()}")
    return value


def relative_error(a, b):
    r"""How far two gradients differ, relative to their size.

    :math:`\lVert a - b\rVert / \max(\lVert a\rVert, \lVert b\rVert)`, or 0.0 when both are
    zero. A rule of thumb for float64 gradients checked with :func:`numerical_gradient`:
    below 1e-6 the derivation is right; above 1e-3 something is wrong (a missing factor, a
    sign, a transposed product). In between, look closer: near a minimum the gradient is
    small and the finite-difference error, about :math:`\varepsilon^{2/3}\lvert f\rvert`, is
    not.

    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> round(relative_error(np.array([3.0, 4.0]), np.array([3.0, 4.5])), 4)
    0.0925
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)))
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(a - b)) / scale
