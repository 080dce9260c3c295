"""The savings method, against hand-computed numbers and against the two bills."""

from __future__ import annotations

from datetime import date

import pytest

from custom_components.marstek_rotation.pricing import PlanInputs, SlotFlows, plan, savings
from custom_components.marstek_rotation.pricing.simulate import simulate

from .helpers import by_hour, day_series, venus


def test_hand_computed_savings():
    flows = [
        SlotFlows(price=0.10, feed_in=0.05, grid_charge_kwh=2.0),  # costs 0.20
        SlotFlows(price=-0.02, feed_in=-0.02, grid_charge_kwh=1.0),  # earns 0.02
        SlotFlows(price=0.07, feed_in=0.07, solar_charge_kwh=1.5),  # 0.105 not exported
        SlotFlows(price=0.40, feed_in=0.05, discharge_kwh=3.0),  # 1.20 not imported
    ]
    result = savings(flows)
    assert result.avoided_import == pytest.approx(1.20)
    assert result.grid_charge_cost == pytest.approx(0.18)
    assert result.lost_feed_in == pytest.approx(0.105)
    assert result.total == pytest.approx(0.915)


def test_savings_equal_the_difference_of_the_two_bills():
    prices = day_series(
        date(2026, 6, 15),
        lambda h: 0.10 if h < 6 else 0.02 if 11 <= h < 15 else 0.40 if 18 <= h < 22 else 0.25,
    )
    load = by_hour(prices, lambda h: 0.25 if 18 <= h < 22 else 0.1)
    solar = by_hour(prices, lambda h: max(0.0, 0.5 - abs(h - 13) * 0.1) if 8 <= h < 18 else 0.0)
    inp = PlanInputs(prices, [venus("a", 30), venus("b", 60)], load, solar, feed_in=0.05)
    result = plan(inp)
    blocks = {bp.name: list(bp.blocks) for bp in result.batteries}
    with_batteries = simulate(inp, blocks, list(result.holds))
    without = simulate(inp, {}, [], batteries=False)
    saved = savings(with_batteries.flows).total
    assert saved == pytest.approx(without.cost - with_batteries.cost, abs=1e-9)
    assert saved > 0
    assert with_batteries.cost == pytest.approx(result.expected_cost)
