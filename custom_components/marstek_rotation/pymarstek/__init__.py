"""Async client for the JSON-over-UDP "Open API" of Marstek Venus batteries.

Standard library only; no Home Assistant imports. The integration imports it from its own
folder; `pip install .` of the repository installs it as the top-level package `pymarstek`
with the `marstek` command.

Typical use::

    async with MarstekTransport() as transport:
        client = MarstekClient(transport, "192.0.2.10")
        status = await client.get_mode()
"""

from __future__ import annotations

__version__ = "1.0.0"

from .client import MarstekClient
from .codec import Reply, ReplyError, RequestEcho, decode_message, encode_request
from .commands import (
    ai_config,
    auto_config,
    disabled_slot,
    get_device_params,
    getter_params,
    manual_slot_config,
    neutral_manual_config,
    passive_config,
    set_mode_params,
    ups_config,
)
from .const import (
    DEFAULT_BROADCAST_ADDRESS,
    DEFAULT_DISCOVERY_DURATION,
    DEFAULT_MAX_BROADCAST_REPLIES,
    DEFAULT_MIN_INTERVAL,
    DEFAULT_PORT,
    DEFAULT_QUIET_PERIOD,
    DEFAULT_TIMEOUT,
    MAX_DATAGRAM_BYTES,
    METHOD_GET_DEVICE,
    METHOD_GET_MODE,
    METHOD_SET_MODE,
    NEUTRAL_SLOT,
    PASSIVE_DURATION_MAX_S,
    PASSIVE_DURATION_MIN_S,
    POWER_MAX_W,
    POWER_MIN_W,
    REJECTED_CODE,
    SLOT_COUNT,
    SLOT_MAX,
    SLOT_MIN,
)
from .discovery import discover_devices
from .exceptions import (
    MarstekDeviceError,
    MarstekError,
    MarstekProtocolError,
    MarstekTimeoutError,
    MarstekTransportError,
    MarstekValidationError,
)
from .models import (
    ALL_DAYS,
    DAY_NAMES,
    DeviceInfo,
    ManualSlot,
    ModeStatus,
    OperatingMode,
    Weekday,
    day_names,
    model_family,
    power_limit_w,
    week_mask,
)
from .parsers import (
    firmware_version,
    mac_from_src,
    normalize_mac,
    parse_device_info,
    parse_mode_status,
    parse_set_result,
)
from .transport import MarstekTransport, TransportStats

__all__ = [
    "ALL_DAYS",
    "DAY_NAMES",
    "DEFAULT_BROADCAST_ADDRESS",
    "DEFAULT_DISCOVERY_DURATION",
    "DEFAULT_MAX_BROADCAST_REPLIES",
    "DEFAULT_MIN_INTERVAL",
    "DEFAULT_PORT",
    "DEFAULT_QUIET_PERIOD",
    "DEFAULT_TIMEOUT",
    "MAX_DATAGRAM_BYTES",
    "METHOD_GET_DEVICE",
    "METHOD_GET_MODE",
    "METHOD_SET_MODE",
    "NEUTRAL_SLOT",
    "PASSIVE_DURATION_MAX_S",
    "PASSIVE_DURATION_MIN_S",
    "POWER_MAX_W",
    "POWER_MIN_W",
    "REJECTED_CODE",
    "SLOT_COUNT",
    "SLOT_MAX",
    "SLOT_MIN",
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
    "OperatingMode",
    "Reply",
    "ReplyError",
    "RequestEcho",
    "TransportStats",
    "Weekday",
    "__version__",
    "ai_config",
    "auto_config",
    "day_names",
    "decode_message",
    "disabled_slot",
    "discover_devices",
    "encode_request",
    "firmware_version",
    "get_device_params",
    "getter_params",
    "mac_from_src",
    "manual_slot_config",
    "model_family",
    "neutral_manual_config",
    "normalize_mac",
    "parse_device_info",
    "parse_mode_status",
    "parse_set_result",
    "passive_config",
    "power_limit_w",
    "set_mode_params",
    "ups_config",
    "week_mask",
]
