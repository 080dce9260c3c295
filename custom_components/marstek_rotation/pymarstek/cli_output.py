"""Text and JSON renderings of the CLI's results."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from .models import OperatingMode
from .validation import format_clock

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .models import DeviceInfo, ManualSlot, ModeStatus


def to_json(value: object) -> str:
    """Indented JSON; enums are written as their values."""
    return json.dumps(value, indent=2, default=str)


def device_json(info: DeviceInfo) -> dict[str, Any]:
    """A `DeviceInfo` as a JSON-ready dict."""
    return asdict(info)


def devices_json(devices: Iterable[DeviceInfo]) -> list[dict[str, Any]]:
    """Discovered devices as a JSON-ready list."""
    return [device_json(info) for info in devices]


def device_text(info: DeviceInfo) -> str:
    """A `DeviceInfo` as aligned "label: value" lines."""
    return _lines(
        [
            ("host", info.host),
            ("model", info.model),
            ("firmware", _firmware(info)),
            ("BLE MAC", info.ble_mac),
            ("Wi-Fi MAC", info.wifi_mac),
            ("SSID", info.ssid),
            ("reported IP", info.reported_ip),
            ("src", info.src),
        ]
    )


def devices_text(devices: list[DeviceInfo]) -> str:
    """Discovered devices, one per line."""
    if not devices:
        return "No batteries answered."
    header = f"{'HOST':<16} {'MODEL':<12} {'FIRMWARE':<11} {'BLE MAC':<13} SRC"
    rows = [
        f"{info.host:<16} {info.model:<12} {_firmware(info):<11} {info.ble_mac or '-':<13} "
        f"{info.src or '-'}"
        for info in devices
    ]
    count = f"Found {len(devices)} {'battery' if len(devices) == 1 else 'batteries'}."
    return "\n".join([header, *rows, count])


def mode_json(host: str, status: ModeStatus) -> dict[str, Any]:
    """A `ModeStatus` as a JSON-ready dict (with the host it came from)."""
    return {"host": host, **asdict(status)}


def mode_text(status: ModeStatus) -> str:
    """A `ModeStatus` as aligned lines; absent fields are left out."""
    mode = str(status.mode) if status.mode else f"unknown ({status.raw_mode!r})"
    return _lines(
        [
            ("mode", mode),
            ("state of charge", _unit(status.soc, "%")),
            ("grid power", _unit(status.ongrid_power, "W")),
            ("off-grid power", _unit(status.offgrid_power, "W")),
            ("CT connected", None if status.ct_state is None else _yes_no(status.ct_state)),
            ("CT phase A", _unit(status.a_power, "W")),
            ("CT phase B", _unit(status.b_power, "W")),
            ("CT phase C", _unit(status.c_power, "W")),
            ("CT total", _unit(status.total_power, "W")),
            ("CT input energy", _unit(status.input_energy, "Wh")),
            ("CT output energy", _unit(status.output_energy, "Wh")),
            ("impossible values", ", ".join(status.implausible) or None),
        ]
    )


def set_mode_json(
    host: str, mode: OperatingMode, power: int | None, duration: int | None
) -> dict[str, Any]:
    """Result of set-mode as a JSON-ready dict."""
    result: dict[str, Any] = {"host": host, "success": True, "mode": str(mode)}
    if mode is OperatingMode.PASSIVE:
        result |= {"power": power, "duration": duration}
    return result


def set_mode_text(mode: OperatingMode, power: int | None, duration: int | None) -> str:
    """Result of set-mode as a sentence."""
    if mode is OperatingMode.PASSIVE:
        return f"Mode set to passive: {power} W for {duration} s."
    if mode is OperatingMode.MANUAL:
        return "Mode set to manual (slot 9 written disabled; other slots untouched)."
    return f"Mode set to {mode}."


def slot_json(host: str, slot: ManualSlot) -> dict[str, Any]:
    """Result of set-schedule as a JSON-ready dict."""
    return {
        "host": host,
        "success": True,
        "slot": slot.time_num,
        "start": format_clock(slot.start),
        "end": format_clock(slot.end),
        "days": list(slot.days),
        "week_set": slot.week_set,
        "power": slot.power,
        "enabled": slot.enabled,
    }


def slot_text(slot: ManualSlot) -> str:
    """Result of set-schedule as a sentence."""
    state = "enabled" if slot.enabled else "disabled"
    days = ",".join(slot.days) or "no days"
    return (
        f"Slot {slot.time_num} written ({state}): {format_clock(slot.start)}-"
        f"{format_clock(slot.end)} on {days}, {slot.power} W."
    )


def _firmware(info: DeviceInfo) -> str:
    """Firmware as reported, with the folded version first when they differ: 147 (1476)."""
    if info.firmware_version == info.firmware:
        return str(info.firmware)
    return f"{info.firmware_version} ({info.firmware})"


def _yes_no(flag: int) -> str:
    return "yes" if flag else "no"


def _unit(value: float | None, unit: str) -> str | None:
    return None if value is None else f"{value:g} {unit}"


def _lines(rows: list[tuple[str, str | None]]) -> str:
    present = [(label, value) for label, value in rows if value is not None]
    width = max(len(label) for label, _ in present)
    return "\n".join(f"{label + ':':<{width + 1}} {value}" for label, value in present)
