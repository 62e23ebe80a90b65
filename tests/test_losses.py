"""The losses module: each loss against its SymPy twin and against the definitions."""

import numpy as np
import pytest
import sympy as sp
from helpers import ACTIVATION_NAMES, SYM_G

import backprop as bp

S = bp.symbolic


def test_every_loss_has_a_sympy_twin_and_a_name():
    assert set(bp.losses.LOSSES) == set(S.LOSSES) == set(bp.LOSSES)
    for name, loss in bp.losses.LOSSES.items():
        assert loss.name == name and bp.losses.get(name) is loss


def _pairs():
    """Each loss with each element-wise output it takes (the softmax's cross-entropy, whose
    B1 goes through a full Jacobian, is held to SymPy in test_softmax.py)."""
    for name, loss in bp.losses.LOSSES.items():
        if loss.output and not bp.ACTIVATIONS[loss.output].elementwise:
            continue
        outputs = [loss.output] if loss.output else ACTIVATION_NAMES
        for out in outputs:
            yield name, out


@pytest.mark.parametrize("name, out", list(_pairs()))
def test_cost_and_delta_equal_sympy_derivatives(name, out):
    """J and dZ[L] (B1) from the loss object, against SymPy's per-example loss 𝓛(y, g(z)),
    summed over the output units and averaged over the examples, and its derivative in z."""
    rng = np.random.default_rng(0)
    n_L, m = 2, 5
    Z = rng.normal(scale=2.0, size=(n_L, m))
    Y = rng.integers(0, 2, size=(n_L, m)).astype(float) if name == "bce" else rng.normal(size=(n_L, m))
    g = bp.ACTIVATIONS[out]
    A = g.forward(Z.copy())
    loss = bp.losses.get(name)
    z, y = sp.symbols("z y", real=True)
    per_example = S.LOSSES[name](y, SYM_G[out](z))
    dloss_dz = sp.diff(per_example, z)
    f, df = sp.lambdify((z, y), per_example), sp.lambdify((z, y), dloss_dz)
    J = sum(f(Z[k, i], Y[k, i]) for k in range(n_L) for i in range(m)) / m
    dZ = np.array([[df(Z[k, i], Y[k, i]) / m for i in range(m)] for k in range(n_L)])
    assert loss.cost(Z, A, Y) == pytest.approx(J, rel=1e-12)
    np.testing.assert_allclose(loss.delta(Z, A, Y, g), dZ, rtol=1e-10, atol=1e-14)


def test_log_loss_from_the_logits_at_extremes():
    """softplus((1 - 2y) z) per example: 800 for a confidently wrong z = -800, y = 1,
    e^-40 (not 0, not negative) for a confidently right z = 40, y = 1."""
    loss = bp.losses.get("bce")
    Z, Y = np.array([[-800.0, 40.0]]), np.array([[1.0, 1.0]])
    A = bp.sigmoid(Z)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        J = loss.cost(Z, A, Y)
    assert J == pytest.approx((800.0 + np.exp(-40.0)) / 2, rel=1e-15)
    assert loss.cost(Z[:, 1:], A[:, 1:], Y[:, 1:]) == pytest.approx(np.exp(-40.0), rel=1e-12)


def test_checks_and_predictions():
    bce, mse = bp.losses.get("bce"), bp.losses.get("mse")
    with pytest.raises(ValueError, match="output layer's activation must be 'sigmoid', not 'identity'"):
        bce.check_output("identity")
    for out in ACTIVATION_NAMES:
        mse.check_output(out)
    with pytest.raises(ValueError, match=r"labels y in \{0, 1\}; found 1 other value\(s\), e.g. 0.5"):
        bce.check_targets(np.array([[0.0, 1.0, 0.5]]))
    mse.check_targets(np.array([[0.5, -3.0]]))
    Z = np.array([[-0.1, 0.0, 2.0]])
    assert np.array_equal(bce.predict(Z, bp.sigmoid(Z)), [[0, 1, 1]])
    assert np.array_equal(mse.predict(Z, Z), Z)
    assert bce.task == "classification" and bce.default_output == "sigmoid"
    assert mse.task == "regression" and mse.default_output == "identity"
    with pytest.raises(ValueError, match="unknown loss 'hinge'; valid losses: bce, mse, cross_entropy"):
        bp.losses.get("hinge")
    with pytest.raises(TypeError, match="loss must be given by name"):
        bp.losses.get(None)
