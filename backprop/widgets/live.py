"""The live trainer: a network that retrains whenever a slider moves (needs a running kernel)."""

from __future__ import annotations

import functools
import html
import math
from time import perf_counter

import ipywidgets as widgets

from ..network import History
from ..runs import DIVERGED, record
from ..validation import check_learning_rate, check_positive_int
from .figure import CSS_DPI, FRAME_COLORS, TrainingFigure
from .pieces import WIDE, kernel_free_html, status_html
from .settings import describe, hidden_tuple, network, output_classes, setup

__all__ = ["LiveTrainer", "live_trainer"]

_NOTE = ("Retrains when you release a slider. While it trains, the picture is redrawn every "
         "{interval:g} s, so a run shorter than that shows only its end. The curve is the cost J "
         "at the start of each epoch (before its update); the J in the title is after the last "
         "update.")


class LiveTrainer:
    """A network that retrains whenever a slider moves; :func:`live_trainer` describes the settings.

    In Jupyter it shows as the live widget; on the book's static pages
    (which have no kernel to retrain) as its first picture with a line
    saying where it runs: its display bundle holds both, and the book's
    ``_config.yml`` tells the HTML builder to prefer the picture.

    Attributes
    ----------
    widget : ipywidgets.VBox
        Sliders, the figure (``image``, an ``ipywidgets.Image``), a status
        line (``status_html``) and a note on what is drawn.
    lr_slider : ipywidgets.FloatLogSlider
    hidden_sliders : list of ipywidgets.IntSlider, one per hidden layer
    epochs_slider : ipywidgets.IntSlider
    net, history : the last trained network and its History (``history`` is
        None when J became infinite; ``net`` then holds the last finite parameters)
    J : the cost of the trained network, ``net.cost(X, y)`` after its last
        update (``math.inf`` when it became infinite)
    status : "trained", or "diverged" when J became infinite
    verdict : "converged", "did not converge" or "diverged" (see
        :func:`backprop.runs.verdict`: diverged also when J ended above
        where it started; converged when J settled within 1% over the last
        tenth of the epochs); only "converged" is shown in green
    last_message : the status line as plain text
    redraws : how many pictures the last run drew (during training and at the end)
    """

    def __init__(self, X, y, *, hidden=(16,), activation="relu", output=None, loss="bce",
                 lr=0.5, epochs=1000, seed=0, lr_range=(1e-3, 10.0), max_hidden=32,
                 problem=None, redraw_interval=0.2, max_epochs=None):
        self.X, self.y, self.output, self.problem = setup(X, y, loss, output, problem)
        self.activation, self.loss, self.seed = activation, loss, seed
        max_hidden = check_positive_int(max_hidden, "max_hidden")
        hidden = hidden_tuple(hidden, max_hidden)
        self.classes = output_classes(loss, self.y)  # K for the cross-entropy, else None
        network(self.X.shape[1], hidden, activation, self.output, loss, seed,
                self.classes)  # checks names
        lo, hi = (check_learning_rate(v) for v in lr_range)
        lr = check_learning_rate(lr)
        if not lo <= lr <= hi:
            raise ValueError(f"lr = {lr:g} is outside lr_range = ({lo:g}, {hi:g})")
        epochs = check_positive_int(epochs, "epochs")
        max_epochs = check_positive_int(max_epochs or max(5000, epochs), "max_epochs")
        self.redraw_interval = float(redraw_interval)

        self.figure = TrainingFigure(self.X, self.y, problem=self.problem, classes=self.classes)
        self.lr_slider = widgets.FloatLogSlider(
            value=lr, base=10, min=math.log10(lo), max=math.log10(hi), step=0.05,
            description="learning rate", readout_format=".3g", continuous_update=False,
            style=WIDE,
        )
        self.hidden_sliders = [
            widgets.IntSlider(value=n, min=1, max=max_hidden, description=f"units n_{l + 1}",
                              continuous_update=False, style=WIDE)
            for l, n in enumerate(hidden)
        ]
        self.epochs_slider = widgets.IntSlider(
            value=epochs, min=1, max=max_epochs, step=1, description="epochs",
            continuous_update=False, style=WIDE,
        )
        width = f"{round(self.figure.fig.get_figwidth() * CSS_DPI)}px"
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=width))
        self.status_html = widgets.HTML()
        note = widgets.HTML(f'<span style="color:#555">'
                            f'{html.escape(_NOTE.format(interval=self.redraw_interval))}</span>',
                            layout=widgets.Layout(max_width=width))
        self.widget = widgets.VBox([
            widgets.HBox([self.lr_slider, self.epochs_slider]),
            widgets.HBox(self.hidden_sliders),
            self.image,
            self.status_html,
            note,
        ])
        self.net = self.history = self.J = None
        self.status = self.verdict = self.last_message = ""
        self.redraws = 0
        self.last_error = None
        self._holding = False
        for s in (self.lr_slider, self.epochs_slider, *self.hidden_sliders):
            s.observe(self._on_change, "value")
        self.retrain()
        # The first picture is stored in the notebook (widget state) and shown on the static
        # site: a palette PNG, several times smaller; later redraws favour speed instead.
        self._first_png = self.figure.to_png(compress_level=9, colors=FRAME_COLORS)
        self.image.value, self._first_message = self._first_png, self.last_message

    def __repr__(self):
        return (f"LiveTrainer(problem={self.problem!r}, lr={self.lr:g}, "
                f"hidden={self.hidden}, epochs={self.epochs})")

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget for Jupyter, and for the static book its first picture (text/html)."""
        data = self.widget._repr_mimebundle_()
        data["text/html"] = self.static_html()
        return data

    def static_html(self):
        """What the static book shows instead of the live widget: its first picture and a line."""
        width = round(self.figure.fig.get_figwidth() * CSS_DPI)
        return kernel_free_html(self._first_png, self._first_message, width,
                                "A live trainer: its sliders retrain the network")

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
            hidden = hidden_tuple(hidden)
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
            self._show_status(f"error: {type(e).__name__}: {e}", DIVERGED)

    def retrain(self):
        """Train a fresh network with the sliders' settings; its History, or None if J became infinite.

        The figure is redrawn at most every ``redraw_interval`` seconds while
        training and once at the end.
        """
        lr, hidden, epochs = self.lr, self.hidden, self.epochs
        net = network(self.X.shape[1], hidden, self.activation, self.output, self.loss, self.seed,
                      self.classes)
        setting = f"lr = {lr:.3g}, {describe(hidden)}"
        self.redraws = 0
        last_draw = perf_counter()

        def progress(so_far):
            nonlocal last_draw
            if perf_counter() - last_draw >= self.redraw_interval:
                run = so_far()
                self._draw(net, run.losses, epochs, f"{setting}: training, epoch {run.epochs}")
                last_draw = perf_counter()

        run = record(net, self.X, self.y, lr, epochs, progress=progress)
        history = None  # J became infinite; ``net`` keeps the last finite parameters
        if run.diverged_at is None:
            history = History(run.losses, lr)
            title = f"{setting}: {run.summary()}"
            if epochs == 1:
                title = (f"{setting}: J = {run.J:.3g} after the update "
                         f"(the point: J = {run.losses[0]:.3g} before it)")
            self._draw(net, run.losses, epochs, title)
        else:
            self._draw(None, run.losses, epochs, f"{setting}: diverged at epoch {run.diverged_at}",
                       f"diverged at epoch {run.diverged_at}\ntry a smaller learning rate")
        message = f"{run.summary()} ({setting})"
        if run.diverged_at is not None:
            message = (f"diverged at epoch {run.diverged_at} with lr {lr:.3g} (J became "
                       f"infinite): try a smaller learning rate")
        elif self.figure.leaves_plot:
            message += "; the fitted curve leaves the plot"

        self.net, self.history, self.J = net, history, run.J
        self.status = "trained" if run.diverged_at is None else "diverged"
        self.verdict = run.verdict
        self._show_status(message, self.verdict)
        return history

    def _draw(self, net, losses, epochs, title, message=None):
        self.figure.update(net, losses, epochs=epochs, title=title, message=message)
        self.image.value = self.figure.to_png()
        self.redraws += 1

    def _show_status(self, text, verdict):
        self.last_message = text
        self.status_html.value = status_html(text, verdict)


@functools.wraps(LiveTrainer, assigned=("__module__",), updated=())
def live_trainer(X, y, **settings):
    """A widget that retrains a network on (X, y) whenever a slider moves (needs a kernel).

    Sliders: the learning rate (logarithmic, within ``lr_range``), the units
    of each hidden layer (1 to ``max_hidden``; none when ``hidden=()``, a
    single neuron) and the number of epochs (1 to ``max_epochs``, default
    max(5000, epochs)).  The network is ``MLP([n_0, *hidden, 1],
    [activation] * len(hidden) + [output], loss, seed)`` trained full-batch by
    ``fit``, so the same settings always give the same result.  While it
    trains the picture is redrawn every ``redraw_interval`` seconds (a
    shorter run shows only its end; the widget says so).

    ``problem`` follows from the loss unless given: ``"bce"`` means
    classification (X with 2 features: the figure shows the decision
    boundary), ``"mse"`` regression (X with 1 feature: the fitted curve).
    ``output`` defaults to ``"sigmoid"`` for bce and ``"identity"`` for mse.

    The status line says whether the run converged, did not converge or
    diverged (green only when it converged); a run whose J becomes infinite
    shows "diverged at epoch k ...: try a smaller learning rate" instead of
    raising.  On the book's static pages the trainer shows its first
    picture and where to run it.  Returns a :class:`LiveTrainer`; display
    it, move sliders, or call ``.set(lr=..., hidden=..., epochs=...)``.
    """
    return LiveTrainer(X, y, **settings)
