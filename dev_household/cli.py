"""``scripts/develop``: the household in one command, until Ctrl-C.

As root (what the toolchain needs anyway) the household runs in a private network namespace
and this process relays Home Assistant's and the simulator's ports to the host's loopback
(see isolation.py). ``--no-isolation`` runs it on the host's network instead, for machines
where that is not possible; Home Assistant may then reach out to the internet by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .ha_api import HomeAssistantError
from .household import REPO_ROOT, DevHousehold, Options
from .isolation import (
    Exposure,
    HostRelay,
    PrivateEnd,
    can_isolate,
    enter_private_network,
    network_is_private,
    prepare_private_loopback,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

PRIVATE_FLAG = "--private-network"
HA_INTERNAL_PORT = 8123
SIMULATOR_INTERNAL_PORT = 8300


def build_parser() -> argparse.ArgumentParser:
    """Options of ``scripts/develop``."""
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description=(
            "Run the development household: Home Assistant 2026.11 with simulated Marstek "
            "batteries, a simulated P1 meter, the rotation package and its dashboard."
        ),
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=REPO_ROOT / ".develop",
        help="state folder (default .develop/; Home Assistant's configuration is in config/)",
    )
    parser.add_argument("--batteries", type=int, default=3, help="simulated batteries (1-6)")
    parser.add_argument(
        "--fresh", action="store_true", help="delete the state folder's household and start over"
    )
    parser.add_argument("--time-zone", default="Europe/Amsterdam", help="the household's zone")
    parser.add_argument("--port", type=int, default=8123, help="Home Assistant's port on the host")
    parser.add_argument(
        "--simulator-port", type=int, default=8300, help="the simulator's HTTP port on the host"
    )
    parser.add_argument(
        "--status-every", type=float, default=60.0, help="print a status line every S s (0: off)"
    )
    parser.add_argument(
        "--ready-file", type=Path, default=None, help="write URLs and login here once ready"
    )
    parser.add_argument(
        "--exit-when-ready", action="store_true", help="stop once set up (for timing and checks)"
    )
    parser.add_argument(
        "--no-isolation",
        action="store_true",
        help="run on the host's network (Home Assistant may then reach the internet)",
    )
    parser.add_argument(
        "--rotation-by-ui",
        action="store_true",
        help="install no rotation: set it up yourself through the integration (Add entry)",
    )
    parser.add_argument(
        "--language", default="en", help="Home Assistant's and the owner's language (en, nl, ...)"
    )
    parser.add_argument(PRIVATE_FLAG, action="store_true", help=argparse.SUPPRESS)
    return parser


def _exposures(state: Path) -> list[Exposure]:
    run_dir = state / "run"
    return [
        Exposure(run_dir / "home-assistant.sock", HA_INTERNAL_PORT),
        Exposure(run_dir / "simulator.sock", SIMULATOR_INTERNAL_PORT),
    ]


def _say(text: str) -> None:
    print(text, flush=True)  # noqa: T201  # the household talks to its terminal


# --- the outer process: relays on the host, the household in a private network -----------


async def _run_outer(args: argparse.Namespace, argv: Sequence[str]) -> int:
    state = args.state.resolve()
    exposures = _exposures(state)
    relays = [
        HostRelay(exposures[0], args.port),
        HostRelay(exposures[1], args.simulator_port),
    ]
    for relay, port in zip(relays, (args.port, args.simulator_port), strict=True):
        try:
            await relay.start()
        except OSError as err:
            for started in relays:
                await started.close()
            _say(
                f"error: cannot listen on 127.0.0.1:{port} ({err.strerror}). Is another "
                "household or Home Assistant running? Choose another with --port / "
                "--simulator-port."
            )
            return 1
    inner = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "dev_household",
        PRIVATE_FLAG,
        *argv,
        start_new_session=True,  # Ctrl-C reaches this process only; it tells the household
    )
    loop = asyncio.get_running_loop()

    def forward(signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            inner.send_signal(signal.SIGTERM if signum == signal.SIGINT else signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, forward, signum)
    try:
        return await inner.wait()
    finally:
        for relay in relays:
            await relay.close()


# --- the household itself ---------------------------------------------------------------


def _wipe(state: Path) -> None:
    for name in ("config", "logs", "household.json", "ready.json", "simulator.json"):
        path = state / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def _banner(household: DevHousehold, version: str, *, relayed: bool) -> str:
    times = household.timings
    state = household.state_dir
    sim_url = household.public_simulator_url
    ha_url = household.public_url
    lines = [
        "",
        (
            f"The household is running: Home Assistant {version}, "
            f"{len(household.batteries)} simulated batteries, P1 meter, day-ahead prices, "
            "rotation package, dashboard."
        ),
        f"  Dashboard  {ha_url}{household.dashboard_path}",
        f"  Login      {household.options.login.username} / {household.options.login.password}",
        (
            f"  Simulator  {sim_url}/sim/status   P1 meter {sim_url}/api/v1/data   "
            f"Prices {sim_url}/api/v1/prices"
        ),
        f"  Logs       {state / 'logs'}   Home Assistant's configuration: {state / 'config'}",
        (
            f"  Times      Home Assistant answering after {times.home_assistant_serving:.0f} s, "
            f"started {times.home_assistant_running:.0f} s, batteries added "
            f"{times.batteries_added:.0f} s, dashboard ready {times.dashboard_ready:.0f} s"
        ),
    ]
    if relayed:
        lines.append("  Network    private (loopback only); the ports above are relayed to it")
    lines.append("Ctrl-C stops everything.")
    return "\n".join(lines)


def _prepare_state(args: argparse.Namespace) -> Path:
    """The state folder, emptied with --fresh; the household's own log goes there."""
    state: Path = args.state.resolve()
    state.mkdir(parents=True, exist_ok=True)
    if args.fresh:
        _wipe(state)
    logging.basicConfig(
        filename=state / "household.log",
        level=logging.DEBUG,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return state


def _household_for(args: argparse.Namespace, state: Path) -> DevHousehold:
    household = DevHousehold(
        Options(
            state_dir=state,
            batteries=args.batteries,
            time_zone=args.time_zone,
            isolated=args.private_network or network_is_private(),
            ha_port=HA_INTERNAL_PORT,
            simulator_port=SIMULATOR_INTERNAL_PORT if args.private_network else args.simulator_port,
            public_ha_url=f"http://127.0.0.1:{args.port}",
            public_simulator_url=f"http://127.0.0.1:{args.simulator_port}",
            rotation_by_ui=args.rotation_by_ui,
            language=args.language,
        )
    )
    household.on_event = _say
    return household


async def _announce(household: DevHousehold, ready_file: Path, *, relayed: bool) -> None:
    """Write the ready file (URLs, login, tokens) and print the banner."""
    version = await household.home_assistant_version()
    document = household.ready_document() | {"version": version}
    await asyncio.to_thread(
        ready_file.write_text, json.dumps(document, indent=2) + "\n", encoding="utf-8"
    )
    _say(_banner(household, version, relayed=relayed))


def _stop_on_signals() -> tuple[asyncio.Event, asyncio.Event]:
    """(stop, ready): Ctrl-C or SIGTERM sets ``stop``; before ``ready`` it also cancels."""
    stop = asyncio.Event()
    ready = asyncio.Event()
    main_task = asyncio.current_task()

    def request_stop() -> None:
        if not stop.is_set():
            stop.set()
            _say("stopping ...")
            if not ready.is_set() and main_task is not None:
                main_task.cancel()  # still setting up: give up at once

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, request_stop)
    return stop, ready


async def _run_household(args: argparse.Namespace, state: Path) -> int:
    private_ends = [PrivateEnd(exposure) for exposure in _exposures(state)]
    if args.private_network:
        for end in private_ends:
            await end.start()
    household = _household_for(args, state)
    stop, ready = _stop_on_signals()
    ready_file = args.ready_file or state / "ready.json"
    status = 0
    try:
        network = "private network" if args.private_network else "host network"
        _say(f"Starting the household in {state} ({args.batteries} batteries, {network}) ...")
        await household.start()
        ready.set()
        await _announce(household, ready_file, relayed=args.private_network)
        if not args.exit_when_ready:
            status = await _watch(household, stop, args.status_every)
    except asyncio.CancelledError:
        status = 130
    except HomeAssistantError as err:
        _say(f"error: {err}\nSee {state / 'logs'} and {state / 'household.log'}.")
        status = 1
    finally:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(household.stop())
        for end in private_ends:
            await end.close()
        ready_file.unlink(missing_ok=True)
        _say("stopped")
    return status


async def _watch(household: DevHousehold, stop: asyncio.Event, every: float) -> int:
    """Print status lines until Ctrl-C or until a child ends by itself."""
    ended = asyncio.ensure_future(household.wait_for_exit())
    stopped = asyncio.ensure_future(stop.wait())
    try:
        while True:
            timeout = every if every > 0 else None
            done, _ = await asyncio.wait(
                {ended, stopped}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            if stopped in done:
                return 0
            if ended in done:
                _say(f"error: {ended.result()} stopped by itself; see the logs")
                return 1
            with contextlib.suppress(Exception):
                _say(await household.status_line())
    finally:
        ended.cancel()
        stopped.cancel()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m dev_household``."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(arguments)
    if not 1 <= args.batteries <= 6:  # noqa: PLR2004
        build_parser().error("--batteries must be within 1..6 (what the package supports)")
    if args.private_network:
        enter_private_network()  # first, before any thread or socket exists
        return asyncio.run(_run_household(args, _prepare_state(args)))
    if network_is_private():  # already alone on loopback (e.g. the browser suite)
        prepare_private_loopback()
        return asyncio.run(_run_household(args, _prepare_state(args)))
    if args.no_isolation:
        if args.port != HA_INTERNAL_PORT:
            build_parser().error("--port needs the private network (Home Assistant uses 8123)")
        return asyncio.run(_run_household(args, _prepare_state(args)))
    if not can_isolate():
        _say(
            "error: the household runs in a private network namespace, which needs root "
            f"(you are uid {os.geteuid()}). Run as root, or add --no-isolation to use the "
            "host's network (Home Assistant 2026.11 then contacts GitHub and uses mDNS on "
            "your LAN by itself)."
        )
        return 2
    return asyncio.run(_run_outer(args, arguments))
