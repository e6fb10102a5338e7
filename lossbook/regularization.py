r"""L2 regularisation: a Gaussian prior on θ, its path, and choosing its strength (notebook 08).

The penalised loss
:math:`J_\lambda(\theta) = J(\theta) + \frac{\lambda}{2}\lVert\theta_{1:}\rVert^2`
itself lives in :mod:`lossbook.objective` (the ``l2`` argument of ``loss``, ``gradient``,
``hessian``) and is minimised by :func:`lossbook.newton`. This module keeps what notebook 08
derives around it:

- minimising :math:`J_\lambda` is maximum a posteriori (MAP) estimation under the prior
  :math:`\theta_j \sim \mathcal{N}(0, \tau^2)` for j >= 1 (the intercept flat), with
  :math:`\lambda = 1/(m\tau^2)`: :func:`l2_from_prior_variance`, :func:`prior_variance_from_l2`;
- the fitted θ as a function of λ: :func:`regularization_path`;
- λ chosen by the loss on held-out validation data, never on the test set: :func:`choose_l2`.
"""

import numpy as np

from ._validate import check_positive_float, check_positive_int, check_X
from .objective import loss
from .optimize import newton

__all__ = [
    "choose_l2",
    "l2_from_prior_variance",
    "prior_variance_from_l2",
    "regularization_path",
]


def l2_from_prior_variance(variance, m):
    r"""The penalty λ equivalent to the prior :math:`\theta_j \sim \mathcal{N}(0, \tau^2)`, j >= 1.

    With m samples, :math:`-\log p(\theta_{1:}) = \frac{1}{2\tau^2}\lVert\theta_{1:}\rVert^2
    + \text{const}`; dividing the negative log-posterior by m (the loss J is a mean over
    samples) turns it into :math:`\frac{\lambda}{2}\lVert\theta_{1:}\rVert^2` with
    :math:`\lambda = 1/(m\tau^2)`. Domain: variance > 0, m >= 1. Derived in notebook 08.

    >>> l2_from_prior_variance(4.0, m=80)  # prior standard deviation 2, 80 samples
    0.003125
    """
    variance = check_positive_float(variance, "variance")
    m = check_positive_int(m, "m", allow_zero=False)
    return 1.0 / (m * variance)


def prior_variance_from_l2(l2, m):
    r"""The prior variance :math:`\tau^2 = 1/(m\lambda)` that the penalty λ > 0 stands for.

    The inverse of :func:`l2_from_prior_variance`: a fixed λ means a prior that tightens as
    m grows (notebook 08).

    >>> prior_variance_from_l2(0.003125, m=80)
    4.0
    """
    l2 = check_positive_float(l2, "l2")
    m = check_positive_int(m, "m", allow_zero=False)
    return 1.0 / (m * l2)


def _check_l2_values(l2_values):
    l2_values = np.asarray(l2_values)
    if l2_values.dtype.kind not in "iuf" or l2_values.ndim != 1 or l2_values.size == 0:
        raise ValueError(
            f"l2_values must be a non-empty 1-D array of numbers, got {l2_values!r}"
        )
    l2_values = l2_values.astype(np.float64)
    if not np.isfinite(l2_values).all() or (l2_values < 0).any():
        raise ValueError(f"every l2 value must be a finite number >= 0, got {l2_values}")
    return l2_values


def regularization_path(X, y, l2_values, tol=None, max_iter=50):
    r"""The minimiser :math:`\hat\theta(\lambda)` of :math:`J_\lambda` for each λ in ``l2_values``.

    Each fit is :func:`lossbook.newton` with ``l2=λ``, warm-started from the fit of the next
    larger λ (the path is traced from strong to weak regularisation, where each solution is
    close to the previous one). Returns an array of shape ``(len(l2_values), d)``, row k for
    ``l2_values[k]``, in the order given. A λ of 0 is allowed; on separable data it makes
    ``newton`` warn (:class:`lossbook.SeparationWarning`), as it should. ``tol`` and
    ``max_iter`` are passed to every ``newton`` fit (``tol=None``: its dtype-scaled default).
    Notebook 08.

    >>> from lossbook.data import make_data
    >>> X, y = make_data()
    >>> regularization_path(X, y, [1.0, 0.01]).round(2)
    array([[0.3 , 0.14, 0.28],
           [1.06, 1.81, 3.2 ]])
    """
    X = check_X(X)
    l2_values = _check_l2_values(l2_values)
    thetas = np.empty((l2_values.size, X.shape[1]))
    theta = None
    for k in np.argsort(-l2_values, kind="stable"):
        theta = newton(X, y, l2=float(l2_values[k]), tol=tol, max_iter=max_iter,
                       theta0=theta).theta
        thetas[k] = theta
    return thetas


def choose_l2(X_train, y_train, X_val, y_val, l2_values, tol=None, max_iter=50):
    r"""Choose λ by the unpenalised loss J on validation data; return ``(best_l2, val_losses)``.

    For each λ, fit :math:`\hat\theta(\lambda)` on the training data
    (:func:`regularization_path`), then evaluate :math:`J(\hat\theta(\lambda))` on the
    validation data, *without* the penalty (the penalty is part of fitting, not of how well
    the model predicts). ``best_l2`` is the λ with the smallest validation loss (the first,
    in the order given, on a tie); ``val_losses[k]`` belongs to ``l2_values[k]``.

    The validation data must be held out from the training data, and the test set must play
    no part: a loss that chose λ is biased low as an estimate of the loss on new data.
    Notebook 08.

    >>> from lossbook.data import make_data, train_test_split
    >>> theta_true = np.r_[1.0, 2.0, 3.0, np.zeros(18)]  # 18 features carry no signal
    >>> X, y = make_data(m=250, n=20, theta_true=theta_true, noise=1.0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y)
    >>> X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, test_size=0.25,
    ...                                               random_state=0)
    >>> best, val_losses = choose_l2(X_fit, y_fit, X_val, y_val, [0.1, 0.01, 0.001, 0.0001])
    >>> best, val_losses.round(3)
    (0.001, array([0.36 , 0.232, 0.202, 0.243]))
    """
    l2_values = _check_l2_values(l2_values)
    thetas = regularization_path(X_train, y_train, l2_values, tol=tol, max_iter=max_iter)
    val_losses = np.array([loss(theta, X_val, y_val) for theta in thetas])
    return float(l2_values[int(np.argmin(val_losses))]), val_losses

