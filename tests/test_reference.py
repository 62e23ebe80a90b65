"""The reference loop and ``net.trace``: the fast loop of MLP held to the plain one,
and every traced quantity held to an independent oracle (a naive forward pass in
rows, and centred finite differences of J)."""

import numpy as np
import pytest
from helpers import (
    G,
    fd_gradients,
    min_relu_margin,
    networks,
    random_data,
    reference_cost,
    reference_forward,
    snapshot,
)
from hypothesis import given, settings
from test_kink_conventions import CASES as KINK_CASES
from test_kink_conventions import X as KINK_X
from test_kink_conventions import kink_net

import backprop as bp


@settings(max_examples=60, deadline=None)
@given(networks())
def test_fast_loop_equals_reference_loop(case):
    """MLP.cost and MLP.gradients (buffers, [W | b] blocks, g' from A) agree with the
    plain loop to rounding, on random architectures, activations, losses and m."""
    sizes, acts, loss, m, seed, _ = case
    rng = np.random.default_rng(seed)
    net = bp.MLP(sizes, acts, loss=loss, seed=seed)
    X, y = random_data(rng, m, sizes[0], sizes[-1], loss)
    _assert_loops_agree(net, X, y)


@pytest.mark.parametrize("loss, y", KINK_CASES, ids=[c[0] for c in KINK_CASES])
def test_fast_loop_equals_reference_loop_at_the_kink(loss, y):
    """The same comparison on a fixed case whose ReLU units have Z = 0 exactly (and no
    Z < 0), so the loops' slopes at z = 0 are compared on every run, not by chance."""
    net = kink_net(loss)
    Zs, _ = reference_forward(net.weights, net.biases, net.activations, KINK_X)
    assert all(np.any(Z == 0.0) and Z.min() == 0.0 for Z in Zs[:2])
    _assert_loops_agree(net, KINK_X, y)


def _assert_loops_agree(net, X, y):
    trace = bp.reference.forward_backward(net.weights, net.biases, net.activations, net.loss, X, y)
    dWs, dbs = net.gradients(X, y)
    assert trace.J == pytest.approx(net.cost(X, y), rel=1e-13, abs=1e-15)
    for l, layer in enumerate(trace, start=1):
        scale = max(np.abs(layer.dW).max(), np.abs(layer.db).max(), 1e-300)
        np.testing.assert_allclose(dWs[l - 1], layer.dW, rtol=0, atol=1e-12 * scale)
        np.testing.assert_allclose(dbs[l - 1], layer.db, rtol=0, atol=1e-12 * scale)


def test_trace_shapes_and_numbering():
    net = bp.MLP([3, 5, 4, 2], ["relu", "tanh", "sigmoid"], seed=1)
    X, y = random_data(np.random.default_rng(1), 7, 3, 2, "bce")
    trace = net.trace(X, y)
    assert len(trace) == 3 and [layer.l for layer in trace] == [1, 2, 3]
    assert trace.X.shape == (3, 7) and np.array_equal(trace.X, X.T)
    for l, (n_prev, n) in enumerate(zip(net.sizes[:-1], net.sizes[1:]), start=1):
        layer = trace[l]
        assert layer.Z.shape == layer.A.shape == layer.dZ.shape == (n, 7)
        assert layer.dW.shape == (n, n_prev) and layer.db.shape == (n, 1)
    for bad in (0, 4, -1, 1.0, "1"):
        with pytest.raises(IndexError, match="layers are numbered l = 1, ..., 3"):
            trace[bad]


def test_trace_forward_quantities_match_a_naive_forward_pass_in_rows():
    net = bp.MLP([2, 4, 3, 1], ["tanh", "relu", "sigmoid"], seed=2)
    X, y = random_data(np.random.default_rng(2), 5, 2, 1, "bce")
    Zs, yhat = reference_forward(net.weights, net.biases, net.activations, X)
    trace = net.trace(X, y)
    for layer, Z_rows, g in zip(trace, Zs, net.activations):
        np.testing.assert_allclose(layer.Z, Z_rows.T, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(layer.A, G[g](Z_rows).T, rtol=1e-13, atol=1e-15)
    assert trace.J == pytest.approx(reference_cost(yhat, y, "bce"), rel=1e-13)


@pytest.mark.parametrize("loss, acts", [("bce", ["sigmoid", "tanh", "sigmoid"]),
                                        ("mse", ["relu", "sigmoid", "tanh"]),
                                        ("mse", ["tanh", "relu", "identity"])])
def test_trace_gradients_match_finite_differences(loss, acts):
    rng = np.random.default_rng(3)
    net = bp.MLP([3, 4, 3, 2], acts, loss=loss, seed=3)
    X, y = random_data(rng, 6, 3, 2, loss)
    assert min_relu_margin(net, X) > 1e-3
    trace = net.trace(X, y)
    fd_W, fd_b = fd_gradients(net, X, y)
    for layer, dW, db in zip(trace, fd_W, fd_b):
        np.testing.assert_allclose(layer.dW, dW, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(layer.db, db, rtol=1e-6, atol=1e-9)


def _cost_from_layer(net, l, Z, Y_rows, loss):
    """J as a function of Z[l] alone: the forward pass from layer l upward, in rows."""
    A = G[net.activations[l - 1]](Z.T)
    for W, b, g in zip(net.weights[l:], net.biases[l:], net.activations[l:]):
        A = G[g](A @ W.T + b.ravel())
    return reference_cost(A, Y_rows, loss)


@pytest.mark.parametrize("loss, acts", [("bce", ["tanh", "sigmoid", "sigmoid"]),
                                        ("mse", ["sigmoid", "tanh", "identity"])])
def test_trace_dZ_is_the_derivative_of_J_with_respect_to_Z(loss, acts):
    """dZ[l] = dJ/dZ[l], entry by entry, by centred differences of J(Z[l])."""
    rng = np.random.default_rng(4)
    net = bp.MLP([2, 3, 3, 2], acts, loss=loss, seed=4)
    X, y = random_data(rng, 4, 2, 2, loss)
    trace, h = net.trace(X, y), 1e-6
    for layer in trace:
        fd = np.zeros_like(layer.Z)
        for k in np.ndindex(layer.Z.shape):
            Zp, Zm = layer.Z.copy(), layer.Z.copy()
            Zp[k] += h
            Zm[k] -= h
            fd[k] = (_cost_from_layer(net, layer.l, Zp, y, loss)
                     - _cost_from_layer(net, layer.l, Zm, y, loss)) / (2 * h)
        np.testing.assert_allclose(layer.dZ, fd, rtol=1e-6, atol=1e-10)


def test_trace_leaves_the_network_unchanged():
    net = bp.MLP([2, 3, 1], ["relu", "sigmoid"], seed=5)
    X, y = random_data(np.random.default_rng(5), 4, 2, 1, "bce")
    before = snapshot(net)
    J = net.cost(X, y)
    net.trace(X, y)
    assert all(np.array_equal(W, W0) for W, W0 in zip(net.weights, before[0]))
    assert net.cost(X, y) == J


def test_reference_loop_validates_its_input():
    W, b = [np.ones((2, 2)), np.ones((1, 2))], [np.zeros((2, 1)), np.zeros((1, 1))]
    X, y = np.ones((3, 2)), np.array([0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"weights\[1\] has shape \(1, 3\), but the previous layer"):
        bp.reference.forward_backward([W[0], np.ones((1, 3))], b, ["relu", "sigmoid"], "bce", X, y)
    with pytest.raises(ValueError, match="unknown activation 'relux'"):
        bp.reference.forward_backward(W, b, ["relux", "sigmoid"], "bce", X, y)
    with pytest.raises(ValueError, match=r"\{0, 1\}"):
        bp.reference.forward_backward(W, b, ["relu", "sigmoid"], "bce", X, y + 0.5)
    with pytest.raises(ValueError, match="X has 3 features"):
        bp.reference.forward_backward(W, b, ["relu", "sigmoid"], "bce", np.ones((3, 3)), y)
