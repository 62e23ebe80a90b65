// The page's engine against the package: `node --test tests/js` (tests/test_js_engine.py runs it).
//
// tests/js/fixtures.json is written by scripts/js_fixtures.py with bp.MLP and fit (never by
// hand): for every activation and loss at several depths, the data, the initial W and b,
// J per epoch and the final parameters.  From the same data and initial parameters the
// engine must give every J to a relative 1e-9 and the final parameters to 1e-9.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, test } from "node:test";

import engine from "../../scripts/assets/engine.js";
import core from "../../scripts/assets/playground-core.js";
import npy from "../../scripts/assets/npy-random.js";
import pageData from "../../scripts/assets/playground-data.js";

const fixtures = JSON.parse(readFileSync(new URL("./fixtures.json", import.meta.url)));
const RTOL = 1e-9;

function relDiff(a, b) {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

function maxRelDiffDeep(a, b, path = "") {  // the largest relative difference of two nested arrays
  if (typeof a === "number") return relDiff(a, b);
  assert.equal(a.length, b.length, `length of ${path}`);
  return Math.max(0, ...Array.from(a, (v, i) => maxRelDiffDeep(v, b[i], `${path}[${i}]`)));
}

function name(c) {
  return `${c.sizes.join("-")} ${c.activations.join(",")} ${c.loss} lr=${c.lr}` +
    (c.batch_size ? ` batch=${c.batch_size} seed=${c.seed}` : "");
}

// Mini-batch runs need NumPy's order: the page's generator after bp.MLP's initial weights.
function trainMiniBatch(c) {
  const { rng } = npy.initialParams(c.sizes, c.activations, pageData.seeds[c.seed]);
  const run = new engine.Run({ activations: c.activations, loss: c.loss, W: c.W, b: c.b, X: c.X, y: c.y, lr: c.lr });
  for (let e = 0; e < c.epochs && !run.diverged; e++) run.epoch(rng.permutation(c.X.length), c.batch_size);
  if (!run.diverged) run.costs.push(run.cost());
  return { costs: run.costs, ...run.params(), diverged: run.diverged };
}

let worst = 0;

for (const c of fixtures.training) {
  test(`engine equals MLP.fit: ${name(c)}`, () => {
    const out = c.batch_size
      ? trainMiniBatch(c)
      : engine.train({ sizes: c.sizes, activations: c.activations, loss: c.loss, W: c.W, b: c.b,
        X: c.X, y: c.y, lr: c.lr, epochs: c.epochs });
    assert.equal(out.costs.length, c.costs.length, "number of costs");
    if (c.diverged === null) {
      assert.equal(out.diverged, null);
      assert.equal(out.costs.length, c.epochs + 1);
    } else {
      assert.equal(out.diverged.epoch, c.diverged, "the epoch where J became infinite");
    }
    const dCost = maxRelDiffDeep(out.costs, c.costs, "costs");
    const dW = maxRelDiffDeep(out.W, c.W_final, "W");
    const db = maxRelDiffDeep(out.b, c.b_final, "b");
    worst = Math.max(worst, dCost);
    assert.ok(dCost <= RTOL, `costs differ by ${dCost}`);
    assert.ok(dW <= RTOL && db <= RTOL, `final parameters differ by ${dW}, ${db}`);
  });
}

test("the fixtures cover every activation, the three losses, four depths, mini-batches and a divergence", () => {
  const acts = new Set(fixtures.training.flatMap((c) => c.activations));
  assert.deepEqual([...acts].sort(), ["identity", "relu", "sigmoid", "softmax", "tanh"]);
  assert.deepEqual([...new Set(fixtures.training.map((c) => c.loss))].sort(), ["bce", "cross_entropy", "mse"]);
  assert.ok(new Set(fixtures.training.map((c) => c.sizes.length)).size >= 4);
  assert.ok(fixtures.training.some((c) => c.batch_size));
  assert.ok(fixtures.training.some((c) => c.diverged !== null));
  // the softmax nets: K = 2, 3 and 4 output units, four depths, three hidden activations, mini-batches
  const soft = fixtures.training.filter((c) => c.loss === "cross_entropy");
  assert.deepEqual([...new Set(soft.map((c) => c.sizes[c.sizes.length - 1]))].sort(), [2, 3, 4]);
  assert.ok(new Set(soft.map((c) => c.sizes.length)).size >= 4);
  assert.deepEqual([...new Set(soft.flatMap((c) => c.activations.slice(0, -1)))].sort(), ["relu", "sigmoid", "tanh"]);
  assert.ok(soft.filter((c) => c.batch_size).length >= 3);
});

test("the softmax and the cross-entropy are the package's far out (|z| up to 1000), finite", () => {
  const ce = engine.LOSSES.cross_entropy;
  for (const c of fixtures.softmax) {
    const Z = c.Z.map((row) => Float64Array.from(row)), K = Z.length;
    const A = engine.softmax(Z);
    assert.ok(A.every((row) => row.every(Number.isFinite)), `softmax of ${JSON.stringify(c.Z)} is not finite`);
    const dA = maxRelDiffDeep(A.map((r) => Array.from(r)), c.A, "A");
    assert.ok(dA <= RTOL, `softmax differs from the package's by ${dA}`);
    const J = ce.cost(Z, A, ce.targets(c.labels, K));
    assert.ok(Number.isFinite(J) && relDiff(J, c.cost) <= RTOL, `cross-entropy ${J}, the package's ${c.cost}`);
  }
  assert.ok(fixtures.softmax.some((c) => c.Z.flat().some((z) => Math.abs(z) >= 1000)));
});

test("softmax and cross-entropy that cannot work get the package's message, word for word", () => {
  for (const c of fixtures.errors) {
    const W = c.sizes.slice(1).map((n, l) => Array.from({ length: n }, () => new Array(c.sizes[l]).fill(0.1)));
    const b = c.sizes.slice(1).map((n) => new Array(n).fill(0));
    const args = { sizes: c.sizes, activations: c.activations, loss: c.loss, W, b, X: c.X, y: c.y, lr: 0.1, epochs: 1 };
    assert.throws(() => engine.train(args), (e) => {
      assert.equal(e.message, c.message, `${c.sizes} ${c.activations} ${c.loss}`);
      return true;
    });
  }
  assert.ok(fixtures.errors.length >= 8);
});

test("the page's initial weights are bp.MLP's, bit for bit", () => {
  for (const c of fixtures.init) {
    const { W } = npy.initialParams(c.sizes, c.activations, pageData.seeds[c.seed], c.init);
    assert.deepEqual(W, c.W, `${c.sizes} seed ${c.seed} init ${c.init}`);
  }
  assert.deepEqual([...new Set(fixtures.init.map((c) => c.init))].sort(), [...core.INIT_NAMES].sort());
  for (const c of fixtures.training.filter((t) => t.batch_size)) {
    assert.deepEqual(npy.initialParams(c.sizes, c.activations, pageData.seeds[c.seed]).W, c.W);
  }
});

test("the page's messages for bad settings are the Python playground's, word for word", () => {
  const limits = { maxWidth: 1000, maxHidden: 1000, seeds: [0] };  // only the Python checks
  for (const c of fixtures.messages) {
    const s = { ...core.DEFAULTS };
    for (const [k, v] of Object.entries(c.change)) {
      const key = { hidden: "hidden", lr: "lr", output: "output", loss: "loss", epochs: "epochs",
        batch_size: "batch", init: "init" }[k];
      s[key] = String(v);
    }
    const problem = c.data === "curve" ? "regression" : "classification";
    const m = pageData.datasets[c.data].m;
    assert.throws(() => core.checkSettings(s, problem, m, limits, c.classes), (e) => {
      assert.equal(e.message, c.message, JSON.stringify(c.change));
      return true;
    });
  }
  assert.ok(fixtures.messages.length >= 20);
});

test("the divergence message is the Python playground's", () => {
  const c = fixtures.diverged_message;
  const d = pageData.datasets.curve, set = d.sets[core.pyRepr(d.default)];
  const X = Array.from(npy.decode(set.X), (v) => [v]), y = Array.from(npy.decode(set.y));
  const s = { ...core.DEFAULTS, data: "curve", lr: String(c.lr) };
  const k = core.checkSettings(s, "regression", X.length, null);
  const sizes = [1, ...k.hidden, 1], acts = [...k.activations, k.output];
  const { W, b } = npy.initialParams(sizes, acts, pageData.seeds[k.seed]);
  const out = engine.train({ sizes, activations: acts, loss: k.loss, W, b, X, y, lr: k.lr, epochs: k.epochs });
  assert.equal(out.diverged.epoch, c.diverged_at);
  assert.equal(core.divergedText(out.diverged.epoch, out.costs, k.lr), c.message);
});

test("train refuses bad input with a message that names the problem", () => {
  const c = fixtures.training.find((t) => t.sizes.length === 3 && t.loss === "bce" && !t.batch_size);
  const good = { sizes: c.sizes, activations: c.activations, loss: c.loss, W: c.W, b: c.b, X: c.X, y: c.y,
    lr: c.lr, epochs: 2 };
  const cases = [
    [{ loss: "hinge" }, /unknown loss "hinge"/], [{ activations: ["relu"] }, /activations has 1 names/],
    [{ lr: 0 }, /learning rate must be a positive/], [{ lr: NaN }, /learning rate/],
    [{ epochs: 1.5 }, /epochs must be a whole number/], [{ y: c.y.slice(1) }, /y has \d+ targets/],
    [{ W: [c.W[0].slice(1), ...c.W.slice(1)] }, /W\[0\] \(the book's W\[1\]\) must have/],
    [{ X: c.X.map((r) => [r[0]]) }, /X must have m >= 1 rows of n_0 = 2/],
  ];
  for (const [change, message] of cases) {
    assert.throws(() => engine.train({ ...good, ...change }), message, JSON.stringify(Object.keys(change)));
  }
  assert.equal(engine.train(good).costs.length, 3);
});

test("several classes: the page's defaults, its checks, and the network and Python they give", () => {
  const limits = { maxWidth: 8, maxHidden: 6, seeds: [0] };
  const d = pageData.datasets.spirals3;
  assert.equal(d.classes, 3);
  assert.equal(pageData.datasets.blobs3.classes, 3);
  assert.equal(pageData.datasets.moons.classes, 2);
  const k = core.checkSettings({ ...core.DEFAULTS, data: "spirals3" }, "classification", d.m, limits, 3);
  assert.deepEqual([k.loss, k.output, k.K], ["cross_entropy", "softmax", 3]);
  const two = core.checkSettings({ ...core.DEFAULTS, output: "softmax", loss: "cross_entropy" }, "classification", 200, limits, 2);
  assert.equal(two.K, 2);  // a softmax over two units for two classes, if chosen
  assert.equal(core.checkSettings({ ...core.DEFAULTS }, "classification", 200, limits, 2).K, 1);
  const bad = [
    [{ loss: "bce" }, 3, /these data have 3 classes \(labels 0..2\): the log loss with one output unit/],
    [{ loss: "mse" }, 3, /these data have 3 classes \(labels 0..2\): the squared error with one output unit/],
    [{ output: "softmax", loss: "bce" }, 2, /a 'softmax' output layer needs loss='cross_entropy'/],
    [{ output: "sigmoid", loss: "cross_entropy" }, 3, /loss='cross_entropy': the cross-entropy needs a probability for each class/],
    [{ act: "softmax" }, 3, /activation of hidden layer 1: unknown 'softmax'/],
  ];
  for (const [change, classes, message] of bad) {
    assert.throws(() => core.checkSettings({ ...core.DEFAULTS, ...change }, "classification", 240, limits, classes), message);
  }
  assert.throws(() => core.checkSettings({ ...core.DEFAULTS, loss: "cross_entropy" }, "regression", 100, limits),
    /a softmax output gives class probabilities; a curve needs numbers/);
  assert.deepEqual(core.parsePoints("0.5,1,2;1,1,3;0,0,1.5", 3), [[0.5, 1, 2]]);
  assert.deepEqual(core.parsePoints("0.5,1,2", 2), []);
  // the page's network for spirals3 trains, and its Python names the same data and network
  const code = core.pythonCode({ call: d.call.replace("{noise}", core.pyRepr(d.default)), points: [], split: 5,
    checked: k, n0: 2, epochs: 3 });
  assert.match(code, /^X, y = bp\.datasets\.spirals\(300, noise=0\.05, seed=0, classes=3\)$/m);
  assert.match(code, /^net = bp\.MLP\(\[2, 8, 8, 3\], \['relu', 'relu', 'softmax'\], 'cross_entropy', seed=0\)$/m);
  assert.equal(pageData.datasets.blobs3.call, "bp.datasets.blobs(300, separation=3.0, noise={noise}, seed=0, classes=3)");
});

test("Python's number formats", () => {
  const cases = [[0.5, "0.5"], [3, "3.0"], [-1e-5, "-1e-05"], [1e16, "1e+16"], [1.5e-7, "1.5e-07"],
    [0.0001, "0.0001"], [123456789.0, "123456789.0"], [Infinity, "inf"], [NaN, "nan"]];
  for (const [x, r] of cases) assert.equal(core.pyRepr(x), r);
  const g = [[3, "3"], [0.3, "0.3"], [2.4e14, "2.4e+14"], [1e-5, "1e-05"], [123456.7, "123457"],
    [1234567, "1.23457e+06"], [0.00012345678, "0.000123457"]];
  for (const [x, r] of g) assert.equal(core.formatG(x), r);
  assert.equal(core.formatG(0.693147, 3), "0.693");
  assert.equal(core.formatG(241234567890123, 3), "2.41e+14");
});

test("a configuration survives the address", () => {
  const s = { ...core.DEFAULTS, data: "xor", hidden: "4, 3", act: "tanh, relu", lr: "0.03", seed: "7",
    batch: "10", split: "20", pts: "0.5,-1.25,1;1,2,0" };
  assert.deepEqual(core.fromHash(`#${core.toHash(s)}`), s);
  assert.deepEqual(core.parsePoints(s.pts), [[0.5, -1.25, 1], [1, 2, 0]]);
});

after(() => {  // a report line for the reader of the test log (the checks are above)
  console.log(`engine vs package: max relative difference of J over ${fixtures.training.length} runs = ${worst}`);
});
