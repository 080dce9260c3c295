"""Diagnostics: configuration, identity, last reading and transport counters.

Redacted: the MACs (also the four hex digits of the BLE MAC inside the entity prefix), the
SSID, the battery's IP address wherever it appears, and the unique id.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST

from .const import CONF_BLE_MAC, CONF_ENTITY_PREFIX
from .household_model import CONF_KIND, KIND_HOUSEHOLD
from .naming import mac_suffix

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .runtime import MarstekConfigEntry

TO_REDACT = {
    CONF_BLE_MAC,
    CONF_HOST,
    "reported_ip",
    "wifi_mac",
    "ssid",
    "src",
    "unique_id",
    "serial_number",
}
MAC_FRAGMENT = "****"


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001
    entry: MarstekConfigEntry,
) -> dict[str, Any]:
    """Everything needed to debug one battery (or the household), without identifiers."""
    if entry.data.get(CONF_KIND) == KIND_HOUSEHOLD:
        return {"household": dict(entry.options)}  # entity ids and labels only
    coordinator = entry.runtime_data.coordinator
    availability = coordinator.availability
    data = coordinator.data
    options = dict(entry.options)
    # The default prefix ends in the BLE MAC's last four hex digits.
    options[CONF_ENTITY_PREFIX] = options[CONF_ENTITY_PREFIX].replace(
        mac_suffix(entry.data[CONF_BLE_MAC]), MAC_FRAGMENT
    )
    return {
        "entry": async_redact_data(
            {"unique_id": entry.unique_id, "data": dict(entry.data), "options": options},
            TO_REDACT,
        ),
        "device": async_redact_data(asdict(coordinator.device), TO_REDACT),
        "last_reading": (
            {
                "status": asdict(data.status),
                "read_at": data.read_at.isoformat(),
                "response_time": data.response_time,
            }
            if data is not None
            else None
        ),
        "polling": {
            "interval_seconds": coordinator.update_interval.total_seconds()
            if coordinator.update_interval
            else None,
            "missed_polls": availability.missed_polls,
            "reachable": availability.reachable,
            "unreachable_since": availability.unreachable_since.isoformat()
            if availability.unreachable_since
            else None,
            "last_update_success": coordinator.last_update_success,
        },
        "transport": asdict(entry.runtime_data.client.stats),
    }
