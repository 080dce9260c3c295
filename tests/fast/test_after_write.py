"""ReadAfterWrite on a fake coordinator: which writes share a read, and when one more follows.

The real-UDP tests (tests/integration/test_read_after_write.py) show the timing against the
simulator; these pin the bookkeeping with the transport's behaviour played by hand.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from custom_components.marstek_rotation.after_write import ReadAfterWrite


class FakePoller:
    """A coordinator whose refresh waits until the test lets the read go out."""

    def __init__(self) -> None:
        self.refreshes = 0
        self.quiet = 0.0
        self.release = asyncio.Event()
        self.during_read: Callable[[], None] = lambda: None
        self.reads = True  # False: a refresh returns at once (the coordinator shutting down)
        self.under_way = asyncio.Event()  # set: a poll of its own is under way
        self.poll_done = asyncio.Event()

    @property
    def poll_under_way(self) -> bool:
        return self.under_way.is_set()

    async def async_poll_finished(self) -> None:
        await self.poll_done.wait()

    async def async_refresh(self) -> None:
        self.refreshes += 1
        if not self.reads:
            return
        await self.release.wait()  # the quiet period, waited out in the transport
        self.quiet = 0.0  # the read went out: no quiet period was left
        self.during_read()  # what happens after the datagram left, before the refresh ends


def reader(poller: FakePoller) -> ReadAfterWrite:
    def start(read: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        return asyncio.get_running_loop().create_task(read)

    return ReadAfterWrite(poller, lambda: poller.quiet, start)


async def test_writes_in_a_row_share_one_read() -> None:
    poller = FakePoller()
    read_after_write = reader(poller)

    tasks = {read_after_write.after_write() for _ in range(3)}  # clear, a slot, a mode
    poller.release.set()
    await asyncio.gather(*tasks)

    assert len(tasks) == 1
    assert poller.refreshes == 1


async def test_a_write_after_the_read_went_out_gets_one_more_read() -> None:
    poller = FakePoller()
    read_after_write = reader(poller)

    def another_write() -> None:
        poller.during_read = lambda: None
        poller.quiet = 15.0  # its quiet period began after the read was sent
        read_after_write.after_write()

    poller.during_read = another_write
    task = read_after_write.after_write()
    poller.release.set()
    await task

    assert poller.refreshes == 2


async def test_a_read_that_changes_nothing_is_not_repeated() -> None:
    """A refresh that returns at once (the coordinator shutting down) ends the task."""
    poller = FakePoller()
    poller.quiet, poller.reads = 15.0, False

    await reader(poller).after_write()

    assert poller.refreshes == 1


async def test_a_poll_under_way_is_the_read() -> None:
    poller = FakePoller()
    poller.under_way.set()
    read_after_write = reader(poller)

    task = read_after_write.after_write()
    await asyncio.sleep(0)
    poller.poll_done.set()  # it waited out the quiet period: none is left
    await task

    assert poller.refreshes == 0


async def test_after_the_read_a_new_write_starts_a_new_read() -> None:
    poller = FakePoller()
    poller.release.set()
    read_after_write = reader(poller)

    first = read_after_write.after_write()
    await first
    second = read_after_write.after_write()
    await second

    assert second is not first
    assert poller.refreshes == 2
