"""Errors raised by pymarstek.

Every error derives from `MarstekError`, so a caller that only wants to know "did the battery
answer usefully" can catch that one class.
"""

from __future__ import annotations

from .const import REJECTED_CODE


class MarstekError(Exception):
    """Base class of every pymarstek error."""


class MarstekTimeoutError(MarstekError):
    """The battery did not answer within the timeout."""


class MarstekDeviceError(MarstekError):
    """The battery answered with an error object, or rejected a write.

    Attributes:
        code: the JSON-RPC error code (for example -32601 "Method not found"), or
            `REJECTED_CODE` (0) when an `ES.SetMode` reply carried `set_result: false`.
        message: the message the device sent (or a description of the rejection).
        data: the optional, undocumented `data` member of the error object.
    """

    def __init__(self, code: int, message: str, data: object | None = None) -> None:
        """Store the device's error fields and build a readable message."""
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message
        self.data = data

    @property
    def set_result_false(self) -> bool:
        """True for an `ES.SetMode` reply with `set_result: false`, not an error object.

        Batteries answer false on a real refusal, but also when the mode is already active
        or they are busy: only a read after the quiet period tells which.
        """
        return self.code == REJECTED_CODE


class MarstekProtocolError(MarstekError):
    """A datagram or reply did not have the shape the protocol requires."""


class MarstekValidationError(MarstekError, ValueError):
    """An input was rejected before anything was sent.

    Attributes:
        field: the name of the offending input (for example "power" or "time_num").
        message: a human-readable message that names the allowed range.
        value: the value that was refused (None when not given).
        limits: (minimum, maximum) when the input must lie in a range, else None; callers
            that translate messages use it.
    """

    def __init__(
        self,
        field: str,
        message: str,
        *,
        value: object = None,
        limits: tuple[int | float, int | float] | None = None,
    ) -> None:
        """Store the field name, the message and what was refused."""
        super().__init__(message)
        self.field = field
        self.message = message
        self.value = value
        self.limits = limits


class MarstekTransportError(MarstekError):
    """The local UDP socket could not be used (bind failure, closed transport)."""
