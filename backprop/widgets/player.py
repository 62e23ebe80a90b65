"""A play button that steps through the epochs of one precomputed run (works on static pages)."""

from __future__ import annotations

import functools

import ipywidgets as widgets

from ..runs import frame_epochs, record
from ..validation import check_learning_rate, check_positive_int
from .figure import draw_frame, frame_figure
from .pieces import deck, frame_image, frame_player
from .settings import describe, hidden_tuple, network, output_classes, setup

__all__ = ["TrainingPlayer", "training_player"]


class TrainingPlayer(widgets.VBox):
    """The widget of :func:`training_player`: a Play button, a slider and a deck of frames.

    Attributes
    ----------
    play : ipywidgets.Play
    slider : ipywidgets.SelectionSlider
        Labelled with the epoch counts; its ``index`` is the frame number.
    stack : ipywidgets.Tab
        One ``ipywidgets.Image`` per frame, one shown at a time (a Tab with
        its tab bar hidden: unlike a ``Stack`` it keeps every frame's view,
        so fast moves raise no error in the browser).
    links : the two ``jslink`` widgets (play value -> slider index -> stack index).
    readout_links : the ``jslink`` of each slider's ``index`` to its readout (a deck of
        Labels beside it, ``pieces.frame_slider``).
    epochs_shown : list of int
        The epoch count of each frame (0 is the untrained network).
    losses : numpy.ndarray
        J at the start of each epoch of the run (before its update); the
        finite part if it diverged.
    results : list of float
        J after each shown epoch count (``math.inf`` once it diverged).
    runs : list of the frames' runs (network, costs, verdict).
    frame_bytes : total size of the PNG frames.
    """

    def __init__(self, X, y, *, hidden=(16,), activation="relu", output=None, loss="bce",
                 lr=0.5, epochs=1000, frames=30, seed=0, problem=None, interval=400):
        X, y, output, problem = setup(X, y, loss, output, problem)
        hidden = hidden_tuple(hidden)
        lr = check_learning_rate(lr)
        epochs = check_positive_int(epochs, "epochs")
        self.epochs_shown = frame_epochs(epochs, frames)
        classes = output_classes(loss, y)
        net = network(X.shape[1], hidden, activation, output, loss, seed, classes)
        run = record(net, X, y, lr, epochs, keep=self.epochs_shown)
        self.runs = [run.at(e) for e in self.epochs_shown]
        self.losses = self.runs[-1].losses
        self.results = [r.J for r in self.runs]

        fig = frame_figure(X, y, problem, classes)
        label = f"lr = {lr:g}, {describe(hidden)}"
        pngs = [draw_frame(fig, r, label, epochs, with_verdict=r is self.runs[-1]) for r in self.runs]
        self.frame_bytes = sum(len(p) for p in pngs)
        self.stack = deck([frame_image(p, fig) for p in pngs], selected_index=0)
        shown = frame_player(self.stack, self.epochs_shown, "epochs", interval)
        self.play, self.slider, self.links, self.readout_links = shown[:4]
        super().__init__(shown.children)

    def __repr__(self):
        return f"TrainingPlayer(frames={len(self.epochs_shown)}, epochs={self.epochs_shown[-1]})"


@functools.wraps(TrainingPlayer, assigned=("__module__",), updated=())
def training_player(X, y, **settings):
    """A Play button that steps through one precomputed training run (no kernel needed).

    One full-batch run of ``MLP([n_0, *hidden, 1],
    [activation] * len(hidden) + [output], loss, seed)`` with learning rate
    ``lr`` for ``epochs`` epochs, exactly as ``fit`` trains it, and a frame
    (the cost curve up to that epoch beside the decision boundary or fit) at
    each of ``frames`` epoch counts from 0 to ``epochs``, spaced about
    geometrically so that the fast early changes get frames too
    (:func:`frame_epochs`).  The Play button is ``jslink``-ed to a slider
    over those counts and the slider to a deck of the frames, so the
    browser plays them by itself on a static page.  ``problem`` is as in
    :func:`live_trainer`; ``interval`` is milliseconds per frame.

    Returns a :class:`TrainingPlayer` with ``.play``, ``.slider``,
    ``.stack``, ``.epochs_shown``, ``.losses`` and ``.results`` (J after each
    shown epoch count).
    """
    return TrainingPlayer(X, y, **settings)
