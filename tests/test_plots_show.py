"""lossbook.plots.show: a PNG with its alternative text in the output metadata, closed, opaque."""

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from lossbook import plots


@pytest.fixture
def shown(monkeypatch):
    calls = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display",
                        lambda *a, **k: calls.append((a, k)))
    return calls


def test_show_displays_png_with_alt_and_closes(shown):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    plots.show(fig, alt="A line falls from 1 to 0:  the loss decreases.\n")
    assert not plt.fignum_exists(fig.number)
    (bundle,), kwargs = shown[0]
    assert kwargs["raw"] is True
    alt = "A line falls from 1 to 0: the loss decreases."
    assert kwargs["metadata"] == {"image/png": {"alt": alt}}
    assert bundle["text/plain"] == alt
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG")
    image = plt.imread(io.BytesIO(png))
    assert image.shape[2] == 3 or (image[..., 3] == 1).all()  # opaque: no transparent pixel


def test_show_accepts_an_axes_and_the_current_figure(shown):
    _, ax = plt.subplots()
    plots.show(ax, alt="Empty axes.")
    plt.figure()
    plots.show(alt="An empty figure.")
    assert len(shown) == 2 and not plt.get_fignums()


@pytest.mark.parametrize("alt", ["", "   ", None])
def test_show_refuses_a_figure_without_alt(alt, shown):
    fig = plt.figure()
    with pytest.raises(ValueError, match="needs alt"):
        plots.show(fig, alt=alt)
    plt.close(fig)
    assert not shown


def test_figures_are_opaque_for_dark_themes():
    assert matplotlib.colors.to_rgba(matplotlib.rcParams["figure.facecolor"])[3] == 1
    assert matplotlib.colors.to_rgba(matplotlib.rcParams["savefig.facecolor"])[3] == 1
