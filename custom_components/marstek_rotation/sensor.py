"""Sensors, all from the `ES.GetMode` reply (plus the configured rated capacity)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    Platform,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTime,
)
from homeassistant.core import callback

from .energy import EnergyCounter
from .entity import MarstekEntity
from .pymarstek import OperatingMode

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .data import MarstekData
    from .runtime import MarstekConfigEntry, MarstekRuntimeData

# Read-only platform: the coordinator does the I/O.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class MarstekSensorDescription(SensorEntityDescription):
    """A sensor computed from one poll."""

    value_fn: Callable[[MarstekData], float | int | str | datetime | None]
    # Whether the battery's first reply makes this sensor worth creating.
    exists_fn: Callable[[MarstekData], bool] = lambda _: True


def _capacity_part(data: MarstekData, *, free: bool) -> float | None:
    soc = data.status.soc
    if soc is None:
        return None
    share = (100 - soc) if free else soc
    return round(data.rated_capacity * share / 100, 3)


def _mode(data: MarstekData) -> str | None:
    return data.status.mode.value if data.status.mode is not None else None


def _ct_present(data: MarstekData) -> bool:
    return data.status.total_power is not None or data.status.a_power is not None


def _power(key: str, attribute: str, *, ct: bool = False) -> MarstekSensorDescription:
    """A power reading in W; CT powers exist only where the reply has them, off by default."""
    return MarstekSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        entity_registry_enabled_default=not ct,
        value_fn=lambda data: getattr(data.status, attribute),
        exists_fn=_ct_present if ct else lambda _: True,
    )


def _capacity(key: str, *, free: bool) -> MarstekSensorDescription:
    """Energy stored (or room left) in kWh, from the SOC and the rated capacity.

    No state class, so no long-term statistics: the Energy dashboard's battery dialog offers
    every kWh statistic, mean or sum, as energy charged or discharged. The SOC's statistics
    hold the same history.
    """
    return MarstekSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: _capacity_part(data, free=free),
    )


SENSORS: tuple[MarstekSensorDescription, ...] = (
    MarstekSensorDescription(
        key="state_of_charge",
        translation_key="state_of_charge",
        device_class=SensorDeviceClass.BATTERY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        value_fn=lambda data: data.status.soc,
    ),
    MarstekSensorDescription(
        key="operating_mode",
        translation_key="operating_mode",
        device_class=SensorDeviceClass.ENUM,
        options=[mode.value for mode in OperatingMode],
        value_fn=_mode,
    ),
    _power("grid_power", "ongrid_power"),
    _power("offgrid_power", "offgrid_power"),
    _capacity("remaining_capacity", free=False),
    _capacity("available_capacity", free=True),
    MarstekSensorDescription(
        key="rated_capacity",
        translation_key="rated_capacity",
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: data.rated_capacity,
    ),
    _power("ct_phase_a_power", "a_power", ct=True),
    _power("ct_phase_b_power", "b_power", ct=True),
    _power("ct_phase_c_power", "c_power", ct=True),
    _power("ct_total_power", "total_power", ct=True),
    MarstekSensorDescription(
        key="last_read",
        translation_key="last_read",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        # It changes at every poll: enabled, it would fill the logbook. The connection sensor
        # says whether the battery answers.
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.read_at,
    ),
    MarstekSensorDescription(
        key="response_time",
        translation_key="response_time",
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda data: (
            round(data.response_time * 1000, 1) if data.response_time is not None else None
        ),
    ),
)


@dataclass(frozen=True, kw_only=True)
class MarstekEnergyDescription(SensorEntityDescription):
    """An energy counter integrated from grid power; `direction` picks the sign it counts."""

    direction: int  # +1 counts delivery (discharge), -1 counts charging


ENERGY_SENSORS: tuple[MarstekEnergyDescription, ...] = (
    MarstekEnergyDescription(
        key="energy_charged",
        translation_key="energy_charged",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        direction=-1,
    ),
    MarstekEnergyDescription(
        key="energy_discharged",
        translation_key="energy_discharged",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        direction=1,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: MarstekConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the sensors the battery's reply supports."""
    runtime = entry.runtime_data
    first = runtime.coordinator.data
    entities: list[SensorEntity] = [
        MarstekSensor(runtime, description)
        for description in SENSORS
        if first is not None and description.exists_fn(first)
    ]
    entities.extend(MarstekEnergySensor(runtime, description) for description in ENERGY_SENSORS)
    async_add_entities(entities)


class MarstekSensor(MarstekEntity, SensorEntity):
    """A sensor read from the latest poll."""

    entity_description: MarstekSensorDescription

    def __init__(self, runtime: MarstekRuntimeData, description: MarstekSensorDescription) -> None:
        """Attach the description."""
        super().__init__(runtime.coordinator, description, Platform.SENSOR)

    @property
    def native_value(self) -> float | int | str | datetime | None:
        """The value for the latest poll."""
        return self.entity_description.value_fn(self.coordinator.data)


class MarstekEnergySensor(MarstekEntity, RestoreSensor):
    """kWh charged or discharged, integrated from grid power between polls (see energy.py).

    `ES.GetStatus` has energy counters but is not answered by many firmwares, so the Energy
    dashboard's battery gets these instead. The total is restored after a restart; no energy
    is added across a restart, a gap longer than ten minutes or an impossible reading.
    """

    entity_description: MarstekEnergyDescription

    def __init__(self, runtime: MarstekRuntimeData, description: MarstekEnergyDescription) -> None:
        """Start from zero until the last total is restored."""
        super().__init__(runtime.coordinator, description, Platform.SENSOR)
        self._counter = EnergyCounter(direction=description.direction)

    async def async_added_to_hass(self) -> None:
        """Restore the total, then count from the current poll on."""
        await super().async_added_to_hass()
        last = await self.async_get_last_sensor_data()
        if last is not None and isinstance(last.native_value, (int, float)):
            self._counter.total_kwh = float(last.native_value)
        self._take_sample()

    @property
    def native_value(self) -> float:
        """Total kWh."""
        return round(self._counter.total_kwh, 4)

    @callback
    def _handle_coordinator_update(self) -> None:
        self._take_sample()
        super()._handle_coordinator_update()

    def _take_sample(self) -> None:
        data = self.coordinator.data
        if data is not None and self.coordinator.last_update_success:
            self._counter.add(data.monotonic, data.status.ongrid_power)
