# ruff: noqa: PLR2004, S311 - profiles are clock hours; seeded random only makes repeatable data
"""Simulated weeks for the planner benchmark: prices per tariff kind, a house, strategies.

Everything is deterministic (seeded) and runs without Home Assistant. Strategies run hour by
hour through the pricing package's execution model (`pricing.simulate`), so each is judged by
the same physics; the perfect-foresight optimum is a linear program over the same week.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from custom_components.marstek_rotation.pricing import (
    Battery,
    ChargeBlock,
    HoldPeriod,
    Plan,
    PlanInputs,
    PriceSlot,
    TempoPrices,
    TouPeriod,
    plan,
    tempo_series,
    time_of_use_series,
)
from custom_components.marstek_rotation.pricing.simulate import simulate

AMS = ZoneInfo("Europe/Amsterdam")
PARIS = ZoneInfo("Europe/Paris")
QUARTER = timedelta(minutes=15)
DAYS = 7
ROUND_TRIP = 0.86
# Today's package: the night 01:00-07:00 charges up to `desired_capacity` (10 kWh) less the
# energy stored and the solar expected for the day (the night plan of
# rotation/packages/marstek_rotation.yaml).
FIXED_TARGET_KWH = 10.0
FIXED_START, FIXED_END = 1, 7
TEMPO = TempoPrices(0.1288, 0.1552, 0.1447, 0.1792, 0.1518, 0.6586)
TEMPO_COLOURS = ("Bleu", "Blanc", "Rouge", "Rouge", "Blanc", "Bleu", "Bleu", "Blanc")
TOU = (
    TouPeriod("superdal", time(1), time(7), 0.18),
    TouPeriod("dal", time(22), time(1), 0.24, "weekdays"),
    TouPeriod("dal", time(0), time(0), 0.24, "weekends"),
)


@dataclass(frozen=True, slots=True)
class Week:
    """One tariff kind's week: prices (one day more, for look-ahead), load and solar."""

    kind: str
    tz: ZoneInfo
    prices: list[PriceSlot]
    feed_in: list[float]
    load: list[float]
    solar: list[float]
    # When tomorrow's prices become known (local hour); 0: all known a day ahead.
    publish_hour: int = 13
    # Prices the planner sees: none for tariff `none`.
    planner_sees_prices: bool = True


def _quarters(start: datetime, count: int) -> list[tuple[datetime, datetime]]:
    cursor = start.astimezone(UTC)
    out = []
    for _ in range(count):
        out.append((cursor.astimezone(start.tzinfo), (cursor + QUARTER).astimezone(start.tzinfo)))
        cursor += QUARTER
    return out


def _hour(moment: datetime) -> float:
    return moment.hour + moment.minute / 60


def _house(
    slots: Sequence[tuple[datetime, datetime]], seed: int, sun: float
) -> tuple[list[float], list[float]]:
    """Load (kWh per quarter) with a morning and a big evening peak; winter solar by day."""
    rng = random.Random(seed)
    clouds = {day: rng.uniform(0.15, 1.0) for day in range(DAYS + 2)}
    load, solar = [], []
    first = slots[0][0].date()
    for start, _ in slots:
        hour = _hour(start)
        watts = 280.0
        if 7 <= hour < 9:
            watts = 650
        elif 9 <= hour < 17:
            watts = 420
        elif 17 <= hour < 22:
            watts = 1250
        load.append(watts * rng.uniform(0.8, 1.2) / 4000)
        bell = max(0.0, math.cos((hour - 12.5) / 8 * math.pi)) if 8.5 <= hour < 16.5 else 0.0
        solar.append(sun * bell * clouds[(start.date() - first).days] / 4)
    return load, solar


def dynamic_week() -> Week:
    """Day-ahead quarters plus 0.13 taxes; feed-in at the market price (also negative)."""
    start = datetime(2026, 12, 7, tzinfo=AMS)
    slots = _quarters(start, (DAYS + 1) * 96)
    rng = random.Random(15)
    level = {day: rng.uniform(0.06, 0.12) for day in range(DAYS + 2)}
    prices, feed_in = [], []
    for begin, end in slots:
        hour = _hour(begin)
        day = (begin.date() - start.date()).days
        market = level[day] + 0.025 * math.cos((hour - 19) / 24 * 2 * math.pi)
        if 11 <= hour < 15:
            market -= 0.25 if day == 5 else 0.05  # a sunny Saturday goes negative
        if 17 <= hour < 21:
            market += rng.uniform(0.06, 0.14)
        market += rng.uniform(-0.006, 0.006)
        prices.append(PriceSlot(begin, end, market + 0.13))
        feed_in.append(market)
    load, solar = _house(slots, 1, 3.0)
    return Week("dynamic", AMS, prices, feed_in, load, solar)


def tou_week() -> Week:
    """Superdal / dal / peak, known in advance; feed-in 0.05."""
    start = datetime(2026, 12, 7, tzinfo=AMS)
    prices = time_of_use_series(
        TOU, 0.34, start=start, end=start + timedelta(days=DAYS + 1), tz=AMS
    )
    load, solar = _house([(s.start, s.end) for s in prices], 2, 3.0)
    return Week("time_of_use", AMS, prices, [0.05] * len(prices), load, solar, publish_hour=0)


def tempo_week() -> Week:
    """EDF Tempo, a week in January with two red days; tomorrow's colour known from 11:00."""
    first = datetime(2026, 1, 12, 6, tzinfo=PARIS)
    prices: list[PriceSlot] = []
    for day in range(DAYS + 1):
        moment = first + timedelta(days=day, hours=1)
        today = tempo_series(moment, TEMPO_COLOURS[day], None, TEMPO)
        prices.extend(today)
    load, solar = _house([(s.start, s.end) for s in prices], 3, 2.0)
    return Week("tempo", PARIS, prices, [0.05] * len(prices), load, solar, publish_hour=11)


def none_week() -> Week:
    """No tariff data: one flat price; the planner sees no prices at all."""
    start = datetime(2026, 12, 7, tzinfo=AMS)
    slots = _quarters(start, (DAYS + 1) * 96)
    prices = [PriceSlot(a, b, 0.30) for a, b in slots]
    load, solar = _house(slots, 4, 3.0)
    return Week("none", AMS, prices, [0.05] * len(prices), load, solar, planner_sees_prices=False)


WEEKS: tuple[Callable[[], Week], ...] = (dynamic_week, tou_week, tempo_week, none_week)


def fleet(count: int = 3, soc: float = 30.0) -> list[Battery]:
    """Venus E batteries: 5.12 kWh, 2500 W both ways, 10 % minimum SOC."""
    return [Battery(f"venus_{n + 1}", soc, 5.12, 2500, 2500) for n in range(count)]


@dataclass(slots=True)
class Run:
    """What one strategy did over the week."""

    name: str
    cost: float = 0.0
    imported: float = 0.0
    grid_charge: float = 0.0
    end_kwh: float = 0.0
    plan_ms: list[float] = field(default_factory=list)
    modes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    writes: dict[str, list[int]] = field(default_factory=dict)  # the hour of each write

    def most_writes_in_an_hour(self) -> int:
        """The most mode changes and schedule rewrites to one battery in one hour."""
        counts = [hours.count(h) for hours in self.writes.values() for h in set(hours)]
        return max(counts, default=0)


type Policy = Callable[
    [Week, int, list[Battery], Plan | None],
    tuple[dict[str, list[ChargeBlock]], list[HoldPeriod], Plan | None],
]


def _known_until(week: Week, index: int) -> int:
    """Index after the last price slot known at slot `index` (today, tomorrow after publish)."""
    now = week.prices[index].start.astimezone(week.tz)
    tempo = week.kind == "tempo"
    day = now.date() if not tempo or now.hour >= 6 else now.date() - timedelta(1)
    # Tempo: tomorrow's colour is out from 11:00 until the day changes at 06:00.
    ahead = 2 if now.hour >= week.publish_hour or (tempo and now.hour < 6) else 1
    edge = datetime.combine(
        day + timedelta(days=ahead), time(6 if week.kind == "tempo" else 0), week.tz
    )
    return next((i for i, s in enumerate(week.prices) if s.start >= edge), len(week.prices))


def planner_policy(
    week: Week, index: int, batteries: list[Battery], previous: Plan | None
) -> tuple[dict[str, list[ChargeBlock]], list[HoldPeriod], Plan | None]:
    """Our planner, re-run every hour on what is known then (forecasts: the real week)."""
    end = _known_until(week, index) if week.planner_sees_prices else index
    inputs = PlanInputs(
        week.prices[index:end],
        batteries,
        week.load[index:end],
        week.solar[index:end],
        feed_in=week.feed_in[index:end],
        round_trip=ROUND_TRIP,
    )
    result = plan(inputs, previous_plan=previous)
    return {bp.name: list(bp.blocks) for bp in result.batteries}, list(result.holds), result


def fixed_policy(
    week: Week, index: int, batteries: list[Battery], previous: Plan | None
) -> tuple[dict[str, list[ChargeBlock]], list[HoldPeriod], Plan | None]:
    """Today's package: every night 01:00-07:00 in Manual, charging to the target."""
    del previous
    start = week.prices[index].start.astimezone(week.tz)
    if start.hour != FIXED_START or start.minute:
        return {}, [], None
    night_end = start.replace(hour=FIXED_END)
    day = [
        i
        for i, s in enumerate(week.prices)
        if s.start.date() == start.date() and 7 <= s.start.astimezone(week.tz).hour < 20
    ]
    pv = sum(week.solar[i] for i in day)
    stored = sum(b.usable_kwh for b in batteries)
    needed = max(0.0, FIXED_TARGET_KWH - stored - pv)
    blocks: dict[str, list[ChargeBlock]] = {}
    hours = FIXED_END - FIXED_START
    for battery in sorted(batteries, key=lambda b: -b.room_kwh):
        kwh = min(battery.room_kwh, needed, battery.max_charge_w / 1000 * hours)
        if kwh >= 0.1:  # the package's own threshold
            power = round(kwh * 1000 / hours)
            blocks[battery.name] = [ChargeBlock(start, night_end, power, kwh, 0.0)]
            needed -= kwh
    return blocks, [HoldPeriod(start, night_end)], None


def run(week: Week, policy: Policy, name: str, batteries: list[Battery]) -> Run:
    """Execute a policy hour by hour over the week (plans carry over until replaced)."""
    result = Run(name)
    state = list(batteries)
    blocks: dict[str, list[ChargeBlock]] = {}
    holds: list[HoldPeriod] = []
    previous: Plan | None = None
    written: dict[str, list[ChargeBlock]] = {}
    for index in range(0, DAYS * 96, 4):
        clock = datetime.now(UTC)
        new_blocks, new_holds, new_plan = policy(week, index, state, previous)
        result.plan_ms.append((datetime.now(UTC) - clock).total_seconds() * 1000)
        if new_plan is not None or new_blocks or new_holds:
            blocks, holds, previous = new_blocks, new_holds, new_plan
        for b in state:
            # A changed block list is a schedule rewrite for that battery.
            if blocks.get(b.name, []) != written.get(b.name, []):
                result.writes.setdefault(b.name, []).append(index // 4)
                written[b.name] = list(blocks.get(b.name, []))
        hour = slice(index, index + 4)
        inputs = PlanInputs(
            week.prices[hour],
            state,
            week.load[hour],
            week.solar[hour],
            feed_in=week.feed_in[hour],
            round_trip=ROUND_TRIP,
        )
        outcome = simulate(inputs, blocks, holds)
        result.cost += outcome.cost
        result.imported += outcome.import_kwh
        result.grid_charge += outcome.grid_charge_kwh
        state = [
            replace(b, soc=b.min_soc + kwh / b.capacity_kwh * 100)
            for b, kwh in zip(state, outcome.battery_kwh, strict=True)
        ]
        for b in state:
            for quarter in week.prices[hour]:
                mode = _mode(b.name, quarter.start, blocks, holds)
                modes = result.modes.setdefault(b.name, [])
                if modes and modes[-1][1] != mode:
                    result.writes.setdefault(b.name, []).append(index // 4)
                modes.append((index // 4, mode))
    result.end_kwh = sum(b.usable_kwh for b in state)
    return result


def _mode(
    name: str, moment: datetime, blocks: dict[str, list[ChargeBlock]], holds: list[HoldPeriod]
) -> str:
    if any(b.start <= moment < b.end for b in blocks.get(name, ())):
        return "charge"
    if any(h.start <= moment < h.end for h in holds):
        return "hold"
    return "auto"
