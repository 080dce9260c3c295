"""Entity prefixes, device names, default capacities and the firmware rules."""

from __future__ import annotations

import pytest

from custom_components.marstek_rotation.firmware import reset_prone_fixed_in
from custom_components.marstek_rotation.naming import (
    default_entity_prefix,
    default_rated_capacity,
    device_name,
    is_valid_prefix,
)


@pytest.mark.parametrize(
    ("model", "mac", "prefix"),
    [
        ("VenusE", "acd92968d828", "marstek_venuse_d828"),
        ("VenusE 3.0", "009b08a59a7d", "marstek_venuse_3_0_9a7d"),
        ("VenusC", "AC:D9:29:68:12:AB", "marstek_venusc_12ab"),
        ("Venus A", "682499eefdd7", "marstek_venus_a_fdd7"),
    ],
)
def test_default_prefix(model: str, mac: str, prefix: str) -> None:
    assert default_entity_prefix(model, mac) == prefix
    assert is_valid_prefix(prefix)


def test_device_name() -> None:
    assert device_name("VenusE 3.0", "009b08a59a7d") == "Marstek VenusE 3.0 9a7d"


@pytest.mark.parametrize("prefix", ["", "Marstek", "has space", "double__underscore", "_edge", "é"])
def test_invalid_prefixes(prefix: str) -> None:
    assert not is_valid_prefix(prefix)


@pytest.mark.parametrize(
    ("model", "capacity"),
    [("VenusE", 5.12), ("VenusE 3.0", 5.12), ("VenusC", 2.56), ("VenusD", 2.24), ("Unknown", 5.12)],
)
def test_default_rated_capacity(model: str, capacity: float) -> None:
    assert default_rated_capacity(model) == capacity


@pytest.mark.parametrize(
    ("model", "firmware", "fixed_in"),
    [
        ("VenusE 3.0", 139, 150),
        ("VenusE 3.0", 150, None),
        ("Venus E 3.0", 147, 150),
        ("VenusE", 155, 156),
        ("VenusE", 156, None),
        ("VenusC", 153, 156),
        ("VenusA", 148, 149),  # v148 self-disables (MarstekEnergy #19)
        ("Venus A", 149, None),  # 149.2 reported stable (Flodesirat #4)
        ("VNSD-0", 149, 150),
        ("VenusE Pro", 100, None),
        ("VNSEM-0", 300, None),
    ],
)
def test_reset_prone_firmware(model: str, firmware: int, fixed_in: int | None) -> None:
    assert reset_prone_fixed_in(model, firmware) == fixed_in
