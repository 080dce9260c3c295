"""Turn library errors from a write into translated Home Assistant errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN
from .pymarstek import (
    MarstekDeviceError,
    MarstekError,
    MarstekTimeoutError,
    MarstekValidationError,
)


def translate_error(battery: str, err: MarstekError) -> HomeAssistantError:
    """The Home Assistant error to raise for a failed write to `battery`."""
    if isinstance(err, MarstekValidationError):
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_value",
            translation_placeholders={"field": err.field, "error": str(err)},
        )
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
