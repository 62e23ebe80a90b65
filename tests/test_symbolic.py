"""Tests of backprop.symbolic, the SymPy helpers the chapters assert with."""

import numpy as np
import pytest
import sympy as sp
from helpers import G

import backprop as bp

S = bp.symbolic
a, y, z = sp.symbols("a y z", real=True)


def test_sigmoid_matches_numpy_and_its_derivative():
    for value in (-30.0, -1.5, 0.0, 2.0, 30.0):
        assert float(S.sigmoid(value)) == pytest.approx(float(bp.sigmoid(value)), rel=1e-15)
    S.assert_equal(sp.diff(S.sigmoid(z), z), S.sigmoid(z) * (1 - S.sigmoid(z)))


def test_relu_derivative_is_zero_at_zero():
    assert sp.diff(S.relu(z), z).subs(z, 0) == 0
    assert S.relu_prime(0) == 0 and S.relu_prime(2) == 1
    assert S.relu(-3) == 0 and S.relu(3) == 3


def test_losses():
    S.assert_equal(sp.diff(S.log_loss(y, a), a), (a - y) / (a * (1 - a)))
    S.assert_equal(sp.diff(S.squared_error(y, a), a), -2 * (y - a))


def test_assert_equal_rejects_a_wrong_identity():
    with pytest.raises(AssertionError, match="dL/da"):
        S.assert_equal(sp.diff(S.log_loss(y, a), a), (y - a) / (a * (1 - a)), "dL/da")
    with pytest.raises(AssertionError, match="shapes differ"):
        S.assert_equal(sp.Matrix([1, 2]), sp.Matrix([[1, 2]]))
    # and accepts equal matrices, returning the first argument
    M = sp.Matrix([[z + z, 1]])
    assert S.assert_equal(M, sp.Matrix([[2 * z, 1]])) is M


def test_counterexample_values():
    first, second = S.counterexample(a - y, y - a, {a: 0.75, y: 0.0})
    assert (first, second) == (0.75, -0.75)


def test_matrix_symbols_and_elementwise_grad():
    W = S.matrix("W", 2, 3, "[1]")
    assert W.shape == (2, 3)
    assert str(W[1, 2]) == "W^{[1]}_{23}"
    b = S.matrix("b", 2, 1, "[1]")
    assert str(b[1]) == "b^{[1]}_{2}"
    J = sum(W) ** 2
    G = S.grad(J, W)
    assert G.shape == W.shape
    S.assert_equal(G[0, 1], 2 * sum(W))


def test_values_checks_shapes():
    W = S.matrix("W", 2, 2)
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        S.values({W: np.zeros(3)})
    subs = S.values([(W, np.arange(4.0).reshape(2, 2)), (z, 1.5)])
    assert S.evaluate(W, subs).tolist() == [[0.0, 1.0], [2.0, 3.0]]
    assert S.evaluate(z * 2, subs) == 3.0


@pytest.mark.parametrize(
    "sizes, activations, loss",
    [([2, 3, 1], ["relu", "sigmoid"], "bce"), ([1, 2, 2], ["tanh", "identity"], "mse")],
)
def test_symbolic_network_cost_is_the_mean_loss(sizes, activations, loss):
    """The symbolic network's J agrees with a direct NumPy evaluation of the definitions."""
    m = 2
    N = S.network(sizes, activations, loss, m)
    rng = np.random.default_rng(3)
    Ws = [rng.normal(size=W.shape) for W in N["W"]]
    bs = [rng.normal(size=b.shape) for b in N["b"]]
    X = rng.normal(size=(sizes[0], m))
    Y = (rng.random((sizes[-1], m)) > 0.5).astype(float)
    subs = S.values([(N["X"], X), (N["Y"], Y)] + list(zip(N["W"], Ws)) + list(zip(N["b"], bs)))
    A = X
    for W, b, name in zip(Ws, bs, activations):
        A = G[name](W @ A + b)
    if loss == "bce":
        per_example = -(Y * np.log(A) + (1 - Y) * np.log(1 - A)).sum(axis=0)
    else:
        per_example = ((Y - A) ** 2).sum(axis=0)
    assert S.evaluate(N["J"], subs) == pytest.approx(per_example.mean(), rel=1e-12)


def test_show_gives_latex():
    out = S.show(r"\frac{\partial L}{\partial a}", (a - y) / (a * (1 - a)))
    assert out._repr_latex_().startswith(r"$\displaystyle \frac{\partial L}{\partial a} =")


@pytest.mark.parametrize(
    "sizes, activations, loss",
    [
        ([2, 3, 1], ["relu", "sigmoid"], "bce"),
        ([2, 2, 3, 2], ["tanh", "sigmoid", "identity"], "mse"),
        ([1, 2, 1], ["identity", "sigmoid"], "mse"),
    ],
)
def test_backward_is_sympys_derivative_of_the_cost(sizes, activations, loss):
    """B1-B4 in SymPy (backward) equal SymPy's derivatives of J, as expressions at a
    point and evaluated there first (at=); dZ and dW have the shapes of Z and W."""
    m = 2
    N = S.network(sizes, activations, loss, m)
    rng = np.random.default_rng(5)
    pairs = [(N["X"], rng.normal(size=N["X"].shape)),
             (N["Y"], (rng.random(N["Y"].shape) > 0.5).astype(float))]
    pairs += [(P, rng.normal(size=P.shape)) for P in N["W"] + N["b"]]
    subs = S.values(pairs)
    symbolic, numeric = S.backward(N), S.backward(N, at=subs)
    for l in range(len(activations)):
        assert symbolic["dZ"][l].shape == N["Z"][l].shape
        for key, P in (("dW", N["W"][l]), ("db", N["b"][l])):
            oracle = S.evaluate(S.grad(N["J"], P), subs)
            assert symbolic[key][l].shape == P.shape
            np.testing.assert_allclose(S.evaluate(symbolic[key][l], subs), oracle, rtol=1e-12)
            np.testing.assert_allclose(S.evaluate(numeric[key][l], subs), oracle, rtol=1e-12)


def test_backward_refuses_the_log_loss_without_a_sigmoid_output():
    with pytest.raises(ValueError, match="sigmoid"):
        S.backward(S.network([2, 1], ["identity"], "bce", 1))


def test_primes_are_the_derivatives_of_the_activations():
    s = sp.Symbol("s", real=True)
    for name, g in S.ACTIVATIONS.items():
        if not bp.ACTIVATIONS[name].elementwise:  # the softmax's Jacobian: test_softmax.py
            continue
        S.assert_equal(S.PRIMES[name](s), sp.diff(g(s), s), name)
