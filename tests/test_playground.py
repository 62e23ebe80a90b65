"""The playground (live and static): configuration line, messages, own data, dZ shown, decks."""

from __future__ import annotations

import math

import numpy as np
import pytest

import backprop as bp
from backprop.widgets import playground_settings as core

playground = bp.widgets.playground


def same_run(a, b):
    """Bit-for-bit the same training: J, the cost curve and every parameter."""
    assert a.result.J == b.result.J
    assert np.array_equal(a.result.losses, b.result.losses)
    for p, q in zip(a.net.weights + a.net.biases, b.net.weights + b.net.biases):
        assert np.array_equal(p, q)


# ------------------------------------------------------------ the configuration line
CONFIGS = [
    {},
    {"data": "spirals", "hidden": (12, 12, 12), "lr": 0.3, "epochs": 120},
    {"hidden": (6, 6), "activations": ("tanh", "relu"), "seed": 7, "epochs": 50},
    {"data": "xor", "hidden": (), "epochs": 40},
    {"loss": "mse", "output": "sigmoid", "epochs": 60, "batch_size": 25, "seed": 3},
    {"data": "curve", "hidden": (8,), "activations": "tanh", "output": "tanh", "epochs": 80},
    {"data": "circles", "lr": 0.05, "epochs": 30, "activations": "sigmoid"},
    {"init": "glorot", "epochs": 40},
    {"data": "xor", "hidden": (4,), "init": ("normal", 0.3), "epochs": 30},
]


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_config_line_recreates_the_run_bit_for_bit(config):
    settings = dict(config)
    data = settings.pop("data", None)
    pg = playground(data, **settings)
    assert pg.error is None
    line = pg.config_line()
    assert "\n" not in line and line.startswith("bp.widgets.playground(")
    copy = eval(line, {"bp": bp})
    same_run(pg, copy)
    assert copy.config_line() == line
    # only the settings that differ from the defaults are written
    assert ("lr=" in line) == ("lr" in config)


def test_config_line_after_changes_and_with_own_data():
    pg = playground(epochs=40)
    pg.set(data="blobs", hidden="5, 3", activations="relu, tanh", seed=2)
    copy = eval(pg.config_line(), {"bp": bp})
    same_run(pg, copy)
    X, y = bp.datasets.function_boundary(np.cos, m=80, seed=1)
    mine = playground(X=X, y=y, hidden=(4,), epochs=30)
    line = mine.config_line()
    assert line.startswith("bp.widgets.playground(X=X, y=y, ")
    same_run(mine, eval(line, {"bp": bp, "X": X, "y": y}))


def test_config_line_refuses_settings_that_cannot_train():
    pg = playground(epochs=0)
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        pg.config_line()


def test_same_settings_as_a_plain_mlp():
    """The playground trains exactly MLP([n_0, *hidden, 1], ...).fit(...)."""
    pg = playground("moons", hidden=(5, 4), activations=("tanh", "relu"), lr=0.2, epochs=70,
                    batch_size=30, seed=4)
    net = bp.MLP([2, 5, 4, 1], ["tanh", "relu", "sigmoid"], "bce", seed=4)
    X, y = bp.datasets.moons(200, noise=0.2, seed=0)
    history = net.fit(X, y, lr=0.2, epochs=70, batch_size=30)
    assert np.array_equal(history.losses, pg.result.losses)
    assert net.cost(X, y) == pg.result.J
    pg.set(init="lecun")  # the initial weights' scheme of chapter 10, as MLP takes it
    net = bp.MLP([2, 5, 4, 1], ["tanh", "relu", "sigmoid"], "bce", seed=4, init="lecun")
    history = net.fit(X, y, lr=0.2, epochs=70, batch_size=30)
    assert np.array_equal(history.losses, pg.result.losses) and pg.net.init == "lecun"


# ------------------------------------------------------------ readable messages
BAD = [
    ({"output": "identity"}, "must be 'sigmoid', not 'identity'"),
    ({"hidden": "8, , 8"}, "layer 2 is empty"),
    ({"hidden": "8, x"}, "'x' is not a whole number"),
    ({"hidden": "0"}, "a layer needs at least 1 unit"),
    ({"hidden": "(-3,)"}, "a layer needs at least 1 unit"),
    ({"epochs": 0}, "epochs must be at least 1, got 0"),
    ({"batch_size": 500}, "batch size 500 is larger than the m = 200 examples"),
    ({"batch_size": "ten"}, "write a whole number, or 'all'"),
    ({"batch_size": 0}, "batch size must be at least 1"),
    ({"lr": 0.0}, "the learning rate must be a positive, finite number"),
    ({"lr": -1.0}, "the learning rate must be a positive, finite number"),
    ({"lr": float("nan")}, "the learning rate must be a positive, finite number"),
    ({"activations": "relu, tanh, relu"}, "3 names for 2 hidden layer(s)"),
    ({"activations": "swish"}, "unknown 'swish'"),
    ({"loss": "hinge"}, "unknown loss 'hinge'"),
    ({"output": "swish"}, "unknown output activation 'swish'"),
    ({"seed": -1}, "the seed must be a whole number >= 0"),
    ({"epochs": 10**6}, "at most 100000 epochs"),
    ({"init": "uniform"}, "unknown init 'uniform'; choose one of \"auto\""),
    ({"init": 0.3}, "init=0.3 is a bare number"),
    ({"init": ("normal", -1.0)}, "must be finite and >= 0"),
]


@pytest.mark.parametrize("change, message", BAD, ids=lambda v: str(v)[:40])
def test_bad_settings_give_a_message_in_the_widget(change, message):
    pg = playground(epochs=20)
    pg.set(**change)  # never raises for a bad value
    assert pg.error is not None and message in pg.error, pg.error
    assert pg.net is None and pg.result is None and pg.delta_shown == {}
    assert "Traceback" not in pg.error
    widget = pg.widget  # the widget shows the message
    assert shown(pg.status_html.value).endswith(f"Cannot train: {pg.error}</span>")
    assert "Cannot train" in pg.status_html.value and pg.image.value
    assert widget is pg.widget
    pg.set(**{k: getattr(core.DEFAULTS, k) for k in change if k not in ("output", "loss")},
           **({"output": "sigmoid"} if "output" in change else {}),
           **({"loss": "bce"} if "loss" in change else {}))
    assert pg.error is None and pg.net is not None  # and it recovers


def test_log_loss_on_the_curve_is_refused_with_a_hint():
    pg = playground("curve", loss="bce", output="sigmoid")
    assert "choose the squared error for a curve" in pg.error


def test_divergence_is_said_and_never_shows_nan():
    pg = playground("curve", lr=3.0)
    assert pg.verdict == "diverged" and pg.net is None
    assert pg.result.diverged_at is not None and math.isinf(pg.result.J)
    assert "diverged: at epoch" in pg.message and "try a smaller one" in pg.message
    for text in (pg.message, pg._status, pg._delta, pg.figure.title.get_text()):
        assert "nan" not in text.lower()
    rising = playground("circles", hidden=(8, 8), lr=5.0, epochs=300)  # every ReLU dies: J = ln 2
    assert rising.verdict == "diverged" and "J rose from" in rising.message


def shown(text):
    import html

    return html.unescape(text)


def test_controls_never_raise_and_show_the_message():
    pg = playground(epochs=20)
    c = pg.controls
    c["hidden"].value = "4,,4"
    assert "layer 2 is empty" in pg.status_html.value
    c["hidden"].value = "4, 4"
    assert pg.error is None and "J = " in pg.status_html.value
    c["loss"].value = "mse"
    assert pg.checked.loss == "mse" and pg.error is None
    c["output"].value = "identity"
    c["loss"].value = "bce"
    assert "must be 'sigmoid'" in shown(pg.status_html.value)
    c["output"].value = "sigmoid"
    c["data"].value = "curve"  # the loss and output follow the data
    assert pg.error is None and pg.checked.loss == "mse"
    assert c["loss"].value == "mse" and c["output"].value == "identity"
    c["lr"].value = 1e6
    assert pg.verdict == "diverged" and "nan" not in pg.status_html.value.lower()
    png = pg.image.value
    c["lr"].value = 0.1
    assert pg.image.value != png and pg.verdict != "diverged"
    assert pg.config_line() in shown(pg.config_html.value)


def test_a_long_run_is_redrawn_while_it_trains():
    pg = playground(epochs=30)
    assert pg.redraws == 1  # not displayed: only the final picture
    pg.widget  # displayed
    pg.redraw_interval = 0.0
    titles = []
    pg.image.observe(lambda change: titles.append(pg.figure.title.get_text()), "value")
    pg.set(epochs=40)
    assert pg.redraws == 41 and len(titles) == 41
    assert titles[0] == "training: epoch 1 of 40" and titles[-2] == "training: epoch 40 of 40"
    assert titles[-1].startswith("J = ")


def test_set_rejects_unknown_names_and_data():
    pg = playground(epochs=5)
    with pytest.raises(TypeError, match="unknown setting"):
        pg.set(learning_rate=0.1)
    with pytest.raises(ValueError, match="unknown data set 'iris'"):
        pg.set(data="iris")


# ------------------------------------------------------------ own data
def test_own_data_trains_and_bad_shapes_are_refused():
    X, y = bp.datasets.function_boundary(lambda x: 0.5 * x, m=150, seed=0)
    pg = playground(X=X, y=y, hidden=(4,), epochs=300)
    assert pg.error is None and pg.accuracy > 0.9
    Xr, yr = bp.datasets.regression_curve(m=40, seed=0)
    fit = playground(X=Xr, y=yr, hidden=(8,), epochs=200)
    assert fit.checked.loss == "mse" and fit.accuracy is None
    cases = [
        (X[:, 0], y, "X must be 2-D"),
        (np.ones((5, 3)), np.ones(5), "got X with shape (5, 3)"),
        (X, y[:-1], "y must have one target per row of X"),
        (X, y + 0.5, "needs labels y in {0, 1}"),
        (X, np.zeros(len(y)), "examples of both classes"),
        (np.full((4, 2), np.nan), np.array([0, 1, 0, 1]), "NaN"),
        ("abc", y, "X must be an array of numbers"),
    ]
    for Xb, yb, message in cases:
        with pytest.raises((ValueError, TypeError), match=message.replace("(", r"\(").replace(")", r"\)")
                           .replace("{", r"\{").replace("}", r"\}")):
            playground(X=Xb, y=yb)
    with pytest.raises(ValueError, match="both X and y"):
        playground(X=X)
    with pytest.raises(ValueError, match="not both"):
        playground("moons", X=X, y=y)


# ------------------------------------------------------------ what the widget shows
def test_delta_shown_equals_the_trace():
    pg = playground(hidden=(5, 3), activations=("tanh", "relu"), epochs=50)
    trace = pg.net.trace(pg.X, pg.y)
    assert set(pg.delta_shown) == {1, 2, 3}
    for l, shown in pg.delta_shown.items():
        part = trace[l].dZ[:3, :4]
        assert shown.shape == part.shape
        expected = np.array([[float(f"{v:.3g}") for v in row] for row in part])
        assert np.array_equal(shown, expected)
        for v in part.ravel():
            assert bp.widgets.playground.__module__  # the public name
            from backprop.widgets.playground_view import tex_number

            assert tex_number(v) in pg._delta
    assert "B1, log loss with a sigmoid output" in pg._delta
    assert r"\mathrm{d}Z^{[1]} = (W^{[2]\top}\,\mathrm{d}Z^{[2]})\odot \tanh^{\prime}(Z^{[1]})" in pg._delta
    assert r"\odot \mathrm{ReLU}^{\prime}(Z^{[2]})" in pg._delta
    mse = playground(loss="mse", output="sigmoid", epochs=5)
    assert r"\mathrm{d}Z^{[3]} = \dfrac{2}{m}(A^{[3]}-Y)\odot \sigma^{\prime}(Z^{[3]})" in mse._delta
    assert "(B1, squared error; shape" in mse._delta
    line = playground("curve", epochs=5)  # identity output: g' = 1, no factor
    assert r"\mathrm{d}Z^{[3]} = \dfrac{2}{m}(A^{[3]}-Y) = " in line._delta
    assert "B1, squared error; the identity's g' = 1" in line._delta


def test_equations_show_the_same_numbers_as_the_widget():
    from backprop.widgets.playground_view import tex_number

    pg = playground(hidden=(5,), activations="tanh", epochs=20)
    tex = pg.equations()._repr_latex_()
    trace = pg.net.trace(pg.X, pg.y)
    for l in (1, 2):
        for v in trace[l].dZ[:3, :4].ravel():
            assert tex_number(v) in tex
    assert "(B1, log loss with a sigmoid output)" in tex and "(B2)" in tex
    pg.set(hidden="5,,")
    with pytest.raises(ValueError, match="no dZ to show: hidden layer sizes"):
        pg.equations()


def test_gradient_sizes_are_the_trace_norms():
    pg = playground(hidden=(4, 4), epochs=30)
    r = pg.result
    assert r.grad_epochs[0] == 0 and r.grad_epochs[-1] == 30
    net = bp.MLP([2, 4, 4, 1], ["relu", "relu", "sigmoid"], "bce", seed=0)
    dWs, _ = net.gradients(pg.X, pg.y)  # the fast loop, before training
    np.testing.assert_allclose(r.grad_sizes[0], [np.linalg.norm(d) for d in dWs], rtol=1e-12)
    net.fit(pg.X, pg.y, lr=0.5, epochs=30)
    dWs, _ = net.gradients(pg.X, pg.y)
    np.testing.assert_allclose(r.grad_sizes[-1], [np.linalg.norm(d) for d in dWs], rtol=1e-12)


def test_static_html_for_the_site():
    pg = playground(epochs=10)
    bundle = pg._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    assert 'class="live-trainer-static"' in html and "data:image/png;base64," in html
    assert "Jupyter" in html and "<code>bp.widgets.playground(epochs=10)</code>" in html


# ------------------------------------------------------------ the static playground
@pytest.fixture(scope="module")
def static():
    return bp.widgets.static_playground(data=("xor", "curve"), depths=(0, 2), lrs=(0.1, 3.0),
                                        width=4, epochs=40, frames=3)


def test_static_playground_has_one_frame_per_combination_and_epoch(static):
    assert static.epochs_shown[0] == 0 and static.epochs_shown[-1] == 40
    keys = {(d, depth, lr, k) for d in ("xor", "curve") for depth in (0, 2) for lr in (0.1, 3.0)
            for k in range(3)}
    assert set(static.frames) == keys
    pngs = [bytes(img.value) for img in static.frames.values()]
    assert all(p.startswith(b"\x89PNG") for p in pngs)
    assert len(set(pngs)) == len(pngs)  # every frame differs
    points = sum(len(bytes(i.value)) for i in static.points.values())
    assert static.frame_bytes == sum(map(len, pngs)) + points


def test_static_playground_decks_follow_the_controls(static):
    """Walking the decks with the indices the links copy reaches the frame of those settings."""
    links = {(lk.source[0].model_id, lk.source[1], lk.target[0].model_id, lk.target[1])
             for lk in static.links}
    assert (static.data_buttons.model_id, "index", static.deck.model_id, "selected_index") in links
    assert (static.play.model_id, "value", static.slider.model_id, "index") in links
    for i, d in enumerate(static.data):
        box = static.deck.children[i]
        assert box.children[1] is static.points[d]
        depth_deck = box.children[0]
        assert (static.depth_buttons.model_id, "index", depth_deck.model_id,
                "selected_index") in links
        for j, depth in enumerate(static.depths):
            lr_deck = depth_deck.children[j]
            assert (static.lr_buttons.model_id, "index", lr_deck.model_id, "selected_index") in links
            for k, lr in enumerate(static.lrs):
                epoch_deck = lr_deck.children[k]
                assert (static.slider.model_id, "index", epoch_deck.model_id,
                        "selected_index") in links
                for f in range(len(static.epochs_shown)):
                    assert epoch_deck.children[f] is static.frames[(d, depth, lr, f)]
                    title = static.titles[(d, depth, lr, f)]
                    assert title.startswith(f"{d}, ") and f"lr {lr:g}" in title
    n = len(static.data) * len(static.depths) * len(static.lrs)
    assert len(static.links) == 2 + len(static.data) * (1 + len(static.depths)) + n


def test_static_runs_are_the_live_playgrounds_runs(static):
    for (d, depth, lr), r in static.results.items():
        pg = playground(d, hidden=(4,) * depth, lr=lr, epochs=40)
        assert np.array_equal(pg.result.losses, r.losses)
        assert pg.result.J == r.J or (math.isinf(r.J) and math.isinf(pg.result.J))
    assert static.results[("curve", 2, 3.0)].diverged_at is None or \
        "diverged" in static.titles[("curve", 2, 3.0, 2)]


def test_static_playground_checks_its_arguments():
    with pytest.raises(ValueError, match="unknown data set"):
        bp.widgets.static_playground(data=("iris",))
    with pytest.raises(ValueError, match="distinct"):
        bp.widgets.static_playground(depths=(1, 1))
    with pytest.raises(ValueError, match="learning rate"):
        bp.widgets.static_playground(lrs=(0.1, -1.0))
