"""Day profiles of load and solar, and the meter following them over simulated time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from simulator import BatterySpec, ManualClock, Simulator
from simulator.clock import wall_clock_following
from simulator.profiles import Block, day_load, day_solar

from .conftest import LOCAL

MIDNIGHT = datetime(2026, 6, 1, 0, 0, 0, tzinfo=LOCAL)


def at(hours: float) -> datetime:
    return MIDNIGHT + timedelta(hours=hours)


def test_solar_is_zero_at_night_and_peaks_at_noon() -> None:
    solar = day_solar(peak_w=3000, sunrise=7.0, sunset=19.0)
    assert solar(at(3)) == 0
    assert solar(at(7)) == 0
    assert solar(at(19)) == 0
    assert solar(at(23.5)) == 0
    assert solar(at(13)) == pytest.approx(3000)
    assert solar(at(10)) == pytest.approx(solar(at(16)))  # symmetric around noon
    assert 0 < solar(at(8)) < solar(at(10)) < solar(at(12))


def test_load_has_a_base_and_the_day_blocks() -> None:
    blocks = (Block(17.5, 19.0, 2000.0),)
    load = day_load(base_w=200.0, blocks=blocks)
    quiet = at(3) + timedelta(minutes=10)  # minute 10: the fridge is off
    assert load(quiet) == 200.0
    assert load(at(3)) == 290.0  # minute 0: the fridge runs
    assert load(at(18) + timedelta(minutes=10)) == 2200.0
    assert load(at(19) + timedelta(minutes=10)) == 200.0  # the block's end is exclusive


def test_the_default_day_has_a_cooking_peak_and_a_quiet_night() -> None:
    load = day_load()
    assert load(at(18)) > 2000
    assert load(at(3) + timedelta(minutes=10)) < 300


@pytest.mark.parametrize(
    "make",
    [
        lambda: day_solar(peak_w=-1),
        lambda: day_solar(sunrise=19, sunset=7),
        lambda: day_solar(sunset=25),
        lambda: day_load(base_w=-5),
    ],
)
def test_bad_profiles_are_refused(make: object) -> None:
    with pytest.raises(ValueError, match=r"must|need"):
        make()  # type: ignore[operator]


async def test_the_meter_follows_the_profiles_over_a_day(port: int) -> None:
    clock = ManualClock()
    async with Simulator(port=port, clock=clock, now=wall_clock_following(clock, MIDNIGHT)) as sim:
        await sim.add_battery(BatterySpec(host="127.0.0.2", mode="Manual"))  # idle: no effect
        load, solar = day_load(), day_solar(peak_w=3000)
        sim.meter.set_load(load)
        sim.meter.set_solar(solar)
        expected_import = expected_export = 0.0
        for _ in range(24 * 60):
            sim.advance(60)
            wall = sim.wall_time
            assert sim.meter.load == load(wall)
            assert sim.meter.solar == pytest.approx(solar(wall))
            assert sim.meter.power == pytest.approx(load(wall) - solar(wall))
        for minute in range(24 * 60 * 6):  # the same day in 10 s steps, the simulator's max step
            net = load(at(minute / 360)) - solar(at(minute / 360))
            if net > 0:
                expected_import += net * 10 / 3600
            else:
                expected_export -= net * 10 / 3600
        assert sim.meter.imported_wh == pytest.approx(expected_import, rel=0.01)
        assert sim.meter.exported_wh == pytest.approx(expected_export, rel=0.01)
