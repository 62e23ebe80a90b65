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

import pytest
from test_browser import PAGES, Visit  # the fixtures site and browser come from conftest.py

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
