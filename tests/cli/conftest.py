"""Fixtures for the CLI tests: simulated batteries the CLI subprocess talks to.

The same free device port and simulator as the library tests use.
"""

from __future__ import annotations

from tests.pymarstek.conftest import BROADCAST_HUB, device_port, sim

__all__ = ["BROADCAST_HUB", "device_port", "sim"]
