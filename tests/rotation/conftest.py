"""A simulated household for the rotation package: batteries, a P1 meter, a forecast, a clock.

The batteries are the simulator's (real UDP on loopback, real integration); the package and its
household file are loaded from packages/ the way Home Assistant merges packages; time moves with
the freezer. The P1 meter is either a value the test sets or, with `meter=True`, the simulated
household's grid power: then batteries in Auto really absorb the surplus the test's sun makes.

MARSTEK_ROTATION_PACKAGES=<dir> runs the scenarios against the package files in another folder
(for instance an earlier release, to show that a scenario fails there).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant import config as conf_util
from homeassistant.components import persistent_notification
from homeassistant.const import EVENT_HOMEASSISTANT_START, EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import CoreState, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.entity_platform import async_get_platforms
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import load_yaml_dict, parse_yaml
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

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

from .writes import WriteReport

REPO_ROOT = Path(__file__).resolve().parents[2]
ROTATION_FILES = REPO_ROOT / "custom_components" / "marstek_rotation" / "rotation"
PACKAGES = Path(os.environ.get("MARSTEK_ROTATION_PACKAGES", ROTATION_FILES / "packages"))
PACKAGE = PACKAGES / "marstek_rotation.yaml"
HOUSEHOLD = PACKAGES / "marstek_rotation_household.yaml"
DASHBOARD = ROTATION_FILES / "dashboards" / "marstek_rotation.yaml"
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
# What a restart re-creates of the package (helpers keep their state, as they restore it).
RESTARTED_DOMAINS = ("template", "script", "automation")

P1 = "sensor.p1_meter_power"
WEATHER = "weather.forecast_home"
FORECAST_SOURCE = "sensor.test_forecast_source"
HOUSEHOLD_PREFIXES = ("marstek_venuse_d828", "marstek_venuse_3_0_9a7d", "marstek_venuse_deb8")
# Batteries 4 to 6 of a larger household (Venus E, made-up MACs, consecutive loopback hosts).
EXTRA_SPECS = tuple(
    BatterySpec(host=f"127.0.0.{5 + index}", ble_mac=f"02000000{index + 3:04x}", mode="Manual")
    for index in range(3)
)
EXTRA_PREFIXES = tuple(f"marstek_venuse_{index + 3:04x}" for index in range(3))
REMOVE = object()  # a household key to leave out

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


def load_package() -> dict[str, Any]:
    """The package as Home Assistant's YAML loader reads it."""
    return load_yaml_dict(PACKAGE)


def load_household(**changes: Any) -> dict[str, Any]:
    """The household file as Home Assistant reads it, with keys changed as a user would.

    `batteries=[...]`, `p1_sensor=...`, `weather_entity=...` and so on replace that key of the
    household block; REMOVE leaves the key out.
    """
    household = load_yaml_dict(HOUSEHOLD)
    block = household["template"][0]["variables"]
    for key, value in changes.items():
        if value is REMOVE:
            block.pop(key, None)
        elif key == "batteries":
            block[key] = [dict(battery) for battery in value]
        else:
            block[key] = value
    return household


def batteries_block(prefixes: Iterable[str]) -> list[dict[str, str]]:
    """Household rows for these prefixes, labelled Battery 1, 2, ..."""
    return [
        {"prefix": prefix, "label": f"Battery {index}", "phase": f"L{(index - 1) % 3 + 1}"}
        for index, prefix in enumerate(prefixes, start=1)
    ]


async def async_setup_package(
    hass: HomeAssistant,
    package: dict[str, Any] | None = None,
    household: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    *,
    with_household: bool = True,
) -> dict[str, Any]:
    """Merge the package files as `homeassistant: packages:` does and set up every domain.

    `extra` is the rest of the user's configuration (merged with the packages, as in real life).
    Returns the merged configuration (what a restart reloads).
    """
    packages = {"marstek_rotation": package if package is not None else load_package()}
    if with_household:
        packages["marstek_rotation_household"] = (
            household if household is not None else load_household()
        )
    config: dict[str, Any] = {**(extra or {}), "homeassistant": {"packages": packages}}
    await conf_util.merge_packages_config(hass, config, packages)
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
    """Simulated batteries under the package, a P1 meter and a forecast the test drives."""

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
        self.extra: list[SimulatedBattery] = []
        self.entries: list[MockConfigEntry] = []
        self.notifications: dict[str, str] = {}
        self.config: dict[str, Any] = {}
        self.follow_meter = False

    # --- building -----------------------------------------------------------------------

    async def async_start(
        self,
        socs: tuple[float, float, float] = (60.0, 45.0, 80.0),
        package: dict[str, Any] | None = None,
        household: dict[str, Any] | None = None,
        state: str | None = "rotating",
        settle: float = 300.0,
        *,
        modes: tuple[str, str, str] | None = None,
        meter: bool = False,
        extra_batteries: int = 0,
        poll_timeout: float = 1.0,
    ) -> None:
        """Batteries, integration entries, the package with its defaults, and a quiet meter.

        With a `state`, the rotation is put in it and `settle` seconds pass (the cooldown after
        the first activation) before the batteries' records are cleared. `meter` makes the P1
        sensor follow the simulated household; `extra_batteries` adds up to three Venus E;
        `poll_timeout` is the integration's timeout (short: a silent battery costs less time).
        """
        specs = [VENUS_E_D828, VENUS_E3_9A7D, VENUS_E_DEB8]
        specs = [
            replace(spec, soc=soc, mode=modes[index] if modes else spec.mode)
            for index, (spec, soc) in enumerate(zip(specs, socs, strict=True))
        ]
        self.a, self.b, self.c = [await self.sim.add_battery(spec) for spec in specs]
        self.extra = [await self.sim.add_battery(spec) for spec in EXTRA_SPECS[:extra_batteries]]
        for spec in specs + list(EXTRA_SPECS[:extra_batteries]):
            self.entries.append(
                await setup_entry(self.hass, config_entry_for(spec, timeout=poll_timeout))
            )
        self.follow_meter = meter
        await self.async_set_p1(self.sim.meter.power if meter else 0)
        self.set_forecast([])
        # Always loaded by Home Assistant itself; the package notifies through it.
        assert await async_setup_component(self.hass, "persistent_notification", {})
        persistent_notification.async_register_callback(self.hass, self._on_notifications)
        self.config = await async_setup_package(
            self.hass, package, household, extra=parse_yaml(TEST_WEATHER_YAML)
        )
        # What the first start does (the automation "first run").
        self.hass.bus.async_fire("automation_reloaded")
        await self.async_settle()
        if state is not None:
            await self.async_set_state(state)
            await self.async_advance(settle)
        for battery in self.all_batteries:
            battery.clear_received()

    @property
    def batteries(self) -> tuple[SimulatedBattery, SimulatedBattery, SimulatedBattery]:
        """Fase A (d828), Fase B (9a7d), Fase C (deb8)."""
        return self.a, self.b, self.c

    @property
    def all_batteries(self) -> list[SimulatedBattery]:
        """Every simulated battery, the three of the household first."""
        return [self.a, self.b, self.c, *self.extra]

    @callback
    def _on_notifications(
        self,
        update_type: persistent_notification.UpdateType,
        notifications: dict[str, persistent_notification.Notification],
    ) -> None:
        for notification_id, notification in notifications.items():
            if update_type is persistent_notification.UpdateType.REMOVED:
                self.notifications.pop(notification_id, None)
            else:
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
        With a meter that follows the simulation, P1 is read after every step.
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
            if self.follow_meter:
                await self.async_set_p1(self.sim.meter.power)
            left -= tick

    async def async_advance_to(self, hhmm: str, day_offset: int = 0, step: float = 30.0) -> None:
        """Advance (in steps) to just past the next local HH:MM:00 on today + `day_offset`.

        The frozen clock ticks with real time as well, so a step can end a few milliseconds
        short of its mark, and a minute trigger due at HH:MM:00 would then wait for the next
        step: the last step ends one second past the mark.
        """
        hour, minute = (int(part) for part in hhmm.split(":"))
        now = dt_util.now()
        target = (now + timedelta(days=day_offset)).replace(
            hour=hour, minute=minute, second=0, microsecond=0
        )
        assert target > now, f"{target} is not after {now}"
        await self.async_advance((target - now).total_seconds() + 1, step)

    async def async_restart(self, downtime: float = 0.0) -> None:
        """Restart Home Assistant as far as the package sees it, in a real start's order.

        Shutdown: the package's automations and scripts stop, then the integration's entries
        unload. `downtime` seconds pass with Home Assistant down (the batteries carry on). Start,
        as Home Assistant's own start does it: the package's templates, scripts and automations
        are built anew from the configuration (restoring what they restore) and the entries set
        up again (a fresh read of every battery) while Home Assistant is not running; then
        "start": the templates attach their triggers and render, and everything that follows
        from that happens while no automation listens yet; only then do the automations arm
        their triggers and "started" is announced. Helpers keep their values, as their restore
        gives them back.
        """
        services = self.hass.services
        await services.async_call(
            "automation", "turn_off", {"entity_id": "all", "stop_actions": True}, blocking=True
        )
        await services.async_call("script", "turn_off", {"entity_id": "all"}, blocking=True)
        for entry in self.entries:
            assert await self.hass.config_entries.async_unload(entry.entry_id)
        await self.async_settle()
        if downtime:
            self.freezer.tick(timedelta(seconds=downtime))
        self.hass.set_state(CoreState.not_running)
        with patch.object(conf_util, "async_hass_config_yaml", return_value=self.config):
            for domain in RESTARTED_DOMAINS:
                await services.async_call(domain, "reload", blocking=True)
                await self.async_settle()
        for entry in self.entries:
            assert await self.hass.config_entries.async_setup(entry.entry_id)
        await self.async_settle()
        self.hass.set_state(CoreState.starting)
        self.hass.bus.async_fire(EVENT_HOMEASSISTANT_START)
        await self.async_settle()
        # Reloading restored "off" from the shutdown above. A real start arms the automations
        # here (a startup job, after everything that listens to "start"), then announces
        # "started" (their `homeassistant: start` triggers fire on it).
        await services.async_call("automation", "turn_on", {"entity_id": "all"}, blocking=True)
        self.hass.set_state(CoreState.running)
        self.hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
        await self.async_settle()

    # --- reading ------------------------------------------------------------------------

    def record(self, entity_id: str) -> list[str]:
        """From now on, every state `entity_id` takes (not attribute changes), in order."""
        states: list[str] = []

        @callback
        def _changed(event: Event[EventStateChangedData]) -> None:
            old, new = event.data["old_state"], event.data["new_state"]
            if new is not None and (old is None or old.state != new.state):
                states.append(new.state)

        async_track_state_change_event(self.hass, entity_id, _changed)
        return states

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

    def write_report(self, names: Sequence[str], since: float, hours: int) -> WriteReport:
        """ES.SetMode counts per battery, per hour from `since` (simulator time)."""
        return WriteReport.count(
            {
                name: [d.time for d in battery.received if d.method == "ES.SetMode"]
                for name, battery in zip(names, self.all_batteries, strict=False)
            },
            since=since,
            hours=hours,
        )

    def problems(self) -> list[str]:
        """Warnings and errors not from the integration."""
        return package_problems(self.caplog)


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


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the write-budget figures the scenarios measured (SetMode per battery per hour)."""
    if not WriteReport.collected and not WriteReport.notes:
        return
    terminalreporter.section("rotation write budget: ES.SetMode per battery per hour")
    for line in WriteReport.summary_lines():
        terminalreporter.write_line(line)
