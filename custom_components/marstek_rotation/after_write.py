"""After a write, the battery's next poll moves to just after the quiet period.

A mode write changes the battery's power (and what else `ES.GetMode` reads) at once, but the
battery may not be read before the library's quiet period after a write has passed (some
firmware reverts a mode that is read too soon). Left alone, the next read would be the regular
poll, up to one interval later (60 s on HMG-50 hardware), and a house power computed from the
meter and the battery's power would be wrong until then.

So the pending poll is moved, not added: a refresh starts at once and waits out the quiet
period in the transport; Home Assistant's coordinator drops its timed poll when a refresh
starts and schedules the next one a full interval after it ends. One request per interval
stays one.

Writes in a row share one read: a read waiting in the transport also waits out the quiet period
of every write that comes later (transport.py). A poll already under way (Home Assistant's timer,
or a refresh someone asked for) is waited for, not doubled. Only a write sent after that read
or poll went out (one request in flight per battery: after its reply) leaves a quiet period
running when it ends; one more read follows that write.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Protocol


class Poller(Protocol):
    """The battery's coordinator, as far as moving its poll goes."""

    @property
    def poll_under_way(self) -> bool:
        """True from a poll's start (waiting out a quiet period included) to its end."""
        ...

    async def async_poll_finished(self) -> None:
        """Return when no poll is under way."""

    async def async_refresh(self) -> None:
        """Poll now (its timed poll is dropped; the next one comes an interval after)."""


type TaskStarter = Callable[[Coroutine[Any, Any, None]], asyncio.Task[None]]


class ReadAfterWrite:
    """The one read that follows a battery's latest writes, in place of its next poll."""

    def __init__(
        self, poller: Poller, quiet_remaining: Callable[[], float], start_task: TaskStarter
    ) -> None:
        """Nothing is read until a write is reported.

        Args:
            poller: the battery's coordinator.
            quiet_remaining: seconds left in the battery's quiet period (the library's).
            start_task: starts the read as a task that ends with the config entry.
        """
        self._poller = poller
        self._quiet_remaining = quiet_remaining
        self._start_task = start_task
        self._task: asyncio.Task[None] | None = None
        self._writes = 0

    def after_write(self) -> asyncio.Task[None]:
        """A write was answered: the read that follows it (the pending one, when there is one)."""
        self._writes += 1
        if self._task is None or self._task.done():
            self._task = self._start_task(self._async_read())
        return self._task

    async def _async_read(self) -> None:
        while True:
            writes = self._writes
            if self._poller.poll_under_way:
                await self._poller.async_poll_finished()
            else:
                await self._poller.async_refresh()
            # A write sent after this read went out: its quiet period is still running.
            if self._writes == writes or self._quiet_remaining() <= 0:
                return
