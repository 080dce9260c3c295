"""The expected use per hour of the day from the recorder's hourly statistic rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.marstek_rotation.use_history import hourly_profile


def _rows(days: int, watts_at: object) -> list[dict[str, float]]:
    start = datetime(2026, 12, 1, tzinfo=UTC)
    rows = []
    for hour in range(days * 24):
        moment = start + timedelta(hours=hour)
        rows.append({"start": moment.timestamp(), "mean": watts_at(dt_util.as_local(moment))})  # type: ignore[operator]
    return rows


async def test_each_local_hour_gets_its_own_mean_and_export_counts_as_no_use(
    hass: HomeAssistant,
) -> None:
    await hass.config.async_set_time_zone("Europe/Brussels")
    profile = hourly_profile(
        _rows(7, lambda t: -800.0 if 11 <= t.hour < 15 else 300.0 + 20 * t.hour), "W"
    )
    assert profile is not None
    assert profile[0] == 0.3
    assert profile[20] == 0.7
    assert profile[12] == 0.0  # net export: the solar forecast is planned apart


async def test_a_missing_hour_or_an_unknown_unit_gives_no_profile(hass: HomeAssistant) -> None:
    rows = _rows(1, lambda _: 500.0)
    assert hourly_profile(rows, "kW") == [500.0] * 24
    assert hourly_profile(rows[:-1], "W") is None
    assert hourly_profile(rows, "A") is None
