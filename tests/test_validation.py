"""Bad input raises ValueError (or TypeError for a wrong type) with a message that
names the problem and the expected form, before anything is changed."""

import re

import numpy as np
import pytest
from helpers import assert_unchanged, small_net, snapshot

import backprop as bp

# small_net: sizes [3, 4, 2], m = 5


def _calls(net, X, y):
    """Every entry point that takes data, each a zero-argument call."""
    return {
        "forward": lambda: net.forward(X),
        "predict": lambda: net.predict(X),
        "cost": lambda: net.cost(X, y),
        "gradients": lambda: net.gradients(X, y),
        "step": lambda: net.step(X, y, 0.1),
        "fit": lambda: net.fit(X, y, lr=0.1, epochs=3),
        "fit_batches": lambda: net.fit(X, y, lr=0.1, epochs=3, batch_size=2),
    }


def _check_all(net, X, y, error, match, names=None):
    snap = snapshot(net)
    for name, call in _calls(net, X, y).items():
        if names is None or name in names:
            with pytest.raises(error, match=match):
                call()
            assert_unchanged(net, snap)


# ---------------------------------------------------------------------- X, y


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X(bad):
    net, X, y = small_net()
    X[2, 1] = bad
    _check_all(net, X, y, ValueError, r"X contains NaN or infinite values.*\(2, 1\)")


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_y(bad):
    net, X, y = small_net("mse")
    y[4, 0] = bad
    _check_all(net, X, y, ValueError, r"y contains NaN or infinite",
               names={"cost", "gradients", "step", "fit"})


@pytest.mark.parametrize("shape", [(3,), (5, 3, 1), ()])
def test_X_with_the_wrong_ndim(shape):
    net, _, y = small_net()
    _check_all(net, np.ones(shape), y, ValueError, re.escape("X must be 2-D with shape (m, n_0) = (m, 3)"))


def test_X_with_the_wrong_number_of_features():
    net, X, y = small_net()
    match = re.escape("input layer expects n_0 = 3; X must have shape (m, 3)")
    _check_all(net, X[:, :2], y, ValueError, match)


def test_X_with_no_examples():
    net, _, _ = small_net()
    _check_all(net, np.ones((0, 3)), np.ones((0, 2)), ValueError, "no examples")


def test_y_with_the_wrong_number_of_outputs():
    net, X, y = small_net()
    _check_all(net, X, y[:, :1], ValueError, re.escape("n_L = 2 units; y must have shape (m, n_L) = (5, 2)"),
               names={"cost", "gradients", "step", "fit"})


def test_y_with_the_wrong_number_of_examples():
    net, X, y = small_net()
    _check_all(net, X, y[:4], ValueError, re.escape("y has shape (4, 2), but X has m = 5 examples"),
               names={"cost", "gradients", "step", "fit"})


def test_y_vector_for_one_output_names_both_accepted_shapes():
    net = bp.MLP([2, 1], ["sigmoid"])
    with pytest.raises(ValueError, match=re.escape("(m,) or (m, n_L) = (3,) or (3, 1)")):
        net.cost(np.ones((3, 2)), np.ones(4))


@pytest.mark.parametrize("label", [0.5, -1.0, 2.0])
def test_bce_labels_outside_0_1(label):
    net, X, y = small_net("bce")
    y[1, 1] = label
    _check_all(net, X, y, ValueError, r"loss='bce' needs labels y in \{0, 1\}",
               names={"cost", "gradients", "step", "fit"})


def test_mse_accepts_any_real_targets():
    net, X, y = small_net("mse")
    y[0, 0] = 7.5
    assert np.isfinite(net.cost(X, y))


@pytest.mark.parametrize("bad", ["abc", [["a", "b", "c"]], np.array([[1 + 2j, 0, 0]]), None])
def test_X_of_the_wrong_type(bad):
    net, _, y = small_net()
    with pytest.raises(TypeError, match="X must be an array of"):
        net.forward(bad)


def test_ragged_X():
    net, _, _ = small_net()
    with pytest.raises(TypeError, match="X must be an array of numbers"):
        net.forward([[1.0, 2.0, 3.0], [1.0]])


# --------------------------------------------------------- lr, epochs, batches


@pytest.mark.parametrize("lr", [0, -0.1, np.nan, np.inf, -np.inf])
def test_learning_rate_must_be_positive_and_finite(lr):
    net, X, y = small_net()
    snap = snapshot(net)
    match = r"learning rate must be a positive, finite number, got lr = "
    with pytest.raises(ValueError, match=match):
        net.step(X, y, lr)
    with pytest.raises(ValueError, match=match):
        net.fit(X, y, lr=lr, epochs=2)
    assert_unchanged(net, snap)


@pytest.mark.parametrize("lr", ["0.1", None, True, [0.1]])
def test_learning_rate_of_the_wrong_type(lr):
    net, X, y = small_net()
    snap = snapshot(net)
    with pytest.raises(TypeError, match="learning rate must be a real number"):
        net.fit(X, y, lr=lr, epochs=2)
    with pytest.raises(TypeError, match="learning rate must be a real number"):
        net.step(X, y, lr)
    assert_unchanged(net, snap)


@pytest.mark.parametrize("epochs, error",
                         [(0, ValueError), (-5, ValueError), (2.5, TypeError), ("10", TypeError)])
def test_epochs_must_be_a_positive_integer(epochs, error):
    net, X, y = small_net()
    snap = snapshot(net)
    with pytest.raises(error, match="epochs must be"):
        net.fit(X, y, lr=0.1, epochs=epochs)
    assert_unchanged(net, snap)


def test_epochs_message_says_at_least_1():
    net, X, y = small_net()
    with pytest.raises(ValueError, match="epochs must be at least 1, got 0"):
        net.fit(X, y, lr=0.1, epochs=0)


@pytest.mark.parametrize("batch_size, error", [(0, ValueError), (-1, ValueError), (1.5, TypeError)])
def test_batch_size_must_be_a_positive_integer(batch_size, error):
    net, X, y = small_net()
    snap = snapshot(net)
    with pytest.raises(error, match="batch_size must be"):
        net.fit(X, y, lr=0.1, epochs=2, batch_size=batch_size)
    assert_unchanged(net, snap)


def test_callback_must_be_callable():
    net, X, y = small_net()
    snap = snapshot(net)
    with pytest.raises(TypeError, match="callback must be callable"):
        net.fit(X, y, lr=0.1, epochs=2, callback="print")
    assert_unchanged(net, snap)


def test_fit_checks_y_before_training():
    net, X, y = small_net()
    y[0, 0] = 0.3
    snap = snapshot(net)
    called = []
    with pytest.raises(ValueError, match=r"\{0, 1\}"):
        net.fit(X, y, lr=0.1, epochs=2, callback=lambda *a: called.append(a))
    assert called == []
    assert_unchanged(net, snap)


# ------------------------------------------------------- constructor arguments


@pytest.mark.parametrize("name", ["swish", "ReLU", ""])
def test_unknown_activation_lists_the_valid_ones(name):
    with pytest.raises(ValueError, match=f"unknown activation '{name}'") as info:
        bp.MLP([2, 3, 1], [name, "sigmoid"])
    for valid in ("sigmoid", "relu", "tanh", "identity"):
        assert valid in str(info.value)


def test_activation_that_is_not_a_name():
    with pytest.raises(TypeError, match="activation must be given by name"):
        bp.MLP([2, 3, 1], [np.tanh, "sigmoid"])


@pytest.mark.parametrize("activations", [["relu"], ["relu", "relu", "sigmoid"]])
def test_one_activation_per_layer(activations):
    with pytest.raises(ValueError, match="one activation per layer"):
        bp.MLP([2, 3, 1], activations)


def test_activations_as_a_single_string():
    with pytest.raises(TypeError, match="activations must be a list with one name per layer"):
        bp.MLP([2, 1], "sigmoid")


@pytest.mark.parametrize("loss, error, match", [
    ("hinge", ValueError, "unknown loss 'hinge'"),
    ("MSE", ValueError, "unknown loss 'MSE'"),
    (None, TypeError, "loss must be given by name"),
    (2, TypeError, "loss must be given by name"),
])
def test_unknown_loss_lists_the_valid_ones(loss, error, match):
    with pytest.raises(error, match=match) as info:
        bp.MLP([2, 1], ["sigmoid"], loss=loss)
    assert "valid losses: bce, mse" in str(info.value)


def test_bce_needs_a_sigmoid_output():
    with pytest.raises(ValueError, match="output layer's activation must be 'sigmoid', not 'relu'"):
        bp.MLP([2, 3, 1], ["tanh", "relu"], loss="bce")


@pytest.mark.parametrize("sizes", [[3], []])
def test_sizes_needs_two_entries(sizes):
    with pytest.raises(ValueError, match="sizes needs at least two entries"):
        bp.MLP(sizes, [])


@pytest.mark.parametrize("sizes, where", [([2, 0, 1], "n_1"), ([2, 3, -1], "n_2"), ([0, 1], "n_0")])
def test_sizes_must_be_positive(sizes, where):
    with pytest.raises(ValueError, match=f"layer size {where} must be a positive integer"):
        bp.MLP(sizes, ["relu", "sigmoid"][-(len(sizes) - 1):])


@pytest.mark.parametrize("sizes", [[2, 1.5, 1], [2, "3", 1], [2, True, 1]])
def test_sizes_must_be_integers(sizes):
    with pytest.raises(TypeError, match="layer size n_1 must be an integer"):
        bp.MLP(sizes, ["relu", "sigmoid"])


@pytest.mark.parametrize("sizes", ["231", 3, None])
def test_sizes_of_the_wrong_type(sizes):
    with pytest.raises(TypeError, match="sizes must be a list of layer sizes"):
        bp.MLP(sizes, ["sigmoid"])


def test_numpy_integer_sizes_are_accepted():
    net = bp.MLP(np.array([2, 3, 1]), ["relu", "sigmoid"])
    assert [W.shape for W in net.weights] == [(3, 2), (1, 3)]


# ----------------------------------------------------------------- from_params


def _params():
    rng = np.random.default_rng(0)
    return [rng.normal(size=(3, 2)), rng.normal(size=(1, 3))], [np.zeros((3, 1)), np.zeros((1, 1))]


def test_from_params_weights_that_do_not_chain():
    Ws, bs = _params()
    Ws[1] = np.ones((1, 4))
    match = re.escape("weights[1] has shape (1, 4), but the previous layer has 3 units, "
                      "so it must have shape (1, 3)")
    with pytest.raises(ValueError, match=match):
        bp.MLP.from_params(Ws, bs, ["relu", "sigmoid"])


def test_from_params_bias_of_the_wrong_shape():
    Ws, bs = _params()
    bs[0] = np.zeros((2, 1))
    match = re.escape("biases[0] has shape (2, 1)") + r".*must have shape \(3, 1\)"
    with pytest.raises(ValueError, match=match):
        bp.MLP.from_params(Ws, bs, ["relu", "sigmoid"])


def test_from_params_counts_must_agree():
    Ws, bs = _params()
    match = "one weight matrix and one bias vector per layer; got 2 weights and 1 biases"
    with pytest.raises(ValueError, match=match):
        bp.MLP.from_params(Ws, bs[:1], ["relu", "sigmoid"])
    with pytest.raises(ValueError, match="got 0 weights"):
        bp.MLP.from_params([], [], [])


def test_from_params_weights_must_be_2d():
    Ws, bs = _params()
    Ws[0] = np.ones(3)
    with pytest.raises(ValueError, match=re.escape("weights[0] must be 2-D (n_out, n_in)")):
        bp.MLP.from_params(Ws, bs, ["relu", "sigmoid"])


def test_from_params_non_finite_parameters():
    Ws, bs = _params()
    bs[1] = np.array([[np.nan]])
    with pytest.raises(ValueError, match=r"biases\[1\] contains NaN or infinite"):
        bp.MLP.from_params(Ws, bs, ["relu", "sigmoid"])


def test_from_params_activations_checked_too():
    Ws, bs = _params()
    with pytest.raises(ValueError, match="unknown activation 'sigmod'"):
        bp.MLP.from_params(Ws, bs, ["relu", "sigmod"])
