r"""Softmax (multinomial logistic) regression: the loss for K classes and its derivatives.

For parameters :math:`\Theta \in \mathbb{R}^{d \times K}` (one column per class), a design
matrix X (m x d, intercept column of ones first) and integer labels
:math:`y_i \in \{0, \dots, K-1\}`, with logits :math:`Z = X\Theta` (m x K) and Y the one-hot
matrix of y:

.. math::

    P_{ik} = \operatorname{softmax}(z_i)_k = \frac{e^{z_{ik}}}{\sum_l e^{z_{il}}}

    J(\Theta) = \frac{1}{m}\sum_{i=1}^m \Big[\log\sum_{l} e^{z_{il}} - z_{i y_i}\Big]
                + \frac{\lambda}{2}\lVert\Theta_{1:,:}\rVert_F^2

    \nabla J = \frac{1}{m} X^\top (P - Y) + \lambda\,[0; \Theta_{1:,:}]

    \frac{\partial^2 J}{\partial\Theta_{jk}\,\partial\Theta_{j'l}}
        = \frac{1}{m}\sum_i x_{ij}x_{ij'}\,P_{ik}(\delta_{kl} - P_{il})
          + \lambda\,\delta_{jj'}\delta_{kl}[j \ge 1]

The first row of Θ (the intercepts) is never penalised. J is unchanged when one vector is
added to every column of Θ (the probabilities depend only on differences of logits), so
the Hessian is singular along those directions: without a penalty along all of them
(and, with the unpenalised intercepts, always along the intercepts' direction).
:func:`fit` returns the representative whose unpenalised rows sum to 0 across classes.
K = 2 is logistic regression with θ = Θ[:, 1] − Θ[:, 0].

Derived in notebook 12 (beyond two classes). Reference: C. M. Bishop, *Pattern Recognition
and Machine Learning* (2006), section 4.3.4; Dive into Deep Learning, section 4.1.

Every function reads X in blocks of rows, like :mod:`lossbook.objective`, and computes
:math:`p_{iy_i} - 1` as :math:`-\sum_{l \ne y_i} p_{il}` (no cancellation) and the
log-sum-exp as :math:`\max_l z_{il} + \operatorname{log1p}(\sum_{l \ne \arg\max} e^{z_{il} -
\max})`, so loss and gradient are accurate to a few ulp for every finite logit.
"""

import numbers

import numpy as np

from ._validate import (
    as_real_array,
    check_finite_result,
    check_l2,
    check_positive_float,
    check_positive_int,
    check_X,
)
from .objective import _block_rows
from .optimize import ConvergenceWarning, OptimizeResult

__all__ = [
    "fit",
    "gradient",
    "hessian",
    "log_softmax",
    "loss",
    "loss_and_gradient",
    "predict_proba",
    "softmax",
]


def _as_logits(Z):
    Z = as_real_array(Z, "Z")
    if Z.ndim == 0:
        raise ValueError("Z must have at least one axis (the classes, last)")
    if Z.dtype.kind != "f":
        Z = Z.astype(np.float64)
    if Z.shape[-1] == 0:
        raise ValueError("Z has no classes (its last axis is empty)")
    return Z


def _shift(Z):
    """Z minus its row maxima, and the sum of exp over each row without the argmax entry."""
    top = np.max(Z, axis=-1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):  # z - max = -inf: exp gives 0, rightly
        shifted = Z - top
        # The rounding error of z - max, exactly (Knuth's two-sum); exp(s + err) = exp(s)(1 +
        # err): without it exp's relative error would grow like |z - max| ulps.
        b_virtual = shifted - Z
        err = (Z - (shifted - b_virtual)) - (top + b_virtual)
        err[~np.isfinite(err)] = 0.0
    E = np.exp(shifted)
    E += E * err
    # exp(0) = 1 exactly at the (first) argmax: take it out, so log(sum) = log1p(rest).
    np.put_along_axis(E, np.argmax(Z, axis=-1)[..., None], 0.0, axis=-1)
    rest = E.sum(axis=-1, keepdims=True)
    return top, shifted, E, rest


def softmax(Z):
    r"""The softmax along the last axis, :math:`e^{z_k}/\sum_l e^{z_l}`, for every finite Z.

    Computed from :math:`z - \max_l z_l`, so exp never overflows, and as
    :math:`e^{z_k - \max}/(1 + \sum_{l \ne \arg\max} e^{z_l - \max})`. Each row sums to 1
    (up to rounding); accurate to a few ulp (relative). Derived in notebook 12.

    >>> softmax(np.array([1000.0, 0.0, -1000.0]))  # no overflow, no nan
    array([1., 0., 0.])
    >>> softmax(np.array([[0.0, np.log(3.0)]]))
    array([[0.25, 0.75]])
    """
    Z = _as_logits(Z)
    with np.errstate(under="ignore"):
        _, _, E, rest = _shift(Z)
        np.put_along_axis(E, np.argmax(Z, axis=-1)[..., None], 1.0, axis=-1)
        return E / (1.0 + rest)


def log_softmax(Z):
    r"""The log of the softmax along the last axis: :math:`z_k - \log\sum_l e^{z_l}`.

    Computed as :math:`(z_k - \max) - \operatorname{log1p}(\sum_{l \ne \arg\max}
    e^{z_l - \max})`: two non-positive terms, so nothing cancels and the result keeps its
    relative accuracy even where it is tiny (a confident class's log-probability, -1e-20)
    or huge (|z| of 1e4). Agrees with ``scipy.special.log_softmax``. Derived in notebook 12.

    >>> log_softmax(np.array([0.0, 0.0]))
    array([-0.69314718, -0.69314718])
    >>> log_softmax(np.array([50.0, 0.0, -1e4]))
    array([-1.92874985e-22, -5.00000000e+01, -1.00500000e+04])
    """
    Z = _as_logits(Z)
    with np.errstate(under="ignore"):
        _, shifted, _, rest = _shift(Z)
        return shifted - np.log1p(rest)


def _check_labels(y, m):
    """Integer labels 0..K-1 (K = max + 1 if not given); return them as intp."""
    if isinstance(y, np.ndarray) and y.ndim == 2 and y.shape[0] == m and y.shape[1] > 1:
        raise ValueError(
            f"y has shape {y.shape}: it looks one-hot (or a matrix); pass integer class "
            "labels 0..K-1 of shape (m,), e.g. y.argmax(axis=1)"
        )
    y = as_real_array(y, "y")
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D with one class label per sample, got shape {y.shape}")
    if y.shape[0] != m:
        raise ValueError(f"y has {y.shape[0]} labels but X has {m} rows")
    if y.dtype.kind == "b":
        raise TypeError("y holds bools; multiclass labels are integers 0..K-1 (use y.astype(int))")
    if y.dtype.kind == "f":
        raise TypeError(
            f"y must hold integer class labels 0..K-1, got dtype {y.dtype} "
            "(if they are whole numbers, use y.astype(int))"
        )
    return y


def _check_theta(Theta, d, y):
    Theta = as_real_array(Theta, "Theta")
    if Theta.dtype.kind == "b":
        raise TypeError("Theta must hold real numbers, got dtype bool")
    if Theta.ndim == 2:
        if Theta.shape[0] != d:
            raise ValueError(
                f"Theta has {Theta.shape[0]} rows but X has {d} columns (Theta is d x K, "
                "one column per class; did you forget the intercept column?)"
            )
        K = Theta.shape[1]
    elif Theta.ndim == 1:
        if Theta.shape[0] % d:
            raise ValueError(
                f"a flat Theta must have d * K entries (d = {d}), got {Theta.shape[0]}"
            )
        K = Theta.shape[0] // d
    else:
        raise ValueError(f"Theta must be (d, K) or flat (d * K,), got shape {Theta.shape}")
    if K < 2:
        raise ValueError(f"softmax regression needs K >= 2 classes, Theta has K = {K} column(s)")
    if Theta.dtype.kind != "f":
        Theta = Theta.astype(np.float64)
    if not np.isfinite(Theta).all():
        raise ValueError("Theta contains NaN or infinity")
    if y.size:
        lo, hi = int(y.min()), int(y.max())
        if lo < 0 or hi >= K:
            bad = y[(y < 0) | (y >= K)][:3]
            raise ValueError(
                f"labels must be integers 0..K-1 = 0..{K - 1} (K = {K} columns of Theta); "
                f"y holds e.g. {bad.tolist()}"
            )
    return Theta.reshape(d, K)


def check_inputs(Theta, X, y, l2=0.0):
    """Validate the arguments of the loss and its derivatives; return (Theta2d, X, y, l2, shape)."""
    X = check_X(X)
    y = _check_labels(y, X.shape[0])
    shape = np.shape(Theta)
    Theta = _check_theta(Theta, X.shape[1], y)
    return Theta, X, y, check_l2(l2), shape


def _block_terms(Zb, yb, want_loss):
    """Per-sample losses and the residual P - Y of one block of logits, without cancellation."""
    rows = np.arange(Zb.shape[0])
    _, shifted, E, rest = _shift(Zb)
    rest = rest[:, 0]
    losses = np.log1p(rest) - shifted[rows, yb] if want_loss else None
    top = np.argmax(Zb, axis=-1)
    E[rows, top] = 1.0
    R = E / (1.0 + rest)[:, None]  # P
    # P[i, y_i] - 1 = -(sum of the other classes' probabilities): no cancellation.
    R[rows, yb] = 0.0
    R[rows, yb] = -R.sum(axis=1)
    return losses, R


def evaluate(Theta, X, y, l2, want_loss=True, want_grad=True):
    """J and its gradient (d, K) from validated inputs, in one blocked pass over X."""
    m = X.shape[0]
    dtype = np.result_type(X.dtype, Theta.dtype, np.float32)
    total = 0.0
    grad = np.zeros(Theta.shape, dtype) if want_grad else None
    step = _block_rows(X)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for start in range(0, m, step):
            Xb = X[start : start + step]
            Zb = np.asarray(Xb @ Theta, dtype=dtype)
            losses, R = _block_terms(Zb, y[start : start + step], want_loss)
            if want_loss:
                total += float(losses.sum())
            if want_grad:
                grad += Xb.T @ R
    J = None
    if want_loss:
        check_finite_result(total, X)
        with np.errstate(over="ignore"):
            pen = 0.5 * l2 * float(np.sum(Theta[1:] * Theta[1:])) if l2 else 0.0
        if not np.isfinite(pen):
            raise ValueError("the penalty (l2/2)|Theta[1:]|^2 overflows: Theta is too large")
        J = total / m + pen
    if want_grad:
        check_finite_result(grad, X)
        grad /= m
        with np.errstate(over="ignore"):
            pen_grad = l2 * Theta[1:]
        if not np.isfinite(pen_grad).all():
            raise ValueError("the penalty's gradient l2 * Theta[1:] overflows: "
                             "l2 or Theta is too large")
        grad[1:] += pen_grad
    return J, grad


def loss(Theta, X, y, l2=0.0):
    r"""The softmax cross-entropy :math:`J(\Theta)`, the negative mean log-likelihood.

    :math:`J = \frac1m\sum_i[\log\sum_l e^{z_{il}} - z_{iy_i}] +
    \frac{\lambda}{2}\lVert\Theta_{1:,:}\rVert_F^2`, with Z = XΘ. Theta (d, K) or its
    flattening (d * K,); X (m, d) intercept column first; y (m,) integer labels 0..K-1;
    l2 >= 0 (row 0, the intercepts, is not penalised). Derived in notebook 12.

    >>> X = np.array([[1.0, -1.0], [1.0, 2.0], [1.0, 0.5]])
    >>> round(loss(np.zeros((2, 3)), X, [0, 1, 2]), 6)  # log 3: a fair three-sided die
    1.098612
    """
    Theta, X, y, l2, _ = check_inputs(Theta, X, y, l2)
    return evaluate(Theta, X, y, l2, want_grad=False)[0]


def gradient(Theta, X, y, l2=0.0):
    r"""The gradient :math:`\frac{1}{m}X^\top(P - Y) + \lambda[0; \Theta_{1:,:}]`, Theta's shape.

    A (d, K) Theta gives a (d, K) gradient, a flat one a flat gradient (for
    ``scipy.optimize.minimize``). Derived in notebook 12.

    >>> X = np.array([[1.0, -1.0], [1.0, 2.0], [1.0, 0.5]])
    >>> gradient(np.zeros((2, 3)), X, [0, 1, 2])
    array([[ 0. ,  0. ,  0. ],
           [ 0.5, -0.5,  0. ]])
    """
    Theta, X, y, l2, shape = check_inputs(Theta, X, y, l2)
    return evaluate(Theta, X, y, l2, want_loss=False)[1].reshape(shape)


def loss_and_gradient(Theta, X, y, l2=0.0):
    """``(J, gradient)`` in one pass over X; the gradient is shaped like Theta.

    Suitable for ``scipy.optimize.minimize(loss_and_gradient, Theta0.ravel(), args=(X, y),
    jac=True)``.

    >>> X = np.array([[1.0, -1.0], [1.0, 2.0], [1.0, 0.5]])
    >>> J, g = loss_and_gradient(np.zeros(6), X, [0, 1, 2])
    >>> round(J, 6), g.shape
    (1.098612, (6,))
    """
    Theta, X, y, l2, shape = check_inputs(Theta, X, y, l2)
    J, grad = evaluate(Theta, X, y, l2)
    return J, grad.reshape(shape)


def _hessian(Theta, X, l2):
    m, d = X.shape
    K = Theta.shape[1]
    with np.errstate(under="ignore"):
        P = softmax(X @ Theta)
    H = np.zeros((d, K, d, K))
    for k in range(K):
        for c in range(k, K):
            w = P[:, k] * ((k == c) - P[:, c])
            block = X.T @ (w[:, None] * X) / m
            H[:, k, :, c] = block
            H[:, c, :, k] = block.T
    H = H.reshape(d * K, d * K)
    diag = np.arange(K, d * K)  # rows j >= 1 of the flattened Theta
    H[diag, diag] += l2
    return H


def hessian(Theta, X, y, l2=0.0):
    r"""The Hessian of J with respect to ``Theta.ravel()`` (C order), shape (d * K, d * K).

    Entry :math:`((j,k),(j',l))` is :math:`\frac1m\sum_i x_{ij}x_{ij'}P_{ik}(\delta_{kl} -
    P_{il})` (+ λ on the diagonal for j >= 1): K x K blocks of d x d matrices
    :math:`X^\top\operatorname{diag}(P_{:k}(\delta_{kl} - P_{:l}))X/m`. Positive semi-definite,
    never definite without a penalty (see the module docstring). y is validated but does not
    enter. For small problems (it is d K x d K). Derived in notebook 12.

    >>> X = np.array([[1.0, -1.0], [1.0, 2.0], [1.0, 0.5]])
    >>> H = hessian(np.zeros((2, 2)), X, [0, 1, 0])
    >>> H.shape, bool(np.allclose(H @ np.array([1.0, 1.0, 0.0, 0.0]), 0))
    ((4, 4), True)
    """
    Theta, X, y, l2, _ = check_inputs(Theta, X, y, l2)
    return _hessian(Theta, X, l2)


def predict_proba(Theta, X):
    r"""The predicted class probabilities :math:`\operatorname{softmax}(X\Theta)`, shape (m, K).

    >>> predict_proba(np.array([[0.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0]]))
    array([[0.5, 0.5]])
    """
    X = check_X(X)
    Theta = _check_theta(Theta, X.shape[1], np.zeros(0, dtype=int))
    with np.errstate(over="ignore", invalid="ignore"):
        Z = X @ Theta
    check_finite_result(Z, X)
    return softmax(Z)


def _centre(Theta, l2):
    """The representative of Theta's class of equivalent parameters with unpenalised rows
    summing to 0 over the classes (all rows if l2 == 0, else the intercepts)."""
    Theta = Theta.copy()
    rows = slice(None) if l2 == 0 else slice(0, 1)
    Theta[rows] -= Theta[rows].mean(axis=1, keepdims=True)
    return Theta


def fit(X, y, K=None, l2=0.0, method="newton", Theta0=None, tol=1e-10, max_iter=None):
    r"""Minimise J(Θ): Newton's method with a line search, or gradient descent.

    ``method="newton"`` (for small d K: it forms the (d K) x (d K) Hessian) solves
    :math:`(H + NN^\top)p = \nabla J`, where the columns of N span the directions in which J
    is constant (one vector added to every class's column: all rows without a penalty, the
    intercepts with one), which gives the minimum-norm Newton step; then it halves the step
    until J decreases enough (Armijo). ``method="gd"`` takes steps 1/L_s with
    :math:`L_s = \lambda_{\max}(X^\top X)/(2m) + \lambda`, a bound on the Hessian's largest
    eigenvalue. Stops when :math:`\lVert\nabla J\rVert \le` tol; warns with
    :class:`~lossbook.ConvergenceWarning` otherwise. K defaults to max(y) + 1.

    Returns an :class:`~lossbook.OptimizeResult` whose ``theta`` is the (d, K) Θ whose
    unpenalised rows sum to 0 across classes (J does not change). Derived in notebook 12.

    >>> X = np.array([[1.0, -1.0], [1.0, 2.0], [1.0, 0.5], [1.0, 0.0]])
    >>> res = fit(X, [0, 1, 2, 0], l2=0.1)
    >>> res.converged, res.theta.shape
    (True, (2, 3))
    """
    import warnings

    X = check_X(X)
    y = _check_labels(y, X.shape[0])
    if K is None:
        K = int(y.max()) + 1 if y.size else 0
    if isinstance(K, bool) or not isinstance(K, numbers.Integral):
        raise TypeError(f"K must be a whole number, got {K!r}")
    m, d = X.shape
    Theta = np.zeros((d, int(K))) if Theta0 is None else _check_theta(Theta0, d, y).copy()
    if Theta0 is None:
        Theta = _check_theta(Theta, d, y)
    K = Theta.shape[1]
    l2 = check_l2(l2)
    tol = check_positive_float(tol, "tol", allow_zero=True)
    if method not in ("newton", "gd"):
        raise ValueError(f"method must be 'newton' or 'gd', got {method!r}")
    if max_iter is None:
        max_iter = 100 if method == "newton" else 100_000
    max_iter = check_positive_int(max_iter, "max_iter")

    J, g = evaluate(Theta, X, y, l2)
    history = [J]
    if method == "newton":
        rows = d if l2 == 0 else 1
        N = np.zeros((d * K, rows))
        for j in range(rows):
            N[j * K : (j + 1) * K, j] = 1.0 / np.sqrt(K)
        NNt = N @ N.T
    else:
        L_s = float(np.linalg.eigvalsh(X.T @ X / m)[-1]) / 2 + l2
    n_iter = 0
    while np.linalg.norm(g) > tol and n_iter < max_iter:
        if method == "newton":
            p = np.linalg.solve(_hessian(Theta, X, l2) + NNt, g.ravel()).reshape(d, K)
            slope = float(np.sum(g * p))
            step = 1.0
            # Near the minimum the predicted decrease slope/2 is below the rounding of J:
            # Armijo's test can then only fail by rounding, so the full step is taken.
            tiny = slope <= 1e-13 * max(1.0, abs(J))
            while not tiny:
                trial = Theta - step * p
                J_new, g_new = evaluate(trial, X, y, l2)
                if J_new <= J - 1e-4 * step * slope or step < 1e-10:
                    break
                step /= 2
            if tiny:
                trial = Theta - p
                J_new, g_new = evaluate(trial, X, y, l2)
        else:
            trial = Theta - g / L_s
            J_new, g_new = evaluate(trial, X, y, l2)
        Theta, J, g = trial, J_new, g_new
        history.append(J)
        n_iter += 1
    grad_norm = float(np.linalg.norm(g))
    converged = grad_norm <= tol
    message = (f"converged: |grad J| <= {tol:g}" if converged
               else f"stopped after max_iter = {max_iter} steps with |grad J| = {grad_norm:.3g}")
    if not converged:
        warnings.warn(message, ConvergenceWarning, stacklevel=2)
    return OptimizeResult(_centre(Theta, l2), n_iter, converged, np.array(history),
                          grad_norm, message)
