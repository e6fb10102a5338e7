"""plots.plot_contours and plots.plot_path: a loss surface and an optimiser's path (notebook 06)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lossbook.plots import plot_contours, plot_path


def bowl(t):
    return float(t[0] ** 2 + 4 * t[1] ** 2)


@pytest.fixture
def ax():
    _, ax = plt.subplots()
    yield ax
    plt.close(ax.figure)


def test_contour_levels_are_geometric_above_the_minimum(ax):
    plot_contours(bowl, (-2, 2), (-1, 1), ax=ax, levels=5, n=41)
    (contour,) = [c for c in ax.get_children() if hasattr(c, "levels")]
    levels = np.asarray(contour.levels)
    assert len(levels) == 5
    gaps = np.diff(levels)
    np.testing.assert_allclose(gaps[1:] / gaps[:-1], gaps[1] / gaps[0], rtol=1e-9)
    np.testing.assert_allclose(levels[-1], 8.0)  # the grid's maximum, at a corner


def test_explicit_levels_and_labels(ax):
    plot_contours(bowl, (-2, 2), (-1, 1), ax=ax, levels=[0.5, 1.0, 2.0], n=21,
                  labels=("a", "b"), title="a bowl")
    (contour,) = [c for c in ax.get_children() if hasattr(c, "levels")]
    np.testing.assert_array_equal(contour.levels, [0.5, 1.0, 2.0])
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("a", "b", "a bowl")


def test_function_sees_each_grid_point_once():
    seen = []
    ax = plot_contours(lambda t: seen.append(t.copy()) or float(t @ t), (0, 1), (0, 2), n=3)
    assert len(seen) == 9
    assert {tuple(t) for t in seen} == {(a, b) for a in (0, 0.5, 1) for b in (0, 1, 2)}
    plt.close(ax.figure)


def test_path_draws_line_start_and_end(ax):
    path = np.array([[0.0, 0.0], [1.0, 0.5], [2.0, 0.7]])
    plot_path(path, ax=ax, label="gradient descent")
    line, start, end = ax.lines
    np.testing.assert_array_equal(np.column_stack(line.get_data()), path)
    np.testing.assert_array_equal(np.ravel(start.get_data()), [0.0, 0.0])
    np.testing.assert_array_equal(np.ravel(end.get_data()), [2.0, 0.7])
    assert line.get_marker() == "o"  # few iterates: each one marked
    assert "gradient descent" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_long_path_has_no_per_step_markers(ax):
    plot_path(np.cumsum(np.ones((100, 2)), axis=0), ax=ax)
    assert ax.lines[0].get_marker() in (None, "None", "")


@pytest.mark.parametrize("shape", [(3,), (3, 3), (0, 2)])
def test_path_shape_is_checked(ax, shape):
    with pytest.raises(ValueError, match=r"\(k, 2\)"):
        plot_path(np.zeros(shape), ax=ax)
