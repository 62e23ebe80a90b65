"""The smallest text of a figure, recorded in its PNG (issue 18), and the graph pictures' sizes.

The browser test (tests/test_browser.py::test_text_in_images_is_readable) reads the
record and multiplies it by the scale each image is shown at; here the record is held
to the font sizes the test itself sets, and the graph pictures of the chapters to the
book's 688-pixel column.
"""

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

import backprop as bp  # noqa: E402
from backprop.canvas import MIN_TEXT_KEY, book_figures, canvas_png, figure_png  # noqa: E402
from backprop.graph_numbers import graph_with_numbers  # noqa: E402

COLUMN_PX = 688  # the book's text column at a 1280-pixel window (measured in the browser)


def _record(png):
    return Image.open(io.BytesIO(png)).text[MIN_TEXT_KEY]


def test_figure_png_records_the_smallest_font_in_pixels():
    fig, (ax, hidden) = plt.subplots(1, 2, figsize=(4, 2), dpi=100)
    ax.plot([0, 1])
    ax.tick_params(labelsize=11)
    ax.set_title("title", fontsize=14)
    fig.text(0.5, 0.05, "note", fontsize=7.2)  # 7.2 pt = 10 px at 100 dpi
    fig.text(0.5, 0.5, "", fontsize=2)  # empty: not text a reader sees
    hidden.set_title("hidden", fontsize=3)
    hidden.set_visible(False)
    assert _record(figure_png(fig)) == "10.00"
    assert _record(figure_png(fig, dpi=200)) == "20.00"  # the pixels of the PNG made
    plt.close(fig)


def test_canvas_png_records_it_at_the_figures_dpi():
    fig, ax = plt.subplots(figsize=(3, 2), dpi=150)
    ax.plot([0, 1])
    ax.tick_params(labelsize=9)  # the smallest: 9 pt at 150 dpi = 18.75 px
    fig.canvas.draw()
    for kwargs in ({}, {"colors": 16}, {"transparent": True}):
        assert _record(canvas_png(fig.canvas, **kwargs)) == "18.75"
    plt.close(fig)


def test_a_figure_without_text_says_so():
    fig = plt.figure(figsize=(1, 1))
    fig.add_artist(plt.Circle((0.5, 0.5), 0.2))
    assert _record(figure_png(fig)) == "none"
    plt.close(fig)


def test_book_figures_makes_ipython_show_figures_with_the_record():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        fig, ax = plt.subplots(figsize=(2, 2), dpi=100)
        ax.plot([0, 1])
        ax.tick_params(labelsize=8.64)  # 12 px
        before, _ = shell.display_formatter.format(fig)
        assert "image/png" not in before  # the Agg backend registers no PNG of a figure
        book_figures()
        data, _ = shell.display_formatter.format(fig)
        assert _record(base64.b64decode(data["image/png"])) == "12.00"
        plt.close(fig)
    finally:
        InteractiveShell.clear_instance()


# The graph pictures of the chapters, as they draw them (chapter 1 on its own 6.7 in figure).
CHAPTER_GRAPHS = {
    "ch01": lambda: bp.plotting.computational_graph(
        [2, 1], ["sigmoid"], "bce", wrt="w_1",
        ax=plt.figure(figsize=(6.7, 3.7)).add_axes([0, 0, 1, 1])),
    "ch02 unit": lambda: bp.plotting.computational_graph(
        [1, 1, 1], ["sigmoid", "identity"], "mse", wrt="w[1]"),
    "ch02 layer": lambda: bp.plotting.computational_graph(
        [1, 3, 1], ["sigmoid", "identity"], "mse", level="layer", wrt="W[1]"),
    "ch03 unit": lambda: bp.plotting.computational_graph(
        [2, 2, 1], ["relu", "sigmoid"], "bce", wrt="w[1]_11"),
    "ch03 layer": lambda: bp.plotting.computational_graph(
        [3, 4, 1], ["relu", "sigmoid"], "bce", level="layer", wrt="W[1]"),
    "ch04": lambda: bp.plotting.computational_graph(
        [2, 3, 2, 1], ["sigmoid"] * 3, "bce", level="layer", wrt="W[1]"),
    "ch05": lambda: bp.plotting.computational_graph(
        [2, 3, 3, 1], ["relu", "relu", "sigmoid"], "bce", level="layer", wrt="W[1]"),
    "ch06": lambda: bp.plotting.computational_graph(
        [2, 3, 3, 3, 1], ["relu", "tanh", "relu", "sigmoid"], "bce", level="layer", wrt="W[1]"),
    "ch08": lambda: bp.plotting.computational_graph(
        [2, 2, 3], ["relu", "softmax"], "cross_entropy", wrt="w[2]_11"),
    "ch09": lambda: graph_with_numbers(
        *(lambda n: (n.weights, n.biases, n.activations))(
            bp.MLP([1, 2, 2], ["sigmoid", "sigmoid"], "bce", seed=0)),
        "bce", [0.5], [1.0, 0.0]).drawing,
}


@pytest.mark.parametrize("name", CHAPTER_GRAPHS)
def test_graph_labels_are_10_px_in_the_column(name):
    """Shown at most 688 px wide (shrunk if wider), every label is >= 10 px high."""
    drawing = CHAPTER_GRAPHS[name]()
    png = figure_png(drawing.ax.figure)  # as a notebook shows it (bbox tight, 100 dpi)
    natural = Image.open(io.BytesIO(png)).size[0]
    smallest = min(t.get_fontsize() for t in drawing.ax.figure.findobj(matplotlib.text.Text)
                   if t.get_visible() and t.get_text().strip()) * 100 / 72
    on_screen = smallest * min(1.0, COLUMN_PX / natural)
    assert on_screen >= 10, f"{name}: {natural} px wide, labels {on_screen:.1f} px on screen"
    plt.close(drawing.ax.figure)
