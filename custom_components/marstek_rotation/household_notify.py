"""Messages to a person's phone (a notify action) for the household's events they chose.

The events, each one message in Home Assistant's language:
- `battery`: a battery stops answering, or answers again (its connection sensor);
- `plan`: tonight's plan and what it will cost, once an evening (the package's plan sensor);
- `refused`: a battery refused a write (the integration's write path fires an event);
- `configuration`: the household file has a problem (the package's problems sensor).
None is chosen by default.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util

from .const import EVENT_WRITE_REFUSED
from .household_texts import async_household_text

if TYPE_CHECKING:
    from collections.abc import Callable

_LOGGER = logging.getLogger(__name__)

CONF_NOTIFY: Final = "notifications"
CONF_NOTIFY_TARGET: Final = "notify_target"
CONF_NOTIFY_EVENTS: Final = "notify_events"
EVENTS: Final = ("battery", "plan", "refused", "configuration")
PLAN_SENSOR: Final = "sensor.marstek_rotation_energy_plan"
PROBLEMS_SENSOR: Final = "sensor.marstek_rotation_problems"
# Tonight's plan is said once an evening, from this local hour on.
EVENING_HOUR: Final = 16


def notify_targets(hass: HomeAssistant) -> list[str]:
    """What a message can go to: the notify actions (phones) and notify entities."""
    services = [
        f"notify.{name}" for name in sorted(hass.services.async_services_for_domain("notify"))
    ]
    entities = sorted(hass.states.async_entity_ids("notify"))
    return [*services, *(e for e in entities if e not in services)]


class HouseholdNotifier:
    """Listens for the chosen events and sends one message each."""

    def __init__(
        self,
        hass: HomeAssistant,
        target: str,
        events: list[str],
        batteries: list[dict[str, str]],
    ) -> None:
        """Nothing is listened to before `async_start`."""
        self._hass = hass
        self._target = target
        self._events = set(events)
        self._labels = {f"binary_sensor.{b['prefix']}_connection": b["label"] for b in batteries}
        self._label_of_prefix = {b["prefix"]: b["label"] for b in batteries}
        self._plan_said_on: str | None = None
        self._unsubscribe: list[Callable[[], None]] = []

    @callback
    def async_start(self) -> Callable[[], None]:
        """Listen; returns what stops listening."""
        hass = self._hass
        if "battery" in self._events and self._labels:
            self._unsubscribe.append(
                async_track_state_change_event(hass, list(self._labels), self._battery_changed)
            )
        if "plan" in self._events:
            self._unsubscribe.append(
                async_track_state_change_event(hass, PLAN_SENSOR, self._plan_changed)
            )
        if "configuration" in self._events:
            self._unsubscribe.append(
                async_track_state_change_event(hass, PROBLEMS_SENSOR, self._problems_changed)
            )
        if "refused" in self._events:
            self._unsubscribe.append(hass.bus.async_listen(EVENT_WRITE_REFUSED, self._refused))
        return self.async_stop

    @callback
    def async_stop(self) -> None:
        """Stop listening."""
        while self._unsubscribe:
            self._unsubscribe.pop()()

    @callback
    def _battery_changed(self, event: Event[EventStateChangedData]) -> None:
        old, new = event.data["old_state"], event.data["new_state"]
        if old is None or new is None or old.state == new.state:
            return
        label = self._labels.get(event.data["entity_id"], event.data["entity_id"])
        if old.state == STATE_ON and new.state == STATE_OFF:
            self._send("notify_battery_down", battery=label)
        elif old.state == STATE_OFF and new.state == STATE_ON:
            self._send("notify_battery_back", battery=label)

    @callback
    def _plan_changed(self, event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is None or new.attributes.get("status") != "planned":
            return
        now = local_now()
        today = now.date().isoformat()
        blocks = new.attributes.get("blocks") or []
        if now.hour < EVENING_HOUR or self._plan_said_on == today or not blocks:
            return
        self._plan_said_on = today
        first = _local_clock(blocks[0].get("start")) if isinstance(blocks[0], dict) else None
        cost = new.attributes.get("expected_cost")
        self._send(
            "notify_plan",
            energy=_number(new.state),
            start=first or "-",
            cost=_number(cost),
            currency=self._currency(),
        )

    def _currency(self) -> str:
        household = self._hass.states.get("sensor.marstek_rotation_household")
        return str(household.attributes.get("currency") or "") if household else ""

    @callback
    def _problems_changed(self, event: Event[EventStateChangedData]) -> None:
        old, new = event.data["old_state"], event.data["new_state"]
        if new is None or new.state in ("0", "unknown", "unavailable"):
            return
        if old is not None and old.state == new.state:
            return
        self._send("notify_configuration", problems=str(new.attributes.get("message") or new.state))

    @callback
    def _refused(self, event: Event[dict[str, Any]]) -> None:
        prefix = event.data.get("prefix")
        if prefix not in self._label_of_prefix:
            return  # not a battery of the household
        self._send(
            "notify_refused",
            battery=self._label_of_prefix[prefix],
            mode=str(event.data.get("mode", "?")),
        )

    @callback
    def _send(self, key: str, **placeholders: str) -> None:
        self._hass.async_create_task(self._async_send(key, placeholders), eager_start=True)

    async def _async_send(self, key: str, placeholders: dict[str, str]) -> None:
        hass = self._hass
        message = await async_household_text(hass, key, key, **placeholders)
        title = await async_household_text(hass, "notify_title", "Marstek rotation")
        domain, _, name = self._target.partition(".")
        try:
            if domain == "notify" and hass.services.has_service("notify", name):
                await hass.services.async_call(
                    "notify", name, {"title": title, "message": message}, blocking=True
                )
            else:
                await hass.services.async_call(
                    "notify",
                    "send_message",
                    {"entity_id": self._target, "title": title, "message": message},
                    blocking=True,
                )
        except Exception:  # a phone away must not break the rotation; said once in the log
            _LOGGER.warning("Sending a message to %s failed", self._target, exc_info=True)


def local_now() -> datetime:
    """The local time the evening rule looks at (one place, so tests can set the evening)."""
    return dt_util.now()


def _number(value: object) -> str:
    try:
        return f"{float(str(value)):.2f}"
    except ValueError:
        return "-"


def _local_clock(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    moment = dt_util.parse_datetime(value)
    if not isinstance(moment, datetime):
        return None
    return dt_util.as_local(moment).strftime("%H:%M")
