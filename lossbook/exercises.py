r"""Exercise checkers: run a learner's function through a battery of cases, explain what is wrong.

Each ``check_*`` takes the learner's function, with the same signature as the ``lossbook``
function it mirrors, and runs it on a fixed battery of cases: seeded random data, the opening
example's data (:func:`lossbook.make_data`), confident and extreme logits, bool, int and float
labels, and awkward shapes (a single sample m = 1, an intercept-only model d = 1, a square
X with m = d). On success it prints one line, e.g. ``check_loss: all 10 cases passed.``; on
the first failing case it raises ``AssertionError`` whose message names the case (and shows
its inputs when they are small), what went wrong (expected and got, or the warning), and
the likely mistake. Learners write ``from lossbook.exercises import check_loss``;
``import lossbook`` does not import this module.

>>> import lossbook as lb
>>> from lossbook.exercises import check_loss
>>> check_loss(lb.loss)
check_loss: all 10 cases passed.

How the mistake is named: for the failing case the checker computes what the usual wrong
variants would return (a missing 1/m, a flipped sign, y and 1 - y swapped, the transpose,
an (m, 1) column broadcast into an m x m matrix, Hessian weights missing, a penalised
intercept, ...) and says which one the learner's result matches.

Policy
------
- References are lossbook's own functions (accurate to a few ulp). Results are compared with
  ``np.allclose``: rtol 1e-6 (plus a small absolute tolerance) for the loss and its
  derivatives, so that a naive-but-correct formula passes on moderate logits; rtol 1e-9 and
  no absolute tolerance for the elementwise functions, whose exercises are about accuracy.
- Every case runs with numpy's floating-point warnings switched on and recorded. A
  ``RuntimeWarning`` (overflow, divide by zero, invalid value) fails the case even when the
  values are right, and the message quotes the warning.
- Extreme logits are stressed where the exercise is about stability, or where the course
  shows the naive formula breaking:

  * ``check_softplus`` and ``check_log_sigmoid``: z = +-800 must be finite without warnings,
    and tiny results at |z| = 30 and 40 must keep their relative accuracy (softplus(-40) =
    4.2e-18, not 0): ``np.log(1 + x)`` fails there, ``np.log1p(x)`` passes.
  * ``check_sigmoid``: ``1 / (1 + np.exp(-z))`` passes every case with |z| <= 40, but at
    z = -800 ``np.exp(800)`` overflows (with a warning) and the case fails with a hint;
    ``1 - 1 / (1 + np.exp(z))`` and the tanh form fail at z = -30 (cancellation).
  * ``check_loss`` (and ``check_regularized_loss``): a logit of 40 for a sample with y = 1,
    the opening example's data at its maximum-likelihood estimate, and z = +-800. The
    opening example's loss returns nan there (log(0)), and the hint names the logit.
  * ``check_gradient`` and ``check_hessian``: the same three cases; the naive sigmoid is
    accurate enough at z = 40 and at the estimate (logits up to 126), but at z = -800
    ``np.exp(800)`` overflows.

  Those stress cases are the ones flagged "stable"; ``check_sigmoid``, ``check_loss``,
  ``check_gradient``, ``check_hessian`` and ``check_regularized_loss`` accept
  ``stable=False`` to skip them, for an exercise set before notebook 04 (computing the loss
  safely). The steps and ``check_accuracy`` use logits up to +-40 only.
- ``check_accuracy`` predicts 1 where z >= 0 (sigma(z) >= 0.5); its cases contain no logit
  within 1e-6 of 0, so ``>`` and ``>=``, z and sigma(z), all pass.
- The learner's function must not modify its inputs: each call gets copies, which are
  compared with the originals afterwards.
"""

import functools
import re
import warnings
from dataclasses import dataclass

import numpy as np

from .data import add_intercept, make_data, train_test_split
from .objective import gradient, hessian, loss
from .optimize import newton
from .stable import log_sigmoid, sigmoid, sigmoid_derivative, softplus

__all__ = [
    "check_accuracy",
    "check_gradient",
    "check_gradient_step",
    "check_hessian",
    "check_log_sigmoid",
    "check_logit",
    "check_loss",
    "check_newton_step",
    "check_regularized_loss",
    "check_sigmoid",
    "check_softplus",
]

_NB04 = "see notebook 04 (computing the loss safely)"
_BOTH_BRANCHES = (
    "If you used np.where(cond, a, b): numpy evaluates both a and b on every element, so the "
    "branch you discard still overflows; build both branches from np.exp(-np.abs(z)), which "
    "never overflows."
)


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Case:
    """One input of a battery: a name for messages, the arguments, whether it is a stress case."""

    name: str
    args: tuple
    stable: bool = False  # an extreme-logit case, skipped with stable=False

    @property
    def m(self):
        return self.args[1].shape[0] if len(self.args) > 1 else self.args[0].size

    @property
    def d(self):
        return self.args[1].shape[1] if len(self.args) > 1 else 1

    def logits(self):
        theta, X = self.args[0], self.args[1]
        return X @ theta


def _labelled(theta, X, dtype=int):
    """Labels drawn from the model itself (seeded), so the data are never separable."""
    rng = np.random.default_rng(7)
    y = rng.random(X.shape[0]) < sigmoid(X @ theta)
    y[0], y[-1] = True, False  # both classes present whenever m > 1
    return y.astype(dtype)


def _design(rng, m, d):
    return add_intercept(rng.normal(size=(m, d - 1)))


@functools.lru_cache(maxsize=1)
def _opening_mle():
    """The opening example's training data and its maximum-likelihood estimate (read-only)."""
    X, y = make_data()
    X_train, _, y_train, _ = train_test_split(X, y)
    theta = newton(X_train, y_train).theta
    for a in (theta, X_train, y_train):
        a.flags.writeable = False
    return theta, X_train, y_train


def _base_cases(with_theta0=True):
    """Moderate (theta, X, y) cases: random and opening data, awkward shapes, all label types."""
    rng = np.random.default_rng(2024)
    X20 = _design(rng, 20, 3)
    theta20 = np.array([0.3, -1.2, 0.8])
    X_open, y_open = make_data()
    X1 = np.array([[1.0, 0.7, -1.3]])
    X6 = np.ones((6, 1))
    X3 = np.array([[1.0, 0.5, -1.0], [1.0, -1.5, 0.3], [1.0, 2.0, 1.1]])
    X8 = _design(rng, 8, 4)
    theta8 = np.array([-0.4, 0.9, -0.6, 1.1])
    cases = [
        _Case("random data (m = 20, d = 3, int labels)", (theta20, X20, _labelled(theta20, X20))),
        _Case(
            "the opening example's data (lb.make_data(): m = 100, d = 3, bool labels) "
            "at theta = (0.5, 1, 1.5)",
            (np.array([0.5, 1.0, 1.5]), X_open, y_open),
        ),
        _Case(
            "theta = 0 (every prediction is 0.5, J = log 2; m = 5, d = 2)",
            (np.zeros(2), X20[:5, :2].copy(), np.array([1, 0, 0, 1, 1])),
        ),
        _Case("a single sample (m = 1, d = 3)", (np.array([0.2, -0.5, 0.4]), X1, np.array([1]))),
        _Case(
            "an intercept-only model (d = 1, m = 6)",
            (np.array([0.7]), X6, np.array([1, 0, 1, 1, 0, 1])),
        ),
        _Case(
            "a square design (m = d = 3)",
            (np.array([0.1, 0.6, -0.9]), X3, np.array([0, 1, 1])),
        ),
        _Case("float labels 0.0 / 1.0 (m = 8, d = 4)", (theta8, X8, _labelled(theta8, X8, float))),
    ]
    return cases if with_theta0 else [c for c in cases if np.any(c.args[0])]


def _confident_case(stable):
    """z = 40 for a sample with y = 1: the naive loss's log(0), still fine for the gradient."""
    X40 = np.array([[1.0, 39.0], [1.0, -41.0], [1.0, 2.0], [1.0, -2.0]])
    return _Case(
        "a confident logit: z = 40 for a sample with y = 1 (and z = -40 with y = 0)",
        (np.array([1.0, 1.0]), X40, np.array([1, 0, 1, 0])),
        stable=stable,
    )


def _extreme_cases():
    """The stress cases: the opening example's MLE (logits up to 126) and z = +-800."""
    theta_mle, X_train, y_train = _opening_mle()
    X800 = np.array(
        [[1.0, 799.0], [1.0, -801.0], [1.0, 799.0], [1.0, -801.0], [1.0, 0.5], [1.0, -2.0]]
    )
    return [
        _Case(
            "the opening example's training data (80 samples, bool labels) at its "
            "maximum-likelihood estimate",
            (theta_mle, X_train, y_train),
            stable=True,
        ),
        _Case(
            "extreme logits z = +-800, confidently right (y = 1, 0) and confidently wrong "
            "(y = 0, 1), plus two moderate ones",
            (np.array([1.0, 1.0]), X800, np.array([1, 0, 0, 1, 1, 0])),
            stable=True,
        ),
    ]


def _theta_cases():
    """The full (theta, X, y) battery of the loss and its derivatives (3 stress cases)."""
    return [*_base_cases(), _confident_case(stable=True), *_extreme_cases()]


def _moderate_cases(with_theta0=True):
    """The (theta, X, y) battery with logits up to +-40, no stress case."""
    return [*_base_cases(with_theta0), _confident_case(stable=False)]


def _z_cases(tails=True):
    """The z battery shared by the elementwise checkers."""
    rng = np.random.default_rng(2024)
    cases = [
        _Case("random logits (50 values, |z| < 12)", (np.clip(rng.normal(0, 4, 50), -12, 12),)),
        _Case("a 2-D array (shape (3, 4))", (np.linspace(-6, 6, 12).reshape(3, 4),)),
        _Case("integer logits (np.arange(-5, 6), dtype int)", (np.arange(-5, 6),)),
        _Case("a single logit (shape (1,))", (np.array([0.0]),)),
        _Case("logits up to +-30 (np.linspace(-30, 30, 13))", (np.linspace(-30, 30, 13),)),
    ]
    if tails:
        cases.insert(4, _Case("extreme logits z = -800, 800", (np.array([-800.0, 800.0]),),
                              stable=True))
        cases.append(
            _Case("confident logits z = -40, 40 (tiny results must keep their digits)",
                  (np.array([-40.0, 40.0]),))
        )
    return cases


# --------------------------------------------------------------------------------------------
# Running a learner's function
# --------------------------------------------------------------------------------------------


@dataclass
class _Outcome:
    value: object = None
    error: Exception | None = None
    warned: tuple = ()  # messages of the RuntimeWarnings the call emitted
    mutated: tuple = ()  # names of the arguments it modified


def _call(fn, args, names):
    """Call fn on copies of args with floating-point warnings on; record what happened."""
    copies = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
    out = _Outcome()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
            try:
                out.value = fn(*copies)
            except Exception as exc:  # reported to the learner with a hint
                out.error = exc
    out.warned = tuple(
        dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, RuntimeWarning))
    )
    out.mutated = tuple(
        name
        for name, a, c in zip(names, args, copies, strict=True)
        if isinstance(a, np.ndarray) and not (c.shape == a.shape and np.array_equal(c, a))
    )
    return out


def _quiet(compute):
    """Evaluate a candidate wrong answer; None if it cannot be computed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                return np.asarray(compute(), dtype=float)
    except Exception:
        return None


def _fmt(x):
    x = np.asarray(x)
    if x.ndim == 0:
        return f"{float(x):.10g}"
    return np.array2string(x, precision=6, threshold=12, max_line_width=88)


class _Check:
    """The state of one checker run: its name, the case at hand, the argument names."""

    def __init__(self, checker, names, cases, stable=True):
        self.checker = checker
        self.names = names
        self.cases = [c for c in cases if stable or not c.stable]

    def fail(self, problem, hint=None, got=None, want=None, detail=None, cause=None):
        i, case = self.index, self.case
        lines = [f"{self.checker} failed on case {i} of {len(self.cases)}: {case.name}."]
        sizes = sum(np.size(a) for a in case.args)
        if sizes <= 24:
            shown = ", ".join(f"{n} = {a!r}" for n, a in zip(self.names, case.args, strict=True))
            lines.append(f"  inputs: {' '.join(shown.split())}")
        lines.append(f"  {problem[0].upper()}{problem[1:]}")
        if want is not None:
            lines.append(f"  expected: {' '.join(_fmt(want).split())}")
        if got is not None:
            lines.append(f"  got:      {' '.join(_fmt(got).split())}")
        if detail:
            lines.append(f"  {detail}")
        if hint:  # one sentence per line: no line break inside a formula
            sentences = re.split(r"(?<=[.:;])\s+(?=[A-Z])", f"Likely mistake: {hint}")
            lines.append("\n  ".join(sentences))
        raise AssertionError("\n".join(lines)) from cause

    def run(self, fn, reference, inspect):
        """For each case: call fn, then ``inspect(self, outcome, want)`` raises or returns."""
        if not callable(fn):
            raise TypeError(f"{self.checker} takes your function itself, got {type(fn).__name__}")
        for index, case in enumerate(self.cases, 1):
            self.index, self.case = index, case
            want = reference(*self.case.args)
            outcome = _call(fn, self.case.args, self.names)
            if outcome.error is not None:
                self.fail_on_error(fn, outcome.error, want)
            if outcome.mutated:
                name = outcome.mutated[0]
                self.fail(
                    f"your function modified its input {' and '.join(outcome.mutated)} in place.",
                    f"your function modified its input {name}: an in-place operation such as "
                    f"`{name} -= ...`, `{name}[...] = ...` or `out=` changes the caller's array. "
                    f"Compute a new array instead, e.g. `{name} = {name} - ...`, or start from "
                    f"`{name}.copy()`.",
                )
            inspect(self, outcome, want)
        print(f"{self.checker}: all {len(self.cases)} cases passed.")

    def fail_on_error(self, fn, exc, want):
        text = f"{type(exc).__name__}: {exc}"
        low = text.lower()
        hint = None
        if "boolean" in low and ("negative" in low or "subtract" in low):
            hint = (
                "the labels arrive as bools here (lb.make_data() returns them so), and numpy "
                "refuses `-y` or `y - y` on bools. Convert first: y = np.asarray(y, dtype=float)."
            )
        elif "length-1" in low or "size-1" in low or "only 0-dimensional" in low:
            hint = (
                "math.exp / math.log take a single number; use np.exp / np.log, which work "
                "elementwise on arrays."
            )
        elif "singular" in low:
            hint = "solve H p = g with np.linalg.solve(H, g) on a proper (d, d) Hessian."
        elif "matmul" in low or "aligned" in low or "broadcast" in low or "shape" in low:
            hint = (
                "check the shapes: X is (m, d), theta (d,), y (m,), so X @ theta and the "
                "residual r are (m,). To combine m per-sample values into d entries, use the "
                "transpose: X.T @ r is (d,) and X.T @ (s[:, None] * X) is (d, d); X @ r "
                "fails unless m = d."
            )
        if len(self.names) >= 3 and self.names[:3] == ("theta", "X", "y"):
            order = self.argument_order_hint(fn, want)
            if order:
                hint = order
        if hint is None:
            hint = ("an error in your code: the traceback above (\"The above exception was the "
                    "direct cause...\") shows the line; run your function on this case's inputs "
                    "to reproduce it.")
        self.fail(f"your function raised {text}", hint, cause=exc)

    def argument_order_hint(self, fn, want):
        theta, X, y, *rest = self.case.args
        for order, args in (("(X, y, theta)", (X, y, theta)), ("(X, theta, y)", (X, theta, y))):
            copies = [a.copy() if isinstance(a, np.ndarray) else a for a in (*args, *rest)]
            got = _quiet(lambda copies=copies: fn(*copies))
            if got is not None and got.shape == np.shape(want) and np.allclose(got, want):
                return (
                    f"your function takes its arguments in the order {order}; the checkers "
                    "(and scipy.optimize.minimize) need theta first: "
                    f"def f({', '.join(self.names)})."
                )
        return None


def _close(got, want, rtol, atol):
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=rtol, atol=atol))


def _match(got, candidates, rtol=1e-6, atol=1e-9):
    """The hint of the first candidate wrong answer that got equals, or None."""
    for compute, hint in candidates:
        value = _quiet(compute)
        if value is not None and _close(got, value, rtol, atol):
            return hint
    return None


def _factor_candidates(want, m, d, what):
    """Candidates ``c * want`` for the usual wrong scale factors and signs."""
    factors = [
        (-1.0, f"the sign is flipped: your {what} is the negative of the right one."),
        (float(m), f"your {what} is m = {m} times too large: the 1/m is missing "
                   "(a sum where the mean over the m samples is needed)."),
        (-float(m), f"the sign is flipped and the 1/m is missing (your {what} is -m = -{m} "
                    "times the right one)."),
        (m / d, f"you divided by d = {d} (the number of parameters) instead of by m = {m} "
                "(the number of samples)."),
        (1.0 / m, f"your {what} is m = {m} times too small: you divided by m twice."),
        (2.0, f"your {what} is twice the right one (a stray factor 2)."),
        (0.5, f"your {what} is half the right one (a stray factor 1/2)."),
    ]
    return [(lambda f=f: f * want, hint) for f, hint in factors if f != 1.0]


_M1_HINT = (
    "a column vector: y (or theta, or h) has shape (m, 1) (or (d, 1)) where (m,) is needed. "
    "An (m, 1) column combined with an (m,) array broadcasts into an m x m matrix that mixes "
    "every sample with every other. Keep everything 1-D: y.reshape(-1, 1) makes a column, "
    "y.ravel() undoes it."
)


def _as_result(check, value, want, what):
    """Return the learner's value as a float array shaped like want, or fail naming why."""
    case = check.case
    if value is None:
        check.fail("your function returned None.", "did you forget the `return` statement?")
    if isinstance(value, tuple):
        check.fail(f"your function returned a tuple of {len(value)} items.",
                   f"return only the {what}, not a tuple (a trailing comma after the return "
                   "value makes a tuple too).")
    try:
        got = np.asarray(value)
    except Exception:
        got = np.asarray(value, dtype=object)
    if got.dtype.kind not in "biuf":
        check.fail(f"your function returned {type(value).__name__} with dtype {got.dtype}, "
                   f"not numbers.", f"return the {what} as a numpy array of floats.")
    want = np.asarray(want)
    if got.shape == want.shape:
        return got.astype(float)
    m, d = case.m, case.d
    shape = got.shape
    if len(check.names) == 1:
        check.fail(
            f"your {what} has shape {shape}; expected {want.shape}, the shape of "
            f"{check.names[0]}.",
            f"work elementwise: return one value per entry of {check.names[0]}, in its shape "
            "(numpy's np.exp, np.log, +, / do that; a sum, a mean, a Python loop over a "
            "flattened array or math.exp do not).",
        )
    if want.ndim == 0:
        if got.size == 1:
            hint = f"return a single number, e.g. float(...), not an array of shape {shape}."
        elif shape == (m,):
            hint = (f"you returned one value per sample; the {what} is their mean over the m "
                    "samples (np.mean).")
        elif shape == (m, m):
            hint = _M1_HINT
        else:
            hint = None
        check.fail(f"your {what} has shape {shape}; expected a single number.", hint)
    if want.ndim == 1 and got.ndim == 1:
        hint = None
        if shape == (m,) and len(check.names) >= 3:
            hint = (
                "you returned one entry per sample, but the gradient has one entry per "
                "parameter, shape (d,): multiply by the transpose, X.T @ r, to sum over the "
                "samples (not X @ r, and not r on its own)."
            )
        check.fail(f"your {what} has shape {shape}; expected {want.shape}.", hint)
    if got.size == want.size and want.ndim == 1:
        check.fail(
            f"your {what} has shape {shape}; expected the flat shape {want.shape}.",
            "a column vector: with theta or y of shape (d, 1) / (m, 1) the result is a column "
            "too. Keep theta and y 1-D, or return result.ravel().",
        )
    if got.ndim == 2 and want.ndim == 1:
        check.fail(f"your {what} has shape {shape}; expected {want.shape}.", _M1_HINT)
    if want.ndim == 2 and shape == (m, m) and m != d:
        check.fail(
            f"your {what} has shape {shape} (m x m); expected {want.shape} (d x d).",
            "the transpose is on the wrong side: X @ S @ X.T is m x m, while the Hessian is "
            "X.T @ S @ X (d x d), i.e. X.T @ (s[:, None] * X).",
        )
    if want.ndim == 2 and got.ndim == 1:
        check.fail(
            f"your {what} has shape {shape}; expected the (d, d) matrix {want.shape}.",
            "you returned only the weights or the diagonal; the Hessian is the d x d matrix "
            "X.T @ S @ X / m.",
        )
    check.fail(f"your {what} has shape {shape}; expected {want.shape}.")
    return None  # not reached


def _largest_logit(case):
    """The largest |z| of a case: its logits X @ theta, or z itself (inf if not numeric)."""
    z = case.logits() if len(case.args) >= 3 else np.asarray(case.args[0], dtype=float)
    return float(np.max(np.abs(z))) if z.size else 0.0


def _problem_text(outcome, got):
    parts = []
    bad = ~np.isfinite(got)
    if bad.any():
        kinds = sorted({"nan" if np.isnan(v) else "inf" for v in got[bad].ravel()})
        parts.append(f"your result contains {' and '.join(kinds)}")
    if outcome.warned:
        said = "; ".join(f'"{w}"' for w in outcome.warned)
        parts.append(f"your function emitted RuntimeWarning {said}")
    text = ", and ".join(parts) + "."
    return text[0].upper() + text[1:] if parts else ""


def _inspect(what, rtol, atol, candidates, unstable, where=None):
    """Build the per-case inspection: shape, stability (nan/inf/warnings), then values.

    ``candidates(case, want, got)`` lists (compute, hint) wrong variants;
    ``unstable(case, outcome, got)`` returns the stability hint (None: a generic one, also
    used when no logit of the case is large); ``where(case, got, want)``
    an optional line locating the worst element.
    """

    def inspect(check, outcome, want):
        got = _as_result(check, outcome.value, want, what)
        want = np.asarray(want, dtype=float)
        detail = where(check.case, got, want) if where and got.size > 1 else None
        scale = float(np.max(np.abs(want))) if want.size else 0.0
        tol = atol * max(1.0, scale)
        finite = np.isfinite(got).all()
        if not finite or outcome.warned:
            problem = _problem_text(outcome, got)
            if unstable and (finite or _largest_logit(check.case) > 30):
                hint = unstable(check.case, outcome, got)
            else:
                hint = (
                    "nan or inf although no input of this case is extreme: look for a division "
                    "by zero (by m - 1, or by a sum that is 0 when m = 1 or d = 1), a log of 0 "
                    "or of a negative number, or an uninitialised array (np.empty)."
                )
            if finite and _close(got, want, rtol, tol):
                hint = f"{hint} {_BOTH_BRANCHES}" if hint else _BOTH_BRANCHES
                problem = problem[:-1] + ", although your values are right."
                detail = None
            check.fail(problem, hint, got if got.size <= 12 else None,
                       want if got.size <= 12 else None, detail)
        if _close(got, want, rtol, tol):
            return
        hint = _match(got, candidates(check.case, want, got), rtol, tol)
        raw = np.asarray(outcome.value).dtype
        if hint is None and raw.kind in "iu" and check.case.args[0].dtype.kind in "iu":
            hint = ("your result is integers: the inputs here are ints, and an integer array "
                    "filled in place truncates floats; convert with np.asarray(z, dtype=float).")
        if hint is None and raw.kind == "f" and raw.itemsize < 8 and _close(got, want, 1e-4, tol):
            hint = (f"your result is {raw} (about {np.finfo(raw).precision} digits); compute in "
                    "float64, numpy's default.")
        check.fail(f"your {what} differs from the reference.", hint, got, want, detail)

    return inspect


# --------------------------------------------------------------------------------------------
# Elementwise functions of z (or p)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Functions of theta, X, y
# --------------------------------------------------------------------------------------------


def _logit_note(case):
    """Name the logit that breaks a naive formula in this case."""
    z = case.logits()
    y = np.asarray(case.args[2]).astype(float)
    i = int(np.argmax(np.abs(z)))
    return i, float(z[i]), y[i]


def _log0_hint(case, outcome):
    i, zi, yi = _logit_note(case)
    said = " ".join(outcome.warned)
    if "overflow" in said and "log" not in said:
        return (f"np.exp(-z) overflows at z = {zi:g} (sample {i}). Compute sigma with the "
                f"stable lossbook.sigmoid (exp only ever sees -|z|); {_NB04}.")
    return (
        f"log(0): sample {i} of this case has the logit z = {zi:g} and the label "
        f"y = {yi:g}. In float64 sigmoid(z) rounds to exactly 1.0 once z > 36.7 (and to 0 "
        "once z < -745), so log(1 - h) or log(h) is log(0) = -inf, and 0 * (-inf) = nan. "
        "Compute the loss from the logits, not from h: -y log sigma(z) - (1 - y) "
        "log(1 - sigma(z)) = -y * log_sigmoid(z) - (1 - y) * log_sigmoid(-z), with "
        f"lossbook.log_sigmoid (or softplus: np.logaddexp(0, z)); {_NB04}."
    )


def _overflow_hint(case, outcome):
    z = case.logits()
    if z.min() < -709:
        where = f"z = {z.min():g}, where np.exp(-z) = np.exp({-z.min():g}) = inf"
    elif z.max() > 709:
        where = f"z = {z.max():g}, where np.exp(z) = inf"
    else:
        i, zi, _ = _logit_note(case)
        where = f"z = {zi:g} (sample {i})"
    return (f"overflow at the logit {where}: a sigmoid written 1 / (1 + np.exp(-z)) warns "
            f"(or gives nan). Use lossbook.sigmoid (and lossbook.sigmoid_derivative), which "
            f"never overflow; {_NB04}.")


def _loss_candidates(case, want, got, label="loss"):
    theta, X, y = case.args[:3]
    yf = np.asarray(y, dtype=float)
    m, d = X.shape
    z = X @ theta

    def swapped():
        return loss(theta, X, 1 - yf)

    def broadcast_mean():
        L = -(yf[:, None] * log_sigmoid(z)[None, :] + (1 - yf[:, None]) * log_sigmoid(-z)[None, :])
        return np.mean(L)

    def broadcast_sum():
        return broadcast_mean() * m

    def first_term_only():
        return -np.mean(yf * log_sigmoid(z))

    def mse():
        return np.mean((sigmoid(z) - yf) ** 2)

    capped = None
    if np.max(np.abs(z)) > 30:
        capped = (
            "your loss is wrong only where the logits are large: if you clipped h or added an "
            "epsilon inside the log (log(h + 1e-7)), the loss of a confidently wrong "
            "prediction is capped (at -log(1e-7) = 16.1 instead of |z|). Compute it from the "
            f"logits with lossbook.log_sigmoid instead; {_NB04}."
        )
    out = [*_factor_candidates(want, m, d, label)]
    out += [
        (swapped, "y and 1 - y are swapped: the y = 1 term is -log sigma(z), the y = 0 term "
                  "-log(1 - sigma(z))."),
        (broadcast_mean, _M1_HINT),
        (broadcast_sum, _M1_HINT),
        (lambda: want / np.log(10), "np.log10 is the base-10 log; the loss uses the natural log."),
        (first_term_only, "the (1 - y) log(1 - sigma(z)) term is missing: samples with y = 0 "
                          "cost nothing."),
        (mse, "this is the mean squared error of sigma(z); the logistic loss is the "
              "cross-entropy (see notebook 03 for why not squared error)."),
        (lambda: 0.5 * mse(), "this is half the mean squared error of sigma(z); the logistic "
                              "loss is the cross-entropy (notebook 03)."),
    ]
    if capped and got < want:
        out.append((lambda: got, capped))
    return out


def check_loss(fn, *, stable=True):
    r"""Check ``fn(theta, X, y)``: the mean cross-entropy J (a single number, no penalty).

    :math:`J = -\frac{1}{m}\sum_i [y_i\log\sigma(z_i) + (1-y_i)\log(1-\sigma(z_i))]`,
    z = X @ theta. Cases: random data, the opening example's data, theta = 0, m = 1, d = 1,
    a square X, float labels, and (skipped with ``stable=False``) three stress cases: a logit
    of 40 for a sample with y = 1, the opening example's training data at its
    maximum-likelihood estimate, and z = +-800. Recognises a missing 1/m, dividing by d, a
    flipped sign, y and 1 - y swapped, log(0) at large logits, an (m, 1) column, log10, a
    missing term, squared error, and a capped loss (an epsilon inside the log).

    >>> import numpy as np
    >>> import lossbook as lb
    >>> check_loss(lambda theta, X, y: np.mean(lb.per_sample_loss(X @ theta, y)))
    check_loss: all 10 cases passed.
    >>> def naive(theta, X, y):  # the opening example's loss
    ...     h = 1 / (1 + np.exp(-X @ theta))
    ...     return -1 / len(y) * np.sum(y * np.log(h) + (1 - y) * np.log(1 - h))
    >>> check_loss(naive, stable=False)
    check_loss: all 7 cases passed.
    >>> check_loss(naive)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: check_loss failed on case 8 of 10: a confident logit: z = 40 for ...
    ...
    """
    check = _Check("check_loss", ("theta", "X", "y"), _theta_cases(), stable)
    inspect = _inspect("loss", 1e-6, 1e-12, _loss_candidates,
                       lambda case, outcome, got: _log0_hint(case, outcome))
    check.run(fn, loss, inspect)


def _gradient_candidates(case, want, got):
    theta, X, y = case.args[:3]
    yf = np.asarray(y, dtype=float)
    m, d = X.shape
    z = X @ theta
    r = sigmoid(z) - yf
    out = [*_factor_candidates(want, m, d, "gradient")]
    out += [
        (lambda: gradient(theta, X, 1 - yf), "y and 1 - y are swapped: the residual is "
                                              "sigma(z) - y."),
        (lambda: X @ r / m, "the transpose: X @ r mixes the samples' residuals along the wrong "
                            "axis; the gradient is X.T @ r / m (one entry per parameter)."),
        (lambda: X @ r, "the transpose (and the 1/m): the gradient is X.T @ r / m."),
        (lambda: X.T @ (z - yf) / m, "the sigmoid is missing: the residual is sigma(X @ theta) "
                                     "- y, not X @ theta - y (that is linear regression's)."),
        (lambda: X.T @ (r * sigmoid_derivative(z)) / m,
         "this is the gradient of (half) the squared error (sigma(z) - y)^2, with its extra "
         "factor sigma'(z); the cross-entropy's gradient is simply X.T @ (sigma(z) - y) / m "
         "(notebook 05)."),
        (lambda: 2 * X.T @ (r * sigmoid_derivative(z)) / m,
         "this is the gradient of the squared error (sigma(z) - y)^2; the cross-entropy's "
         "gradient is X.T @ (sigma(z) - y) / m (notebook 05)."),
        (lambda: np.sum(X, axis=0) * np.mean(r),
         "the residuals and the features are averaged separately; the gradient is the mean of "
         "the products, X.T @ r / m."),
    ]
    return out


def check_gradient(fn, *, stable=True):
    r"""Check ``fn(theta, X, y)``: the gradient :math:`\frac{1}{m}X^\top(\sigma(X\theta) - y)`.

    The result must have shape (d,), one entry per parameter.

    Cases as for :func:`check_loss` (the stress cases z = +-40 and z = +-800 are skipped with
    ``stable=False``; the naive sigmoid is accurate at z = +-40 but ``np.exp(800)``
    overflows). Recognises a missing 1/m, dividing by d, a flipped sign, y and 1 - y
    swapped, the transpose (X @ r, or a result of shape (m,)), a missing sigmoid, the
    squared-error gradient, and (m, 1) columns broadcasting to (d, m).

    >>> import lossbook as lb
    >>> check_gradient(lambda theta, X, y: X.T @ (lb.sigmoid(X @ theta) - y) / len(y))
    check_gradient: all 10 cases passed.
    >>> check_gradient(lambda theta, X, y: X.T @ (lb.sigmoid(X @ theta) - y))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: check_gradient failed on case 1 of 10: random data (m = 20, d = 3, int labels).
    ...
    Likely mistake: your gradient is m = 20 times too large: the 1/m is missing ...
    """
    check = _Check("check_gradient", ("theta", "X", "y"), _theta_cases(), stable)
    inspect = _inspect("gradient", 1e-6, 1e-9, _gradient_candidates,
                       lambda case, outcome, got: _overflow_hint(case, outcome))
    check.run(fn, gradient, inspect)


def _hessian_candidates(case, want, got):
    theta, X, y = case.args[:3]
    yf = np.asarray(y, dtype=float)
    m, d = X.shape
    z = X @ theta
    s, p = sigmoid_derivative(z), sigmoid(z)
    out = [*_factor_candidates(want, m, d, "Hessian")]
    out += [
        (lambda: X.T @ X / m, "the weights S are missing: X.T @ X / m is the Hessian of "
                              "squared error on z. The logistic Hessian weights each sample by "
                              "s_i = sigma(z_i)(1 - sigma(z_i)): X.T @ (s[:, None] * X) / m."),
        (lambda: X.T @ (p[:, None] * X) / m,
         "the weights are sigma(z), but they must be sigma(z)(1 - sigma(z)) = sigma'(z): "
         "X.T @ (s[:, None] * X) / m."),
        (lambda: X.T @ ((1 - p)[:, None] * X) / m,
         "the weights are 1 - sigma(z), but they must be sigma(z)(1 - sigma(z))."),
        (lambda: X.T @ ((p - yf)[:, None] * X) / m,
         "the weights are the residuals sigma(z) - y, but they must be sigma(z)(1 - sigma(z)), "
         "which does not depend on y."),
        (lambda: X @ (s[:, None] * X.T) / m if m == d else None,
         "the transpose is on the wrong side: X @ S @ X.T is m x m; the Hessian is "
         "X.T @ S @ X / m."),
        (lambda: (X.T @ X) * np.mean(s), "the weights are averaged before the product; each "
                                         "sample keeps its own weight: X.T @ (s[:, None] * X) "
                                         "/ m."),
    ]
    return out


def check_hessian(fn, *, stable=True):
    r"""Check ``fn(theta, X, y)``: the Hessian :math:`\frac{1}{m}X^\top S X`, shape (d, d).

    :math:`S = \mathrm{diag}(\sigma(z_i)(1 - \sigma(z_i)))`. Cases as for :func:`check_loss`.
    Recognises a missing 1/m, a flipped sign, missing weights (X.T @ X / m), weights
    sigma(z) (or 1 - sigma(z), or sigma(z) - y) instead of sigma(z)(1 - sigma(z)), and the
    transpose on the wrong side (an m x m result).

    >>> import lossbook as lb
    >>> def my_hessian(theta, X, y):
    ...     s = lb.sigmoid_derivative(X @ theta)
    ...     return X.T @ (s[:, None] * X) / len(y)
    >>> check_hessian(my_hessian)
    check_hessian: all 10 cases passed.
    """
    check = _Check("check_hessian", ("theta", "X", "y"), _theta_cases(), stable)
    inspect = _inspect("Hessian", 1e-6, 1e-9, _hessian_candidates,
                       lambda case, outcome, got: _overflow_hint(case, outcome))
    check.run(fn, hessian, inspect)


def check_gradient_step(fn):
    r"""Check ``fn(theta, X, y, learning_rate)``: :math:`\theta - \eta\nabla J(\theta)`, shape (d,).

    Cases as for :func:`check_loss` without the z = +-800 and maximum-likelihood cases, with
    learning rates 0.01 (the opening example's), 0.1, 0.5 and 1. Recognises an ascent step
    (+), a missing learning rate, a gradient missing its 1/m, returning the step or the
    gradient instead of the new theta, and theta modified in place.

    >>> import lossbook as lb
    >>> check_gradient_step(lambda theta, X, y, lr: theta - lr * lb.gradient(theta, X, y))
    check_gradient_step: all 8 cases passed.
    """
    rates = (0.1, 0.01, 0.5, 1.0, 0.25, 0.1, 1.0, 0.5)
    cases = [
        _Case(f"{c.name}, learning_rate = {lr}", (*c.args, lr))
        for c, lr in zip(_moderate_cases(), rates, strict=True)
    ]

    def reference(theta, X, y, lr):
        return theta - lr * gradient(theta, X, y)

    def candidates(case, want, got):
        theta, X, y, lr = case.args
        g = gradient(theta, X, y)
        m = X.shape[0]
        return [
            (lambda: theta + lr * g, "the sign: that is gradient ascent, theta + eta * grad; "
                                     "descent steps against the gradient, theta - eta * grad."),
            (lambda: theta - g, "the learning rate is missing: theta - learning_rate * grad."),
            (lambda: theta - lr * m * g, f"your gradient is m = {m} times too large: the 1/m "
                                         "is missing."),
            (lambda: theta - lr * g / m, "your gradient is m times too small: divided by m "
                                         "twice."),
            (lambda: -lr * g, "you returned the step -learning_rate * grad; return the new "
                              "theta, theta - learning_rate * grad."),
            (lambda: lr * g, "you returned learning_rate * grad; return the new theta, "
                             "theta - learning_rate * grad."),
            (lambda: g, "you returned the gradient; return the new theta, "
                        "theta - learning_rate * grad."),
            (lambda: theta - lr * gradient(theta, X, 1 - np.asarray(y, dtype=float)),
             "y and 1 - y are swapped in the gradient: the residual is sigma(z) - y."),
            (lambda: theta - lr * (X @ (sigmoid(X @ theta) - y)) / m,
             "the transpose: the gradient is X.T @ r / m, not X @ r / m."),
        ]

    check = _Check("check_gradient_step", ("theta", "X", "y", "learning_rate"), cases)
    check.run(fn, reference, _inspect("new theta", 1e-6, 1e-9, candidates,
                                      lambda case, outcome, got: _overflow_hint(case, outcome)))


def check_newton_step(fn):
    r"""Check ``fn(theta, X, y)``: one full Newton step :math:`\theta - H^{-1}\nabla J`, shape (d,).

    Cases: random data, the opening example's data from theta = 0 (the first step of
    lossbook.newton), d = 1, a square X, float labels, and a logit of 40. Recognises a step
    with the wrong sign, H @ g instead of the solve, a gradient step, H and g scaled
    inconsistently (one has 1/m, the other not), missing weights in H, and returning the
    step instead of the new theta.

    >>> import numpy as np
    >>> import lossbook as lb
    >>> def my_newton_step(theta, X, y):
    ...     return theta - np.linalg.solve(lb.hessian(theta, X, y), lb.gradient(theta, X, y))
    >>> check_newton_step(my_newton_step)
    check_newton_step: all 6 cases passed.
    """
    X_open, y_open = make_data()
    cases = [
        _Case("the opening example's data (m = 100, d = 3, bool labels) from theta = 0",
              (np.zeros(3), X_open, y_open))
        if c.m == 100 else c
        for c in _moderate_cases(with_theta0=False)
        if c.m >= c.d  # H must be invertible
    ]

    def reference(theta, X, y):
        return theta - np.linalg.solve(hessian(theta, X, y), gradient(theta, X, y))

    def candidates(case, want, got):
        theta, X, y = case.args
        m = X.shape[0]
        g, H = gradient(theta, X, y), hessian(theta, X, y)
        step = want - theta
        return [
            (lambda: theta - step, "the sign: the Newton step is theta - H^-1 grad, i.e. "
                                   "theta - np.linalg.solve(H, g)."),
            (lambda: theta + m * step, f"the step is m = {m} times too long: the gradient "
                                       "lacks its 1/m while the Hessian has it (or the reverse)."),
            (lambda: theta + step / m, f"the step is m = {m} times too short: the Hessian "
                                       "lacks its 1/m while the gradient has it (or the reverse)."),
            (lambda: theta - H @ g, "you multiplied by H; Newton multiplies by its inverse: "
                                    "np.linalg.solve(H, g)."),
            (lambda: theta - g, "that is a gradient step with learning rate 1; Newton's step "
                                "is theta - np.linalg.solve(H, g)."),
            (lambda: theta - np.linalg.solve(X.T @ X / m, g),
             "the Hessian's weights S are missing: H = X.T @ (s[:, None] * X) / m with "
             "s = sigma(z)(1 - sigma(z)), not X.T @ X / m."),
            (lambda: step, "you returned the step; return the new theta, theta + step."),
            (lambda: -step, "you returned H^-1 grad; return the new theta, "
                            "theta - np.linalg.solve(H, g)."),
            (lambda: theta - g / np.diag(H), "you divided by the Hessian's diagonal; Newton "
                                             "solves with the whole matrix: np.linalg.solve(H, "
                                             "g)."),
        ]

    check = _Check("check_newton_step", ("theta", "X", "y"), cases)
    check.run(fn, reference, _inspect("new theta", 1e-6, 1e-9, candidates,
                                      lambda case, outcome, got: _overflow_hint(case, outcome)))


def check_regularized_loss(fn, *, stable=True):
    r"""Check ``fn(theta, X, y, l2)``: :math:`J + \frac{\lambda}{2}\lVert\theta_{1:}\rVert^2`.

    The intercept theta[0] is not penalised. Cases: the battery of :func:`check_loss`, with
    l2 from 0 to 2 (a Python int among them); the stress cases are skipped with
    ``stable=False``. Recognises a penalised intercept, a penalty missing its 1/2, divided
    by m, not squared, or with the wrong sign, a missing penalty, and the loss mistakes of
    :func:`check_loss`.

    >>> import lossbook as lb
    >>> check_regularized_loss(lambda theta, X, y, l2: lb.loss(theta, X, y, l2=l2))
    check_regularized_loss: all 10 cases passed.
    >>> check_regularized_loss(
    ...     lambda theta, X, y, l2: lb.loss(theta, X, y) + l2 / 2 * theta @ theta)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: check_regularized_loss failed on case 1 of 10: ...
    Likely mistake: you penalised the intercept: ...
    """
    l2s = (0.1, 1.0, 0.0, 0.5, 2, 0.3, 0.05, 0.01, 0.1, 0.01)
    cases = [
        _Case(f"{c.name}, l2 = {l2!r}", (*c.args, l2), c.stable)
        for c, l2 in zip(_theta_cases(), l2s, strict=True)
    ]

    def reference(theta, X, y, l2):
        return loss(theta, X, y, l2=float(l2))

    def candidates(case, want, got):
        theta, X, y, l2 = case.args
        m = X.shape[0]
        J = loss(theta, X, y)
        sq = float(theta[1:] @ theta[1:])
        base_case = _Case(case.name, (theta, X, y))
        pen = 0.5 * l2 * sq
        out = [
            (lambda: J + 0.5 * l2 * float(theta @ theta),
             "you penalised the intercept: the penalty is (l2/2) * ||theta[1:]||^2, which "
             "leaves theta[0] out (the intercept only shifts the boundary; shrinking it "
             "biases the predictions)."),
            (lambda: J + l2 * sq, "the penalty is missing its 1/2: (l2/2) * ||theta[1:]||^2."),
            (lambda: J + l2 * float(theta @ theta),
             "the penalty is missing its 1/2 and includes the intercept: use "
             "(l2/2) * ||theta[1:]||^2."),
            (lambda: J + pen / m, "the penalty is divided by m: some courses write "
                                  "(l2/2m) ||theta||^2, but here it is (l2/2) ||theta[1:]||^2, "
                                  "not divided by m."),
            (lambda: J + 0.5 * l2 * float(theta @ theta) / m,
             "the penalty is divided by m and includes the intercept: use "
             "(l2/2) * ||theta[1:]||^2."),
            (lambda: J + 0.5 * l2 * np.sqrt(sq), "the norm is not squared: "
                                                 "(l2/2) * ||theta[1:]||^2 = (l2/2) * "
                                                 "theta[1:] @ theta[1:]."),
            (lambda: J - pen, "the penalty's sign: it is added to the loss, J + "
                              "(l2/2) ||theta[1:]||^2."),
            (lambda: J, "the penalty is missing: add (l2/2) * theta[1:] @ theta[1:]."),
        ]
        for compute, hint in _loss_candidates(base_case, J, got - pen):
            out.append((lambda compute=compute: compute() + pen,
                        f"the penalty is right, but the loss part is wrong: {hint}"))
        return out

    check = _Check("check_regularized_loss", ("theta", "X", "y", "l2"), cases, stable)
    check.run(fn, reference, _inspect("regularized loss", 1e-6, 1e-12, candidates,
                                      lambda case, outcome, got: _log0_hint(case, outcome)))


def check_accuracy(fn):
    r"""Check ``fn(theta, X, y)``: the fraction of samples whose prediction equals the label.

    The prediction is 1 where sigma(z) >= 0.5, i.e. z = X @ theta >= 0. No logit in the cases
    is near 0, so thresholding z at 0 or sigma(z) at 0.5, with > or >=, all pass. Recognises
    a count instead of a fraction, the error rate, a percentage, a threshold of 0.5 on z,
    probabilities compared with labels without a threshold, and (m, 1) columns.

    >>> import numpy as np
    >>> check_accuracy(lambda theta, X, y: np.mean((X @ theta >= 0) == y))
    check_accuracy: all 7 cases passed.
    >>> check_accuracy(lambda theta, X, y: np.sum((X @ theta >= 0) == y))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: check_accuracy failed on case 1 of 7: random data (m = 20, d = 3, int labels).
    ...
    Likely mistake: you returned the number of correct predictions; divide by m = 20 ...
    """

    def reference(theta, X, y):
        return float(np.mean((X @ theta >= 0) == np.asarray(y, dtype=bool)))

    def candidates(case, want, got):
        theta, X, y = case.args
        m = X.shape[0]
        z = X @ theta
        yb = np.asarray(y, dtype=bool)
        return [
            (lambda: m * want, f"you returned the number of correct predictions; divide by "
                               f"m = {m} for the fraction (np.mean of the matches)."),
            (lambda: 1 - want, "you returned 1 - accuracy: the fraction of wrong predictions "
                               "(or the predictions are flipped: predict 1 where z >= 0)."),
            (lambda: 100 * want, "you returned a percentage; return the fraction in [0, 1]."),
            (lambda: np.mean((z >= 0.5) == yb),
             "you compared the logit z with 0.5; compare sigma(z) with 0.5, or z with 0."),
            (lambda: np.mean(sigmoid(z) == yb),
             "you compared probabilities with the labels; threshold first: "
             "(sigma(z) >= 0.5) == y."),
            (lambda: np.mean((z[None, :] >= 0) == yb[:, None]), _M1_HINT),
            (lambda: m * np.mean((z[None, :] >= 0) == yb[:, None]), _M1_HINT),
            (lambda: np.mean(sigmoid(z)), "you averaged the probabilities; the accuracy is the "
                                          "mean of the matches (prediction == label)."),
            (lambda: 1.0, "your accuracy is 1 although some predictions are wrong: compare the "
                          "predictions with the labels y, not with themselves or with a "
                          "rounded copy of sigma(z)."),
        ]

    def unstable(case, outcome, got):
        return _overflow_hint(case, outcome)

    check = _Check("check_accuracy", ("theta", "X", "y"), _moderate_cases(with_theta0=False))
    check.run(fn, reference, _inspect("accuracy", 1e-9, 1e-12, candidates, unstable))
