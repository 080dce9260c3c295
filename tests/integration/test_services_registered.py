"""services.yaml describes exactly the actions the integration registers."""

from __future__ import annotations

from pathlib import Path

import yaml
from homeassistant.core import HomeAssistant
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
        }
    )
