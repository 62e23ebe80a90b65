"""The playground page's JavaScript against the package (run by `make test` with the rest).

``node --test tests/js`` holds scripts/assets/engine.js (the training loop the website
runs), npy-random.js (bp.MLP's initial weights and mini-batch order) and
playground-core.js (the messages) to tests/js/fixtures.json, which
scripts/js_fixtures.py writes from the package; here we check that the committed
fixtures and page data are what that script writes now, and run the Node test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import js_fixtures  # noqa: E402


def test_committed_fixtures_and_page_data_are_what_the_script_writes():
    stale = [str(path.relative_to(ROOT)) for path, text in js_fixtures.outputs().items()
             if not path.exists() or path.read_text() != text]
    assert not stale, f"{stale} differ from scripts/js_fixtures.py's output: run it and commit"


def test_the_engine_gives_the_packages_numbers_under_node():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH (the book needs Node.js for `npm ci` already)")
    proc = subprocess.run([node, "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    report = [line for line in proc.stdout.splitlines() if line.startswith(("not ok", "# fail", "# pass"))]
    assert proc.returncode == 0, "node --test tests/js failed:\n" + proc.stdout[-6000:] + proc.stderr[-2000:]
    assert "# fail 0" in report and not any(r.startswith("not ok") for r in report)
