"""Words before use: every glossary term and every equation tag is explained where the
reader first meets it.

Terms. The book is read in ``_toc.yml`` order, markdown cells and ``.md`` pages only.
For every entry of ``book/glossary.md`` (its name, the other names listed with it, and
the spellings in ``VARIANTS``), its first occurrence in the running text of the book
must be either

- *defined there*: in bold, in a markdown cell (or a section of a ``.md`` page) that
  carries the entry's own label ``(term-...)=``, the label the glossary's
  "Introduced" link points to; or
- *linked*: inside ``{term}`...```, or a link whose target is ``#term-...``, the
  glossary page, or the page that carries the entry's label (a chapter's title in a
  link to that chapter).

Running text leaves out code (fenced and inline), math, headings, link targets, role
targets, directive options, HTML comments and block quotes (the notes' own words, quoted
as written). The glossary page itself is not read: it is what the links point to.

Tags. On every page, each equation tag F1, F2, C, B1-B4, U must be shown before it is
used: the first time the page names it, it is a link to the equation (``[B3](#eq-b3)``),
or an equation on the page carries it (``\\tag{B3}`` or ``\\text{(B3)}`` in a display,
the label ``(eq-b3)=``, or a table row that starts with the tag and gives the formula).

Each offence is reported with its page and a snippet; the checker is itself checked on a
synthetic book with forced faults.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from conftest import ROOT, source_of, toc_files

GLOSSARY = ROOT / "book" / "glossary.md"

# Spellings of an entry beyond its listed names, and their plurals. Keys are the first
# name of a glossary entry, as written there.
VARIANTS = {
    "Activation": ["activations", "activation function", "activation functions"],
    "Backpropagation": ["back-propagation", "backpropagate", "backpropagates"],
    "Backward pass": ["backward passes"],
    "Batch": ["batches", "mini-batches", "full-batch", "minibatch", "minibatches"],
    "Broadcasting": ["broadcast", "broadcasts"],
    "Centred difference": ["centred differences", "central difference",
                           "central differences"],
    "Computational graph": ["computational graphs"],
    "Cost": ["costs"],
    "Dead unit": ["dead units", "dead ReLU", "dead ReLUs"],
    "Decision boundary": ["decision boundaries"],
    "Element-wise product": ["elementwise product", "Hadamard product"],
    "Epoch": ["epochs"],
    "Error of a layer": ["error of the layer", "errors of the layers"],
    "Finite differences": ["finite difference"],
    "Forward pass": ["forward passes"],
    "Gradient check": ["gradient checks", "gradient checking"],
    "Hidden layer": ["hidden layers"],
    "Initialisation": ["initialisations", "initialization", "initialisation scheme",
                       "initialisation schemes"],
    "Jacobian": ["Jacobians"],
    "Learning rate": ["learning rates"],
    "Logistic regression": [],
    "Log loss": [],
    "Loss": ["losses"],
    "Parameters": ["parameter", "weight", "bias"],
    "Playground": [],
    "Pre-activation": ["pre-activations"],
    "ReLU": ["ReLUs"],
    "Relative error": ["relative errors"],
    "Reverse mode": ["reverse-mode"],
    "Sigmoid": ["sigmoids"],
    "Squared error": ["mean squared error", "squared errors"],
    "Stochastic gradient descent": ["SGD"],
    "Vanishing gradient": ["vanishing gradients"],
    "Vectorisation": ["vectorised", "vectorise", "vectorization", "vectorized"],
    "Adjoint": ["adjoints"],
    "Fork": ["forks"],
    "Topological order": [],
    "Exploding gradient": ["exploding gradients"],
    "He": ["He's scale", "He scale", "He initialisation", "LeCun's scale",
           "Glorot's scale", "LeCun", "Glorot"],
    "Symmetry breaking": ["break the symmetry", "breaks the symmetry", "break symmetry",
                          "breaks symmetry"],
    "Variance recursion": [],
    "Softmax": [],
    "Cross-entropy": ["cross entropy"],
    "One-hot": ["one hot"],
    "Test set": ["test sets", "held-out"],
    "Confusion matrix": ["confusion matrices"],
    "Fan-in": ["fan-out"],
}
# Listed names of an entry that are not words to look for ("δ" is math, and "He" alone
# is a pronoun; "He, LeCun and Glorot scales" is found by its VARIANTS).
NOT_NAMES = {"δ", "He", "LeCun and Glorot scales"}
CASE_SENSITIVE = {"ReLU", "ReLUs", "SGD", "He's scale", "He scale", "He initialisation",
                  "LeCun", "LeCun's scale", "Glorot", "Glorot's scale", "Jacobian",
                  "Jacobians", "dead ReLU", "dead ReLUs"}

TAGS = ["F1", "F2", "C", "B1", "B2", "B3", "B4", "U"]


@dataclass
class Entry:
    name: str
    label: str
    words: list


@dataclass
class Offence:
    page: str
    what: str
    snippet: str

    def __str__(self):
        return f"{self.page}: {self.what}: ...{self.snippet}..."


def glossary_entries(text: str) -> list[Entry]:
    """The entries of the ``{glossary}`` directive: names, label, words to look for."""
    body = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    blocks = re.split(r"\n(?=\S)", body)
    entries = []
    for block in blocks:
        head, _, rest = block.partition("\n")
        if not rest.strip() or head.startswith(":"):
            continue
        label = re.search(r"\]\(#(term-[a-z0-9-]+)\)", rest)
        assert label, f"glossary entry {head!r} links to no (term-...) label"
        names = [n.strip() for n in head.split(",")]
        words = [n for n in names if n not in NOT_NAMES]
        words += VARIANTS.get(names[0], [])
        # plurals of the listed names
        words += [n + ("es" if n.endswith(("s", "x", "ch")) else "s") for n in names
                  if n not in NOT_NAMES and not n.endswith("s") and " " not in n[-1:]
                  and n[-1].isalpha()]
        entries.append(Entry(names[0], label.group(1), sorted(set(words))))
    return entries


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


CODE_FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})\s*(\{[^}]*\})?(.*)$")
CODE_DIRECTIVES = {None, "{code-cell}", "{code}", "{code-block}", "{math}", "{raw}",
                   "{glossary}", "{bibliography}", "{toctree}", "{literalinclude}"}


@dataclass
class Text:
    """One markdown cell or ``.md`` section: its running text (everything else blanked,
    offsets kept), the spans that link to the glossary, the bold spans, and what the
    source shows of equation tags."""
    source: str
    running: str
    term_links: list
    eq_links: list
    page_links: list
    bold: list
    labels: set


def running_text(source: str) -> Text:
    text = source
    # fenced blocks: code and math go; admonitions and dropdowns keep their text
    out, stack = [], []  # stack of (fence, is_code)
    for line in text.split("\n"):
        m = CODE_FENCE.match(line.strip())
        code = bool(stack) and stack[-1][1]
        if m and stack and not m.group(2) and not m.group(3).strip() \
                and m.group(1)[0] == stack[-1][0][0] and len(m.group(1)) >= len(stack[-1][0]):
            stack.pop()
            out.append(" " * len(line))
            continue
        if m and not code and (m.group(1)[0] != ":" or m.group(2)):
            directive = m.group(2)
            stack.append((m.group(1), directive in CODE_DIRECTIVES))
            out.append(" " * len(line))
            continue
        if code or re.match(r"\s*(#{1,6}\s|>)", line) or \
                re.match(r"\s*\([\w:.-]+\)=\s*$", line) or re.match(r"\s*:[\w-]+:", line):
            out.append(" " * len(line))  # code, headings, quotes, labels, options
            continue
        out.append(line)
    text = "\n".join(out)
    labels = set(re.findall(r"^\s*\(([\w:.-]+)\)=\s*$", source, flags=re.M))
    term_links, eq_links, page_links = [], [], []
    # roles: {term} keeps its text (a link); every other role goes
    for m in re.finditer(r"\{([\w:-]+)\}`([^`]*)`", text):
        role, inner = m.group(1), m.group(2)
        target = re.search(r"<([^<>]*)>\s*$", inner)
        if role == "term" or role in ("ref", "numref") and target and \
                target.group(1).startswith("term-"):
            term_links.append((m.start(), m.end()))
            text = _blank(text, m.start(), m.start(2))
            if target:
                text = _blank(text, m.start(2) + target.start(), m.end())
            else:
                text = _blank(text, m.end() - 1, m.end())
        else:
            text = _blank(text, m.start(), m.end())
    # links: keep the text, drop the target
    for m in re.finditer(r"\[([^\[\]]*)\]\(([^()\s]*)\)", text):
        target = m.group(2)
        if "#term-" in target or "glossary" in target:
            term_links.append((m.start(), m.end()))
        page = re.match(r"(?:\.\./)*([\w/-]+)\.(?:ipynb|md)(?:#[\w-]*)?$", target)
        if page:
            page_links.append((m.start(), m.end(), page.group(1)))
        eq = re.match(r"(?:notation\.md|summary\.md)?#eq-([a-z0-9]+)$", target)
        if eq:
            eq_links.append((m.start(), m.end(), eq.group(1).upper()))
        text = _blank(text, m.end(1), m.end())
    # math, inline code, HTML comments and tags
    for pattern in (r"\$\$.*?\$\$", r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}",
                    r"(?<!\\)\$[^$\n]+?(?<!\\)\$", r"`[^`\n]*`", r"<!--.*?-->",
                    r"<[^>\n]+>"):
        for m in re.finditer(pattern, text, flags=re.S):
            text = _blank(text, m.start(), m.end())
    bold = [(m.start(), m.end()) for m in re.finditer(r"\*\*.+?\*\*", source, flags=re.S)]
    return Text(source, text, term_links, eq_links, page_links, bold, labels)


def split_md(page: str) -> list[str]:
    """A ``.md`` page in sections, each starting at a label or heading, so that a
    label belongs to the text after it, as a notebook's label does to its cell."""
    parts = re.split(r"\n(?=\s*(?:\([\w:.-]+\)=\s*\n|#{1,6}\s))", page)
    merged = []
    for part in parts:  # a label directly before a heading goes with that heading
        if merged and re.fullmatch(r"\s*(\([\w:.-]+\)=\s*)+", merged[-1]):
            merged[-1] += "\n" + part
        else:
            merged.append(part)
    return merged


def book_pages(root=ROOT) -> list[tuple[str, list[str]]]:
    """(page, markdown sources) in reading order, without the glossary page."""
    pages = []
    for doc in toc_files():
        path = source_of(doc)
        if path.resolve() == GLOSSARY.resolve():
            continue
        if path.suffix == ".ipynb":
            cells = json.loads(path.read_text())["cells"]
            pages.append((doc, ["".join(c["source"]) for c in cells
                                if c["cell_type"] == "markdown"]))
        else:
            pages.append((doc, split_md(path.read_text())))
    return pages


def _pattern(word: str) -> re.Pattern:
    flags = 0 if word in CASE_SENSITIVE else re.I
    return re.compile(r"(?<![\w-])" + re.escape(word).replace(r"\ ", r"\s+")
                      + r"(?![\w-])", flags)


def _snippet(text: Text, start: int, end: int) -> str:
    return re.sub(r"\s+", " ", text.source[max(0, start - 60):end + 60])


def term_offences(pages, entries) -> list[Offence]:
    """The first occurrence of every entry in running text, if neither defined nor
    linked there."""
    home = {label: page for page, sources in pages for source in sources
            for label in running_text(source).labels}
    patterns = sorted(((e, w, _pattern(w)) for e in entries for w in e.words),
                      key=lambda t: -len(t[1]))
    found = {}
    for page, sources in pages:
        for source in sources:
            text = running_text(source)
            claimed = []
            hits = []
            for entry, _word, pattern in patterns:
                for m in pattern.finditer(text.running):
                    if any(s < m.end() and m.start() < e for s, e in claimed):
                        continue  # part of a longer term: "stochastic gradient descent"
                    claimed.append((m.start(), m.end()))
                    hits.append((m.start(), m.end(), entry))
            for start, end, entry in sorted(hits, key=lambda h: h[0]):
                if entry.name in found:
                    continue
                inside = lambda spans: any(s <= start and end <= e for s, e in spans)  # noqa: E731
                to_home = [(s, e) for s, e, target in text.page_links
                           if home.get(entry.label, "").endswith(target.split("/")[-1])]
                ok = inside(text.term_links) or inside(to_home) or (
                    inside(text.bold) and entry.label in text.labels)
                found[entry.name] = None if ok else Offence(
                    page, f"first use of {entry.name!r} neither defined nor linked",
                    _snippet(text, start, end))
    return [o for o in found.values() if o is not None]


def tag_offences(pages) -> list[Offence]:
    """Per page: a tag named before the page links it or displays it."""
    offences = []
    bare = re.compile(r"(?<![\w\[-])(F[12]|B[1-4])(?![\w-])|\((C|U)\)"
                      r"|(?<=equation )(C|U)(?![\w-])")
    for page, sources in pages:
        shown = set()
        for source in sources:
            for tag in TAGS:  # a label or a displayed equation on the page shows it
                if f"(eq-{tag.lower()})=" in source or re.search(
                        r"\\(?:tag|text)\{\(?" + tag + r"\)?\}", source) or re.search(
                        r"^\|\s*" + tag + r"\b[^|\n]*\|[^|\n]*\$", source, flags=re.M):
                    shown.add(tag)  # a label, a tagged display, a table row with it
        first = {}
        for source in sources:
            text = running_text(source)
            events = [(s, t, True) for s, _e, t in text.eq_links]
            for m in bare.finditer(text.running):
                if any(s <= m.start() < e for s, e, _t in text.eq_links):
                    continue
                events.append((m.start(), m.group(1) or m.group(2) or m.group(3), False))
            for start, tag, linked in sorted(events):
                if tag in first or tag in shown:
                    continue
                first[tag] = linked
                if not linked:
                    offences.append(Offence(page, f"tag ({tag}) used before it is shown",
                                            _snippet(text, start, start + len(tag))))
    return offences


def all_offences(pages=None):
    pages = book_pages() if pages is None else pages
    entries = glossary_entries(GLOSSARY.read_text())
    return term_offences(pages, entries) + tag_offences(pages)


def test_every_term_and_tag_is_explained_at_first_use():
    offences = all_offences()
    assert not offences, f"{len(offences)} offences:\n" + "\n".join(map(str, offences))


def test_term_roles_name_glossary_entries():
    full = {line.strip().lower() for line in GLOSSARY.read_text().split("```{glossary}")[1]
            .split("\n```")[0].split("\n") if line and not line[0].isspace()
            and not line.startswith(":")}
    assert len(full) == len(glossary_entries(GLOSSARY.read_text()))
    wrong = []
    for page, sources in book_pages():
        for source in sources:
            for m in re.finditer(r"\{term\}`(?:[^`<]*<([^`>]*)>|([^`]*))`", source):
                target = " ".join((m.group(1) or m.group(2)).split()).lower()
                if target not in full:
                    wrong.append(f"{page}: {m.group(0)}")
    assert not wrong, "{term} roles that name no glossary entry:\n" + "\n".join(wrong)


# --- the checker on a synthetic book ---------------------------------------------------

GLOSS = """```{glossary}
Epoch
  One pass. [Introduced](#term-epoch) in chapter 1.

Batch, mini-batch
  Examples. [Introduced](#term-batch) in chapter 1.
```"""


def synthetic(*cells):
    return [("book/chA", list(cells[:1])), ("book/chB", list(cells[1:]))]


def test_checker_flags_an_unlinked_first_use_with_page_and_snippet():
    entries = glossary_entries(GLOSS)
    book = synthetic("We train for one epoch here.", "(term-epoch)=\nAn **epoch** is a pass.")
    offences = term_offences(book, entries)
    assert [(o.page, "epoch" in o.snippet) for o in offences] == [("book/chA", True)]
    assert "'Epoch'" in offences[0].what


def test_checker_accepts_a_definition_or_a_link_at_first_use():
    entries = glossary_entries(GLOSS)
    for first in ("(term-epoch)=\nAn **epoch** is one pass.",
                  "One {term}`epoch <Epoch>` is a pass.",
                  "One [epoch](#term-epoch) is a pass.",
                  "One [epoch](glossary.md) is a pass.",
                  "See [one epoch](chB.ipynb)."):
        book = synthetic(first, "(term-epoch)=\nAn **epoch** is a pass.")
        assert term_offences(book, entries) == [], first


def test_checker_sees_variants_and_plurals_and_ignores_code_math_headings_quotes():
    entries = glossary_entries(GLOSS)
    assert len(term_offences(synthetic("Ten epochs."), entries)) == 1
    assert len(term_offences(synthetic("Each mini-batches step."), entries)) == 1
    assert len(term_offences(synthetic("A mini-batch."), entries)) == 1
    ignored = ("# Epoch\n\n`epoch` and $\\text{epoch}$ and\n```python\nepoch = 1\n```\n"
               "> the note says epoch\n\n:::{note}\n:class: epoch\n:::\n")
    assert term_offences(synthetic(ignored), entries) == []
    # bold without the entry's label is not a definition; a label elsewhere neither
    assert len(term_offences(synthetic("An **epoch** is a pass."), entries)) == 1
    assert len(term_offences(synthetic("(term-batch)=\nAn **epoch** is a pass."), entries)) == 1
    # only the first use counts: a later unlinked use is fine, a later link too late
    assert term_offences(synthetic("One [epoch](#term-epoch).", "An epoch."), entries) == []
    late = term_offences(synthetic("An epoch.", "One [epoch](#term-epoch)."), entries)
    assert [o.page for o in late] == ["book/chA"]
    # a link to a page that does not define it is not a link to the definition
    assert len(term_offences(synthetic("See [one epoch](chA.ipynb).",
                                       "(term-epoch)=\nAn **epoch**."), entries)) == 1


def test_checker_flags_a_tag_used_before_the_page_shows_it():
    bad = [("book/chA", ["By (B3) the gradient is small; see [B3](#eq-b3)."])]
    offences = tag_offences(bad)
    assert [(o.page, "(B3)" in o.what) for o in offences] == [("book/chA", True)]
    for good in (["See [B3](#eq-b3). Then (B3) again, and B3."],
                 ["$$\nx = y \\tag{B3}\n$$\n\nBy (B3)."],
                 ["$$\nx = y \\quad \\text{(B3)}\n$$", "By B3."],
                 ["Equation [U](#eq-u), then (U) and equation U."],
                 ["(B3) below.", "| B3 | $dW = dZ A^T$ |"]):
        assert tag_offences([("book/chA", good)]) == [], good
    # each page on its own: a link on an earlier page does not show it here
    two = [("book/chA", ["See [U](#eq-u)."]), ("book/chB", ["By equation U."])]
    assert [o.page for o in tag_offences(two)] == ["book/chB"]
    # math and code are not uses
    assert tag_offences([("book/chA", ["`B3` and $B_3 (C)$ here."])]) == []
