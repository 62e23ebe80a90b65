"""A play button that steps through the backward pass of one example, node by node (static pages)."""

from __future__ import annotations

import functools

import ipywidgets as widgets

from ..canvas import canvas_png
from ..graph_numbers import graph_with_numbers
from .figure import CSS_DPI, FRAME_COLORS, FRAME_DPI
from .pieces import deck, frame_player

__all__ = ["BackwardPlayer", "backward_player"]

_CAPTION_IN = 0.32  # inches above the graph for the caption


def _frame(weights, biases, activations, loss, x, y, steps):
    """One frame: PNG bytes of the graph with numbers after ``steps`` steps, and its caption."""
    import matplotlib.pyplot as plt  # matplotlib only when frames are drawn

    shown = graph_with_numbers(weights, biases, activations, loss, x, y, steps=steps)
    fig = shown.drawing.ax.figure
    w, h = fig.get_size_inches()
    fig.set_size_inches(w, h + _CAPTION_IN)
    shown.drawing.ax.set_position((0, 0, 1, h / (h + _CAPTION_IN)))
    n = len(shown.order)
    if shown.current is None:
        caption = f"step 0 of {n}: the forward pass has left its values; no adjoint yet"
    else:
        label = shown.drawing.labels[shown.current]
        adjoint = f"{shown.adjoints[shown.current]:.3g}"
        if shown.drawing.kinds[shown.current] in ("var", "loss"):
            caption = f"step {steps} of {n}: {label} passes its adjoint {adjoint} to its inputs"
        else:
            caption = f"step {steps} of {n}: {label} has its adjoint {adjoint} (nothing feeds it)"
    fig.text(0.01, 1 - 0.5 * _CAPTION_IN / (h + _CAPTION_IN), caption, ha="left", va="center",
             fontsize=11)
    fig.set_dpi(FRAME_DPI)
    fig.canvas.draw()
    png = canvas_png(fig.canvas, compress_level=9, colors=FRAME_COLORS)
    plt.close(fig)
    return png, caption, fig, shown


class BackwardPlayer(widgets.VBox):
    """The widget of :func:`backward_player`: a Play button, a slider and a deck of frames.

    Attributes
    ----------
    play : ipywidgets.Play
    slider : ipywidgets.SelectionSlider
        Its ``index`` is the number of backward steps shown.
    stack : the deck of frames (an ``ipywidgets.Tab`` with its tab bar hidden).
    links : the two ``jslink`` widgets (play value -> slider index -> stack index).
    readout_links : the ``jslink`` of each slider's ``index`` to its readout (a deck of
        Labels beside it, ``pieces.frame_slider``).
    order : list of str
        The drawn nodes in the order the backward pass reaches them.
    captions : list of str
        The caption of each frame.
    adjoints : dict
        ``{node name: adjoint}`` after the whole backward pass.
    frame_bytes : total size of the PNG frames.
    """

    def __init__(self, weights, biases, activations, loss, x, y, *, interval=900):
        pngs, self.captions, fig = [], [], None
        steps, n = 0, None
        while n is None or steps <= n:
            png, caption, fig, shown = _frame(weights, biases, activations, loss, x, y, steps)
            pngs.append(png)
            self.captions.append(caption)
            n = len(shown.order)
            steps += 1
        self.order, self.adjoints = shown.order, shown.adjoints
        self.frame_bytes = sum(len(p) for p in pngs)
        layout = {"width": "100%", "height": "auto",  # shown at its CSS size, half its pixels
                  "max_width": f"{round(fig.get_figwidth() * CSS_DPI)}px"}
        self.stack = deck([widgets.Image(value=p, format="png", layout=widgets.Layout(**layout))
                           for p in pngs], selected_index=0)
        shown = frame_player(self.stack, range(len(pngs)), "backward steps", interval)
        self.play, self.slider, self.links, self.readout_links = shown[:4]
        super().__init__(shown.children)

    def __repr__(self):
        return f"BackwardPlayer(frames={len(self.captions)})"


@functools.wraps(BackwardPlayer, assigned=("__module__",), updated=())
def backward_player(weights, biases, activations, loss, x, y, **settings):
    """A Play button that steps through one example's backward pass, node by node (no kernel needed).

    Frame k is :func:`backprop.graph_numbers.graph_with_numbers` after k steps
    of the backward pass of :mod:`backprop.autodiff` (frame 0: the forward
    values alone), with a caption naming the node that has just passed on its
    adjoint.  The Play button is ``jslink``-ed to a slider over the steps and
    the slider to a deck of the frames, so the browser plays them by itself
    on a static page.  ``interval`` is milliseconds per frame.  Returns a
    :class:`BackwardPlayer`.
    """
    return BackwardPlayer(weights, biases, activations, loss, x, y, **settings)
