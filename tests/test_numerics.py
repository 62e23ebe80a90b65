"""Extreme inputs: no overflow, no log(0), no RuntimeWarning, finite costs and gradients.

Every test runs with NumPy raising on overflow, division by zero and invalid
operations, and with warnings turned into errors.  Underflow to 0 (e.g.
e^-800) is the correctly rounded answer, so it stays allowed.
"""

import math
import warnings

import numpy as np
import pytest
import sympy as sp
from helpers import ACTIVATION_NAMES, SYM_G

import backprop as bp


@pytest.fixture(autouse=True)
def strict_floats():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            yield


def exact_cost(net, X, y, digits=50):
    """J from the definitions in 50-digit arithmetic (SymPy Floats): the oracle for extreme inputs.

    The log loss is taken as log(1 + e^{(1 - 2y) z}), which equals -y log a - (1 - y) log(1 - a)
    for y in {0, 1} and stays finite in any precision where 1 - a rounds to 0."""
    A = [[sp.Float(float(v), digits) for v in row] for row in np.asarray(X).T]  # columns
    for W, b, g in zip(net.weights, net.biases, net.activations):
        Z = [[sum(sp.Float(float(W[j, k]), digits) * A[k][i] for k in range(W.shape[1]))
              + sp.Float(float(b[j, 0]), digits) for i in range(len(A[0]))] for j in range(W.shape[0])]
        A = [[SYM_G[g](z) for z in row] for row in Z]
    Y = np.asarray(y, dtype=float).reshape(len(A[0]), -1).T
    total = 0
    for k in range(len(A)):
        for i in range(len(A[0])):
            if net.loss == "bce":
                total += sp.log(1 + sp.exp((1 - 2 * int(Y[k, i])) * Z[k][i]))
            else:
                total += (A[k][i] - Y[k, i]) ** 2
    return float(sp.N(total / len(A[0]), 30))


def assert_matches_reference_loop(net, X, y):
    """net.cost and net.gradients equal the plain reference loop's (a second code path)."""
    trace = net.trace(X, y)
    assert net.cost(X, y) == pytest.approx(trace.J, rel=1e-12)
    dWs, dbs = net.gradients(X, y)
    for layer, dW, db in zip(trace, dWs, dbs):
        scale = max(np.abs(layer.dW).max(), np.abs(layer.db).max(), 1e-300)
        np.testing.assert_allclose(dW, layer.dW, rtol=0, atol=1e-12 * scale)
        np.testing.assert_allclose(db, layer.db, rtol=0, atol=1e-12 * scale)


def test_sigmoid_at_extremes():
    z = np.array([-1e308, -1e4, -800.0, -745.0, 0.0, 36.0, 800.0, 1e4, 1e308])
    a = bp.sigmoid(z)
    assert np.array_equal(a[[0, 1, 2]], [0.0, 0.0, 0.0]) and a[4] == 0.5
    assert np.array_equal(a[[6, 7, 8]], [1.0, 1.0, 1.0])
    assert 0.0 <= a[3] < 1e-320  # e^-745 is at the bottom of the subnormals
    assert a[5] == pytest.approx(1 - math.exp(-36), rel=1e-15)
    assert bp.sigmoid(-700.0) == pytest.approx(math.exp(-700.0), rel=1e-13)


def test_sigmoid_matches_the_textbook_formula_for_moderate_z():
    z = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(bp.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15, atol=0)
    np.testing.assert_allclose(bp.sigmoid(-z), 1 - bp.sigmoid(z), rtol=0, atol=2e-16)


def test_bce_at_z_plus_minus_800_by_hand():
    """One sigmoid unit, W = 1, b = 0, so z = x.  Per-example loss
    L = log(1 + e^-z) for y = 1 and log(1 + e^z) for y = 0:
    z = -800, y = 1 -> 800;  z = 800, y = 0 -> 800;  the two right answers -> 0.
    dJ/dW = mean((a - y) x) = (800 + 800 + 0 + 0) / 4, dJ/db = mean(a - y) = 0."""
    net = bp.MLP.from_params([np.ones((1, 1))], [np.zeros((1, 1))], ["sigmoid"], loss="bce")
    X = np.array([[-800.0], [800.0], [800.0], [-800.0]])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    assert net.cost(X, y) == 400.0
    dWs, dbs = net.gradients(X, y)
    assert dWs[0][0, 0] == 400.0 and dbs[0][0, 0] == 0.0
    assert np.array_equal(net.forward(X)[:, 0], [0.0, 1.0, 1.0, 0.0])
    assert np.array_equal(net.predict(X), [0, 1, 1, 0])


def test_bce_of_a_confident_wrong_answer_is_large_but_finite():
    net = bp.MLP.from_params([np.array([[1e6]])], [np.zeros((1, 1))], ["sigmoid"], loss="bce")
    J = net.cost(np.array([[1.0]]), np.array([0.0]))
    assert J == pytest.approx(1e6, rel=1e-15)


@pytest.mark.parametrize("loss", ["bce", "mse"])
@pytest.mark.parametrize("hidden", ACTIVATION_NAMES)
def test_inputs_of_magnitude_1e4(hidden, loss):
    rng = np.random.default_rng(0)
    X = 1e4 * rng.choice([-1.0, 1.0], size=(6, 3)) * rng.uniform(0.5, 1.0, size=(6, 3))
    y = rng.integers(0, 2, size=6).astype(float)
    outputs = ["sigmoid"] if loss == "bce" else ACTIVATION_NAMES
    for out in outputs:
        net = bp.MLP([3, 5, 4, 1], [hidden, hidden, out], loss=loss, seed=1)
        J = net.cost(X, y)
        dWs, dbs = net.gradients(X, y)
        assert np.isfinite(J) and J >= 0
        assert all(np.isfinite(G).all() for G in dWs + dbs)
        assert np.isfinite(net.forward(X)).all()
        assert J == pytest.approx(exact_cost(net, X, y), rel=1e-9)
        with np.errstate(over="ignore", invalid="ignore"):
            assert_matches_reference_loop(net, X, y)


@pytest.mark.parametrize("hidden", ACTIVATION_NAMES)
def test_large_weights(hidden):
    """Weights of 1e3 on inputs of 1e2 give pre-activations of order 1e5 to 1e8."""
    rng = np.random.default_rng(1)
    Ws = [1e3 * rng.normal(size=(4, 2)), 1e3 * rng.normal(size=(1, 4))]
    bs = [np.zeros((4, 1)), np.zeros((1, 1))]
    net = bp.MLP.from_params(Ws, bs, [hidden, "sigmoid"], loss="bce")
    X = 1e2 * rng.normal(size=(5, 2))
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    assert np.isfinite(net.cost(X, y))
    dWs, dbs = net.gradients(X, y)
    assert all(np.isfinite(G).all() for G in dWs + dbs)
    assert net.cost(X, y) == pytest.approx(exact_cost(net, X, y), rel=1e-9)
    with np.errstate(over="ignore", invalid="ignore"):
        assert_matches_reference_loop(net, X, y)


def test_fit_on_huge_inputs_stays_finite_and_quiet():
    rng = np.random.default_rng(2)
    X = 1e4 * rng.normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(float)
    for acts in (["tanh", "sigmoid"], ["relu", "sigmoid"], ["sigmoid", "sigmoid"]):
        net = bp.MLP([2, 4, 1], acts, loss="bce", seed=0)
        start = net.copy()
        hist = net.fit(X, y, lr=0.5, epochs=20)
        assert np.isfinite(hist.losses).all()
        assert all(np.isfinite(P).all() for P in net.weights + net.biases)
        # The first recorded J is the start's, exactly; the run equals 20 plain steps (U).
        assert hist.losses[0] == pytest.approx(exact_cost(start, X, y), rel=1e-9)
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(20):
                trace = start.trace(X, y)
                for W, b, layer in zip(start.weights, start.biases, trace):
                    W -= 0.5 * layer.dW
                    b -= 0.5 * layer.db
        for P, Q in zip(net.weights + net.biases, start.weights + start.biases):
            np.testing.assert_allclose(P, Q, rtol=1e-9, atol=1e-9 * np.abs(Q).max())


def test_fit_divergence_is_quiet():
    """An overflowing run ends in TrainingDiverged, not a RuntimeWarning."""
    X, y = bp.datasets.regression_curve(m=30, seed=0)
    net = bp.MLP([1, 8, 1], ["identity", "identity"], loss="mse", seed=0)
    with pytest.raises(bp.TrainingDiverged):
        net.fit(10 * X, 10 * y, lr=5.0, epochs=10_000)


def test_exact_zero_and_one_labels_at_saturation_give_zero_loss_not_nan():
    """a = 1 exactly with y = 1 must give L = 0: a naive (1 - y) log(1 - a) is 0 * log 0 = nan."""
    net = bp.MLP.from_params([np.array([[1.0]])], [np.zeros((1, 1))], ["sigmoid"], loss="bce")
    X = np.array([[1e4], [-1e4]])
    assert net.cost(X, np.array([1.0, 0.0])) == 0.0
    dWs, dbs = net.gradients(X, np.array([1.0, 0.0]))
    assert dWs[0][0, 0] == 0.0 and dbs[0][0, 0] == 0.0


@pytest.mark.parametrize("z", [5.0, 30.0, 700.0])
def test_log_loss_of_confident_right_predictions_keeps_its_digits(z):
    """J = softplus(-|z|) per example: tiny but never negative nor rounded to garbage.

    The oracle is log1p(exp(-z)) in Python's math module, for one example of each class.
    """
    net = bp.MLP.from_params([np.array([[z]])], [np.zeros((1, 1))], ["sigmoid"], "bce")
    X, y = np.array([[1.0], [-1.0]]), np.array([1.0, 0.0])
    expected = math.log1p(math.exp(-z))
    assert net.cost(X, y) == pytest.approx(expected, rel=1e-12, abs=1e-300)
    history = bp.MLP.from_params([np.array([[z]])], [np.zeros((1, 1))], ["sigmoid"], "bce").fit(
        X, y, lr=1e-12, epochs=1)
    assert history.losses[0] == pytest.approx(expected, rel=1e-12, abs=1e-300)
