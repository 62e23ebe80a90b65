"""The live playground: choose data, layers, activations, loss and learning rate; it trains and shows why.

Like the TensorFlow Playground (Smilkov et al., 2017), whose page address
holds its whole state (a seed included), so that a link recreates a run, it
keeps a configuration reproducible: here as one line of Python
(:meth:`Playground.config_line`) with the seed among the settings.  What it
adds is the log loss and the cross-entropy (several classes, a softmax
output) as well as the squared error, and the equations behind the
picture: the current dZ of each layer next to the formula, B1 or B2, that
produced it.  Like it, it can hold out test points (``split``).  (The
TensorFlow Playground has other things this one has not: L1 and L2
regularisation, label noise, and input features such as x1^2 and sin x1.)

The settings (what a reader typed, checked) live in
:mod:`backprop.widgets.playground_settings`, what is shown in
:mod:`backprop.widgets.playground_view`; a run is recorded by
:func:`backprop.runs.record`.
"""

from __future__ import annotations

import functools
import html
from time import perf_counter

import numpy as np

from .. import losses as _losses
from ..runs import DIVERGED, NOT_CONVERGED, record, record_epochs
from .figure import PlaygroundFigure
from .pieces import kernel_free_html, status_html
from .playground_settings import (
    DATASETS,
    DEFAULTS,
    Settings,
    check_data,
    check_settings,
    classes_of,
    config_line,
    data_set,
    default_loss,
    problem_of,
    test_mask,
)
from .playground_view import OWN_DATA, PlaygroundView, config_html, delta_table, error_line

__all__ = ["Playground", "playground"]


class Playground:
    """The live playground; :func:`playground` describes the settings.

    While a run longer than ``redraw_interval`` seconds (0.25) trains, the
    displayed widget redraws its picture at that interval; ``redraws`` counts
    the pictures of the last run.

    In Jupyter it shows as a widget whose controls retrain the network; on
    the book's static pages (no kernel) as its first picture, its
    configuration line and where it runs.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The controls, the figure (``image``), the status line (``status_html``),
        the current dZ of each layer (``delta_html``) and the configuration
        line (``config_html``).
    controls : dict
        The control widgets by setting name (``"data"``, ``"hidden"``,
        ``"activations"``, ``"output"``, ``"loss"``, ``"lr"``, ``"epochs"``,
        ``"batch_size"``, ``"seed"``, ``"init"``, ``"split"``).
    X, y : the data set (training and test points).
    test : boolean mask of the test points of X (none for ``split=0``);
        the network trains on ``X[~test]``.
    checked : the settings of the last run, checked (a ``Checked``), or None
        if the settings have an error.
    result : the last training run, a :class:`backprop.runs.Run` (``J``,
        ``losses``, ``verdict``, ``grad_epochs``, ``grad_sizes``), or None if
        the settings have an error; with test points its ``test_losses`` and
        ``test_J`` are the cost on them.
    net : the trained network (None if training diverged or the settings have an error).
    error : the message shown for settings that cannot train, else None.
    message : the status line as plain text.
    verdict : "converged", "did not converge" or "diverged" ("" after an error).
    delta_shown : dict
        ``delta_shown[l]`` is the part of dZ[l] the widget shows, each entry
        rounded to the 3 significant digits shown (rows: units, columns:
        examples); from ``net.trace(X, y)``.
    """

    redraw_interval = 0.25

    def __init__(self, data=None, *, X=None, y=None, hidden=DEFAULTS.hidden,
                 activations=DEFAULTS.activations, output=None, loss=None, lr=DEFAULTS.lr,
                 epochs=DEFAULTS.epochs, batch_size=None, seed=DEFAULTS.seed, init=DEFAULTS.init,
                 split=DEFAULTS.split):
        if (X is None) != (y is None):
            raise ValueError("give both X and y (your own data), or neither")
        if X is not None:
            if data is not None:
                raise ValueError("give either a data set name or your own X and y, not both")
            self.X, self.y = check_data(X, y)
            self.own_data = True
        else:
            data = "moons" if data is None else data
            self.X, self.y = data_set(data)
            self.own_data = False
        self.problem = problem_of(self.X)
        self.figure, self.test = self._first_figure(), np.zeros(len(self.y), dtype=bool)
        loss = default_loss(self.problem, classes_of(self.y, self.problem)) if loss is None else loss
        if output is None:
            output = _losses.LOSSES[loss].default_output if loss in _losses.LOSSES else "sigmoid"
        # The settings as the controls hold them; the widgets are made only when displayed.
        self._values = {
            "data": OWN_DATA if self.own_data else data, "hidden": self._text(hidden),
            "activations": self._text(activations), "output": output, "loss": loss, "lr": lr,
            "epochs": epochs, "batch_size": "all" if batch_size is None else str(batch_size),
            "seed": seed, "init": init, "split": split,
        }
        self._view = None
        self.result = self.net = self.error = self.checked = None
        self.message = self.verdict = ""
        self.delta_shown = {}
        self.redraws = 0
        self._png = self._status = self._config = self._delta = self._delta_tex = ""
        self._delta_notes = {}
        self.retrain()
        self._first_png = self.figure.to_png(compress_level=9, colors=32)
        self._first_message = self.message
        self._first_config = self.config_line() if self.error is None else self.error

    # ------------------------------------------------------------ the widget
    @property
    def widget(self):
        """The ipywidgets.VBox of the playground (made on first use)."""
        return self._shown().widget

    @property
    def controls(self):
        """The control widgets by setting name (made on first use)."""
        return self._shown().controls

    @property
    def image(self):
        return self._shown().image

    @property
    def status_html(self):
        return self._shown().status_html

    @property
    def config_html(self):
        return self._shown().config_html

    @property
    def delta_html(self):
        return self._shown().delta_html

    def _shown(self):
        if self._view is None:
            names = [OWN_DATA] if self.own_data else list(DATASETS)
            self._view = PlaygroundView(self._values, names, self.own_data, self._on_change)
            self._publish()
        return self._view

    def _publish(self):
        """Show the last run in the widgets, if they exist."""
        if self._view is not None:
            self._view.show(self._png, self._status, self._config, self._delta)

    def _sync_controls(self):
        if self._view is not None:
            self._view.sync(self._values)

    # ------------------------------------------------------------ settings
    @staticmethod
    def _text(value):
        if isinstance(value, str):
            return value
        if isinstance(value, (int, np.integer)):
            return str(value)
        return ", ".join(str(v) for v in value)

    @property
    def settings(self):
        """The current settings (a ``Settings``), as the controls hold them."""
        v = self._values
        return Settings(data=None if self.own_data else v["data"], hidden=v["hidden"],
                        activations=v["activations"], output=v["output"], loss=v["loss"],
                        lr=v["lr"], epochs=v["epochs"], batch_size=v["batch_size"], seed=v["seed"],
                        init=v["init"], split=v["split"])

    def set(self, **settings):
        """Change settings (names as in :func:`playground`) and retrain once; returns ``self``.

        A bad value shows its message in the widget (and in ``.error``)
        exactly as if typed into the controls.
        """
        unknown = set(settings) - set(self._values)
        if unknown:
            raise TypeError(f"unknown setting(s) {sorted(unknown)}; the playground has "
                            f"{', '.join(self._values)}")
        if "data" in settings:
            if self.own_data:
                raise ValueError("this playground trains on your own X and y; "
                                 "make a new one for a data set")
            data_set(settings["data"])  # a clear error for an unknown name
            self._change_data(settings.pop("data"))
        for name, value in settings.items():
            if name in ("hidden", "activations", "batch_size"):
                value = "all" if (name == "batch_size" and value is None) else self._text(value)
            self._values[name] = value
        self._sync_controls()
        self.retrain()
        return self

    def _change_data(self, name):
        """A new data set; the loss and output follow a change of the data's default loss
        (between points and a curve, or between two classes and more)."""
        old = default_loss(self.problem, classes_of(self.y, self.problem))
        self._values["data"] = name
        self.X, self.y = data_set(name)
        self.problem = problem_of(self.X)
        self.figure, self.test = self._first_figure(), np.zeros(len(self.y), dtype=bool)
        new = default_loss(self.problem, classes_of(self.y, self.problem))
        if new != old:
            self._values["loss"] = new
            self._values["output"] = _losses.get(new).default_output

    def _on_change(self, name, change):
        try:
            if name == "data":
                self._change_data(change["new"])
                self._sync_controls()
            else:
                self._values[name] = change["new"]
            self.retrain()
        except Exception as e:  # a control's callback must never print a traceback
            self._show_error(f"{type(e).__name__}: {e}")

    # ------------------------------------------------------------ training
    def retrain(self):
        """Train with the current settings and redraw; the run (a ``Run``), or None after an error."""
        try:
            checked = check_settings(self.settings, self.X, self.y)
        except ValueError as e:
            self._show_error(str(e))
            return None
        self.error, self.checked = None, checked
        self._fit_figure(checked)
        train = ~self.test
        X, y = self.X[train], self.y[train]
        test = (self.X[self.test], self.y[self.test]) if self.test.any() else None
        self.redraws = 0
        last = perf_counter()

        def progress(so_far):  # while a long run trains, redraw every redraw_interval seconds
            nonlocal last
            if self._view is None or perf_counter() - last < self.redraw_interval:
                return
            run = so_far()
            self.figure.update(run, title=f"training: epoch {run.epochs} of {checked.epochs}",
                               epochs=checked.epochs)
            self._view.image.value = self.figure.to_png()
            self.redraws += 1
            last = perf_counter()

        net = checked.network(self.X.shape[1])
        result = record(net, X, y, checked.lr, checked.epochs,
                        batch_size=checked.batch_size, records=record_epochs(checked.epochs),
                        progress=progress, test=test)
        self.result, self.net = result, result.net
        c = checked
        if result.diverged_at is not None:
            self.verdict = DIVERGED
            last = f"{result.losses[-1]:.3g}" if len(result.losses) else "its first value"
            text = (f"diverged: at epoch {result.diverged_at} the cost J became infinite "
                    f"(last finite J = {last}); the learning rate {c.lr:g} is too large for this "
                    f"network: try a smaller one, e.g. {c.lr / 10:g}")
            picture = (f"diverged at epoch {result.diverged_at}\n"
                       f"try a smaller learning rate")
            self.figure.update(result, title=f"diverged at epoch {result.diverged_at}",
                               message=picture)
        else:
            self.verdict = result.verdict
            text = f"J = {result.J:.3g} after {c.epochs} epoch{'s' * (c.epochs != 1)}: {self.verdict}"
            if self.verdict == DIVERGED:
                text += (f" (J rose from {result.losses[0]:.3g}: the learning rate {c.lr:g} is "
                         f"too large; try a smaller one)")
            elif self.verdict == NOT_CONVERGED:
                text += " (J is still changing: more epochs, or another learning rate)"
            text += self._scores()
            self.figure.update(result, title=text.split(" (")[0].split(";")[0])
        self.message = text
        self._png = self.figure.to_png()
        self.redraws += 1
        self._status = status_html(text, self.verdict)
        self._config = config_html(self.config_line())
        self._show_delta()
        self._publish()
        return result

    def _show_error(self, text):
        self.error, self.result, self.net, self.checked, self.verdict = text, None, None, None, ""
        self.message = text
        self.delta_shown, self._delta_notes = {}, {}
        self.figure.update(None, title="no training: fix the setting below",
                           message="fix the setting:\nsee the message below")
        self._png = self.figure.to_png()
        self._status = error_line(text)
        self._config = self._delta = self._delta_tex = ""
        self._publish()

    def _first_figure(self):
        """The figure for new data, before the settings are known (the class regions for
        more than two classes, as their default softmax output draws them)."""
        K = classes_of(self.y, self.problem)
        return PlaygroundFigure(self.X, self.y, self.problem,
                                classes=K if K is not None and K > 2 else None)

    def _fit_figure(self, checked):
        """A new figure when the picture changes kind (yhat field or class regions) or the
        test points change."""
        classes = checked.classes if checked.output == "softmax" else None
        test = test_mask(len(self.y), checked.split)
        if classes != self.figure.classes or not np.array_equal(test, self.test):
            self.test = test
            self.figure = PlaygroundFigure(self.X, self.y, self.problem, classes=classes,
                                           test=test if test.any() else None)

    def _scores(self):
        """The status line's end: the share classified right (training and test points), or
        the cost on the test points of a curve."""
        if self.problem != "classification":
            return f"; test J = {self.result.test_J:.3g}" if self.test.any() else ""
        where = "on the right side" if self.net.sizes[-1] == 1 else "in their class's region"
        if not self.test.any():
            return f"; {100 * self.accuracy:.1f}% of the points {where}"
        return (f"; {100 * self.accuracy:.1f}% of the training points {where}, "
                f"{100 * self.test_accuracy:.1f}% of the test points")

    def _right(self, rows):
        """Which of the points ``rows`` the network puts on their class's side (or region)."""
        X, y = self.X[rows], self.y[rows]
        if self.net.sizes[-1] == 1:
            return (self.net.forward(X)[:, 0] >= 0.5) == (y == 1)
        return self.net.predict(X) == y

    @property
    def accuracy(self):
        """The fraction of the training points on their class's side of yhat = 0.5, or in
        their class's region for a softmax output (None for a curve)."""
        if self.net is None or self.problem != "classification":
            return None
        return float(np.mean(self._right(~self.test)))

    @property
    def test_accuracy(self):
        """The same fraction for the test points (None without test points, or for a curve)."""
        if self.net is None or self.problem != "classification" or not self.test.any():
            return None
        return float(np.mean(self._right(self.test)))

    # ------------------------------------------------------------ what it shows
    def _show_delta(self):
        """dZ[l] of every layer from ``net.trace`` next to the equation that computes it."""
        self.delta_shown, self._delta_notes, self._delta_tex = {}, {}, ""
        if self.net is None:
            self._delta = "<em>No dZ to show: training diverged.</em>"
            return
        c = self.checked
        train = ~self.test
        self._delta, self._delta_tex, self.delta_shown, self._delta_notes = delta_table(
            self.net.trace(self.X[train], self.y[train]), (*c.activations, c.output), c.loss)

    def picture(self):
        """The current picture as an ``IPython.display.Image`` (a palette PNG, small for a page)."""
        from IPython.display import Image  # IPython only to display a picture

        return Image(self.figure.to_png(compress_level=9, colors=32))

    def equations(self):
        """The dZ the widget shows, each under its equation, as ``IPython.display.Math``.

        For a page without the widget (the book's site) and for printing:
        the same equations and values as the widget's table.  Raises
        ``ValueError`` when there is no dZ (an error, or training diverged).
        """
        from IPython.display import Math  # IPython only to display the equations

        if not self._delta_tex:
            raise ValueError(f"no dZ to show: {self.error or 'training diverged'}")
        return Math(self._delta_tex)

    def delta_text(self):
        """The dZ the widget shows, as plain text lines (for printing)."""
        if not self.delta_shown:
            return "no dZ: " + (self.error or "training diverged")
        out = []
        for l in sorted(self.delta_shown, reverse=True):
            out.append(f"dZ[{l}] ({self._delta_notes[l].split(',')[0]}): first rows and columns")
            for row in self.delta_shown[l]:
                out.append("   " + " ".join(f"{v:>10.3g}" for v in row))
        return "\n".join(out)

    def config_line(self):
        """One line of Python that recreates this configuration exactly.

        Only the settings that differ from the defaults are written.  For
        your own data the line refers to your arrays as ``X`` and ``y``.
        Raises ``ValueError`` while the settings have an error.
        """
        checked = check_settings(self.settings, self.X, self.y)
        return config_line(checked, None if self.own_data else self._values["data"], self.own_data)

    # ------------------------------------------------------------ display
    def __repr__(self):
        return f"<Playground: {self.config_line() if self.error is None else self.error}>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget for Jupyter; for the static book its first picture (text/html)."""
        data = self.widget._repr_mimebundle_()
        data["text/html"] = self.static_html()
        return data

    def static_html(self):
        """What the static book shows instead of the live widget: its first picture and a line."""
        return kernel_free_html(
            self._first_png, self._first_message, 700,
            "The live playground: its controls retrain the network",
            f"<p>Its configuration: <code>{html.escape(self._first_config)}</code></p>")


@functools.wraps(Playground, assigned=("__module__",), updated=())
def playground(data=None, *, X=None, y=None, **settings):
    """A playground: build a network, train it, and see the cost, the boundary and the gradients.

    ``data`` is one of ``"moons"`` (the default), ``"circles"``, ``"xor"``,
    ``"spirals"``, ``"blobs"`` (two classes in the plane: the picture is the
    decision boundary), ``"spirals3"``, ``"blobs3"`` (three classes: the
    picture colours each region by its predicted class, paler where the
    network is less sure) or ``"curve"`` (a noisy sine: the picture is the
    fit), or pass your own ``X`` and ``y``: X of shape (m, 2) with labels y in
    {0, 1} (e.g. from :func:`backprop.datasets.function_boundary`), or X of
    shape (m, 1) with numbers y.

    Settings (each also a control of the widget): ``hidden`` (the hidden
    layers' sizes, e.g. ``(8, 8)``; ``()`` is no hidden layer),
    ``activations`` (one name for every hidden layer, or one per layer),
    ``loss`` (``"bce"``, the log loss, ``"cross_entropy"`` or ``"mse"``, the
    squared error; default: log loss for points of two classes,
    cross-entropy for three, squared error for the curve), ``output`` (the
    output layer's activation; default: sigmoid for the log loss, softmax
    for the cross-entropy, identity for the squared error), ``lr``,
    ``epochs``, ``batch_size``
    (None: full batch), ``seed`` (the initial weights and the order of
    the mini-batches) and ``init`` (how the initial weights are scaled:
    ``"auto"``, ``"he"``, ``"lecun"``, ``"glorot"``, ``"zeros"`` or
    ``("normal", sigma)``, as :class:`~backprop.MLP` takes it; chapter 10)
    and ``split`` (the share of test points in percent: 0, 20 or 50; with
    k = 5 or 2, point i is a test point when i % k == k - 1, and the network
    trains on the others; the cost panel adds their cost, dashed, the
    picture draws them hollow and the status line gives their accuracy, or
    their cost for the curve).
    At most 8 hidden layers of 256 units and 100000 epochs, so that a retrain
    stays interactive.  The network is ``MLP([n_0, *hidden, n_L],
    [*activations, output], loss, seed, init)``, with n_L = 1, or K, one
    unit per class, for a softmax output, trained by ``fit`` on the training
    points, so the same settings always give the same numbers.

    The widget retrains whenever a control changes (a run longer than a
    quarter of a second is redrawn while it trains) and shows the cost curve,
    the boundary or fit, the size of each layer's gradient dW[l] during
    training (from ``net.trace``), the current dZ of each layer next to the
    equation (B1, B2) that computed it, and one line of Python that recreates
    the configuration (:meth:`Playground.config_line`).  A setting that
    cannot train (log loss with an identity output, an empty layer, zero
    epochs, a batch larger than the data, ...) shows a readable message in
    the widget instead of a traceback; a learning rate that diverges says
    so.  Returns a :class:`Playground`; change it with ``.set(...)``.
    """
    return Playground(data, X=X, y=y, **settings)

