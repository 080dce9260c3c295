"""Command line: run simulated batteries on loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import signal
import sys
import time
import typing
from pathlib import Path

from .addresses import NonLoopbackAddressError, require_loopback
from .household import household_specs
from .http_api import HttpApi
from .persistence import load, restore_meter, restore_saved_battery, save
from .profiles import day_load, day_solar
from .quirks import Quirks
from .simulator import DEFAULT_BROADCAST_HOST, DEFAULT_PORT, Simulator

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from .battery import SimulatedBattery

DEFAULT_DAY_SOLAR_PEAK = 3500.0

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class QuirkAssignment(typing.NamedTuple):
    """``--quirk [N:]NAME=VALUE``: battery number (None = all), field name and value."""

    battery: int | None
    name: str
    value: object


def _convert(name: str, text: str) -> object:
    hints = typing.get_type_hints(Quirks)
    if name not in hints:
        known = ", ".join(field.name for field in dataclasses.fields(Quirks))
        msg = f"unknown quirk {name!r}; known: {known}"
        raise ValueError(msg)
    hint = hints[name]
    lowered = text.strip().lower()
    if hint is bool:
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        msg = f"{name} takes true/false, got {text!r}"
        raise ValueError(msg)
    if hint is int:
        return int(text)
    if hint is float:
        return float(text)
    if hint == int | None:
        return None if lowered == "none" else int(text)
    if typing.get_origin(hint) is typing.Literal:
        if text in typing.get_args(hint):
            return text
        msg = f"{name} takes one of {typing.get_args(hint)}, got {text!r}"
        raise ValueError(msg)
    # error_replies is written METHOD:CODE[,METHOD:CODE...]
    replies: dict[str, int] = {}
    for item in filter(None, text.split(",")):
        method, _, code = item.rpartition(":")
        replies[method] = int(code)
    return replies


def parse_quirk(text: str) -> QuirkAssignment:
    """Parse ``[N:]NAME=VALUE`` (N counts batteries from 1)."""
    target, equals, value = text.partition("=")
    if not equals:
        msg = f"expected [N:]NAME=VALUE, got {text!r}"
        raise ValueError(msg)
    battery: int | None = None
    number, colon, name = target.partition(":")
    if colon and number.isdigit():
        battery = int(number)
    else:
        name = target
    return QuirkAssignment(battery, name.strip(), _convert(name.strip(), value))


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``scripts/simulate``."""
    parser = argparse.ArgumentParser(
        prog="simulate",
        description="Simulated Marstek Venus batteries (Open API over UDP) on loopback.",
    )
    parser.add_argument("--batteries", type=int, default=3, help="how many (default 3)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="device UDP port")
    parser.add_argument("--base-ip", default="127.0.0.2", help="first battery's address")
    parser.add_argument(
        "--broadcast-host", default=DEFAULT_BROADCAST_HOST, help="loopback broadcast address"
    )
    parser.add_argument("--no-broadcast", action="store_true", help="no broadcast hub")
    parser.add_argument("--time-scale", type=float, default=1.0, help="physics speed-up")
    parser.add_argument(
        "--profile",
        choices=("flat", "day"),
        default="flat",
        help="flat: constant --load and --solar; day: a household day by local time (TZ)",
    )
    parser.add_argument(
        "--load", type=float, default=0.0, help="household load, W (day profile: added to it)"
    )
    parser.add_argument(
        "--solar",
        type=float,
        default=None,
        help=f"solar production, W (day profile: the peak, default {DEFAULT_DAY_SOLAR_PEAK:g})",
    )
    parser.add_argument(
        "--http",
        metavar="HOST:PORT",
        default=None,
        help=(
            "serve the P1 meter, day-ahead prices and the status/control API over HTTP, "
            "e.g. 127.0.0.1:8300"
        ),
    )
    parser.add_argument(
        "--quirk",
        action="append",
        default=[],
        metavar="[N:]NAME=VALUE",
        help="set a quirk on all batteries or on battery N (repeatable), e.g. latency=0.5",
    )
    parser.add_argument(
        "--typical-quirks",
        action="store_true",
        help="start each battery with the quirks reported for its model and firmware",
    )
    parser.add_argument(
        "--status-every", type=float, default=0.0, help="print status every N seconds (0: off)"
    )
    parser.add_argument(
        "--state-file",
        type=Path,
        default=None,
        help="keep mode, SOC, schedules and counters in this JSON file across restarts",
    )
    return parser


SAVE_EVERY = 60.0


def _quirks_for(number: int, model: str, firmware: int, args: argparse.Namespace) -> Quirks:
    quirks = Quirks.typical_for(model, firmware) if args.typical_quirks else Quirks()
    for assignment in args.quirk_assignments:
        if assignment.battery in {None, number}:
            setattr(quirks, assignment.name, assignment.value)
    return quirks


def parse_http_address(text: str) -> tuple[str, int]:
    """Parse ``HOST:PORT`` for ``--http``; the host must be a loopback address."""
    host, colon, port_text = text.rpartition(":")
    if not colon or not port_text.isdigit() or not 0 < int(port_text) < 65536:  # noqa: PLR2004
        msg = f"--http takes HOST:PORT, e.g. 127.0.0.1:8300, got {text!r}"
        raise ValueError(msg)
    return require_loopback(host), int(port_text)


def _apply_profile(simulator: Simulator, args: argparse.Namespace) -> None:
    meter = simulator.meter
    if args.profile == "day":
        solar_peak = DEFAULT_DAY_SOLAR_PEAK if args.solar is None else args.solar
        base = day_load()
        extra = args.load
        meter.set_load(lambda wall: base(wall) + extra)
        meter.set_solar(day_solar(solar_peak))
    else:
        meter.set_load(args.load)
        meter.set_solar(0.0 if args.solar is None else args.solar)


def _print_status(simulator: Simulator) -> None:
    meter = simulator.meter
    parts = [
        (
            f"{simulator.wall_time:%a %H:%M:%S} meter {meter.power:+.0f} W "
            f"(load {meter.load:.0f}, solar {meter.solar:.0f})"
        )
    ]
    parts.extend(
        f"{battery.host} {battery.mode} {battery.soc:.1f}% {battery.power:+.0f} W"
        for battery in simulator.batteries
    )
    print(" | ".join(parts), flush=True)


async def run(args: argparse.Namespace) -> None:
    """Start the batteries, print their addresses and serve until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    broadcast = None if args.no_broadcast else args.broadcast_host
    async with Simulator(
        port=args.port, broadcast_host=broadcast, time_scale=args.time_scale
    ) as simulator:
        _apply_profile(simulator, args)
        print(
            f"Marstek simulator on port {args.port}; broadcast {broadcast or 'off'}; "
            f"time scale {args.time_scale:g}; profile {args.profile}",
            flush=True,
        )

        saved = load(args.state_file) if args.state_file is not None else None
        restored: list[str] = []

        async def add_next() -> SimulatedBattery:
            number = len(simulator.batteries) + 1
            spec = household_specs(number, args.base_ip)[-1]
            battery = await simulator.add_battery(
                spec, _quirks_for(number, spec.model, spec.firmware, args)
            )
            if saved is not None and restore_saved_battery(battery, saved):
                restored.append(spec.ble_mac)
            print(
                f"battery {number}: {battery.host}:{args.port} model={spec.model!r} "
                f"firmware={spec.firmware} ble_mac={spec.ble_mac} src={battery.src!r}",
                flush=True,
            )
            return battery

        for _ in range(args.batteries):
            await add_next()
        if saved is not None:
            restore_meter(simulator, saved)
            print(f"restored {len(restored)} batteries from {args.state_file}", flush=True)
        api: HttpApi | None = None
        if args.http is not None:
            host, port = args.http
            api = HttpApi(simulator, host, port, add_battery=add_next)
            await api.start()
            print(
                f"HTTP API on {api.url} (P1 meter: {api.url}/api/v1/data, "
                f"prices: {api.url}/api/v1/prices)",
                flush=True,
            )
        print("ready; Ctrl-C to stop", flush=True)
        try:
            await _serve(simulator, args, stop)
        finally:
            if api is not None:
                await api.close()
            if args.state_file is not None:
                save(args.state_file, simulator)
    print("stopped", flush=True)


async def _serve(simulator: Simulator, args: argparse.Namespace, stop: asyncio.Event) -> None:
    """Until stopped: a status line every --status-every s, the state file every minute."""
    periods = {"status": args.status_every, "save": SAVE_EVERY if args.state_file else 0.0}
    due = {name: time.monotonic() + period for name, period in periods.items() if period > 0}
    while not stop.is_set():
        timeout = max(0.0, min(due.values()) - time.monotonic()) if due else None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout)
        if stop.is_set():
            return
        now = time.monotonic()
        for name in [name for name, at in due.items() if at <= now]:
            due[name] = now + periods[name]
            if name == "status":
                _print_status(simulator)
            else:
                save(args.state_file, simulator)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        require_loopback(args.base_ip)
        if not args.no_broadcast:
            require_loopback(args.broadcast_host)
        args.quirk_assignments = [parse_quirk(text) for text in args.quirk]
        if args.http is not None:
            args.http = parse_http_address(args.http)
        if args.batteries < 1 or not 0 < args.port < 65536:  # noqa: PLR2004
            parser.error("--batteries must be >= 1 and --port within 1..65535")
        if args.time_scale <= 0:
            parser.error("--time-scale must be positive")
        asyncio.run(run(args))
    except (NonLoopbackAddressError, ValueError) as err:
        print(f"simulate: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"simulate: cannot bind: {err}", file=sys.stderr)
        return 1
    return 0
