from __future__ import annotations

import pytest

from .conftest import Household

pytestmark = pytest.mark.freeze_time("2026-03-04 11:00:00+00:00", tick=True)


async def test_smoke(household: Household) -> None:
    await household.async_start()
    hass = household.hass
    for s in sorted(hass.states.async_all(), key=lambda s: s.entity_id):
        if "rotation" in s.entity_id:
            print(s.entity_id, s.state, dict(s.attributes) if s.domain in ("sensor", "binary_sensor") else "")
    print(household.modes())
    print(household.problems())
    assert False
