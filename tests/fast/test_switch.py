"""The LED and Bluetooth advertising switches on a mocked client."""

from __future__ import annotations

from homeassistant.const import Platform

from .conftest import SnapshotOnePlatform, latest_line_only


@latest_line_only
async def test_switches(snapshot_one_platform: SnapshotOnePlatform) -> None:
    await snapshot_one_platform(Platform.SWITCH)
