"""Operating modes, week masks and manual slots."""

from __future__ import annotations

from datetime import time

import pytest

from custom_components.marstek_rotation.pymarstek import (
    ManualSlot,
    MarstekValidationError,
    OperatingMode,
)
from custom_components.marstek_rotation.pymarstek.models import (
    ALL_DAYS,
    Weekday,
    day_names,
    week_mask,
)


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("Auto", OperatingMode.AUTO),
        ("auto", OperatingMode.AUTO),
        ("AI", OperatingMode.AI),
        ("Ai", OperatingMode.AI),
        ("Manual", OperatingMode.MANUAL),
        ("Passive", OperatingMode.PASSIVE),
        ("UPS", OperatingMode.UPS),
        ("Ups", OperatingMode.UPS),
        (" Auto ", OperatingMode.AUTO),
        (0, OperatingMode.AUTO),
        (1, OperatingMode.AI),
        (2, OperatingMode.MANUAL),
        (3, OperatingMode.PASSIVE),
        (4, OperatingMode.UPS),
        (5, None),
        (-1, None),
        ("Eco", None),
        ("", None),
        (None, None),
        (True, None),
        (1.0, None),
    ],
)
def test_parse_mode(reported: object, expected: OperatingMode | None) -> None:
    assert OperatingMode.parse(reported) is expected


def test_mode_values_and_device_names() -> None:
    assert [str(mode) for mode in OperatingMode] == ["auto", "ai", "manual", "passive", "ups"]
    assert [mode.device_name for mode in OperatingMode] == [
        "Auto",
        "AI",
        "Manual",
        "Passive",
        "UPS",
    ]


def test_weekday_bits_start_on_monday() -> None:
    assert [int(day) for day in Weekday] == [1, 2, 4, 8, 16, 32, 64]
    assert Weekday.MON | Weekday.SUN == 65


@pytest.mark.parametrize(
    ("days", "mask"),
    [
        (["mon"], 1),
        (["sun"], 64),
        (["mon", "tue", "wed", "thu", "fri"], 31),
        (["sat", "sun"], 96),
        (["MON", "Friday", " wed "], 1 | 16 | 4),
        ([Weekday.TUE, "thu"], 2 | 8),
        ([Weekday.SAT | Weekday.SUN], 96),
        (["mon", "mon"], 1),
        ("sun", 64),
        (["mon", "tue", "wed", "thu", "fri", "sat", "sun"], 127),
    ],
)
def test_week_mask(days: list[str | Weekday], mask: int) -> None:
    assert week_mask(days) == mask


@pytest.mark.parametrize("bad", [["funday"], ["mo"], [1], [None], []])
def test_week_mask_rejects_unknown_days(bad: list[object]) -> None:
    with pytest.raises(MarstekValidationError) as caught:
        week_mask(bad)  # type: ignore[arg-type]
    assert caught.value.field == "days"
    assert "mon to sun" in str(caught.value)


def test_day_names_round_trip() -> None:
    assert day_names(0) == ()
    assert day_names(ALL_DAYS) == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    assert day_names(week_mask(["fri", "mon"])) == ("mon", "fri")


def test_manual_slot_from_strings() -> None:
    slot = ManualSlot(1, "08:30", "20:30", ["mon", "sun"], -1500)
    assert slot.time_num == 1
    assert slot.start == time(8, 30)
    assert slot.end == time(20, 30)
    assert slot.week_set == 65
    assert slot.power == -1500
    assert slot.enabled is True
    assert slot.days == ("mon", "sun")
    assert (slot.start_text, slot.end_text) == ("08:30", "20:30")


def test_manual_slot_from_times_mask_and_disabled() -> None:
    slot = ManualSlot(0, time(0, 0), time(23, 59), 127, 800, enabled=False)
    assert slot.week_set == 127
    assert slot.enabled is False
    assert slot == ManualSlot(0, "00:00", "23:59", ALL_DAYS, 800, enabled=False)


def test_manual_slot_defaults_every_day_and_no_limit() -> None:
    slot = ManualSlot(2, "7:05", "09:00:00")
    assert (slot.start, slot.end, slot.week_set, slot.power) == (time(7, 5), time(9), 127, 0)


def test_manual_slot_is_frozen() -> None:
    slot = ManualSlot(2, "07:00", "09:00")
    with pytest.raises(AttributeError):
        slot.power = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "field", "range_text"),
    [
        ({"time_num": 10}, "time_num", "0 to 9"),
        ({"time_num": -1}, "time_num", "0 to 9"),
        ({"time_num": True}, "time_num", "0 to 9"),
        ({"time_num": "1"}, "time_num", "0 to 9"),
        ({"start": "24:00"}, "start_time", "00:00 to 23:59"),
        ({"start": "12:60"}, "start_time", "00:00 to 23:59"),
        ({"start": "noon"}, "start_time", "00:00 to 23:59"),
        ({"start": "12:00:30"}, "start_time", "00:00 to 23:59"),
        ({"start": time(12, 0, 30)}, "start_time", "without seconds"),
        ({"end": 1200}, "end_time", "00:00 to 23:59"),
        ({"days": 128}, "days", "0 to 127"),
        ({"days": -1}, "days", "0 to 127"),
        ({"days": ["mon", "xyz"]}, "days", "mon to sun"),
        ({"power": 10001}, "power", "-10000 to 10000 W"),
        ({"power": -10001}, "power", "-10000 to 10000 W"),
        ({"power": 1.5}, "power", "-10000 to 10000 W"),
        ({"enabled": 1}, "enabled", "true or false"),
    ],
)
def test_manual_slot_validation(kwargs: dict[str, object], field: str, range_text: str) -> None:
    arguments: dict[str, object] = {
        "time_num": 1,
        "start": "08:00",
        "end": "09:00",
        "days": 127,
        "power": 0,
        "enabled": True,
    }
    arguments.update(kwargs)
    with pytest.raises(MarstekValidationError) as caught:
        ManualSlot(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert range_text in caught.value.message
    assert isinstance(caught.value, ValueError)


def test_manual_slot_accepts_the_range_limits() -> None:
    low = ManualSlot(0, "00:00", "00:00", 0, -10000)
    high = ManualSlot(9, "23:59", "23:59", 127, 10000)
    assert (low.time_num, low.power, high.time_num, high.power) == (0, -10000, 9, 10000)
