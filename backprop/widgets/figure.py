"""The widgets' figures: the cost curve beside the decision boundary or the fit (and the gradients).

:class:`TrainingFigure` (the live trainer, the explorer, the player) and
:class:`PlaygroundFigure` (the playgrounds, with a third panel of gradient
sizes) are made of the views of :mod:`backprop.plotting`.  Each owns a
matplotlib ``Figure`` on an Agg canvas (no pyplot, so nothing is shown twice
in a notebook and nothing leaks) and renders it to PNG bytes, which the
widgets put into ``ipywidgets.Image``.  Sizes are chosen for the book's
page: the figure is as wide as the text column (:data:`COLUMN_INCHES` at
:data:`CSS_DPI` CSS pixels per inch), its text is about the size of the body
text, and frames stored in a page are rendered at twice the pixels they are
shown at, so they stay sharp on high-density screens.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from ..canvas import canvas_png
from ..losses import TASKS
from ..plotting import BoundaryView, ClassRegionsView, FitView, LossView, cost_label

__all__ = ["TrainingFigure", "PlaygroundFigure", "draw_frame", "frame_figure", "plane_view",
           "COLUMN_INCHES",
           "CSS_DPI", "FRAME_DPI", "FRAME_COLORS"]

CSS_DPI = 100  # CSS pixels per inch of figure: a figure w inches wide is shown w * 100 px wide
COLUMN_INCHES = 7.0  # the book's text column at a 1280 px window is a little wider than 700 px
FRAME_DPI = 2 * CSS_DPI  # stored frames: two device pixels per CSS pixel (sharp on HiDPI screens)
FONT_SIZE = 10.5  # points; at CSS_DPI about 14.6 px, next to the body text's 16 px
FRAME_COLORS = 32  # palette size of stored frames: small files, smooth enough fields


def plane_view(ax, X, y, classes, **kw):
    """The picture of points in the plane: the yhat field of a sigmoid output
    (``classes=None``) or the class regions of a softmax output of ``classes`` units."""
    if classes is None:
        return BoundaryView(ax, X, y, **kw)
    return ClassRegionsView(ax, X, y, classes=classes, **kw)


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
    classes : None for one sigmoid output (the yhat field), else the number
        K of a softmax output's units (the regions coloured by class).

    Notes
    -----
    Attributes: ``fig``, ``canvas``, ``loss`` (:class:`~backprop.plotting.LossView`),
    ``view`` (:class:`~backprop.plotting.BoundaryView` or
    :class:`~backprop.plotting.FitView`), ``title`` and ``message``
    (``Text``), and ``full_draws``, how many times the background was drawn.
    """

    PROBLEMS = TASKS

    def __init__(self, X, y, problem="classification", resolution=60,
                 figsize=(COLUMN_INCHES, 2.9), dpi=CSS_DPI, log=True, fontsize=FONT_SIZE,
                 classes=None):
        if problem not in self.PROBLEMS:
            raise ValueError(f"problem must be one of {self.PROBLEMS}, got {problem!r}")
        self.problem, self.classes = problem, classes
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
            self.view = plane_view(ax_view, X, y, classes, resolution=resolution, fontsize=fs,
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
        elif isinstance(v, ClassRegionsView):
            layers = [v.image, v.points, v.key]
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


class PlaygroundFigure:
    """Three panels: the cost curve, the boundary (or fit), each layer's gradient size.

    Drawn on its own Agg canvas and rendered to PNG bytes (:meth:`to_png`).
    ``points=False`` leaves the data points out (the static playground lays
    them over the frames as one transparent picture per data set, from
    :meth:`points_png`).  ``classes``: None for one sigmoid output (the yhat
    field), else the K units of a softmax output (regions coloured by
    class); ``test``: a boolean mask of the held-out points, drawn hollow.
    """

    def __init__(self, X, y, problem, *, figsize=(7.0, 2.5), dpi=100, fontsize=8.0, resolution=50,
                 points=True, title=True, classes=None, test=None):
        if problem not in TASKS:
            raise ValueError(f"problem must be one of {TASKS}, got {problem!r}")
        self.problem, self.classes = problem, classes
        self.test = None if test is None else np.asarray(test, dtype=bool)
        self.fig = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        fs = float(fontsize)
        ax_loss, ax_view, ax_grad = self.fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 1]})
        w, h = figsize
        top = (2.4 if title else 0.8) * fs
        self.fig.subplots_adjust(left=5.0 * fs / 72 / w, right=1 - 1.6 * fs / 72 / w,
                                 bottom=3.7 * fs / 72 / h, top=1 - top / 72 / h, wspace=0.42)
        self.loss = LossView(ax_loss, log=True, fontsize=fs)
        if self.problem == "classification":
            self.view = plane_view(ax_view, X, y, classes, resolution=resolution, fontsize=fs,
                                   point_size=1.1 * fs)
            if test is not None:
                self.view.set_test(test)
        else:
            self.view = FitView(ax_view, X, y, fontsize=fs, point_size=0.7 * fs)
            self.view.ax.get_legend().remove()
            if test is not None:
                self.view.set_test(test)
        self.view.points.set_visible(points)
        self.grad_ax = ax_grad
        ax_grad.set_yscale("log")
        ax_grad.set_xlabel("epoch", fontsize=fs)
        ax_grad.set_ylabel(r"$\|\mathrm{d}W^{[l]}\|$", fontsize=fs, labelpad=1)
        ax_grad.tick_params(labelsize=fs)
        ax_grad.xaxis.set_major_locator(MaxNLocator(3, integer=True))
        ax_grad.yaxis.set_major_locator(LogLocator(base=10, numticks=4))
        ax_grad.yaxis.set_minor_locator(NullLocator())
        ax_grad.yaxis.set_major_formatter(FuncFormatter(cost_label))
        self.loss.ax.xaxis.set_major_locator(MaxNLocator(3, integer=True))
        self.grad_lines = []
        self.fontsize = fs
        self.title = self.fig.text(0.5, 1 - 0.3 * fs / 72 / h, "", ha="center", va="top",
                                   fontsize=fs + 0.5) if title else None
        self.message = ax_view.text(
            0.5, 0.5, "", transform=ax_view.transAxes, ha="center", va="center", fontsize=fs,
            color="#b00000", visible=False, zorder=5, wrap=True,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#b00000"})

    def _grad_lines(self, L):
        ax = self.grad_ax
        while len(self.grad_lines) > L:
            self.grad_lines.pop().remove()
        while len(self.grad_lines) < L:
            l = len(self.grad_lines) + 1
            (line,) = ax.plot([], [], lw=1.2, color=f"C{(l - 1) % 10}", label=f"l = {l}")
            self.grad_lines.append(line)
        leg = ax.get_legend()
        if leg is not None:
            leg.remove()
        ax.legend(handles=self.grad_lines, fontsize=self.fontsize, frameon=False,
                  handlelength=1.0, labelspacing=0.2, borderaxespad=0.2, loc="best")

    def update(self, result, epoch=None, title=None, message=None, epochs=None):
        """Draw the run ``result`` (a :class:`~backprop.runs.Run`) up to ``epoch`` (default: its end).

        With ``message``, the right panel shows it instead of the network's prediction.

        ``epochs`` is the cost axis' length (default: the run's epochs).
        """
        if result is None:
            self.loss.update([], epochs or 1)
            self.view.set_visible(False)
            for line in self.grad_lines:
                line.set_data([], [])
        else:
            epochs = epochs or result.epochs
            e = len(result.losses) if epoch is None else min(epoch, len(result.losses))
            J = result.losses_until(e)
            self.loss.update(J, epochs, result.test_losses_until(e))
            net = result.nets.get(e, result.net if epoch is None else None)
            if net is not None and message is None:
                self.view.update(net)
            else:
                self.view.set_visible(False)
            self._grad_lines(result.grad_sizes.shape[1])
            upto = result.grad_epochs <= e
            ge, gs = result.grad_epochs[upto], result.grad_sizes[upto]
            for l, line in enumerate(self.grad_lines):
                line.set_data(ge, gs[:, l] if len(gs) else [])
                line.set_marker("o" if len(ge) == 1 else "None")  # one point is no line
                line.set_markersize(2.5)
            self.grad_ax.set_xlim(0, max(epochs, 1))
            finite = result.grad_sizes[np.isfinite(result.grad_sizes) & (result.grad_sizes > 0)]
            if finite.size:
                lo = 10.0 ** math.floor(math.log10(finite.min()))
                hi = 10.0 ** math.ceil(math.log10(finite.max()))
                self.grad_ax.set_ylim(lo, max(hi, 10 * lo))
        self.message.set_visible(message is not None)
        self.message.set_text(message or "")
        if title is not None and self.title is not None:
            self.title.set_text(title)
        return self

    def to_png(self, compress_level=1, colors=None, transparent=False):
        """The figure as PNG bytes (``colors``: a palette of that many colours)."""
        if transparent:
            self.fig.patch.set_alpha(0)
        self.canvas.draw()
        return canvas_png(self.canvas, compress_level, colors, transparent)

    def points_png(self, colors=16):
        """Only the data points, on a transparent background (laid over the frames).

        Changes this figure: use a figure made for the purpose.
        """
        for ax in self.fig.axes:
            ax.set_axis_off()
            for artist in [*ax.lines, *ax.images, *ax.texts]:
                artist.set_visible(False)
            if ax.get_legend() is not None:
                ax.get_legend().set_visible(False)
        if self.title is not None:
            self.title.set_visible(False)
        self.view.points.set_visible(True)
        return self.to_png(compress_level=9, colors=colors, transparent=True)


def frame_figure(X, y, problem, classes=None):
    """A figure for stored frames: the text column's width, rendered at 2x (``classes``: as
    :class:`TrainingFigure`)."""
    return TrainingFigure(X, y, problem=problem, dpi=FRAME_DPI, classes=classes)


def draw_frame(fig, run, label, x_max, with_verdict=True):
    """One stored frame: PNG bytes of ``run`` drawn on ``fig`` with the title ``label: ...``."""
    title = f"{label}: {run.summary(with_verdict)}"
    if run.diverged_at is None:
        # J at epochs 0, 1, ..., e: the curve ends at the title's J (after the last update),
        # and the frame of epoch 0 shows its one point.
        fig.update(run.net, np.append(run.losses, run.J), epochs=x_max, title=title)
    else:
        fig.update(None, run.losses, epochs=x_max, title=title,
                   message=f"diverged at epoch {run.diverged_at}\ntry a smaller learning rate")
    return fig.to_png(compress_level=9, colors=FRAME_COLORS)
