"""Diagnostics: configuration, identity, last reading and transport counters; MACs redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data

from .const import CONF_BLE_MAC

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .coordinator import MarstekConfigEntry

TO_REDACT = {CONF_BLE_MAC, "wifi_mac", "ssid", "src", "unique_id", "serial_number"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001
    entry: MarstekConfigEntry,
) -> dict[str, Any]:
    """Everything needed to debug one battery, without its identifiers."""
    coordinator = entry.runtime_data
    data = coordinator.data
    return {
        "entry": async_redact_data(
            {
                "unique_id": entry.unique_id,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
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
            "missed_polls": coordinator.missed_polls,
            "unreachable_since": coordinator.unreachable_since.isoformat()
            if coordinator.unreachable_since
            else None,
            "last_update_success": coordinator.last_update_success,
        },
        "transport": asdict(coordinator.client.transport.stats),
    }
