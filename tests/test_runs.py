"""The one training-run recorder (backprop.runs.record), which every widget trains through.

Each record is held to what the network's own methods give when asked
independently: ``fit`` on a fresh network for the costs and snapshots,
``trace`` for the gradient sizes, ``TrainingDiverged`` for divergence."""

import math

import numpy as np
import pytest

import backprop as bp

R = bp.runs


def data():
    return bp.datasets.moons(60, noise=0.2, seed=1)


def fresh(seed=0):
    return bp.MLP([2, 5, 1], ["tanh", "sigmoid"], "bce", seed=seed)


def test_costs_snapshots_and_gradient_sizes_match_independent_runs():
    X, y = data()
    run = R.record(fresh(), X, y, 0.5, 12, keep=[0, 4, 12], records=[0, 7, 12])
    history = fresh().fit(X, y, lr=0.5, epochs=12)
    assert np.array_equal(run.losses, history.losses)
    assert run.epochs == 12 and run.diverged_at is None and run.verdict in (
        R.CONVERGED, R.NOT_CONVERGED)
    for e in (0, 4, 12):
        net = fresh()
        if e:
            net.fit(X, y, lr=0.5, epochs=e)
        for W_kept, W in zip(run.nets[e].weights, net.weights):
            assert np.array_equal(W_kept, W)
        assert run.costs[e] == net.cost(X, y)
        snap = run.at(e)
        assert snap.epochs == e and snap.J == net.cost(X, y)
        assert np.array_equal(snap.losses, history.losses[:e])
        if e in (0, 7, 12):
            trace = net.trace(X, y)
            k = list(run.grad_epochs).index(e)
            expected = [np.linalg.norm(trace[l].dW) for l in (1, 2)]
            np.testing.assert_allclose(run.grad_sizes[k], expected, rtol=1e-12)
    assert list(run.grad_epochs) == [0, 7, 12] and run.grad_sizes.shape == (3, 2)
    assert run.J == run.net.cost(X, y) == run.costs[12]
    np.testing.assert_array_equal(run.losses_until(12), np.append(history.losses, run.J))
    with pytest.raises(KeyError, match="no snapshot after 5 epochs"):
        run.at(5)


def test_divergence_is_caught_once_and_recorded():
    X, y = bp.datasets.regression_curve(40, noise=0.1, seed=0)

    def line():
        return bp.MLP([1, 5, 1], ["identity", "identity"], "mse", seed=0)

    with pytest.raises(bp.TrainingDiverged) as caught:
        line().fit(X, y, lr=5.0, epochs=200)
    run = R.record(line(), X, y, 5.0, 200, keep=[0, 1, 200])
    assert run.diverged_at == caught.value.epoch and run.net is None and math.isinf(run.J)
    assert run.verdict == R.DIVERGED
    assert np.array_equal(run.losses, caught.value.history.losses)
    late = run.at(200)
    assert late.net is None and late.diverged_at == run.diverged_at and math.isinf(late.J)
    assert "diverged at epoch" in run.summary()


def test_a_cost_that_rises_is_diverged_though_finite():
    X, y = data()
    run = R.record(fresh(), X, y, 40.0, 3)
    if run.diverged_at is None:  # finite, but above where it started
        assert run.J > run.losses[0] and run.verdict == R.DIVERGED
        assert "J started at" in run.summary()


def test_progress_sees_the_run_so_far():
    X, y = data()
    seen = []
    run = R.record(fresh(), X, y, 0.5, 5, records=[0, 5],
                   progress=lambda so_far: seen.append(so_far()))
    assert [s.epochs for s in seen] == [1, 2, 3, 4, 5]
    for s in seen:
        assert np.array_equal(s.losses, run.losses[: s.epochs])
    assert seen[-1].J == run.J


def test_zero_epochs_is_the_untrained_network():
    X, y = data()
    run = R.record(fresh(), X, y, 0.5, 0, keep=[0])
    assert run.losses.size == 0 and run.J == fresh().cost(X, y) == run.at(0).J
    assert run.summary().endswith("before training")


def test_epoch_schedules():
    assert R.frame_epochs(10, 20) == list(range(11))
    counts = R.frame_epochs(1000, 6)
    assert counts[0] == 0 and counts[-1] == 1000 and len(set(counts)) == 6
    gaps = np.diff(counts)
    assert (gaps[1:] >= gaps[:-1]).all()  # about geometric: the early epochs get most frames
    assert R.record_epochs(300, 4) == [0, 100, 200, 300]
    with pytest.raises(ValueError, match="frames must be at least 2"):
        R.frame_epochs(10, 1)


def test_a_flat_cost_is_not_divergence_but_a_real_rise_is():
    """J that stays put to within rounding (all weights zero) is no divergence; a rise beyond it is."""
    flat = np.full(10, math.log(2.0))
    assert R.verdict(flat, np.nextafter(math.log(2.0), 1.0)) != R.DIVERGED  # one ulp above
    assert R.verdict(flat, math.log(2.0) * (1 + 1e-6)) == R.DIVERGED
    X, y = data()
    zeros = bp.MLP([X.shape[1], 4, 1], ["relu", "sigmoid"], "bce", seed=0, init="zeros")
    run = R.record(zeros, X, y, 0.5, 50)
    assert run.verdict != R.DIVERGED and abs(run.J - run.losses[0]) < 1e-3
