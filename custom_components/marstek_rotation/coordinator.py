"""The per-battery coordinator: one `ES.GetMode` per interval, nothing else while polling.

Availability rules (design.md): values survive two missed polls; the third marks the battery
unreachable (entities unavailable, the connection sensor off; Home Assistant logs once, and
once more on recovery). While unreachable the battery is asked again after 5 minutes and then
every 10 minutes, so a battery that dies costs at most a dozen datagrams in its first hour;
the port's shared finder looks for it at a new address; after 30 minutes a repair issue says
what to check.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_PORT
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import (
    CONF_POLL_INTERVAL,
    CONF_RATED_CAPACITY,
    DEFAULT_PASSIVE_DURATION,
    DEFAULT_PASSIVE_POWER,
    DOMAIN,
    ISSUE_RESET_PRONE_FIRMWARE,
    ISSUE_UNREACHABLE,
    MISSED_POLLS_BEFORE_UNAVAILABLE,
    UNREACHABLE_INTERVALS,
    UNREACHABLE_REPAIR_AFTER,
)
from .finder import BatteryFinder, async_get_finder
from .firmware import reset_prone_fixed_in
from .pymarstek import DeviceInfo, MarstekClient, MarstekError, ModeStatus, OperatingMode

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

type MarstekConfigEntry = ConfigEntry[MarstekCoordinator]

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MarstekData:
    """What one successful poll produced.

    Attributes:
        status: the `ES.GetMode` reading (impossible values already None).
        read_at: when the reply arrived (wall clock, for display).
        monotonic: when the reply arrived on the monotonic clock (for energy: a wall-clock
            step must not invent energy).
        response_time: seconds between request and reply, when known.
        rated_capacity: the configured rated capacity, kWh.
    """

    status: ModeStatus
    read_at: datetime
    monotonic: float
    response_time: float | None
    rated_capacity: float


class MarstekCoordinator(DataUpdateCoordinator[MarstekData]):
    """Polls one battery and serialises every write to it."""

    config_entry: MarstekConfigEntry
    device: DeviceInfo

    def __init__(
        self, hass: HomeAssistant, entry: MarstekConfigEntry, client: MarstekClient
    ) -> None:
        """Prepare the coordinator; nothing is sent before the first refresh."""
        self.base_interval = timedelta(seconds=entry.options[CONF_POLL_INTERVAL])
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=self.base_interval,
        )
        self.client = client
        # Kept from setup: the transport must be given back under the key it was taken with.
        self._local_endpoint = client.transport.local_address
        self.finder: BatteryFinder = async_get_finder(hass, entry.data[CONF_PORT])
        self.missed_polls = 0
        self.unreachable_since: datetime | None = None
        # Multi-datagram writes (clearing ten slots) must not interleave with other writes.
        self.write_lock = asyncio.Lock()
        # Set by the passive number entities; used when the select chooses Passive.
        self.passive_power = DEFAULT_PASSIVE_POWER
        self.passive_duration = DEFAULT_PASSIVE_DURATION

    # -- setup ------------------------------------------------------------------------------

    async def _async_setup(self) -> None:
        """Read the battery's identity once; never part of routine polling."""
        try:
            self.device = await self.client.get_device()
        except MarstekError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="setup_unreachable",
                translation_placeholders={"host": self.client.host, "error": str(err)},
            ) from err
        self._update_firmware_issue()

    def _update_firmware_issue(self) -> None:
        fixed_in = reset_prone_fixed_in(self.device.model, self.device.firmware_version)
        if fixed_in is None:
            ir.async_delete_issue(
                self.hass, DOMAIN, f"{ISSUE_RESET_PRONE_FIRMWARE}_{self.config_entry.entry_id}"
            )
            return
        self._raise_issue(
            ISSUE_RESET_PRONE_FIRMWARE,
            ir.IssueSeverity.WARNING,
            model=self.device.model,
            firmware=str(self.device.firmware_version),
            fixed_in=str(fixed_in),
        )

    def _raise_issue(self, key: str, severity: ir.IssueSeverity, **placeholders: str) -> None:
        """A repair issue of this battery (its id carries the entry id; removed with it)."""
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"{key}_{self.config_entry.entry_id}",
            is_fixable=False,
            severity=severity,
            translation_key=key,
            translation_placeholders={"name": self.config_entry.title, **placeholders},
        )

    # -- polling ----------------------------------------------------------------------------

    async def _async_update_data(self) -> MarstekData:
        try:
            status = await self.client.get_mode()
        except MarstekError as err:
            return self._missed_poll(err)
        self._recovered()
        if status.implausible:
            _LOGGER.debug(
                "%s sent impossible values for %s; they are not shown or counted",
                self.name,
                ", ".join(status.implausible),
            )
        return MarstekData(
            status=status,
            read_at=dt_util.utcnow(),
            monotonic=time.monotonic(),
            response_time=self.client.transport.last_response_time(self.client.host),
            rated_capacity=self.config_entry.options[CONF_RATED_CAPACITY],
        )

    @property
    def reachable(self) -> bool:
        """False from the poll that marks the battery unavailable until it answers again."""
        return self.missed_polls < MISSED_POLLS_BEFORE_UNAVAILABLE

    def _missed_poll(self, err: MarstekError) -> MarstekData:
        """Keep the last values for a while; then back off and report unavailable."""
        now = dt_util.utcnow()
        self.missed_polls += 1
        if self.unreachable_since is None:
            self.unreachable_since = now
        if self.data is not None and self.reachable:
            _LOGGER.debug(
                "%s missed poll %d (%s); keeping the last values", self.name, self.missed_polls, err
            )
            return self.data
        step = min(
            self.missed_polls - MISSED_POLLS_BEFORE_UNAVAILABLE, len(UNREACHABLE_INTERVALS) - 1
        )
        self.update_interval = max(self.base_interval, UNREACHABLE_INTERVALS[step])
        self.finder.async_report_unreachable(self.config_entry.entry_id)
        if now - self.unreachable_since >= UNREACHABLE_REPAIR_AFTER:
            self._create_unreachable_issue()
        raise UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="poll_failed",
            translation_placeholders={
                "host": self.client.host,
                "missed": str(self.missed_polls),
                "error": str(err),
            },
        ) from err

    def _recovered(self) -> None:
        if self.unreachable_since is not None:
            ir.async_delete_issue(
                self.hass, DOMAIN, f"{ISSUE_UNREACHABLE}_{self.config_entry.entry_id}"
            )
            self.finder.async_report_reachable(self.config_entry.entry_id)
        self.missed_polls = 0
        self.unreachable_since = None
        self.update_interval = self.base_interval

    def _create_unreachable_issue(self) -> None:
        self._raise_issue(
            ISSUE_UNREACHABLE,
            ir.IssueSeverity.ERROR,
            host=self.client.host,
            port=str(self.client.port),
        )

    # -- writes -----------------------------------------------------------------------------

    async def async_write(
        self,
        write: Callable[[MarstekCoordinator], Awaitable[None]],
        *,
        mode: OperatingMode | None = None,
    ) -> None:
        """Run a write under this battery's write lock; then show `mode` optimistically.

        The next poll (after the transport's post-write quiet period) confirms the mode.

        Raises:
            MarstekError: the write failed (validation errors come before anything is sent).
        """
        async with self.write_lock:
            await write(self)
        if mode is not None and self.data is not None:
            self.async_set_updated_data(
                replace(self.data, status=replace(self.data.status, mode=mode))
            )

    async def async_set_mode(
        self,
        mode: OperatingMode,
        *,
        passive_power: int | None = None,
        passive_duration: int | None = None,
    ) -> None:
        """Switch the operating mode (Manual: neutral slot 9; Passive: power and duration)."""

        async def write(coordinator: MarstekCoordinator) -> None:
            await coordinator.client.set_mode(
                mode, passive_power=passive_power, passive_duration=passive_duration
            )

        await self.async_write(write, mode=mode)

    @property
    def passive_settings(self) -> tuple[int, int]:
        """Power (W, negative = charge) and duration (s) for the next switch to Passive."""
        return self.passive_power, self.passive_duration

    @property
    def local_endpoint(self) -> tuple[str, int]:
        """The local (address, port) of this battery's transport."""
        return self._local_endpoint
