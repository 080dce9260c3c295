"""Device-side framing of the Marstek Open API: parse requests, encode replies.

One request is one datagram holding a JSON object ``{"id", "method", "params"}``;
one reply is one datagram ``{"id", "src", "result"}`` or ``{"id", "src", "error"}``,
printed compactly as the firmware's cJSON does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

UINT16_MASK = 0xFFFF


class ErrorCode(IntEnum):
    """JSON-RPC style error codes the firmware uses."""

    PARSE_ERROR = -32700
    INVALID_REQUEST = -32600
    METHOD_NOT_FOUND = -32601
    INVALID_PARAMS = -32602
    INTERNAL_ERROR = -32603


ERROR_MESSAGES: dict[int, str] = {
    ErrorCode.PARSE_ERROR: "Parse error",
    ErrorCode.INVALID_REQUEST: "Invalid Request",
    ErrorCode.METHOD_NOT_FOUND: "Method not found",
    ErrorCode.INVALID_PARAMS: "Invalid params",
    ErrorCode.INTERNAL_ERROR: "Internal error",
}

# The undocumented ``data`` member seen on real devices for these codes.
ERROR_DATA: dict[int, int] = {
    ErrorCode.PARSE_ERROR: 402,
    ErrorCode.INVALID_PARAMS: 412,
    ErrorCode.METHOD_NOT_FOUND: 424,
}


@dataclass(frozen=True, slots=True)
class Request:
    """A well-formed request as the firmware sees it."""

    request_id: int | str
    method: str
    params: Any


@dataclass(frozen=True, slots=True)
class MalformedRequest:
    """A datagram that is not a usable request; ``code`` says which error to answer."""

    request_id: int | str
    code: ErrorCode


def normalise_id(raw_id: Any) -> int | str | None:
    """Return the id as the firmware echoes it, or ``None`` if it is not an id at all.

    The firmware keeps numeric ids in a uint16, so larger or negative ids wrap.
    """
    if isinstance(raw_id, bool):
        return None
    if isinstance(raw_id, int):
        return raw_id & UINT16_MASK
    if isinstance(raw_id, float) and raw_id.is_integer():
        return int(raw_id) & UINT16_MASK
    if isinstance(raw_id, str):
        return raw_id
    return None


def parse_request(raw: bytes) -> Request | MalformedRequest:
    """Decode one datagram into a request, or say which error it deserves."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        # The device cannot know the id of what it could not parse: it answers id 0.
        return MalformedRequest(request_id=0, code=ErrorCode.PARSE_ERROR)
    if not isinstance(document, dict):
        return MalformedRequest(request_id=0, code=ErrorCode.INVALID_REQUEST)
    request_id = normalise_id(document.get("id"))
    method = document.get("method")
    if request_id is None or not isinstance(method, str):
        return MalformedRequest(
            request_id=request_id if request_id is not None else 0,
            code=ErrorCode.INVALID_REQUEST,
        )
    return Request(request_id=request_id, method=method, params=document.get("params"))


def peek_request(raw: bytes) -> tuple[str | None, object, dict[str, Any] | None]:
    """Best-effort (method, id, params) of a datagram, for recording only."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, None, None
    if not isinstance(document, dict):
        return None, None, None
    method = document.get("method")
    params = document.get("params")
    return (
        method if isinstance(method, str) else None,
        document.get("id"),
        params if isinstance(params, dict) else None,
    )


def _dump(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def encode_result(request_id: int | str, src: str, result: dict[str, Any]) -> bytes:
    """Encode a success reply."""
    return _dump({"id": request_id, "src": src, "result": result})


def encode_error(request_id: int | str, src: str, code: int) -> bytes:
    """Encode an error reply with the firmware's message (and ``data`` where observed)."""
    error: dict[str, Any] = {"code": code, "message": ERROR_MESSAGES.get(code, "Server error")}
    if code in ERROR_DATA:
        error["data"] = ERROR_DATA[code]
    return _dump({"id": request_id, "src": src, "error": error})
