"""Plotting helpers for the notebooks, so that cells show the idea, not the boilerplate.

Colours are the Okabe-Ito palette, which stays distinguishable under the common forms of
colour blindness. Every helper returns the matplotlib Axes it drew on; the notebook cell
ends with ``plt.show()``. Imported only by notebooks: ``import lossbook`` does not load
matplotlib.
"""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["COLORS", "plot_data", "plot_history"]

# Okabe & Ito (2008), "Color Universal Design".
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}


def _axes(ax, figsize=(6, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_history(history, ax=None, label=None, title=None, logy=False, color=None):
    """Plot the loss J at every step of an optimiser (step 0 is the starting point)."""
    ax = _axes(ax)
    history = np.asarray(history)
    ax.plot(np.arange(len(history)), history, color=color or COLORS["blue"], label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss J(θ) (nats per sample)")
    if title:
        ax.set_title(title)
    if label:
        ax.legend()
    return ax


def plot_data(X, y, ax=None, title=None):
    """Scatter the two features of X (columns 1 and 2; column 0 is the intercept) by label."""
    ax = _axes(ax, figsize=(5, 5))
    X = np.asarray(X)
    y = np.asarray(y).astype(bool)
    ax.scatter(X[~y, 1], X[~y, 2], marker="o", color=COLORS["blue"], label="y = 0", s=25)
    ax.scatter(X[y, 1], X[y, 2], marker="^", color=COLORS["orange"], label="y = 1", s=25)
    ax.set_xlabel("feature $x_1$")
    ax.set_ylabel("feature $x_2$")
    ax.legend(loc="best")
    if title:
        ax.set_title(title)
    return ax
