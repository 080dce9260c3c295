"""Encoding requests and strictly decoding datagrams."""

from __future__ import annotations

import json

import pytest

from custom_components.marstek_rotation.pymarstek import (
    MarstekDeviceError,
    MarstekProtocolError,
    MarstekValidationError,
)
from custom_components.marstek_rotation.pymarstek.codec import (
    Reply,
    ReplyError,
    RequestEcho,
    decode_message,
    encode_request,
)
from custom_components.marstek_rotation.pymarstek.const import MAX_DATAGRAM_BYTES


def test_encode_getter_is_compact_json() -> None:
    assert encode_request(7, "ES.GetMode", {"id": 0}) == (
        b'{"id":7,"method":"ES.GetMode","params":{"id":0}}'
    )


def test_encode_get_device() -> None:
    assert encode_request(65535, "Marstek.GetDevice", {"ble_mac": "0"}) == (
        b'{"id":65535,"method":"Marstek.GetDevice","params":{"ble_mac":"0"}}'
    )


@pytest.mark.parametrize("bad_id", [-1, 65536, True, "1", 1.0])
def test_encode_rejects_ids_outside_uint16(bad_id: object) -> None:
    with pytest.raises(MarstekValidationError) as caught:
        encode_request(bad_id, "ES.GetMode", {"id": 0})  # type: ignore[arg-type]
    assert caught.value.field == "id"
    assert "65535" in str(caught.value)


def test_encode_rejects_empty_method_and_unencodable_params() -> None:
    with pytest.raises(MarstekValidationError, match="method"):
        encode_request(1, "", {})
    with pytest.raises(MarstekValidationError, match="params"):
        encode_request(1, "ES.GetMode", {"id": object()})
    with pytest.raises(MarstekValidationError, match="params"):
        encode_request(1, "ES.GetMode", {"power": float("nan")})


def test_decode_result_reply() -> None:
    reply = decode_message(
        b'{"id":3,"src":"VenusE-acd92968d828","result":{"id":0,"mode":"Auto","bat_soc":98}}'
    )
    assert reply == Reply(3, "VenusE-acd92968d828", {"id": 0, "mode": "Auto", "bat_soc": 98}, None)
    assert isinstance(reply, Reply)
    assert reply.unwrap() == {"id": 0, "mode": "Auto", "bat_soc": 98}


def test_decode_error_reply_with_data() -> None:
    reply = decode_message(
        b'{"id":0,"src":"Venus-24215ee580e7","error":'
        b'{"code":-32700,"message":"Parse error","data":402}}'
    )
    assert isinstance(reply, Reply)
    assert reply.error == ReplyError(-32700, "Parse error", 402)
    with pytest.raises(MarstekDeviceError) as caught:
        reply.unwrap()
    assert (caught.value.code, caught.value.message, caught.value.data) == (
        -32700,
        "Parse error",
        402,
    )


def test_decode_error_without_message_or_src() -> None:
    reply = decode_message(b'{"id":9,"error":{"code":-32601}}')
    assert isinstance(reply, Reply)
    assert reply.src is None
    assert reply.error is not None
    assert reply.error.code == -32601
    assert reply.error.data is None


@pytest.mark.parametrize(
    "datagram",
    [
        b'{"id":4,"method":"Marstek.GetDevice","params":{"ble_mac":"0"}}',
        b'{"method":"ES.GetMode"}',
        b'{"id":"homey","params":{}}',
    ],
)
def test_decode_request_echo(datagram: bytes) -> None:
    message = decode_message(datagram)
    assert isinstance(message, RequestEcho)


def test_request_echo_keeps_method_name() -> None:
    assert decode_message(encode_request(5, "ES.SetMode", {"id": 0})) == RequestEcho("ES.SetMode")


@pytest.mark.parametrize(
    ("datagram", "reason"),
    [
        (b"", "empty"),
        (b"x" * (MAX_DATAGRAM_BYTES + 1), "exceeds"),
        (b"\xff\xfe{}", "UTF-8"),
        (b"not json", "not valid JSON"),
        (b'{"id":1,"result":{}', "not valid JSON"),
        (b"[1,2,3]", "expected a JSON object"),
        (b'"text"', "expected a JSON object"),
        (b"null", "expected a JSON object"),
        (b"{}", "neither result nor error"),
        (b'{"id":1,"src":"x"}', "neither result nor error"),
        (b'{"id":1,"result":{},"error":{"code":1}}', "both"),
        (b'{"result":{}}', "id must be an integer"),
        (b'{"id":"1","result":{}}', "id must be an integer"),
        (b'{"id":true,"result":{}}', "id must be an integer"),
        (b'{"id":1.0,"result":{}}', "id must be an integer"),
        (b'{"id":-1,"result":{}}', "outside"),
        (b'{"id":65536,"result":{}}', "outside"),
        (b'{"id":1,"src":5,"result":{}}', "src must be a string"),
        (b'{"id":1,"result":null}', "result must be an object"),
        (b'{"id":1,"result":[1]}', "result must be an object"),
        (b'{"id":1,"error":"bad"}', "error must be an object"),
        (b'{"id":1,"error":{"code":"-1"}}', "error code"),
        (b'{"id":1,"error":{"code":false}}', "error code"),
        (b'{"id":1,"error":{"code":1,"message":7}}', "error message"),
        (b'{"id":1,"result":{"v":NaN}}', "not valid JSON"),
        (b'{"id":1,"result":{"v":-Infinity}}', "not valid JSON"),
        (b"[" * 2000 + b"]" * 2000, "nested deeper than 8"),
        (b'{"a":' * 600 + b"1" + b"}" * 600, "nested deeper than 8"),
        (b'{"id":1,"result":{"a":' * 5 + b"1" + b"}}" * 5, "nested deeper than 8"),
        (b'{"id":' + b"9" * 4000 + b',"result":{}}', r"id 999999999999\.\.\. is outside"),
    ],
)
def test_decode_rejects_malformed(datagram: bytes, reason: str) -> None:
    with pytest.raises(MarstekProtocolError, match=reason):
        decode_message(datagram)


def test_decode_accepts_bytearray_and_whitespace() -> None:
    message = decode_message(bytearray(b' {"id": 1, "result": {}}\n'))
    assert message == Reply(1, None, {}, None)


def test_round_trip_of_every_valid_id() -> None:
    for request_id in (0, 1, 255, 256, 32767, 32768, 65535):
        reply = json.dumps({"id": request_id, "result": {"set_result": True}}).encode()
        decoded = decode_message(reply)
        assert isinstance(decoded, Reply)
        assert decoded.request_id == request_id
