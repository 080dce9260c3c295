"""What every benchmark is told: sizes (quick or full) and where it may bind."""

from __future__ import annotations

from dataclasses import dataclass

# Not 30000, so a benchmark never clashes with the tests or a real integration.
DEFAULT_PORT = 30200
# The client transport binds here; simulated batteries use 127.0.0.2 and up.
CLIENT_HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class Settings:
    """Options shared by all benchmarks.

    Attributes:
        quick: smaller sizes, for a run of well under 30 s.
        port: the UDP port of the simulated batteries and of the client transport.
    """

    quick: bool
    port: int

    def size(self, *, quick: int, full: int) -> int:
        """Pick a count for the current mode."""
        return quick if self.quick else full
