"""The simulator in a child process (`python -m simulator`), so CPU figures are the client's.

The child gets its own batteries on loopback, no broadcast hub, and is stopped with SIGINT
(then killed if it does not stop within a few seconds), so nothing outlives the benchmark.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parents[1]
_READY_LINE = "ready"
_START_TIMEOUT_S = 20.0
_STOP_TIMEOUT_S = 5.0
# utime and stime are fields 14 and 15 of /proc/<pid>/stat; counted after the ")" of comm,
# they are the 12th and 13th.
_UTIME_AFTER_COMM = 11


class SimulatorProcessError(RuntimeError):
    """The simulator child process did not start."""


@dataclass(frozen=True, slots=True)
class SimulatorProcess:
    """A running simulator child process."""

    pid: int

    def cpu_seconds(self) -> float | None:
        """User + system CPU the child has used so far (Linux /proc), or None if unknown."""
        try:
            text = Path(f"/proc/{self.pid}/stat").read_text(encoding="ascii")
            fields = text[text.rindex(")") + 2 :].split()
            ticks = int(fields[_UTIME_AFTER_COMM]) + int(fields[_UTIME_AFTER_COMM + 1])
            return ticks / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None


def _child_environment() -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(_REPO_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


async def _wait_until_ready(process: asyncio.subprocess.Process) -> None:
    stdout = process.stdout
    if stdout is None:  # pragma: no cover - stdout is always a pipe here
        msg = "no stdout pipe"
        raise SimulatorProcessError(msg)
    while line := await stdout.readline():
        if line.decode(errors="replace").startswith(_READY_LINE):
            return
    msg = "the simulator exited before it was ready"
    raise SimulatorProcessError(msg)


async def _stop(process: asyncio.subprocess.Process) -> bytes:
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), _STOP_TIMEOUT_S)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        _, stderr = await process.communicate()
    return stderr or b""


@contextlib.asynccontextmanager
async def simulator_process(
    *, batteries: int, base_ip: str, port: int
) -> AsyncIterator[SimulatorProcess]:
    """Run `python -m simulator` with `batteries` batteries from `base_ip`, until the block ends."""
    command = [
        sys.executable,
        "-m",
        "simulator",
        "--batteries",
        str(batteries),
        "--base-ip",
        base_ip,
        "--port",
        str(port),
        "--no-broadcast",
    ]
    process = await asyncio.create_subprocess_exec(
        *command,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=_REPO_ROOT,
        env=_child_environment(),
    )
    try:
        try:
            await asyncio.wait_for(_wait_until_ready(process), _START_TIMEOUT_S)
        except (TimeoutError, SimulatorProcessError) as err:
            stderr = await _stop(process)
            detail = stderr.decode(errors="replace").strip()
            msg = f"simulator process did not start: {err or 'timed out'} {detail}".strip()
            raise SimulatorProcessError(msg) from err
        yield SimulatorProcess(process.pid)
    finally:
        if process.returncode is None:
            await _stop(process)
