"""Open every page of the built book in headless Chromium, as a reader would.

For each page: the math is typeset by MathJax (no raw TeX left, no TeX errors),
every widget renders; every static explorer (sliders jslinked to a deck of
frames) shows, after every move of every slider through its whole range in
several orders, slow and fast, exactly the frame of the sliders' values (the
static playground's toggle buttons, data set, depth and learning rate, are
swept the same way, with its epoch slider); every play button plays its
frames to the end; no control a widget shows is dead; no
code block is wider than its box; the console shows no errors (uncaught
exceptions, console errors, failed requests, HTTP errors such as a missing font)
for the whole visit and the browser asks nothing of any host but the local
server.  Chapter pages stay under 3 MB.  Chapter 7's playground, which trains in the
page with JavaScript, is driven through its controls (the tests at the end).  A
screenshot of each page goes to artifacts/screenshots/.

The browser is Debian's /usr/bin/chromium driven by the playwright package
(never ``playwright install``).  Without it the tests are skipped, except under
CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from urllib.parse import urlsplit

import pytest
from conftest import (  # CHROMIUM, FLAGS: the browser and its flags
    CHROMIUM,  # noqa: F401
    CONTROL_AREAS,
    FLAGS,  # noqa: F401
    ROOT,
    control_faults_at_both_ends,
    image_text_sizes,
    toc_files,
    unreadable_images,
)

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
WAIT_MS = 30_000
# Sphinx's own pages besides the toc's; tests/test_book.py checks no other page is built.
SPHINX_PAGES = ["genindex", "py-modindex", "search"]
PAGES = toc_files() + SPHINX_PAGES

pytestmark = pytest.mark.browser


# The fixtures `site` (the built book served on 127.0.0.1) and `browser` (headless
# Chromium) live in conftest.py, shared with tests/test_layout.py.


class Visit:
    """A page opened in the browser, with everything it requested and logged."""

    def __init__(self, browser, url):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.requests, self.errors = [], []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url} {r.failure}"))
        self.page.on("response",
                     lambda r: r.status >= 400 and self.errors.append(f"HTTP {r.status}: {r.url}"))
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


# ------------------------------------------------------------ widgets on the site
# Tag each rendered widget element with its model id, walking the model tree from
# each displayed view: a box's rendered children follow its `children` in order;
# a Stack shows only its selected child; a Tab holds a view of every child, in order,
# in its `.widget-tab-contents` panel.
TAG_MODELS = """state => {
    const id = ref => ref.replace(/^IPY_MODEL_/, '');
    const lumino = el => el ? Array.from(el.children).filter(c => c.classList.contains('lm-Widget')) : [];
    const walk = (modelId, el) => {
        if (!el) return;
        el.dataset.modelId = modelId;
        const m = state[modelId];
        if (!m || !Array.isArray(m.state.children)) return;
        if (m.model_name === 'StackModel') {
            const k = m.state.selected_index;
            if (k !== null && k !== undefined) walk(id(m.state.children[k]), lumino(el)[0]);
        } else if (m.model_name === 'TabModel') {
            const kids = lumino(el.querySelector(':scope > .widget-tab-contents'));
            m.state.children.forEach((c, i) => walk(id(c), kids[i]));
        } else if (/^(Box|HBox|VBox|GridBox)Model$/.test(m.model_name)) {
            const kids = lumino(el);
            m.state.children.forEach((c, i) => walk(id(c), kids[i]));
        }
    };
    document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').forEach(s => {
        const sub = s.previousElementSibling;
        if (sub && sub.classList.contains('widget-subarea'))
            walk(JSON.parse(s.textContent).model_id, sub.firstElementChild);
    });
}"""

# SHA-256 of every image visible in the widget area of the k-th displayed view, and the
# text of its HTML widgets: what a reader sees change.
AREA_PRINT = """async k => {
    const s = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')[k];
    const area = s.previousElementSibling;
    const prints = [];
    for (const img of area.querySelectorAll('img')) {
        const r = img.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const bytes = await (await fetch(img.src)).arrayBuffer();
        const digest = await crypto.subtle.digest('SHA-256', bytes);
        prints.push(Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, '0')).join(''));
    }
    const texts = Array.from(area.querySelectorAll('.widget-html')).map(e => e.innerText);
    return {images: prints.sort(), texts: texts};
}"""

SLIDERS = ("IntSliderModel", "SelectionSliderModel")  # the controls the explorers and players use
TOGGLES = ("ToggleButtonsModel",)  # the static playground's buttons: data set, depth, learning rate
CONTAINERS = ("StackModel", "TabModel")


def test_text_in_images_is_readable(visit):
    """Every image of a chapter carries the size of its smallest text (written by
    backprop.canvas when the PNG was made), and that text is at least 10 px on screen."""
    if not chapter(visit.doc):
        pytest.skip("the chapters' figures")
    images = image_text_sizes(visit.page)
    bad = unreadable_images(images)
    assert not bad, f"{visit.doc}: {len(bad)} of {len(images)} image(s): {bad[:6]}"


def _png(fontsize, width_in, chunk=True):
    """A PNG of a figure with one text, through backprop.canvas (or plain, without a record)."""
    import base64
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from backprop.canvas import figure_png

    fig = plt.figure(figsize=(width_in, 1.0))
    fig.text(0.1, 0.5, "text " * 8, fontsize=fontsize)
    if chunk:
        png = figure_png(fig, bbox_inches=None)
    else:
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        png = buf.getvalue()
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def test_the_image_check_finds_tiny_text(browser):
    """The check itself: a picture shrunk to half its width with 9 pt text (6.25 px on
    screen) and a picture without a record are reported; the same 9 pt picture at its
    natural size (12.5 px) is not."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.set_content(
            "<article>"
            f"<img id='shrunk' src='{_png(9, 6)}' style='width: 300px'>"
            f"<img id='plain' src='{_png(9, 3, chunk=False)}'>"
            f"<img id='fine' src='{_png(9, 6)}' style='width: 600px'>"
            "</article>")
        images = image_text_sizes(page)
        assert [im["record"] for im in images] == ["12.50", None, "12.50"]
        bad = unreadable_images(images)
        assert len(bad) == 2, bad
        assert "6.2px on screen" in bad[0] and "no smallest-text record" in bad[1]
    finally:
        page.close()


def widget_state(page) -> dict:
    text = page.evaluate("""() => { const s = document.querySelector(
        'script[type="application/vnd.jupyter.widget-state+json"]'); return s ? s.textContent : null; }""")
    return json.loads(text)["state"] if text else {}


def displayed_views(page) -> list[str]:
    return page.evaluate("""() => Array.from(document.querySelectorAll(
        'script[type="application/vnd.jupyter.widget-view+json"]'))
        .map(s => JSON.parse(s.textContent).model_id)""")


def _ref(value):
    return value.removeprefix("IPY_MODEL_") if isinstance(value, str) else value


class Widgets:
    """The embedded widget state of a page, and what its views should show.

    ``shown(root, values)`` follows the page's jslinks from the given control values
    (``{(model id, attribute): value}``, read from the browser) to every linked
    attribute, then walks the model tree from ``root`` as the views do (a Stack or
    Tab shows its selected child) and returns the SHA-256 of each image it reaches:
    the frames a reader must be seeing.
    """

    def __init__(self, state):
        self.state = state
        self.links = []  # (source, target, both ways)
        for m in state.values():
            if m["model_name"] in ("LinkModel", "DirectionalLinkModel"):
                src, dst = m["state"]["source"], m["state"]["target"]
                self.links.append(((_ref(src[0]), src[1]), (_ref(dst[0]), dst[1]),
                                   m["model_name"] == "LinkModel"))

    def model(self, mid):
        return self.state[mid]

    def descendants(self, mid):
        m = self.state[mid]
        yield mid
        for c in m["state"].get("children") or []:
            yield from self.descendants(_ref(c))

    def image_hash(self, mid):
        (buf,) = [b for b in self.state[mid].get("buffers", []) if b["path"] == ["value"]]
        return hashlib.sha256(base64.b64decode(buf["data"])).hexdigest()

    def propagate(self, values):
        known = dict(values)
        todo = list(values)
        while todo:
            end = todo.pop()
            for src, dst, both in self.links:
                for a, b in [(src, dst)] + ([(dst, src)] if both else []):
                    if a == end and b not in known:
                        known[b] = known[a]
                        todo.append(b)
        return known

    def shown(self, root, values):
        known = self.propagate(values)

        def get(mid, attr):
            return known.get((mid, attr), self.state[mid]["state"].get(attr))

        def walk(mid):
            m = self.state[mid]
            name, kids = m["model_name"], [_ref(c) for c in m["state"].get("children") or []]
            if name == "ImageModel":
                yield self.image_hash(mid)
            elif name in CONTAINERS:
                k = get(mid, "selected_index")
                if k is not None:
                    yield from walk(kids[k])
            elif m["model_name"].endswith("BoxModel"):
                for c in kids:
                    yield from walk(c)

        return sorted(walk(root))

    def slider_attr(self, mid):
        return "value" if self.state[mid]["model_name"] == "IntSliderModel" else "index"

    def is_toggle(self, mid):
        return self.state[mid]["model_name"] in TOGGLES

    def frame_sliders(self, root):
        """The sliders and toggle buttons under ``root`` whose links reach the selected_index
        of a Stack or Tab: the controls that pick frames."""
        found = []
        for mid in self.descendants(root):
            if self.state[mid]["model_name"] not in SLIDERS + TOGGLES:
                continue
            reach = self.propagate({(mid, self.slider_attr(mid)): 0})
            if any(attr == "selected_index" and self.state[t]["model_name"] in CONTAINERS
                   for t, attr in reach):
                found.append(mid)
        return found

    def play_slider(self, root):
        """The frame slider that the Play button under ``root`` drives (None without one)."""
        plays = [mid for mid in self.descendants(root) if self.state[mid]["model_name"] == "PlayModel"]
        if len(plays) != 1:
            return None
        reach = self.propagate({(plays[0], "value"): 0})
        driven = [mid for mid in self.frame_sliders(root) if (mid, self.slider_attr(mid)) in reach]
        return driven[0] if len(driven) == 1 else None


class Area:
    """The k-th displayed widget view of a visit: its sliders, what it shows, and checks."""

    def __init__(self, visit, widgets, k, root):
        self.visit, self.w, self.k, self.root = visit, widgets, k, root
        self.page = visit.page
        self.sliders = widgets.frame_sliders(root)

    def handle(self, mid):
        if self.w.is_toggle(mid):
            h = self.page.locator(f'[data-model-id="{mid}"]')
            assert h.count() == 1, f"{self.visit.doc}: toggle buttons {mid} are not displayed once"
            return h.first
        h = self.page.locator(f'[data-model-id="{mid}"] [role="slider"]')
        assert h.count() == 1, f"{self.visit.doc}: slider {mid} is not displayed once"
        return h.first

    def buttons(self, mid):
        return self.handle(mid).locator("button")

    def position(self, mid):
        """(value, lowest, highest): a slider's position, or the index of the pressed toggle button."""
        if self.w.is_toggle(mid):
            active = self.handle(mid).evaluate(
                "el => Array.from(el.querySelectorAll('button')).findIndex("
                "b => b.classList.contains('mod-active'))")
            return active, 0, self.buttons(mid).count() - 1
        h = self.handle(mid)
        return tuple(round(float(h.get_attribute(f"aria-value{k}"))) for k in ("now", "min", "max"))

    def values(self):
        return {(mid, self.w.slider_attr(mid)): self.position(mid)[0] for mid in self.sliders}

    def seen(self):
        return self.page.evaluate(AREA_PRINT, self.k)

    def expected(self):
        return self.w.shown(self.root, self.values())

    def check_frame(self, what, wait_ms=WAIT_MS):
        """The frame shown is the one for the sliders' current values (polling while it loads)."""
        expected = self.expected()
        deadline = time.monotonic() + wait_ms / 1000
        while True:
            seen = self.seen()["images"]
            if seen == expected or time.monotonic() > deadline:
                break
            self.page.wait_for_timeout(50)
        assert seen == expected, (
            f"{self.visit.doc}: after {what} the sliders are at {self.values()}, but the picture "
            f"shown is not their frame")
        assert not self.visit.errors, f"{self.visit.doc}: console errors after {what}: {self.visit.errors}"

    def press(self, mid, key):
        if self.w.is_toggle(mid):  # a reader clicks the neighbouring button
            value, lo, hi = self.position(mid)
            target = value + (1 if key == "ArrowRight" else -1)
            self.buttons(mid).nth(min(max(target, lo), hi)).click()
            return
        h = self.handle(mid)
        h.focus()
        h.press(key)

    def move_to(self, mid, target):
        if self.w.is_toggle(mid):
            self.buttons(mid).nth(target).click()
            return
        value, lo, hi = self.position(mid)
        key = "ArrowRight" if target > value else "ArrowLeft"
        for _ in range(abs(target - value)):
            self.press(mid, key)


def chapter(doc):
    return doc.startswith("book/ch")


# Chapters without widgets: the checks that every chapter has a static explorer, a play
# button and a live trainer (chapters 1-5) or a playground (chapter 7) skip them.
NO_WIDGETS = {"book/ch06_any_depth", "book/ch08_softmax", "book/ch10_initialisation"}
# Chapter 9 shows one backward pass node by node: a play button over its frames, and no
# training widgets (no explorer, no live trainer).
BACKWARD_PLAYER = "book/ch09_reverse_mode"


def needs_widgets(doc):
    return chapter(doc) and doc not in NO_WIDGETS


# Chapter 7's playground trains in the page (scripts/assets/playground.js, tested at the end
# of this file) instead of showing precomputed frames: it has no explorer and no player.
LIVE_PLAYGROUND = "book/ch07_playground"


def needs_frames(doc):
    return needs_widgets(doc) and doc not in (LIVE_PLAYGROUND, BACKWARD_PLAYER)


def areas(visit):
    page = visit.page
    state = widget_state(page)
    if not state:
        return []
    page.evaluate(TAG_MODELS, state)
    w = Widgets(state)
    return [Area(visit, w, k, root) for k, root in enumerate(displayed_views(page))]


def test_explorers_show_the_frame_of_the_sliders_values(visit):
    """Every slider of every explorer through its whole range, in three orders, slow and fast.

    The static playground counts as an explorer too: its toggle buttons (data set,
    depth, learning rate) and its epoch slider are swept like sliders (its Play button
    is checked by the next test).  A player's single slider is left to the next test.
    """
    found = [a for a in areas(visit) if a.sliders and not (
        len(a.sliders) == 1 and a.page.locator(f'[data-model-id="{a.root}"] .widget-play').count())]
    assert found or not needs_frames(visit.doc), f"{visit.doc}: a chapter without a static explorer"
    if not found:
        pytest.skip(f"{visit.doc} has no slider linked to a Stack or Tab of frames")
    for a in found:
        a.handle(a.sliders[0]).scroll_into_view_if_needed()
        a.check_frame("loading")
        ranges = {mid: a.position(mid)[1:] for mid in a.sliders}
        assert all(lo < hi for lo, hi in ranges.values()), f"{visit.doc}: a slider with one value"
        outer, inner = a.sliders[0], a.sliders[-1]

        def sweep(mid, pause):
            lo, hi = ranges[mid]
            start = a.position(mid)[0]
            for target in [*range(start + 1, hi + 1), *range(hi - 1, lo - 1, -1)]:
                a.move_to(mid, target)
                a.page.wait_for_timeout(pause)
                a.check_frame(f"moving slider {mid} to {target}")

        # outer then inner: at every value of the outer slider, the inner one end to end
        for mid in (outer, inner):
            a.move_to(mid, ranges[mid][0])
        lo, hi = ranges[outer]
        for v in range(lo, hi + 1):
            a.move_to(outer, v)
            a.check_frame(f"moving slider {outer} to {v}")
            sweep(inner, pause=0)
        # inner then outer, pausing as a reader would
        for v in range(ranges[inner][0], ranges[inner][1] + 1):
            a.move_to(inner, v)
            sweep(outer, pause=150)
        # fast sweeps: each slider end to end and back, keys as fast as they go, twice
        for _ in range(2):
            for mid in a.sliders:
                lo, hi = ranges[mid]
                a.move_to(mid, hi)
                a.move_to(mid, lo)
            a.check_frame("fast sweeps")
        # alternating, fast: one key each, bouncing off the ends, checked only at the end
        keys = {mid: "ArrowRight" for mid in a.sliders}
        for step in range(4 * max(hi - lo for lo, hi in ranges.values()) + 2):
            mid = a.sliders[step % len(a.sliders)]
            value = a.position(mid)[0]
            lo, hi = ranges[mid]
            if (value == hi and keys[mid] == "ArrowRight") or (value == lo and keys[mid] == "ArrowLeft"):
                keys[mid] = "ArrowLeft" if keys[mid] == "ArrowRight" else "ArrowRight"
            a.press(mid, keys[mid])
        a.check_frame("fast alternating moves")
        # alternating, slow, checked after every move
        for step in range(2 * len(a.sliders) * 3):
            mid = a.sliders[step % len(a.sliders)]
            value, lo, hi = a.position(mid)
            a.move_to(mid, lo if value == hi else value + 1)
            a.page.wait_for_timeout(120)
            a.check_frame(f"alternating move of slider {mid}")
    visit.page.wait_for_timeout(500)  # a late error from the last moves
    assert not visit.errors, f"{visit.doc}: console errors while exploring: {visit.errors}"


def test_play_buttons_step_through_every_frame(visit):
    players = [a for a in areas(visit) if a.page.locator(f'[data-model-id="{a.root}"] .widget-play').count()]
    assert players or not (needs_frames(visit.doc) or visit.doc == BACKWARD_PLAYER), (
        f"{visit.doc}: a chapter without a play button")
    if not players:
        pytest.skip(f"{visit.doc} has no play button")
    for a in players:
        mid = a.w.play_slider(a.root)
        assert mid, f"{visit.doc}: a Play button needs exactly one slider linked to its frames"
        value, lo, hi = a.position(mid)
        if len(a.sliders) > 1:  # a playground, whose controls the explorer test has moved
            a.move_to(mid, lo)
            value = a.position(mid)[0]
        assert value == lo, f"{visit.doc}: a player should start at its first frame"
        a.check_frame("loading")
        button = a.page.locator(f'[data-model-id="{a.root}"] .widget-play button').first
        button.scroll_into_view_if_needed()
        button.click()
        seen_values, frames = [], set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            value = a.position(mid)[0]
            seen_values.append(value)
            frames.add(tuple(a.seen()["images"]))
            if value == hi:
                break
            a.page.wait_for_timeout(100)
        assert seen_values[-1] == hi, f"{visit.doc}: the player stopped at {seen_values[-1]} of {hi}"
        assert seen_values == sorted(seen_values), f"{visit.doc}: frames went backwards: {seen_values}"
        assert len(frames) >= min(3, hi - lo + 1), f"{visit.doc}: the picture did not advance"
        a.check_frame("playing to the end")
    assert not visit.errors, f"{visit.doc}: console errors while playing: {visit.errors}"


CONTROLS = """k => {
    const s = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')[k];
    const area = s.previousElementSibling;
    const out = [];
    area.querySelectorAll('[role="slider"], button, input, textarea, select, [contenteditable="true"]')
        .forEach((e, i) => {
            const r = e.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || e.disabled) return;
            e.dataset.control = `${k}-${i}`;
            const kind = e.getAttribute('role') === 'slider' ? 'slider'
                : (e.tagName === 'BUTTON' ? 'button' : 'text');
            out.push({id: `${k}-${i}`, kind: kind, label: e.getAttribute('title') || e.innerText || ''});
        });
    return out;
}"""


def changed(area, before, seconds=5):
    """What the area shows once it differs from ``before`` (or ``before`` after ``seconds``)."""
    deadline, after = time.monotonic() + seconds, before
    while after == before and time.monotonic() < deadline:
        area.page.wait_for_timeout(100)
        after = area.seen()
    return after


def test_no_control_on_the_page_is_dead(visit):
    """Every slider, button and text box a widget shows changes what the reader sees."""
    dead = []
    for a in areas(visit):
        for control in a.page.evaluate(CONTROLS, a.k):
            el = a.page.locator(f'[data-control="{control["id"]}"]')
            el.scroll_into_view_if_needed()
            before = a.seen()
            group = el.evaluate("e => e.closest('.widget-toggle-buttons') ? "
                                "Array.from(e.parentElement.querySelectorAll('button')).indexOf(e) : -1")
            if group >= 0 and "mod-active" in (el.get_attribute("class") or ""):
                # the pressed button of a group: press a neighbour first, as a reader would
                siblings = el.locator("xpath=..").locator("button")
                siblings.nth(1 if group == 0 else 0).click()
                before = changed(a, before)
            if control["kind"] == "slider":
                now = el.get_attribute("aria-valuenow")
                el.focus()
                el.press("ArrowRight")
                if el.get_attribute("aria-valuenow") == now:
                    el.press("ArrowLeft")
            elif control["kind"] == "button":
                el.click()
            else:
                el.fill("")
                el.type("1")
                el.press("Enter")
            after = changed(a, before)
            if after == before and control["kind"] == "button" and a.sliders:
                # e.g. a Stop button while its player is already at the first frame:
                # move the slider away from the start and try once more
                mid = a.w.play_slider(a.root) or a.sliders[0]
                a.move_to(mid, a.position(mid)[2])
                before = a.seen()
                el.click()
                after = changed(a, before)
            if after == before:
                dead.append(f'{control["kind"]} {control["label"]!r} of widget {a.root}')
    assert not dead, f"{visit.doc}: controls that change nothing visible: {dead}"
    assert not visit.errors, f"{visit.doc}: console errors while operating controls: {visit.errors}"


# Sliders whose value a reader should see beside them: (model, its shown value at a position).
SHOWN_VALUE = {"SelectionSliderModel": lambda m, k: m["state"]["_options_labels"][k],
               "IntSliderModel": lambda m, v: str(v)}


def shown_text(area, mid):
    """The text a reader sees in the row of slider ``mid``: its widget and its neighbours."""
    return area.page.locator(f'[data-model-id="{mid}"]').first.evaluate(
        "e => (e.parentElement || e).innerText")


def test_every_slider_shows_its_value(visit):
    """Every slider shows the value it is at, beside it, at its maximum and at its minimum.

    The value expected is the slider's own label (or number) at the handle's position
    (aria-valuenow), read from the widget state, found as a word of the slider's row.
    """
    missing, checked = [], 0
    for a in areas(visit):
        for mid in a.w.descendants(a.root):
            m = a.w.model(mid)
            if m["model_name"] not in SHOWN_VALUE:
                continue
            handle = a.page.locator(f'[data-model-id="{mid}"] [role="slider"]')
            if handle.count() != 1 or not handle.is_visible():
                continue
            handle.scroll_into_view_if_needed()
            texts = []
            for end in (2, 1):  # its maximum, then its minimum
                a.move_to(mid, a.position(mid)[end])
                want = SHOWN_VALUE[m["model_name"]](m, a.position(mid)[0])
                deadline = time.monotonic() + 5
                while want not in shown_text(a, mid).split() and time.monotonic() < deadline:
                    a.page.wait_for_timeout(50)
                texts.append(shown_text(a, mid))
                if want not in texts[-1].split():
                    missing.append(f"slider {m['state']['description']!r} at {want!r} shows "
                                   f"{texts[-1]!r}")
            if texts[0] == texts[1]:
                missing.append(f"slider {m['state']['description']!r} shows the same at both ends")
            checked += 1
    if not checked:
        pytest.skip(f"{visit.doc} shows no slider")
    assert not missing, f"{visit.doc}: sliders that do not show their value: {missing}"
    assert not visit.errors, f"{visit.doc}: console errors while moving sliders: {visit.errors}"


def test_no_controls_overlap_at_1280_pixels(visit):
    """No two controls overlap and none sticks out of its widget, with every slider's handle
    as loaded, at its maximum and at its minimum (tests/test_layout.py: the same at 390)."""
    if not visit.page.locator(CONTROL_AREAS).count():
        pytest.skip(f"{visit.doc} has no controls")
    faults = control_faults_at_both_ends(visit.page, 1280)
    assert not faults, f"{visit.doc}: {len(faults)} control fault(s): {faults[:8]}"


def test_live_trainers_show_a_picture_and_where_they_run(visit):
    """On the site a live trainer (which needs a kernel) is its first picture and a Binder link."""
    import backprop.widgets

    statics = visit.page.locator(".live-trainer-static")
    assert statics.count() or not needs_widgets(visit.doc) or visit.doc == BACKWARD_PLAYER, (
        f"{visit.doc}: a chapter without a live trainer")
    if not statics.count():
        pytest.skip(f"{visit.doc} has no live trainer")
    binder = backprop.widgets.binder_url(ROOT / "_config.yml")
    for k in range(statics.count()):
        box = statics.nth(k)
        box.scroll_into_view_if_needed()
        assert box.locator("img").evaluate("i => i.complete && i.naturalWidth > 0 && i.width > 0")
        assert "Jupyter" in box.inner_text()
        assert box.locator("a").get_attribute("href") == binder


WIDE_CODE = """() => {
    document.querySelectorAll('details').forEach(d => d.open = true);  // hidden inputs count too
    return Array.from(document.querySelectorAll('article pre'))
        .filter(p => p.scrollWidth > p.clientWidth + 1)
        .map(p => `${p.scrollWidth - p.clientWidth}px too wide: ` +
             p.textContent.split('\\n').reduce((a, b) => a.length >= b.length ? a : b).slice(0, 90));
}"""


def test_code_fits_its_box(visit):
    """No code block (input or output) is wider than its box at the book's normal width."""
    wide = visit.page.evaluate(WIDE_CODE)
    assert not wide, f"{visit.doc}: {len(wide)} code block(s) wider than the text column: {wide}"


# Display math (the text's and SymPy's outputs) wider than the article column.
WIDE_MATH = """() => {
  const column = document.querySelector('article.bd-article') || document.body;
  const width = column.getBoundingClientRect().width;
  return Array.from(document.querySelectorAll('mjx-container[display="true"] > mjx-math'))
    .filter(m => m.getBoundingClientRect().width > width + 1)
    .map(m => `${Math.round(m.getBoundingClientRect().width - width)}px too wide: ` +
              m.parentElement.textContent.slice(0, 60));
}"""


def test_display_math_fits_the_column(visit):
    """No displayed formula is wider than the text column at the book's normal width."""
    if not visit.page.locator("mjx-container").count():
        pytest.skip(f"{visit.doc} has no typeset math")
    wide = visit.page.evaluate(WIDE_MATH)
    assert not wide, f"{visit.doc}: {len(wide)} formula(s) wider than the text column: {wide}"


PAGE_LIMIT = 3_000_000  # bytes of HTML per chapter page (widget frames are embedded in it)


@pytest.mark.parametrize("doc", [d for d in toc_files() if chapter(d)])
def test_chapter_page_stays_under_3_mb(doc, built_book):
    size = (built_book.html / f"{doc}.html").stat().st_size
    assert size < PAGE_LIMIT, f"{doc}.html is {size / 1e6:.2f} MB, over the {PAGE_LIMIT / 1e6:g} MB budget"


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


# ------------------------------------------------ chapter 7's live playground (JavaScript)
# scripts/assets/playground.js trains in the page with engine.js; tests/js holds the engine
# to the package.  Here: every control changes what the page shows, Play trains, a link
# recreates a configuration, "Copy as Python" gives lines that reproduce the run in
# Python, a diverging run keeps a visible cost curve and the Python playground's message,
# bad settings get the Python playground's messages, and the panels fit a phone.
PLAY_WAIT_MS = 120_000

SNAPSHOT = """() => Array.from(document.querySelectorAll('.bpp canvas')).map(c => c.toDataURL()).join('|')
    + '|' + document.querySelector('.bpp-status').textContent"""


class PlaygroundPage:
    """Chapter 7 opened with a configuration in its address; ``visit`` holds its log."""

    def __init__(self, browser, base, hash_="", width=1280, height=900):
        self.visit = Visit(browser, f"{base}/{LIVE_PLAYGROUND}.html{'#' + hash_ if hash_ else ''}")
        self.page = self.visit.page
        self.page.set_viewport_size({"width": width, "height": height})
        self.page.wait_for_function("() => window.bpPlayground && window.bpPlayground.status.textContent",
                                    timeout=WAIT_MS)
        self.page.locator(".bpp").scroll_into_view_if_needed()

    def status(self):
        return self.page.locator(".bpp-status").inner_text().strip()

    def snapshot(self):
        return self.page.evaluate(SNAPSHOT)

    def step(self, n):
        for _ in range(n):
            self.page.locator("button", has_text="One epoch").click()

    def play_to_the_end(self):
        self.page.locator(".bpp-play").click()
        self.page.wait_for_function("() => window.bpPlayground.finished && !window.bpPlayground.playing",
                                    timeout=PLAY_WAIT_MS)

    def close(self):
        foreign = [u for u in self.visit.requests
                   if urlsplit(u).scheme not in ("data", "blob", "about", "file")
                   and urlsplit(u).hostname != "127.0.0.1"]
        errors = list(self.visit.errors)
        self.page.close()
        assert not foreign, f"the playground asked other hosts: {foreign}"
        assert not errors, f"console errors on the playground page: {errors}"


@pytest.fixture()
def playground(site, browser):
    pages = []

    def open_(hash_="", **kw):
        pages.append(PlaygroundPage(browser, site, hash_, **kw))
        return pages[-1]

    yield open_
    for p in pages:
        p.close()


def python_playground(**settings):
    import backprop as bp

    data = settings.pop("data", None)
    return bp.widgets.playground(data, **settings)


# Each control with a value other than the default: (selector, how, value).
CONTROL_CHANGES = [
    ("#bpp-data", "select", "xor"), ("#bpp-noise", "select", "0.4"), ("#bpp-split", "select", "20"),
    ("#bpp-hidden", "fill", "4, 3"), ("#bpp-act1", "select", "tanh"), ("#bpp-act2", "select", "sigmoid"),
    ("#bpp-output", "select", "identity"), ("#bpp-loss", "select", "mse"), ("#bpp-lr", "fill", "0.05"),
    ("#bpp-epochs", "fill", "40"), ("#bpp-batch", "fill", "20"), ("#bpp-seed", "select", "3"),
    ("#bpp-init", "select", "glorot"), ("#bpp-pointclass", "click", "1"),
]


def test_playground_every_control_changes_the_picture(playground):
    """From the default settings, 3 epochs with and without each change: the pictures differ."""
    base = playground()
    base.step(3)
    before = base.snapshot()
    controls = base.page.evaluate("() => Array.from(document.querySelectorAll('.bpp select, .bpp input'))"
                                  ".map(e => '#' + e.id)")
    assert set(controls) == {c for c, _, _ in CONTROL_CHANGES}, "a control without a test below"
    for selector, how, value in CONTROL_CHANGES:
        p = playground()
        el = p.page.locator(selector)
        if how == "select":
            el.select_option(value)
        elif how == "fill":
            el.fill(value)
            el.press("Enter")
            el.evaluate("e => e.dispatchEvent(new Event('change'))")
        else:  # choose a class, then click the picture to add a point of it
            el.select_option(value)
            p.page.locator(".bpp-boundary").click(position={"x": 30, "y": 30})
            assert "pts=" in p.page.evaluate("location.hash")
        p.step(3)
        assert p.snapshot() != before, f"{selector} = {value!r} changes nothing the reader sees"
    # the buttons: Reset goes back to epoch 0; Copy as Python shows the lines
    p = playground()
    start = p.snapshot()
    p.step(2)
    assert p.snapshot() != start
    p.page.locator("button", has_text="Reset").click()
    assert p.snapshot() == start
    p.page.locator("button", has_text="Copy as Python").click()
    assert "bp.MLP([2, 8, 8, 1]" in p.page.locator(".bpp-python").inner_text()


def test_playground_plays_and_the_cost_falls_on_the_moons(playground):
    p = playground()
    assert p.page.locator(".bpp-dz mjx-container").count() == 3, "the dZ table of 3 layers, typeset"
    p.play_to_the_end()
    costs = p.page.evaluate("() => window.bpPlayground.run.costs")
    stats = p.page.evaluate("() => window.bpPlayground.stats")
    assert len(costs) == 300 and costs[-1] < 0.2 * costs[0]
    assert stats["frames"] > 1, "it drew only once while training"
    assert p.status() == python_playground().message  # the Python playground's words and numbers


def test_a_link_recreates_the_run_and_copy_as_python_reproduces_it(playground):
    import numpy as np

    p = playground("data=xor&hidden=4&act=tanh&lr=0.3&epochs=60&seed=3&batch=25&split=20&init=glorot")
    assert p.page.locator("#bpp-data").input_value() == "xor"
    assert p.page.locator("#bpp-init").input_value() == "glorot"
    assert p.page.locator("#bpp-hidden").input_value() == "4"
    assert p.page.locator("#bpp-act1").input_value() == "tanh"
    assert p.page.locator("#bpp-seed").input_value() == "3"
    p.play_to_the_end()
    page_costs = [float(c) for c in p.page.evaluate("() => window.bpPlayground.run.costs")]
    page_J = float(p.page.evaluate("() => window.bpPlayground.J"))
    p.page.locator("button", has_text="Copy as Python").click()
    code = p.page.locator(".bpp-python").inner_text()
    assert "batch_size=25" in code and "test = np.arange(len(y)) % 5 == 4" in code
    assert "init='glorot'" in code
    scope = {}
    exec(code.replace("print(", "(lambda *a, **k: None)("), scope)  # the lines, run quietly
    np.testing.assert_allclose(page_costs, scope["history"].losses, rtol=1e-9, atol=0)
    assert abs(page_J - scope["net"].cost(scope["X"], scope["y"])) <= 1e-9 * page_J
    # without a split the page's verdict line is the Python playground's
    q = playground("data=xor&hidden=4&act=tanh&lr=0.3&epochs=60&seed=3")
    q.play_to_the_end()
    assert q.status() == python_playground(data="xor", hidden=(4,), activations="tanh", lr=0.3,
                                           epochs=60, seed=3).message


def test_a_diverging_run_is_shown_with_its_message(playground):
    import math

    import numpy as np

    p = playground("data=curve&lr=3")
    p.play_to_the_end()
    python = python_playground(data="curve", lr=3.0)
    assert p.status() == python.message  # the epoch where J became infinite, and why
    # (Playwright hands back a whole-number float such as 6.6e15 as a Python int)
    costs = [float(c) for c in p.page.evaluate("() => window.bpPlayground.run.costs")]
    assert len(costs) == python.result.diverged_at and all(math.isfinite(c) for c in costs)
    assert np.allclose(costs, python.result.losses, rtol=1e-9, atol=0)
    # the cost panel is not blank: its curve (drawn in #222) covers many pixels
    dark = p.page.evaluate("""() => { const c = document.querySelector('.bpp-cost');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 60 && d[i + 1] < 60 && d[i + 2] < 60) n++;
        return n; }""")
    assert dark > 300, f"the cost panel of a diverged run is nearly blank ({dark} dark pixels)"


# What the boundary picture shows, read from its pixels: for each colour c, the pixels that are
# white mixed with c (255 + (c - 255) s, s >= 0.3: a region, or a point); the centre pixels
# of the first test point and the first training point; and the cost panel's grey (#888,
# the dashed test curve) inside its frame (the frame itself is #888 too, so it is left out).
PICTURE = """(palette) => {
    const pg = window.bpPlayground, c = pg.canvases.boundary, ctx = c.getContext('2d');
    const d = ctx.getImageData(0, 0, c.width, c.height).data, n = d.length / 4;
    const rgb = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
    const counts = palette.map((h) => { const col = rgb(h); let k = 0;
        const j = [0, 1, 2].reduce((a, b) => (Math.abs(col[b] - 255) > Math.abs(col[a] - 255) ? b : a));
        for (let i = 0; i < d.length; i += 4) {
            const s = (d[i + j] - 255) / (col[j] - 255);
            const fits = [0, 1, 2].every((q) => Math.abs(d[i + q] - (255 + (col[q] - 255) * s)) <= 8);
            if (s >= 0.3 && s <= 1.02 && fits) k++;
        }
        return k / n; });
    const v = pg.view, dpr = c.width / c.clientWidth;
    const centre = (p) => { const x = Math.round((p[0] - v.x0) / (v.x1 - v.x0) * c.clientWidth * dpr);
        const y = Math.round((c.clientHeight - (p[1] - v.y0) / (v.y1 - v.y0) * c.clientHeight) * dpr);
        return Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3)); };
    const t = pg.all.test.indexOf(true), r = pg.all.test.indexOf(false);
    const k = pg.canvases.cost, kd = k.getContext('2d').getImageData(0, 0, k.width, k.height).data;
    const kdpr = k.width / k.clientWidth, inset = 3;
    let grey = 0;
    for (let yy = Math.ceil((8 + inset) * kdpr); yy < k.height - (30 + inset) * kdpr; yy++) {
        for (let xx = Math.ceil((42 + inset) * kdpr); xx < k.width - (8 + inset) * kdpr; xx++) {
            const i = 4 * (yy * k.width + xx);
            if ([0, 1, 2].every((q) => Math.abs(kd[i + q] - 136) <= 24)) grey++;
        }
    }
    // a 14 x 14 lattice of pixels away from the points: where they are, and their colour
    const near = (x, y) => pg.all.X.some((p) => Math.hypot((p[0] - x) / (v.x1 - v.x0) * c.clientWidth,
        (p[1] - y) / (v.y1 - v.y0) * c.clientHeight) < 7);
    const lattice = [];
    for (let i = 0; i < 14; i++) for (let j = 0; j < 14; j++) {
        const x = v.x0 + (i + 0.5) / 14 * (v.x1 - v.x0), y = v.y0 + (j + 0.5) / 14 * (v.y1 - v.y0);
        if (!near(x, y)) lattice.push([x, y, centre([x, y])]);
    }
    return { counts, lattice, testCentre: centre(pg.all.X[t]), testLabel: pg.all.y[t],
             trainCentre: centre(pg.all.X[r]), trainLabel: pg.all.y[r], grey };
}"""
PALETTE = ["#0072B2", "#D55E00", "#009E73"]  # classes 0, 1, 2 (the notebook's playground's too)


def test_three_classes_train_with_softmax_and_a_test_split(playground):
    """spirals3 from the data menu: the page turns to a softmax over 3 units with the
    cross-entropy, trains, colours every region by its predicted class, draws the test
    points hollow and their cost dashed, and its Python reproduces the run, numbers and all."""
    import numpy as np

    # three spirals need more updates than two: mini-batches of 10 (a run that rounding
    # differences do not push apart, unlike full batch at a large learning rate)
    p = playground("split=20&lr=0.2&batch=10&epochs=100")
    p.page.locator("#bpp-data").select_option("spirals3")
    menus = {m: p.page.locator(f"#bpp-{m} option").all_inner_texts() for m in ("loss", "output")}
    assert "cross-entropy" in menus["loss"] and "softmax" in menus["output"], menus
    pg = "window.bpPlayground"
    assert p.page.evaluate(f"() => [{pg}.sizes, {pg}.activations, {pg}.checked.loss]") == [
        [2, 8, 8, 3], ["relu", "relu", "softmax"], "cross_entropy"]
    assert "paler" in p.page.locator(".bpp-key").inner_text()
    p.play_to_the_end()
    shown = p.page.evaluate(PICTURE, PALETTE)
    # each class's colour covers more of the picture than its points can (100 points of
    # radius 3.2 px: under 3%): the regions are coloured by class
    assert all(c > 0.08 for c in shown["counts"]), f"shares of the class colours: {shown['counts']}"
    colour = [int(PALETTE[int(shown["trainLabel"])][i:i + 2], 16) for i in (1, 3, 5)]
    assert np.abs(np.subtract(shown["trainCentre"], colour)).max() <= 2, "a training point is filled"
    assert shown["testCentre"] == [255, 255, 255], "a test point is hollow (white inside)"
    assert shown["grey"] > 150, f"no dashed test curve in the cost panel ({shown['grey']} grey pixels)"
    status = p.status()
    match = re.fullmatch(r"J = (\S+) after 100 epochs: (converged|did not converge)[^;]*; "
                         r"(\d+\.\d)% of the points classified correctly\. "
                         r"Test points: J = (\S+), (\d+\.\d)% classified correctly\.", status)
    assert match, status
    assert p.page.locator(".bpp-status").get_attribute("data-verdict") == match[2]
    # "Copy as Python" gives lines that make the same run with the package
    page_costs = [float(c) for c in p.page.evaluate(f"() => {pg}.run.costs")]
    page_test = [float(c) for c in p.page.evaluate(f"() => {pg}.testCosts")]
    p.page.locator("button", has_text="Copy as Python").click()
    code = p.page.locator(".bpp-python").inner_text()
    assert "X, y = bp.datasets.spirals(300, noise=0.05, seed=0, classes=3)" in code
    assert "bp.MLP([2, 8, 8, 3], ['relu', 'relu', 'softmax'], 'cross_entropy', seed=0)" in code
    assert "batch_size=10" in code and "test = np.arange(len(y)) % 5 == 4" in code
    scope = {}
    exec(code.replace("print(", "(lambda *a, **k: None)("), scope)  # the lines, run quietly
    net, X, y, X_test, y_test = (scope[k] for k in ("net", "X", "y", "X_test", "y_test"))
    np.testing.assert_allclose(page_costs, scope["history"].losses, rtol=1e-9, atol=0)
    assert len(page_test) == 101  # the test cost before each epoch and after the last
    np.testing.assert_allclose(page_test[-1], net.cost(X_test, y_test), rtol=1e-9)
    assert float(match[1]) == float(f"{net.cost(X, y):.3g}")
    assert float(match[4]) == float(f"{net.cost(X_test, y_test):.3g}")
    assert match[3] == f"{100 * np.mean(net.predict(X) == y):.1f}"
    assert match[5] == f"{100 * np.mean(net.predict(X_test) == y_test):.1f}"
    # the picture against the package's net: away from the points, a pixel has the colour of
    # the class predict_proba ranks first, mixed with white by its confidence, (p - 1/3) / (2/3)
    where = np.array([q[:2] for q in shown["lattice"]])
    seen = np.array([q[2] for q in shown["lattice"]], dtype=float)
    P = net.predict_proba(where)
    colours = np.array([[int(h[i:i + 2], 16) for i in (1, 3, 5)] for h in PALETTE], dtype=float)
    # each pixel read as white + s (colour - white) for the colour that fits it best
    fits = [((255 - seen) @ (255 - c)) / ((255 - c) @ (255 - c)) for c in colours]
    misfit = [np.abs(255 - s[:, None] * (255 - c) - seen).max(axis=1) for s, c in zip(fits, colours)]
    cls = np.argmin(misfit, axis=0)
    s_seen = np.choose(cls, fits)
    s_want = (P.max(axis=1) - 1 / 3) / (2 / 3)
    inside = P.max(axis=1) - np.sort(P, axis=1)[:, -2] > 0.1  # not on a boundary between classes
    assert inside.sum() > 60, inside.sum()
    assert np.mean(cls[inside] == P.argmax(axis=1)[inside]) > 0.95, "a region of the wrong colour"
    pale = inside & (s_want < 0.9)  # where the net is less sure (most of the picture is sure)
    assert pale.sum() >= 10, f"only {pale.sum()} pale pixels to test the lightness on"
    off = np.abs(s_seen - s_want)[pale]
    assert np.median(off) < 0.04, f"the lightness is not the confidence: {np.sort(off)}"


@pytest.mark.parametrize("hash_, change", [
    ("hidden=0", {"hidden": "0"}), ("hidden=8,0", {"hidden": "8, 0"}), ("lr=0", {"lr": 0.0}),
    ("lr=-1", {"lr": -1.0}), ("output=identity", {"output": "identity"}),
    ("batch=500", {"batch_size": "500"}), ("epochs=0", {"epochs": 0}),
])
def test_a_bad_setting_shows_the_python_playgrounds_message(playground, hash_, change):
    p = playground(hash_)
    python = python_playground(epochs=1)
    python.set(**{"epochs": 300, **change})
    assert python.error
    assert p.status() == f"Cannot train: {python.error}"
    before = p.snapshot()
    p.page.locator(".bpp-play").click()
    p.page.wait_for_timeout(300)
    assert p.snapshot() == before  # nothing trains


@pytest.mark.parametrize("width", [1280, 390])
def test_the_playground_reads_at_1280_and_390_pixels(playground, width):
    p = playground(width=width, height=900)
    boxes = p.page.evaluate("""() => Array.from(document.querySelectorAll('.bpp canvas'))
        .map(c => { const r = c.getBoundingClientRect(); return [r.left, r.top, r.width, r.right]; })""")
    overflow = p.page.evaluate("() => { const r = document.querySelector('.bpp'); "
                               "return r.scrollWidth - r.clientWidth; }")
    assert overflow <= 1, f"the playground is {overflow}px wider than its column at {width}px"
    assert all(right <= width for *_, right in boxes), f"a panel leaves the screen at {width}px"
    if width == 390:
        assert [round(b[0]) for b in boxes] == [round(boxes[0][0])] * 3, "the panels do not stack"
        assert boxes[0][1] < boxes[1][1] < boxes[2][1]
        assert all(b[2] >= 300 for b in boxes), "a panel narrower than 300px on a phone"
    else:
        assert boxes[0][1] == boxes[1][1], "the first two panels side by side on a wide screen"
        assert all(b[2] >= 230 for b in boxes)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    p.page.locator(".bpp").screenshot(path=str(SCREENSHOTS / f"playground-{width}.png"))


def test_the_playground_trains_opened_from_disk(built_book, browser):
    v = Visit(browser, (built_book.html / f"{LIVE_PLAYGROUND}.html").as_uri())
    try:
        v.page.wait_for_function("() => window.bpPlayground && window.bpPlayground.run", timeout=WAIT_MS)
        v.page.locator("button", has_text="One epoch").click()
        assert v.page.evaluate("() => window.bpPlayground.epoch") == 1
        foreign = [u for u in v.requests if urlsplit(u).scheme not in ("file", "data", "blob", "about")]
        assert not foreign and not v.errors, (foreign, v.errors)
    finally:
        v.page.close()
