"""What both playgrounds share: the settings, their checks, one training run, its figure.

A playground's settings are a :class:`Settings`; :func:`check_settings` turns
whatever a reader typed (``"8, 8"``, ``"relu"``, ``"all"``) into checked values
or raises a ``ValueError`` whose message the widget shows.  :func:`train` runs
one configuration and records what the figure draws: J per epoch, the network
after chosen epoch counts and the size of each layer's gradient, from
``net.trace``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field, replace

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from .. import activations as _activations
from .. import datasets
from .. import losses as _losses
from ..network import MLP, TrainingDiverged
from ..plotting import BoundaryView, FitView, LossView
from ..validation import as_float_array, check_learning_rate, check_positive_int, check_X
from ._runs import DIVERGED, cost_after, verdict
from .figure import canvas_png

# The playground's data sets: name -> (X, y).  The 1-D curve is a regression.
DATASETS = {
    "moons": lambda: datasets.moons(200, noise=0.2, seed=0),
    "circles": lambda: datasets.circles(200, noise=0.1, seed=0),
    "xor": lambda: datasets.xor(200, noise=0.3, seed=0),
    "spirals": lambda: datasets.spirals(200, noise=0.05, seed=0),
    "blobs": lambda: datasets.blobs(200, separation=3.0, noise=1.0, seed=0),
    "curve": lambda: datasets.regression_curve(100, noise=0.1, seed=0),
}
REGRESSION_DATA = {"curve"}
OUTPUTS = ("sigmoid", "identity", "tanh", "relu")
LOSS_NAMES = {"bce": "log loss", "mse": "squared error"}


def data_set(name):
    """``(X, y)`` of the playground's data set ``name`` (see ``DATASETS``)."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; the playground has {', '.join(DATASETS)}")
    return DATASETS[name]()


@dataclass(frozen=True)
class Settings:
    """One configuration of the playground; ``None`` means "the default for the data"."""

    data: str | None = "moons"
    hidden: tuple = (8, 8)
    activations: tuple | str = "relu"
    output: str | None = None
    loss: str | None = None
    lr: float = 0.5
    epochs: int = 300
    batch_size: int | None = None
    seed: int = 0


DEFAULTS = Settings()


def parse_hidden(text):
    """``"8, 8"`` -> (8, 8); ``""`` -> () (no hidden layer); a readable error otherwise."""
    if isinstance(text, numbers.Integral) and not isinstance(text, bool):
        text = (text,)
    if not isinstance(text, str):
        if isinstance(text, (bytes, bool)) or not hasattr(text, "__len__"):
            raise ValueError(f"hidden layer sizes: give a tuple such as (8, 8), not {text!r}")
        sizes = tuple(text)
        for n in sizes:
            if isinstance(n, bool) or not isinstance(n, numbers.Integral):
                raise ValueError(f"hidden layer sizes must be whole numbers, got {n!r} in {sizes}")
    else:
        items = [s.strip() for s in text.strip().strip("()[]").split(",")]
        if items == [""]:
            return ()
        if items[-1] == "" and len(items) > 1:  # "8, 8," is fine
            items = items[:-1]
        for k, s in enumerate(items, 1):
            if s == "":
                raise ValueError(
                    f"hidden layer sizes {text!r}: layer {k} is empty; write the sizes separated "
                    "by commas, e.g. 8, 8 (leave the box empty for no hidden layer)")
            if not s.lstrip("+-").isdigit():
                raise ValueError(
                    f"hidden layer sizes {text!r}: {s!r} is not a whole number; write the sizes "
                    "separated by commas, e.g. 8, 8")
        sizes = tuple(int(s) for s in items)
    for k, n in enumerate(sizes, 1):
        if n < 1:
            raise ValueError(f"hidden layer {k} has {n} units; a layer needs at least 1 unit")
        if n > 256:
            raise ValueError(f"hidden layer {k} has {n} units; the playground allows at most 256")
    if len(sizes) > 8:
        raise ValueError(f"{len(sizes)} hidden layers; the playground allows at most 8")
    return sizes


def parse_activations(value, n_hidden):
    """One activation name per hidden layer, from ``"relu"`` (all) or ``"relu, tanh"``."""
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [str(n).strip() for n in names]
    if n_hidden == 0:
        return ()
    if len(names) == 1:
        names = names * n_hidden
    if len(names) != n_hidden:
        raise ValueError(
            f"activations: {len(names)} names for {n_hidden} hidden layer(s); give one name for "
            "all of them or one per hidden layer, e.g. relu, tanh")
    for k, n in enumerate(names, 1):
        if n not in _activations.ACTIVATIONS:
            raise ValueError(f"activation of hidden layer {k}: unknown {n!r}; choose from "
                             f"{', '.join(_activations.ACTIVATIONS)}")
    return tuple(names)


def parse_batch_size(value, m):
    """``None``, ``""`` or ``"all"`` -> None (full batch); else a whole number 1..m."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "all", "none")):
        return None
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise ValueError(f"batch size {value!r}: write a whole number, or 'all' for full batch")
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"batch size must be a whole number or 'all', got {value!r}")
    if value < 1:
        raise ValueError(f"batch size must be at least 1, got {value}")
    if value > m:
        raise ValueError(f"batch size {value} is larger than the m = {m} examples; "
                         f"use at most {m} ('all' is full batch)")
    return int(value)


def problem_of(X):
    return "classification" if X.shape[1] == 2 else "regression"


def check_data(X, y):
    """Checked reader's data: X (m, 2) with labels y in {0, 1}, or X (m, 1) with numbers y."""
    X = as_float_array(X, "X")
    if X.ndim == 1:
        raise ValueError(f"X must be 2-D, one example per row: shape (m, 2) for points in the "
                         f"plane or (m, 1) for a curve; got shape {X.shape} (use X.reshape(-1, 1) "
                         "for one feature)")
    if X.ndim != 2 or X.shape[1] not in (1, 2):
        raise ValueError(f"the playground draws points in the plane (X of shape (m, 2)) or a curve "
                         f"y(x) (X of shape (m, 1)); got X with shape {X.shape}")
    X = check_X(X, X.shape[1])
    y = as_float_array(y, "y")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have one target per row of X, shape ({X.shape[0]},); "
                         f"got shape {y.shape}")
    if not np.isfinite(y).all():
        raise ValueError("y contains NaN or infinite values")
    if X.shape[1] == 2:
        bad = y[(y != 0) & (y != 1)]
        if bad.size:
            raise ValueError(f"X has two features, so the playground draws a decision boundary and "
                             f"needs labels y in {{0, 1}}; found {bad.size} other value(s), e.g. "
                             f"{float(bad[0])!r}")
        if X.shape[0] > 1 and y.min() == y.max():
            raise ValueError(f"every label is {y[0]:g}: a boundary needs examples of both classes")
    return X, y


@dataclass(frozen=True)
class Checked:
    """Settings after the checks: what :func:`train` runs."""

    settings: Settings
    hidden: tuple
    activations: tuple
    output: str
    loss: str
    lr: float
    epochs: int
    batch_size: int | None
    seed: int

    def network(self, n_0):
        return MLP([n_0, *self.hidden, 1], [*self.activations, self.output], loss=self.loss,
                   seed=self.seed)


def default_loss(problem):
    return "bce" if problem == "classification" else "mse"


def check_settings(s, X, y):
    """The settings ``s`` checked against the data; a ``ValueError`` with a readable message."""
    problem = problem_of(X)
    hidden = parse_hidden(s.hidden)
    acts = parse_activations(s.activations, len(hidden))
    loss = default_loss(problem) if s.loss in (None, "") else s.loss
    if loss not in _losses.LOSSES:
        names = ", ".join(f"{k!r} ({v})" for k, v in LOSS_NAMES.items())
        raise ValueError(f"unknown loss {loss!r}; choose {names}")
    spec = _losses.get(loss)
    output = spec.default_output if s.output in (None, "") else s.output
    if output not in _activations.ACTIVATIONS:
        raise ValueError(f"unknown output activation {output!r}; choose from "
                         f"{', '.join(_activations.ACTIVATIONS)}")
    try:
        spec.check_output(output)
    except ValueError as e:
        raise ValueError(f"{e} (the log loss takes probabilities, which a sigmoid gives; "
                         "or choose the squared error)") from None
    if loss == "bce" and problem == "regression":
        raise ValueError("the log loss needs labels 0 and 1, and the curve's targets are numbers: "
                         "choose the squared error for a curve")
    try:
        lr = check_learning_rate(s.lr)
    except TypeError as e:
        raise ValueError(str(e)) from None
    try:
        epochs = check_positive_int(s.epochs, "epochs")
    except TypeError as e:
        raise ValueError(str(e)) from None
    seed = s.seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"the seed must be a whole number >= 0, got {seed!r}")
    seed = int(seed)
    if epochs > 100_000:
        raise ValueError(f"epochs = {epochs}: the playground trains at most 100000 epochs")
    batch_size = parse_batch_size(s.batch_size, X.shape[0])
    return Checked(s, hidden, acts, output, loss, lr, epochs, batch_size, seed)


@dataclass
class Result:
    """One training run of a playground configuration.

    ``losses``: J at the start of each epoch (the finite part if it
    diverged); ``J``: J after the last update (``math.inf`` if not finite);
    ``diverged_at``: the epoch where J became infinite, or None;
    ``nets[e]``: the network after e epochs, for the requested counts;
    ``grad_epochs`` and ``grad_sizes[:, l - 1]``: the Frobenius norm of
    dW[l] from ``net.trace`` at those epoch counts.
    """

    checked: Checked
    losses: np.ndarray
    J: float
    diverged_at: int | None
    nets: dict
    grad_epochs: np.ndarray
    grad_sizes: np.ndarray
    net: MLP | None = None
    notes: list = field(default_factory=list)

    @property
    def verdict(self):
        if self.diverged_at is not None:
            return DIVERGED
        return verdict(self.losses, self.J)

    def losses_until(self, e):
        """J at epochs 0..e: J before each of the first e updates, then J after the e-th."""
        if e == len(self.losses) and self.diverged_at is None:
            return np.append(self.losses, self.J)
        return self.losses[: e + 1]


def gradient_sizes(net, X, y):
    """The Frobenius norm of dW[l] for l = 1..L, from ``net.trace(X, y)``."""
    with np.errstate(all="ignore"):
        trace = net.trace(X, y)
    return np.array([np.linalg.norm(trace[l].dW) for l in range(1, len(trace) + 1)])


def record_epochs(epochs, count=40):
    """About ``count`` epoch counts from 0 to ``epochs``, evenly spaced (the gradient records)."""
    return sorted(set(np.linspace(0, epochs, min(count, epochs + 1)).round().astype(int).tolist()))


def train(checked, X, y, keep=(), records=None, progress=None):
    """Train ``checked``'s network on (X, y); a :class:`Result`.

    ``keep``: epoch counts whose networks are kept (copies); ``records``:
    epoch counts where the gradient sizes are taken (default: about 40);
    ``progress(partial)``, if given, is called after every epoch; ``partial()``
    returns the run so far (a :class:`Result` whose ``net`` is the network
    being trained).
    """
    net = checked.network(X.shape[1])
    epochs = checked.epochs
    records = record_epochs(epochs) if records is None else sorted(set(records))
    want_rec, want_net = set(records), set(keep)
    rec_e, rec_g, nets = [], [], {}

    def note(e, net):
        if e in want_rec:
            g = gradient_sizes(net, X, y)
            if np.isfinite(g).all():
                rec_e.append(e)
                rec_g.append(g)
        if e in want_net:
            nets[e] = net.copy()

    note(0, net)

    seen = np.empty(epochs)

    def callback(epoch, net, J):
        note(epoch + 1, net)
        if progress is not None:
            seen[epoch] = J
            progress(lambda: Result(
                checked, seen[: epoch + 1].copy(), cost_after(net, X, y), None, {},
                np.array(rec_e, dtype=float),
                np.array(rec_g) if rec_g else np.empty((0, len(checked.hidden) + 1)), net))

    try:
        history = net.fit(X, y, lr=checked.lr, epochs=epochs, batch_size=checked.batch_size,
                          callback=callback)
        losses, at = history.losses, None
        J = cost_after(net, X, y)
        if not math.isfinite(J):
            at = epochs
    except TrainingDiverged as e:
        losses, at, J = e.history.losses, e.epoch, math.inf
    grads = np.array(rec_g) if rec_g else np.empty((0, len(checked.hidden) + 1))
    return Result(checked, np.asarray(losses, dtype=float), J, at, nets,
                  np.array(rec_e, dtype=float), grads, net if at is None else None)


# ---------------------------------------------------------------- the figure
def _short(v, _pos=None):
    if v <= 0:
        return ""
    return f"{v:g}" if 1e-3 <= v <= 1e3 else f"1e{round(math.log10(v))}"


class PlaygroundFigure:
    """Three panels: the cost curve, the boundary (or fit), each layer's gradient size.

    Drawn on its own Agg canvas and rendered to PNG bytes (:meth:`to_png`).
    ``points=False`` leaves the data points out (the static playground lays
    them over the frames as one transparent picture per data set, from
    :meth:`points_png`).
    """

    def __init__(self, X, y, *, figsize=(7.0, 2.5), dpi=100, fontsize=8.0, resolution=50,
                 points=True, title=True):
        self.problem = problem_of(X)
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
            self.view = BoundaryView(ax_view, X, y, resolution=resolution, fontsize=fs,
                                     point_size=1.1 * fs)
        else:
            self.view = FitView(ax_view, X, y, fontsize=fs, point_size=0.7 * fs)
            self.view.ax.get_legend().remove()
        self.view.points.set_visible(points)
        self.grad_ax = ax_grad
        ax_grad.set_yscale("log")
        ax_grad.set_xlabel("epoch", fontsize=fs)
        ax_grad.set_ylabel(r"$\|\mathrm{d}W^{[l]}\|$", fontsize=fs, labelpad=1)
        ax_grad.tick_params(labelsize=fs)
        ax_grad.xaxis.set_major_locator(MaxNLocator(3, integer=True))
        ax_grad.yaxis.set_major_locator(LogLocator(base=10, numticks=4))
        ax_grad.yaxis.set_minor_locator(NullLocator())
        ax_grad.yaxis.set_major_formatter(FuncFormatter(_short))
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
        ax.legend(handles=self.grad_lines, fontsize=self.fontsize - 1, frameon=False,
                  handlelength=1.0, labelspacing=0.2, borderaxespad=0.2, loc="best")

    def update(self, result, epoch=None, title=None, message=None, epochs=None):
        """Draw ``result`` up to ``epoch`` (default: its end), or just ``message``.

        ``epochs`` is the cost axis' length (default: the run's epochs).
        """
        if result is None:
            self.loss.update([], epochs or 1)
            self.view.set_visible(False)
            for line in self.grad_lines:
                line.set_data([], [])
        else:
            c = result.checked
            epochs = epochs or c.epochs
            e = len(result.losses) if epoch is None else min(epoch, len(result.losses))
            J = result.losses_until(e)
            self.loss.update(J, epochs)
            net = result.nets.get(e, result.net if epoch is None else None)
            if net is not None and message is None:
                self.view.update(net)
            else:
                self.view.set_visible(False)
            self._grad_lines(len(c.hidden) + 1)
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


def with_settings(s, **changes):
    return replace(s, **changes)
