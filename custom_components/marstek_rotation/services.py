"""Service actions: manual schedule slots, clearing them, and passive mode.

Each action targets one or more batteries (devices, or any of their entities). Every input is
checked by the protocol library (the one validation layer) for every targeted battery, with its
own power limit, before anything is sent to any of them; each battery's writes run under its
BatteryControl's lock, so they never interleave with other writes to it, while different
batteries proceed in parallel.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import async_extract_config_entry_ids
from homeassistant.util.json import JsonValueType

from .const import CONF_ENTITY_PREFIX, DOMAIN
from .errors import translate_error, translate_validation_error
from .planning import async_setup_plan_action
from .pymarstek import DAY_NAMES, ManualSlot, MarstekClient, MarstekError, MarstekValidationError

if TYPE_CHECKING:
    import probatio as vol

    from .control import BatteryControl
    from .runtime import MarstekConfigEntry
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

# Values pass through unchanged (no coercion that could turn 800.9 W into 800 W or True into
# 1 W): the library checks them and names the field it refuses.
_TARGET = cv.ENTITY_SERVICE_FIELDS
SET_MANUAL_SCHEDULE_SCHEMA = vol.Schema(
    {
        **_TARGET,
        vol.Required(ATTR_TIME_NUM): cv.match_all,
        vol.Required(ATTR_START_TIME): cv.match_all,
        vol.Required(ATTR_END_TIME): cv.match_all,
        vol.Optional(ATTR_DAYS, default=list(DAY_NAMES)): vol.All(cv.ensure_list, [cv.match_all]),
        vol.Required(ATTR_POWER): cv.match_all,
        vol.Optional(ATTR_ENABLED, default=True): cv.boolean,
    }
)
CLEAR_MANUAL_SCHEDULES_SCHEMA = vol.Schema(_TARGET)
SET_PASSIVE_MODE_SCHEMA = vol.Schema(
    {
        **_TARGET,
        vol.Required(ATTR_POWER): cv.match_all,
        vol.Required(ATTR_DURATION): cv.match_all,
    }
)

# One battery's share of an action: a write method of its BatteryControl, arguments bound.
type BatteryWrite = Callable[[BatteryControl], Awaitable[None]]


def _invalid(key: str, **placeholders: object) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={name: str(value) for name, value in placeholders.items()},
    )


def _checked[T](check: Callable[[], T]) -> T:
    """Run a library check; its refusal becomes a translated ServiceValidationError."""
    try:
        return check()
    except MarstekValidationError as err:
        raise translate_validation_error(err) from err


def _check_power(entries: list[MarstekConfigEntry], power: object) -> None:
    """Every targeted battery must be able to take `power` (its model's own limit).

    Checked before the protocol's wider bounds, so a refusal names the battery's own limit.
    """
    for entry in entries:
        _checked(partial(entry.runtime_data.control.check_power, ATTR_POWER, power))


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
    call: ServiceCall,
    entries: list[MarstekConfigEntry],
    write: BatteryWrite,
) -> ServiceResponse:
    """Send `write` to every targeted battery in parallel; report per battery."""

    async def one(entry: MarstekConfigEntry) -> str | None:
        try:
            await write(entry.runtime_data.control)
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
    data = call.data
    entries = await _async_targets(call)
    _check_power(entries, data[ATTR_POWER])
    slot = _checked(
        lambda: ManualSlot(
            data[ATTR_TIME_NUM],
            data[ATTR_START_TIME],
            data[ATTR_END_TIME],
            data[ATTR_DAYS],
            data[ATTR_POWER],
            enabled=data[ATTR_ENABLED],
        )
    )
    return await _async_run(call, entries, lambda control: control.async_set_manual_slot(slot))


async def _async_clear_manual_schedules(call: ServiceCall) -> ServiceResponse:
    entries = await _async_targets(call)
    return await _async_run(call, entries, lambda control: control.async_clear_manual_slots())


async def _async_set_passive_mode(call: ServiceCall) -> ServiceResponse:
    entries = await _async_targets(call)
    _check_power(entries, call.data[ATTR_POWER])
    power, duration = _checked(
        partial(MarstekClient.check_passive, call.data[ATTR_POWER], call.data[ATTR_DURATION])
    )
    return await _async_run(
        call, entries, lambda control: control.async_set_passive(power, duration)
    )


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
    # Response only, and it writes nothing: the energy planner (planning.py).
    async_setup_plan_action(hass)
