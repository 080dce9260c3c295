"""The house's expected use per local hour of the day, from the recorder's statistics.

The mean of each hour over the last 7 days, hour by hour, of a power sensor that has long-term
statistics (the rotation package's house power). An hour with net solar export counts as no
use: the planner is given the solar forecast apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from homeassistant.const import UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

HISTORY_DAYS = 7
HOURS_PER_DAY = 24
_TO_KW: dict[str, float] = {UnitOfPower.WATT: 0.001, UnitOfPower.KILO_WATT: 1.0}


def hourly_profile(
    rows: Sequence[Mapping[str, Any]], unit: str | None, *, hours: int = HOURS_PER_DAY
) -> list[float] | None:
    """Use per local hour 0..23 (kWh) from hourly statistics; None unless all hours are known."""
    scale = _TO_KW.get(str(unit or UnitOfPower.WATT))
    if scale is None:
        return None
    sums = [0.0] * hours
    counts = [0] * hours
    for row in rows:
        mean = row.get("mean")
        start = row.get("start")
        if not isinstance(mean, int | float) or not isinstance(start, int | float):
            continue
        hour = dt_util.as_local(dt_util.utc_from_timestamp(start)).hour
        sums[hour] += max(float(mean), 0.0) * scale
        counts[hour] += 1
    if not all(counts):
        return None
    return [round(total / count, 3) for total, count in zip(sums, counts, strict=True)]


async def async_hourly_use(
    hass: HomeAssistant, entity_id: str, now: datetime
) -> list[float] | None:
    """The profile of `entity_id` over the last days, None without a recorder or history."""
    if "recorder" not in hass.config.components:
        return None
    # Imported here: the recorder is an optional companion, loaded only where it runs.
    from homeassistant.components.recorder.statistics import (  # noqa: PLC0415
        statistics_during_period,
    )
    from homeassistant.helpers.recorder import get_instance  # noqa: PLC0415

    start = now - timedelta(days=HISTORY_DAYS)
    result = await get_instance(hass).async_add_executor_job(
        statistics_during_period, hass, start, now, {entity_id}, "hour", None, {"mean"}
    )
    state = hass.states.get(entity_id)
    unit = state.attributes.get("unit_of_measurement") if state else None
    return hourly_profile(result.get(entity_id, []), unit)
