"""Setup, unload and the shared transport, against a simulated battery over UDP."""

from __future__ import annotations

import socket
import time

from homeassistant.components.network.network import async_get_network
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from custom_components.marstek_rotation.const import DOMAIN
from custom_components.marstek_rotation.transports import TRANSPORT_POOL
from simulator import BatterySpec, Quirks, Simulator

from .conftest import VENUS_E3_9A7D, VENUS_E_D828, config_entry_for, setup_entry


async def test_domain_sets_up(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    assert DOMAIN in hass.config.components


async def test_setup_reads_the_battery_and_unload_closes_the_socket(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))

    assert entry.state is ConfigEntryState.LOADED
    state = hass.states.get("sensor.marstek_venuse_d828_state_of_charge")
    assert state is not None
    assert float(state.state) == round(battery.soc)
    # Setup asks for the identity once and reads the mode once; nothing else.
    assert battery.method_counts() == {"Marstek.GetDevice": 1, "ES.GetMode": 1}

    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert hass.data[TRANSPORT_POOL].leases == {}


async def test_two_batteries_share_one_transport(hass: HomeAssistant, simulator: Simulator) -> None:
    await simulator.add_battery(VENUS_E_D828)
    await simulator.add_battery(VENUS_E3_9A7D)
    first = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    second = await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))

    pool = hass.data[TRANSPORT_POOL]
    assert list(pool.leases) == [("127.0.0.1", 30000)]
    assert pool.leases[("127.0.0.1", 30000)].users == 2
    assert first.runtime_data.client.transport is second.runtime_data.client.transport

    assert await hass.config_entries.async_unload(first.entry_id)
    assert pool.leases[("127.0.0.1", 30000)].users == 1
    assert await hass.config_entries.async_unload(second.entry_id)
    assert pool.leases == {}


async def test_dead_battery_at_startup_is_retried_fast(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828, quirks=Quirks(silent=True))
    started = time.monotonic()
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828, timeout=1.0))
    elapsed = time.monotonic() - started

    assert entry.state is ConfigEntryState.SETUP_RETRY
    print(f"dead battery: setup gave up after {elapsed:.2f} s (timeout 1.0 s)")
    # The socket is released for the retry.
    assert hass.data[TRANSPORT_POOL].leases == {}


async def test_reset_prone_firmware_raises_a_warning_repair(
    hass: HomeAssistant, simulator: Simulator, issue_registry: ir.IssueRegistry
) -> None:
    old = BatterySpec(
        host="127.0.0.5", model="VenusE 3.0", firmware=148, ble_mac="009b08a5aaaa", soc=50.0
    )
    await simulator.add_battery(old)
    await simulator.add_battery(VENUS_E3_9A7D)
    old_entry = await setup_entry(hass, config_entry_for(old))
    current_entry = await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))

    issue = issue_registry.async_get_issue(DOMAIN, f"reset_prone_firmware_{old_entry.entry_id}")
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_placeholders == {
        "name": "Marstek VenusE 3.0 aaaa",
        "model": "VenusE 3.0",
        "firmware": "148",
        "fixed_in": "150",
    }
    assert (
        issue_registry.async_get_issue(DOMAIN, f"reset_prone_firmware_{current_entry.entry_id}")
        is None
    )

    # Removing the battery removes its repairs.
    assert await hass.config_entries.async_remove(old_entry.entry_id)
    await hass.async_block_till_done()
    assert (
        issue_registry.async_get_issue(DOMAIN, f"reset_prone_firmware_{old_entry.entry_id}") is None
    )


async def test_another_program_on_port_30000_does_not_block_the_integration(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A simulator, the CLI or another tool holding 30000 on an address of its own is fine."""
    await simulator.add_battery(VENUS_E_D828)  # the simulator itself holds 127.0.0.2:30000
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other_program:
        other_program.bind(("127.0.0.77", 30000))
        entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
        assert entry.state is ConfigEntryState.LOADED
    # Home Assistant took the address it uses towards the battery, not every address.
    assert entry.runtime_data.local_endpoint == ("127.0.0.1", 30000)


async def test_the_same_address_and_port_in_use_is_said(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other_program:
        other_program.bind(("127.0.0.1", 30000))  # a true collision
        entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
        assert entry.state is ConfigEntryState.SETUP_RETRY
        assert entry.reason is not None
        assert "127.0.0.1:30000" in entry.reason


async def test_default_network_settings_reach_a_battery(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """No adapter chosen in the network settings: Home Assistant's own source lookup decides."""
    network = await async_get_network(hass)
    await network.async_reconfig({"configured_adapters": []})  # back to automatic
    await simulator.add_battery(VENUS_E_D828)

    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))

    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.local_endpoint == ("127.0.0.1", 30000)


async def test_upgrade_switches_the_per_poll_timestamp_sensor_off(
    hass: HomeAssistant, simulator: Simulator, entity_registry: er.EntityRegistry
) -> None:
    """Entries from 1.1 had `last_read` enabled; it filled the logbook at every poll."""
    await simulator.add_battery(VENUS_E_D828)
    entry = config_entry_for(VENUS_E_D828)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, minor_version=1)
    last_read = entity_registry.async_get_or_create(
        "sensor",
        DOMAIN,
        "acd92968d828_last_read",
        config_entry=entry,
        suggested_object_id="marstek_venuse_d828_last_read",
    )
    assert last_read.disabled_by is None

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.minor_version == 2
    migrated = entity_registry.async_get(last_read.entity_id)
    assert migrated is not None
    assert migrated.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    # Set up anew, it is created switched off.
    assert hass.states.get(last_read.entity_id) is None
