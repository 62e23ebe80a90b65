"""Every page reads at a 1280-pixel window and on a 390-pixel phone.

Two faults a reader meets and the other browser tests did not see:

- a formula, a picture or a table **cut** by a box that hides what overflows it
  (the theme gives display math such a box; a formula wider than the column lost
  its right-hand side, e.g. chapter 1's result of step 4);
- a page that **scrolls sideways** on a phone (long names on the API page).

What may be wider than the column must scroll inside its own box (code blocks,
wide formulas, tables), which a reader sees and can use; ``book/_static/reader.css``
makes displayed math do so.  Each page is opened once, at 390 pixels, and checked
again after widening the window to 1280.
"""

from __future__ import annotations

import json

import pytest
from conftest import CONTROL_AREAS, ROOT, control_faults, control_faults_at_both_ends, widgets_page
from test_browser import PAGES, WAIT_MS, Visit  # the fixtures site and browser: conftest.py

pytestmark = pytest.mark.browser

PHONE, DESKTOP = 390, 1280

# Everything in the article that a box with overflow hidden (or clip) would cut: the
# nearest ancestor that does not let it overflow visibly decides.  An ancestor that
# scrolls (auto, scroll) shows a scroll bar, which is readable; one that hides is not.
CUT = """() => {
  const article = document.querySelector('article') || document.body;
  document.querySelectorAll('details').forEach(d => d.open = true);  // folded solutions count
  const cut = [];
  article.querySelectorAll('mjx-container, img, canvas, table, svg').forEach(e => {
    if (e.closest('mjx-assistive-mml')) return;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    for (let a = e.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'visible') continue;
      if (o === 'auto' || o === 'scroll') break;
      const box = a.getBoundingClientRect();
      const lost = Math.max(r.right - box.right, box.left - r.left);
      if (lost > 1) cut.push(`${e.tagName.toLowerCase()} loses ${Math.round(lost)}px to ` +
                             `${a.tagName.toLowerCase()}.${String(a.className).split(' ')[0]}: ` +
                             e.textContent.trim().slice(0, 50));
      break;
    }
  });
  return cut;
}"""

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module", params=PAGES)
def phone(request, site, browser):
    """Each page opened at a phone's width (and widened to a desktop's by the last test)."""
    v = Visit(browser, f"{site}/{request.param}.html")
    v.doc = request.param
    v.page.set_viewport_size({"width": PHONE, "height": 844})
    v.page.wait_for_timeout(300)  # MathJax and the theme re-lay the page out
    yield v
    v.page.close()


def test_nothing_is_cut_on_a_phone(phone):
    cut = phone.page.evaluate(CUT)
    assert not cut, f"{phone.doc} at {PHONE}px: {len(cut)} element(s) cut by their box: {cut[:6]}"


def test_the_page_does_not_scroll_sideways_on_a_phone(phone):
    extra = phone.page.evaluate(SIDEWAYS)
    assert extra <= 1, f"{phone.doc} at {PHONE}px scrolls {extra}px sideways"


def test_no_controls_overlap_on_a_phone(phone):
    """No two controls overlap and none sticks out of its widget at 390 pixels, with every
    slider's handle as loaded, at its maximum and at its minimum (1280: test_browser.py)."""
    if not phone.page.locator(CONTROL_AREAS).count():
        pytest.skip(f"{phone.doc} has no controls")
    faults = control_faults_at_both_ends(phone.page, PHONE)
    assert not faults, f"{phone.doc}: {len(faults)} control fault(s): {faults[:8]}"


def test_nothing_is_cut_at_a_desktop_width(phone):
    phone.page.set_viewport_size({"width": DESKTOP, "height": 900})
    phone.page.wait_for_timeout(300)
    cut = phone.page.evaluate(CUT)
    assert not cut, f"{phone.doc} at {DESKTOP}px: {len(cut)} element(s) cut by their box: {cut[:6]}"
    assert phone.page.evaluate(SIDEWAYS) <= 1, f"{phone.doc} at {DESKTOP}px scrolls sideways"


def test_the_check_finds_a_cut_formula(site, browser):
    """The check itself: a formula in a box that hides its overflow is reported."""
    v = Visit(browser, f"{site}/book/notation.html")
    try:
        v.page.set_viewport_size({"width": PHONE, "height": 844})
        v.page.add_style_tag(content="div.math > mjx-container { min-width: 600px !important; }")
        v.page.wait_for_timeout(300)
        assert v.page.evaluate(CUT), "a formula forced wider than its hiding box was not reported"
        v.page.add_style_tag(content="body { min-width: 800px; }")
        assert v.page.evaluate(SIDEWAYS) > 1, "a page forced wider than the phone was not reported"
    finally:
        v.page.close()


def test_the_control_check_finds_overlaps_and_controls_sticking_out(site, browser):
    """The check itself, on chapter 9's player (a Play button, a slider and its readout):
    clean as built; a Play button pulled over the slider, and a slider wider than its
    box, are each reported."""
    v = Visit(browser, f"{site}/book/ch09_reverse_mode.html")
    try:
        assert v.page.locator('.widget-subarea [role="slider"]').count() == 1
        assert control_faults_at_both_ends(v.page, DESKTOP) == []
        style = v.page.add_style_tag(content=".widget-play { margin-right: -150px !important; }")
        faults = control_faults(v.page)
        assert any("overlaps" in f for f in faults), f"a Play button over a slider: {faults}"
        style.evaluate("s => s.remove()")
        v.page.add_style_tag(content=".widget-hslider { min-width: 2000px !important; }")
        faults = control_faults(v.page)
        assert any("sticks out" in f for f in faults), f"a slider wider than its box: {faults}"
    finally:
        v.page.close()


def notebook_widgets(doc):
    """(widget state, displayed views) stored in a chapter notebook: every widget as
    Jupyter shows it, also the live trainers and playgrounds the site shows as pictures."""
    nb = json.loads((ROOT / f"{doc}.ipynb").read_text())
    state = nb["metadata"].get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    views = [o["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
             for cell in nb["cells"] for o in cell.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    return state, views


NOTEBOOKS = [d for d in PAGES if d.startswith("book/ch") and notebook_widgets(d)[1]]


@pytest.mark.parametrize("doc", NOTEBOOKS)
def test_no_controls_overlap_in_the_notebook(doc, site, browser):
    """The widgets of a notebook, drawn from its stored state by the site's widget manager
    across a notebook-wide window, at 1280 and at 390 pixels: no control overlaps another
    or sticks out of its widget, with the sliders as stored and at both ends."""
    state, views = notebook_widgets(doc)
    url = f"{site}/book/__notebook_widgets__.html"
    v = Visit(browser, "about:blank")
    try:
        v.page.route(url, lambda r: r.fulfill(body=widgets_page(state, views, "../assets"),
                                              content_type="text/html"))
        v.page.goto(url, wait_until="load")
        v.page.wait_for_function("n => document.querySelectorAll('.widget-subarea > .lm-Widget')"
                                 ".length >= n", arg=len(views), timeout=WAIT_MS)
        faults = [f for width in (DESKTOP, PHONE) for f in control_faults_at_both_ends(v.page, width)]
        assert not faults, f"{doc} in Jupyter: {len(faults)} control fault(s): {faults[:8]}"
        assert not v.errors, f"{doc}: console errors drawing its widgets: {v.errors}"
    finally:
        v.page.close()
