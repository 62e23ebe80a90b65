// The reference loop of backprop/reference.py, in JavaScript (float64: JavaScript's numbers).
//
// Line for line the loop of backprop.reference.forward_backward and the update of
// MLP.fit, with the book's names and equation tags (book/notation.md):
//   (F1) Z[l] = W[l] A[l-1] + b[l]     (F2) A[l] = g(Z[l])     (C) J = mean of the losses
//   (B1) dZ[L]    (B2) dZ[l-1] = (W[l]^T dZ[l]) * g'(Z[l-1])
//   (B3) dW[l] = dZ[l] A[l-1]^T        (B4) db[l] = row sums of dZ[l]
//   (U)  W[l] <- W[l] - lr dW[l],  b[l] <- b[l] - lr db[l]
// Examples are columns inside the loop (A[0] = X^T, shape (n_0, m)); a matrix is an array of
// rows.  Layers are numbered l = 1..L: index 0 of W, b, Z, dZ, ... is a placeholder.
//
// One file for the browser and for Node: loaded by a classic <script> it defines
// window.BackpropEngine (ES modules do not load from file:// in Chromium); imported by Node
// (`import engine from ".../engine.js"`, or require) it is a CommonJS module.
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.BackpropEngine = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // ---- matrices: arrays of rows, each a Float64Array
  function zeros(rows, cols) {
    const M = [];
    for (let i = 0; i < rows; i++) M.push(new Float64Array(cols));
    return M;
  }

  function transpose(M) {
    const T = zeros(M[0].length, M.length);
    for (let i = 0; i < M.length; i++) for (let j = 0; j < M[i].length; j++) T[j][i] = M[i][j];
    return T;
  }

  function matmul(P, Q) { // P (n, k) times Q (k, m)
    const n = P.length, k = Q.length, m = Q[0].length, R = zeros(n, m);
    for (let i = 0; i < n; i++) {
      const Ri = R[i], Pi = P[i];
      for (let t = 0; t < k; t++) {
        const p = Pi[t], Qt = Q[t];
        for (let j = 0; j < m; j++) Ri[j] += p * Qt[j];
      }
    }
    return R;
  }

  function matmulT(P, Q) { // P (n, m) times Q^T, Q (k, m): dot products of rows
    return P.map((Pi) => Float64Array.from(Q, (Qj) => {
      let s = 0;
      for (let t = 0; t < Pi.length; t++) s += Pi[t] * Qj[t];
      return s;
    }));
  }

  function map(M, f) { // f applied to every entry
    return M.map((row) => {
      const out = new Float64Array(row.length);
      for (let j = 0; j < row.length; j++) out[j] = f(row[j]);
      return out;
    });
  }

  function zip(P, Q, f) { // f applied to the entries of P and Q in pairs
    return P.map((row, i) => {
      const out = new Float64Array(row.length), q = Q[i];
      for (let j = 0; j < row.length; j++) out[j] = f(row[j], q[j]);
      return out;
    });
  }

  function plusColumn(M, c) { return M.map((row, i) => map([row], (v) => v + c[i])[0]); }  // M + c 1^T

  // NumPy's sum of a contiguous row: pairwise, in blocks of 128 with 8 partial sums
  // (numpy/core/src/umath/loops_utils.h), so that the sums below round as NumPy's do.
  function pairwiseSum(a, lo, n) {
    if (n < 8) {
      let s = 0;  // NumPy starts from -0.0 and adds; (+0) + x and (-0) + x differ only for x = -0
      for (let i = 0; i < n; i++) s += a[lo + i];
      return n === 0 ? 0 : s;
    }
    if (n <= 128) {
      const r = [];
      for (let k = 0; k < 8; k++) r.push(a[lo + k]);
      let i;
      for (i = 8; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] += a[lo + i + k];
      let s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) s += a[lo + i];
      return s;
    }
    let n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    return pairwiseSum(a, lo, n2) + pairwiseSum(a, lo + n2, n - n2);
  }

  function sum(a) { return pairwiseSum(a, 0, a.length); }

  // ---- activations g and g' (backprop/activations.py)
  function sigmoid(z) { return 1 / (1 + Math.exp(-z)); }  // e^-z may overflow to inf: 1/inf = 0

  // The softmax is not element-wise (each a_k depends on every z_j), so it maps whole columns:
  // a_k = e^{z_k - M} / sum_j e^{z_j - M} with M = max_j z_j, equal to e^{z_k} / sum_j e^{z_j}
  // and without overflow (every exponent <= 0, the sum >= 1).  It has no element-wise g'.
  function softmax(Z) {
    const K = Z.length, m = Z[0].length, A = zeros(K, m);
    for (let i = 0; i < m; i++) {
      let M = -Infinity, s = 0;
      for (let k = 0; k < K; k++) M = Math.max(M, Z[k][i]);
      for (let k = 0; k < K; k++) { A[k][i] = Math.exp(Z[k][i] - M); s += A[k][i]; }
      for (let k = 0; k < K; k++) A[k][i] /= s;
    }
    return A;
  }

  const ACTIVATIONS = {
    sigmoid: { g: sigmoid, prime: (z) => { const a = sigmoid(z); return a * (1 - a); } },
    relu: { g: (z) => (z > 0 ? z : 0), prime: (z) => (z > 0 ? 1 : 0) },  // ReLU'(0) = 0
    tanh: { g: Math.tanh, prime: (z) => 1 - Math.tanh(z) ** 2 },
    identity: { g: (z) => z, prime: () => 1 },
    softmax: { columns: softmax },  // output layer only, with the cross-entropy (see check)
  };

  // (F2) A = g(Z): entry by entry, or column by column for the softmax
  function activate(Z, name) {
    const g = ACTIVATIONS[name];
    return g.columns ? g.columns(Z) : map(Z, g.g);
  }

  // ---- losses: the cost J (C) and dZ[L] (B1) (backprop/losses.py)
  // Each loss: the output activation it needs (null: any) and the package's words for it,
  // its targets Y as columns (n_L, m) from the labels y, its cost J (C) and dZ[L] (B1).
  const asRow = (y) => [Float64Array.from(y)];  // one output unit: the targets as a row (1, m)
  const LOSSES = {
    bce: { // log loss with a sigmoid output: J from the logits, softplus((1 - 2y) z), no log(0)
      output: "sigmoid",
      description: "the log loss needs probabilities, so",
      targets: asRow,
      cost(Z, A, Y) {
        const m = Z[0].length, T = zip(Y, Z, (y, z) => (1 - 2 * y) * z);
        const big = T.some((t) => t.some((v) => !(v < 700)));  // NaN counts as big, as in NumPy
        // log1p(e^t) while e^t cannot overflow, else log(1 + e^t) = max(t, 0) + log1p(e^-|t|)
        const sp = big ? (t) => Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)))
          : (t) => Math.log1p(Math.exp(t));
        return sum(map(T, sp).reduce((all, row) => [...all, ...row], [])) / m;
      },
      delta(Z, A, Y) {
        const m = Z[0].length;
        return zip(A, Y, (a, y) => (a - y) / m);  // (B1) dZ[L] = (A[L] - Y) / m
      },
    },
    mse: { // squared error, not halved
      output: null,
      targets: asRow,
      cost(Z, A, Y) {
        const m = Z[0].length;
        let s = 0;
        for (let k = 0; k < A.length; k++) for (let i = 0; i < m; i++) s += (A[k][i] - Y[k][i]) ** 2;
        return s / m;
      },
      delta(Z, A, Y, g) {
        const m = Z[0].length;
        return zip(zip(A, Y, (a, y) => 2 * (a - y) / m), Z, (d, z) => d * g.prime(z));  // (B1)
      },
    },
    cross_entropy: { // -sum_k y_k log a_k, a = softmax(z), K >= 2 classes, Y one-hot (K, m)
      output: "softmax",
      description: "the cross-entropy needs a probability for each class, so",
      targets(y, K) {  // class labels 0..K-1 -> one-hot columns
        const Y = zeros(K, y.length);
        y.forEach((label, i) => { Y[label][i] = 1; });
        return Y;
      },
      // J from the logits by log-sum-exp, no log(0): with M = max_k z_k (at k = top),
      // -sum_k y_k log a_k = (M - sum_k y_k z_k) + log1p(sum_{k != top} e^{z_k - M})
      cost(Z, A, Y) {
        const K = Z.length, m = Z[0].length, per = new Float64Array(m);
        for (let i = 0; i < m; i++) {
          let top = 0;
          for (let k = 1; k < K; k++) if (Z[k][i] > Z[top][i]) top = k;  // argmax: the first largest
          const M = Z[top][i];
          let yz = 0, s = 0;
          for (let k = 0; k < K; k++) {
            yz += Y[k][i] * Z[k][i];
            if (k !== top) s += Math.exp(Z[k][i] - M);  // every exponent <= 0
          }
          per[i] = (M - yz) + Math.log1p(s);
        }
        return sum(per) / m;
      },
      delta(Z, A, Y) {
        const m = Z[0].length;
        return zip(A, Y, (a, y) => (a - y) / m);  // (B1) through the full softmax Jacobian
      },
    },
  };

  // ---- one forward and backward pass: reference.forward_backward, one line per equation
  function forwardBackward(W, b, activations, loss, X, Y) {
    const L = W.length - 1, cost = LOSSES[loss];             // W[l], b[l] for l = 1..L
    const g = [null, ...activations.map((name) => ACTIVATIONS[name])];
    const A = [X], Z = [null];                                 // A[0] = X^T, given as columns
    for (let l = 1; l <= L; l++) {
      Z.push(plusColumn(matmul(W[l], A[l - 1]), b[l]));         // (F1) Z[l] = W[l] A[l-1] + b[l]
      A.push(activate(Z[l], activations[l - 1]));              // (F2) A[l] = g(Z[l])
    }
    const J = cost.cost(Z[L], A[L], Y);                        // (C)  J = mean of the losses

    const dZ = new Array(L + 1), dW = new Array(L + 1), db = new Array(L + 1);
    dZ[L] = cost.delta(Z[L], A[L], Y, g[L]);                   // (B1) dZ[L], e.g. (A[L] - Y) / m
    for (let l = L; l >= 1; l--) {
      dW[l] = matmulT(dZ[l], A[l - 1]);                        // (B3) dW[l] = dZ[l] A[l-1]^T
      db[l] = Float64Array.from(dZ[l], sum);                   // (B4) db[l] = row sums of dZ[l]
      if (l > 1) {
        dZ[l - 1] = zip(matmul(transpose(W[l]), dZ[l]), Z[l - 1],
          (d, z) => d * g[l - 1].prime(z));                    // (B2)
      }
    }
    return { J, Z, A, dZ, dW, db };
  }

  // J alone (F1, F2, C), as MLP.fit computes it over all m examples for a mini-batch epoch
  function cost(W, b, activations, loss, X, Y) {
    let A = X;
    for (let l = 1; l < W.length; l++) {
      const Z = plusColumn(matmul(W[l], A), b[l]);            // (F1)
      if (l === W.length - 1) return LOSSES[loss].cost(Z, activate(Z, activations[l - 1]), Y);
      A = activate(Z, activations[l - 1]);                    // (F2)
    }
  }

  function update(W, b, dW, db, lr) {                          // (U), in place
    for (let l = 1; l < W.length; l++) {
      W[l].forEach((row, i) => row.forEach((w, j) => { row[j] = w - lr * dW[l][i][j]; }));
      b[l].forEach((v, i) => { b[l][i] = v - lr * db[l][i]; });
    }
  }

  // ---- a network being trained, epoch by epoch (MLP.fit's loop)
  class Run {
    // W[l - 1] is W[l] as an array of rows, b[l - 1] is b[l]; X has m rows of n_0 numbers.
    constructor({ activations, loss, W, b, X, y, lr }) {
      this.activations = activations;
      this.loss = loss;
      this.lr = lr;
      this.W = [null, ...W.map((Wl) => Wl.map((row) => Float64Array.from(row)))];
      this.b = [null, ...b.map((bl) => Float64Array.from(bl))];
      this.X = transpose(X.map((row) => Float64Array.from(row)));  // A[0] = X^T, (n_0, m)
      this.Y = LOSSES[loss].targets(y, W[W.length - 1].length);    // targets as columns (n_L, m)
      this.m = X.length;
      this.costs = [];      // costs[e]: J over all m examples before epoch e's first update
      this.diverged = null; // {epoch, reason} once J is not finite
    }

    columns(M, idx) { return M.map((row) => Float64Array.from(idx, (i) => row[i])); }

    // One epoch: full batch (order null) or one update per batch of `order`; returns J.
    epoch(order = null, batchSize = this.m) {
      if (this.diverged) return NaN;
      const e = this.costs.length;
      for (let start = 0; start < this.m; start += batchSize) {
        const idx = order && order.slice(start, start + batchSize);
        const Xb = order ? this.columns(this.X, idx) : this.X;
        const Yb = order ? this.columns(this.Y, idx) : this.Y;
        const t = forwardBackward(this.W, this.b, this.activations, this.loss, Xb, Yb);
        if (start === 0) { // the epoch's J, over all m examples, before its first update
          const J = order ? cost(this.W, this.b, this.activations, this.loss, this.X, this.Y) : t.J;
          if (!Number.isFinite(J)) {  // as MLP.fit: back to the parameters of the last finite J
            if (this.lastGood) [this.W, this.b] = this.lastGood;
            this.diverged = { epoch: e, reason: "the cost J became infinite" };
            return J;
          }
          this.costs.push(J);
          this.lastGood = [this.W.map((Wl) => Wl && Wl.map((r) => r.slice())),
            this.b.map((bl) => bl && bl.slice())];
        }
        update(this.W, this.b, t.dW, t.db, this.lr);  // (U)
      }
      return this.costs[e];
    }

    // J after the last update (the final entry of train's costs)
    cost() { return cost(this.W, this.b, this.activations, this.loss, this.X, this.Y); }

    trace() { return forwardBackward(this.W, this.b, this.activations, this.loss, this.X, this.Y); }

    params() {
      return { W: this.W.slice(1).map((Wl) => Wl.map((r) => Array.from(r))), b: this.b.slice(1).map((x) => Array.from(x)) };
    }
  }

  // Bad input: an Error that names the problem, before anything is computed.
  function check({ sizes, activations, loss, W, b, X, y, lr, epochs }) {
    const fail = (text) => { throw new Error(text); };
    const L = sizes.length - 1;
    if (!(loss in LOSSES)) fail(`unknown loss ${JSON.stringify(loss)}; valid losses: ${Object.keys(LOSSES).join(", ")}`);
    if (activations.length !== L) fail(`activations has ${activations.length} names but the network has ${L} layers`);
    activations.forEach((a) => { if (!(a in ACTIVATIONS)) fail(`unknown activation ${JSON.stringify(a)}; valid activations: ${Object.keys(ACTIVATIONS).join(", ")}`); });
    // the package's checks and words (backprop/validation.py: check_activation_names, check_loss)
    const out = activations[L - 1], spec = LOSSES[loss];
    activations.slice(0, -1).forEach((a, l) => {
      if (ACTIVATIONS[a].columns) fail(`layer ${l + 1} is a hidden layer, but '${a}' can only be the output layer: it is not element-wise, so B2's factor g'(Z[${l + 1}]) does not exist`);
    });
    if (ACTIVATIONS[out].columns && spec.output !== out) fail(`a '${out}' output layer needs loss='cross_entropy' (its B1 takes the softmax's full Jacobian), not loss='${loss}'`);
    if (spec.output !== null && out !== spec.output) fail(`loss='${loss}': ${spec.description} the output layer's activation must be '${spec.output}', not '${out}'`);
    if (loss === "cross_entropy" && sizes[L] < 2) fail(`loss='cross_entropy' needs K >= 2 output units, one per class; the output layer has ${sizes[L]}.  For two classes with one output unit use loss='bce' with a sigmoid output`);
    if (W.length !== L || b.length !== L) fail(`${L} layers need ${L} weight matrices and ${L} bias vectors; got ${W.length} and ${b.length}`);
    for (let l = 0; l < L; l++) {
      if (W[l].length !== sizes[l + 1] || W[l].some((row) => row.length !== sizes[l])) fail(`W[${l}] (the book's W[${l + 1}]) must have ${sizes[l + 1]} rows of ${sizes[l]} numbers`);
      if (b[l].length !== sizes[l + 1]) fail(`b[${l}] must have ${sizes[l + 1]} numbers`);
    }
    if (!X.length || X.some((row) => row.length !== sizes[0])) fail(`X must have m >= 1 rows of n_0 = ${sizes[0]} numbers`);
    if (y.length !== X.length) fail(`y has ${y.length} targets but X has m = ${X.length} rows`);
    if (loss === "cross_entropy") {  // class labels 0..K-1 (the package's as_targets)
      const K = sizes[L], bad = y.flatMap((v, i) => (Number.isInteger(v) && v >= 0 && v <= K - 1 ? [] : [i]));
      const repr = (v) => (Number.isInteger(v) ? v.toFixed(1) : String(v));  // Python's repr(float)
      if (bad.length) fail(`loss='cross_entropy' with K = ${K} output units needs class labels 0..${K - 1}; found ${bad.length} other value(s), e.g. ${repr(y[bad[0]])} at index ${bad[0]}`);
    }
    if (!(Number.isFinite(lr) && lr > 0)) fail(`the learning rate must be a positive, finite number, got lr = ${lr}`);
    if (!(Number.isInteger(epochs) && epochs >= 1)) fail(`epochs must be a whole number >= 1, got ${epochs}`);
  }

  // The interface the checks use: full-batch training for `epochs` epochs.
  // costs[k] is J before epoch k's update (MLP.fit's history.losses[k]) and costs[epochs] is J
  // after the last update (net.cost(X, y) after fit): epochs + 1 numbers.  A run that
  // diverges stops there: costs holds the finite values, `diverged` says at which epoch.
  function train({ sizes, activations, loss, W, b, X, y, lr, epochs }) {
    check({ sizes, activations, loss, W, b, X, y, lr, epochs });
    const run = new Run({ activations, loss, W, b, X, y, lr });
    for (let e = 0; e < epochs && !run.diverged; e++) run.epoch();
    if (!run.diverged) {
      const J = run.cost();
      if (Number.isFinite(J)) run.costs.push(J);
      else run.diverged = { epoch: epochs, reason: "the cost J became infinite" };
    }
    return { costs: run.costs, ...run.params(), diverged: run.diverged };
  }

  return { train, check, Run, forwardBackward, cost, activate, softmax, ACTIVATIONS, LOSSES, sum };
});
