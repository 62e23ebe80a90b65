"""The figure every widget draws: the cost curve beside the decision boundary or the fit.

:class:`TrainingFigure` owns a matplotlib ``Figure`` on an Agg canvas (no
pyplot, so nothing is shown twice in a notebook and nothing leaks) and renders
it to PNG bytes, which the widgets put into ``ipywidgets.Image``.  Sizes are
chosen for the book's page: the figure is as wide as the text column
(:data:`COLUMN_INCHES` at :data:`CSS_DPI` CSS pixels per inch), its text is
about the size of the body text, and frames stored in a page are rendered at
twice the pixels they are shown at, so they stay sharp on high-density
screens.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..plotting import BoundaryView, FitView, LossView

__all__ = ["TrainingFigure", "COLUMN_INCHES", "CSS_DPI", "FRAME_DPI"]

CSS_DPI = 100  # CSS pixels per inch of figure: a figure w inches wide is shown w * 100 px wide
COLUMN_INCHES = 7.0  # the book's text column at a 1280 px window is a little wider than 700 px
FRAME_DPI = 2 * CSS_DPI  # stored frames: two device pixels per CSS pixel (sharp on HiDPI screens)
FONT_SIZE = 10.5  # points; at CSS_DPI about 14.6 px, next to the body text's 16 px


def canvas_png(canvas, compress_level=1, colors=None, transparent=False):
    """What an Agg canvas shows, as PNG bytes (drawn before: this does not draw).

    ``colors`` quantises to a palette of that many colours (octree, not median cut:
    median cut spends the palette on the large field and maps the few pixels of one
    class's points to a dull neighbour).  ``transparent`` keeps the alpha channel.
    """
    from PIL import Image

    w, h = canvas.get_width_height()
    img = Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    if not transparent:
        img = img.convert("RGB")
    if colors is not None:
        img = img.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    img.save(buf, format="png", compress_level=compress_level, optimize=colors is not None)
    return buf.getvalue()


class TrainingFigure:
    """A two-panel figure for following training: cost curve | boundary or fit.

    :meth:`update` changes the artists' data; :meth:`to_png` renders PNG
    bytes.  Rendering is blitted: axes, ticks and labels are drawn once into a
    cached background, which is redrawn only when the cost axis' limits
    change; each frame then draws just the artists that change (curve, field,
    boundary, points, title, message).

    Parameters
    ----------
    X, y : the training data; X (m, 2) for ``problem="classification"``,
        X (m, 1) for ``problem="regression"``.
    problem : {"classification", "regression"}
    resolution : grid size of the probability field (classification).
    figsize, dpi : the figure's size in inches and its resolution; pixels =
        figsize * dpi.  The default width is the book's text column.
    log : logarithmic cost axis.
    fontsize : points, for ticks and labels (the title is one point larger).

    Notes
    -----
    Attributes: ``fig``, ``canvas``, ``loss`` (:class:`~backprop.plotting.LossView`),
    ``view`` (:class:`~backprop.plotting.BoundaryView` or
    :class:`~backprop.plotting.FitView`), ``title`` and ``message``
    (``Text``), and ``full_draws``, how many times the background was drawn.
    """

    PROBLEMS = ("classification", "regression")

    def __init__(self, X, y, problem="classification", resolution=60,
                 figsize=(COLUMN_INCHES, 2.9), dpi=CSS_DPI, log=True, fontsize=FONT_SIZE):
        if problem not in self.PROBLEMS:
            raise ValueError(f"problem must be one of {self.PROBLEMS}, got {problem!r}")
        self.problem = problem
        self.fig = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        ax_loss, ax_view = self.fig.subplots(1, 2)
        # margins in points, proportional to the font, so the labels fit at any size and dpi
        w, h = figsize
        fs = float(fontsize)
        left, right, bottom, top = 5.0 * fs, 0.8 * fs, 3.3 * fs, 2.4 * fs
        gap = (2.5 if problem == "classification" else 5.5) * fs
        panel = (w * 72 - left - right - gap) / 2
        self.fig.subplots_adjust(left=left / 72 / w, right=1 - right / 72 / w,
                                 bottom=bottom / 72 / h, top=1 - top / 72 / h,
                                 wspace=gap / panel)
        self.loss = LossView(ax_loss, log=log, fontsize=fs)
        if problem == "classification":
            self.view = BoundaryView(ax_view, X, y, resolution=resolution, fontsize=fs,
                                     point_size=1.6 * fs)
        else:
            self.view = FitView(ax_view, X, y, fontsize=fs, point_size=0.9 * fs)
        # an Axes child, not a suptitle: savefig skips animated Figure-level artists
        self.title = ax_loss.text(0.5, 1 - 0.4 * fs / 72 / h, "", transform=self.fig.transFigure,
                                  ha="center", va="top", fontsize=fs + 1, clip_on=False)
        self.message = ax_view.text(
            0.5, 0.5, "", transform=ax_view.transAxes, ha="center", va="center",
            fontsize=fs + 1, color="#b00000", visible=False, zorder=5,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#b00000"},
        )
        self._background, self._background_key = None, None
        self.full_draws = 0
        for a in self._dynamic_artists():
            a.set_animated(True)

    def __repr__(self):
        return f"TrainingFigure(problem={self.problem!r})"

    @property
    def leaves_plot(self):
        """True if the last fit drawn (regression) goes beyond the plot's y range."""
        return bool(getattr(self.view, "outside", False)) and self.view.line.get_visible()

    def _dynamic_artists(self):
        """The artists drawn on every frame, bottom to top."""
        v, ax = self.view, self.view.ax
        if isinstance(v, BoundaryView):
            layers = [v.image, v.points, v.boundary]
        else:
            layers = [v.points, v.line, ax.get_legend()]
        layers += list(ax.spines.values())  # the field would hide the frame
        layers.append(self.message)
        layers.sort(key=lambda a: a.get_zorder())  # the order of a full draw
        return [self.loss.line, self.title, *layers]

    def update(self, net, losses, *, epochs=None, title=None, message=None):
        """Show ``losses`` (x axis up to ``epochs``) and ``net``'s boundary or fit.

        With ``message`` (e.g. "diverged at epoch 37") the right panel shows
        that text instead of the network's prediction.  Returns ``self``.
        """
        self.loss.update(losses, epochs)
        if message is None:
            self.view.update(net)
            self.message.set_visible(False)
        else:
            self.view.set_visible(False)
            self.message.set_text(message)
            self.message.set_visible(True)
        if title is not None:
            self.title.set_text(title)
        return self

    def render(self):
        """Draw the figure on the Agg canvas (blitting when the background is still valid)."""
        ax = self.loss.ax
        key = (ax.get_xlim(), ax.get_ylim())
        if self._background is None or key != self._background_key:
            self.canvas.draw()  # everything but the animated (dynamic) artists
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._background_key = key
            self.full_draws += 1
        else:
            self.canvas.restore_region(self._background)
        for a in self._dynamic_artists():
            if a.get_visible():
                self.fig.draw_artist(a)

    def to_png(self, compress_level=1, colors=None):
        """The figure as PNG bytes.

        ``compress_level`` (0-9) trades size for speed (1: fast, for live
        updates).  ``colors`` (e.g. 32) quantises to a palette: several times
        smaller files, for frames stored in a page.
        """
        self.render()
        return canvas_png(self.canvas, compress_level, colors)

    def _repr_png_(self):
        return self.to_png(compress_level=6)

