"""Checkers for the functions of (theta, X, y): the loss, its derivatives, steps, accuracy."""

import numpy as np

from ..data import make_data
from ..objective import gradient, hessian, loss
from ..stable import log_sigmoid, sigmoid, sigmoid_derivative
from ._cases import _Case, _moderate_cases, _theta_cases
from ._engine import _M1_HINT, _NB04, _Check, _factor_candidates, _inspect


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
