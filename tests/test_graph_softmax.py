"""The softmax output in the computational graph: its full Jacobian block (issue 21).

The oracle is SymPy's derivative of the cost, built here from the network's
definition (not from backprop.graph), and centred finite differences of a
NumPy forward pass written here.
"""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402

import backprop as bp  # noqa: E402
from backprop import graph  # noqa: E402
from backprop.graph_drawing import computational_graph as cg  # noqa: E402
from backprop.graph_numbers import graph_with_numbers  # noqa: E402

NETS = [  # K = 2, K = 3, and two-layer nets
    ([2, 2], ["softmax"]),
    ([2, 3], ["softmax"]),
    ([1, 2, 2], ["tanh", "softmax"]),
    ([2, 2, 3], ["relu", "softmax"]),
]


def _symbolic_net(sizes, acts):
    """Symbols of every scalar and the loss -sum_k y_k log a_k, written from the definition."""
    L = len(sizes) - 1
    x = sp.symbols(f"x1:{sizes[0] + 1}")
    y = sp.symbols(f"y1:{sizes[L] + 1}")
    W = [sp.Matrix(sizes[l], sizes[l - 1], lambda j, k: sp.Symbol(f"w{l}_{j + 1}{k + 1}"))
         for l in range(1, L + 1)]
    b = [sp.Matrix(sizes[l], 1, lambda j, k: sp.Symbol(f"b{l}_{j + 1}")) for l in range(1, L + 1)]
    g = {"tanh": sp.tanh, "relu": lambda t: sp.Piecewise((t, t > 0), (0, True))}
    a, zs, As = sp.Matrix(x), {}, {0: sp.Matrix(x)}
    for l in range(1, L + 1):
        z = W[l - 1] * a + b[l - 1]
        if acts[l - 1] == "softmax":
            e = z.applyfunc(sp.exp)
            a = e / sum(e)
        else:
            a = z.applyfunc(g[acts[l - 1]])
        zs[l], As[l] = z, a
    loss = -sum(y[k] * sp.log(a[k]) for k in range(sizes[L]))
    return x, y, W, b, zs, As, loss


def _node_values(d, x, y, W, b, zs, As):
    """The SymPy expression of each node of the drawing, found by its index."""
    out = {}
    for name, idx in d.index.items():
        kind = idx[0]
        if kind == "x":
            out[name] = x[idx[1] - 1]
        elif kind == "y":
            out[name] = y[idx[1] - 1]
        elif kind == "w":
            out[name] = W[idx[1] - 1][idx[2] - 1, idx[3] - 1]
        elif kind == "b":
            out[name] = b[idx[1] - 1][idx[2] - 1]
        elif kind == "z":
            out[name] = zs[idx[1]][idx[2] - 1]
        elif kind == "a":
            out[name] = As[idx[1]][idx[2] - 1]
    return out


def _to_sympy(label, d, values):
    """A unit-level mathtext label as a SymPy expression of the nodes' expressions."""
    s = label.strip("$").replace(r"\left(", "(").replace(r"\right)", ")").replace(r"\cdot", "*")
    s = s.replace(r"\dfrac", "FRAC")
    s = re.sub(r"\\mathbf\{1\}\[(.*?)>0\]", r"step(\1)", s)
    tex_to_name = {d.labels[n].strip("$"): n for n in d.nodes}
    order = sorted(tex_to_name, key=len, reverse=True)
    for k, tex in enumerate(order):
        s = s.replace(tex, f" N{k}N ")
    s = s.replace("^{2}", "**2")
    while "FRAC" in s:
        s = re.sub(r"FRAC\{([^{}]*)\}\{([^{}]*)\}", r"((\1)/(\2))", s)
    s = re.sub(r"(N\d+N|\d|\))\s*(?=\(|\s*N\d+N)", r"\1*", s)  # implicit products
    s = re.sub(r"N(\d+)N", lambda m: f"v[{tex_to_name[order[int(m.group(1))]]!r}]", s)
    assert "\\" not in s and "{" not in s, (label, s)
    step = lambda t: sp.Piecewise((1, t > 0), (0, True))  # noqa: E731  ReLU'(0) = 0
    return eval(s, {"step": step, "v": values})


def _point(symbols, seed):
    rng = np.random.default_rng(seed)
    return {s: sp.Float(rng.normal(0, 1.0), 30) for s in symbols}


def test_the_softmax_graph_was_refused_before():
    """The old build raised for every softmax net; now both levels build."""
    for sizes, acts in NETS:
        for level in graph.LEVELS:
            assert graph.build(sizes, acts, "cross_entropy", level=level).nodes


@pytest.mark.parametrize("sizes, acts", NETS)
def test_unit_level_block_is_full(sizes, acts):
    g = graph.build(sizes, acts, "cross_entropy")
    L, K = len(sizes) - 1, sizes[-1]
    zs = [n for n, i in g.nodes.items() if i["index"][:2] == ("z", L)]
    outs = [n for n, i in g.nodes.items() if i["index"][:2] == ("a", L)]
    block = {(s, t) for s, t, _ in g.edges if s in zs and t in outs}
    assert len(block) == K * K and len(zs) == len(outs) == K


@pytest.mark.parametrize("sizes, acts", NETS)
def test_every_path_and_the_chain_rule_equal_sympys_derivative(sizes, acts):
    """Sum over the graph's paths of the product of its labels == SymPy's d(loss)/d(parameter)."""
    x, y, W, b, zs, As, loss = _symbolic_net(sizes, acts)
    fig, ax = plt.subplots()
    d0 = cg(sizes, acts, "cross_entropy", ax=ax)
    values = _node_values(d0, x, y, W, b, zs, As)
    onehot = {yk: float(k == 1) for k, yk in enumerate(y)}  # class 2 of K
    params = [n for n, k in d0.kinds.items() if k == "param"]
    L, K = len(sizes) - 1, sizes[-1]
    for name in params:
        ax.clear()
        d = cg(sizes, acts, "cross_entropy", wrt=name, ax=ax)
        layer = d.index[name][1]
        # K paths through the block from an output-layer parameter; K x K from layer 1
        assert len(d.paths) == K * (K if layer < L else 1), name
        graph_says = sum(sp.Mul(*[_to_sympy(lab, d, values) for lab in chain]) for chain in d.chains)
        oracle = sp.diff(loss, values[name])
        symbols = sorted(oracle.free_symbols | graph_says.free_symbols | set(y), key=str)
        f_graph, f_oracle = (sp.lambdify(symbols, e, "math") for e in (graph_says, oracle))
        for seed in (1, 2):
            at = {**_point(symbols, seed + 7 * len(params)), **onehot}
            args = [float(at[s]) for s in symbols]
            assert f_graph(*args) == pytest.approx(f_oracle(*args), rel=1e-10, abs=1e-12), name
        if len(d.paths) <= graph.MAX_SUM_TERMS:  # the formula under the graph, term by term
            terms = [line.split("=", 1)[1].strip("$ ") for line in d.formula.splitlines()[2:]]
            assert len(terms) == len(d.paths)
            written = sum(_to_sympy(f"${t}$", d, values) for t in terms)
            args = [float(v) for v in {**_point(symbols, 3), **onehot}.values()]
            f_written = sp.lambdify(symbols, written, "math")
            assert f_written(*args) == pytest.approx(f_oracle(*args), rel=1e-10)
    plt.close(fig)


def test_layer_level_is_one_block_edge():
    d = cg([3, 4, 3], ["relu", "softmax"], "cross_entropy", level="layer", wrt="W[1]")
    label = d.label_of("Z[2]", "A[2]")
    assert r"\odot" not in label and r"\partial a^{[2]}" in label
    assert r"\odot" in d.label_of("Z[1]", "A[1]")  # the hidden layer: still element-wise
    assert d.path == ["J", "A[2]", "Z[2]", "A[1]", "Z[1]", "W[1]"]
    assert r"\dfrac{1}{m}(A^{[2]}-Y)" in d.formula  # B1 through the block
    assert d.block is not None
    bx, by = d.block.get_xy()
    for n in ("Z[2]", "A[2]"):
        cx, cy = d.nodes[n]
        assert bx < cx < bx + d.block.get_width() and by < cy < by + d.block.get_height()
    for n in ("Z[1]", "A[1]", "J"):
        assert not bx < d.nodes[n][0] < bx + d.block.get_width()
    plt.close(d.ax.figure)


@pytest.mark.parametrize("level", graph.LEVELS)
def test_drawing_shades_the_block_with_a_caption(level):
    d = cg([2, 2, 3], ["relu", "softmax"], "cross_entropy", level=level)
    caption = d.note_texts[0].get_text()
    assert "shaded" in caption and "softmax" in caption
    bx, by = d.block.get_xy()
    inside = [n for n, (cx, cy) in d.nodes.items()
              if bx < cx < bx + d.block.get_width() and by < cy < by + d.block.get_height()]
    want = ["Z[2]", "A[2]"] if level == "layer" else [
        n for n, i in d.index.items() if i[0] in "za" and i[1] == 2]
    assert sorted(inside) == sorted(want)
    if level == "unit":  # every one of the 9 block edges drawn, with its label
        block = [(s, t) for s, t, _ in d.edges if s in want and t in want]
        assert len(block) == 9 and all(e in d.arrows and e in d.edge_texts for e in block)
    plt.close(d.ax.figure)
    e = cg([2, 2, 1], ["relu", "sigmoid"], "bce")
    assert e.block is None and not e.note_texts  # other losses: no block, no caption
    plt.close(e.ax.figure)


def _numpy_loss(Ws, bs, acts, x, y):
    a = np.asarray(x, float)
    for Wl, bl, g in zip(Ws, bs, acts):
        z = Wl @ a + bl.ravel()
        if g == "softmax":
            e = np.exp(z - z.max())
            a = e / e.sum()
        else:
            a = {"tanh": np.tanh, "relu": lambda t: np.maximum(t, 0)}[g](z)
    return float(-np.sum(np.asarray(y) * np.log(a)))


@pytest.mark.parametrize("sizes, acts", NETS[1:])
def test_graph_numbers_adjoints_match_finite_differences(sizes, acts):
    net = bp.MLP(sizes, activations=acts, loss="cross_entropy", seed=3)
    x = np.linspace(-0.8, 0.9, sizes[0])
    y = np.eye(sizes[-1])[-1]
    shown = graph_with_numbers(net.weights, net.biases, acts, "cross_entropy", x, y)
    d = shown.drawing
    assert shown.values[d.index and next(n for n, i in d.index.items() if i == ("L",))] == \
        pytest.approx(_numpy_loss(net.weights, net.biases, acts, x, y), rel=1e-12)
    h, checked = 1e-6, 0
    for name, idx in d.index.items():
        if idx[0] not in "wb":
            continue
        Wp, bp_ = [w.copy() for w in net.weights], [c.copy() for c in net.biases]
        Wm, bm = [w.copy() for w in net.weights], [c.copy() for c in net.biases]
        if idx[0] == "w":
            Wp[idx[1] - 1][idx[2] - 1, idx[3] - 1] += h
            Wm[idx[1] - 1][idx[2] - 1, idx[3] - 1] -= h
        else:
            bp_[idx[1] - 1][idx[2] - 1] += h
            bm[idx[1] - 1][idx[2] - 1] -= h
        fd = (_numpy_loss(Wp, bp_, acts, x, y) - _numpy_loss(Wm, bm, acts, x, y)) / (2 * h)
        assert shown.adjoints[name] == pytest.approx(fd, rel=1e-6, abs=1e-9), name
        checked += 1
    assert checked == sum(sizes[l] * (sizes[l - 1] + 1) for l in range(1, len(sizes)))
    plt.close(d.ax.figure)


def test_backward_player_steps_through_a_softmax_net():
    from backprop.widgets import backward_player

    net = bp.MLP([2, 2], activations=["softmax"], loss="cross_entropy", seed=0)
    player = backward_player(net.weights, net.biases, net.activations, "cross_entropy",
                             [0.5, -0.3], [0.0, 1.0])
    assert len(player.captions) == len(player.order) + 1
    assert player.order[0] == "L" and len(player.stack.children) == len(player.captions)
    # the backward pass reaches each z of the softmax only after every a it feeds
    pos = {n: i for i, n in enumerate(player.order)}
    for z in ("z[1]_1", "z[1]_2"):
        assert pos[z] > max(pos["a[1]_1"], pos["a[1]_2"])


def test_unit_level_limits_for_the_softmax():
    with pytest.raises(ValueError, match='level="layer"'):
        graph.build([2, 4], ["softmax"], "cross_entropy")  # K = 4: draw it at layer level
    with pytest.raises(ValueError, match='level="layer"'):
        graph.build([3, 3], ["softmax"], "cross_entropy")  # 15 scalars feed the block
    assert graph.build([2, 4], ["softmax"], "cross_entropy", level="layer").nodes
