// NumPy's default generator (PCG64), as far as bp.MLP uses it: its initial weights and the
// mini-batch order of MLP.fit, so that the page trains on the numbers a notebook gets from
// bp.MLP(sizes, activations, loss, seed).
//
// - Initial weights: MLP draws W[1], W[2], ... in turn from rng.normal(0, scale), i.e.
//   scale * z for the next standard normals z of np.random.default_rng(seed).  The page
//   takes those z from playground-data.js (written by scripts/js_fixtures.py with NumPy),
//   with NumPy's generator state at the start and which z used more than one 64-bit draw.
// - Mini-batch order: rng.permutation(m) at the start of each epoch, a Fisher-Yates
//   shuffle whose indices come from NumPy's random_interval on PCG64's 32-bit outputs.
//   That part is reimplemented here (BigInt for the 128-bit state).
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.NpyRandom = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  const MASK128 = (1n << 128n) - 1n, MASK64 = (1n << 64n) - 1n;
  const MULT = (2549297995355413924n << 64n) + 4865540595714422341n;  // PCG's 128-bit multiplier

  class PCG64 {
    constructor(state, inc) { this.state = BigInt(state); this.inc = BigInt(inc); this.buffered = null; }

    step() { this.state = (this.state * MULT + this.inc) & MASK128; }

    next64() {  // step, then the XSL-RR output of the new state
      this.step();
      const x = ((this.state >> 64n) ^ this.state) & MASK64, r = this.state >> 122n;
      return ((x >> r) | (x << ((64n - r) & 63n))) & MASK64;
    }

    next32() {  // the low half of a 64-bit output, then its high half
      if (this.buffered !== null) { const u = this.buffered; this.buffered = null; return u; }
      const v = this.next64();
      this.buffered = Number(v >> 32n);
      return Number(v & 0xffffffffn);
    }

    interval(max) {  // random_interval: a uniform integer in [0, max], by masked rejection
      if (max === 0) return 0;
      let mask = max;
      for (const s of [1, 2, 4, 8, 16]) mask |= mask >>> s;
      mask >>>= 0;
      for (;;) {
        const v = (this.next32() & mask) >>> 0;
        if (v <= max) return v;
      }
    }

    permutation(m) {  // rng.permutation(m)
      const a = Array.from({ length: m }, (_, i) => i);
      for (let i = m - 1; i >= 1; i--) {
        const j = this.interval(i);
        [a[i], a[j]] = [a[j], a[i]];
      }
      return a;
    }
  }

  function decode(b64) {  // float64 array from the base64 of its little-endian bytes
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return new Float64Array(bytes.buffer);
  }

  // sigma_l of backprop/init.py's std(init, n_in, n_out, activation), for the named schemes
  function initStd(init, nIn, nOut, activation) {
    if (init === "auto") init = activation === "relu" ? "he" : "lecun";
    if (init === "he") return Math.sqrt(2.0 / nIn);
    if (init === "lecun") return Math.sqrt(1.0 / nIn);
    if (init === "glorot") return Math.sqrt(2.0 / (nIn + nOut));
    if (init === "zeros") return 0.0;
    throw new Error(`unknown init ${init}`);
  }

  // bp.MLP(sizes, activations, seed=seed, init=init)'s initial W and b, and its generator
  // after them. seedData: {normals (base64), state, inc, extra} from playground-data.js.
  function initialParams(sizes, activations, seedData, init = "auto") {
    const z = decode(seedData.normals);
    const W = [], b = [];
    let k = 0;
    for (let l = 1; l < sizes.length; l++) {
      const nIn = sizes[l - 1], scale = initStd(init, nIn, sizes[l], activations[l - 1]);
      const Wl = [];
      for (let i = 0; i < sizes[l]; i++) {
        const row = [];
        for (let j = 0; j < nIn; j++) row.push(0 + scale * z[k++]);  // rng.normal(0, scale): 0 + scale z
        Wl.push(row);
      }
      W.push(Wl);
      b.push(new Array(sizes[l]).fill(0));  // biases start at zero
    }
    if (k > z.length) throw new Error(`the page has ${z.length} initial draws, the network needs ${k}`);
    const rng = new PCG64(seedData.state, seedData.inc);
    // the k normals used k 64-bit outputs, and a few more where the ziggurat retried
    const used = k + seedData.extra.filter(([i]) => i < k).reduce((n, [, more]) => n + more, 0);
    for (let d = 0; d < used; d++) rng.step();
    return { W, b, rng };
  }

  return { PCG64, decode, initStd, initialParams };
});
