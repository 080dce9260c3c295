"""A simulated household for the rotation package: three batteries, a P1 meter, a forecast.

The batteries are the simulator's (real UDP on loopback, real integration); the package is
loaded from packages/ the way Home Assistant merges packages; time moves with the freezer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant import config as conf_util
from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import async_get_platforms
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import load_yaml_dict, parse_yaml
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from simulator import BatterySpec, SimulatedBattery, Simulator
from tests.integration.conftest import (  # noqa: F401  # fixtures, re-used here
    BROADCAST,
    PORT,
    VENUS_E3_9A7D,
    VENUS_E_D828,
    VENUS_E_DEB8,
    auto_enable_custom_integrations,
    config_entry_for,
    loopback_network,
    setup_entry,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE = REPO_ROOT / "packages" / "marstek_rotation.yaml"
DASHBOARD = REPO_ROOT / "dashboards" / "marstek_rotation_card.yaml"
TIME_ZONE = "Europe/Brussels"

# The domains the package configures, in the order Home Assistant would need them.
PACKAGE_DOMAINS = (
    "input_boolean",
    "input_datetime",
    "input_number",
    "input_select",
    "input_text",
    "timer",
    "template",
    "script",
    "automation",
)

P1 = "sensor.p1_meter_power"
WEATHER = "weather.forecast_home"
FORECAST_SOURCE = "sensor.test_forecast_source"

# A weather entity whose hourly forecast the test writes into FORECAST_SOURCE's attribute.
TEST_WEATHER_YAML = f"""
template:
  - weather:
      - name: Forecast Home
        condition_template: sunny
        temperature_template: "{{{{ 12 }}}}"
        humidity_template: "{{{{ 60 }}}}"
        forecast_hourly_template: "{{{{ state_attr('{FORECAST_SOURCE}', 'forecast') or [] }}}}"
"""

# Messages that are not about the package: the integration announcing a battery it lost, and
# the harness noting a custom integration.
FOREIGN_LOGGERS = ("custom_components.marstek_rotation", "asyncio")
FOREIGN_MESSAGES = ("We found a custom integration",)


def load_package(
    batteries: Sequence[dict[str, str]] | None = None,
    p1_sensor: str | None = None,
    weather_entity: str | None = None,
) -> dict[str, Any]:
    """The package as Home Assistant's YAML loader reads it, optionally re-configured.

    Changing the household block (the one place that names batteries) is how a user adapts it.
    """
    package = load_yaml_dict(PACKAGE)
    household = package["template"][0]["variables"]
    if batteries is not None:
        household["batteries"] = [dict(battery) for battery in batteries]
    if p1_sensor is not None:
        household["p1_sensor"] = p1_sensor
    if weather_entity is not None:
        household["weather_entity"] = weather_entity
    return package


async def async_setup_package(
    hass: HomeAssistant, package: dict[str, Any], extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Merge the package as `homeassistant: packages:` does and set up every domain it uses.

    `extra` is the rest of the user's configuration (merged with the package, as in real life).
    """
    config: dict[str, Any] = {
        **(extra or {}),
        "homeassistant": {"packages": {"marstek_rotation": package}},
    }
    await conf_util.merge_packages_config(hass, config, config["homeassistant"]["packages"])
    for domain in PACKAGE_DOMAINS:
        assert await async_setup_component(hass, domain, config), domain
        # As at a real start: every entity exists before the automations attach their triggers.
        await hass.async_block_till_done()
    return config


def package_problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Warnings and errors logged by anything but the integration itself."""
    return [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.WARNING
        and not record.name.startswith(FOREIGN_LOGGERS)
        and not record.getMessage().startswith(FOREIGN_MESSAGES)
    ]


def slot_dict(battery: SimulatedBattery, index: int) -> dict[str, Any]:
    """One manual slot of a simulated battery as a plain dict."""
    slot = battery.manual_slots[index]
    return {
        "start": slot.start,
        "end": slot.end,
        "week_set": slot.week_set,
        "power": slot.power,
        "enabled": slot.enabled,
    }


class Household:
    """Three simulated batteries under the package, a P1 meter and a forecast the test drives."""

    def __init__(
        self,
        hass: HomeAssistant,
        freezer: FrozenDateTimeFactory,
        sim: Simulator,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """Wrap the pieces; `async_start` builds the household."""
        self.hass = hass
        self.freezer = freezer
        self.sim = sim
        self.caplog = caplog
        self.a: SimulatedBattery
        self.b: SimulatedBattery
        self.c: SimulatedBattery
        self.notifications: dict[str, str] = {}

    # --- building -----------------------------------------------------------------------

    async def async_start(
        self,
        socs: tuple[float, float, float] = (60.0, 45.0, 80.0),
        package: dict[str, Any] | None = None,
        state: str | None = "rotating",
        settle: float = 300.0,
    ) -> None:
        """Batteries, integration entries, the package with its defaults, and a quiet meter.

        With a `state`, the rotation is put in it and `settle` seconds pass (the cooldown after
        the first activation) before the batteries' records are cleared.
        """
        specs = (VENUS_E_D828, VENUS_E3_9A7D, VENUS_E_DEB8)
        self.a, self.b, self.c = [
            await self.sim.add_battery(_with_soc(spec, soc))
            for spec, soc in zip(specs, socs, strict=True)
        ]
        for spec in specs:
            await setup_entry(self.hass, config_entry_for(spec))
        await self.async_set_p1(0)
        self.set_forecast([])
        # Always loaded by Home Assistant itself; the package notifies through it.
        assert await async_setup_component(self.hass, "persistent_notification", {})
        persistent_notification.async_register_callback(self.hass, self._on_notifications)
        await async_setup_package(
            self.hass, package or load_package(), extra=parse_yaml(TEST_WEATHER_YAML)
        )
        # What the first start does (the automation "first run").
        self.hass.bus.async_fire("automation_reloaded")
        await self.async_settle()
        if state is not None:
            await self.async_set_state(state)
            await self.async_advance(settle)
        for battery in (self.a, self.b, self.c):
            battery.clear_received()

    @property
    def batteries(self) -> tuple[SimulatedBattery, SimulatedBattery, SimulatedBattery]:
        """Fase A (d828), Fase B (9a7d), Fase C (deb8)."""
        return self.a, self.b, self.c

    @callback
    def _on_notifications(
        self,
        update_type: persistent_notification.UpdateType,
        notifications: dict[str, persistent_notification.Notification],
    ) -> None:
        for notification_id, notification in notifications.items():
            if update_type is not persistent_notification.UpdateType.REMOVED:
                self.notifications[notification_id] = notification["message"]

    # --- driving ------------------------------------------------------------------------

    async def async_set_p1(self, watts: float) -> None:
        """The P1 meter now reads `watts` (negative = export); derived sensors follow."""
        self.hass.states.async_set(
            P1,
            str(round(watts)),
            {"unit_of_measurement": "W", "device_class": "power", "state_class": "measurement"},
        )
        await self.async_settle()

    async def async_settle(self) -> None:
        """Let state changes ripple through the template entities, polls and scripts."""
        await self.hass.async_block_till_done(wait_background_tasks=True)
        # Some updates (trigger-based template entities) are scheduled a moment later.
        await asyncio.sleep(0.01)
        await self.hass.async_block_till_done(wait_background_tasks=True)

    def set_forecast(self, hours: list[dict[str, Any]]) -> None:
        """The weather entity's hourly forecast from now on."""
        self.hass.states.async_set(FORECAST_SOURCE, "set", {"forecast": hours})

    async def async_set_state(self, option: str) -> None:
        """Choose a rotation state as a user would."""
        await self.hass.services.async_call(
            "input_select",
            "select_option",
            {"entity_id": "input_select.marstek_rotation_state", "option": option},
            blocking=True,
        )
        await self.async_settle()

    async def async_set_number(self, name: str, value: float) -> None:
        """Set one of the package's input_number settings."""
        await self.hass.services.async_call(
            "input_number",
            "set_value",
            {"entity_id": f"input_number.marstek_rotation_{name}", "value": value},
            blocking=True,
        )
        await self.async_settle()

    async def async_turn(self, name: str, *, on: bool) -> None:
        """Switch one of the package's input_boolean settings."""
        await self.hass.services.async_call(
            "input_boolean",
            "turn_on" if on else "turn_off",
            {"entity_id": f"input_boolean.marstek_rotation_{name}"},
            blocking=True,
        )
        await self.async_settle()

    async def async_call_script(self, name: str, **data: Any) -> None:
        """Run one of the package's scripts and wait for it."""
        await self.hass.services.async_call(
            "script", f"marstek_rotation_{name}", data, blocking=True
        )
        await self.async_settle()

    async def async_advance(
        self, seconds: float, step: float = 30.0, *, wait_for_scripts: bool = True
    ) -> None:
        """Let `seconds` pass in steps: polls, `for:` timers, time triggers and scripts run.

        Without `wait_for_scripts`, a script waiting in a `delay:` does not hold up the step
        (waiting for it would take the delay in real time); polls still get their replies.
        """
        left = seconds
        while left > 0:
            tick = min(step, left)
            self.freezer.tick(timedelta(seconds=tick))
            async_fire_time_changed(self.hass)
            # Polls run as background tasks: wait for their replies (real UDP) before the next
            # tick, or the jump would fire their timeouts first.
            if wait_for_scripts:
                await self.async_settle()
            else:
                await asyncio.sleep(0.05)
            left -= tick

    async def async_advance_to(self, hhmm: str, day_offset: int = 0, step: float = 30.0) -> None:
        """Advance (in steps) to the next local HH:MM:00 on today + `day_offset`."""
        hour, minute = (int(part) for part in hhmm.split(":"))
        now = dt_util.now()
        target = (now + timedelta(days=day_offset)).replace(
            hour=hour, minute=minute, second=0, microsecond=0
        )
        assert target > now, f"{target} is not after {now}"
        await self.async_advance((target - now).total_seconds(), step)

    # --- reading ------------------------------------------------------------------------

    def modes(self) -> tuple[str, str, str]:
        """The modes the simulated batteries are really in (A, B, C)."""
        return self.a.mode, self.b.mode, self.c.mode

    def state(self, entity_id: str) -> str:
        """An entity's state; fails when it does not exist."""
        state = self.hass.states.get(entity_id)
        assert state is not None, entity_id
        return state.state

    def attr(self, entity_id: str, name: str) -> Any:
        """An entity attribute; fails when the entity does not exist."""
        state = self.hass.states.get(entity_id)
        assert state is not None, entity_id
        return state.attributes.get(name)

    @property
    def active(self) -> str:
        """The battery the package tracks as active (its entity prefix, or "")."""
        return self.state("input_text.marstek_rotation_active")

    @property
    def rotation(self) -> str:
        """The rotation state."""
        return self.state("input_select.marstek_rotation_state")

    def set_mode_writes(self, battery: SimulatedBattery) -> list[dict[str, Any]]:
        """The `config` of every ES.SetMode the battery received, oldest first."""
        return [
            datagram.payload["config"]
            for datagram in battery.received
            if datagram.method == "ES.SetMode" and isinstance(datagram.payload, dict)
        ]

    def auto_writes(self, battery: SimulatedBattery) -> list[float]:
        """Simulator times at which the battery was told to go to Auto."""
        return [
            datagram.time
            for datagram in battery.received
            if datagram.method == "ES.SetMode"
            and isinstance(datagram.payload, dict)
            and datagram.payload["config"]["mode"] == "Auto"
        ]

    def problems(self) -> list[str]:
        """Warnings and errors not from the integration."""
        return package_problems(self.caplog)


def _with_soc(spec: BatterySpec, soc: float) -> BatterySpec:
    from dataclasses import replace  # noqa: PLC0415

    return replace(spec, soc=soc)


@pytest.fixture
async def household_sim() -> AsyncIterator[Simulator]:
    """A simulator whose schedules run on Home Assistant's local time (and the freezer)."""
    async with Simulator(port=PORT, broadcast_host=BROADCAST, now=dt_util.now) as sim:
        yield sim


@pytest.fixture
async def household(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    household_sim: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> AsyncIterator[Household]:
    """An unbuilt household in Brussels; call `async_start`."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    caplog.set_level(logging.INFO)
    yield Household(hass, freezer, household_sim, caplog)
    await async_detach_package(hass)


async def async_detach_package(hass: HomeAssistant) -> None:
    """Remove the package's entities so their time listeners are released.

    Home Assistant leaves the timers of time-pattern triggers and of templates using now()
    scheduled after it stops; the test plugin would report them as lingering timers.
    """
    for domain in ("automation", "script", "template", "timer"):
        for platform in async_get_platforms(hass, domain):
            await platform.async_reset()
    # Trigger-based template entities share coordinators that hold the triggers.
    for coordinator in hass.data.pop("template", None) or []:
        await coordinator.async_shutdown()
    await hass.async_block_till_done()
