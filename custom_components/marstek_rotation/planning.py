"""The `plan_energy` action: the pure planner (pricing/) fed with Home Assistant's data.

Response only: it reads prices (an entity's attributes, a list a script passes through, or a
time-of-use / Tempo tariff), the batteries' current readings, the expected use and the solar
forecast, and answers with the plan. It writes nothing to any battery; the caller decides.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import UnitOfEnergy
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .const import CONF_ENTITY_PREFIX, DOMAIN
from .household_model import CONF_KIND, KIND_HOUSEHOLD
from .plan_reason import async_plan_reason
from .pricing import (
    Battery,
    BatteryPlan,
    ChargeBlock,
    HoldPeriod,
    Plan,
    PlanInputs,
    PriceSlot,
    TempoPrices,
    TouPeriod,
    normalise,
    plan,
    tempo_series,
    time_of_use_series,
)
from .pricing.fleet import Reason
from .pricing.model import ending_after
from .pricing.sources import PARSERS, PriceSourceError
from .pricing.tariffs import DAYS, TEMPO_PRICE_KEYS, tempo_colour
from .use_history import async_hourly_use

if TYPE_CHECKING:
    import probatio as vol

    from .runtime import MarstekConfigEntry
else:
    import voluptuous as vol

SERVICE_PLAN_ENERGY = "plan_energy"

ATTR_PRICES_ENTITY = "prices_entity"
ATTR_PRICES = "prices"
ATTR_SOURCE = "source"
ATTR_UNIT = "unit"
ATTR_AREA = "area"
ATTR_TARIFF = "tariff"
ATTR_PERIODS = "periods"
ATTR_OTHER_PRICE = "other_price"
ATTR_OTHER_NAME = "other_name"
ATTR_HOURS = "hours"
ATTR_TEMPO_TODAY = "tempo_today"
ATTR_TEMPO_TOMORROW = "tempo_tomorrow"
ATTR_TEMPO_PRICES = "tempo_prices"
ATTR_BATTERIES = "batteries"
ATTR_CONSUMPTION = "consumption"
ATTR_CONSUMPTION_ENTITY = "consumption_entity"
ATTR_SOLAR = "solar"
ATTR_ROUND_TRIP = "round_trip"
ATTR_MARGIN = "margin_kwh"
ATTR_PREVIOUS_PLAN = "previous_plan"

TARIFF_TIME_OF_USE = "time_of_use"
TARIFF_TEMPO = "tempo"
TARIFF_NONE = "none"
TARIFFS = (TARIFF_TIME_OF_USE, TARIFF_TEMPO, TARIFF_NONE)
UNITS = ("kWh", "MWh", "Wh", "cents")
DEFAULT_ROUND_TRIP = 0.86
DEFAULT_TOU_HOURS = 24
MAX_HOURS = 48
# The solar forecast for the coming day is spread as a half sine over these local hours.
SOLAR_FROM = 8
SOLAR_UNTIL = 18
_SOLAR_UNITS = {
    UnitOfEnergy.WATT_HOUR: 0.001,
    UnitOfEnergy.KILO_WATT_HOUR: 1.0,
    UnitOfEnergy.MEGA_WATT_HOUR: 1000.0,
}

_PRICE = vol.Coerce(float)
_USE_PER_HOUR = vol.All(vol.Coerce(float), vol.Range(min=0, max=100))
PERIOD_SCHEMA = vol.Schema(
    {
        vol.Optional("name", default="period"): cv.string,
        vol.Required("start"): cv.time,
        vol.Required("end"): cv.time,
        vol.Required("price"): _PRICE,
        vol.Optional("days", default="all"): vol.In(DAYS),
    }
)

PLAN_ENERGY_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_PRICES_ENTITY): cv.entity_id,
        vol.Optional(ATTR_PRICES): vol.Any(list, dict),
        vol.Optional(ATTR_SOURCE): vol.In(tuple(PARSERS)),
        vol.Optional(ATTR_UNIT): vol.In(UNITS),
        vol.Optional(ATTR_AREA): cv.string,
        vol.Optional(ATTR_TARIFF): vol.In(TARIFFS),
        vol.Optional(ATTR_PERIODS): vol.All(cv.ensure_list, [PERIOD_SCHEMA]),
        vol.Optional(ATTR_OTHER_PRICE): _PRICE,
        vol.Optional(ATTR_OTHER_NAME, default="peak"): cv.string,
        vol.Optional(ATTR_HOURS, default=DEFAULT_TOU_HOURS): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=MAX_HOURS)
        ),
        vol.Optional(ATTR_TEMPO_TODAY): cv.string,
        vol.Optional(ATTR_TEMPO_TOMORROW): cv.string,
        vol.Optional(ATTR_TEMPO_PRICES): vol.Schema(
            {vol.Required(key): _PRICE for key in TEMPO_PRICE_KEYS}
        ),
        vol.Optional(ATTR_BATTERIES): vol.All(cv.ensure_list, [cv.string]),
        # kWh per hour: one figure, or 24 (one per local hour of the day, 0 to 23).
        vol.Required(ATTR_CONSUMPTION): vol.Any(
            _USE_PER_HOUR, vol.All(cv.ensure_list, [_USE_PER_HOUR], vol.Length(min=24, max=24))
        ),
        # A power sensor with statistics: its last 7 days, hour by hour, replace `consumption`
        # once every hour of the day is known.
        vol.Optional(ATTR_CONSUMPTION_ENTITY): cv.entity_id,
        vol.Optional(ATTR_SOLAR, default=0.0): vol.Any(
            vol.All(vol.Coerce(float), vol.Range(min=0, max=1000)), cv.entity_id
        ),
        vol.Optional(ATTR_ROUND_TRIP, default=DEFAULT_ROUND_TRIP): vol.All(
            vol.Coerce(float), vol.Range(min=0.5, max=1.0)
        ),
        vol.Optional(ATTR_MARGIN, default=0.0): vol.All(
            vol.Coerce(float), vol.Range(min=0, max=100)
        ),
        # The plan written before (its `blocks` with prefix, start, end, power, energy_kwh and
        # its `holds`): it stays unless a new plan saves clearly more. No flip-flopping.
        vol.Optional(ATTR_PREVIOUS_PLAN): vol.Schema(
            {
                vol.Optional("blocks", default=[]): [
                    vol.Schema(
                        {
                            vol.Required("prefix"): cv.string,
                            vol.Required("start"): cv.datetime,
                            vol.Required("end"): cv.datetime,
                            vol.Required("power"): vol.Coerce(int),
                            vol.Required("energy_kwh"): vol.Coerce(float),
                        },
                        extra=vol.ALLOW_EXTRA,
                    )
                ],
                vol.Optional("holds", default=[]): [
                    vol.Schema(
                        {vol.Required("start"): cv.datetime, vol.Required("end"): cv.datetime},
                        extra=vol.ALLOW_EXTRA,
                    )
                ],
            },
            extra=vol.ALLOW_EXTRA,
        ),
    }
)


def _invalid(key: str, **placeholders: object) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={name: str(value) for name, value in placeholders.items()},
    )


# -- prices ----------------------------------------------------------------------------------


def detect_source(data: Mapping[str, Any]) -> str | None:
    """The source shape of an entity's attributes, None when none fits."""
    if "raw_today" in data or "raw_tomorrow" in data:
        return "nordpool_custom"
    if "prices_today" in data or "prices_tomorrow" in data:
        return "entsoe"
    items = data.get("prices")
    if not isinstance(items, Sequence) or isinstance(items, str):
        return None
    first = next((item for item in items if isinstance(item, Mapping)), None)
    if first is None:
        return None
    for keys, kind in (
        (("from", "till"), "frank_energie"),
        (("time",), "entsoe"),
        (("timestamp",), "energyzero"),
        (("start",), "normalised"),
    ):
        if all(key in first for key in keys) and "price" in first:
            return kind
    return None


def _wrap(kind: str, items: list[Any], name: str | None) -> dict[str, Any]:
    """A bare list in `kind`'s shape, put where that source keeps it (`name`: area or home)."""
    if kind == "nordpool_custom":
        return {"raw_today": items}
    if kind == "nordpool_core":
        return {name or "area": items}
    if kind == "tibber":
        return {"prices": {name or "home": items}}
    return {"prices": items}


def _normalised(
    kind: str, data: Mapping[str, Any], call: ServiceCall, tz: tzinfo
) -> list[PriceSlot]:
    try:
        return normalise(
            kind, data, call.data.get(ATTR_UNIT), default_tz=tz, select=call.data.get(ATTR_AREA)
        )
    except PriceSourceError as err:
        raise _invalid("prices_invalid", source=kind, error=err) from err


def _entity_prices(
    hass: HomeAssistant, call: ServiceCall, tz: tzinfo
) -> tuple[str, list[PriceSlot]]:
    entity_id: str = call.data[ATTR_PRICES_ENTITY]
    state = hass.states.get(entity_id)
    if state is None:
        raise _invalid("entity_not_found", entity=entity_id)
    kind = call.data.get(ATTR_SOURCE) or detect_source(state.attributes)
    if kind is None:
        raise _invalid("prices_not_recognised", entity=entity_id)
    return kind, _normalised(kind, state.attributes, call, tz)


def _given_prices(call: ServiceCall, tz: tzinfo) -> tuple[str, list[PriceSlot]]:
    kind: str | None = call.data.get(ATTR_SOURCE)
    if kind is None:
        raise _invalid("source_missing", sources=", ".join(PARSERS))
    given: list[Any] | dict[str, Any] = call.data[ATTR_PRICES]
    data = _wrap(kind, given, call.data.get(ATTR_AREA)) if isinstance(given, list) else given
    return kind, _normalised(kind, data, call, tz)


def _colour(hass: HomeAssistant, field: str, value: str | None) -> str | None:
    """A Tempo colour given as text or as the entity id of a colour sensor."""
    if value is None:
        return None
    if "." in value:
        state = hass.states.get(value)
        if state is None:
            raise _invalid("entity_not_found", entity=value)
        value = state.state
    colour = tempo_colour(value)
    if colour is None and field == ATTR_TEMPO_TODAY:
        raise _invalid("tempo_colour_unknown", value=value)
    return colour


def _tariff_prices(
    hass: HomeAssistant, call: ServiceCall, now: datetime, tz: tzinfo
) -> tuple[str, list[PriceSlot]]:
    tariff: str = call.data[ATTR_TARIFF]
    data = call.data
    if tariff == TARIFF_NONE:
        return tariff, []
    if tariff == TARIFF_TIME_OF_USE:
        if ATTR_OTHER_PRICE not in data:
            raise _invalid("tariff_field_missing", tariff=tariff, field=ATTR_OTHER_PRICE)
        periods = [
            TouPeriod(p["name"], p["start"], p["end"], p["price"], p["days"])
            for p in data.get(ATTR_PERIODS, [])
        ]
        start = now.replace(second=0, microsecond=0)
        return tariff, time_of_use_series(
            periods,
            data[ATTR_OTHER_PRICE],
            start=start,
            end=start + timedelta(hours=data[ATTR_HOURS]),
            tz=tz,
            other_name=data[ATTR_OTHER_NAME],
        )
    for field in (ATTR_TEMPO_TODAY, ATTR_TEMPO_PRICES):
        if field not in data:
            raise _invalid("tariff_field_missing", tariff=tariff, field=field)
    today = _colour(hass, ATTR_TEMPO_TODAY, data[ATTR_TEMPO_TODAY])
    tomorrow = _colour(hass, ATTR_TEMPO_TOMORROW, data.get(ATTR_TEMPO_TOMORROW))
    prices = TempoPrices(**data[ATTR_TEMPO_PRICES])
    return tariff, tempo_series(now, today, tomorrow, prices)


def _prices(hass: HomeAssistant, call: ServiceCall, now: datetime) -> tuple[str, list[PriceSlot]]:
    """(source or tariff, the price series from now on) from the call's one price input."""
    given = [key for key in (ATTR_PRICES_ENTITY, ATTR_PRICES, ATTR_TARIFF) if key in call.data]
    if len(given) != 1:
        raise _invalid("one_price_input", given=", ".join(given) or "-")
    tz = dt_util.get_default_time_zone()
    if ATTR_PRICES_ENTITY in call.data:
        kind, slots = _entity_prices(hass, call, tz)
    elif ATTR_PRICES in call.data:
        kind, slots = _given_prices(call, tz)
    else:
        kind, slots = _tariff_prices(hass, call, now, tz)
    ahead = ending_after(slots, now)
    if not ahead and kind != TARIFF_NONE:
        raise _invalid("no_prices_ahead", source=kind)
    return kind, ahead


# -- batteries, use and solar ----------------------------------------------------------------


def _entries(hass: HomeAssistant) -> list[MarstekConfigEntry]:
    """Every battery entry, loaded or not (not the household's)."""
    entries: list[MarstekConfigEntry] = [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.data.get(CONF_KIND) != KIND_HOUSEHOLD  # the household has no battery
    ]
    return entries


def _batteries(hass: HomeAssistant, names: list[str] | None) -> list[Battery]:
    """The named batteries (entity prefix or entry id), or every battery, as they are now."""
    entries = _entries(hass)
    if names is None:
        chosen = [entry for entry in entries if entry.state is ConfigEntryState.LOADED]
        if not chosen:
            raise _invalid("no_batteries")
    else:
        chosen = []
        for name in dict.fromkeys(names):
            match = next(
                (e for e in entries if name in (e.entry_id, e.options.get(CONF_ENTITY_PREFIX))),
                None,
            )
            if match is None:
                known = ", ".join(str(e.options.get(CONF_ENTITY_PREFIX)) for e in entries)
                raise _invalid("unknown_battery", battery=name, known=known or "-")
            if match.state is not ConfigEntryState.LOADED:
                raise _invalid("battery_not_loaded", battery=match.title)
            chosen.append(match)
    return [_battery(entry) for entry in chosen]


def _battery(entry: MarstekConfigEntry) -> Battery:
    runtime = entry.runtime_data
    data = runtime.coordinator.data
    soc = None if data is None else data.status.soc
    if data is None or soc is None:
        raise _invalid("battery_no_reading", battery=entry.title)
    limit = runtime.control.power_limit
    return Battery(
        name=str(entry.options[CONF_ENTITY_PREFIX]),
        soc=float(soc),
        capacity_kwh=data.rated_capacity,
        max_charge_w=limit,
        max_discharge_w=limit,
    )


def _solar_kwh(hass: HomeAssistant, value: float | str) -> float:
    """The solar forecast for the coming day in kWh: a number, or a kWh sensor's state."""
    if not isinstance(value, str):
        return float(value)
    state = hass.states.get(value)
    if state is None:
        raise _invalid("entity_not_found", entity=value)
    unit = state.attributes.get("unit_of_measurement", UnitOfEnergy.KILO_WATT_HOUR)
    try:
        amount = float(state.state)
    except ValueError:
        amount = math.nan
    if unit not in _SOLAR_UNITS or not math.isfinite(amount) or amount < 0:
        raise _invalid("solar_invalid", entity=value, state=f"{state.state} {unit}")
    return amount * _SOLAR_UNITS[unit]


def _daylight_weight(moment: datetime) -> float:
    """A half sine over the local solar hours, zero outside them."""
    local = moment.astimezone(dt_util.get_default_time_zone())
    hour = local.hour + local.minute / 60
    if not SOLAR_FROM <= hour < SOLAR_UNTIL:
        return 0.0
    return math.sin(math.pi * (hour - SOLAR_FROM) / (SOLAR_UNTIL - SOLAR_FROM))


def spread_solar(slots: Sequence[PriceSlot], total_kwh: float, now: datetime) -> list[float]:
    """`total_kwh` over the slots of the next 24 hours, by daylight (midpoint of each slot)."""
    horizon = now + timedelta(days=1)
    weights = []
    for slot in slots:
        middle = slot.start + (slot.end - slot.start) / 2
        inside = slot.end > now and slot.start < horizon
        weights.append(_daylight_weight(middle) * slot.hours if inside else 0.0)
    total_weight = sum(weights)
    if total_kwh <= 0 or total_weight <= 0:
        return [0.0] * len(slots)
    return [total_kwh * weight / total_weight for weight in weights]


def use_per_slot(slots: Sequence[PriceSlot], per_hour: float | Sequence[float]) -> list[float]:
    """Expected use in each slot: one rate, or the rate of the slot's local hour of the day."""
    if isinstance(per_hour, int | float):
        return [per_hour * slot.hours for slot in slots]
    tz = dt_util.get_default_time_zone()
    return [per_hour[slot.start.astimezone(tz).hour] * slot.hours for slot in slots]


def previous_plan(
    given: Mapping[str, Any] | None, batteries: Sequence[Battery], now: datetime
) -> Plan | None:
    """The written plan as the planner compares it: what of it has not ended yet."""
    if not given:
        return None
    holds = tuple(
        HoldPeriod(hold["start"], hold["end"]) for hold in given["holds"] if hold["end"] > now
    )
    plans = []
    for battery in batteries:
        blocks = tuple(
            ChargeBlock(b["start"], b["end"], b["power"], b["energy_kwh"], 0.0)
            for b in given["blocks"]
            if b["prefix"] == battery.name and b["end"] > now
        )
        plans.append(BatteryPlan(battery.name, blocks, holds))
    if not holds and not any(plan.blocks for plan in plans):
        return None
    return Plan(
        batteries=tuple(plans),
        holds=holds,
        expected_cost=0.0,
        cost_without_batteries=0.0,
        cost_self_consumption=0.0,
        grid_charge_kwh=0.0,
        deficit_kwh=0.0,
        reason=Reason("previous", ""),
    )


def _quarter_floor(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


# -- the action ------------------------------------------------------------------------------


async def _async_plan_energy(call: ServiceCall) -> ServiceResponse:
    hass = call.hass
    now = dt_util.now()
    kind, slots = _prices(hass, call, now)
    batteries = _batteries(hass, call.data.get(ATTR_BATTERIES))
    solar_total = _solar_kwh(hass, call.data[ATTR_SOLAR])
    consumption: float | list[float] = call.data[ATTR_CONSUMPTION]
    use_source = "given"
    if ATTR_CONSUMPTION_ENTITY in call.data:
        history = await async_hourly_use(hass, call.data[ATTR_CONSUMPTION_ENTITY], now)
        if history is not None:
            consumption, use_source = history, "history"
    inputs = PlanInputs(
        prices=slots,
        batteries=batteries,
        consumption_kwh=use_per_slot(slots, consumption),
        solar_kwh=spread_solar(slots, solar_total, _quarter_floor(now)),
        round_trip=call.data[ATTR_ROUND_TRIP],
        margin_kwh=call.data[ATTR_MARGIN],
    )
    written = previous_plan(call.data.get(ATTR_PREVIOUS_PLAN), batteries, now)
    result = await hass.async_add_executor_job(plan, inputs, written)
    response: dict[str, Any] = result.as_dict()
    response["reason"] = await async_plan_reason(hass, result.reason)
    response["inputs"] = {
        "source": kind,
        "planned_at": now.isoformat(),
        "consumption_kwh_per_hour": consumption
        if isinstance(consumption, float)
        else round(sum(consumption) / len(consumption), 3),
        "consumption_source": use_source,
        "consumption_profile": [consumption] * 24
        if isinstance(consumption, float)
        else list(consumption),
        "solar_kwh": round(solar_total, 3),
        "round_trip": inputs.round_trip,
        "margin_kwh": inputs.margin_kwh,
        "batteries": [
            {
                "name": b.name,
                "soc": b.soc,
                "capacity_kwh": b.capacity_kwh,
                "max_power_w": b.max_charge_w,
            }
            for b in batteries
        ],
    }
    response["prices"] = [slot.as_dict() for slot in slots]
    return response


def async_setup_plan_action(hass: HomeAssistant) -> None:
    """Register `plan_energy` (response only; it writes nothing)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_PLAN_ENERGY,
        _async_plan_energy,
        schema=PLAN_ENERGY_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )


__all__ = [
    "SERVICE_PLAN_ENERGY",
    "async_setup_plan_action",
    "detect_source",
    "previous_plan",
    "spread_solar",
    "use_per_slot",
]
