"""The plan's reason: a stable code (translations come later) and one English sentence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .fleet import BatteryPlan, HoldPeriod, PlanInputs, Reason

# Codes, most specific first.
NO_PRICES = "no_prices"
KEPT_PLAN = "kept_plan"
NEGATIVE_PRICE = "negative_price"
TEMPO_RED = "tempo_red"
CHARGE_DEFICIT = "charge_deficit"
HOLD_FOR_PEAK = "hold_for_peak"
SPREAD_TOO_SMALL = "spread_too_small"
NO_DEFICIT = "no_deficit"
CODES = (
    NO_PRICES,
    KEPT_PLAN,
    NEGATIVE_PRICE,
    TEMPO_RED,
    CHARGE_DEFICIT,
    HOLD_FOR_PEAK,
    SPREAD_TOO_SMALL,
    NO_DEFICIT,
)
_SMALL_KWH = 0.05


def _clock(moment: datetime) -> str:
    return moment.strftime("%a %H:%M")


def explain(  # noqa: PLR0911 - one return per reason code
    inputs: PlanInputs,
    batteries: Sequence[BatteryPlan],
    holds: Sequence[HoldPeriod],
    deficit: float,
    kept: float | None,
) -> Reason:
    """Why the plan looks as it does."""
    prices = inputs.prices
    blocks = sorted((b for bp in batteries for b in bp.blocks), key=lambda b: b.start)
    bought = sum(b.energy_kwh for b in blocks)
    if not prices:
        return Reason(
            NO_PRICES, "No prices: the batteries cover the house and nothing is bought to store."
        )
    if kept is not None:
        return Reason(
            KEPT_PLAN,
            f"Kept the plan already written: a new one would save only "
            f"{max(0.0, -kept):.2f} more, under the "
            f"{inputs.replace_margin:.2f} margin.",
        )
    first = f"{_clock(blocks[0].start)}-{blocks[-1].end.strftime('%H:%M')}" if blocks else ""
    if blocks and any(
        s.price < 0 and any(b.start <= s.start < b.end for b in blocks) for s in prices
    ):
        return Reason(
            NEGATIVE_PRICE,
            f"Negative prices: charging {bought:.2f} kWh ({first}); "
            "the grid pays for taking the energy.",
        )
    if blocks and any(s.label == "red_peak" for s in prices):
        return Reason(
            TEMPO_RED,
            f"Red Tempo day ahead: charging {bought:.2f} kWh off-peak "
            f"({first}) to cover the red peak hours.",
        )
    if blocks:
        cheapest = min(s.price for s in prices if any(b.start <= s.start < b.end for b in blocks))
        return Reason(
            CHARGE_DEFICIT,
            f"{deficit:.2f} kWh of the expected use is not covered by stored energy and "
            f"solar; buying {bought:.2f} kWh ({first}, from {cheapest:.3f} per kWh) pays off "
            "for the dearer hours.",
        )
    if holds:
        return Reason(
            HOLD_FOR_PEAK,
            f"Holding the stored energy from {_clock(holds[0].start)} "
            "for dearer hours later; nothing is bought.",
        )
    if deficit > _SMALL_KWH:
        low, high = min(s.price for s in prices), max(s.price for s in prices)
        return Reason(
            SPREAD_TOO_SMALL,
            f"A deficit of {deficit:.2f} kWh, but the price spread "
            f"({low:.3f} to {high:.3f}) does not beat the round-trip loss "
            f"({inputs.round_trip:.0%}): nothing is bought.",
        )
    return Reason(
        NO_DEFICIT,
        "Stored energy and solar cover the expected use: the batteries "
        "cover the house and nothing is bought.",
    )
