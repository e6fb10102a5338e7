r"""The checker of notebook 13: the mini-batch gradient, an unbiased estimate of the full one.

``check_minibatch_gradient`` takes the learner's ``fn(theta, X, y, batch)``, with ``batch``
an integer array of distinct row indices, and names the usual mistakes: dividing by m (the
data's size) instead of B (the batch's), the sum without the 1/B, the full gradient instead
of the batch's, a flipped sign, and y left unindexed.
"""

import numpy as np

from ..data import add_intercept, make_data
from ..objective import gradient
from ._cases import _Case
from ._engine import _Check, _inspect

_NB13 = "see notebook 13 (when the data outgrow one machine)"


def _case(name, theta, X, y, batch):
    return _Case(name, (theta, X, y, np.asarray(batch, dtype=np.intp)))


def _cases():
    rng = np.random.default_rng(13)
    X20 = add_intercept(rng.normal(size=(20, 2)))
    theta20 = np.array([0.3, -1.0, 0.8])
    y20 = (rng.random(20) < 0.5).astype(int)
    y20[:2] = [0, 1]
    X_open, y_open = make_data()
    X40 = add_intercept(rng.normal(size=(40, 4)))
    y40 = rng.random(40) < 0.4
    return [
        _case("a batch of 5 of m = 20 rows (d = 3, int labels)", theta20, X20, y20,
              [3, 17, 0, 11, 6]),
        _case("a batch of one row (B = 1)", theta20, X20, y20, [7]),
        _case("the whole data as one batch, shuffled (B = m = 20)", theta20, X20, y20,
              rng.permutation(20)),
        _case("the opening example's data, a batch of 10 (bool labels)",
              np.array([0.5, 1.0, 1.5]), X_open, y_open, rng.choice(100, 10, replace=False)),
        _case("a batch of 8 of m = 40 rows (d = 5, float labels)", rng.normal(size=5) * 0.5,
              X40, y40.astype(float), rng.choice(40, 8, replace=False)),
        _case("theta = 0, a batch of 16 of the opening example's rows", np.zeros(3), X_open,
              y_open, np.arange(0, 100, 6)[:16]),
    ]


def _reference(theta, X, y, batch):
    return gradient(theta, X[batch], y[batch])


def _candidates(case, want, got):
    theta, X, y, batch = case.args
    m, B = X.shape[0], batch.shape[0]
    return [
        (lambda: want * B / m,
         f"you divided by m = {m}, the size of the data, instead of by B = {B}, the size of "
         "the batch: the estimate must be the batch's mean, (1/B) X_B.T @ (sigma(X_B theta) "
         f"- y_B), so that its expectation is the full gradient; {_NB13}."),
        (lambda: want * B,
         f"your gradient is B = {B} times too large: the 1/B is missing (a sum over the batch "
         "where its mean is needed)."),
        (lambda: gradient(theta, X, y),
         "you returned the full gradient over all m rows; use only the batch's rows, "
         "X[batch] and y[batch]."),
        (lambda: -want, "the sign is flipped: the gradient is X_B.T @ (sigma(X_B theta) - y_B) "
                        "/ B, the residual is prediction minus label."),
        (lambda: gradient(theta, X[batch], y[:B]),
         "the labels are not the batch's: index y with the same rows as X, y[batch]."),
    ]


def check_minibatch_gradient(fn):
    r"""Check ``fn(theta, X, y, batch)``: :math:`g_B = \frac1B X_B^\top(\sigma(X_B\theta) - y_B)`.

    ``batch`` holds B distinct row indices; X_B and y_B are those rows. Cases: batches of
    1, 5, 8, 10 and 16 rows, the whole data shuffled (B = m: the full gradient), int, bool
    and float labels. Recognises dividing by m instead of B, a missing 1/B, the full
    gradient, a flipped sign, and labels not indexed by the batch.

    >>> import lossbook as lb
    >>> check_minibatch_gradient(lambda theta, X, y, batch: lb.gradient(theta, X[batch], y[batch]))
    check_minibatch_gradient: all 6 cases passed.
    >>> def by_m(theta, X, y, batch):
    ...     Xb = X[batch]
    ...     return Xb.T @ (lb.sigmoid(Xb @ theta) - y[batch]) / len(y)
    >>> check_minibatch_gradient(by_m)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: check_minibatch_gradient failed on case 1 of 6: a batch of 5 of m = 20 ...
    ...
    Likely mistake: you divided by m = 20, the size of the data, instead of by B = 5, ...
    """
    check = _Check("check_minibatch_gradient", ("theta", "X", "y", "batch"), _cases())
    check.run(fn, _reference, _inspect("gradient", 1e-6, 1e-9, _candidates, None))
