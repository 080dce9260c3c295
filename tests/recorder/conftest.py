"""The recorder set up before Home Assistant, then the integration's loopback set-up.

The recorder fixture must come before `hass`; the integration tests' autouse fixtures ask for
`hass` first, so these tests live apart and build the same set-up in that order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant

from simulator import Simulator
from tests.integration.conftest import (
    BROADCAST,
    FAST_TIMING,
    PORT,
    enable_loopback_adapter,
    use_link_timing,
)


@pytest.fixture(autouse=True)
async def recorder_then_loopback(
    recorder_mock: Recorder,
    enable_custom_integrations: None,
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The recorder first; then the loopback adapter and no pacing, as in tests/integration."""
    del recorder_mock, enable_custom_integrations
    await enable_loopback_adapter(hass)
    use_link_timing(monkeypatch, FAST_TIMING)


@pytest.fixture
async def simulator() -> AsyncIterator[Simulator]:
    """An empty simulated household on port 30000 with a loopback broadcast hub."""
    async with Simulator(port=PORT, broadcast_host=BROADCAST) as sim:
        yield sim
