"""Result objects to models."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.marstek_rotation.pymarstek import (
    DeviceInfo,
    MarstekProtocolError,
    ModeStatus,
    OperatingMode,
)
from custom_components.marstek_rotation.pymarstek.catalog import power_limit_w
from custom_components.marstek_rotation.pymarstek.parsers import (
    firmware_version,
    mac_from_src,
    normalize_mac,
    parse_device_info,
    parse_mode_status,
    parse_set_result,
)

VENUS_C_DEVICE = {
    "device": "VenusC",
    "ver": 111,
    "ble_mac": "123456789012",
    "wifi_mac": "ABCDEF123456",
    "wifi_name": "MY_HOME",
    "ip": "192.0.2.11",
}


def test_device_info_from_full_result() -> None:
    info = parse_device_info(VENUS_C_DEVICE, host="127.0.0.2", src="VenusC-123456789012")
    assert info == DeviceInfo(
        model="VenusC",
        firmware=111,
        firmware_version=111,
        ble_mac="123456789012",
        wifi_mac="abcdef123456",
        ssid="MY_HOME",
        reported_ip="192.0.2.11",
        host="127.0.0.2",
        src="VenusC-123456789012",
    )
    assert info.unique_id == "123456789012"


def test_device_info_falls_back_to_mac_in_src() -> None:
    # Venus C firmware 153 can leave both MACs out.
    info = parse_device_info(
        {"device": "VenusC", "ver": 153, "ip": "192.0.2.5"},
        host="127.0.0.3",
        src="VenusE 3.0-009B08A5E0A0",
    )
    assert info.ble_mac == "009b08a5e0a0"
    assert info.wifi_mac is None
    assert info.ssid is None


def test_device_info_without_any_mac() -> None:
    info = parse_device_info({"device": "VenusE", "ver": 155}, host="127.0.0.2", src=None)
    assert info.ble_mac is None
    assert info.unique_id is None


def test_device_info_unique_id_falls_back_to_wifi_mac() -> None:
    info = parse_device_info(
        {"device": "VenusE", "ver": 155, "wifi_mac": "aa:bb:cc:dd:ee:ff"},
        host="127.0.0.2",
        src=None,
    )
    assert info.unique_id == "aabbccddeeff"


@pytest.mark.parametrize(
    ("ver", "folded"),
    [(155, 155), (1476, 147), (1487, 148), (1509, 150), (1000, 100), (1999, 199), (300, 300)],
)
def test_firmware_version_folds_packed_versions(ver: int, folded: int) -> None:
    assert firmware_version(ver) == folded
    info = parse_device_info({"device": "VenusE 3.0", "ver": ver}, host="127.0.0.2", src=None)
    assert (info.firmware, info.firmware_version) == (ver, folded)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("acd92968d828", "acd92968d828"),
        ("ACD92968D828", "acd92968d828"),
        ("ac:d9:29:68:d8:28", "acd92968d828"),
        ("ac-d9-29-68-d8-28", "acd92968d828"),
        ("0", None),
        ("", None),
        ("000000000000", None),
        ("xyz", None),
        ("acd92968d82", None),
        (None, None),
    ],
)
def test_normalize_mac(raw: str | None, normalized: str | None) -> None:
    assert normalize_mac(raw) == normalized


@pytest.mark.parametrize(
    ("raw", "reported", "another"),
    [
        ("192.0.2.11", "192.0.2.11", False),
        ("192.000.002.011", "192.0.2.11", False),  # decimal, never octal
        (" 192.0.02.11 ", "192.0.2.11", False),
        ("192.0.2.12", "192.0.2.12", True),
        ("192.0.2.256", None, False),
        ("192.0.2", None, False),
        ("192.0.2.x", None, False),
        ("192.0.2.-1", None, False),
        ("", None, False),
        (None, None, False),
    ],
)
def test_reported_ip_is_canonical_or_none(
    raw: str | None, reported: str | None, another: bool
) -> None:
    result = {**VENUS_C_DEVICE, "ip": raw}
    info = parse_device_info(result, host="192.0.2.11", src=None)
    assert info.reported_ip == reported
    assert info.reports_another_address is another


@pytest.mark.parametrize(
    ("src", "mac"),
    [
        ("VenusE-acd92968deb8", "acd92968deb8"),
        ("VNSEM-0-ccc837b3a39f", "ccc837b3a39f"),
        ("VenusE 3.0-009b08a5e0a0", "009b08a5e0a0"),
        ("VenusE", None),
        ("Venus-mac", None),
        (None, None),
        ("", None),
    ],
)
def test_mac_from_src(src: str | None, mac: str | None) -> None:
    assert mac_from_src(src) == mac


@pytest.mark.parametrize(
    "result",
    [
        {"ver": 155},
        {"device": "VenusE"},
        {"device": 5, "ver": 155},
        {"device": "VenusE", "ver": "155"},
        {"device": "VenusE", "ver": True},
        {"device": "VenusE", "ver": 155, "ble_mac": 123},
        {"device": "VenusE", "ver": 155, "wifi_name": ["x"]},
    ],
)
def test_device_info_rejects_wrong_shapes(result: dict[str, Any]) -> None:
    with pytest.raises(MarstekProtocolError):
        parse_device_info(result, host="127.0.0.2", src=None)


def test_mode_status_rev2_example() -> None:
    status = parse_mode_status(
        {
            "id": 0,
            "mode": "Auto",
            "ongrid_power": -75,
            "offgrid_power": 0,
            "bat_soc": 20,
            "ct_state": 1,
            "a_power": 120,
            "b_power": -30,
            "c_power": 0,
            "total_power": 90,
            "input_energy": 12345,
            "output_energy": 7,
        }
    )
    assert status == ModeStatus(
        mode=OperatingMode.AUTO,
        soc=20,
        ongrid_power=-75,
        offgrid_power=0,
        ct_state=1,
        a_power=120,
        b_power=-30,
        c_power=0,
        total_power=90,
        input_energy=1234.5,
        output_energy=0.7,
        raw_mode="Auto",
    )


def test_mode_status_rev1_fields_only() -> None:
    status = parse_mode_status(
        {"id": 0, "mode": "Passive", "ongrid_power": 100, "offgrid_power": 0, "bat_soc": 98}
    )
    assert status.mode is OperatingMode.PASSIVE
    assert (status.soc, status.ongrid_power) == (98, 100)
    assert status.ct_state is None
    assert status.input_energy is None


def test_mode_status_all_missing_is_all_none() -> None:
    status = parse_mode_status({"id": 0})
    assert status == ModeStatus(None, None, None, None, None, None, None, None, None, None, None)


def test_mode_status_unknown_mode_keeps_raw_value() -> None:
    status = parse_mode_status({"mode": "Eco", "bat_soc": 50})
    assert status.mode is None
    assert status.raw_mode == "Eco"
    assert parse_mode_status({"mode": 3}).mode is OperatingMode.PASSIVE


@pytest.mark.parametrize("key", ["ongrid_power", "offgrid_power", "a_power", "total_power"])
@pytest.mark.parametrize(
    ("raw", "signed"),
    [(0, 0), (300, 300), (-300, -300), (65535, -1), (65436, -100), (65036, -500)],
)
def test_powers_undo_the_uint16_wrap(key: str, raw: int, signed: int) -> None:
    status = parse_mode_status({key: raw})
    assert getattr(status, key) == signed
    assert status.implausible == ()


@pytest.mark.parametrize(
    ("result", "field"),
    [
        ({"ongrid_power": -2_000_000}, "ongrid_power"),
        ({"ongrid_power": 3001}, "ongrid_power"),  # beyond 2500 W + 20 %
        ({"offgrid_power": 32767}, "offgrid_power"),
        ({"offgrid_power": 32768}, "offgrid_power"),  # wraps to -32768: still impossible
        ({"bat_soc": 250}, "bat_soc"),
        ({"bat_soc": -5}, "bat_soc"),
        ({"bat_soc": 1e308}, "bat_soc"),
        ({"total_power": 250_000}, "total_power"),
        ({"input_energy": int("9" * 401)}, "input_energy"),
        ({"output_energy": -1}, "output_energy"),
    ],
)
def test_impossible_values_are_dropped_and_named(result: dict[str, Any], field: str) -> None:
    status = parse_mode_status({"mode": "Auto", "bat_soc": 50, **result}, power_limit=2500)
    assert status.implausible == (field,)
    attribute = {"bat_soc": "soc"}.get(field, field)
    assert getattr(status, attribute) is None
    # The rest of the reply is kept.
    assert status.mode is OperatingMode.AUTO
    if field != "bat_soc":
        assert status.soc == 50


def test_power_limit_follows_the_model() -> None:
    assert parse_mode_status({"ongrid_power": 1400}, power_limit=1200).ongrid_power == 1400
    assert parse_mode_status({"ongrid_power": 1500}, power_limit=1200).implausible == (
        "ongrid_power",
    )
    assert power_limit_w("Venus A") == 1200
    assert power_limit_w("VenusD") == 2200
    assert power_limit_w("VenusE 3.0") == 2500
    assert power_limit_w("Venus X") == 10000
    assert power_limit_w(None) == 10000


def test_integral_floats_are_accepted_as_ints() -> None:
    status = parse_mode_status({"bat_soc": 98.0, "ongrid_power": -75.4})
    assert (status.soc, status.ongrid_power) == (98, -75)


@pytest.mark.parametrize(
    "result",
    [
        {"mode": ["Auto"]},
        {"mode": True},
        {"mode": 1.5},
        {"bat_soc": "98"},
        {"bat_soc": False},
        {"ongrid_power": {}},
        {"offgrid_power": "1"},
        {"input_energy": "12"},
        {"ct_state": [1]},
        {"bat_soc": float("inf")},
    ],
)
def test_mode_status_rejects_wrong_types(result: dict[str, Any]) -> None:
    with pytest.raises(MarstekProtocolError):
        parse_mode_status(result)


def test_set_result() -> None:
    assert parse_set_result({"id": 0, "set_result": True}) is True
    assert parse_set_result({"id": 0, "set_result": False}) is False
    for bad in ({}, {"set_result": 1}, {"set_result": "true"}, {"set_result": None}):
        with pytest.raises(MarstekProtocolError, match="set_result"):
            parse_set_result(bad)
