"""Property-based tests: untrusted input never raises anything but MarstekProtocolError."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.marstek_rotation.pymarstek import MarstekDeviceError, MarstekProtocolError
from custom_components.marstek_rotation.pymarstek.codec import (
    Reply,
    RequestEcho,
    decode_message,
    encode_request,
)
from custom_components.marstek_rotation.pymarstek.parsers import (
    parse_device_info,
    parse_mode_status,
    parse_set_result,
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
# Keys the decoder and parsers look at, so generated objects hit the interesting branches.
protocol_keys = st.sampled_from(
    [
        "id",
        "src",
        "result",
        "error",
        "method",
        "params",
        "code",
        "message",
        "data",
        "mode",
        "bat_soc",
        "ongrid_power",
        "offgrid_power",
        "ct_state",
        "input_energy",
        "device",
        "ver",
        "ble_mac",
        "wifi_mac",
        "wifi_name",
        "ip",
        "set_result",
    ]
)
protocol_objects = st.recursive(
    st.dictionaries(protocol_keys, json_scalars, max_size=6),
    lambda children: st.dictionaries(protocol_keys, json_scalars | children, max_size=6),
    max_leaves=20,
)


def _decode_or_protocol_error(data: bytes) -> Reply | RequestEcho | None:
    try:
        return decode_message(data)
    except MarstekProtocolError:
        return None


@given(st.binary(max_size=2048))
def test_arbitrary_bytes_only_raise_protocol_error(data: bytes) -> None:
    _decode_or_protocol_error(data)


@given(json_values)
def test_arbitrary_json_only_raises_protocol_error(value: Any) -> None:
    _decode_or_protocol_error(json.dumps(value).encode())


@settings(max_examples=300)
@given(protocol_objects)
def test_protocol_shaped_objects_decode_and_parse_or_raise_protocol_error(
    document: dict[str, Any],
) -> None:
    message = _decode_or_protocol_error(json.dumps(document).encode())
    if not isinstance(message, Reply):
        return
    assert (message.result is None) != (message.error is None)
    assert 0 <= message.request_id <= 65535
    if message.error is not None:
        with pytest.raises(MarstekDeviceError):
            message.unwrap()
        return
    result = message.unwrap()
    for parse in (
        parse_mode_status,
        parse_set_result,
        lambda r: parse_device_info(r, host="127.0.0.2", src=message.src),
    ):
        with contextlib.suppress(MarstekProtocolError):
            parse(result)


@given(st.dictionaries(protocol_keys, json_scalars, max_size=8))
def test_mode_status_parses_or_raises_protocol_error(result: dict[str, Any]) -> None:
    try:
        status = parse_mode_status(result)
    except MarstekProtocolError:
        return
    if status.offgrid_power is not None:
        assert status.offgrid_power <= 32767 or status.offgrid_power > 65535


@given(
    st.integers(min_value=0, max_value=65535),
    st.sampled_from(["ES.GetMode", "Marstek.GetDevice", "ES.SetMode"]),
    st.dictionaries(st.text(max_size=8), json_scalars, max_size=4),
)
def test_encoded_requests_decode_as_echoes(
    request_id: int, method: str, params: dict[str, Any]
) -> None:
    datagram = encode_request(request_id, method, params)
    assert datagram
    assert decode_message(datagram) == RequestEcho(method)
    assert json.loads(datagram) == {"id": request_id, "method": method, "params": params}
