from __future__ import annotations

import logging
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.helpers import check_config
from homeassistant.util.yaml import parse_yaml
import pytest

YAML = """
template:
  - variables:
      batteries:
        - prefix: marstek_venuse_d828
          label: Fase A
          phase: L1
        - prefix: marstek_venuse_deb8
          label: Fase C
          phase: L3
      p1: sensor.p1
    sensor:
      - name: Marstek Rotation Config
        unique_id: mr_config
        state: "{{ batteries | count }}"
        attributes:
          batteries: "{{ batteries }}"
          labels: >-
            {{ [
              'a',
              'b',
            ] }}
          p1: "{{ p1 }}"
"""

async def test_exp(hass: HomeAssistant, caplog: pytest.LogCaptureFixture) -> None:
    conf = parse_yaml(YAML)
    assert await async_setup_component(hass, "template", conf)
    await hass.async_block_till_done()
    st = hass.states.get("sensor.marstek_rotation_config")
    print(st)
    print(type(st.attributes["batteries"]), st.attributes["batteries"])
    print(type(st.attributes["labels"]))
    import time, asyncio
    print(time.monotonic(), hass.loop.time())
    assert False
