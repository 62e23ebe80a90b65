"""step, fit, reproducibility, mini-batches, callbacks and divergence."""

import itertools

import numpy as np
import pytest
from helpers import random_data, small_net

import backprop as bp


def _params(net):
    return [P.copy() for P in list(net.weights) + list(net.biases)]


def _same_bits(a, b):
    return len(a) == len(b) and all(np.array_equal(p, q) for p, q in zip(a, b))


# ----------------------------------------------------------------------- step


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_step_is_exactly_w_minus_lr_dw(loss):
    net, X, y = small_net(loss)
    lr = 0.37
    dWs, dbs = net.gradients(X, y)
    expected = [P - lr * dP for P, dP in zip(list(net.weights) + list(net.biases), dWs + dbs)]
    J_before = net.cost(X, y)
    assert net.step(X, y, lr) == pytest.approx(J_before, rel=1e-14)  # J before the update
    assert _same_bits(_params(net), expected)


def test_step_lowers_the_cost_for_a_small_learning_rate():
    net, X, y = small_net("bce")
    J0 = net.step(X, y, 0.05)
    assert net.cost(X, y) < J0


# ------------------------------------------------------------------------ fit


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_fit_full_batch_equals_a_loop_of_steps_bitwise(loss):
    net, X, y = small_net(loss, seed=4)
    twin = bp.MLP.from_params(net.weights, net.biases, net.activations, loss)
    hist = net.fit(X, y, lr=0.3, epochs=25)
    losses = [twin.step(X, y, 0.3) for _ in range(25)]
    assert isinstance(hist.losses, np.ndarray) and hist.losses.shape == (25,)
    assert np.array_equal(hist.losses, losses)  # losses[e] is J before epoch e's update
    assert _same_bits(_params(net), _params(twin))


def test_fit_learns_xor():
    X, y = bp.datasets.xor(m=80, noise=0.1, seed=1)
    net = bp.MLP([2, 8, 1], activations=["tanh", "sigmoid"], loss="bce", seed=0)
    hist = net.fit(X, y, lr=1.0, epochs=300)
    assert hist.losses[-1] < 0.1 * hist.losses[0]
    assert np.mean(net.predict(X) == y) >= 0.95


def test_fit_regression_with_mse():
    X, y = bp.datasets.regression_curve(m=40, noise=0.05, seed=2)
    net = bp.MLP([1, 12, 1], activations=["tanh", "identity"], loss="mse", seed=0)
    hist = net.fit(X, y, lr=0.1, epochs=400)
    assert hist.losses[-1] < 0.2 * hist.losses[0]
    assert net.cost(X, y) == pytest.approx(np.mean((net.predict(X) - y) ** 2), rel=1e-12)


@pytest.mark.parametrize("batch_size", [None, 3])
def test_same_seed_same_bits(batch_size):
    X, y = bp.datasets.moons(m=20, seed=0)
    runs = []
    for _ in range(2):
        net = bp.MLP([2, 5, 4, 1], activations=["relu", "tanh", "sigmoid"], seed=42)
        hist = net.fit(X, y, lr=0.5, epochs=30, batch_size=batch_size)
        runs.append((_params(net), hist.losses))
    (P1, h1), (P2, h2) = runs
    assert _same_bits(P1, P2) and np.array_equal(h1, h2)


def test_different_seeds_differ():
    X, y = bp.datasets.moons(m=20, seed=0)
    nets = [bp.MLP([2, 5, 1], ["relu", "sigmoid"], seed=s) for s in (1, 2)]
    assert not np.array_equal(nets[0].weights[0], nets[1].weights[0])
    h = [net.fit(X, y, lr=0.5, epochs=5).losses for net in nets]
    assert not np.array_equal(h[0], h[1])


def test_mini_batches_with_different_seeds_differ_from_each_other_and_from_full_batch():
    X, y = bp.datasets.moons(m=20, seed=0)
    base = bp.MLP([2, 5, 1], ["tanh", "sigmoid"], seed=3)
    results = []
    for seed, batch_size in [(0, 4), (1, 4), (0, None)]:
        net = bp.MLP.from_params(base.weights, base.biases, base.activations)
        net.rng = np.random.default_rng(seed)  # only the shuffling differs
        net.fit(X, y, lr=0.5, epochs=3, batch_size=batch_size)
        results.append(net.weights[0].copy())
    assert not np.array_equal(results[0], results[1])
    assert not np.allclose(results[0], results[2])


def test_batch_size_m_is_full_batch():
    net, X, y = small_net("bce", seed=5)
    twin = bp.MLP.from_params(net.weights, net.biases, net.activations)
    h1 = net.fit(X, y, lr=0.5, epochs=10, batch_size=len(X))
    h2 = twin.fit(X, y, lr=0.5, epochs=10)
    np.testing.assert_allclose(h1.losses, h2.losses, rtol=1e-13)
    for P, Q in zip(_params(net), _params(twin)):
        np.testing.assert_allclose(P, Q, rtol=1e-12, atol=1e-15)


def test_mini_batch_epoch_is_one_step_per_example_in_a_shuffled_order():
    """With batch_size = 1 an epoch must equal m single-example steps over SOME
    permutation of the examples (each example once), reshuffled every epoch."""
    rng = np.random.default_rng(8)
    X, y = random_data(rng, 4, 2, 1, "bce")
    net = bp.MLP([2, 3, 1], ["tanh", "sigmoid"], seed=5)
    start = bp.MLP.from_params(net.weights, net.biases, net.activations)
    orders = []
    for epoch in range(4):
        hist = net.fit(X, y, lr=0.5, epochs=1, batch_size=1)
        assert hist.losses[0] == pytest.approx(start.cost(X, y), rel=1e-14)  # J over all m, before the epoch
        matches = []
        for order in itertools.permutations(range(4)):
            trial = bp.MLP.from_params(start.weights, start.biases, start.activations)
            for i in order:
                trial.step(X[i:i + 1], y[i:i + 1], 0.5)
            if all(np.allclose(P, Q, rtol=1e-12, atol=0) for P, Q in zip(_params(trial), _params(net))):
                matches.append(order)
        assert len(matches) == 1, f"epoch {epoch}: no permutation of the examples reproduces it"
        orders.append(matches[0])
        start = bp.MLP.from_params(net.weights, net.biases, net.activations)
    assert len(set(orders)) > 1  # reshuffled, not one fixed order


def test_last_mini_batch_may_be_smaller():
    X, y = bp.datasets.blobs(m=7, seed=1)
    net = bp.MLP([2, 3, 1], ["relu", "sigmoid"], seed=2)
    hist = net.fit(X, y, lr=0.1, epochs=3, batch_size=3)  # batches of 3, 3, 1
    assert hist.losses.shape == (3,) and np.isfinite(hist.losses).all()


# ------------------------------------------------------------------- callback


def test_callback_receives_epoch_net_and_the_recorded_loss():
    net, X, y = small_net("bce")
    calls = []
    hist = net.fit(X, y, lr=0.5, epochs=6, callback=lambda e, n, J: calls.append((e, n, J)))
    assert [e for e, _, _ in calls] == list(range(6))
    assert all(n is net for _, n, _ in calls)
    assert all(J == hist.losses[e] for e, _, J in calls)
    assert all(isinstance(J, float) for _, _, J in calls)
    assert hist.stopped_early is False


def test_callback_returning_false_stops_training():
    net, X, y = small_net("bce")
    twin = bp.MLP.from_params(net.weights, net.biases, net.activations)
    hist = net.fit(X, y, lr=0.5, epochs=100, callback=lambda e, n, J: e < 3)
    assert hist.losses.shape == (4,) and hist.stopped_early is True
    twin.fit(X, y, lr=0.5, epochs=4)  # stopping after epoch 3's update
    assert _same_bits(_params(net), _params(twin))


def test_callback_returning_none_does_not_stop():
    net, X, y = small_net("bce")
    assert net.fit(X, y, lr=0.5, epochs=5, callback=lambda e, n, J: None).losses.shape == (5,)


# ----------------------------------------------------------------- divergence


def _diverging_problem():
    X, y = bp.datasets.regression_curve(m=30, seed=0)
    net = bp.MLP([1, 8, 1], ["identity", "identity"], loss="mse", seed=0)
    return net, 10 * X, 10 * y


@pytest.mark.parametrize("batch_size", [None, 10])
def test_divergence_raises_with_epoch_lr_and_finite_history(batch_size):
    net, X, y = _diverging_problem()
    with pytest.raises(bp.TrainingDiverged, match="smaller learning rate") as info:
        net.fit(X, y, lr=5.0, epochs=10_000, batch_size=batch_size)
    err = info.value
    assert isinstance(err, RuntimeError)
    assert err.lr == 5.0 and 0 < err.epoch < 10_000
    losses = err.history.losses
    assert len(losses) == err.epoch and np.isfinite(losses).all()
    # the network keeps the last parameters whose cost was finite: those of the last recorded epoch
    params = _params(net)
    assert all(np.isfinite(P).all() for P in params)
    assert net.cost(X, y) == pytest.approx(losses[-1], rel=1e-13)


def test_divergence_history_matches_a_loop_of_steps():
    net, X, y = _diverging_problem()
    twin = bp.MLP.from_params(net.weights, net.biases, net.activations, "mse")
    with pytest.raises(bp.TrainingDiverged) as info:
        net.fit(X, y, lr=5.0, epochs=10_000)
    expected = [twin.step(X, y, 5.0) for _ in range(info.value.epoch)]
    assert np.array_equal(info.value.history.losses, expected)


def test_step_with_an_infinite_cost_raises_and_changes_nothing():
    W1, b1 = np.array([[1e200]]), np.zeros((1, 1))
    net = bp.MLP.from_params([W1, np.array([[1e200]])], [b1, np.zeros((1, 1))],
                             ["identity", "identity"], loss="mse")
    before = _params(net)
    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.raises(bp.TrainingDiverged, match="smaller learning rate"):
            net.step(np.ones((2, 1)), np.zeros(2), 0.1)
    assert _same_bits(_params(net), before)
