"""The package's house: imports run one way, no private names cross modules, lazy imports only
for optional libraries.  Read from the source with ``ast`` (nothing is imported), so a new
upward import, cycle or reach into another module's private name fails here."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "backprop"

# The floors of backprop/README.md: a module imports only from its own floor or below.
FLOORS = {
    "core": 0,     # NumPy only (symbolic: SymPy): the network, the formulas, the records
    "figures": 1,  # matplotlib
    "widgets": 2,  # ipywidgets
}
# Libraries a module may import inside a function, to load them only when needed.
OPTIONAL = ("matplotlib", "ipywidgets", "sympy", "PIL", "yaml", "IPython")


def modules():
    """``{dotted name: path}`` for every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def floor_of(name):
    if name.startswith("backprop.widgets"):
        return "widgets"
    if name in ("backprop.canvas", "backprop.plotting", "backprop.graph_drawing", "backprop.graph_numbers"):
        return "figures"
    return "core"


def imports(name, path):
    """``(module imported, names taken, node, inside a function)`` for each import of the package's own."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    local = {id(n) for f in functions for n in ast.walk(f)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            out.append((target, [a.name for a in node.names], node, id(node) in local))
        elif isinstance(node, ast.Import):
            for a in node.names:
                out.append((a.name, [], node, id(node) in local))
    return out


def own_edges():
    """``(importer, imported module)`` pairs within the package; ``from . import x`` counts as x."""
    mods = modules()
    edges = set()
    for name, path in mods.items():
        for target, names, _, _ in imports(name, path):
            if not target.startswith("backprop"):
                continue
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in mods]
            for t in subs or [target]:
                if t != name and not (name == "backprop" and t.startswith("backprop.")):
                    edges.add((name, t))
    return edges


def test_the_house_is_read_whole():
    mods = modules()
    assert {"backprop.network", "backprop.runs", "backprop.graph", "backprop.graph_drawing",
            "backprop.widgets.playground_settings"} <= set(mods)
    assert len(own_edges()) > 20


def test_imports_run_down_the_floors():
    upward = [(a, b) for a, b in own_edges()
              if FLOORS[floor_of(b)] > FLOORS[floor_of(a)]]
    assert upward == []


def test_no_cycle():
    edges = own_edges()
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in graph.get(node, ()):
            if state.get(nxt) == "open":
                pytest.fail(f"import cycle: {' -> '.join([*trail, node, nxt])}")
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = "done"

    for node in list(graph):
        if node not in state:
            visit(node, [])


def test_no_private_name_crosses_modules():
    mods = modules()
    taken = []
    for name, path in mods.items():
        for target, names, _, _ in imports(name, path):
            if target.startswith("backprop") and target != name:
                taken += [(name, target, n) for n in names if n.startswith("_")]
                if target.rsplit(".", 1)[-1].startswith("_") and target != "backprop.__init__":
                    taken.append((name, target, "(a private module)"))
    assert taken == []


def test_module_getattr_only_in_the_package_face():
    found = [name for name, path in modules().items()
             if any(isinstance(n, ast.FunctionDef) and n.name == "__getattr__"
                    for n in ast.parse(path.read_text()).body)]
    assert found == ["backprop"]


def test_lazy_imports_only_defer_an_optional_library_and_say_why():
    bad = []
    for name, path in modules().items():
        lines = path.read_text().splitlines()
        for target, _, node, inside in imports(name, path):
            if not inside:
                continue
            optional = target.split(".")[0] in OPTIONAL
            reason = "#" in lines[node.lineno - 1]
            if not (optional and reason):
                bad.append(f"{path.name}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert bad == []


def test_the_checks_can_fail(tmp_path, monkeypatch):
    """The same checks on a small package with an upward import and a private name."""
    pkg = tmp_path / "backprop"
    (pkg / "widgets").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "network.py").write_text("from .widgets.live import thing\n")
    (pkg / "plotting.py").write_text("from .network import _private\n")
    (pkg / "widgets" / "__init__.py").write_text("")
    (pkg / "widgets" / "live.py").write_text("thing = 1\n")
    monkeypatch.setitem(globals(), "PACKAGE", pkg)
    with pytest.raises(AssertionError):
        test_imports_run_down_the_floors()
    with pytest.raises(AssertionError):
        test_no_private_name_crosses_modules()
