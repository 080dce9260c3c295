"""JSON views of the simulation: what the HTTP API serves to Home Assistant and to tests.

Plain dicts of JSON types only, so that they can be served, logged and compared as they are.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .battery import SimulatedBattery
    from .meter import Meter
    from .recording import ReceivedDatagram
    from .simulator import Simulator

_MAX_RAW_CHARS = 2000


def p1_reading(meter: Meter) -> dict[str, Any]:
    """The meter as a HomeWizard-P1-style ``/api/v1/data`` document.

    ``active_power_w`` is the net grid power: positive = import, negative = export. The
    simulator has no per-phase model, so per-phase fields are left out (as a meter that does
    not report them would).
    """
    return {
        "wifi_ssid": "SimNet",
        "wifi_strength": 100,
        "smr_version": 50,
        "meter_model": "Marstek simulator P1 meter",
        "active_tariff": 1,
        "total_power_import_kwh": round(meter.imported_wh / 1000.0, 3),
        "total_power_export_kwh": round(meter.exported_wh / 1000.0, 3),
        "active_power_w": round(meter.power),
    }


def p1_device() -> dict[str, Any]:
    """The ``/api`` identification document of a HomeWizard-style P1 meter."""
    return {
        "product_type": "HWE-P1",
        "product_name": "P1 meter (simulated)",
        "serial": "5c2fafsim001",
        "firmware_version": "simulator",
        "api_version": "v1",
    }


def meter_status(meter: Meter) -> dict[str, Any]:
    """Load, solar, battery sum and net grid power now, W; energy counters, Wh."""
    return {
        "power": round(meter.power, 1),
        "load": round(meter.load, 1),
        "solar": round(meter.solar, 1),
        "battery_power": round(meter.battery_power, 1),
        "imported_wh": round(meter.imported_wh, 3),
        "exported_wh": round(meter.exported_wh, 3),
    }


def battery_status(battery: SimulatedBattery) -> dict[str, Any]:
    """One battery's identity, state, schedule and what it received (counts only)."""
    spec = battery.spec
    passive = battery.passive
    return {
        "host": battery.host,
        "model": spec.model,
        "firmware": spec.firmware,
        "ble_mac": spec.ble_mac,
        "src": battery.src,
        "capacity_kwh": spec.capacity_kwh,
        "mode": battery.mode,
        "soc": round(battery.soc, 3),
        "bat_soc": round(battery.soc),  # as ES.GetMode reports it
        "power": round(battery.power, 1),
        "charged_wh": round(battery.charged_wh, 3),
        "discharged_wh": round(battery.discharged_wh, 3),
        "passive": None if passive is None else dataclasses.asdict(passive),
        "manual_slots": [dataclasses.asdict(slot) for slot in battery.manual_slots],
        "method_counts": dict(battery.method_counts()),
        "received": len(battery.received),
        "quirks": dataclasses.asdict(battery.quirks),
    }


def simulator_status(simulator: Simulator) -> dict[str, Any]:
    """Time, meter and every battery."""
    return {
        "time": round(simulator.time, 3),
        "wall_time": simulator.wall_time.isoformat(timespec="seconds"),
        "port": simulator.port,
        "broadcast_host": simulator.broadcast_host,
        "meter": meter_status(simulator.meter),
        "batteries": [battery_status(battery) for battery in simulator.batteries],
    }


def _json_safe(value: object) -> object:
    """``value`` if it survives a JSON round trip unchanged in kind, else its repr."""
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


def datagram_record(index: int, datagram: ReceivedDatagram) -> dict[str, Any]:
    """One received datagram; ``index`` is its position in the battery's recording."""
    return {
        "index": index,
        "time": round(datagram.time, 3),
        "source": list(datagram.source),
        "method": datagram.method,
        "id": _json_safe(datagram.request_id),
        "params": _json_safe(datagram.payload),
        "broadcast": datagram.broadcast,
        "raw": datagram.raw[:_MAX_RAW_CHARS].decode("utf-8", errors="replace"),
    }
