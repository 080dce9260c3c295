"""Every price source shape in use, turned into one series of `PriceSlot`.

Shapes (checked against each integration's source; see tests/pricing/fixtures/README.md),
as `kind`: where the list is; the item's keys; the unit.

* `nordpool_custom`: attributes `raw_today` + `raw_tomorrow`; `start`, `end`, `value`;
  attribute `unit` (kWh, MWh, Wh) and `price_in_cents`.
* `entsoe`: attributes `prices_today` + `prices_tomorrow` (or `prices`); `time`
  (space-separated), `price`; per kWh.
* `frank_energie`: attribute `prices`; `from`, `till`, `price`; per kWh.
* `normalised` (TheFes blueprint, our own sensor): attribute `prices`; `start`, `price`
  (`end` used when present); per kWh.
* `nordpool_core`: `nordpool.get_prices_for_date` response `{area: [...]}`; `start`, `end`,
  `price`; **per MWh**.
* `tibber`: `tibber.get_prices` response `{"prices": {home: [...]}}`; `start_time`, `price`.
* `energyzero`: `energyzero.get_energy_prices` response `{"prices": [...]}`; `timestamp`
  (space-separated, UTC), `price`.
* `easyenergy`: `easyenergy.get_energy_usage_prices` response, the same shape.

`unit` overrides the price unit: "kWh" (default), "MWh", "Wh" or "cents" (per kWh).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from .model import PriceSlot, close_ends, finish

# What one price in the source's unit is worth per kWh.
_UNIT_FACTOR = {"kwh": 1.0, "mwh": 0.001, "wh": 1000.0, "cents": 0.01, "ct": 0.01}


class PriceSourceError(ValueError):
    """The data does not have the shape of the named source."""


def parse_time(value: Any, default_tz: tzinfo | None = None) -> datetime:
    """An aware datetime from a datetime or an ISO text.

    Accepts the three styles sources use: `T`-separated, space-separated (`str(datetime)`)
    and with milliseconds or `Z`. A naive value gets `default_tz` (an error without one).
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError as err:
            msg = f"not a timestamp: {value!r}"
            raise PriceSourceError(msg) from err
    else:
        msg = f"not a timestamp: {value!r}"
        raise PriceSourceError(msg)
    if moment.tzinfo is None:
        if default_tz is None:
            msg = f"timestamp without a timezone: {value!r}"
            raise PriceSourceError(msg)
        moment = moment.replace(tzinfo=default_tz)
    return moment


def _factor(unit: str | None, default: str = "kWh") -> float:
    key = (unit or default).strip().lower().rsplit("/", 1)[-1]
    if key not in _UNIT_FACTOR:
        msg = f"unknown price unit {unit!r}"
        raise PriceSourceError(msg)
    return _UNIT_FACTOR[key]


def _items(data: Any, key: str) -> list[Mapping[str, Any]]:
    """The list under `key` (missing, None or "unknown" count as not published yet)."""
    value = data.get(key) if isinstance(data, Mapping) else None
    if value is None or isinstance(value, str):
        return []
    if not isinstance(value, Sequence):
        msg = f"{key} is not a list"
        raise PriceSourceError(msg)
    return [item for item in value if isinstance(item, Mapping)]


def _price(item: Mapping[str, Any], key: str) -> float | None:
    value = item.get(key)
    # Sources put None (or junk) where a price is missing: skip that slot.
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _with_ends(
    items: Sequence[Mapping[str, Any]],
    keys: tuple[str, str, str],
    factor: float,
    default_tz: tzinfo | None,
) -> list[PriceSlot]:
    start_key, end_key, price_key = keys
    slots = []
    for item in items:
        price = _price(item, price_key)
        if price is None or item.get(start_key) is None or item.get(end_key) is None:
            continue
        start = parse_time(item[start_key], default_tz)
        end = parse_time(item[end_key], default_tz)
        if end > start:
            slots.append(PriceSlot(start, end, price * factor))
    return finish(slots)


def _starts_only(
    items: Sequence[Mapping[str, Any]],
    keys: tuple[str, str],
    factor: float,
    default_tz: tzinfo | None,
) -> list[PriceSlot]:
    start_key, price_key = keys
    pairs = []
    for item in items:
        price = _price(item, price_key)
        if price is not None and item.get(start_key) is not None:
            pairs.append((parse_time(item[start_key], default_tz), price * factor))
    return close_ends(pairs)


def nordpool_custom(
    attributes: Mapping[str, Any], unit: str | None = None, default_tz: tzinfo | None = None
) -> list[PriceSlot]:
    """Custom Nord Pool (HACS): `raw_today` + `raw_tomorrow`, in `unit`, maybe in cents."""
    items = _items(attributes, "raw_today") + _items(attributes, "raw_tomorrow")
    factor = _factor(unit or str(attributes.get("unit") or "kWh"))
    if unit is None and attributes.get("price_in_cents") is True:
        factor *= 0.01
    return _with_ends(items, ("start", "end", "value"), factor, default_tz)


def entsoe(
    attributes: Mapping[str, Any], unit: str | None = None, default_tz: tzinfo | None = None
) -> list[PriceSlot]:
    """ENTSO-e (HACS): `prices_today` + `prices_tomorrow`, or `prices`; `time` and `price`."""
    items = _items(attributes, "prices_today") + _items(attributes, "prices_tomorrow")
    items = items or _items(attributes, "prices")
    return _starts_only(items, ("time", "price"), _factor(unit), default_tz)


def frank_energie(
    attributes: Mapping[str, Any], unit: str | None = None, default_tz: tzinfo | None = None
) -> list[PriceSlot]:
    """Frank Energie (HACS): `prices` with `from`, `till`, `price`."""
    items = _items(attributes, "prices")
    return _with_ends(items, ("from", "till", "price"), _factor(unit), default_tz)


def normalised(
    attributes: Mapping[str, Any], unit: str | None = None, default_tz: tzinfo | None = None
) -> list[PriceSlot]:
    """The `prices: [{start, price}]` many users build (an `end` is used when present)."""
    items = _items(attributes, "prices")
    factor = _factor(unit)
    if items and all(item.get("end") is not None for item in items):
        return _with_ends(items, ("start", "end", "price"), factor, default_tz)
    return _starts_only(items, ("start", "price"), factor, default_tz)


def nordpool_core(
    response: Mapping[str, Any],
    unit: str | None = None,
    default_tz: tzinfo | None = None,
    area: str | None = None,
) -> list[PriceSlot]:
    """Core Nord Pool `get_prices_for_date`: `{area: [{start, end, price}]}`, per MWh.

    One area is used: `area`, or the first one in the response.
    """
    if not response:
        return []
    name = area or next(iter(response))
    if name not in response:
        msg = f"no area {name!r} in the response (areas: {', '.join(response)})"
        raise PriceSourceError(msg)
    items = _items(response, name)
    return _with_ends(items, ("start", "end", "price"), _factor(unit, "MWh"), default_tz)


def tibber(
    response: Mapping[str, Any],
    unit: str | None = None,
    default_tz: tzinfo | None = None,
    home: str | None = None,
) -> list[PriceSlot]:
    """Core Tibber `get_prices`: `{"prices": {home: [{start_time, price}]}}` (first home)."""
    homes = response.get("prices")
    if not isinstance(homes, Mapping) or not homes:
        return []
    name = home or next(iter(homes))
    if name not in homes:
        msg = f"no home {name!r} in the response (homes: {', '.join(homes)})"
        raise PriceSourceError(msg)
    return _starts_only(_items(homes, name), ("start_time", "price"), _factor(unit), default_tz)


def energyzero(
    response: Mapping[str, Any], unit: str | None = None, default_tz: tzinfo | None = None
) -> list[PriceSlot]:
    """Core EnergyZero `get_energy_prices`: `{"prices": [{timestamp, price}]}`."""
    items = _items(response, "prices")
    return _starts_only(items, ("timestamp", "price"), _factor(unit), default_tz)


# EasyEnergy's actions answer in EnergyZero's shape (both serialise `timestamp_prices`).
easyenergy = energyzero

type Parser = Callable[[Mapping[str, Any], str | None, tzinfo | None], list[PriceSlot]]

PARSERS: dict[str, Parser] = {
    "nordpool_custom": nordpool_custom,
    "entsoe": entsoe,
    "frank_energie": frank_energie,
    "normalised": normalised,
    "nordpool_core": nordpool_core,
    "tibber": tibber,
    "energyzero": energyzero,
    "easyenergy": easyenergy,
}
# Sources whose response holds several areas or homes: `select` names one.
_SELECTABLE = {"nordpool_core": nordpool_core, "tibber": tibber}


def normalise(
    kind: str,
    data: Mapping[str, Any],
    unit: str | None = None,
    default_tz: tzinfo | None = None,
    select: str | None = None,
) -> list[PriceSlot]:
    """One price source's attributes or action response -> sorted, contiguous slots.

    Missing lists (tomorrow not published yet) give fewer slots, never an error. `select`
    names the Nord Pool area or Tibber home (default: the first in the response).
    """
    if select is not None and kind in _SELECTABLE:
        return _SELECTABLE[kind](data, unit, default_tz, select)
    try:
        parser = PARSERS[kind]
    except KeyError:
        msg = f"unknown price source {kind!r}; known: {', '.join(PARSERS)}"
        raise PriceSourceError(msg) from None
    return parser(data, unit, default_tz)
