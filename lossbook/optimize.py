r"""Optimisers that minimise J(θ): gradient descent (notebook 06) and Newton/IRLS (notebook 07).

Both return an :class:`OptimizeResult`. Both check the labels once, then call the blocked
evaluator of :mod:`lossbook.objective` once per step.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np

from ._validate import (
    check_l2,
    check_labels,
    check_positive_float,
    check_positive_int,
    check_theta,
    check_X,
    is_dask,
)
from .objective import evaluate

__all__ = [
    "ConvergenceWarning",
    "OptimizeResult",
    "SeparationWarning",
    "gradient_descent",
    "newton",
    "smoothness_constant",
]


class ConvergenceWarning(UserWarning):
    """An optimiser stopped before the gradient norm fell below its tolerance."""


class SeparationWarning(ConvergenceWarning):
    """The data are linearly separable: the unpenalised loss has no finite minimum."""


@dataclass
class OptimizeResult:
    """What an optimiser found.

    Attributes: ``theta`` (the final parameters), ``n_iter`` (steps taken), ``converged``
    (the gradient norm fell below the tolerance), ``history`` (J at the start and after
    every step, so ``len(history) == n_iter + 1``), ``grad_norm`` (the final ‖∇J‖) and
    ``message`` (why it stopped).
    """

    theta: np.ndarray
    n_iter: int
    converged: bool
    history: np.ndarray
    grad_norm: float
    message: str = field(default="")


def _prepare(X, y, theta0, l2):
    if is_dask(X) or is_dask(y):  # Dask arrays: labels checked chunk by chunk in each pass
        from ._dask import check_design

        X, y_is_one = check_design(X, y)
    else:
        X = check_X(X)
        y_is_one = check_labels(y, X.shape[0])
    l2 = check_l2(l2)
    if theta0 is None:
        theta = np.zeros(X.shape[1], dtype=np.result_type(X.dtype, np.float32))
    else:
        theta = check_theta(theta0, X.shape[1]).copy()
    return X, y_is_one, theta, l2


def gradient_descent(X, y, learning_rate, num_iterations, theta0=None, l2=0.0, tol=1e-8):
    r"""Minimise J by fixed-step gradient descent, :math:`\theta \gets \theta - \eta\nabla J`.

    Takes at most ``num_iterations`` steps of size ``learning_rate`` (η) from ``theta0``
    (zeros by default), stopping early once :math:`\lVert\nabla J\rVert \le` ``tol`` (a number
    >= 0; 0 runs every step). A step of η <= 1/L_s, with L_s from :func:`smoothness_constant`,
    never increases J (notebook 06). If the run ends with J above where it started, or
    diverges (θ or Xθ overflows), the step was too large: it warns with a
    :class:`ConvergenceWarning` that gives 1/L_s. (J rising at some steps while still ending
    lower, as beyond 2/L_s on a well-conditioned problem, is not warned about: notebook 06
    shows it.)

    X and y may be Dask arrays chunked by rows (:mod:`lossbook._dask`): θ stays on the driver
    and each evaluation is one map-reduce over the chunks; nothing is persisted.

    >>> from lossbook.data import make_data
    >>> X, y = make_data()
    >>> result = gradient_descent(X, y, learning_rate=0.01, num_iterations=1000)
    >>> result.n_iter, result.converged, len(result.history)
    (1000, False, 1001)
    >>> result.theta.round(3)
    array([0.383, 0.835, 1.598])
    """
    X, y_is_one, theta, l2 = _prepare(X, y, theta0, l2)
    learning_rate = check_positive_float(learning_rate, "learning_rate")
    num_iterations = check_positive_int(num_iterations, "num_iterations")
    tol = check_positive_float(tol, "tol", allow_zero=True)
    history, previous = [], theta
    message = f"reached num_iterations={num_iterations}"
    for n_iter in range(num_iterations + 1):
        try:
            J, grad, _ = evaluate(theta, X, y_is_one, l2)
        except ValueError:
            if n_iter == 0:
                raise  # bad X: nothing has been tried yet
            message = "diverged: X @ theta overflowed (the learning rate is too large)"
            theta, n_iter = previous, n_iter - 1  # the last point where J was finite
            break
        history.append(J)
        grad_norm = float(np.linalg.norm(grad))
        if grad_norm <= tol:
            message = f"gradient norm {grad_norm:.3g} <= tol={tol:g}"
            break
        if n_iter == num_iterations:
            break
        with np.errstate(over="ignore", invalid="ignore"):
            previous, theta = theta, theta - learning_rate * grad
        if not np.isfinite(theta).all():
            message = "diverged: theta overflowed (the learning rate is too large)"
            theta = previous
            break
    history = np.array(history)
    if message.startswith("diverged") or history[-1] > history[0]:
        _warn_step_too_large(X, l2, learning_rate, history, message)
    return OptimizeResult(theta, n_iter, grad_norm <= tol, history, grad_norm, message)


def _warn_step_too_large(X, l2, learning_rate, history, message):
    """Warn that the step is too large, and say which step is safe (1/L_s)."""
    rises = int(np.count_nonzero(np.diff(history) > 0))
    safe = 1 / smoothness_constant(X, l2)
    what = message if message.startswith("diverged") else (
        f"J rose from {history[0]:.4g} to {history[-1]:.4g} (it rose at {rises} of "
        f"{history.size - 1} steps)")
    warnings.warn(
        f"gradient_descent: {what}; learning_rate={learning_rate:g} is too large for these "
        f"data: a step of 1/L_s = {safe:.4g} (1/smoothness_constant(X, l2)) never increases J",
        ConvergenceWarning, stacklevel=3)


def _newton_direction(grad, hess):
    """Solve H p = -g; fall back to least squares where H is numerically singular.

    If rounding leaves p no descent direction (g·p >= 0, possible only when H is singular
    to working precision), the steepest-descent direction -g is returned instead.
    """
    try:
        direction = -np.linalg.solve(hess, grad)
    except np.linalg.LinAlgError:
        direction = -np.linalg.lstsq(hess, grad, rcond=None)[0]
    if not (np.isfinite(direction).all() and grad @ direction < 0):
        direction = -grad
    return direction


# The line search halves the step at most this many times (2**-30 ~ 1e-9), then gives up.
_MAX_HALVINGS = 30


def _default_tol(dtype):
    """1e-10 in float64; 10 eps of coarser types (1.2e-6 in float32), which they can reach."""
    return max(1e-10, 10 * float(np.finfo(dtype).eps))


def newton(X, y, l2=0.0, tol=None, max_iter=50, theta0=None):
    r"""Minimise J by Newton's method (IRLS) with a backtracking line search.

    Each step solves :math:`\nabla^2 J\,p = -\nabla J` and takes
    :math:`\theta \leftarrow \theta + \alpha p`, halving α from 1 until J decreases enough
    (Armijo's condition :math:`J(\theta + \alpha p) \le J(\theta) + 10^{-4}\alpha\,\nabla J^\top p`;
    where J is flat to rounding, a step that shrinks :math:`\lVert\nabla J\rVert_1` is
    accepted instead). It stops once :math:`\lVert\nabla J\rVert <` ``tol`` (the Euclidean
    norm); near the minimum the number of correct digits doubles per step (notebook 07).
    ``tol=None`` means 1e-10 in float64 and 10 ε of a coarser working type (1.2e-6 for
    float32 X and θ), a gradient norm that type can resolve.
    Starts from ``theta0`` (zeros by default).

    X and y may be Dask arrays chunked by rows (:mod:`lossbook._dask`): θ stays on the driver
    and each evaluation is one map-reduce over the chunks; nothing is persisted.

    Cost: one blocked pass over X per step computes J, ∇J and ∇²J together. The Hessian is
    skipped where it would not be used: at a shortened trial step (α < 1), and at the step
    that quadratic convergence predicts will meet ``tol``, i.e. when
    :math:`4\lVert g_k\rVert^3 < \text{tol}\cdot\lVert g_{k-1}\rVert^2` (since
    :math:`\lVert g_{k+1}\rVert \approx c\lVert g_k\rVert^2` with
    :math:`c \approx \lVert g_k\rVert/\lVert g_{k-1}\rVert^2`). A wrong guess costs one
    pass, never a different result. ``benchmarks/bench_newton.py`` times it against
    scikit-learn's Newton solver (notebook 10 compares their coefficients).

    If an iterate classifies every sample correctly (all margins positive) and ``l2 == 0``,
    the data are linearly separable and no finite minimum exists: it stops there with a
    :class:`SeparationWarning` and ``converged=False`` instead of chasing θ to infinity.
    If every label is the same (one class only), no finite minimum exists for any ``l2``
    (the intercept is not penalised, so :math:`\theta_0 \to \pm\infty`): it says so with a
    :class:`SeparationWarning` at once and returns θ₀ unchanged, ``converged=False``.
    Not detected: *quasi*-complete separation (a separating line with some samples of both
    classes exactly on it), where θ also diverges but slowly enough that the gradient can
    meet ``tol`` first; telling it apart needs a linear program (notebook 08 shows the case).
    If ``max_iter`` steps do not reach ``tol``, or J stops changing (no acceptable step, or
    three steps in a row that changed J by no more than rounding: ``tol`` is below what the
    floating-point type can resolve), it warns with a :class:`ConvergenceWarning` and returns
    the last point, ``converged=False``.

    >>> from lossbook.data import make_data
    >>> X, y = make_data()
    >>> result = newton(X, y)
    >>> result.converged, result.n_iter < 15
    (True, True)
    """
    X, y_is_one, theta, l2 = _prepare(X, y, theta0, l2)
    max_iter = check_positive_int(max_iter, "max_iter")
    working = np.result_type(X.dtype, theta.dtype, np.float32)
    tol = _default_tol(working) if tol is None else check_positive_float(tol, "tol")

    def at(point, want_hess):
        """(J, grad, hess or None, largest margin t) at a point."""
        return evaluate(point, X, y_is_one, l2, want_hess=want_hess, want_margin=True)

    J, grad, hess, max_t = at(theta, want_hess=True)
    flat = 16 * np.finfo(grad.dtype).eps  # relative change of J lost in rounding
    grad_norm = float(np.linalg.norm(grad))
    previous_norm = None  # |grad J| before the last full (alpha = 1) step
    flat_steps = 0  # consecutive steps that changed J by no more than rounding
    history = [J]
    converged = False
    n_ones = int(np.count_nonzero(y_is_one))
    one_class = n_ones in (0, y_is_one.shape[0])
    while True:
        n_iter = len(history) - 1
        if one_class:
            label = int(n_ones > 0)
            message = (
                f"every label is {label} (one class only): J has no finite minimum for any "
                f"l2, since the intercept is not penalised (theta[0] -> "
                f"{'+' if label else '-'}inf); fit data with both classes"
            )
            warnings.warn(message, SeparationWarning, stacklevel=2)
            break
        if l2 == 0 and max_t < 0:
            message = (
                "the data are linearly separable: theta classifies every sample correctly, "
                "so J has no finite minimum (J -> 0 as |theta| -> inf); use l2 > 0"
            )
            warnings.warn(message, SeparationWarning, stacklevel=2)
            break
        if grad_norm < tol:
            converged = True
            message = f"gradient norm {grad_norm:.3g} < tol={tol:g}"
            break
        if flat_steps == 3:
            message = (f"the line search no longer decreases J at {grad.dtype} precision "
                       f"(tol={tol:g} may be below what it can resolve), "
                       f"|grad J| = {grad_norm:.3g}")
            warnings.warn(f"newton: {message}", ConvergenceWarning, stacklevel=2)
            break
        if n_iter == max_iter:
            message = f"reached max_iter={max_iter}"
            warnings.warn(f"newton: {message}, |grad J| = {grad_norm:.3g}", ConvergenceWarning,
                          stacklevel=2)
            break
        if hess is None:  # this point was reached without its Hessian (see the docstring)
            J, grad, hess, max_t = at(theta, want_hess=True)
        direction = _newton_direction(grad, hess)
        with np.errstate(over="ignore", invalid="ignore"):
            slope = float(grad @ direction)
        last = previous_norm is not None and 4 * grad_norm**3 < tol * previous_norm**2
        alpha, accepted = 1.0, None
        for _ in range(_MAX_HALVINGS + 1):
            with np.errstate(over="ignore", invalid="ignore"):
                trial = theta + alpha * direction
            try:
                if not np.isfinite(trial).all():
                    raise ValueError("theta overflows")
                values = at(trial, want_hess=alpha == 1.0 and not last)
            except ValueError:  # theta or X @ trial overflows: far too long a step
                alpha /= 2
                continue
            J_new, grad_new = values[0], values[1]
            is_flat = abs(J_new - J) <= flat * abs(J)
            if J_new <= J + 1e-4 * alpha * slope or (
                is_flat and np.abs(grad_new).sum() < np.abs(grad).sum()
            ):
                accepted = values
                break
            alpha /= 2
        if accepted is None:
            flat_steps = 3  # no step at all: stop, as after three flat ones
            continue
        flat_steps = flat_steps + 1 if is_flat else 0
        previous_norm = grad_norm if alpha == 1.0 else None
        theta = trial
        J, grad, hess, max_t = accepted
        grad_norm = float(np.linalg.norm(grad))
        history.append(J)
    return OptimizeResult(theta, len(history) - 1, converged, np.array(history),
                          grad_norm, message)


def smoothness_constant(X, l2=0.0):
    r"""The smoothness constant :math:`L_s = \lambda_{\max}(X^\top X)/(4m) + \lambda`.

    Since :math:`\sigma'(z) \le 1/4`, :math:`\nabla^2 J \preceq X^\top X/(4m) + \lambda I`,
    so J is :math:`L_s`-smooth and gradient descent with step :math:`1/L_s` never increases J
    (notebook 06).

    >>> smoothness_constant(np.array([[1.0, 1.0], [1.0, -1.0]]))  # X.T @ X = 2 I
    0.25
    """
    if is_dask(X):
        from ._dask import check_dask_X

        X = check_dask_X(X)
    else:
        X = check_X(X)
    l2 = check_l2(l2)
    gram = np.asarray(X.T @ X)  # a Dask X: summed chunk by chunk (d² numbers each)
    if not np.isfinite(gram).all():
        raise ValueError("X contains NaN or infinity, or X.T @ X overflows")
    return float(np.linalg.eigvalsh(gram)[-1]) / (4 * X.shape[0]) + l2
