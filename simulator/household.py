"""Default batteries modelled on the rotation household (three Venus E on three phases)."""

from __future__ import annotations

from .addresses import nth_host
from .spec import BatterySpec

# (model, firmware, ble_mac, initial soc) of the household's Fase A, B and C batteries.
_HOUSEHOLD = (
    ("VenusE", 155, "acd92968d828", 60.0),
    ("VenusE 3.0", 139, "009b08a59a7d", 50.0),
    ("VenusE", 155, "acd92968deb8", 40.0),
)
# The index of the household's Venus A (the fifth battery).
_WITH_SETTINGS = 4


def household_specs(count: int, base_ip: str = "127.0.0.2") -> list[BatterySpec]:
    """Specs for ``count`` batteries on consecutive loopback addresses from ``base_ip``.

    The first three copy the household; further ones have made-up, locally administered BLE
    MACs: Venus E, except the fifth, a Venus A on firmware 150 (a battery with the Open API
    revision 2.0 settings: depth of discharge, LED, Bluetooth advertising).
    """
    if count < 0:
        msg = "count must not be negative"
        raise ValueError(msg)
    specs = []
    for index in range(count):
        host = nth_host(base_ip, index)
        if index < len(_HOUSEHOLD):
            model, firmware, ble_mac, soc = _HOUSEHOLD[index]
        elif index == _WITH_SETTINGS:
            model, firmware, ble_mac, soc = "VenusA", 150, f"02000000{index:04x}", 50.0
        else:
            model, firmware, ble_mac, soc = "VenusE", 155, f"02000000{index:04x}", 50.0
        specs.append(
            BatterySpec(host=host, model=model, firmware=firmware, ble_mac=ble_mac, soc=soc)
        )
    return specs
