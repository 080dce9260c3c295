"""The connection sensor: a calm, early sign that a battery stopped answering.

It never goes unavailable itself. It turns off on the poll that makes the other entities
unavailable (the third missed one, about 90 s into an outage at the default interval), long
before the repair issue (30 minutes), and turns on again with the first answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined]  # 2026: in .const
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory, Platform

from .entity import MarstekEntity

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .runtime import MarstekConfigEntry, MarstekRuntimeData

# Read-only platform: the coordinator does the I/O.
PARALLEL_UPDATES = 0

CONNECTION = BinarySensorEntityDescription(
    key="connection",
    translation_key="connection",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: MarstekConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the connection sensor."""
    async_add_entities([MarstekConnectionSensor(entry.runtime_data)])


class MarstekConnectionSensor(MarstekEntity, BinarySensorEntity):
    """On while the battery answers its polls."""

    def __init__(self, runtime: MarstekRuntimeData) -> None:
        """Attach the description."""
        super().__init__(runtime.coordinator, CONNECTION, Platform.BINARY_SENSOR)

    @property
    def available(self) -> bool:
        """Always: saying that the battery is away is this sensor's job."""
        return True

    @property
    def is_on(self) -> bool:
        """Whether the battery answers."""
        return self.coordinator.reachable and self.coordinator.last_update_success
