"""The README's examples are what the code prints today."""

import re
from pathlib import Path

import numpy as np
import pytest

import lossbook as lb
from lossbook.exercises import check_gradient, check_loss

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def readme_block_after(marker):
    """The first fenced block after the line containing marker."""
    tail = README[README.index(marker) + len(marker):]
    return re.findall(r"```\n(.*?)```", tail, flags=re.S)[0].strip()


def failure_message(checker, fn):
    with pytest.raises(AssertionError) as info:
        checker(fn)
    return str(info.value).strip()


def test_opening_loss_feedback_is_as_shown():
    def compute_loss(theta, X, y):
        m = len(y)
        h = 1 / (1 + np.exp(-X @ theta))
        return -1 / m * np.sum(y * np.log(h) + (1 - y) * np.log(1 - h))

    shown = readme_block_after("check_loss(compute_loss)\n```")
    assert failure_message(check_loss, compute_loss) == shown


def test_missing_one_over_m_feedback_is_as_shown():
    shown = readme_block_after("A gradient that forgot the 1/m")
    message = failure_message(check_gradient, lambda theta, X, y: X.T @ (lb.sigmoid(X @ theta) - y))
    assert message == shown


def test_scipy_example_runs():
    from scipy.optimize import minimize

    X, y = lb.make_data()
    res = minimize(lb.loss, x0=[0, 0, 0], args=(X, y), jac=lb.gradient, method="BFGS")
    assert res.fun < lb.loss(np.zeros(3), X, y)
