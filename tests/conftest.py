"""Shared fixtures: the book, built once per session into a fresh folder.

tests/test_book.py checks the build itself; tests/test_browser.py opens the
pages it produced in headless Chromium.  The notebooks are executed once per
test run, by nbval, which compares every stored output with a fresh run; the
build therefore uses the stored outputs (``execute_notebooks: "off"`` in a
copy of _config.yml) instead of executing every notebook a second time.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT = 1500  # seconds, for the whole book; each cell also has execute.timeout


def toc_files() -> list[str]:
    """The documents listed in _toc.yml, in order, as paths without suffix ("book/intro")."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))
            for part in entry.get("parts", []):
                walk(part.get("chapters"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return [str(Path(f).with_suffix("")) for f in files]


def source_of(doc: str) -> Path:
    """The source file of a toc entry: .md, .ipynb or .rst."""
    for suffix in (".md", ".ipynb", ".rst"):
        path = ROOT / (doc + suffix)
        if path.exists():
            return path
    raise FileNotFoundError(f"_toc.yml lists {doc!r}, but no {doc}.md/.ipynb/.rst exists")


@dataclass
class Build:
    returncode: int
    log: str
    html: Path


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Build:
    """``jupyter-book build . -W -n --keep-going`` into a new temporary folder, from the stored outputs.

    ``BOOK_HTML=/path/to/_build/html`` uses a site built before instead (to iterate on
    the browser test against a scratch copy of the book); its build log is not checked.
    """
    if os.environ.get("BOOK_HTML"):
        return Build(0, "build succeeded (prebuilt: BOOK_HTML)", Path(os.environ["BOOK_HTML"]))
    if not (ROOT / "_vendor" / "assets").is_dir():
        pytest.fail("_vendor/assets is missing: run `make vendor` (npm ci + scripts/vendor_assets.py)")
    out = tmp_path_factory.mktemp("book")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"  # nbval executes them (see the module docstring)
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))  # keep the scripts in order
    jb = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jb), "build", str(ROOT), "--path-output", str(out), "--config", str(out / "_config.yml"),
           "-W", "-n", "--keep-going"]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=BUILD_TIMEOUT, stdin=subprocess.DEVNULL
    )
    log = proc.stdout + proc.stderr
    (out / "build.log").write_text(log)
    return Build(proc.returncode, log, out / "_build" / "html")


def pytest_collection_modifyitems(items):
    """Every test that needs the built book is marked ``book``, so ``make test-fast``
    (``-m "not book and not browser"``) runs the unit tests alone."""
    for item in items:
        if "built_book" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.book)


# ---------------------------------------------------------------- the browser
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def site(built_book):
    """The built HTML served on 127.0.0.1 from a thread; yields the base URL."""
    if built_book.returncode != 0:
        pytest.fail("the book did not build (see test_book.py::test_book_builds_without_warnings)")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(built_book.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium (make test does this)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()




# ------------------------------------------------------- controls on a page (browser)
# The widget areas of a page (ipywidgets' views and chapter 7's JavaScript playground)
# and what a reader reads or operates in them: sliders (track and handle), buttons,
# text boxes, dropdowns, labels and readouts.
CONTROL_AREAS = ".widget-subarea, .bpp"
CONTROL_PARTS = ('[role="slider"], .noUi-target, button, input, select, textarea, '
                 '[contenteditable="true"], label, .widget-label, .widget-readout')

# Faults of the controls as laid out now: two controls whose boxes overlap, a control
# (or a widget holding one) that sticks out of the widget box holding it, a label or
# readout whose text is cut.  Elements inside one another (a handle in its track, a
# text box in its label) are not an overlap.
CONTROL_FAULTS = """([areas, parts]) => {
  const shown = e => {
    const r = e.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return null;
    for (let a = e; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.display === 'none' || s.visibility === 'hidden') return null;
    }
    return r;
  };
  const name = e => {
    const t = (e.innerText || e.value || e.getAttribute('aria-label') || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 30);
    return `${e.tagName.toLowerCase()}.${String(e.className).split(' ')[0]} "${t}"`;
  };
  const faults = new Set();
  document.querySelectorAll(areas).forEach((area, k) => {
    const els = Array.from(area.querySelectorAll(parts)).map(e => [e, shown(e)]).filter(([, r]) => r);
    els.forEach(([a, ra], i) => {
      for (const [b, rb] of els.slice(i + 1)) {
        if (a.contains(b) || b.contains(a)) continue;
        const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (w > 1 && h > 1)
          faults.add(`area ${k}: ${name(a)} overlaps ${name(b)} by ${Math.round(w)}x${Math.round(h)}px`);
      }
      // the control in its widget, that widget in the box holding it, and so on up to the area
      for (let e = a; e && e !== area; ) {
        const holder = (e.parentElement && e.parentElement.closest('.jupyter-widgets, ' + areas)) || area;
        const r = e.getBoundingClientRect(), hr = holder.getBoundingClientRect();
        const out = Math.max(hr.left - r.left, r.right - hr.right, hr.top - r.top, r.bottom - hr.bottom);
        if (out > 1)
          faults.add(`area ${k}: ${name(e)} sticks out of ${name(holder)} by ${Math.round(out)}px`);
        e = holder;
      }
      if (a.matches('label, .widget-label, .widget-readout') && a.scrollWidth > a.clientWidth + 1
          && getComputedStyle(a).overflowX !== 'visible')
        faults.add(`area ${k}: ${name(a)} is cut (${a.scrollWidth} > ${a.clientWidth}px)`);
    });
  });
  return Array.from(faults);
}"""


def slider_handles(page):
    return page.locator(", ".join(f'{a} [role="slider"]' for a in CONTROL_AREAS.split(", ")))


def control_faults(page, when="") -> list[str]:
    """What CONTROL_FAULTS finds on ``page`` now (each line prefixed with ``when``)."""
    return [f"{when}{f}" for f in page.evaluate(CONTROL_FAULTS, [CONTROL_AREAS, CONTROL_PARTS])]


def control_faults_at_both_ends(page, width) -> list[str]:
    """CONTROL_FAULTS at a ``width``-pixel window, as loaded and with every slider's
    handle at its maximum, then at its minimum (where it is left)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(300)
    faults = control_faults(page, f"{width}px: ")
    handles = slider_handles(page)
    for key, end in (("End", "max"), ("Home", "min")):
        for i in range(handles.count()):
            h = handles.nth(i)
            h.scroll_into_view_if_needed()
            h.focus()
            h.press(key)
            for _ in range(200):  # End/Home, or arrow keys where a slider ignores them
                if h.get_attribute("aria-valuenow") == h.get_attribute(f"aria-value{end}"):
                    break
                h.press("ArrowRight" if end == "max" else "ArrowLeft")
            assert h.get_attribute("aria-valuenow") == h.get_attribute(f"aria-value{end}")
        page.wait_for_timeout(200)
        faults += control_faults(page, f"{width}px, sliders at their {end}: ")
    return sorted(set(faults))


def widgets_page(state: dict, views: list[str], assets: str) -> str:
    """A page that shows the widget ``views`` (model ids) from ``state`` with the site's own
    ipywidgets HTML manager (``assets``: the URL of its assets folder), one after another
    across the window, as a notebook's output area shows them."""
    import html
    import json

    head = "".join(f'<script src="{assets}/widgets/{s}"></script>'
                   for s in ("require.js", "widgets-config.js", "html-manager/embed-amd.js"))
    state_json = json.dumps({"version_major": 2, "version_minor": 0, "state": state})
    state_json = state_json.replace("</", "<\\/")  # no "</script>" inside the script
    body = "".join(
        '<div class="output"><script type="application/vnd.jupyter.widget-view+json">'
        + html.escape(json.dumps({"version_major": 2, "version_minor": 0, "model_id": v}), quote=False)
        + "</script></div>" for v in views)
    return (f"<!doctype html><html><head><meta charset='utf-8'>{head}"
            f'<script type="application/vnd.jupyter.widget-state+json">{state_json}</script>'
            f"<style>body {{font-family: sans-serif; margin: 8px}}</style></head>"
            f"<body>{body}</body></html>")


# ------------------------------------------------- the text inside the images
# Every figure of the book is a PNG made by backprop.canvas (figure_png for a notebook's
# figures, canvas_png for the widgets' frames), which writes the height in pixels of the
# figure's smallest text into a tEXt chunk under this key.
MIN_TEXT_KEY = "backprop:min-text-px"
MIN_TEXT_PX = 10  # the smallest text on screen, in CSS pixels, at a 1280-pixel window
# Images without text, which need no record: {src substring: the reason}.  None so far.
NO_TEXT_IMAGES: dict[str, str] = {}

IMAGE_TEXT = """async (key) => {
  const article = document.querySelector('article') || document.body;
  document.querySelectorAll('details').forEach(d => d.open = true);  // folded outputs count
  const imgs = Array.from(article.querySelectorAll('img'));
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null : i.decode().catch(() => null)));
  const chunk = (bytes) => {  // the tEXt chunk `key` of a PNG, or null
    const sig = [137, 80, 78, 71, 13, 10, 26, 10];
    if (bytes.length < 8 || sig.some((b, k) => bytes[k] !== b)) return null;
    const view = new DataView(bytes.buffer);
    for (let p = 8; p + 8 <= bytes.length;) {
      const n = view.getUint32(p), type = String.fromCharCode(...bytes.slice(p + 4, p + 8));
      if (type === 'tEXt') {
        const data = bytes.slice(p + 8, p + 8 + n), zero = data.indexOf(0);
        const name = String.fromCharCode(...data.slice(0, zero));
        if (name === key) return String.fromCharCode(...data.slice(zero + 1));
      }
      if (type === 'IEND') break;
      p += 12 + n;
    }
    return null;
  };
  const out = [];
  for (const i of imgs) {
    const src = i.currentSrc || i.src;
    let record = null;
    try {
      record = chunk(new Uint8Array(await (await fetch(src)).arrayBuffer()));
    } catch (e) { record = null; }
    const r = i.getBoundingClientRect();
    out.push({src: src.startsWith('data:') ? src.slice(0, 40) : src, record,
              natural: i.naturalWidth, shown: r.width});
  }
  return out;
}"""


def image_text_sizes(page) -> list[dict]:
    """Each image of the page's article: its src, the smallest-text record of its PNG (a
    string, or None without one), its natural and its shown width (0 when hidden)."""
    return page.evaluate(IMAGE_TEXT, MIN_TEXT_KEY)


def unreadable_images(images, min_px=MIN_TEXT_PX, exempt=NO_TEXT_IMAGES) -> list[str]:
    """What is wrong with the images of :func:`image_text_sizes`: an image without a
    record (unless exempt), or whose smallest text is shown below ``min_px`` pixels."""
    problems = []
    for im in images:
        if any(key in im["src"] for key in exempt):
            continue
        if im["record"] is None:
            problems.append(f"no smallest-text record (not made by backprop.canvas): {im['src']}")
            continue
        if im["record"] == "none" or not im["shown"] or not im["natural"]:
            continue  # no text in it, or hidden (a deck's other frames, drawn alike)
        on_screen = float(im["record"]) * im["shown"] / im["natural"]
        if on_screen < min_px:
            problems.append(f"smallest text {on_screen:.1f}px on screen ({im['record']}px in a "
                            f"{im['natural']}px image shown {im['shown']:.0f}px wide): {im['src']}")
    return problems
