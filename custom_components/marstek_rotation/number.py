"""Passive power and duration (for the select's Passive), and the battery's depth of discharge.

The depth of discharge is written to the battery (`DOD.SET`) where its model and firmware have it.
"""

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
from homeassistant.const import PERCENTAGE, EntityCategory, Platform, UnitOfPower, UnitOfTime

from .entity import MarstekEntity, MarstekSettingEntity
from .errors import async_translate_errors
from .pymarstek import (
    DOD_MAX_PERCENT,
    DOD_MIN_PERCENT,
    PASSIVE_DURATION_MAX_S,
    PASSIVE_DURATION_MIN_S,
    supports_settings,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .control import BatteryControl
    from .runtime import MarstekConfigEntry, MarstekRuntimeData

# The passive numbers only store; the depth of discharge writes through the battery's own write
# lock (control.py), which serialises it with every other write to that battery.
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


DEPTH_OF_DISCHARGE = NumberEntityDescription(
    key="depth_of_discharge",
    translation_key="depth_of_discharge",
    native_unit_of_measurement=PERCENTAGE,
    native_min_value=DOD_MIN_PERCENT,
    native_max_value=DOD_MAX_PERCENT,
    native_step=1,
    mode=NumberMode.BOX,
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: MarstekConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the passive settings, and the depth of discharge where the battery has it."""
    runtime = entry.runtime_data
    entities: list[MarstekEntity] = [
        MarstekPassiveNumber(runtime, description) for description in NUMBERS
    ]
    device = runtime.coordinator.device
    if supports_settings(device.model, device.firmware_version):
        entities.append(MarstekDepthOfDischargeNumber(runtime))
    async_add_entities(entities)


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


class MarstekDepthOfDischargeNumber(MarstekSettingEntity, RestoreNumber):
    """The depth of discharge last written (`DOD.SET`); the battery cannot be asked for it.

    Unknown until the first write; restored after a restart, and never written by a restart or
    reload: only a user's (or an automation's) change sends it.
    """

    def __init__(self, runtime: MarstekRuntimeData) -> None:
        """Attach the description and the battery's write side."""
        super().__init__(runtime, DEPTH_OF_DISCHARGE, Platform.NUMBER)
        self._attr_native_value: float | None = None

    async def async_added_to_hass(self) -> None:
        """Show the last value written before the restart; nothing is sent."""
        await super().async_added_to_hass()
        last = await self.async_get_last_number_data()
        if last is not None and last.native_value is not None:
            self._attr_native_value = int(last.native_value)

    async def async_set_native_value(self, value: float) -> None:
        """Write it (validated 30-88 % before sending), then show it."""
        percent = int(value) if float(value).is_integer() else value
        async with async_translate_errors(self.coordinator.config_entry.title):
            await self._control.async_write_setting(
                lambda: self._client.set_depth_of_discharge(percent)  # type: ignore[arg-type]
            )
        self._attr_native_value = percent
        self.async_write_ha_state()
