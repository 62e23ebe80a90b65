"""Write what the JavaScript playground takes from the Python package, with the package's public API.

Two generated files, both committed and never edited by hand (``--check`` compares
them with what this script writes now; tests/test_js_engine.py runs it):

* ``tests/js/fixtures.json``: training runs of ``bp.MLP(...).fit`` for every
  activation and loss at several depths (the data, the initial W and b, the cost per
  epoch, the final parameters), a diverging run, the initial weights of ``bp.MLP`` for
  several shapes and seeds, and the playground's messages for bad settings
  (``bp.widgets.playground(...).set(...)``), which the page must word the same way.
  ``node --test tests/js`` holds scripts/assets/engine.js and playground-core.js to them.
* ``scripts/assets/playground-data.js``: what the page trains on, loaded by a classic
  script: the playground's data sets at a few noise levels (``bp.datasets``, seed 0) and,
  for seeds 0-9, the first normal draws of ``np.random.default_rng(seed)``, from which
  ``bp.MLP(sizes, activations, seed=seed)`` scales its initial weights, layer after
  layer (the fixtures' ``init`` cases check the page's weights against ``bp.MLP``'s).
  Numbers are stored as the bytes of float64 arrays (base64), so they are exact.

Usage: python scripts/js_fixtures.py [--check]
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import numpy as np

import backprop as bp
from backprop.widgets.playground_settings import classes_of

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "js" / "fixtures.json"
PAGE_DATA = ROOT / "scripts" / "assets" / "playground-data.js"

ACTIVATIONS = ["sigmoid", "relu", "tanh", "identity"]
DEPTHS = [(), (5,), (4, 3), (3, 4, 3)]  # hidden layer sizes
EPOCHS = 60

# The page's data sets: the Python playground's (bp.widgets.playground(name).X, .y) at its
# noise, and a few other noise levels; m = 200 points (100 for the curve), seed 0; and two
# sets of three classes (300 points), which the notebook's playground makes with the same calls.
# name: (function, m, noise levels, default noise, the call with {noise} for the noise)
DATASETS = {
    "moons": (bp.datasets.moons, 200, [0.0, 0.1, 0.2, 0.3, 0.4], 0.2, None),
    "circles": (bp.datasets.circles, 200, [0.0, 0.05, 0.1, 0.15, 0.2], 0.1, None),
    "xor": (bp.datasets.xor, 200, [0.1, 0.2, 0.3, 0.4, 0.5], 0.3, None),
    "spirals": (bp.datasets.spirals, 200, [0.0, 0.025, 0.05, 0.1, 0.15], 0.05, None),
    "blobs": (bp.datasets.blobs, 200, [0.5, 0.75, 1.0, 1.5, 2.0], 1.0, None),
    "curve": (bp.datasets.regression_curve, 100, [0.0, 0.05, 0.1, 0.2, 0.3], 0.1, None),
    "spirals3": (bp.datasets.spirals, 300, [0.0, 0.025, 0.05, 0.1, 0.15], 0.05,
                 "bp.datasets.spirals(300, noise={noise}, seed=0, classes=3)"),
    "blobs3": (bp.datasets.blobs, 300, [0.5, 0.75, 1.0, 1.5, 2.0], 1.0,
               "bp.datasets.blobs(300, separation=3.0, noise={noise}, seed=0, classes=3)"),
}
MAX_CLASSES = 3  # the most classes of a data set above: the widest output layer (softmax, K units)
SEEDS = range(10)
MAX_WIDTH, MAX_HIDDEN = 8, 6  # the page's limits (the notebook's playground: 256 and 8)
N_NORMALS = (2 * MAX_WIDTH + (MAX_HIDDEN - 1) * MAX_WIDTH ** 2
             + MAX_WIDTH * MAX_CLASSES)  # the most weights


def tolist(a):
    return np.asarray(a, dtype=float).tolist()


def run_case(hidden, act, loss, output, X, y, lr, epochs=EPOCHS, seed=0, batch_size=None,
             K=1):
    """One ``MLP.fit`` run: the inputs and what the package computes (K output units)."""
    sizes = [X.shape[1], *hidden, K]
    acts = [act] * len(hidden) + [output]
    net = bp.MLP(sizes, acts, loss, seed=seed)
    case = {"sizes": sizes, "activations": acts, "loss": loss, "lr": lr, "epochs": epochs,
            "seed": seed, "batch_size": batch_size,
            "X": tolist(X), "y": tolist(y),
            "W": [tolist(W) for W in net.weights], "b": [tolist(b[:, 0]) for b in net.biases]}
    try:
        history = net.fit(X, y, lr=lr, epochs=epochs, batch_size=batch_size)
        costs = [*history.losses.tolist(), net.cost(X, y)]  # J before each epoch, then after
        case["diverged"] = None
    except bp.TrainingDiverged as e:
        costs = e.history.losses.tolist()
        case["diverged"] = e.epoch
    case["costs"] = costs
    case["W_final"] = [tolist(W) for W in net.weights]
    case["b_final"] = [tolist(b[:, 0]) for b in net.biases]
    return case


def training_cases():
    Xc, yc = bp.datasets.moons(40, noise=0.2, seed=1)
    Xr, yr = bp.datasets.regression_curve(30, noise=0.1, seed=1)
    cases = []
    for act in ACTIVATIONS:
        for hidden in DEPTHS:
            cases.append(run_case(hidden, act, "bce", "sigmoid", Xc, yc, lr=0.5))
            cases.append(run_case(hidden, act, "mse", act, Xr, yr, lr=0.1))
    # mini-batches: the order comes from the network's generator (seeded)
    for act, batch, seed in [("relu", 16, 0), ("tanh", 7, 4), ("sigmoid", 1, 9)]:
        cases.append(run_case((6, 4), act, "bce", "sigmoid", Xc, yc, lr=0.3, seed=seed,
                              batch_size=batch, epochs=15))
    cases.append(run_case((5,), "tanh", "mse", "identity", Xr, yr, lr=0.05, seed=2, batch_size=8,
                          epochs=15))
    # several classes: a softmax output of K units with the cross-entropy, labels 0..K-1
    X3, y3 = bp.datasets.spirals(45, noise=0.1, seed=1, classes=3)
    X4, y4 = bp.datasets.blobs(48, separation=2.0, noise=0.8, seed=1, classes=4)
    for act in ["relu", "tanh", "sigmoid"]:
        for hidden in DEPTHS:
            cases.append(run_case(hidden, act, "cross_entropy", "softmax", X3, y3, lr=0.5, K=3))
            cases.append(run_case(hidden, act, "cross_entropy", "softmax", X4, y4, lr=0.3, K=4))
    cases.append(run_case((5,), "tanh", "cross_entropy", "softmax", Xc, yc, lr=0.5, K=2))
    for act, batch, seed, (X, y, K) in [("relu", 16, 0, (X3, y3, 3)), ("tanh", 7, 4, (X4, y4, 4)),
                                        ("sigmoid", 1, 9, (X3, y3, 3))]:
        cases.append(run_case((6, 4), act, "cross_entropy", "softmax", X, y, lr=0.2, seed=seed,
                              batch_size=batch, epochs=15, K=K))
    # a run that diverges (the curve at learning rate 3, as chapter 7 shows)
    Xd, yd = bp.datasets.regression_curve(100, noise=0.1, seed=0)
    cases.append(run_case((8, 8), "relu", "mse", "identity", Xd, yd, lr=3.0, epochs=300))
    return cases


def init_cases():
    """bp.MLP's initial weights for several shapes, seeds and schemes (the page rebuilds them)."""
    cases = []
    for sizes, acts in [([2, 8, 8, 1], ["relu", "relu", "sigmoid"]),
                        ([2, 1], ["sigmoid"]),
                        ([1, 3, 8, 1], ["tanh", "relu", "identity"]),
                        ([2] + [MAX_WIDTH] * MAX_HIDDEN + [1], ["sigmoid"] * MAX_HIDDEN + ["sigmoid"]),
                        ([2, 8, 8, 3], ["relu", "relu", "softmax"]),
                        ([2] + [MAX_WIDTH] * MAX_HIDDEN + [MAX_CLASSES],
                         ["tanh"] * MAX_HIDDEN + ["softmax"])]:
        loss = "cross_entropy" if acts[-1] == "softmax" else "mse"
        for seed in (0, 3, 9):
            for init in bp.init.SCHEMES:
                net = bp.MLP(sizes, acts, loss, seed=seed, init=init)
                cases.append({"sizes": sizes, "activations": acts, "seed": seed, "init": init,
                              "W": [tolist(W) for W in net.weights]})
    return cases


def softmax_cases():
    """The package's softmax and cross-entropy cost of logits Z far out (|z| up to 1000,
    where e^z overflows), for the engine's own functions."""
    cases = []
    for Z, labels in [([[1000.0, -1000.0, 0.5], [0.0, 999.0, 0.25], [-1000.0, 1000.0, 0.0]],
                       [0, 1, 2]),
                      ([[710.0, -745.0], [709.0, 0.0], [1.0, 745.0], [-3.0, 2.0]], [3, 0]),
                      ([[1e-3, 2.0, -4.0, 30.0], [2e-3, -1.0, 4.0, -30.0]], [1, 0, 1, 1])]:
        Z = np.array(Z)
        K, m = Z.shape
        Y = np.zeros((K, m))
        Y[labels, np.arange(m)] = 1.0
        A = bp.ACTIVATIONS["softmax"].forward(Z)
        cost = bp.losses.get("cross_entropy").cost(Z, A, Y)
        assert np.all(np.isfinite(A)) and np.isfinite(cost)
        cases.append({"Z": tolist(Z), "labels": labels, "A": tolist(A), "cost": cost})
    return cases


def error_cases():
    """The package's errors for a softmax or a cross-entropy that cannot work, word for word."""
    X, y = bp.datasets.spirals(6, noise=0.1, seed=0, classes=3)
    cases = []
    for sizes, acts, loss, labels in [
            ([2, 3], ["sigmoid"], "cross_entropy", y), ([2, 4, 3], ["tanh", "identity"], "cross_entropy", y),
            ([2, 3], ["softmax"], "mse", y), ([2, 4, 3], ["relu", "softmax"], "bce", y),
            ([2, 1], ["softmax"], "cross_entropy", y), ([2, 4, 1], ["relu", "softmax"], "cross_entropy", y),
            ([2, 4, 3], ["softmax", "softmax"], "cross_entropy", y),
            ([2, 1], ["identity"], "bce", y % 2),
            ([2, 3], ["softmax"], "cross_entropy", np.array([0, 1, 2, 3, 1, 0.0])),
            ([2, 4, 3], ["relu", "softmax"], "cross_entropy", np.array([0, -1, 2, 1, 5, 0.0])),
            ([2, 2], ["softmax"], "cross_entropy", np.array([0, 1, 0.5, 1, 1, 0]))]:
        try:
            bp.MLP(sizes, acts, loss, seed=0).fit(X, labels, lr=0.1, epochs=1)
        except ValueError as e:
            cases.append({"sizes": sizes, "activations": acts, "loss": loss, "X": tolist(X),
                          "y": tolist(labels), "message": str(e)})
        else:
            raise AssertionError(f"the package accepts {sizes} {acts} {loss}")
    return cases


# Bad settings for the playground, as the page's controls give them (text, as typed).
BAD_SETTINGS = [
    {"hidden": "0"}, {"hidden": "8, 0"}, {"hidden": "8, , 8"}, {"hidden": "8, x"},
    {"hidden": "300"}, {"hidden": "8, 8, 8, 8, 8, 8, 8, 8, 8"},
    {"lr": 0.0}, {"lr": -1.0}, {"lr": -0.25}, {"lr": 1e-05 * -1}, {"lr": float("inf")},
    {"lr": float("nan")}, {"lr": "abc"},
    {"output": "identity"}, {"output": "relu"}, {"output": "tanh"},
    {"data": "curve", "loss": "bce", "output": "sigmoid"},
    {"epochs": 0}, {"epochs": -3}, {"epochs": 200_000},
    {"batch_size": "500"}, {"batch_size": "0"}, {"batch_size": "x"},
    {"init": "uniform"}, {"init": "normal"},
    # several classes: softmax and cross-entropy, each with its output named
    {"data": "spirals3", "loss": "bce", "output": "sigmoid"},
    {"data": "blobs3", "loss": "mse", "output": "identity"},
    {"output": "softmax", "loss": "bce"}, {"output": "softmax", "loss": "mse"},
    {"loss": "cross_entropy", "output": "sigmoid"},
    {"data": "spirals3", "loss": "cross_entropy", "output": "tanh"},
    {"data": "curve", "loss": "cross_entropy", "output": "identity"},
    {"data": "curve", "loss": "mse", "output": "softmax"},
    {"data": "curve", "loss": "cross_entropy", "output": "softmax"},
]


def message_cases():
    cases = []
    for change in BAD_SETTINGS:
        change = dict(change)
        data = change.pop("data", "moons")
        pg = bp.widgets.playground(data, epochs=1)  # a short first run; the change then fails
        pg.set(**{"epochs": 300, **change})
        assert pg.error is not None, change
        K = classes_of(pg.y, pg.problem)
        shown = {k: repr(v) if isinstance(v, float) and not np.isfinite(v) else v
                 for k, v in change.items()}
        cases.append({"data": data, "classes": 2 if K is None else K, "change": shown,
                      "message": pg.error})
    return cases


def diverged_message_case():
    """The Python playground's status line for a run that diverges (curve, lr 3)."""
    pg = bp.widgets.playground("curve", lr=3.0)
    return {"data": "curve", "lr": 3.0, "diverged_at": pg.result.diverged_at,
            "message": pg.message}


def fixtures():
    return {"note": "written by scripts/js_fixtures.py from the backprop package; do not edit",
            "training": training_cases(), "init": init_cases(),
            "softmax": softmax_cases(), "errors": error_cases(),
            "messages": message_cases(), "diverged_message": diverged_message_case()}


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f8").tobytes()).decode()


M128 = (1 << 128) - 1
PCG_MULT = (2549297995355413924 << 64) + 4865540595714422341  # PCG64's multiplier


def seed_data(seed):
    """The first N_NORMALS standard normals of default_rng(seed), its PCG64 state before them,
    and ``extra``: [k, n] for each normal k that used n 64-bit outputs more than one (the
    ziggurat sometimes does), so that the page's generator continues where bp.MLP's does."""
    rng = np.random.default_rng(seed)
    start = rng.bit_generator.state["state"]
    state, extra, z = start["state"], [], []
    for _ in range(N_NORMALS):
        z.append(rng.standard_normal())
        target, steps = rng.bit_generator.state["state"]["state"], 0
        while state != target:
            assert steps < 1000, "the PCG64 step here is not NumPy's"
            state, steps = (state * PCG_MULT + start["inc"]) & M128, steps + 1
        if steps != 1:
            extra.append([len(z) - 1, steps - 1])
    assert rng.bit_generator.state["has_uint32"] == 0
    return {"normals": b64(z), "state": str(start["state"]), "inc": str(start["inc"]),
            "extra": extra}


def page_data():
    data = {}
    for name, (make, m, noises, default, call) in DATASETS.items():
        assert default in noises
        call = call or f"bp.datasets.{make.__name__}({m}, noise={{noise}}, seed=0)"
        sets, classes = {}, None
        for noise in noises:
            X, y = eval(call.format(noise=repr(noise)), {"bp": bp})  # the call the page shows
            sets[repr(noise)] = {"X": b64(X), "y": b64(y)}
            if make is not bp.datasets.regression_curve:
                classes = int(y.max()) + 1
                assert classes <= MAX_CLASSES and set(y) == set(range(classes))
        data[name] = {"m": m, "n0": X.shape[1], "noises": noises, "default": default,
                      "call": call, "classes": classes, "sets": sets}
    payload = {"datasets": data, "seeds": {seed: seed_data(seed) for seed in SEEDS},
               "maxWidth": MAX_WIDTH,
               "maxHidden": MAX_HIDDEN}
    return ("// Written by scripts/js_fixtures.py from the backprop package; do not edit.\n"
            "// The playground page's data sets and the normal draws of its initial weights.\n"
            "(function (root, data) {\n"
            '  if (typeof module === "object" && module.exports) module.exports = data;\n'
            "  else root.PlaygroundData = data;\n"
            '})(typeof self !== "undefined" ? self : this, '
            + json.dumps(payload, separators=(",", ":")) + ");\n")


def outputs():
    return {FIXTURES: json.dumps(fixtures(), indent=None, separators=(",", ":")) + "\n",
            PAGE_DATA: page_data()}


def main(argv):
    check = "--check" in argv
    stale = []
    for path, text in outputs().items():
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)} ({len(text) / 1e3:.0f} kB)")
    if stale:
        sys.exit(f"error: {', '.join(stale)} differ(s) from what scripts/js_fixtures.py writes; "
                 "run it and commit the result")


if __name__ == "__main__":
    main(sys.argv[1:])
