"""The physical and control state of one battery: mode, SOC, schedule, setpoints, energy."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from .schedule import ManualSlot, PassiveState, empty_slots

if TYPE_CHECKING:
    from datetime import datetime

    from .spec import BatterySpec

FULL_SOC = 100.0
_SECONDS_PER_HOUR = 3600.0
# Rounding slack: a step computed to end exactly at a limit must land on it.
_SOC_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class _PassiveSetpoint:
    power: int
    cd_time: int
    expires_at: float | None  # simulator time; None once it has run out


@dataclass(frozen=True, slots=True)
class ModeSnapshot:
    """Everything a mode write changes, so a firmware revert can put it back."""

    mode: str
    passive: _PassiveSetpoint | None
    mode_before_passive: str


class BatteryState:
    """Mode, SOC and setpoints of one battery, integrated over simulator time.

    ``power`` is the AC power at the grid port (``ongrid_power``):
    positive = the battery delivers to the house, negative = it charges.
    """

    def __init__(self, spec: BatterySpec) -> None:
        """Start from the spec's initial mode and SOC, with an empty schedule."""
        self._spec = spec
        self.mode = spec.mode
        self.soc = spec.soc
        self.power = 0.0
        self.charged_wh = 0.0
        self.discharged_wh = 0.0
        self._slots = list(empty_slots())
        self._passive: _PassiveSetpoint | None = None
        self._mode_before_passive = spec.mode if spec.mode != "Passive" else "Auto"
        # Simulator time until which the meter's readings are lost (polling collided).
        self.meter_lost_until: float | None = None
        # Settings writes (no getter on the device; tests read them here): firmware defaults.
        self.depth_of_discharge = 88
        self.led_on = True
        self.ble_advertising = True

    @property
    def spec(self) -> BatterySpec:
        """The static description (capacity, limits) this state obeys."""
        return self._spec

    # --- control -----------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        """Switch mode; leaving Passive ends its countdown."""
        if mode != "Passive" and self._passive is not None:
            self._passive = replace(self._passive, expires_at=None)
        if mode == "Passive" and self.mode != "Passive":
            self._mode_before_passive = self.mode
        self.mode = mode

    def set_slot(self, index: int, slot: ManualSlot) -> None:
        """Store one Manual-mode slot (0-9)."""
        self._slots[index] = slot

    @property
    def slots(self) -> tuple[ManualSlot, ...]:
        """The ten Manual-mode slots."""
        return tuple(self._slots)

    def start_passive(self, power: int, cd_time: int, now: float) -> None:
        """Enter Passive and hold ``power`` for ``cd_time`` seconds from ``now``."""
        self.set_mode("Passive")
        self._passive = _PassiveSetpoint(power=power, cd_time=cd_time, expires_at=now + cd_time)

    def passive_view(self, now: float) -> PassiveState | None:
        """The last passive setpoint with its remaining countdown, or None if none was set."""
        if self._passive is None:
            return None
        expires_at = self._passive.expires_at
        remaining = None if expires_at is None or expires_at <= now else expires_at - now
        return PassiveState(self._passive.power, self._passive.cd_time, remaining)

    def next_passive_expiry(self) -> float | None:
        """Simulator time at which the running passive countdown ends, if any."""
        if self.mode != "Passive" or self._passive is None:
            return None
        return self._passive.expires_at

    def expire_passive(self, now: float, fallback: Literal["idle", "previous"]) -> None:
        """End the passive countdown if it ran out by ``now``."""
        expires_at = self.next_passive_expiry()
        if self._passive is None or expires_at is None or now < expires_at:
            return
        self._passive = replace(self._passive, expires_at=None)
        if fallback == "previous":
            self.mode = self._mode_before_passive

    def snapshot(self) -> ModeSnapshot:
        """Capture the mode-related state before a write."""
        return ModeSnapshot(self.mode, self._passive, self._mode_before_passive)

    def restore(self, snapshot: ModeSnapshot) -> None:
        """Undo a write (the firmware's revert-on-read quirk)."""
        self.mode = snapshot.mode
        self._passive = snapshot.passive
        self._mode_before_passive = snapshot.mode_before_passive

    # --- physics -----------------------------------------------------------------

    def setpoint(self, wall: datetime) -> float | None:
        """Requested grid power at ``wall`` time, or None when the meter decides (Auto/AI)."""
        if self.mode in {"Auto", "AI"}:
            return None
        if self.mode == "Manual":
            for slot in self._slots:
                if slot.is_active(wall):
                    return float(slot.power)
            return 0.0
        if self.mode == "Passive" and self._passive is not None:
            return float(self._passive.power) if self._passive.expires_at is not None else 0.0
        return 0.0  # UPS: hold the charge for backup

    @property
    def discharge_headroom(self) -> float:
        """How much the battery may discharge now, W."""
        return float(self._spec.power_limit_w) if self.soc > self._spec.min_soc else 0.0

    def meter_lost(self, moment: float) -> bool:
        """Whether the battery has lost its meter readings at ``moment``."""
        return self.meter_lost_until is not None and moment < self.meter_lost_until

    @property
    def charge_headroom(self) -> float:
        """How much the battery may charge now, W."""
        return float(self._spec.power_limit_w) if self.soc < FULL_SOC else 0.0

    def clamp(self, power: float) -> float:
        """Limit a requested grid power to the power rating and the SOC limits."""
        if power > 0:
            return min(power, self.discharge_headroom)
        return max(power, -self.charge_headroom)

    def seconds_to_limit(self) -> float | None:
        """Seconds until the current power drives SOC into min_soc or 100 %, if it does."""
        if self.power > 0 and self.soc > self._spec.min_soc:
            room_percent = self.soc - self._spec.min_soc
        elif self.power < 0 and self.soc < FULL_SOC:
            room_percent = FULL_SOC - self.soc
        else:
            return None
        room_wh = room_percent / 100.0 * self._spec.capacity_wh
        return room_wh / abs(self.power) * _SECONDS_PER_HOUR

    def integrate(self, seconds: float) -> None:
        """Move SOC by ``power`` over ``seconds``, stopping at min_soc and 100 %."""
        if seconds <= 0 or self.power == 0:
            return
        capacity_wh = self._spec.capacity_wh
        before = self.soc
        after = before - self.power * seconds / _SECONDS_PER_HOUR / capacity_wh * 100.0
        if self.power > 0:
            floor = min(self._spec.min_soc, before)
            after = floor if after - floor < _SOC_EPSILON else after
        else:
            after = FULL_SOC if FULL_SOC - after < _SOC_EPSILON else after
        self.soc = after
        moved_wh = (after - before) / 100.0 * capacity_wh
        if moved_wh > 0:
            self.charged_wh += moved_wh
        else:
            self.discharged_wh -= moved_wh
