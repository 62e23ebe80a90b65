"""Open every page of the built book in headless Chromium, as a reader would.

For each page: the math is typeset by MathJax (no raw TeX left, no TeX errors),
every widget renders, every static explorer (a slider jslinked to a
``widgets.Stack`` of images) changes the picture when the slider moves, the
console shows no errors and the browser asks nothing of any host but the local
server.  A screenshot of each page goes to artifacts/screenshots/.

The browser is Debian's /usr/bin/chromium driven by the playwright package
(never ``playwright install``).  Without it the tests are skipped, except under
CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, toc_files

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
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
WAIT_MS = 30_000
# Sphinx's own pages besides the toc's; tests/test_book.py checks no other page is built.
SPHINX_PAGES = ["genindex", "py-modindex", "search"]
PAGES = toc_files() + SPHINX_PAGES

pytestmark = pytest.mark.browser


# ------------------------------------------------------------------ fixtures
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


class Visit:
    """A page opened in the browser, with everything it requested and logged."""

    def __init__(self, browser, url):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.requests, self.errors = [], []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url} {r.failure}"))
        self.page.goto(url, wait_until="load")
        if self.page.evaluate("() => !!document.querySelector('script[src*=\"mathjax\"]')"):
            self.page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                        timeout=WAIT_MS)
            self.page.evaluate("() => MathJax.startup.promise")  # resolves once typeset
        self.n_views = self.page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
        if self.n_views:
            self.page.wait_for_function(
                """n => document.querySelectorAll('.widget-subarea > .lm-Widget').length >= n""",
                arg=self.n_views, timeout=WAIT_MS)


@pytest.fixture(scope="module", params=PAGES)
def visit(request, site, browser):
    """Each page is opened once and shared by the tests below (the explorer test runs last)."""
    doc = request.param
    v = Visit(browser, f"{site}/{doc}.html")
    v.doc = doc
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(SCREENSHOTS / (doc.replace("/", "__") + ".png")), full_page=True)
    yield v
    v.page.close()


# --------------------------------------------------------------------- tests
def test_index_redirects_to_the_intro(site, browser):
    page = browser.new_page()
    page.goto(f"{site}/index.html")
    page.wait_for_url("**/book/intro.html", timeout=WAIT_MS)
    assert page.locator("h1").first.inner_text().strip()
    page.close()


PROSE_TEXT = """() => {
    const article = document.querySelector('article') || document.body;
    const copy = article.cloneNode(true);
    copy.querySelectorAll('pre, code, mjx-container, script, style').forEach(e => e.remove());
    return copy.textContent;
}"""
RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|(?<![\\\w])\$[^\s$][^$\n]*\$")


def test_page_loads_only_from_the_local_server(visit):
    foreign = [u for u in visit.requests
               if urlsplit(u).scheme not in ("data", "blob", "about") and urlsplit(u).hostname != "127.0.0.1"]
    assert not foreign, f"{visit.doc}: the page requested other hosts: {foreign}"
    assert not visit.errors, f"{visit.doc}: console errors: {visit.errors}"


def test_math_is_typeset(visit):
    page = visit.page
    n_math = page.locator(".math").count()
    untypeset = page.evaluate("""() => Array.from(document.querySelectorAll('.math'))
        .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.trim())""")
    assert not untypeset, f"{visit.doc}: math left as TeX: {untypeset[:5]}"
    if n_math:
        assert page.locator("mjx-container").count() >= n_math
    assert page.locator("mjx-merror").count() == 0, f"{visit.doc}: MathJax reports a TeX error"
    raw = RAW_TEX.findall(page.evaluate(PROSE_TEXT))
    assert not raw, f"{visit.doc}: raw TeX delimiters in the visible text: {raw[:5]}"


def test_widgets_render(visit):
    page = visit.page
    if not visit.n_views:
        pytest.skip(f"{visit.doc} has no widgets")
    hidden = page.evaluate("""() => Array.from(document.querySelectorAll(
            'script[type="application/vnd.jupyter.widget-view+json"]'))
        .map((s, i) => [i, s.previousElementSibling])
        .filter(([i, sub]) => {
            const ok = sub && sub.classList.contains('widget-subarea');
            const w = ok && sub.querySelector('.lm-Widget[class*="widget-"], .jupyter-widgets');
            if (!w) return true;
            const r = w.getBoundingClientRect();
            return r.width === 0 || r.height === 0;
        }).map(([i]) => i)""")
    assert not hidden, f"{visit.doc}: widget views {hidden} did not render visibly"


# Tag each rendered widget element with its model id, walking the model tree from
# each displayed view: a box's rendered children follow its `children` in order;
# a Stack shows only its selected child.
TAG_MODELS = """state => {
    const id = ref => ref.replace(/^IPY_MODEL_/, '');
    const walk = (modelId, el) => {
        if (!el) return;
        el.dataset.modelId = modelId;
        const m = state[modelId];
        if (!m || !Array.isArray(m.state.children)) return;
        const kids = Array.from(el.children).filter(c => c.classList.contains('lm-Widget'));
        if (m.model_name === 'StackModel') {
            const k = m.state.selected_index;
            if (k !== null && k !== undefined) walk(id(m.state.children[k]), kids[0]);
        } else if (/^(Box|HBox|VBox|GridBox)Model$/.test(m.model_name)) {
            m.state.children.forEach((c, i) => walk(id(c), kids[i]));
        }
    };
    document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').forEach(s => {
        const sub = s.previousElementSibling;
        if (sub && sub.classList.contains('widget-subarea'))
            walk(JSON.parse(s.textContent).model_id, sub.firstElementChild);
    });
}"""

# Fingerprints of the images visible in the widget areas that hold the given elements.
VISIBLE_IMAGES = """async ids => {
    const areas = new Set();
    ids.forEach(i => document.querySelectorAll(`[data-model-id="${i}"]`)
        .forEach(e => areas.add(e.closest('.widget-subarea'))));
    const prints = [];
    for (const area of areas) {
        for (const img of area.querySelectorAll('img')) {
            const r = img.getBoundingClientRect();
            if (!img.complete || r.width === 0 || r.height === 0) continue;
            const bytes = await (await fetch(img.src)).arrayBuffer();
            const digest = await crypto.subtle.digest('SHA-256', bytes);
            prints.push(Array.from(new Uint8Array(digest)).map(b => b.toString(16)).join(''));
        }
    }
    return prints;
}"""


def widget_state(page) -> dict:
    text = page.evaluate("""() => { const s = document.querySelector(
        'script[type="application/vnd.jupyter.widget-state+json"]'); return s ? s.textContent : null; }""")
    return json.loads(text)["state"] if text else {}


def explorers(state) -> dict[str, set[str]]:
    """{slider model id: ids of the Stacks it is jslinked to}.

    A slider's ``value`` (IntSlider) or ``index`` (SelectionSlider) linked to a Stack's
    ``selected_index``, in either direction of a ``jslink``.
    """
    def ref(end):
        return end[0].removeprefix("IPY_MODEL_"), end[1]

    links = {}
    for model in state.values():
        if model["model_name"] not in ("LinkModel", "DirectionalLinkModel"):
            continue
        (a, a_attr), (b, b_attr) = ref(model["state"]["source"]), ref(model["state"]["target"])
        pairs = [(a, a_attr, b, b_attr)]
        if model["model_name"] == "LinkModel":
            pairs.append((b, b_attr, a, a_attr))
        for s, s_attr, k, k_attr in pairs:
            if (s_attr in ("value", "index") and "Slider" in state.get(s, {}).get("model_name", "")
                    and k_attr == "selected_index" and state.get(k, {}).get("model_name") == "StackModel"):
                links.setdefault(s, set()).add(k)
    return links


def test_static_explorers_change_the_picture(visit):
    page = visit.page
    state = widget_state(page)
    linked = explorers(state)
    # Every chapter must respond to its sliders on the static site (the chapter pattern).
    assert linked or not visit.doc.startswith("book/ch"), f"{visit.doc}: a chapter without an explorer"
    if not linked:
        pytest.skip(f"{visit.doc} has no slider linked to a Stack")
    page.evaluate(TAG_MODELS, state)
    for slider, stacks in linked.items():
        handle = page.locator(f'[data-model-id="{slider}"] [role="slider"]')
        assert handle.count() >= 1, f"{visit.doc}: slider {slider} is not displayed (or not in a Box)"
        handle = handle.first
        handle.scroll_into_view_if_needed()
        ids = [slider, *stacks]
        before_value = handle.get_attribute("aria-valuenow")
        before = page.evaluate(VISIBLE_IMAGES, ids)
        assert before, f"{visit.doc}: no image is visible next to slider {slider}"
        handle.focus()
        handle.press("ArrowRight")
        if handle.get_attribute("aria-valuenow") == before_value:  # it was at its maximum
            handle.press("ArrowLeft")
        after_value = handle.get_attribute("aria-valuenow")
        assert after_value != before_value, f"{visit.doc}: slider {slider} did not move"
        # Poll until the picture changes (a loaded machine can be slow to swap frames).
        after, deadline = before, time.monotonic() + WAIT_MS / 1000
        while after == before and time.monotonic() < deadline:
            page.wait_for_timeout(100)
            after = page.evaluate(VISIBLE_IMAGES, ids)
        assert after and after != before, (
            f"{visit.doc}: moving slider {slider} from {before_value} to {after_value} "
            f"did not change the picture"
        )
    assert not visit.errors, f"{visit.doc}: console errors while exploring: {visit.errors}"


@pytest.mark.parametrize("doc", toc_files())
def test_page_works_opened_from_disk(doc, built_book, browser):
    """A downloaded copy of the site, opened as file:// with no server and no network."""
    if built_book.returncode != 0:
        pytest.fail("the book did not build")
    v = Visit(browser, (built_book.html / f"{doc}.html").as_uri())
    try:
        foreign = [u for u in v.requests if urlsplit(u).scheme not in ("file", "data", "blob", "about")]
        assert not foreign, f"{doc}: requests beyond the local files: {foreign}"
        assert not v.errors, f"{doc}: console errors from disk: {v.errors}"
        untypeset = v.page.evaluate("() => Array.from(document.querySelectorAll('.math'))"
                                    ".filter(e => !e.querySelector('mjx-container')).length")
        assert untypeset == 0, f"{doc}: {untypeset} formulas not typeset from disk"
        rendered = v.page.locator(".widget-subarea > .lm-Widget").count()
        assert rendered == v.n_views, f"{doc}: {rendered} of {v.n_views} widgets rendered from disk"
    finally:
        v.page.close()
