"""The availability policy on its own: missed polls, backoff and when a repair is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.marstek_rotation.availability import Availability

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BASE = timedelta(seconds=30)


def test_values_survive_two_missed_polls_and_the_third_makes_the_battery_away() -> None:
    policy = Availability(BASE)
    for missed in (1, 2):
        policy.missed(START + missed * BASE)
        assert policy.reachable
        assert policy.missed_polls == missed
    policy.missed(START + 3 * BASE)
    assert not policy.reachable
    assert policy.unreachable_since == START + BASE


def test_backoff_is_five_then_ten_minutes() -> None:
    policy = Availability(BASE)
    intervals = []
    for _ in range(6):
        policy.missed(START)
        intervals.append(policy.interval)
    # The first two misses keep the interval; the coordinator only asks for it from the third.
    assert intervals[2:] == [timedelta(minutes=5)] + [timedelta(minutes=10)] * 3


def test_backoff_never_polls_faster_than_configured() -> None:
    policy = Availability(timedelta(minutes=20))
    for _ in range(4):
        policy.missed(START)
    assert policy.interval == timedelta(minutes=20)


@pytest.mark.parametrize(
    ("away_for", "due"),
    [(timedelta(minutes=29, seconds=59), False), (timedelta(minutes=30), True)],
)
def test_a_repair_is_due_after_thirty_minutes_away(away_for: timedelta, due: bool) -> None:
    policy = Availability(BASE)
    policy.missed(START)
    assert policy.repair_due(START + away_for) is due


def test_an_answer_resets_everything_and_says_whether_polls_were_missed() -> None:
    policy = Availability(BASE)
    assert policy.answered() is False
    for _ in range(4):
        policy.missed(START)
    assert policy.answered() is True
    assert policy.reachable
    assert policy.missed_polls == 0
    assert policy.unreachable_since is None
    assert policy.interval == BASE
    assert not policy.repair_due(START + timedelta(hours=1))
