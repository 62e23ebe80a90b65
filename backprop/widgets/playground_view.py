"""What the live playground shows: its controls, the status and configuration lines, the dZ table.

:class:`PlaygroundView` makes the ipywidgets (only when the playground is
displayed) and shows what it is given; :func:`delta_table` writes each
layer's current dZ under the equation (B1 or B2) that computed it, in TeX
built by :mod:`backprop.equations` from the activations' and losses' own TeX.
The playground (:mod:`backprop.widgets.playground`) holds the state and
trains; this module only shows.
"""

from __future__ import annotations

import functools
import html

import numpy as np

from .. import activations as _activations
from .. import equations
from .. import losses as _losses
from ..init import SCHEMES
from ..runs import DIVERGED
from .pieces import controls_row, status_html

__all__ = ["PlaygroundView", "delta_table", "tex_number", "error_line", "config_html", "OWN_DATA"]

OWN_DATA = "your data"
DELTA_ROWS, DELTA_COLS = 3, 4  # the part of each dZ[l] the widget shows
# The "test points" menu: the share of the data held out, in percent.
SPLIT_OPTIONS = [("none", 0), ("20%: every 5th point", 20), ("50%: every 2nd point", 50)]


def tex_number(v):
    """``v`` to 3 significant digits in TeX (``1.23\\times 10^{-5}`` for small numbers)."""
    s = f"{float(v) + 0.0:.3g}"  # + 0.0: no "-0"
    if "e" in s:
        mantissa, exp = s.split("e")
        return rf"{mantissa}\times 10^{{{int(exp)}}}"
    return s


def delta_table(trace, activations, loss):
    """Each layer's dZ (the first rows and columns) under the equation that computed it.

    ``trace`` is ``net.trace(X, y)``; ``activations`` names g[1], ..., g[L].
    Returns ``(html, tex, shown, notes)``: the widget's HTML, one TeX
    ``aligned`` block of the same (for a page without the widget),
    ``shown[l]`` the part of dZ[l] shown, each entry rounded to the 3
    significant digits shown, and ``notes[l]`` the equation's tag and words.
    """
    L = len(trace)
    m = trace[L].dZ.shape[1]
    shown, notes, lines = {}, {}, []
    rows = [f"<b>The current dZ of each layer</b> (from <code>net.trace(X, y)</code>, "
            f"m = {m} examples; rows are units, columns examples, the first "
            f"{DELTA_ROWS} and {DELTA_COLS} shown):"]
    for l in range(L, 0, -1):
        dZ = trace[l].dZ
        part = dZ[:DELTA_ROWS, :DELTA_COLS]
        shown[l] = np.array([[float(f"{v:.3g}") + 0.0 for v in row] for row in part])
        body = r" \\ ".join(" & ".join(tex_number(v) for v in row)
                            + (r" & \cdots" if dZ.shape[1] > DELTA_COLS else "")
                            for row in part)
        if dZ.shape[0] > DELTA_ROWS:
            body += r" \\ " + " & ".join([r"\vdots"] * (part.shape[1] + (dZ.shape[1] > DELTA_COLS)))
        rhs, _, note = equations.delta(l, activations, loss)
        notes[l] = note
        lhs = equations.dZ(l)
        matrix = f"\\begin{{bmatrix}} {body} \\end{{bmatrix}}"
        rows.append(f"$${lhs} = {rhs} = {matrix}$$"
                    f"<div style='text-align:right;color:#555'>({note}; shape "
                    f"{dZ.shape[0]} &times; {dZ.shape[1]})</div>")
        lines.append(f"{lhs} &= {rhs} \\quad \\text{{({note})}} \\\\ &= {matrix}")
    tex = r"\begin{aligned}" + r" \\[6pt] ".join(lines) + r"\end{aligned}"
    return "\n".join(rows), tex, shown, notes


class PlaygroundView:
    """The playground's widgets: made on first use, then kept showing what they are given.

    ``on_change(name, change)`` is called when the reader changes the
    control ``name``; :meth:`sync` sets the controls to given values without
    calling it.
    """

    def __init__(self, values, data_names, own_data, on_change):
        import ipywidgets as widgets  # ipywidgets only once the playground is displayed

        v = values
        wide = {"description_width": "initial"}
        small = widgets.Layout(width="auto")
        outputs = list(_activations.ACTIVATIONS)
        losses = [(loss.title, name) for name, loss in _losses.LOSSES.items()]
        inits = list(SCHEMES) if v["init"] in SCHEMES else [*SCHEMES, v["init"]]  # ("normal", s) too
        self.options = {"output": outputs, "loss": list(_losses.LOSSES), "init": inits,
                        "split": [v for _, v in SPLIT_OPTIONS]}
        c = {
            "data": widgets.Dropdown(options=data_names, value=v["data"], description="data",
                                     disabled=own_data, style=wide, layout=small),
            "hidden": widgets.Text(value=v["hidden"], description="hidden layer sizes",
                                   placeholder="e.g. 8, 8", continuous_update=False, style=wide),
            "activations": widgets.Text(value=v["activations"], description="activations",
                                        placeholder="relu or relu, tanh", continuous_update=False,
                                        style=wide),
            "output": widgets.Dropdown(options=outputs, value=self._option("output", v["output"]),
                                       description="output", style=wide, layout=small),
            "loss": widgets.Dropdown(options=losses, value=self._option("loss", v["loss"]),
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
            "init": widgets.Dropdown(options=[(str(i), i) for i in inits], value=v["init"],
                                     description="initial weights", style=wide, layout=small),
            "split": widgets.Dropdown(options=SPLIT_OPTIONS, value=self._option("split", v["split"]),
                                      description="test points", style=wide, layout=small),
        }
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="700px",
                                                                        max_width="100%"))
        self.status_html = widgets.HTML()
        self.config_html = widgets.HTML()
        self.delta_html = widgets.HTMLMath()
        self.controls = c
        self.widget = widgets.VBox([
            controls_row([c["data"], c["loss"], c["output"]]),  # rows wrap on a phone
            controls_row([c["hidden"], c["activations"]]),
            controls_row([c["lr"], c["epochs"], c["batch_size"], c["seed"], c["init"]]),
            controls_row([c["split"]]),  # a row of its own
            self.image, self.status_html, self.config_html, self.delta_html,
        ])
        self._holding = False
        self._on_change = on_change
        for name, w in c.items():
            w.observe(functools.partial(self._changed, name), "value")

    def _option(self, name, value):
        """``value`` if the dropdown ``name`` offers it, else None (no choice shown)."""
        return value if value in self.options[name] else None

    def _changed(self, name, change):
        if not self._holding:
            self._on_change(name, change)

    def sync(self, values):
        """Set the controls to ``values`` without retraining."""
        self._holding = True
        try:
            for name, w in self.controls.items():
                value = values[name]
                if name in self.options:
                    value = self._option(name, value)
                if w.value != value:
                    w.value = value
        finally:
            self._holding = False

    def show(self, png, status, config, delta):
        """Show a picture (PNG bytes) and the three lines (HTML)."""
        self.image.value = png
        self.status_html.value = status
        self.config_html.value = config
        self.delta_html.value = delta


def error_line(text):
    """The status line's HTML for settings that cannot train."""
    return status_html(f"Cannot train: {text}", DIVERGED)


def config_html(line):
    """The configuration line's HTML."""
    return f"Recreate this configuration: <code>{html.escape(line)}</code>"
