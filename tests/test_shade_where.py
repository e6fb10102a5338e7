"""plots.shade_where marks the bands of the x-axis where a condition holds (notebook 03)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from lossbook.plots import shade_where


def test_shades_exactly_the_masked_band_over_the_full_height():
    fig, ax = plt.subplots()
    x = np.linspace(-2.0, 2.0, 41)
    ax.plot(x, x**3)
    limits = ax.get_xlim(), ax.get_ylim()
    assert shade_where(ax, x, x < -0.5, label="x < -0.5") is ax
    band = ax.collections[-1]
    # Vertices in (data x, axes y) coordinates: x within the masked band, y from 0 to 1.
    vertices = band.get_paths()[0].vertices
    assert vertices[:, 0].min() == -2.0
    assert np.isclose(vertices[:, 0].max(), -0.6)
    assert set(np.round(vertices[:, 1], 12)) == {0.0, 1.0}
    assert (ax.get_xlim(), ax.get_ylim()) == limits  # the axis limits are kept
    assert ax.get_legend_handles_labels()[1] == ["x < -0.5"]
    plt.close(fig)


def test_an_empty_mask_draws_nothing_visible():
    fig, ax = plt.subplots()
    x = np.linspace(0.0, 1.0, 5)
    shade_where(ax, x, np.zeros(5, dtype=bool))
    assert all(len(p.vertices) == 0 for p in ax.collections[-1].get_paths())
    plt.close(fig)
