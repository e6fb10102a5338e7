"""Plotting helpers for the notebooks, so that cells show the idea, not the boilerplate.

Colours are the Okabe-Ito palette, which stays distinguishable under the common forms of
colour blindness. Every helper returns the matplotlib Axes it drew on; the notebook cell
ends with ``show(fig, alt="...")``, which displays the figure with its alternative text (for
screen readers, in the handouts and slides) and an opaque white background (legible in a
dark theme). Imported only by notebooks: ``import lossbook`` does not load matplotlib.
"""

import base64
import io

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

# Opaque figures: JupyterLab's dark theme would show a transparent figure's black axes and
# labels on a near-black page (the inline backend makes figures transparent by default).
_OPAQUE = {"figure.facecolor": "white", "savefig.facecolor": "white",
           "axes.facecolor": "white", "savefig.transparent": False}
mpl.rcParams.update(_OPAQUE)

__all__ = [
    "COLORS",
    "plot_boundary",
    "plot_calibration",
    "plot_contours",
    "plot_data",
    "plot_history",
    "plot_path",
    "shade_where",
    "show",
]

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


def plot_boundary(theta, ax=None, p=0.5, label=None, color=None, linestyle="-"):
    r"""Draw the line where the model predicts probability p, on a plot of two features.

    With :math:`z = \theta_0 + \theta_1 x_1 + \theta_2 x_2`, :math:`\sigma(z) = p` exactly
    where :math:`z = \log\frac{p}{1-p}`; for the default p = 0.5 that is the decision
    boundary :math:`\theta^\top x = 0` (notebook 01). The line spans the axes' current
    x-range (draw the data first), and the axis limits are kept.
    """
    from .stable import logit

    ax = _axes(ax, figsize=(5, 5))
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (3,):
        raise ValueError(f"theta must be (intercept, theta_1, theta_2), got shape {theta.shape}")
    level = float(logit(p))
    if not np.isfinite(level):
        raise ValueError(f"p must lie strictly between 0 and 1, got {p!r}")
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    t0, t1, t2 = theta
    style = dict(color=color or COLORS["black"], linestyle=linestyle, label=label)
    if t2 != 0:
        x1 = np.array(xlim)
        ax.plot(x1, (level - t0 - t1 * x1) / t2, **style)
    elif t1 != 0:
        ax.plot([(level - t0) / t1] * 2, ylim, **style)
    else:
        raise ValueError("theta_1 = theta_2 = 0: the prediction does not depend on x, no line")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    if label:
        ax.legend(loc="best")
    return ax


def shade_where(ax, x, mask, label=None, color=None, alpha=0.2):
    """Shade the vertical bands of ax over the x where mask is True, from bottom to top.

    For marking a region of the horizontal axis, e.g. where a second derivative is negative
    (notebook 03). x must be sorted; the band is drawn between neighbouring x that are both
    in the mask.
    """
    ax.fill_between(np.asarray(x), 0, 1, where=np.asarray(mask, dtype=bool),
                    transform=ax.get_xaxis_transform(), color=color or COLORS["vermillion"],
                    alpha=alpha, linewidth=0, label=label)
    return ax


def plot_contours(f, xlim, ylim, ax=None, levels=12, n=81, labels=("θ₁", "θ₂"), title=None):
    r"""Contour lines of a function of two parameters, such as J over a 2-parameter slice.

    f takes a parameter vector ``np.array([a, b])`` and returns a number (e.g.
    ``lambda t: loss(t, X, y)`` for a 2-column X); it is evaluated on an n x n grid over
    xlim x ylim. An int ``levels`` gives that many lines spaced geometrically above the
    grid's minimum (dense near the bottom of a valley, sparse up its walls); an array gives
    the levels themselves. The contour lines are labelled with their values (notebook 06).
    """
    ax = _axes(ax, figsize=(5.5, 5))
    a = np.linspace(*xlim, n)
    b = np.linspace(*ylim, n)
    values = np.array([[f(np.array([ai, bj])) for ai in a] for bj in b], dtype=float)
    if np.ndim(levels) == 0:
        low, high = values.min(), values.max()
        levels = low + (high - low) * np.geomspace(2e-3, 1, int(levels))
    lines = ax.contour(a, b, values, levels=levels, colors=COLORS["black"], linewidths=0.7,
                       alpha=0.6)
    ax.clabel(lines, fontsize=7, fmt="%.3g")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    if title:
        ax.set_title(title)
    return ax


def plot_path(path, ax=None, label=None, color=None, marker="o"):
    """Draw an optimiser's path through two parameters: a line through its iterates.

    path is a (k, 2) array of iterates, first row the start. Each iterate is marked while
    there are at most 60 of them (so a single step stays visible); the start is a hollow
    circle and the end a filled marker (notebook 06).
    """
    ax = _axes(ax, figsize=(5.5, 5))
    path = np.asarray(path, dtype=float)
    if path.ndim != 2 or path.shape[1] != 2 or len(path) == 0:
        raise ValueError(f"path must be a (k, 2) array of iterates, got shape {path.shape}")
    color = color or COLORS["vermillion"]
    ax.plot(path[:, 0], path[:, 1], color=color, linewidth=1.5, label=label,
            marker=marker if len(path) <= 60 else None, markersize=3)
    ax.plot(*path[0], marker="o", markersize=7, markerfacecolor="none", color=color)
    ax.plot(*path[-1], marker=marker, markersize=7, color=color)
    if label:
        ax.legend(loc="best")
    return ax


def plot_calibration(p, y, n_bins=10, ax=None, label=None, color=None, marker="o", title=None):
    """A reliability diagram: observed frequency of y = 1 against the predicted probability.

    The predictions p are cut into ``n_bins`` equal-width bins (see
    :func:`lossbook.inference.calibration_curve`); each non-empty bin is a marker at (mean
    predicted probability, fraction of 1s), with a bar of ±2 binomial standard errors,
    :math:`2\\sqrt{\\bar p(1-\\bar p)/n}`, the spread a calibrated model would show. The
    dashed diagonal is perfect calibration: markers whose bars cross it are consistent
    with it (notebook 09). Call it once per model on the same ax to compare models.
    """
    from .inference import calibration_curve

    ax = _axes(ax, figsize=(5, 5))
    mean_predicted, observed, count = calibration_curve(p, y, n_bins)
    ax.plot([0, 1], [0, 1], linestyle="--", color=COLORS["black"], linewidth=0.8, alpha=0.6)
    bar = 2 * np.sqrt(mean_predicted * (1 - mean_predicted) / count)
    ax.errorbar(mean_predicted, observed, yerr=bar, color=color or COLORS["blue"],
                marker=marker, markersize=5, linewidth=1.2, capsize=2, label=label)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel("predicted probability that y = 1 (bin mean)")
    ax.set_ylabel("observed fraction of y = 1 in the bin")
    if title:
        ax.set_title(title)
    if label:
        ax.legend(loc="upper left")
    return ax


def show(fig=None, *, alt):
    """Display a figure as a PNG whose output carries its alternative text, then close it.

    ``alt`` says in one or two sentences what the figure shows and what it finds (not its
    title again), e.g. "The loss falls steeply for 50 steps, then creeps: after 1000 steps
    it is still 60 times its minimum." It goes into the output's metadata
    (``metadata["image/png"]["alt"]``), from which the handouts and slides write ``<img
    alt>`` (tools/build_site.py refuses a figure without one), and is the output's
    ``text/plain``, what a text-only front end (and nbval) sees. The figure is drawn on an
    opaque white background and closed, so the cell shows it once. ``fig`` defaults to the
    current figure; an Axes is accepted for its figure. Returns None (the last line of a
    cell shows nothing else).
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("show() needs alt: one or two sentences on what the figure shows "
                         "and finds, for readers who cannot see it")
    if fig is None:
        fig = plt.gcf()
    fig = getattr(fig, "figure", fig)  # an Axes -> its figure
    from IPython.display import display

    buffer = io.BytesIO()
    with mpl.rc_context(_OPAQUE):
        fig.savefig(buffer, format="png", bbox_inches="tight", facecolor="white")
    plt.close(fig)
    alt = " ".join(alt.split())
    display({"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
             "text/plain": alt},
            raw=True, metadata={"image/png": {"alt": alt}})
