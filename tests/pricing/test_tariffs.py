"""Time-of-use periods and Tempo colours become price series."""

from __future__ import annotations

from datetime import datetime, time
from itertools import pairwise

import pytest

from custom_components.marstek_rotation.pricing import (
    TempoPrices,
    TouPeriod,
    tempo_series,
    time_of_use_series,
)
from custom_components.marstek_rotation.pricing.tariffs import tempo_colour

from .helpers import AMS, PARIS, fixture

SUPERDAL = TouPeriod("superdal", time(1), time(7), 0.18)
DAL_NIGHT = TouPeriod("dal", time(22), time(1), 0.24, "weekdays")
DAL_WEEKEND = TouPeriod("dal", time(0), time(0), 0.24, "weekends")
PERIODS = (SUPERDAL, DAL_NIGHT, DAL_WEEKEND)
TEMPO = TempoPrices(0.1288, 0.1552, 0.1447, 0.1792, 0.1518, 0.6586)


def tou_week(start: datetime) -> dict[datetime, tuple[str, float]]:
    end = start.replace(day=start.day + 7)
    slots = time_of_use_series(PERIODS, 0.34, start=start, end=end, tz=start.tzinfo)
    return {s.start: (s.label, s.price) for s in slots}


def test_time_of_use_week():
    week = tou_week(datetime(2026, 12, 7, tzinfo=AMS))  # a Monday
    assert len(week) == 7 * 96
    at = lambda d, h, m=0: week[datetime(2026, 12, d, h, m, tzinfo=AMS)]  # noqa: E731
    assert at(7, 3) == ("superdal", 0.18)
    assert at(7, 12) == ("peak", 0.34)
    assert at(7, 22, 15) == ("dal", 0.24)
    assert at(8, 0, 45) == ("dal", 0.24)  # 22:00-01:00 wraps past midnight
    assert at(12, 12) == ("dal", 0.24)  # Saturday
    assert at(13, 3) == ("superdal", 0.18)  # the first matching period wins
    assert at(13, 23, 45) == ("dal", 0.24)


def test_time_of_use_spring_week_in_paris_has_four_quarters_less():
    start = datetime(2026, 3, 23, tzinfo=PARIS)
    slots = time_of_use_series(
        PERIODS, 0.34, start=start, end=datetime(2026, 3, 30, tzinfo=PARIS), tz=PARIS
    )
    assert len(slots) == 7 * 96 - 4
    assert all(a.end == b.start for a, b in pairwise(slots))


def test_time_of_use_rejects_unknown_days():
    with pytest.raises(ValueError, match="days"):
        time_of_use_series(
            [TouPeriod("x", time(1), time(2), 0.1, "holidays")],
            0.3,
            start=datetime(2026, 12, 7, tzinfo=AMS),
            end=datetime(2026, 12, 8, tzinfo=AMS),
            tz=AMS,
        )


def test_tempo_colours_from_the_rtetempo_states():
    states = fixture("tempo_states.json")
    assert tempo_colour(states["sensor.rte_tempo_couleur_actuelle"]) == "white"
    assert tempo_colour(states["sensor.rte_tempo_prochaine_couleur"]) == "red"
    assert tempo_colour(states["sensor.rte_tempo_prochaine_couleur_before_11"]) is None
    assert tempo_colour(states["sensor.rte_tempo_prochaine_couleur_unknown"]) is None
    assert tempo_colour("🔴") == "red"
    assert tempo_colour(None) is None


def test_tempo_white_then_red():
    slots = tempo_series(datetime(2026, 1, 14, 20, tzinfo=PARIS), "Blanc", "Rouge", TEMPO)
    assert len(slots) == 192
    assert slots[0].start == datetime(2026, 1, 14, 6, tzinfo=PARIS)
    assert slots[-1].end == datetime(2026, 1, 16, 6, tzinfo=PARIS)
    prices = {s.start: (s.label, s.price) for s in slots}
    assert prices[datetime(2026, 1, 14, 21, 45, tzinfo=PARIS)] == ("white_peak", 0.1792)
    assert prices[datetime(2026, 1, 14, 22, tzinfo=PARIS)] == ("white_offpeak", 0.1447)
    assert prices[datetime(2026, 1, 15, 5, 45, tzinfo=PARIS)] == ("white_offpeak", 0.1447)
    assert prices[datetime(2026, 1, 15, 6, tzinfo=PARIS)] == ("red_peak", 0.6586)
    assert prices[datetime(2026, 1, 15, 22, tzinfo=PARIS)] == ("red_offpeak", 0.1518)


def test_tempo_tomorrow_unknown_and_before_six():
    slots = tempo_series(datetime(2026, 1, 15, 5, tzinfo=PARIS), "Rouge", "unavailable", TEMPO)
    assert len(slots) == 96  # only the current Tempo day, which began yesterday 06:00
    assert slots[0].start == datetime(2026, 1, 14, 6, tzinfo=PARIS)
    assert slots[0].label == "red_peak"


def test_tempo_day_across_the_spring_clock_change():
    slots = tempo_series(datetime(2026, 3, 28, 12, tzinfo=PARIS), "Bleu", "Bleu", TEMPO)
    assert len(slots) == 2 * 96 - 4
    assert slots[-1].end == datetime(2026, 3, 30, 6, tzinfo=PARIS)
