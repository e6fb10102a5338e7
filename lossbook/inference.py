r"""Evaluating a fitted model: accuracy, calibration and standard errors (notebooks 09 and 10).

The loss J measures how probable the model finds the labels; these say more about a fit:

- :func:`accuracy`: how often the predicted label (1 where :math:`\sigma(z) \ge 1/2`) is right;
- :func:`calibration_curve`: whether predicted probabilities match observed frequencies;
- :func:`standard_errors`: how much the estimate :math:`\hat\theta` would vary from one data
  set to the next, from the curvature of the log-likelihood at its maximum.
"""

import numpy as np

from ._validate import (
    as_real_array,
    check_finite_result,
    check_inputs,
    check_labels,
    check_positive_int,
)
from .objective import evaluate

__all__ = ["accuracy", "calibration_curve", "standard_errors"]


def accuracy(theta, X, y):
    r"""The fraction of samples whose predicted label equals the true label.

    The prediction is 1 where :math:`\sigma(x^\top\theta) \ge 1/2`, i.e. where the logit
    :math:`z = x^\top\theta \ge 0` (the decision boundary of notebook 01), and 0 elsewhere:
    :math:`\frac{1}{m}\sum_i [\,(z_i \ge 0) = y_i\,]`, a number in [0, 1]. It ignores how
    confident a prediction is, which the loss does not (notebook 09).

    Parameters as for :func:`lossbook.loss`: theta (d,), X (m, d) with the intercept
    column first, y (m,) of 0/1 or bools.

    >>> X = np.array([[1.0, -2.0], [1.0, -0.5], [1.0, 0.5], [1.0, 2.0]])
    >>> accuracy(np.array([0.0, 1.0]), X, [0, 1, 1, 1])  # z = -2, -0.5, 0.5, 2
    0.75
    """
    theta, X, y_is_one, _ = check_inputs(theta, X, y)
    z = X @ theta
    check_finite_result(z, X)
    return float(np.mean((z >= 0) == y_is_one))


def calibration_curve(p, y, n_bins=10):
    r"""Bin predicted probabilities and compare each bin's mean prediction with its frequency.

    The interval [0, 1] is cut into ``n_bins`` bins of equal width; bin k holds the
    :math:`p_i` in :math:`(k/n, (k+1)/n]` (the first bin also holds 0). For each non-empty
    bin it returns the mean predicted probability, the observed fraction of labels equal to
    1, and the number of samples. A *calibrated* model has the two equal up to sampling noise
    (about :math:`\sqrt{f(1-f)/\text{count}}`): of the samples given probability 0.7, about
    70 % are 1s. Plotted against each other this is a reliability diagram (notebook 09).
    Same bins and results as ``sklearn.calibration.calibration_curve(y, p, n_bins=n_bins)``,
    which returns (observed, mean predicted) without the counts.

    Returns ``(mean_predicted, observed, count)``, three arrays of the same length (the
    number of non-empty bins), in increasing order of the bins.

    >>> p = np.array([0.1, 0.2, 0.3, 0.8, 0.9])
    >>> mean_predicted, observed, count = calibration_curve(p, [0, 0, 1, 1, 1], n_bins=2)
    >>> mean_predicted, observed, count
    (array([0.2 , 0.85]), array([0.33333333, 1.        ]), array([3, 2]))
    """
    p = as_real_array(p, "p")
    if p.dtype.kind not in "iuf" or p.ndim != 1:
        raise ValueError(f"p must be a 1-D array of probabilities, got shape {p.shape} "
                         f"and dtype {p.dtype}")
    if not np.all((p >= 0) & (p <= 1)):  # also rejects NaN
        raise ValueError("p must hold probabilities in [0, 1] (no NaN)")
    y_is_one = check_labels(y, p.shape[0])
    n_bins = check_positive_int(n_bins, "n_bins", allow_zero=False)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.searchsorted(edges[1:-1], p, side="left")
    count = np.bincount(bins, minlength=n_bins)
    sum_p = np.bincount(bins, weights=p, minlength=n_bins)
    sum_y = np.bincount(bins, weights=y_is_one, minlength=n_bins)
    full = count > 0
    return sum_p[full] / count[full], sum_y[full] / count[full], count[full]


def standard_errors(theta, X, y, l2=0.0):
    r"""Standard errors of the estimate :math:`\hat\theta`, from the inverse of the information.

    With :math:`R = \operatorname{diag}(\sigma(z_i)\,\sigma(-z_i))`, the observed Fisher
    information is the Hessian of the *summed* negative log-likelihood,
    :math:`I(\theta) = m\,\nabla^2 J(\theta) = X^\top R X` (plus :math:`m\lambda` on the
    diagonal of the penalised coefficients when ``l2`` = λ > 0), and

    .. math::

        \operatorname{SE}(\hat\theta_j) = \sqrt{\big[I(\hat\theta)^{-1}\big]_{jj}}.

    Domain: theta should be the maximum of the (penalised) likelihood, e.g.
    ``newton(X, y).theta``; there, for large m, :math:`\hat\theta` is approximately normal with
    covariance :math:`I^{-1}`, so :math:`\hat\theta_j \pm 2\,\operatorname{SE}_j` covers the
    true value about 95 % of the time. With ``l2 > 0`` these are the standard deviations of
    the Gaussian (Laplace) approximation to the posterior under the prior that λ encodes
    (notebook 08). Derived and checked against a bootstrap in notebook 10. The inverse is
    taken through a Cholesky factor :math:`I = LL^\top`:
    :math:`[I^{-1}]_{jj} = \sum_i [L^{-1}]_{ij}^2`.

    Raises ``ValueError`` if I is not positive definite to working precision (a column of X
    that the others explain up to a share below 1000 ε, whose error would have fewer than
    3 correct digits): collinear columns of X, or a θ so large that every weight
    :math:`\sigma'(z_i)` vanishes (separable data, notebook 08); and if every label is the
    same (one class only), where no maximum exists whatever ``l2`` is.

    >>> X = np.array([[1.0, -1.0], [1.0, 1.0]])
    >>> standard_errors(np.zeros(2), X, [0, 1])  # R = I/4, so I = X^T X / 4 = diag(1/2, 1/2)
    array([1.41421356, 1.41421356])
    """
    theta, X, y_is_one, l2 = check_inputs(theta, X, y, l2)
    m = X.shape[0]
    n_ones = int(np.count_nonzero(y_is_one))
    if n_ones in (0, m):
        raise ValueError(
            f"every label is {int(n_ones > 0)} (one class only): the likelihood has no maximum "
            "(the intercept goes to infinity), so no standard errors exist"
        )
    _, _, hess = evaluate(theta, X, y_is_one, l2, want_grad=False, want_hess=True,
                          want_loss=False)
    information = m * hess.astype(np.float64, copy=False)
    try:
        L = np.linalg.cholesky(information)
        # pivot_j / I_jj = the share of column j not explained by columns 0..j-1 (in the
        # S-weighted metric); below 1000 eps, rounding leaves fewer than 3 correct digits
        with np.errstate(divide="ignore", invalid="ignore"):
            unexplained = np.diag(L) ** 2 / np.diag(information)
        if not np.all(unexplained > 1e3 * np.finfo(hess.dtype).eps):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        raise ValueError(
            "the information matrix X^T R X is not positive definite: X has collinear "
            "columns, or theta is so large that every weight sigma'(z) vanishes "
            "(separable data); no standard errors exist (try l2 > 0)"
        ) from None
    L_inv = np.linalg.inv(L)
    return np.sqrt(np.einsum("ij,ij->j", L_inv, L_inv))
