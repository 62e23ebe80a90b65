// The live playground of chapter 7 on the website: the page around engine.js.
//
// It trains in the browser with engine.js (the reference loop), on the package's data sets
// and bp.MLP's initial weights (playground-data.js, npy-random.js), so a run here is the run
// `bp.MLP(...).fit(...)` makes in a notebook: "copy as Python" gives those lines.  The
// settings are checked and worded by playground-core.js.  Classic script: it also runs from
// file://, where Chromium loads no ES module.
(function () {
  "use strict";
  const E = window.BackpropEngine, C = window.PlaygroundCore, R = window.NpyRandom, D = window.PlaygroundData;
  const CLASS_COLORS = ["#f59322", "#0877bd"];  // class 0, class 1 (one sigmoid output)
  // A softmax's classes 0..4 (colour-blind safe, Okabe-Ito; the notebook's playground's palette)
  const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"];
  const PALETTE_NAMES = ["blue", "vermillion", "green", "pink", "orange"];
  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const LAYER_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];
  const GRID = 40;  // the boundary is evaluated on GRID x GRID points
  const FRAME_BUDGET_MS = 5;  // training time per animation frame (the rest: drawing, at screen rate)
  const LIMITS = { maxWidth: D.maxWidth, maxHidden: D.maxHidden, seeds: Object.keys(D.seeds).map(Number) };

  function el(tag, attrs = {}, children = []) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  }

  function select(name, label, options) {
    const s = el("select", { name, id: `bpp-${name}` });
    for (const [value, text] of options) s.append(el("option", { value, text }));
    return [el("label", { for: `bpp-${name}`, text: label }), s];
  }

  function input(name, label, attrs = {}) {
    const i = el("input", { name, id: `bpp-${name}`, type: "text", spellcheck: "false", ...attrs });
    return [el("label", { for: `bpp-${name}`, text: label }), i];
  }

  // A softmax output (chosen, or the default of the cross-entropy): each class its own colour
  function usesSoftmax(s) { return s.output === "softmax" || (s.output === "" && s.loss === "cross_entropy"); }

  function field(parts, cls = "") { return el("div", { class: `bpp-field ${cls}` }, parts); }

  class Playground {
    constructor(root) {
      this.root = root;
      this.stats = { frames: 0, epochs: 0, trainMs: 0, drawMs: 0, start: 0 };
      this.playing = false;
      this.dzVersion = 0;
      this.build();
      this.settings = C.fromHash(location.hash);
      this.showSettings();
      this.reset();
      window.addEventListener("hashchange", () => {
        if (location.hash.replace(/^#/, "") === C.toHash(this.settings)) return;
        this.settings = C.fromHash(location.hash);
        this.showSettings();
        this.reset();
      });
      new ResizeObserver(() => this.draw()).observe(this.panels);
    }

    // ------------------------------------------------------------------ the controls
    build() {
      const r = this.root;
      r.classList.add("bpp");
      const data = select("data", "data", Object.keys(D.datasets).map((n) => [n, n]));
      const noise = select("noise", "noise", []);
      const split = select("split", "test points", [["0", "none"], ["20", "20% (every 5th)"], ["50", "50% (every 2nd)"]]);
      const hidden = input("hidden", "hidden layer sizes", { placeholder: "e.g. 8, 8", size: 10 });
      const loss = select("loss", "loss", [["", "default"], ...Object.entries(C.LOSS_NAMES)]);
      const output = select("output", "output", [["", "default"], ...C.OUTPUTS.map((n) => [n, n])]);
      const lr = input("lr", "learning rate", { size: 6, list: "bpp-lrs" });
      const lrs = el("datalist", { id: "bpp-lrs" }, ["0.001", "0.01", "0.03", "0.1", "0.3", "0.5", "1", "3"].map((v) => el("option", { value: v })));
      const epochs = input("epochs", "epochs", { size: 6 });
      const batch = input("batch", "batch size", { size: 5, placeholder: "all" });
      const seed = select("seed", "seed", LIMITS.seeds.map((s) => [String(s), String(s)]));
      const init = select("init", "initial weights", C.INIT_NAMES.map((n) => [n, n === "auto" ? "auto (He for ReLU, else LeCun)" : n]));
      const pts = select("pointclass", "click adds", [["", "nothing"], ["0", "class 0 (orange)"], ["1", "class 1 (blue)"]]);
      this.acts = el("div", { class: "bpp-acts" });
      this.controls = {};
      for (const [lab, ctl] of [data, noise, split, hidden, loss, output, lr, epochs, batch, seed, init, pts]) {
        this.controls[ctl.name] = ctl;
        if (ctl.name !== "pointclass") ctl.addEventListener("change", () => this.changed());
        void lab;
      }
      this.buttons = {
        play: el("button", { type: "button", class: "bpp-play", text: "Play", onclick: () => this.toggle() }),
        step: el("button", { type: "button", text: "One epoch", onclick: () => this.step() }),
        reset: el("button", { type: "button", text: "Reset", onclick: () => { this.pause(); this.reset(); } }),
        copy: el("button", { type: "button", text: "Copy as Python", onclick: () => this.copyPython() }),
        clear: el("button", { type: "button", text: "Clear my points", onclick: () => { this.settings.pts = ""; this.changed(false); } }),
      };
      this.epochText = el("span", { class: "bpp-epoch", "aria-live": "off" });
      const canvas = (cls, label) => el("canvas", { class: cls, role: "img", "aria-label": label });
      this.canvases = {
        boundary: canvas("bpp-boundary", "the data and the network's output"),
        cost: canvas("bpp-cost", "the cost J per epoch"),
        grad: canvas("bpp-grad", "the size of each layer's gradient dW per epoch"),
      };
      const fig = (c, title) => el("figure", { class: "bpp-panel" }, [el("figcaption", { text: title }), c]);
      this.key = el("div", { class: "bpp-key" });
      const boundaryFig = fig(this.canvases.boundary, "the data and the network's output");
      boundaryFig.append(this.key);
      this.panels = el("div", { class: "bpp-panels" }, [
        boundaryFig,
        fig(this.canvases.cost, "cost J (log scale)"),
        fig(this.canvases.grad, "gradient size ‖dW[l]‖ (log scale)"),
      ]);
      this.status = el("p", { class: "bpp-status", role: "status" });
      this.python = el("pre", { class: "bpp-python", hidden: "" });
      this.dz = el("div", { class: "bpp-dz" });
      r.replaceChildren(
        el("div", { class: "bpp-controls" }, [
          el("div", { class: "bpp-row" }, [field(data), field(noise), field(split), field(pts), this.buttons.clear]),
          el("div", { class: "bpp-row" }, [field(hidden), this.acts, field(output), field(loss)]),
          el("div", { class: "bpp-row" }, [field(lr), lrs, field(epochs), field(batch), field(seed), field(init)]),
          el("div", { class: "bpp-row bpp-buttons" }, [this.buttons.play, this.buttons.step, this.buttons.reset, this.buttons.copy, this.epochText]),
        ]),
        this.panels, this.status, this.python, this.dz);
      this.canvases.boundary.addEventListener("click", (e) => this.addPoint(e));
    }

    pointOptions(classes, palette) {  // the "click adds" menu: one entry per class, named by its colour
      const names = palette ? PALETTE_NAMES : ["orange", "blue"], p = this.controls.pointclass, was = p.value;
      const options = [["", "nothing"], ...Array.from({ length: classes }, (_, k) => [String(k), `class ${k} (${names[k]})`])];
      if ([...p.options].map((o) => o.text).join("|") !== options.map(([, t]) => t).join("|")) {
        p.replaceChildren(...options.map(([value, text]) => el("option", { value, text })));
        p.value = options.some(([v]) => v === was) ? was : "";
      }
    }

    activationSelects(n, names) {
      const have = this.acts.querySelectorAll("select").length;
      if (have !== n) {
        this.acts.replaceChildren();
        for (let l = 1; l <= n; l++) {
          const [lab, s] = select(`act${l}`, `layer ${l}`, C.ACTIVATION_NAMES.map((a) => [a, a]));
          s.addEventListener("change", () => this.changed());
          this.acts.append(field([lab, s], "bpp-act"));
        }
      }
      this.acts.querySelectorAll("select").forEach((s, i) => { s.value = names[i] || names[0] || "relu"; });
    }

    showSettings() {
      const s = this.settings, c = this.controls;
      const d = D.datasets[s.data] || D.datasets.moons;
      if (!D.datasets[s.data]) s.data = "moons";
      c.data.value = s.data;
      c.noise.replaceChildren(...d.noises.map((v) => el("option", { value: C.pyRepr(v), text: String(v) })));
      if (s.noise === null || !d.noises.map(C.pyRepr).includes(s.noise)) s.noise = C.pyRepr(d.default);
      c.noise.value = s.noise;
      this.pointOptions(d.classes || 2, d.classes > 2 || usesSoftmax(s));
      for (const k of ["split", "hidden", "loss", "output", "lr", "epochs", "batch", "seed", "init"]) c[k].value = s[k];
      let n = 0;
      try { n = C.parseHidden(s.hidden).length; } catch (e) { n = this.acts.querySelectorAll("select").length; }
      const names = s.act.split(",").map((a) => a.trim());
      this.activationSelects(Math.min(n, 8), names.length === 1 ? new Array(n).fill(names[0]) : names);
    }

    readSettings(dataChanged) {
      const c = this.controls, s = this.settings;
      const old = s.data;
      s.data = c.data.value;
      s.noise = dataChanged ? C.pyRepr(D.datasets[s.data].default) : c.noise.value;
      for (const k of ["split", "hidden", "loss", "output", "lr", "epochs", "batch", "seed", "init"]) s[k] = c[k].value.trim();
      const acts = [...this.acts.querySelectorAll("select")].map((x) => x.value);
      s.act = acts.length && acts.every((a) => a === acts[0]) ? acts[0] : acts.join(", ");
      // points <-> a curve, or two classes <-> three: the defaults of the other problem
      const kind = (name) => (C.REGRESSION_DATA.includes(name) ? 0 : D.datasets[name].classes);
      if (old !== s.data && kind(old) !== kind(s.data)) { s.loss = ""; s.output = ""; s.pts = ""; }
    }

    changed(read = true) {
      if (read) this.readSettings(this.controls.data.value !== this.settings.data);
      this.showSettings();
      history.replaceState(null, "", `#${C.toHash(this.settings)}`);
      const was = this.playing;
      this.reset();
      if (was && !this.error) this.play();
    }

    // ------------------------------------------------------------------ a run
    reset() {
      this.pause();
      const s = this.settings, d = D.datasets[s.data], set = d.sets[s.noise];
      let X = [], y = Array.from(R.decode(set.y));
      const flat = R.decode(set.X);
      for (let i = 0; i < d.m; i++) X.push(Array.from(flat.subarray(i * d.n0, (i + 1) * d.n0)));
      this.problem = C.REGRESSION_DATA.includes(s.data) ? "regression" : "classification";
      this.classes = this.problem === "classification" ? d.classes : null;
      this.points = this.problem === "classification" ? C.parsePoints(s.pts, this.classes) : [];
      for (const p of this.points) { X.push([p[0], p[1]]); y.push(p[2]); }
      // a softmax's picture: every class its own colour (PALETTE); else the two-class one
      this.palette = this.problem === "classification" && (this.classes > 2 || usesSoftmax(s));
      this.split = C.SPLITS[s.split] || null;
      const test = (i) => this.split !== null && i % this.split === this.split - 1;
      this.all = { X, y, test: X.map((_, i) => test(i)) };
      this.train = { X: X.filter((_, i) => !test(i)), y: y.filter((_, i) => !test(i)) };
      this.test = this.split ? { X: X.filter((_, i) => test(i)), y: y.filter((_, i) => test(i)) } : null;
      this.call = d.call.replace("{noise}", s.noise);
      // points can be added to the sets of points, not to the curve; cleared when there are some
      this.controls.pointclass.disabled = this.problem !== "classification";
      if (this.controls.pointclass.disabled) this.controls.pointclass.value = "";
      this.buttons.clear.disabled = this.points.length === 0;
      this.n0 = d.n0;
      this.costs = []; this.testCosts = []; this.grads = []; this.J = null;
      this.showKey();
      this.dzShownAt = -1;
      try {
        this.checked = C.checkSettings(s, this.problem, this.train.X.length, LIMITS, this.classes || 2);
        this.error = null;
      } catch (e) {
        this.checked = null;
        this.error = e.message;
      }
      if (this.error) {
        this.run = null;
        this.setStatus(`Cannot train: ${this.error}`, C.DIVERGED);
        this.dz.replaceChildren();
        this.draw();
        return;
      }
      const k = this.checked;
      this.sizes = [this.n0, ...k.hidden, k.K];
      this.activations = [...k.activations, k.output];
      const init = R.initialParams(this.sizes, this.activations, D.seeds[k.seed], k.init);
      this.rng = init.rng;
      this.run = new E.Run({ activations: this.activations, loss: k.loss, W: init.W, b: init.b,
        X: this.train.X, y: this.train.y, lr: k.lr });
      this.testRun = this.test && new E.Run({ activations: this.activations, loss: k.loss, W: init.W, b: init.b,
        X: this.test.X, y: this.test.y, lr: k.lr });
      this.afterEpoch();
      this.setStatus(`Ready: epoch 0 of ${k.epochs}. Press Play, or One epoch.`, "ready");
      this.draw();
      this.showDelta();
    }

    // What the colours of the boundary picture mean (a key under it)
    showKey() {
      const parts = [];
      if (this.problem !== "classification") {
        parts.push("Points: the data; line: the network's output ŷ.");
      } else if (this.palette) {
        for (let k = 0; k < this.classes; k++) {
          parts.push(el("span", { class: "bpp-swatch", style: `background:${PALETTE[k]}` }), `class ${k} `);
        }
        parts.push(el("br"), "Each region has the colour of the class the network predicts, paler where it is " +
          `less sure (the largest probability near 1/K = 1/${this.classes}), full where it is near 1.`);
      } else {
        parts.push(el("span", { class: "bpp-swatch", style: `background:${CLASS_COLORS[0]}` }), "class 0 ",
          el("span", { class: "bpp-swatch", style: `background:${CLASS_COLORS[1]}` }), "class 1 ",
          el("br"), "The deeper the colour, the nearer ŷ is to 0 or 1.");
      }
      if (this.split) parts.push(" Hollow points: test points, not trained on.");
      this.key.replaceChildren(...parts);
    }

    get epoch() { return this.run ? this.run.costs.length : 0; }

    get finished() { return !this.run || this.run.diverged || this.epoch >= this.checked.epochs; }

    oneEpoch() {
      const k = this.checked, m = this.train.X.length;
      const batch = k.batch !== null && k.batch < m ? k.batch : null;  // fit: batch_size == m is full batch
      this.run.epoch(batch ? this.rng.permutation(m) : null, batch || m);
      this.afterEpoch();
    }

    afterEpoch() {  // J now (after `epoch` updates) on the training and the test points, and the gradients
      const run = this.run, e = this.epoch;
      if (run.diverged) return this.finish();
      const every = Math.max(1, Math.floor(this.checked.epochs / 150));
      const needJ = e >= this.checked.epochs || e % every === 0;
      if (this.test) {
        this.testRun.W = run.W; this.testRun.b = run.b;
        this.testCosts.push(this.testRun.cost());
      }
      if (needJ) {
        const t = run.trace();  // the reference loop's record: J and every dW[l]
        this.J = t.J;
        this.grads.push([e, t.dW.slice(1).map((dW) => Math.hypot(...dW.flatMap((r) => Array.from(r))))]);
      }
      if (e >= this.checked.epochs) this.finish();
      return undefined;
    }

    finish() {
      this.pause();
      const k = this.checked, run = this.run;
      if (!run.diverged) {
        const J = run.cost();
        if (!Number.isFinite(J)) run.diverged = { epoch: k.epochs, reason: "the cost J became infinite" };
        else this.J = J;
      }
      if (run.diverged) {
        this.setStatus(C.divergedText(run.diverged.epoch, run.costs, k.lr), C.DIVERGED);
      } else {
        const acc = this.problem === "classification" ? this.accuracy(this.train) : null;
        const several = this.softmax;
        const { text, verdict } = C.doneText(run.costs, this.J, k.epochs, k.lr, acc, several);
        let extra = "";
        if (this.test) {
          extra = `. Test points: J = ${C.formatG(this.testCosts[this.testCosts.length - 1], 3)}` +
            (acc === null ? "" : `, ${C.accuracyText(this.accuracy(this.test), several)}`) + ".";
        }
        this.setStatus(text + extra, verdict);
      }
      this.showDelta(true);
    }

    get softmax() { return Boolean(this.activations) && this.activations[this.activations.length - 1] === "softmax"; }

    // The predicted class of each column of A[L]: the most probable for a softmax (the first
    // of the largest, as argmax), else yhat >= 0.5
    classify(A) {
      if (A.length === 1) return Array.from(A[0], (a) => (a >= 0.5 ? 1 : 0));
      return Array.from(A[0], (_, i) => {
        let top = 0;
        for (let k = 1; k < A.length; k++) if (A[k][i] > A[top][i]) top = k;
        return top;
      });
    }

    accuracy(set) {
      const predicted = this.classify(this.predict(set.X));
      return predicted.filter((c, i) => c === set.y[i]).length / set.X.length;
    }

    predict(X) {  // the network's output A[L] (rows: units) for rows X (F1, F2), in flat arrays for speed
      const n = X.length, W = this.run.W, b = this.run.b;
      let A = X[0].map((_, j) => Float64Array.from(X, (r) => r[j]));  // A[0] = X^T
      for (let l = 1; l < W.length; l++) {
        const Z = W[l].map((row, i) => {
          const z = new Float64Array(n).fill(b[l][i]);
          for (let j = 0; j < row.length; j++) {
            const w = row[j], a = A[j];
            for (let k = 0; k < n; k++) z[k] += w * a[k];
          }
          return z;
        });
        A = E.activate(Z, this.activations[l - 1]);  // element-wise, or the softmax column by column
      }
      return A;
    }

    // ------------------------------------------------------------------ play
    toggle() { if (this.playing) this.pause(); else this.play(); }

    play() {
      if (this.error || !this.run) return;
      if (this.finished) this.reset();
      if (this.error) return;
      this.playing = true;
      this.buttons.play.textContent = "Pause";
      this.stats = { frames: 0, epochs: 0, trainMs: 0, drawMs: 0, start: performance.now() };
      const frame = () => {
        if (!this.playing) return;
        const t0 = performance.now();
        let n = 0;
        do { this.oneEpoch(); n++; } while (!this.finished && performance.now() - t0 < FRAME_BUDGET_MS);
        this.stats.trainMs += performance.now() - t0;
        this.stats.epochs += n;
        this.stats.frames += 1;
        const t1 = performance.now();
        this.draw();
        this.stats.drawMs += performance.now() - t1;
        if (!this.finished) {
          // Text changes make the browser lay out the page again: a few times a second is enough.
          if (performance.now() - this.textTime > 250) {
            this.textTime = performance.now();
            this.setStatus(`training: epoch ${this.epoch} of ${this.checked.epochs}, J = ${C.formatG(this.J, 3)}`, "training");
          }
          if (performance.now() - this.dzTime > 1000) this.showDelta();
          requestAnimationFrame(frame);
        }
      };
      this.dzTime = this.textTime = performance.now();
      requestAnimationFrame(frame);
    }

    pause() {
      this.playing = false;
      if (this.buttons) this.buttons.play.textContent = "Play";
    }

    step() {
      if (this.error || !this.run) return;
      this.pause();
      if (this.finished) return;
      this.oneEpoch();
      if (!this.finished) this.setStatus(`epoch ${this.epoch} of ${this.checked.epochs}, J = ${C.formatG(this.J, 3)}`, "training");
      this.draw();
      this.showDelta(true);
    }

    setStatus(text, verdict) {
      this.status.textContent = text;
      this.status.dataset.verdict = verdict;
    }

    addPoint(event) {
      const cls = this.controls.pointclass.value;
      if (cls === "" || this.problem !== "classification" || !this.view) return;
      const rect = this.canvases.boundary.getBoundingClientRect();
      const v = this.view;
      const x1 = v.x0 + (event.clientX - rect.left) / rect.width * (v.x1 - v.x0);
      const x2 = v.y1 - (event.clientY - rect.top) / rect.height * (v.y1 - v.y0);
      const r = (t) => Math.round(t * 100) / 100;
      const pts = C.parsePoints(this.settings.pts, this.classes);
      pts.push([r(x1), r(x2), Number(cls)]);
      this.settings.pts = pts.map((p) => p.join(",")).join(";");
      this.changed(false);
    }

    copyPython() {
      if (this.error) { this.python.hidden = false; this.python.textContent = `# Cannot train: ${this.error}`; return; }
      const code = C.pythonCode({ call: this.call, points: this.points, split: this.split, checked: this.checked,
        n0: this.n0, epochs: Math.max(1, this.epoch) });
      this.python.hidden = false;
      this.python.textContent = code;
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(code).catch(() => {});
      this.buttons.copy.textContent = "Copied below";
    }

    // ------------------------------------------------------------------ the dZ table
    showDelta(force) {
      this.dzTime = performance.now();
      if (!this.run || this.run.diverged) {
        this.dz.replaceChildren(el("p", { class: "bpp-nodz", text: this.run ? "No dZ to show: training diverged." : "" }));
        return;
      }
      if (!force && this.dzShownAt === this.epoch) return;
      this.dzShownAt = this.epoch;
      const t = this.run.trace(), L = this.sizes.length - 1, m = this.train.X.length;
      const parts = [el("p", {}, [el("b", { text: "The current dZ of each layer" }),
        ` (epoch ${this.epoch}, m = ${m} training examples; rows are units, columns examples, the first 3 and 4 shown):`])];
      const mj = window.MathJax;
      const typeset = mj && mj.tex2chtmlPromise && mj.startup && mj.startup.promise;
      const equations = [];
      for (let l = L; l >= 1; l--) {
        const dZ = t.dZ[l];
        const rows = dZ.slice(0, 3).map((row) => Array.from(row.slice(0, 4), texNumber).join(" & ") + (row.length > 4 ? " & \\cdots" : ""));
        let body = rows.join(" \\\\ ");
        if (dZ.length > 3) body += " \\\\ " + new Array(Math.min(4, dZ[0].length) + (dZ[0].length > 4 ? 1 : 0)).fill("\\vdots").join(" & ");
        const [formula, eq] = deltaFormula(l, L, this.activations, this.checked.loss);
        const box = el("div", { class: "bpp-eq" });
        equations.push([box, `${formula} = \\begin{bmatrix} ${body} \\end{bmatrix}`]);
        parts.push(box, el("div", { class: "bpp-eqtag", text: `(${eq}; shape ${dZ.length} × ${dZ[0].length})` }));
      }
      if (!typeset) return;  // the table needs MathJax (the page loads it; Node does not)
      // Each equation is typeset before it enters the page, so no raw TeX is ever shown.
      const shown = ++this.dzVersion;
      mj.startup.promise
        .then(() => Promise.all(equations.map(([, tex]) => mj.tex2chtmlPromise(tex, { display: true }))))
        .then((nodes) => {
          if (shown !== this.dzVersion) return;  // a newer table is on its way
          nodes.forEach((node, i) => equations[i][0].replaceChildren(node));
          this.dz.replaceChildren(...parts);
          // MathJax's stylesheet, with what the new nodes need (MathJax 3's documented way),
          // replaced only when it changed: a new stylesheet restyles the whole page (~1 s here)
          const sheet = document.getElementById("MJX-CHTML-styles"), css = mj.chtmlStylesheet();
          if (!sheet || sheet.textContent !== css.textContent) {
            if (sheet) sheet.remove();
            document.head.appendChild(css);
          }
        })
        .catch((e) => { this.dz.replaceChildren(el("p", { text: `The dZ table could not be typeset: ${e.message}` })); });
    }

    // ------------------------------------------------------------------ drawing
    draw() {
      if (!this.panels) return;
      this.drawBoundary();
      this.drawCost();
      this.drawGrad();
      const text = this.run ? `epoch ${this.epoch}` : "";
      if (!this.playing || performance.now() - (this.epochTextTime || 0) > 250) {
        this.epochText.textContent = text;
        this.epochTextTime = performance.now();
      }
    }

    prepare(canvas) {
      const w = canvas.clientWidth || 300, h = canvas.clientHeight || 220, dpr = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
        canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
      }
      const ctx = canvas.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      ctx.font = "12px system-ui, sans-serif";
      return { ctx, w, h };
    }

    message(ctx, w, h, lines) {
      ctx.save();
      ctx.font = "bold 13px system-ui, sans-serif";
      ctx.textAlign = "center";
      const bw = Math.min(w - 16, Math.max(...lines.map((t) => ctx.measureText(t).width)) + 20);
      const bh = 20 * lines.length + 10;
      ctx.fillStyle = "rgba(255,255,255,0.92)"; ctx.strokeStyle = "#b00000";
      ctx.fillRect((w - bw) / 2, (h - bh) / 2, bw, bh); ctx.strokeRect((w - bw) / 2, (h - bh) / 2, bw, bh);
      ctx.fillStyle = "#b00000";
      lines.forEach((t, i) => ctx.fillText(t, w / 2, (h - bh) / 2 + 20 + 20 * i, w - 24));
      ctx.restore();
    }

    drawBoundary() {
      const { ctx, w, h } = this.prepare(this.canvases.boundary);
      const { X, y, test } = this.all;
      if (this.problem === "classification") {
        const xs = X.map((p) => p[0]), ys = X.map((p) => p[1]);
        const pad = 0.3;
        const v = { x0: Math.min(...xs) - pad, x1: Math.max(...xs) + pad, y0: Math.min(...ys) - pad, y1: Math.max(...ys) + pad };
        this.view = v;
        const px = (a) => (a - v.x0) / (v.x1 - v.x0) * w, py = (b) => h - (b - v.y0) / (v.y1 - v.y0) * h;
        if (this.run && !this.run.diverged) {
          const grid = [];
          for (let j = 0; j < GRID; j++) for (let i = 0; i < GRID; i++) {
            grid.push([v.x0 + (i + 0.5) / GRID * (v.x1 - v.x0), v.y1 - (j + 0.5) / GRID * (v.y1 - v.y0)]);
          }
          const A = this.predict(grid);
          const img = ctx.createImageData(GRID, GRID);
          const paint = (n, c, s) => {  // white mixed with the colour c: s = 0 white, 1 the colour
            for (let k = 0; k < 3; k++) img.data[4 * n + k] = Math.round(255 + (c[k] - 255) * s);
            img.data[4 * n + 3] = 255;
          };
          if (this.softmax) {  // the predicted class's colour, lighter the less sure: max_k a_k from 1/K to 1
            const K = A.length, colors = PALETTE.map(rgb), top = this.classify(A);
            top.forEach((k, n) => {
              const p = A[k][n], s = Number.isFinite(p) ? Math.max(0, Math.min(1, (p - 1 / K) / (1 - 1 / K))) : 0;
              paint(n, colors[k], s);
            });
          } else {
            Array.prototype.forEach.call(A[0], (a, n) => {
              const t = Number.isFinite(a) ? Math.max(0, Math.min(1, a)) : 0.5;  // yhat, 0 (orange) to 1 (blue)
              const c0 = [245, 147, 34], c1 = [8, 119, 189], s = Math.abs(t - 0.5) * 2 * 0.55;
              paint(n, t < 0.5 ? c0 : c1, s);
            });
          }
          const off = document.createElement("canvas");
          off.width = GRID; off.height = GRID;
          off.getContext("2d").putImageData(img, 0, 0);
          ctx.imageSmoothingEnabled = true;
          ctx.drawImage(off, 0, 0, w, h);
        }
        const colors = this.palette ? PALETTE : CLASS_COLORS;
        X.forEach((p, n) => {
          ctx.beginPath();
          ctx.arc(px(p[0]), py(p[1]), n >= X.length - this.points.length ? 4.5 : 3.2, 0, 2 * Math.PI);
          ctx.strokeStyle = colors[y[n]]; ctx.lineWidth = 1.5;
          if (test[n]) { ctx.fillStyle = "#fff"; ctx.fill(); ctx.stroke(); } else {
            ctx.fillStyle = colors[y[n]]; ctx.fill();
            ctx.strokeStyle = "#fff"; ctx.lineWidth = 0.8; ctx.stroke();
          }
        });
      } else {
        const xs = X.map((p) => p[0]), ys = y;
        const v = { x0: Math.min(...xs) - 0.1, x1: Math.max(...xs) + 0.1, y0: Math.min(...ys) - 0.4, y1: Math.max(...ys) + 0.4 };
        this.view = v;
        const px = (a) => (a - v.x0) / (v.x1 - v.x0) * w, py = (b) => h - (b - v.y0) / (v.y1 - v.y0) * h;
        X.forEach((p, n) => {
          ctx.beginPath(); ctx.arc(px(p[0]), py(y[n]), 3, 0, 2 * Math.PI);
          ctx.strokeStyle = CLASS_COLORS[1]; ctx.lineWidth = 1.5;
          if (test[n]) { ctx.fillStyle = "#fff"; ctx.fill(); ctx.stroke(); } else { ctx.fillStyle = CLASS_COLORS[1]; ctx.fill(); }
        });
        if (this.run && !this.run.diverged) {
          const grid = Array.from({ length: 120 }, (_, i) => [v.x0 + i / 119 * (v.x1 - v.x0)]);
          const out = this.predict(grid)[0];
          ctx.beginPath(); ctx.strokeStyle = CLASS_COLORS[0]; ctx.lineWidth = 2.5;
          Array.prototype.forEach.call(out, (a, i) => { const yy = py(Math.max(v.y0 - 10, Math.min(v.y1 + 10, a))); if (i) ctx.lineTo(px(grid[i][0]), yy); else ctx.moveTo(px(grid[i][0]), yy); });
          ctx.stroke();
        }
      }
      if (this.error) this.message(ctx, w, h, ["fix the setting:", "see the message below"]);
      else if (this.run && this.run.diverged) this.message(ctx, w, h, [`diverged at epoch ${this.run.diverged.epoch}`, "try a smaller learning rate"]);
    }

    axes(ctx, w, h, xmax, lo, hi, label) {  // a log-scale y axis from lo to hi, x from 0 to xmax
      const m = { l: 42, r: 8, t: 8, b: 30 };
      const X = (e) => m.l + e / Math.max(1, xmax) * (w - m.l - m.r);
      const Y = (v) => h - m.b - (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * (h - m.t - m.b);
      ctx.strokeStyle = "#888"; ctx.lineWidth = 1; ctx.fillStyle = "#333";
      ctx.strokeRect(m.l, m.t, w - m.l - m.r, h - m.t - m.b);
      ctx.textAlign = "right"; ctx.textBaseline = "middle";
      for (let p = Math.ceil(Math.log10(lo)); p <= Math.floor(Math.log10(hi)); p++) {
        const yy = Y(10 ** p);
        ctx.fillText(p >= -3 && p <= 3 ? String(10 ** p) : `1e${p}`, m.l - 4, yy);
        ctx.beginPath(); ctx.moveTo(m.l - 3, yy); ctx.lineTo(m.l, yy); ctx.stroke();
      }
      ctx.textAlign = "center"; ctx.textBaseline = "top";
      [0, Math.round(xmax / 2), xmax].forEach((e, i) => {
        ctx.textAlign = ["left", "center", "right"][i];
        ctx.fillText(String(e), X(e), h - m.b + 3);
      });
      ctx.textAlign = "center";
      ctx.fillText(label, (w + m.l) / 2, h - 14);
      return { X, Y };
    }

    range(values) {
      const v = values.filter((x) => Number.isFinite(x) && x > 0);
      if (!v.length) return [0.1, 10];
      let lo = 10 ** Math.floor(Math.log10(Math.min(...v))), hi = 10 ** Math.ceil(Math.log10(Math.max(...v)));
      if (hi / lo < 10) hi = lo * 10;
      return [lo, hi];
    }

    drawCost() {
      const { ctx, w, h } = this.prepare(this.canvases.cost);
      const epochs = this.checked ? this.checked.epochs : 1;
      const train = this.run ? [...this.run.costs, ...(this.run.diverged ? [] : [this.J])] : [];
      const [lo, hi] = this.range([...train, ...this.testCosts]);
      const { X, Y } = this.axes(ctx, w, h, epochs, lo, hi, "epoch");
      const line = (vals, color, dash) => {
        ctx.beginPath(); ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.setLineDash(dash);
        vals.forEach((v, e) => { if (v > 0 && Number.isFinite(v)) { if (e) ctx.lineTo(X(e), Y(v)); else ctx.moveTo(X(e), Y(v)); } });
        if (vals.length === 1 && vals[0] > 0) { ctx.arc(X(0), Y(vals[0]), 2, 0, 2 * Math.PI); }
        ctx.stroke(); ctx.setLineDash([]);
      };
      line(train, "#222", []);
      if (this.test) line(this.testCosts, "#888", [5, 3]);
      ctx.textAlign = "right"; ctx.textBaseline = "top"; ctx.fillStyle = "#222";
      ctx.fillText(this.test ? "training J (solid), test J (dashed)" : "training J", w - 12, 12);
      if (this.run && this.run.diverged) {
        const e = this.run.diverged.epoch;
        ctx.strokeStyle = "#b00000"; ctx.setLineDash([3, 3]); ctx.beginPath(); ctx.moveTo(X(e), 8); ctx.lineTo(X(e), h - 30); ctx.stroke(); ctx.setLineDash([]);
        this.message(ctx, w, h, [`stopped at epoch ${e}:`, "J became infinite"]);
      }
    }

    drawGrad() {
      const { ctx, w, h } = this.prepare(this.canvases.grad);
      const epochs = this.checked ? this.checked.epochs : 1;
      const [lo, hi] = this.range(this.grads.flatMap(([, g]) => g));
      const { X, Y } = this.axes(ctx, w, h, epochs, lo, hi, "epoch");
      const L = this.sizes && !this.error ? this.sizes.length - 1 : 0;
      for (let l = 0; l < L; l++) {
        ctx.beginPath(); ctx.strokeStyle = LAYER_COLORS[l % LAYER_COLORS.length]; ctx.lineWidth = 1.6;
        this.grads.forEach(([e, g], i) => { if (g[l] > 0) { if (i) ctx.lineTo(X(e), Y(g[l])); else ctx.moveTo(X(e), Y(g[l])); } });
        if (this.grads.length === 1) ctx.arc(X(this.grads[0][0]), Y(this.grads[0][1][l]), 2, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.fillStyle = ctx.strokeStyle; ctx.textAlign = "left"; ctx.textBaseline = "top";
        ctx.fillText(`l = ${l + 1}`, 48 + 40 * (l % 4), 12 + 14 * Math.floor(l / 4));
      }
    }
  }

  function texNumber(v) {  // tex_number: 3 significant digits, 1.23\times 10^{-5} for small numbers
    const s = C.formatG(v + 0, 3);
    if (s.includes("e")) { const [m, e] = s.split("e"); return `${m}\\times 10^{${Number(e)}}`; }
    return s;
  }

  function deltaFormula(l, L, acts, loss) {  // delta_formula: B1 for the output layer, B2 below it
    const dz = (k) => `\\mathrm{d}Z^{[${k}]}`;
    if (l === L) {
      const A = `A^{[${L}]}`;
      if (loss === "bce") return [`${dz(L)} = \\tfrac{1}{m}\\big(${A} - Y\\big)`, "B1, log loss with a sigmoid output"];
      if (loss === "cross_entropy") {
        return [`${dz(L)} = \\tfrac{1}{m}\\big(${A} - Y\\big)`, "B1, cross-entropy with a softmax output (its full Jacobian); Y one-hot"];
      }
      const g = acts[L - 1];
      if (g === "identity") return [`${dz(L)} = \\tfrac{2}{m}\\big(${A} - Y\\big)`, "B1, squared error; the identity's g' = 1"];
      return [`${dz(L)} = \\tfrac{2}{m}\\big(${A} - Y\\big) \\odot \\mathrm{${g}}'\\big(Z^{[${L}]}\\big)`, "B1, squared error"];
    }
    return [`${dz(l)} = \\big(W^{[${l + 1}]\\top}\\,${dz(l + 1)}\\big) \\odot \\mathrm{${acts[l - 1]}}'\\big(Z^{[${l}]}\\big)`, "B2"];
  }

  function start() {
    document.querySelectorAll("[data-bp-playground]").forEach((root) => {
      root.bpPlayground = new Playground(root);
      window.bpPlayground = root.bpPlayground;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
