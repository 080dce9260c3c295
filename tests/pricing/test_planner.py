"""Planner scenarios: what it buys, when, what it holds, and why."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from custom_components.marstek_rotation.pricing import (
    Battery,
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
from custom_components.marstek_rotation.pricing.fleet import ChargeBlock
from custom_components.marstek_rotation.pricing.simulate import simulate

from .helpers import AMS, PARIS, by_hour, day_series, fixture, venus

DAY = date(2026, 12, 7)


def inputs(
    prices: list[PriceSlot],
    batteries: list[Battery],
    load: list[float],
    solar: list[float] | None = None,
    **kwargs: object,
) -> PlanInputs:
    return PlanInputs(prices, batteries, load, solar or [0.0] * len(prices), **kwargs)  # type: ignore[arg-type]


def hour_of(moment: datetime) -> float:
    return moment.hour + moment.minute / 60


def import_between(inp: PlanInputs, result: Plan, first: float, last: float) -> float:
    """Grid import (kWh) the plan leaves in local hours [first, last)."""
    outcome = simulate(
        inp, {bp.name: list(bp.blocks) for bp in result.batteries}, list(result.holds)
    )
    total = 0.0
    for slot, flows, load in zip(inp.prices, outcome.flows, inp.consumption_kwh, strict=True):
        if first <= hour_of(slot.start) < last:
            total += load - flows.discharge_kwh + flows.grid_charge_kwh
    return total


def night_day_peak(hour: float) -> float:
    # Night 0.12, day 0.14 (not worth storing for), evening peak 0.45.
    return 0.12 if hour < 6 else 0.45 if 17 <= hour < 21 else 0.14


def negative_noon(hour: float) -> float:
    if 11 <= hour < 14:
        return -0.03
    return 0.12 if hour < 6 else 0.45 if 17 <= hour < 21 else 0.25


def evening_heavy(hour: float) -> float:
    return 0.25 if 17 <= hour < 21 else 0.1  # kWh per quarter: 1 kW evening, 400 W else


def test_dynamic_day_buys_only_the_deficit_in_one_cheap_block_and_covers_the_peak():
    prices = day_series(DAY, night_day_peak)
    fleet = [venus("a", 40), venus("b", 30)]  # 1.536 + 1.024 kWh usable
    inp = inputs(prices, fleet, by_hour(prices, evening_heavy))
    result = plan(inp)
    # The day uses 12 kWh; stored 2.56 kWh gives 2.374: 9.626 kWh are not covered. Only the
    # evening's share is worth buying: 16 quarters x 0.25 = 4 kWh, less the stored 2.374.
    delivered = 2.56 * 0.86**0.5
    assert result.deficit_kwh == pytest.approx(12.0 - delivered, abs=0.01)
    assert result.grid_charge_kwh == pytest.approx((4.0 - delivered) / 0.86, rel=0.03)
    blocks = result.blocks
    assert 1 <= len(blocks) <= 2
    assert all(b.start >= prices[0].start and b.end <= prices[24].start for _, b in blocks)
    assert len({name for name, _ in blocks}) == len(blocks)  # one contiguous block each
    assert import_between(inp, result, 17, 21) == pytest.approx(0.0, abs=1e-6)
    assert result.holds  # the day's cheaper hours keep the energy for the evening
    # Held from the start (the cheap night imports) to the peak, not during the peak.
    (hold,) = result.holds
    assert hold.start == prices[0].start
    assert hold.end == prices[68].start
    assert result.reason.code == "charge_deficit"
    assert result.expected_cost < result.cost_self_consumption < result.cost_without_batteries


def test_the_battery_with_most_room_charges_first():
    prices = day_series(DAY, night_day_peak)
    fleet = [venus("full", 80), venus("empty", 20)]
    result = plan(inputs(prices, fleet, by_hour(prices, evening_heavy)))
    named = dict(result.blocks)
    assert "empty" in named
    assert named["empty"].energy_kwh >= max(
        (b.energy_kwh for b in result.batteries[0].blocks), default=0.0
    )


def test_negative_noon_charges_and_says_so():
    prices = day_series(DAY, negative_noon)
    fleet = [venus("a", 20), venus("b", 20)]
    inp = inputs(prices, fleet, by_hour(prices, evening_heavy))
    result = plan(inp)
    assert result.reason.code == "negative_price"
    assert "negative" in result.reason.text.lower()
    noon = [b for _, b in result.blocks if 11 <= hour_of(b.start) < 14]
    assert noon
    assert import_between(inp, result, 17, 21) == pytest.approx(0.0, abs=1e-6)
    for bp in result.batteries:
        assert len(bp.blocks) <= 3


def test_flat_prices_never_buy():
    prices = day_series(DAY, lambda _: 0.25, days=2)
    fleet = [venus("a", 15), venus("b", 12)]
    result = plan(inputs(prices, fleet, [0.15] * len(prices)))
    assert result.blocks == []
    assert result.grid_charge_kwh == 0.0
    assert result.holds == ()
    assert result.reason.code == "spread_too_small"
    assert result.expected_cost == pytest.approx(result.cost_self_consumption)


def test_small_spread_under_the_round_trip_loss_never_buys():
    # 0.20 -> 0.23 is 15 %: under the loss of an 86 % round trip plus the cycle cost.
    prices = day_series(DAY, lambda h: 0.20 if h < 6 else 0.23)
    result = plan(inputs(prices, [venus("a", 10)], [0.15] * len(prices)))
    assert result.blocks == []
    assert result.reason.code == "spread_too_small"


def test_enough_stored_energy_means_nothing_bought_and_no_hold():
    prices = day_series(DAY, night_day_peak)
    result = plan(inputs(prices, [venus("a", 100), venus("b", 100)], [0.05] * len(prices)))
    assert result.blocks == []
    assert result.holds == ()
    assert result.reason.code == "no_deficit"


TEMPO = TempoPrices(0.1288, 0.1552, 0.1447, 0.1792, 0.1518, 0.6586)


def test_tempo_night_before_a_red_day_charges_off_peak_and_covers_red_peak():
    now = datetime(2026, 1, 14, 21, tzinfo=PARIS)
    series = tempo_series(now, "Blanc", "Rouge", TEMPO)
    prices = [s for s in series if s.end > now]
    load = [0.2 if 7 <= hour_of(s.start) < 22 else 0.1 for s in prices]
    fleet = [venus("a", 15), venus("b", 15)]
    inp = inputs(prices, fleet, load)
    result = plan(inp)
    assert result.reason.code == "tempo_red"
    for _, block in result.blocks:
        assert block.start >= datetime(2026, 1, 14, 22, tzinfo=PARIS)
        assert block.end <= datetime(2026, 1, 15, 6, tzinfo=PARIS)
    # Red peak use is 60 quarters x 0.2 + 4 x 0.1 = 12.4 kWh: more than the batteries hold,
    # so they are full when the red day starts at 06:00.
    outcome = simulate(
        inp, {bp.name: list(bp.blocks) for bp in result.batteries}, list(result.holds)
    )
    six = next(i for i, s in enumerate(prices) if s.label == "red_peak")
    span = sum(b.span_kwh for b in fleet)
    assert outcome.stored_kwh[six - 1] == pytest.approx(span, rel=0.01)
    red = [f for s, f in zip(prices, outcome.flows, strict=True) if s.label == "red_peak"]
    assert sum(f.discharge_kwh for f in red) == pytest.approx(
        sum(b.span_kwh for b in fleet) * 0.86**0.5, rel=0.02
    )


def test_tempo_blue_days_are_self_consumption():
    now = datetime(2026, 1, 12, 21, tzinfo=PARIS)
    prices = [s for s in tempo_series(now, "Bleu", "Bleu", TEMPO) if s.end > now]
    result = plan(inputs(prices, [venus("a", 20)], [0.15] * len(prices)))
    assert result.blocks == []


def test_tempo_white_day_is_softer_but_still_worth_a_charge():
    now = datetime(2026, 1, 12, 21, tzinfo=PARIS)
    prices = [s for s in tempo_series(now, "Bleu", "Blanc", TEMPO) if s.end > now]
    result = plan(inputs(prices, [venus("a", 20)], [0.15] * len(prices)))
    assert result.blocks  # blue off-peak 0.1288 -> white peak 0.1792 beats the loss
    assert result.reason.code == "charge_deficit"


SUPERDAL = TouPeriod("superdal", time(1), time(7), 0.18)
DAL = (
    TouPeriod("dal", time(22), time(1), 0.24, "weekdays"),
    TouPeriod("dal", time(0), time(0), 0.24, "weekends"),
)


def tou(start: datetime, hours: int) -> list[PriceSlot]:
    return time_of_use_series(
        (SUPERDAL, *DAL), 0.34, start=start, end=start + timedelta(hours=hours), tz=AMS
    )


def test_time_of_use_superdal_first():
    start = datetime(2026, 12, 7, 21, tzinfo=AMS)  # Monday evening
    prices = tou(start, 24)
    load = [0.05 if s.label == "peak" else 0.0 for s in prices]  # 200 W in peak hours
    # 3 kWh of peak use: 800 W in superdal (4.45 kWh stored) is enough.
    result = plan(inputs(prices, [Battery("a", 10, 10.0, 800, 2500)], load))
    ((_, block),) = result.blocks
    assert block.start >= datetime(2026, 12, 8, 1, tzinfo=AMS)
    assert block.end <= datetime(2026, 12, 8, 7, tzinfo=AMS)


def test_time_of_use_dal_only_for_what_is_still_missing():
    start = datetime(2026, 12, 7, 21, tzinfo=AMS)
    prices = tou(start, 24)
    load = [0.15 if s.label == "peak" else 0.0 for s in prices]
    # 400 W stores only 2.2 kWh in superdal; peak needs 9 kWh: dal tops it up.
    result = plan(inputs(prices, [Battery("a", 10, 10.0, 400, 2500)], load))
    ((_, block),) = result.blocks
    assert block.start < datetime(2026, 12, 8, 1, tzinfo=AMS)
    assert block.end == datetime(2026, 12, 8, 7, tzinfo=AMS)


def test_time_of_use_week_never_buys_at_peak():
    start = datetime(2026, 12, 7, tzinfo=AMS)
    for day in range(7):
        begin = start + timedelta(days=day)
        prices = tou(begin, 48)
        load = [0.2 if 7 <= hour_of(s.start) < 23 else 0.08 for s in prices]
        result = plan(inputs(prices, [venus("a", 20), venus("b", 40)], load))
        for _, block in result.blocks:
            labels = {s.label for s in prices if block.start <= s.start < block.end}
            assert "peak" not in labels, (begin, block)


def test_tomorrow_missing_at_the_night_start():
    prices = normalise("nordpool_custom", fixture("nordpool_custom_today.json"))
    now = datetime(2026, 12, 7, 1, tzinfo=AMS)
    horizon = [s for s in prices if s.end > now]
    load = [0.12] * len(horizon)
    result = plan(inputs(horizon, [venus("a", 20)], load))
    assert result.reason.text
    for _, block in result.blocks:
        assert block.end <= prices[-1].end
    # The last hours before midnight: a short horizon still plans.
    late = [s for s in prices if s.end > datetime(2026, 12, 7, 22, tzinfo=AMS)]
    assert plan(inputs(late, [venus("a", 50)], [0.1] * len(late))).reason.code


def test_spring_clock_change_night():
    prices = normalise("nordpool_custom", fixture("nordpool_custom_dst_spring_cents.json"))
    day = prices[:92]
    load = [0.05 if s.start.hour < 7 else 0.2 for s in day]
    result = plan(inputs(day, [venus("a", 15)], load))
    for _, block in result.blocks:
        assert block.end > block.start
        for entry in block.schedule_entries():
            assert entry["start_time"] != "02:00"  # 02:00-03:00 does not exist that night


def test_no_prices_means_self_consumption():
    result = plan(inputs([], [venus("a", 50)], []))
    assert result.reason.code == "no_prices"
    assert result.blocks == []


def test_a_written_plan_stays_unless_the_new_one_is_clearly_better():
    prices = day_series(DAY, night_day_peak)
    load = by_hour(prices, evening_heavy)
    fleet = [venus("a", 30)]
    first = plan(inputs(prices, fleet, load))
    # Slightly different forecast: the new optimum moves a little, the written plan stays.
    nudged = [x * 1.02 for x in load]
    again = plan(inputs(prices, fleet, nudged), previous_plan=first)
    assert again.reason.code == "kept_plan"
    assert again.blocks == first.blocks
    # A much larger evening: the old plan is far from enough, so it is replaced.
    bigger = [x * 3 for x in load]
    replaced = plan(inputs(prices, fleet, bigger), previous_plan=first)
    assert replaced.reason.code != "kept_plan"
    assert replaced.grid_charge_kwh > first.grid_charge_kwh


def test_plan_is_deterministic_and_json_ready():
    prices = day_series(DAY, night_day_peak)
    args = (prices, [venus("a", 30), venus("b", 20)], by_hour(prices, evening_heavy))
    one, two = plan(inputs(*args)).as_dict(), plan(inputs(*args)).as_dict()
    assert one == two
    blocks = [b for bp in one["batteries"] for b in bp["blocks"]]
    assert blocks
    assert all(b["schedule"][0]["power"] < 0 for b in blocks)


def test_schedule_entries_split_at_midnight():
    block = ChargeBlock(
        datetime(2026, 12, 7, 22, tzinfo=AMS), datetime(2026, 12, 8, 2, tzinfo=AMS), 1500, 6.0, 1.2
    )
    assert block.schedule_entries() == [
        {"start_time": "22:00", "end_time": "23:59", "week_set": 1, "power": -1500},
        {"start_time": "00:00", "end_time": "02:00", "week_set": 2, "power": -1500},
    ]


def test_inputs_must_line_up():
    prices = day_series(DAY, lambda _: 0.2)
    with pytest.raises(ValueError, match="one value per price slot"):
        plan(inputs(prices, [venus("a", 50)], [0.1]))


def test_autumn_clock_change_night_with_hourly_entsoe_prices():
    prices = normalise("entsoe", fixture("entsoe_dst_autumn.json"))
    assert sum(s.hours for s in prices[:25]) == pytest.approx(25)
    load = [0.4 if 17 <= s.start.hour < 21 else 0.3 for s in prices]
    result = plan(inputs(prices, [venus("a", 15), venus("b", 15)], load))
    assert result.blocks
    for _, block in result.blocks:
        hours = (block.end - block.start).total_seconds() / 3600
        assert block.power_w <= 2500
        assert block.energy_kwh <= block.power_w / 1000 * hours + 1e-9
        assert prices[0].start <= block.start < block.end <= prices[-1].end


def test_blocks_fit_the_batteries_power_and_the_schedule_slots():
    prices = day_series(DAY, negative_noon, days=2)
    fleet = [venus("a", 12, power=800), venus("b", 60), Battery("c", 40, 2.56, 1200, 800)]
    result = plan(inputs(prices, fleet, by_hour(prices, evening_heavy), max_blocks=2))
    limits = {b.name: b.max_charge_w for b in fleet}
    for battery in result.batteries:
        assert len(battery.blocks) <= 2
        for block in battery.blocks:
            assert 0 < block.power_w <= limits[battery.name]
            assert len(block.schedule_entries()) <= 2
