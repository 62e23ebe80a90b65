"""Tests of backprop.plotting: artists on the given Axes, updates in place, honest pictures."""

import io

import matplotlib

matplotlib.use("Agg")

import helpers  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402
from PIL import Image  # noqa: E402

import backprop as bp  # noqa: E402

P = bp.plotting


def reference_forward(net, X):
    """yhat written out independently of the package (helpers.reference_forward, in rows)."""
    return helpers.reference_forward(net.weights, net.biases, net.activations, X)[1]


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture(scope="module")
def moons():
    return bp.datasets.moons(60, seed=1)


def small_net(seed=0):
    return bp.MLP([2, 6, 1], ["tanh", "sigmoid"], "bce", seed=seed)


# ------------------------------------------------------------------ losses
def test_plot_losses_draws_each_curve_on_the_given_axes(ax):
    h = bp.History(np.array([1.0, 0.5, 0.25]), lr=0.1)
    lines = P.plot_losses({"a": h, "b": [2.0, 1.0]}, ax=ax)
    assert len(lines) == 2 and all(line.axes is ax for line in lines)
    np.testing.assert_array_equal(lines[0].get_ydata(), [1.0, 0.5, 0.25])
    np.testing.assert_array_equal(lines[0].get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(lines[1].get_ydata(), [2.0, 1.0])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    assert ax.get_yscale() == "log"
    lo, hi = ax.get_ylim()
    assert lo <= 0.25 and hi >= 2.0


def test_plot_losses_single_curve_linear_and_labels(ax):
    (line,) = P.plot_losses(np.array([3.0, 0.0]), labels=["mse"], ax=ax, log=False)
    assert ax.get_yscale() == "linear"
    np.testing.assert_array_equal(line.get_ydata(), [3.0, 0.0])


@pytest.mark.parametrize(
    "args, error",
    [
        (([[1.0, 2.0], [3.0, 4.0]],), None),  # two curves, fine
        ((np.ones((2, 2)),), ValueError),  # a 2-D array is not a curve
        (([1.0, 2.0], ["a", "b"]), ValueError),  # one curve, two labels
        (("losses",), TypeError),
        (({"a": [1.0, 0.0]},), ValueError),  # zero on a log axis
    ],
)
def test_plot_losses_rejects_bad_input(ax, args, error):
    if error is None:
        assert len(P.plot_losses(*args, ax=ax)) == 2
    else:
        with pytest.raises(error):
            P.plot_losses(*args, ax=ax)


# ------------------------------------------------------- decision boundary
def test_decision_boundary_shows_the_networks_probabilities(ax, moons):
    X, y = moons
    net = small_net()
    net.fit(X, y, lr=0.5, epochs=300)
    view = P.plot_decision_boundary(net, X, y, ax=ax, resolution=40)
    assert view.image in ax.images and view.points in ax.collections
    assert view.boundary in ax.lines
    expected = reference_forward(net, view.grid)[:, 0].reshape(40, 40)
    np.testing.assert_allclose(view.image.get_array(), expected, rtol=1e-12)
    # rows of the image run along x_2 (origin="lower"), columns along x_1
    x0, x1, y0, y1 = view.extent
    assert view.grid[0].tolist() == [x0, y0] and view.grid[39].tolist() == [x1, y0]
    assert x0 < X[:, 0].min() and X[:, 0].max() < x1 and y0 < X[:, 1].min() and X[:, 1].max() < y1
    # the drawn boundary lies where yhat = 0.5, up to the grid's interpolation
    vertices = np.column_stack([view.boundary.get_xdata(), view.boundary.get_ydata()])
    vertices = vertices[~np.isnan(vertices).any(axis=1)]
    assert len(vertices) > 10
    yhat = reference_forward(net, vertices)[:, 0]
    assert np.abs(yhat - 0.5).max() < 0.03
    # the network puts grid points on both sides
    assert (expected > 0.5).any() and (expected < 0.5).any()
    np.testing.assert_array_equal(view.points.get_offsets(), X)


def test_boundary_update_changes_data_not_artists(ax, moons):
    X, y = moons
    net = small_net()
    view = P.plot_decision_boundary(net, X, y, ax=ax, resolution=30)
    image, boundary = view.image, view.boundary
    before, line_before = image.get_array().copy(), boundary.get_xydata().copy()
    n_artists = len(ax.get_children())
    net.fit(X, y, lr=1.0, epochs=200)
    assert view.update(net) is view
    assert view.image is image and len(ax.images) == 1
    assert view.boundary is boundary and len(ax.get_children()) == n_artists
    assert np.abs(view.image.get_array() - before).max() > 0.1
    xy = boundary.get_xydata()
    assert xy.shape != line_before.shape or not np.allclose(xy, line_before, equal_nan=True)
    np.testing.assert_allclose(view.image.get_array(),
                               reference_forward(net, view.grid)[:, 0].reshape(30, 30))


def test_boundary_without_a_crossing_draws_no_line(ax, moons):
    X, y = moons
    net = bp.MLP.from_params([np.zeros((1, 2))], [np.array([[3.0]])], ["sigmoid"])
    view = P.plot_decision_boundary(net, X, y, ax=ax, resolution=10)
    assert len(view.boundary.get_xdata()) == 0
    np.testing.assert_allclose(view.image.get_array(), 1 / (1 + np.exp(-3.0)))


def test_decision_boundary_checks_its_input(ax, moons):
    X, y = moons
    with pytest.raises(ValueError, match="n_0 = 2"):
        P.plot_decision_boundary(bp.MLP([3, 1], ["sigmoid"]), X, y, ax=ax)
    with pytest.raises(ValueError, match="labels"):
        P.plot_decision_boundary(small_net(), X, y + 0.5, ax=ax)
    with pytest.raises(TypeError, match="MLP"):
        P.plot_decision_boundary("net", X, y, ax=ax)
    with pytest.raises(TypeError, match="Axes"):
        P.plot_decision_boundary(small_net(), X, y, ax="left")


# ------------------------------------------------------------ regression
def test_regression_fit_draws_the_curve(ax):
    X, y = bp.datasets.regression_curve(30, seed=0)
    net = bp.MLP([1, 5, 1], ["tanh", "identity"], "mse", seed=2)
    view = P.plot_regression_fit(net, X, y, ax=ax)
    assert view.line in ax.lines and view.points in ax.collections
    np.testing.assert_allclose(view.line.get_ydata(), reference_forward(net, view.x)[:, 0])
    assert view.x.min() < X.min() and view.x.max() > X.max()
    line, before = view.line, view.line.get_ydata().copy()
    net.fit(X, y, lr=0.1, epochs=50)
    view.update(net)
    assert view.line is line and len(ax.lines) == 1
    assert not np.allclose(view.line.get_ydata(), before)
    with pytest.raises(ValueError, match="n_0 = 1"):
        P.plot_regression_fit(small_net(), X, y, ax=ax)


# ------------------------------------------------------------ network drawing
def test_draw_network_counts_units_and_connections(ax):
    sizes = [2, 3, 4, 1]
    d = P.draw_network(sizes, ["relu", "tanh", "sigmoid"], ax=ax)
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    assert len(circles) == sum(sizes) == sum(len(c) for c in d.circles)
    segments = [len(lc.get_segments()) for lc in ax.collections if isinstance(lc, LineCollection)]
    assert segments == [2 * 3, 3 * 4, 4 * 1]
    texts = [t.get_text() for t in ax.texts]
    assert {"$x_{1}$", "$x_{2}$", r"$\hat{y}$"} <= set(texts)
    captions = " ".join(texts)
    assert "$n_{0} = 2$" in captions and "$n_{2} = 4$" in captions
    assert "relu" in captions and "tanh" in captions and "sigmoid" in captions


def test_draw_network_weights_set_colour_and_width(ax):
    W1 = np.array([[1.0, -2.0], [0.0, 0.5], [3.0, -0.1]])  # (n_1, n_0) = (3, 2)
    W2 = np.array([[-4.0, 0.2, 1.0]])
    d = P.draw_network([2, 3, 1], weights=[W1, W2], ax=ax)
    lc = d.lines[0]
    np.testing.assert_array_equal(lc.get_array(), W1.ravel())
    widths = np.asarray(lc.get_linewidths())
    assert np.argmax(widths) == np.argmax(np.abs(W1.ravel()))  # W1[2, 0] = 3
    # segment j * n_0 + k joins input unit k to hidden unit j
    seg = lc.get_segments()[2 * 2 + 0]  # W1[2, 0]
    k_circle, j_circle = d.circles[0][0].center, d.circles[1][2].center
    assert seg[0][1] == k_circle[1] and seg[1][1] == j_circle[1]
    assert seg[0][0] > k_circle[0] and seg[1][0] < j_circle[0]
    # colours: negative and positive weights at opposite ends of the colour map
    ax.figure.canvas.draw()  # a collection maps its array to colours when drawn
    colors = lc.get_colors()
    assert colors[1][0] > colors[1][2] and colors[4][2] > colors[4][0]  # W1[0,1] < 0 red, W1[2,0] > 0 blue


def test_draw_network_from_a_net_and_bad_weights(ax):
    net = bp.MLP([3, 2, 1], ["relu", "sigmoid"], seed=0)
    d = P.draw_network(net, ax=ax)
    assert [len(c) for c in d.circles] == [3, 2, 1]
    np.testing.assert_array_equal(d.lines[1].get_array(), net.weights[1].ravel())
    with pytest.raises(ValueError, match="shape"):
        P.draw_network([3, 2, 1], weights=[np.ones((3, 2)), np.ones((1, 2))], ax=ax)
    with pytest.raises(ValueError, match="one activation per layer"):
        P.draw_network([3, 2, 1], activations=["relu"], ax=ax)


# --------------------------------------------------------- training figure
def png_pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def differing_pixels(png, tf, tol):
    """How many pixels of ``png`` differ by more than ``tol`` from a full redraw of ``tf``."""
    buf = io.BytesIO()
    tf.fig.savefig(buf, format="png", dpi=tf.fig.dpi)  # draws every artist, no blitting
    diff = np.abs(png_pixels(png) - png_pixels(buf.getvalue())).max(axis=2)
    return int((diff > tol).sum())


@pytest.mark.parametrize("problem", ["classification", "regression"])
def test_training_figure_updates_in_place_and_blits_correctly(problem):
    if problem == "classification":
        X, y = bp.datasets.moons(60, seed=1)
        net = small_net()
    else:
        X, y = bp.datasets.regression_curve(40, seed=0)
        net = bp.MLP([1, 6, 1], ["tanh", "identity"], "mse", seed=0)
    tf = bp.widgets.TrainingFigure(X, y, problem=problem, figsize=(4, 2), dpi=60)
    h = net.fit(X, y, lr=0.1, epochs=20)
    tf.update(net, h.losses, epochs=100, title="first")
    png1 = tf.to_png()
    assert png1.startswith(b"\x89PNG") and png_pixels(png1).shape == (120, 240, 3)
    artists = tf.fig.findobj()
    line = tf.loss.line
    image = tf.view.image if problem == "classification" else tf.view.line
    old = np.array(image.get_array() if problem == "classification" else image.get_ydata())

    h2 = net.fit(X, y, lr=0.1, epochs=40)
    losses = np.concatenate([h.losses, h2.losses])
    tf.update(net, losses, epochs=100, title="second")
    png2 = tf.to_png()
    assert len(tf.fig.findobj()) == len(artists)  # nothing added
    assert tf.loss.line is line
    assert (tf.view.image if problem == "classification" else tf.view.line) is image
    np.testing.assert_array_equal(tf.loss.line.get_ydata(), losses)
    new = image.get_array() if problem == "classification" else image.get_ydata()
    assert np.abs(np.asarray(new) - old).max() > 1e-3
    assert tf.full_draws == 1  # same axis limits: the cached background was reused
    assert png1 != png2
    # the blitted frame shows what a full redraw shows
    assert differing_pixels(png2, tf, tol=2) == 0


def test_training_figure_message_and_new_limits():
    X, y = bp.datasets.moons(40, seed=0)
    tf = bp.widgets.TrainingFigure(X, y, figsize=(4, 2), dpi=60)
    tf.update(small_net(), [0.7, 0.6], epochs=10)
    tf.to_png()
    tf.update(None, [0.7, 50.0], epochs=30, title="diverged",
              message="diverged at epoch 2\ntry a smaller learning rate")
    png = tf.to_png()
    assert tf.message.get_visible() and not tf.view.image.get_visible()
    assert tf.loss.ax.get_xlim() == (0, 30) and tf.loss.ax.get_ylim()[1] >= 50
    assert tf.full_draws == 2  # the cost axis changed, so the background was redrawn
    assert differing_pixels(png, tf, tol=2) == 0
    small = tf.to_png(compress_level=9, colors=32)  # a palette: smaller, nearly the same
    assert len(small) < len(png) / 2
    assert np.abs(png_pixels(small) - png_pixels(png)).mean() < 2
    with pytest.raises(ValueError, match="problem"):
        bp.widgets.TrainingFigure(X, y, problem="ranking")
    with pytest.raises(ValueError, match="features"):
        bp.widgets.TrainingFigure(X, y, problem="regression")


def test_cost_axis_of_a_diverging_run_stays_drawable(ax):
    """Costs up to 1e300 (just before J = inf) must not overflow the log axis."""
    import warnings

    view = P.LossView(ax)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.update([0.5, 3.0, 1e150, 1e300], epochs=10)
        ax.figure.canvas.draw()
    lo, hi = ax.get_ylim()
    assert lo == 0.1 and hi == 0.1 * 1e12  # at most 12 decades; the curve leaves the top
    labels = [t.get_text() for t in ax.get_yticklabels() if lo <= t.get_position()[1] <= hi]
    assert "0.1" in labels and "1e11" in labels
