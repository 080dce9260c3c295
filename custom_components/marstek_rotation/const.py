"""Constants for the Marstek Battery Rotation integration."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from homeassistant.const import Platform

DOMAIN: Final = "marstek_rotation"
MANUFACTURER: Final = "Marstek"

# Config entry data (connection) and options (behaviour).
CONF_BLE_MAC: Final = "ble_mac"
CONF_MODEL: Final = "model"
CONF_ENTITY_PREFIX: Final = "entity_prefix"
CONF_RATED_CAPACITY: Final = "rated_capacity"
CONF_POLL_INTERVAL: Final = "poll_interval"
CONF_TIMEOUT: Final = "timeout"
# Only in a discovery flow's data (shown on its confirm step), never stored in an entry.
CONF_FIRMWARE: Final = "firmware"

# The library's defaults, repeated so that const imports nothing (a test checks they agree).
DEFAULT_PORT: Final = 30000
DEFAULT_POLL_INTERVAL: Final = 30
# Suggested for firmware that resets under frequent polling (see firmware.py).
RESET_PRONE_POLL_INTERVAL: Final = 60
# The default for HMG-50 hardware (Venus E 2.0, Venus C), whose CT/meter and Open API share one
# receive channel: every poll can collide with a meter datagram (see firmware.py).
SHARED_CHANNEL_POLL_INTERVAL: Final = 60
MIN_POLL_INTERVAL: Final = 10
MAX_POLL_INTERVAL: Final = 3600
DEFAULT_TIMEOUT: Final = 3.0
MIN_TIMEOUT: Final = 1.0
MAX_TIMEOUT: Final = 10.0
DEFAULT_RATED_CAPACITY: Final = 5.12
MIN_RATED_CAPACITY: Final = 0.5
MAX_RATED_CAPACITY: Final = 100.0

# Availability: values survive this many missed polls; the next one marks entities unavailable.
MISSED_POLLS_BEFORE_UNAVAILABLE: Final = 3
# Poll intervals of an unreachable battery: 5 minutes after it went away, then every 10.
UNREACHABLE_INTERVALS: Final = (timedelta(minutes=5), timedelta(minutes=10))
UNREACHABLE_REPAIR_AFTER: Final = timedelta(minutes=30)

# Repair issue ids (suffixed with the config entry id).
ISSUE_UNREACHABLE: Final = "unreachable"
ISSUE_RESET_PRONE_FIRMWARE: Final = "reset_prone_firmware"

# Passive mode defaults used by the number entities.
DEFAULT_PASSIVE_POWER: Final = 0
DEFAULT_PASSIVE_DURATION: Final = 3600

# The keys of a battery's entities, by platform, in the order they are created: an entity id is
# `<platform>.<prefix>_<key>`. The platforms' descriptions use exactly these (a test checks it),
# so the config flow can know the ids a prefix produces without importing any platform.
ENTITY_KEYS: Final[dict[Platform, tuple[str, ...]]] = {
    Platform.SENSOR: (
        "state_of_charge",
        "operating_mode",
        "grid_power",
        "offgrid_power",
        "remaining_capacity",
        "available_capacity",
        "rated_capacity",
        "ct_phase_a_power",
        "ct_phase_b_power",
        "ct_phase_c_power",
        "ct_total_power",
        "last_read",
        "response_time",
        "energy_charged",
        "energy_discharged",
    ),
    Platform.BINARY_SENSOR: ("connection",),
    Platform.SELECT: ("operating_mode",),
    Platform.NUMBER: ("passive_power", "passive_duration", "depth_of_discharge"),
    # Only where the model and firmware answer the settings writes (pymarstek.supports_settings).
    Platform.SWITCH: ("led", "bluetooth_advertising"),
}

# Fired when a battery refuses a write: the household's notifications listen for it.
EVENT_WRITE_REFUSED: Final = f"{DOMAIN}_write_refused"
