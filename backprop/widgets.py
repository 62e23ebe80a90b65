"""Interactive training: a live widget (needs a kernel) and a precomputed explorer (static pages).

:func:`live_trainer` retrains a network whenever a slider moves and redraws a
:class:`~backprop.plotting.TrainingFigure` while it trains.  The figure is
rendered to PNG into an ``ipywidgets.Image``, so it needs neither ipympl nor a
browser-side plotting library.

:func:`static_explorer` trains every point of a (learning rate x hidden units)
or (learning rate x epochs) grid in advance and stores one PNG frame per
point in nested ``widgets.Stack``s joined to the sliders by ``jslink``: the
browser switches frames by itself, so it works on the static book pages
where no kernel runs.
"""

from __future__ import annotations

import html
import math
import numbers
from time import perf_counter

import ipywidgets as widgets
import numpy as np

from .network import MLP, TrainingDiverged
from .plotting import TrainingFigure
from .validation import as_float_array, check_learning_rate, check_positive_int, check_X, check_y

__all__ = ["LiveTrainer", "StaticExplorer", "live_trainer", "static_explorer"]

_WIDE = {"description_width": "initial"}


# ------------------------------------------------------------ shared setup
def _setup(X, y, loss, output, problem):
    """Checked ``(X, y, output, problem)``; the problem follows from the loss unless given."""
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D with shape (m, n_0), one example per row; got {X.shape}")
    X = check_X(X, X.shape[1])
    if problem is None:
        problem = "classification" if loss == "bce" else "regression"
    if problem not in TrainingFigure.PROBLEMS:
        raise ValueError(
            f"problem must be 'classification' or 'regression' (or None), got {problem!r}"
        )
    n_0 = 2 if problem == "classification" else 1
    if X.shape[1] != n_0:
        shown = "a decision boundary in the plane" if n_0 == 2 else "a curve y(x)"
        raise ValueError(
            f"the {problem} widget draws {shown}, so X must have {n_0} feature(s); "
            f"got X with shape {X.shape}"
        )
    if output is None:
        output = "sigmoid" if loss == "bce" else "identity"
    y = check_y(y, X.shape[0], 1, loss)[:, 0]
    return X, y, output, problem


def _hidden_tuple(hidden, max_hidden=None):
    if isinstance(hidden, numbers.Integral):
        hidden = (hidden,)
    if isinstance(hidden, str) or not hasattr(hidden, "__len__"):
        raise TypeError(f"hidden must be a tuple of layer sizes, e.g. (16,) or (), not {hidden!r}")
    hidden = tuple(check_positive_int(n, "a hidden layer size") for n in hidden)
    if max_hidden is not None and any(n > max_hidden for n in hidden):
        raise ValueError(f"hidden layer sizes {hidden} exceed max_hidden = {max_hidden}")
    return hidden


def _network(n_0, hidden, activation, output, loss, seed):
    sizes = [n_0, *hidden, 1]
    return MLP(sizes, [activation] * len(hidden) + [output], loss=loss, seed=seed)


def _describe(hidden):
    return "no hidden layer" if not hidden else f"hidden {list(hidden)}"


def _epochs(n):
    return "1 epoch" if n == 1 else f"{n} epochs"


def _cost_after(net, X, y):
    """J of the network as it is now (after the last update); inf if not finite."""
    with np.errstate(all="ignore"):
        J = net.cost(X, y)
    return J if math.isfinite(J) else math.inf


def _diverged_text(epoch, lr):
    return f"diverged at epoch {epoch} with lr {lr:.3g}: try a smaller learning rate"


# ------------------------------------------------------------ live widget
class LiveTrainer:
    """A network that retrains whenever a slider moves; see :func:`live_trainer`.

    Attributes
    ----------
    widget : ipywidgets.VBox
        Sliders, the figure (``image``, an ``ipywidgets.Image``) and a status
        line (``status_html``).  Displaying the trainer displays it.
    lr_slider : ipywidgets.FloatLogSlider
    hidden_sliders : list of ipywidgets.IntSlider, one per hidden layer
    epochs_slider : ipywidgets.IntSlider
    net, history : the last trained network and its History (``history`` is
        None after a divergence; ``net`` then holds the last finite parameters)
    J : the cost of the trained network, ``net.cost(X, y)`` after its last
        update (``math.inf`` after a divergence)
    status : "trained" or "diverged"
    last_message : the status line as plain text
    timings : dict of seconds for the last retrain: ``train`` (fit, without
        redraws), ``redraw`` (the final figure update + render + PNG), ``render``
        and ``png`` (parts of it), ``total`` (everything), and ``redraws``, the
        number of figure updates during and after training.
    """

    def __init__(self, X, y, *, hidden=(16,), activation="relu", output=None, loss="bce",
                 lr=0.5, epochs=1000, seed=0, lr_range=(1e-3, 10.0), max_hidden=32,
                 problem=None, redraw_interval=0.2, max_epochs=None):
        self.X, self.y, self.output, self.problem = _setup(X, y, loss, output, problem)
        self.activation, self.loss, self.seed = activation, loss, seed
        max_hidden = check_positive_int(max_hidden, "max_hidden")
        hidden = _hidden_tuple(hidden, max_hidden)
        _network(self.X.shape[1], hidden, activation, self.output, loss, seed)  # checks names
        lo, hi = (check_learning_rate(v) for v in lr_range)
        lr = check_learning_rate(lr)
        if not lo <= lr <= hi:
            raise ValueError(f"lr = {lr:g} is outside lr_range = ({lo:g}, {hi:g})")
        epochs = check_positive_int(epochs, "epochs")
        max_epochs = check_positive_int(max_epochs or max(5000, epochs), "max_epochs")
        self.redraw_interval = float(redraw_interval)

        self.figure = TrainingFigure(self.X, self.y, problem=self.problem)
        self.lr_slider = widgets.FloatLogSlider(
            value=lr, base=10, min=math.log10(lo), max=math.log10(hi), step=0.05,
            description="learning rate", readout_format=".3g", continuous_update=False,
            style=_WIDE,
        )
        self.hidden_sliders = [
            widgets.IntSlider(value=n, min=1, max=max_hidden, description=f"units n_{l + 1}",
                              continuous_update=False, style=_WIDE)
            for l, n in enumerate(hidden)
        ]
        self.epochs_slider = widgets.IntSlider(
            value=epochs, min=1, max=max_epochs, step=1, description="epochs",
            continuous_update=False, style=_WIDE,
        )
        self.image = widgets.Image(format="png")
        self.status_html = widgets.HTML()
        self.widget = widgets.VBox([
            widgets.HBox([self.lr_slider, self.epochs_slider]),
            widgets.HBox(self.hidden_sliders),
            self.image,
            self.status_html,
        ])
        self.net = self.history = self.J = None
        self.status = self.last_message = ""
        self.timings = {}
        self.last_error = None
        self._holding = False
        for s in (self.lr_slider, self.epochs_slider, *self.hidden_sliders):
            s.observe(self._on_change, "value")
        self.retrain()

    def __repr__(self):
        return (f"LiveTrainer(problem={self.problem!r}, lr={self.lr:g}, "
                f"hidden={self.hidden}, epochs={self.epochs})")

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    # -- the current settings, read from the sliders
    @property
    def lr(self):
        return float(self.lr_slider.value)

    @property
    def hidden(self):
        return tuple(int(s.value) for s in self.hidden_sliders)

    @property
    def epochs(self):
        return int(self.epochs_slider.value)

    def set(self, lr=None, hidden=None, epochs=None):
        """Move sliders programmatically and retrain once; returns what :meth:`retrain` returns.

        ``hidden`` is a tuple with one size per hidden layer (an int for one
        layer).  Synchronous: the figure is updated when this returns.
        """
        if hidden is not None:
            hidden = _hidden_tuple(hidden)
            if len(hidden) != len(self.hidden_sliders):
                raise ValueError(
                    f"this trainer has {len(self.hidden_sliders)} hidden layer(s); "
                    f"got hidden = {hidden}"
                )
        self._holding = True
        try:
            if lr is not None:
                self._set_slider(self.lr_slider, check_learning_rate(lr), "lr")
            for s, n in zip(self.hidden_sliders, hidden or ()):
                self._set_slider(s, n, s.description)
            if epochs is not None:
                self._set_slider(self.epochs_slider, check_positive_int(epochs, "epochs"),
                                 "epochs")
        finally:
            self._holding = False
        return self.retrain()

    @staticmethod
    def _set_slider(slider, value, name):
        lo, hi = slider.min, slider.max
        if isinstance(slider, widgets.FloatLogSlider):
            lo, hi = slider.base ** lo, slider.base ** hi
        if not lo * (1 - 1e-12) <= value <= hi * (1 + 1e-12):
            raise ValueError(f"{name} = {value:g} is outside the slider's range [{lo:g}, {hi:g}]")
        slider.value = value

    def _on_change(self, change):
        if self._holding:
            return
        try:
            self.retrain()
        except Exception as e:  # a slider callback must not print a traceback
            self.last_error = e
            self._show_status(f"error: {type(e).__name__}: {e}", ok=False)

    def retrain(self):
        """Train a fresh network with the sliders' settings; returns its History, or None if it diverged.

        The figure is redrawn at most every ``redraw_interval`` seconds while
        training and once at the end.
        """
        t_start = perf_counter()
        lr, hidden, epochs = self.lr, self.hidden, self.epochs
        net = _network(self.X.shape[1], hidden, self.activation, self.output, self.loss,
                       self.seed)
        losses = np.empty(epochs)
        redraw = {"seconds": 0.0, "count": 0, "last": t_start}
        setting = f"lr = {lr:.3g}, {_describe(hidden)}"

        def callback(epoch, net, J):
            losses[epoch] = J
            now = perf_counter()
            if now - redraw["last"] >= self.redraw_interval:
                self._draw(net, losses[: epoch + 1], epochs,
                           f"{setting}: training, epoch {epoch + 1}")
                redraw["last"] = perf_counter()
                redraw["seconds"] += redraw["last"] - now
                redraw["count"] += 1

        try:
            history = net.fit(self.X, self.y, lr=lr, epochs=epochs, callback=callback)
            shown, J = history.losses, _cost_after(net, self.X, self.y)
            at = None if math.isfinite(J) else epochs  # the last update blew up
        except TrainingDiverged as e:
            shown, J, at = e.history.losses, math.inf, e.epoch
        if at is None:
            title = f"{setting}: J = {J:.4g} after {_epochs(epochs)}"
            message, panel = f"J = {J:.4g} after {_epochs(epochs)} ({setting})", None
        else:
            history = None
            title = f"{setting}: diverged at epoch {at}"
            panel = f"diverged at epoch {at}\ntry a smaller learning rate"
            message = _diverged_text(at, lr)
        t_trained = perf_counter()
        render = self._draw(net, shown, epochs, title, panel)
        t_end = perf_counter()

        self.net, self.history, self.J = net, history, J
        self.status = "trained" if at is None else "diverged"
        self._show_status(message, ok=at is None)
        self.timings = {
            "train": t_trained - t_start - redraw["seconds"],
            "redraw": t_end - t_trained,
            "render": render[0],
            "png": render[1],
            "total": t_end - t_start,
            "redraws": redraw["count"] + 1,
        }
        return history

    def _draw(self, net, losses, epochs, title, message=None):
        self.figure.update(net, losses, epochs=epochs, title=title, message=message)
        self.image.value = self.figure.to_png()
        return self.figure.draw_seconds, self.figure.png_seconds

    def _show_status(self, text, ok):
        self.last_message = text
        color = "#1b5e20" if ok else "#b00000"
        self.status_html.value = f'<span style="color:{color}">{html.escape(text)}</span>'


def live_trainer(X, y, *, hidden=(16,), activation="relu", output=None, loss="bce", lr=0.5,
                 epochs=1000, seed=0, lr_range=(1e-3, 10.0), max_hidden=32, problem=None,
                 redraw_interval=0.2, max_epochs=None):
    """A widget that retrains a network on (X, y) whenever a slider moves (needs a kernel).

    Sliders: the learning rate (logarithmic, within ``lr_range``), the units
    of each hidden layer (1 to ``max_hidden``; none when ``hidden=()``, a
    single neuron) and the number of epochs (1 to ``max_epochs``, default
    max(5000, epochs)).  The network is ``MLP([n_0, *hidden, 1],
    [activation] * len(hidden) + [output], loss, seed)`` trained full-batch by
    ``fit``, so the same settings always give the same result.

    ``problem`` follows from the loss unless given: ``"bce"`` means
    classification (X with 2 features: the figure shows the decision
    boundary), ``"mse"`` regression (X with 1 feature: the fitted curve).
    ``output`` defaults to ``"sigmoid"`` for bce and ``"identity"`` for mse.

    A diverging run shows "diverged at epoch k with lr ...: try a smaller
    learning rate" instead of raising.  Returns a :class:`LiveTrainer`;
    display it (or its ``.widget``), move sliders, or call ``.set(lr=...,
    hidden=..., epochs=...)``.
    """
    return LiveTrainer(X, y, hidden=hidden, activation=activation, output=output, loss=loss,
                       lr=lr, epochs=epochs, seed=seed, lr_range=lr_range,
                       max_hidden=max_hidden, problem=problem,
                       redraw_interval=redraw_interval, max_epochs=max_epochs)


# ------------------------------------------------------------ static explorer
class StaticExplorer(widgets.VBox):
    """The widget returned by :func:`static_explorer`: sliders over a Stack of Stacks of frames.

    Attributes
    ----------
    results : dict
        ``results[(lr, k)]`` is the cost J of the trained network (after its
        last update, ``net.cost(X, y)``) at each grid point; ``math.inf``
        where training diverged.  ``k`` is the number of hidden units or of
        epochs.
    diverged : dict
        ``diverged[(lr, k)]`` is the epoch at which a run diverged.
    histories : dict
        ``histories[(lr, k)]`` is ``History.losses``: J at the start of each
        epoch (the finite part for a diverged run).
    lrs, inner_values, inner_name : the grid ("hidden units" or "epochs").
    lr_slider, inner_slider : ipywidgets.SelectionSlider
    stack : the outer ``widgets.Stack`` (one inner Stack per learning rate,
        one ``widgets.Image`` per inner value)
    links : the ``jslink`` widgets joining the sliders' ``index`` to the stacks.
    frame_bytes : total size of the PNG frames.
    """


def _grid(values, name, check):
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or len(values) == 0:
        raise ValueError(f"{name} must be a non-empty list, got {values!r}")
    values = [check(v) for v in values]
    if len(set(values)) != len(values):
        raise ValueError(f"{name} has repeated values: {values}")
    return values


def static_explorer(X, y, *, lrs, hidden_sizes=None, epochs=None, epochs_grid=None,
                    activation="relu", output=None, loss="bce", seed=0, n_hidden_layers=1,
                    hidden=(), problem=None, figsize=(4.8, 2.3), dpi=80, colors=64):
    """A precomputed explorer that works on a static page (no kernel).

    The outer slider picks the learning rate from ``lrs``; the inner slider
    either the hidden units from ``hidden_sizes`` (``n_hidden_layers`` hidden
    layers of that many units, trained for ``epochs``, default 1000) or,
    with ``epochs_grid``, the number of epochs of one run of the network
    ``[n_0, *hidden, 1]`` (``hidden=()``: a single neuron).  Give exactly one
    of ``hidden_sizes`` and ``epochs_grid``.

    Every grid point is trained in advance (same seed, full batch, exactly as
    ``MLP(...).fit(...)``) and drawn as one PNG frame (``figsize`` x ``dpi``
    pixels, quantised to ``colors`` colours) showing the cost curve and the
    decision boundary or fit, or the epoch where training diverged.  The
    frames sit in a ``widgets.Stack`` of Stacks whose ``selected_index`` is
    ``jslink``-ed to the sliders' ``index``, so the browser switches frames
    without a kernel.  The sliders start at the middle learning rate and at
    the first hidden size (or the last epoch count).  Returns a
    :class:`StaticExplorer` (an ``ipywidgets.VBox``) with the numbers in
    ``.results``.
    """
    X, y, output, problem = _setup(X, y, loss, output, problem)
    lrs = _grid(lrs, "lrs", check_learning_rate)
    if (hidden_sizes is None) == (epochs_grid is None):
        raise ValueError("give exactly one of hidden_sizes (units grid) and epochs_grid")
    if hidden_sizes is not None:
        inner = _grid(hidden_sizes, "hidden_sizes", lambda n: check_positive_int(n, "a hidden size"))
        inner_name = "hidden units"
        n_hidden_layers = check_positive_int(n_hidden_layers, "n_hidden_layers")
        epochs = check_positive_int(1000 if epochs is None else epochs, "epochs")
        if hidden:
            raise ValueError("hidden fixes the layers for an epochs grid; with hidden_sizes leave it ()")
    else:
        if epochs is not None:
            raise ValueError("with epochs_grid the epochs come from the grid; do not pass epochs")
        inner = sorted(_grid(epochs_grid, "epochs_grid", lambda e: check_positive_int(e, "epochs")))
        inner_name = "epochs"
        hidden = _hidden_tuple(hidden)
        epochs = inner[-1]
    fig = TrainingFigure(X, y, problem=problem, figsize=figsize, dpi=dpi)

    results, diverged, histories, frames = {}, {}, {}, {}
    for lr in lrs:
        if inner_name == "hidden units":
            for k in inner:
                runs = _train_points(X, y, (k,) * n_hidden_layers, activation, output, loss,
                                     seed, lr, [epochs])
                what = _describe((k,) * n_hidden_layers)
                frames[(lr, k)] = _frame(fig, runs[epochs], lr, what, epochs, colors)
                _record(runs[epochs], (lr, k), results, diverged, histories)
        else:
            runs = _train_points(X, y, hidden, activation, output, loss, seed, lr, inner)
            for e in inner:
                frames[(lr, e)] = _frame(fig, runs[e], lr, _describe(hidden), epochs, colors)
                _record(runs[e], (lr, e), results, diverged, histories)

    lr_slider = widgets.SelectionSlider(
        options=[(f"{lr:g}", lr) for lr in lrs], value=lrs[len(lrs) // 2],
        description="learning rate", continuous_update=True, style=_WIDE,
    )
    inner_slider = widgets.SelectionSlider(
        options=[(str(k), k) for k in inner], value=inner[-1 if inner_name == "epochs" else 0],
        description=inner_name, continuous_update=True, style=_WIDE,
    )
    inner_stacks = [
        widgets.Stack([widgets.Image(value=frames[(lr, k)], format="png") for k in inner],
                      selected_index=inner_slider.index)
        for lr in lrs
    ]
    stack = widgets.Stack(inner_stacks, selected_index=lr_slider.index)
    links = [widgets.jslink((lr_slider, "index"), (stack, "selected_index"))]
    links += [widgets.jslink((inner_slider, "index"), (s, "selected_index")) for s in inner_stacks]

    box = StaticExplorer([widgets.HBox([lr_slider, inner_slider]), stack])
    box.results, box.diverged, box.histories = results, diverged, histories
    box.lrs, box.inner_values, box.inner_name = lrs, inner, inner_name
    box.lr_slider, box.inner_slider, box.stack, box.links = lr_slider, inner_slider, stack, links
    box.frame_bytes = sum(len(f) for f in frames.values())
    return box


class _Run:
    """One grid point: the network after its epochs, their costs, and J after the last update."""

    def __init__(self, net, losses, J, diverged_at=None):
        self.net, self.losses, self.J, self.diverged_at = net, losses, J, diverged_at


def _train_points(X, y, hidden, activation, output, loss, seed, lr, epochs_list):
    """Train once for max(epochs_list) epochs; snapshot the network after each listed count.

    Full-batch gradient descent is deterministic, so the snapshot after e
    epochs is exactly the network ``fit(epochs=e)`` would give.
    """
    net = _network(X.shape[1], hidden, activation, output, loss, seed)
    wanted, snaps = set(epochs_list), {}

    def callback(epoch, net, J):
        if epoch + 1 in wanted:
            snaps[epoch + 1] = net.copy()

    try:
        losses, at = net.fit(X, y, lr=lr, epochs=max(epochs_list), callback=callback).losses, None
    except TrainingDiverged as e:
        losses, at = e.history.losses, e.epoch
    runs = {}
    for e in epochs_list:
        if e not in snaps:  # J became infinite at epoch ``at`` < e
            runs[e] = _Run(None, losses, math.inf, at)
            continue
        J = _cost_after(snaps[e], X, y)
        runs[e] = _Run(snaps[e], losses[:e], J, None if math.isfinite(J) else e)
    return runs


def _frame(fig, run, lr, what, x_max, colors):
    if run.diverged_at is None:
        title = f"lr = {lr:g}, {what}: J = {run.J:.3g} after {_epochs(len(run.losses))}"
        fig.update(run.net, run.losses, epochs=x_max, title=title)
    else:
        title = f"lr = {lr:g}, {what}: diverged at epoch {run.diverged_at}"
        fig.update(None, run.losses, epochs=x_max, title=title,
                   message=f"diverged at epoch {run.diverged_at}\ntry a smaller learning rate")
    return fig.to_png(compress_level=9, colors=colors)


def _record(run, key, results, diverged, histories):
    histories[key] = run.losses
    results[key] = run.J
    if run.diverged_at is not None:
        diverged[key] = run.diverged_at
