"""Figures for the book: cost curves, gradient sizes, decision boundaries, 1-D fits, networks.

Every function draws on a matplotlib ``Axes`` you may pass in (``ax=None``
creates a new figure with pyplot).  The views returned by
:func:`plot_decision_boundary` and :func:`plot_regression_fit` keep their
artists and have an ``update(net)`` method that changes the artists' data
instead of drawing new ones, so a figure can follow training cheaply (the
widgets' figures, ``backprop.widgets.figure``, are made of them).
:func:`plot_gradient_sizes` plots the size of each layer's ``dZ`` (or ``dW``,
``db``) during training, from the records of ``net.trace``.
:func:`computational_graph` (from :mod:`backprop.graph_drawing`) draws a
network's computational graph.

Colours are fixed (no random choices): class 0 is red, class 1 blue, and the
predicted probability yhat is drawn on the same diverging scale, so the 0.5
level, the decision boundary, is white with a black contour.  Several classes
(:func:`plot_class_regions`, a softmax output) take Okabe and Ito's
colour-blind-safe palette, ``CLASS_PALETTE``, class 0 first.  Held-out (test)
points are drawn hollow.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from contourpy import contour_generator
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from .canvas import axes, book_figures
from .graph_drawing import GraphDrawing, computational_graph
from .network import MLP, History
from .validation import (
    as_float_array,
    check_activation_names,
    check_finite,
    check_positive_int,
    check_sizes,
    check_X,
    check_y,
)

__all__ = [
    "book_figures",
    "BoundaryView",
    "CLASS_PALETTE",
    "ClassRegionsView",
    "FitView",
    "GradientSizes",
    "GraphDrawing",
    "LossView",
    "NetworkDrawing",
    "computational_graph",
    "draw_network",
    "class_region_colours",
    "plot_class_regions",
    "plot_decision_boundary",
    "plot_gradient_sizes",
    "plot_losses",
    "plot_regression_fit",
    "cost_label",
    "set_cost_ylim",
    "style_cost_axes",
]

CMAP = "RdBu"  # red for class 0 / negative weights, blue for class 1 / positive weights
_FIELD_NORM = (-0.7, 1.7)  # paler field than the points, still white at yhat = 0.5
_CLASS_COLORS = ListedColormap(["#c62828", "#1565c0"], name="classes")  # y = 0, y = 1


def _check_net(net, n_0, what):
    if not isinstance(net, MLP):
        raise TypeError(f"net must be a backprop.MLP, got {type(net).__name__}")
    if net.sizes[0] != n_0 or net.sizes[-1] != 1:
        raise ValueError(
            f"{what} needs a network with n_0 = {n_0} input(s) and one output "
            f"unit; this one has sizes {list(net.sizes)}"
        )


# ---------------------------------------------------------------- cost curves
def _curve(item, k):
    """The losses of one History or one 1-D array of costs."""
    if isinstance(item, History):
        return np.asarray(item.losses, dtype=float)
    arr = as_float_array(item, f"losses[{k}]")
    if arr.ndim != 1:
        raise ValueError(
            f"a loss curve must be 1-D (one cost J per epoch); item {k} has shape {arr.shape}"
        )
    return arr


def _curves(histories_or_losses):
    """``(curves, labels_from_keys)`` from a History, an array, a list of them or a dict."""
    obj = histories_or_losses
    if isinstance(obj, dict):
        return [_curve(v, k) for k, v in obj.items()], [str(k) for k in obj]
    if isinstance(obj, History):
        return [_curve(obj, 0)], None
    if isinstance(obj, np.ndarray) or (
        isinstance(obj, (list, tuple)) and all(isinstance(v, numbers.Real) for v in obj)
    ):
        return [_curve(obj, 0)], None
    if isinstance(obj, (list, tuple)):
        return [_curve(v, k) for k, v in enumerate(obj)], None
    raise TypeError(
        "plot_losses needs a History, an array of costs, or a list / dict of them, "
        f"not {type(obj).__name__}"
    )


class LossView:
    """One cost curve J per epoch on ``ax`` (and the held-out cost), updatable with :meth:`update`.

    Attributes: ``ax``, ``line`` (the ``Line2D``), ``test_line`` (the cost
    on held-out data, dashed; empty without), ``log`` (log-scale y axis).
    """

    def __init__(self, ax, log=True, fontsize=None):
        self.ax, self.log = ax, bool(log)
        (self.line,) = ax.plot([], [], color="C0", lw=1.2, ms=3, zorder=3,  # over the frame
                               label="training")
        (self.test_line,) = ax.plot([], [], color="C1", lw=1.2, ms=3, ls="--", zorder=3,
                                    label="test")
        self.fontsize = fontsize
        style_cost_axes(ax, self.log, fontsize)

    def __repr__(self):
        return f"LossView(log={self.log})"

    def update(self, losses, epochs=None, test=None):
        """Show ``losses`` (J per epoch) on an x axis from 0 to ``epochs`` (default: their count).

        ``test``: the cost on held-out data per epoch, drawn dashed beside
        it with a key (None: no held-out curve, no key).
        """
        J = np.asarray(losses, dtype=float)
        self.line.set_data(np.arange(J.size), J)
        self.line.set_marker("o" if J.size == 1 else "None")  # one point is no line
        T = np.empty(0) if test is None else np.asarray(test, dtype=float)
        self.test_line.set_data(np.arange(T.size), T)
        self.test_line.set_marker("o" if T.size == 1 else "None")
        legend = self.ax.get_legend()
        if test is not None and legend is None:
            self.ax.legend(handles=[self.line, self.test_line], fontsize=self.fontsize, frameon=False,
                           handlelength=1.6, labelspacing=0.2, borderaxespad=0.2,
                           loc="upper right")
        elif test is None and legend is not None:
            legend.remove()
        self.ax.set_xlim(0, max(epochs or J.size, 1))
        set_cost_ylim(self.ax, [J, T], self.log)
        return self.line


def style_cost_axes(ax, log=True, fontsize=None):
    """Label ``ax`` "epoch" / "cost J"; on a log scale, plain numbers and no minor ticks."""
    ax.set_xlabel("epoch", fontsize=fontsize)
    ax.set_ylabel("cost $J$", fontsize=fontsize)
    ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
    if log:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, numticks=5))
        ax.yaxis.set_minor_locator(NullLocator())  # minor ticks cost draw time
        ax.yaxis.set_major_formatter(FuncFormatter(cost_label))
    if fontsize is not None:
        ax.tick_params(labelsize=fontsize)


def cost_label(v, _pos=None):
    """Short tick labels for a log axis: 0.01, 0.1, 1, 10, 100, then 1e4, 1e8 (no mathtext: faster)."""
    if v <= 0:
        return ""
    return f"{v:g}" if 1e-3 <= v <= 1e3 else f"1e{round(math.log10(v))}"


def set_cost_ylim(ax, curves, log):
    """y limits that hold every finite cost; whole decades on a log axis."""
    values = np.concatenate([c[np.isfinite(c)] for c in curves]) if curves else np.empty(0)
    if values.size == 0:
        ax.set_ylim(*((0.1, 1.0) if log else (0.0, 1.0)))
    elif log:
        if values.min() <= 0:
            raise ValueError(
                f"a log-scale cost axis needs positive costs, found J = {values.min():g}; "
                "use log=False"
            )
        lo = 10.0 ** math.floor(math.log10(values.min()))
        hi = 10.0 ** math.ceil(math.log10(values.max()))
        hi = min(max(hi, 10 * lo), 1e12 * lo)  # a diverging run leaves through the top
        ax.set_ylim(lo, hi)
    else:
        hi = values.max()
        ax.set_ylim(min(0.0, values.min()), 1.05 * hi if hi > 0 else 1.0)


def plot_losses(histories_or_losses, labels=None, ax=None, log=True):
    """Plot cost curves, J against epoch; returns the list of ``Line2D``.

    ``histories_or_losses``: a :class:`~backprop.History`, a 1-D array of
    costs, a list of those, or a dict ``{label: history}``.  ``labels`` (one
    per curve) adds a legend.  ``log=True`` uses a logarithmic J axis.
    """
    curves, key_labels = _curves(histories_or_losses)
    if labels is None:
        labels = key_labels
    elif isinstance(labels, str) or len(labels) != len(curves):
        raise ValueError(f"labels must be a list with one label per curve ({len(curves)})")
    ax = axes(ax)
    style_cost_axes(ax, log)
    lines = []
    for k, J in enumerate(curves):
        label = None if labels is None else str(labels[k])
        (line,) = ax.plot(np.arange(J.size), J, color=f"C{k % 10}", lw=1.4, label=label)
        lines.append(line)
    ax.set_xlim(0, max([J.size for J in curves] + [1]))
    set_cost_ylim(ax, curves, log)
    if labels is not None:
        ax.legend(frameon=False)
    return lines


# -------------------------------------------------------- decision boundary
def _padded_range(v, pad=0.15):
    lo, hi = float(v.min()), float(v.max())
    span = hi - lo if hi > lo else 1.0
    return lo - pad * span, hi + pad * span


class BoundaryView:
    """2-D data coloured by class over the predicted probability field yhat(x).

    The field is an ``imshow`` on a fixed ``resolution`` x ``resolution`` grid
    and the decision boundary, the yhat = 0.5 contour line, one ``Line2D``
    (pieces separated by NaN); :meth:`update` replaces their data.

    Attributes: ``ax``, ``image`` (``AxesImage``), ``points`` (the scatter),
    ``boundary`` (the ``Line2D``; empty when yhat never crosses 0.5),
    ``probabilities`` (the last field, shape (resolution, resolution)),
    ``grid`` (the (resolution**2, 2) grid points, rows = examples).
    """

    def __init__(self, ax, X, y, resolution=100, fontsize=None, point_size=14):
        X = check_X(X, 2)
        y = check_y(y, X.shape[0], 1, "bce")[:, 0]
        self.resolution = check_positive_int(resolution, "resolution")
        self.ax = ax
        (x0, x1), (y0, y1) = _padded_range(X[:, 0]), _padded_range(X[:, 1])
        self.extent = (x0, x1, y0, y1)
        self._g1 = np.linspace(x0, x1, self.resolution)
        self._g2 = np.linspace(y0, y1, self.resolution)
        xx, yy = np.meshgrid(self._g1, self._g2)  # rows along x_2, columns along x_1
        self.grid = np.column_stack([xx.ravel(), yy.ravel()])
        self.probabilities = np.full((self.resolution, self.resolution), 0.5)
        self.image = ax.imshow(
            self.probabilities, extent=self.extent, origin="lower", aspect="auto",
            cmap=CMAP, norm=Normalize(*_FIELD_NORM), interpolation="bilinear",
        )
        self.points = ax.scatter(
            X[:, 0], X[:, 1], c=y, cmap=_CLASS_COLORS, vmin=0, vmax=1, s=point_size,
            edgecolors="k", linewidths=0.5,
        )
        self._colours = _CLASS_COLORS(y.astype(int))[:, :3]
        self.test = np.zeros(X.shape[0], dtype=bool)
        (self.boundary,) = ax.plot([], [], color="k", lw=1.0, zorder=2)
        _plane_axes(ax, (x0, x1, y0, y1), fontsize)

    def __repr__(self):
        return f"BoundaryView(resolution={self.resolution})"

    def set_test(self, test):
        """Draw the points where the boolean mask ``test`` is True hollow (the test points)."""
        self.test = _test_mask(test, self.test.shape)
        _hollow(self.points, self._colours, self.test)

    def update(self, net):
        """Recompute yhat on the grid with ``net``; redraw the field and the 0.5 contour."""
        _check_net(net, 2, "a decision boundary")
        P = net.forward(self.grid)[:, 0].reshape(self.resolution, self.resolution)
        self.probabilities = P
        self.image.set_data(P)
        gen = contour_generator(self._g1, self._g2, P, line_type="ChunkCombinedNan")
        xy = gen.lines(0.5)[0][0]  # (k, 2) points, NaN rows between pieces; None if none
        self.boundary.set_data(*((xy[:, 0], xy[:, 1]) if xy is not None else ([], [])))
        self.set_visible(True)
        return self

    def set_visible(self, visible):
        """Show or hide the field and the contour (the data points stay)."""
        self.image.set_visible(visible)
        self.boundary.set_visible(visible)


def plot_decision_boundary(net, X, y, ax=None, resolution=100):
    """Data coloured by class over the predicted probability yhat and its 0.5 contour.

    ``X`` (m, 2), ``y`` (m,) labels in {0, 1}, ``net`` a network with 2 inputs
    and 1 output.  Returns a :class:`BoundaryView` whose ``image``,
    ``points`` and ``boundary`` (the 0.5 contour line) are the artists; ``view.update(net)`` redraws
    it for new parameters.
    """
    _check_net(net, 2, "plot_decision_boundary")
    view = BoundaryView(axes(ax), X, y, resolution=resolution)
    return view.update(net)


# ------------------------------------------------------ several classes
# The classes' colours, class 0 first: Okabe and Ito's colour-blind-safe palette
# (blue, vermillion, bluish green, reddish purple, orange), the website's order.
CLASS_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")


def _rgb(hex_colour):
    return np.array([int(hex_colour[k:k + 2], 16) for k in (1, 3, 5)], dtype=float) / 255


def class_region_colours(P):
    """RGB of each point of a field from its class probabilities ``P`` (..., K).

    The hue is the predicted class's (the largest probability,
    ``CLASS_PALETTE[k]``), the lightness the confidence c = max_k P[k]: white
    blended with the class's colour by t = (c - 1/K) / (1 - 1/K), so that
    c = 1/K (no class preferred) is white and c = 1 the full colour.
    """
    P = np.asarray(P, dtype=float)
    K = P.shape[-1]
    if not 2 <= K <= len(CLASS_PALETTE):
        raise ValueError(f"the class colours cover 2 to {len(CLASS_PALETTE)} classes, got K = {K}")
    k = P.argmax(axis=-1)
    t = np.clip((P.max(axis=-1) - 1 / K) / (1 - 1 / K), 0.0, 1.0)[..., None]
    colours = np.array([_rgb(c) for c in CLASS_PALETTE[:K]])
    return (1 - t) * 1.0 + t * colours[k]


def _check_labels(y, m, K):
    y = as_float_array(y, "y")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (m,):
        raise ValueError(f"y must hold one class label per row of X, shape ({m},); got {y.shape}")
    bad = (y != np.round(y)) | (y < 0) | (y > K - 1) | ~np.isfinite(y)
    if bad.any():
        raise ValueError(f"class labels must be whole numbers 0..{K - 1}; found "
                         f"{int(bad.sum())} other value(s), e.g. {float(y[bad][0])!r}")
    return y.astype(int)


class ClassRegionsView:
    """2-D data of K classes over the network's predicted class, coloured by class.

    Every pixel of a ``resolution`` x ``resolution`` grid takes the colour of
    its predicted class, as light as the network is unsure
    (:func:`class_region_colours`: white at confidence 1/K, the full colour
    at 1); the points are drawn in their class's colour, the test points
    (``test``, a boolean mask) hollow; a small key names the classes.
    :meth:`update` recomputes the field for new parameters.

    Attributes: ``ax``, ``image`` (``AxesImage``), ``points`` (the scatter),
    ``key`` (the ``Legend``), ``classes`` (K), ``probabilities`` (the last
    field, shape (resolution, resolution, K)), ``predicted`` (its classes),
    ``grid`` (the (resolution**2, 2) grid points, rows = examples).
    """

    def __init__(self, ax, X, y, classes=None, resolution=100, fontsize=None, point_size=14,
                 test=None):
        X = check_X(X, 2)
        m = X.shape[0]
        if classes is None:
            classes = int(np.max(as_float_array(y, "y"))) + 1
        K = check_positive_int(classes, "classes")
        if not 2 <= K <= len(CLASS_PALETTE):
            raise ValueError(f"the class colours cover 2 to {len(CLASS_PALETTE)} classes, "
                             f"got classes = {K}")
        self.y = _check_labels(y, m, K)
        self.classes = K
        self.resolution = check_positive_int(resolution, "resolution")
        self.ax = ax
        (x0, x1), (y0, y1) = _padded_range(X[:, 0]), _padded_range(X[:, 1])
        self.extent = (x0, x1, y0, y1)
        xx, yy = np.meshgrid(np.linspace(x0, x1, self.resolution),
                             np.linspace(y0, y1, self.resolution))
        self.grid = np.column_stack([xx.ravel(), yy.ravel()])
        self.probabilities = np.full((self.resolution, self.resolution, K), 1 / K)
        self.predicted = np.zeros((self.resolution, self.resolution), dtype=int)
        self.image = ax.imshow(class_region_colours(self.probabilities), extent=self.extent,
                               origin="lower", aspect="auto", interpolation="nearest")
        self._colours = np.array([_rgb(c) for c in CLASS_PALETTE[:K]])
        self.points = ax.scatter(X[:, 0], X[:, 1], s=point_size, linewidths=0.6)
        self.set_test(np.zeros(m, dtype=bool) if test is None else test)
        handles = [Line2D([], [], ls="none", marker="o", ms=4, mfc=CLASS_PALETTE[k], mec="k",
                          mew=0.5, label=str(k)) for k in range(K)]
        self.key = ax.legend(handles=handles, title="class", loc="upper left", ncols=K,
                             fontsize=fontsize, title_fontsize=fontsize,  # >= 10 px on the page
                             handletextpad=0.1, columnspacing=0.5, borderpad=0.25,
                             borderaxespad=0.2, framealpha=0.85, alignment="left")
        _plane_axes(ax, (x0, x1, y0, y1), fontsize)

    def __repr__(self):
        return f"ClassRegionsView(classes={self.classes}, resolution={self.resolution})"

    def set_test(self, test):
        """Draw the points where the boolean mask ``test`` is True hollow (the test points)."""
        self.test = _test_mask(test, self.y.shape)
        _hollow(self.points, self._colours[self.y], self.test)

    def update(self, net):
        """Recompute the predicted class and its confidence on the grid with ``net``."""
        if not isinstance(net, MLP):
            raise TypeError(f"net must be a backprop.MLP, got {type(net).__name__}")
        if net.sizes[0] != 2 or net.sizes[-1] != self.classes or net.activations[-1] != "softmax":
            raise ValueError(
                f"the class regions need a network with 2 inputs and a softmax output of "
                f"K = {self.classes} units; this one has sizes {list(net.sizes)} and output "
                f"{net.activations[-1]!r}")
        P = net.predict_proba(self.grid).reshape(self.resolution, self.resolution, self.classes)
        self.probabilities = P
        self.predicted = P.argmax(axis=-1)
        self.image.set_data(class_region_colours(P))
        self.set_visible(True)
        return self

    def set_visible(self, visible):
        """Show or hide the field (the data points and the key stay)."""
        self.image.set_visible(visible)


def _plane_axes(ax, limits, fontsize):
    """The plane of x_1 and x_2 within ``limits`` (x0, x1, y0, y1), labelled, no ticks."""
    x0, x1, y0, y1 = limits
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks([])  # positions matter, coordinates do not; no ticks is also faster
    ax.set_yticks([])
    ax.set_xlabel("$x_1$", fontsize=fontsize, labelpad=1)
    ax.set_ylabel("$x_2$", fontsize=fontsize, labelpad=1)


def _test_mask(test, shape):
    """``test`` as a boolean mask of ``shape`` (True: a held-out point), or a ValueError."""
    test = np.asarray(test, dtype=bool)
    if test.shape != shape:
        raise ValueError(f"test must be a boolean mask of shape {shape}, got shape {test.shape}")
    return test


def _hollow(points, colours, test):
    """Fill the scatter ``points`` with ``colours`` (m, 3), the ``test`` ones hollow.

    A hollow point is a ring in its class's colour around a white centre, so
    that it shows on a field of the same colour too.
    """
    m = len(colours)
    points.set_array(None)  # the colours below, not a colour map's
    face = np.column_stack([colours, np.ones(m)])
    edge = np.tile([0.0, 0.0, 0.0, 1.0], (m, 1))
    edge[test] = face[test]
    face[test] = 1.0
    widths = np.where(test, 1.4, 0.5)
    points.set_facecolors(face)
    points.set_edgecolors(edge)
    points.set_linewidths(widths)


def plot_class_regions(net, X, y, ax=None, resolution=100, test=None):
    """The plane coloured by the predicted class of a softmax network, and the data.

    ``net`` has 2 inputs and a softmax output of K units (2 <= K <= 5);
    ``X`` (m, 2), ``y`` (m,) class labels 0..K-1; ``test`` an optional
    boolean mask (m,) of points drawn hollow (e.g. held-out points).  Each
    region has its predicted class's colour (``CLASS_PALETTE``), pale where
    the largest probability is near 1/K and full where it is near 1.
    Returns a :class:`ClassRegionsView`; ``view.update(net)`` redraws it
    for new parameters.
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be a backprop.MLP, got {type(net).__name__}")
    view = ClassRegionsView(axes(ax), X, y, classes=net.sizes[-1], resolution=resolution,
                            test=test)
    return view.update(net)


# -------------------------------------------------------------- 1-D fits
class FitView:
    """1-D data (x, y) and the network's curve yhat(x) on a fixed grid of x.

    Attributes: ``ax``, ``points`` (the scatter), ``line`` (the fitted curve,
    a ``Line2D``), ``x`` (the grid, shape (resolution, 1)), ``outside`` (True
    when the last curve drawn leaves the plot's fixed y range).
    """

    def __init__(self, ax, X, y, resolution=200, fontsize=None, point_size=10):
        X = check_X(X, 1)
        y = check_y(y, X.shape[0], 1, "mse")[:, 0]
        self.ax = ax
        x0, x1 = _padded_range(X[:, 0], pad=0.03)
        self.x = np.linspace(x0, x1, check_positive_int(resolution, "resolution")).reshape(-1, 1)
        self.outside = False
        self.points = ax.scatter(X[:, 0], y, s=point_size, color="0.35", label="data $y$")
        self._colours = np.full((X.shape[0], 3), 0.35)
        (self.line,) = ax.plot(self.x[:, 0], np.full(len(self.x), np.nan), color="C3",
                               lw=1.8, label=r"fit $\hat{y}$")
        ax.set_xlim(x0, x1)
        ax.set_ylim(*_padded_range(y, pad=0.2))  # fixed: the view does not jump while training
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.set_xlabel("$x$", fontsize=fontsize, labelpad=1)
        ax.set_ylabel("$y$", fontsize=fontsize, labelpad=1)
        if fontsize is not None:
            ax.tick_params(labelsize=fontsize)
        ax.legend(loc="upper left", fontsize=fontsize, frameon=False, handlelength=1.2)

    def __repr__(self):
        return f"FitView(resolution={len(self.x)})"

    def set_test(self, test):
        """Draw the points where the boolean mask ``test`` is True hollow (the test points)."""
        test = np.asarray(test, dtype=bool)
        if test.shape != (len(self._colours),):
            raise ValueError(f"test must be a boolean mask of shape ({len(self._colours)},), "
                             f"got shape {test.shape}")
        _hollow(self.points, self._colours, test)
        self.points.set_linewidths(np.where(test, 1.0, 0.0))

    def update(self, net):
        """Redraw the curve yhat(x) of ``net``."""
        _check_net(net, 1, "a regression fit")
        yhat = net.forward(self.x)[:, 0]
        self.line.set_ydata(yhat)
        lo, hi = self.ax.get_ylim()
        self.outside = bool(((yhat < lo) | (yhat > hi) | ~np.isfinite(yhat)).any())
        self.set_visible(True)
        return self

    def set_visible(self, visible):
        """Show or hide the fitted curve (the data points stay)."""
        self.line.set_visible(visible)


def plot_regression_fit(net, X, y, ax=None):
    """1-D data and the network's curve yhat(x); returns a :class:`FitView`.

    ``X`` (m, 1), ``y`` (m,), ``net`` a network with one input and one output.
    """
    _check_net(net, 1, "plot_regression_fit")
    view = FitView(axes(ax), X, y)
    return view.update(net)


# -------------------------------------------------------- network drawing
class NetworkDrawing:
    """What :func:`draw_network` drew.

    Attributes: ``ax``; ``circles[l]``, the ``Circle`` patches of layer l
    (l = 0 is the input layer); ``lines[l]``, a ``LineCollection`` with the
    n_l * n_{l+1} connections from layer l to layer l+1 (segment ``j * n_l + k``
    joins unit k of layer l to unit j of layer l+1, matching W[l+1][j, k]);
    ``texts``, the labels.
    """

    def __init__(self, ax, circles, lines, texts):
        self.ax, self.circles, self.lines, self.texts = ax, circles, lines, texts

    def __repr__(self):
        return f"NetworkDrawing(sizes={[len(c) for c in self.circles]})"


def _check_weights(weights, sizes):
    if len(weights) != len(sizes) - 1:
        raise ValueError(
            f"weights needs one matrix per layer ({len(sizes) - 1}), got {len(weights)}"
        )
    Ws = []
    for l, W in enumerate(weights):
        W = as_float_array(W, f"weights[{l}]")
        if W.shape != (sizes[l + 1], sizes[l]):
            raise ValueError(
                f"weights[{l}] has shape {W.shape}; for sizes {list(sizes)} it must be "
                f"(n_{l + 1}, n_{l}) = ({sizes[l + 1]}, {sizes[l]})"
            )
        check_finite(W, f"weights[{l}]")
        Ws.append(W)
    return Ws


def _unit_label(symbol, k, n):
    return f"${symbol}$" if n == 1 else f"${symbol}_{{{k + 1}}}$"


def draw_network(sizes, activations=None, ax=None, weights=None):
    """Draw the layers as columns of circles joined by lines.

    ``sizes`` is ``[n_0, ..., n_L]`` (or a :class:`~backprop.MLP`, whose
    sizes, activations and weights are then used).  Input units are labelled
    x_1 ... x_{n_0}, output units yhat; under each column the layer number l,
    its n_l and (if ``activations`` is given) its activation.  With
    ``weights`` (a list of W[l] of shapes (n_l, n_{l-1}), e.g. ``net.weights``)
    a line's width grows with ``|w|`` and its colour shows the sign (blue
    positive, red negative).  Returns a :class:`NetworkDrawing`.
    """
    if isinstance(sizes, MLP):
        net = sizes
        sizes = net.sizes
        activations = net.activations if activations is None else activations
        weights = net.weights if weights is None else weights
    sizes = check_sizes(sizes)
    L = len(sizes) - 1
    if activations is not None:
        activations = check_activation_names(activations, L)
    Ws = None if weights is None else _check_weights(weights, sizes)
    ax = axes(ax, figsize=(1.6 + 1.4 * L, 1.2 + 0.35 * max(sizes)))

    gap = max(2.5, 0.45 * max(sizes))  # horizontal distance between layers
    r = 0.3  # circle radius; units sit 1 apart vertically
    xs = [gap * l for l in range(L + 1)]
    ys = [np.arange(n)[::-1] - (n - 1) / 2 for n in sizes]

    lines = []
    w_max = max(float(np.abs(W).max()) for W in Ws) if Ws else 1.0
    w_max = w_max if w_max > 0 else 1.0
    for l in range(L):
        n_in, n_out = sizes[l], sizes[l + 1]
        segs = [
            [(xs[l] + r, ys[l][k]), (xs[l + 1] - r, ys[l + 1][j])]
            for j in range(n_out) for k in range(n_in)
        ]
        if Ws is None:
            lc = LineCollection(segs, colors="0.6", linewidths=0.8, zorder=1)
        else:
            w = Ws[l].ravel()  # row-major: index j * n_in + k  <->  W[j, k]
            lc = LineCollection(
                segs, cmap=CMAP, norm=Normalize(-w_max, w_max),
                linewidths=0.4 + 2.6 * np.abs(w) / w_max, zorder=1,
            )
            lc.set_array(w)
        ax.add_collection(lc)
        lines.append(lc)

    circles, texts = [], []
    for l, n in enumerate(sizes):
        layer = []
        for k, yk in enumerate(ys[l]):
            c = Circle((xs[l], yk), r, facecolor="white", edgecolor="k", lw=1.0, zorder=2)
            ax.add_patch(c)
            layer.append(c)
            if l == 0:
                texts.append(ax.text(xs[l] - r - 0.15, yk, _unit_label("x", k, n),
                                     ha="right", va="center"))
            elif l == L:
                texts.append(ax.text(xs[l] + r + 0.15, yk, _unit_label(r"\hat{y}", k, n),
                                     ha="left", va="center"))
        circles.append(layer)
        name = "input" if l == 0 else f"layer {l}"
        caption = f"{name}\n$n_{{{l}}} = {n}$"
        if l > 0 and activations is not None:
            caption += f"\n{activations[l - 1]}"
        texts.append(ax.text(xs[l], -(max(sizes) - 1) / 2 - 0.7, caption,
                             ha="center", va="top", fontsize="small"))

    half = (max(sizes) - 1) / 2
    ax.set_xlim(-gap * 0.6, xs[-1] + gap * 0.6)
    ax.set_ylim(-half - 2.3, half + 0.8)
    ax.set_aspect("equal")
    ax.axis("off")
    return NetworkDrawing(ax, circles, lines, texts)


# ------------------------------------------------------------ gradient sizes
class GradientSizes:
    """What :func:`plot_gradient_sizes` drew.

    Attributes
    ----------
    ax : matplotlib Axes
        Where the lines are drawn.
    what : str
        ``"dZ"``, ``"dW"`` or ``"db"``.
    epochs : np.ndarray
        The records' epochs.
    sizes : dict
        ``sizes[l]`` for l = 1, ..., L: the Frobenius norm of layer l's
        ``what`` at each of those epochs, an array.
    lines : dict
        ``lines[l]``, the ``Line2D`` of layer l.
    """

    def __init__(self, ax, what, epochs, sizes, lines):
        self.ax, self.what, self.epochs, self.sizes, self.lines = ax, what, epochs, sizes, lines

    def __repr__(self):
        return f"GradientSizes(what={self.what!r}, layers={len(self.sizes)}, records={len(self.epochs)})"

    def ratios(self):
        """``sizes[l] / sizes[L]`` for each layer: how much smaller than the output layer's."""
        L = max(self.sizes)
        return {l: self.sizes[l] / self.sizes[L] for l in self.sizes}


_WHAT_TEX = {"dZ": r"\mathrm{d}Z^{[l]}", "dW": r"\mathrm{d}W^{[l]}", "db": r"\mathrm{d}b^{[l]}"}


def plot_gradient_sizes(records, *, ax=None, what="dZ", log=True, labels=None):
    """The size of each layer's gradient during training, one line per layer.

    The size is the Frobenius norm, e.g. ``np.linalg.norm(trace[l].dZ)`` for
    dZ[l] of (B1)-(B2), or of dW[l] (B3) or db[l] (B4).  Each step down
    through (B2) multiplies by ``W[l+1]ᵀ`` and by g'(Z[l]), which for the
    sigmoid is at most 1/4; chapters 4 and 5 use the figure to see how the
    layers' sizes compare while a network trains (whether the lower layers'
    lines sit lower depends on the weights too, so it is measured, not assumed).

    Parameters
    ----------
    records : list of ``(epoch, trace)``
        ``trace = net.trace(X, y)`` taken at that epoch: ``trace[l].dZ``,
        ``.dW``, ``.db`` for l = 1..L and ``len(trace) == L``.
    ax : matplotlib Axes or None
    what : str
        ``"dZ"`` (default), ``"dW"`` or ``"db"``.
    log : bool
        Logarithmic y axis.
    labels : list of str or None
        One legend label per layer; default ``"layer l"``.

    Returns
    -------
    GradientSizes
        ``.epochs`` and ``.sizes[l]`` (l = 1..L), the numbers drawn.
    """
    if what not in _WHAT_TEX:
        raise ValueError(f'what must be "dZ", "dW" or "db", got {what!r}')
    if isinstance(records, (str, bytes)) or not hasattr(records, "__len__") or len(records) == 0:
        raise ValueError("records must be a non-empty list of (epoch, trace) pairs")
    epochs, per_record = [], []
    n_layers = None
    for i, rec in enumerate(records):
        try:
            epoch, trace = rec
        except (TypeError, ValueError):
            raise ValueError(f"records[{i}] must be a pair (epoch, trace), got {rec!r}") from None
        L = len(trace)
        if n_layers is None:
            n_layers = L
        elif L != n_layers:
            raise ValueError(f"records[{i}] has {L} layers, the first record has {n_layers}")
        norms = []
        for l in range(1, L + 1):
            arr = np.asarray(getattr(trace[l], what), dtype=float)
            norms.append(float(np.linalg.norm(arr)))
        epochs.append(epoch)
        per_record.append(norms)
    if labels is None:
        labels = [f"layer {l}" for l in range(1, n_layers + 1)]
    elif isinstance(labels, str) or len(labels) != n_layers:
        raise ValueError(f"labels must be a list with one label per layer ({n_layers})")
    epochs = np.asarray(epochs, dtype=float)
    values = np.asarray(per_record, dtype=float)
    if log and not np.all(values > 0):
        raise ValueError(f"a log scale needs sizes > 0; some {what} is all zeros: use log=False")
    ax = axes(ax)
    sizes, lines = {}, {}
    for l in range(1, n_layers + 1):
        sizes[l] = values[:, l - 1]
        (lines[l],) = ax.plot(epochs, sizes[l], color=f"C{(l - 1) % 10}", lw=1.5,
                              marker="o" if len(epochs) < 12 else None, ms=3, label=str(labels[l - 1]))
    ax.set_xlabel("epoch")
    ax.set_ylabel(rf"$\|{_WHAT_TEX[what]}\|$")
    ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
    if log:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.legend(frameon=False)
    return GradientSizes(ax, what, epochs, sizes, lines)
