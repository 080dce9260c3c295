"""The Python packages Home Assistant would install at its first start, for our configuration.

Home Assistant installs an integration's requirements when it first loads it, which needs the
package index and makes a first start slow. `scripts/setup` installs them up front instead, so
that the development household starts fast and offline. The set is worked out from Home
Assistant's own data: the integrations it always loads (bootstrap), the ones the configuration
names (top-level keys of every YAML file of the configuration and the packages), our
integration's dependencies, and everything those depend on (manifests).

    python -m dev_household.requirements config packages custom_components/marstek_rotation
"""

from __future__ import annotations

import ast
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]


class _AnyTagLoader(yaml.SafeLoader):  # type: ignore[misc]
    """Reads Home Assistant YAML (``!include``, ``!secret``, ...) for its keys only."""


def _ignore_tag(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> None:
    del loader, node


_AnyTagLoader.add_multi_constructor("!", _ignore_tag)


def configured_domains(paths: list[Path]) -> set[str]:
    """Top-level keys (domains) of every YAML file under ``paths``."""
    domains: set[str] = set()
    for path in paths:
        files = sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
        for file in files:
            document = yaml.load(file.read_text(encoding="utf-8"), Loader=_AnyTagLoader)  # noqa: S506
            if isinstance(document, dict):
                domains.update(str(key).split(" ")[0] for key in document)
    domains.discard("homeassistant")  # the core section, not an integration to install
    return domains


def _manifest(domain: str) -> dict[str, Any] | None:
    path = resources.files("homeassistant.components") / domain / "manifest.json"
    if not path.is_file():
        return None
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def always_loaded() -> set[str]:
    """The integrations Home Assistant sets up without being asked (not in recovery mode)."""
    from homeassistant import bootstrap  # noqa: PLC0415  # heavy: only when asked

    return set(bootstrap.CORE_INTEGRATIONS) | set(bootstrap.DEFAULT_INTEGRATIONS)


def auth_requirements() -> set[str]:
    """``REQUIREMENTS`` of the login providers and MFA modules (the core loads them itself)."""
    found: set[str] = set()
    auth = resources.files("homeassistant") / "auth"
    for folder in ("providers", "mfa_modules"):
        for module in (auth / folder).iterdir():
            if not module.name.endswith(".py"):
                continue
            for node in ast.parse(module.read_text(encoding="utf-8")).body:
                if (
                    isinstance(node, ast.Assign)
                    and any(
                        isinstance(t, ast.Name) and t.id == "REQUIREMENTS" for t in node.targets
                    )
                    and isinstance(node.value, ast.List)
                ):
                    found.update(
                        item.value
                        for item in node.value.elts
                        if isinstance(item, ast.Constant) and isinstance(item.value, str)
                    )
    return found


def requirements_for(domains: set[str]) -> list[str]:
    """Pinned requirements of ``domains`` and of everything they depend on, sorted."""
    seen: set[str] = set()
    pending = sorted(domains)
    requirements: set[str] = set()
    while pending:
        domain = pending.pop()
        if domain in seen:
            continue
        seen.add(domain)
        manifest = _manifest(domain)
        if manifest is None:
            continue  # a custom integration, or a key that is no integration
        requirements.update(manifest.get("requirements", []))
        # Home Assistant checks the requirements of after_dependencies too before a setup.
        pending.extend(manifest.get("dependencies", []))
        pending.extend(manifest.get("after_dependencies", []))
    return sorted(requirements | auth_requirements(), key=str.lower)


def main(argv: list[str]) -> int:
    """Print one requirement per line for the configuration and integrations given."""
    domains = always_loaded()
    paths = []
    lines: list[str] = []
    for argument in argv:
        path = Path(argument)
        manifest = path / "manifest.json"
        if manifest.is_file():
            data = json.loads(manifest.read_text(encoding="utf-8"))
            domains.update(data.get("dependencies", []))
            lines.extend(data.get("requirements", []))
        else:
            paths.append(path)
    domains |= configured_domains(paths)
    lines.extend(requirements_for(domains))
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
