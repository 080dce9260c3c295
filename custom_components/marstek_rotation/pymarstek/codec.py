"""Encoding requests to datagrams and strictly decoding datagrams to replies.

`decode_message` is the only entry point for untrusted bytes. Whatever it is given, it either
returns a `Reply` / `RequestEcho` or raises `MarstekProtocolError`; no other exception escapes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from .const import MAX_DATAGRAM_BYTES, MAX_JSON_DEPTH, REQUEST_ID_MAX
from .exceptions import MarstekDeviceError, MarstekProtocolError, MarstekValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping

type JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ReplyError:
    """The `error` object of a reply."""

    code: int
    message: str
    data: object | None = None

    def to_exception(self) -> MarstekDeviceError:
        """The exception a caller receives for this error."""
        return MarstekDeviceError(self.code, self.message, self.data)


@dataclass(frozen=True, slots=True)
class Reply:
    """A device reply: exactly one of `result` and `error` is set."""

    request_id: int
    src: str | None
    result: JsonObject | None
    error: ReplyError | None

    def unwrap(self) -> JsonObject:
        """Return the result object, or raise the device error it carries."""
        if self.error is not None:
            raise self.error.to_exception()
        if self.result is None:  # pragma: no cover - decode_message never builds this
            msg = "reply has neither result nor error"
            raise MarstekProtocolError(msg)
        return self.result


@dataclass(frozen=True, slots=True)
class RequestEcho:
    """A request seen on the wire (our own broadcast, or another controller's)."""

    method: str | None


def encode_request(request_id: int, method: str, params: Mapping[str, Any]) -> bytes:
    """Serialize one request as compact JSON.

    Raises:
        MarstekValidationError: the id is not 0..65535, the method is empty, or the params
            cannot be represented as JSON.
    """
    if isinstance(request_id, bool) or not isinstance(request_id, int):
        msg = f"request id must be an integer from 0 to {REQUEST_ID_MAX}, got {request_id!r}"
        raise MarstekValidationError(field="id", message=msg)
    if not 0 <= request_id <= REQUEST_ID_MAX:
        msg = f"request id must be an integer from 0 to {REQUEST_ID_MAX}, got {request_id}"
        raise MarstekValidationError(field="id", message=msg)
    if not isinstance(method, str) or not method:
        msg = f"method must be a non-empty string, got {method!r}"
        raise MarstekValidationError(field="method", message=msg)
    envelope = {"id": request_id, "method": method, "params": dict(params)}
    try:
        text = json.dumps(envelope, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as err:
        msg = f"params cannot be encoded as JSON: {err}"
        raise MarstekValidationError(field="params", message=msg) from None
    return text.encode("utf-8")


def decode_message(data: bytes | bytearray | memoryview) -> Reply | RequestEcho:
    """Decode one datagram.

    Returns:
        A `Reply` for anything carrying `result` or `error`, a `RequestEcho` for a datagram
        that carries `method`/`params` but neither of those.

    Raises:
        MarstekProtocolError: the datagram is empty, oversized, not UTF-8 JSON, not an object,
            or has members of the wrong type.
    """
    document = _parse_json(data)
    if not isinstance(document, dict):
        _fail(f"expected a JSON object, got {type(document).__name__}")
    has_result = "result" in document
    has_error = "error" in document
    if not has_result and not has_error:
        if "method" in document or "params" in document:
            method = document.get("method")
            return RequestEcho(method if isinstance(method, str) else None)
        _fail("message has neither result nor error")
    if has_result and has_error:
        _fail("reply has both result and error")
    request_id = _decode_id(document.get("id"))
    src = document.get("src")
    if src is not None and not isinstance(src, str):
        _fail(f"src must be a string, got {type(src).__name__}")
    if has_error:
        return Reply(request_id, src, None, _decode_error(document["error"]))
    result = document["result"]
    if not isinstance(result, dict):
        _fail(f"result must be an object, got {type(result).__name__}")
    return Reply(request_id, src, result, None)


def _parse_json(data: bytes | bytearray | memoryview) -> object:
    if not isinstance(data, bytes | bytearray | memoryview):
        _fail(f"expected bytes, got {type(data).__name__}")
    if len(data) == 0:
        _fail("empty datagram")
    if len(data) > MAX_DATAGRAM_BYTES:
        _fail(f"datagram of {len(data)} bytes exceeds {MAX_DATAGRAM_BYTES}")
    raw = bytes(data)
    # Counting brackets is fast; the exact scan runs only when the count could exceed the limit.
    brackets = raw.count(b"{") + raw.count(b"[")
    if brackets > MAX_JSON_DEPTH and _nesting_depth(raw) > MAX_JSON_DEPTH:
        _fail(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        text = raw.decode("utf-8")
        return json.loads(text, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        _fail("datagram is not UTF-8")
    except RecursionError:
        _fail("JSON nested too deeply")
    except ValueError as err:  # JSONDecodeError, NaN/Infinity, over-long integers
        _fail(f"not valid JSON: {err}")


_OPENERS = frozenset(b"[{")
_CLOSERS = frozenset(b"]}")
_QUOTE = ord('"')
_BACKSLASH = ord("\\")


def _nesting_depth(raw: bytes) -> int:
    """The deepest bracket nesting outside strings: one cheap pass, before any allocation."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == _BACKSLASH:
                escaped = True
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
        elif byte in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif byte in _CLOSERS:
            depth -= 1
    return deepest


def _reject_constant(name: str) -> NoReturn:
    msg = f"non-standard JSON constant {name}"
    raise ValueError(msg)


def _decode_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(f"id must be an integer, got {value!r:.40}")
    if not 0 <= value <= REQUEST_ID_MAX:
        shown = text if len(text := str(value)) <= 12 else f"{text[:12]}..."  # noqa: PLR2004
        _fail(f"id {shown} is outside 0..{REQUEST_ID_MAX}")
    return value


def _decode_error(value: object) -> ReplyError:
    if not isinstance(value, dict):
        _fail(f"error must be an object, got {type(value).__name__}")
    code = value.get("code")
    if isinstance(code, bool) or not isinstance(code, int):
        _fail(f"error code must be an integer, got {code!r:.40}")
    message = value.get("message", "")
    if not isinstance(message, str):
        _fail(f"error message must be a string, got {type(message).__name__}")
    return ReplyError(code, message or "device error", value.get("data"))


def _fail(reason: str) -> NoReturn:
    raise MarstekProtocolError(reason)
