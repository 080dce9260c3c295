"""Background discovery, shared by every battery on one Open API port.

Every discovery broadcast reaches every battery on the LAN, and the product's promise is that
healthy batteries hear nothing but their own `ES.GetMode` while polling. So one schedule per
port decides when a window opens, and each window serves every purpose at once:

* new batteries: a window shortly after Home Assistant starts and then every 6 hours; an
  unconfigured battery that answers gets an integration-discovery flow ("Discovered" on the
  integrations page). Ignored batteries stay ignored.
* moved batteries: a configured battery that answers from a new address has its entry updated
  (and reloaded) without a flow.
* unreachable batteries: while any battery on the port is unreachable, windows open 10 minutes
  after the first one went away, then back off (20, 40, 80 ... minutes, at most the 6 hours of
  the new-battery schedule) while they stay away.

A background window sends one datagram and waits for a moment when it delays no poll.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_IGNORE, SOURCE_INTEGRATION_DISCOVERY
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import discovery_flow
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.start import async_at_started
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .const import CONF_BLE_MAC, CONF_FIRMWARE, CONF_MODEL, DOMAIN
from .lan_discovery import async_discover
from .pymarstek import DeviceInfo

if TYPE_CHECKING:
    from .coordinator import ReachabilityReport

_LOGGER = logging.getLogger(__name__)

# After Home Assistant has started (or the first battery of a port was set up after that).
FIRST_WINDOW_DELAY = timedelta(minutes=1)
NEW_BATTERY_INTERVAL = timedelta(hours=6)
UNREACHABLE_FIRST_WINDOW = timedelta(minutes=10)
# How long a background broadcast may wait for a moment when it delays no poll.
GAP_WAIT_S = 30.0

FINDERS: HassKey[dict[int, BatteryFinder]] = HassKey(f"{DOMAIN}_finders")


@dataclass(slots=True)
class _Schedule:
    """When the next window opens, and why."""

    next_window: datetime | None = None
    # When the new-battery schedule wants its next window.
    periodic_at: datetime | None = None
    unreachable_step: int = 0
    cancel: CALLBACK_TYPE | None = None
    reasons: set[str] = field(default_factory=set)


class BatteryFinder:
    """The discovery schedule of one port; see the module docstring."""

    def __init__(self, hass: HomeAssistant, port: int) -> None:
        """Create an idle finder; `async_start` plans the first window."""
        self._hass = hass
        self._port = port
        self._users: set[str] = set()
        self._unreachable: set[str] = set()
        self._schedule = _Schedule()
        self._cancel_started: CALLBACK_TYPE | None = None
        self.windows = 0

    # -- lifecycle --------------------------------------------------------------------------

    @callback
    def async_add_user(self, entry_id: str) -> None:
        """A battery on this port was set up; the first one starts the schedule."""
        first = not self._users
        self._users.add(entry_id)
        if first:
            self._cancel_started = async_at_started(self._hass, self._async_started)

    @callback
    def async_remove_user(self, entry_id: str) -> bool:
        """A battery was unloaded; returns True when the finder has no battery left."""
        self._users.discard(entry_id)
        self._unreachable.discard(entry_id)
        if self._users:
            return False
        self._cancel()
        return True

    async def _async_started(self, _hass: HomeAssistant) -> None:
        self._cancel_started = None
        self._plan_periodic(dt_util.utcnow() + FIRST_WINDOW_DELAY)

    @callback
    def _cancel(self) -> None:
        if self._cancel_started is not None:
            self._cancel_started()
            self._cancel_started = None
        if self._schedule.cancel is not None:
            self._schedule.cancel()
        self._schedule = _Schedule()

    # -- unreachable batteries --------------------------------------------------------------

    @callback
    def async_report_unreachable(self, entry_id: str) -> None:
        """A battery stopped answering: plan a window unless one is planned soon enough."""
        if entry_id in self._unreachable:
            return
        first = not self._unreachable
        self._unreachable.add(entry_id)
        if first:
            self._schedule.unreachable_step = 0
            self._plan(dt_util.utcnow() + UNREACHABLE_FIRST_WINDOW, "unreachable")

    @callback
    def async_report_reachable(self, entry_id: str) -> None:
        """A battery answers again; with none left away, only the new-battery schedule stays."""
        if entry_id not in self._unreachable:
            return
        self._unreachable.discard(entry_id)
        schedule = self._schedule
        if self._unreachable or schedule.periodic_at is None:
            return
        if schedule.cancel is not None:
            schedule.cancel()
        schedule.cancel = None
        schedule.next_window = None
        schedule.reasons.clear()
        self._plan_periodic(schedule.periodic_at)

    def reachability_report(self, entry_id: str) -> ReachabilityReport:
        """What a battery's coordinator calls when it goes away (False) or answers (True)."""

        @callback
        def report(*, reachable: bool) -> None:
            if reachable:
                self.async_report_reachable(entry_id)
            else:
                self.async_report_unreachable(entry_id)

        return report

    @property
    def unreachable(self) -> frozenset[str]:
        """Entry ids of the batteries on this port that do not answer."""
        return frozenset(self._unreachable)

    @property
    def next_window(self) -> datetime | None:
        """When the next window opens."""
        return self._schedule.next_window

    # -- windows ----------------------------------------------------------------------------

    @callback
    def _plan_periodic(self, at: datetime) -> None:
        self._schedule.periodic_at = at
        self._plan(at, "new batteries")

    @callback
    def _plan(self, at: datetime, reason: str) -> None:
        """Open a window at `at`, or earlier if one is already planned earlier."""
        schedule = self._schedule
        schedule.reasons.add(reason)
        if schedule.next_window is not None and schedule.next_window <= at:
            return
        if schedule.cancel is not None:
            schedule.cancel()
        schedule.next_window = at
        schedule.cancel = async_track_point_in_utc_time(self._hass, self._async_open, at)

    async def _async_open(self, _now: datetime) -> None:
        schedule = self._schedule
        schedule.cancel = None
        schedule.next_window = None
        reasons, schedule.reasons = schedule.reasons, set()
        await self.async_window(", ".join(sorted(reasons)))
        if not self._users:
            return
        now = dt_util.utcnow()
        # Any window looks for new batteries too: the 6-hour schedule counts from it.
        schedule.periodic_at = now + NEW_BATTERY_INTERVAL
        self._plan(schedule.periodic_at, "new batteries")
        if self._unreachable:
            schedule.unreachable_step += 1
            wait = UNREACHABLE_FIRST_WINDOW * 2**schedule.unreachable_step
            self._plan(now + min(wait, NEW_BATTERY_INTERVAL), "unreachable")

    async def async_window(self, reason: str) -> list[DeviceInfo]:
        """Broadcast once on every enabled adapter and act on what answers."""
        self.windows += 1
        result = await async_discover(self._hass, self._port, resends=0, gap_wait=GAP_WAIT_S)
        _LOGGER.debug(
            "Discovery window on port %s (%s): %d batteries answered",
            self._port,
            reason,
            len(result.devices),
        )
        for device in result.devices:
            self._handle(device)
        return result.devices

    @callback
    def _handle(self, device: DeviceInfo) -> None:
        if device.unique_id is None:
            return
        entry = self._hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, device.unique_id)
        if entry is None:
            discovery_flow.async_create_flow(
                self._hass,
                DOMAIN,
                context={"source": SOURCE_INTEGRATION_DISCOVERY},
                data=discovery_info(device, self._port),
            )
            return
        if entry.source == SOURCE_IGNORE or entry.data.get(CONF_PORT) != self._port:
            return
        if entry.data.get(CONF_HOST) != device.host:
            _LOGGER.info(
                "%s answers at %s now (was %s); following it",
                entry.title,
                device.host,
                entry.data.get(CONF_HOST),
            )
            self._hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_HOST: device.host}
            )
            self._hass.config_entries.async_schedule_reload(entry.entry_id)


def discovery_info(device: DeviceInfo, port: int) -> dict[str, Any]:
    """What an integration-discovery flow gets to know about a battery."""
    return {
        CONF_HOST: device.host,
        CONF_PORT: port,
        CONF_BLE_MAC: device.unique_id,
        CONF_MODEL: device.model,
        CONF_FIRMWARE: device.firmware,
    }


@callback
def async_get_finder(hass: HomeAssistant, port: int) -> BatteryFinder:
    """The finder of `port`, created on first use."""
    finders = hass.data.setdefault(FINDERS, {})
    if port not in finders:
        finders[port] = BatteryFinder(hass, port)
    return finders[port]


@callback
def async_release_finder(hass: HomeAssistant, port: int, entry_id: str) -> None:
    """An entry on `port` unloads; the last one stops the port's finder."""
    finders = hass.data.get(FINDERS, {})
    finder = finders.get(port)
    if finder is not None and finder.async_remove_user(entry_id):
        del finders[port]
