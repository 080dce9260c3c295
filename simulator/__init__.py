"""Simulated Marstek Venus batteries speaking the Open API (JSON over UDP) on loopback.

An independent device side for testing the integration: it shares no code with the
client library and imports nothing from Home Assistant.
"""

from .addresses import NonLoopbackAddressError
from .battery import SimulatedBattery
from .clock import ManualClock
from .meter import Meter
from .quirks import Quirks
from .recording import ReceivedDatagram
from .schedule import ManualSlot, PassiveState
from .simulator import Simulator
from .spec import BatterySpec

__all__ = [
    "BatterySpec",
    "ManualClock",
    "ManualSlot",
    "Meter",
    "NonLoopbackAddressError",
    "PassiveState",
    "Quirks",
    "ReceivedDatagram",
    "SimulatedBattery",
    "Simulator",
]
