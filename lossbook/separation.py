r"""Deciding whether the maximum-likelihood estimate exists: separation (notebook 08).

For labels :math:`y_i \in \{0, 1\}` write :math:`s_i = 2y_i - 1` and the margin of sample
:math:`i` as :math:`s_i\,x_i^\top\theta`. Albert & Anderson (1984) sort every data set
(with :math:`X` of full column rank) into exactly one of three cases:

- **complete separation**: some :math:`\theta` has every margin :math:`> 0`;
- **quasi-complete separation**: not complete, but some :math:`\theta \ne 0` has every
  margin :math:`\ge 0` (and, :math:`X` having full rank, at least one :math:`> 0`);
- **overlap**: neither. Then, and only then, the MLE exists and is unique.

In both separated cases :math:`J` has no minimiser: along such a :math:`\theta` it keeps
falling. Two linear programs decide the case (as in Konis 2007, R package
``safeBinaryRegression``).
"""

from dataclasses import dataclass

import numpy as np

from ._validate import check_labels, check_positive_float, check_X

__all__ = ["SeparationResult", "detect_separation"]


@dataclass(frozen=True)
class SeparationResult:
    """What :func:`detect_separation` found.

    ``kind`` is ``"complete"``, ``"quasi-complete"`` or ``"overlap"``; ``theta`` is the
    certificate (a direction with every margin >= 0, some > 0; for ``"complete"`` every
    margin > 0), or ``None`` for ``"overlap"``; ``on_boundary`` counts the samples whose
    margin is 0 along ``theta`` (the samples that make a quasi-complete separation quasi).
    """

    kind: str
    theta: np.ndarray | None
    on_boundary: int

    @property
    def mle_exists(self):
        """True exactly for overlap (X of full column rank)."""
        return self.kind == "overlap"


def detect_separation(X, y, tol=1e-9):
    r"""Decide complete separation, quasi-complete separation or overlap by linear programming.

    With :math:`a_i = s_i x_i / \max_k\lVert x_k\rVert_1`, :math:`s_i = 2y_i - 1` (one positive
    scale for all rows, so that the solver's absolute tolerances are relative to the data's
    size: X in other units gives the same answer), and each :math:`\theta_j` boxed in
    :math:`[-1, 1]` (margins scale with :math:`\theta`, so the box loses nothing):

    1. maximise :math:`\sum_i a_i^\top\theta` subject to :math:`a_i^\top\theta \ge 0` for all
       :math:`i`. The optimum is 0 exactly for overlap (only :math:`X\theta = 0` is feasible);
       otherwise the solution is a direction along which no margin is negative.
    2. maximise :math:`t` subject to :math:`a_i^\top\theta \ge t`, :math:`t \le 1`. The data
       are completely separated exactly when :math:`t^* > 0`.

    Domain: X of shape (m, d) with its intercept column, of full column rank (otherwise
    :math:`X\theta = 0` for some :math:`\theta \ne 0` and the MLE is not unique anyway); y of
    0/1 or bool labels. ``tol`` (a finite number > 0) is the margin, relative to
    :math:`\max_i\lVert x_i\rVert_1`, below which a margin counts as 0 (the LP solver's own
    tolerances are about 1e-7, so relative ones too; the certificate's margins are recomputed
    and checked). Needs scipy (``scipy.optimize.linprog``, method ``"highs"``). Derived in
    notebook 08.

    Reference: A. Albert and J. A. Anderson, "On the existence of maximum likelihood
    estimates in logistic regression models", *Biometrika* 71(1), 1984, 1-10.

    >>> from lossbook.data import make_data, make_separable_data
    >>> detect_separation(*make_separable_data()).kind
    'complete'
    >>> detect_separation(*make_data()).kind
    'overlap'
    >>> X, y = make_separable_data()
    >>> X_q = np.vstack([X, [[1.0, 0.3, -0.3], [1.0, 0.3, -0.3]]])  # one of each label
    >>> result = detect_separation(X_q, np.r_[y, True, False])       # on the line x1 + x2 = 0
    >>> result.kind, result.on_boundary
    ('quasi-complete', 2)
    """
    from scipy.optimize import linprog

    X = check_X(X)
    y_is_one = check_labels(y, X.shape[0])
    zero = check_positive_float(tol, "tol")  # > 0: at tol = 0 rounding would decide the verdict
    A = np.where(y_is_one, 1.0, -1.0)[:, None] * X  # rows a_i = s_i x_i
    if not np.all(np.isfinite(A)):
        raise ValueError("X holds NaN or infinity; separation is decided for finite data only")
    m, d = A.shape
    A = A / (float(np.abs(A).sum(axis=1).max()) or 1.0)  # the solver's tolerances are absolute

    def checked(theta):
        """The margins of a certificate, or None if some margin is clearly negative."""
        margins = A @ theta
        return margins if margins.min() >= -zero else None

    box = [(-1.0, 1.0)] * d
    second = linprog(np.r_[np.zeros(d), -1.0], A_ub=np.c_[-A, np.ones(m)], b_ub=np.zeros(m),
                     bounds=[*box, (None, 1.0)], method="highs")
    if second.status == 0 and -second.fun > zero:
        theta = second.x[:d]
        margins = checked(theta)
        if margins is not None and margins.min() > zero:
            return SeparationResult("complete", theta, 0)
    first = linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(m), bounds=box, method="highs")
    if first.status != 0:
        raise RuntimeError(f"linprog failed: {first.message}")
    theta = first.x
    margins = checked(theta)
    if margins is None or margins.max() <= zero:
        return SeparationResult("overlap", None, 0)
    return SeparationResult("quasi-complete", theta, int(np.sum(np.abs(margins) <= zero)))
