"""The book as software: its sources, its pins, and a fresh build with warnings as errors."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, source_of, toc_files

NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
SPHINX_PAGES = {"index", "genindex", "py-modindex", "search"}


# ------------------------------------------------------------------- sources
def test_toc_lists_every_page_in_book_and_nothing_missing():
    listed = toc_files()
    for doc in listed:
        source_of(doc)  # raises if the file is missing
    in_book = {str(p.relative_to(ROOT).with_suffix("")) for p in (ROOT / "book").glob("*")
               if p.suffix in (".md", ".ipynb")}
    assert not in_book - set(listed), f"pages in book/ missing from _toc.yml: {sorted(in_book - set(listed))}"
    assert len(listed) == len(set(listed)), "a page is listed twice in _toc.yml"


def test_intro_chapter_map_lists_every_chapter_with_its_own_title():
    """The chapter map in book/intro.md links every chapter of the toc, under the chapter's own title."""
    intro = (ROOT / "book" / "intro.md").read_text()
    chapters = [doc for doc in toc_files() if source_of(doc).suffix == ".ipynb"]
    assert chapters, "no chapter notebooks in _toc.yml"
    for doc in chapters:
        nb = nbformat.read(source_of(doc), as_version=4)
        first = nb.cells[0].source.splitlines()[0]
        m = re.fullmatch(r"# (\d+)\. (.+)", first)
        assert m, f"{doc}: the first cell must start with '# N. Title', not {first!r}"
        assert "$" not in m[2], (f"{doc}: no math in a chapter title: it is also the sidebar's entry "
                                 "on every page, and pages without math do not load MathJax")
        link = f"[{m[2]}]({Path(doc).name}.ipynb)"
        assert link in intro, f"book/intro.md does not link {doc} as {link}"


# The chapters that follow a handwritten note (1-5); chapters 6 and 7 follow none.
CHAPTERS = [p for p in NOTEBOOKS if re.match(r"ch0[1-5]_", p.name)]
SLIP = r"slip-\d{3}-\d+"


def slip_table(nb) -> list[tuple[str, list[str]]]:
    """The rows of the table "Where the note slips" at the end of a chapter, each with the slip
    targets it links to (``(#slip-NNN-k)``); the header and the rule are left out."""
    heading = [i for i, c in enumerate(nb.cells)
               if c.cell_type == "markdown" and re.search(r"^#+ .*Where the note slips", c.source, re.M)]
    assert heading, "no section 'Where the note slips'"
    table = "\n".join(c.source for c in nb.cells[heading[-1]:] if c.cell_type == "markdown")
    rows = [line for line in table.splitlines() if line.startswith("|") and not set(line) <= set("|-: ")]
    return [(row, re.findall(rf"\(#({SLIP})\)", row)) for row in rows[1:]]  # rows[0]: the header


def proof_cells(nb, label: str) -> list[str]:
    """The code cells that prove the target ``(label)=``: those after the one cell that holds
    the target, up to the next heading or slip target.  The errata page links to the same
    targets (tests/test_backmatter.py)."""
    at = [i for i, c in enumerate(nb.cells) if f"({label})=" in c.source]
    assert len(at) == 1, f"target ({label})= must appear exactly once, found {len(at)}"
    proof = []
    for c in nb.cells[at[0] + 1:]:
        if c.cell_type == "markdown" and re.search(rf"^#|\({SLIP}\)=", c.source, re.M):
            break
        if c.cell_type == "code":
            proof.append(c.source)
    return proof


def asserts(source: str) -> bool:
    """A code cell asserts something: an ``assert`` statement or a call of one of ``bp.symbolic``'s
    ``assert_*`` functions, outside comments."""
    code = "\n".join(line.split("#")[0] for line in source.splitlines())
    return re.search(r"^\s*assert\b|\bassert_\w*\(", code, re.M) is not None


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_slip_table_links_every_entry_to_a_cell_that_asserts(path):
    """The table "Where the note slips" at the end of a chapter: every row links to a target
    ``(slip-NNN-k)=`` followed (before the next heading or target) by a code cell that asserts."""
    nb = nbformat.read(path, as_version=4)
    rows = slip_table(nb)
    assert rows and all(links for _, links in rows), (
        f"{path.name}: every row of the slip table needs a link to its proof")
    for label in {label for _, links in rows for label in links}:
        assert any(asserts(src) for src in proof_cells(nb, label)), (
            f"{path.name}: no code cell after ({label})= asserts the slip")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_executed_top_to_bottom(path):
    """Stored WITH outputs from one clean run, so nbval compares something and readers see results."""
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", f"{path.name}: kernel must be python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{path.name}: execution counts {counts}: re-run the notebook from a fresh kernel and save it"
    )
    assert any(c.outputs for c in code), f"{path.name} is stored without outputs"
    errors = [c.execution_count for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{path.name}: cells {errors} stored with errors"


def test_requirements_pin_every_direct_dependency_to_the_tested_version():
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    lines = [line for line in lines if line]
    assert "-e ." in lines, "requirements.txt must install the local package (-e .)"
    pins = {}
    for line in lines:
        if line == "-e .":
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)", line)
        assert m, f"requirements.txt: {line!r} is not an exact pin name==version"
        pins[m[1].lower()] = m[2]
    required = {"jupyter-book", "numpy", "sympy", "matplotlib", "ipywidgets", "jupyterlab", "nbval",
                "pytest", "hypothesis", "ruff", "playwright", "scikit-learn", "ipykernel", "pyyaml"}
    assert not required - pins.keys(), f"not pinned: {sorted(required - pins.keys())}"
    wrong = {name: (pin, version(name)) for name, pin in pins.items() if version(name) != pin}
    assert not wrong, f"installed versions differ from the pins (pin, installed): {wrong}"
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "dependencies = [\"numpy>=1.24\"]" in pyproject, "the library's own range lives in pyproject.toml"


def test_a_built_wheel_contains_every_module_of_the_package(tmp_path):
    """A non-editable install (pip install .) must ship every subpackage, e.g. backprop.widgets."""
    import shutil
    import subprocess
    import sys
    import zipfile

    src = tmp_path / "src"  # a copy, so that setuptools' build/ folder lands there
    shutil.copytree(ROOT / "backprop", src / "backprop", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(src)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("*.whl")
    shipped = {n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".py")}
    ours = {p.relative_to(ROOT).as_posix() for p in (ROOT / "backprop").rglob("*.py")}
    assert ours <= shipped, f"missing from the wheel: {sorted(ours - shipped)}"


def test_npm_assets_are_pinned_without_registry_addresses():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for name, spec in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", spec), f"package.json: {name} {spec!r} is not an exact version"
        assert lock["packages"][f"node_modules/{name}"]["version"] == spec
    assert package["dependencies"]["@jupyter-widgets/html-manager"] == "1.0.6"
    assert package["dependencies"]["mathjax"].startswith("3.")
    resolved = [k for k, v in lock["packages"].items() if "resolved" in v]
    assert not resolved, f"package-lock.json names registry addresses: {resolved[:3]}"
    assert "omit-lockfile-registry-resolved=true" in (ROOT / ".npmrc").read_text()


# --------------------------------------------------------------------- build
def test_book_builds_without_warnings(built_book):
    tail = "\n".join(built_book.log.splitlines()[-40:])
    assert built_book.returncode == 0, f"jupyter-book build -W -n failed:\n{tail}"
    assert not re.search(r"(WARNING|ERROR|CRITICAL): ", _sphinx_lines(built_book.log)), tail
    assert "build succeeded" in built_book.log


def _sphinx_lines(log: str) -> str:
    """The log without the kernels' own logging (lines like "[IPKernelApp] WARNING | ...")."""
    return "\n".join(line for line in log.splitlines() if not line.startswith("[IPKernelApp]"))


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("rel") in ("stylesheet", "preload") and a.get("href"):
            self.urls.append(a["href"])
        if tag == "img" and a.get("src"):
            self.urls.append(a["src"])


def _built_pages(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts and "assets" not in p.parts)


def test_every_page_is_built_and_nothing_else(built_book):
    html = built_book.html
    built = {str(p.relative_to(html).with_suffix("")) for p in _built_pages(html)}
    expected = set(toc_files()) | SPHINX_PAGES
    assert built == expected, f"built pages not in _toc.yml: {built - expected}, missing: {expected - built}"


def test_pages_load_scripts_styles_and_images_from_the_site_itself(built_book):
    html = built_book.html
    for page in _built_pages(html):
        text = page.read_text()
        parser = _Assets()
        parser.feed(text)
        for url in parser.urls:
            if url.startswith("data:"):
                continue
            assert "//" not in url.split("?")[0], f"{page.name} loads {url} from another host"
            target = (page.parent / url.split("?")[0].split("#")[0]).resolve()
            assert target.is_file(), f"{page.name} refers to {url}, which is not in the site"
        assert "unpkg.com" not in text and "cdn.jsdelivr.net" not in text and "cdnjs" not in text, page.name
        if 'class="math' in text:
            assert "assets/mathjax/tex-mml-chtml.js" in text, f"{page.name} has math but no local MathJax"
        if "application/vnd.jupyter.widget-view+json" in text:
            scripts = ("require.js", "widgets-config.js", "html-manager/embed-amd.js")
            order = [text.find(f"assets/widgets/{js}") for js in scripts]
            assert -1 not in order and order == sorted(order), f"{page.name}: widget scripts misordered"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_pages_have_binder_and_download_buttons(built_book, path):
    rel = path.relative_to(ROOT).as_posix()
    page = (built_book.html / rel).with_suffix(".html")
    text = page.read_text()
    binder = re.search(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', text)
    assert binder and binder[1].endswith(f"?urlpath=lab/tree/{rel}"), f"{rel}: no JupyterLab Binder button"
    download = f"_sources/{rel}"
    assert download in text and (built_book.html / download).is_file(), f"{rel}: no .ipynb download"


def test_api_page_is_generated_from_the_docstrings(built_book):
    text = (built_book.html / "book" / "api.html").read_text()
    for name in ("backprop.MLP", "backprop.MLP.fit", "backprop.MLP.gradients", "backprop.TrainingDiverged",
                 "backprop.MLP.trace", "backprop.reference.forward_backward", "backprop.losses.get",
                 "backprop.gradcheck.gradient_check", "backprop.datasets.moons"):
        assert f'id="{name}"' in text, f"the API page does not document {name}"


def test_sympy_results_are_typeset_not_pictures(built_book):
    """An output with text/latex (SymPy's) is rendered as math, never as its PNG (see _config.yml)."""
    checked = 0
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        n_latex = sum("text/latex" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                      for o in c.outputs)
        if n_latex:
            page = (built_book.html / path.relative_to(ROOT)).with_suffix(".html").read_text()
            assert page.count("output text_latex math") >= n_latex, f"{path.name}: LaTeX output not typeset"
            checked += 1
    if not checked:
        pytest.skip("no notebook has a LaTeX output yet")
