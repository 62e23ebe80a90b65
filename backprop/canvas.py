"""The matplotlib helpers every figure of the package shares.

:func:`axes` is where a plotting function draws (the ``ax`` it was given, or a
new pyplot figure's); :func:`canvas_png` turns what an Agg canvas shows into
PNG bytes, which the widgets put into ``ipywidgets.Image``.  The figures
(:mod:`backprop.plotting`, :mod:`backprop.graph_drawing`) and the widgets'
figures (:mod:`backprop.widgets.figure`) import these; this module imports
nothing of theirs.
"""

from __future__ import annotations

import io

import matplotlib.axes

__all__ = ["axes", "canvas_png"]


def axes(ax, figsize=(5, 3.2)):
    """``ax`` if it is a matplotlib Axes; a new pyplot figure's Axes for None; else a TypeError."""
    if ax is None:
        import matplotlib.pyplot as plt  # pyplot only when asked for a new figure: the widgets use Agg

        _, ax = plt.subplots(figsize=figsize)
    elif not isinstance(ax, matplotlib.axes.Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


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
    buf = io.BytesIO()
    img.save(buf, format="png", compress_level=compress_level, optimize=colors is not None)
    return buf.getvalue()
