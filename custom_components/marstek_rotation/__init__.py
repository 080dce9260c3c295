"""Marstek Battery Rotation: local control of Marstek Venus batteries over their UDP Open API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import CONF_HOST, CONF_PORT, Platform
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import entity_registry as er

from .after_write import ReadAfterWrite
from .const import CONF_BLE_MAC, CONF_MODEL, CONF_TIMEOUT, DOMAIN
from .control import BatteryControl
from .coordinator import MarstekCoordinator
from .finder import async_get_finder, async_release_finder
from .household_model import CONF_KIND, KIND_HOUSEHOLD
from .household_removal import async_say_what_stays
from .household_setup import (
    async_check_household,
    async_clear_household_issues,
    async_start_notifications,
)
from .local_network import async_local_address_for
from .pymarstek import MarstekClient, MarstekTransportError
from .repairs import async_delete_issues
from .runtime import MarstekConfigEntry, MarstekRuntimeData
from .services import async_setup_services
from .transports import async_acquire_transport, async_release_transport

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.typing import ConfigType

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:  # noqa: ARG001
    """Register the service actions (once, for every battery)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: MarstekConfigEntry) -> bool:
    """Connect to one battery: shared transport, first read, then the platforms.

    The household entry has no battery: its set-up checks what is installed.
    """
    if _is_household(entry):
        await async_check_household(hass, entry)
        async_start_notifications(hass, entry)
        return True
    entry.runtime_data = await _async_start(hass, entry)
    async_get_finder(hass, entry.data[CONF_PORT]).async_add_user(entry.entry_id)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


def _is_household(entry: ConfigEntry) -> bool:
    return entry.data.get(CONF_KIND) == KIND_HOUSEHOLD


async def _async_start(hass: HomeAssistant, entry: MarstekConfigEntry) -> MarstekRuntimeData:
    host: str = entry.data[CONF_HOST]
    port: int = entry.data[CONF_PORT]
    local = (await async_local_address_for(hass, host), port)
    try:
        transport = await async_acquire_transport(hass, local)
    except MarstekTransportError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="port_in_use",
            translation_placeholders={"port": str(port), "error": str(err)},
        ) from err
    try:
        client = MarstekClient(
            transport,
            host,
            port,
            timeout=entry.options[CONF_TIMEOUT],
            model=entry.data[CONF_MODEL],
        )
        # The port's finder looks for the battery while it is away (at a new address, maybe).
        finder = async_get_finder(hass, port)
        coordinator = MarstekCoordinator(
            hass, entry, client, finder.reachability_report(entry.entry_id)
        )
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        await async_release_transport(hass, local)
        raise
    read_after_write = ReadAfterWrite(
        coordinator,
        lambda: client.quiet_remaining,
        # Cancelled when the entry unloads, like its timed polls.
        lambda read: entry.async_create_background_task(
            hass, read, f"{DOMAIN} {entry.title} read after a write"
        ),
    )
    control = BatteryControl(coordinator, client, read_after_write)
    return MarstekRuntimeData(client, coordinator, control, local)


async def async_migrate_entry(hass: HomeAssistant, entry: MarstekConfigEntry) -> bool:
    """1.1 -> 1.2: the per-poll `last_read` sensor is off by default now; switch it off."""
    if entry.version == 1 and entry.minor_version < 2:  # noqa: PLR2004
        registry = er.async_get(hass)
        entity_id = registry.async_get_entity_id(
            Platform.SENSOR, DOMAIN, f"{entry.data[CONF_BLE_MAC]}_last_read"
        )
        registered = registry.async_get(entity_id) if entity_id else None
        if registered is not None and registered.disabled_by is None:
            # It changes at every poll and filled the logbook; the user can switch it back on.
            registry.async_update_entity(
                registered.entity_id, disabled_by=er.RegistryEntryDisabler.INTEGRATION
            )
        hass.config_entries.async_update_entry(entry, minor_version=2)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: MarstekConfigEntry) -> bool:
    """Unload the platforms; the last entry on a port closes its transport."""
    if _is_household(entry):
        return True
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        async_release_finder(hass, entry.data[CONF_PORT], entry.entry_id)
        await async_release_transport(hass, entry.runtime_data.local_endpoint)
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: MarstekConfigEntry) -> None:
    """Remove this battery's repair issues with it; a household says what it leaves behind."""
    if _is_household(entry):
        async_clear_household_issues(hass)
        await async_say_what_stays(hass)
        return
    async_delete_issues(hass, entry)
