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

from .entity import MarstekEntity
from .pymarstek import PASSIVE_DURATION_MAX_S, PASSIVE_DURATION_MIN_S

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .control import BatteryControl
    from .runtime import MarstekConfigEntry, MarstekRuntimeData

# Setting a number only stores it; nothing is sent.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class MarstekNumberDescription(NumberEntityDescription):
    """A passive setting, where the battery's control keeps it, and its range for this battery."""

    get_fn: Callable[[BatteryControl], int]
    set_fn: Callable[[BatteryControl, int], None]
    range_fn: Callable[[BatteryControl], tuple[int, int]]


def _power_range(control: BatteryControl) -> tuple[int, int]:
    """The model's own limit (Venus A 1200 W, Venus D 2200 W, Venus C/E 2500 W)."""
    return -control.power_limit, control.power_limit


def _set_power(control: BatteryControl, value: int) -> None:
    control.passive_power = value


def _set_duration(control: BatteryControl, value: int) -> None:
    control.passive_duration = value


NUMBERS: tuple[MarstekNumberDescription, ...] = (
    MarstekNumberDescription(
        key="passive_power",
        translation_key="passive_power",
        device_class=NumberDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        native_step=1,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
        get_fn=lambda control: control.passive_power,
        set_fn=_set_power,
        range_fn=_power_range,
    ),
    MarstekNumberDescription(
        key="passive_duration",
        translation_key="passive_duration",
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        native_step=1,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
        get_fn=lambda control: control.passive_duration,
        set_fn=_set_duration,
        range_fn=lambda _control: (PASSIVE_DURATION_MIN_S, PASSIVE_DURATION_MAX_S),
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
        self,
        runtime: MarstekRuntimeData,
        description: MarstekNumberDescription,
    ) -> None:
        """Attach the description and this battery's range."""
        super().__init__(runtime.coordinator, description, Platform.NUMBER)
        self._control = runtime.control
        self._attr_native_min_value, self._attr_native_max_value = description.range_fn(
            self._control
        )

    async def async_added_to_hass(self) -> None:
        """Restore the last value into the battery's control, within this battery's range."""
        await super().async_added_to_hass()
        last = await self.async_get_last_number_data()
        if last is not None and last.native_value is not None:
            low, high = int(self.native_min_value), int(self.native_max_value)
            restored = min(max(int(last.native_value), low), high)
            self.entity_description.set_fn(self._control, restored)

    @property
    def available(self) -> bool:
        """A stored setting: usable even while the battery is unreachable."""
        return True

    @property
    def native_value(self) -> int:
        """The stored value."""
        return self.entity_description.get_fn(self._control)

    async def async_set_native_value(self, value: float) -> None:
        """Store the value; it is sent the next time the select chooses Passive."""
        self.entity_description.set_fn(self._control, int(value))
        self.async_write_ha_state()
