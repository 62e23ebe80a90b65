"""Independent oracles for the tests: the activations written anew (NumPy and
SymPy), a naive forward pass, naive costs and centred finite differences of
``net.cost``.  None of this uses backprop's internals.

The reference forward pass works with examples as ROWS (``Z = A W^T + b^T``),
unlike the package, which uses columns, so a transposition slip in either shows.
"""

import numpy as np
import sympy as sp
from hypothesis import strategies as st

import backprop as bp

ACTIVATION_NAMES = ("sigmoid", "relu", "tanh", "identity")

# The activations g, written independently of backprop: the one NumPy table ...
G = {
    "sigmoid": lambda Z: 1.0 / (1.0 + np.exp(-Z)),  # naive: fine for moderate Z
    "relu": lambda Z: np.where(Z > 0, Z, 0.0),
    "tanh": np.tanh,
    "identity": lambda Z: Z,
}

# ... and the one SymPy table (ReLU as a Piecewise, whose derivative is 0 at z = 0).
SYM_G = {
    "sigmoid": lambda z: 1 / (1 + sp.exp(-z)),
    "relu": lambda z: sp.Piecewise((z, z > 0), (0, True)),
    "tanh": sp.tanh,
    "identity": lambda z: z,
}


def reference_forward(weights, biases, activations, X):
    """Pre-activations Zs and the output yhat (m, n_L), examples as rows."""
    A, Zs = np.asarray(X, dtype=float), []
    for W, b, g in zip(weights, biases, activations):
        Z = A @ W.T + np.ravel(b)
        Zs.append(Z)
        A = G[g](Z)
    return Zs, A


def reference_cost(yhat, y, loss):
    """J = mean over examples of the per-example loss summed over output units."""
    y = np.asarray(y, dtype=float).reshape(yhat.shape)
    if loss == "bce":
        per_example = -np.sum(y * np.log(yhat) + (1 - y) * np.log(1 - yhat), axis=1)
    else:
        per_example = np.sum((y - yhat) ** 2, axis=1)  # not halved
    return np.mean(per_example)


def fd_gradients(net, X, y, h=1e-5):
    """Centred finite differences (float64) of ``net.cost`` for every W and b.

    The same loop as ``bp.numerical_gradients``, kept here on purpose: the
    tests' oracle must not be the package's code (test_gradients.py checks this
    copy on a gradient known in closed form).
    """
    grads = []
    for P in list(net.weights) + list(net.biases):
        G_ = np.zeros_like(P)
        for k in np.ndindex(P.shape):
            saved = P[k]
            P[k] = saved + h
            J_plus = net.cost(X, y)
            P[k] = saved - h
            J_minus = net.cost(X, y)
            P[k] = saved
            G_[k] = (J_plus - J_minus) / (2 * h)
        grads.append(G_)
    L = len(net.weights)
    return grads[:L], grads[L:]


def flat(arrays):
    return np.concatenate([np.ravel(a) for a in arrays])


def rel_err(a, b):
    """||a - b|| / (||a|| + ||b||) on the concatenation of all arrays."""
    a, b = flat(a), flat(b)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else np.linalg.norm(a - b) / denom


def random_data(rng, m, n_0, n_L, loss):
    """X (m, n_0) standard normal; y in {0, 1} for bce, real for mse."""
    X = rng.normal(size=(m, n_0))
    if loss == "bce":
        y = rng.integers(0, 2, size=(m, n_L)).astype(float)
    else:
        y = rng.normal(size=(m, n_L))
    return X, y


def min_relu_margin(net, X):
    """The smallest |Z| over all ReLU layers (inf if there are none)."""
    Zs, _ = reference_forward(net.weights, net.biases, net.activations, X)
    margins = [np.abs(Z).min() for Z, g in zip(Zs, net.activations) if g == "relu"]
    return min(margins, default=np.inf)


def snapshot(net):
    """Copies of every parameter and of the random state."""
    return (
        [W.copy() for W in net.weights],
        [b.copy() for b in net.biases],
        net.rng.bit_generator.state,
    )


def assert_unchanged(net, snap):
    Ws, bs, state = snap
    assert all(np.array_equal(W, W0) for W, W0 in zip(net.weights, Ws))
    assert all(np.array_equal(b, b0) for b, b0 in zip(net.biases, bs))
    assert net.rng.bit_generator.state == state


def small_net(loss="bce", seed=0):
    """A [3, 4, 2] network and matching data with m = 5."""
    out = "sigmoid" if loss == "bce" else "identity"
    net = bp.MLP([3, 4, 2], activations=["tanh", out], loss=loss, seed=seed)
    X, y = random_data(np.random.default_rng(seed + 100), 5, 3, 2, loss)
    return net, X, y


@st.composite
def networks(draw):
    """An architecture, activations, loss, batch size m and seed, all drawn by hypothesis."""
    loss = draw(st.sampled_from(["bce", "mse"]))
    n_hidden = draw(st.integers(0, 3))
    sizes = draw(st.lists(st.integers(1, 5), min_size=n_hidden + 1, max_size=n_hidden + 1))
    sizes.append(draw(st.integers(1, 3)))  # n_L
    hidden = draw(st.lists(st.sampled_from(ACTIVATION_NAMES), min_size=n_hidden, max_size=n_hidden))
    out = "sigmoid" if loss == "bce" else draw(st.sampled_from(ACTIVATION_NAMES))
    m = draw(st.integers(1, 8))
    seed = draw(st.integers(0, 2**32 - 1))
    y_1d = sizes[-1] == 1 and draw(st.sampled_from([True, False]))  # y of shape (m,) or (m, 1)
    return sizes, hidden + [out], loss, m, seed, y_1d
