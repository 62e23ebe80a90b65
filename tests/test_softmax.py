"""The softmax output with the cross-entropy loss (chapter 8): against finite differences,
the SymPy twin, high-precision arithmetic, the reference loop, PyTorch (where installed),
bad input, and a real data set (scikit-learn's handwritten digits)."""

import mpmath
import numpy as np
import pytest
import sympy as sp
from helpers import assert_unchanged, fd_gradients, rel_err, snapshot

import backprop as bp

S = bp.symbolic

# Architectures [n_0, ..., K] with their activations: depth 1 to 3, K = 2 to 5.
NETS = [
    ([3, 2], ["softmax"]),
    ([4, 5, 3], ["tanh", "softmax"]),
    ([3, 4, 4], ["sigmoid", "softmax"]),
    ([2, 6, 5, 5], ["relu", "tanh", "softmax"]),
    ([5, 3, 4, 3, 3], ["tanh", "sigmoid", "identity", "softmax"]),
]


def _data(rng, m, n_0, K):
    X = rng.normal(size=(m, n_0))
    y = np.arange(m) % K  # every class present
    rng.shuffle(y)
    return X, y


def _naive_cost(logits, y):
    """-mean log softmax(z)_y, the textbook way (exp, normalise, log): fine for moderate z."""
    E = np.exp(logits)
    P = E / E.sum(axis=1, keepdims=True)
    return -np.mean(np.log(P[np.arange(len(y)), y]))


def test_registered_under_the_interface_names():
    assert "softmax" in bp.ACTIVATIONS and "cross_entropy" in bp.losses.LOSSES
    assert "cross_entropy" in bp.LOSSES and "cross_entropy" in S.LOSSES
    loss = bp.losses.get("cross_entropy")
    assert (loss.output, loss.default_output, loss.task) == ("softmax", "softmax", "classification")
    assert not bp.ACTIVATIONS["softmax"].elementwise


@pytest.mark.parametrize("sizes, acts", NETS)
def test_gradients_against_centred_finite_differences(sizes, acts):
    rng = np.random.default_rng(len(sizes) * 10 + sizes[-1])
    net = bp.MLP(sizes, acts, loss="cross_entropy", seed=sizes[-1])
    for b in net.biases:
        b[...] = rng.normal(scale=0.5, size=b.shape)
    X, y = _data(rng, 9, sizes[0], sizes[-1])
    dW, db = net.gradients(X, y)
    fd_W, fd_b = fd_gradients(net, X, y)
    assert rel_err(dW + db, fd_W + fd_b) < 1e-7
    # and the cost against the naive formula, an independent NumPy oracle
    assert net.cost(X, y) == pytest.approx(_naive_cost(net.logits(X), y), rel=1e-12)


@pytest.mark.parametrize("sizes, acts", [([3, 2], ["softmax"]), ([2, 3, 3], ["tanh", "softmax"]),
                                         ([2, 2, 4], ["sigmoid", "softmax"])])
def test_gradients_against_the_sympy_twin(sizes, acts):
    """SymPy differentiates J of the symbolic network (softmax column by column, the
    twin's -y log a summed over units) with no recursion; the package must agree, and
    so must the SymPy recursion B1 = (A - Y)/m, B2 to B4."""
    rng = np.random.default_rng(sum(sizes))
    m, K = 2, sizes[-1]
    net = bp.MLP(sizes, acts, loss="cross_entropy", seed=sum(sizes))
    for b in net.biases:
        b[...] = rng.normal(scale=0.5, size=b.shape)
    X, y = _data(rng, m, sizes[0], K)
    sym = S.network(sizes, acts, "cross_entropy", m)
    pairs = [(sym["X"], X.T), (sym["Y"], np.eye(K)[y].T)]
    pairs += [(s, v) for s, v in zip(sym["W"], net.weights)]
    pairs += [(s, v) for s, v in zip(sym["b"], net.biases)]
    subs = S.values(pairs)
    assert S.evaluate(sym["J"], subs) == pytest.approx(net.cost(X, y), rel=1e-12)
    dW, db = net.gradients(X, y)
    recursion = S.backward(sym, at=subs)
    for l in range(len(acts)):
        oracle_W = S.evaluate(S.grad(sym["J"], sym["W"][l]), subs)
        oracle_b = S.evaluate(S.grad(sym["J"], sym["b"][l]), subs)
        np.testing.assert_allclose(dW[l], oracle_W, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(db[l], oracle_b, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(S.evaluate(recursion["dW"][l], subs), oracle_W,
                                   rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("K", [2, 3, 4, 5])
def test_softmax_jacobian_and_b1_entry_by_entry(K):
    """The book-written Jacobian a_k (delta_kj - a_j) is SymPy's derivative of the softmax,
    and the chain rule through it gives dL/dz = a - y for every one-hot y."""
    z = sp.Matrix(sp.symbols(f"z1:{K + 1}", real=True))
    a = S.softmax(z)
    S.assert_equal(S.softmax_jacobian(z), a.jacobian(z), "softmax Jacobian")
    for c in range(K):
        y = sp.Matrix([1 if k == c else 0 for k in range(K)])
        loss = S.cross_entropy(y, a)
        S.assert_equal(sp.Matrix([sp.diff(loss, zj) for zj in z]), a - y, f"dL/dz, class {c}")


def test_the_loss_object_against_sympy():
    """cost and delta (B1) of the Loss entry against SymPy's loss and derivative."""
    rng = np.random.default_rng(3)
    K, m = 4, 6
    Z = rng.normal(scale=3.0, size=(K, m))
    Y = np.eye(K)[rng.integers(0, K, m)].T
    loss, g = bp.losses.get("cross_entropy"), bp.ACTIVATIONS["softmax"]
    A = g.forward(Z.copy())
    z = sp.Matrix(sp.symbols(f"z1:{K + 1}", real=True))
    J, dZ = 0.0, np.empty((K, m))
    for i in range(m):
        per = S.cross_entropy(sp.Matrix(Y[:, i]), S.softmax(z))
        at = dict(zip(z, (sp.Float(v, 30) for v in Z[:, i])))
        J += float(per.subs(at)) / m
        dZ[:, i] = [float(sp.diff(per, zj).subs(at)) / m for zj in z]
    columns = [[float(v) for v in S.softmax(z).subs(dict(zip(z, Z[:, i])))] for i in range(m)]
    np.testing.assert_allclose(A, np.array(columns).T, rtol=1e-12)
    assert loss.cost(Z, A, Y) == pytest.approx(J, rel=1e-13)
    np.testing.assert_allclose(loss.delta(Z, A, Y, g), dZ, rtol=1e-11, atol=1e-15)


def test_labels_column_and_one_hot_give_the_same_cost_and_gradients():
    rng = np.random.default_rng(5)
    net = bp.MLP([3, 4, 3], ["tanh", "softmax"], loss="cross_entropy", seed=5)
    X, y = _data(rng, 8, 3, 3)
    forms = [y, y.reshape(-1, 1), y.astype(float), np.eye(3)[y], list(y)]
    costs = [net.cost(X, f) for f in forms]
    assert all(c == costs[0] for c in costs)
    grads = [bp.reference.forward_backward(net.weights, net.biases, net.activations,
                                           net.loss, X, f).layers[0].dW for f in forms]
    assert all(np.array_equal(G, grads[0]) for G in grads)
    assert bp.gradient_check(net, X, y) < 1e-7


@pytest.mark.parametrize("sizes, acts", NETS)
def test_reference_loop_and_fast_loop_agree(sizes, acts):
    rng = np.random.default_rng(7)
    net = bp.MLP(sizes, acts, loss="cross_entropy", seed=7)
    X, y = _data(rng, 11, sizes[0], sizes[-1])
    trace = net.trace(X, y)
    dW, db = net.gradients(X, y)
    assert trace.J == pytest.approx(net.cost(X, y), rel=1e-14)
    np.testing.assert_allclose(trace[len(acts)].A.T, net.predict_proba(X), rtol=1e-14)
    for l in range(1, len(acts) + 1):
        np.testing.assert_allclose(trace[l].dW, dW[l - 1], rtol=1e-12, atol=1e-16)
        np.testing.assert_allclose(trace[l].db, db[l - 1], rtol=1e-12, atol=1e-16)
    Y = np.eye(sizes[-1])[y].T
    np.testing.assert_allclose(trace[len(acts)].dZ, (trace[len(acts)].A - Y) / len(y), rtol=1e-14)
    # one step of U from each: the fast loop's fit against W - lr dW of the trace
    expected = [W - 0.3 * t.dW for W, t in zip(net.weights, trace)]
    net.fit(X, y, lr=0.3, epochs=1)
    for W, W_new in zip(net.weights, expected):
        np.testing.assert_allclose(W, W_new, rtol=1e-12, atol=1e-15)


# random nets: (seed, sizes, hidden activations); PyTorch runs only where it is installed
TORCH_NETS = [
    (11, [4, 6, 5], ["tanh"]),
    (12, [3, 7, 3], ["relu"]),
    (13, [5, 4, 6, 4], ["sigmoid", "relu"]),
    (14, [2, 8, 8, 3], ["relu", "tanh"]),
    (15, [6, 5, 4, 3, 10], ["tanh", "sigmoid", "relu"]),
]
TORCH_G = {"tanh": "tanh", "relu": "relu", "sigmoid": "sigmoid"}


@pytest.mark.parametrize("one_hot", [False, True], ids=["int-labels", "one-hot"])
@pytest.mark.parametrize("seed, sizes, hidden", TORCH_NETS, ids=lambda v: str(v))
def test_against_pytorch_cross_entropy_in_float64(seed, sizes, hidden, one_hot):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    K = sizes[-1]
    net = bp.MLP(sizes, hidden + ["softmax"], loss="cross_entropy", seed=seed)
    X, y = _data(rng, 12, sizes[0], K)
    labels = np.eye(K)[y] if one_hot else y
    Ws = [torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in net.weights]
    bs = [torch.tensor(b[:, 0], dtype=torch.float64, requires_grad=True) for b in net.biases]
    A = torch.tensor(X)
    for W, b, g in zip(Ws[:-1], bs[:-1], hidden):
        A = getattr(torch, TORCH_G[g])(A @ W.T + b)
    logits = A @ Ws[-1].T + bs[-1]  # PyTorch's cross_entropy takes the logits
    J = torch.nn.functional.cross_entropy(logits, torch.tensor(y))
    J.backward()
    dW, db = net.gradients(X, labels)
    assert net.cost(X, labels) == pytest.approx(J.item(), rel=1e-13)
    for ours, theirs in zip(dW + [b[:, 0] for b in db], Ws + bs):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-10, atol=1e-14)


# ------------------------------------------------------------------ numerics
def _exact_cost(Z, Y):
    """-mean_i sum_k y_ki log softmax(z_i)_k in mpmath at 60 digits."""
    with mpmath.workdps(60):
        total = mpmath.mpf(0)
        for i in range(Z.shape[1]):
            z = [mpmath.mpf(float(v)) for v in Z[:, i]]
            lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in z))
            total += mpmath.fsum(-float(Y[k, i]) * (z[k] - lse) for k in range(len(z)))
        return float(total / Z.shape[1])


def test_extreme_logits_are_finite_and_exact():
    """z = 1000 overflows e^z; the package's softmax and cost are finite and agree with
    60-digit arithmetic, down to a loss of e^-60 for a confidently right example."""
    loss, g = bp.losses.get("cross_entropy"), bp.ACTIVATIONS["softmax"]
    Z = np.array([[1000.0, 1000.0, -1000.0, 1000.0, 0.0],
                  [0.0, 1000.0, 1000.0, -1000.0, 60.0],
                  [-5.0, 999.0, 0.0, 2.0, 0.0]])
    for labels in ([0, 1, 0, 2, 1], [1, 2, 1, 0, 0]):
        Y = np.eye(3)[labels].T
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            A = g.forward(Z.copy())
            J = loss.cost(Z, A, Y)
            dZ = loss.delta(Z, A, Y, g)
        assert np.isfinite(A).all() and np.isfinite(dZ).all()
        np.testing.assert_allclose(A.sum(axis=0), 1.0, rtol=1e-15)
        assert J == pytest.approx(_exact_cost(Z, Y), rel=1e-14)
    confident = np.array([[60.0], [0.0]])
    assert loss.cost(confident, g.forward(confident.copy()), np.array([[1.0], [0.0]])) \
        == pytest.approx(float(mpmath.log1p(mpmath.exp(-60))), rel=1e-14)
    with np.errstate(over="ignore", invalid="ignore"):  # the naive form on the same column
        naive = np.exp(Z[:, 1]) / np.exp(Z[:, 1]).sum()
    assert not np.isfinite(naive).all()


def test_a_network_with_huge_logits_trains_finitely():
    net = bp.MLP([2, 3], ["softmax"], loss="cross_entropy", seed=0)
    net.weights[0][...] = [[500.0, 500.0], [-500.0, 0.0], [0.0, 0.0]]
    X, y = np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0, 1])
    J = net.cost(X, y)
    assert J == pytest.approx(_exact_cost(net.logits(X).T, np.eye(3)[y].T), rel=1e-14)
    assert np.isfinite(np.concatenate([d.ravel() for d in net.gradients(X, y)[0]])).all()


def test_two_classes_are_the_sigmoid_and_the_log_loss():
    """softmax over (z1, z2) = sigma(z1 - z2): a two-unit softmax net and the one-unit
    sigmoid net with W = W_1 - W_2 give the same probabilities and cost."""
    rng = np.random.default_rng(2)
    soft = bp.MLP([3, 2], ["softmax"], loss="cross_entropy", seed=2)
    soft.biases[0][...] = rng.normal(size=(2, 1))
    W, b = soft.weights[0], soft.biases[0]
    sig = bp.MLP.from_params([W[:1] - W[1:]], [b[:1] - b[1:]], ["sigmoid"], loss="bce")
    X = rng.normal(size=(7, 3))
    y = rng.integers(0, 2, 7)
    # class 0 of the softmax is label 1 of the sigmoid
    np.testing.assert_allclose(soft.predict_proba(X)[:, 0], sig.predict_proba(X)[:, 0], rtol=1e-13)
    assert soft.cost(X, y) == pytest.approx(sig.cost(X, 1 - y), rel=1e-13)


# ---------------------------------------------------------------- bad input
def _net():
    return bp.MLP([2, 4, 3], ["tanh", "softmax"], loss="cross_entropy", seed=0)


X4 = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.5, -0.5]])


@pytest.mark.parametrize("y, message", [
    ([0, 1, 3, 2], r"class labels 0\.\.2; found 1 other value\(s\), e\.g\. 3\.0 at index 2"),
    ([0, -1, 1, 2], r"class labels 0\.\.2; found 1 other value\(s\), e\.g\. -1\.0 at index 1"),
    ([0, 1.5, 1, 2], r"class labels 0\.\.2; found 1 other value\(s\), e\.g\. 1\.5 at index 1"),
    ([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 0]], r"each with a single 1; row 1 sums to 2"),
    ([[1, 0, 0], [0, 0, 0], [0, 0, 1], [0, 1, 0]], r"each with a single 1; row 1 sums to 0"),
    ([[1, 0, 0], [0.5, 0.5, 0], [0, 0, 1], [0, 1, 0]], r"one-hot rows \(entries 0 or 1\)"),
    ([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
     r"one-hot rows of 4 entries, but the output layer has K = 3 units"),
    ([0, 1, 2], r"y has 3 class labels, but X has m = 4 examples"),
    ([0, 1, np.nan, 2], r"y contains NaN"),
])
def test_bad_labels_are_refused_and_change_nothing(y, message):
    net = _net()
    snap = snapshot(net)
    for call in (lambda: net.fit(X4, y, epochs=2), lambda: net.cost(X4, y),
                 lambda: net.gradients(X4, y), lambda: net.trace(X4, y),
                 lambda: net.step(X4, y, 0.1), lambda: bp.gradient_check(net, X4, y)):
        with pytest.raises(ValueError, match=message):
            call()
    assert_unchanged(net, snap)


@pytest.mark.parametrize("sizes, acts, loss, message", [
    ([2, 3], ["softmax"], "bce", r"a 'softmax' output layer needs loss='cross_entropy'.*not loss='bce'"),
    ([2, 3], ["softmax"], "mse", r"a 'softmax' output layer needs loss='cross_entropy'.*not loss='mse'"),
    ([2, 3], ["sigmoid"], "cross_entropy", r"activation must be 'softmax', not 'sigmoid'"),
    ([2, 4, 3], ["relu", "identity"], "cross_entropy", r"activation must be 'softmax', not 'identity'"),
    ([2, 1], ["softmax"], "cross_entropy", r"needs K >= 2 output units, one per class; the output layer has"),
    ([2, 4, 3], ["softmax", "softmax"], "cross_entropy", r"layer 1 is a hidden layer, but 'softmax'"),
])
def test_bad_architectures_are_refused(sizes, acts, loss, message):
    with pytest.raises(ValueError, match=message):
        bp.MLP(sizes, acts, loss=loss)
    Ws = [np.ones((n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    bs = [np.zeros((n_out, 1)) for n_out in sizes[1:]]
    with pytest.raises(ValueError, match=message):
        bp.reference.forward_backward(Ws, bs, acts, loss, np.ones((2, sizes[0])), [0, 0])


def test_softmax_has_no_elementwise_derivative():
    g = bp.ACTIVATIONS["softmax"]
    with pytest.raises(ValueError, match="no element-wise derivative"):
        g.prime(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="full Jacobian"):
        g.overwrite_with_prime(np.zeros((3, 2)), np.zeros((3, 2)))


def test_predict_and_predict_proba():
    rng = np.random.default_rng(4)
    net = bp.MLP([2, 5, 4], ["relu", "softmax"], loss="cross_entropy", seed=4)
    X = rng.normal(size=(6, 2))
    P = net.predict_proba(X)
    assert P.shape == (6, 4) and net.predict(X).shape == (6,)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-15)
    assert np.array_equal(net.predict(X), P.argmax(axis=1))
    assert net.predict(X).dtype.kind == "i"
    with pytest.raises(ValueError, match="predict_proba needs a classification loss"):
        bp.MLP([2, 1], ["identity"], loss="mse").predict_proba(X)


# ---------------------------------------------------------------- data sets
def test_three_class_data_sets():
    for make in (bp.datasets.spirals, bp.datasets.blobs):
        X, y = make(301, classes=3, seed=1)
        assert X.shape == (301, 2) and set(np.unique(y)) == {0.0, 1.0, 2.0}
        assert np.bincount(y.astype(int)).tolist() == [100, 100, 101]
        X2, y2 = make(301, classes=3, seed=1)
        assert np.array_equal(X, X2) and np.array_equal(y, y2)
        with pytest.raises(ValueError, match="classes must be at least 2"):
            make(10, classes=1)
    X, y = bp.datasets.blobs(300, separation=4.0, noise=0.5, classes=4, seed=0)
    centres = np.array([X[y == k].mean(axis=0) for k in range(4)])
    gaps = np.linalg.norm(centres - np.roll(centres, 1, axis=0), axis=1)
    np.testing.assert_allclose(gaps, 4.0, atol=0.3)  # neighbouring centres separation apart


def test_two_classes_are_what_they_were():
    """The two-class sets as written before the classes argument, restated here."""
    for m, seed in ((200, 0), (7, 3)):
        rng = np.random.default_rng(seed)
        parts = []
        for count, phase in ((m // 2, 0.0), (m - m // 2, np.pi)):
            r = np.linspace(0.1, 1.0, count)
            t = 2 * np.pi * 1.5 * r + phase
            parts.append(np.column_stack([r * np.cos(t), r * np.sin(t)]))
        X = np.vstack(parts) + rng.normal(0.0, 0.1, size=(m, 2))
        X_new, y_new = bp.datasets.spirals(m, seed=seed)
        assert np.array_equal(X_new, X) and np.array_equal(y_new, [0.0] * (m // 2) + [1.0] * (m - m // 2))
        rng = np.random.default_rng(seed)
        X = np.vstack([rng.normal(-1.5, 1.0, size=(m // 2, 2)), rng.normal(1.5, 1.0, size=(m - m // 2, 2))])
        assert np.array_equal(bp.datasets.blobs(m, seed=seed)[0], X)


def test_three_spirals_are_learned():
    X, y = bp.datasets.spirals(300, noise=0.05, classes=3, seed=0)
    net = bp.MLP([2, 32, 32, 3], ["tanh", "tanh", "softmax"], loss="cross_entropy", seed=0)
    history = net.fit(X, y, lr=0.5, epochs=2000)
    assert history.losses[-1] < 0.25 * history.losses[0]
    assert np.mean(net.predict(X) == y) > 0.9


# ---------------------------------------------------------------- digits
def _digits_split(seed):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    return train_test_split(digits.data / 16.0, digits.target, test_size=0.25,
                            stratify=digits.target, random_state=seed)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_digits_yardstick(seed):
    """64-32-10 ReLU/softmax, full batch, lr 0.5, 300 epochs: >= 93% on the held-out 25%."""
    X_train, X_test, y_train, y_test = _digits_split(seed)
    net = bp.MLP([64, 32, 10], ["relu", "softmax"], loss="cross_entropy", seed=seed)
    net.fit(X_train, y_train, lr=0.5, epochs=300)
    accuracy = np.mean(net.predict(X_test) == y_test)
    assert accuracy >= 0.93, accuracy


def test_the_run_recorder_and_the_graph():
    """runs.record (the widgets' trainer, with gradient sizes) takes the new loss; the
    computational graph draws its output as the full Jacobian block (tests/test_graph_softmax.py)."""
    X, y = bp.datasets.spirals(60, classes=3, seed=0)
    net = bp.MLP([2, 6, 3], ["tanh", "softmax"], loss="cross_entropy", seed=0)
    J0 = net.cost(X, y)
    run = bp.runs.record(net, X, y, 0.5, 20, keep=(0, 20), records=(0, 10, 20))
    assert run.diverged_at is None and run.J < J0 and run.costs[0] == J0
    assert run.grad_sizes.shape == (3, 2) and np.isfinite(run.grad_sizes).all()
    g = bp.graph.build([2, 3], ["softmax"], "cross_entropy")
    block = [(s, t) for s, t, _ in g.edges if s.startswith("z") and t.startswith("a")]
    assert len(block) == 9  # every z_k feeds every a_j
