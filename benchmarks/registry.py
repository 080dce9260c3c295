"""The benchmarks, in the order `scripts/bench` runs them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from . import (
    bench_after_write,
    bench_cpu,
    bench_discovery,
    bench_faults,
    bench_head_of_line,
    bench_pacing,
    bench_planner,
    bench_poll_rate,
    bench_refresh,
    bench_robustness,
)
from .results import Result
from .settings import Settings


@dataclass(frozen=True, slots=True)
class Benchmark:
    """A named benchmark and the coroutine that runs it."""

    name: str
    title: str
    run: Callable[[Settings], Awaitable[Result]]


BENCHMARKS: tuple[Benchmark, ...] = tuple(
    Benchmark(module.NAME, module.TITLE, module.run)
    for module in (
        bench_poll_rate,
        bench_head_of_line,
        bench_pacing,
        bench_cpu,
        bench_robustness,
        bench_discovery,
        bench_faults,
        bench_refresh,
        bench_planner,
        bench_after_write,
    )
)
