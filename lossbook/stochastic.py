r"""Mini-batch stochastic gradient descent (notebook 13).

J is a mean over the m samples, so the gradient of the mean loss over a batch B of rows
drawn uniformly without replacement is an unbiased estimate of the full gradient:

.. math::

    g_B(\theta) = \frac{1}{|B|}\sum_{i \in B} x_i(\sigma(x_i^\top\theta) - y_i)
                  + \lambda\,[0, \theta_{1:}],
    \qquad \mathbb{E}_B[g_B] = \nabla J(\theta),

since every sample is in B with probability |B|/m. Its covariance is
:math:`\frac{m - |B|}{|B|(m - 1)}\,S` with S the covariance (divisor m) of the m per-sample
gradients: it falls as 1/|B| and is 0 for the full batch. Reference: L. Bottou, F. E. Curtis
and J. Nocedal, "Optimization methods for large-scale machine learning", SIAM Review 60
(2018), sections 4 and 5.
"""

import math
import numbers
import warnings

import numpy as np

from ._validate import check_positive_float, check_positive_int
from .objective import evaluate
from .optimize import ConvergenceWarning, OptimizeResult, _prepare

__all__ = ["sgd"]

_SCHEDULES = ("constant", "inverse")


def _generator(seed):
    """A numpy Generator from None (fresh entropy), an int >= 0, or a Generator (used as is)."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)  # a Generator is returned unchanged
    if isinstance(seed, numbers.Integral) and not isinstance(seed, (bool, np.bool_)):
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        return np.random.default_rng(int(seed))
    raise TypeError(f"seed must be None, an int or a numpy.random.Generator, got {seed!r}")


def _batches(m, batch_size, rng):
    """One epoch's batches: the rows of ``rng.permutation(m)`` cut into runs of batch_size.

    Every sample is in exactly one batch; the last holds the remaining m mod batch_size
    samples when batch_size does not divide m.
    """
    order = rng.permutation(m)
    return [order[start : start + batch_size] for start in range(0, m, batch_size)]


def sgd(X, y, learning_rate, batch_size, n_epochs, seed=None, theta0=None, l2=0.0,
        schedule="constant", decay_epochs=1.0, average=False, tol=0.0):
    r"""Minimise J by mini-batch SGD, :math:`\theta \gets \theta - \eta_k g_B`.

    Each epoch shuffles the m rows (``rng.permutation(m)``, with ``rng`` the numpy
    Generator made from ``seed``: None for fresh entropy, an int, or a Generator, which is
    used as it is and advances) and cuts them into batches of ``batch_size`` rows (the last
    one holds the remaining m mod ``batch_size``), so that each sample is used once per
    epoch. Step k takes the gradient :math:`g_B` of J on the batch's rows alone (the module
    docstring: :math:`\mathbb{E}[g_B] = \nabla J`) through the same blocked kernel as
    :func:`lossbook.gradient`, with step

    - ``schedule="constant"``: :math:`\eta_k = \eta_0` (``learning_rate``), which stalls at
      a noise floor whose size grows with :math:`\eta_0`;
    - ``schedule="inverse"``: :math:`\eta_k = \eta_0/(1 + k/(n_b T))`, with :math:`n_b` the
      number of batches per epoch and T = ``decay_epochs`` (> 0): the step halves after
      T epochs, then falls as 1/epoch. :math:`\sum\eta_k = \infty` and
      :math:`\sum\eta_k^2 < \infty` (Robbins and Monro's conditions), so the noise dies
      out; a T that is too short stops θ before it gets there (notebook 13 shows both).

    With ``average=True`` the result is the Polyak–Ruppert average
    :math:`\bar\theta_k = \frac1k\sum_{j=1}^k\theta_j` of the iterates after every step,
    whose noise averages out even at a constant step.

    X and y must be in memory (numpy arrays, memory-mapped ones included): a Dask array is
    refused, since random batches of rows would be fetched from every chunk.
    ``batch_size`` must be between 1 and m (a larger batch is an error rather than clipped
    to m, so that a mistyped size is noticed); ``batch_size = m`` with the constant step
    is gradient descent. ``n_epochs`` >= 0; ``tol`` >= 0 stops after the first epoch at
    whose end :math:`\lVert\nabla J\rVert \le` ``tol`` (0: every epoch runs).

    Returns an :class:`~lossbook.OptimizeResult`: ``n_iter`` counts *epochs* (each
    ``ceil(m / batch_size)`` steps and one pass over the data), ``history`` holds the
    full-data J at the start and after each epoch (of the averaged iterate with
    ``average=True``), so ``len(history) == n_iter + 1``, and ``grad_norm`` the full
    gradient's norm at the returned θ. Those full-data values cost one extra pass per
    epoch. If θ or Xθ overflows (the step is too large) it stops with a
    :class:`~lossbook.ConvergenceWarning` and returns the last epoch's point.

    >>> from lossbook.data import make_data
    >>> X, y = make_data()
    >>> result = sgd(X, y, learning_rate=4.0, batch_size=10, n_epochs=50, seed=0,
    ...              schedule="inverse", decay_epochs=10)
    >>> result.n_iter, len(result.history)
    (50, 51)
    >>> float(result.history[0]) == float(np.log(2))  # J(0) = log 2
    True
    >>> bool(result.history[-1] < 0.1)  # J* = 0.048 (Newton); it was 0.08
    True
    """
    for name, a in (("X", X), ("y", y)):
        if type(a).__module__.startswith("dask"):
            raise TypeError(
                f"sgd needs {name} in memory: each step reads a random batch of rows, which a "
                f"Dask array would fetch from every chunk; pass {name}.compute() if it fits, "
                "or fit with newton or gradient_descent, which read a Dask array chunk by chunk"
            )
    X, y_is_one, theta, l2 = _prepare(X, y, theta0, l2)
    learning_rate = check_positive_float(learning_rate, "learning_rate")
    batch_size = check_positive_int(batch_size, "batch_size", allow_zero=False)
    n_epochs = check_positive_int(n_epochs, "n_epochs")
    tol = check_positive_float(tol, "tol", allow_zero=True)
    if schedule not in _SCHEDULES:
        raise ValueError(f"schedule must be one of {_SCHEDULES}, got {schedule!r}")
    decay_epochs = check_positive_float(decay_epochs, "decay_epochs")
    if not isinstance(average, (bool, np.bool_)):
        raise TypeError(f"average must be True or False, got {average!r}")
    m = X.shape[0]
    if batch_size > m:
        raise ValueError(f"batch_size={batch_size} is larger than the m = {m} samples")
    rng = _generator(seed)
    decay_steps = decay_epochs * math.ceil(m / batch_size)  # n_b steps per epoch

    mean = theta.copy()  # the Polyak-Ruppert average of the iterates so far
    J, grad, _ = evaluate(theta, X, y_is_one, l2)
    history, grad_norm = [J], float(np.linalg.norm(grad))
    step, message, n_iter = 0, f"reached n_epochs={n_epochs}", 0
    while n_iter < n_epochs and not grad_norm <= tol:
        start, start_mean = theta, mean
        try:
            for rows in _batches(m, batch_size, rng):
                eta = learning_rate if schedule == "constant" else learning_rate / (
                    1 + step / decay_steps)
                g = evaluate(theta, X[rows], y_is_one[rows], l2, want_loss=False)[1]
                with np.errstate(over="ignore", invalid="ignore"):
                    theta = theta - eta * g
                if not np.isfinite(theta).all():
                    raise ValueError("theta overflows")
                step += 1
                if average:
                    mean = mean + (theta - mean) / step
            J, grad, _ = evaluate(mean if average else theta, X, y_is_one, l2)
        except ValueError:  # X @ theta or theta overflowed: the step is far too large
            theta, mean = start, start_mean
            message = (f"diverged in epoch {n_iter + 1}: theta or X @ theta overflowed "
                       f"(learning_rate={learning_rate:g} is too large)")
            warnings.warn(f"sgd: {message}", ConvergenceWarning, stacklevel=2)
            break
        history.append(J)
        grad_norm = float(np.linalg.norm(grad))
        n_iter += 1
    converged = grad_norm <= tol
    if converged:
        message = f"gradient norm {grad_norm:.3g} <= tol={tol:g} after {n_iter} epochs"
    return OptimizeResult(mean if average else theta, n_iter, converged, np.array(history),
                          grad_norm, message)
