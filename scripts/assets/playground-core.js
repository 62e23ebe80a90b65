// The live playground's logic without the page: its settings and their checks (worded as
// the notebook's playground words them, backprop/widgets/_playground_core.py), the
// status line, the configuration in the address, and the Python that reproduces a run.
// Loaded by a classic <script> it defines window.PlaygroundCore; Node imports it for the tests.
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.PlaygroundCore = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  const ACTIVATION_NAMES = ["sigmoid", "relu", "tanh", "identity"];  // a hidden layer's
  const OUTPUT_NAMES = [...ACTIVATION_NAMES, "softmax"];  // bp.ACTIVATIONS: the softmax only as output
  const OUTPUTS = ["sigmoid", "identity", "tanh", "relu", "softmax"];  // the output menu's order
  const LOSS_NAMES = { bce: "log loss", mse: "squared error", cross_entropy: "cross-entropy" };
  const DEFAULT_OUTPUT = { bce: "sigmoid", mse: "identity", cross_entropy: "softmax" };
  const REGRESSION_DATA = ["curve"];
  const SPLITS = { 0: null, 20: 5, 50: 2 };
  // backprop/init.py: SCHEMES, the initial weights' scale (chapter 10); the page offers the names
  const INIT_NAMES = ["auto", "he", "lecun", "glorot", "zeros"];  // test share in % -> every k-th point is a test point

  const DEFAULTS = {
    data: "moons", noise: null, hidden: "8, 8", act: "relu", output: "", loss: "",
    lr: "0.5", epochs: "300", batch: "all", seed: "0", split: "0", pts: "", init: "auto",
  };

  // ---- Python's formatting of numbers and strings, for messages worded as Python's
  function pyRepr(x) {  // repr(float)
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
    const [mant, e] = x.toExponential().split("e");
    const exp = Number(e);
    if (exp < -4 || exp >= 16) {
      return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
    }
    const s = String(x);
    return s.includes(".") ? s : `${s}.0`;
  }

  function formatG(x, p = 6) {  // f"{x:.{p}g}"
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (x === 0) return Object.is(x, -0) ? "-0" : "0";
    const [mant, e] = x.toExponential(p - 1).split("e");
    const exp = Number(e);
    const strip = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
    if (exp < -4 || exp >= p) return `${strip(mant)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
    return strip(x.toFixed(Math.max(0, p - 1 - exp)));
  }

  function pyStr(s) {  // repr(str)
    const q = s.includes("'") && !s.includes('"') ? '"' : "'";
    return q + s.replace(/\\/g, "\\\\").replace(new RegExp(q, "g"), `\\${q}`) + q;
  }

  function pyValue(v) {  // repr of what a control holds: a str, an int or a float
    if (typeof v === "string") return pyStr(v);
    return Number.isInteger(v) && !v.isFloat ? String(v) : pyRepr(v);
  }

  // Text as Python's float() reads it (None if it is not a number).
  function parseFloatText(text) {
    const t = String(text).trim().toLowerCase();
    if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
    if (/^[+-]?nan$/.test(t)) return NaN;
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
    return null;
  }

  // ---- the checks of check_settings, with its messages
  function parseHidden(text) {  // parse_hidden, for text
    let t = text.trim();
    t = t.replace(/^[()[\]]+/, "").replace(/[()[\]]+$/, "");
    let items = t.split(",").map((s) => s.trim());
    if (items.length === 1 && items[0] === "") return [];
    if (items[items.length - 1] === "" && items.length > 1) items = items.slice(0, -1);
    items.forEach((s, i) => {
      if (s === "") {
        throw new Error(`hidden layer sizes ${pyStr(text)}: layer ${i + 1} is empty; write the sizes separated ` +
          "by commas, e.g. 8, 8 (leave the box empty for no hidden layer)");
      }
      if (!/^\d+$/.test(s.replace(/^[+-]+/, ""))) {
        throw new Error(`hidden layer sizes ${pyStr(text)}: ${pyStr(s)} is not a whole number; write the sizes ` +
          "separated by commas, e.g. 8, 8");
      }
    });
    const sizes = items.map((s) => parseInt(s.replace(/^\+/, ""), 10));
    sizes.forEach((n, i) => {
      if (n < 1) throw new Error(`hidden layer ${i + 1} has ${n} units; a layer needs at least 1 unit`);
      if (n > 256) throw new Error(`hidden layer ${i + 1} has ${n} units; the playground allows at most 256`);
    });
    if (sizes.length > 8) throw new Error(`${sizes.length} hidden layers; the playground allows at most 8`);
    return sizes;
  }

  function parseActivations(value, nHidden) {  // parse_activations
    let names = value.split(",").map((s) => s.trim());
    if (nHidden === 0) return [];
    if (names.length === 1) names = new Array(nHidden).fill(names[0]);
    if (names.length !== nHidden) {
      throw new Error(`activations: ${names.length} names for ${nHidden} hidden layer(s); give one name for ` +
        "all of them or one per hidden layer, e.g. relu, tanh");
    }
    names.forEach((n, i) => {
      if (!ACTIVATION_NAMES.includes(n)) {
        throw new Error(`activation of hidden layer ${i + 1}: unknown ${pyStr(n)}; choose from ` +
          ACTIVATION_NAMES.join(", "));
      }
    });
    return names;
  }

  function parseBatch(value, m) {  // parse_batch_size, for text
    const t = String(value).trim();
    if (["", "all", "none"].includes(t.toLowerCase())) return null;
    if (!/^\d+$/.test(t)) throw new Error(`batch size ${pyStr(String(value))}: write a whole number, or 'all' for full batch`);
    const n = parseInt(t, 10);
    if (n < 1) throw new Error(`batch size must be at least 1, got ${n}`);
    if (n > m) throw new Error(`batch size ${n} is larger than the m = ${m} examples; use at most ${m} ('all' is full batch)`);
    return n;
  }

  function checkLearningRate(text) {  // check_learning_rate, for what a number box holds
    const lr = parseFloatText(text);
    if (lr === null) throw new Error(`the learning rate must be a real number, got ${pyStr(String(text))}`);
    if (!Number.isFinite(lr) || lr <= 0) throw new Error(`the learning rate must be a positive, finite number, got lr = ${pyRepr(lr)}`);
    return lr;
  }

  function checkEpochs(text) {  // check_positive_int(epochs) and the playground's limit
    const t = String(text).trim();
    if (!/^[+-]?\d+$/.test(t)) throw new Error(`epochs must be an integer, got ${pyStr(String(text))}`);
    const n = parseInt(t, 10);
    if (n < 1) throw new Error(`epochs must be at least 1, got ${n}`);
    return n;
  }

  // The loss the page picks: the log loss for two classes, the cross-entropy (softmax over K
  // units) for more, the squared error for a curve.
  function defaultLoss(problem, classes = 2) {
    if (problem !== "classification") return "mse";
    return classes > 2 ? "cross_entropy" : "bce";
  }

  // The settings (the page's strings) checked against the data; throws with the message.
  // limits: {maxWidth, maxHidden, seeds}: what this page can rebuild of bp.MLP's weights.
  // classes: the data's number of classes K (2 for two classes; ignored for a curve).
  // Returns K, the output layer's units: K for the softmax, else 1.
  function checkSettings(s, problem, m, limits, classes = 2) {
    const hidden = parseHidden(s.hidden);
    const acts = parseActivations(s.act, hidden.length);
    const loss = s.loss === "" ? defaultLoss(problem, classes) : s.loss;
    if (!(loss in LOSS_NAMES)) {
      throw new Error(`unknown loss ${pyStr(loss)}; choose ${Object.entries(LOSS_NAMES).map(([k, v]) => `${pyStr(k)} (${v})`).join(", ")}`);
    }
    const output = s.output === "" ? DEFAULT_OUTPUT[loss] : s.output;
    if (!OUTPUT_NAMES.includes(output)) {
      throw new Error(`unknown output activation ${pyStr(output)}; choose from ${OUTPUT_NAMES.join(", ")}`);
    }
    // In the order and the words of the Python playground's check_settings
    // (backprop/widgets/playground_settings.py), which uses the package's messages.
    if (output === "softmax" && problem === "regression") {
      throw new Error("a softmax output gives class probabilities; a curve needs numbers: " +
        "choose an identity output");
    }
    if (output === "softmax" && loss !== "cross_entropy") {
      throw new Error(`a 'softmax' output layer needs loss='cross_entropy' (its B1 takes the softmax's ` +
        `full Jacobian), not loss=${pyStr(loss)}`);
    }
    if (loss === "cross_entropy" && output !== "softmax") {
      throw new Error(`loss='cross_entropy': the cross-entropy needs a probability for each class, so the ` +
        `output layer's activation must be 'softmax', not ${pyStr(output)}`);
    }
    if (loss === "bce" && output !== "sigmoid") {
      throw new Error(`loss='bce': the log loss needs probabilities, so the output layer's activation must be ` +
        `'sigmoid', not ${pyStr(output)} (the log loss takes probabilities, which a sigmoid gives; ` +
        "or choose the squared error)");
    }
    if (loss === "bce" && problem === "regression") {
      throw new Error("the log loss needs labels 0 and 1, and the curve's targets are numbers: " +
        "choose the squared error for a curve");
    }
    if (problem === "classification" && classes > 2 && loss !== "cross_entropy") {
      throw new Error(`these data have ${classes} classes (labels 0..${classes - 1}): the ` +
        `${LOSS_NAMES[loss]} with one output unit can tell only two apart; choose the ` +
        "cross-entropy with a softmax output");
    }
    const lr = checkLearningRate(s.lr);
    const epochs = checkEpochs(s.epochs);
    const seed = Number(s.seed);
    if (!/^\d+$/.test(String(s.seed).trim())) throw new Error(`the seed must be a whole number >= 0, got ${pyStr(String(s.seed))}`);
    if (epochs > 100000) throw new Error(`epochs = ${epochs}: the playground trains at most 100000 epochs`);
    const batch = parseBatch(s.batch, m);
    const init = s.init === undefined || s.init === "" ? "auto" : s.init;
    if (!INIT_NAMES.includes(init)) {  // backprop.init.check_init's wording
      const hint = init === "normal" ? ' (for a fixed scale write ("normal", sigma))' : "";
      throw new Error(`unknown init ${pyStr(init)}${hint}; choose one of ${INIT_NAMES.map((n) => `"${n}"`).join(", ")} or ("normal", sigma)`);
    }
    // This page's own limits (the notebook's playground has none of these): the initial
    // weights it can rebuild exactly (see playground-data.js).
    if (limits) {
      hidden.forEach((n, i) => {
        if (n > limits.maxWidth) throw new Error(`hidden layer ${i + 1} has ${n} units; this page allows at most ${limits.maxWidth} (the notebook's playground up to 256)`);
      });
      if (hidden.length > limits.maxHidden) throw new Error(`${hidden.length} hidden layers; this page allows at most ${limits.maxHidden} (the notebook's playground up to 8)`);
      if (!limits.seeds.includes(seed)) throw new Error(`seed ${seed}: this page has the seeds ${limits.seeds[0]} to ${limits.seeds[limits.seeds.length - 1]} (the notebook's playground any seed >= 0)`);
    }
    const K = loss === "cross_entropy" ? classes : 1;
    return { hidden, activations: acts, output, loss, lr, epochs, batch, seed, init, K };
  }

  // ---- the status line (Playground.retrain's wording)
  const CONVERGED = "converged", NOT_CONVERGED = "did not converge", DIVERGED = "diverged";

  function verdict(losses, J) {  // backprop/runs.py: verdict
    // a rise within rounding (ROSE_RTOL, a relative 1e-9) is not divergence: a flat J may end an ulp up
    if (!Number.isFinite(J) || (losses.length && J > losses[0] * (1 + 1e-9))) return DIVERGED;
    const w = Math.max(2, Math.floor(losses.length / 10));
    if (losses.length >= w) {
      const win = [...losses.slice(-w), J];
      const lo = Math.min(...win), hi = Math.max(...win);
      if (hi - lo <= 0.01 * lo) return CONVERGED;
    }
    return NOT_CONVERGED;
  }

  function divergedText(at, losses, lr) {
    const last = losses.length ? formatG(losses[losses.length - 1], 3) : "its first value";
    return `diverged: at epoch ${at} the cost J became infinite (last finite J = ${last}); the learning ` +
      `rate ${formatG(lr)} is too large for this network: try a smaller one, e.g. ${formatG(lr / 10)}`;
  }

  // The share of points classified correctly, in the status line's words: for one output
  // unit the side of the boundary, for a softmax the predicted class.
  function accuracyText(accuracy, several) {
    return `${(100 * accuracy).toFixed(1)}% ${several ? "classified correctly" : "on the right side"}`;
  }

  function doneText(losses, J, epochs, lr, accuracy, several = false) {
    const v = verdict(losses, J);
    let text = `J = ${formatG(J, 3)} after ${epochs} epoch${epochs !== 1 ? "s" : ""}: ${v}`;
    if (v === DIVERGED) text += ` (J rose from ${formatG(losses[0], 3)}: the learning rate ${formatG(lr)} is too large; try a smaller one)`;
    else if (v === NOT_CONVERGED) text += " (J is still changing: more epochs, or another learning rate)";
    if (accuracy !== null) text += `; ${accuracyText(accuracy, several).replace("%", "% of the points")}`;
    return { text, verdict: v };
  }

  // ---- the configuration in the address: #data=moons&hidden=8,8&...
  function toHash(s) {
    const parts = [];
    for (const key of Object.keys(DEFAULTS)) {
      if (s[key] !== undefined && s[key] !== null && String(s[key]) !== String(DEFAULTS[key])) {
        parts.push(`${key}=${encodeURIComponent(String(s[key])).replace(/%2C/g, ",").replace(/%20/g, "+")}`);
      }
    }
    return parts.join("&");
  }

  function fromHash(hash) {
    const s = { ...DEFAULTS };
    for (const part of hash.replace(/^#/, "").split("&")) {
      const i = part.indexOf("=");
      if (i < 1) continue;
      const key = part.slice(0, i);
      if (key in DEFAULTS) s[key] = decodeURIComponent(part.slice(i + 1).replace(/\+/g, " "));
    }
    return s;
  }

  // The reader's points, "x1,x2,label;..." with two decimals: [[x1, x2, label], ...],
  // labels 0..classes-1
  function parsePoints(text, classes = 2) {
    if (!text) return [];
    return text.split(";").map((p) => p.split(",").map(Number))
      .filter((p) => p.length === 3 && p.every(Number.isFinite) && Number.isInteger(p[2]) && p[2] >= 0 && p[2] < classes);
  }

  // ---- the Python that reproduces the run: the same data, bp.MLP and fit
  function pythonCode({ call, points, split, checked, n0, epochs }) {
    const c = checked;
    const lines = ["import numpy as np", "", "import backprop as bp", "", `X, y = ${call}`];
    if (points.length) {
      lines.push("# the points you added");
      lines.push(`X = np.vstack([X, [${points.map((p) => `[${pyRepr(p[0])}, ${pyRepr(p[1])}]`).join(", ")}]])`);
      lines.push(`y = np.concatenate([y, [${points.map((p) => pyRepr(p[2])).join(", ")}]])`);
    }
    if (split) {
      lines.push(`test = np.arange(len(y)) % ${split} == ${split - 1}  # every ${split === 2 ? "second" : "fifth"} point`);
      lines.push("X_test, y_test, X, y = X[test], y[test], X[~test], y[~test]");
    }
    const sizes = [n0, ...c.hidden, c.K || 1];
    const acts = [...c.activations, c.output].map(pyStr).join(", ");
    const init = c.init && c.init !== "auto" ? `, init=${pyStr(c.init)}` : "";
    lines.push(`net = bp.MLP([${sizes.join(", ")}], [${acts}], ${pyStr(c.loss)}, seed=${c.seed}${init})`);
    const batch = c.batch === null ? "" : `, batch_size=${c.batch}`;
    lines.push(`history = net.fit(X, y, lr=${pyRepr(c.lr)}, epochs=${epochs}${batch})`);
    lines.push("print(history.losses[:3])  # J before epochs 0, 1 and 2");
    lines.push(`print(f"J = {net.cost(X, y):.6g} after ${epochs} epochs")`);
    if (split) lines.push('print(f"test points: J = {net.cost(X_test, y_test):.6g}")');
    return lines.join("\n");
  }

  return {
    ACTIVATION_NAMES, OUTPUT_NAMES, OUTPUTS, LOSS_NAMES, INIT_NAMES, DEFAULT_OUTPUT, REGRESSION_DATA, SPLITS, DEFAULTS,
    pyRepr, formatG, pyStr, pyValue, parseFloatText, parseHidden, parseActivations, parseBatch,
    defaultLoss, checkSettings, verdict, divergedText, accuracyText, doneText, toHash, fromHash, parsePoints, pythonCode,
    CONVERGED, NOT_CONVERGED, DIVERGED,
  };
});
