"""The household's P1 meter: load and solar in, net grid power out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

Profile = Callable[[datetime], float]
"""Watts as a function of local wall time (e.g. solar by hour of day)."""

_SECONDS_PER_HOUR = 3600.0


class Meter:
    """A simulated P1 meter the test drives.

    ``power`` is the net grid power at the meter, W: positive = import from the grid,
    negative = export. It equals load - solar - the sum of every battery's
    ``ongrid_power``. Load and solar are either constants (W) or profiles of wall time.
    """

    def __init__(self, sync: Callable[[], None]) -> None:
        """Create an idle meter; ``sync`` brings the simulation up to the current time."""
        self._sync = sync
        self._load: float | Profile = 0.0
        self._solar: float | Profile = 0.0
        self._load_now = 0.0
        self._solar_now = 0.0
        self._battery_now = 0.0
        self.imported_wh = 0.0
        self.exported_wh = 0.0

    def set_load(self, load: float | Profile) -> None:
        """Set household consumption: W, or a profile of wall time."""
        self._sync()  # integrate the past with the old value first
        self._load = load
        self._sync()

    def set_solar(self, solar: float | Profile) -> None:
        """Set solar production: W, or a profile of wall time."""
        self._sync()
        self._solar = solar
        self._sync()

    @property
    def load(self) -> float:
        """Household consumption now, W."""
        self._sync()
        return self._load_now

    @load.setter
    def load(self, watts: float) -> None:
        self.set_load(watts)

    @property
    def solar(self) -> float:
        """Solar production now, W."""
        self._sync()
        return self._solar_now

    @solar.setter
    def solar(self, watts: float) -> None:
        self.set_solar(watts)

    @property
    def battery_power(self) -> float:
        """Sum of all batteries' ``ongrid_power`` now, W (positive = delivering)."""
        self._sync()
        return self._battery_now

    @property
    def power(self) -> float:
        """Net grid power at the meter now, W (negative = export)."""
        self._sync()
        return self._grid_power()

    @property
    def has_profiles(self) -> bool:
        """Whether load or solar vary with time (then physics must step finely)."""
        return callable(self._load) or callable(self._solar)

    def load_at(self, wall: datetime) -> float:
        """Household consumption at ``wall`` time, W."""
        return self._load(wall) if callable(self._load) else self._load

    def solar_at(self, wall: datetime) -> float:
        """Solar production at ``wall`` time, W."""
        return self._solar(wall) if callable(self._solar) else self._solar

    def observe(self, load: float, solar: float, battery_power: float) -> None:
        """Take the flows the plant computed for the current instant."""
        self._load_now = load
        self._solar_now = solar
        self._battery_now = battery_power

    def accumulate(self, seconds: float) -> None:
        """Add the current grid flow over ``seconds`` to the import/export counters."""
        energy_wh = self._grid_power() * seconds / _SECONDS_PER_HOUR
        if energy_wh > 0:
            self.imported_wh += energy_wh
        else:
            self.exported_wh -= energy_wh

    def _grid_power(self) -> float:
        return self._load_now - self._solar_now - self._battery_now
