"""MLP(..., init=...): the schemes of backprop.init, their validation, and the default, which
must draw exactly the weights the package drew before the option existed."""

import math

import numpy as np
import pytest

import backprop as bp

ARCHITECTURES = [
    ([2, 16, 16, 1], ["relu", "relu", "sigmoid"]),
    ([2, 3, 2, 1], ["sigmoid", "sigmoid", "sigmoid"]),
    ([5, 7, 4, 3], ["tanh", "relu", "identity"]),
    ([1, 8, 1], ["sigmoid", "identity"]),
    ([3, 4, 4, 4, 2], ["relu", "tanh", "relu", "sigmoid"]),
]


def documented_draws(sizes, activations, seed, std_of):
    """The weights as the documented scheme draws them, written anew with NumPy's Generator:
    one default_rng(seed), layer after layer, W[l] ~ N(0, std_of(n_{l-1}, n_l, g_l)^2)."""
    rng = np.random.default_rng(seed)
    return [rng.normal(0.0, std_of(n_in, n_out, g), size=(n_out, n_in))
            for n_in, n_out, g in zip(sizes[:-1], sizes[1:], activations)]


def he_or_lecun(n_in, n_out, g):  # the behaviour before init= existed
    return math.sqrt((2.0 if g == "relu" else 1.0) / n_in)


@pytest.mark.parametrize("seed", [0, 1, 7, 42, 2026])
@pytest.mark.parametrize("sizes, activations", ARCHITECTURES)
def test_the_default_draws_bit_for_bit_the_weights_of_before(sizes, activations, seed):
    loss = "bce" if activations[-1] == "sigmoid" else "mse"
    expected = documented_draws(sizes, activations, seed, he_or_lecun)
    for net in (bp.MLP(sizes, activations, loss, seed=seed),
                bp.MLP(sizes, activations, loss, seed=seed, init="auto")):
        assert net.init == "auto"
        assert all(np.array_equal(W, E) for W, E in zip(net.weights, expected))
        assert all(not b.any() for b in net.biases)
        # and the random state after the draws is the same, so mini-batch orders are too
        rng = np.random.default_rng(seed)
        for E in expected:
            rng.normal(size=E.shape)
        assert net.rng.bit_generator.state == rng.bit_generator.state


SCHEMES = {
    "he": lambda n_in, n_out, g: math.sqrt(2 / n_in),
    "lecun": lambda n_in, n_out, g: math.sqrt(1 / n_in),
    "glorot": lambda n_in, n_out, g: math.sqrt(2 / (n_in + n_out)),
    "zeros": lambda n_in, n_out, g: 0.0,
    ("normal", 0.3): lambda n_in, n_out, g: 0.3,
}


@pytest.mark.parametrize("init", list(SCHEMES), ids=str)
@pytest.mark.parametrize("seed", [0, 3])
def test_each_scheme_draws_its_documented_scale(init, seed):
    sizes, activations = [5, 7, 4, 3], ["tanh", "relu", "identity"]
    net = bp.MLP(sizes, activations, "mse", seed=seed, init=init)
    assert net.init == init
    expected = documented_draws(sizes, activations, seed, SCHEMES[init])
    for W, E in zip(net.weights, expected):
        np.testing.assert_allclose(W, E, rtol=1e-15, atol=0)


@pytest.mark.parametrize("init, std", [("he", math.sqrt(2 / 400)), ("lecun", math.sqrt(1 / 400)),
                                       ("glorot", math.sqrt(2 / 600)), (("normal", 0.02), 0.02)])
def test_the_sample_standard_deviation_matches_the_scheme(init, std):
    """A statistical check, independent of how the draws are made: 80,000 entries of W[1]."""
    net = bp.MLP([400, 200, 1], ["relu", "sigmoid"], "bce", seed=5, init=init)
    W = net.weights[0]
    assert abs(W.mean()) < 4 * std / math.sqrt(W.size)
    assert W.std() == pytest.approx(std, rel=0.02)  # the sample std's own spread is 0.25%


def test_zeros_gives_zero_weights_and_identical_units():
    net = bp.MLP([2, 3, 1], ["sigmoid", "sigmoid"], "bce", seed=0, init="zeros")
    assert all(not W.any() for W in net.weights)
    X, y = bp.datasets.moons(m=20, seed=0)
    net.fit(X, y, lr=0.5, epochs=20)
    W1 = net.weights[0]
    assert np.all(W1 == W1[0])  # every hidden unit stayed the same as the first


def test_a_list_is_accepted_as_the_pair_and_recorded_as_a_tuple():
    net = bp.MLP([2, 3, 1], ["relu", "sigmoid"], seed=0, init=["normal", 1])
    assert net.init == ("normal", 1.0)
    assert bp.init.check_init(("normal", 0)) == ("normal", 0.0)


def test_copy_keeps_the_scheme_and_from_params_records_none():
    net = bp.MLP([2, 3, 1], ["relu", "sigmoid"], seed=0, init="glorot")
    assert net.copy().init == "glorot"
    assert bp.MLP.from_params(net.weights, net.biases, net.activations).init is None


@pytest.mark.parametrize("init, error, words", [
    ("xavier", ValueError, "unknown init 'xavier'"),
    ("He", ValueError, "unknown init"),
    ("normal", ValueError, '("normal", sigma)'),
    (("normal",), ValueError, "needs exactly one sigma"),
    (("normal", 0.1, 0.2), ValueError, "needs exactly one sigma"),
    (("normal", -0.1), ValueError, ">= 0"),
    (("normal", float("nan")), ValueError, "finite"),
    (("normal", float("inf")), ValueError, "finite"),
    (("normal", "0.1"), TypeError, "must be a number"),
    (("normal", True), TypeError, "must be a number"),
    (("uniform", 0.1), TypeError, "init must be one of"),
    (0.1, TypeError, "bare number"),
    (0, TypeError, "bare number"),
    (None, TypeError, "init must be one of"),
    ((), TypeError, "init must be one of"),
])
def test_bad_init_gets_a_clear_error_and_makes_no_network(init, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        bp.MLP([2, 3, 1], ["relu", "sigmoid"], seed=0, init=init)
