"""The computational graph of a network as data: nodes, edges, labels, paths, formulas.

:func:`build` makes the graph of a network from its definition (``sizes``,
``activations``, ``loss``): at unit level every scalar of one example is a
node, at layer level every matrix of the columns convention.  Each edge
carries its *local derivative* (unit level) or the local backward rule (layer
level), written in TeX from the activations' and losses' own TeX;
``Graph.route`` gives the paths from the loss (or the cost) back to a node
and the chain rule along them, equations (B1)-(B4) of the notation page.
A softmax output is its full Jacobian block: at unit level every z_k of the
output layer feeds every a_j (edge label da_j/dz_k = a_j(delta_jk - a_k),
written out), so a parameter below it reaches the loss along K (or K x K)
paths and the chain rule sums over all of them; at layer level one edge
Z[L] -> A[L] carries the Jacobian (not an element-wise g').

Needs no matplotlib, so the chapters and tests can ask for paths and formulas
without drawing; :func:`backprop.plotting.computational_graph`
(:mod:`backprop.graph_drawing`) draws it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import activations as _activations
from . import equations
from . import losses as _losses
from .validation import check_activation_names, check_loss, check_sizes

__all__ = ["Graph", "Route", "build", "LEVELS", "SOFTMAX_BLOCK_TEX", "activations_elementwise"]

LEVELS = ("unit", "layer")
# layer level, Z[l] -> A[l] of a softmax: each column's Jacobian (a K x K block) times dA
SOFTMAX_BLOCK_TEX = r"\left(\dfrac{{\partial a^{{[{l}]}}}}{{\partial z^{{[{l}]}}}}\right)^{{\top}}\cdot"
MAX_UNITS = 4  # unit level: at most this many units in a layer
MAX_SOURCES = 10  # unit level: at most this many scalars (a, w, b) feeding one layer
MAX_LAYERS = 2
MAX_OUTPUTS = 2  # unit level: the labels dL/da_j of more outputs crowd at the loss
# unit level, a softmax output: its K x K block is drawn for K <= 3, fed by at most 12 scalars
MAX_SOFTMAX_OUTPUTS, MAX_SOFTMAX_SOURCES = 3, 12
MAX_SUM_TERMS = 3  # a sum over more paths is written in words under the graph


@dataclass
class Route:
    """The backward paths from the loss (the cost) to one node, and the chain rule along them.

    Attributes: ``wrt`` (the node, or None); ``paths`` (each a list of node
    names, the loss first); ``chains`` (the edge labels along each path, the
    loss first: the factors whose product is the gradient); ``path`` (the
    one path, or with several every node on any of them, nearest the loss
    first); ``chain`` (the one path's labels; None with several paths);
    ``lines`` (the annotation: mathtext, one string per line).
    """

    wrt: str | None = None
    paths: list = field(default_factory=list)
    chains: list = field(default_factory=list)
    path: list = field(default_factory=list)
    chain: list | None = None
    lines: list = field(default_factory=list)


class Graph:
    """Nodes and edges with their mathtext, before any drawing.

    Attributes
    ----------
    level : ``"unit"`` or ``"layer"``
    sizes, activations, loss : the network's definition
    top : the node the backward paths start from (``"L"`` or ``"J"``)
    nodes : dict
        ``{name: {"label": TeX, "kind": kind, "sub": TeX or None, "index": tuple}}``;
        kind one of ``"input"``, ``"param"``, ``"var"``, ``"loss"``, ``"target"``.
    edges : list
        ``(src, dst, label)``: ``src`` feeds ``dst``; ``label`` is mathtext,
        or None on the edge from the target (data, not differentiated).
    aliases : dict
        ``{other name: name}``, other names a node may be asked by.
    """

    def __init__(self, level, sizes, activations, loss, top):
        self.level, self.sizes, self.activations, self.loss, self.top = (
            level, sizes, activations, loss, top)
        self.nodes = {}
        self.edges = []
        self.aliases = {}
        self.names = None  # unit level: the names of the scalars

    def __repr__(self):
        return f"Graph(level={self.level!r}, nodes={len(self.nodes)}, edges={len(self.edges)})"

    def node(self, name, label, kind, sub=None, index=None):
        self.nodes[name] = {"label": label, "kind": kind, "sub": sub, "index": index}

    def edge(self, src, dst, label):
        self.edges.append((src, dst, label))

    def label_of(self, src, dst):
        """The label of the edge ``src -> dst``."""
        for s, d, label in self.edges:
            if (s, d) == (src, dst):
                return label
        raise KeyError(f"no edge {src!r} -> {dst!r}")

    def paths_to(self, target, source):
        """Every path from ``source`` back to ``target`` (lists, ``source`` first)."""
        into = {}
        for s, d, _ in self.edges:
            into.setdefault(d, []).append(s)
        out = []

        def walk(node, trail):
            if node == target:
                out.append(trail)
                return
            for s in into.get(node, []):
                walk(s, [*trail, s])

        walk(source, [source])
        return out

    def resolve(self, wrt):
        """The node named ``wrt`` (a name or an alias); None for None; a ValueError otherwise."""
        return _resolve(self, wrt)

    def route(self, wrt):
        """The :class:`Route` from the loss (cost) back to the node ``wrt`` (None: no route)."""
        target = self.resolve(wrt)
        if target is None:
            return Route()
        top = self.top
        paths = self.paths_to(target, top)
        labels = {(s, d): lab for s, d, lab in self.edges}
        chains = [[labels[(p[i + 1], p[i])] for i in range(len(p) - 1)] for p in paths]
        out = Route(target, paths, chains)
        if len(paths) == 1:
            out.path, out.chain = list(paths[0]), list(chains[0])
        else:
            depth = {}
            for p in paths:
                for i, n in enumerate(p):
                    depth[n] = min(depth.get(n, i), i)
            order = list(self.nodes)
            out.path = sorted(depth, key=lambda n: (depth[n], order.index(n)))
        if self.level == "unit":
            if len(paths) == 1:
                out.lines = _unit_formula(self, paths[0])
            elif len(paths) <= MAX_SUM_TERMS and not _activations.get(self.activations[-1]).elementwise:
                out.lines = _unit_sum_formula(self, paths)  # through the softmax block: a sum
            else:
                tex = self.nodes
                out.lines = [f"${_partial(tex[top]['label'], tex[target]['label'])}$ = the sum over "
                             f"the {len(paths)} highlighted paths of the product of the labels along each"]
        else:
            out.lines = _layer_formula(self, self.sizes, self.activations, self.loss, paths[0])
        return out


def build(sizes, activations, loss="bce", level="unit"):
    """The :class:`Graph` of the network ``sizes``, ``activations``, ``loss`` at ``level``.

    Checks its arguments as :func:`backprop.plotting.computational_graph`
    documents them (a unit-level graph only for small networks).
    """
    sizes = check_sizes(sizes)
    activations = check_activation_names(activations, len(sizes) - 1)
    loss = check_loss(loss, activations[-1], sizes[-1])
    if level not in LEVELS:
        raise ValueError(f'level must be "unit" or "layer", got {level!r}')
    if level == "unit":
        _check_unit_size(sizes, softmax=not _activations.get(activations[-1]).elementwise)
        return _unit_graph(sizes, activations, loss)
    return _layer_graph(sizes, activations, loss)


def activations_elementwise(name):
    """Whether the activation ``name`` acts entry by entry (False: the softmax's full block)."""
    return _activations.get(name).elementwise


def _m(s):
    return f"${s}$"


# ----------------------------------------------------------------- unit level
class _UnitNames:
    """Names and mathtext of the scalars of a small network, one example.

    One layer of one unit (chapter 1): ``x_k``, ``w_k``, ``b``, ``z``, ``a``.
    Otherwise layer superscripts: ``w[l]_jk`` is :math:`w^{[l]}_{jk}`, the
    weight from unit k of layer l-1 to unit j of layer l; the unit index j is
    dropped when layer l has one unit, and k too when that unit has one input.
    """

    def __init__(self, sizes):
        self.sizes, self.L = sizes, len(sizes) - 1
        self.single = self.L == 1 and sizes[1] == 1

    def _sup(self, l):
        return "" if self.single else f"[{l}]"

    def _tex_sup(self, l):
        return "" if self.single else f"^{{[{l}]}}"

    def x(self, k):
        if self.sizes[0] == 1:
            return "x", "x"
        return f"x_{k}", f"x_{{{k}}}"

    def a(self, l, j):
        if l == 0:
            return self.x(j)
        return self._var("a", l, j)

    def z(self, l, j):
        return self._var("z", l, j)

    def _var(self, s, l, j):
        if self.sizes[l] == 1:
            return f"{s}{self._sup(l)}", f"{s}{self._tex_sup(l)}"
        return f"{s}{self._sup(l)}_{j}", f"{s}{self._tex_sup(l)}_{{{j}}}"

    def b(self, l, j):
        return self._var("b", l, j)

    def w(self, l, j, k):
        n_out, n_in = self.sizes[l], self.sizes[l - 1]
        sup, tsup = self._sup(l), self._tex_sup(l)
        if n_out == 1 and n_in == 1:
            return f"w{sup}", f"w{tsup}"
        if n_out == 1:
            return f"w{sup}_{k}", f"w{tsup}_{{{k}}}"
        return f"w{sup}_{j}{k}", f"w{tsup}_{{{j}{k}}}"

    def y(self, j):
        if self.sizes[-1] == 1:
            return "y", "y"
        return f"y_{j}", f"y_{{{j}}}"


def _unit_graph(sizes, activations, loss):
    names = _UnitNames(sizes)
    g = Graph("unit", sizes, activations, loss, top="L")
    g.names = names
    cost = _losses.get(loss)
    L = len(sizes) - 1
    for k in range(1, sizes[0] + 1):
        g.node(*names.x(k), "input", index=("x", k))
    for l in range(1, L + 1):
        for j in range(1, sizes[l] + 1):
            zn, zt = names.z(l, j)
            an, at = names.a(l, j)
            for k in range(1, sizes[l - 1] + 1):
                wn, wt = names.w(l, j, k)
                g.node(wn, wt, "param", index=("w", l, j, k))
                g.aliases[f"w[{l}]_{j}{k}"] = wn
            bn, bt = names.b(l, j)
            g.node(bn, bt, "param", index=("b", l, j))
            g.aliases[f"b[{l}]_{j}"] = bn
            g.node(zn, zt, "var", index=("z", l, j))
            g.node(an, at, "var", index=("a", l, j))
            for k in range(1, sizes[l - 1] + 1):
                pn, pt = names.a(l - 1, k)
                wn, wt = names.w(l, j, k)
                g.edge(pn, zn, _m(wt))  # dz/da_below = w  (dz/dx = w in layer 1)
                g.edge(wn, zn, _m(pt))  # dz/dw = a of the layer below (x in layer 1)
            g.edge(bn, zn, "$1$")  # dz/db = 1
            if _activations.get(activations[l - 1]).elementwise:
                g.edge(zn, an, _m(_activations.get(activations[l - 1]).tex_local(at, zt)))  # da/dz
        if not _activations.get(activations[l - 1]).elementwise:  # the softmax: the full block
            for j in range(1, sizes[l] + 1):
                for k in range(1, sizes[l] + 1):
                    g.edge(names.z(l, k)[0], names.a(l, j)[0],
                           _m(_softmax_local(names.a(l, j)[1], names.a(l, k)[1], j == k)))
    g.node("L", r"\mathcal{L}", "loss", index=("L",))
    for j in range(1, sizes[L] + 1):
        yn, yt = names.y(j)
        g.node(yn, yt, "target", index=("y", j))
    for j in range(1, sizes[L] + 1):
        an, at = names.a(L, j)
        g.edge(an, "L", _m(cost.tex_dloss_da(at, names.y(j)[1])))  # dL/da
    for j in range(1, sizes[L] + 1):
        g.edge(names.y(j)[0], "L", None)
    # note 004 (chapter 2) numbers one-unit layers by subscripts: w_1, b_1, z_1, a_1
    if L > 1 and all(n == 1 for n in sizes):
        for l in range(1, L + 1):
            for s in "wbza":
                g.aliases[f"{s}_{l}"] = f"{s}[{l}]"
    g.aliases["𝓛"] = "L"
    return g


def _softmax_local(aj, ak, same):
    """da_j/dz_k = a_j(delta_jk - a_k) of the softmax, with delta_jk written out."""
    return f"{aj}(1-{ak})" if same else f"-{aj}{ak}"


def _check_unit_size(sizes, softmax=False):
    L = len(sizes) - 1
    max_outputs, max_sources = ((MAX_SOFTMAX_OUTPUTS, MAX_SOFTMAX_SOURCES) if softmax
                                else (MAX_OUTPUTS, MAX_SOURCES))
    problems = []
    if L > MAX_LAYERS:
        problems.append(f"{L} layers (at most {MAX_LAYERS})")
    for l, n in enumerate(sizes):
        if n > MAX_UNITS:
            problems.append(f"n_{l} = {n} units (at most {MAX_UNITS})")
    if MAX_UNITS >= sizes[L] > max_outputs:
        problems.append(f"n_{L} = {sizes[L]} outputs (at most {max_outputs})")
    for l in range(1, L + 1):
        feeding = sizes[l - 1] + sizes[l] * (sizes[l - 1] + 1)
        limit = max_sources if l == L else MAX_SOURCES
        if feeding > limit:
            problems.append(f"{feeding} scalars feeding layer {l} (at most {limit})")
    if problems:
        raise ValueError(
            f"the unit-level graph of sizes {list(sizes)} is too big to draw legibly: "
            + "; ".join(problems)
            + '. Draw it with level="layer" (matrices as nodes)'
        )


# ---------------------------------------------------------------- layer level
def _layer_graph(sizes, activations, loss):
    g = Graph("layer", sizes, activations, loss, top="J")
    L = len(sizes) - 1
    g.node("A[0]", "A^{[0]}", "input", rf"{sizes[0]}\times m", ("A", 0))
    for l in range(1, L + 1):
        g.node(f"W[{l}]", f"W^{{[{l}]}}", "param", rf"{sizes[l]}\times {sizes[l - 1]}", ("W", l))
        g.node(f"b[{l}]", f"b^{{[{l}]}}", "param", rf"{sizes[l]}\times 1", ("b", l))
        g.node(f"Z[{l}]", f"Z^{{[{l}]}}", "var", rf"{sizes[l]}\times m", ("Z", l))
        g.node(f"A[{l}]", f"A^{{[{l}]}}", "var", rf"{sizes[l]}\times m", ("A", l))
        g.edge(f"A[{l - 1}]", f"Z[{l}]", _m(rf"W^{{[{l}]\top}}\,\cdot"))  # dA[l-1] = W[l]^T dZ[l]
        g.edge(f"W[{l}]", f"Z[{l}]", _m(rf"\cdot\,A^{{[{l - 1}]\top}}"))  # (B3)
        g.edge(f"b[{l}]", f"Z[{l}]", "row sums")  # (B4)
        act = _activations.get(activations[l - 1])
        if act.elementwise:
            g_prime = act.tex_prime(f"Z^{{[{l}]}}")
            g.edge(f"Z[{l}]", f"A[{l}]", _m(rf"\odot\,{g_prime}"))  # (B2), the factor g'(Z[l])
        else:  # the softmax: each column's K x K Jacobian, a full block, not a diagonal
            g.edge(f"Z[{l}]", f"A[{l}]", _m(SOFTMAX_BLOCK_TEX.format(l=l)))
    g.node("J", "J", "loss", r"1\times 1", ("J",))
    g.node("Y", "Y", "target", rf"{sizes[L]}\times m", ("Y",))
    a = f"A^{{[{L}]}}"
    dA = _losses.get(loss).tex_dcost_dA(a)  # dJ/dA[L], element-wise
    g.edge(f"A[{L}]", "J", _m(dA))
    g.edge("Y", "J", None)
    for l in range(0, L + 1):
        g.aliases[f"A{l}"] = f"A[{l}]"
        if l:
            for s in "WbZ":
                g.aliases[f"{s}{l}"] = f"{s}[{l}]"
    g.aliases["X"] = "A[0]"
    return g


# -------------------------------------------------------------- annotations
def _partial(top, bottom):
    return rf"\dfrac{{\partial {top}}}{{\partial {bottom}}}"


def _strip(label):
    return label[1:-1] if label and label.startswith("$") else label


def _needs_parens(t):
    """Whether a factor has a + or - outside all brackets (then it needs parentheses)."""
    depth = 0
    for ch in t:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and ch in "+-":
            return True
    return False


def _unit_formula(g, path):
    tex = {n: g.nodes[n]["label"] for n in g.nodes}
    factors = [_partial(tex[path[i]], tex[path[i + 1]]) for i in range(len(path) - 1)]
    lhs = _partial(tex[path[0]], tex[path[-1]])
    labels = {(s, d): lab for s, d, lab in g.edges}
    values = [_strip(labels[(path[i + 1], path[i])]) for i in range(len(path) - 1)]
    values = [rf"\left({v}\right)" if _needs_parens(v) else v for v in values]
    return [f"${lhs} = " + r"\,".join(factors) + "$", "$= " + r"\cdot ".join(values) + "$"]


def _unit_sum_formula(g, paths):
    """The chain rule summed over several paths: the partials, then the labels, term by term."""
    tex = {n: g.nodes[n]["label"] for n in g.nodes}
    labels = {(s, d): lab for s, d, lab in g.edges}
    lhs = _partial(tex[paths[0][0]], tex[paths[0][-1]])
    lines = [f"${lhs}$ = the sum over the {len(paths)} highlighted paths:"]
    for n, path in enumerate(paths):
        partials = r"\,".join(_partial(tex[path[i]], tex[path[i + 1]]) for i in range(len(path) - 1))
        vals = [_strip(labels[(path[i + 1], path[i])]) for i in range(len(path) - 1)]
        values = r"\cdot ".join(rf"\left({v}\right)" if _needs_parens(v) else v for v in vals)
        lines.append(f"${'+' if n else ''}\\;{partials} = {values}$")
    return lines


def _layer_formula(g, sizes, activations, loss, path):
    """(B1)-(B4) along the path, from the parameter up to the output layer."""
    L = len(sizes) - 1
    target = path[-1]
    lines = []
    m = re.fullmatch(r"([WbZA])\[(\d+)\]", target)
    kind, l = m.group(1), int(m.group(2))
    if (kind, l) == ("A", L):  # the output: dJ/dA[L], the label of the edge into J
        label = {(s, d): lab for s, d, lab in g.edges}[(target, "J")]
        return [rf"$\mathrm{{d}}A^{{[{L}]}} = {label.strip('$')}$"]
    if kind == "W":
        lines.append((equations.dW(l), "B3"))
    elif kind == "b":
        lines.append((equations.db(l), "B4"))
    elif kind == "A":
        lines.append((equations.dA(l), None))
        l += 1
    for k in range(l, L + 1):
        rhs, tag, _ = equations.delta(k, activations, loss)
        lines.append((f"{equations.dZ(k)} = {rhs}", tag))
    return [f"${t}$" + (f"   ({eq})" if eq else "") for t, eq in lines]


def _resolve(g, wrt):
    """The node named ``wrt`` (or an alias of it); a ValueError listing the valid names."""
    if wrt is None:
        return None
    if not isinstance(wrt, str):
        raise TypeError(f"wrt must be a node name (str) or None, not {type(wrt).__name__}")
    name = wrt if wrt in g.nodes else g.aliases.get(wrt)
    if name is None or g.nodes[name]["kind"] in ("loss", "target"):
        valid = [n for n, info in g.nodes.items() if info["kind"] not in ("loss", "target")]
        extra = sorted(a for a, n in g.aliases.items() if n in valid and a not in g.nodes)
        if name is None:
            why = "is not a node of this graph"
        elif g.nodes[name]["kind"] == "loss":
            why = "is where the backward paths start, not a node to differentiate with respect to"
        else:
            why = "is a target, data that is not differentiated"
        msg = f"wrt={wrt!r} {why}; valid names: {', '.join(valid)}"
        if extra:
            msg += f" (also accepted: {', '.join(extra)})"
        raise ValueError(msg)
    return name
