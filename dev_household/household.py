"""The development household: simulated batteries and P1 meter, Home Assistant, and setup.

Everything is done the way a user would do it on a fresh Home Assistant: onboarding over REST,
the network adapter chosen in the network settings, each battery added through the
integration's config flow, the rotation package in packages/ with its household block filled
in, the dashboard saved as a dashboard. Nothing is written into Home Assistant's .storage.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp

from simulator.household import household_specs

from .dashboard import install_dashboard
from .flows import BatteryAddress, add_battery, configured_macs
from .ha_api import HomeAssistantApi, HomeAssistantError, Login, wait_for
from .package import Household, HouseholdBattery, install_packages
from .processes import ChildProcess

_LOGGER = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
ROTATION_FILES = REPO_ROOT / "custom_components" / "marstek_rotation" / "rotation"
DEVICE_PORT = 30000
RESTART_EXIT_CODE = 100  # Home Assistant's "restart me"
BROADCAST_HOST = "127.255.255.255"
LABELS = ("Fase A", "Fase B", "Fase C")
PHASES = ("L1", "L2", "L3")
P1_SENSOR = "sensor.p1_meter_power"
WEATHER_ENTITY = "weather.forecast_home"
# A dynamic contract: config/household.yaml reads the simulator's day-ahead prices into this.
TARIFF = "dynamic"
PRICES_ENTITY = "sensor.day_ahead_prices"
LOOPBACK_ADAPTERS = ["lo"]
# Where the development household lives; its time zone is also the simulator's local time.
CORE_CONFIG = {
    "latitude": 52.09,
    "longitude": 5.12,
    "elevation": 5,
    "unit_system": "metric",
    "currency": "EUR",
    "country": "NL",
    "language": "en",
}


def entity_prefix(model: str, ble_mac: str) -> str:
    """The entity prefix the config flow proposes for a battery (the integration's rule)."""
    from custom_components.marstek_rotation.naming import default_entity_prefix  # noqa: PLC0415

    return default_entity_prefix(model, ble_mac)


@dataclass(frozen=True, slots=True)
class Options:
    """How to run the household."""

    state_dir: Path
    batteries: int = 3
    time_zone: str = "Europe/Amsterdam"
    isolated: bool = True  # in a private network (nothing but loopback)
    ha_port: int = 8123  # Home Assistant's default; it listens there on its first start
    simulator_port: int = 8300
    login: Login = field(default_factory=lambda: Login("Developer", "dev", "dev"))
    public_ha_url: str | None = None  # where a browser reaches Home Assistant, if elsewhere
    public_simulator_url: str | None = None  # likewise for the simulator's HTTP API
    # The rotation left to the user: no package, household file or dashboard is installed;
    # Home Assistant has the integration folder, the batteries, the meter and the prices.
    rotation_by_ui: bool = False
    language: str = "en"


@dataclass(slots=True)
class Timings:
    """Seconds from the start of :meth:`DevHousehold.start` to each milestone."""

    simulator_ready: float = 0.0
    home_assistant_serving: float = 0.0
    onboarded: float = 0.0
    home_assistant_running: float = 0.0
    batteries_added: float = 0.0
    dashboard_installed: float = 0.0
    dashboard_ready: float = 0.0


@dataclass(frozen=True, slots=True)
class Battery:
    """One simulated battery of the household, as the package knows it."""

    host: str
    ble_mac: str
    model: str
    prefix: str
    label: str
    phase: str


def household_batteries(count: int) -> list[Battery]:
    """The first ``count`` batteries of the simulator's household, with package names."""
    batteries = []
    for index, spec in enumerate(household_specs(count)):
        label = LABELS[index] if index < len(LABELS) else f"Battery {index + 1}"
        batteries.append(
            Battery(
                host=spec.host,
                ble_mac=spec.ble_mac,
                model=spec.model,
                prefix=entity_prefix(spec.model, spec.ble_mac),
                label=label,
                phase=PHASES[index % len(PHASES)],
            )
        )
    return batteries


class DevHousehold:
    """Runs and sets up the household in a state folder; see the module docstring."""

    def __init__(self, options: Options) -> None:
        """Nothing starts until :meth:`start`."""
        self.options = options
        self.state_dir = options.state_dir.resolve()
        self.config_dir = self.state_dir / "config"
        self.log_dir = self.state_dir / "logs"
        self.batteries = household_batteries(options.batteries)
        self.timings = Timings()
        self.url = f"http://127.0.0.1:{options.ha_port}"
        self.public_url = options.public_ha_url or self.url
        self.simulator_url = f"http://127.0.0.1:{options.simulator_port}"
        self.public_simulator_url = options.public_simulator_url or self.simulator_url
        self.dashboard_path = ""
        self._session: aiohttp.ClientSession | None = None
        self.api: HomeAssistantApi | None = None
        self._simulator: ChildProcess | None = None
        self._home_assistant: ChildProcess | None = None
        self._started = 0.0
        self.restarts = 0
        self.on_event: Callable[[str], None] = _LOGGER.info

    @property
    def _ha(self) -> HomeAssistantApi:
        if self.api is None:
            msg = "Home Assistant is not started yet"
            raise HomeAssistantError(msg)
        return self.api

    @property
    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            msg = "the household is not started yet"
            raise HomeAssistantError(msg)
        return self._session

    # --- state folder --------------------------------------------------------------

    @property
    def _state_file(self) -> Path:
        return self.state_dir / "household.json"

    def _load_state(self) -> dict[str, Any]:
        if self._state_file.exists():
            state: dict[str, Any] = json.loads(self._state_file.read_text(encoding="utf-8"))
            return state
        return {}

    def _save_state(self, **changes: Any) -> None:
        state = self._load_state() | changes
        self._state_file.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")

    def _check_state(self) -> None:
        state = self._load_state()
        known = state.get("batteries")
        if known is not None and known != self.options.batteries:
            msg = (
                f"the household in {self.state_dir} has {known} batteries; to start over with "
                f"{self.options.batteries}, add --fresh (it deletes that folder's Home Assistant)"
            )
            raise HomeAssistantError(msg)
        known_zone = state.get("time_zone")
        if known_zone is not None and known_zone != self.options.time_zone:
            msg = f"the household in {self.state_dir} uses time zone {known_zone}; add --fresh"
            raise HomeAssistantError(msg)

    def prepare_config(self) -> None:
        """Write Home Assistant's configuration folder from config/, packages/ and the household."""
        self.config_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(
            REPO_ROOT / "config" / "configuration.yaml", self.config_dir / "configuration.yaml"
        )
        packages = self.config_dir / "packages"
        if self.options.rotation_by_ui:
            # The user's folder: what the integration's set-up installed stays.
            packages.mkdir(exist_ok=True)
            self._write_devices(packages)
            return
        shutil.rmtree(packages, ignore_errors=True)  # generated: always from the repository
        household = Household(
            batteries=tuple(HouseholdBattery(b.prefix, b.label, b.phase) for b in self.batteries),
            p1_sensor=P1_SENSOR,
            weather_entity=WEATHER_ENTITY,
            tariff=TARIFF,
            prices_entity=PRICES_ENTITY,
        )
        install_packages(ROTATION_FILES / "packages", packages, household)
        self._write_devices(packages)

    def _write_devices(self, packages: Path) -> None:
        """The meter, weather and prices (config/household.yaml), and the integration folder."""
        devices = (REPO_ROOT / "config" / "household.yaml").read_text(encoding="utf-8")
        devices = devices.replace("http://127.0.0.1:8300", self.simulator_url)
        (packages / "dev_household.yaml").write_text(devices, encoding="utf-8")
        link = self.config_dir / "custom_components"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(REPO_ROOT / "custom_components", target_is_directory=True)

    # --- life cycle ----------------------------------------------------------------

    def _elapsed(self) -> float:
        return round(time.monotonic() - self._started, 1)

    async def start(self) -> None:
        """Start everything and set it up; returns once the dashboard shows the rotation."""
        self._started = time.monotonic()
        self._check_state()
        self.prepare_config()
        self._save_state(batteries=self.options.batteries, time_zone=self.options.time_zone)
        self._session = aiohttp.ClientSession()
        await self._start_simulator()
        self.timings.simulator_ready = self._elapsed()
        await self._start_home_assistant()
        self.api = HomeAssistantApi(self._session, self.url)
        await self._ha.wait_until_serving(300)
        self.timings.home_assistant_serving = self._elapsed()
        await self._onboard_or_log_in()
        self.timings.onboarded = self._elapsed()
        await self._configure_network()
        await self._wait_until_running()
        self.timings.home_assistant_running = self._elapsed()
        await self._remove_failed_onboarding_suggestions()
        await self._keep_http_on_loopback()
        await self._add_missing_batteries()
        self.timings.batteries_added = self._elapsed()
        if self.options.rotation_by_ui:
            self._save_state(timings=asdict(self.timings))
            return  # the rotation is the user's to set up, through the integration
        async with await self._ha.websocket() as ws:
            self.dashboard_path = await install_dashboard(ws, ROTATION_FILES / "dashboards")
        self.timings.dashboard_installed = self._elapsed()
        await self._start_rotation_once()
        await self._wait_for_dashboard()
        self.timings.dashboard_ready = self._elapsed()
        self._save_state(timings=asdict(self.timings))

    async def _start_simulator(self) -> None:
        env = dict(os.environ, TZ=self.options.time_zone, PYTHONUNBUFFERED="1")
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])
        )
        self._simulator = ChildProcess(
            "simulator",
            [
                sys.executable,
                "-m",
                "simulator",
                "--batteries",
                str(self.options.batteries),
                "--port",
                str(DEVICE_PORT),
                "--broadcast-host",
                BROADCAST_HOST,
                "--profile",
                "day",
                "--http",
                f"127.0.0.1:{self.options.simulator_port}",
                "--status-every",
                "60",
                # Batteries keep their mode, charge and schedules over a restart, as real ones.
                "--state-file",
                str(self.state_dir / "simulator.json"),
            ],
            log_path=self.log_dir / "simulator.log",
            env=env,
            cwd=REPO_ROOT,
        )
        await self._simulator.start()
        await wait_for(self._simulator_answers, 30, "the simulator did not start")

    async def _simulator_answers(self) -> bool:
        if self._simulator is not None and not self._simulator.running:
            msg = f"the simulator stopped:\n{self._simulator.tail()}"
            raise HomeAssistantError(msg)
        try:
            async with self._http.get(f"{self.simulator_url}/sim/status") as response:
                return response.status == 200  # noqa: PLR2004
        except aiohttp.ClientError:
            return False

    async def _start_home_assistant(self) -> None:
        hass = Path(sys.executable).with_name("hass")
        self._home_assistant = ChildProcess(
            "Home Assistant",
            # scripts/setup installed every package this configuration needs. --skip-pip keeps
            # Home Assistant off the package index: onboarding's suggestions (Met.no, Google
            # Translate, Radio Browser) then fail fast instead of waiting for the network.
            [str(hass), "--config", str(self.config_dir), "--skip-pip"],
            log_path=self.log_dir / "home-assistant.out",
            env=dict(os.environ, TZ=self.options.time_zone),
            cwd=self.state_dir,
        )
        await self._home_assistant.start()

    async def _onboard_or_log_in(self) -> None:
        if await self._ha.onboarding_done():
            await self._ha.log_in(self.options.login)
            return
        core = CORE_CONFIG | {
            "time_zone": self.options.time_zone,
            "language": self.options.language,
        }
        login = replace(self.options.login, language=self.options.language)
        await self._ha.onboard(login, core)

    async def _wait_until_running(self) -> None:
        async def running() -> bool:
            await self._keep_home_assistant_running()
            async with await self._ha.websocket() as ws:
                config = await ws.call("get_config")
            return bool(config.get("state") == "RUNNING")

        await wait_for(running, 300, "Home Assistant did not finish starting")

    async def _keep_home_assistant_running(self) -> None:
        """Restart Home Assistant when it asked to be restarted; fail if it stopped otherwise.

        Home Assistant 2026.11 restarts by exiting with code 100 and leaves starting it again
        to whatever runs it (a supervisor, a container): here that is the household.
        """
        process = self._home_assistant
        if process is None or process.running:
            return
        if process.returncode == RESTART_EXIT_CODE:
            self.restarts += 1
            self.on_event("Home Assistant asked for a restart: starting it again")
            self.prepare_config()  # with the packages as they are now in packages/
            await process.start()
            return
        msg = f"Home Assistant stopped (exit code {process.returncode}):\n{process.tail()}"
        raise HomeAssistantError(msg)

    async def _configure_network(self) -> None:
        """Settings -> System -> Network: only the loopback adapter, as a user would choose."""
        async with await self._ha.websocket() as ws:
            await ws.call("network/configure", config={"configured_adapters": LOOPBACK_ADAPTERS})

    async def _remove_failed_onboarding_suggestions(self) -> None:
        """Delete what onboarding added and cannot work offline (Google Translate speech).

        A newcomer would otherwise meet a failed integration and an ERROR in the log that have
        nothing to do with the batteries.
        """
        async with await self._ha.websocket() as ws:
            entries = await ws.call("config_entries/get")
        for entry in entries:
            if entry.get("source") == "onboarding" and entry.get("state") == "setup_error":
                await self._ha.delete(f"/api/config/config_entries/entry/{entry['entry_id']}")
                _LOGGER.info("removed %s (added by onboarding, needs the internet)", entry["title"])

    async def _keep_http_on_loopback(self) -> None:
        """On the host's network: listen on 127.0.0.1 only, set as in the HTTP settings.

        Home Assistant applies new HTTP settings by restarting as a trial, and keeps them once
        confirmed (what the "Confirm new HTTP server configuration" dialog does).
        """
        if self.options.isolated or self._load_state().get("http_on_loopback"):
            return
        config = {"server_host": ["127.0.0.1"], "server_port": self.options.ha_port}
        async with await self._ha.websocket() as ws:
            answer = await ws.call("http/config/configure", config=config)
        if answer.get("restart"):

            async def restarted_with_trial() -> bool:
                await self._keep_home_assistant_running()
                try:
                    async with await self._ha.websocket() as ws:
                        http = await ws.call("http/config")
                        running = (await ws.call("get_config")).get("state") == "RUNNING"
                except (aiohttp.ClientError, HomeAssistantError, TimeoutError):
                    return False
                return bool(running and http.get("active_config_type") == "pending")

            await wait_for(restarted_with_trial, 300, "Home Assistant did not restart")
            async with await self._ha.websocket() as ws:
                await ws.call("http/config/promote")
        self._save_state(http_on_loopback=True)

    async def _add_missing_batteries(self) -> None:
        present = await configured_macs(self._ha)
        for battery in self.batteries:
            if battery.ble_mac in present:
                continue
            steps = await add_battery(
                self._ha, BatteryAddress(battery.host, DEVICE_PORT, battery.ble_mac)
            )
            _LOGGER.info(
                "added %s through the config flow: %s",
                battery.label,
                " -> ".join(str(step.step_id or step.result_type) for step in steps),
            )
            prefixes = [step.answer.get("entity_prefix") for step in steps]
            if battery.prefix not in prefixes:
                _LOGGER.warning(
                    "%s: the flow proposed prefix %s, the package expects %s",
                    battery.label,
                    prefixes,
                    battery.prefix,
                )

    async def _start_rotation_once(self) -> None:
        """Switch the rotation on, once, as the package's install notes tell a user to."""
        if self._load_state().get("rotation_switched_on"):
            return
        await wait_for(
            lambda: self._has_state("input_select.marstek_rotation_state"),
            60,
            "the rotation package did not load (input_select.marstek_rotation_state is missing)",
        )
        await self._ha.post(
            "/api/services/input_select/select_option",
            {"entity_id": "input_select.marstek_rotation_state", "option": "rotating"},
        )
        self._save_state(rotation_switched_on=True)

    async def _has_state(self, entity_id: str) -> bool:
        return await self._ha.state(entity_id) not in {None, "unavailable", "unknown"}

    async def _wait_for_dashboard(self) -> None:
        """Until the batteries show a SOC, the meter and prices a number, the rotation its state."""

        async def numeric(entity_id: str) -> bool:
            value = await self._ha.state(entity_id)
            try:
                float(value or "")
            except ValueError:
                return False
            return True

        async def ready() -> bool:
            await self._keep_home_assistant_running()
            for battery in self.batteries:
                if not await numeric(f"sensor.{battery.prefix}_state_of_charge"):
                    return False
            return (
                await numeric(P1_SENSOR)
                and await numeric(PRICES_ENTITY)
                and await self._has_state(WEATHER_ENTITY)
                and await self._has_state("input_select.marstek_rotation_state")
            )

        missing = "the batteries, the P1 meter, the prices or the rotation did not show up"
        await wait_for(ready, 180, missing)

    # --- while running -------------------------------------------------------------

    async def status_line(self) -> str:
        """One line: rotation state, meter, and each battery's mode, SOC and power."""
        async with self._http.get(f"{self.simulator_url}/sim/status") as response:
            status = await response.json()
        rotation = await self._ha.state("input_select.marstek_rotation_state")
        meter = status["meter"]
        parts = [
            f"{status['wall_time'][11:16]} rotation {rotation}",
            f"P1 {meter['power']:+.0f} W (load {meter['load']:.0f}, solar {meter['solar']:.0f})",
        ]
        labels = {battery.host: battery.label for battery in self.batteries}
        parts.extend(
            f"{labels.get(b['host'], b['host'])} {b['mode']} {b['soc']:.0f}% {b['power']:+.0f} W"
            for b in status["batteries"]
        )
        return " | ".join(parts)

    async def wait_for_exit(self) -> str:
        """Block until Home Assistant or the simulator ends by itself; returns which."""
        if self._home_assistant is None or self._simulator is None:
            msg = "the household is not started yet"
            raise HomeAssistantError(msg)
        while True:
            waits = {
                asyncio.ensure_future(self._home_assistant.wait()): self._home_assistant.name,
                asyncio.ensure_future(self._simulator.wait()): self._simulator.name,
            }
            done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            ended = waits[next(iter(done))]
            if ended != self._home_assistant.name:
                return ended
            try:
                await self._keep_home_assistant_running()
            except HomeAssistantError:
                return ended

    async def stop(self) -> None:
        """Stop Home Assistant (it saves its state), then the simulator."""
        if self._home_assistant is not None:
            await self._home_assistant.stop(grace=90)
        if self._simulator is not None:
            await self._simulator.stop(grace=10)
        if self._session is not None:
            await self._session.close()

    async def home_assistant_version(self) -> str:
        """The running Home Assistant's version."""
        async with await self._ha.websocket() as ws:
            config = await ws.call("get_config")
        return str(config.get("version", "?"))

    def ready_document(self) -> dict[str, Any]:
        """What scripts and tests need to use the running household."""
        tokens = self._ha.tokens
        if tokens is None:
            msg = "not logged in"
            raise HomeAssistantError(msg)
        return {
            "url": self.public_url,
            "internal_url": self.url,
            "dashboard_url": f"{self.public_url}{self.dashboard_path}",
            "dashboard_path": self.dashboard_path,
            "simulator_url": self.public_simulator_url,
            "internal_simulator_url": self.simulator_url,
            "username": self.options.login.username,
            "password": self.options.login.password,
            "batteries": [asdict(battery) for battery in self.batteries],
            "p1_sensor": P1_SENSOR,
            "weather_entity": WEATHER_ENTITY,
            "tariff": TARIFF,
            "prices_entity": PRICES_ENTITY,
            "time_zone": self.options.time_zone,
            "log_dir": str(self.log_dir),
            "config_dir": str(self.config_dir),
            "timings": asdict(self.timings),
            "tokens": tokens.as_frontend_storage(self.url),
        }
