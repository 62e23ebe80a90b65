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


