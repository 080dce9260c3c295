"""Diagnostics on a mocked client: identifiers redacted, the rest as read."""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from .conftest import latest_line_only


@latest_line_only
@pytest.mark.usefixtures("mock_marstek_client")
async def test_diagnostics(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    assert await get_diagnostics_for_config_entry(hass, hass_client, init_integration) == snapshot
