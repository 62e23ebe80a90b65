"""Tests of backprop.widgets: the live trainer and the precomputed static explorer."""

import io
import math

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import ROOT  # noqa: E402
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


def independent_verdict(losses, J):
    """The documented criterion, written out again: diverged (J infinite, or above its start),
    converged (J within 1% of its smallest value over the last tenth of the epochs, at least 2),
    otherwise did not converge."""
    if not math.isfinite(J) or J > losses[0]:
        return "diverged"
    w = max(2, len(losses) // 10)
    tail = list(losses[-w:]) + [J]
    return "converged" if max(tail) - min(tail) <= 0.01 * min(tail) else "did not converge"


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
    assert t.verdict == independent_verdict(h.losses, t.J)
    assert t.last_message == f"J = {t.J:.3g} after 60 epochs: {t.verdict} (lr = 0.25, hidden [5])"

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
        f"diverged at epoch {ref.epoch} with lr 5 (J became infinite): try a smaller learning rate"
    )
    assert "diverged at epoch" in t.status_html.value and "#b00000" in t.status_html.value
    assert t.verdict == "diverged"
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


def test_redraws_are_throttled(moons):
    X, y = moons
    t = Wg.live_trainer(X, y, hidden=(3,), epochs=5, redraw_interval=0.0)
    assert t.redraws == 5 + 1  # every epoch, then the final frame
    t = Wg.live_trainer(X, y, hidden=(3,), epochs=50, redraw_interval=1e9)
    assert t.redraws == 1
    # the widget says what a reader sees: redraws only every redraw_interval seconds
    note = t.widget.children[-1].value
    assert "every 1e+09 s" in note and "shows only its end" in note


def test_live_trainer_displays_its_widget(moons):
    X, y = moons
    t = Wg.live_trainer(X, y, hidden=(3,), epochs=5)
    assert isinstance(t.widget, widgets.VBox) and t.image in t.widget.children
    assert isinstance(t.lr_slider, widgets.FloatLogSlider)
    assert (t.lr_slider.min, t.lr_slider.max) == (-3, 1)  # log10 of lr_range
    t.set(lr=0.2, hidden=(4,))  # the repr follows the sliders, not the constructor's arguments
    assert all(part in repr(t) for part in ("lr=0.2", "hidden=(4,)", "epochs=5"))


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


def test_explorer_is_a_jslinked_deck_of_decks(moons):
    X, y = moons
    lrs, sizes = [0.1, 1.0], [2, 4, 8]
    ex = Wg.static_explorer(X, y, lrs=lrs, hidden_sizes=sizes, epochs=30, n_hidden_layers=2)
    assert isinstance(ex, widgets.VBox) and ex.stack in ex.children
    # Tabs (tab bar hidden by the style widget), not Stacks: a StackView recreates views
    assert isinstance(ex.stack, widgets.Tab) and len(ex.stack.children) == len(lrs)
    assert all(isinstance(inner, widgets.Tab) for inner in ex.stack.children)
    assert all("bp-frames" in t._dom_classes for t in [ex.stack, *ex.stack.children])
    style = [c for c in ex.children if isinstance(c, widgets.HTML)]
    assert len(style) == 1 and ".bp-frames > .lm-TabBar {display: none" in style[0].value
    frames = [img for inner in ex.stack.children for img in inner.children]
    assert [frames[i * len(sizes) + j] for i, lr in enumerate(lrs) for j, k in enumerate(sizes)] \
        == [ex.frames[(lr, k)] for lr in lrs for k in sizes]
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


# ------------------------------------------------------------ verdicts
def test_verdict_tells_converged_from_stuck_and_diverged(curve):
    X, y = curve
    # a run that settles (tiny lr steps on a plateau count as settled only if J stops moving)
    settled = np.r_[np.linspace(1.0, 0.2, 50), np.full(50, 0.2)]
    assert bp.runs.verdict(settled, 0.2) == "converged"
    falling = np.geomspace(1.0, 0.1, 100)
    assert bp.runs.verdict(falling, 0.09) == "did not converge"
    oscillating = np.r_[1.0, np.tile([0.5, 0.6], 50)]  # a 2-cycle: equal ends, not settled
    assert bp.runs.verdict(oscillating, 0.5) == "did not converge"
    assert bp.runs.verdict(np.array([0.5, 3.0]), 236.0) == "diverged"  # finite but grew
    assert bp.runs.verdict(np.array([0.5]), math.inf) == "diverged"
    # the widget's verdicts agree with the criterion on real runs, and only "converged" is green
    t = Wg.live_trainer(X, y, hidden=(8,), activation="tanh", loss="mse", lr=0.05, epochs=300)
    for lr, epochs in [(0.05, 300), (0.05, 3000), (1.0, 300), (3.0, 300)]:
        t.set(lr=lr, epochs=epochs)
        h, net = fresh_fit(X, y, [1, 8, 1], ["tanh", "identity"], "mse", lr, epochs)
        if isinstance(h, bp.TrainingDiverged):
            assert t.verdict == "diverged"
            continue
        with np.errstate(all="ignore"):
            J = net.cost(X, y)
        assert t.verdict == independent_verdict(h.losses, J if math.isfinite(J) else math.inf)
        green = "#1b5e20" in t.status_html.value
        assert green == (t.verdict == "converged"), (lr, epochs, t.last_message)


def test_one_epoch_title_says_which_J_is_which(moons):
    X, y = moons
    t = Wg.live_trainer(X, y, hidden=(3,), epochs=1)
    title = t.figure.title.get_text()
    J_before = t.figure.loss.line.get_ydata()[0]
    assert f"J = {t.J:.3g} after the update" in title
    assert f"the point: J = {J_before:.3g} before it" in title
    assert J_before == fresh_fit(X, y, [2, 3, 1], ["relu", "sigmoid"], "bce", 0.5, 1)[0].losses[0]


def test_fit_leaving_the_plot_is_said(curve):
    X, y = curve
    t = Wg.live_trainer(X, y, hidden=(8,), activation="tanh", loss="mse", lr=0.05, epochs=1)
    lo, hi = t.figure.view.ax.get_ylim()
    net = t.net
    inside = bool(((net.forward(t.figure.view.x) >= lo) & (net.forward(t.figure.view.x) <= hi)).all())
    assert t.figure.leaves_plot == (not inside)
    assert ("leaves the plot" in t.last_message) == (not inside)


# ------------------------------------------------------------ static pages
def test_live_trainer_offers_a_picture_and_a_binder_link_for_static_pages(moons, tmp_path):
    import base64
    import re

    import yaml

    X, y = moons
    t = Wg.live_trainer(X, y, hidden=(3,), epochs=5)
    first = bytes(t.image.value)
    t.lr_slider.value = 0.1  # the static picture stays the first one
    bundle = t._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # Jupyter shows the widget
    page = bundle["text/html"]
    src = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(src) == first
    assert "Jupyter" in page and "Binder" in page
    # the link is made from repository.url in the book's _config.yml, the one place
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    owner_repo = cfg["repository"]["url"].removeprefix("https://github.com/")
    assert f'href="https://mybinder.org/v2/gh/{owner_repo}/main?urlpath=lab/tree/book"' in page
    other = tmp_path / "_config.yml"
    other.write_text("repository:\n  url: https://github.com/a/b\n  branch: dev\n"
                     "launch_buttons:\n  binderhub_url: https://hub.example\n")
    assert Wg.binder_url(other) == "https://hub.example/v2/gh/a/b/dev?urlpath=lab/tree/book"
    other.write_text("repository:\n  url: https://gitlab.com/a/b\n")
    assert Wg.binder_url(other) is None


def test_static_site_prefers_the_picture_for_bundles_with_html():
    """_config.yml ranks text/html above the widget view for the html builder (myst-nb)."""
    import yaml
    from myst_nb.core.render import get_mime_priority

    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    overrides = cfg["sphinx"]["config"]["nb_mime_priority_overrides"]
    order = get_mime_priority("html", overrides)
    assert order.index("text/html") < order.index("application/vnd.jupyter.widget-view+json")
    # an explorer or a player has no text/html: it stays a widget
    ex_bundle = Wg.training_player(*bp.datasets.moons(20, seed=0), hidden=(2,), epochs=3,
                                   frames=2)._repr_mimebundle_()
    assert "text/html" not in ex_bundle


# ------------------------------------------------------------ training player
def test_frame_epochs_are_distinct_and_dense_early():
    e = Wg.frame_epochs(1000, 30)
    assert len(e) == 30 and e[0] == 0 and e[-1] == 1000
    assert all(b > a for a, b in zip(e, e[1:]))
    assert sum(x <= 100 for x in e) >= 15  # half the frames in the first tenth of the run
    assert Wg.frame_epochs(5, 30) == [0, 1, 2, 3, 4, 5]
    assert Wg.frame_epochs(10, 2) == [0, 10]
    with pytest.raises(ValueError, match="at least 2"):
        Wg.frame_epochs(10, 1)


def test_player_frames_equal_independent_fits(moons):
    X, y = moons
    p = Wg.training_player(X, y, hidden=(4,), activation="tanh", lr=0.5, epochs=120, frames=8,
                           seed=2)
    assert p.epochs_shown == Wg.frame_epochs(120, 8)
    h, net = fresh_fit(X, y, [2, 4, 1], ["tanh", "sigmoid"], "bce", 0.5, 120, seed=2)
    np.testing.assert_array_equal(p.losses, h.losses)
    for e, J in zip(p.epochs_shown, p.results):
        ref = bp.MLP([2, 4, 1], ["tanh", "sigmoid"], "bce", seed=2)
        if e:
            ref.fit(X, y, lr=0.5, epochs=e)
        assert J == ref.cost(X, y)  # bitwise: J after e epochs
    frames = p.stack.children
    assert len(frames) == 8 and len({bytes(f.value) for f in frames}) == 8
    assert [label for label, _ in p.slider.options] == [str(e) for e in p.epochs_shown]
    assert (p.play.min, p.play.max, p.play.value) == (0, 7, 0)
    assert p.links[0].source == (p.play, "value") and p.links[0].target == (p.slider, "index")
    assert p.links[1].source == (p.slider, "index")
    assert p.links[1].target == (p.stack, "selected_index")
    assert p.frame_bytes == sum(len(bytes(f.value)) for f in frames)


def test_player_of_a_diverging_run(curve):
    X, y = curve
    ref, _ = fresh_fit(X, y, [1, 8, 1], ["tanh", "identity"], "mse", 5.0, 300)
    p = Wg.training_player(X, y, hidden=(8,), activation="tanh", loss="mse", lr=5.0,
                           epochs=300, frames=12)
    assert p.results[-1] == math.inf
    np.testing.assert_array_equal(p.losses, ref.history.losses)
    assert all(J == math.inf for e, J in zip(p.epochs_shown, p.results) if e > ref.epoch)


def test_frames_are_column_wide_sharp_and_small(moons):
    """Frames: 700 CSS px wide (the text column), twice the pixels, a palette PNG of < 35 kB."""
    from PIL import Image

    X, y = bp.datasets.moons(200, seed=0)  # a chapter's data size
    p = Wg.training_player(X, y, hidden=(16,), epochs=300, frames=4)
    for frame in p.stack.children:
        img = Image.open(io.BytesIO(bytes(frame.value)))
        assert img.mode == "P" and len(img.getpalette()) // 3 <= 32
        css = int(frame.layout.max_width.removesuffix("px"))
        assert css == 700 and img.width == 2 * css and frame.layout.width == "100%"
        assert len(bytes(frame.value)) < 35_000
    # the title's text is as large as the book's body text would be at that width
    fig = Wg.TrainingFigure(X, y)
    assert fig.title.get_fontsize() * Wg.figure.CSS_DPI / 72 >= 15  # CSS px, body text 16


@pytest.mark.parametrize("data", ["moons", "blobs"])
def test_frames_keep_the_class_colours(data):
    """The stored frames' palette keeps both classes' point colours (red #c62828 for y = 0,
    blue #1565c0 for y = 1): a palette fitted to the large background field alone maps
    the few pixels of one class's points to a dull neighbour (seen: maroon and slate)."""
    from PIL import Image

    X, y = getattr(bp.datasets, data)(seed=0)
    p = Wg.training_player(X, y, hidden=(8,), epochs=50, frames=3)
    for frame in p.stack.children:
        img = Image.open(io.BytesIO(bytes(frame.value)))
        palette = np.array(img.getpalette()[:3 * len(img.getcolors())]).reshape(-1, 3)
        for colour in ("#c62828", "#1565c0"):
            rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
            assert np.abs(palette - rgb).sum(axis=1).min() <= 12, f"{data}: {colour} lost"


def test_a_stored_frame_draws_J_up_to_its_title(moons):
    """Frame of e epochs: the curve is J at epochs 0..e, ending at the title's J (after the
    last update); the frame of epoch 0 shows its one point inside the axis."""
    X, y = moons
    net = bp.MLP([2, 4, 1], ["relu", "sigmoid"], seed=0)
    run = bp.runs.record(net, X, y, 0.5, 3, keep=[0, 3])
    fig = Wg.figure.frame_figure(X, y, "classification")
    for e in (0, 3):
        Wg.figure.draw_frame(fig, run.at(e), "test", x_max=3)
        xs, Js = fig.loss.line.get_data()
        fresh = bp.MLP([2, 4, 1], ["relu", "sigmoid"], seed=0)
        expected = [fresh.cost(X, y)] + [fresh.step(X, y, 0.5) and fresh.cost(X, y) for _ in range(e)]
        np.testing.assert_allclose(Js, expected, rtol=1e-12)
        assert list(xs) == list(range(e + 1))
        lo, hi = fig.loss.ax.get_ylim()
        assert lo <= Js[-1] <= hi and f"J = {Js[-1]:.3g}" in fig.title.get_text()


def test_every_frame_slider_has_a_readout_linked_to_it(moons):
    """Each precomputed widget's slider has a deck of Labels beside it, one per position,
    reading the slider's label there, switched by a jslink from the slider's index (the
    browser test moves the sliders on the site and reads these)."""
    X, y = moons
    player = Wg.training_player(X, y, hidden=(4,), epochs=40, frames=5)
    explorer = Wg.static_explorer(X, y, lrs=[0.1, 1.0], epochs_grid=[5, 20], hidden=(4,))
    cases = [(player, player.slider, [str(e) for e in player.epochs_shown], player.readout_links),
             (explorer, explorer.lr_slider, ["0.1", "1"], explorer.readout_links[:1]),
             (explorer, explorer.inner_slider, ["5", "20"], explorer.readout_links[1:])]

    def boxes(w):
        yield w
        for c in getattr(w, "children", ()):
            yield from boxes(c)

    for root, slider, labels, (link,) in cases:
        assert slider.readout is False  # its own readout is editable text, dead on the site
        assert link.source == (slider, "index") and link.target[1] == "selected_index"
        readout = link.target[0]
        assert [label.value for label in readout.children] == labels
        assert readout.selected_index == slider.index
        row = next(w for w in boxes(root)
                   if isinstance(w, widgets.HBox) and w.children == (slider, readout))
        assert Wg.pieces.READOUT_CLASS in readout._dom_classes and row.layout.margin
