"""Drawing the computational graph of a network (matplotlib).

:func:`computational_graph` draws the graph that :mod:`backprop.graph` builds
from a network's definition (``sizes``, ``activations``, ``loss``), so every
chapter draws its graph the same way.  Each edge carries its *local
derivative*; the backward path from the loss (or the cost) to one parameter
is highlighted, and the gradient with respect to that parameter is the
product of the labels along it.  That product is the chain rule the chapters
derive, equations (B1)-(B4) of the notation page.  Re-exported by
:mod:`backprop.plotting`.
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.mathtext import MathTextParser
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle

from . import graph
from .canvas import axes

__all__ = ["GraphDrawing", "computational_graph", "HIGHLIGHT"]

HIGHLIGHT = "#d95f02"  # the backward path
_PARAM_FILL = "#fdf0d5"  # parameters: weights and biases
_LOSS_FILL = "#e8e8e8"  # the loss / cost
_EDGE = "0.45"
_BLOCK_FILL = "#dbe9f6"  # the softmax's full Jacobian block
_NODE_PT = 11  # font sizes in points
_PARAM_PT = 10
_LABEL_PT = 9
_NOTE_PT = 10
_WIDTH = 8.0  # inches of layout: at most 8.6 in (860 px) keeps 9 pt labels >= 10 px in a 688 px column


# ------------------------------------------------------------------ result
# ------------------------------------------------------------------ result
class GraphDrawing:
    """What :func:`computational_graph` drew.

    Attributes
    ----------
    ax : matplotlib Axes
        Where the graph is drawn.
    level : str
        ``"unit"`` or ``"layer"``.
    nodes : dict
        ``{name: (x, y)}``, the centre of each node in data coordinates:
        inches of the layout (the figure's inches when the function made the
        figure; in a smaller given Axes everything, fonts included, is scaled
        down together).
    labels : dict
        ``{name: mathtext}``, how each node is written.
    kinds : dict
        ``{name: kind}``, kind one of ``"input"``, ``"param"``, ``"var"``,
        ``"loss"``, ``"target"``.
    index : dict
        ``{name: tuple}``, what each node is, whatever its printed name:
        ``("x", k)``, ``("w", l, j, k)`` for the weight ``W[l][j-1, k-1]``,
        ``("b", l, j)``, ``("z", l, j)``, ``("a", l, j)``, ``("y", j)``,
        ``("L",)`` at unit level (indices from 1, as in the book);
        ``("A", l)``, ``("W", l)``, ``("b", l)``, ``("Z", l)``, ``("Y",)``,
        ``("J",)`` at layer level.
    edges : list
        ``(src, dst, label)`` triples: ``src`` feeds ``dst`` in the forward
        pass and ``label`` is the local derivative (unit level) or the local
        backward rule (layer level) on that edge; ``None`` on the edge from
        the target, which is data, not differentiated.
    wrt : str or None
        The node the highlighted path ends at.
    paths : list
        The paths from the loss (cost) to ``wrt``, each a list of node
        names.  One path in every network a chapter draws; more when a
        scalar reaches the loss along several routes (then the gradient is
        the sum over the paths).
    path : list
        The nodes of the highlighted path from the loss (cost) to ``wrt``;
        with several paths, every node on any of them, nearest the loss
        first; ``[]`` without ``wrt``.
    chain : list or None
        The edge labels along the path, nearest the loss first: the factors
        whose product is the gradient; ``None`` with several paths (see
        ``chains``) or without ``wrt``.
    chains : list
        One such list of labels per path.
    formula : str
        The mathtext of the annotation under the graph, one line per row.
    aliases : dict
        ``{other name: name}``, the other names ``wrt`` accepts.
    patches, arrows : dict
        The artists of the nodes and edges: ``patches[name]``,
        ``arrows[(src, dst)]``.
    node_texts, edge_texts, note_texts : dict, dict, list
        The ``Text`` artists: ``node_texts[name]`` (a list: the name, and at
        layer level the shape), ``edge_texts[(src, dst)]`` (the labels),
        ``note_texts`` (the annotation lines).
    texts : list
        All the ``Text`` artists.
    block : matplotlib Rectangle or None
        With a softmax output, the shaded rectangle behind its full Jacobian
        block (every ``z`` of the output layer feeds every ``a``; at layer
        level the edge ``Z[L] -> A[L]``); its caption is the first line of
        ``note_texts`` (and of ``formula``).  None otherwise.
    graph : backprop.graph.Graph
        The graph drawn, as data.
    """

    def __init__(self, ax, level):
        self.ax, self.level = ax, level
        self.nodes, self.labels, self.kinds, self.index = {}, {}, {}, {}
        self.edges = []
        self.wrt = None
        self.paths, self.chains = [], []
        self.path, self.chain = [], None
        self.formula = ""
        self.patches, self.arrows, self.texts = {}, {}, []
        self.node_texts, self.edge_texts, self.note_texts = {}, {}, []
        self.aliases = {}
        self.graph = None
        self.block = None

    def __repr__(self):
        return (f"GraphDrawing(level={self.level!r}, nodes={len(self.nodes)}, "
                f"edges={len(self.edges)}, wrt={self.wrt!r})")

    def label_of(self, src, dst):
        """The label of the edge ``src -> dst``."""
        return self.graph.label_of(src, dst)


# -------------------------------------------------------------- layouts
def _unit_layout(sizes, names, width, block=False):
    """Centres in inches.  Columns: sources of layer 1 | z[1] | a[1] + sources of layer 2 | ...

    ``block``: a softmax output, whose K x K labelled edges need a wider last gap.
    """
    L = len(sizes) - 1
    ncol = 2 * L + 2
    wide = 0.8 if block else 0.0  # room for the labels a_j(1-a_k), -a_j a_k of the block
    dx = min(2.0, (width - wide - 1.0) / (ncol - 1))
    pos = {}
    step = 0.52  # vertical distance between neighbours in a column
    for l in range(1, L + 1):
        n_in, n_out = sizes[l - 1], sizes[l]
        a_below = [names.a(l - 1, k)[0] for k in range(1, n_in + 1)]
        groups = [[names.w(l, j, k)[0] for k in range(1, n_in + 1)] + [names.b(l, j)[0]]
                  for j in range(1, n_out + 1)]
        if n_out == 1:  # x_1, w_1, x_2, w_2, ..., b: each input beside its weight
            order = [n for k in range(n_in) for n in (a_below[k], groups[0][k])] + [groups[0][-1]]
        else:
            top = (n_out + 1) // 2
            order = [n for grp in groups[:top] for n in grp] + a_below
            order += [n for grp in groups[top:] for n in grp]
        ys = (np.arange(len(order))[::-1] - (len(order) - 1) / 2) * step
        x = (2 * l - 2) * dx
        for name, yv in zip(order, ys):
            pos[name] = (x, float(yv))
        for j in range(1, n_out + 1):  # z_j at the middle of its own parameters and inputs
            srcs = groups[j - 1] + a_below
            zy = float(np.mean([pos[s][1] for s in srcs]))
            pos[names.z(l, j)[0]] = ((2 * l - 1) * dx, zy)
    outs = [names.a(L, j)[0] for j in range(1, sizes[L] + 1)]
    ys_t = [names.y(j)[0] for j in range(1, sizes[L] + 1)]
    zs = [pos[names.z(L, j)[0]][1] for j in range(1, sizes[L] + 1)]
    if len(zs) > 1 and (zs[0] - zs[-1]) / (len(zs) - 1) < 0.95:
        # room between the outputs for the labels dL/da_j (two lines high with the log loss)
        mid = float(np.mean(zs))
        zs = [mid + 0.95 * ((len(zs) - 1) / 2 - j) for j in range(len(zs))]
    for name, zy in zip(outs, zs):
        pos[name] = (2 * L * dx + wide, zy)
    low = min(zs) - 0.75
    for j, name in enumerate(ys_t):
        pos[name] = (2 * L * dx + wide, low - j * step)
    pos["L"] = ((2 * L + 1) * dx + wide, float(np.mean(zs)))
    return pos


def _layer_layout(sizes, width):
    L = len(sizes) - 1
    ncol = 2 * L + 2
    dx = max(0.8, min(1.7, (width - 0.9) / (ncol - 1)))  # more than 3 layers: wider than the column
    pos = {"A[0]": (0.0, 0.0)}
    for l in range(1, L + 1):
        pos[f"Z[{l}]"] = ((2 * l - 1) * dx, 0.0)
        pos[f"A[{l}]"] = (2 * l * dx, 0.0)
        pos[f"W[{l}]"] = ((2 * l - 1) * dx, 1.2)
        pos[f"b[{l}]"] = ((2 * l - 1) * dx, -1.2)
    pos["J"] = ((2 * L + 1) * dx, 0.0)
    pos["Y"] = ((2 * L + 1) * dx, -1.2)
    return pos


# ----------------------------------------------------------------- drawing
@functools.lru_cache(maxsize=1024)
def _text_size(s, pt):
    """Width and height (inches) of the text ``s`` at ``pt`` points, mathtext included."""
    if not s:
        return 0.0, 0.0
    width, height, _depth, *_ = MathTextParser("path").parse(s, 72, FontProperties(size=pt))
    return float(width) / 72, float(height) / 72


def _overlap(a, b, gap=0.02):
    return not (a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1])


class _Drawer:
    """Draws a :class:`backprop.graph.Graph` at the given centres; all lengths in inches of the layout."""

    def __init__(self, graph, pos, level):
        self.g, self.pos, self.level = graph, pos, level
        self.boxes = {}  # node -> (x0, y0, x1, y1)

    def node_box(self, name):
        info = self.g.nodes[name]
        pt = _PARAM_PT if info["kind"] == "param" else _NODE_PT
        w, h = _text_size(f"${info['label']}$", pt)
        if info["sub"]:
            ws, hs = _text_size(f"${info['sub']}$", _LABEL_PT)
            w, h = max(w, ws), h + hs + 0.06
        x, y = self.pos[name]
        if self.level == "unit" and info["kind"] in ("var", "input", "loss", "target"):
            r = max(0.2, 0.5 * max(w, h) + 0.07)
            return (x - r, y - r, x + r, y + r), ("circle", r)
        padx, pady = (0.06, 0.045) if info["kind"] == "param" else (0.09, 0.07)
        hw, hh = w / 2 + padx, h / 2 + pady
        if self.level == "layer":
            hw, hh = max(hw, 0.3), max(hh, 0.25)
        return (x - hw, y - hh, x + hw, y + hh), ("box", hw, hh)

    def draw(self, ax, scale, highlight_nodes, highlight_edges):
        """Draw into ``ax``, whose data unit is one inch of the layout shown at ``scale`` inches.

        Font sizes are multiplied by ``scale`` (at most 1) so that the texts keep
        fitting their nodes in an Axes smaller than the layout.
        """
        artists = {"patches": {}, "arrows": {}, "texts": [], "node_texts": {}, "edge_texts": {}}
        f = min(1.0, scale)

        for name, info in self.g.nodes.items():
            box, shape = self.node_box(name)
            self.boxes[name] = box
            x, y = self.pos[name]
            hot = name in highlight_nodes
            ec = HIGHLIGHT if hot else "0.2"
            lw = 2.0 if hot else 1.0
            fill = {"param": _PARAM_FILL, "loss": _LOSS_FILL}.get(info["kind"], "white")
            ls = "--" if info["kind"] == "target" else "-"
            if shape[0] == "circle":
                patch = Circle((x, y), shape[1], facecolor=fill, edgecolor=ec, lw=lw, ls=ls,
                               zorder=3)
            else:
                hw, hh = shape[1], shape[2]
                rad = 0.06 if info["kind"] == "param" else 0.08
                patch = FancyBboxPatch((x - hw + rad, y - hh + rad), 2 * hw - 2 * rad,
                                       2 * hh - 2 * rad, boxstyle=f"round,pad={rad}",
                                       facecolor=fill, edgecolor=ec, lw=lw, ls=ls, zorder=3)
            ax.add_patch(patch)
            artists["patches"][name] = patch
            pt = _PARAM_PT if info["kind"] == "param" else _NODE_PT
            if info["sub"]:
                _, hm = _text_size(f"${info['label']}$", pt)
                _, hs = _text_size(f"${info['sub']}$", _LABEL_PT)
                top = y + (hm + hs + 0.06) / 2
                texts = [ax.text(x, top - hm / 2, f"${info['label']}$", ha="center", va="center",
                                 fontsize=pt * f, zorder=4),
                         ax.text(x, top - hm - 0.06 - hs / 2, f"${info['sub']}$", ha="center",
                                 va="center", fontsize=_LABEL_PT * f, color="0.3", zorder=4)]
            else:
                texts = [ax.text(x, y, f"${info['label']}$", ha="center", va="center", fontsize=pt * f,
                                 zorder=4)]
            artists["texts"] += texts
            artists["node_texts"][name] = texts

        for src, dst, label in self.g.edges:
            hot = (src, dst) in highlight_edges
            arrow = FancyArrowPatch(
                self.pos[src], self.pos[dst], patchA=artists["patches"][src],
                patchB=artists["patches"][dst], arrowstyle="-|>", mutation_scale=(10 if hot else 8) * f,
                shrinkA=1, shrinkB=1, color=HIGHLIGHT if hot else _EDGE, lw=(2.2 if hot else 0.9) * f,
                ls="--" if label is None else "-", zorder=2 if hot else 1,
            )
            ax.add_artist(arrow)  # not add_patch: the limits are set below, and clipping is slow
            artists["arrows"][(src, dst)] = arrow

        placed = list(self.boxes.values())
        for src, dst, label in sorted(self.g.edges, key=lambda e: (e[0], e[1]) not in highlight_edges):
            if label is None:
                continue
            hot = (src, dst) in highlight_edges
            x, y = self._place(src, dst, label, placed)
            artists["edge_texts"][(src, dst)] = ax.text(
                x, y, label, ha="center", va="center", fontsize=_LABEL_PT * f, zorder=5,
                color=HIGHLIGHT if hot else "0.1", fontweight="bold" if hot else "normal",
                bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none",
                      "alpha": 0.92},
            )
            artists["texts"].append(artists["edge_texts"][(src, dst)])
        return artists

    def _place(self, src, dst, label, placed):
        """Greedy: the first point along the edge where the label's box hits nothing placed."""
        w, h = _text_size(label, _LABEL_PT)
        w, h = w + 0.08, h + 0.08
        (x0, y0), (x1, y1) = self.pos[src], self.pos[dst]
        # the visible part of the edge: between the node boxes
        bs, bd = self.boxes[src], self.boxes[dst]
        ts = np.linspace(0, 1, 201)
        px, py = x0 + ts * (x1 - x0), y0 + ts * (y1 - y0)
        inside = [((px > b[0]) & (px < b[2]) & (py > b[1]) & (py < b[3])) for b in (bs, bd)]
        free = ts[~(inside[0] | inside[1])]
        t_lo, t_hi = (free.min(), free.max()) if free.size else (0.4, 0.6)
        vertical = abs(x1 - x0) < 1e-9
        horizontal = abs(y1 - y0) < 1e-9
        fracs = [0.5, 0.35, 0.65, 0.25, 0.75, 0.15, 0.85, 0.45, 0.55, 0.05, 0.95]
        right, left = (w / 2 + 0.06, 0.0), (-(w / 2 + 0.06), 0.0)
        if self.level == "layer" and horizontal:
            # above the row of nodes into Z and J, below it into A: clear of the W and b edges
            top = max(bs[3], bd[3]) + h / 2 + 0.03
            above, below = (0.0, top - y0), (0.0, -(top - y0))
            offsets = [below, above] if dst.startswith("A") else [above, below]
            fracs = [0.5, 0.4, 0.6]
        elif vertical:
            offsets = [left, right] if src.startswith("b") else [right, left]
        elif horizontal:
            offsets = [(0.0, 0.0), (0.0, h / 2 + 0.05), (0.0, -(h / 2 + 0.05))]
        else:
            offsets = [(0.0, 0.0), (0.0, h / 2 + 0.05), (0.0, -(h / 2 + 0.05))]
        best, best_hits = None, None
        for dxy in offsets:
            for f in fracs:
                t = t_lo + f * (t_hi - t_lo)
                cx, cy = x0 + t * (x1 - x0) + dxy[0], y0 + t * (y1 - y0) + dxy[1]
                box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                hits = sum(_overlap(box, b) for b in placed)
                if hits == 0:
                    placed.append(box)
                    return cx, cy
                if best_hits is None or hits < best_hits:
                    best, best_hits = (cx, cy, box), hits
        placed.append(best[2])
        return best[0], best[1]


# ------------------------------------------------------------ softmax block
def _block_nodes(g):
    """The nodes of the softmax's Jacobian block: every z and a of the output layer ([] if none)."""
    L = len(g.sizes) - 1
    if graph.activations_elementwise(g.activations[-1]):
        return []
    if g.level == "layer":
        return [f"Z[{L}]", f"A[{L}]"]
    return [n for n, info in g.nodes.items()
            if info["index"][0] in ("z", "a") and info["index"][1] == L]


def _block_caption(g):
    L = len(g.sizes) - 1
    K = g.sizes[L]
    if g.level == "layer":
        return (rf"shaded: the softmax's full $K\times K$ Jacobian ($K={K}$) per column, "
                r"not a diagonal $\odot\,g'$")
    return (rf"shaded: the softmax block, all ${K}\times{K}$ edges, "
            r"$\dfrac{\partial a_j}{\partial z_k} = a_j(\delta_{jk}-a_k)$")


# ------------------------------------------------------------------- public
def computational_graph(sizes, activations, loss="bce", *, level="unit", wrt=None, ax=None,
                        width=None):
    """Draw the computational graph of a network, local derivatives on the edges.

    The graph is built from the network's definition, never by hand, so every
    chapter draws its graph the same way.  With ``wrt`` the backward path from
    the loss (or the cost) to that node is drawn bold in orange, and the
    annotation under the graph writes the gradient as the product of the
    labels along it: the chain rule, equations (B1)-(B4) of the notation page.

    Parameters
    ----------
    sizes : list of int
        ``[n_0, n_1, ..., n_L]``.
    activations : list of str
        One of ``"sigmoid"``, ``"relu"``, ``"tanh"``, ``"identity"`` per layer,
        or ``"softmax"`` for the output layer.
    loss : str
        ``"bce"`` (log loss, needs a sigmoid output), ``"mse"`` (the book's
        unhalved squared error) or ``"cross_entropy"`` (needs a softmax
        output).  The softmax's full Jacobian is drawn as a shaded block: at
        unit level every ``z_k`` of the output layer feeds every ``a_j``, the
        edge labelled da_j/dz_k = a_j(delta_jk - a_k) (written out: ``a_j(1-a_j)``
        on the diagonal, ``-a_j a_k`` off it); at layer level the one edge
        ``Z[L] -> A[L]`` carries the Jacobian's transpose, not ``⊙ g'``.  A
        caption under the graph says so.
    level : str
        ``"unit"``: one example, every scalar a node: the inputs, each weight
        and bias (small shaded nodes feeding their ``z``), each ``z`` and
        ``a``, the loss and its target.  The label of an edge ``u -> v`` is
        the local derivative dv/du: dz/dw = x (or the ``a`` of the layer
        below), dz/db = 1, dz/da = w, da/dz = a(1 - a) for the sigmoid,
        1[z > 0] for ReLU (ReLU'(0) = 0), 1 - a^2 for tanh, 1 for the
        identity, and dL/da = (a - y) / (a(1 - a)) for the log loss,
        2(a - y) for the squared error.  Only for small networks (at most 4
        units in a layer, 2 outputs, 10 scalars feeding a layer, 2 layers).

        ``"layer"``: the matrices of the columns convention as nodes with
        their shapes (``A[0]`` n_0 x m, ``W[l]`` n_l x n_(l-1), ``b[l]`` n_l x 1,
        ``Z[l]``, ``A[l]``, the target ``Y`` and the cost ``J``).  The label of
        an edge is what the backward pass does to the gradient arriving from
        its head: ``⊙ g'(Z[l])`` on ``Z[l] -> A[l]`` (B2), ``W[l]ᵀ ·`` on
        ``A[l-1] -> Z[l]`` (B2), ``· A[l-1]ᵀ`` on ``W[l] -> Z[l]`` (B3),
        "row sums" on ``b[l] -> Z[l]`` (B4), and dJ/dA[L] on ``A[L] -> J``
        (with the next one it makes the output delta, B1).  About 8 inches
        wide up to 3 layers, wider beyond.
    wrt : str or None
        The node whose gradient to highlight.  Unit level, one layer of one
        unit (chapter 1): ``"w_1"``, ``"w_2"``, ... (``"w"`` for a single
        input), ``"b"``, ``"z"``, ``"a"``, ``"x_1"``, ...  Unit level,
        otherwise: ``"w[l]_jk"``, ``"b[l]_j"``, ``"z[l]_j"``, ``"a[l]_j"``,
        where the unit index j is left out when layer l has one unit and k
        too when that unit has one input (``"w[2]_1"``, ``"b[2]"``,
        ``"w[1]"``); the full form ``"w[l]_jk"`` and ``"b[l]_j"`` is always
        accepted, and for networks of one-unit layers note 004's
        ``"w_1"``, ``"b_2"``, ``"z_1"``, ``"a_2"`` too.  Layer level:
        ``"W[l]"``, ``"b[l]"``, ``"Z[l]"``, ``"A[l]"`` (or ``"W2"`` and so on).
        A name that is not in the graph raises a ``ValueError`` listing the
        valid ones.
    ax : matplotlib Axes or None
        Where to draw; ``None`` makes a figure about 8 inches wide.
    width : float or None
        The width of the layout in inches (None: 8).  A figure this wide at
        100 dpi keeps its 9 pt labels at least 10 px high in the book's
        688 px column up to 8.6 inches.

    Returns
    -------
    GraphDrawing
        With ``.nodes``, ``.edges``, ``.path`` and ``.chain`` (the factors of
        the chain rule along the path, from the loss to ``wrt``).

    Examples
    --------
    Chapter 1's neuron and the gradient with respect to w_1::

        d = computational_graph([2, 1], ["sigmoid"], "bce", wrt="w_1")
        d.path   # ['L', 'a', 'z', 'w_1']
        d.chain  # ['$\\dfrac{a-y}{a(1-a)}$', '$a(1-a)$', '$x_{1}$']
    """
    g = graph.build(sizes, activations, loss, level)
    sizes = g.sizes
    if level == "unit":
        pos = _unit_layout(sizes, g.names, width or _WIDTH, block=bool(_block_nodes(g)))
    else:
        pos = _layer_layout(sizes, width or _WIDTH)
    route = g.route(wrt)
    if ax is not None:
        ax = axes(ax)

    out = GraphDrawing(None, level)
    out.graph = g
    out.aliases = dict(g.aliases)
    out.wrt, out.paths, out.chains, out.path, out.chain = (
        route.wrt, route.paths, route.chains, route.path, route.chain)
    hot_nodes, hot_edges = set(), set()
    for p in route.paths:
        hot_nodes.update(p)
        hot_edges.update((p[i + 1], p[i]) for i in range(len(p) - 1))
    lines = route.lines

    drawer = _Drawer(g, pos, level)
    boxes = {n: drawer.node_box(n)[0] for n in g.nodes}
    block = _block_nodes(g)
    if block:  # the softmax block, shaded behind its nodes; its caption leads the note
        pad = 0.12
        bx0 = min(boxes[n][0] for n in block) - pad
        bx1 = max(boxes[n][2] for n in block) + pad
        by0 = min(boxes[n][1] for n in block) - pad
        by1 = max(boxes[n][3] for n in block) + pad
        if level == "layer":
            by0, by1 = by0 - 0.45, by1 + 0.45  # room for the block's label above the edge
        boxes["(block)"] = (bx0, by0, bx1, by1)
        lines = [_block_caption(g), *lines]
    x0 = min(b[0] for b in boxes.values()) - 0.15
    x1 = max(b[2] for b in boxes.values()) + 0.15
    y0 = min(b[1] for b in boxes.values()) - 0.15
    y1 = max(b[3] for b in boxes.values()) + 0.15
    note_h = sum(_text_size(t, _NOTE_PT)[1] + 0.12 for t in lines) + (0.1 if lines else 0)
    x1 = max(x1, x0 + max([_text_size(t, _NOTE_PT)[0] + 0.2 for t in lines] + [0]))
    y_note = y0
    y0 -= note_h
    W, H = x1 - x0, y1 - y0
    if ax is None:
        import matplotlib.pyplot as plt  # a figure of its own, as the other plotting functions make

        fig = plt.figure(figsize=(W, H))
        ax = fig.add_axes((0, 0, 1, 1))
        scale = 1.0  # inches on the page per inch of the layout
    else:
        bb = ax.get_position()
        fw, fh = ax.figure.get_size_inches()
        scale = min(bb.width * fw / W, bb.height * fh / H)
    out.ax = ax
    artists = drawer.draw(ax, scale, hot_nodes, hot_edges)
    out.block = None
    if block:
        bx0, by0, bx1, by1 = boxes["(block)"]
        out.block = Rectangle((bx0, by0), bx1 - bx0, by1 - by0, facecolor=_BLOCK_FILL,
                              edgecolor="#6b9ac4", lw=1.0, zorder=0)
        ax.add_patch(out.block)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.axis("off")
    y = y_note - 0.05
    out.note_texts = []
    for t in lines:
        h = _text_size(t, _NOTE_PT)[1]
        caption = block and not out.note_texts
        out.note_texts.append(ax.text(x0 + 0.1, y - h / 2, t, ha="left", va="center",
                                      fontsize=_NOTE_PT * min(1.0, scale),
                                      color="#2b5d8a" if caption else HIGHLIGHT))
        y -= h + 0.12
    artists["texts"] += out.note_texts
    out.formula = "\n".join(lines)
    out.nodes = {n: pos[n] for n in g.nodes}
    out.labels = {n: f"${info['label']}$" for n, info in g.nodes.items()}
    out.kinds = {n: info["kind"] for n, info in g.nodes.items()}
    out.index = {n: info["index"] for n, info in g.nodes.items()}
    out.edges = list(g.edges)
    out.patches, out.arrows, out.texts = artists["patches"], artists["arrows"], artists["texts"]
    out.node_texts, out.edge_texts = artists["node_texts"], artists["edge_texts"]
    return out
