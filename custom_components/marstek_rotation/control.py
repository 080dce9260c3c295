"""Writes to one battery: serialised, then shown at once until the next poll confirms them.

A multi-datagram write (clearing ten slots) must not interleave with another write to the same
battery, so every write takes this battery's lock. The mode a write sets is published at once;
the battery's next poll is moved to just after the library's quiet period (after_write.py), and
reads it back, with the power the new mode brought, and replaces it.

Two answers need that read to be understood (issue 16):
- `set_result: false` is a refusal, but also what batteries answer when the mode is already
  active or they are busy. For a mode switch (Auto, AI, Manual) the write waits for the same
  moved poll: it reads the wanted mode, and the write was a no-op (no error, nothing to
  retry), or it does not, and the refusal stands.
- `set_result: true` does not mean the battery kept the mode: some firmware drops Passive
  silently, or reverts Manual. The poll after the quiet period shows the real mode; when it is
  not the written one, one WARNING line says so (DEBUG for repeats until a write holds again).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .after_write import ReadAfterWrite
from .const import (
    CONF_ENTITY_PREFIX,
    DEFAULT_PASSIVE_DURATION,
    DEFAULT_PASSIVE_POWER,
    EVENT_WRITE_REFUSED,
)
from .data import MarstekData
from .pymarstek import ManualSlot, MarstekClient, MarstekDeviceError, OperatingMode

_LOGGER = logging.getLogger(__name__)

# Modes whose `set_result: false` can be checked by reading the mode back: Passive carries a
# power the read cannot confirm, so a false there stays a refusal.
_CHECKABLE_NO_OP = frozenset({OperatingMode.AUTO, OperatingMode.AI, OperatingMode.MANUAL})


@dataclass(frozen=True, slots=True)
class _Written:
    """A write whose mode the next poll confirms or not."""

    mode: OperatingMode
    sent: float  # monotonic, just before the write was sent
    until: float | None  # monotonic, when a passive countdown ends (None: no end)
    shown: MarstekData | None  # the optimistic data published for it


class BatteryControl:
    """The write side of one battery, and the passive settings its number entities hold."""

    def __init__(
        self,
        coordinator: DataUpdateCoordinator[MarstekData],
        client: MarstekClient,
        read_after_write: ReadAfterWrite,
    ) -> None:
        """Nothing is sent until a write method is called."""
        self._coordinator = coordinator
        self._client = client
        self._read_after_write = read_after_write
        self._lock = asyncio.Lock()
        # Set by the passive number entities; used when the select chooses Passive.
        self.passive_power = DEFAULT_PASSIVE_POWER
        self.passive_duration = DEFAULT_PASSIVE_DURATION
        self._written: _Written | None = None
        self._stop_checking: CALLBACK_TYPE | None = None
        self._warned = False

    @property
    def passive_settings(self) -> tuple[int, int]:
        """Power (W, negative = charge) and duration (s) for the next switch to Passive."""
        return self.passive_power, self.passive_duration

    @property
    def power_limit(self) -> int:
        """The battery's own charge/discharge limit in W."""
        return self._client.power_limit

    def check_power(self, field: str, power: object) -> int:
        """`power` within this battery's limit, else `MarstekValidationError`."""
        return self._client.check_power(field, power)

    async def async_set_mode(self, mode: OperatingMode) -> None:
        """Switch the mode (Manual: neutral slot 9; Passive: the passive settings)."""
        power, duration = self.passive_settings if mode is OperatingMode.PASSIVE else (None, None)
        await self._async_write(
            partial(self._client.set_mode, mode, passive_power=power, passive_duration=duration),
            mode,
            passive_duration=duration,
            no_op_possible=mode in _CHECKABLE_NO_OP,
        )

    async def async_set_passive(self, power: int, duration: int) -> None:
        """Hold `power` W (negative = charge) for `duration` seconds in Passive mode."""
        await self._async_write(
            partial(self._client.set_passive, power, duration),
            OperatingMode.PASSIVE,
            passive_duration=duration,
        )

    async def async_set_manual_slot(self, slot: ManualSlot) -> None:
        """Write one manual schedule slot (the battery switches to Manual)."""
        await self._async_write(partial(self._client.set_manual_slot, slot), OperatingMode.MANUAL)

    async def async_clear_manual_slots(self) -> None:
        """Disable all ten manual slots (the battery switches to Manual)."""
        await self._async_write(self._client.clear_manual_slots, OperatingMode.MANUAL)

    async def async_write_setting(self, write: Callable[[], Awaitable[None]]) -> None:
        """Write a battery setting (depth of discharge, LED, Bluetooth) under the write lock.

        Settings leave the mode alone and nothing `ES.GetMode` reads, so nothing is shown or
        checked, and the poll is not moved; the library's quiet period still holds it back.
        """
        async with self._lock:
            await write()

    async def _async_write(
        self,
        write: Callable[[], Awaitable[None]],
        mode: OperatingMode,
        *,
        passive_duration: int | None = None,
        no_op_possible: bool = False,
    ) -> None:
        """Run `write` under the lock, show `mode`, move the next poll to after the quiet period.

        Raises:
            MarstekError: the write failed (validation errors come before anything is sent);
                a `set_result: false` only when the read after it does not show `mode`.
        """
        async with self._lock:
            started = time.monotonic()
            try:
                await write()
            except MarstekDeviceError as err:
                if not (no_op_possible and err.set_result_false):
                    self._tell_refused(mode)
                    raise
                answered = time.monotonic()
                if not await self._async_reads_mode(mode, answered, self._coordinator.data):
                    self._tell_refused(mode)
                    raise
                _LOGGER.debug(
                    "%s answered set_result false to %s and reads %s: already active, "
                    "not a refusal",
                    self._client.host,
                    mode.value,
                    mode.value,
                )
                return
        until = None
        if mode is OperatingMode.PASSIVE and passive_duration is not None:
            until = started + passive_duration
        data = self._coordinator.data
        shown = None if data is None else replace(data, status=replace(data.status, mode=mode))
        self._expect(_Written(mode, started, until, shown))
        if shown is not None:
            # Not `async_set_updated_data`: that would schedule a timed poll an interval from
            # now, and with an interval shorter than the quiet period it would double the read.
            self._coordinator.data = shown
            self._coordinator.async_update_listeners()
        self._read_after_write.after_write()

    def _tell_refused(self, mode: OperatingMode) -> None:
        """Say on the event bus that the battery refused a write (the household may notify)."""
        entry = self._coordinator.config_entry
        if entry is None:  # pragma: no cover - every battery coordinator has its entry
            return
        self._coordinator.hass.bus.async_fire(
            EVENT_WRITE_REFUSED,
            {
                "battery": entry.title,
                "prefix": entry.options.get(CONF_ENTITY_PREFIX),
                "mode": mode.value,
            },
        )

    async def _async_reads_mode(
        self, mode: OperatingMode, since: float, before: MarstekData | None
    ) -> bool:
        """Wait for the moved poll (after the quiet period); does it show `mode`?"""
        # Shielded: the read is the battery's next poll, whoever stops waiting for it.
        await asyncio.shield(self._read_after_write.after_write())
        data = self._coordinator.data
        return (
            self._coordinator.last_update_success
            and data is not None
            and data is not before  # a missed poll keeps the old data
            and data.monotonic >= since
            and data.status.mode is mode
        )

    def _expect(self, written: _Written) -> None:
        """Check `written` against the first poll that reads the battery after it."""
        self._written = written
        if self._stop_checking is None:
            self._stop_checking = self._coordinator.async_add_listener(self._async_check_written)

    @callback
    def _async_check_written(self) -> None:
        written = self._written
        data = self._coordinator.data
        if (
            written is None
            or data is None
            or data is written.shown
            or data.monotonic < written.sent
        ):
            return  # the optimistic update itself (kept by a missed poll), or an older read
        self._written = None
        if self._stop_checking is not None:
            self._stop_checking()
            self._stop_checking = None
        shown = data.status.mode
        if shown is written.mode or shown is None:
            self._warned = False
            return
        if written.until is not None and data.monotonic >= written.until:
            return  # the passive countdown ended before the read: leaving Passive is right
        log = _LOGGER.debug if self._warned else _LOGGER.warning
        self._warned = True
        log(
            "%s accepted %s but reads %s after the quiet period: the battery did not keep the "
            "written mode (some firmware drops Passive silently or reverts Manual); showing %s",
            self._client.host,
            written.mode.value,
            shown.value,
            shown.value,
        )
