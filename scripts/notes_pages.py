"""Write the appendix "The notes" (book/notes/*.md) from notes/*.txt and book/errata.md.

Each note gets a page: a paragraph on what the note does, then its OCR text line by line,
as transcribed, with the file's line numbers. Every line with text has a target
``(note-NNN-K)=`` (note NNN, line K), which the errata's line numbers link to; every
line that an erratum cites links back to the erratum's target ``(erratum-NNN-k)=``.
Blank lines are left out (the numbers show where they were); leading spaces are dropped.

The pages are committed sources of the book; run this script after changing a note, the
errata's lines or a description below, and commit what it writes:

    .venv/bin/python scripts/notes_pages.py

``tests/test_backmatter.py`` fails when the committed pages differ from what it writes.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTES = ROOT / "notes"
OUT = ROOT / "book" / "notes"
ERRATA = ROOT / "book" / "errata.md"

# The notes in the order of the chapters: number, title, chapter page, description.
NOTES_IN_ORDER = [
    ("003", "One neuron", "ch01_one_neuron.ipynb", "1. One neuron: logistic regression",
     "One page on gradient descent for the smallest network: one sigmoid neuron with two "
     "inputs, trained with the log loss (logistic regression). It states the updates of "
     "$w_1$, $w_2$ and $b$, the loss of one record and the cost as their average, then "
     "differentiates link by link, ④ the loss with respect to the output, ⑤ the sigmoid, "
     "⑥ the neuron's input with respect to the parameters, cancels $a(1-a)$, and ends with "
     "a box of final gradients."),
    ("004", "A hidden layer and the squared error", "ch02_regression_mse.ipynb",
     "2. A hidden layer and the squared error",
     "Three pages on a network with one hidden layer trained for regression with the mean "
     "squared error: the forward pass, the loop of gradient descent, the derivative for the "
     "second layer by the power rule, then the chain rule down to the first layer's weight, "
     "first for numbers and then in a matrix form. It ends with a question: what changes "
     "between regression with the squared error and classification with the log loss?"),
    ("002", "A shallow network, vectorised", "ch03_shallow_vectorised.ipynb",
     "3. A shallow network, vectorised over m examples",
     "A classifier with one hidden layer of ReLU units and a sigmoid output, trained with "
     "the log loss. The note writes the forward pass for one instance $i$, then for all "
     "instances at once as matrix products (one example per column), derives the gradients "
     "of both layers for one instance, stacks them over the $m$ instances, and ends with "
     "the update equations of gradient descent. Two of its blocks did not survive the OCR "
     "(lines 57-67 and 96-98)."),
    ("000", "Three sigmoid layers", "ch04_three_sigmoid_layers.ipynb",
     "4. Three sigmoid layers with binary cross-entropy",
     "Three layers of sigmoid units with the binary cross-entropy loss, the data an "
     "$n \\times f$ matrix: the forward pass, the steps of training, then the chain rule "
     "from the loss down, first for $W_3$ and $b_3$, then for $W_2$ and, by analogy, for "
     "$W_1$ and $b_1$. The OCR reads the pen's $y$ as 9 and its $\\partial$ as S, 8, 5 or "
     "$\\delta$ throughout."),
    ("001", "Three layers, examples as rows", "ch05_rows_convention.ipynb",
     "5. Three layers, examples as rows",
     "Three layers with the examples as rows ($z_l = A_{l-1} w_l + \\vec b_l$), two ReLU "
     "hidden layers and a sigmoid output trained with the cross-entropy: the derivative of "
     "the loss, the error of each layer from the output down, and the gradients of every "
     "weight and bias, written as if every quantity were a number."),
]


def note_file(number: str) -> Path:
    (path,) = NOTES.glob(f"{number}_*.txt")
    return path


def cited_lines(where: str) -> list[int]:
    """The line numbers an erratum's "Where" field cites, ranges expanded."""
    spec = re.match(r"`[^`]+`, lines? ((?:\[?\d+\]?(?:\([^)]*\))?|[ ,and-])+)", where)
    assert spec, f"cannot read the lines of {where!r}"
    text = re.sub(r"\[(\d+)\]\([^)]*\)", r"\1", spec[1])
    lines = []
    for part in re.split(r",|\band\b", text):
        ends = [int(n) for n in re.findall(r"\d+", part)]
        if len(ends) == 2:
            lines += range(ends[0], ends[1] + 1)
        elif ends:
            lines += ends
    return lines


def errata_lines() -> dict[str, dict[int, list[str]]]:
    """Note -> line -> the erratum labels ("003-1") that cite it (lines with text only)."""
    found: dict[str, dict[int, list[str]]] = {}
    text = ERRATA.read_text()
    for m in re.finditer(r"^### (\d{3})-(\d+)\b.*?\n- \*\*Where:\*\* (.*?)(?=\n- \*\*)", text, re.M | re.S):
        note, k, where = m[1], m[2], " ".join(m[3].split())
        lines = note_file(note).read_text().splitlines()
        for n in cited_lines(where):
            if lines[n - 1].strip():
                found.setdefault(note, {}).setdefault(n, []).append(f"{note}-{k}")
    return found


def code_span(text: str) -> str:
    """``text`` as a Markdown code span, whatever backticks it holds."""
    longest = max((len(r) for r in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def note_page(number, title, chapter, chapter_title, description, cited) -> str:
    path = note_file(number)
    lines = path.read_text().splitlines()
    out = [
        f"# Note {number}: {title}",
        "",
        description,
        "",
        f"File `notes/{path.name}`, {len(lines)} lines, as the OCR transcribed it; chapter "
        f"[{chapter_title}](../{chapter}) follows it. Blank lines are left out (the numbers are "
        f"the file's) and so are leading spaces. A line that the [errata](../errata.md) cite "
        f"links to the entry, and the entry's line numbers link here.",
        "",
    ]
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        back = ", ".join(f"[erratum {label}](#erratum-{label})" for label in cited.get(n, []))
        shown = f"**{n}** {code_span(line.strip())}" + (f" ← {back}" if back else "")
        out += [f"(note-{number}-{n})=", shown, ""]
    return "\n".join(out)


def index_page() -> str:
    out = [
        "# The notes",
        "",
        "The five handwritten derivations the chapters follow, as the OCR transcribed them, "
        "line by line and unchanged: the OCR is noisy, and the notes themselves slip in places. "
        "The [errata](../errata.md) list every entry with the lines it concerns; those lines "
        "link back to the entry.",
        "",
        "| note | page | chapter |",
        "|---|---|---|",
    ]
    for number, title, chapter, chapter_title, _ in NOTES_IN_ORDER:
        out.append(f"| `{note_file(number).name}` | [Note {number}: {title}](note_{number}.md) "
                   f"| [{chapter_title}](../{chapter}) |")
    return "\n".join(out) + "\n"


def pages() -> dict[Path, str]:
    """Every page of the appendix: path -> text."""
    cited = errata_lines()
    out = {OUT / "index.md": index_page()}
    for number, title, chapter, chapter_title, description in NOTES_IN_ORDER:
        out[OUT / f"note_{number}.md"] = note_page(number, title, chapter, chapter_title, description,
                                                   cited.get(number, {}))
    return out


def main():
    OUT.mkdir(exist_ok=True)
    for path, text in pages().items():
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
