"""Tests of backprop.widgets: the live trainer and the precomputed static explorer."""

import math

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from ipywidgets.embed import embed_data  # noqa: E402
from ipywidgets.widgets.widget_link import Link  # noqa: E402

import backprop as bp  # noqa: E402

Wg = bp.widgets


@pytest.fixture(scope="module")
def moons():
    return bp.datasets.moons(60, seed=3)


@pytest.fixture(scope="module")
def curve():
    return bp.datasets.regression_curve(40, seed=0)


def fresh_fit(X, y, sizes, activations, loss, lr, epochs, seed=0):
    """An independent run of the plain API: (History, net) or (TrainingDiverged, net)."""
    net = bp.MLP(sizes, activations, loss=loss, seed=seed)
    try:
        return net.fit(X, y, lr=lr, epochs=epochs), net
    except bp.TrainingDiverged as e:
        return e, net


def fresh_point(X, y, sizes, activations, loss, lr, epochs, seed=0):
    """(J after training, epoch where J became infinite or None, History.losses), independently."""
    h, net = fresh_fit(X, y, sizes, activations, loss, lr, epochs, seed)
    if isinstance(h, bp.TrainingDiverged):
        return math.inf, h.epoch, h.history.losses
    with np.errstate(all="ignore"):
        J = net.cost(X, y)
    return (J, None, h.losses) if math.isfinite(J) else (math.inf, epochs, h.losses)


# ------------------------------------------------------------ live trainer
def test_slider_change_retrains_exactly_like_fit(moons):
    X, y = moons
    t = Wg.live_trainer(X, y, hidden=(5,), lr=0.5, epochs=60, seed=4)
    first = bytes(t.image.value)  # ipywidgets keeps a memoryview
    assert first.startswith(b"\x89PNG") and t.status == "trained"

    t.lr_slider.value = 0.25  # an observer retrains synchronously
    h, net = fresh_fit(X, y, [2, 5, 1], ["relu", "sigmoid"], "bce", 0.25, 60, seed=4)
    np.testing.assert_array_equal(t.history.losses, h.losses)  # bitwise
    for W, W_ref in zip(t.net.weights, net.weights):
        np.testing.assert_array_equal(W, W_ref)
    assert t.J == net.cost(X, y)  # the cost after the last update
    assert bytes(t.image.value) != first
    assert t.last_message == f"J = {t.J:.4g} after 60 epochs (lr = 0.25, hidden [5])"

    t.hidden_sliders[0].value = 9
    h, _ = fresh_fit(X, y, [2, 9, 1], ["relu", "sigmoid"], "bce", 0.25, 60, seed=4)
    assert t.net.sizes == (2, 9, 1)
    np.testing.assert_array_equal(t.history.losses, h.losses)

    t.epochs_slider.value = 25
    assert t.history.epochs == 25
    np.testing.assert_array_equal(t.history.losses, h.losses[:25])


def test_set_moves_several_sliders_and_retrains_once(moons):
    X, y = moons
    t = Wg.live_trainer(X, y, hidden=(4, 3), activation="tanh", lr=0.1, epochs=20)
    assert [s.description for s in t.hidden_sliders] == ["units n_1", "units n_2"]
    calls = []
    original = t.retrain
    t.retrain = lambda: calls.append(1) or original()
    h = t.set(lr=0.3, hidden=(6, 2), epochs=30)
    assert calls == [1]
    assert (t.lr, t.hidden, t.epochs) == (0.3, (6, 2), 30)
    ref, _ = fresh_fit(X, y, [2, 6, 2, 1], ["tanh", "tanh", "sigmoid"], "bce", 0.3, 30)
    np.testing.assert_array_equal(h.losses, ref.losses)
    assert t.history is h
    with pytest.raises(ValueError, match="2 hidden layer"):
        t.set(hidden=5)
    with pytest.raises(ValueError, match="outside"):
        t.set(lr=100.0)


def test_one_neuron_has_no_hidden_slider(moons):
    X, y = moons
    t = Wg.live_trainer(X, y, hidden=(), lr=1.0, epochs=15)
    assert t.hidden_sliders == [] and t.net.sizes == (2, 1)
    ref, _ = fresh_fit(X, y, [2, 1], ["sigmoid"], "bce", 1.0, 15)
    np.testing.assert_array_equal(t.history.losses, ref.losses)


def test_divergence_shows_a_message_not_a_traceback(curve):
    X, y = curve
    t = Wg.live_trainer(X, y, hidden=(8,), activation="tanh", loss="mse", lr=0.05,
                        epochs=300)
    assert t.problem == "regression" and t.output == "identity"
    assert isinstance(t.figure.view, bp.plotting.FitView)
    ref, _ = fresh_fit(X, y, [1, 8, 1], ["tanh", "identity"], "mse", 5.0, 300)
    assert isinstance(ref, bp.TrainingDiverged)  # the independent run diverges

    t.lr_slider.value = 5.0  # through the observer: must not raise
    assert t.status == "diverged" and t.history is None
    assert t.last_message == (
        f"diverged at epoch {ref.epoch} with lr 5: try a smaller learning rate"
    )
    assert "diverged at epoch" in t.status_html.value
    assert t.figure.message.get_visible()
    np.testing.assert_array_equal(t.figure.loss.line.get_ydata(), ref.history.losses)
    assert t.set(lr=0.05) is not None and t.status == "trained"
    assert not t.figure.message.get_visible()
    # stopping right after the update that blows up: fit returns, J is still infinite
    assert t.set(lr=5.0, epochs=ref.epoch) is None and t.status == "diverged"
    assert t.J == math.inf and t.last_message.startswith(f"diverged at epoch {ref.epoch} ")


def test_observer_errors_become_a_status_line(moons):
    X, y = moons
    t = Wg.live_trainer(X, y, hidden=(3,), epochs=5)
    t.activation = "swish"  # broken on purpose
    t.lr_slider.value = 0.2
    assert isinstance(t.last_error, ValueError)
    assert t.last_message.startswith("error: ValueError: unknown activation 'swish'")
    with pytest.raises(ValueError, match="swish"):
        t.retrain()  # the programmatic path still raises


def test_redraws_are_throttled_and_timed(moons):
    X, y = moons
    t = Wg.live_trainer(X, y, hidden=(3,), epochs=5, redraw_interval=0.0)
    assert t.timings["redraws"] == 5 + 1  # every epoch, then the final frame
    t = Wg.live_trainer(X, y, hidden=(3,), epochs=50, redraw_interval=1e9)
    assert t.timings["redraws"] == 1
    for key in ("train", "redraw", "render", "png", "total"):
        assert t.timings[key] > 0
    assert t.timings["total"] >= t.timings["train"] + t.timings["redraw"]


def test_live_trainer_displays_its_widget(moons):
    X, y = moons
    t = Wg.live_trainer(X, y, hidden=(3,), epochs=5)
    assert isinstance(t.widget, widgets.VBox) and t.image in t.widget.children
    assert isinstance(t.lr_slider, widgets.FloatLogSlider)
    assert (t.lr_slider.min, t.lr_slider.max) == (-3, 1)  # log10 of lr_range
    assert repr(t) == "LiveTrainer(problem='classification', lr=0.5, hidden=(3,), epochs=5)"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"hidden": (40,)}, ValueError, "max_hidden"),
        ({"lr": 20.0}, ValueError, "lr_range"),
        ({"hidden": "16"}, TypeError, "hidden"),
        ({"activation": "swish"}, ValueError, "activation"),
        ({"problem": "regression"}, ValueError, "1 feature"),
        ({"loss": "mse", "problem": "ranking"}, ValueError, "problem"),
        ({"epochs": 0}, ValueError, "epochs"),
    ],
)
def test_live_trainer_rejects_bad_settings(moons, kwargs, error, match):
    X, y = moons
    with pytest.raises(error, match=match):
        Wg.live_trainer(X, y, **kwargs)


def test_live_trainer_rejects_bad_data(moons):
    X, y = moons
    with pytest.raises(ValueError, match="2 feature"):
        Wg.live_trainer(np.column_stack([X, X[:, 0]]), y)
    with pytest.raises(ValueError, match="labels"):
        Wg.live_trainer(X, y * 2)


# ----------------------------------------------------------- static explorer
def test_explorer_results_equal_independent_fits(curve):
    X, y = curve
    lrs, sizes = [0.05, 0.5, 5.0], [2, 6]
    ex = Wg.static_explorer(X, y, lrs=lrs, hidden_sizes=sizes, epochs=200, activation="tanh",
                            loss="mse", seed=1)
    assert set(ex.results) == {(lr, k) for lr in lrs for k in sizes}
    for lr in lrs:
        for k in sizes:
            J, at, losses = fresh_point(X, y, [1, k, 1], ["tanh", "identity"], "mse", lr, 200, 1)
            assert ex.results[(lr, k)] == J  # bitwise
            assert ex.diverged.get((lr, k)) == at
            np.testing.assert_array_equal(ex.histories[(lr, k)], losses)
    assert ex.diverged, "lr = 5 should diverge on this curve"
    assert len(ex.diverged) < len(ex.results)


def test_explorer_is_a_jslinked_stack_of_stacks(moons):
    X, y = moons
    lrs, sizes = [0.1, 1.0], [2, 4, 8]
    ex = Wg.static_explorer(X, y, lrs=lrs, hidden_sizes=sizes, epochs=30, n_hidden_layers=2)
    assert isinstance(ex, widgets.VBox) and ex.stack in ex.children
    assert isinstance(ex.stack, widgets.Stack) and len(ex.stack.children) == len(lrs)
    frames = [img for inner in ex.stack.children for img in inner.children]
    assert all(isinstance(inner, widgets.Stack) for inner in ex.stack.children)
    assert len(frames) == len(lrs) * len(sizes)
    assert all(isinstance(f, widgets.Image) and bytes(f.value)[:4] == b"\x89PNG" for f in frames)
    assert len({bytes(f.value) for f in frames}) == len(frames)  # every frame differs
    # sliders show the real values; their index drives the stacks client-side
    assert ex.lr_slider.options == (("0.1", 0.1), ("1", 1.0))
    assert [label for label, _ in ex.inner_slider.options] == ["2", "4", "8"]
    links = ex.links
    assert all(isinstance(link, Link) for link in links)
    assert links[0].source == (ex.lr_slider, "index")
    assert links[0].target == (ex.stack, "selected_index")
    assert [link.target for link in links[1:]] == [(s, "selected_index") for s in ex.stack.children]
    assert all(link.source == (ex.inner_slider, "index") for link in links[1:])
    assert ex.stack.selected_index == ex.lr_slider.index
    assert all(s.selected_index == ex.inner_slider.index for s in ex.stack.children)
    # the embedded widget state (what a static page gets) holds the links
    state = embed_data(views=[ex])["manager_state"]["state"]
    link_models = [m for m in state.values() if m["model_name"] == "LinkModel"]
    assert len(link_models) >= 1 + len(lrs)
    for l in links:
        assert state[l.model_id]["state"]["source"] == [f"IPY_MODEL_{l.source[0].model_id}", "index"]
    # the network really has two hidden layers of k units
    J, _, _ = fresh_point(X, y, [2, 4, 4, 1], ["relu", "relu", "sigmoid"], "bce", 1.0, 30)
    assert ex.results[(1.0, 4)] == J


def test_explorer_over_epochs_for_one_neuron(moons):
    X, y = moons
    lrs, epochs_grid = [0.5, 3.0], [40, 5, 15]
    ex = Wg.static_explorer(X, y, lrs=lrs, epochs_grid=epochs_grid)
    assert ex.inner_name == "epochs" and ex.inner_values == [5, 15, 40]
    assert ex.inner_slider.value == 40  # starts at the end of training
    for lr in lrs:
        for e in epochs_grid:
            J, at, losses = fresh_point(X, y, [2, 1], ["sigmoid"], "bce", lr, e)
            assert ex.results[(lr, e)] == J and at is None
            np.testing.assert_array_equal(ex.histories[(lr, e)], losses)
    assert sum(len(s.children) for s in ex.stack.children) == 6


def test_explorer_epochs_grid_with_divergence(curve):
    X, y = curve
    ref, _ = fresh_fit(X, y, [1, 8, 1], ["tanh", "identity"], "mse", 5.0, 300)
    k = ref.epoch
    grid = [k - 1, k, k + 1]
    ex = Wg.static_explorer(X, y, lrs=[5.0], epochs_grid=grid, hidden=(8,), activation="tanh",
                            loss="mse")
    J, at, _ = fresh_point(X, y, [1, 8, 1], ["tanh", "identity"], "mse", 5.0, k - 1)
    assert at is None and ex.results[(5.0, k - 1)] == J
    # fit(epochs=k) still returns, but the k-th update makes J infinite
    h, _ = fresh_fit(X, y, [1, 8, 1], ["tanh", "identity"], "mse", 5.0, k)
    assert isinstance(h, bp.History) and h.epochs == k
    assert ex.diverged == {(5.0, k): k, (5.0, k + 1): k}
    assert ex.results[(5.0, k)] == ex.results[(5.0, k + 1)] == math.inf


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"lrs": [0.1]}, "exactly one"),
        ({"lrs": [0.1], "hidden_sizes": [2], "epochs_grid": [3]}, "exactly one"),
        ({"lrs": [0.1], "epochs_grid": [3], "epochs": 10}, "epochs"),
        ({"lrs": [], "hidden_sizes": [2]}, "lrs"),
        ({"lrs": [0.1, 0.1], "hidden_sizes": [2]}, "repeated"),
        ({"lrs": [-1.0], "hidden_sizes": [2]}, "learning rate"),
        ({"lrs": [0.1], "hidden_sizes": [0]}, "hidden size"),
        ({"lrs": [0.1], "hidden_sizes": [2], "hidden": (3,)}, "hidden"),
    ],
)
def test_explorer_rejects_bad_grids(moons, kwargs, match):
    X, y = moons
    with pytest.raises(ValueError, match=match):
        Wg.static_explorer(X, y, **kwargs)
