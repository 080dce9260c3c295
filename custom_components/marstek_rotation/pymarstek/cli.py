"""Command-line tool for Marstek batteries: `python -m pymarstek.cli` (or `scripts/marstek`).

Exit status: 0 success, 1 the battery failed (timeout, device error, bad reply), 2 invalid
input, 3 the local UDP socket could not be used. Failures print one line on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from . import cli_output
from .client import MarstekClient
from .commands import passive_config
from .const import (
    DEFAULT_BROADCAST_ADDRESS,
    DEFAULT_DISCOVERY_DURATION,
    DEFAULT_LOCAL_HOST,
    DEFAULT_MIN_INTERVAL,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    SLOT_MAX,
    SLOT_MIN,
)
from .discovery import discover_devices
from .exceptions import MarstekError, MarstekTransportError, MarstekValidationError
from .models import DAY_NAMES, ManualSlot, OperatingMode
from .transport import MarstekTransport
from .validation import require_ipv4, require_positive_seconds

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

# What a command produces: its JSON rendering and its text rendering.
type Output = tuple[object, str]

EXIT_OK: Final = 0
EXIT_DEVICE_FAILURE: Final = 1
EXIT_INVALID_INPUT: Final = 2
EXIT_LOCAL_SOCKET: Final = 3
EXIT_INTERRUPTED: Final = 130

_SETTABLE_MODES: Final = (
    OperatingMode.AUTO,
    OperatingMode.AI,
    OperatingMode.MANUAL,
    OperatingMode.PASSIVE,
)
_DAY_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "all": DAY_NAMES,
    "weekdays": DAY_NAMES[:5],
    "weekend": DAY_NAMES[5:],
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the tool and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return asyncio.run(_run(args))
    except MarstekValidationError as err:
        return _fail(err, EXIT_INVALID_INPUT)
    except MarstekTransportError as err:
        return _fail(err, EXIT_LOCAL_SOCKET)
    except MarstekError as err:
        return _fail(err, EXIT_DEVICE_FAILURE)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; global options are accepted before or after the command."""
    parser = argparse.ArgumentParser(
        prog="marstek",
        description="Talk to Marstek Venus batteries over their local UDP Open API.",
        parents=[_global_options(with_defaults=True)],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = [_global_options(with_defaults=False)]

    discover = commands.add_parser(
        "discover", parents=common, help="broadcast Marstek.GetDevice and list the batteries"
    )
    discover.add_argument(
        "--duration",
        type=float,
        default=DEFAULT_DISCOVERY_DURATION,
        help="seconds to collect replies (default %(default)s)",
    )

    device = commands.add_parser("device", parents=common, help="show a battery's identity")
    device.add_argument("host", help="battery IPv4 address")

    mode = commands.add_parser("mode", parents=common, help="read mode, SOC and powers")
    mode.add_argument("host", help="battery IPv4 address")

    set_mode = commands.add_parser("set-mode", parents=common, help="switch the operating mode")
    set_mode.add_argument("host", help="battery IPv4 address")
    set_mode.add_argument("mode", choices=[str(m) for m in _SETTABLE_MODES])
    set_mode.add_argument("--power", type=int, help="passive: W, negative charges")
    set_mode.add_argument("--duration", type=int, help="passive: seconds to hold the power")

    schedule = commands.add_parser(
        "set-schedule", parents=common, help="write one manual schedule slot"
    )
    schedule.add_argument("host", help="battery IPv4 address")
    schedule.add_argument("--slot", type=int, required=True, help="slot number 0-9")
    schedule.add_argument("--start", required=True, help="start time HH:MM")
    schedule.add_argument("--end", required=True, help="end time HH:MM")
    schedule.add_argument(
        "--days",
        default="all",
        help="comma-separated mon..sun, or all / weekdays / weekend (default all)",
    )
    schedule.add_argument(
        "--power", type=int, required=True, help="W; negative = charge, positive = discharge"
    )
    schedule.add_argument("--disable", action="store_true", help="write the slot disabled")

    clear = commands.add_parser(
        "clear-schedules", parents=common, help="write all 10 manual slots disabled"
    )
    clear.add_argument("host", help="battery IPv4 address")
    return parser


def _global_options(*, with_defaults: bool) -> argparse.ArgumentParser:
    """Options shared by every command.

    The top-level parser carries the defaults; the copies on the commands default to
    SUPPRESS so an option given before the command is not overwritten after it.
    """

    def default(value: object) -> Any:
        return value if with_defaults else argparse.SUPPRESS

    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--port", type=int, default=default(DEFAULT_PORT), help="battery UDP port (30000)"
    )
    options.add_argument(
        "--local-port",
        type=int,
        default=default(None),
        help="local UDP port to bind (default: same as --port; 0 = any free port)",
    )
    options.add_argument(
        "--local-host",
        default=default(DEFAULT_LOCAL_HOST),
        help="local address to bind (0.0.0.0)",
    )
    options.add_argument(
        "--broadcast",
        default=default(DEFAULT_BROADCAST_ADDRESS),
        help="broadcast address for discover (255.255.255.255)",
    )
    options.add_argument(
        "--timeout",
        type=float,
        default=default(DEFAULT_TIMEOUT),
        help="seconds to wait for each reply (3)",
    )
    options.add_argument(
        "--min-interval",
        type=float,
        default=default(DEFAULT_MIN_INTERVAL),
        help="minimum seconds between datagrams to one battery (1)",
    )
    options.add_argument(
        "--json",
        action="store_true",
        default=default(value=False),
        help="print JSON instead of text",
    )
    options.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default(value=False),
        help="log protocol details to stderr",
    )
    return options


async def _run(args: argparse.Namespace) -> int:
    local_port = args.port if args.local_port is None else args.local_port
    transport = MarstekTransport(local_port, args.local_host, min_interval=args.min_interval)
    # Everything is validated before the socket is bound, so bad input never holds the port.
    action = _prepare(args, transport)
    async with transport:
        as_json, as_text = await action()
    _emit(args, as_json, as_text)
    return EXIT_OK


def _prepare(
    args: argparse.Namespace, transport: MarstekTransport
) -> Callable[[], Awaitable[Output]]:
    """Validate the command's inputs and return the call that carries it out."""
    if args.command == "discover":
        duration = require_positive_seconds("duration", args.duration)
        broadcast = require_ipv4("broadcast", args.broadcast)
        return partial(_discover, transport, broadcast, args.port, duration)
    # One command per process: a read after a write is the user's explicit choice.
    client = MarstekClient(transport, args.host, args.port, timeout=args.timeout, quiet_period=0)
    if args.command == "device":
        return partial(_device, client)
    if args.command == "mode":
        return partial(_mode, client)
    if args.command == "set-mode":
        mode = OperatingMode(args.mode)
        if mode is OperatingMode.PASSIVE:
            if args.power is None or args.duration is None:
                msg = "passive mode needs --power (W) and --duration (s)"
                raise MarstekValidationError(field="power", message=msg)
            passive_config(args.power, args.duration)  # range check only
        elif args.power is not None or args.duration is not None:
            msg = "--power and --duration only apply to passive mode"
            raise MarstekValidationError(field="power", message=msg)
        return partial(_set_mode, client, mode, args.power, args.duration)
    if args.command == "set-schedule":
        slot = ManualSlot(
            args.slot,
            args.start,
            args.end,
            _parse_days(args.days),
            args.power,
            enabled=not args.disable,
        )
        return partial(_set_schedule, client, slot)
    return partial(_clear_schedules, client)


async def _discover(
    transport: MarstekTransport, broadcast: str, port: int, duration: float
) -> Output:
    devices = await discover_devices(
        transport, broadcast_address=broadcast, port=port, duration=duration
    )
    return cli_output.devices_json(devices), cli_output.devices_text(devices)


async def _device(client: MarstekClient) -> Output:
    info = await client.get_device()
    return cli_output.device_json(info), cli_output.device_text(info)


async def _mode(client: MarstekClient) -> Output:
    status = await client.get_mode()
    return cli_output.mode_json(client.host, status), cli_output.mode_text(status)


async def _set_mode(
    client: MarstekClient, mode: OperatingMode, power: int | None, duration: int | None
) -> Output:
    await client.set_mode(mode, passive_power=power, passive_duration=duration)
    return (
        cli_output.set_mode_json(client.host, mode, power, duration),
        cli_output.set_mode_text(mode, power, duration),
    )


async def _set_schedule(client: MarstekClient, slot: ManualSlot) -> Output:
    await client.set_manual_slot(slot)
    return cli_output.slot_json(client.host, slot), cli_output.slot_text(slot)


async def _clear_schedules(client: MarstekClient) -> Output:
    await client.clear_manual_slots()
    slots = list(range(SLOT_MIN, SLOT_MAX + 1))
    return (
        {"host": client.host, "success": True, "cleared_slots": slots},
        f"Cleared manual slots {SLOT_MIN}-{SLOT_MAX} (the battery is now in manual mode).",
    )


def _parse_days(text: str) -> list[str]:
    days: list[str] = []
    for part in text.split(","):
        name = part.strip().lower()
        if name:
            days.extend(_DAY_GROUPS.get(name, (name,)))
    return days


def _emit(args: argparse.Namespace, as_json: object, as_text: str) -> None:
    sys.stdout.write(cli_output.to_json(as_json) if args.json else as_text)
    sys.stdout.write("\n")


def _fail(reason: BaseException | str, status: int) -> int:
    text = str(reason)
    notes = getattr(reason, "__notes__", None)
    if notes:
        text = f"{text} ({'; '.join(notes)})"
    sys.stderr.write(f"marstek: error: {' '.join(text.split())}\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
