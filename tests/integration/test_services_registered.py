"""services.yaml describes exactly the actions the integration registers."""

from __future__ import annotations

from pathlib import Path

import yaml
from homeassistant.core import HomeAssistant
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.setup import async_setup_component

from custom_components.marstek_rotation.const import DOMAIN

SERVICES_YAML = (
    Path(__file__).resolve().parents[2] / "custom_components/marstek_rotation/services.yaml"
)


async def test_services_yaml_matches_registered_services(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    described = set(yaml.safe_load(SERVICES_YAML.read_text(encoding="utf-8")))
    registered = set(hass.services.async_services_for_domain(DOMAIN))
    assert (
        registered
        == described
        == {
            "set_manual_schedule",
            "clear_manual_schedules",
            "set_passive_mode",
            "plan_energy",
        }
    )


async def test_home_assistant_reads_every_field_of_services_yaml(hass: HomeAssistant) -> None:
    """Home Assistant drops the whole file when one selector is invalid (then no action has
    fields in Developer tools): every field written must reach the descriptions."""
    assert await async_setup_component(hass, DOMAIN, {})
    written = yaml.safe_load(SERVICES_YAML.read_text(encoding="utf-8"))
    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]
    for action, spec in written.items():
        assert set(descriptions[action].get("fields", {})) == set(spec.get("fields", {})), action
