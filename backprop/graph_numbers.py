"""The computational graph with numbers (chapter 9): values and adjoints on the drawing.

An extension of :mod:`backprop.graph_drawing` that uses only its public names:
it draws :func:`~backprop.graph_drawing.computational_graph` at unit level and writes
under each node its value v from the forward pass and its adjoint
v̄ = ∂J/∂v from the backward pass of :mod:`backprop.autodiff`, for one
example.  ``steps`` stops the backward pass after that many drawn nodes, so
that frames can step through it node by node (``bp.widgets.backward_player``).
"""

from __future__ import annotations

import numpy as np

from .autodiff import cost_graph
from .graph_drawing import HIGHLIGHT, computational_graph

__all__ = ["GraphNumbers", "backward_order", "graph_with_numbers"]

_VALUE = "0.15"  # the colour of the forward values; adjoints are drawn in HIGHLIGHT
_NUMBER_PT = 9
_LAYOUT_IN = 7.0  # inches of graph; the numbers widen it by about an inch, to under 8.6 in


class GraphNumbers:
    """What :func:`graph_with_numbers` drew.

    Attributes
    ----------
    drawing : backprop.graph_drawing.GraphDrawing
        The graph (``.nodes``, ``.index``, ``.ax``, ...).
    values : dict
        ``{node name: value}`` for every drawn node (the target's too).
    adjoints : dict
        ``{node name: adjoint}`` for the drawn nodes whose adjoint is final
        after ``steps`` nodes of the backward pass (all, with ``steps=None``).
    order : list
        The drawn nodes in the order the backward pass reaches them (the loss
        first); ``order[:steps]`` have their adjoints shown.
    current : str or None
        The node the last step reached (ringed), ``None`` before any step.
    texts : dict
        ``{node name: [Text, ...]}``, the numbers written under each node.
    """

    def __init__(self, drawing, values, adjoints, order, current, texts):
        self.drawing, self.values, self.adjoints = drawing, values, adjoints
        self.order, self.current, self.texts = order, current, texts

    def __repr__(self):
        return f"GraphNumbers(nodes={len(self.values)}, adjoints shown={len(self.adjoints)})"


def _one_example(x, y):
    x = np.asarray(x, dtype=float).reshape(1, -1)
    y = np.asarray(y, dtype=float).reshape(1, -1)
    return x, y


def backward_order(weights, biases, activations, loss, x, y):
    """The named nodes of one example's graph and the order the backward pass reaches them.

    Returns ``(nodes, order)``: ``nodes`` maps each ``GraphDrawing.index`` key
    (``("w", l, j, k)``, ``("z", l, j)``, ``("L",)``, ...) to its
    :class:`~backprop.autodiff.Var`, with every adjoint final; ``order`` lists
    those keys as ``backward_steps`` reaches them, the loss first.
    """
    x, y = _one_example(x, y)
    nodes = {}
    J, _, _ = cost_graph(weights, biases, activations, loss, x, y, nodes=nodes)
    key_of = {id(v): key for key, v in nodes.items()}
    order = [key_of[id(v)] for v in J.backward_steps() if id(v) in key_of]
    return nodes, order


def graph_with_numbers(weights, biases, activations, loss, x, y, *, steps=None, ax=None):
    """Draw one example's computational graph with each node's value and adjoint.

    The network is ``weights``, ``biases`` (as in ``net.weights``, ``net.biases``),
    ``activations`` and ``loss``; ``x`` (n_0 numbers) and ``y`` (n_L numbers) are
    the example.  Under each node: its value (black) and, once the backward pass
    has reached it, its adjoint (orange, written with a bar), beside it; the
    edges' local derivatives are left out to make room.  ``steps`` (0 to
    the number of drawn inputs, parameters and variables, plus the loss) stops
    the backward pass after that many of them: 0 shows the forward pass only.
    The node reached last is ringed.  Small networks only, as
    :func:`~backprop.graph_drawing.computational_graph` at ``level="unit"``.

    Returns a :class:`GraphNumbers`.
    """
    sizes = [np.shape(weights[0])[1]] + [np.shape(W)[0] for W in weights]
    ax_given = ax
    drawing = computational_graph(sizes, activations, loss, level="unit", ax=ax, width=_LAYOUT_IN)
    nodes, order = backward_order(weights, biases, activations, loss, x, y)
    name_of = {key: name for name, key in drawing.index.items()}
    order = [name_of[key] for key in order]
    if steps is None:
        steps = len(order)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 0 <= steps <= len(order):
        raise ValueError(f"steps must be an integer from 0 to {len(order)}, got {steps!r}")
    _, yv = _one_example(x, y)
    values = {name: nodes[key].value for key, name in name_of.items() if key in nodes}
    values.update({name_of[("y", j)]: float(v) for j, v in enumerate(yv[0], start=1)})
    adjoints = {name: nodes[drawing.index[name]].adjoint for name in order[:steps]}
    current = order[steps - 1] if steps else None

    ax, texts = drawing.ax, {}
    for t in drawing.edge_texts.values():  # the local derivatives give way to the numbers
        t.set_visible(False)
    to_data = ax.transData.inverted()
    right_end = 0.0
    for name, (cx, cy) in drawing.nodes.items():
        right = to_data.transform(drawing.patches[name].get_window_extent().p1)[0]
        lines = [(f"{values[name]:.3g}", _VALUE)]
        if name in adjoints:
            bar = rf"$\overline{{{drawing.labels[name].strip('$')}}}$"
            lines.append((f"{bar} = {adjoints[name]:.3g}", HIGHLIGHT))
        top = cy + 0.09 * (len(lines) - 1)
        texts[name] = [ax.text(right + 0.04, top - 0.18 * i, s, ha="left", va="center", color=c,
                               fontsize=_NUMBER_PT, zorder=6,
                               bbox={"boxstyle": "round,pad=0.04", "facecolor": "white",
                                     "edgecolor": "none", "alpha": 0.9})
                       for i, (s, c) in enumerate(lines)]
        right_end = max(right_end, right + 1.0)
    x0, x1 = ax.get_xlim()
    if ax_given is None and right_end > x1:  # widen the figure by what the numbers need
        fig = ax.figure
        fig.set_size_inches(fig.get_figwidth() + right_end - x1, fig.get_figheight())
        ax.set_xlim(x0, right_end)
    if current is not None:
        patch = drawing.patches[current]
        patch.set_edgecolor(HIGHLIGHT)
        patch.set_linewidth(3.0)
    return GraphNumbers(drawing, values, adjoints, order, current, texts)
