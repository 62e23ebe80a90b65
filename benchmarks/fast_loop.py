"""What each difference of the fast loop from the reference loop buys, measured.

    .venv/bin/python benchmarks/fast_loop.py                 # W1, W3 and W4, about a minute
    .venv/bin/python benchmarks/fast_loop.py --workloads W3 --repeats 9

``backprop/network.py`` (``MLP.fit``) computes what ``backprop/reference.py``
computes, in a different way (see its module docstring).  This script trains
with a ladder of loops, each adding one difference to the one before, from the
same initial parameters with the same full-batch gradient descent:

0. ``reference``: ``bp.reference.forward_backward`` (which also checks its
   arguments and returns a Trace) and the update ``W -= lr dW``, ``b -= lr db``;
1. ``plain``: the same equations inline, without the checks and the Trace;
2. ``+ one block``: [W | b] as one array per layer, inputs with a row of ones,
   so F1 and B3 + B4 are one product each; all blocks in one flat vector, so
   the update is two NumPy calls (arrays still allocated every epoch);
3. ``+ no allocation``: every array a buffer reused epoch after epoch (``out=``),
   Z kept in its own buffer, g'(Z) computed from Z in place;
4. ``+ g' from A`` = ``MLP.fit``: Z computed where A goes, A turned into g'(Z)
   and then dZ in place (no Z kept), B3 in the faster orientation.

Every loop's final parameters must agree with ``MLP.fit``'s (relative 1e-10),
else the script stops.  It reports the median milliseconds per epoch over
interleaved repeats and the peak memory allocated while training (tracemalloc,
for one epoch).  Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workloads import WORKLOADS  # noqa: E402

import backprop as bp  # noqa: E402
from backprop import losses  # noqa: E402
from backprop.activations import get as get_activation  # noqa: E402

QUIET = {"over": "ignore", "under": "ignore", "invalid": "ignore"}


def reference(w, X, y, epochs):
    """0. bp.reference.forward_backward + the update of equation U."""
    Ws, bs = w.initial_params()
    for _ in range(epochs):
        trace = bp.reference.forward_backward(Ws, bs, w.activations, w.loss, X, y)
        for l, layer in enumerate(trace, start=1):
            Ws[l - 1] -= w.lr * layer.dW
            bs[l - 1] -= w.lr * layer.db
    return Ws, bs


def plain(w, X, y, epochs):
    """1. The reference loop's equations inline: no argument checks, no Trace."""
    Ws, bs = w.initial_params()
    L, cost = len(Ws), losses.get(w.loss)
    W, b = [None, *Ws], [None, *bs]
    g = [None, *(get_activation(name) for name in w.activations)]
    A0, Y = X.T, y.reshape(len(X), -1).T
    with np.errstate(**QUIET):
        for _ in range(epochs):
            A, Z = [A0], [None]
            for l in range(1, L + 1):
                Z.append(W[l] @ A[l - 1] + b[l])                  # (F1)
                A.append(g[l].forward(Z[l]))                      # (F2)
            cost.cost(Z[L], A[L], Y)                              # (C)
            dZ = cost.delta(Z[L], A[L], Y, g[L])                  # (B1)
            for l in range(L, 0, -1):
                dW = dZ @ A[l - 1].T                              # (B3)
                db = dZ.sum(axis=1, keepdims=True)                # (B4)
                if l > 1:
                    dZ = (W[l].T @ dZ) * g[l - 1].prime(Z[l - 1])  # (B2)
                W[l] -= w.lr * dW                                 # (U)
                b[l] -= w.lr * db
    return W[1:], b[1:]


def _blocks(w):
    """The parameters as [W[l] | b[l]] blocks, views of one flat vector theta."""
    Ws, bs = w.initial_params()
    theta = np.concatenate([np.hstack([W, b]).ravel() for W, b in zip(Ws, bs)])
    Wb, offset = [None], 0
    for W in Ws:
        k = W.shape[0] * (W.shape[1] + 1)
        Wb.append(theta[offset:offset + k].reshape(W.shape[0], W.shape[1] + 1))
        offset += k
    return theta, Wb


def _unblock(Wb):
    return [B[:, :-1].copy() for B in Wb[1:]], [B[:, -1:].copy() for B in Wb[1:]]


def one_block(w, X, y, epochs):
    """2. + [W | b] as one block and a row of ones: one product for F1, one for B3 + B4."""
    theta, Wb = _blocks(w)
    L, cost = len(Wb) - 1, losses.get(w.loss)
    g = [None, *(get_activation(name) for name in w.activations)]
    ones = np.ones((1, len(X)))
    A0, Y = X.T, y.reshape(len(X), -1).T
    with np.errstate(**QUIET):
        for _ in range(epochs):
            A_aug, Z = [np.vstack([A0, ones])], [None]
            for l in range(1, L + 1):
                Z.append(Wb[l] @ A_aug[l - 1])                    # (F1) [W | b] [A; 1]
                A_aug.append(np.vstack([g[l].forward(Z[l]), ones]))  # (F2), with the ones row
            A_L = A_aug[L][:-1]
            cost.cost(Z[L], A_L, Y)                               # (C)
            dZ = cost.delta(Z[L], A_L, Y, g[L])                   # (B1)
            grad = []
            for l in range(L, 0, -1):
                grad.append((dZ @ A_aug[l - 1].T).ravel())        # (B3, B4) [dW | db]
                if l > 1:
                    dZ = (Wb[l][:, :-1].T @ dZ) * g[l - 1].prime(Z[l - 1])  # (B2)
            theta -= w.lr * np.concatenate(grad[::-1])            # (U), all layers at once
    return _unblock(Wb)


def _prime_from_Z(name):
    """Z <- g'(Z) in place, from Z (not from A): for loop 3."""
    def relu(Z, scratch):
        np.greater(Z, 0.0, out=Z)

    def sigmoid(Z, scratch):
        bp.activations.sigmoid(Z, out=Z)        # sigma(z) again: the cost of not using A
        np.subtract(1.0, Z, out=scratch)
        Z *= scratch

    def tanh(Z, scratch):
        np.tanh(Z, out=Z)
        np.multiply(Z, Z, out=Z)
        np.subtract(1.0, Z, out=Z)

    def identity(Z, scratch):
        Z.fill(1.0)

    return {"relu": relu, "sigmoid": sigmoid, "tanh": tanh, "identity": identity}[name]


def no_allocation(w, X, y, epochs):
    """3. + every array a buffer reused epoch after epoch; Z kept, g'(Z) from Z."""
    theta, Wb = _blocks(w)
    L, cost, m = len(Wb) - 1, losses.get(w.loss), len(X)
    sizes = w.sizes
    g = [None, *(get_activation(name) for name in w.activations)]
    prime = [None, *(_prime_from_Z(name) for name in w.activations)]
    grad = np.empty_like(theta)
    update = np.empty_like(theta)
    dWb, offset = [None], 0
    for B in Wb[1:]:
        dWb.append(grad[offset:offset + B.size].reshape(B.shape))
        offset += B.size
    A_aug = [np.ones((n + 1, m)) for n in sizes[:-1]]
    A = [B[:-1] for B in A_aug] + [np.empty((sizes[-1], m))]
    Z = [None] + [np.empty((n, m)) for n in sizes[1:]]
    buffer = np.empty((max(sizes[1:-1], default=0), m))        # one dA buffer for all layers
    dA = [None] + [buffer[:n] for n in sizes[1:-1]]
    np.copyto(A[0], X.T)
    Y = np.ascontiguousarray(y.reshape(m, -1).T)
    with np.errstate(**QUIET):
        for _ in range(epochs):
            for l in range(1, L + 1):
                np.dot(Wb[l], A_aug[l - 1], out=Z[l])             # (F1)
                g[l].forward(Z[l], out=A[l])                      # (F2), Z kept
            cost.cost(Z[L], A[L], Y)                              # (C)
            dZ = cost.delta(Z[L], A[L], Y, g[L])                  # (B1)
            for l in range(L, 0, -1):
                np.dot(dZ, A_aug[l - 1].T, out=dWb[l])            # (B3, B4)
                if l > 1:
                    prime[l - 1](Z[l - 1], dA[l - 1])             # Z[l-1] <- g'(Z[l-1])
                    np.dot(Wb[l][:, :-1].T, dZ, out=dA[l - 1])
                    dZ = np.multiply(dA[l - 1], Z[l - 1], out=Z[l - 1])  # (B2)
            np.multiply(grad, w.lr, out=update)                   # (U)
            np.subtract(theta, update, out=theta)
    return _unblock(Wb)


def fast(w, X, y, epochs):
    """4. MLP.fit: + g' from A, Z computed where A goes (the package's fast loop)."""
    Ws, bs = w.initial_params()
    net = bp.MLP.from_params(Ws, bs, w.activations, w.loss)
    net.fit(X, y, lr=w.lr, epochs=epochs)
    return [W.copy() for W in net.weights], [b.copy() for b in net.biases]


LOOPS = {
    "0 reference (forward_backward + update)": reference,
    "1 plain (its equations inline)": plain,
    "2 + one block per layer, ones row": one_block,
    "3 + no allocation per epoch": no_allocation,
    "4 + g' from A (MLP.fit)": fast,
}


def check(name, w, result, expected):
    scale = max(float(np.abs(p).max()) for p in expected[0] + expected[1])
    diff = max(float(np.abs(p - q).max()) for p, q in zip(result[0] + result[1],
                                                        expected[0] + expected[1]))
    if not diff <= 1e-10 * scale:
        raise SystemExit(f"{w.name}: loop {name!r} disagrees with MLP.fit (relative {diff / scale:.1e})")


def peak_memory(loop, w, X, y):
    tracemalloc.start()
    loop(w, X, y, 1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workloads", nargs="+", default=["W1", "W3", "W4"], choices=list(WORKLOADS))
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    for wname in args.workloads:
        w = WORKLOADS[wname]
        X, y = w.data()
        epochs = 20 if wname == "W3" else 300
        expected = fast(w, X, y, epochs)
        for name, loop in LOOPS.items():
            check(name, w, loop(w, X, y, epochs), expected)
        times = {name: [] for name in LOOPS}
        names = list(LOOPS)
        for rep in range(args.repeats):
            for name in names[rep % len(names):] + names[:rep % len(names)]:
                time.sleep(0.3)  # as in run.py: BLAS threads idle before each run
                start = time.perf_counter()
                LOOPS[name](w, X, y, epochs)
                times[name].append(time.perf_counter() - start)
        print(f"\n{wname}: {w.description}; {epochs} epochs per run, median of {args.repeats}\n")
        print("| loop | ms/epoch | vs reference | peak allocated in one epoch (MB) |")
        print("|---|---|---|---|")
        ref = np.median(times[names[0]])
        for name in names:
            t = np.median(times[name])
            mem = peak_memory(LOOPS[name], w, X, y) / 1e6
            print(f"| {name} | {1e3 * t / epochs:.4g} | {t / ref:.2f} | {mem:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
