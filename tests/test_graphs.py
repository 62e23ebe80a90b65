"""Tests of the computational graph (backprop.graph, backprop.graph_drawing) and the gradient-size figure.

The structure is counted from the sizes independently of the module; every
local-derivative label is compared with a table written here (itself checked
with SymPy) and, at unit level, evaluated numerically and compared with a
centred finite difference of the node it points to; the product of the labels
along the highlighted path is compared with the finite-difference gradient of
the loss.
"""

import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402
from helpers import SYM_G, G  # noqa: E402  (the tests' one NumPy and one SymPy table of g)
from matplotlib.colors import to_hex  # noqa: E402

import backprop as bp  # noqa: E402
from backprop.graph_drawing import HIGHLIGHT  # noqa: E402

cg = bp.plotting.computational_graph


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------- structure
UNIT_NETS = [
    ([2, 1], ["sigmoid"], "bce"),
    ([1, 1], ["identity"], "mse"),
    ([3, 1], ["tanh"], "mse"),
    ([1, 1, 1], ["sigmoid", "identity"], "mse"),
    ([2, 2, 1], ["relu", "sigmoid"], "bce"),
    ([1, 2, 1], ["tanh", "identity"], "mse"),
    ([2, 1, 2], ["relu", "sigmoid"], "bce"),
    ([1, 3, 1], ["sigmoid", "sigmoid"], "bce"),
]

LAYER_NETS = [
    ([2, 1], ["sigmoid"], "bce"),
    ([1, 3, 1], ["sigmoid", "identity"], "mse"),
    ([3, 4, 1], ["relu", "sigmoid"], "bce"),
    ([2, 3, 2, 1], ["sigmoid"] * 3, "bce"),
    ([2, 3, 3, 1], ["relu", "relu", "sigmoid"], "bce"),
    ([5, 16, 16, 8, 2], ["tanh", "relu", "relu", "identity"], "mse"),
]


@pytest.mark.parametrize("sizes, acts, loss", UNIT_NETS)
def test_unit_level_counts_follow_from_the_sizes(sizes, acts, loss):
    d = cg(sizes, acts, loss)
    L = len(sizes) - 1
    pairs = sum(sizes[l] * sizes[l - 1] for l in range(1, L + 1))
    units = sum(sizes[1:])
    kinds = list(d.kinds.values())
    assert kinds.count("input") == sizes[0]
    assert kinds.count("param") == pairs + units  # one w per pair of units, one b per unit
    assert kinds.count("var") == 2 * units  # z and a
    assert kinds.count("loss") == 1 and kinds.count("target") == sizes[-1]
    assert len(d.nodes) == sizes[0] + pairs + 3 * units + 1 + sizes[-1]
    # into each z: one edge from every a below and every w, one from b; z -> a; a[L] -> L; y -> L
    assert len(d.edges) == 2 * pairs + 2 * units + 2 * sizes[-1]
    for src, dst, _ in d.edges:
        assert src in d.nodes and dst in d.nodes
    # every z_j of layer l has exactly n_{l-1} + (n_{l-1} + 1) parents
    for name, idx in d.index.items():
        if idx[0] == "z":
            parents = [s for s, t, _ in d.edges if t == name]
            assert len(parents) == 2 * sizes[idx[1] - 1] + 1


@pytest.mark.parametrize("sizes, acts, loss", LAYER_NETS)
def test_layer_level_counts_and_shapes(sizes, acts, loss):
    d = cg(sizes, acts, loss, level="layer")
    L = len(sizes) - 1
    assert len(d.nodes) == 4 * L + 3  # A[0]; W, b, Z, A per layer; Y; J
    assert len(d.edges) == 4 * L + 2
    shapes = {t.get_text() for t in d.texts}
    for l in range(1, L + 1):
        assert f"${sizes[l]}\\times {sizes[l - 1]}$" in shapes  # W[l]
        assert f"${sizes[l]}\\times m$" in shapes  # Z[l], A[l]
        assert ("A[%d]" % (l - 1), "Z[%d]" % l) in {(s, t) for s, t, _ in d.edges}
    assert f"${sizes[0]}\\times m$" in shapes and "$1\\times 1$" in shapes


def test_chapter1_graph_exactly():
    d = cg([2, 1], ["sigmoid"], "bce")
    assert set(d.nodes) == {"x_1", "x_2", "w_1", "w_2", "b", "z", "a", "L", "y"}
    expected = {
        ("x_1", "z", "$w_{1}$"), ("w_1", "z", "$x_{1}$"),
        ("x_2", "z", "$w_{2}$"), ("w_2", "z", "$x_{2}$"),
        ("b", "z", "$1$"), ("z", "a", "$a(1-a)$"),
        ("a", "L", r"$\dfrac{a-y}{a(1-a)}$"), ("y", "L", None),
    }
    assert set(d.edges) == expected
    assert d.labels["L"] == r"$\mathcal{L}$"


def test_chapter2_graph_names_and_labels():
    d = cg([1, 1, 1], ["sigmoid", "identity"], "mse")
    assert set(d.nodes) == {"x", "w[1]", "b[1]", "z[1]", "a[1]", "w[2]", "b[2]", "z[2]", "a[2]", "L", "y"}
    e = {(s, t): lab for s, t, lab in d.edges}
    assert e[("w[1]", "z[1]")] == "$x$"
    assert e[("a[1]", "z[2]")] == "$w^{[2]}$"
    assert e[("w[2]", "z[2]")] == "$a^{[1]}$"
    assert e[("z[1]", "a[1]")] == "$a^{[1]}(1-a^{[1]})$"
    assert e[("z[2]", "a[2]")] == "$1$"
    assert e[("a[2]", "L")] == "$2(a^{[2]}-y)$"
    assert d.labels["w[2]"] == "$w^{[2]}$"


# ------------------------------------------------------------ labels: table
# da/dz for a unit named a (input z), and dL/da; each entry: (mathtext, SymPy form)
a_, z_, y_ = sp.symbols("a z y", real=True)
ACT_TABLE = {  # (the label, da/dz written in a and z, g(z))
    name: (label, form, SYM_G[name](z_)) for name, label, form in [
        ("sigmoid", "$a(1-a)$", a_ * (1 - a_)),
        ("tanh", "$1-a^{2}$", 1 - a_**2),
        ("identity", "$1$", sp.Integer(1)),
        ("relu", r"$\mathbf{1}[z>0]$", sp.Heaviside(z_, 0)),
    ]
}
LOSS_TABLE = {
    "bce": (r"$\dfrac{a-y}{a(1-a)}$", (a_ - y_) / (a_ * (1 - a_)),
            -(y_ * sp.log(a_) + (1 - y_) * sp.log(1 - a_))),
    "mse": ("$2(a-y)$", 2 * (a_ - y_), (y_ - a_) ** 2),
}


@pytest.mark.parametrize("name", sorted(ACT_TABLE))
def test_activation_table_is_right(name):
    _, form, g = ACT_TABLE[name]
    derivative = sp.diff(g, z_)
    for zv in (-1.3, -0.2, 0.4, 2.1):  # away from the ReLU kink
        got = float(form.subs({a_: g.subs(z_, zv), z_: zv}))
        assert got == pytest.approx(float(derivative.subs(z_, zv)), rel=1e-12)


@pytest.mark.parametrize("loss", sorted(LOSS_TABLE))
def test_loss_table_is_right(loss):
    _, form, ell = LOSS_TABLE[loss]
    assert sp.simplify(sp.diff(ell, a_) - form) == 0


@pytest.mark.parametrize("act", sorted(ACT_TABLE))
def test_unit_activation_labels_match_the_table(act):
    loss = "bce" if act == "sigmoid" else "mse"
    d = cg([2, 1], [act], loss)
    assert d.label_of("z", "a") == ACT_TABLE[act][0]
    assert d.label_of("a", "L") == LOSS_TABLE[loss][0]


LAYER_RULES = {
    "sigmoid": r"$\odot\,\sigma^{\prime}(Z^{[1]})$",
    "relu": r"$\odot\,\mathrm{ReLU}^{\prime}(Z^{[1]})$",
    "tanh": r"$\odot\,\tanh^{\prime}(Z^{[1]})$",
    "identity": r"$\odot\,1$",  # g' = 1
}


@pytest.mark.parametrize("act", sorted(LAYER_RULES))
def test_layer_rules_match_the_table(act):
    d = cg([3, 4, 1], [act, "sigmoid"], "bce", level="layer")
    assert d.label_of("Z[1]", "A[1]") == LAYER_RULES[act]
    assert d.label_of("A[1]", "Z[2]") == r"$W^{[2]\top}\,\cdot$"  # (B2)
    assert d.label_of("W[2]", "Z[2]") == r"$\cdot\,A^{[1]\top}$"  # (B3)
    assert d.label_of("b[2]", "Z[2]") == "row sums"  # (B4)
    assert d.label_of("A[2]", "J") == r"$\dfrac{1}{m}\,\dfrac{A^{[2]}-Y}{A^{[2]}(1-A^{[2]})}$"
    assert d.label_of("Y", "J") is None
    mse = cg([3, 4, 1], [act, "identity"], "mse", level="layer")
    assert mse.label_of("A[2]", "J") == r"$\dfrac{2}{m}(A^{[2]}-Y)$"


# ------------------------------------------- labels: evaluated numerically
def _to_python(label, tex_to_name):
    """A unit-level mathtext label as a Python expression over ``v[node name]``."""
    s = label.strip("$")
    s = s.replace(r"\dfrac", "FRAC")
    s = re.sub(r"\\mathbf\{1\}\[(.*?)>0\]", r"step(\1)", s)
    order = sorted(tex_to_name, key=len, reverse=True)  # longest first: a^{[1]}_{2} before a^{[1]}
    for k, tex in enumerate(order):
        s = s.replace(tex, f"N{k}N")
    s = s.replace("^{2}", "**2")
    while "FRAC" in s:  # FRAC{p}{q} -> ((p)/(q))
        s = re.sub(r"FRAC\{([^{}]*)\}\{([^{}]*)\}", r"((\1)/(\2))", s)
    s = re.sub(r"(N\d+N|\d|\))\(", r"\1*(", s)  # implicit products
    s = re.sub(r"N(\d+)N", lambda m: f"v[{tex_to_name[order[int(m.group(1))]]!r}]", s)
    assert "\\" not in s and "{" not in s, s
    return s


def _forward_values(d, sizes, acts, loss, W, b, x, y):
    """Every node's value, computed here from the node's index (not from the module)."""
    g = G  # the NumPy table of helpers.py
    L = len(sizes) - 1
    a = [np.asarray(x, float)]
    zs = [None]
    for l in range(1, L + 1):
        z = W[l - 1] @ a[-1] + b[l - 1]
        zs.append(z)
        a.append(np.array([g[acts[l - 1]](v) for v in z]))
    if loss == "bce":
        ell = float(-np.sum(y * np.log(a[L]) + (1 - y) * np.log(1 - a[L])))
    else:
        ell = float(np.sum((y - a[L]) ** 2))
    v = {}
    for name, idx in d.index.items():
        kind = idx[0]
        v[name] = {
            "x": lambda: x[idx[1] - 1], "y": lambda: y[idx[1] - 1], "L": lambda: ell,
            "w": lambda: W[idx[1] - 1][idx[2] - 1, idx[3] - 1], "b": lambda: b[idx[1] - 1][idx[2] - 1],
            "z": lambda: zs[idx[1]][idx[2] - 1], "a": lambda: a[idx[1]][idx[2] - 1],
        }[kind]()
    return v, ell


def _loss_of(sizes, acts, loss, W, b, x, y):
    g = G  # the NumPy table of helpers.py
    a = np.asarray(x, float)
    for l in range(len(sizes) - 1):
        a = g[acts[l]](W[l] @ a + b[l])
    if loss == "bce":
        return float(-np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)))
    return float(np.sum((y - a) ** 2))


def _random_net(sizes, seed):
    rng = np.random.default_rng(seed)
    W = [rng.normal(0, 1.0, (sizes[l + 1], sizes[l])) for l in range(len(sizes) - 1)]
    b = [rng.normal(0, 0.5, sizes[l + 1]) for l in range(len(sizes) - 1)]
    x = rng.normal(0, 1.0, sizes[0])
    y = rng.uniform(0.1, 0.9, sizes[-1])
    return W, b, x, y


def _evaluate(label, d, v):
    tex_to_name = {d.labels[n].strip("$"): n for n in d.nodes}
    expr = _to_python(label, tex_to_name)
    return eval(expr, {"step": lambda t: float(t > 0), "v": v})


@pytest.mark.parametrize("sizes, acts, loss", UNIT_NETS)
def test_every_unit_label_is_the_local_derivative(sizes, acts, loss):
    """Each label, evaluated, equals d(dst)/d(src) by a centred difference of dst's own formula."""
    d = cg(sizes, acts, loss)
    W, b, x, y = _random_net(sizes, seed=sum(sizes))
    v, _ = _forward_values(d, sizes, acts, loss, W, b, x, y)
    g = G  # the NumPy table of helpers.py
    parents = {}
    for s, t, _ in d.edges:
        parents.setdefault(t, []).append(s)

    def value_of(dst, vals):
        idx = d.index[dst]
        if idx[0] == "z":  # z = sum of w * a below + b, read from the indices
            total = 0.0
            for p in parents[dst]:
                pi = d.index[p]
                if pi[0] == "w":
                    below = [q for q in parents[dst] if d.index[q][0] in ("x", "a")
                             and d.index[q][-1] == pi[3]]
                    total += vals[p] * vals[below[0]]
                elif pi[0] == "b":
                    total += vals[p]
            return total
        if idx[0] == "a":
            return g[acts[idx[1] - 1]](vals[parents[dst][0]])
        outs = [p for p in parents[dst] if d.index[p][0] == "a"]
        ys = {d.index[p][1]: vals[p] for p in parents[dst] if d.index[p][0] == "y"}
        tot = 0.0
        for p in outs:
            av, yv = vals[p], ys[d.index[p][2]]
            tot += -(yv * np.log(av) + (1 - yv) * np.log(1 - av)) if loss == "bce" else (yv - av) ** 2
        return tot

    h = 1e-6
    checked = 0
    for src, dst, label in d.edges:
        if label is None:
            continue
        up, down = dict(v), dict(v)
        up[src] += h
        down[src] -= h
        fd = (value_of(dst, up) - value_of(dst, down)) / (2 * h)
        assert value_of(dst, v) == pytest.approx(v[dst], rel=1e-12, abs=1e-12)  # the oracle is right
        assert _evaluate(label, d, v) == pytest.approx(fd, rel=1e-6, abs=1e-8), (src, dst, label)
        checked += 1
    assert checked == len(d.edges) - sizes[-1]


PATHS = [
    ([2, 1], ["sigmoid"], "bce", "unit", "w_1", ["L", "a", "z", "w_1"]),
    ([2, 1], ["sigmoid"], "bce", "unit", "b", ["L", "a", "z", "b"]),
    ([2, 1], ["sigmoid"], "bce", "unit", "x_2", ["L", "a", "z", "x_2"]),
    ([1, 1, 1], ["sigmoid", "identity"], "mse", "unit", "w_1",
     ["L", "a[2]", "z[2]", "a[1]", "z[1]", "w[1]"]),
    ([1, 1, 1], ["sigmoid", "identity"], "mse", "unit", "b[2]", ["L", "a[2]", "z[2]", "b[2]"]),
    ([2, 2, 1], ["relu", "sigmoid"], "bce", "unit", "w[1]_21",
     ["L", "a[2]", "z[2]", "a[1]_2", "z[1]_2", "w[1]_21"]),
    ([2, 2, 1], ["relu", "sigmoid"], "bce", "unit", "b[1]_1",
     ["L", "a[2]", "z[2]", "a[1]_1", "z[1]_1", "b[1]_1"]),
    ([2, 2, 1], ["relu", "sigmoid"], "bce", "unit", "w[2]_11", ["L", "a[2]", "z[2]", "w[2]_1"]),
    ([2, 3, 2, 1], ["sigmoid"] * 3, "bce", "layer", "W[2]",
     ["J", "A[3]", "Z[3]", "A[2]", "Z[2]", "W[2]"]),
    ([2, 3, 3, 1], ["relu", "relu", "sigmoid"], "bce", "layer", "b[1]",
     ["J", "A[3]", "Z[3]", "A[2]", "Z[2]", "A[1]", "Z[1]", "b[1]"]),
    ([3, 4, 1], ["relu", "sigmoid"], "bce", "layer", "W2", ["J", "A[2]", "Z[2]", "W[2]"]),
    ([3, 4, 1], ["relu", "sigmoid"], "bce", "layer", "A[1]", ["J", "A[2]", "Z[2]", "A[1]"]),
]


@pytest.mark.parametrize("sizes, acts, loss, level, wrt, path", PATHS)
def test_path_from_the_loss_to_wrt(sizes, acts, loss, level, wrt, path):
    d = cg(sizes, acts, loss, level=level, wrt=wrt)
    assert d.path == path
    assert d.paths == [path]
    labels = {(s, t): lab for s, t, lab in d.edges}
    assert d.chain == [labels[(path[i + 1], path[i])] for i in range(len(path) - 1)]
    # the path is drawn in the highlight colour, and only the path
    hot = {(path[i + 1], path[i]) for i in range(len(path) - 1)}
    for edge, arrow in d.arrows.items():
        assert (to_hex(arrow.get_edgecolor()) == HIGHLIGHT) == (edge in hot), edge
    for name, patch in d.patches.items():
        assert (to_hex(patch.get_edgecolor()) == HIGHLIGHT) == (name in path), name


@pytest.mark.parametrize("sizes, acts, loss", UNIT_NETS)
def test_chain_product_is_the_gradient(sizes, acts, loss):
    """Sum over paths of the product of the labels = finite-difference dL/dparameter."""
    W, b, x, y = _random_net(sizes, seed=10 + sum(sizes))
    d0 = cg(sizes, acts, loss)
    params = [n for n, k in d0.kinds.items() if k == "param"]
    v, _ = _forward_values(d0, sizes, acts, loss, W, b, x, y)
    fig, ax = plt.subplots(figsize=(8, 5))
    for name in params:
        ax.clear()
        d = cg(sizes, acts, loss, wrt=name, ax=ax)
        grad = sum(np.prod([_evaluate(lab, d, v) for lab in chain]) for chain in d.chains)
        idx = d.index[name]
        h = 1e-6
        Wp = [w.copy() for w in W]
        bp_ = [c.copy() for c in b]
        Wm = [w.copy() for w in W]
        bm = [c.copy() for c in b]
        if idx[0] == "w":
            Wp[idx[1] - 1][idx[2] - 1, idx[3] - 1] += h
            Wm[idx[1] - 1][idx[2] - 1, idx[3] - 1] -= h
        else:
            bp_[idx[1] - 1][idx[2] - 1] += h
            bm[idx[1] - 1][idx[2] - 1] -= h
        up, down = _loss_of(sizes, acts, loss, Wp, bp_, x, y), _loss_of(sizes, acts, loss, Wm, bm, x, y)
        fd = (up - down) / (2 * h)
        assert grad == pytest.approx(fd, rel=1e-6, abs=1e-9), name


def test_several_paths_when_a_scalar_reaches_the_loss_twice():
    d = cg([1, 1, 2], ["tanh", "sigmoid"], "bce", wrt="w[1]")
    assert sorted(d.paths) == sorted([
        ["L", "a[2]_1", "z[2]_1", "a[1]", "z[1]", "w[1]"],
        ["L", "a[2]_2", "z[2]_2", "a[1]", "z[1]", "w[1]"],
    ])
    assert d.chain is None and len(d.chains) == 2
    assert d.path[0] == "L" and d.path[-1] == "w[1]" and len(d.path) == 8


def test_formula_under_the_graph():
    d = cg([2, 1], ["sigmoid"], "bce", wrt="w_1")
    assert d.formula.splitlines() == [
        r"$\dfrac{\partial \mathcal{L}}{\partial w_{1}} = \dfrac{\partial \mathcal{L}}{\partial a}"
        r"\,\dfrac{\partial a}{\partial z}\,\dfrac{\partial z}{\partial w_{1}}$",
        r"$= \dfrac{a-y}{a(1-a)}\cdot a(1-a)\cdot x_{1}$",
    ]
    lay = cg([2, 3, 2, 1], ["sigmoid"] * 3, "bce", level="layer", wrt="W[2]")
    lines = lay.formula.splitlines()
    assert [line.rsplit("(", 1)[-1] for line in lines] == ["B3)", "B2)", "B1)"]
    assert [t.get_text() for t in lay.note_texts] == lines
    out = cg([3, 4, 1], ["relu", "sigmoid"], "bce", level="layer", wrt="A[2]")
    assert out.formula == r"$\mathrm{d}A^{[2]} = \dfrac{1}{m}\,\dfrac{A^{[2]}-Y}{A^{[2]}(1-A^{[2]})}$"
    hidden = cg([3, 4, 1], ["relu", "sigmoid"], "bce", level="layer", wrt="A[1]").formula.splitlines()
    assert hidden[0] == r"$\mathrm{d}A^{[1]} = W^{[2]\top}\,\mathrm{d}Z^{[2]}$"
    assert hidden[1] == r"$\mathrm{d}Z^{[2]} = \dfrac{1}{m}(A^{[2]}-Y)$   (B1)"
    # squared error: (B1) keeps g'(Z[L]), unless the output is the identity (g' = 1)
    sig = cg([1, 3, 1], ["sigmoid", "sigmoid"], "mse", level="layer", wrt="b[2]").formula.splitlines()
    assert sig[-1] == r"$\mathrm{d}Z^{[2]} = \dfrac{2}{m}(A^{[2]}-Y)\odot \sigma^{\prime}(Z^{[2]})$   (B1)"
    ident = cg([1, 3, 1], ["sigmoid", "identity"], "mse", level="layer", wrt="W[1]").formula.splitlines()
    assert ident[-1] == r"$\mathrm{d}Z^{[2]} = \dfrac{2}{m}(A^{[2]}-Y)$   (B1)"
    assert ident[1] == (r"$\mathrm{d}Z^{[1]} = (W^{[2]\top}\,\mathrm{d}Z^{[2]})"
                        r"\odot \sigma^{\prime}(Z^{[1]})$   (B2)")


# ------------------------------------------------------------------- errors
def test_bad_wrt_lists_the_valid_names():
    with pytest.raises(ValueError, match="valid names: x_1, x_2, w_1, w_2, b, z, a"):
        cg([2, 1], ["sigmoid"], "bce", wrt="w_3")
    with pytest.raises(ValueError, match=r"W\[1\].*W\[2\]"):
        cg([3, 4, 1], ["relu", "sigmoid"], "bce", level="layer", wrt="W[3]")
    with pytest.raises(ValueError, match="where the backward paths start"):
        cg([2, 1], ["sigmoid"], "bce", wrt="L")
    with pytest.raises(ValueError, match="target"):
        cg([3, 4, 1], ["relu", "sigmoid"], "bce", level="layer", wrt="Y")
    d = cg([2, 1], ["sigmoid"], "bce")
    assert d.path == [] and d.chain is None and d.formula == ""
    with pytest.raises(TypeError, match="wrt"):
        cg([2, 1], ["sigmoid"], "bce", wrt=1)


def test_aliases():
    assert cg([2, 1], ["sigmoid"], "bce", wrt="w[1]_12").wrt == "w_2"
    assert cg([1, 1, 1], ["sigmoid", "identity"], "mse", wrt="b_2").wrt == "b[2]"
    assert cg([2, 2, 1], ["relu", "sigmoid"], "bce", wrt="b[2]_1").wrt == "b[2]"
    # note 004's w_1 belongs to one-unit layers only
    with pytest.raises(ValueError):
        cg([2, 2, 1], ["relu", "sigmoid"], "bce", wrt="w_1")


@pytest.mark.parametrize("sizes", [[5, 1], [2, 5, 1], [3, 4, 1], [2, 3, 1], [1, 1, 1, 1], [1, 3], [2, 2, 3]])
def test_unit_level_refuses_big_nets(sizes):
    acts = ["sigmoid"] * (len(sizes) - 1)
    with pytest.raises(ValueError, match='level="layer"'):
        cg(sizes, acts, "bce")
    cg(sizes, acts, "bce", level="layer")  # which draws it


def test_bad_arguments():
    with pytest.raises(ValueError, match="level"):
        cg([2, 1], ["sigmoid"], "bce", level="units")
    with pytest.raises(ValueError, match="sigmoid"):
        cg([2, 1], ["relu"], "bce")
    with pytest.raises(ValueError, match="activations"):
        cg([2, 2, 1], ["sigmoid"], "bce")
    with pytest.raises(TypeError, match="ax"):
        cg([2, 1], ["sigmoid"], "bce", ax="axes")


# ---------------------------------------------------------------- legibility
CHAPTER_FIGURES = [
    ([2, 1], ["sigmoid"], "bce", "unit", "w_1"),
    ([1, 1, 1], ["sigmoid", "identity"], "mse", "unit", "w_1"),
    ([1, 3, 1], ["sigmoid", "identity"], "mse", "layer", "W[1]"),
    ([3, 4, 1], ["relu", "sigmoid"], "bce", "layer", "W[1]"),
    ([2, 2, 1], ["relu", "sigmoid"], "bce", "unit", "w[1]_21"),
    ([2, 3, 2, 1], ["sigmoid"] * 3, "bce", "layer", "W[2]"),
    ([2, 3, 3, 1], ["relu", "relu", "sigmoid"], "bce", "layer", "b[1]"),
]


@pytest.mark.parametrize("sizes, acts, loss, level, wrt", CHAPTER_FIGURES)
def test_chapter_figures_are_legible(sizes, acts, loss, level, wrt):
    d = cg(sizes, acts, loss, level=level, wrt=wrt)
    fig = d.ax.figure
    width, height = fig.get_size_inches()
    assert 4 <= width <= 8.2 and height <= 6.5
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    texts = [t for t in d.texts if t.get_text()]
    assert all(t.get_fontsize() >= 9 for t in texts)
    boxes = [t.get_window_extent(r) for t in texts]
    fig_box = fig.bbox
    for box in boxes:  # inside the figure
        assert box.x0 >= fig_box.x0 - 1 and box.x1 <= fig_box.x1 + 1
        assert box.y0 >= fig_box.y0 - 1 and box.y1 <= fig_box.y1 + 1
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (texts[i].get_text(), texts[j].get_text())
    # an edge label hides no node, and each node's name sits inside its node
    node_boxes = {n: p.get_window_extent(r) for n, p in d.patches.items()}
    assert len(d.edge_texts) == sum(lab is not None for _, _, lab in d.edges)
    for edge, t in d.edge_texts.items():
        box = t.get_window_extent(r)
        for n, nb in node_boxes.items():
            assert not box.overlaps(nb), (t.get_text(), n)
    for n, ts in d.node_texts.items():
        for t in ts:
            tb, nb = t.get_window_extent(r), node_boxes[n]
            assert nb.x0 <= tb.x0 and tb.x1 <= nb.x1 and nb.y0 <= tb.y0 and tb.y1 <= nb.y1, n


@pytest.mark.parametrize("figsize", [(4, 2), (12, 8)])
def test_draws_on_a_given_axes(figsize):
    """In a smaller Axes the fonts shrink with the layout: names still inside their nodes."""
    fig, ax = plt.subplots(figsize=figsize)
    d = cg([2, 2, 1], ["relu", "sigmoid"], "bce", wrt="b[1]_2", ax=ax)
    assert d.ax is ax and d.path[-1] == "b[1]_2"
    x0, x1 = ax.get_xlim()
    for x, _ in d.nodes.values():
        assert x0 < x < x1
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    for n, ts in d.node_texts.items():
        nb = d.patches[n].get_window_extent(r)
        for t in ts:
            tb = t.get_window_extent(r)
            assert nb.x0 <= tb.x0 and tb.x1 <= nb.x1 and nb.y0 <= tb.y0 and tb.y1 <= nb.y1, n
    sizes = {t.get_fontsize() for t in d.texts}
    assert (max(sizes) < 9) == (figsize == (4, 2))


# ------------------------------------------------------------ gradient sizes
class _StandInTrace:
    """What ``net.trace(X, y)`` returns, as far as plot_gradient_sizes reads it."""

    def __init__(self, layers):
        self._layers = layers

    def __len__(self):
        return len(self._layers)

    def __getitem__(self, l):
        if not 1 <= l <= len(self._layers):
            raise IndexError(l)
        return self._layers[l - 1]


def _stand_in_records(sizes, epochs, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for e in epochs:
        layers = [SimpleNamespace(l=l, dZ=rng.normal(0, 10.0 ** -l, (sizes[l], 7)),
                                  dW=rng.normal(0, 10.0 ** -l, (sizes[l], sizes[l - 1])),
                                  db=rng.normal(0, 1, (sizes[l], 1)))
                  for l in range(1, len(sizes))]
        out.append((e, _StandInTrace(layers)))
    return out


def _trained_records(epochs=(0, 20, 40, 60)):
    """(epoch, net.trace(X, y)) while a three-sigmoid-layer net (chapter 4's) trains."""
    X, y = bp.datasets.moons(80, noise=0.2, seed=0)
    net = bp.MLP([2, 3, 2, 1], activations=["sigmoid"] * 3, loss="bce", seed=0)
    records, done = [], 0
    for e in epochs:
        if e > done:
            net.fit(X, y, lr=0.5, epochs=e - done)
            done = e
        records.append((e, net.trace(X, y)))
    return X, y, records


@pytest.mark.parametrize("what", ["dZ", "dW", "db"])
def test_gradient_sizes_are_frobenius_norms_of_the_trace(what):
    _, _, records = _trained_records()
    fig, ax = plt.subplots()
    view = bp.plotting.plot_gradient_sizes(records, ax=ax, what=what)
    assert sorted(view.sizes) == [1, 2, 3]
    for l in (1, 2, 3):
        expected = [np.sqrt(np.sum(getattr(t[l], what) ** 2)) for _, t in records]
        np.testing.assert_allclose(view.sizes[l], expected, rtol=1e-13)
        np.testing.assert_allclose(view.lines[l].get_ydata(), expected, rtol=1e-13)
        np.testing.assert_array_equal(view.lines[l].get_xdata(), [0, 20, 40, 60])
    np.testing.assert_array_equal(view.epochs, [0, 20, 40, 60])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["layer 1", "layer 2", "layer 3"]
    assert ax.get_yscale() == "log"


def test_gradient_sizes_agree_with_the_fast_gradients():
    """dW sizes from the reference-loop trace vs net.gradients (the fast loop) of the same net."""
    X, y, records = _trained_records(epochs=(0,))
    view = bp.plotting.plot_gradient_sizes(records, what="dW")
    fresh = bp.MLP([2, 3, 2, 1], activations=["sigmoid"] * 3, loss="bce", seed=0)
    dWs, dbs = fresh.gradients(X, y)
    for l in (1, 2, 3):
        assert view.sizes[l][0] == pytest.approx(np.linalg.norm(dWs[l - 1]), rel=1e-12)
    view = bp.plotting.plot_gradient_sizes(records, what="db")
    for l in (1, 2, 3):
        assert view.sizes[l][0] == pytest.approx(np.linalg.norm(dbs[l - 1]), rel=1e-12)


def test_gradient_size_ratios():
    _, _, records = _trained_records(epochs=(0, 30))
    view = bp.plotting.plot_gradient_sizes(records)
    r = view.ratios()
    np.testing.assert_array_equal(r[3], [1.0, 1.0])
    for l in (1, 2):
        expected = [np.linalg.norm(t[l].dZ) / np.linalg.norm(t[3].dZ) for _, t in records]
        np.testing.assert_allclose(r[l], expected, rtol=1e-13)


def test_gradient_sizes_with_a_stand_in_trace():
    """Anything shaped like a Trace works: len(trace) == L, trace[l].dZ for l = 1..L."""
    records = _stand_in_records([2, 3, 2, 1], [0, 10, 20])
    view = bp.plotting.plot_gradient_sizes(records)
    for l in (1, 2, 3):
        expected = [np.linalg.norm(t[l].dZ) for _, t in records]
        np.testing.assert_allclose(view.sizes[l], expected, rtol=1e-14)


def test_gradient_sizes_errors_and_labels():
    records = _stand_in_records([2, 3, 1], [0, 5])
    view = bp.plotting.plot_gradient_sizes(records, labels=["hidden", "output"], log=False)
    assert [t.get_text() for t in view.ax.get_legend().get_texts()] == ["hidden", "output"]
    assert view.ax.get_yscale() == "linear"
    with pytest.raises(ValueError, match="what"):
        bp.plotting.plot_gradient_sizes(records, what="dA")
    with pytest.raises(ValueError, match="one label per layer"):
        bp.plotting.plot_gradient_sizes(records, labels=["one"])
    with pytest.raises(ValueError, match="non-empty"):
        bp.plotting.plot_gradient_sizes([])
    mixed = records + _stand_in_records([2, 3, 3, 1], [9])
    with pytest.raises(ValueError, match="layers"):
        bp.plotting.plot_gradient_sizes(mixed)
    zero = _stand_in_records([2, 1], [0])
    zero[0][1][1].dZ = np.zeros((1, 7))
    with pytest.raises(ValueError, match="log=False"):
        bp.plotting.plot_gradient_sizes(zero)
