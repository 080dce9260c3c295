"""Child processes of the household (Home Assistant, the simulator): start, log, stop.

Each child gets its own session, so a Ctrl-C in the terminal reaches only the household, which
then stops the children in order. A child also dies with the household (Linux parent-death
signal), so nothing is left behind if the household itself is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import signal
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

_LOGGER = logging.getLogger(__name__)
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the household process dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class ChildProcess:
    """One program the household runs, its output going to a log file."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        *,
        log_path: Path,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        """Describe the child; :meth:`start` runs it."""
        self.name = name
        self._argv = argv
        self._log_path = log_path
        self._env = env
        self._cwd = cwd
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the program; its stdout and stderr go to the log file (appended)."""
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        with self._log_path.open("ab") as log:
            self._process = await asyncio.create_subprocess_exec(
                *self._argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                env=self._env,
                cwd=self._cwd,
                start_new_session=True,
                preexec_fn=_die_with_parent,  # one ctypes call, no locks
            )
        _LOGGER.debug("%s started (pid %s)", self.name, self._process.pid)

    @property
    def running(self) -> bool:
        """Whether the program runs."""
        return self._process is not None and self._process.returncode is None

    @property
    def returncode(self) -> int | None:
        """The exit code once it ended."""
        return None if self._process is None else self._process.returncode

    async def wait(self) -> int:
        """Wait until the program ends; returns its exit code."""
        if self._process is None:
            msg = f"{self.name} was never started"
            raise RuntimeError(msg)
        return await self._process.wait()

    async def stop(self, grace: float) -> int | None:
        """SIGTERM, then SIGKILL after ``grace`` seconds; returns the exit code."""
        process = self._process
        if process is None or process.returncode is not None:
            return None if process is None else process.returncode
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(grace):
                return await process.wait()
        except TimeoutError:
            _LOGGER.warning("%s did not stop within %.0f s; killing it", self.name, grace)
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            return await process.wait()

    def tail(self, lines: int = 30) -> str:
        """The last lines of the log (for error messages)."""
        if not self._log_path.exists():
            return ""
        with self._log_path.open(encoding="utf-8", errors="replace") as log:
            return "".join(deque(log, maxlen=lines))
