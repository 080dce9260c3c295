"""What a simulated battery *is*: model, firmware, identity and rated values."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .addresses import require_loopback

MODES = ("Auto", "AI", "Manual", "Passive", "UPS")

# Per-model AC power limits in W (taurgis const.py: C/E 2500, D 2200).
MODEL_MAX_POWER_W: dict[str, int] = {
    "VenusE": 2500,
    "VenusE 3.0": 2500,
    "VenusC": 2500,
    "VenusD": 2200,
}
DEFAULT_MAX_POWER_W = 2500

# Models with PV inputs answer PV.GetStatus; the others answer -32601.
MODELS_WITH_PV = frozenset({"VenusD", "VenusA", "Venus A", "Venus D"})
# Models that answer the Rev 2.0 settings writes (DOD.SET, Led.Ctrl, Ble.Adv), and the first
# firmware that does (Rev 3.1: ver >= 150). HMG-50 hardware (VenusE 2.0, Venus C) answers
# -32601 to all three (taurgis tools/firmware/ANALYSIS.md: 153-156).
SETTINGS_FROM_FIRMWARE: dict[str, int] = {
    "VenusE 3.0": 150,
    "VNSE3-0": 150,
    "VenusA": 150,
    "Venus A": 150,
    "VNSA-0": 150,
    "VenusD": 150,
    "Venus D": 150,
    "VNSD-0": 150,
}

_MAC = re.compile(r"^[0-9a-f]{12}$")


@dataclass(frozen=True, slots=True)
class BatterySpec:
    """Static description of one simulated battery.

    Attributes:
        host: loopback address the battery binds (127.0.0.0/8 only).
        model: ``device`` string reported by ``Marstek.GetDevice`` and used in ``src``.
        firmware: ``ver`` integer.
        ble_mac: 12 lowercase hex digits; the stable identity.
        wifi_mac: reported Wi-Fi MAC; ``None`` derives one from the BLE MAC.
        ssid: reported ``wifi_name``.
        capacity_kwh: rated capacity.
        soc: initial state of charge, %.
        mode: initial mode (Auto, AI, Manual, Passive, UPS).
        min_soc: discharging stops at this SOC, % (the firmware's depth-of-discharge floor).
        max_power_w: charge/discharge limit; ``None`` uses the model's default.
        getmode_ct_fields: add the Rev 2.0 CT fields to ``ES.GetMode`` replies.
    """

    host: str
    model: str = "VenusE"
    firmware: int = 155
    ble_mac: str = "acd92968d828"
    wifi_mac: str | None = None
    ssid: str = "SimNet"
    capacity_kwh: float = 5.12
    soc: float = 50.0
    mode: str = "Auto"
    min_soc: float = 11.0
    max_power_w: int | None = None
    getmode_ct_fields: bool = False

    def __post_init__(self) -> None:
        """Reject specs a real device could not have, before anything is bound."""
        require_loopback(self.host)
        if not _MAC.match(self.ble_mac):
            msg = f"ble_mac must be 12 lowercase hex digits, got {self.ble_mac!r}"
            raise ValueError(msg)
        if self.wifi_mac is not None and not _MAC.match(self.wifi_mac):
            msg = f"wifi_mac must be 12 lowercase hex digits, got {self.wifi_mac!r}"
            raise ValueError(msg)
        if self.mode not in MODES:
            msg = f"mode must be one of {MODES}, got {self.mode!r}"
            raise ValueError(msg)
        if not 0.0 <= self.soc <= 100.0:  # noqa: PLR2004
            msg = f"soc must be within 0..100, got {self.soc}"
            raise ValueError(msg)
        if not 0.0 <= self.min_soc < 100.0:  # noqa: PLR2004
            msg = f"min_soc must be within 0..100, got {self.min_soc}"
            raise ValueError(msg)
        if self.capacity_kwh <= 0:
            msg = "capacity_kwh must be positive"
            raise ValueError(msg)

    @property
    def src(self) -> str:
        """The ``src`` member of every reply: ``<device>-<ble_mac>``."""
        return f"{self.model}-{self.ble_mac}"

    @property
    def reported_wifi_mac(self) -> str:
        """The Wi-Fi MAC in replies; derived from the BLE MAC when not given."""
        if self.wifi_mac is not None:
            return self.wifi_mac
        # Flip the locally-administered bit: distinct from the BLE MAC but stable.
        return f"{int(self.ble_mac, 16) ^ (0x02 << 40):012x}"

    @property
    def power_limit_w(self) -> int:
        """Maximum charge or discharge power in W."""
        if self.max_power_w is not None:
            return self.max_power_w
        return MODEL_MAX_POWER_W.get(self.model, DEFAULT_MAX_POWER_W)

    @property
    def capacity_wh(self) -> float:
        """Rated capacity in Wh."""
        return self.capacity_kwh * 1000.0

    @property
    def has_pv(self) -> bool:
        """Whether this model answers ``PV.GetStatus``."""
        return self.model in MODELS_WITH_PV

    @property
    def has_settings(self) -> bool:
        """Whether this model and firmware answer ``DOD.SET``, ``Led.Ctrl`` and ``Ble.Adv``."""
        first = SETTINGS_FROM_FIRMWARE.get(self.model)
        return first is not None and self.firmware >= first
