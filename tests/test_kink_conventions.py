"""The ReLU convention at the kink, ReLU'(0) = 0, pinned in both loops with fixed cases.

A randomised comparison hits Z = 0 exactly only by chance, so a change of the slope at
z = 0 from 0 to 1 in one loop could pass it.  Here every case has ReLU units whose
pre-activation is exactly 0 (a zero row of W with a zero bias, an input of 0, a ReLU
after a ReLU), all other ReLU pre-activations are positive (so a change of the slope at
z <= 0 is a change at z = 0 alone), and the unit's gradient reaches the cost (its
outgoing weights are not 0): the slope at 0 changes the gradients.  The oracle is SymPy,
whose ReLU is the Piecewise ``z if z > 0 else 0`` (derivative 0 at z = 0).
"""

import numpy as np
import pytest
from helpers import reference_forward
from test_gradients import symbolic_gradients

import backprop as bp

RELU = bp.activations.get("relu")

# X (m, n_0) = (4, 2): non-negative, with zeros, so that W1's non-negative rows give
# Z1 >= 0 with exact zeros.  Multiples of 1/8: exact in float64 and in SymPy.
X = np.array([[1.0, 0.0], [0.5, 0.25], [0.0, 0.75], [0.375, 1.0]])
Y_BCE = np.array([[1.0], [0.0], [1.0], [0.0]])
Y_MSE = np.array([[0.5, -0.25], [1.0, 0.0], [-0.5, 0.75], [0.25, 0.5]])


def kink_net(loss):
    """2-3-2-n_L, ReLU, ReLU, then sigmoid (bce) or identity (mse), zero hidden biases.

    Layer 1: unit 0 has a zero row (Z = 0 on every example); unit 1 reads x_1 only
    (Z = 0 where x_1 = 0, examples 3); unit 2 reads x_2 only (Z = 0 on example 1).
    Layer 2 (ReLU after ReLU): unit 0 reads only layer-1 unit 0, so Z = 0 exactly on
    every example; unit 1 reads units 1 and 2 with positive weights.
    """
    W1 = np.array([[0.0, 0.0], [0.75, 0.0], [0.0, 1.25]])
    W2 = np.array([[0.5, 0.0, 0.0], [0.25, 0.625, 0.5]])
    b1, b2 = np.zeros((3, 1)), np.zeros((2, 1))
    if loss == "bce":
        W3, b3, out = np.array([[1.5, -0.75]]), np.array([[0.125]]), "sigmoid"
    else:
        W3, b3, out = np.array([[1.5, -0.75], [-0.5, 1.0]]), np.array([[0.125], [0.0]]), "identity"
    return bp.MLP.from_params([W1, W2, W3], [b1, b2, b3], ["relu", "relu", out], loss=loss)


CASES = [("bce", Y_BCE), ("mse", Y_MSE)]


def _check_the_case_sits_on_the_kink(net):
    Zs, _ = reference_forward(net.weights, net.biases, net.activations, X)
    for Z in Zs[:2]:  # the two ReLU layers: never negative, exactly 0 somewhere
        assert Z.min() == 0.0 and np.count_nonzero(Z == 0.0) >= 2
    assert np.all(Zs[0][:, 0] == 0.0) and np.all(Zs[1][:, 0] == 0.0)


def test_relu_prime_at_zero_is_zero():
    """The reference loop's g' (``prime``) and the fast loop's (``overwrite_with_prime``)
    on z = -1, 0, 1 and the smallest floats either side of 0."""
    Z = np.array([[-1.0, -5e-324, 0.0, 5e-324, 1.0]])
    assert np.array_equal(RELU.prime(Z), [[0.0, 0.0, 0.0, 1.0, 1.0]])
    A = RELU.forward(Z.copy())
    RELU.overwrite_with_prime(A, np.empty_like(A))
    assert np.array_equal(A, [[0.0, 0.0, 0.0, 1.0, 1.0]])


@pytest.mark.parametrize("loss, y", CASES, ids=[c[0] for c in CASES])
def test_reference_loop_takes_relu_slope_zero_at_the_kink(loss, y):
    """bp.reference.forward_backward (net.trace) on units with Z = 0 exactly: dZ is 0 there
    (ReLU'(0) = 0), and every gradient equals SymPy's exact one."""
    net = kink_net(loss)
    _check_the_case_sits_on_the_kink(net)
    trace = bp.reference.forward_backward(net.weights, net.biases, net.activations, loss, X, y)
    for l in (1, 2):
        Z, dZ = trace[l].Z, trace[l].dZ
        assert np.all(dZ[Z == 0.0] == 0.0), f"layer {l}: dZ is not 0 where Z = 0"
        assert np.abs(dZ[Z > 0]).max() > 1e-3  # and the units above 0 do get gradient
    # the error reaches the kink: with slope 1 at 0, dZ[2] of unit 0 would be W3[:, 0]^T dZ[3]
    assert np.abs(net.weights[2][:, 0] @ trace[3].dZ).max() > 1e-3
    sWs, sbs = symbolic_gradients([2, 3, 2, net.sizes[-1]], net.activations, loss,
                                  net.weights, net.biases, X, y)
    for l, (sW, sb) in enumerate(zip(sWs, sbs), start=1):
        np.testing.assert_allclose(trace[l].dW, sW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(trace[l].db, sb, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss, y", CASES, ids=[c[0] for c in CASES])
def test_fast_loop_takes_relu_slope_zero_at_the_kink(loss, y):
    """net.gradients (the fast loop, g' from A) on the same units: the incoming weights
    and bias of a unit with Z = 0 on every example get gradient 0, and every gradient
    equals SymPy's exact one."""
    net = kink_net(loss)
    _check_the_case_sits_on_the_kink(net)
    dWs, dbs = net.gradients(X, y)
    for l in (0, 1):  # unit 0 of both ReLU layers has Z = 0 on every example
        assert np.all(dWs[l][0] == 0.0) and dbs[l][0, 0] == 0.0
    sWs, sbs = symbolic_gradients([2, 3, 2, net.sizes[-1]], net.activations, loss,
                                  net.weights, net.biases, X, y)
    for got, exact in zip(dWs + dbs, sWs + sbs):
        np.testing.assert_allclose(got, exact, rtol=1e-12, atol=1e-15)
