"""How a chapter reads: visible code, its longest cell, its asserts, where training starts.

    .venv/bin/python scripts/chapter_metrics.py                 # from the notebooks alone
    .venv/bin/python scripts/chapter_metrics.py --html _build/html   # plus where training starts

A code cell is *visible* unless a tag folds or removes its input (``hide-input``,
``hide-cell``, ``remove-input``, ``remove-cell``). Asserts are counted in every code
cell, visible or not (``assert`` statements and calls of helpers whose name starts with
``assert``). "Training starts" is the top of the first heading that begins with
"Train", as a fraction of the page's height on the built site at a 1280-pixel window
(Chromium, as tests/test_browser.py drives it); chapters without such a heading print -.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDED = {"hide-input", "hide-cell", "remove-input", "remove-cell"}
ASSERT = re.compile(r"^\s*(assert\b|assert_\w*\(|\w+\.assert_\w*\()")
LIMIT = 20  # visible code lines per cell before a cell needs a stated reason


def code_cells(path: Path):
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            yield cell, "".join(cell["source"]).splitlines()


def is_visible(cell) -> bool:
    return not FOLDED & set(cell.get("metadata", {}).get("tags", []))


def metrics(path: Path) -> dict:
    visible = [lines for cell, lines in code_cells(path) if is_visible(cell)]
    asserts = sum(1 for _, lines in code_cells(path) for line in lines if ASSERT.match(line))
    return {
        "visible code lines": sum(len(lines) for lines in visible),
        "longest visible cell": max((len(lines) for lines in visible), default=0),
        f"visible cells over {LIMIT} lines": sum(len(lines) > LIMIT for lines in visible),
        "asserts": asserts,
    }


TRAINING_STARTS = """() => {
  const h = Array.from(document.querySelectorAll('article h2, article h3'))
    .find(e => /^Train/.test(e.textContent.trim()));
  if (!h) return null;
  const top = h.getBoundingClientRect().top + window.scrollY;
  return top / document.documentElement.scrollHeight;
}"""


def training_starts(html: Path, docs: list[str]) -> dict[str, float | None]:
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for doc in docs:
            page.goto((html.resolve() / f"{doc}.html").as_uri(), wait_until="load")
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                   timeout=60_000)
            page.evaluate("() => MathJax.startup.promise")
            out[doc] = page.evaluate(TRAINING_STARTS)
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--html", type=Path,
                        help="a built site (_build/html) to measure where training starts")
    args = parser.parse_args()
    chapters = sorted((ROOT / "book").glob("ch*.ipynb"))
    docs = [f"book/{p.stem}" for p in chapters]
    starts = training_starts(args.html, docs) if args.html else {}
    rows = [(p.stem, metrics(p)) for p in chapters]
    keys = list(rows[0][1]) + (["training starts"] if args.html else [])
    print("| chapter | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for (stem, m), doc in zip(rows, docs):
        if args.html:
            s = starts.get(doc)
            m["training starts"] = "-" if s is None else f"{s:.0%}"
        print(f"| {stem} | " + " | ".join(str(m[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
