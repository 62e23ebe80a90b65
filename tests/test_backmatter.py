"""The back matter against the chapters: the errata of the notes, the notes' pages, the
exercises, the glossary and the references.  Each page is checked against what the chapters
actually contain, so a page cannot drift from the book: an erratum without an asserting cell,
a kind the chapter does not share, a slip whose cell never shows the note's version failing,
a line link to nowhere, an exercise missing from the index, a glossary link to nowhere or a
reference nobody cites fails here."""

from __future__ import annotations

import ast
import importlib.util
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from test_book import CHAPTERS, NOTEBOOKS, asserts, proof_cells, slip_table

BOOK = ROOT / "book"
# The five handwritten notes, as OCR'd text: the book's sources (notes/README.md).
NOTES = ROOT / "notes"
NOTE_FILE = r"(\d{3})_[0-9a-f]{16}\.txt"
# The four kinds of an entry, in the order of the counts table (book/errata.md, "Four kinds").
KINDS = ("slip", "convention", "OCR", "ambiguity")
NOTE_PAGES = BOOK / "notes"


def _notes_pages_script():
    """scripts/notes_pages.py, which writes the notes' pages (book/notes/) from notes/*.txt."""
    spec = importlib.util.spec_from_file_location("notes_pages", ROOT / "scripts" / "notes_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _source(path: Path) -> str:
    if path.suffix == ".ipynb":
        cells = nbformat.read(path, as_version=4).cells
        return "\n".join(c.source for c in cells if c.cell_type == "markdown")
    return path.read_text()


def _pages() -> dict[Path, str]:
    """The markdown of every page of the book (for a notebook, its markdown cells)."""
    return {p: _source(p) for p in sorted(BOOK.glob("*.md")) + sorted(BOOK.glob("*.ipynb"))}


def _targets() -> Counter:
    """Every MyST target ``(name)=`` of the book, with the number of times it is defined."""
    return Counter(m for text in _pages().values() for m in re.findall(r"^\(([\w-]+)\)=\s*$", text, re.M))


# -------------------------------------------------------------------- errata
@dataclass
class Erratum:
    note: str  # "003"
    k: int
    fields: dict[str, str]

    @property
    def label(self) -> str:
        return f"slip-{self.note}-{self.k}"

    @property
    def kind(self) -> str:
        """The first word of the field "Kind", which must be one of KINDS."""
        m = re.match(r"(\w+)(?=[ .:(]|$)", self.fields["Kind"])
        assert m and m[1] in KINDS, f"{self.label}: the kind must be one of {KINDS}: {self.fields['Kind']!r}"
        return m[1]

    @property
    def where(self) -> str:
        """The field "Where" with its links replaced by their text: `NNN_x.txt`, lines 81-85, ..."""
        return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", self.fields["Where"])


def errata() -> list[Erratum]:
    """The entries of book/errata.md: a heading ``### NNN-k: ...`` and the fields
    ``- **Where:** ...``, ``- **The note writes:** ...``, ``- **Correct:** ...``,
    ``- **Kind:** ...``, ``- **Proof:** ...``."""
    parts = re.split(r"^### (\d{3})-(\d+)\b.*$", (BOOK / "errata.md").read_text(), flags=re.M)
    entries = []
    for note, k, body in zip(parts[1::3], parts[2::3], parts[3::3]):
        body = re.split(r"^## ", body, flags=re.M)[0]
        body = re.sub(r"^\([\w-]+\)=\s*$", "", body, flags=re.M)  # the next entry's target
        fields = re.findall(r"^- \*\*([\w ]+):\*\* (.*?)(?=^- \*\*|\Z)", body, re.M | re.S)
        entries.append(Erratum(note, int(k), {name: " ".join(text.split()) for name, text in fields}))
    return entries


def chapter_of_note() -> dict[str, tuple[Path, str]]:
    """Note number -> (the chapter that follows it, the note's file as the chapter names it)."""
    found = {}
    for path in CHAPTERS:
        nb = nbformat.read(path, as_version=4)
        at = [i for i, c in enumerate(nb.cells) if re.search(r"^#+ .*Where the note slips", c.source, re.M)]
        files = set(re.findall(r"`(\d{3}_[0-9a-f]{16}\.txt)`", nb.cells[at[-1]].source))
        assert len(files) == 1, f"{path.name}: 'Where the note slips' must name its note's file once"
        (name,) = files
        found[name[:3]] = (path, name)
    return found


def test_errata_list_exactly_the_slips_of_the_chapters_tables():
    listed = [e.label for e in errata()]
    assert len(listed) == len(set(listed)), f"an erratum is listed twice: {sorted(listed)}"
    in_tables = {label for path in CHAPTERS
                 for _, links in slip_table(nbformat.read(path, as_version=4)) for label in links}
    assert in_tables, "no slip table found in chapters 1-5"
    assert set(listed) == in_tables, (f"missing from the errata: {sorted(in_tables - set(listed))}; "
                                      f"not in any chapter's table: {sorted(set(listed) - in_tables)}")


def test_every_erratum_links_to_a_chapter_cell_that_asserts():
    chapters = chapter_of_note()
    for e in errata():
        assert set(e.fields) == {"Where", "The note writes", "Correct", "Kind", "Proof"}, (
            f"{e.label}: fields {sorted(e.fields)}")
        assert all(e.fields.values()), f"{e.label}: an empty field"
        assert re.findall(r"\(#(slip-\d{3}-\d+)\)", e.fields["Proof"]) == [e.label], (
            f"{e.label}: the proof must link [proof](#{e.label}), not {e.fields['Proof']!r}")
        path, _ = chapters[e.note]
        cells = proof_cells(nbformat.read(path, as_version=4), e.label)
        assert any(asserts(src) for src in cells), f"{e.label}: no cell after it in {path.name} asserts"


def test_every_erratum_names_its_note_file_and_a_kind_the_chapter_agrees_with():
    chapters = chapter_of_note()
    for e in errata():
        where = re.match(rf"`({NOTE_FILE})`, lines? \d", e.where)
        assert where, f"{e.label}: 'Where' must start with the note's file and lines: {e.fields['Where']!r}"
        path, named = chapters[e.note]
        assert where[1] == named, f"{e.label}: names {where[1]}, {path.name} follows {named}"
        # the chapter's table says the same one kind (its "Kind" column is the one before "Proof")
        (row,) = [row for row, links in slip_table(nbformat.read(path, as_version=4)) if e.label in links]
        chapter_kind = row.strip().strip("|").split("|")[-2].strip()
        assert chapter_kind == e.kind, (
            f"{e.label}: the errata say {e.kind!r}, the table of {path.name} says {chapter_kind!r}")


def test_errata_follow_the_chapters_and_count_what_they_list():
    entries = errata()
    chapters = chapter_of_note()
    notes_in_order = list(dict.fromkeys(e.note for e in entries))
    by_chapter = sorted(chapters, key=lambda n: chapters[n][0].name)
    assert notes_in_order == by_chapter, f"notes in the order {notes_in_order}, the chapters' is {by_chapter}"
    for note in notes_in_order:
        ks = [e.k for e in entries if e.note == note]
        assert ks == list(range(1, len(ks) + 1)), f"note {note}: entries {ks}, expected 1..{len(ks)}"
    # the table "Counts": | Note | Chapter | slip | convention | OCR | ambiguity | Total |
    text = (BOOK / "errata.md").read_text()
    assert re.search(r"^\| Note \| Chapter \| " + r" \| ".join(KINDS) + r" \| Total \|\s*$", text, re.M), (
        f"the counts table's header must be | Note | Chapter | {' | '.join(KINDS)} | Total |")
    rows = {m[1]: [int(x) for x in m[2].split("|")] for m in
            re.finditer(r"^\| (\d{3}|all) \|[^|]*\| ([\d |]+)\|\s*$", text, re.M)}
    expected = {}
    for note in notes_in_order + ["all"]:
        mine = [e for e in entries if note in (e.note, "all")]
        counts = [sum(e.kind == k for e in mine) for k in KINDS]
        expected[note] = counts + [len(mine)]
    assert rows == expected, f"the counts table says {rows}, the entries {expected}"
    assert f"{len(entries)} in all" in text, "the introduction states the number of entries"


def test_errata_lines_exist_in_the_notes():
    for e in errata():
        name = re.match(rf"`({NOTE_FILE})`", e.where)[1]
        lines = (NOTES / name).read_text().splitlines()
        spec = re.match(r"`[^`]+`, lines? ([\d ,and-]+)", e.where)[1]
        numbers = [int(n) for n in re.findall(r"\d+", spec)]
        assert numbers and all(1 <= n <= len(lines) and lines[n - 1].strip() for n in numbers), (
            f"{e.label}: lines {numbers} of {name} ({len(lines)} lines) are not all lines with text")



def _is_zero(node) -> bool:
    return isinstance(node, ast.Constant) and node.value == 0


def _refuting(test) -> bool:
    """An assert's test that says two things differ (see ``refutes``)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_refuting(value) for value in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return True
    return isinstance(test, ast.Compare) and (
        any(isinstance(op, (ast.Gt, ast.NotEq)) for op in test.ops)
        or (isinstance(test.ops[-1], ast.Lt) and _is_zero(test.comparators[-1]))
        or (isinstance(test.ops[0], ast.Eq) and not _is_zero(test.comparators[0])
            and any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) for n in ast.walk(test.left))))


def refutes(source: str) -> bool:
    """A code cell checks that something is NOT what it should be, as a slip's proof must for
    the note's version: it holds an ``assert not ...``; an ``assert`` of a comparison ``>`` (a
    difference or an error above a bound) or ``!=`` (e.g. two shapes); an ``assert ... < 0``
    (two values of opposite sign); an ``assert`` that a difference ``a - b`` equals something
    other than 0 (any of these may be one term of an ``and``); or a ``try`` whose ``else``
    raises ``AssertionError`` (the note's version must raise).  The test cannot see which
    version a check is about; the proof's text says it."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assert) and _refuting(node.test):
            return True
        if isinstance(node, ast.Try):
            for stmt in node.orelse:
                if (isinstance(stmt, ast.Raise) and stmt.exc is not None
                        and "AssertionError" in ast.unparse(stmt.exc)):
                    return True
    return False


def test_refutes_recognises_only_checks_that_something_differs():
    assert refutes("assert abs(note - oracle) > 0.1")
    assert refutes("assert not np.allclose(a, b)")
    assert refutes("assert x * y < 0")
    assert refutes("assert note.shape != right.shape")
    assert refutes("assert a.shape == (1, 3) and abs(a - b).max() > 0.1")
    assert refutes("assert sp.simplify(note - right) == 1 / m")
    assert not refutes("assert sp.simplify(note - right) == 0")
    assert refutes("try:\n    f()\nexcept ValueError:\n    pass\nelse:\n    raise AssertionError('no')")
    assert not refutes("assert np.allclose(a, b)")
    assert not refutes("assert relative_error(a, b) < 1e-7")
    assert not refutes("try:\n    f()\nexcept ValueError:\n    print('raised')")


def test_every_slip_links_to_a_cell_that_shows_the_note_failing():
    """An entry of kind **slip** says the note's formula is wrong: its proof cells must hold a
    check that fails for the note's version (see ``refutes``), not only one that the correct
    version passes.  Conventions, OCR readings and ambiguities need only assert."""
    chapters = chapter_of_note()
    slips = [e for e in errata() if e.kind == "slip"]
    assert slips, "no entry of kind slip"
    for e in slips:
        path, _ = chapters[e.note]
        cells = proof_cells(nbformat.read(path, as_version=4), e.label)
        assert any(refutes(src) for src in cells), (
            f"{e.label} is a slip, but no cell after ({e.label})= in {path.name} checks that the "
            f"note's version fails (assert not ..., assert ... > bound, or try/else raise AssertionError)")


def test_errata_page_says_what_each_kind_shows():
    text = (BOOK / "errata.md").read_text()
    assert "has a cell showing the note's version fails" not in text
    for kind in KINDS:
        assert re.search(rf"^- \*\*{kind}\*\*: ", text, re.M), f"errata.md does not define the kind {kind!r}"


# ------------------------------------------------------------------- the notes' pages
def _cited(where: str) -> list[int]:
    """The line numbers of a "Where" field without links, ranges expanded: "lines 81-85 and 90"."""
    spec = re.match(r"`[^`]+`, lines? ([\d ,and-]+)", where)[1]
    lines = []
    for part in re.split(r",|\band\b", spec):
        ends = [int(n) for n in re.findall(r"\d+", part)]
        lines += range(ends[0], ends[-1] + 1) if ends else []
    return lines


def test_notes_pages_are_what_the_script_writes():
    pages = _notes_pages_script().pages()
    assert set(pages) == set(NOTE_PAGES.glob("*.md")), "book/notes/ holds other pages than the script writes"
    for path, text in pages.items():
        assert path.read_text() == text, (
            f"{path.relative_to(ROOT)} is out of date: run .venv/bin/python scripts/notes_pages.py")


def test_every_note_is_on_its_page_line_by_line():
    for name in sorted(p.name for p in NOTES.glob("*.txt")):
        number = name[:3]
        page = (NOTE_PAGES / f"note_{number}.md").read_text()
        assert f"`notes/{name}`" in page, f"note_{number}.md does not name its file {name}"
        lines = (NOTES / name).read_text().splitlines()
        shown = dict(re.findall(rf"^\(note-{number}-(\d+)\)=\n\*\*\d+\*\* (`+) ?", page, re.M))
        with_text = [n for n, line in enumerate(lines, start=1) if line.strip()]
        assert sorted(map(int, shown)) == with_text, f"note {number}: the page leaves out a line with text"
        for n in with_text:  # the line itself, verbatim but for leading spaces
            m = re.search(rf"^\(note-{number}-{n}\)=\n\*\*{n}\*\* (`+) ?(.*?) ?\1(?: ←.*)?$", page, re.M)
            assert m and m[2] == lines[n - 1].strip(), f"note {number}, line {n}: not shown as in the file"


def test_every_erratum_links_to_its_lines_and_each_line_links_back():
    text = (BOOK / "errata.md").read_text()
    entries = errata()
    for e in entries:
        assert re.search(rf"^\(erratum-{e.note}-{e.k}\)=\n### {e.note}-{e.k}\b", text, re.M), (
            f"{e.label}: no target (erratum-{e.note}-{e.k})= right before its heading")
        spec = re.match(r"`[^`]+`, lines? ((?:\[\d+\]\(#[\w-]+\)|[ ,and-])+)", e.fields["Where"])
        assert spec, f"{e.label}: the line numbers in 'Where' must be links: {e.fields['Where']!r}"
        links = re.findall(r"\[(\d+)\]\(#([\w-]+)\)", spec[1])
        numbers = [int(n) for n in re.findall(r"\d+", re.sub(r"\(#[\w-]+\)", "", spec[1]))]
        assert [int(n) for n, _ in links] == numbers, f"{e.label}: every line number must be a link"
        page = (NOTE_PAGES / f"note_{e.note}.md").read_text()
        for n, target in links:
            assert target == f"note-{e.note}-{n}", f"{e.label}: line {n} links to #{target}"
            assert f"({target})=" in page, f"{e.label}: note_{e.note}.md has no target ({target})="
        lines = (NOTES / re.match(rf"`({NOTE_FILE})`", e.where)[1]).read_text().splitlines()
        for n in _cited(e.where):
            if lines[n - 1].strip():
                line = re.search(rf"^\(note-{e.note}-{n}\)=\n(.*)$", page, re.M)[1]
                assert f"(#erratum-{e.note}-{e.k})" in line, (
                    f"{e.label}: line {n} of note_{e.note}.md does not link back to the erratum")
    labels = {f"{e.note}-{e.k}" for e in entries}
    for page in NOTE_PAGES.glob("note_*.md"):
        for label in re.findall(r"\(#erratum-([\d-]+)\)", page.read_text()):
            assert label in labels, f"{page.name} links to erratum {label}, which does not exist"


# ----------------------------------------------------------------- exercises
EXERCISE = re.compile(r"^\*\*Exercise (\d+)\.(\d+) \(([^)\n]+)\)\.\*\*", re.M)
DROPDOWN = re.compile(r"^(`{3,}|:{3,})\{admonition\} Solution\n:class: dropdown\n.*?^\1\s*$", re.M | re.S)
# Exercises whose answer is an argument, not a number: (chapter, k) -> why. Empty: every
# solution so far computes its answer and asserts it.
NO_COMPUTABLE_ANSWER: dict[tuple[int, int], str] = {}


def chapter_number(path: Path) -> int:
    return int(re.match(r"ch(\d+)_", path.name)[1])


def exercises_of(path: Path):
    """(k, title, cell index) of every exercise of a chapter, checking its target and heading."""
    nb = nbformat.read(path, as_version=4)
    found = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != "markdown" or not re.search(r"^\*\*Exercise \d", c.source, re.M):
            continue
        m = re.search(r"^\(ex-(\d+)-(\d+)\)=\n" + EXERCISE.pattern[1:], c.source, re.M)
        assert m, f"{path.name}, cell {i}: an exercise is (ex-N-k)= then **Exercise N.k (title).**"
        assert m[1] == m[3] and m[2] == m[4], f"{path.name}, cell {i}: ex-{m[1]}-{m[2]} for {m[3]}.{m[4]}"
        assert len(EXERCISE.findall(c.source)) == 1, f"{path.name}, cell {i}: one exercise per cell"
        found.append((int(m[2]), m[5], i))
    n = chapter_number(path)
    assert all(int(re.search(r"ex-(\d+)-", nb.cells[i].source)[1]) == n for _, _, i in found), path.name
    assert [k for k, _, _ in found] == list(range(1, len(found) + 1)), f"{path.name}: not numbered 1..n"
    return nb, found


def solution_cells(nb, i):
    """The cells after exercise cell i, up to the next exercise, heading or target."""
    out = []
    for c in nb.cells[i + 1:]:
        if c.cell_type == "markdown" and re.search(r"^#|^\*\*Exercise \d|^\([\w-]+\)=", c.source, re.M):
            break
        out.append(c)
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_solution_is_folded_and_asserts_its_answer(path):
    nb, found = exercises_of(path)
    for k, _, i in found:
        where = f"{path.name}, exercise {chapter_number(path)}.{k}"
        cells = solution_cells(nb, i)
        code = [c for c in cells if c.cell_type == "code"]
        prose = [c for c in cells if c.cell_type == "markdown"]
        assert code or prose, f"{where}: no solution"
        for c in code:
            assert "hide-input" in c.metadata.get("tags", []), f"{where}: solution code must be hide-input"
        for c in prose:
            assert not DROPDOWN.sub("", c.source).strip(), (
                f"{where}: solution prose must sit in a dropdown admonition 'Solution', not in the open")
        if (chapter_number(path), k) not in NO_COMPUTABLE_ANSWER:
            assert any(asserts(c.source) for c in code), f"{where}: the solution does not assert its answer"


def test_exercises_page_lists_every_exercise_with_its_title_and_nothing_else():
    page = (BOOK / "exercises.md").read_text()
    listed = re.findall(r"\[Exercise (\d+)\.(\d+)\]\(#ex-(\d+)-(\d+)\) \(([^)\n]+)\)", page)
    assert all(a == c and b == d for a, b, c, d, _ in listed), "a link's text and target disagree"
    listed = [(int(a), int(b), title) for a, b, _, _, title in listed]
    assert len(re.findall(r"\]\(#ex-", page)) == len(listed), "links read '[Exercise N.k](#ex-N-k) (title)'"
    in_book = [(chapter_number(p), k, title) for p in NOTEBOOKS for k, title, _ in exercises_of(p)[1]]
    assert in_book, "no exercises found in the chapters"
    for path in NOTEBOOKS:  # each chapter's section: ## [N. Title](chNN_name.ipynb)
        if exercises_of(path)[1]:
            title = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
            assert f"## [{title}]({path.name})" in page, f"exercises.md: no section [{title}]({path.name})"
    assert listed == in_book, (f"listed but not in the chapters: {sorted(set(listed) - set(in_book))}; "
                               f"in the chapters but not listed: {sorted(set(in_book) - set(listed))}")


# ------------------------------------------------------------------ glossary
def glossary() -> dict[str, str]:
    """Term -> its definition, from the {glossary} directive of book/glossary.md."""
    text = (BOOK / "glossary.md").read_text()
    block = re.search(r"^```\{glossary\}\n(.*?)^```\s*$", text, re.M | re.S)
    assert block, "book/glossary.md has no {glossary} directive"
    terms, term = {}, None
    for line in block[1].splitlines():
        if line.startswith(":"):  # an option of the directive (:sorted:)
            continue
        if line and not line[0].isspace():
            term = line.strip()
            assert term not in terms, f"{term!r} twice in the glossary"
            terms[term] = ""
        elif term:
            terms[term] += " " + line.strip()
    return terms


def test_glossary_links_every_term_to_where_the_book_introduces_it():
    terms = glossary()
    assert len(terms) >= 30, f"only {len(terms)} terms"
    targets = _targets()
    pages = _pages()
    for term, definition in terms.items():
        links = re.findall(r"\]\(#(term-[\w-]+)\)", definition)
        assert len(links) == 1, f"{term!r}: one link to where it is introduced, found {links}"
        assert targets[links[0]] == 1, f"{term!r}: target ({links[0]})= defined {targets[links[0]]} times"
        # the paragraph after the target speaks of the term (the stem of one of its words)
        words = {w.lower()[:6] for w in re.findall(r"[A-Za-z]{4,}", term)} or {term.lower()}
        (after,) = [text.split(f"({links[0]})=", 1)[1][:1200].lower() for text in pages.values()
                    if f"({links[0]})=" in text]
        assert any(w in after for w in words), f"{term!r}: the text after ({links[0]})= never names it"
    linked = {link for d in terms.values() for link in re.findall(r"\]\(#(term-[\w-]+)\)", d)}
    orphans = {t for t in targets if t.startswith("term-")} - linked
    assert not orphans, f"term targets that no glossary entry links to: {sorted(orphans)}"


# ---------------------------------------------------------------- references
def bib_keys() -> list[str]:
    return re.findall(r"^@\w+\{([\w-]+),", (BOOK / "references.bib").read_text(), re.M)


def cited_keys() -> set[str]:
    keys = set()
    for text in _pages().values():
        for group in re.findall(r"\{cite(?::[pt])?\}`([^`]+)`", text):
            keys |= {k.strip() for k in group.split(",")}
    return keys


def test_every_reference_is_cited_and_every_citation_has_a_reference():
    keys = bib_keys()
    assert len(keys) == len(set(keys)), "a key is defined twice in references.bib"
    cited = cited_keys()
    assert not cited - set(keys), f"cited but not in references.bib: {sorted(cited - set(keys))}"
    assert not set(keys) - cited, f"in references.bib but cited nowhere in book/: {sorted(set(keys) - cited)}"


def test_every_reference_says_where_to_find_it():
    entries = re.split(r"^@", (BOOK / "references.bib").read_text(), flags=re.M)[1:]
    for entry in entries:
        key = entry.split("{", 1)[1].split(",", 1)[0]
        fields = set(re.findall(r"^\s+(\w+)\s*=", entry, re.M))
        assert {"author", "title", "year"} <= fields, f"{key}: needs author, title and year"
        assert fields & {"doi", "url", "eprint", "isbn", "publisher"}, f"{key}: where to find it?"
