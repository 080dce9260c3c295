"""The marstek CLI, run as a subprocess (through scripts/marstek) against simulated batteries."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simulator import BatterySpec, Quirks, SimulatedBattery, Simulator
from tests.wire import NEUTRAL_MANUAL_CONFIG

from .conftest import BROADCAST_HUB

REPO_ROOT = Path(__file__).resolve().parents[2]
WRAPPER = REPO_ROOT / "scripts" / "marstek"
HOST = "127.0.0.2"


@dataclass(frozen=True, slots=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


async def run(*args: str, env: dict[str, str] | None = None) -> Completed:
    """Run a command without blocking the loop the simulated batteries live on."""
    process = await asyncio.create_subprocess_exec(
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},
        cwd=REPO_ROOT,
    )
    async with asyncio.timeout(30):
        stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return Completed(process.returncode, stdout.decode(), stderr.decode())


async def marstek(device_port: int, *args: str) -> Completed:
    """scripts/marstek with this interpreter, bound to 127.0.0.1 and the device port."""
    return await run(
        "bash",
        str(WRAPPER),
        "--port",
        str(device_port),
        "--local-host",
        "127.0.0.1",
        "--timeout",
        "0.5",
        *args,
        env={"MARSTEK_PYTHON": sys.executable},
    )


def assert_one_line_error(completed: Completed, code: int, *fragments: str) -> None:
    assert completed.returncode == code, completed
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith("marstek: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def wire(battery: SimulatedBattery) -> dict[str, Any]:
    request = json.loads(battery.received[-1].raw)
    assert isinstance(request, dict)
    assert isinstance(request.pop("id"), int)
    return request


@pytest.fixture
async def battery(sim: Simulator) -> SimulatedBattery:
    return await sim.add_battery(
        BatterySpec(host=HOST, model="VenusE", firmware=155, ble_mac="acd92968d828", soc=42.0)
    )


async def test_device_text(device_port: int, battery: SimulatedBattery) -> None:
    completed = await marstek(device_port, "device", HOST)
    assert completed.returncode == 0, completed.stderr
    assert "model:" in completed.stdout
    assert "VenusE" in completed.stdout
    assert "acd92968d828" in completed.stdout
    assert wire(battery) == {"method": "Marstek.GetDevice", "params": {"ble_mac": "0"}}


async def test_device_json(device_port: int, battery: SimulatedBattery) -> None:
    completed = await marstek(device_port, "--json", "device", HOST)
    assert completed.returncode == 0, completed.stderr
    assert completed.json() == {
        "model": "VenusE",
        "firmware": 155,
        "firmware_version": 155,
        "ble_mac": "acd92968d828",
        "wifi_mac": battery.spec.reported_wifi_mac,
        "ssid": "SimNet",
        "reported_ip": HOST,
        "host": HOST,
        "src": "VenusE-acd92968d828",
    }


async def test_mode_text_and_json(device_port: int, battery: SimulatedBattery) -> None:
    text = await marstek(device_port, "mode", HOST)
    assert text.returncode == 0, text.stderr
    assert "mode:" in text.stdout
    assert "auto" in text.stdout
    assert "42 %" in text.stdout
    # Global options are accepted after the command as well.
    as_json = await marstek(device_port, "mode", HOST, "--json")
    assert as_json.returncode == 0, as_json.stderr
    data = as_json.json()
    assert (data["host"], data["mode"], data["soc"], data["offgrid_power"]) == (HOST, "auto", 42, 0)
    assert wire(battery) == {"method": "ES.GetMode", "params": {"id": 0}}


async def test_set_mode_passive(device_port: int, battery: SimulatedBattery) -> None:
    completed = await marstek(
        device_port, "set-mode", HOST, "passive", "--power", "-800", "--duration", "300"
    )
    assert completed.returncode == 0, completed.stderr
    assert "passive" in completed.stdout
    assert wire(battery) == {
        "method": "ES.SetMode",
        "params": {
            "id": 0,
            "config": {"mode": "Passive", "passive_cfg": {"power": -800, "cd_time": 300}},
        },
    }
    assert battery.mode == "Passive"


@pytest.mark.parametrize(
    ("mode", "config", "reported"),
    [
        ("auto", {"mode": "Auto", "auto_cfg": {"enable": 1}}, "Auto"),
        ("ai", {"mode": "AI", "ai_cfg": {"enable": 1}}, "AI"),
        (
            "manual",
            NEUTRAL_MANUAL_CONFIG,
            "Manual",
        ),
    ],
)
async def test_set_mode_json(
    device_port: int,
    battery: SimulatedBattery,
    mode: str,
    config: dict[str, Any],
    reported: str,
) -> None:
    completed = await marstek(device_port, "--json", "set-mode", HOST, mode)
    assert completed.returncode == 0, completed.stderr
    assert completed.json() == {"host": HOST, "success": True, "mode": mode}
    assert wire(battery) == {"method": "ES.SetMode", "params": {"id": 0, "config": config}}
    assert battery.mode == reported


async def test_set_schedule(device_port: int, battery: SimulatedBattery) -> None:
    completed = await marstek(
        device_port,
        "--json",
        "set-schedule",
        HOST,
        "--slot",
        "2",
        "--start",
        "08:00",
        "--end",
        "9:30",
        "--days",
        "mon,wed,weekend",
        "--power",
        "-500",
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.json()["days"] == ["mon", "wed", "sat", "sun"]
    assert wire(battery)["params"]["config"] == {
        "mode": "Manual",
        "manual_cfg": {
            "time_num": 2,
            "start_time": "08:00",
            "end_time": "09:30",
            "week_set": 1 | 4 | 32 | 64,
            "power": -500,
            "enable": 1,
        },
    }
    assert battery.manual_slots[2].enabled


async def test_set_schedule_disabled_every_day(device_port: int, battery: SimulatedBattery) -> None:
    completed = await marstek(
        device_port,
        "set-schedule",
        HOST,
        "--slot=0",
        "--start=00:00",
        "--end=23:59",
        "--power=800",
        "--disable",
    )
    assert completed.returncode == 0, completed.stderr
    assert "disabled" in completed.stdout
    cfg = wire(battery)["params"]["config"]["manual_cfg"]
    assert (cfg["week_set"], cfg["enable"]) == (127, 0)


async def test_set_schedule_without_days_is_refused(
    device_port: int, battery: SimulatedBattery
) -> None:
    completed = await marstek(
        device_port,
        "set-schedule",
        HOST,
        "--slot=1",
        "--start=01:00",
        "--end=02:00",
        "--power=-500",
        "--days",
        ",",
    )
    assert_one_line_error(completed, 2, "days must name at least one day")
    assert battery.received == []


async def test_a_reply_with_a_huge_integer_is_read_without_a_traceback(
    device_port: int, battery: SimulatedBattery
) -> None:
    battery.quirks = Quirks(getmode_overrides={"input_energy": int("9" * 401), "bat_soc": 250})
    completed = await marstek(device_port, "--json", "mode", HOST)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    data = completed.json()
    assert data["soc"] is None
    assert data["input_energy"] is None
    assert data["implausible"] == ["bat_soc", "input_energy"]
    assert data["mode"] == "auto"
    text = await marstek(device_port, "mode", HOST)
    assert "impossible values: bat_soc, input_energy" in " ".join(text.stdout.split())


async def test_clear_schedules(device_port: int, battery: SimulatedBattery) -> None:
    completed = await marstek(device_port, "--min-interval", "0.02", "clear-schedules", HOST)
    assert completed.returncode == 0, completed.stderr
    slots = [json.loads(e.raw)["params"]["config"]["manual_cfg"] for e in battery.received]
    assert [slot["time_num"] for slot in slots] == list(range(10))
    assert all(slot["enable"] == 0 for slot in slots)


async def test_discover(device_port: int, sim: Simulator, battery: SimulatedBattery) -> None:
    await sim.add_battery(
        BatterySpec(host="127.0.0.3", model="VenusE 3.0", firmware=1509, ble_mac="009b08a5e0a0")
    )
    args = ("--broadcast", BROADCAST_HUB, "discover", "--duration", "0.3")
    as_json = await marstek(device_port, "--json", *args)
    assert as_json.returncode == 0, as_json.stderr
    assert [(d["host"], d["ble_mac"], d["firmware_version"]) for d in as_json.json()] == [
        (HOST, "acd92968d828", 155),
        ("127.0.0.3", "009b08a5e0a0", 150),
    ]
    text = await marstek(device_port, *args)
    assert "Found 2 batteries." in text.stdout
    assert battery.received[-1].broadcast


async def test_discover_nothing(device_port: int, sim: Simulator) -> None:
    assert sim.batteries == ()
    completed = await marstek(
        device_port, "--broadcast", BROADCAST_HUB, "discover", "--duration", "0.2"
    )
    assert completed.returncode == 0
    assert "No batteries answered." in completed.stdout


async def test_timeout_exit_code(device_port: int, battery: SimulatedBattery) -> None:
    battery.quirks.silent = True
    completed = await marstek(device_port, "mode", HOST)
    assert_one_line_error(completed, 1, "did not answer ES.GetMode", "0.5 s")


async def test_device_error_exit_code(device_port: int, sim: Simulator) -> None:
    await sim.add_battery(
        BatterySpec(host=HOST), quirks=Quirks(error_replies={"ES.SetMode": -32602})
    )
    completed = await marstek(device_port, "clear-schedules", HOST)
    assert_one_line_error(completed, 1, "code -32602", "slot 0")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("set-mode", HOST, "passive", "--power", "-800"), ("--power", "--duration")),
        (("set-mode", HOST, "passive", "--power", "-20000", "--duration", "5"), ("-10000",)),
        (("set-mode", HOST, "auto", "--power", "100"), ("only apply to passive",)),
        (
            (
                "set-schedule",
                HOST,
                "--slot",
                "12",
                "--start",
                "1:00",
                "--end",
                "2:00",
                "--power",
                "0",
            ),
            ("0 to 9",),
        ),
        (
            (
                "set-schedule",
                HOST,
                "--slot",
                "1",
                "--start",
                "25:00",
                "--end",
                "2:00",
                "--power",
                "0",
            ),
            ("00:00 to 23:59",),
        ),
        (
            (
                "set-schedule",
                HOST,
                "--slot=1",
                "--start=01:00",
                "--end=02:00",
                "--power=0",
                "--days=mon,funday",
            ),
            ("mon to sun",),
        ),
        (("mode", "battery.local"), ("IPv4",)),
    ],
)
async def test_invalid_input_exit_code(
    device_port: int, battery: SimulatedBattery, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    completed = await marstek(device_port, *args)
    assert_one_line_error(completed, 2, *fragments)
    assert battery.received == []


async def test_usage_error_exit_code(device_port: int) -> None:
    completed = await marstek(device_port, "explode")
    assert completed.returncode == 2
    assert "invalid choice" in completed.stderr


async def test_bind_failure_exit_code(device_port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.bind(("127.0.0.1", device_port))
        completed = await marstek(device_port, "mode", HOST)
    assert_one_line_error(completed, 3, f"127.0.0.1:{device_port}", "already in use")


async def test_invalid_input_is_reported_before_binding(device_port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.bind(("127.0.0.1", device_port))
        discover = await marstek(device_port, "discover", "--duration", "0")
        passive = await marstek(device_port, "set-mode", HOST, "passive", "--power", "1")
    assert_one_line_error(discover, 2, "duration must be a positive number")
    assert_one_line_error(passive, 2, "--duration")


async def test_installed_library_pulls_in_no_home_assistant() -> None:
    # -I: no PYTHONPATH and no current directory, only what is installed in the environment.
    code = (
        "import sys, pymarstek, pymarstek.cli; "
        "assert pymarstek.MarstekClient.__module__ == 'pymarstek.client'; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'homeassistant', 'custom_components'}); "
        "print(bad)"
    )
    completed = await run(sys.executable, "-I", "-c", code)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"


async def test_entry_points() -> None:
    console_script = str(Path(sys.executable).parent / "marstek")
    for command in (
        [console_script],
        [sys.executable, "-I", "-m", "pymarstek"],
        [sys.executable, "-I", "-m", "pymarstek.cli"],
    ):
        completed = await run(*command, "--help")
        assert completed.returncode == 0, completed.stderr
        assert "usage: marstek" in completed.stdout
        for name in (
            "discover",
            "device",
            "mode",
            "set-mode",
            "set-schedule",
            "clear-schedules",
        ):
            assert name in completed.stdout
