"""Manifest, hacs.json, brand images and license: the shape HACS and hassfest demand."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from awesomeversion import AwesomeVersion

REPO = Path(__file__).resolve().parents[2]
INTEGRATION = REPO / "custom_components" / "marstek_rotation"
MANIFEST = json.loads((INTEGRATION / "manifest.json").read_text(encoding="utf-8"))

IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}
INTEGRATION_TYPES = {
    "device",
    "entity",
    "hardware",
    "helper",
    "hub",
    "service",
    "system",
    "virtual",
}
# Keys hacs/integration's hacs.json schema accepts; anything else is rejected.
HACS_KEYS = {
    "name",
    "content_in_root",
    "zip_release",
    "filename",
    "hide_default_branch",
    "country",
    "homeassistant",
    "hacs",
    "persistent_directory",
    "render_readme",
}


def test_manifest_has_every_required_key_with_the_right_type() -> None:
    expected_types = {
        "domain": str,
        "name": str,
        "codeowners": list,
        "config_flow": bool,
        "documentation": str,
        "integration_type": str,
        "iot_class": str,
        "issue_tracker": str,
        "loggers": list,
        "requirements": list,
        "version": str,
    }
    for key, kind in expected_types.items():
        assert key in MANIFEST, f"manifest.json lacks {key}"
        assert isinstance(MANIFEST[key], kind), f"manifest.json {key} must be a {kind.__name__}"


def test_manifest_values() -> None:
    assert MANIFEST["domain"] == "marstek_rotation" == INTEGRATION.name
    assert MANIFEST["name"] == "Marstek Battery Rotation"
    assert MANIFEST["config_flow"] is True
    assert (INTEGRATION / "config_flow.py").is_file()
    assert MANIFEST["iot_class"] in IOT_CLASSES
    assert MANIFEST["iot_class"] == "local_polling"
    assert MANIFEST["integration_type"] in INTEGRATION_TYPES
    assert MANIFEST["integration_type"] == "device"
    # The protocol library ships inside the package: nothing to install from PyPI.
    assert MANIFEST["requirements"] == []
    assert MANIFEST["codeowners"]
    assert all(owner.startswith("@") for owner in MANIFEST["codeowners"])
    assert MANIFEST["documentation"].startswith("https://")
    assert MANIFEST["issue_tracker"].startswith("https://")
    assert all(isinstance(name, str) and name for name in MANIFEST["loggers"])


def test_manifest_version_is_parseable_semver() -> None:
    version = AwesomeVersion(MANIFEST["version"])
    assert version.valid
    assert version.strategy.value in ("SemVer", "SimpleVer")


def test_manifest_key_order_is_what_hassfest_wants() -> None:
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_hacs_json() -> None:
    hacs = json.loads((REPO / "hacs.json").read_text(encoding="utf-8"))
    assert set(hacs) <= HACS_KEYS, f"unknown hacs.json keys: {set(hacs) - HACS_KEYS}"
    assert hacs["name"] == MANIFEST["name"]
    assert AwesomeVersion(hacs["homeassistant"]) == AwesomeVersion("2025.10.0")


def test_exactly_one_integration_in_custom_components() -> None:
    integrations = [
        p for p in (REPO / "custom_components").iterdir() if (p / "manifest.json").exists()
    ]
    assert integrations == [INTEGRATION]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize(
    ("name", "size"),
    [("icon.png", (256, 256)), ("icon@2x.png", (512, 512))],
)
def test_brand_icons_have_the_required_size(name: str, size: tuple[int, int]) -> None:
    assert _png_size(INTEGRATION / "brand" / name) == size


@pytest.mark.parametrize(
    ("name", "shortest"), [("logo.png", (128, 256)), ("logo@2x.png", (256, 512))]
)
def test_brand_logos_have_an_allowed_height(name: str, shortest: tuple[int, int]) -> None:
    width, height = _png_size(INTEGRATION / "brand" / name)
    low, high = shortest
    assert low <= min(width, height) <= high


def test_license_is_mit() -> None:
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
