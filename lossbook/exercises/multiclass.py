"""Checkers for softmax regression (notebook 12): log-softmax, the loss and its gradient.

They take the learner's ``fn(Z)`` or ``fn(Theta, X, y)`` with Theta of shape (d, K) and y
integer labels 0..K-1, and name the usual mistakes: a log-sum-exp without the max
subtracted (overflow at logits of 1000), a sum over the wrong axis, P - Y transposed, the
missing 1/m, one-hot labels where y holds integers (or the reverse), and a flipped sign.
"""

import numpy as np

from .. import multiclass as mc
from ..data import add_intercept
from ._cases import _Case
from ._engine import _Check, _factor_candidates, _inspect

_NB12 = "see notebook 12 (beyond two classes)"

_MAX_HINT = (
    "the max is not subtracted: np.exp(Z) overflows once a logit exceeds 709 (here they reach "
    "1000), and inf / inf = nan. Subtract each row's maximum first, "
    "Z - Z.max(axis=1, keepdims=True), which changes no probability, then "
    f"log-sum-exp = max + log(sum(exp(Z - max))); {_NB12}."
)

_ONE_HOT_HINT = (
    "y holds integer labels 0..K-1, not a one-hot matrix: pick each sample's own "
    "log-probability with logp[np.arange(m), y], or build the one-hot matrix first, "
    "Y = np.eye(K)[y], and use np.sum(Y * logp, axis=1)."
)


def _rows(m, d, K, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    X = add_intercept(rng.normal(size=(m, d - 1)))
    Theta = rng.normal(size=(d, K)) * scale
    y = rng.integers(0, K, m)
    y[:K] = np.arange(K) if m >= K else y[:K]  # every class present where m allows
    return Theta, X, y


def _theta_cases():
    T1, X1, y1 = _rows(30, 3, 3, 1)
    T2, X2, y2 = _rows(20, 4, 4, 2)
    T3, X3, y3 = _rows(3, 3, 3, 3)
    T4, X4, y4 = _rows(12, 2, 2, 4)
    T5, X5, _ = _rows(10, 3, 5, 5)
    Xb = np.array([[1.0, 2.0], [1.0, -2.0], [1.0, 0.5], [1.0, -1.0]])
    Tb = np.array([[0.0, 0.0, 0.0], [500.0, 0.0, -500.0]])  # logits up to +-1000
    return [
        _Case("random data (m = 30, d = 3, K = 3)", (T1, X1, y1)),
        _Case("four classes (m = 20, d = 4, K = 4)", (T2, X2, y2)),
        _Case("Theta = 0 (every class has probability 1/K, J = log K; m = 20, K = 4)",
              (np.zeros((4, 4)), X2, y2)),
        _Case("a single sample (m = 1, d = 3, K = 3)", (T1, X1[:1].copy(), np.array([2]))),
        _Case("a square problem (m = d = K = 3)", (T3, X3, y3)),
        _Case("two classes (K = 2: logistic regression; m = 12, d = 2)", (T4, X4, y4)),
        _Case("a class that no sample has (K = 5, labels 0..3 only; m = 10)",
              (T5, X5, np.array([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]))),
        _Case("logits up to +-1000 (confidently right and wrong; m = 4, K = 3)",
              (Tb, Xb, np.array([0, 2, 1, 0])), stable=True),
    ]


def _z_cases():
    rng = np.random.default_rng(12)
    return [
        _Case("random logits (shape (6, 3))", (rng.normal(0, 3, (6, 3)),)),
        _Case("one row of logits (shape (4,))", (np.array([1.0, -2.0, 0.5, 3.0]),)),
        _Case("ties (shape (2, 3))", (np.array([[0.0, 0.0, 0.0], [2.0, 2.0, -1.0]]),)),
        _Case("two classes (shape (5, 2))", (rng.normal(0, 2, (5, 2)),)),
        _Case("logits of 1000 and -1e4 (shape (3, 3))",
              (np.array([[1000.0, 0.0, -1000.0], [-1e4, 0.0, 1e4], [1000.0, 999.0, 998.0]]),),
              stable=True),
        _Case("a confident row, log-probability -2e-22 (shape (1, 3))",
              (np.array([[50.0, 0.0, 0.0]]),), stable=True),
    ]


def _unstable(case, outcome, got):
    said = " ".join(outcome.warned)
    if "divide by zero" in said and "log" in said:
        return ("log(0): a probability that underflows to 0 (e^-1000 does) has log = -inf, so "
                "np.log(softmax(Z)) fails where the log-probability itself is an ordinary "
                "number (-1000). Compute it from the logits: Z - max - "
                f"log(sum(exp(Z - max))), the max taken over each row; {_NB12}.")
    if "overflow" in said or not np.isfinite(got).all():
        return _MAX_HINT
    return ("your values are right but numpy warned: subtract each row's max before np.exp "
            f"so nothing overflows; {_NB12}.")


def check_log_softmax(fn):
    r"""Check ``fn(Z)``: :math:`z_k - \log\sum_l e^{z_l}` along the last axis, Z's shape.

    Cases: random logits, one 1-D row, ties, K = 2, logits of 1000 and -1e4, and a confident
    row whose largest log-probability is -2e-22 (rtol 1e-6: ``-np.log1p`` of the rest, or
    the plain log-sum-exp with the max subtracted, both pass). Recognises a missing
    max-subtraction (overflow), the sum over the wrong axis or over the whole array, the
    softmax instead of its log, and log(softmax(Z)) underflowing to -inf.

    >>> import lossbook as lb
    >>> check_log_softmax(lb.log_softmax)
    check_log_softmax: all 6 cases passed.
    >>> def naive(Z):
    ...     return Z - np.log(np.sum(np.exp(Z), axis=-1, keepdims=True))
    >>> check_log_softmax(naive)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: check_log_softmax failed on case 5 of 6: logits of 1000 and -1e4 ...
    ...
    Likely mistake: the max is not subtracted: ...
    """

    def candidates(case, want, got):
        (Z,) = case.args
        Z = np.asarray(Z, dtype=float)
        top0 = Z.max(axis=0, keepdims=True)
        return [
            (lambda: Z - top0 - np.log(np.sum(np.exp(Z - top0), axis=0, keepdims=True)),
             "the sum runs over the wrong axis: the classes are the last axis, "
             "np.sum(..., axis=-1, keepdims=True) (axis=0 sums over the samples)."),
            (lambda: Z - Z.max() - np.log(np.sum(np.exp(Z - Z.max()))),
             "the sum runs over the whole array: each row (sample) has its own log-sum-exp, "
             "np.sum(..., axis=-1, keepdims=True)."),
            (lambda: np.exp(want), "you returned the softmax; the exercise asks for its log, "
                                   "Z - logsumexp(Z)."),
            (lambda: -want, "the sign: log-probabilities are <= 0, z_k - logsumexp(z)."),
            (lambda: Z - Z.max(axis=-1, keepdims=True),
             "the log-sum-exp's second part is missing: after subtracting the max, add back "
             "log(sum(exp(Z - max))): log_softmax = Z - max - log(sum(exp(Z - max)))."),
        ]

    check = _Check("check_log_softmax", ("Z",), _z_cases())
    check.run(fn, mc.log_softmax, _inspect("log-softmax", 1e-6, 1e-12, candidates, _unstable))


def _loss_candidates(case, want, got):
    Theta, X, y = case.args
    m, d = X.shape
    K = Theta.shape[1]
    Z = X @ Theta
    logp = mc.log_softmax(Z)
    out = [*_factor_candidates(want, m, d, "loss")]
    out += [
        (lambda: -np.mean(np.sum(logp * y[:, None], axis=1)), _ONE_HOT_HINT),
        (lambda: -np.sum(logp * y[:, None]) / m, _ONE_HOT_HINT),
        (lambda: -np.mean(logp[:, y]), _ONE_HOT_HINT + " (logp[:, y] is an m x m matrix.)"),
        (lambda: -np.mean(logp), "you averaged the log-probabilities of every class; the "
                                 "loss uses each sample's own class only, "
                                 "-mean(logp[np.arange(m), y])."),
        (lambda: -np.mean(np.sum(logp, axis=1)), "you summed the log-probabilities of every "
                                                 "class; the loss uses each sample's own class "
                                                 "only, -mean(logp[np.arange(m), y])."),
        (lambda: want * m / (m * K), f"you divided by m * K = {m * K}; the mean is over the "
                                     f"m = {m} samples only."),
        (lambda: -np.mean(Z[np.arange(m), y]), "the log-sum-exp is missing: the loss of a "
                                               "sample is logsumexp(z_i) - z_{i, y_i}."),
    ]
    if np.all(y < m) and m == K:  # y used to index rows instead of columns
        out.append((lambda: -np.mean(logp[y, np.arange(m)]), _ONE_HOT_HINT))
    return out


def check_softmax_loss(fn, *, stable=True):
    r"""Check ``fn(Theta, X, y)``: :math:`J = \frac1m\sum_i[\log\sum_l e^{z_{il}} - z_{iy_i}]`.

    Theta (d, K), X (m, d) intercept first, y integer labels 0..K-1; no penalty. Cases:
    random data, K = 2..5, Theta = 0, m = 1, m = d = K, a class no sample has, and
    (skipped with ``stable=False``) logits up to +-1000. Recognises a missing
    max-subtraction, a missing 1/m, dividing by m K, a flipped sign, one-hot arithmetic on
    integer labels (``logp * y``, ``logp[:, y]``), all classes summed, and a missing
    log-sum-exp.

    >>> import lossbook as lb
    >>> check_softmax_loss(lb.multiclass.loss)
    check_softmax_loss: all 8 cases passed.
    >>> def no_mean(Theta, X, y):
    ...     logp = lb.log_softmax(X @ Theta)
    ...     return -np.sum(logp[np.arange(len(y)), y])
    >>> check_softmax_loss(no_mean)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: check_softmax_loss failed on case 1 of 8: random data (m = 30, d = 3, K = 3).
    ...
    Likely mistake: your loss is m = 30 times too large: the 1/m is missing ...
    """
    check = _Check("check_softmax_loss", ("Theta", "X", "y"), _theta_cases(), stable)
    check.run(fn, mc.loss, _inspect("loss", 1e-6, 1e-12, _loss_candidates, _unstable))


def _gradient_candidates(case, want, got):
    Theta, X, y = case.args
    m, d = X.shape
    K = Theta.shape[1]
    P = mc.softmax(X @ Theta)
    Y = np.eye(K)[y]
    out = [*_factor_candidates(want, m, d, "gradient")]
    out += [
        (lambda: X.T @ (Y - P) / m, "the sign: the gradient is X.T @ (P - Y) / m; "
                                    "Y - P points uphill."),
        (lambda: want.T if d == K else None,
         "the residual P - Y is transposed: (P - Y).T @ X is K x d; the gradient has "
         "Theta's shape (d, K): X.T @ (P - Y) / m."),
        (lambda: X.T @ (P - y[:, None]) / m,
         "y holds integer labels 0..K-1, not a one-hot matrix: P - y[:, None] subtracts the "
         "label's value from every class. Build the one-hot matrix first, Y = np.eye(K)[y], "
         "and use X.T @ (P - Y) / m."),
        (lambda: X.T @ P / m, "the one-hot Y is missing: the gradient is X.T @ (P - Y) / m."),
        (lambda: X.T @ (X @ Theta - Y) / m, "the softmax is missing: the residual is "
                                            "softmax(X @ Theta) - Y, not X @ Theta - Y."),
    ]
    return out


def check_softmax_gradient(fn, *, stable=True):
    r"""Check ``fn(Theta, X, y)``: the gradient :math:`\frac1m X^\top(P - Y)`, shape (d, K).

    P = softmax(X @ Theta) row by row, Y = np.eye(K)[y] the one-hot labels. Cases as for
    :func:`check_softmax_loss`. Recognises a missing max-subtraction, a missing 1/m, the
    sign, P - Y transposed (a K x d result), integer labels used as if one-hot
    (P - y[:, None]), a missing Y, and a missing softmax.

    >>> import lossbook as lb
    >>> def my_gradient(Theta, X, y):
    ...     P = lb.softmax(X @ Theta)
    ...     Y = np.eye(Theta.shape[1])[y]
    ...     return X.T @ (P - Y) / len(y)
    >>> check_softmax_gradient(my_gradient)
    check_softmax_gradient: all 8 cases passed.
    >>> def transposed(Theta, X, y):
    ...     P = lb.softmax(X @ Theta)
    ...     return (P - np.eye(Theta.shape[1])[y]).T @ X / len(y)
    >>> check_softmax_gradient(transposed)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: check_softmax_gradient failed on case 1 of 8: random data ...
    ...
    Likely mistake: the residual P - Y is transposed: ...
    """
    base = _inspect("gradient", 1e-6, 1e-9, _gradient_candidates, _unstable)

    def inspect(check, outcome, want):
        value = outcome.value
        shape = np.shape(value) if isinstance(value, np.ndarray) else None
        if shape == want.T.shape and shape != want.shape:
            hint = (f"the residual P - Y is transposed: your result is K x d = {shape}; the "
                    f"gradient has Theta's shape (d, K) = {want.shape}: X.T @ (P - Y) / m.")
            if not np.allclose(np.asarray(value, float).T, want, rtol=1e-6, atol=1e-9):
                hint += " (Its values differ from the transpose of the right one, too.)"
            check.fail(f"your gradient has shape {shape}; expected {want.shape}.", hint)
        base(check, outcome, want)

    check = _Check("check_softmax_gradient", ("Theta", "X", "y"), _theta_cases(), stable)
    check.run(fn, mc.gradient, inspect)
