"""The live playground: choose data, layers, activations, loss and learning rate; it trains and shows why.

What readers of the TensorFlow Playground (Smilkov et al., 2017) ask for and
do not get there is built in: the log loss as well as the squared error, the
equations behind the picture (the current dZ of each layer next to the
formula, B1 or B2, that produced it), a seed, and one line of Python that
recreates the configuration exactly (:meth:`Playground.config_line`).
"""

from __future__ import annotations

import functools
import html
from time import perf_counter

import numpy as np

from ._playground_core import (
    DATASETS,
    DEFAULTS,
    LOSS_NAMES,
    OUTPUTS,
    PlaygroundFigure,
    Settings,
    check_data,
    check_settings,
    data_set,
    default_loss,
    problem_of,
    train,
)
from ._runs import COLORS, DIVERGED, NOT_CONVERGED
from .live import kernel_free_html

__all__ = ["Playground", "playground"]

OWN_DATA = "your data"
DELTA_ROWS, DELTA_COLS = 3, 4  # the part of each dZ[l] the widget shows


def tex_number(v):
    """``v`` to 3 significant digits in TeX (``1.23\\times 10^{-5}`` for small numbers)."""
    s = f"{float(v) + 0.0:.3g}"  # + 0.0: no "-0"
    if "e" in s:
        mantissa, exp = s.split("e")
        return rf"{mantissa}\times 10^{{{int(exp)}}}"
    return s


def _dz(l):
    return rf"\mathrm{{d}}Z^{{[{l}]}}"


def delta_formula(l, L, activations, loss):
    """TeX of the equation that produced dZ[l]: B1 for the output layer, B2 below it."""
    if l == L:
        A = rf"A^{{[{L}]}}"
        if loss == "bce":
            return rf"{_dz(L)} = \tfrac{{1}}{{m}}\big({A} - Y\big)", "B1, log loss with a sigmoid output"
        g = activations[L - 1]
        if g == "identity":
            return (rf"{_dz(L)} = \tfrac{{2}}{{m}}\big({A} - Y\big)",
                    "B1, squared error; the identity's g' = 1")
        return (rf"{_dz(L)} = \tfrac{{2}}{{m}}\big({A} - Y\big) \odot "
                rf"\mathrm{{{g}}}'\big(Z^{{[{L}]}}\big)", "B1, squared error")
    g = activations[l - 1]
    return (rf"{_dz(l)} = \big(W^{{[{l + 1}]\top}}\,{_dz(l + 1)}\big) \odot "
            rf"\mathrm{{{g}}}'\big(Z^{{[{l}]}}\big)", "B2")


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
        ``"batch_size"``, ``"seed"``).
    X, y : the training data.
    result : the last training run (``J``, ``losses``, ``verdict``,
        ``grad_epochs``, ``grad_sizes``), or None if the settings have an error.
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
                 epochs=DEFAULTS.epochs, batch_size=None, seed=DEFAULTS.seed):
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
        self.figure = PlaygroundFigure(self.X, self.y)
        loss = default_loss(self.problem) if loss is None else loss
        from .. import losses as _losses

        if output is None:
            output = _losses.LOSSES[loss].default_output if loss in _losses.LOSSES else "sigmoid"
        # The settings as the controls hold them; the widgets are made only when displayed.
        self._values = {
            "data": OWN_DATA if self.own_data else data, "hidden": self._text(hidden),
            "activations": self._text(activations), "output": output, "loss": loss, "lr": lr,
            "epochs": epochs, "batch_size": "all" if batch_size is None else str(batch_size),
            "seed": seed,
        }
        self._widget = self._controls = None
        self.result = self.net = self.error = None
        self.message = self.verdict = ""
        self.delta_shown = {}
        self.redraws = 0
        self._png = self._status = self._config = self._delta = self._delta_tex = ""
        self._holding = False
        self.retrain()
        self._first_png = self.figure.to_png(compress_level=9, colors=32)
        self._first_message = self.message
        self._first_config = self.config_line() if self.error is None else self.error

    # ------------------------------------------------------------ the widget
    @property
    def widget(self):
        """The ipywidgets.VBox of the playground (made on first use)."""
        if self._widget is None:
            self._build()
        return self._widget

    @property
    def controls(self):
        """The control widgets by setting name (made on first use)."""
        if self._widget is None:
            self._build()
        return self._controls

    def _build(self):
        import ipywidgets as widgets

        v = self._values
        wide = {"description_width": "initial"}
        small = widgets.Layout(width="auto")
        names = [OWN_DATA] if self.own_data else list(DATASETS)
        losses = [(name, key) for key, name in LOSS_NAMES.items()]
        c = {
            "data": widgets.Dropdown(options=names, value=v["data"], description="data",
                                     disabled=self.own_data, style=wide, layout=small),
            "hidden": widgets.Text(value=v["hidden"], description="hidden layer sizes",
                                   placeholder="e.g. 8, 8", continuous_update=False, style=wide),
            "activations": widgets.Text(value=v["activations"], description="activations",
                                        placeholder="relu or relu, tanh", continuous_update=False,
                                        style=wide),
            "output": widgets.Dropdown(options=list(OUTPUTS),
                                       value=v["output"] if v["output"] in OUTPUTS else None,
                                       description="output", style=wide, layout=small),
            "loss": widgets.Dropdown(options=losses,
                                     value=v["loss"] if v["loss"] in LOSS_NAMES else None,
                                     description="loss", style=wide, layout=small),
            "lr": widgets.FloatText(value=v["lr"], description="learning rate", style=wide,
                                    layout=widgets.Layout(width="190px")),
            "epochs": widgets.IntText(value=v["epochs"], description="epochs", style=wide,
                                      layout=widgets.Layout(width="150px")),
            "batch_size": widgets.Text(value=v["batch_size"], description="batch size",
                                       continuous_update=False, style=wide,
                                       layout=widgets.Layout(width="150px")),
            "seed": widgets.IntText(value=v["seed"], description="seed", style=wide,
                                    layout=widgets.Layout(width="120px")),
        }
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="700px",
                                                                        max_width="100%"))
        self.status_html = widgets.HTML()
        self.config_html = widgets.HTML()
        self.delta_html = widgets.HTMLMath()
        self._controls = c
        self._widget = widgets.VBox([
            widgets.HBox([c["data"], c["loss"], c["output"]]),
            widgets.HBox([c["hidden"], c["activations"]]),
            widgets.HBox([c["lr"], c["epochs"], c["batch_size"], c["seed"]]),
            self.image, self.status_html, self.config_html, self.delta_html,
        ])
        for name, w in c.items():
            w.observe(functools.partial(self._on_change, name), "value")
        self._publish()

    def _publish(self):
        """Show the last run in the widgets, if they exist."""
        if self._widget is None:
            return
        self.image.value = self._png
        self.status_html.value = self._status
        self.config_html.value = self._config
        self.delta_html.value = self._delta

    def _sync_controls(self):
        if self._controls is None:
            return
        self._holding = True
        try:
            for name, w in self._controls.items():
                value = self._values[name]
                if name in ("loss", "output"):
                    options = LOSS_NAMES if name == "loss" else OUTPUTS
                    value = value if value in options else None
                if w.value != value:
                    w.value = value
        finally:
            self._holding = False

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
                        lr=v["lr"], epochs=v["epochs"], batch_size=v["batch_size"], seed=v["seed"])

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
        """A new data set; the loss and output follow a change between points and a curve."""
        old = self.problem
        self._values["data"] = name
        self.X, self.y = data_set(name)
        self.problem = problem_of(self.X)
        self.figure = PlaygroundFigure(self.X, self.y)
        if self.problem != old:
            self._values["loss"] = default_loss(self.problem)
            self._values["output"] = "sigmoid" if self.problem == "classification" else "identity"

    def _on_change(self, name, change):
        if self._holding:
            return
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
        """Train with the current settings and redraw; the run (a ``Result``), or None after an error."""
        try:
            checked = check_settings(self.settings, self.X, self.y)
        except ValueError as e:
            self._show_error(str(e))
            return None
        self.error = None
        self.redraws = 0
        last = perf_counter()

        def progress(partial):  # while a long run trains, redraw every redraw_interval seconds
            nonlocal last
            if self._widget is None or perf_counter() - last < self.redraw_interval:
                return
            partial = partial()
            e = len(partial.losses)
            self.figure.update(partial, title=f"training: epoch {e} of {checked.epochs}")
            self.image.value = self.figure.to_png()
            self.redraws += 1
            last = perf_counter()

        result = train(checked, self.X, self.y, progress=progress)
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
            if self.problem == "classification":
                text += f"; {100 * self.accuracy:.1f}% of the points on the right side"
            self.figure.update(result, title=text.split(" (")[0].split(";")[0])
        self.message = text
        self._png = self.figure.to_png()
        self.redraws += 1
        self._status = f'<span style="color:{COLORS[self.verdict]}">{html.escape(text)}</span>'
        self._config = f"Recreate this configuration: <code>{html.escape(self.config_line())}</code>"
        self._show_delta()
        self._publish()
        return result

    def _show_error(self, text):
        self.error, self.result, self.net, self.verdict = text, None, None, ""
        self.message = text
        self.delta_shown = {}
        self.figure.update(None, title="no training: fix the setting below",
                           message="fix the setting:\nsee the message below")
        self._png = self.figure.to_png()
        self._status = (f'<span style="color:{COLORS[DIVERGED]}">'
                        f"Cannot train: {html.escape(text)}</span>")
        self._config = self._delta = self._delta_tex = ""
        self._publish()

    @property
    def accuracy(self):
        """The fraction of the points on their class's side of yhat = 0.5 (None for a curve)."""
        if self.net is None or self.problem != "classification":
            return None
        return float(np.mean((self.net.forward(self.X)[:, 0] >= 0.5) == (self.y == 1)))

    # ------------------------------------------------------------ what it shows
    def _show_delta(self):
        """dZ[l] of every layer from ``net.trace`` next to the equation that computes it."""
        self.delta_shown = {}
        self._delta_tex = ""
        if self.net is None:
            self._delta = "<em>No dZ to show: training diverged.</em>"
            return
        c = self.result.checked
        trace = self.net.trace(self.X, self.y)
        L = len(trace)
        acts = (*c.activations, c.output)
        lines = []
        rows = [f"<b>The current dZ of each layer</b> (from <code>net.trace(X, y)</code>, "
                f"m = {self.X.shape[0]} examples; rows are units, columns examples, the first "
                f"{DELTA_ROWS} and {DELTA_COLS} shown):"]
        for l in range(L, 0, -1):
            dZ = trace[l].dZ
            part = dZ[:DELTA_ROWS, :DELTA_COLS]
            shown = np.array([[float(f"{v:.3g}") + 0.0 for v in row] for row in part])
            self.delta_shown[l] = shown
            body = r" \\ ".join(" & ".join(tex_number(v) for v in row)
                                + (r" & \cdots" if dZ.shape[1] > DELTA_COLS else "")
                                for row in part)
            if dZ.shape[0] > DELTA_ROWS:
                body += r" \\ " + " & ".join([r"\vdots"] * (part.shape[1] + (dZ.shape[1] > DELTA_COLS)))
            formula, eq = delta_formula(l, L, acts, c.loss)
            matrix = f"\\begin{{bmatrix}} {body} \\end{{bmatrix}}"
            rows.append(f"$${formula} = {matrix}$$"
                        f"<div style='text-align:right;color:#555'>({eq}; shape "
                        f"{dZ.shape[0]} &times; {dZ.shape[1]})</div>")
            lhs, rhs = formula.split(" = ", 1)
            lines.append(f"{lhs} &= {rhs} \\quad \\text{{({eq})}} \\\\ &= {matrix}")
        self._delta = "\n".join(rows)
        self._delta_tex = r"\begin{aligned}" + r" \\[6pt] ".join(lines) + r"\end{aligned}"

    def picture(self):
        """The current picture as an ``IPython.display.Image`` (a palette PNG, small for a page)."""
        from IPython.display import Image

        return Image(self.figure.to_png(compress_level=9, colors=32))

    def equations(self):
        """The dZ the widget shows, each under its equation, as ``IPython.display.Math``.

        For a page without the widget (the book's site) and for printing:
        the same equations and values as the widget's table.  Raises
        ``ValueError`` when there is no dZ (an error, or training diverged).
        """
        from IPython.display import Math

        if not self._delta_tex:
            raise ValueError(f"no dZ to show: {self.error or 'training diverged'}")
        return Math(self._delta_tex)

    def delta_text(self):
        """The dZ the widget shows, as plain text lines (for printing)."""
        if not self.delta_shown:
            return "no dZ: " + (self.error or "training diverged")
        c = self.result.checked
        L = len(self.delta_shown)
        acts = (*c.activations, c.output)
        out = []
        for l in range(L, 0, -1):
            _, eq = delta_formula(l, L, acts, c.loss)
            out.append(f"dZ[{l}] ({eq.split(',')[0]}): first rows and columns")
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
        args = ["X=X, y=y"] if self.own_data else []
        data = None if self.own_data else self._values["data"]
        if data not in (None, "moons"):
            args.insert(0, repr(data))
        if checked.hidden != DEFAULTS.hidden:
            args.append(f"hidden={checked.hidden!r}")
        acts = checked.activations
        if acts and len(set(acts)) == 1:
            if acts[0] != DEFAULTS.activations:
                args.append(f"activations={acts[0]!r}")
        elif acts:
            args.append(f"activations={acts!r}")
        loss = checked.loss
        if loss != default_loss(self.problem):
            args.append(f"loss={loss!r}")
        from .. import losses as _losses

        if checked.output != _losses.LOSSES[loss].default_output:
            args.append(f"output={checked.output!r}")
        for name in ("lr", "epochs", "batch_size", "seed"):
            value = getattr(checked, name)
            if value != getattr(DEFAULTS, name):
                args.append(f"{name}={value!r}")
        return f"bp.widgets.playground({', '.join(args)})"

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
    decision boundary) or ``"curve"`` (a noisy sine: the picture is the fit),
    or pass your own ``X`` and ``y``: X of shape (m, 2) with labels y in
    {0, 1}, or X of shape (m, 1) with numbers y (e.g. from
    :func:`backprop.datasets.function_boundary`).

    Settings (each also a control of the widget): ``hidden`` (the hidden
    layers' sizes, e.g. ``(8, 8)``; ``()`` is no hidden layer),
    ``activations`` (one name for every hidden layer, or one per layer),
    ``loss`` (``"bce"``, the log loss, or ``"mse"``, the squared error;
    default: log loss for points, squared error for the curve), ``output``
    (the output layer's activation; default: sigmoid for the log loss,
    identity for the squared error), ``lr``, ``epochs``, ``batch_size``
    (None: full batch) and ``seed`` (the initial weights and the order of
    the mini-batches).  At most 8 hidden layers of 256 units and 100000
    epochs, so that a retrain stays interactive.  The network is ``MLP([n_0, *hidden, 1],
    [*activations, output], loss, seed)`` trained by ``fit``, so the same
    settings always give the same numbers.

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

