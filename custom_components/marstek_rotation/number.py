"""Passive-mode power and duration: settings the mode select uses when it chooses Passive."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntityDescription,
    NumberMode,
    RestoreNumber,
)
from homeassistant.const import EntityCategory, Platform, UnitOfPower, UnitOfTime

from .const import PASSIVE_POWER_LIMIT
from .entity import MarstekEntity
from .pymarstek import PASSIVE_DURATION_MAX_S, PASSIVE_DURATION_MIN_S

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import MarstekConfigEntry, MarstekCoordinator

# Setting a number only stores it; nothing is sent.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class MarstekNumberDescription(NumberEntityDescription):
    """A passive setting and where the coordinator keeps it."""

    get_fn: Callable[[MarstekCoordinator], int]
    set_fn: Callable[[MarstekCoordinator, int], None]


def _set_power(coordinator: MarstekCoordinator, value: int) -> None:
    coordinator.passive_power = value


def _set_duration(coordinator: MarstekCoordinator, value: int) -> None:
    coordinator.passive_duration = value


NUMBERS: tuple[MarstekNumberDescription, ...] = (
    MarstekNumberDescription(
        key="passive_power",
        translation_key="passive_power",
        device_class=NumberDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        native_min_value=-PASSIVE_POWER_LIMIT,
        native_max_value=PASSIVE_POWER_LIMIT,
        native_step=1,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
        get_fn=lambda coordinator: coordinator.passive_power,
        set_fn=_set_power,
    ),
    MarstekNumberDescription(
        key="passive_duration",
        translation_key="passive_duration",
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        native_min_value=PASSIVE_DURATION_MIN_S,
        native_max_value=PASSIVE_DURATION_MAX_S,
        native_step=1,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
        get_fn=lambda coordinator: coordinator.passive_duration,
        set_fn=_set_duration,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: MarstekConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the passive settings."""
    async_add_entities(
        MarstekPassiveNumber(entry.runtime_data, description) for description in NUMBERS
    )


class MarstekPassiveNumber(MarstekEntity, RestoreNumber):
    """A passive-mode setting that survives restarts."""

    entity_description: MarstekNumberDescription

    def __init__(
        self, coordinator: MarstekCoordinator, description: MarstekNumberDescription
    ) -> None:
        """Attach the description."""
        super().__init__(coordinator, description, Platform.NUMBER)

    async def async_added_to_hass(self) -> None:
        """Restore the last value into the coordinator."""
        await super().async_added_to_hass()
        last = await self.async_get_last_number_data()
        if last is not None and last.native_value is not None:
            self.entity_description.set_fn(self.coordinator, int(last.native_value))

    @property
    def available(self) -> bool:
        """A stored setting: usable even while the battery is unreachable."""
        return True

    @property
    def native_value(self) -> int:
        """The stored value."""
        return self.entity_description.get_fn(self.coordinator)

    async def async_set_native_value(self, value: float) -> None:
        """Store the value; it is sent the next time the select chooses Passive."""
        self.entity_description.set_fn(self.coordinator, int(value))
        self.async_write_ha_state()
