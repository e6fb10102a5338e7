"""plots.plot_boundary draws the line where the model predicts p (notebook 01)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import lossbook as lb
from lossbook.plots import plot_boundary, plot_data


@pytest.fixture
def ax():
    X, y = lb.make_data()
    ax = plot_data(X, y)
    yield ax
    plt.close(ax.figure)


@pytest.mark.parametrize("p", [0.5, 0.9, 0.1])
def test_the_line_predicts_p(ax, p):
    theta = np.array([1.0, 2.0, 3.0])
    limits = ax.get_xlim(), ax.get_ylim()
    plot_boundary(theta, ax=ax, p=p)
    x1, x2 = ax.lines[-1].get_data()
    points = lb.add_intercept(np.column_stack([x1, x2]))
    np.testing.assert_allclose(lb.sigmoid(points @ theta), p, rtol=1e-12)
    assert (ax.get_xlim(), ax.get_ylim()) == limits  # axis limits kept


def test_vertical_line_when_theta2_is_zero(ax):
    plot_boundary([1.0, 2.0, 0.0], ax=ax)
    x1, _ = ax.lines[-1].get_data()
    np.testing.assert_allclose(x1, -0.5)


def test_label_makes_a_legend_entry(ax):
    plot_boundary([1.0, 2.0, 3.0], ax=ax, label="true θ")
    assert "true θ" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_new_axes_when_none_given():
    ax = plot_boundary([0.0, 1.0, 1.0])
    assert len(ax.lines) == 1
    plt.close(ax.figure)


@pytest.mark.parametrize(
    ("theta", "p", "match"),
    [
        ([1.0, 2.0], 0.5, "intercept"),
        ([1.0, 0.0, 0.0], 0.5, "does not depend on x"),
        ([1.0, 2.0, 3.0], 1.0, "strictly between 0 and 1"),
    ],
)
def test_bad_input_raises(ax, theta, p, match):
    with pytest.raises(ValueError, match=match):
        plot_boundary(theta, ax=ax, p=p)
