"""How fast chapter 7's playground trains and draws in headless Chromium (and the engine in Node).

For the default network, 2-8-8-1 (ReLU, ReLU, sigmoid, log loss) on the 200 moons:

* epochs per second of the engine alone: in the page (``bpPlayground.oneEpoch()`` in a
  loop, no drawing) and under Node (``engine.train``), as a reference;
* frames per second while it plays (training for at most 8 ms a frame, then drawing the
  three panels), and the epochs per second it reaches that way.

Needs a built book (``make book``) and /usr/bin/chromium; serves the built site from a
local server.  Numbers vary with the machine's load: each is the median of ``--repeat``
runs.  Usage: .venv/bin/python benchmarks/playground_js.py [--html _build/html] [--repeat 5]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import statistics
import subprocess
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGE = "book/ch07_playground.html"

NODE_BENCH = """
const engine = require(process.argv[1] + "/engine.js"), npy = require(process.argv[1] + "/npy-random.js");
const data = require(process.argv[1] + "/playground-data.js");
const set = data.datasets.moons.sets["0.2"], flat = npy.decode(set.X), y = Array.from(npy.decode(set.y));
const X = Array.from({length: 200}, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
const sizes = [2, 8, 8, 1], activations = ["relu", "relu", "sigmoid"];
const {W, b} = npy.initialParams(sizes, activations, data.seeds[0]);
engine.train({sizes, activations, loss: "bce", W, b, X, y, lr: 0.5, epochs: 200});  // warm up
const t = performance.now();
engine.train({sizes, activations, loss: "bce", W, b, X, y, lr: 0.5, epochs: 2000});
console.log(2000 / ((performance.now() - t) / 1000));
"""

IN_PAGE = """async () => {
    const P = window.bpPlayground;
    for (let i = 0; i < 100; i++) P.oneEpoch();  // warm up
    P.reset();
    const t = performance.now();
    for (let i = 0; i < 1000; i++) P.oneEpoch();
    return 1000 / ((performance.now() - t) / 1000);
}"""

PLAYING = """async seconds => {
    const P = window.bpPlayground;
    P.reset();
    P.play();
    await new Promise(r => setTimeout(r, seconds * 1000));
    const s = P.stats, elapsed = (performance.now() - s.start) / 1000;
    P.pause();
    return {fps: s.frames / elapsed, epochs_per_s: s.epochs / elapsed,
            train_ms: s.trainMs / s.frames, draw_ms: s.drawMs / s.frames};
}"""


def serve(directory):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5.0, help="how long each play runs")
    args = parser.parse_args()
    if not (args.html / PAGE).is_file():
        raise SystemExit(f"error: {args.html / PAGE} is missing; run `make book` first")
    from playwright.sync_api import sync_playwright

    node = [float(subprocess.run(["node", "-e", NODE_BENCH, str(args.html / "assets" / "playground")],
                                 capture_output=True, text=True, check=True).stdout)
            for _ in range(args.repeat)]
    server = serve(args.html)
    url = f"http://127.0.0.1:{server.server_address[1]}/{PAGE}#epochs=100000"
    page_eps, fps, play_eps, train_ms, draw_ms = [], [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS, headless=True)
        for _ in range(args.repeat):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.wait_for_function("() => window.bpPlayground && window.bpPlayground.run")
            page.locator(".bpp").scroll_into_view_if_needed()
            page_eps.append(page.evaluate(IN_PAGE))
            r = page.evaluate(PLAYING, args.seconds)
            fps.append(r["fps"])
            play_eps.append(r["epochs_per_s"])
            train_ms.append(r["train_ms"])
            draw_ms.append(r["draw_ms"])
            page.close()
        browser.close()
    server.shutdown()
    rows = {"engine under Node, epochs/s": node, "engine in the page, epochs/s": page_eps,
            "playing: frames/s": fps, "playing: epochs/s": play_eps,
            "playing: ms training per frame": train_ms, "playing: ms drawing per frame": draw_ms}
    print(f"2-8-8-1 on 200 moons; median (min-max) of {args.repeat} runs")
    for name, values in rows.items():
        print(f"  {name:32s} {statistics.median(values):8.1f}   ({min(values):.1f}-{max(values):.1f})")
    print(json.dumps({k: statistics.median(v) for k, v in rows.items()}))


if __name__ == "__main__":
    main()
