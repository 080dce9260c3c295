"""The packages Home Assistant would install at its first start, worked out from manifests."""

from __future__ import annotations

from pathlib import Path

from dev_household.requirements import auth_requirements, configured_domains, requirements_for

REPO = Path(__file__).resolve().parents[2]
ROTATION = REPO / "custom_components" / "marstek_rotation" / "rotation"


def test_domains_come_from_every_yaml_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "homeassistant:\n  packages: !include_dir_named packages\nrest:\n  - resource: x\n"
        "frontend:\n",
        encoding="utf-8",
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "b.yaml").write_text("template:\n  - sensor: []\n", encoding="utf-8")
    assert configured_domains([tmp_path]) == {"rest", "frontend", "template"}


def test_the_development_configuration_names_the_meter_integration() -> None:
    assert {"rest", "template", "frontend"} <= configured_domains(
        [REPO / "config", ROTATION / "packages"]
    )


def test_requirements_follow_dependencies() -> None:
    # history depends on recorder, whose database library must be installed up front.
    names = {line.split("==")[0].lower() for line in requirements_for({"history"})}
    assert "sqlalchemy" in names


def test_the_login_mfa_requirements_are_included() -> None:
    assert any(line.lower().startswith("pyotp==") for line in auth_requirements())
