"""Protocol constants, defaults and the allowed ranges of every input."""

from __future__ import annotations

from typing import Final

# Network defaults. Many firmwares reply to the device's listen port rather than to the
# request's source port, so the local socket binds the device port by default.
DEFAULT_PORT: Final = 30000
DEFAULT_LOCAL_HOST: Final = "0.0.0.0"  # noqa: S104 - replies and broadcasts arrive on any interface
DEFAULT_BROADCAST_ADDRESS: Final = "255.255.255.255"

# Timing defaults (seconds).
DEFAULT_TIMEOUT: Final = 3.0
DEFAULT_MIN_INTERVAL: Final = 1.0
DEFAULT_QUIET_PERIOD: Final = 15.0
DEFAULT_DISCOVERY_DURATION: Final = 3.0

# Real replies are a few hundred bytes (clients in the field read into 4 KiB buffers);
# anything larger is not from a battery.
MAX_DATAGRAM_BYTES: Final = 4 * 1024
# Real replies nest objects two or three deep; deeper documents are rejected before parsing
# (nested empty objects are the cheapest way to make a parser allocate).
MAX_JSON_DEPTH: Final = 8
# Hosts whose replies one broadcast window keeps: households have a handful of batteries,
# and anyone on the LAN can answer a broadcast.
DEFAULT_MAX_BROADCAST_REPLIES: Final = 32

# The firmware stores the request id as uint16; 0 is what parse-error replies carry, so
# normal requests never use it.
REQUEST_ID_MIN: Final = 1
REQUEST_ID_MAX: Final = 0xFFFF

# Method names (case-sensitive on the device).
METHOD_GET_DEVICE: Final = "Marstek.GetDevice"
METHOD_GET_MODE: Final = "ES.GetMode"
METHOD_SET_MODE: Final = "ES.SetMode"
# Settings writes of Open API revision 2.0 (no getter exists for any of them).
METHOD_SET_DOD: Final = "DOD.SET"
METHOD_LED_CTRL: Final = "Led.Ctrl"
METHOD_BLE_ADV: Final = "Ble.Adv"

# `ble_mac` value that addresses every device in a Marstek.GetDevice request.
ALL_DEVICES_BLE_MAC: Final = "0"

# Ranges accepted by the command builders. A battery's own limit (by model, see
# `power_limit_w`) narrows the power range further.
POWER_MIN_W: Final = -10000
POWER_MAX_W: Final = 10000
PASSIVE_DURATION_MIN_S: Final = 1
PASSIVE_DURATION_MAX_S: Final = 86400
SLOT_MIN: Final = 0
SLOT_MAX: Final = 9
SLOT_COUNT: Final = SLOT_MAX - SLOT_MIN + 1
WEEK_SET_MIN: Final = 0
WEEK_SET_MAX: Final = 0b111_1111
NEUTRAL_SLOT: Final = 9
# Depth of discharge, % (`DOD.SET`, Rev 2.0 section 3.8; the firmware's default is 88).
DOD_MIN_PERCENT: Final = 30
DOD_MAX_PERCENT: Final = 88

# `MarstekDeviceError.code` used when ES.SetMode answers `set_result: false` (not a JSON-RPC code).
REJECTED_CODE: Final = 0
