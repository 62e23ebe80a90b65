"""Each formula is written once: an activation or a loss is one entry, and every displayed
formula (the graphs' labels and annotations, the playground's dZ table) and every SymPy form
is built from it.

A toy activation, softsign g(z) = z / (1 + |z|), is registered as one entry only; the
graph drawing, the playground, the symbolic network and MLP then use it without a change,
and its numbers are held to SymPy's derivative and to finite differences."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402

import backprop as bp  # noqa: E402
from backprop.activations import Activation  # noqa: E402


def _softsign(Z, out=None):
    return np.divide(Z, 1.0 + np.abs(Z), out=out)


def _softsign_prime(Z):
    return 1.0 / (1.0 + np.abs(Z)) ** 2


def _softsign_overwrite(A, scratch):
    np.abs(A, out=scratch)  # |a| = |z| / (1 + |z|), so 1 / (1 + |z|) = 1 - |a|
    np.subtract(1.0, scratch, out=A)
    A *= A
    return A


SOFTSIGN = Activation(
    "softsign", _softsign, _softsign_prime, _softsign_overwrite,
    sympy=lambda sp, z: z / (1 + sp.Abs(z)),
    sympy_prime=lambda sp, z: 1 / (1 + sp.Abs(z)) ** 2,
    tex=lambda z: rf"\mathrm{{softsign}}({z})",
    tex_prime=lambda Z: rf"\mathrm{{softsign}}^{{\prime}}({Z})",
    tex_local=lambda a, z: rf"(1-|{a}|)^{{2}}",
)


@pytest.fixture
def softsign(monkeypatch):
    monkeypatch.setitem(bp.activations.ACTIVATIONS, "softsign", SOFTSIGN)
    return SOFTSIGN


def test_the_entry_is_the_derivative_of_itself():
    """The toy entry's NumPy g' and in-place g' against SymPy's derivative of its g."""
    z = sp.Symbol("z", real=True)
    d = sp.lambdify(z, sp.diff(SOFTSIGN.sympy(sp, z), z))
    Z = np.linspace(-4, 4, 17).reshape(1, -1) + 0.01
    expected = np.array([[float(d(v)) for v in Z[0]]])
    np.testing.assert_allclose(SOFTSIGN.prime(Z), expected, rtol=1e-12)
    A = SOFTSIGN.forward(Z.copy())
    np.testing.assert_allclose(SOFTSIGN.overwrite_with_prime(A, np.empty_like(A)), expected,
                               rtol=1e-12)


def test_a_new_activation_appears_in_every_formula(softsign):
    cg = bp.plotting.computational_graph
    unit = cg([2, 1], ["softsign"], "mse", wrt="w_1")
    assert unit.label_of("z", "a") == "$(1-|a|)^{2}$"
    assert unit.formula.splitlines()[1] == r"$= 2(a-y)\cdot (1-|a|)^{2}\cdot x_{1}$"
    layer = cg([2, 3, 1], ["softsign", "softsign"], "mse", level="layer", wrt="W[1]")
    assert layer.label_of("Z[1]", "A[1]") == r"$\odot\,\mathrm{softsign}^{\prime}(Z^{[1]})$"
    lines = layer.formula.splitlines()
    assert lines[1] == (r"$\mathrm{d}Z^{[1]} = (W^{[2]\top}\,\mathrm{d}Z^{[2]})"
                        r"\odot \mathrm{softsign}^{\prime}(Z^{[1]})$   (B2)")
    assert lines[2] == (r"$\mathrm{d}Z^{[2]} = \dfrac{2}{m}(A^{[2]}-Y)"
                        r"\odot \mathrm{softsign}^{\prime}(Z^{[2]})$   (B1)")

    pg = bp.widgets.playground("curve", hidden=(4,), activations="softsign", output="softsign",
                               epochs=20)
    assert pg.error is None
    assert (r"\mathrm{d}Z^{[1]} = (W^{[2]\top}\,\mathrm{d}Z^{[2]})"
            r"\odot \mathrm{softsign}^{\prime}(Z^{[1]})") in pg._delta
    assert r"\odot \mathrm{softsign}^{\prime}(Z^{[2]})" in pg.equations()._repr_latex_()
    assert "activations='softsign'" in pg.config_line()


def test_a_new_activation_trains_and_its_gradient_is_right(softsign):
    """MLP's fast loop and the reference loop with the entry, against finite differences and
    against SymPy's derivative of the symbolic network built from the same entry."""
    X, y = bp.datasets.regression_curve(6, noise=0.1, seed=0)
    net = bp.MLP([1, 3, 1], ["softsign", "identity"], "mse", seed=2)
    assert bp.gradient_check(net, X, y) < 1e-7
    dWs, _ = net.gradients(X, y)
    np.testing.assert_allclose(net.trace(X, y)[1].dW, dWs[0], rtol=1e-12)
    S = bp.symbolic
    sym = S.network([1, 3, 1], ["softsign", "identity"], "mse", m=2)
    subs = S.values([(sym["X"], X[:2].T), (sym["Y"], y[:2].reshape(1, -1)),
                     (sym["W"][0], net.weights[0]), (sym["W"][1], net.weights[1]),
                     (sym["b"][0], net.biases[0]), (sym["b"][1], net.biases[1])])
    oracle = S.evaluate(S.grad(sym["J"], sym["W"][0]), subs)
    recursion = S.evaluate(S.backward(sym, at=subs)["dW"][0], subs)
    np.testing.assert_allclose(net.gradients(X[:2], y[:2])[0][0], oracle, rtol=1e-10)
    np.testing.assert_allclose(recursion, oracle, rtol=1e-10)
    net.fit(X, y, lr=0.1, epochs=5)


def test_the_equations_come_from_the_entries():
    """B1 and B2 for each registered pair; the identity's g' = 1 leaves no factor."""
    E = bp.equations
    assert E.delta(2, ("relu", "sigmoid"), "bce") == (
        r"\dfrac{1}{m}(A^{[2]}-Y)", "B1", "B1, log loss with a sigmoid output")
    assert E.delta(1, ("tanh", "identity"), "mse")[0] == (
        r"(W^{[2]\top}\,\mathrm{d}Z^{[2]})\odot \tanh^{\prime}(Z^{[1]})")
    assert E.delta(2, ("tanh", "identity"), "mse") == (
        r"\dfrac{2}{m}(A^{[2]}-Y)", "B1", "B1, squared error; the identity's g' = 1")
    assert E.delta(1, ("identity", "identity"), "mse")[0] == r"(W^{[2]\top}\,\mathrm{d}Z^{[2]})"


class Quartic(bp.losses.Loss):
    """A toy loss, 𝓛 = sum_k (y_k - a_k)^4, registered as one entry only."""

    name = "quartic"
    title = "quartic error"
    description = "the quartic error"

    def cost(self, Z, A, Y):
        return float(((A - Y) ** 4).sum()) / Z.shape[1]

    def delta(self, Z, A, Y, g):
        return 4.0 * (A - Y) ** 3 / Z.shape[1] * g.prime(Z)

    def sympy(self, sp, y, a):
        return (y - a) ** 4

    def sympy_delta(self, A, Y, m, g_prime):
        return (4 * (A - Y).applyfunc(lambda t: t ** 3) / m).multiply_elementwise(g_prime())

    def tex_dloss_da(self, a, y):
        return f"4({a}-{y})^{{3}}"

    def tex_dcost_dA(self, A):
        return rf"\dfrac{{4}}{{m}}({A}-Y)^{{\circ 3}}"

    def tex_delta(self, A, Z, g):
        return rf"\dfrac{{4}}{{m}}({A}-Y)^{{\circ 3}}" + g.tex_times_prime(Z)


@pytest.fixture
def quartic(monkeypatch):
    loss = Quartic()
    monkeypatch.setitem(bp.losses.LOSSES, "quartic", loss)
    return loss


def test_a_new_loss_appears_in_every_formula_and_trains(quartic):
    cg = bp.plotting.computational_graph
    unit = cg([1, 1], ["tanh"], "quartic", wrt="w")
    assert unit.label_of("a", "L") == "$4(a-y)^{3}$"
    layer = cg([1, 2, 1], ["tanh", "tanh"], "quartic", level="layer", wrt="b[2]")
    assert layer.label_of("A[2]", "J") == r"$\dfrac{4}{m}(A^{[2]}-Y)^{\circ 3}$"
    assert layer.formula.splitlines()[-1] == (
        r"$\mathrm{d}Z^{[2]} = \dfrac{4}{m}(A^{[2]}-Y)^{\circ 3}\odot \tanh^{\prime}(Z^{[2]})$   (B1)")

    pg = bp.widgets.playground("curve", hidden=(4,), loss="quartic", epochs=20, lr=0.05)
    assert pg.error is None and pg.checked.output == "identity"
    assert r"\mathrm{d}Z^{[2]} = \dfrac{4}{m}(A^{[2]}-Y)^{\circ 3} = " in pg._delta
    assert "(B1, quartic error; shape 1 &times; 100)" in pg._delta
    assert "loss='quartic'" in pg.config_line()

    X, y = bp.datasets.regression_curve(6, noise=0.1, seed=0)
    net = bp.MLP([1, 3, 1], ["tanh", "identity"], "quartic", seed=1)
    assert bp.gradient_check(net, X, y) < 1e-7
    S = bp.symbolic
    sym = S.network([1, 3, 1], ["tanh", "identity"], "quartic", m=2)
    subs = S.values([(sym["X"], X[:2].T), (sym["Y"], y[:2].reshape(1, -1)),
                     (sym["W"][0], net.weights[0]), (sym["W"][1], net.weights[1]),
                     (sym["b"][0], net.biases[0]), (sym["b"][1], net.biases[1])])
    oracle = S.evaluate(S.grad(sym["J"], sym["W"][0]), subs)
    np.testing.assert_allclose(S.evaluate(S.backward(sym, at=subs)["dW"][0], subs), oracle,
                               rtol=1e-10)
    np.testing.assert_allclose(net.gradients(X[:2], y[:2])[0][0], oracle, rtol=1e-10)


@pytest.mark.parametrize("name", [n for n, g in bp.activations.ACTIVATIONS.items() if g.elementwise])
def test_every_activation_entry_agrees_with_itself(name):
    # (the softmax, not element-wise, is held to SymPy's Jacobian in test_softmax.py)
    """NumPy g against the entry's SymPy g; NumPy g', the fast loop's in-place g' and the
    entry's book-written SymPy g' against SymPy's derivative of its g (away from ReLU's kink)."""
    g = bp.activations.get(name)
    z = sp.Symbol("z", real=True)
    value = sp.lambdify(z, g.sympy(sp, z), "numpy")
    slope = sp.lambdify(z, sp.diff(g.sympy(sp, z), z), "numpy")
    book = sp.lambdify(z, g.sympy_prime(sp, z), "numpy")
    Z = np.array([[-3.0, -1.2, -0.3, 0.4, 1.1, 2.5]])
    expected = np.array([[float(slope(v)) for v in Z[0]]])
    np.testing.assert_allclose(g.forward(Z.copy()), [[float(value(v)) for v in Z[0]]], rtol=1e-12)
    np.testing.assert_allclose(g.prime(Z), expected, rtol=1e-12)
    np.testing.assert_allclose([[float(book(v)) for v in Z[0]]], expected, rtol=1e-12)
    A = g.forward(Z.copy())
    np.testing.assert_allclose(g.overwrite_with_prime(A, np.empty_like(A)), expected, rtol=1e-12)
