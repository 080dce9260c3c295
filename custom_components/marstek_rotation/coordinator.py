"""The per-battery coordinator: one `ES.GetMode` per interval, nothing else while polling.

Its one job is to poll and publish `MarstekData`. When polls go unanswered, `Availability`
decides how long the last values stay and how often the battery is asked (availability.py);
the coordinator tells whoever `__init__` wired in (the port's finder) when the battery goes
away and comes back, and keeps the repair issues in step (repairs.py). Writes go through
`BatteryControl` (control.py); `ReadAfterWrite` (after_write.py) moves the next poll to just
after a write's quiet period.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .availability import Availability
from .const import CONF_POLL_INTERVAL, CONF_RATED_CAPACITY, DOMAIN
from .data import MarstekData
from .firmware import reset_prone_fixed_in
from .pymarstek import DeviceInfo, MarstekClient, MarstekError
from .repairs import (
    async_create_unreachable_issue,
    async_delete_unreachable_issue,
    async_update_firmware_issue,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

_LOGGER = logging.getLogger(__name__)


class ReachabilityReport(Protocol):
    """Told when the battery is taken for away and when it answers again.

    `__init__` wires in the port's finder, which then looks for the battery at a new address;
    polling itself knows nothing about discovery.
    """

    def __call__(self, *, reachable: bool) -> None:
        """Report the battery away (False) or back (True)."""


class MarstekCoordinator(DataUpdateCoordinator[MarstekData]):
    """Polls one battery and publishes what it read."""

    config_entry: ConfigEntry
    device: DeviceInfo

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: MarstekClient,
        report_reachability: ReachabilityReport,
    ) -> None:
        """Prepare the coordinator; nothing is sent before the first refresh."""
        self.availability = Availability(timedelta(seconds=entry.options[CONF_POLL_INTERVAL]))
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=self.availability.base_interval,
        )
        self.client = client
        self._report_reachability = report_reachability
        # Polls under way (a refresh someone asked for can overlap a timed one); a read after
        # a write waits for them rather than doubling them (after_write.py).
        self._polls = 0
        self._idle = asyncio.Event()
        self._idle.set()

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
        fixed_in = reset_prone_fixed_in(self.device.model, self.device.firmware_version)
        async_update_firmware_issue(self.hass, self.config_entry, self.device, fixed_in)

    @property
    def poll_under_way(self) -> bool:
        """True from a poll's start (waiting out a quiet period included) to its end."""
        return not self._idle.is_set()

    async def async_poll_finished(self) -> None:
        """Return when no poll is under way (at once when none is)."""
        await self._idle.wait()

    async def _async_update_data(self) -> MarstekData:
        self._polls += 1
        self._idle.clear()
        try:
            return await self._async_poll()
        finally:
            self._polls -= 1
            if not self._polls:
                self._idle.set()

    async def _async_poll(self) -> MarstekData:
        try:
            status = await self.client.get_mode()
        except MarstekError as err:
            return self._missed_poll(err)
        if self.availability.answered():
            async_delete_unreachable_issue(self.hass, self.config_entry)
            self._report_reachability(reachable=True)
        self.update_interval = self.availability.interval
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
            response_time=self.client.last_response_time,
            rated_capacity=self.config_entry.options[CONF_RATED_CAPACITY],
        )

    @property
    def reachable(self) -> bool:
        """False from the poll that marks the battery unavailable until it answers again."""
        return self.availability.reachable

    def _missed_poll(self, err: MarstekError) -> MarstekData:
        """Keep the last values for a while; then back off and report unavailable."""
        now = dt_util.utcnow()
        availability = self.availability
        availability.missed(now)
        if self.data is not None and availability.reachable:
            _LOGGER.debug(
                "%s missed poll %d (%s); keeping the last values",
                self.name,
                availability.missed_polls,
                err,
            )
            return self.data
        self.update_interval = availability.interval
        self._report_reachability(reachable=False)
        if availability.repair_due(now):
            async_create_unreachable_issue(
                self.hass, self.config_entry, self.client.host, self.client.port
            )
        raise UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="poll_failed",
            translation_placeholders={
                "host": self.client.host,
                "missed": str(availability.missed_polls),
                "error": str(err),
            },
        ) from err
