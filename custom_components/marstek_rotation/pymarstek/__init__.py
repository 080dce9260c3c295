"""Async client for the JSON-over-UDP "Open API" of Marstek Venus batteries.

Standard library only; no Home Assistant imports. What is exported here is the public API;
the submodules (codec, commands, parsers, const, ...) are the library's own workings, used by
its command-line tool and its tests.

Typical use::

    async with MarstekTransport() as transport:
        client = MarstekClient(transport, "192.0.2.10")
        status = await client.get_mode()

One copy per process. The source lives inside the Home Assistant integration (HACS installs
only that folder), so it is importable as `custom_components.marstek_rotation.pymarstek` (what
the integration and the test suite use) and, after `pip install .`, as `pymarstek` (the
`marstek` command, the benchmarks). Two names would make two copies of every class, and
`isinstance` would fail between them; so importing these files under the second name in a
process that already holds them under the first raises ImportError.
"""

from __future__ import annotations

import sys
from pathlib import Path

__version__ = "1.0.0"


def _refuse_a_second_copy() -> None:
    for name in ("pymarstek", "custom_components.marstek_rotation.pymarstek"):
        other = sys.modules.get(name)
        other_file = getattr(other, "__file__", None)
        if name == __name__ or other_file is None:
            continue
        # Another project may own the name `pymarstek`: only a copy of these files counts.
        if Path(other_file).resolve() == Path(__file__).resolve():
            msg = f"{__name__} is already imported as {name}: use that one name in this process"
            raise ImportError(msg)


_refuse_a_second_copy()

from .catalog import ModelFacts, model_facts, supports_settings  # noqa: E402
from .client import MarstekClient  # noqa: E402
from .const import (  # noqa: E402
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    DOD_MAX_PERCENT,
    DOD_MIN_PERCENT,
    PASSIVE_DURATION_MAX_S,
    PASSIVE_DURATION_MIN_S,
)
from .discovery import discover_devices  # noqa: E402
from .exceptions import (  # noqa: E402
    MarstekDeviceError,
    MarstekError,
    MarstekProtocolError,
    MarstekTimeoutError,
    MarstekTransportError,
    MarstekValidationError,
)
from .models import DAY_NAMES, DeviceInfo, ManualSlot, ModeStatus, OperatingMode  # noqa: E402
from .transport import MarstekTransport, TransportStats  # noqa: E402

__all__ = [
    "DAY_NAMES",
    "DEFAULT_PORT",
    "DEFAULT_TIMEOUT",
    "DOD_MAX_PERCENT",
    "DOD_MIN_PERCENT",
    "PASSIVE_DURATION_MAX_S",
    "PASSIVE_DURATION_MIN_S",
    "DeviceInfo",
    "ManualSlot",
    "MarstekClient",
    "MarstekDeviceError",
    "MarstekError",
    "MarstekProtocolError",
    "MarstekTimeoutError",
    "MarstekTransport",
    "MarstekTransportError",
    "MarstekValidationError",
    "ModeStatus",
    "ModelFacts",
    "OperatingMode",
    "TransportStats",
    "__version__",
    "discover_devices",
    "model_facts",
    "supports_settings",
]
