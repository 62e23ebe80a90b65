"""Binder, the README, CI and the pins agree on one Python version (runtime.txt).

repo2docker (Binder) reads ``runtime.txt`` at the top of a pip-based repository
(``python-X.Y``) and then installs ``requirements.txt``; a ``binder/`` folder or
an ``environment.yml`` would make it ignore both.  With another Python than the
one the pins are made for, ``pip install -r requirements.txt`` fails there.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, metadata

import pytest
import tomllib
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version


def runtime_version() -> str:
    text = (ROOT / "runtime.txt").read_text()
    match = re.fullmatch(r"python-(\d+\.\d+)\n?", text)
    assert match, f"runtime.txt must be one line python-X.Y (what repo2docker reads), not {text!r}"
    return match.group(1)


def pins():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            yield Requirement(line)


def test_binder_reads_runtime_txt_and_requirements_txt():
    runtime_version()
    assert (ROOT / "requirements.txt").is_file()
    for shadow in ("binder", ".binder", "environment.yml", "Pipfile", "setup.py"):
        assert not (ROOT / shadow).exists(), f"{shadow} would change what repo2docker installs"


def test_readme_ci_and_make_use_the_runtime_python():
    version = runtime_version()
    readme = (ROOT / "README.md").read_text()
    for claim in (r"with Python (\d+\.\d+)", r"accept Python (\d+\.\d+) only",
                  r"the Python of `runtime.txt` \((\d+\.\d+)\)"):
        stated = re.findall(claim, readme)
        assert stated == [version], f"README: {claim!r} gives {stated}, runtime.txt {version}"
    # CI runs .ci/run, which is `make test`; make installs .venv only with that Python,
    # and these tests run in that .venv
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "%d.%d" % sys.version_info[:2] == version, (
        f"the tests run on Python {sys.version.split()[0]}, runtime.txt says {version}")


@pytest.mark.parametrize("pretend, ok", [("3.10.14", False), (None, True)])
def test_make_stops_before_pip_with_another_python(tmp_path, pretend, ok):
    """make's check-python, which the install step runs first, refuses another version clearly."""
    python = sys.executable
    if pretend:
        python = tmp_path / "python3"
        info = tuple(int(p) for p in pretend.split("."))
        python.write_text(f"#!/bin/sh\nexec {sys.executable} -c 'import sys; "
                          f"sys.version_info = {info}; exec(sys.argv[1])' \"$2\"\n")
        python.chmod(0o755)
    proc = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "check-python",
                           f"PYTHON={python}", f"VENV={tmp_path / 'no-venv'}"],
                          capture_output=True, text=True, timeout=60)
    if ok:
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode != 0
        assert f"the book needs Python {runtime_version()}" in proc.stderr
        assert "is Python 3.10" in proc.stderr and "pip" not in proc.stdout
    makefile = (ROOT / "Makefile").read_text()
    install = makefile.split("$(VENV_STAMP):")[1].split("\n\n")[0]
    assert install.index("check-python") < install.index("pip install"), "check before pip"


@pytest.mark.parametrize("req", list(pins()), ids=str)
def test_every_pin_allows_the_runtime_python(req):
    """Requires-Python of each pinned distribution (installed here) admits runtime.txt's version."""
    version = runtime_version()
    try:
        requires = metadata(req.name).get("Requires-Python")
    except PackageNotFoundError:
        pytest.fail(f"{req} is pinned but not installed")
    if requires:
        spec = SpecifierSet(requires)
        for v in (version, "%d.%d.%d" % sys.version_info[:3]):
            assert spec.contains(Version(v)), f"{req} needs Python {requires}; runtime.txt says {version}"


def test_the_package_allows_the_runtime_python():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert SpecifierSet(project["requires-python"]).contains(Version(runtime_version()))

