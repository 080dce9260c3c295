"""Typed values read from or written to a battery."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag, StrEnum
from typing import TYPE_CHECKING, Final

from .const import POWER_MAX_W, POWER_MIN_W, SLOT_MAX, SLOT_MIN, WEEK_SET_MAX, WEEK_SET_MIN
from .exceptions import MarstekValidationError
from .validation import format_clock, parse_clock, require_bool, require_int

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import time


class OperatingMode(StrEnum):
    """The battery's energy-management mode."""

    AUTO = "auto"
    AI = "ai"
    MANUAL = "manual"
    PASSIVE = "passive"
    UPS = "ups"

    @property
    def device_name(self) -> str:
        """The spelling the device expects in `ES.SetMode` ("Auto", "AI", ...)."""
        return _DEVICE_NAMES[self]

    @classmethod
    def parse(cls, value: object) -> OperatingMode | None:
        """Read a mode as the device reports it; None when it is not a known mode.

        Strings match case-insensitively ("Auto", "AI", "Ups", "UPS" ...); integers 0-4 are
        accepted as well because some documentation types the field as a number.
        """
        if isinstance(value, str):
            return _BY_LOWER_NAME.get(value.strip().casefold())
        if isinstance(value, int) and not isinstance(value, bool):
            return _BY_NUMBER.get(value)
        return None


_DEVICE_NAMES: Final[dict[OperatingMode, str]] = {
    OperatingMode.AUTO: "Auto",
    OperatingMode.AI: "AI",
    OperatingMode.MANUAL: "Manual",
    OperatingMode.PASSIVE: "Passive",
    OperatingMode.UPS: "UPS",
}
_BY_LOWER_NAME: Final[dict[str, OperatingMode]] = {mode.value: mode for mode in OperatingMode}
_BY_NUMBER: Final[dict[int, OperatingMode]] = dict(enumerate(OperatingMode))


class Weekday(IntFlag):
    """Days of a manual schedule slot, as the bits of `week_set` (Monday is bit 0)."""

    MON = 1
    TUE = 2
    WED = 4
    THU = 8
    FRI = 16
    SAT = 32
    SUN = 64


ALL_DAYS: Final = WEEK_SET_MAX
DAY_NAMES: Final[tuple[str, ...]] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_BY_NAME: Final[dict[str, Weekday]] = {
    **{name: Weekday[name.upper()] for name in DAY_NAMES},
    **{
        full: Weekday[full[:3].upper()]
        for full in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    },
}


def week_mask(days: Iterable[str | Weekday]) -> int:
    """Combine day names ("mon".."sun", case-insensitive) or `Weekday` values into a mask.

    At least one day is needed: a slot without days never runs, which is never what a caller
    meant (write a disabled slot to switch one off).
    """
    if isinstance(days, str):
        # A bare string would iterate characters; treat it as one day name instead.
        days = [days]
    days = list(days)
    if not days:
        msg = "days must name at least one day from mon to sun"
        raise MarstekValidationError(field="days", message=msg, value=days)
    mask = 0
    for day in days:
        if isinstance(day, Weekday):
            mask |= day
            continue
        weekday = _DAY_BY_NAME.get(day.strip().casefold()) if isinstance(day, str) else None
        if weekday is None:
            msg = f"days must be names from mon to sun, got {day!r}"
            raise MarstekValidationError(field="days", message=msg, value=day)
        mask |= weekday
    return int(mask)


def day_names(mask: int) -> tuple[str, ...]:
    """The short names ("mon".."sun") of the days set in `mask`, Monday first."""
    return tuple(name for bit, name in enumerate(DAY_NAMES) if mask & (1 << bit))


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """Identity of a battery, from `Marstek.GetDevice`.

    Attributes:
        model: the `device` string as reported ("VenusE", "VenusE 3.0", ...).
        firmware: `ver` as reported (for example 155, or 1476 on packed dotted versions).
        firmware_version: `ver` folded to the control-firmware number (1476 -> 147).
        ble_mac: lowercase 12-hex BLE MAC, from the result or else from `src`; the stable id.
        wifi_mac: lowercase 12-hex Wi-Fi MAC (can be the access point's BSSID on some models).
        ssid: the `wifi_name` the battery is connected to.
        reported_ip: the `ip` the battery reports for itself, canonical ("192.168.01.50" from
            some firmware becomes "192.168.1.50"); None when absent or not an IPv4 address.
        host: the IP the reply came from: use this one for addressing.
        src: the reply's `src` ("VenusE-acd92968d828"), when present.
    """

    model: str
    firmware: int
    firmware_version: int
    ble_mac: str | None
    wifi_mac: str | None
    ssid: str | None
    reported_ip: str | None
    host: str
    src: str | None

    @property
    def reports_another_address(self) -> bool:
        """True when the battery reports an address other than the one its reply came from.

        A NAT or relay in between, or a stale address in the firmware; `host` stays the one
        to address. False when the battery reports no usable address.
        """
        return self.reported_ip is not None and self.reported_ip != self.host

    @property
    def unique_id(self) -> str | None:
        """The identity to key the battery by: BLE MAC, else Wi-Fi MAC."""
        return self.ble_mac or self.wifi_mac


@dataclass(frozen=True, slots=True)
class ModeStatus:
    """The `ES.GetMode` reading. Every field is None when the reply did not carry it.

    Attributes:
        mode: the operating mode, None when missing or not a known mode.
        soc: state of charge, %.
        ongrid_power: W at the grid port; positive = the battery delivers, negative = it charges.
        offgrid_power: W on the backup socket (16-bit wrap already undone).
        ct_state: 1 when a CT/meter is connected, 0 when not.
        a_power, b_power, c_power, total_power: CT phase powers, W.
        input_energy, output_energy: CT energy counters, Wh (the device sends 0.1 Wh units).
        raw_mode: the `mode` value exactly as sent (useful to log an unknown mode).
        implausible: names of the fields whose values were impossible (a SOC outside 0-100,
            a power beyond what the battery can do, an absurd number) and are None here.
    """

    mode: OperatingMode | None
    soc: int | None
    ongrid_power: int | None
    offgrid_power: int | None
    ct_state: int | None
    a_power: int | None
    b_power: int | None
    c_power: int | None
    total_power: int | None
    input_energy: float | None
    output_energy: float | None
    raw_mode: str | int | None = None
    implausible: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, init=False)
class ManualSlot:
    """One manual-mode schedule slot, validated on creation.

    Attributes:
        time_num: slot index 0-9.
        start, end: minute-precision times; the device stores "HH:MM".
        week_set: day mask, bit 0 = Monday .. bit 6 = Sunday (127 = every day).
        power: W; negative = charge limit, positive = discharge limit, 0 = no limit.
        enabled: whether the slot is active.
    """

    time_num: int
    start: time
    end: time
    week_set: int
    power: int
    enabled: bool

    def __init__(
        self,
        time_num: int,
        start: time | str,
        end: time | str,
        days: Iterable[str | Weekday] | int = ALL_DAYS,
        power: int = 0,
        *,
        enabled: bool = True,
    ) -> None:
        """Validate and store a slot.

        Args:
            time_num: slot index, 0 to 9.
            start: start time, a `datetime.time` or "HH:MM".
            end: end time, a `datetime.time` or "HH:MM".
            days: day names ("mon".."sun"), `Weekday` values, or a ready mask 0-127.
            power: W from -10000 to 10000; negative charges.
            enabled: False writes the slot disabled.

        Raises:
            MarstekValidationError: any input is out of range.
        """
        if isinstance(days, int):  # a ready mask; require_int rejects bools
            mask = require_int("days", days, WEEK_SET_MIN, WEEK_SET_MAX)
        else:
            mask = week_mask(days)
        values = {
            "time_num": require_int("time_num", time_num, SLOT_MIN, SLOT_MAX),
            "start": parse_clock("start_time", start),
            "end": parse_clock("end_time", end),
            "week_set": mask,
            "power": require_int("power", power, POWER_MIN_W, POWER_MAX_W, "W"),
            "enabled": require_bool("enabled", enabled),
        }
        # Frozen dataclass: assign through object.__setattr__ once, here.
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def days(self) -> tuple[str, ...]:
        """The short names of the slot's days, Monday first."""
        return day_names(self.week_set)

    @property
    def start_text(self) -> str:
        """Start time as "HH:MM"."""
        return format_clock(self.start)

    @property
    def end_text(self) -> str:
        """End time as "HH:MM"."""
        return format_clock(self.end)
