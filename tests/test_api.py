"""The public API: shapes, forward and cost against naive formulas, predict,
from_params, and the lazy submodules."""

import subprocess
import sys

import numpy as np
import pytest
from helpers import ACTIVATION_NAMES, random_data, reference_cost, reference_forward

import backprop as bp


def test_public_names():
    for name in ("MLP", "TrainingDiverged", "gradient_check", "datasets", "sigmoid"):
        assert hasattr(bp, name)
    assert set(bp.ACTIVATIONS) == set(ACTIVATION_NAMES) | {"softmax"}  # softmax: test_softmax.py
    assert tuple(bp.LOSSES) == ("bce", "mse", "cross_entropy")
    for name in ("moons", "circles", "xor", "spirals", "blobs", "regression_curve", "gaussian_features"):
        assert callable(getattr(bp.datasets, name))


def test_parameter_shapes_follow_the_notes():
    net = bp.MLP([2, 16, 16, 1], activations=["relu", "relu", "sigmoid"], loss="bce", seed=0)
    assert [W.shape for W in net.weights] == [(16, 2), (16, 16), (1, 16)]  # W[l]: (n_l, n_{l-1})
    assert [b.shape for b in net.biases] == [(16, 1), (16, 1), (1, 1)]  # b[l]: (n_l, 1)
    assert all(W.dtype == np.float64 for W in net.weights)
    assert all(np.array_equal(b, np.zeros_like(b)) for b in net.biases)  # biases start at 0
    assert all(np.abs(W).max() > 0 for W in net.weights)


@pytest.mark.parametrize("loss", ["bce", "mse"])
@pytest.mark.parametrize("n_L", [1, 3])
def test_forward_and_cost_match_naive_formulas(loss, n_L):
    """Reference: rows-as-examples forward pass, naive log loss (fine for
    moderate z), mean over m of per-example sums; squared error not halved."""
    rng = np.random.default_rng(n_L)
    for hidden in ACTIVATION_NAMES:
        outputs = ["sigmoid"] if loss == "bce" else ACTIVATION_NAMES
        for out in outputs:
            net = bp.MLP([3, 4, 5, n_L], [hidden, "tanh", out], loss=loss, seed=n_L)
            for b in net.biases:
                b[...] = rng.normal(size=b.shape)
            X, y = random_data(rng, 7, 3, n_L, loss)
            _, yhat = reference_forward(net.weights, net.biases, net.activations, X)
            out_ = net.forward(X)
            assert out_.shape == (7, n_L)
            np.testing.assert_allclose(out_, yhat, rtol=1e-13, atol=1e-15)
            J = net.cost(X, y)
            assert isinstance(J, float)
            assert J == pytest.approx(reference_cost(yhat, y, loss), rel=1e-13)


def test_mse_is_the_mean_of_per_example_sums_not_halved():
    """By hand: identity output, W = 0, b = 0, so yhat = 0 and L_i = sum_k y_ik^2."""
    net = bp.MLP.from_params([np.zeros((2, 1))], [np.zeros((2, 1))], ["identity"], loss="mse")
    X = np.array([[1.0], [2.0]])
    y = np.array([[1.0, 2.0], [3.0, 0.0]])
    assert net.cost(X, y) == (1 + 4 + 9 + 0) / 2


def test_bce_by_hand():
    """yhat = sigma(0) = 1/2 for every example: L = -log(1/2) per output unit."""
    net = bp.MLP.from_params([np.zeros((2, 1))], [np.zeros((2, 1))], ["sigmoid"], loss="bce")
    y = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    assert net.cost(np.ones((3, 1)), y) == pytest.approx(2 * np.log(2), rel=1e-15)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_y_vector_or_column(loss):
    out = "sigmoid" if loss == "bce" else "identity"
    net = bp.MLP([2, 3, 1], ["tanh", out], loss=loss, seed=1)
    X, y = random_data(np.random.default_rng(1), 6, 2, 1, loss)
    assert net.cost(X, y[:, 0]) == net.cost(X, y)
    assert net.cost(X, y[:, 0].tolist()) == net.cost(X, y)  # lists are accepted too


def test_integer_and_list_inputs_are_accepted():
    net = bp.MLP([2, 1], ["sigmoid"], seed=0)
    X = [[1, 2], [3, 4]]
    assert np.array_equal(net.forward(X), net.forward(np.array(X, dtype=float)))
    assert net.cost(X, [0, 1]) == net.cost(np.array(X, dtype=float), np.array([0.0, 1.0]))


def test_forward_does_not_change_X():
    net = bp.MLP([2, 3, 1], ["relu", "sigmoid"], seed=0)
    X = np.array([[1.0, -2.0], [0.5, 3.0]])
    X0 = X.copy()
    net.forward(X)
    net.fit(X, [0, 1], lr=0.1, epochs=2)
    assert np.array_equal(X, X0)


# -------------------------------------------------------------------- predict


def test_predict_thresholds_at_one_half():
    net = bp.MLP.from_params([np.ones((1, 1))], [np.zeros((1, 1))], ["sigmoid"], loss="bce")
    X = np.array([[-3.0], [-1e-12], [0.0], [1e-12], [2.0]])  # yhat = sigma(x) >= 1/2  <=>  x >= 0
    p = net.predict(X)
    assert p.shape == (5,) and np.array_equal(p, [0, 0, 1, 1, 1])
    assert np.issubdtype(p.dtype, np.integer)


def test_predict_with_two_outputs():
    W = np.array([[1.0], [-1.0]])
    net = bp.MLP.from_params([W], [np.zeros((2, 1))], ["sigmoid"], loss="bce")
    p = net.predict(np.array([[2.0], [-2.0]]))
    assert p.shape == (2, 2) and np.array_equal(p, [[1, 0], [0, 1]])


@pytest.mark.parametrize("n_L", [1, 2])
def test_predict_for_mse_returns_the_outputs(n_L):
    net = bp.MLP([2, 4, n_L], ["tanh", "identity"], loss="mse", seed=0)
    X = np.random.default_rng(0).normal(size=(5, 2))
    expected = net.forward(X)
    p = net.predict(X)
    assert np.array_equal(p, expected[:, 0] if n_L == 1 else expected)


# ---------------------------------------------------------------- from_params


def test_from_params_copies_in_and_out():
    rng = np.random.default_rng(0)
    Ws = [rng.normal(size=(3, 2)), rng.normal(size=(1, 3))]
    bs = [rng.normal(size=(3, 1)), rng.normal(size=(1,))]  # a bias may be 1-D
    net = bp.MLP.from_params(Ws, bs, ["tanh", "sigmoid"], loss="bce")
    assert net.sizes == (2, 3, 1) and net.activations == ("tanh", "sigmoid") and net.loss == "bce"
    assert all(np.array_equal(W, V) for W, V in zip(net.weights, Ws))
    assert np.array_equal(net.biases[1], bs[1].reshape(1, 1)) and net.biases[1].shape == (1, 1)
    Ws_before = [W.copy() for W in Ws]
    net.fit(np.ones((2, 2)), [0, 1], lr=0.5, epochs=3)  # training must not touch the caller's arrays
    assert all(np.array_equal(W, V) for W, V in zip(Ws, Ws_before))
    net_W = net.weights[0].copy()
    Ws[0][...] = 99.0  # nor the other way round
    assert np.array_equal(net.weights[0], net_W)


def test_from_params_round_trip_gives_the_same_function():
    net = bp.MLP([2, 5, 3, 1], ["relu", "tanh", "sigmoid"], seed=9)
    twin = bp.MLP.from_params(net.weights, net.biases, net.activations, net.loss)
    X = np.random.default_rng(9).normal(size=(8, 2))
    assert np.array_equal(net.forward(X), twin.forward(X))
    twin.weights[0][0, 0] += 1.0
    assert not np.array_equal(net.weights[0], twin.weights[0])


def test_mse_network_can_have_any_output_activation():
    for out in ACTIVATION_NAMES:
        assert bp.MLP([2, 1], [out], loss="mse").activations == (out,)


# ------------------------------------------------------------- lazy imports


def test_import_backprop_needs_only_numpy():
    code = (
        "import sys, backprop\n"
        "heavy = [m for m in ('matplotlib', 'ipywidgets', 'sympy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "backprop.symbolic\n"
        "assert 'sympy' in sys.modules\n"
        "assert 'matplotlib' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_unknown_attribute():
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        bp.nonexistent  # noqa: B018
