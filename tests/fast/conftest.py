"""The fast lane: the integration on a mocked library client, no sockets.

As Home Assistant core tests elgato or peblar: `MarstekClient` is replaced where the
integration builds it, and the shared transport is never opened. The real-UDP suites in
tests/integration keep covering the library, the transport and the simulator end to end.
"""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import AsyncMock, MagicMock, PropertyMock, patch

import pytest
from awesomeversion import AwesomeVersion
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.const import __version__ as ha_version
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.marstek_rotation.const import (
    CONF_BLE_MAC,
    CONF_ENTITY_PREFIX,
    CONF_MODEL,
    CONF_POLL_INTERVAL,
    CONF_RATED_CAPACITY,
    CONF_TIMEOUT,
    DOMAIN,
)
from custom_components.marstek_rotation.pymarstek import (
    DeviceInfo,
    MarstekClient,
    ModeStatus,
    OperatingMode,
    TransportStats,
)

# The Venus E 3.0 of the real-UDP snapshots (tests/integration), as its client reads it.
HOST = "127.0.0.3"
PORT = 30000
BLE_MAC = "009b08a59a7d"
PREFIX = "marstek_venuse_3_0_9a7d"
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


# Registry snapshots differ between the two Home Assistant lines: kept for the latest only.
latest_line_only = pytest.mark.skipif(
    AwesomeVersion(ha_version) < AwesomeVersion("2026.1.0"),
    reason="snapshots are kept for the latest Home Assistant line",
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load integrations from custom_components in every test here."""


@pytest.fixture
def mock_config_entry() -> MockConfigEntry:
    """The entry the config flow creates for the Venus E 3.0."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Marstek VenusE 3.0 9a7d",
        unique_id=BLE_MAC,
        version=1,
        minor_version=2,
        data={CONF_HOST: HOST, CONF_PORT: PORT, CONF_BLE_MAC: BLE_MAC, CONF_MODEL: "VenusE 3.0"},
        options={
            CONF_ENTITY_PREFIX: PREFIX,
            CONF_RATED_CAPACITY: 5.12,
            CONF_POLL_INTERVAL: 30,
            CONF_TIMEOUT: 1.0,
        },
    )


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
def mock_marstek_client(mock_release_transport: AsyncMock) -> Iterator[MagicMock]:
    """A `MarstekClient` that answers at once; no transport is opened."""
    with patch("custom_components.marstek_rotation.MarstekClient", autospec=True) as client_class:
        client = client_class.return_value
        client.host = HOST
        client.port = PORT
        client.timeout = 1.0
        client.get_device.return_value = DEVICE
        client.get_mode.return_value = STATUS
        type(client).power_limit = PropertyMock(return_value=2500)
        type(client).last_response_time = PropertyMock(return_value=0.0)
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
