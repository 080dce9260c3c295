"""Service actions: manual schedule slots, clearing them, and passive mode.

Each action targets one or more batteries (devices, or any of their entities). Every input is
checked before anything is sent; each battery's writes run under its coordinator's write lock,
so they never interleave with other writes to it, while different batteries proceed in parallel.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import async_extract_config_entry_ids
from homeassistant.util.json import JsonValueType

from .const import CONF_ENTITY_PREFIX, DOMAIN
from .errors import translate_error
from .pymarstek import (
    DAY_NAMES,
    PASSIVE_DURATION_MAX_S,
    PASSIVE_DURATION_MIN_S,
    POWER_MAX_W,
    POWER_MIN_W,
    SLOT_MAX,
    SLOT_MIN,
    ManualSlot,
    MarstekError,
    OperatingMode,
)

if TYPE_CHECKING:
    import probatio as vol

    from .coordinator import MarstekConfigEntry, MarstekCoordinator
else:
    import voluptuous as vol

SERVICE_SET_MANUAL_SCHEDULE = "set_manual_schedule"
SERVICE_CLEAR_MANUAL_SCHEDULES = "clear_manual_schedules"
SERVICE_SET_PASSIVE_MODE = "set_passive_mode"

ATTR_TIME_NUM = "time_num"
ATTR_START_TIME = "start_time"
ATTR_END_TIME = "end_time"
ATTR_DAYS = "days"
ATTR_POWER = "power"
ATTR_ENABLED = "enabled"
ATTR_DURATION = "duration"

_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")

# Types only: ranges are checked in the handlers, so the error can name field and range.
_TARGET = cv.ENTITY_SERVICE_FIELDS
SET_MANUAL_SCHEDULE_SCHEMA = vol.Schema(
    {
        **_TARGET,
        vol.Required(ATTR_TIME_NUM): vol.Coerce(int),
        vol.Required(ATTR_START_TIME): cv.string,
        vol.Required(ATTR_END_TIME): cv.string,
        vol.Optional(ATTR_DAYS, default=list(DAY_NAMES)): vol.All(cv.ensure_list, [cv.string]),
        vol.Required(ATTR_POWER): vol.Coerce(int),
        vol.Optional(ATTR_ENABLED, default=True): cv.boolean,
    }
)
CLEAR_MANUAL_SCHEDULES_SCHEMA = vol.Schema(_TARGET)
SET_PASSIVE_MODE_SCHEMA = vol.Schema(
    {
        **_TARGET,
        vol.Required(ATTR_POWER): vol.Coerce(int),
        vol.Required(ATTR_DURATION): vol.Coerce(int),
    }
)

type BatteryWrite = Callable[[MarstekCoordinator], Awaitable[None]]


def _invalid(key: str, **placeholders: object) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={name: str(value) for name, value in placeholders.items()},
    )


def _require_range(field: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise _invalid("out_of_range", field=field, value=value, min=low, max=high)
    return value


def _require_clock(field: str, value: str) -> str:
    match = _CLOCK.match(value.strip())
    if match is None:
        raise _invalid("invalid_time", field=field, value=value)
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _day(value: str) -> str | None:
    """Map "mon" or "Monday" to "mon"; anything else to None."""
    name = value.strip().lower()
    if name in DAY_NAMES:
        return name
    if name in _FULL_DAY_NAMES:
        return DAY_NAMES[_FULL_DAY_NAMES.index(name)]
    return None


def _require_days(values: list[str]) -> list[str]:
    days = [_day(value) for value in values]
    unknown = [value for value, day in zip(values, days, strict=True) if day is None]
    if unknown or not days:
        raise _invalid(
            "invalid_days", value=", ".join(unknown) or "-", allowed=", ".join(DAY_NAMES)
        )
    return [day for day in days if day is not None]


def _manual_slot(data: dict[str, Any]) -> ManualSlot:
    return ManualSlot(
        _require_range(ATTR_TIME_NUM, data[ATTR_TIME_NUM], SLOT_MIN, SLOT_MAX),
        _require_clock(ATTR_START_TIME, data[ATTR_START_TIME]),
        _require_clock(ATTR_END_TIME, data[ATTR_END_TIME]),
        _require_days(data[ATTR_DAYS]),
        _require_range(ATTR_POWER, data[ATTR_POWER], POWER_MIN_W, POWER_MAX_W),
        enabled=data[ATTR_ENABLED],
    )


async def _async_targets(call: ServiceCall) -> list[MarstekConfigEntry]:
    """The loaded battery entries a call targets; ServiceValidationError when there are none."""
    hass = call.hass
    entries: list[MarstekConfigEntry] = []
    for entry_id in sorted(await async_extract_config_entry_ids(call)):
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN:
            continue
        if entry.state is not ConfigEntryState.LOADED:
            raise _invalid("battery_not_loaded", battery=entry.title)
        entries.append(entry)
    if not entries:
        raise _invalid("no_battery_targeted")
    return entries


async def _async_run(
    call: ServiceCall, write: BatteryWrite, mode: OperatingMode
) -> ServiceResponse:
    """Send `write` to every targeted battery in parallel; report per battery."""
    entries = await _async_targets(call)

    async def one(entry: MarstekConfigEntry) -> str | None:
        try:
            await entry.runtime_data.async_write(write, mode=mode)
        except MarstekError as err:
            return str(translate_error(entry.title, err))
        return None

    errors = await asyncio.gather(*(one(entry) for entry in entries))
    if call.return_response:
        results: dict[str, JsonValueType] = {
            entry.options[CONF_ENTITY_PREFIX]: {"success": error is None, "error": error}
            for entry, error in zip(entries, errors, strict=True)
        }
        return {"batteries": results}
    failures = [(entry.title, error) for entry, error in zip(entries, errors, strict=True) if error]
    if failures:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="action_failed",
            translation_placeholders={
                "batteries": ", ".join(title for title, _ in failures),
                "error": "; ".join(error for _, error in failures),
            },
        )
    return None


async def _async_set_manual_schedule(call: ServiceCall) -> ServiceResponse:
    slot = _manual_slot(dict(call.data))

    async def write(coordinator: MarstekCoordinator) -> None:
        await coordinator.client.set_manual_slot(slot)

    return await _async_run(call, write, OperatingMode.MANUAL)


async def _async_clear_manual_schedules(call: ServiceCall) -> ServiceResponse:
    async def write(coordinator: MarstekCoordinator) -> None:
        await coordinator.client.clear_manual_slots()

    return await _async_run(call, write, OperatingMode.MANUAL)


async def _async_set_passive_mode(call: ServiceCall) -> ServiceResponse:
    power = _require_range(ATTR_POWER, call.data[ATTR_POWER], POWER_MIN_W, POWER_MAX_W)
    duration = _require_range(
        ATTR_DURATION, call.data[ATTR_DURATION], PASSIVE_DURATION_MIN_S, PASSIVE_DURATION_MAX_S
    )

    async def write(coordinator: MarstekCoordinator) -> None:
        await coordinator.client.set_passive(power, duration)

    return await _async_run(call, write, OperatingMode.PASSIVE)


def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions once for the domain (not per battery)."""
    for name, handler, schema in (
        (SERVICE_SET_MANUAL_SCHEDULE, _async_set_manual_schedule, SET_MANUAL_SCHEDULE_SCHEMA),
        (
            SERVICE_CLEAR_MANUAL_SCHEDULES,
            _async_clear_manual_schedules,
            CLEAR_MANUAL_SCHEDULES_SCHEMA,
        ),
        (SERVICE_SET_PASSIVE_MODE, _async_set_passive_mode, SET_PASSIVE_MODE_SCHEMA),
    ):
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=SupportsResponse.OPTIONAL
        )
