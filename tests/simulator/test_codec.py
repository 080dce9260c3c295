"""Framing: how datagrams become requests and replies become datagrams."""

from __future__ import annotations

import json

import pytest

from simulator.codec import (
    ErrorCode,
    MalformedRequest,
    Request,
    encode_error,
    encode_result,
    parse_request,
)


def test_parses_a_request() -> None:
    raw = b'{"id": 5, "method": "ES.GetMode", "params": {"id": 0}}'
    assert parse_request(raw) == Request(request_id=5, method="ES.GetMode", params={"id": 0})


@pytest.mark.parametrize(
    ("raw_id", "echoed"),
    [(1, 1), (65535, 65535), (65536, 0), (70000, 4464), (-1, 65535), (7.0, 7), ("ha-1", "ha-1")],
)
def test_ids_are_kept_as_uint16(raw_id: object, echoed: object) -> None:
    raw = json.dumps({"id": raw_id, "method": "X"}).encode()
    request = parse_request(raw)
    assert isinstance(request, Request)
    assert request.request_id == echoed


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff\xfe", b"[1,2", b'{"id":1,"method":"X"'])
def test_unparseable_is_a_parse_error_with_id_0(raw: bytes) -> None:
    assert parse_request(raw) == MalformedRequest(request_id=0, code=ErrorCode.PARSE_ERROR)


@pytest.mark.parametrize(
    ("raw", "expected_id"),
    [
        (b"[]", 0),
        (b"42", 0),
        (b'{"id": 3}', 3),
        (b'{"method": "ES.GetMode"}', 0),
        (b'{"id": true, "method": "ES.GetMode"}', 0),
        (b'{"id": 4, "method": 17}', 4),
        (b'{"id": 4, "result": {"id": 0}}', 4),
    ],
)
def test_json_that_is_no_request_is_invalid(raw: bytes, expected_id: int) -> None:
    assert parse_request(raw) == MalformedRequest(
        request_id=expected_id, code=ErrorCode.INVALID_REQUEST
    )


def test_result_is_compact_json_in_firmware_member_order() -> None:
    encoded = encode_result(9, "VenusE-acd92968d828", {"id": 0, "set_result": True})
    assert encoded == b'{"id":9,"src":"VenusE-acd92968d828","result":{"id":0,"set_result":true}}'


def test_error_carries_the_observed_data_member() -> None:
    assert json.loads(encode_error(0, "VenusE-x", ErrorCode.PARSE_ERROR)) == {
        "id": 0,
        "src": "VenusE-x",
        "error": {"code": -32700, "message": "Parse error", "data": 402},
    }
    assert json.loads(encode_error(2, "VenusE-x", -32603))["error"] == {
        "code": -32603,
        "message": "Internal error",
    }
    assert json.loads(encode_error(2, "VenusE-x", -32050))["error"] == {
        "code": -32050,
        "message": "Server error",
    }
