"""net.gradients against independent oracles: centred finite differences of
net.cost (property-based, hypothesis) and SymPy's exact derivatives."""

import mpmath
import numpy as np
import pytest
import sympy as sp
from helpers import (
    SYM_G,
    fd_gradients,
    min_relu_margin,
    networks,
    random_data,
    rel_err,
    small_net,
)
from hypothesis import given, settings

import backprop as bp

# ------------------------------------------------- finite differences (hypothesis)


def _kink_free_data(net, m, loss, rng):
    """Data whose ReLU pre-activations all have |Z| > 1e-2 (finite differences
    with h = 1e-5 then never cross a kink); redraw X until they do."""
    for _ in range(200):
        X, y = random_data(rng, m, net.sizes[0], net.sizes[-1], loss)
        if min_relu_margin(net, X) > 1e-2:
            return X, y
    pytest.fail("could not draw data away from the ReLU kinks")  # pragma: no cover


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(networks())
def test_gradients_match_finite_differences(case):
    sizes, activations, loss, m, seed, y_1d = case
    net = bp.MLP(sizes, activations=activations, loss=loss, seed=seed)
    rng = np.random.default_rng(seed)
    for b in net.biases:  # non-zero biases, so db and the b-terms are exercised
        b[...] = rng.normal(scale=0.5, size=b.shape)
    X, y = _kink_free_data(net, m, loss, rng)
    if y_1d:
        y = y[:, 0]
    dWs, dbs = net.gradients(X, y)
    nWs, nbs = fd_gradients(net, X, y)
    assert [dW.shape for dW in dWs] == [W.shape for W in net.weights]
    assert [db.shape for db in dbs] == [b.shape for b in net.biases]
    assert rel_err(dWs + dbs, nWs + nbs) < 1e-7


def test_gradients_do_not_change_parameters_and_are_copies():
    net, X, y = small_net()
    before = [W.copy() for W in net.weights]
    dWs, _ = net.gradients(X, y)
    assert all(np.array_equal(W, W0) for W, W0 in zip(net.weights, before))
    dWs[0][...] = 123.0  # writing into the result must not touch the network
    assert np.array_equal(net.gradients(X, y)[0][1], dWs[1])
    assert not np.array_equal(net.gradients(X, y)[0][0], dWs[0])


def test_y_as_vector_or_column_gives_the_same_gradients():
    net = bp.MLP([2, 3, 1], ["relu", "sigmoid"], loss="bce", seed=3)
    X, y = random_data(np.random.default_rng(3), 6, 2, 1, "bce")
    g_col, g_vec = net.gradients(X, y), net.gradients(X, y[:, 0])
    assert all(np.array_equal(a, b) for a, b in zip(g_col[0] + g_col[1], g_vec[0] + g_vec[1]))


# ---------------------------------------------------------- bp.gradient_check


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_gradient_check_is_small_for_the_true_gradient(loss):
    net, X, y = small_net(loss)
    assert bp.gradient_check(net, X, y) < 1e-7


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda dWs, dbs: ([2 * dW for dW in dWs], dbs),  # a factor 2 in dW (e.g. mse halved)
        lambda dWs, dbs: (dWs, [-db for db in dbs]),  # wrong sign of db
        lambda dWs, dbs: ([dWs[0].T[::-1].T.copy()] + dWs[1:], dbs),  # columns swapped
    ],
    ids=["doubled", "sign", "swapped"],
)
def test_gradient_check_is_large_for_a_wrong_gradient(corrupt, monkeypatch):
    net, X, y = small_net("bce")
    true_gradients = net.gradients
    monkeypatch.setattr(net, "gradients", lambda X, y: corrupt(*true_gradients(X, y)))
    assert bp.gradient_check(net, X, y) > 1e-2


# ------------------------------------------------------ SymPy exact derivatives


def _dyadic(a):
    """Multiples of 1/64: exact in float64 and small as SymPy Rationals."""
    return np.round(np.asarray(a) * 64) / 64


def _rational(a):
    """An exact SymPy Matrix with the float64 values of ``a``."""
    a = np.atleast_2d(a)
    return sp.Matrix(a.shape[0], a.shape[1], [sp.Rational(float(v)) for v in a.ravel()])


def symbolic_gradients(sizes, activations, loss, weights, biases, X, y):
    """dJ/dW[l], dJ/db[l] from SymPy: the cost built from symbols, differentiated
    exactly, then evaluated at the given numbers with 30 significant digits."""
    Ws = [sp.Matrix(n_out, n_in, lambda i, j, l=l: sp.Symbol(f"W{l}_{i}{j}", real=True))
          for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))]
    bs = [sp.Matrix(n_out, 1, lambda i, j, l=l: sp.Symbol(f"b{l}_{i}", real=True))
          for l, n_out in enumerate(sizes[1:])]
    A = _rational(X).T  # the notes' convention: examples as columns
    Y = _rational(y).T
    m = A.shape[1]
    for W, b, g in zip(Ws, bs, activations):
        Z = W * A + b * sp.ones(1, m)
        A = Z.applyfunc(SYM_G[g])
    if loss == "bce":
        per_entry = [-(Y[k] * sp.log(A[k]) + (1 - Y[k]) * sp.log(1 - A[k])) for k in range(len(Y))]
    else:
        per_entry = [(Y[k] - A[k]) ** 2 for k in range(len(Y))]
    J = sp.Add(*per_entry) / m  # mean over m of the per-example sums
    params = [s for P in Ws + bs for s in P]
    exact = sp.lambdify(params, [sp.diff(J, s) for s in params], modules="mpmath")
    numbers = [float(v) for P in list(weights) + list(biases) for v in np.ravel(P)]
    with mpmath.workdps(30):  # float64 numbers are exact in mpmath
        values = np.array(exact(*map(mpmath.mpf, numbers)), dtype=float)
    out, offset = [], 0
    for P in Ws + bs:
        out.append(values[offset:offset + len(P)].reshape(P.shape))
        offset += len(P)
    return out[:len(Ws)], out[len(Ws):]


SYMPY_CASES = [
    ([2, 3, 1], ["relu", "sigmoid"], "bce"),
    ([2, 3, 2], ["tanh", "sigmoid"], "bce"),
    ([2, 2, 3, 1], ["sigmoid", "identity", "sigmoid"], "bce"),
    ([2, 3, 2, 2], ["relu", "tanh", "sigmoid"], "bce"),
    ([2, 3, 1], ["sigmoid", "identity"], "mse"),
    ([2, 3, 2], ["identity", "tanh"], "mse"),
    ([2, 2, 3, 1], ["tanh", "sigmoid", "relu"], "mse"),
    ([2, 3, 2, 2], ["relu", "identity", "sigmoid"], "mse"),
]


@pytest.mark.parametrize("sizes, activations, loss", SYMPY_CASES)
def test_gradients_match_sympy(sizes, activations, loss):
    net = bp.MLP(sizes, activations=activations, loss=loss, seed=7)
    rng = np.random.default_rng(11)
    for W, b in zip(net.weights, net.biases):
        W[...] = _dyadic(W)
        b[...] = _dyadic(rng.normal(scale=0.5, size=b.shape))
    if activations[-1] == "relu":  # keep some output units active, or dJ/dW[L] is all zeros
        net.biases[-1][...] = 1.0
    m = 3 if len(sizes) == 3 else 2  # the expressions grow fast with depth
    X, y = random_data(rng, m, sizes[0], sizes[-1], loss)
    X = _dyadic(X) + 1 / 128  # dyadic, and never 0
    sWs, sbs = symbolic_gradients(sizes, activations, loss, net.weights, net.biases, X, y)
    dWs, dbs = net.gradients(X, y)
    assert any(np.abs(dW).max() > 1e-3 for dW in dWs)
    for got, exact in zip(dWs + dbs, sWs + sbs):
        np.testing.assert_allclose(got, exact, rtol=1e-12, atol=1e-14)


def test_relu_derivative_at_zero_is_zero():
    """A hidden ReLU unit with Z = 0 exactly: ReLU'(0) = 0, so its incoming
    weights and bias get zero gradient, as SymPy's Piecewise derivative says."""
    W1 = np.array([[0.0, 0.0], [0.75, -0.375]])  # unit 0 has Z = 0 for every example
    b1 = np.zeros((2, 1))
    W2, b2 = np.array([[1.5, -0.8125]]), np.array([[0.25]])
    net = bp.MLP.from_params([W1, W2], [b1, b2], ["relu", "sigmoid"], loss="bce")
    X = np.array([[1.0, 2.0], [-0.5, 0.25], [0.375, -1.125]])
    y = np.array([1.0, 0.0, 1.0])
    dWs, dbs = net.gradients(X, y)
    assert np.array_equal(dWs[0][0], [0.0, 0.0]) and dbs[0][0, 0] == 0.0
    assert np.abs(dWs[0][1]).max() > 1e-3 or np.abs(dbs[0][1]).max() > 1e-3
    sWs, sbs = symbolic_gradients([2, 2, 1], ["relu", "sigmoid"], "bce",
                                  net.weights, net.biases, X, y[:, None])
    for got, exact in zip(dWs + dbs, sWs + sbs):
        np.testing.assert_allclose(got, exact, rtol=1e-12, atol=1e-15)


def test_the_finite_difference_oracle_on_a_gradient_known_in_closed_form():
    """One identity unit with the squared error: J = mean((w.x + b - y)^2), so
    dJ/dw = 2 mean((w.x + b - y) x) and dJ/db = 2 mean(w.x + b - y), by hand.
    The oracle's error is O(h^2) (exactly 0 here, J being quadratic) plus rounding."""
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=6)
    w, b = rng.normal(size=(1, 3)), rng.normal(size=(1, 1))
    net = bp.MLP.from_params([w], [b], ["identity"], loss="mse")
    r = X @ w[0] + b[0, 0] - y  # residuals, one per example
    (dW,), (db,) = fd_gradients(net, X, y)
    np.testing.assert_allclose(dW[0], 2 * (r[:, None] * X).mean(axis=0), rtol=1e-9)
    np.testing.assert_allclose(db[0, 0], 2 * r.mean(), rtol=1e-9)


def test_forward_differences_are_first_order_and_centred_second_order():
    """At h = 1e-3 the one-sided error is O(h), the centred one O(h^2): the
    centred difference is far closer to the true gradient, both converge."""
    net = bp.MLP([3, 4, 1], ["tanh", "sigmoid"], "bce", seed=3)
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(6, 3)), (rng.random(6) > 0.5).astype(float)
    true = net.gradients(X, y)
    theta = [P.copy() for P in net.weights + net.biases]
    errors = {}
    for method in ("centred", "forward"):
        for h in (1e-2, 1e-3):
            dWs, dbs = bp.numerical_gradients(net, X, y, h, method=method)
            errors[method, h] = max(bp.relative_error(a, b) for a, b in zip(dWs + dbs, true[0] + true[1]))
    assert all(np.array_equal(P, Q) for P, Q in zip(net.weights + net.biases, theta))
    assert 5 < errors["forward", 1e-2] / errors["forward", 1e-3] < 20  # O(h)
    assert 50 < errors["centred", 1e-2] / errors["centred", 1e-3] < 200  # O(h^2)
    assert errors["centred", 1e-3] < errors["forward", 1e-3] / 100
    with pytest.raises(ValueError, match="method"):
        bp.numerical_gradients(net, X, y, method="backward")


def test_max_relative_error_is_entrywise():
    big = np.array([1.0, -2.0, 1e-6])
    wrong_small = np.array([1.0, -2.0, 2e-6])  # the small entry is off by a factor 2
    assert bp.gradcheck.max_relative_error(big, wrong_small) == pytest.approx(0.5)
    assert bp.relative_error(big, wrong_small) < 1e-6  # the norms hide it
    assert bp.gradcheck.max_relative_error([0.0, 3.0], [0.0, 3.0]) == 0.0  # 0/0 counts as 0
    assert bp.gradcheck.max_relative_error([1.0], [-1.0]) == 2.0
    assert bp.gradcheck.max_relative_error(np.zeros(0), np.zeros(0)) == 0.0
    with pytest.raises(ValueError, match="same shape"):
        bp.gradcheck.max_relative_error(np.zeros(2), np.zeros(3))


@pytest.mark.parametrize("method", ["centred", "forward"])
def test_finite_differences_of_bad_input_change_nothing(method):
    """X of the wrong width is refused before any weight is nudged, and the network is unchanged."""
    net = bp.MLP([2, 3, 1], ["tanh", "sigmoid"], "bce", seed=0)
    before = [P.copy() for P in net.weights + net.biases]
    X, y = np.ones((4, 3)), np.array([0.0, 1.0, 1.0, 0.0])  # 3 features for n_0 = 2
    with pytest.raises(ValueError):
        bp.numerical_gradients(net, X, y, method=method)
    for P, Q in zip(net.weights + net.biases, before):
        assert np.array_equal(P, Q)
