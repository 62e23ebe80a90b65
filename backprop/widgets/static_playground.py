"""The static playground: every (data set, depth, learning rate) trained in advance, with Play.

It works on a page without a kernel: buttons and a Play button are
``jslink``-ed to decks of precomputed frames (``widgets.Tab`` without its tab
bar, as in :mod:`backprop.widgets.explorer`), so the browser switches frames by
itself.  To fit many frames into one page, each frame is small (a palette PNG
of the cost curve, the field of yhat or the fitted curve, and each layer's
gradient size), and the data points, which are the same in every frame of a
data set, are drawn once per data set on a transparent picture laid over the
frames.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets

from ..runs import DIVERGED, frame_epochs, record, record_epochs
from ..validation import check_learning_rate, check_positive_int
from .figure import PlaygroundFigure
from .pieces import controls_row, deck, deck_style, frame_slider
from .playground_settings import (
    DATASETS,
    Settings,
    check_settings,
    classes_of,
    data_set,
    problem_of,
)

__all__ = ["StaticPlayground", "static_playground"]

FIGSIZE = (6.6, 2.2)  # inches; shown at 100 CSS px per inch, stored at 1x to fit the page budget
FRAME_COLORS = 16
OVERLAY_CLASS = "bp-overlay"
# The data sets it trains by default: those of two classes and the curve (each data set
# multiplies the frames stored in the page).
DEFAULT_DATA = tuple(d for d in DATASETS if d not in ("spirals3", "blobs3"))


def depth_label(depth, width):
    if depth == 0:
        return "no hidden layer"
    return f"{depth} hidden layer{'s' * (depth != 1)} of {width}"


class StaticPlayground(widgets.VBox):
    """The widget of :func:`static_playground`.

    Attributes
    ----------
    data_buttons, depth_buttons, lr_buttons : ipywidgets.ToggleButtons
        Their ``index`` is ``jslink``-ed to the decks.
    play : ipywidgets.Play
    slider : ipywidgets.SelectionSlider
        Over the epoch counts ``epochs_shown``; its ``index`` picks the frame.
    deck : ipywidgets.Tab
        The outer deck, one child per data set: a ``GridBox`` holding the
        deck of depths (each a deck of learning rates, each a deck of epoch
        frames) with the data set's points laid over it.
    frames : dict
        ``frames[(data, depth, lr, k)]`` is the ``ipywidgets.Image`` of frame k
        (epoch count ``epochs_shown[k]``).
    points : dict
        ``points[data]`` is the transparent ``ipywidgets.Image`` of the data points.
    results : dict
        ``results[(data, depth, lr)]`` is the run (``J``, ``losses``,
        ``verdict``, ``diverged_at``, ``grad_sizes``).
    titles : dict
        ``titles[(data, depth, lr, k)]``: the title drawn on that frame.
    links : list of the ``jslink`` widgets.
    readout_links : the ``jslink`` of each slider's ``index`` to its readout (a deck of
        Labels beside it, ``pieces.frame_slider``).
    frame_bytes : total size of the PNG frames and point pictures.
    """

    def __init__(self, data=DEFAULT_DATA, depths=(0, 1, 3), lrs=(0.03, 0.3, 3.0), *,
                 width=12, activation="relu", epochs=1000, frames=6, seed=0, interval=700):
        data = list(data)
        for d in data:
            data_set(d)
        depths = [int(d) for d in depths]
        if any(d < 0 for d in depths) or len(set(depths)) != len(depths) or not depths:
            raise ValueError(f"depths must be distinct numbers of hidden layers >= 0, got {depths}")
        lrs = [check_learning_rate(lr) for lr in lrs]
        if len(set(lrs)) != len(lrs) or not lrs:
            raise ValueError(f"lrs must be distinct learning rates, got {lrs}")
        width = check_positive_int(width, "width")
        epochs = check_positive_int(epochs, "epochs")
        self.data, self.depths, self.lrs, self.width = data, depths, lrs, width
        self.epochs_shown = frame_epochs(epochs, frames)
        records = record_epochs(epochs, 30)

        frame_layout = widgets.Layout(width="100%", max_width=f"{round(FIGSIZE[0] * 100)}px",
                                      height="auto", grid_area="f")
        self.frames, self.points, self.results, self.titles = {}, {}, {}, {}
        self.frame_bytes = 0
        data_children = []
        for d in data:
            X, y = data_set(d)
            problem = problem_of(X)
            K = classes_of(y, problem)
            classes = K if K is not None and K > 2 else None  # their default: a softmax output
            fig = PlaygroundFigure(X, y, problem, figsize=FIGSIZE, fontsize=7.5, resolution=40,
                                   points=False, classes=classes)
            depth_decks = []
            for depth in depths:
                lr_decks = []
                for lr in lrs:
                    s = Settings(data=d, hidden=(width,) * depth, activations=activation, lr=lr,
                                 epochs=epochs, seed=seed)
                    checked = check_settings(s, X, y)
                    result = record(checked.network(X.shape[1]), X, y, checked.lr, checked.epochs,
                                    batch_size=checked.batch_size, keep=self.epochs_shown,
                                    records=records)
                    self.results[(d, depth, lr)] = result
                    images = []
                    for k, e in enumerate(self.epochs_shown):
                        title = self._title(d, depth, lr, e, result, last=k == len(self.epochs_shown) - 1)
                        message = None
                        if result.diverged_at is not None and e >= result.diverged_at:
                            message = f"diverged at epoch {result.diverged_at}:\nJ became infinite"
                        fig.update(result, epoch=e, title=title, message=message, epochs=epochs)
                        png = fig.to_png(compress_level=9, colors=FRAME_COLORS)
                        self.frame_bytes += len(png)
                        img = widgets.Image(value=png, format="png", layout=frame_layout)
                        self.frames[(d, depth, lr, k)] = img
                        self.titles[(d, depth, lr, k)] = title
                        images.append(img)
                    lr_decks.append(deck(images, selected_index=0))
                depth_decks.append(deck(lr_decks, selected_index=len(lrs) // 2))
            over = PlaygroundFigure(X, y, problem, figsize=FIGSIZE, fontsize=7.5, resolution=4,
                                    points=False, classes=classes)
            png = over.points_png()
            self.frame_bytes += len(png)
            self.points[d] = widgets.Image(value=png, format="png", layout=frame_layout)
            inner = deck(depth_decks, selected_index=min(1, len(depths) - 1))
            inner.layout.grid_area = "f"
            box = widgets.GridBox([inner, self.points[d]], layout=widgets.Layout(
                grid_template_columns="100%", grid_template_rows="auto", grid_template_areas='"f"'))
            box.add_class(OVERLAY_CLASS)
            data_children.append(box)
        self.deck = deck(data_children, selected_index=0)

        def buttons(options, value, description):
            return widgets.ToggleButtons(options=options, value=value, description=description,
                                         style={"description_width": "110px", "button_width": "auto"})

        self.data_buttons = buttons([(d, d) for d in data], data[0], "data set")
        self.depth_buttons = buttons([(depth_label(k, width), k) for k in depths],
                                     depths[min(1, len(depths) - 1)], "hidden layers")
        self.lr_buttons = buttons([(f"{lr:g}", lr) for lr in lrs], lrs[len(lrs) // 2],
                                  "learning rate")
        self.slider, slider_row, readout_link = frame_slider(
            [(str(e), k) for k, e in enumerate(self.epochs_shown)], 0, "epochs")
        self.play = widgets.Play(value=0, min=0, max=len(self.epochs_shown) - 1, step=1,
                                 interval=int(interval), description="play", repeat=False,
                                 show_repeat=False)
        link = widgets.jslink
        self.links = [link((self.data_buttons, "index"), (self.deck, "selected_index")),
                      link((self.play, "value"), (self.slider, "index"))]
        self.readout_links = [readout_link]
        for box in data_children:
            depth_deck = box.children[0]
            self.links.append(link((self.depth_buttons, "index"), (depth_deck, "selected_index")))
            for lr_deck in depth_deck.children:
                self.links.append(link((self.lr_buttons, "index"), (lr_deck, "selected_index")))
                for epoch_deck in lr_deck.children:
                    self.links.append(link((self.slider, "index"), (epoch_deck, "selected_index")))
        super().__init__([self.data_buttons, self.depth_buttons, self.lr_buttons,
                          controls_row([self.play, slider_row]), self.deck, deck_style()])

    def _title(self, d, depth, lr, e, result, last):
        head = f"{d}, {depth_label(depth, self.width)}, lr {lr:g}: "
        if result.diverged_at is not None and e >= result.diverged_at:
            return head + f"diverged at epoch {result.diverged_at}"
        J = result.losses_until(e)[-1]
        text = head + f"epoch {e}, J = {J:.3g}"
        if last:
            text += f" ({result.verdict})" if result.verdict != DIVERGED else " (diverged: J rose)"
        return text

    def __repr__(self):
        return (f"StaticPlayground(data={self.data}, depths={self.depths}, lrs={self.lrs}, "
                f"frames={len(self.epochs_shown)})")


@functools.wraps(StaticPlayground, assigned=("__module__",), updated=())
def static_playground(data=DEFAULT_DATA, depths=(0, 1, 3), lrs=(0.03, 0.3, 3.0), **settings):
    """A precomputed playground that responds to its controls on a page without a kernel.

    Buttons choose the data set (``data``: names as in :func:`playground`; by
    default all but the three-class ones, ``DEFAULT_DATA``),
    the number of hidden layers (``depths``, each of ``width`` units with the
    ``activation``) and the learning rate (``lrs``); a Play button steps
    through ``frames`` epoch counts from 0 to ``epochs`` (about geometrically
    spaced, :func:`frame_epochs`).  Every combination is trained in advance
    with the playground's defaults otherwise (log loss with a sigmoid output
    for points of two classes, cross-entropy with a softmax output for three,
    squared error with an identity output for the curve; full batch;
    ``seed``), exactly as ``playground(...)`` with the same settings
    would train it, and each frame shows the cost curve up to that epoch, the
    decision boundary or fit, and each layer's gradient size ||dW[l]|| (from
    ``net.trace``).  Returns a :class:`StaticPlayground`.
    """
    return StaticPlayground(data, depths, lrs, **settings)
