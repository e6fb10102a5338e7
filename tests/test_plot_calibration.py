"""plots.plot_calibration draws a reliability diagram (notebook 09)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from lossbook.inference import calibration_curve
from lossbook.plots import plot_calibration


def test_markers_at_the_calibration_curve_with_the_diagonal():
    rng = np.random.default_rng(0)
    p = rng.random(2000)
    y = rng.random(2000) < p
    fig, ax = plt.subplots()
    assert plot_calibration(p, y, n_bins=8, ax=ax, label="model") is ax
    diagonal, curve = ax.lines[0], ax.lines[1]
    np.testing.assert_array_equal(diagonal.get_xydata(), [[0, 0], [1, 1]])
    mean_predicted, observed, _ = calibration_curve(p, y, n_bins=8)
    np.testing.assert_allclose(curve.get_xdata(), mean_predicted)
    np.testing.assert_allclose(curve.get_ydata(), observed)
    assert ax.get_legend_handles_labels()[1] == ["model"]
    assert ax.get_xlabel() and ax.get_ylabel()
    plt.close(fig)


def test_two_models_on_one_axes():
    y = np.array([0, 1] * 50)
    fig, ax = plt.subplots()
    plot_calibration(np.full(100, 0.5), y, ax=ax, label="coin")
    plot_calibration(np.where(y == 1, 0.9, 0.1), y, ax=ax, label="sharp", title="two models")
    assert ax.get_legend_handles_labels()[1] == ["coin", "sharp"]
    assert ax.get_title() == "two models"
    plt.close(fig)
