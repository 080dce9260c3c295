"""The shared UDP transport against raw loopback peers: matching, drops, pacing, lifecycle."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
from collections.abc import Callable
from typing import Any

import pytest

from custom_components.marstek_rotation.pymarstek import (
    MarstekDeviceError,
    MarstekTimeoutError,
    MarstekTransport,
    MarstekTransportError,
    MarstekValidationError,
)

from .conftest import PeerFactory
from .fake_peer import FakePeer, answer_with, error_reply, free_udp_port, result_reply
from .timing import report

GET_MODE_RESULT = {"id": 0, "mode": "Auto", "bat_soc": 50}


async def wait_until(predicate: Callable[[], bool], within: float = 2.0) -> None:
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110 - polls transport counters, which have no event
            await asyncio.sleep(0.005)


async def get_mode(transport: MarstekTransport, peer: FakePeer, reply_timeout: float = 1.0) -> Any:
    reply = await transport.request(
        peer.host, peer.port, "ES.GetMode", {"id": 0}, timeout=reply_timeout
    )
    return reply.unwrap()


async def test_request_sends_exact_datagram_and_returns_result(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    peer = await make_peer("127.0.0.2", answer_with(GET_MODE_RESULT))
    assert await get_mode(transport, peer) == GET_MODE_RESULT
    [received] = peer.received
    request_id = received.request["id"]
    assert 1 <= request_id <= 65535
    assert received.data == (
        b'{"id":' + str(request_id).encode() + b',"method":"ES.GetMode","params":{"id":0}}'
    )
    assert received.source == transport.local_address
    stats = transport.stats
    assert (stats.sent, stats.received, stats.replies, stats.dropped) == (1, 1, 1, 0)
    assert transport.last_response_time("127.0.0.2") is not None


async def test_request_ids_wrap_and_skip_zero(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    peer = await make_peer("127.0.0.2", answer_with(GET_MODE_RESULT))
    transport._last_request_id = 65534
    for _ in range(3):
        await get_mode(transport, peer)
    assert [entry.request["id"] for entry in peer.received] == [65535, 1, 2]


async def test_timeout_raises_after_about_the_timeout(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    peer = await make_peer("127.0.0.2")  # silent
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(MarstekTimeoutError, match=r"127\.0\.0\.2:\d+ did not answer ES.GetMode"):
        await get_mode(transport, peer, reply_timeout=0.3)
    elapsed = loop.time() - started
    report(f"timeout 0.3 s took {elapsed:.3f} s")
    assert 0.29 <= elapsed < 1.0
    assert transport.stats.timeouts == 1
    assert len(peer.received) == 1  # no retries inside request()


async def test_late_reply_is_dropped_and_never_answers_the_next_request(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    peer = await make_peer("127.0.0.2")
    with pytest.raises(MarstekTimeoutError):
        await get_mode(transport, peer, reply_timeout=0.2)
    first = await peer.next_datagram()
    second_call = asyncio.create_task(get_mode(transport, peer))
    second = await peer.next_datagram()
    # The answer to the timed-out request arrives while the second one waits.
    peer.send(result_reply(first.request, {"which": "first"}), first.source)
    await wait_until(lambda: transport.stats.dropped_late == 1)
    assert not second_call.done()
    peer.send(result_reply(second.request, {"which": "second"}), second.source)
    assert await second_call == {"which": "second"}
    assert transport.stats.dropped_late == 1


async def test_duplicate_replies_are_dropped(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    def twice(request: dict[str, Any], _source: Any) -> list[bytes]:
        return [result_reply(request, GET_MODE_RESULT)] * 3

    peer = await make_peer("127.0.0.2", twice)
    assert await get_mode(transport, peer) == GET_MODE_RESULT
    await wait_until(lambda: transport.stats.received == 3)
    assert transport.stats.dropped_duplicate == 2
    assert transport.stats.replies == 1


async def test_reply_from_another_ip_is_not_accepted(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    battery = await make_peer("127.0.0.2")
    impostor = await make_peer("127.0.0.3")
    call = asyncio.create_task(get_mode(transport, battery))
    request = await battery.next_datagram()
    impostor.send(result_reply(request.request, {"from": "impostor"}), request.source)
    await wait_until(lambda: transport.stats.dropped_unknown == 1)
    assert not call.done()
    battery.send(result_reply(request.request, {"from": "battery"}), request.source)
    assert await call == {"from": "battery"}


async def test_only_spoofed_replies_mean_timeout(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    battery = await make_peer("127.0.0.2")
    impostor = await make_peer("127.0.0.3")
    call = asyncio.create_task(get_mode(transport, battery, reply_timeout=0.3))
    request = await battery.next_datagram()
    impostor.send(result_reply(request.request, GET_MODE_RESULT), request.source)
    with pytest.raises(MarstekTimeoutError):
        await call


async def test_garbage_is_counted_and_the_real_reply_still_matches(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    peer = await make_peer("127.0.0.2")
    call = asyncio.create_task(get_mode(transport, peer))
    request = await peer.next_datagram()
    junk = [
        b"",
        b"garbage",
        b"[1,2]",
        b"\xff\x00\xfe",
        b"x" * 20_000,
        request.data,  # an echo of the request itself
        b'{"id":0,"src":"VenusE-x","error":{"code":-32700,"message":"Parse error","data":402}}',
        json.dumps({"id": (request.request["id"] + 7) % 65536, "result": {}}).encode(),
    ]
    for datagram in junk:
        peer.send(datagram, request.source)
    await wait_until(lambda: transport.stats.received == len(junk))
    assert not call.done()
    peer.send(result_reply(request.request, GET_MODE_RESULT), request.source)
    assert await call == GET_MODE_RESULT
    stats = transport.stats
    assert stats.dropped_garbage == 4  # empty, not JSON, not an object, not UTF-8
    assert stats.dropped_oversized == 1
    assert stats.dropped_echo == 1
    assert stats.dropped_unknown == 2  # the id-0 parse error and the unknown id
    assert stats.dropped == len(junk)


async def test_an_error_reply_is_returned_and_unwraps_to_a_device_error(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    def refuse(request: dict[str, Any], _source: Any) -> list[bytes]:
        return [error_reply(request, -32601, "Method not found", 424)]

    peer = await make_peer("127.0.0.2", refuse)
    reply = await transport.request(peer.host, peer.port, "PV.GetStatus", {"id": 0}, timeout=1)
    assert reply.src == "VenusE-acd92968d828"
    assert reply.error is not None
    with pytest.raises(MarstekDeviceError) as caught:
        reply.unwrap()
    assert (caught.value.code, caught.value.message, caught.value.data) == (
        -32601,
        "Method not found",
        424,
    )
    assert transport.stats.error_replies == 1


async def test_one_request_in_flight_per_host(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    peer = await make_peer("127.0.0.2")
    calls = [asyncio.create_task(get_mode(transport, peer)) for _ in range(3)]
    for expected in range(3):
        request = await peer.next_datagram()
        # Nothing else may arrive while this request is unanswered.
        with pytest.raises(TimeoutError):
            await peer.next_datagram(within=0.15)
        peer.send(result_reply(request.request, {"n": expected}), request.source)
    assert [await call for call in calls] == [{"n": 0}, {"n": 1}, {"n": 2}]


async def test_min_interval_between_datagrams_to_one_host(make_peer: PeerFactory) -> None:
    peer = await make_peer("127.0.0.2", answer_with(GET_MODE_RESULT))
    async with MarstekTransport(0, "127.0.0.1", min_interval=0.2) as transport:
        await asyncio.gather(*(get_mode(transport, peer) for _ in range(4)))
    arrivals = [entry.loop_time for entry in peer.received]
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    report(f"gaps between datagrams: {[round(gap, 3) for gap in gaps]}")
    assert len(gaps) == 3
    assert min(gaps) >= 0.19


async def test_hosts_do_not_wait_for_each_other(make_peer: PeerFactory) -> None:
    dead = await make_peer("127.0.0.2")
    alive = await make_peer("127.0.0.3", answer_with(GET_MODE_RESULT))
    async with MarstekTransport(0, "127.0.0.1", min_interval=1.0) as transport:
        loop = asyncio.get_running_loop()
        started = loop.time()
        dead_call = asyncio.create_task(get_mode(transport, dead, reply_timeout=1.0))
        assert await get_mode(transport, alive) == GET_MODE_RESULT
        alive_elapsed = loop.time() - started
        assert not dead_call.done()
        with pytest.raises(MarstekTimeoutError):
            await dead_call
    report(f"healthy host answered after {alive_elapsed:.3f} s")
    assert alive_elapsed < 0.5


async def test_a_quiet_period_delays_later_requests_except_those_that_skip_it(
    make_peer: PeerFactory,
) -> None:
    def answer(request: dict[str, Any], _source: Any) -> list[bytes]:
        if request["method"] == "ES.SetMode":
            return [result_reply(request, {"id": 0, "set_result": True})]
        return [result_reply(request, GET_MODE_RESULT)]

    peer = await make_peer("127.0.0.2", answer)
    other = await make_peer("127.0.0.3", answer)
    set_auto = {"id": 0, "config": {"mode": "Auto", "auto_cfg": {"enable": 1}}}
    async with MarstekTransport(0, "127.0.0.1", min_interval=0) as transport:

        async def write() -> None:
            await transport.request(
                peer.host,
                peer.port,
                "ES.SetMode",
                set_auto,
                timeout=1,
                quiet_after=0.4,
                wait_for_quiet=False,
            )

        assert transport.quiet_remaining(peer.host) == 0.0
        await write()
        assert 0.2 < transport.quiet_remaining(peer.host) <= 0.4
        assert transport.quiet_remaining(other.host) == 0.0
        # A second write is not held back by the quiet period.
        await write()
        await get_mode(transport, other)  # other batteries read normally
        await get_mode(transport, peer)
        assert transport.quiet_remaining(peer.host) == 0.0
    first_write, second_write, read = (entry.loop_time for entry in peer.received)
    report(
        f"write->write {second_write - first_write:.3f} s, write->read {read - second_write:.3f}"
    )
    assert second_write - first_write < 0.2
    assert read - second_write >= 0.39


async def test_validation_happens_before_anything_is_sent(
    transport: MarstekTransport,
) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"host": "battery.local"}, "host"),
        ({"host": "127.0.0.2", "port": 0}, "port"),
        ({"host": "127.0.0.2", "timeout": 0}, "timeout"),
        ({"host": "127.0.0.2", "timeout": -1}, "timeout"),
        ({"host": "127.0.0.2", "params": {"x": object()}}, "params"),
        ({"host": "127.0.0.2", "method": ""}, "method"),
    ]
    for overrides, field in cases:
        arguments: dict[str, Any] = {
            "port": 30000,
            "method": "ES.GetMode",
            "params": {"id": 0},
            "timeout": 1.0,
            **overrides,
        }
        with pytest.raises(MarstekValidationError) as caught:
            await transport.request(**arguments)
        assert caught.value.field == field
    assert transport.stats.sent == 0


async def test_cancelled_request_turns_its_reply_into_a_late_one(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    peer = await make_peer("127.0.0.2")
    call = asyncio.create_task(get_mode(transport, peer))
    request = await peer.next_datagram()
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    peer.send(result_reply(request.request, GET_MODE_RESULT), request.source)
    await wait_until(lambda: transport.stats.dropped_late == 1)


async def test_close_fails_waiting_requests_and_later_calls(make_peer: PeerFactory) -> None:
    peer = await make_peer("127.0.0.2")
    transport = MarstekTransport(0, "127.0.0.1", min_interval=0)
    await transport.start()
    assert transport.is_open
    with pytest.raises(MarstekTransportError, match="already started"):
        await transport.start()
    call = asyncio.create_task(get_mode(transport, peer))
    await peer.next_datagram()
    await transport.close()
    with pytest.raises(MarstekTransportError, match="closed"):
        await call
    with pytest.raises(MarstekTransportError, match="not started"):
        await get_mode(transport, peer)
    await transport.close()  # closing twice is harmless
    assert not transport.is_open


async def test_bind_failure_names_the_address_and_port() -> None:
    port = free_udp_port()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.bind(("127.0.0.1", port))
        transport = MarstekTransport(port, "127.0.0.1")
        with pytest.raises(MarstekTransportError) as caught:
            await transport.start()
    message = str(caught.value)
    report(message)
    assert f"127.0.0.1:{port}" in message
    assert "already in use" in message
    assert not transport.is_open


def test_constructor_validates_its_settings() -> None:
    with pytest.raises(MarstekValidationError, match="local_port"):
        MarstekTransport(70000)
    with pytest.raises(MarstekValidationError, match="local_host"):
        MarstekTransport(0, "localhost")
    with pytest.raises(MarstekValidationError, match="min_interval"):
        MarstekTransport(0, "127.0.0.1", min_interval=-1)


async def test_local_address_reports_the_ephemeral_port() -> None:
    async with MarstekTransport(0, "127.0.0.1") as transport:
        host, port = transport.local_address
        assert host == "127.0.0.1"
        assert port > 0


async def test_broadcast_collects_one_reply_per_host(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    # Loopback has no broadcast fan-out without the simulator's hub, so peer A stands in for
    # the broadcast address and makes peer B answer the same request as well.
    peer_b = await make_peer("127.0.0.3")

    def fan_out(request: dict[str, Any], source: Any) -> list[bytes]:
        peer_b.send(result_reply(request, {"device": "VenusE", "who": "b"}), source)
        return [result_reply(request, {"device": "VenusE", "who": "a"})] * 2

    peer_a = await make_peer("127.0.0.2", fan_out)
    replies = await transport.broadcast(
        peer_a.host,
        peer_a.port,
        "Marstek.GetDevice",
        {"ble_mac": "0"},
        duration=0.5,
        resend_interval=0.2,
    )
    hosts = sorted(host for host, _ in replies)
    assert hosts == ["127.0.0.2", "127.0.0.3"]
    assert {reply.result["who"] for _, reply in replies if reply.result} == {"a", "b"}
    ids = {entry.request["id"] for entry in peer_a.received}
    assert len(peer_a.received) == 3  # sent at 0, 0.2 and 0.4 s
    assert len(ids) == 1
    assert ids != {0}
    # 3 sends x 3 replies; every copy after the first reply of a host is a duplicate.
    assert transport.stats.received == 9
    assert transport.stats.dropped_duplicate == 9 - 2
    # A reply after the window closed is late.
    [broadcast_id] = ids
    peer_b.send(
        json.dumps({"id": broadcast_id, "result": {"device": "VenusE"}}).encode(),
        transport.local_address,
    )
    await wait_until(lambda: transport.stats.dropped_late == 1)


async def test_broadcast_validates_and_needs_an_open_transport() -> None:
    transport = MarstekTransport(0, "127.0.0.1")
    with pytest.raises(MarstekValidationError, match="duration"):
        await transport.broadcast("127.255.255.255", 30000, "Marstek.GetDevice", {}, duration=0)
    with pytest.raises(MarstekTransportError, match="not started"):
        await transport.broadcast("127.255.255.255", 30000, "Marstek.GetDevice", {}, duration=1)


async def test_a_write_overtakes_a_read_that_waits_out_a_quiet_period(
    make_peer: PeerFactory,
) -> None:
    def answer(request: dict[str, Any], _source: Any) -> list[bytes]:
        return [result_reply(request, {"id": 0, "set_result": True})]

    peer = await make_peer("127.0.0.2", answer)
    async with MarstekTransport(0, "127.0.0.1", min_interval=0) as transport:

        async def write() -> None:
            await transport.request(
                peer.host,
                peer.port,
                "ES.SetMode",
                {"id": 0},
                timeout=1,
                quiet_after=0.5,
                wait_for_quiet=False,
            )

        await write()
        read = asyncio.create_task(get_mode(transport, peer))
        await asyncio.sleep(0.1)
        await write()  # not held up by the read waiting for the quiet period
        await read
    methods = [entry.request["method"] for entry in peer.received]
    first, second, reading = (entry.loop_time for entry in peer.received)
    report(f"write->write {second - first:.3f} s, second write->read {reading - second:.3f} s")
    assert methods == ["ES.SetMode", "ES.SetMode", "ES.GetMode"]
    assert second - first < 0.2
    assert reading - second >= 0.49  # the second write started a new quiet period
