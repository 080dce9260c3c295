"""What a loaded battery entry carries: `entry.runtime_data`."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .control import BatteryControl
from .coordinator import MarstekCoordinator
from .pymarstek import MarstekClient


@dataclass(frozen=True, slots=True)
class MarstekRuntimeData:
    """The parts `__init__` built for one battery.

    Attributes:
        client: the library's client of this battery.
        coordinator: polls it and publishes `MarstekData`.
        control: writes to it, one at a time.
        local_endpoint: the local (address, port) its shared transport was taken under; it is
            given back under the same key.
    """

    client: MarstekClient
    coordinator: MarstekCoordinator
    control: BatteryControl
    local_endpoint: tuple[str, int]


type MarstekConfigEntry = ConfigEntry[MarstekRuntimeData]
