"""The reverse-mode engine of chapter 9 (backprop.autodiff) against SymPy and centred
finite differences: random expressions, random networks, the fork rule and the reset."""

import math
import random

import numpy as np
import pytest
import sympy as sp
from helpers import ACTIVATION_NAMES, SYM_G, fd_gradients, min_relu_margin, random_data, rel_err

import backprop as bp
from backprop.autodiff import Var, cost_graph

NAMES = ("x", "y", "z")


def random_expression(draw, depth):
    """A random expression as a pair (Var builder, SymPy builder) over the inputs x, y, z."""
    if depth == 0 or draw.random() < 0.2:
        if draw.random() < 0.8:
            k = draw.randrange(3)
            return (lambda v: v[k]), (lambda s: s[k])
        c = draw.choice([-1.5, 0.5, 2.0, 3.0])
        return (lambda v: Var(c)), (lambda s: sp.Float(c))
    kind = draw.choice(["+", "-", "*", "/", "**n", "**v", "c-", "c/", "exp", "log",
                        "sigmoid", "relu", "tanh"])
    fa, sa = random_expression(draw, depth - 1)
    if kind in "+-*/":
        fb, sb = random_expression(draw, depth - 1)
        if kind == "+":
            return (lambda v: fa(v) + fb(v)), (lambda s: sa(s) + sb(s))
        if kind == "-":
            return (lambda v: fa(v) - fb(v)), (lambda s: sa(s) - sb(s))
        if kind == "*":
            return (lambda v: fa(v) * fb(v)), (lambda s: sa(s) * sb(s))
        # a denominator kept away from 0: 1 + u^2
        return (lambda v: fa(v) / (1 + fb(v) ** 2)), (lambda s: sa(s) / (1 + sb(s) ** 2))
    if kind == "**n":
        n = draw.choice([2, 3, -1])
        if n == -1:
            return (lambda v: (fa(v) ** 2 + 0.5) ** -1), (lambda s: (sa(s) ** 2 + 0.5) ** -1)
        return (lambda v: fa(v) ** n), (lambda s: sa(s) ** n)
    if kind == "**v":  # a Var to a Var's power: base 1 + u^2 > 0, exponent a sigmoid
        fb, sb = random_expression(draw, depth - 1)
        return ((lambda v: (1 + fa(v) ** 2) ** fb(v).sigmoid()),
                (lambda s: (1 + sa(s) ** 2) ** SYM_G["sigmoid"](sb(s))))
    if kind == "c-":  # a plain number on the left
        return (lambda v: 2.5 - fa(v)), (lambda s: 2.5 - sa(s))
    if kind == "c/":
        return (lambda v: 3 / (2 + fa(v).tanh())), (lambda s: 3 / (2 + sp.tanh(sa(s))))
    if kind == "exp":  # of a bounded argument, so that nothing overflows
        return (lambda v: (3 * fa(v).tanh()).exp()), (lambda s: sp.exp(3 * sp.tanh(sa(s))))
    if kind == "log":
        return (lambda v: (fa(v) * fa(v) + 0.1).log()), (lambda s: sp.log(sa(s) * sa(s) + 0.1))
    if kind == "relu":
        return (lambda v: fa(v).relu()), (lambda s: SYM_G["relu"](sa(s)))
    if kind == "sigmoid":
        return (lambda v: fa(v).sigmoid()), (lambda s: SYM_G["sigmoid"](sa(s)))
    return (lambda v: fa(v).tanh()), (lambda s: sp.tanh(sa(s)))


def grad_by_engine(f, point):
    v = [Var(p) for p in point]
    out = f(v)
    out.backward()
    return out.value, [x.adjoint for x in v]


def relu_arguments(f, point):
    """The arguments of every relu of the expression at the point (to keep off the kink)."""
    v = [Var(p) for p in point]
    out = f(v)
    return [p.value for n in out.topological_order() if n.op == "relu" for p, _ in n.parents]


@pytest.mark.parametrize("seed", range(40))
def test_random_expressions_against_sympy_and_finite_differences(seed):
    draw = random.Random(seed)
    f, s = random_expression(draw, depth=4)
    point = [draw.uniform(-2, 2) for _ in NAMES]
    if any(abs(a) < 1e-3 for a in relu_arguments(f, point)):
        pytest.skip("a relu argument within 1e-3 of the kink")
    value, grads = grad_by_engine(f, point)
    symbols = sp.symbols(NAMES, real=True)
    expr = s(symbols)
    at = dict(zip(symbols, point))
    assert value == pytest.approx(float(expr.subs(at).evalf(30)), rel=1e-12, abs=1e-12)
    for k, sym in enumerate(symbols):
        exact = float(sp.diff(expr, sym).subs(at).evalf(30))
        assert grads[k] == pytest.approx(exact, rel=1e-10, abs=1e-12), f"d/d{sym} of {expr}"
        h = 1e-6
        up = list(point)
        up[k] += h
        down = list(point)
        down[k] -= h
        fd = (f([Var(p) for p in up]).value - f([Var(p) for p in down]).value) / (2 * h)
        assert grads[k] == pytest.approx(fd, rel=1e-5, abs=1e-7)


def test_the_random_expressions_use_every_operation():
    """The 40 random expressions above exercise each operation at least once."""
    ops = set()
    for seed in range(40):
        f, _ = random_expression(random.Random(seed), depth=4)
        draw = random.Random(seed)
        random_expression(draw, depth=4)
        point = [draw.uniform(-2, 2) for _ in NAMES]
        ops |= {n.op for n in f([Var(p) for p in point]).topological_order()}
    assert {"+", "*", "exp", "log", "sigmoid", "relu", "tanh", "**2", "**-1"} <= ops


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_network_gradients_equal_backprop_and_finite_differences(seed, loss):
    rng = np.random.default_rng(seed)
    acts = [ACTIVATION_NAMES[(seed + l) % 4] for l in range(2)]
    acts.append("sigmoid" if loss == "bce" else ACTIVATION_NAMES[seed % 4])
    net = bp.MLP([3, 4, 3, 2], acts, loss, seed=seed)
    X, y = random_data(rng, 5, 3, 2, loss)
    assert min_relu_margin(net, X) > 1e-3
    J, W, b = cost_graph(net.weights, net.biases, net.activations, loss, X, y)
    J.backward()
    dW, db = bp.autodiff.gradients(W, b)
    assert J.value == pytest.approx(net.cost(X, y), rel=1e-13)
    dW_bp, db_bp = net.gradients(X, y)
    assert rel_err(dW + db, dW_bp + db_bp) < 1e-12
    dW_fd, db_fd = fd_gradients(net, X, y)
    assert rel_err(dW + db, dW_fd + db_fd) < 1e-7


def test_a_fork_adds_the_adjoints_of_both_uses():
    x = Var(3.0)
    f = x * x  # df/dx = x + x: one term per use
    f.backward()
    assert x.adjoint == 6.0
    # a unit feeding two units: u = sigma(w x), f = 2u + u^3
    w, xin = Var(0.7), Var(-1.2)
    u = (w * xin).sigmoid()
    f = 2 * u + u ** 3
    f.backward()
    s = 1 / (1 + math.exp(0.84))
    assert u.adjoint == pytest.approx(2 + 3 * s ** 2, rel=1e-15)
    assert w.adjoint == pytest.approx((2 + 3 * s ** 2) * s * (1 - s) * -1.2, rel=1e-14)
    # a node used three times in one expression
    t = Var(0.5)
    g = t * t * t
    g.backward()
    assert t.adjoint == pytest.approx(3 * 0.5 ** 2, rel=1e-15)


def test_backward_twice_gives_the_same_adjoints_not_twice_them():
    x, y = Var(1.5), Var(-0.5)
    f = (x * y).exp() + x * x
    f.backward()
    first = (x.adjoint, y.adjoint, f.adjoint)
    f.backward()
    assert (x.adjoint, y.adjoint, f.adjoint) == first
    assert first[0] == pytest.approx(-0.5 * math.exp(-0.75) + 3.0, rel=1e-15)
    # backward from an intermediate node resets its own part of the graph
    z = x * y
    h = z * z
    h.backward()
    assert x.adjoint == pytest.approx(2 * (1.5 * -0.5) * -0.5, rel=1e-15)


def test_backward_steps_visit_every_node_once_after_all_its_users():
    x = Var(2.0)
    a = x * 3
    b = a + x
    f = a * b
    order = list(f.backward_steps())
    assert order[0] is f and len(order) == len({id(v) for v in order})
    position = {id(v): i for i, v in enumerate(order)}
    for v in order:
        for u, _ in v.parents:
            assert position[id(u)] > position[id(v)]  # u after every node that uses it
    assert x.adjoint == pytest.approx(3 * (2 * 3 + 2) + 6 * 4, rel=1e-15)  # d(3x * 4x)/dx = 24x


def test_plain_numbers_on_either_side():
    x = Var(2.0)
    for f, value, slope in [(1 + x, 3, 1), (x + 1, 3, 1), (5 - x, 3, -1), (x - 5, -3, 1),
                            (3 * x, 6, 3), (x * 3, 6, 3), (8 / x, 4, -2), (x / 4, 0.5, 0.25),
                            (x ** 3, 8, 12), (2 ** x, 4, 4 * math.log(2)), (-x, -2, -1)]:
        f.backward()
        assert (f.value, x.adjoint) == pytest.approx((value, slope), rel=1e-15)


def test_the_activations_and_their_slopes():
    for z in (-3.0, -0.2, 0.4, 2.5):
        for name, g, dg in [("sigmoid", lambda t: 1 / (1 + math.exp(-t)), None),
                            ("tanh", math.tanh, lambda t: 1 - math.tanh(t) ** 2),
                            ("relu", lambda t: max(t, 0.0), lambda t: float(t > 0))]:
            x = Var(z)
            a = getattr(x, name)()
            a.backward()
            assert a.value == pytest.approx(g(z), rel=1e-15)
            expected = g(z) * (1 - g(z)) if dg is None else dg(z)
            assert x.adjoint == pytest.approx(expected, rel=1e-14)
    x = Var(0.0)
    x.relu().backward()
    assert x.adjoint == 0.0  # ReLU'(0) = 0, as in the book
    x = Var(-800.0)
    assert x.sigmoid().value == 0.0  # no overflow for a large negative argument


def test_bad_input_gets_a_clear_error():
    with pytest.raises(TypeError, match="real number"):
        Var("1.0")
    with pytest.raises(TypeError, match="real number"):
        Var(True)
    with pytest.raises(ValueError, match="finite"):
        Var(float("nan"))
    with pytest.raises(TypeError, match="real number"):
        Var(1.0) + "a"
    with pytest.raises(ValueError, match="positive"):
        Var(0.0).log()
    with pytest.raises(OverflowError, match="overflows"):
        Var(710.0).exp()
    with pytest.raises(ZeroDivisionError, match="zero"):
        Var(1.0) / 0
    with pytest.raises(ZeroDivisionError):
        Var(0.0) ** 0.5
    with pytest.raises(ValueError, match="negative"):
        Var(-2.0) ** 0.5
    with pytest.raises(ValueError, match="\"bce\", \"mse\" or \"cross_entropy\""):
        cost_graph([[[1.0]]], [[0.0]], ["sigmoid"], "hinge", [[1.0]], [1.0])


def test_a_deep_graph_needs_no_recursion():
    x = Var(1.0)
    f = x
    for _ in range(5000):  # deeper than Python's recursion limit
        f = f * 1.0001
    f.backward()
    assert x.adjoint == pytest.approx(1.0001 ** 5000, rel=1e-12)


def test_the_graph_with_numbers_shows_the_values_and_gradients_of_trace():
    """Every drawn value and adjoint against net.trace (B1-B4, another code path), one example."""
    import matplotlib.pyplot as plt

    from backprop.graph_numbers import graph_with_numbers

    net = bp.MLP([1, 2, 2], ["sigmoid", "sigmoid"], "bce", seed=0)
    x, y = np.array([[0.5]]), np.array([[1.0, 0.0]])
    t = net.trace(x, y)
    shown = graph_with_numbers(net.weights, net.biases, net.activations, "bce", x[0], y[0])
    expected = {("L",): (t.J, 1.0), ("x", 1): (0.5, None)}
    for l in (1, 2):
        for j in (1, 2):
            expected[("z", l, j)] = (t[l].Z[j - 1, 0], t[l].dZ[j - 1, 0])  # m = 1: dZ is dJ/dz
            expected[("b", l, j)] = (net.biases[l - 1][j - 1, 0], t[l].db[j - 1, 0])
            for k in (1, 2)[: net.sizes[l - 1]]:
                expected[("w", l, j, k)] = (net.weights[l - 1][j - 1, k - 1], t[l].dW[j - 1, k - 1])
    for name, key in shown.drawing.index.items():
        if key in expected:
            value, adjoint = expected[key]
            assert shown.values[name] == pytest.approx(value, rel=1e-12, abs=1e-15)
            if adjoint is not None:
                assert shown.adjoints[name] == pytest.approx(adjoint, rel=1e-12, abs=1e-15)
    assert len(shown.order) == len(set(shown.order)) == 20 and shown.order[0] == "L"
    assert {"y_1", "y_2"} - set(shown.order) == {"y_1", "y_2"}  # targets are data
    partial = graph_with_numbers(net.weights, net.biases, net.activations, "bce", x[0], y[0], steps=3)
    assert list(partial.adjoints) == shown.order[:3] and partial.current == shown.order[2]
    with pytest.raises(ValueError, match="steps must be an integer from 0 to 20"):
        graph_with_numbers(net.weights, net.biases, net.activations, "bce", x[0], y[0], steps=21)
    plt.close("all")


def test_the_backward_player_has_one_frame_per_step_linked_to_its_play_button():
    net = bp.MLP([2, 1], ["sigmoid"], "bce", seed=0)
    player = bp.widgets.backward_player(net.weights, net.biases, net.activations, "bce",
                                        [1.0, -2.0], [1.0])
    n = len(player.order)
    assert n == 8 and len(player.stack.children) == len(player.captions) == n + 1
    assert player.play.max == n and len(player.slider.options) == n + 1
    assert [(link.source[1], link.target[1]) for link in player.links] == [
        ("value", "index"), ("index", "selected_index")]
    assert player.captions[0].startswith("step 0 of 8") and "$w_{1}$" in "".join(player.captions)
    assert all(img.value[:8] == b"\x89PNG\r\n\x1a\n" for img in player.stack.children)
