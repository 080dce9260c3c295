"""Turn library errors from a write into translated Home Assistant errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN
from .pymarstek import (
    DAY_NAMES,
    MarstekDeviceError,
    MarstekError,
    MarstekTimeoutError,
    MarstekValidationError,
)

_TIME_FIELDS = frozenset({"start_time", "end_time"})


def _shown(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(_shown(item) for item in value) or "-"
    return repr(value)


def translate_validation_error(err: MarstekValidationError) -> ServiceValidationError:
    """The translated error for an input the library refused (nothing was sent)."""
    if err.limits is not None:
        key = "out_of_range"
        if isinstance(err.value, float) and not err.value.is_integer():
            key = "not_whole_number"  # 800.9 is refused for its fraction, not its size
        placeholders = {
            "field": err.field,
            "value": _shown(err.value),
            "min": str(err.limits[0]),
            "max": str(err.limits[1]),
        }
    elif err.field in _TIME_FIELDS:
        key = "invalid_time"
        placeholders = {"field": err.field, "value": _shown(err.value)}
    elif err.field == "days":
        key = "invalid_days"
        placeholders = {"value": _shown(err.value), "allowed": ", ".join(DAY_NAMES)}
    else:
        key = "invalid_value"
        placeholders = {"field": err.field, "error": str(err)}
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def translate_error(battery: str, err: MarstekError) -> HomeAssistantError:
    """The Home Assistant error to raise for a failed write to `battery`."""
    if isinstance(err, MarstekValidationError):
        return translate_validation_error(err)
    if isinstance(err, MarstekTimeoutError):
        key = "write_timeout"
    elif isinstance(err, MarstekDeviceError):
        key = "write_rejected"
    else:
        key = "write_failed"
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"battery": battery, "error": str(err)},
    )


@asynccontextmanager
async def async_translate_errors(battery: str) -> AsyncIterator[None]:
    """Re-raise library errors inside the block as translated Home Assistant errors."""
    try:
        yield
    except MarstekError as err:
        raise translate_error(battery, err) from err
