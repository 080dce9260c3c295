"""Power flow of the household: who delivers or absorbs how much at one instant."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from .state import BatteryState


def share(total: float, headrooms: Sequence[float]) -> list[float]:
    """Split ``total`` (>= 0) evenly over batteries, none beyond its headroom.

    Water filling: a battery that hits its limit leaves the rest to the others.
    """
    shares = [0.0] * len(headrooms)
    remaining = total
    order = sorted(range(len(headrooms)), key=lambda index: headrooms[index])
    for position, index in enumerate(order):
        give = min(headrooms[index], remaining / (len(order) - position))
        shares[index] = give
        remaining -= give
    return shares


def dispatch(
    states: Sequence[BatteryState],
    load: float,
    solar: float,
    wall: datetime,
    moment: float | None = None,
) -> float:
    """Set every battery's ``power`` for this instant and return their sum.

    Batteries in Manual, Passive or UPS follow their setpoints. Batteries in Auto/AI
    act on what the P1 meter would show without them: they discharge to cancel import
    and charge from export, sharing the work. One that has lost its meter readings at
    simulator time ``moment`` (polling collided with them) does not charge from export.
    """
    following_meter: list[BatteryState] = []
    scheduled_total = 0.0
    for state in states:
        requested = state.setpoint(wall)
        if requested is None:
            following_meter.append(state)
            continue
        state.power = state.clamp(requested)
        scheduled_total += state.power
    residual = load - solar - scheduled_total  # > 0: import to cancel, < 0: export to absorb
    if residual >= 0:
        powers = share(residual, [state.discharge_headroom for state in following_meter])
    else:
        headrooms = [
            0.0 if moment is not None and s.meter_lost(moment) else s.charge_headroom
            for s in following_meter
        ]
        powers = [-p for p in share(-residual, headrooms)]
    for state, power in zip(following_meter, powers, strict=True):
        state.power = power
    return scheduled_total + sum(powers)
