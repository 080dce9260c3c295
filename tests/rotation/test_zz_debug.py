from __future__ import annotations

import pytest
from homeassistant.util import dt as dt_util

from .conftest import Household

pytestmark = pytest.mark.freeze_time("2026-03-04 11:00:00+00:00", tick=True)


async def test_debug(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))
    hass = household.hass
    household.set_p1(-800)
    for i in range(16):
        await household.async_advance(10, step=10)
        s = hass.states.get("binary_sensor.marstek_rotation_exporting")
        print(dt_util.now().time(), household.state("sensor.marstek_rotation_grid_power"), s.state, s.last_changed.time(), household.modes(), household.state("input_text.marstek_rotation_last_event"))
    assert False
