"""Several classes and held-out test points: the playground, the class picture, record(test=...)."""

from __future__ import annotations

import html
import math

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import backprop as bp
from backprop.widgets import playground_settings as core

matplotlib.use("Agg")
playground = bp.widgets.playground
X3, Y3 = bp.datasets.spirals(300, noise=0.05, seed=0, classes=3)


def softmax_by_hand(Z):
    """Softmax over the rows of Z (m, K), written here apart from the package."""
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def same_run(a, b):
    assert a.result.J == b.result.J
    assert np.array_equal(a.result.losses, b.result.losses)
    if a.result.test_losses is None:
        assert b.result.test_losses is None
    else:
        assert np.array_equal(a.result.test_losses, b.result.test_losses)
        assert a.result.test_J == b.result.test_J
    for p, q in zip(a.net.weights + a.net.biases, b.net.weights + b.net.biases):
        assert np.array_equal(p, q)


# ------------------------------------------------------------ data sets and defaults
def test_three_class_data_sets_are_the_named_calls():
    for name, (X, y) in {
        "spirals3": bp.datasets.spirals(300, noise=0.05, seed=0, classes=3),
        "blobs3": bp.datasets.blobs(300, separation=3.0, noise=1.0, seed=0, classes=3),
    }.items():
        Xd, yd = core.data_set(name)
        assert np.array_equal(Xd, X) and np.array_equal(yd, y)
        assert sorted(set(yd.tolist())) == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("data", ["spirals3", "blobs3"])
def test_three_classes_default_to_softmax_and_train_a_plain_mlp(data):
    pg = playground(data, hidden=(6,), lr=0.3, epochs=40, seed=2)
    assert pg.error is None
    assert (pg.checked.output, pg.checked.loss) == ("softmax", "cross_entropy")
    assert list(pg.net.sizes) == [2, 6, 3]
    X, y = core.data_set(data)
    net = bp.MLP([2, 6, 3], ["relu", "softmax"], "cross_entropy", seed=2)
    history = net.fit(X, y, lr=0.3, epochs=40)
    assert np.array_equal(history.losses, pg.result.losses)
    assert net.cost(X, y) == pg.result.J
    assert pg.accuracy == np.mean(net.predict(X) == y)
    assert "in their class's region" in pg.message


def test_the_menus_offer_softmax_cross_entropy_and_the_test_shares():
    pg = playground("spirals3", epochs=5)
    assert "softmax" in pg.controls["output"].options
    assert "cross_entropy" in [v for _, v in pg.controls["loss"].options]
    assert [v for _, v in pg.controls["split"].options] == [0, 20, 50]
    assert pg.controls["output"].value == "softmax"
    assert pg.controls["loss"].value == "cross_entropy"
    assert pg.controls["split"].description == "test points"


def test_changing_data_switches_the_default_loss_and_back():
    pg = playground(epochs=5)
    pg.set(data="blobs3")
    assert (pg.checked.output, pg.checked.loss) == ("softmax", "cross_entropy")
    assert pg.controls["loss"].value == "cross_entropy"
    pg.set(data="circles")
    assert (pg.checked.output, pg.checked.loss) == ("sigmoid", "bce")
    pg.set(loss="cross_entropy", output="softmax")  # two classes, two softmax units
    assert pg.error is None and pg.net.sizes[-1] == 2
    pg.set(data="xor")  # the same default loss: the reader's choice stays
    assert pg.checked.loss == "cross_entropy"


def shown(status):
    return html.unescape(status)


BAD = [
    ("spirals3", {"loss": "bce"},
     "a 'softmax' output layer needs loss='cross_entropy' (its B1 takes the softmax's full "
     "Jacobian), not loss='bce'"),
    ("spirals3", {"loss": "mse"}, "a 'softmax' output layer needs loss='cross_entropy'"),
    ("spirals3", {"output": "sigmoid"},
     "the output layer's activation must be 'softmax', not 'sigmoid'"),
    ("spirals3", {"loss": "bce", "output": "sigmoid"},
     "these data have 3 classes (labels 0..2): the log loss with one output unit can tell "
     "only two apart; choose the cross-entropy with a softmax output"),
    ("blobs3", {"loss": "mse", "output": "identity"},
     "these data have 3 classes (labels 0..2): the squared error with one output unit"),
    ("moons", {"output": "softmax"}, "a 'softmax' output layer needs loss='cross_entropy'"),
    ("curve", {"loss": "cross_entropy", "output": "softmax"},
     "a softmax output gives class probabilities; a curve needs numbers"),
    ("moons", {"split": 30}, "test points: the share must be 0, 20 or 50 (percent), got 30"),
    ("moons", {"split": 50, "batch_size": 150},
     "batch size 150 is larger than the m = 100 examples"),
]


@pytest.mark.parametrize("data, change, message", BAD, ids=lambda v: str(v)[:30])
def test_bad_combinations_give_the_package_message_in_the_widget(data, change, message):
    pg = playground(data, epochs=5)
    widget = pg.widget
    pg.set(**change)
    assert pg.error is not None and message in pg.error, pg.error
    assert pg.net is None and pg.result is None and pg.delta_shown == {}
    assert shown(pg.status_html.value).endswith(f"Cannot train: {pg.error}</span>")
    assert widget is pg.widget


def test_bad_split_through_the_control_shows_the_message():
    pg = playground(epochs=5)
    pg.widget  # noqa: B018 - the controls exist once shown
    pg._on_change("split", {"new": 30})
    assert "the share must be 0, 20 or 50" in pg.error


# ------------------------------------------------------------ the configuration line
CONFIGS = [
    ("spirals3", {"hidden": (5,), "epochs": 30}),
    ("blobs3", {"epochs": 20, "split": 20, "seed": 3}),
    ("moons", {"loss": "cross_entropy", "epochs": 25, "split": 50}),
    ("curve", {"epochs": 20, "split": 20}),
    ("spirals3", {"epochs": 15, "batch_size": 40, "split": 50}),
]


@pytest.mark.parametrize("data, config", CONFIGS, ids=str)
def test_config_line_recreates_several_classes_and_the_split(data, config):
    pg = playground(data, **config)
    assert pg.error is None
    line = pg.config_line()
    copy = eval(line, {"bp": bp})
    same_run(pg, copy)
    assert ("split=" in line) == ("split" in config)
    assert ("'%s'" % data in line) == (data != "moons")
    assert "loss=" in line if data == "moons" else "loss=" not in line


# ------------------------------------------------------------ the split
def test_the_test_points_follow_the_websites_rule():
    assert np.flatnonzero(core.test_mask(12, 20)).tolist() == [4, 9]
    assert np.flatnonzero(core.test_mask(7, 50)).tolist() == [1, 3, 5]
    assert not core.test_mask(12, 0).any()
    for bad in (10, "20", True, None):
        with pytest.raises(ValueError, match="0, 20 or 50"):
            core.test_mask(12, bad)


def test_split_trains_on_the_others_and_records_the_test_cost():
    pg = playground("moons", hidden=(5,), epochs=12, split=20, seed=1)
    X, y = bp.datasets.moons(200, noise=0.2, seed=0)
    keep = [i for i in range(200) if i % 5 != 4]
    held = [i for i in range(200) if i % 5 == 4]
    assert np.flatnonzero(pg.test).tolist() == held
    net = bp.MLP([2, 5, 1], ["relu", "sigmoid"], "bce", seed=1)
    expected = [net.cost(X[held], y[held])]
    for _ in range(12):  # one epoch at a time: full batch, so the same steps
        net.fit(X[keep], y[keep], lr=0.5, epochs=1)
        expected.append(net.cost(X[held], y[held]))
    r = pg.result
    np.testing.assert_allclose(r.test_losses, expected[:12], rtol=1e-13)
    assert math.isclose(r.test_J, expected[12], rel_tol=1e-13)
    assert math.isclose(r.J, net.cost(X[keep], y[keep]), rel_tol=1e-13)
    right = (net.forward(X[held])[:, 0] >= 0.5) == (y[held] == 1)
    assert math.isclose(pg.test_accuracy, right.mean(), rel_tol=1e-12)
    assert f"{100 * right.mean():.1f}% of the test points" in pg.message
    train_right = (net.forward(X[keep])[:, 0] >= 0.5) == (y[keep] == 1)
    assert f"{100 * train_right.mean():.1f}% of the training points" in pg.message


def test_split_for_three_classes_and_for_the_curve():
    pg = playground("spirals3", hidden=(8,), epochs=10, split=50)
    held = np.arange(300) % 2 == 1
    assert pg.test_accuracy == np.mean(pg.net.predict(X3[held]) == Y3[held])
    assert pg.accuracy == np.mean(pg.net.predict(X3[~held]) == Y3[~held])
    curve = playground("curve", epochs=10, split=20)
    X, y = bp.datasets.regression_curve(100, noise=0.1, seed=0)
    held = np.arange(100) % 5 == 4
    assert curve.message.endswith(f"test J = {curve.net.cost(X[held], y[held]):.3g}")
    assert curve.test_accuracy is None


def test_without_split_nothing_is_held_out():
    pg = playground(epochs=5)
    assert pg.result.test_losses is None and pg.result.test_J is None
    assert pg.test_accuracy is None and "test" not in pg.message
    assert pg.figure.loss.ax.get_legend() is None


# ------------------------------------------------------------ what the figure shows
def test_test_points_are_hollow_and_the_cost_panel_has_the_test_cost():
    pg = playground("blobs3", epochs=8, split=20)
    y = bp.datasets.blobs(300, separation=3.0, noise=1.0, seed=0, classes=3)[1]
    points = pg.figure.view.points
    face, edge = points.get_facecolors(), points.get_edgecolors()
    held = np.arange(300) % 5 == 4
    white = np.ones(4)
    palette = {0: "#0072B2", 1: "#D55E00", 2: "#009E73"}
    for i in (0, 4, 150, 299):
        colour = matplotlib.colors.to_rgba(palette[int(y[i])])
        if held[i]:
            assert np.allclose(face[i], white) and np.allclose(edge[i], colour)
        else:
            assert np.allclose(face[i], colour) and np.allclose(edge[i], [0, 0, 0, 1])
    line = pg.figure.loss.test_line
    assert np.array_equal(line.get_ydata(), np.append(pg.result.test_losses, pg.result.test_J))
    labels = [t.get_text() for t in pg.figure.loss.ax.get_legend().get_texts()]
    assert labels == ["training", "test"]
    moons = playground(epochs=8, split=50)  # the two-class picture marks them the same way
    face = moons.figure.view.points.get_facecolors()
    assert np.allclose(face[1], white) and not np.allclose(face[0], white)


def test_softmax_on_two_classes_draws_class_regions():
    pg = playground(loss="cross_entropy", epochs=5)
    assert isinstance(pg.figure.view, bp.plotting.ClassRegionsView)
    pg.set(loss="bce", output="sigmoid")
    assert isinstance(pg.figure.view, bp.plotting.BoundaryView)


def test_palette_is_okabe_ito_in_the_websites_order():
    assert bp.plotting.CLASS_PALETTE == ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")


def test_class_region_colours_from_confidence():
    P = np.array([[1 / 3, 1 / 3, 1 / 3], [0.0, 1.0, 0.0], [0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    C = bp.plotting.class_region_colours(P)
    assert np.allclose(C[0], 1.0)  # no class preferred: white
    assert np.allclose(C[1], np.array([213, 94, 0]) / 255)  # sure of class 1: #D55E00
    t = (0.7 - 1 / 3) / (2 / 3)  # class 2, 55% of the way from white to #009E73
    assert np.allclose(C[2], 1 - t + t * np.array([0, 158, 115]) / 255)
    t = (0.5 - 1 / 3) / (2 / 3)
    assert np.allclose(C[3], 1 - t + t * np.array([0, 114, 178]) / 255)
    with pytest.raises(ValueError, match="2 to 5 classes"):
        bp.plotting.class_region_colours(np.full((1, 6), 1 / 6))


def test_plot_class_regions_colours_each_pixel_by_the_hand_computed_softmax():
    net = bp.MLP([2, 3], ["softmax"], "cross_entropy", seed=0)  # no hidden layer: Z = W x + b
    net.weights[0][...] = [[2.0, 0.0], [-2.0, 0.0], [0.0, 2.0]]
    net.biases[0][...] = 0.0
    ax = Figure().subplots()
    FigureCanvasAgg(ax.figure)
    view = bp.plotting.plot_class_regions(net, X3, Y3, ax=ax, resolution=20,
                                          test=np.arange(300) % 5 == 4)
    P = softmax_by_hand(view.grid @ net.weights[0].T)
    k = P.argmax(axis=1)
    assert np.array_equal(view.predicted.ravel(), k)
    t = (P.max(axis=1) - 1 / 3) / (2 / 3)
    rgb = np.array([[0, 114, 178], [213, 94, 0], [0, 158, 115]]) / 255
    expected = (1 - t)[:, None] + t[:, None] * rgb[k]
    np.testing.assert_allclose(view.image.get_array().reshape(-1, 3), expected, atol=1e-12)
    assert [t.get_text() for t in view.key.get_texts()] == ["0", "1", "2"]
    sig = bp.MLP([2, 1], ["sigmoid"], "bce", seed=0)
    with pytest.raises(ValueError, match="softmax output of K = 1 units|K >= 2|2 to 5"):
        bp.plotting.plot_class_regions(sig, X3, Y3, ax=ax)
    two = bp.MLP([2, 2], ["softmax"], "cross_entropy", seed=0)
    with pytest.raises(ValueError, match=r"class labels must be whole numbers 0\.\.1"):
        bp.plotting.plot_class_regions(two, X3, Y3, ax=ax)
    with pytest.raises(ValueError, match="boolean mask of shape"):
        view.set_test(np.ones(5, dtype=bool))


# ------------------------------------------------------------ gradients and dZ for softmax
def test_gradient_sizes_and_dz_table_for_a_softmax_net():
    pg = playground("spirals3", hidden=(4,), epochs=6, split=20)
    keep = np.arange(300) % 5 != 4
    X, y = X3[keep], Y3[keep]
    net = bp.MLP([2, 4, 3], ["relu", "softmax"], "cross_entropy", seed=0)
    dWs, _ = net.gradients(X, y)  # the fast loop, before training
    np.testing.assert_allclose(pg.result.grad_sizes[0], [np.linalg.norm(d) for d in dWs],
                               rtol=1e-12)
    net.fit(X, y, lr=0.5, epochs=6)
    W1, b1, W2, b2 = net.weights[0], net.biases[0], net.weights[1], net.biases[1]
    A1 = np.maximum(W1 @ X.T + b1.reshape(-1, 1), 0)
    A2 = softmax_by_hand((W2 @ A1 + b2.reshape(-1, 1)).T).T
    Y = np.eye(3)[y.astype(int)].T
    dZ2 = (A2 - Y) / X.shape[0]  # B1 for the softmax with the cross-entropy
    np.testing.assert_allclose(pg.delta_shown[2], dZ2[:3, :4], rtol=6e-3, atol=1e-15)
    assert "cross-entropy with a softmax output" in pg._delta_notes[2]


# ------------------------------------------------------------ the other widgets
def test_other_widgets_take_a_cross_entropy_net():
    X, y = core.data_set("blobs3")
    live = bp.widgets.live_trainer(X, y, loss="cross_entropy", hidden=(5,), epochs=15)
    net = bp.MLP([2, 5, 3], ["relu", "softmax"], "cross_entropy", seed=0)
    net.fit(X, y, lr=0.5, epochs=15)
    assert list(live.net.sizes) == [2, 5, 3] and live.J == net.cost(X, y)
    assert isinstance(live.figure.view, bp.plotting.ClassRegionsView)
    player = bp.widgets.training_player(X, y, loss="cross_entropy", hidden=(5,), epochs=15,
                                        frames=3)
    assert player.results[-1] == net.cost(X, y)
    explorer = bp.widgets.static_explorer(X, y, loss="cross_entropy", lrs=[0.5],
                                          hidden_sizes=[5], epochs=15)
    assert explorer.results[(0.5, 5)] == net.cost(X, y)


# ------------------------------------------------------------ record(test=...)
def test_record_with_test_data_matches_costs_taken_apart():
    X, y = bp.datasets.moons(60, noise=0.2, seed=1)
    Xt, yt = bp.datasets.moons(30, noise=0.2, seed=2)
    net = bp.MLP([2, 4, 1], ["tanh", "sigmoid"], "bce", seed=0)
    run = bp.runs.record(net, X, y, 0.5, 5, keep=[0, 2, 5], test=(Xt, yt))
    twin = bp.MLP([2, 4, 1], ["tanh", "sigmoid"], "bce", seed=0)
    costs = [twin.cost(Xt, yt)]
    for _ in range(5):
        twin.fit(X, y, lr=0.5, epochs=1)
        costs.append(twin.cost(Xt, yt))
    np.testing.assert_allclose(run.test_losses, costs[:5], rtol=1e-13)
    assert math.isclose(run.test_J, costs[5], rel_tol=1e-13)
    at2 = run.at(2)
    np.testing.assert_allclose(at2.test_losses, costs[:2], rtol=1e-13)
    assert math.isclose(at2.test_J, costs[2], rel_tol=1e-13)
    np.testing.assert_allclose(run.test_losses_until(5), costs, rtol=1e-13)
    before = [w.copy() for w in net.weights]
    with pytest.raises(ValueError, match="needs labels y in"):
        bp.runs.record(net, X, y, 0.5, 5, test=(Xt, yt + 2))
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights))  # nothing changed
    with pytest.raises(ValueError, match="a pair"):
        bp.runs.record(net, X, y, 0.5, 5, test=Xt)


def test_record_with_test_data_through_divergence():
    X, y = bp.datasets.regression_curve(40, noise=0.1, seed=0)
    net = bp.MLP([1, 8, 1], ["relu", "identity"], "mse", seed=0)
    run = bp.runs.record(net, X[:30], y[:30], 50.0, 200, test=(X[30:], y[30:]))
    assert run.diverged_at is not None and run.test_J == math.inf
    assert len(run.test_losses) == len(run.losses)
