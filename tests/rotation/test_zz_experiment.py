from __future__ import annotations

import time
from datetime import timedelta

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import parse_yaml
from pytest_homeassistant_custom_component.common import async_fire_time_changed

pytestmark = pytest.mark.freeze_time("2026-03-04 11:00:00+00:00", tick=True)

YAML = """
input_datetime:
  ns:
    has_date: false
    has_time: true
  last:
    has_date: true
    has_time: true
template:
  - sensor:
      - name: fc_source
        state: "x"
        attributes:
          hours: >-
            {{ [
              {'datetime': (today_at('09:00') + timedelta(days=1)).isoformat(), 'condition': 'sunny', 'temperature': 10},
              {'datetime': (today_at('10:00') + timedelta(days=1)).isoformat(), 'condition': 'partlycloudy', 'temperature': 10},
            ] }}
    weather:
      - name: Test Forecast
        condition_template: sunny
        temperature_template: "{{ 20 }}"
        humidity_template: "{{ 50 }}"
        forecast_hourly_template: "{{ state_attr('sensor.fc_source', 'hours') }}"
  - triggers:
      - trigger: event
        event_type: refresh_it
    actions:
      - variables:
          w: weather.test_forecast
      - action: weather.get_forecasts
        target:
          entity_id: "{{ w }}"
        data:
          type: hourly
        response_variable: forecast
    sensor:
      - name: sunny
        state: "{{ forecast[w].forecast | count }}"
        attributes:
          raw: "{{ forecast[w].forecast }}"
"""

async def test_exp(hass: HomeAssistant, freezer) -> None:
    await hass.config.async_set_time_zone("Europe/Brussels")
    conf = parse_yaml(YAML)
    for d in ("input_datetime", "template"):
        assert await async_setup_component(hass, d, conf)
    await hass.async_block_till_done()
    await hass.services.async_call("input_datetime", "set_datetime", {"entity_id": "input_datetime.ns", "time": "01:30:00"}, blocking=True)
    await hass.services.async_call("input_datetime", "set_datetime", {"entity_id": "input_datetime.last", "timestamp": dt_util.now().timestamp()}, blocking=True)
    print(hass.states.get("input_datetime.ns"))
    print(hass.states.get("input_datetime.last"))
    hass.bus.async_fire("refresh_it")
    await hass.async_block_till_done()
    print(hass.states.get("sensor.sunny"))
    print(hass.states.get("weather.test_forecast"))
    m0, l0 = time.monotonic(), hass.loop.time()
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    print("mono delta", time.monotonic() - m0, "loop delta", hass.loop.time() - l0, dt_util.now())
    assert False
