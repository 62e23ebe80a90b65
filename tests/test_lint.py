"""ruff over the whole repository: the package, tests, benchmarks, scripts and the notebooks."""

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

RUFF = Path(sys.executable).parent / "ruff"


def ruff(*args):
    return subprocess.run([str(RUFF), *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_passes():
    proc = ruff("check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_checks_the_notebooks_and_skips_build_products():
    files = set(ruff("check", "--show-files", ".").stdout.split())
    notebooks = {str(p) for p in (ROOT / "book").glob("*.ipynb")}
    assert notebooks <= files, f"ruff does not lint {sorted(notebooks - files)}"
    assert str(ROOT / "backprop" / "network.py") in files
    ignored = ("/.venv/", "/_build/", "/_vendor/", "/node_modules/")
    assert not [f for f in files if any(part in f for part in ignored)]
