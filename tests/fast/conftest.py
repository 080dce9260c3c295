"""The fast lane: the integration on a mocked library client, no sockets.

As Home Assistant core tests elgato or peblar: `MarstekClient` is replaced where the
integration builds it, and the shared transport is never opened. The real-UDP suites in
tests/integration keep covering the library, the transport and the simulator end to end.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from unittest.mock import AsyncMock, MagicMock, PropertyMock, patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.marstek_rotation.pymarstek import (
    DeviceInfo,
    MarstekClient,
    ModeStatus,
    OperatingMode,
    TransportStats,
)
from tests.integration.conftest import (  # noqa: F401  # fixtures, shared with the slow layer
    VENUS_E3_9A7D,
    auto_enable_custom_integrations,
    config_entry_for,
    entity_registry_enabled_by_default,
    latest_line_only,
    snapshot,
)

type SnapshotOnePlatform = Callable[[Platform], Awaitable[None]]

# The Venus E 3.0 of the real-UDP snapshots (tests/integration), as its client reads it.
HOST = VENUS_E3_9A7D.host
PORT = 30000
BLE_MAC = VENUS_E3_9A7D.ble_mac
PREFIX = "marstek_venuse_3_0_9a7d"
READ_AT = "2026-11-23 10:00:00+00:00"
DEVICE = DeviceInfo(
    model="VenusE 3.0",
    firmware=150,
    firmware_version=150,
    ble_mac=BLE_MAC,
    wifi_mac="009b08a59a7e",
    ssid="SimNet",
    reported_ip=HOST,
    host=HOST,
    src=f"VenusE 3.0-{BLE_MAC}",
)
STATUS = ModeStatus(
    mode=OperatingMode.MANUAL,
    soc=45,
    ongrid_power=0,
    offgrid_power=0,
    ct_state=1,
    a_power=0,
    b_power=0,
    c_power=0,
    total_power=0,
    input_energy=0.0,
    output_energy=0.0,
    raw_mode="Manual",
)


@pytest.fixture
def mock_config_entry() -> MockConfigEntry:
    """The entry the config flow creates for the Venus E 3.0 (as in the real-UDP tests)."""
    return config_entry_for(VENUS_E3_9A7D)


@pytest.fixture
def mock_release_transport() -> Iterator[AsyncMock]:
    """No socket: the shared transport is neither opened nor closed; returns the release."""
    with (
        patch(
            "custom_components.marstek_rotation.async_local_address_for",
            AsyncMock(return_value="127.0.0.1"),
        ),
        patch("custom_components.marstek_rotation.async_acquire_transport", AsyncMock()),
        patch("custom_components.marstek_rotation.async_release_transport", AsyncMock()) as release,
    ):
        yield release


@pytest.fixture
def mock_marstek_client(
    mock_release_transport: AsyncMock, freezer: FrozenDateTimeFactory
) -> Iterator[MagicMock]:
    """A `MarstekClient` that answers at once; no transport is opened.

    The clock stands still at the moment of the real-UDP snapshots, so the last-read time agrees.
    """
    freezer.move_to(READ_AT)
    with patch("custom_components.marstek_rotation.MarstekClient", autospec=True) as client_class:
        client = client_class.return_value
        client.host = HOST
        client.port = PORT
        client.timeout = 1.0
        client.get_device.return_value = DEVICE
        client.get_mode.return_value = STATUS

        # The battery keeps a mode it is switched to: the read after the write shows it.
        def keep_mode(mode: OperatingMode, **_: object) -> None:
            client.get_mode.return_value = replace(client.get_mode.return_value, mode=mode)

        client.set_mode.side_effect = keep_mode
        type(client).power_limit = PropertyMock(return_value=2500)
        type(client).last_response_time = PropertyMock(return_value=0.0)
        type(client).quiet_remaining = PropertyMock(return_value=0.0)
        type(client).local_address = PropertyMock(return_value=("127.0.0.1", PORT))
        type(client).stats = PropertyMock(
            return_value=TransportStats(sent=2, received=2, replies=2)
        )
        # The real check, against the model's limit above: refusals are the library's.
        client.check_power.side_effect = lambda field, power: MarstekClient.check_power(
            client, field, power
        )
        yield client


async def setup_integration(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the entry and set it up on the mocked client."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.fixture
async def init_integration(
    hass: HomeAssistant,
    mock_marstek_client: MagicMock,
    mock_config_entry: MockConfigEntry,
) -> MockConfigEntry:
    """The Venus E 3.0 set up on the mocked client."""
    await setup_integration(hass, mock_config_entry)
    return mock_config_entry


@pytest.fixture
def snapshot_one_platform(
    hass: HomeAssistant,
    mock_marstek_client: MagicMock,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    request: pytest.FixtureRequest,
) -> SnapshotOnePlatform:
    """Set up only `platform` and compare each of its entities (all enabled) with the snapshot."""
    request.getfixturevalue("entity_registry_enabled_by_default")
    snapshot_assertion: SnapshotAssertion = request.getfixturevalue("snapshot")

    async def check(platform: Platform) -> None:
        with patch("custom_components.marstek_rotation.PLATFORMS", [platform]):
            await setup_integration(hass, mock_config_entry)
        await snapshot_platform(
            hass, entity_registry, snapshot_assertion, mock_config_entry.entry_id
        )

    return check
