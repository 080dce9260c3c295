"""Fixtures for the Home Assistant integration tests: real UDP against simulated batteries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import Any
from unittest.mock import PropertyMock, patch

import pytest
from awesomeversion import AwesomeVersion
from homeassistant.components.network.network import async_get_network
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.const import __version__ as ha_version
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

import custom_components.marstek_rotation as integration
from custom_components.marstek_rotation import lan_discovery, transports
from custom_components.marstek_rotation.const import (
    CONF_BLE_MAC,
    CONF_ENTITY_PREFIX,
    CONF_MODEL,
    CONF_POLL_INTERVAL,
    CONF_RATED_CAPACITY,
    CONF_TIMEOUT,
    DOMAIN,
)
from custom_components.marstek_rotation.naming import default_entity_prefix, device_name
from custom_components.marstek_rotation.pymarstek import (
    MarstekClient,
    MarstekTransport,
    discover_devices,
)
from custom_components.marstek_rotation.pymarstek.const import (
    DEFAULT_DISCOVERY_DURATION,
    DEFAULT_MIN_INTERVAL,
    DEFAULT_QUIET_PERIOD,
)
from simulator import BatterySpec, Simulator

PORT = 30000
BROADCAST = "127.255.255.255"

# The development household (README, Development: scripts/develop runs it), on loopback.
VENUS_E_D828 = BatterySpec(
    host="127.0.0.2", model="VenusE", firmware=156, ble_mac="acd92968d828", soc=62.0, mode="Auto"
)
VENUS_E3_9A7D = BatterySpec(
    host="127.0.0.3",
    model="VenusE 3.0",
    firmware=150,
    ble_mac="009b08a59a7d",
    soc=45.0,
    mode="Manual",
    getmode_ct_fields=True,
)
VENUS_E_DEB8 = BatterySpec(
    host="127.0.0.4", model="VenusE", firmware=156, ble_mac="acd92968deb8", soc=80.0, mode="Manual"
)


def fleet_specs(count: int, first_host: int = 10) -> list[BatterySpec]:
    """`count` Venus E batteries on 127.0.0.<first_host> and up, each with its own MAC."""
    return [
        BatterySpec(host=f"127.0.0.{first_host + n}", firmware=156, ble_mac=f"acd92968{n:04x}")
        for n in range(count)
    ]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load integrations from custom_components in every test here."""


@dataclass(frozen=True, slots=True)
class LinkTiming:
    """Pacing of the conversation with batteries; the library's defaults unless changed.

    Attributes:
        min_interval: seconds between two datagrams to one battery.
        quiet_period: seconds after a mode write before the battery is read again.
        discovery_window: seconds a discovery broadcast collects replies.
    """

    min_interval: float = DEFAULT_MIN_INTERVAL
    quiet_period: float = DEFAULT_QUIET_PERIOD
    discovery_window: float = DEFAULT_DISCOVERY_DURATION


FAST_TIMING = LinkTiming(min_interval=0.0, quiet_period=0.0, discovery_window=0.3)


def use_link_timing(monkeypatch: pytest.MonkeyPatch, timing: LinkTiming) -> None:
    """Build the integration's transports, clients and discovery windows with `timing`.

    The integration passes no timing: it uses the library's defaults. Tests patch the classes
    it builds, as Home Assistant core's tests patch a library client; a value equal to the
    library's default leaves the real class in place, so `LinkTiming()` runs the real code.
    """
    for module, name, real, keyword, value, default in (
        (
            transports,
            "MarstekTransport",
            MarstekTransport,
            "min_interval",
            timing.min_interval,
            DEFAULT_MIN_INTERVAL,
        ),
        (
            integration,
            "MarstekClient",
            MarstekClient,
            "quiet_period",
            timing.quiet_period,
            DEFAULT_QUIET_PERIOD,
        ),
        (
            lan_discovery,
            "discover_devices",
            discover_devices,
            "duration",
            timing.discovery_window,
            DEFAULT_DISCOVERY_DURATION,
        ),
    ):
        built = real if value == default else partial(real, **{keyword: value})
        monkeypatch.setattr(module, name, built)


async def enable_loopback_adapter(hass: HomeAssistant) -> None:
    """Settings -> System -> Network with only the loopback adapter ticked, as a user would.

    The integration then reaches the batteries from 127.0.0.1 (the address Home Assistant uses
    towards 127.0.0.x) and broadcasts discovery to 127.255.255.255, the simulator's hub.
    """
    assert await async_setup_component(hass, "network", {})
    network = await async_get_network(hass)
    await network.async_reconfig({"configured_adapters": ["lo"]})


@pytest.fixture(autouse=True)
async def loopback_network(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """The loopback adapter enabled; no pacing or quiet period unless a test asks for them."""
    await enable_loopback_adapter(hass)
    use_link_timing(monkeypatch, FAST_TIMING)


def set_link_timing(monkeypatch: pytest.MonkeyPatch, **changes: float) -> None:
    """Change the fast timing for one test, before its batteries are set up."""
    use_link_timing(monkeypatch, replace(FAST_TIMING, **changes))


@pytest.fixture
async def simulator() -> AsyncIterator[Simulator]:
    """An empty simulated household on port 30000 with a loopback broadcast hub."""
    async with Simulator(port=PORT, broadcast_host=BROADCAST) as sim:
        yield sim


def config_entry_for(spec: BatterySpec, **options: Any) -> MockConfigEntry:
    """A config entry as the config flow would create it for `spec`."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=device_name(spec.model, spec.ble_mac),
        unique_id=spec.ble_mac,
        data={
            CONF_HOST: spec.host,
            CONF_PORT: PORT,
            CONF_BLE_MAC: spec.ble_mac,
            CONF_MODEL: spec.model,
        },
        options={
            CONF_ENTITY_PREFIX: default_entity_prefix(spec.model, spec.ble_mac),
            CONF_RATED_CAPACITY: spec.capacity_kwh,
            CONF_POLL_INTERVAL: 30,
            CONF_TIMEOUT: 1.0,
            **options,
        },
    )


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Add and set up an entry, waiting until its platforms are done."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


LATEST_LINE = AwesomeVersion(ha_version) >= AwesomeVersion("2026.1.0")
# Registry snapshots differ between the two Home Assistant lines: keep them for the latest only.
latest_line_only = pytest.mark.skipif(
    not LATEST_LINE, reason="snapshots are kept for the latest Home Assistant line"
)


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create every entity enabled, including those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots with Home Assistant's serializer (stable ids, registry entries as dicts)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)
