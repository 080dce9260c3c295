"""Command line of `scripts/bench`: choose benchmarks, run them one after the other, print."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Sequence

from .registry import BENCHMARKS, Benchmark
from .report import render_json, render_text, report
from .results import Result
from .settings import DEFAULT_PORT, Settings

# A benchmark that runs longer than this is stopped: everything ends by itself.
_BENCHMARK_LIMIT_S = 300.0
_LOWEST_PORT = 1024
_HIGHEST_PORT = 65535


def _names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    known = [benchmark.name for benchmark in BENCHMARKS]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        msg = f"unknown benchmark {', '.join(unknown) or repr(text)}; known: {', '.join(known)}"
        raise argparse.ArgumentTypeError(msg)
    return names


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not _LOWEST_PORT <= port <= _HIGHEST_PORT:
        msg = f"port must be {_LOWEST_PORT}..{_HIGHEST_PORT}, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return port


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    parser = argparse.ArgumentParser(
        prog="bench",
        description=(
            "Benchmarks of the Marstek protocol library against simulated batteries on "
            "loopback (127.0.0.0/8 only). Figures are printed, never asserted."
        ),
        epilog="benchmarks: "
        + "; ".join(f"{b.name} ({b.title})" for b in BENCHMARKS)
        + ". See docs/benchmarks.md.",
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes (under ~30 s)")
    parser.add_argument(
        "--only",
        action="append",
        type=_names,
        default=[],
        metavar="NAME[,NAME]",
        help="run only these benchmarks (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"UDP port for the simulated batteries and the client (default {DEFAULT_PORT})",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    return parser


async def _run_one(benchmark: Benchmark, settings: Settings) -> Result:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(_BENCHMARK_LIMIT_S):
            result = await benchmark.run(settings)
    except Exception as err:  # noqa: BLE001 - one failing benchmark must not stop the rest
        result = Result(benchmark.name, benchmark.title, error=f"{type(err).__name__}: {err}")
    result.seconds = time.perf_counter() - started
    return result


async def _run_all(selected: Sequence[Benchmark], settings: Settings, *, as_json: bool) -> int:
    started = time.perf_counter()
    results = []
    for benchmark in selected:
        report(f"... {benchmark.name}", error=True)
        result = await _run_one(benchmark, settings)
        results.append(result)
        if not as_json:
            report(render_text(result))
    total = time.perf_counter() - started
    if as_json:
        report(render_json(results, quick=settings.quick, port=settings.port, seconds=total))
    else:
        missed = [r.name for r in results if not r.targets_met]
        summary = f"{len(results)} benchmark(s) in {total:.1f} s"
        if missed:
            summary += f"; not meeting a target or failed: {', '.join(missed)}"
        report(summary)
    return 1 if any(result.error for result in results) else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected benchmarks; exit status 1 only when one could not run."""
    args = build_parser().parse_args(argv)
    if args.list:
        for benchmark in BENCHMARKS:
            report(f"{benchmark.name:14} {benchmark.title}")
        return 0
    wanted = {name for names in args.only for name in names}
    selected = [b for b in BENCHMARKS if not wanted or b.name in wanted]
    settings = Settings(quick=args.quick, port=args.port)
    return asyncio.run(_run_all(selected, settings, as_json=args.json))
