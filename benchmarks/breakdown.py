"""Where W3's epoch goes: backprop's fast loop line by line, and PyTorch's by operator.

    .venv/bin/python benchmarks/breakdown.py                # 1 BLAS thread, then all cores
    .venv/bin/python benchmarks/breakdown.py --threads 2 --epochs 30
    .venv/bin/python benchmarks/breakdown.py --no-torch --products   # + other layouts of the products

For each line of ``MLP``'s forward pass, backward pass and update on W3
(10,000 examples, 20-128-128-1), the script reports the median milliseconds per
epoch over ``--epochs`` epochs ("in the loop"), the same line's time when it
runs alone on data just written by the main thread ("alone": the minimum of 5),
and for the matrix products the GFLOP/s and the share of the machine's FLOP
limit, measured as the speed of one large dgemm (2048 x 2048) with the same
threads.  The lines copy ``backprop/network.py``'s loop call for call; before
timing, the script checks that one such epoch changes the parameters exactly
(bit for bit) as ``MLP.step`` does, so the copy cannot drift from the package
unnoticed.  With PyTorch installed it then profiles PyTorch's epoch (the loop
of ``runners.make_torch``) by operator with ``torch.profiler``.  Timings are
reported, never asserted.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))

from runners import make_torch, torch_available  # noqa: E402
from workloads import WORKLOADS  # noqa: E402

import backprop as bp  # noqa: E402

QUIET = {"over": "ignore", "under": "ignore", "invalid": "ignore"}


def shape(a):
    return "x".join(str(n) for n in a.shape)


def lines_of_an_epoch(net, ws, Y, lr):
    """The fast loop of MLP (``_forward``, the cost, ``_backward``, ``_apply_update``), call for call.

    Yields ``(label, flops, function, written)``; each function does one line
    and returns what the loop would keep (dZ where the loop reassigns it).
    """
    L, Wb, g, A_aug, Z, A = net.L, net._Wb, net._g, ws.A_aug, ws.Z, ws.A
    for l in range(1, L + 1):
        n, k = Wb[l].shape
        yield (f"F1 l={l}: [W|b] ({shape(Wb[l])}) . [A;1] ({shape(A_aug[l - 1])})", 2 * n * k * ws.m,
               lambda l=l: np.dot(Wb[l], A_aug[l - 1], out=Z[l]), [Z[l]])
        yield (f"F2 l={l}: {net.activations[l - 1]} in place ({shape(A[l])})", 0,
               lambda l=l: g[l].forward(Z[l], out=A[l]), [A[l]])
    state = {}

    def cost_and_delta():
        state["J"], state["dZ"] = net._cost_and_output_delta(Y, ws)

    yield "C, B1: cost and dZ[L] (1 x m)", 0, cost_and_delta, []
    dWb, dWbT, WT, dA = net._dWb, net._dWbT, net._WT, ws.dA
    for l in range(L, 0, -1):
        dZ = state["dZ"]
        n, k = dWb[l].shape
        flops = 2 * n * k * ws.m
        if dWbT[l] is None:
            yield (f"B3+B4 l={l}: dZ ({n}x{ws.m}) . [A;1]^T -> [dW|db]", flops,
                   lambda l=l: np.dot(state["dZ"], A_aug[l - 1].T, out=dWb[l]), [dWb[l]])
        else:
            yield (f"B3+B4 l={l}: [A;1] ({k}x{ws.m}) . dZ^T -> [dW|db]^T", flops,
                   lambda l=l: np.dot(A_aug[l - 1], state["dZ"].T, out=dWbT[l]), [dWbT[l]])
            if dWbT[l].base is None:  # a buffer of its own, not a view of [dW | db]
                yield (f"  copy [dW|db]^T -> [dW|db] ({n}x{k})", 0,
                       lambda l=l: np.copyto(dWb[l], dWbT[l].T), [dWb[l]])
        if l > 1:
            yield (f"g' l={l - 1}: A <- g'(Z) in place ({shape(A[l - 1])})", 0,
                   lambda l=l: g[l - 1].overwrite_with_prime(A[l - 1], dA[l - 1]), [A[l - 1], dA[l - 1]])
            yield (f"dA l={l - 1}: W^T ({WT[l].shape[0]}x{WT[l].shape[1]}, a view) . dZ ({shape(dZ)})",
                   2 * WT[l].shape[0] * WT[l].shape[1] * ws.m,
                   lambda l=l: np.dot(WT[l], state["dZ"], out=dA[l - 1]), [dA[l - 1]])

            def b2(l=l):
                state["dZ"] = np.multiply(dA[l - 1], A[l - 1], out=A[l - 1])

            yield f"B2 l={l - 1}: dZ = dA * g'(Z), in place ({shape(A[l - 1])})", 0, b2, [A[l - 1]]
    yield "U: theta -= lr * grad (two calls)", 0, lambda: net._apply_update(lr), [net._theta, net._update]


def gemm_peak(threads):
    """GFLOP/s of one 2048 x 2048 dgemm (minimum time of 5), the machine's FLOP limit here."""
    a = np.random.default_rng(0).standard_normal((2048, 2048))
    c = np.empty_like(a)
    with threadpool_limits(threads, user_api="blas"):
        best = min(_timed(lambda: np.dot(a, a, out=c)) for _ in range(6))
    return 2 * 2048**3 / best / 1e9


def _timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def breakdown(threads, epochs):
    w = WORKLOADS["W3"]
    X, y = w.data()
    W0, b0 = w.initial_params()
    net = bp.MLP.from_params(W0, b0, w.activations, w.loss)
    twin = bp.MLP.from_params(W0, b0, w.activations, w.loss)
    Xc, Y = net._checked(X, y)
    ws = net._workspace_with(Xc, cached=False)
    with threadpool_limits(threads, user_api="blas"), np.errstate(**QUIET):
        for _, _, f, _ in lines_of_an_epoch(net, ws, Y, w.lr):
            f()
        twin.step(X, y, w.lr)
        if not all(np.array_equal(p, q) for p, q in zip(net.weights + net.biases,
                                                       twin.weights + twin.biases)):
            raise SystemExit("the copy of the fast loop no longer computes what MLP.step computes")
        in_loop = collections.defaultdict(list)
        flops = {}
        for _ in range(epochs):
            for label, fl, f, _ in lines_of_an_epoch(net, ws, Y, w.lr):
                in_loop[label].append(_timed(f))
                flops[label] = fl
        alone = {}
        for label, _, f, written in lines_of_an_epoch(net, ws, Y, w.lr):
            saved = [a.copy() for a in written]
            best = np.inf
            for _ in range(5):
                for a, s in zip(written, saved):
                    np.copyto(a, s)
                best = min(best, _timed(f))
            alone[label] = best
        fit_net = bp.MLP.from_params(W0, b0, w.activations, w.loss)
        fit_net.fit(X, y, lr=w.lr, epochs=2)
        # fit allocates its buffers once per call: enough epochs that their first touch does not count
        fit_s = min(_timed(lambda: fit_net.fit(X, y, lr=w.lr, epochs=epochs)) for _ in range(3))
        fit_ms = 1e3 * fit_s / epochs
    peak = gemm_peak(threads)
    rows, totals = [], collections.Counter()
    for label, times in in_loop.items():
        ms = 1e3 * float(np.median(times))
        kind = "products" if flops[label] else "other"
        totals[kind] += ms
        rate = flops[label] / ms / 1e6 if flops[label] else None
        rows.append([label, f"{ms:.3f}", f"{1e3 * alone[label]:.3f}",
                     f"{rate:.0f}" if rate else "", f"{100 * rate / peak:.0f}%" if rate else ""])
    total_flops = sum(flops.values())
    print(f"\nBLAS threads: {threads}; FLOP limit (2048^3 dgemm): {peak:.0f} GFLOP/s\n")
    print("| line of the epoch | ms in the loop | ms alone | GFLOP/s | of the limit |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    products, other = totals["products"], totals["other"]
    print(f"| matrix products ({total_flops / 1e9:.2f} GFLOP) | {products:.2f} | | "
          f"{total_flops / products / 1e6:.0f} | {100 * total_flops / products / 1e6 / peak:.0f}% |")
    print(f"| everything else | {other:.2f} | | | |")
    print(f"| sum of the lines | {products + other:.2f} | | | |")
    print(f"| MLP.fit, ms per epoch | {fit_ms:.2f} | | | |")
    print(f"\nAt the FLOP limit the products would take {total_flops / peak / 1e6:.2f} ms.")


def layouts(threads):
    """W3's layer-2 products (n = 128, m = 10,000) in other orders and memory layouts.

    Columns (the package: examples are columns, C order) against rows (examples
    are rows, as in PyTorch and scikit-learn), B3's two orientations, and B3's
    long sum over the m examples split into chunks that are added up.
    """
    rng = np.random.default_rng(0)
    n, m = 128, 10_000
    Wb, A, dZ = rng.standard_normal((n, n + 1)), rng.standard_normal((n + 1, m)), rng.standard_normal((n, m))
    A_rows, dZ_rows = np.ascontiguousarray(A.T), np.ascontiguousarray(dZ.T)
    W = np.ascontiguousarray(Wb[:, :-1])
    Z, Z_rows = np.empty((n, m)), np.empty((m, n))
    dWb, dWbT, part = np.empty((n, n + 1)), np.empty((n + 1, n)), np.empty((n, n + 1))

    def chunked(k):
        def f():
            c = m // k
            np.dot(dZ[:, :c], A[:, :c].T, out=dWb)
            for i in range(1, k):
                np.dot(dZ[:, i * c:(i + 1) * c], A[:, i * c:(i + 1) * c].T, out=part)
                dWb.__iadd__(part)
        return f

    cases = [
        ("F1, columns: [W|b] (128x129) . [A;1] (129xm)", lambda: np.dot(Wb, A, out=Z)),
        ("F1, rows: [A,1] (mx129) . [W|b]^T", lambda: np.dot(A_rows, Wb.T, out=Z_rows)),
        ("B3, columns: dZ (128xm) . [A;1]^T -> 128x129", lambda: np.dot(dZ, A.T, out=dWb)),
        ("B3, columns, transposed: [A;1] . dZ^T -> 129x128", lambda: np.dot(A, dZ.T, out=dWbT)),
        ("B3, rows: dZ^T . [A,1] (mx129) -> 128x129", lambda: np.dot(dZ_rows.T, A_rows, out=dWb)),
        ("B3, rows, transposed: [A,1]^T . dZ -> 129x128", lambda: np.dot(A_rows.T, dZ_rows, out=dWbT)),
        ("B3, columns, sum split in 4 chunks", chunked(4)),
        ("B3, columns, sum split in 10 chunks", chunked(10)),
        ("dA, columns: W^T (view) . dZ (128xm)", lambda: np.dot(Wb[:, :-1].T, dZ, out=Z)),
        ("dA, rows: dZ (mx128) . W", lambda: np.dot(dZ_rows, W, out=Z_rows)),
    ]
    print(f"\nW3's layer-2 products, {threads} BLAS thread(s), alone (minimum of 10):\n")
    print("| product | ms | GFLOP/s |")
    print("|---|---|---|")
    with threadpool_limits(threads, user_api="blas"):
        for label, f in cases:
            f()
            best = min(_timed(f) for _ in range(10))
            print(f"| {label} | {1e3 * best:.3f} | {2 * n * (n + 1) * m / best / 1e9:.0f} |")


def orientations(threads):
    """B3 + B4 both ways round for a range of layer shapes: the rule _allocate follows."""
    rng = np.random.default_rng(0)
    print(f"\nB3 + B4 both ways round, {threads} BLAS thread(s) (minimum of 10, ms); the package "
          "computes the transposed product when n_(l-1) + 1 > n_l:\n")
    print("| m | n_l | n_(l-1) + 1 | dZ [A;1]^T | [A;1] dZ^T | transposed / straight |")
    print("|---|---|---|---|---|---|")
    with threadpool_limits(threads, user_api="blas"):
        for m in (10_000, 200):
            for n, k in [(128, 129), (128, 21), (64, 129), (129, 128), (256, 129), (128, 257),
                         (32, 33), (100, 51), (16, 17), (16, 3), (1, 129)]:
                A, dZ = rng.standard_normal((k, m)), rng.standard_normal((n, m))
                dWb, dWbT = np.empty((n, k)), np.empty((k, n))
                straight = lambda: np.dot(dZ, A.T, out=dWb)  # noqa: E731
                transposed = lambda: np.dot(A, dZ.T, out=dWbT)  # noqa: E731
                straight(), transposed()
                a = min(_timed(straight) for _ in range(10))
                b = min(_timed(transposed) for _ in range(10))
                print(f"| {m} | {n} | {k} | {1e3 * a:.4f} | {1e3 * b:.4f} | {b / a:.2f} |")


def fusions():
    """dZ = dA * g'(Z) for ReLU from A (128 x 10,000): the loop's two passes against one-call ways.

    One thread (NumPy's element-wise functions use one), A reset from a copy before
    each timing; every way must give the loop's result exactly.
    """
    rng = np.random.default_rng(0)
    A0 = np.maximum(rng.standard_normal((128, 10_000)), 0.0)
    dA = rng.standard_normal(A0.shape)
    A = np.empty_like(A0)

    def loop():
        np.greater(A, 0.0, out=A)
        np.multiply(dA, A, out=A)

    ways = {
        "np.greater + np.multiply, in place (the loop)": loop,
        "np.multiply(dA, A > 0, out=A)": lambda: np.multiply(dA, A > 0, out=A),
        "np.copyto(A, dA, where=A > 0)": lambda: np.copyto(A, dA, where=A > 0),
        "np.putmask(A, A > 0, dA)": lambda: np.putmask(A, A > 0, dA),
        "np.heaviside(A, 0, out=A); A *= dA": lambda: np.multiply(np.heaviside(A, 0.0, out=A), dA, out=A),
        "np.sign(A, out=A); A *= dA": lambda: np.multiply(np.sign(A, out=A), dA, out=A),
    }
    print("\nReLU's g' and B2 on 128 x 10,000, alone, one thread (minimum of 10):\n")
    print("| way | ms |")
    print("|---|---|")
    expected = dA * (A0 > 0)
    for label, f in ways.items():
        best = np.inf
        for _ in range(10):
            np.copyto(A, A0)
            best = min(best, _timed(f))
        if not np.array_equal(A, expected):
            raise SystemExit(f"{label} does not compute dA * g'(Z)")
        print(f"| {label} | {1e3 * best:.2f} |")


class _MaskBackward(bp.MLP):
    """MLP with B2 done another way, for ReLU hidden layers only: not in the package.

    g'(Z[l-1]) is kept as a mask of booleans (A > 0, an eighth of the bytes),
    dA[l-1] = W[l]^T dZ[l] is written over A[l-1] (which has served B3 and the
    mask), and dZ[l-1] = dA[l-1] * mask in place there: A is not rewritten
    before the product, and the n x m float buffer for dA is not needed.  The
    package cannot do this through ``Activation.overwrite_with_prime``.
    """

    def _backward(self, dZ, ws):
        dWb, dWbT, WT = self._dWb, self._dWbT, self._WT
        A_aug, A = ws.A_aug, ws.A
        if not hasattr(ws, "mask"):
            ws.mask = np.empty(ws.dA[1].base.shape, dtype=bool)
        for l in range(self.L, 0, -1):
            if dWbT[l] is None:
                np.dot(dZ, A_aug[l - 1].T, out=dWb[l])
            else:
                np.dot(A_aug[l - 1], dZ.T, out=dWbT[l])
                if dWbT[l].base is None:
                    np.copyto(dWb[l], dWbT[l].T)
            if l > 1:
                mask = np.greater(A[l - 1], 0.0, out=ws.mask[:A[l - 1].shape[0]])  # g'(Z) of ReLU
                np.dot(WT[l], dZ, out=A[l - 1])                                   # dA, over A
                dZ = np.multiply(A[l - 1], mask, out=A[l - 1])                    # (B2)


def backward_variants(threads, epochs, repeats=7):
    """MLP.fit against _MaskBackward on W3, interleaved, same process."""
    w = WORKLOADS["W3"]
    X, y = w.data()
    W0, b0 = w.initial_params()
    classes = {"MLP.fit (the package)": bp.MLP, "B2 with a boolean ReLU mask, dA over A": _MaskBackward}
    params, times = {}, {name: [] for name in classes}
    with threadpool_limits(threads, user_api="blas"):
        for rep in range(repeats):
            for name, cls in classes.items():
                net = cls.from_params(W0, b0, w.activations, w.loss)
                net.fit(X, y, lr=w.lr, epochs=1)
                times[name].append(_timed(lambda: net.fit(X, y, lr=w.lr, epochs=epochs)) / epochs)
                params[name] = np.concatenate([p.ravel() for p in net.weights + net.biases])
    ref = params["MLP.fit (the package)"]
    print(f"\nW3, B2 another way ({threads} BLAS thread(s); ms per epoch, median of {repeats} "
          f"interleaved runs of {epochs} epochs):\n")
    print("| backward pass | ms per epoch | largest parameter difference |")
    print("|---|---|---|")
    for name in classes:
        diff = float(np.abs(params[name] - ref).max())
        print(f"| {name} | {1e3 * float(np.median(times[name])):.2f} | {diff:.1e} |")


def torch_profile(epochs):
    import torch
    from torch.profiler import ProfilerActivity, profile

    w = WORKLOADS["W3"]
    X, y = w.data()
    train = make_torch(w, X, y)
    train(3)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        start = time.perf_counter()
        train(epochs)
        wall = (time.perf_counter() - start) / epochs * 1e3
    events = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)
    print(f"\nPyTorch {torch.__version__}, {torch.get_num_threads()} threads, {epochs} epochs "
          f"under the profiler ({wall:.2f} ms per epoch with it)\n")
    print("| operator | calls per epoch | ms per epoch (self) |")
    print("|---|---|---|")
    for e in events[:10]:
        print(f"| {e.key} | {e.count / epochs:g} | {e.self_cpu_time_total / 1e3 / epochs:.3f} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, os.cpu_count()],
                        help="BLAS thread counts to measure (default: 1 and all cores)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--products", action="store_true",
                        help="also time W3's layer-2 products in other layouts and B3 both ways "
                             "round for a range of shapes")
    args = parser.parse_args(argv)
    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    print(", ".join(f"{p['internal_api']} {p['version']} kernel {p.get('architecture')}" for p in blas),
          "|", ", ".join(f"{k}={os.environ.get(k, '(unset)')}"
                         for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")))
    for threads in args.threads:
        breakdown(threads, args.epochs)
    if args.products:
        for threads in args.threads:
            layouts(threads)
        orientations(max(args.threads))
        fusions()
        backward_variants(max(args.threads), args.epochs)
    if torch_available() and not args.no_torch:
        torch_profile(args.epochs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
