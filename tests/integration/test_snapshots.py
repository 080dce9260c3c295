"""Snapshots of every platform, the device and the diagnostics (latest Home Assistant line)."""

from __future__ import annotations

import pytest
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import snapshot_platform
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from simulator import Simulator

from .conftest import VENUS_E3_9A7D, config_entry_for, latest_line_only, setup_entry

# Frozen time: the last-read timestamp and the measured response time are stable.
pytestmark = [pytest.mark.freeze_time("2026-11-23 10:00:00+00:00")]


@latest_line_only
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    "platform",
    [Platform.BINARY_SENSOR, Platform.SENSOR, Platform.SELECT, Platform.NUMBER, Platform.SWITCH],
)
async def test_platform_snapshot(  # noqa: PLR0917  # pytest fixtures are positional
    hass: HomeAssistant,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("custom_components.marstek_rotation.PLATFORMS", [platform])
    await simulator.add_battery(VENUS_E3_9A7D)
    entry = await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


@latest_line_only
async def test_device_snapshot(
    hass: HomeAssistant,
    simulator: Simulator,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await simulator.add_battery(VENUS_E3_9A7D)
    entry = await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert devices == snapshot


async def test_device_info(
    hass: HomeAssistant, simulator: Simulator, device_registry: dr.DeviceRegistry
) -> None:
    await simulator.add_battery(VENUS_E3_9A7D)
    entry = await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert len(devices) == 1
    device = devices[0]
    assert device.name == "Marstek VenusE 3.0 9a7d"
    assert device.manufacturer == "Marstek"
    assert device.model == "VenusE 3.0"
    assert device.sw_version == "150"
    assert device.connections == {(dr.CONNECTION_BLUETOOTH, "00:9b:08:a5:9a:7d")}


async def test_diagnostics_redact_identifiers(
    hass: HomeAssistant, simulator: Simulator, hass_client: ClientSessionGenerator
) -> None:
    await simulator.add_battery(VENUS_E3_9A7D)
    entry = await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    text = str(diagnostics)
    assert "009b08a59a7d" not in text
    assert "SimNet" not in text
    # The address, and the MAC's last digits inside the default prefix.
    assert "127.0.0.3" not in text
    assert "9a7d" not in text
    assert diagnostics["entry"]["options"]["entity_prefix"] == "marstek_venuse_3_0_****"
    assert diagnostics["device"]["model"] == "VenusE 3.0"
    assert diagnostics["entry"]["data"]["ble_mac"] == "**REDACTED**"
    assert diagnostics["last_reading"]["status"]["soc"] == 45
    assert diagnostics["polling"]["missed_polls"] == 0
    assert diagnostics["transport"]["sent"] >= 2


@latest_line_only
async def test_diagnostics_snapshot(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    await simulator.add_battery(VENUS_E3_9A7D)
    entry = await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))
    assert await get_diagnostics_for_config_entry(hass, hass_client, entry) == snapshot
