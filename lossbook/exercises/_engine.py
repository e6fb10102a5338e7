"""Running a learner's function on a battery, and naming the likely mistake when it fails."""

import os
import re
import warnings
from dataclasses import dataclass

import numpy as np

_NB04 = "see notebook 04 (computing the loss safely)"
_BOTH_BRANCHES = (
    "If you used np.where(cond, a, b): numpy evaluates both a and b on every element, so the "
    "branch you discard still overflows; build both branches from np.exp(-np.abs(z)), which "
    "never overflows."
)


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
            if index == 1 and isinstance(outcome.error, NotImplementedError):
                return self.not_attempted(fn)
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

    def not_attempted(self, fn):
        """The stub of a student edition (``raise NotImplementedError``): say so, don't fail.

        While learning, a notebook whose exercises are not done yet still runs top to
        bottom. Under nbgrader (``NBGRADER_EXECUTION`` is set while it validates or
        autogrades) the same message is raised as an AssertionError, so the test cell of an
        exercise left undone earns no points.
        """
        name = getattr(fn, "__name__", "")
        who = "your function" if not name or name == "<lambda>" else name
        message = f"{self.checker}: not attempted yet ({who} raises NotImplementedError)"
        if os.environ.get("NBGRADER_EXECUTION"):
            raise AssertionError(message)
        print(message)

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
        if "batch" in self.names and "broadcast" in low:
            hint = ("the labels are not the batch's: X[batch] @ theta has one entry per row of "
                    "the batch, y has m; index y with the same rows, y[batch].")
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
