"""Tests of lossbook.exercises: right answers pass, known-wrong answers get the right hint.

Each checker must accept lossbook's own function and a naive-but-correct learner version
(where the policy in the module docstring says it should pass), and must reject a catalogue
of known-wrong versions with a message that names the mistake.
"""

import math
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

import lossbook as lb
from lossbook import exercises as ex

S = lb.sigmoid
LS = lb.log_sigmoid
SP = lb.softplus


def F(y):
    return np.asarray(y, dtype=float)


# --------------------------------------------------------------------------------------------
# Learner functions, right and wrong
# --------------------------------------------------------------------------------------------


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def opening_loss(theta, X, y):
    """The opening example's loss, with theta first."""
    h = 1 / (1 + np.exp(-X @ theta))
    return -1 / len(y) * np.sum(y * np.log(h) + (1 - y) * np.log(1 - h))


def per_sample(theta, X, y):
    z = X @ theta
    y = F(y)
    return -(y * LS(z) + (1 - y) * LS(-z))


def column_loss(theta, X, y):
    y = F(y).reshape(-1, 1)  # the (m, 1) habit
    z = X @ theta
    return -np.mean(y * LS(z) + (1 - y) * LS(-z))


def hessian_with(weights):
    def hess(theta, X, y):
        s = weights(X @ theta, F(y))
        return X.T @ (s[:, None] * X) / len(y)

    return hess


def sigmoid_int_truncating(z):
    out = np.zeros_like(z)  # an int array when z is
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1 + e)
    return out


def sigmoid_in_place(z):
    z *= -1
    return 1 / (1 + np.exp(z))


def gradient_mutating_X(theta, X, y):
    X[:, 0] = 2.0  # "fix" the intercept column, in the caller's array
    return lb.gradient(theta, X / np.array([2.0] + [1.0] * (X.shape[1] - 1)), y)


def step_in_place(theta, X, y, learning_rate):
    theta -= learning_rate * lb.gradient(theta, X, y)
    return theta


def gradient_where_both_branches(theta, X, y):
    z = X @ theta
    h = np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
    return X.T @ (h - F(y)) / len(y)


def newton_inv(theta, X, y):
    return theta - np.linalg.inv(lb.hessian(theta, X, y)) @ lb.gradient(theta, X, y)


def newton_solve(theta, X, y, g_scale=1.0, h_scale=1.0):
    H, g = lb.hessian(theta, X, y), lb.gradient(theta, X, y)
    return theta - np.linalg.solve(h_scale * H, g_scale * g)


# --------------------------------------------------------------------------------------------
# Accepted
# --------------------------------------------------------------------------------------------

ACCEPTED = [
    pytest.param(ex.check_sigmoid, lb.sigmoid, {}, id="sigmoid-reference"),
    pytest.param(ex.check_sigmoid, lambda z: np.exp(-np.logaddexp(0, -z)), {},
                 id="sigmoid-exp-logaddexp"),
    pytest.param(ex.check_sigmoid, naive_sigmoid, {"stable": False},
                 id="sigmoid-naive-unstable-ok"),
    pytest.param(ex.check_logit, lambda p: np.log(p / (1 - p)), {}, id="logit-naive"),
    pytest.param(ex.check_logit, lambda p: np.log(p) - np.log1p(-p), {}, id="logit-log1p"),
    pytest.param(ex.check_logit, lambda p: -np.log(1 / p - 1), {}, id="logit-inverse"),
    pytest.param(ex.check_softplus, lb.softplus, {}, id="softplus-reference"),
    pytest.param(ex.check_softplus, lambda z: np.logaddexp(0, z), {}, id="softplus-logaddexp"),
    pytest.param(ex.check_softplus, lambda z: np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))), {},
                 id="softplus-max-log1p"),
    pytest.param(ex.check_log_sigmoid, lb.log_sigmoid, {}, id="log-sigmoid-reference"),
    pytest.param(ex.check_log_sigmoid, lambda z: -SP(-z), {}, id="log-sigmoid-softplus"),
    pytest.param(ex.check_log_sigmoid, lambda z: np.minimum(z, 0) - np.log1p(np.exp(-np.abs(z))),
                 {}, id="log-sigmoid-min-log1p"),
    pytest.param(ex.check_loss, lb.loss, {}, id="loss-reference"),
    pytest.param(ex.check_loss, lambda t, X, y: np.mean(per_sample(t, X, y)), {},
                 id="loss-log-sigmoid"),
    pytest.param(ex.check_loss, lambda t, X, y: np.mean(SP(X @ t) - y * (X @ t)), {},
                 id="loss-softplus-minus-yz"),
    pytest.param(ex.check_loss, lambda t, X, y: np.mean(np.where(y, SP(-(X @ t)), SP(X @ t))),
                 {}, id="loss-where-bool-labels"),
    pytest.param(ex.check_loss, opening_loss, {"stable": False}, id="loss-naive-unstable-ok"),
    pytest.param(ex.check_gradient, lb.gradient, {}, id="gradient-reference"),
    pytest.param(ex.check_gradient, lambda t, X, y: X.T @ (S(X @ t) - y) / len(y), {},
                 id="gradient-vector-form"),
    pytest.param(ex.check_gradient, lambda t, X, y: (S(X @ t) - y) @ X / X.shape[0], {},
                 id="gradient-r-at-X"),
    pytest.param(ex.check_gradient, lambda t, X, y: X.T @ (naive_sigmoid(X @ t) - y) / len(y),
                 {"stable": False}, id="gradient-naive-unstable-ok"),
    pytest.param(ex.check_hessian, lb.hessian, {}, id="hessian-reference"),
    pytest.param(ex.check_hessian, hessian_with(lambda z, y: lb.sigmoid_derivative(z)), {},
                 id="hessian-weights"),
    pytest.param(ex.check_hessian,
                 lambda t, X, y: X.T @ np.diag(S(X @ t) * S(-(X @ t))) @ X / len(y), {},
                 id="hessian-diag-matrix"),
    pytest.param(ex.check_hessian,
                 hessian_with(lambda z, y: naive_sigmoid(z) * (1 - naive_sigmoid(z))),
                 {"stable": False}, id="hessian-naive-unstable-ok"),
    pytest.param(ex.check_gradient_step, lambda t, X, y, lr: t - lr * lb.gradient(t, X, y), {},
                 id="step-reference"),
    pytest.param(ex.check_gradient_step,
                 lambda t, X, y, lr: t - lr * X.T @ (naive_sigmoid(X @ t) - y) / len(y), {},
                 id="step-naive-sigmoid"),
    pytest.param(ex.check_newton_step, newton_solve, {}, id="newton-solve"),
    pytest.param(ex.check_newton_step, newton_inv, {}, id="newton-inv"),
    pytest.param(ex.check_regularized_loss, lambda t, X, y, l2: lb.loss(t, X, y, l2=l2), {},
                 id="regularized-reference"),
    pytest.param(ex.check_regularized_loss,
                 lambda t, X, y, l2: lb.loss(t, X, y) + l2 / 2 * t[1:] @ t[1:], {},
                 id="regularized-explicit"),
    pytest.param(ex.check_regularized_loss,
                 lambda t, X, y, l2: opening_loss(t, X, y) + l2 / 2 * np.sum(t[1:] ** 2),
                 {"stable": False}, id="regularized-naive-unstable-ok"),
    pytest.param(ex.check_accuracy, lambda t, X, y: np.mean((X @ t >= 0) == y), {},
                 id="accuracy-z"),
    pytest.param(ex.check_accuracy, lambda t, X, y: np.mean((S(X @ t) > 0.5) == y), {},
                 id="accuracy-p-greater"),
    pytest.param(ex.check_accuracy, lambda t, X, y: np.mean(np.round(S(X @ t)) == y), {},
                 id="accuracy-round"),
    pytest.param(ex.check_accuracy,
                 lambda t, X, y: float(np.sum((X @ t > 0).astype(int) == y)) / len(y), {},
                 id="accuracy-count-over-m"),
]


@pytest.mark.parametrize(("check", "fn", "kwargs"), ACCEPTED)
def test_accepts(check, fn, kwargs, capsys):
    assert check(fn, **kwargs) is None
    out = capsys.readouterr().out
    assert re.fullmatch(rf"{check.__name__}: all \d+ cases passed\.\n", out), out


# --------------------------------------------------------------------------------------------
# Rejected, with the hint that names the mistake
# --------------------------------------------------------------------------------------------

REJECTED = [
    # sigmoid
    pytest.param(ex.check_sigmoid, naive_sigmoid, {}, "overflow", id="sigmoid-naive-overflows"),
    pytest.param(ex.check_sigmoid, lambda z: np.exp(z) / (1 + np.exp(z)), {}, "inf / inf = nan",
                 id="sigmoid-exp-ratio-nan"),
    pytest.param(ex.check_sigmoid, lambda z: 1 / (1 + np.exp(z)), {}, "sigma(-z)",
                 id="sigmoid-sign"),
    pytest.param(ex.check_sigmoid, lambda z: 1 / np.exp(-z), {}, "the 1 + is missing",
                 id="sigmoid-no-one-plus"),
    pytest.param(ex.check_sigmoid, lambda z: 0.5 * (1 + np.tanh(z / 2)), {}, "cancellation",
                 id="sigmoid-tanh-cancels"),
    pytest.param(ex.check_sigmoid, lambda z: 1 / (1 + math.exp(-z)), {}, "np.exp",
                 id="sigmoid-math-exp"),
    pytest.param(ex.check_sigmoid, sigmoid_int_truncating, {}, "integers",
                 id="sigmoid-int-truncation"),
    pytest.param(ex.check_sigmoid, sigmoid_in_place, {}, "modified its input z",
                 id="sigmoid-in-place"),
    pytest.param(ex.check_sigmoid, lambda z: float(np.mean(S(z))), {}, "elementwise",
                 id="sigmoid-scalar"),
    pytest.param(ex.check_sigmoid, lambda z: None, {}, "return", id="sigmoid-none"),
    pytest.param(ex.check_sigmoid,
                 lambda z: np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z))),
                 {}, "np.where", id="sigmoid-where-both-branches"),
    # logit
    pytest.param(ex.check_logit, lambda p: np.log((1 - p) / p), {}, "sign", id="logit-sign"),
    pytest.param(ex.check_logit, lambda p: p / (1 - p), {}, "odds", id="logit-odds"),
    pytest.param(ex.check_logit, lambda p: np.log10(p / (1 - p)), {}, "log10", id="logit-log10"),
    pytest.param(ex.check_logit, S, {}, "inverse", id="logit-sigmoid"),
    pytest.param(ex.check_logit, lambda p: np.log(p / (1 + p)), {}, "1 - p", id="logit-1-plus-p"),
    # softplus
    pytest.param(ex.check_softplus, lambda z: np.log(1 + np.exp(z)), {}, "overflow",
                 id="softplus-naive"),
    pytest.param(ex.check_softplus, lambda z: np.maximum(z, 0) + np.log(1 + np.exp(-np.abs(z))),
                 {}, "log1p", id="softplus-no-log1p"),
    pytest.param(ex.check_softplus, lambda z: np.logaddexp(0, -z), {}, "softplus(-z)",
                 id="softplus-sign"),
    pytest.param(ex.check_softplus, np.exp, {}, "log is missing", id="softplus-no-log"),
    pytest.param(ex.check_softplus,
                 lambda z: np.where(z > 0, z + np.log1p(np.exp(-z)), np.log1p(np.exp(z))), {},
                 "np.where", id="softplus-where-both-branches"),
    # log-sigmoid
    pytest.param(ex.check_log_sigmoid, lambda z: np.log(1 / (1 + np.exp(-z))), {}, "-inf",
                 id="log-sigmoid-naive"),
    pytest.param(ex.check_log_sigmoid, lambda z: np.log(S(z)), {}, "-inf",
                 id="log-sigmoid-log-of-stable-sigmoid"),
    pytest.param(ex.check_log_sigmoid, lambda z: np.minimum(z, 0) - np.log(1 + np.exp(-np.abs(z))),
                 {}, "log1p", id="log-sigmoid-no-log1p"),
    pytest.param(ex.check_log_sigmoid, lambda z: np.logaddexp(0, -z), {}, "sign",
                 id="log-sigmoid-sign"),
    pytest.param(ex.check_log_sigmoid, lambda z: -np.logaddexp(0, z), {}, "log(1 - sigma(z))",
                 id="log-sigmoid-of-minus-z"),
    # loss
    pytest.param(ex.check_loss, opening_loss, {}, "log(0)", id="loss-opening-example"),
    pytest.param(ex.check_loss, lambda t, X, y: np.sum(per_sample(t, X, y)), {}, "1/m",
                 id="loss-sum"),
    pytest.param(ex.check_loss, lambda t, X, y: np.sum(per_sample(t, X, y)) / X.shape[1], {},
                 "instead of by m", id="loss-divided-by-d"),
    pytest.param(ex.check_loss, lambda t, X, y: -np.mean(per_sample(t, X, y)), {}, "sign",
                 id="loss-sign"),
    pytest.param(ex.check_loss, lambda t, X, y: np.mean(per_sample(t, X, 1 - F(y))), {}, "1 - y",
                 id="loss-labels-swapped"),
    pytest.param(ex.check_loss, column_loss, {}, "(m, 1)", id="loss-column-y"),
    pytest.param(ex.check_loss, per_sample, {}, "mean", id="loss-per-sample"),
    pytest.param(ex.check_loss, lambda t, X, y: np.mean(per_sample(t, X, y)) / np.log(10), {},
                 "log10", id="loss-log10"),
    pytest.param(ex.check_loss, lambda t, X, y: -np.mean(F(y) * LS(X @ t)), {}, "(1 - y)",
                 id="loss-missing-term"),
    pytest.param(ex.check_loss, lambda t, X, y: np.mean((S(X @ t) - F(y)) ** 2), {},
                 "squared error", id="loss-mse"),
    pytest.param(ex.check_loss,
                 lambda t, X, y: -np.mean(F(y) * np.log(S(X @ t) + 1e-7)
                                          + (1 - F(y)) * np.log(1 - S(X @ t) + 1e-7)),
                 {}, "epsilon", id="loss-epsilon-in-log"),
    pytest.param(ex.check_loss, lambda X, y, t: lb.loss(t, X, y), {}, "theta first",
                 id="loss-argument-order"),
    pytest.param(ex.check_loss, lambda t, X, y: np.mean(-y * LS(X @ t) - (1 - y) * LS(-(X @ t))),
                 {}, "bools", id="loss-bool-negative"),
    pytest.param(ex.check_loss, lambda t, X, y: np.array([lb.loss(t, X, y)]), {}, "single number",
                 id="loss-shape-1"),
    pytest.param(ex.check_loss, lambda t, X, y: (lb.loss(t, X, y), lb.gradient(t, X, y)), {},
                 "tuple", id="loss-returns-tuple"),
    # gradient
    pytest.param(ex.check_gradient, lambda t, X, y: X.T @ (S(X @ t) - y), {}, "1/m",
                 id="gradient-missing-1-over-m"),
    pytest.param(ex.check_gradient, lambda t, X, y: X.T @ (S(X @ t) - y) / X.shape[1], {},
                 "instead of by m", id="gradient-divided-by-d"),
    pytest.param(ex.check_gradient, lambda t, X, y: X.T @ (y - S(X @ t)) / len(y), {}, "sign",
                 id="gradient-sign"),
    pytest.param(ex.check_gradient, lambda t, X, y: X.T @ (S(X @ t) - (1 - F(y))) / len(y), {},
                 "1 - y", id="gradient-labels-swapped"),
    pytest.param(ex.check_gradient, lambda t, X, y: X @ (S(X @ t) - y) / len(y), {}, "transpose",
                 id="gradient-X-at-r"),
    pytest.param(ex.check_gradient, lambda t, X, y: (S(X @ t) - y) / len(y), {}, "X.T @ r",
                 id="gradient-residual-only"),
    pytest.param(ex.check_gradient,
                 lambda t, X, y: np.mean(X * (S(X @ t) - y)[:, None], axis=1), {}, "(d,)",
                 id="gradient-wrong-axis"),
    pytest.param(ex.check_gradient,
                 lambda t, X, y: X.T @ (S(X @ t) - F(y).reshape(-1, 1)) / len(y), {}, "(m, 1)",
                 id="gradient-column-y"),
    pytest.param(ex.check_gradient,
                 lambda t, X, y: X.T @ (S(X @ t.reshape(-1, 1)) - F(y).reshape(-1, 1)) / len(y),
                 {}, "ravel", id="gradient-all-columns"),
    pytest.param(ex.check_gradient, lambda t, X, y: X.T @ (X @ t - y) / len(y), {},
                 "sigmoid is missing", id="gradient-linear-regression"),
    pytest.param(ex.check_gradient,
                 lambda t, X, y: X.T @ ((S(X @ t) - y) * lb.sigmoid_derivative(X @ t)) / len(y),
                 {}, "squared error", id="gradient-mse"),
    pytest.param(ex.check_gradient, lambda t, X, y: X.T @ (naive_sigmoid(X @ t) - y) / len(y), {},
                 "overflow", id="gradient-naive-sigmoid-overflows"),
    pytest.param(ex.check_gradient, gradient_where_both_branches, {}, "np.where",
                 id="gradient-where-both-branches"),
    pytest.param(ex.check_gradient, gradient_mutating_X, {}, "modified its input X",
                 id="gradient-mutates-X"),
    # Hessian
    pytest.param(ex.check_hessian, lambda t, X, y: X.T @ X / len(y), {}, "weights",
                 id="hessian-no-weights"),
    pytest.param(ex.check_hessian, hessian_with(lambda z, y: S(z)), {}, "weights are sigma(z)",
                 id="hessian-weights-sigma"),
    pytest.param(ex.check_hessian, hessian_with(lambda z, y: S(z) - y), {}, "does not depend on y",
                 id="hessian-weights-residual"),
    pytest.param(ex.check_hessian, lambda t, X, y: len(y) * lb.hessian(t, X, y), {}, "1/m",
                 id="hessian-missing-1-over-m"),
    pytest.param(ex.check_hessian, lambda t, X, y: -lb.hessian(t, X, y), {}, "sign",
                 id="hessian-sign"),
    pytest.param(ex.check_hessian,
                 lambda t, X, y: X @ np.diag(lb.sigmoid_derivative(X @ t)) @ X.T / len(y), {},
                 "transpose", id="hessian-X-S-Xt"),
    pytest.param(ex.check_hessian, lambda t, X, y: np.diag(lb.hessian(t, X, y)), {}, "d x d",
                 id="hessian-diagonal-only"),
    pytest.param(ex.check_hessian,
                 hessian_with(lambda z, y: naive_sigmoid(z) * (1 - naive_sigmoid(z))), {},
                 "overflow", id="hessian-naive-overflows"),
    # gradient step
    pytest.param(ex.check_gradient_step, lambda t, X, y, lr: t + lr * lb.gradient(t, X, y), {},
                 "ascent", id="step-ascent"),
    pytest.param(ex.check_gradient_step, lambda t, X, y, lr: t - lb.gradient(t, X, y), {},
                 "learning rate is missing", id="step-no-learning-rate"),
    pytest.param(ex.check_gradient_step, lambda t, X, y, lr: t - lr * X.T @ (S(X @ t) - y), {},
                 "1/m", id="step-missing-1-over-m"),
    pytest.param(ex.check_gradient_step, lambda t, X, y, lr: -lr * lb.gradient(t, X, y), {},
                 "return the new theta", id="step-returns-step"),
    pytest.param(ex.check_gradient_step, lambda t, X, y, lr: lb.gradient(t, X, y), {},
                 "you returned the gradient", id="step-returns-gradient"),
    pytest.param(ex.check_gradient_step, step_in_place, {}, "modified its input theta",
                 id="step-in-place"),
    # Newton step
    pytest.param(ex.check_newton_step,
                 lambda t, X, y: t + np.linalg.solve(lb.hessian(t, X, y), lb.gradient(t, X, y)),
                 {}, "sign", id="newton-sign"),
    pytest.param(ex.check_newton_step,
                 lambda t, X, y: t - lb.hessian(t, X, y) @ lb.gradient(t, X, y), {}, "inverse",
                 id="newton-H-times-g"),
    pytest.param(ex.check_newton_step, lambda t, X, y: newton_solve(t, X, y, g_scale=len(y)), {},
                 "1/m", id="newton-gradient-missing-1-over-m"),
    pytest.param(ex.check_newton_step, lambda t, X, y: newton_solve(t, X, y, h_scale=len(y)), {},
                 "1/m", id="newton-hessian-missing-1-over-m"),
    pytest.param(ex.check_newton_step,
                 lambda t, X, y: t - np.linalg.solve(X.T @ X / len(y), lb.gradient(t, X, y)), {},
                 "weights", id="newton-no-weights"),
    pytest.param(ex.check_newton_step, lambda t, X, y: t - lb.gradient(t, X, y), {},
                 "gradient step", id="newton-gradient-step"),
    pytest.param(ex.check_newton_step, lambda t, X, y: newton_solve(t, X, y) - t, {},
                 "you returned the step", id="newton-returns-step"),
    # regularised loss
    pytest.param(ex.check_regularized_loss, lambda t, X, y, l2: lb.loss(t, X, y) + l2 / 2 * t @ t,
                 {}, "intercept", id="regularized-penalises-intercept"),
    pytest.param(ex.check_regularized_loss,
                 lambda t, X, y, l2: lb.loss(t, X, y) + l2 * t[1:] @ t[1:], {}, "1/2",
                 id="regularized-missing-half"),
    pytest.param(ex.check_regularized_loss,
                 lambda t, X, y, l2: lb.loss(t, X, y) + l2 / (2 * len(y)) * t[1:] @ t[1:], {},
                 "divided by m", id="regularized-over-m"),
    pytest.param(ex.check_regularized_loss,
                 lambda t, X, y, l2: lb.loss(t, X, y) + l2 / 2 * np.linalg.norm(t[1:]), {},
                 "not squared", id="regularized-norm-not-squared"),
    pytest.param(ex.check_regularized_loss,
                 lambda t, X, y, l2: lb.loss(t, X, y) - l2 / 2 * t[1:] @ t[1:], {}, "sign",
                 id="regularized-penalty-sign"),
    pytest.param(ex.check_regularized_loss, lambda t, X, y, l2: lb.loss(t, X, y), {},
                 "penalty is missing", id="regularized-no-penalty"),
    pytest.param(ex.check_regularized_loss,
                 lambda t, X, y, l2: len(y) * lb.loss(t, X, y) + l2 / 2 * t[1:] @ t[1:], {},
                 "the loss part is wrong", id="regularized-loss-missing-1-over-m"),
    pytest.param(ex.check_regularized_loss,
                 lambda t, X, y, l2: opening_loss(t, X, y) + l2 / 2 * t[1:] @ t[1:], {}, "log(0)",
                 id="regularized-naive-loss"),
    # accuracy
    pytest.param(ex.check_accuracy, lambda t, X, y: np.sum((X @ t >= 0) == y), {},
                 "number of correct predictions", id="accuracy-count"),
    pytest.param(ex.check_accuracy, lambda t, X, y: np.mean((X @ t >= 0) != y), {},
                 "fraction of wrong", id="accuracy-error-rate"),
    pytest.param(ex.check_accuracy, lambda t, X, y: 100 * np.mean((X @ t >= 0) == y), {},
                 "percentage", id="accuracy-percent"),
    pytest.param(ex.check_accuracy, lambda t, X, y: np.mean((X @ t >= 0.5) == y), {},
                 "logit z with 0.5", id="accuracy-threshold-on-z"),
    pytest.param(ex.check_accuracy, lambda t, X, y: np.mean(S(X @ t) == y), {}, "threshold first",
                 id="accuracy-no-threshold"),
    pytest.param(ex.check_accuracy,
                 lambda t, X, y: np.mean((X @ t >= 0) == F(y).reshape(-1, 1)), {}, "(m, 1)",
                 id="accuracy-column-y"),
    pytest.param(ex.check_accuracy, lambda t, X, y: np.mean((X @ t >= 0) == np.round(S(X @ t))),
                 {}, "compare the predictions with the labels", id="accuracy-rounded-self"),
    pytest.param(ex.check_accuracy, lambda t, X, y: (X @ t >= 0) == y, {}, "mean",
                 id="accuracy-per-sample"),
]


@pytest.mark.parametrize(("check", "fn", "kwargs", "hint"), REJECTED)
def test_rejects_with_specific_hint(check, fn, kwargs, hint, capsys):
    with pytest.raises(AssertionError) as info:
        check(fn, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{check.__name__} failed on case "), message
    assert "Likely mistake: " in message, message
    hint_text = " ".join(message[message.index("Likely mistake: "):].split())
    assert hint in hint_text, message
    assert capsys.readouterr().out == ""  # no success line on failure


# --------------------------------------------------------------------------------------------
# The README examples, and the shape of the messages
# --------------------------------------------------------------------------------------------


def flat(message):
    return " ".join(message.split())


def test_readme_example_opening_loss():
    with pytest.raises(AssertionError) as info:
        ex.check_loss(opening_loss)
    message = flat(str(info.value))
    assert "case 8 of 10: a confident logit: z = 40 for a sample with y = 1" in message
    assert "Likely mistake: log(0): sample 0 of this case has the logit z = 40" in message
    assert "nan" in message
    assert "divide by zero encountered in log" in message
    assert "lossbook.log_sigmoid" in message and "notebook 04" in message
    # one sentence per line: formulas are never broken across lines
    assert "so log(1 - h) or log(h) is log(0) = -inf, and 0 * (-inf) = nan." in str(info.value)


def test_readme_example_gradient_missing_1_over_m():
    with pytest.raises(AssertionError) as info:
        ex.check_gradient(lambda theta, X, y: X.T @ (lb.sigmoid(X @ theta) - y))
    message = flat(str(info.value))
    assert message.startswith(
        "check_gradient failed on case 1 of 10: random data (m = 20, d = 3, int labels)."
    )
    assert "Likely mistake: your gradient is m = 20 times too large: the 1/m is missing" in message


def test_small_cases_show_their_inputs():
    with pytest.raises(AssertionError) as info:
        ex.check_loss(opening_loss)
    assert "inputs: theta = array([1., 1.]), X = array([[ 1., 39.]," in str(info.value)


def test_elementwise_failures_name_the_worst_element():
    with pytest.raises(AssertionError) as info:
        ex.check_softplus(lambda z: np.maximum(z, 0) + np.log(1 + np.exp(-np.abs(z))))
    assert "worst element: at z = -30" in str(info.value)


def test_messages_are_deterministic():
    messages = []
    for _ in range(2):
        with pytest.raises(AssertionError) as info:
            ex.check_hessian(lambda t, X, y: X.T @ X / len(y))
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_learner_exception_is_chained():
    def broken(theta, X, y):
        raise ZeroDivisionError("oops")

    with pytest.raises(AssertionError) as info:
        ex.check_loss(broken)
    assert "Your function raised ZeroDivisionError: oops" in str(info.value)
    assert "traceback" in str(info.value)
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_learner_warnings_are_reported_not_leaked():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(AssertionError, match="overflow encountered in exp"):
            ex.check_sigmoid(naive_sigmoid)
    assert caught == []


def test_stable_false_skips_only_the_stress_cases(capsys):
    ex.check_sigmoid(lb.sigmoid, stable=False)
    ex.check_loss(lb.loss, stable=False)
    ex.check_gradient(lb.gradient, stable=False)
    ex.check_hessian(lb.hessian, stable=False)
    ex.check_regularized_loss(lambda t, X, y, l2: lb.loss(t, X, y, l2=l2), stable=False)
    assert capsys.readouterr().out.splitlines() == [
        "check_sigmoid: all 6 cases passed.",
        "check_loss: all 7 cases passed.",
        "check_gradient: all 7 cases passed.",
        "check_hessian: all 7 cases passed.",
        "check_regularized_loss: all 7 cases passed.",
    ]


def test_naive_gradient_fails_only_at_800():
    with pytest.raises(AssertionError) as info:
        ex.check_gradient(lambda t, X, y: X.T @ (naive_sigmoid(X @ t) - y) / len(y))
    message = str(info.value)
    assert "case 10 of 10: extreme logits z = +-800" in message
    assert "z = -800, where np.exp(-z) = np.exp(800) = inf" in message


def test_naive_loss_fails_at_the_confident_logit_not_before():
    with pytest.raises(AssertionError, match="case 8 of 10"):
        ex.check_loss(opening_loss)


def test_the_checker_does_not_modify_anything_it_is_given():
    calls = []

    def recording(theta, X, y):
        calls.append((theta.copy(), X.copy(), np.asarray(y).copy()))
        return lb.loss(theta, X, y)

    ex.check_loss(recording)
    ex.check_loss(recording)
    half = len(calls) // 2
    for (t1, X1, y1), (t2, X2, y2) in zip(calls[:half], calls[half:], strict=True):
        np.testing.assert_array_equal(t1, t2)
        np.testing.assert_array_equal(X1, X2)
        np.testing.assert_array_equal(y1, y2)


def test_labels_of_every_kind_are_exercised():
    seen = set()

    def recording(theta, X, y):
        seen.add(np.asarray(y).dtype.kind)
        return lb.loss(theta, X, y)

    ex.check_loss(recording)
    assert seen == {"b", "i", "f"}


def test_shapes_include_m_equal_1_and_d_equal_1():
    shapes = set()

    def recording(theta, X, y):
        shapes.add(X.shape)
        return lb.gradient(theta, X, y)

    ex.check_gradient(recording)
    assert any(m == 1 for m, _ in shapes) and any(d == 1 for _, d in shapes)
    assert any(m == d for m, d in shapes)


def test_accuracy_cases_have_no_near_ties():
    def recording(theta, X, y):
        assert np.min(np.abs(X @ theta)) > 1e-6
        return np.mean((X @ theta >= 0) == y)

    ex.check_accuracy(recording)


def test_non_callable_is_a_type_error():
    with pytest.raises(TypeError, match="takes your function itself"):
        ex.check_loss(lb.loss(np.zeros(1), np.ones((2, 1)), [0, 1]))


def test_exercises_does_not_import_matplotlib():
    code = "import sys, lossbook, lossbook.exercises; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_public_api():
    assert sorted(ex.__all__) == sorted(
        [
            "check_sigmoid", "check_logit", "check_softplus", "check_log_sigmoid", "check_loss",
            "check_gradient", "check_hessian", "check_gradient_step", "check_newton_step",
            "check_regularized_loss", "check_accuracy", "check_log_softmax",
            "check_softmax_loss", "check_softmax_gradient", "check_minibatch_gradient",
        ]
    )
    for name in ex.__all__:
        assert getattr(ex, name).__doc__


# --------------------------------------------------------------------------------------------
# The stub of a student edition: "not attempted yet", not a failure (but no points in nbgrader)
# --------------------------------------------------------------------------------------------


def _stub(*args):
    raise NotImplementedError("your code here")


@pytest.mark.parametrize("name", ex.__all__)
def test_a_stub_is_not_attempted_yet(name, capsys, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    def my_function(*args):
        raise NotImplementedError("your code here")

    assert getattr(ex, name)(my_function) is None
    assert capsys.readouterr().out == (
        f"{name}: not attempted yet (my_function raises NotImplementedError)\n")


def test_a_stub_lambda_is_named_your_function(capsys, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    ex.check_sigmoid(lambda z: _stub(z))
    assert capsys.readouterr().out == (
        "check_sigmoid: not attempted yet (your function raises NotImplementedError)\n")


def test_under_nbgrader_a_stub_fails_its_test_cell(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError, match=r"check_gradient: not attempted yet \(_stub raises"):
        ex.check_gradient(_stub)


def test_not_implemented_after_the_first_case_is_a_failure_with_a_hint(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    def partial(theta, X, y):
        if len(y) == 1:
            raise NotImplementedError("m = 1 left for later")
        return lb.gradient(theta, X, y)

    with pytest.raises(AssertionError, match="raised NotImplementedError: m = 1 left for later"):
        ex.check_gradient(partial)


def test_other_errors_still_fail(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    def broken(theta, X, y):
        raise ValueError("oops")

    with pytest.raises(AssertionError, match="raised ValueError: oops"):
        ex.check_gradient(broken)


# --------------------------------------------------------------------------------------------
# Softmax regression (notebook 12)
# --------------------------------------------------------------------------------------------


def mc_logp(Theta, X):
    return lb.log_softmax(X @ Theta)


def mc_onehot(Theta, y):
    return np.eye(Theta.shape[1])[y]


def naive_log_softmax(Z):
    return Z - np.log(np.sum(np.exp(Z), axis=-1, keepdims=True))


def shifted_log_softmax(Z):
    top = Z.max(axis=-1, keepdims=True)
    return Z - top - np.log(np.sum(np.exp(Z - top), axis=-1, keepdims=True))


def naive_softmax_loss(Theta, X, y):
    logp = naive_log_softmax(X @ Theta)
    return -np.mean(logp[np.arange(len(y)), y])


def onehot_softmax_loss(Theta, X, y):
    Y = mc_onehot(Theta, y)
    return -np.mean(np.sum(Y * shifted_log_softmax(X @ Theta), axis=1))


def naive_softmax_gradient(Theta, X, y):
    E = np.exp(X @ Theta)
    return X.T @ (E / E.sum(axis=1, keepdims=True) - mc_onehot(Theta, y)) / len(y)


def softmax_gradient(Theta, X, y):
    return X.T @ (lb.softmax(X @ Theta) - mc_onehot(Theta, y)) / len(y)


MC_ACCEPTED = [
    pytest.param(ex.check_log_softmax, lb.log_softmax, {}, id="log-softmax-reference"),
    pytest.param(ex.check_log_softmax, shifted_log_softmax, {}, id="log-softmax-shifted"),
    pytest.param(ex.check_log_softmax, lambda Z: __import__("scipy.special").special.log_softmax(
        Z, axis=-1), {}, id="log-softmax-scipy"),
    pytest.param(ex.check_softmax_loss, lb.multiclass.loss, {}, id="softmax-loss-reference"),
    pytest.param(ex.check_softmax_loss, onehot_softmax_loss, {}, id="softmax-loss-one-hot"),
    pytest.param(ex.check_softmax_loss, naive_softmax_loss, {"stable": False},
                 id="softmax-loss-naive-unstable-ok"),
    pytest.param(ex.check_softmax_gradient, lb.multiclass.gradient, {},
                 id="softmax-gradient-reference"),
    pytest.param(ex.check_softmax_gradient, softmax_gradient, {}, id="softmax-gradient"),
    pytest.param(ex.check_softmax_gradient, naive_softmax_gradient, {"stable": False},
                 id="softmax-gradient-naive-unstable-ok"),
]

MC_REJECTED = [
    pytest.param(ex.check_log_softmax, naive_log_softmax, {}, "the max is not subtracted",
                 id="log-softmax-no-max"),
    pytest.param(ex.check_log_softmax, lambda Z: np.log(lb.softmax(Z)), {}, "log(0)",
                 id="log-softmax-log-of-softmax"),
    pytest.param(ex.check_log_softmax,
                 lambda Z: Z - Z.max(axis=0) - np.log(np.sum(np.exp(Z - Z.max(axis=0)), axis=0)),
                 {}, "wrong axis", id="log-softmax-axis-0"),
    pytest.param(ex.check_log_softmax, lb.softmax, {}, "you returned the softmax",
                 id="log-softmax-softmax"),
    pytest.param(ex.check_softmax_loss, naive_softmax_loss, {}, "the max is not subtracted",
                 id="softmax-loss-no-max"),
    pytest.param(ex.check_softmax_loss,
                 lambda T, X, y: -np.sum(mc_logp(T, X)[np.arange(len(y)), y]), {},
                 "the 1/m is missing", id="softmax-loss-no-mean"),
    pytest.param(ex.check_softmax_loss,
                 lambda T, X, y: -np.mean(np.sum(mc_logp(T, X) * y[:, None], axis=1)), {},
                 "not a one-hot matrix", id="softmax-loss-integer-labels-as-one-hot"),
    pytest.param(ex.check_softmax_loss, lambda T, X, y: -np.mean(mc_logp(T, X)[:, y]), {},
                 "m x m matrix", id="softmax-loss-logp-colon-y"),
    pytest.param(ex.check_softmax_loss,
                 lambda T, X, y: np.mean(mc_logp(T, X)[np.arange(len(y)), y]), {},
                 "sign is flipped", id="softmax-loss-sign"),
    pytest.param(ex.check_softmax_loss, lambda T, X, y: -np.mean(mc_logp(T, X)), {},
                 "every class", id="softmax-loss-all-classes"),
    pytest.param(ex.check_softmax_gradient, naive_softmax_gradient, {},
                 "the max is not subtracted", id="softmax-gradient-no-max"),
    pytest.param(ex.check_softmax_gradient,
                 lambda T, X, y: (lb.softmax(X @ T) - mc_onehot(T, y)).T @ X / len(y), {},
                 "P - Y is transposed", id="softmax-gradient-transposed"),
    pytest.param(ex.check_softmax_gradient,
                 lambda T, X, y: X.T @ (lb.softmax(X @ T) - mc_onehot(T, y)), {},
                 "the 1/m is missing", id="softmax-gradient-no-mean"),
    pytest.param(ex.check_softmax_gradient,
                 lambda T, X, y: X.T @ (lb.softmax(X @ T) - y[:, None]) / len(y), {},
                 "not a one-hot matrix", id="softmax-gradient-integer-labels"),
    pytest.param(ex.check_softmax_gradient,
                 lambda T, X, y: X.T @ (mc_onehot(T, y) - lb.softmax(X @ T)) / len(y), {},
                 "sign is flipped", id="softmax-gradient-sign"),
    pytest.param(ex.check_softmax_gradient,
                 lambda T, X, y: X.T @ (X @ T - mc_onehot(T, y)) / len(y), {},
                 "the softmax is missing", id="softmax-gradient-no-softmax"),
]


@pytest.mark.parametrize(("check", "fn", "kwargs"), MC_ACCEPTED)
def test_multiclass_accepts(check, fn, kwargs, capsys):
    test_accepts(check, fn, kwargs, capsys)


@pytest.mark.parametrize(("check", "fn", "kwargs", "hint"), MC_REJECTED)
def test_multiclass_rejects_with_specific_hint(check, fn, kwargs, hint, capsys):
    test_rejects_with_specific_hint(check, fn, kwargs, hint, capsys)


def test_multiclass_cases_cover_k2_m1_and_an_absent_class():
    from lossbook.exercises.multiclass import _theta_cases

    cases = _theta_cases()
    assert {c.args[0].shape[1] for c in cases} >= {2, 3, 4, 5}
    assert any(c.m == 1 for c in cases)
    assert any(len(set(c.args[2].tolist())) < c.args[0].shape[1] for c in cases)
    assert all(c.args[2].dtype.kind == "i" for c in cases)


# --------------------------------------------------------------------------------------------
# The mini-batch gradient (notebook 13)
# --------------------------------------------------------------------------------------------


def batch_gradient(theta, X, y, batch):
    Xb, yb = X[batch], np.asarray(y, dtype=float)[batch]
    return Xb.T @ (lb.sigmoid(Xb @ theta) - yb) / len(batch)


def batch_gradient_loop(theta, X, y, batch):
    g = np.zeros_like(theta)
    for i in batch:
        g += X[i] * (lb.sigmoid(X[i] @ theta) - float(y[i]))
    return g / len(batch)


SGD_ACCEPTED = [
    pytest.param(ex.check_minibatch_gradient, batch_gradient, {}, id="minibatch-vectorised"),
    pytest.param(ex.check_minibatch_gradient, batch_gradient_loop, {}, id="minibatch-loop"),
    pytest.param(ex.check_minibatch_gradient,
                 lambda t, X, y, b: lb.gradient(t, X[b], y[b]), {}, id="minibatch-lossbook"),
]

SGD_REJECTED = [
    pytest.param(ex.check_minibatch_gradient,
                 lambda t, X, y, b: batch_gradient(t, X, y, b) * len(b) / len(y), {},
                 "instead of by B = 5", id="minibatch-divided-by-m"),
    pytest.param(ex.check_minibatch_gradient,
                 lambda t, X, y, b: batch_gradient(t, X, y, b) * len(b), {},
                 "the 1/B is missing", id="minibatch-sum"),
    pytest.param(ex.check_minibatch_gradient, lambda t, X, y, b: lb.gradient(t, X, y), {},
                 "the full gradient", id="minibatch-full-gradient"),
    pytest.param(ex.check_minibatch_gradient, lambda t, X, y, b: -batch_gradient(t, X, y, b),
                 {}, "sign is flipped", id="minibatch-sign"),
    pytest.param(ex.check_minibatch_gradient,
                 lambda t, X, y, b: X[b].T @ (lb.sigmoid(X[b] @ t) - y) / len(b), {},
                 "index y with the same rows", id="minibatch-y-not-indexed"),
]


@pytest.mark.parametrize(("check", "fn", "kwargs"), SGD_ACCEPTED)
def test_minibatch_accepts(check, fn, kwargs, capsys):
    test_accepts(check, fn, kwargs, capsys)


@pytest.mark.parametrize(("check", "fn", "kwargs", "hint"), SGD_REJECTED)
def test_minibatch_rejects_with_specific_hint(check, fn, kwargs, hint, capsys):
    test_rejects_with_specific_hint(check, fn, kwargs, hint, capsys)


def test_minibatch_cases_cover_b1_the_full_batch_and_every_label_type():
    from lossbook.exercises.stochastic import _cases

    cases = _cases()
    assert any(c.args[3].size == 1 for c in cases)
    assert any(sorted(c.args[3].tolist()) == list(range(c.m)) for c in cases)
    assert {c.args[2].dtype.kind for c in cases} == {"b", "i", "f"}
    assert all(len(set(c.args[3].tolist())) == c.args[3].size for c in cases)  # distinct rows
