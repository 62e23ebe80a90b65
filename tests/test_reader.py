"""The reader's edition: the way in, and each chapter's first screen and visible code.

- The home page starts the reader on chapter 1 (a "Start here" link, and chapter 1 is the
  page after it in the table of contents); the reference pages come after the chapters.
- Each chapter opens by teaching: its second cell says what the reader will learn and
  what they need, and names no note file (the notes are quoted where discussed).
- No visible code cell is longer than 20 lines unless its first line states why it is
  shown in full (``# Shown in full: ...``); folded cells (hide-input, hide-cell,
  remove-input, remove-cell) do not count, as on the site.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, source_of, toc_files

FOLDED = {"hide-input", "hide-cell", "remove-input", "remove-cell"}
LIMIT = 20
NOTE_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
CHAPTERS = [doc for doc in toc_files() if source_of(doc).suffix == ".ipynb"]


def cells(doc):
    return json.loads(source_of(doc).read_text())["cells"]


def test_home_page_starts_the_reader_on_chapter_1():
    docs = toc_files()
    assert docs[0] == "book/intro" and docs[1] == CHAPTERS[0] == "book/ch01_one_neuron", (
        f"the page after the home page must be chapter 1, not {docs[1]}")
    intro = (ROOT / "book" / "intro.md").read_text()
    start = intro.split("Start here", 1)
    assert len(start) == 2, "book/intro.md has no 'Start here' block"
    block = start[1].split(":::", 1)[0]
    assert "(ch01_one_neuron.ipynb)" in block, "the 'Start here' block does not link chapter 1"
    assert "make test" not in intro and "nbval" not in intro, "maintainer material belongs in the README"


def test_reference_pages_come_after_the_chapters():
    docs = toc_files()
    last_chapter = max(docs.index(doc) for doc in CHAPTERS)
    for page in ("book/summary", "book/notation", "book/api"):
        assert docs.index(page) > last_chapter, f"{page} comes before the last chapter"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_opens_with_what_it_teaches(doc):
    first, second = ("".join(c["source"]) for c in cells(doc)[:2])
    assert re.match(r"# \d+\. ", first), f"{doc}: the first cell is not the chapter's title"
    assert second.startswith("**What you will learn.**"), (
        f"{doc}: the second cell does not say what it teaches")
    assert "**What you need.**" in second, f"{doc}: the second cell does not say what the reader needs"
    opening = first + second
    assert not NOTE_FILE.search(opening), f"{doc}: the opening names a note file"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_no_long_visible_code_cell_without_a_reason(doc):
    long = []
    for k, cell in enumerate(cells(doc)):
        if cell["cell_type"] != "code" or FOLDED & set(cell.get("metadata", {}).get("tags", [])):
            continue
        lines = "".join(cell["source"]).splitlines()
        if len(lines) > LIMIT and not lines[0].startswith("# Shown in full:"):
            long.append(f"cell {k}: {len(lines)} lines")
    assert not long, f"{doc}: visible code cells over {LIMIT} lines with no stated reason: {long}"
