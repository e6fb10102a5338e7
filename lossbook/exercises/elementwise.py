"""Checkers for the elementwise functions of a logit z (or a probability p): notebooks 01 and 04."""

import numpy as np

from ..stable import log_sigmoid, sigmoid, sigmoid_derivative, softplus
from ._cases import _Case, _z_cases
from ._engine import _NB04, _Check, _inspect


def _worst(variable):
    """A ``where`` for :func:`_inspect`: the element furthest from the reference, relative."""

    def where(case, got, want):
        with np.errstate(all="ignore"):
            err = np.abs(got - want) / np.maximum(np.abs(want), 1e-300)
        err = np.where(np.isnan(err), np.inf, err)
        i = np.unravel_index(int(np.argmax(err)), got.shape)
        z = float(np.asarray(case.args[0])[i])
        return (f"worst element: at {variable} = {z:g}, expected {float(want[i]):.10g}, "
                f"got {float(got[i]):.10g}.")

    return where


def _elementwise(checker, fn, cases, reference, what, variable, candidates, unstable,
                 stable=True):
    check = _Check(checker, (variable,), cases, stable)
    check.run(fn, reference,
              _inspect(what, 1e-9, 0.0, candidates, unstable, _worst(variable)))


def _tail_candidates(case, got, want, fix):
    """A result right except where the answer is tiny but not 0 and got is 0: digits lost."""
    z = np.asarray(case.args[0], dtype=float)
    lost = (np.abs(want) < 1e-15) & (want != 0) & (got == 0)
    if not lost.any():
        return []
    hint = (f"the right answer at z = {z[lost].flat[0]:g} is tiny but not 0 "
            f"({want[lost].flat[0]:.4g}); your formula rounds it to 0 and loses every digit. "
            f"{fix}")
    return [(lambda: np.where(lost, got, want), hint)]


_SIGMOID_CANCEL = (
    "cancellation: for large negative z the tiny answer (sigma(-30) = 9.4e-14, sigma(-40) = "
    "4.2e-18) is computed as 1 - (a number close to 1), which loses its digits or leaves 0. "
    "Compute it directly: 1 / (1 + exp(-z)), or with e = exp(-|z|), e / (1 + e) for z < 0."
)


_SIGMOID_STABLE = (
    "Use the stable form: with e = np.exp(-np.abs(z)) (never overflows), sigma(z) = "
    f"1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0; {_NB04} and lossbook.sigmoid."
)


def check_sigmoid(fn, *, stable=True):
    r"""Check ``fn(z) = 1 / (1 + exp(-z))``, elementwise on arrays of any shape.

    Cases: random logits, a 2-D array, int logits, shape (1,), |z| up to 30 and 40
    (relative accuracy: sigmoid(-40) = 4.2e-18 must not become 0), and z = +-800, where
    ``np.exp`` must not overflow (skipped with ``stable=False``). Recognises sigma(-z),
    the overflow of exp(-z) or exp(z), and a ``1 - ...`` that cancels.

    >>> import numpy as np
    >>> check_sigmoid(lambda z: np.exp(-np.logaddexp(0, -z)))  # stable, and right
    check_sigmoid: all 7 cases passed.
    >>> check_sigmoid(lambda z: 1 / (1 + np.exp(-z)), stable=False)  # naive: fine to |z| = 40
    check_sigmoid: all 6 cases passed.
    >>> check_sigmoid(lambda z: 1 / (1 + np.exp(z)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: check_sigmoid failed on case 1 of 7: random logits (50 values, |z| < 12).
    ...
    Likely mistake: you computed sigma(-z) = 1 - sigma(z): check the sign inside exp(-z).
    """

    def candidates(case, want, got):
        z = case.args[0]
        return [
            (lambda: sigmoid(-z), "you computed sigma(-z) = 1 - sigma(z): check the sign "
                                  "inside exp(-z)."),
            (lambda: np.exp(z), "the 1 + is missing: sigma(z) = 1 / (1 + exp(-z))."),
            (lambda: np.exp(-z), "the 1 + is missing: sigma(z) = 1 / (1 + exp(-z))."),
            (lambda: 1 / (1 - np.exp(-z)), "the sign in the denominator: 1 + exp(-z), not 1 - "
                                           "exp(-z)."),
            (lambda: sigmoid_derivative(z), "you returned sigma'(z) = sigma(z)(1 - sigma(z))."),
            (lambda: 1 - 1 / (1 + np.exp(z)), _SIGMOID_CANCEL),
            (lambda: 0.5 * (1 + np.tanh(z / 2)), _SIGMOID_CANCEL),
            *_tail_candidates(case, got, want, _SIGMOID_CANCEL),
        ]

    def unstable(case, outcome, got):
        if np.isnan(got).any():
            return ("exp(z) / (1 + exp(z)) becomes inf / inf = nan once exp(z) overflows "
                    f"(z > 709; here z = 800). {_SIGMOID_STABLE}")
        return ("np.exp overflows for |z| > 709 (here z = -800 or 800): in 1 / (1 + exp(-z)) "
                "at z = -800, exp(800) = inf and 1 / (1 + inf) happens to give the right 0, "
                f"but only after an overflow. {_SIGMOID_STABLE}")

    _elementwise("check_sigmoid", fn, _z_cases(), sigmoid, "sigmoid", "z", candidates,
                 unstable, stable=stable)


def _logit_reference(p):
    p = np.asarray(p, dtype=float)
    return np.log(p) - np.log1p(-p)


def check_logit(fn):
    r"""Check ``fn(p) = log(p / (1 - p))``, the log-odds, elementwise for p in (0, 1).

    Cases: random probabilities, a 2-D array, p = 0.5 (logit 0), probabilities within 1e-10
    of 0 and of 1, tiny p = 1e-300, and sigmoid(z) for z from -20 to 20 (the logit inverts the
    sigmoid). Recognises the odds without the log, log((1 - p)/p), log10, and the sigmoid.

    >>> import numpy as np
    >>> check_logit(lambda p: np.log(p / (1 - p)))
    check_logit: all 6 cases passed.
    >>> check_logit(lambda p: p / (1 - p))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: check_logit failed on case 1 of 6: ...
    Likely mistake: you returned the odds p / (1 - p); the logit is their log.
    """
    rng = np.random.default_rng(2024)
    cases = [
        _Case("random probabilities (50 values in (0.01, 0.99))", (rng.uniform(0.01, 0.99, 50),)),
        _Case("a 2-D array (shape (2, 3))", (np.array([[0.1, 0.2, 0.3], [0.6, 0.75, 0.9]]),)),
        _Case("p = 0.5 (even odds: logit 0) and p = 0.25, 0.75", (np.array([0.25, 0.5, 0.75]),)),
        _Case("p within 1e-10 of 0 and of 1", (np.array([1e-10, 1 - 1e-10]),)),
        _Case("a tiny probability p = 1e-300", (np.array([1e-300]),)),
        _Case("p = sigmoid(z) for z = -20, -10, ..., 20 (the logit gives z back)",
              (sigmoid(np.linspace(-20, 20, 5)),)),
    ]

    def candidates(case, want, got):
        p = case.args[0]
        return [
            (lambda: -want, "the sign is flipped: you computed log((1 - p) / p)."),
            (lambda: p / (1 - p), "you returned the odds p / (1 - p); the logit is their log."),
            (lambda: want / np.log(10), "np.log10 is the base-10 log; the logit uses the natural "
                                        "log, np.log."),
            (lambda: want / np.log(2), "np.log2 is the base-2 log; the logit uses the natural "
                                       "log, np.log."),
            (lambda: sigmoid(p), "you computed sigmoid(p); the logit is its inverse, "
                                 "log(p / (1 - p))."),
            (lambda: np.log(p / (1 + p)), "the denominator is 1 - p, not 1 + p."),
            (lambda: np.log(p) / np.log(1 - p), "log(p / (1 - p)) = log p - log(1 - p), "
                                                "not log p / log(1 - p)."),
        ]

    _elementwise("check_logit", fn, cases, _logit_reference, "logit", "p", candidates, None)


_LOG1P = (
    "np.log(1 + x) loses the digits of a small x (1 + x rounds, and for x < 1.1e-16 it is "
    "exactly 1): use np.log1p(x). Softplus(z) = max(z, 0) + np.log1p(np.exp(-|z|)) is accurate "
    "to a few ulp everywhere; " + _NB04 + "."
)


def check_softplus(fn):
    r"""Check ``fn(z) = log(1 + exp(z))``, stable and accurate for every z.

    Cases: random logits, a 2-D array, int logits, shape (1,), |z| up to 30, z = +-40
    (softplus(-40) = 4.2e-18 must keep its digits: ``np.log(1 + x)`` rounds it to 0, use
    ``np.log1p``), and z = +-800 (finite, no overflow warning). Recognises softplus(-z), the
    naive overflow, ``np.where`` evaluating both branches, and a missing ``log1p``.

    >>> import numpy as np
    >>> check_softplus(lambda z: np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))))
    check_softplus: all 7 cases passed.
    >>> check_softplus(lambda z: np.log(1 + np.exp(z)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: check_softplus failed on case 5 of 7: extreme logits z = -800, 800.
    ...
    Likely mistake: np.exp(z) overflows to inf for z > 709 (here z = 800), ...
    """

    def candidates(case, want, got):
        z = case.args[0]
        return [
            (lambda: softplus(-z), "you computed softplus(-z) = log(1 + exp(-z)): check the sign "
                                   "of the exponent."),
            (lambda: np.exp(z), "the log is missing: softplus(z) = log(1 + exp(z))."),
            (lambda: np.log(np.exp(z)), "the 1 + is missing: softplus(z) = log(1 + exp(z))."),
            (lambda: np.log(1 + np.exp(z)), _LOG1P),
            (lambda: np.maximum(z, 0) + np.log(1 + np.exp(-np.abs(z))), _LOG1P),
            *_tail_candidates(case, got, want, _LOG1P),
        ]

    def unstable(case, outcome, got):
        if np.isfinite(got).all():
            return (f"np.exp overflows for |z| > 709 (here z = +-800). Use the stable form "
                    f"softplus(z) = max(z, 0) + log1p(exp(-|z|)) (or np.logaddexp(0, z)); "
                    f"{_NB04} and lossbook.softplus.")
        return (f"np.exp(z) overflows to inf for z > 709 (here z = {case.args[0].max():g}), so "
                f"log(1 + exp(z)) is inf. Use the stable form softplus(z) = max(z, 0) + "
                f"log1p(exp(-|z|)) (or np.logaddexp(0, z)); {_NB04} and lossbook.softplus.")

    _elementwise("check_softplus", fn, _z_cases(), softplus, "softplus", "z", candidates,
                 unstable)


_LOG_OF_SIGMOID = (
    "np.log(sigmoid(z)) loses every digit for z > 37, where sigmoid(z) rounds to 1.0 and "
    "log(1.0) = 0 (the answer at z = 40 is -4.2e-18). Use log sigma(z) = -softplus(-z) = "
    "min(z, 0) - np.log1p(np.exp(-|z|)); " + _NB04 + "."
)


def check_log_sigmoid(fn):
    r"""Check ``fn(z) = log(sigmoid(z))``, stable and accurate for every z.

    Cases as for :func:`check_softplus`. ``np.log(sigmoid(z))`` fails twice: at z = 40 it
    returns 0 instead of -4.2e-18 (sigmoid rounds to 1), and at z = -800 it returns -inf
    (log(0)). The fix: log sigmoid(z) = -softplus(-z) = min(z, 0) - log1p(exp(-|z|)).

    >>> import numpy as np
    >>> check_log_sigmoid(lambda z: -np.logaddexp(0, -z))
    check_log_sigmoid: all 7 cases passed.
    >>> check_log_sigmoid(lambda z: np.log(1 / (1 + np.exp(-z))))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: check_log_sigmoid failed on case 5 of 7: extreme logits z = -800, 800.
    ...
    Likely mistake: at z = -800 sigma(z) underflows to 0 (or exp(-z) overflows), ...
    """

    def candidates(case, want, got):
        z = case.args[0]
        return [
            (lambda: -want, "the sign is flipped: log sigma(z) <= 0; you returned "
                            "-log sigma(z) = softplus(-z)."),
            (lambda: log_sigmoid(-z), "you computed log sigma(-z) = log(1 - sigma(z)) = "
                                      "-softplus(z); check the sign of z."),
            (lambda: sigmoid(z), "the log is missing: you returned sigma(z)."),
            (lambda: np.log(sigmoid(z)), _LOG_OF_SIGMOID),
            (lambda: -np.log(1 + np.exp(-z)), _LOG1P.replace("Softplus(z) = max(z, 0) +",
                                                             "Log sigma(z) = min(z, 0) -")),
            (lambda: np.minimum(z, 0) - np.log(1 + np.exp(-np.abs(z))),
             _LOG1P.replace("Softplus(z) = max(z, 0) +", "Log sigma(z) = min(z, 0) -")),
            *_tail_candidates(case, got, want, _LOG_OF_SIGMOID),
        ]

    def unstable(case, outcome, got):
        if np.isfinite(got).all():
            return (f"np.exp overflows for |z| > 709 (here z = +-800). Use log sigma(z) = "
                    f"-softplus(-z) = min(z, 0) - log1p(exp(-|z|)) (or -np.logaddexp(0, -z)); "
                    f"{_NB04} and lossbook.log_sigmoid.")
        return (f"at z = {case.args[0].min():g} sigma(z) underflows to 0 (or exp(-z) overflows), "
                f"so log gives -inf. Use log sigma(z) = -softplus(-z) = min(z, 0) - "
                f"log1p(exp(-|z|)) (or -np.logaddexp(0, -z)); {_NB04} and "
                f"lossbook.log_sigmoid.")

    _elementwise("check_log_sigmoid", fn, _z_cases(), log_sigmoid, "log-sigmoid", "z",
                 candidates, unstable)
