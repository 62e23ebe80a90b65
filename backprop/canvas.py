"""The matplotlib helpers every figure of the package shares.

:func:`axes` is where a plotting function draws (the ``ax`` it was given, or a
new pyplot figure's); :func:`canvas_png` turns what an Agg canvas shows into
PNG bytes, which the widgets put into ``ipywidgets.Image``;
:func:`figure_png` is how a notebook's figure becomes its PNG output
(:func:`book_figures` makes ``display(fig)`` and ``plt.show()`` use it).
Both write into the PNG, as a ``tEXt`` chunk under :data:`MIN_TEXT_KEY`,
the height in pixels of the smallest text the figure holds (its smallest
font size times dpi / 72), which the browser test multiplies by the scale an
image is shown at.  The figures
(:mod:`backprop.plotting`, :mod:`backprop.graph_drawing`) and the widgets'
figures (:mod:`backprop.widgets.figure`) import these; this module imports
nothing of theirs.
"""

from __future__ import annotations

import base64
import importlib
import io

import matplotlib.axes

__all__ = ["axes", "canvas_png", "figure_png", "min_text_px", "book_figures", "MIN_TEXT_KEY"]

MIN_TEXT_KEY = "backprop:min-text-px"  # the PNG's tEXt chunk: the smallest text, in its pixels


def axes(ax, figsize=(5, 3.2)):
    """``ax`` if it is a matplotlib Axes; a new pyplot figure's Axes for None; else a TypeError."""
    if ax is None:
        import matplotlib.pyplot as plt  # pyplot only when asked for a new figure: the widgets use Agg

        _, ax = plt.subplots(figsize=figsize)
    elif not isinstance(ax, matplotlib.axes.Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def min_text_px(fig, dpi=None):
    """The smallest font among ``fig``'s visible, non-empty texts, in pixels at ``dpi``.

    Font size in points times dpi / 72 (the figure's own dpi for None).  Draw the
    figure first: tick labels exist only once it has been drawn.  None if the
    figure holds no text.
    """
    from matplotlib.text import Text  # matplotlib: this floor's library

    dpi = fig.dpi if dpi is None else dpi
    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and _shown(t)]
    return min(sizes) * dpi / 72 if sizes else None


def _shown(t):
    """Whether a Text is drawn: its Axes, if any, is visible."""
    return t.axes is None or t.axes.get_visible()


def _text_chunk(px):
    return {MIN_TEXT_KEY: "none" if px is None else f"{px:.2f}"}


def figure_png(fig, dpi=None, bbox_inches="tight"):
    """PNG bytes of ``fig`` as a notebook shows it, with :data:`MIN_TEXT_KEY` written in.

    ``bbox_inches="tight"`` as matplotlib's inline backend; ``dpi`` the figure's own
    for None.  The smallest text is measured on the figure just drawn at that dpi.
    """
    dpi = fig.dpi if dpi is None else dpi
    fig.canvas.draw()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches=bbox_inches,
                metadata=_text_chunk(min_text_px(fig, dpi)), facecolor="white")
    return buf.getvalue()


def book_figures():
    """In IPython, show every matplotlib figure through ``canvas.figure_png``; elsewhere nothing.

    Loads the inline backend first (which registers its own PNG formatter when it
    loads), then puts ``figure_png`` in its place for ``image/png``.
    """
    try:
        from IPython import get_ipython  # IPython: only inside a kernel is there a formatter
    except ImportError:
        return
    ip = get_ipython()
    if ip is None:
        return
    import matplotlib  # matplotlib: this floor's library
    from matplotlib.figure import Figure  # matplotlib: this floor's library

    backend = matplotlib.get_backend()
    if backend.startswith("module://"):  # loading the inline backend registers its formatter
        importlib.import_module(backend[len("module://"):])  # now, so that ours replaces it
    formatter = ip.display_formatter.formatters["image/png"]
    formatter.for_type(Figure, lambda fig: base64.b64encode(figure_png(fig)).decode("ascii"))


def canvas_png(canvas, compress_level=1, colors=None, transparent=False):
    """What an Agg canvas shows, as PNG bytes (drawn before: this does not draw).

    ``colors`` quantises to a palette of that many colours (octree, not median cut:
    median cut spends the palette on the large field and maps the few pixels of one
    class's points to a dull neighbour).  ``transparent`` keeps the alpha channel.
    """
    from PIL import Image  # Pillow comes with matplotlib; loaded only when a PNG is asked for

    w, h = canvas.get_width_height()
    img = Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    if not transparent:
        img = img.convert("RGB")
    if colors is not None:
        img = img.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    from PIL.PngImagePlugin import PngInfo  # Pillow, as above

    info = PngInfo()
    for key, value in _text_chunk(min_text_px(canvas.figure)).items():
        info.add_text(key, value)
    buf = io.BytesIO()
    img.save(buf, format="png", compress_level=compress_level, optimize=colors is not None,
             pnginfo=info)
    return buf.getvalue()
