"""The static explorer: every point of a grid trained in advance, frames picked by sliders."""

from __future__ import annotations

import functools

import ipywidgets as widgets

from ..runs import record
from ..validation import check_learning_rate, check_positive_int
from .figure import draw_frame, frame_figure
from .pieces import controls_row, deck, deck_style, frame_image, frame_slider
from .settings import describe, hidden_tuple, network, output_classes, setup

__all__ = ["StaticExplorer", "static_explorer"]


def _grid(values, name, check):
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or len(values) == 0:
        raise ValueError(f"{name} must be a non-empty list, got {values!r}")
    values = [check(v) for v in values]
    if len(set(values)) != len(values):
        raise ValueError(f"{name} has repeated values: {values}")
    return values


def units_grid(X, y, lrs, hidden_sizes, *, epochs, n_hidden_layers, activation, output, loss,
               seed, classes=None):
    """``{(lr, k): (label, Run)}``: ``n_hidden_layers`` layers of k units, ``epochs`` epochs each."""
    runs = {}
    for lr in lrs:
        for k in hidden_sizes:
            hidden = (k,) * n_hidden_layers
            net = network(X.shape[1], hidden, activation, output, loss, seed, classes)
            run = record(net, X, y, lr, epochs, keep=[epochs]).at(epochs)
            runs[(lr, k)] = (f"lr = {lr:g}, {describe(hidden)}", run)
    return runs


def epochs_grid_runs(X, y, lrs, epoch_counts, *, hidden, activation, output, loss, seed,
                     classes=None):
    """``{(lr, e): (label, Run)}``: one run per learning rate, seen after each epoch count e."""
    runs = {}
    for lr in lrs:
        net = network(X.shape[1], hidden, activation, output, loss, seed, classes)
        run = record(net, X, y, lr, max(epoch_counts), keep=epoch_counts)
        for e in epoch_counts:
            runs[(lr, e)] = (f"lr = {lr:g}, {describe(hidden)}", run.at(e))
    return runs


class StaticExplorer(widgets.VBox):
    """Two sliders over frames trained in advance; see :func:`static_explorer`.

    Attributes
    ----------
    results : dict
        ``results[(lr, k)]`` is the cost J of the trained network (after its
        last update, ``net.cost(X, y)``) at each grid point; ``math.inf``
        where training diverged.  ``k`` is the number of hidden units or of
        epochs.
    diverged : dict
        ``diverged[(lr, k)]`` is the epoch at which J became infinite.
    histories : dict
        ``histories[(lr, k)]`` is ``History.losses``: J at the start of each
        epoch (the finite part for a diverged run).
    verdicts : dict
        ``verdicts[(lr, k)]``: "converged", "did not converge" or "diverged".
    lrs, inner_values, inner_name : the grid ("hidden units" or "epochs").
    lr_slider, inner_slider : ipywidgets.SelectionSlider
    stack : the outer deck (an ``ipywidgets.Tab`` with its tab bar hidden; a
        ``Stack`` would recreate views and raise errors in the browser on
        fast moves): one inner deck per learning rate, one
        ``ipywidgets.Image`` per inner value
    frames : dict
        ``frames[(lr, k)]`` is the ``ipywidgets.Image`` of that grid point.
    links : the ``jslink`` widgets joining the sliders' ``index`` to the stacks.
    readout_links : the ``jslink`` of each slider's ``index`` to its readout (a deck of
        Labels beside it, ``pieces.frame_slider``).
    frame_bytes : total size of the PNG frames.
    """

    def __init__(self, X, y, *, lrs, hidden_sizes=None, epochs=None, epochs_grid=None,
                 activation="relu", output=None, loss="bce", seed=0, n_hidden_layers=1,
                 hidden=(), problem=None):
        X, y, output, problem = setup(X, y, loss, output, problem)
        lrs = _grid(lrs, "lrs", check_learning_rate)
        if (hidden_sizes is None) == (epochs_grid is None):
            raise ValueError("give exactly one of hidden_sizes (units grid) and epochs_grid")
        classes = output_classes(loss, y)
        net = {"activation": activation, "output": output, "loss": loss, "seed": seed,
               "classes": classes}
        if hidden_sizes is not None:
            inner = _grid(hidden_sizes, "hidden_sizes",
                          lambda n: check_positive_int(n, "a hidden size"))
            inner_name = "hidden units"
            if hidden:
                raise ValueError(
                    "hidden fixes the layers for an epochs grid; with hidden_sizes leave it ()")
            epochs = check_positive_int(1000 if epochs is None else epochs, "epochs")
            runs = units_grid(X, y, lrs, inner, epochs=epochs, **net,
                              n_hidden_layers=check_positive_int(n_hidden_layers,
                                                                 "n_hidden_layers"))
            start = 0
        else:
            if epochs is not None:
                raise ValueError("with epochs_grid the epochs come from the grid; do not pass epochs")
            inner = sorted(_grid(epochs_grid, "epochs_grid",
                                 lambda e: check_positive_int(e, "epochs")))
            inner_name = "epochs"
            epochs = inner[-1]
            runs = epochs_grid_runs(X, y, lrs, inner, hidden=hidden_tuple(hidden), **net)
            start = len(inner) - 1  # the end of training

        fig = frame_figure(X, y, problem, classes)
        pngs = {key: draw_frame(fig, run, label, epochs) for key, (label, run) in runs.items()}
        self.results = {key: run.J for key, (_, run) in runs.items()}
        self.diverged = {key: run.diverged_at for key, (_, run) in runs.items()
                         if run.diverged_at is not None}
        self.histories = {key: run.losses for key, (_, run) in runs.items()}
        self.verdicts = {key: run.verdict for key, (_, run) in runs.items()}
        self.lrs, self.inner_values, self.inner_name = lrs, inner, inner_name
        self.frame_bytes = sum(len(p) for p in pngs.values())
        self.frames = {key: frame_image(png, fig) for key, png in pngs.items()}

        self.lr_slider, lr_row, lr_link = frame_slider(
            [(f"{lr:g}", lr) for lr in lrs], lrs[len(lrs) // 2], "learning rate")
        self.inner_slider, inner_row, inner_link = frame_slider(
            [(str(k), k) for k in inner], inner[start], inner_name)
        self.stack, self.links = self._linked_stack()
        self.readout_links = [lr_link, inner_link]
        super().__init__([controls_row([lr_row, inner_row]), self.stack, deck_style()])

    def _linked_stack(self):
        """A deck with one inner deck per learning rate, and the jslinks that drive them."""
        inner_stacks = [
            deck([self.frames[(lr, k)] for k in self.inner_values],
                 selected_index=self.inner_slider.index)
            for lr in self.lrs
        ]
        stack = deck(inner_stacks, selected_index=self.lr_slider.index)
        links = [widgets.jslink((self.lr_slider, "index"), (stack, "selected_index"))]
        links += [widgets.jslink((self.inner_slider, "index"), (s, "selected_index"))
                  for s in inner_stacks]
        return stack, links


@functools.wraps(StaticExplorer, assigned=("__module__",), updated=())
def static_explorer(X, y, **settings):
    """A precomputed explorer that works on a static page (no kernel).

    The outer slider picks the learning rate from ``lrs``; the inner slider
    either the hidden units from ``hidden_sizes`` (``n_hidden_layers`` hidden
    layers of that many units, trained for ``epochs``, default 1000) or,
    with ``epochs_grid``, the number of epochs of one run of the network
    ``[n_0, *hidden, 1]`` (``hidden=()``: a single neuron).  Give exactly one
    of ``hidden_sizes`` and ``epochs_grid``.

    Every grid point is trained in advance (same seed, full batch, exactly as
    ``MLP(...).fit(...)``) and drawn as one PNG frame (the text column's
    width, stored at twice its pixels, a palette of 32 colours) showing the
    cost curve and the decision boundary or fit, or the epoch where training
    diverged, with J and the run's verdict in the title.  The sliders'
    ``index`` is ``jslink``-ed to the stack of frames, so the browser
    switches frames without a kernel.  The sliders start at the middle
    learning rate and at the first hidden size (or the last epoch count).
    Returns a :class:`StaticExplorer` (an ``ipywidgets.VBox``) with the
    numbers in ``.results``.
    """
    return StaticExplorer(X, y, **settings)
