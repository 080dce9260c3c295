from __future__ import annotations

import asyncio
import pytest
from homeassistant.util import dt as dt_util
from homeassistant.helpers.entity_platform import async_get_platforms

from .conftest import Household

pytestmark = pytest.mark.freeze_time("2026-03-04 11:00:00+00:00", tick=True)


async def test_debug(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))
    hass = household.hass
    for platform in async_get_platforms(hass, "template"):
        for ent in platform.entities.values():
            if ent.entity_id == "binary_sensor.marstek_rotation_exporting":
                tr = ent._template_result_info
                for t, info in tr._last_info.items():
                    print(t.template[:40], info.rate_limit, info.entities, info.domains, info.all_states, info.exception)
    household.set_p1(-800)
    for i in range(12):
        await asyncio.sleep(0.2)
        print(dt_util.now().time(), household.state("sensor.marstek_rotation_grid_power"), household.state("binary_sensor.marstek_rotation_exporting"))
    assert False
