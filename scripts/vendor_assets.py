"""Copy the browser assets the book serves itself from node_modules/ into _vendor/assets/.

Run `npm ci` first (package.json pins the versions, package-lock.json the hashes).
_config.yml publishes _vendor/ with Sphinx's ``html_extra_path``, so the site
loads MathJax, require.js and the ipywidgets HTML manager from its own folder
``assets/`` and works offline, also opened from disk (file://).  Nothing here is
committed: _vendor/ and node_modules/ are git-ignored.

Usage: python scripts/vendor_assets.py [ROOT]   (ROOT defaults to the repository root)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

# (source under node_modules, destination under _vendor/assets)
MATHJAX = "mathjax/es5"
COPIES = [
    (f"{MATHJAX}/tex-mml-chtml.js", "mathjax/tex-mml-chtml.js"),
    (f"{MATHJAX}/input/tex/extensions", "mathjax/input/tex/extensions"),
    (f"{MATHJAX}/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2"),
    (f"{MATHJAX}/ui", "mathjax/ui"),  # the right-click menu
    (f"{MATHJAX}/a11y", "mathjax/a11y"),  # accessibility options of the menu
    (f"{MATHJAX}/sre", "mathjax/sre"),  # speech rules used by a11y
    ("mathjax/LICENSE", "mathjax/LICENSE"),
    ("requirejs/require.js", "widgets/require.js"),
    ("@jupyter-widgets/html-manager/dist/embed-amd.js", "widgets/html-manager/embed-amd.js"),
    ("@jupyter-widgets/html-manager/LICENSE", "widgets/html-manager/LICENSE"),
]
# Our own files (committed under scripts/assets/), published beside the others: the
# widgets' configuration and chapter 7's live playground (classic scripts, which also run
# from file://; engine.js is the training loop, playground-data.js is written by
# scripts/js_fixtures.py).
PLAYGROUND = ["engine.js", "npy-random.js", "playground-core.js", "playground-data.js",
              "playground.js", "playground.css"]
OWN = [("widgets-config.js", "widgets/widgets-config.js")] + [
    (name, f"playground/{name}") for name in PLAYGROUND]
# Font Awesome files the widget manager's CSS refers to, next to embed-amd.js.
FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".eot", ".svg")


def vendor(root: Path) -> Path:
    modules = root / "node_modules"
    dest = root / "_vendor" / "assets"
    if not modules.is_dir():
        sys.exit(f"error: {modules} does not exist; run `npm ci` in {root} first")
    if dest.exists():
        shutil.rmtree(dest)
    for src_rel, dst_rel in COPIES:
        src, dst = modules / src_rel, dest / dst_rel
        if not src.exists():
            sys.exit(f"error: {src} is missing; run `npm ci` (package-lock.json pins it)")
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    for src_rel, dst_rel in OWN:
        (dest / dst_rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(__file__).parent / "assets" / src_rel, dest / dst_rel)
    dist = modules / "@jupyter-widgets/html-manager/dist"
    for font in dist.iterdir():
        if font.suffix in FONT_SUFFIXES:
            shutil.copy2(font, dest / "widgets/html-manager" / font.name)
    return dest


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    out = vendor(root.resolve())
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"vendored browser assets into {out} ({size / 1e6:.1f} MB)")
