"""The command line: option parsing, and the real program as a subprocess."""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from simulator.cli import QuirkAssignment, main, parse_http_address, parse_quirk
from simulator.profiles import day_load

from .conftest import free_udp_port

REPO_ROOT = Path(__file__).resolve().parents[2]
BATTERY_LINE = re.compile(
    r"^battery (\d+): (127\.\d+\.\d+\.\d+):(\d+) model='([^']+)'.* ble_mac=(\w+)"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("latency=0.5", QuirkAssignment(None, "latency", 0.5)),
        ("2:silent=true", QuirkAssignment(2, "silent", True)),
        ("silent=off", QuirkAssignment(None, "silent", False)),
        ("duplicate_replies=2", QuirkAssignment(None, "duplicate_replies", 2)),
        ("lockup_after_per_minute=none", QuirkAssignment(None, "lockup_after_per_minute", None)),
        ("3:es_getstatus=silent", QuirkAssignment(3, "es_getstatus", "silent")),
        (
            "error_replies=ES.GetStatus:-32601,Bat.GetStatus:-32603",
            QuirkAssignment(
                None, "error_replies", {"ES.GetStatus": -32601, "Bat.GetStatus": -32603}
            ),
        ),
    ],
)
def test_parse_quirk(text: str, expected: QuirkAssignment) -> None:
    assert parse_quirk(text) == expected


@pytest.mark.parametrize(
    "text", ["latency", "volume=11", "silent=maybe", "es_getstatus=sometimes", "latency=fast"]
)
def test_bad_quirks_are_refused(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - message differs per case
        parse_quirk(text)


@pytest.mark.parametrize(
    "argv",
    [
        ["--base-ip", "192.168.1.20"],
        ["--broadcast-host", "10.255.255.255"],
        ["--quirk", "nonsense=1"],
    ],
)
def test_cli_refuses_with_a_clear_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert "simulate: error:" in capsys.readouterr().err


class LineReader:
    """Reads a child's stdout line by line with a deadline (a plain readline could hang)."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        self._fd = process.stdout.fileno()
        self._buffer = b""

    def readline(self, deadline: float) -> str:
        with selectors.DefaultSelector() as selector:
            selector.register(self._fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                    pytest.fail(f"the simulator printed no full line in time: {self._buffer!r}")
                chunk = os.read(self._fd, 4096)
                if not chunk:
                    pytest.fail(f"the simulator exited early: {self._buffer!r}")
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode()


def _start_simulator(
    port: int, base_ip: str, *options: str, batteries: int = 1, **env: str
) -> subprocess.Popen[bytes]:
    """`python -m simulator` on loopback; its output is read through pipes."""
    return subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [
            sys.executable,
            "-m",
            "simulator",
            "--batteries",
            str(batteries),
            "--port",
            str(port),
            "--base-ip",
            base_ip,
            *options,
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
    )


def test_cli_runs_batteries_until_interrupted() -> None:
    port = free_udp_port()
    process = _start_simulator(
        port, "127.0.0.30", "--load", "500", "--quirk", "2:duplicate_replies=1", batteries=2
    )
    try:
        deadline = time.monotonic() + 15
        reader = LineReader(process)
        batteries = []
        while not (line := reader.readline(deadline)).startswith("ready"):
            if match := BATTERY_LINE.match(line):
                batteries.append(match.groups())
        assert batteries == [
            ("1", "127.0.0.30", str(port), "VenusE", "acd92968d828"),
            ("2", "127.0.0.31", str(port), "VenusE 3.0", "009b08a59a7d"),
        ]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            client.bind(("127.0.0.1", port))
            client.settimeout(5)
            request = {"id": 1, "method": "Marstek.GetDevice", "params": {"ble_mac": "0"}}
            client.sendto(json.dumps(request).encode(), ("127.0.0.30", port))
            data, source = client.recvfrom(4096)
        assert source == ("127.0.0.30", port)
        assert json.loads(data)["result"]["ble_mac"] == "acd92968d828"
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert stdout.decode().strip().endswith("stopped")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("127.0.0.1:8300", ("127.0.0.1", 8300)), ("127.0.0.9:1", ("127.0.0.9", 1))],
)
def test_parse_http_address(text: str, expected: tuple[str, int]) -> None:
    assert parse_http_address(text) == expected


@pytest.mark.parametrize(
    "text", ["8300", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "localhost:8300"]
)
def test_bad_http_addresses_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"HOST:PORT|literal IPv4"):
        parse_http_address(text)


def test_cli_refuses_a_non_loopback_http_address(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--http", "192.168.1.5:8300"]) == 2
    assert "not a loopback address" in capsys.readouterr().err


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback URL
        return json.load(response)


def test_cli_serves_the_meter_and_status_over_http() -> None:
    port = free_udp_port()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        http_port = probe.getsockname()[1]
    process = _start_simulator(
        port,
        "127.0.0.40",
        "--no-broadcast",
        "--profile",
        "day",
        "--solar",
        "0",
        "--http",
        f"127.0.0.1:{http_port}",
        TZ="UTC",
    )
    try:
        deadline = time.monotonic() + 15
        reader = LineReader(process)
        lines = []
        while not (line := reader.readline(deadline)).startswith("ready"):
            lines.append(line)
        assert any(f"HTTP API on http://127.0.0.1:{http_port}" in line for line in lines)
        base = f"http://127.0.0.1:{http_port}"
        status = _get_json(f"{base}/sim/status")
        wall = datetime.fromisoformat(status["wall_time"])
        assert wall.utcoffset() == timedelta(0)  # TZ decides the household's local time
        load = day_load()
        # The profile at the status's wall time (rounded to the second, so allow a neighbour).
        assert status["meter"]["load"] in {load(wall + timedelta(seconds=s)) for s in (-1, 0, 1)}
        assert status["meter"]["solar"] == 0
        [battery] = status["batteries"]
        assert battery["host"] == "127.0.0.40"
        reading = _get_json(f"{base}/api/v1/data")
        assert isinstance(reading["active_power_w"], int)
        prices = _get_json(f"{base}/api/v1/prices")
        # The slots are in the process's zone (TZ=UTC here) and start at its midnight.
        assert prices["prices"][0]["start"].endswith("T00:00:00+00:00")
        assert isinstance(prices["current"], float)
        added = urllib.request.Request(f"{base}/sim/batteries", method="POST")  # noqa: S310
        with urllib.request.urlopen(added, timeout=5) as response:  # noqa: S310
            assert json.load(response)["host"] == "127.0.0.41"
        assert reader.readline(deadline).startswith("battery 2: 127.0.0.41:")
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert stdout.decode().strip().endswith("stopped")


def _run_simulator(port: int, state_file: Path) -> subprocess.Popen[bytes]:
    return _start_simulator(port, "127.0.0.50", "--no-broadcast", "--state-file", str(state_file))


def _request(port: int, method: str, params: dict[str, Any]) -> Any:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.bind(("127.0.0.1", port))
        client.settimeout(5)
        document = {"id": 7, "method": method, "params": params}
        client.sendto(json.dumps(document).encode(), ("127.0.0.50", port))
        data, _ = client.recvfrom(4096)
    return json.loads(data)["result"]


def _until_ready(process: subprocess.Popen[bytes]) -> list[str]:
    reader = LineReader(process)
    deadline = time.monotonic() + 15
    lines = []
    while not (line := reader.readline(deadline)).startswith("ready"):
        lines.append(line)
    return lines


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr


def test_cli_keeps_the_mode_over_a_restart(tmp_path: Path) -> None:
    port = free_udp_port()
    state_file = tmp_path / "household.json"
    process = _run_simulator(port, state_file)
    try:
        _until_ready(process)
        manual = {"mode": "Manual", "manual_cfg": {"time_num": 9, "start_time": "00:00",
                  "end_time": "00:00", "week_set": 0, "power": 0, "enable": 0}}  # fmt: skip
        assert _request(port, "ES.SetMode", {"id": 0, "config": manual})["set_result"] is True
    finally:
        _stop(process)
    assert state_file.exists()

    process = _run_simulator(port, state_file)
    try:
        lines = _until_ready(process)
        assert any(line.startswith("restored 1 batteries") for line in lines)
        assert _request(port, "ES.GetMode", {"id": 0})["mode"] == "Manual"
    finally:
        _stop(process)
