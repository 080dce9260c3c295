"""The plan's reason: a stable code, one English sentence and the values in it.

The sentences are templates with named placeholders; the integration fills a translated
sentence of the same code with the same values (planning.py), English stays the fallback.
"""

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
# The English sentence of each code; its placeholders are the Reason's values.
SENTENCES = {
    NO_PRICES: "No prices: the batteries cover the house and nothing is bought to store.",
    KEPT_PLAN: (
        "Kept the plan already written: a new one would save only {saving} more, "
        "under the {margin} margin."
    ),
    NEGATIVE_PRICE: (
        "Negative prices: charging {bought} kWh ({when}); the grid pays for taking the energy."
    ),
    TEMPO_RED: (
        "Red Tempo day ahead: charging {bought} kWh off-peak ({when}) to cover the red peak hours."
    ),
    CHARGE_DEFICIT: (
        "{deficit} kWh of the expected use is not covered by stored energy and solar; buying "
        "{bought} kWh ({when}, from {cheapest} per kWh) pays off for the dearer hours."
    ),
    HOLD_FOR_PEAK: (
        "Holding the stored energy from {when} for dearer hours later; nothing is bought."
    ),
    SPREAD_TOO_SMALL: (
        "A deficit of {deficit} kWh, but the price spread ({low} to {high}) does not beat the "
        "round-trip loss ({round_trip}): nothing is bought."
    ),
    NO_DEFICIT: (
        "Stored energy and solar cover the expected use: the batteries cover the house and "
        "nothing is bought."
    ),
}
_SMALL_KWH = 0.05


def _clock(moment: datetime) -> str:
    return moment.strftime("%a %H:%M")


def _reason(code: str, **values: str) -> Reason:
    return Reason(code, SENTENCES[code].format(**values), values)


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
    bought = f"{sum(b.energy_kwh for b in blocks):.2f}"
    if not prices:
        return _reason(NO_PRICES)
    if kept is not None:
        return _reason(
            KEPT_PLAN, saving=f"{max(0.0, -kept):.2f}", margin=f"{inputs.replace_margin:.2f}"
        )
    when = f"{_clock(blocks[0].start)}-{blocks[-1].end.strftime('%H:%M')}" if blocks else ""
    if blocks and any(
        s.price < 0 and any(b.start <= s.start < b.end for b in blocks) for s in prices
    ):
        return _reason(NEGATIVE_PRICE, bought=bought, when=when)
    if blocks and any(s.label == "red_peak" for s in prices):
        return _reason(TEMPO_RED, bought=bought, when=when)
    if blocks:
        cheapest = min(s.price for s in prices if any(b.start <= s.start < b.end for b in blocks))
        return _reason(
            CHARGE_DEFICIT,
            deficit=f"{deficit:.2f}",
            bought=bought,
            when=when,
            cheapest=f"{cheapest:.3f}",
        )
    if holds:
        return _reason(HOLD_FOR_PEAK, when=_clock(holds[0].start))
    if deficit > _SMALL_KWH:
        low, high = min(s.price for s in prices), max(s.price for s in prices)
        return _reason(
            SPREAD_TOO_SMALL,
            deficit=f"{deficit:.2f}",
            low=f"{low:.3f}",
            high=f"{high:.3f}",
            round_trip=f"{inputs.round_trip:.0%}",
        )
    return _reason(NO_DEFICIT)
