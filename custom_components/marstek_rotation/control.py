"""Writes to one battery: serialised, then shown at once until the next poll confirms them.

A multi-datagram write (clearing ten slots) must not interleave with another write to the same
battery, so every write takes this battery's lock. The mode a write sets is published at once;
the next poll, after the library's quiet period, reads it back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial

from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .const import DEFAULT_PASSIVE_DURATION, DEFAULT_PASSIVE_POWER
from .data import MarstekData
from .pymarstek import ManualSlot, MarstekClient, OperatingMode


class BatteryControl:
    """The write side of one battery, and the passive settings its number entities hold."""

    def __init__(
        self, coordinator: DataUpdateCoordinator[MarstekData], client: MarstekClient
    ) -> None:
        """Nothing is sent until a write method is called."""
        self._coordinator = coordinator
        self._client = client
        self._lock = asyncio.Lock()
        # Set by the passive number entities; used when the select chooses Passive.
        self.passive_power = DEFAULT_PASSIVE_POWER
        self.passive_duration = DEFAULT_PASSIVE_DURATION

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
        )

    async def async_set_passive(self, power: int, duration: int) -> None:
        """Hold `power` W (negative = charge) for `duration` seconds in Passive mode."""
        await self._async_write(
            partial(self._client.set_passive, power, duration), OperatingMode.PASSIVE
        )

    async def async_set_manual_slot(self, slot: ManualSlot) -> None:
        """Write one manual schedule slot (the battery switches to Manual)."""
        await self._async_write(partial(self._client.set_manual_slot, slot), OperatingMode.MANUAL)

    async def async_clear_manual_slots(self) -> None:
        """Disable all ten manual slots (the battery switches to Manual)."""
        await self._async_write(self._client.clear_manual_slots, OperatingMode.MANUAL)

    async def _async_write(self, write: Callable[[], Awaitable[None]], mode: OperatingMode) -> None:
        """Run `write` under the lock, then show `mode` until the next poll.

        Raises:
            MarstekError: the write failed (validation errors come before anything is sent).
        """
        async with self._lock:
            await write()
        data = self._coordinator.data
        if data is not None:
            self._coordinator.async_set_updated_data(
                replace(data, status=replace(data.status, mode=mode))
            )
