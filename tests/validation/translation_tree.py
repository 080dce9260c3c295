"""Translation files as flat dictionaries, for the checks on them."""

from __future__ import annotations

from typing import Any


def translation_leaves(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Dotted key -> text for every string of a translation file (all leaves are strings)."""
    leaves: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            leaves.update(translation_leaves(value, path))
        else:
            assert isinstance(value, str), f"{path} is not a string"
            leaves[path] = value
    return leaves
