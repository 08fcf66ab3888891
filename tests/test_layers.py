"""The house shows the pipeline: every import inside axes/ (at the top of a module or inside a function) points
to the same stage or one below it, and no modules import each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "axes"
# Lowest first. A module may import its own layer or any layer before it.
LAYERS = [
    {"axes", "axes.types", "axes.errors", "axes.parsing", "axes.storage", "axes.regexes"},
    {"axes.sources"}, {"axes.reading"}, {"axes.rules"}, {"axes.verdict"}, {"axes.pipeline"},
    {"axes.workflows"}, {"axes.output"}, {"axes.api", "axes.scale"}, {"axes.cli", "axes.__main__"},
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The axes modules a file imports, relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "axes":
                continue
            for alias in node.names:  # `from . import cache` imports the module axes.rules.cache
                sub = f"{target}.{alias.name}"
                found.add(sub if (PACKAGE.parent / sub.replace(".", "/")).with_suffix(".py").exists()
                          or (PACKAGE.parent / sub.replace(".", "/")).is_dir() else target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "axes"}
    return found - {name}


def layer(name: str) -> int:
    best = -1
    for index, members in enumerate(LAYERS):
        if any(name == m or name.startswith(m + ".") for m in members if m != "axes") or name == "axes":
            best = index if name != "axes" else 0
    assert best >= 0, f"{name} belongs to no layer: add it to LAYERS"
    return best


GRAPH = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def test_every_import_points_down_or_sideways():
    upward = [(m, i) for m, deps in GRAPH.items() for i in deps if layer(i) > layer(m)]
    assert not upward, upward


def test_no_import_circle():
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        if state.get(module) == "done":
            return
        assert state.get(module) != "active", " -> ".join([*path[path.index(module):], module])
        state[module] = "active"
        for dep in sorted(GRAPH.get(module, ())):
            if dep in GRAPH:
                visit(dep, [*path, module])
        state[module] = "done"

    for module in sorted(GRAPH):
        visit(module, [])
