"""The import graph of the integration: its depth and the edges between its modules.

    python -m benchmarks.import_graph [--edges] [--package DIR]

A module's level is 1 when it imports no other module of the package, else one more than the
highest level among the modules it imports; the depth is the highest level. Imports under
`if TYPE_CHECKING:` count too: they are a dependency a reader has to follow. The bundled library
(`pymarstek/`) counts as one node, as the integration sees it.
"""

from __future__ import annotations

import argparse
import ast
import sys
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "custom_components" / "marstek_rotation"
LIBRARY = "pymarstek"


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    if parts[0] == LIBRARY:
        return LIBRARY
    return ".".join(parts).removesuffix(".__init__") or "__init__"


def _imported(node: ast.ImportFrom, importer: str) -> list[str]:
    """The package modules one `from . import ...` statement names (relative imports only)."""
    if node.level == 0:
        return []
    base = node.module or ""
    if importer == LIBRARY or base.split(".")[0] == LIBRARY:
        return [LIBRARY] if importer != LIBRARY else []
    if base:
        return [base]
    return [alias.name for alias in node.names]


def import_edges(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Map each module of the package to the package modules it imports."""
    modules = {
        _module_name(path, root): path
        for path in sorted(root.rglob("*.py"))
        if _module_name(path, root) != LIBRARY
    }
    edges: dict[str, set[str]] = {name: set() for name in modules}
    edges[LIBRARY] = set()
    known = set(edges)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                edges[name].update(
                    target for target in _imported(node, name) if target in known and target != name
                )
    return edges


def levels(edges: dict[str, set[str]]) -> dict[str, int]:
    """The level of every module (see the module docstring); raises on an import cycle."""

    @cache
    def level(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name in seen:
            msg = f"import cycle through {name}"
            raise ValueError(msg)
        below = [level(target, seen | {name}) for target in edges[name]]
        return 1 + max(below, default=0)

    return {name: level(name) for name in edges}


def main() -> None:
    """Print the depth, the number of edges and each module's level (and edges with --edges)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", action="store_true", help="list every edge")
    parser.add_argument("--package", type=Path, default=PACKAGE, help="the package folder")
    args = parser.parse_args()
    edges = import_edges(args.package)
    level_of = levels(edges)
    count = sum(len(targets) for targets in edges.values())
    lines = [f"import depth: {max(level_of.values())} levels, {count} edges"]
    for name in sorted(edges, key=lambda n: (level_of[n], n)):
        targets = ", ".join(sorted(edges[name], key=lambda n: (level_of[n], n)))
        lines.append(f"  {level_of[name]:>2} {name}" + (f" -> {targets}" if args.edges else ""))
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
