"""One simulated battery on the network: socket, quirks, recording and its Open API."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import deque
from typing import TYPE_CHECKING, Protocol

from .addresses import is_loopback, require_loopback
from .api import ErrorReply, OpenApi, Outcome
from .codec import (
    MalformedRequest,
    Request,
    encode_error,
    encode_result,
    parse_request,
    peek_request,
)
from .endpoint import Address, UdpEndpoint
from .quirks import Dice, LockupTracker, Quirks
from .recording import DatagramLog, ReceivedDatagram
from .spec import MODES
from .state import BatteryState

# Requests within this many seconds count together on a single receive channel; a collision
# costs the meter's readings for as long.
_COLLISION_WINDOW = 60.0

if TYPE_CHECKING:
    from collections import Counter

    from .meter import Meter
    from .schedule import ManualSlot, PassiveState
    from .spec import BatterySpec


class World(Protocol):
    """What a battery needs from the simulator around it."""

    @property
    def port(self) -> int:
        """The device port every battery listens on."""
        ...

    @property
    def time(self) -> float:
        """Simulator clock now, s."""
        ...

    @property
    def meter(self) -> Meter:
        """The household meter."""
        ...

    def sync(self) -> None:
        """Bring physics up to the current simulator time."""
        ...

    def check_host_free(self, host: str) -> None:
        """Raise if another battery already uses ``host``."""
        ...


class SimulatedBattery:
    """A battery answering the Marstek Open API on its own loopback address.

    Create through :meth:`simulator.Simulator.add_battery`.
    """

    def __init__(self, spec: BatterySpec, quirks: Quirks, world: World) -> None:
        """Build the battery; :meth:`bind` puts it on the network."""
        self._spec = spec
        self._quirks = quirks
        self._world = world
        self._state = BatteryState(spec)
        self._dice = Dice(quirks.seed)
        self._lockup = LockupTracker()
        self._recent_requests: deque[float] = deque()
        self._log = DatagramLog()
        self._api = OpenApi(self)
        self._endpoint: UdpEndpoint | None = None

    async def bind(self) -> None:
        """Open the battery's socket on (host, device port)."""
        self._endpoint = await UdpEndpoint.open(self._spec.host, self._world.port, self._on_unicast)

    async def close(self) -> None:
        """Close the socket and cancel replies still waiting for their latency."""
        if self._endpoint is not None:
            endpoint, self._endpoint = self._endpoint, None
            await endpoint.close()

    async def move_to(self, host: str) -> None:
        """Reboot onto a new IP: the old address goes silent, state is kept."""
        require_loopback(host)
        self._world.check_host_free(host)
        self._world.sync()
        await self.close()
        self._spec = dataclasses.replace(self._spec, host=host)
        await self.bind()

    # --- identity and configuration ----------------------------------------------

    @property
    def spec(self) -> BatterySpec:
        """Static description (its ``host`` follows :meth:`move_to`)."""
        return self._spec

    @property
    def host(self) -> str:
        """Current IP address."""
        return self._spec.host

    @property
    def src(self) -> str:
        """The ``src`` member of its replies."""
        return self._spec.src

    @property
    def quirks(self) -> Quirks:
        """Misbehaviour settings; mutate fields or assign a new object at any time."""
        return self._quirks

    @quirks.setter
    def quirks(self, quirks: Quirks) -> None:
        self._quirks = quirks
        self._dice = Dice(quirks.seed)

    @property
    def state(self) -> BatteryState:
        """Raw state, without syncing physics first (used by the Open API)."""
        return self._state

    # --- observed values (physics brought up to date first) ----------------------

    @property
    def mode(self) -> str:
        """Current mode string as ``ES.GetMode`` would report it."""
        self._world.sync()
        return self._state.mode

    @mode.setter
    def mode(self, mode: str) -> None:
        if mode not in MODES:
            msg = f"mode must be one of {MODES}, got {mode!r}"
            raise ValueError(msg)
        self._world.sync()
        if mode == "Passive":
            self._state.start_passive(0, 0, self._world.time)
        else:
            self._state.set_mode(mode)
        self._world.sync()

    @property
    def soc(self) -> float:
        """State of charge, % (not rounded)."""
        self._world.sync()
        return self._state.soc

    @soc.setter
    def soc(self, soc: float) -> None:
        if not 0.0 <= soc <= 100.0:  # noqa: PLR2004
            msg = f"soc must be within 0..100, got {soc}"
            raise ValueError(msg)
        self._world.sync()
        self._state.soc = soc
        self._world.sync()

    @property
    def power(self) -> float:
        """``ongrid_power`` now, W: positive = delivering to the house, negative = charging."""
        self._world.sync()
        return self._state.power

    @property
    def manual_slots(self) -> tuple[ManualSlot, ...]:
        """The ten Manual-mode slots as last written."""
        return self._state.slots

    @property
    def passive(self) -> PassiveState | None:
        """The last passive setpoint and its remaining countdown; None if never set."""
        self._world.sync()
        return self._state.passive_view(self._world.time)

    @property
    def charged_wh(self) -> float:
        """Energy taken in since start, Wh."""
        self._world.sync()
        return self._state.charged_wh

    @property
    def discharged_wh(self) -> float:
        """Energy delivered since start, Wh."""
        self._world.sync()
        return self._state.discharged_wh

    # --- recording ---------------------------------------------------------------

    @property
    def received(self) -> list[ReceivedDatagram]:
        """Every datagram that reached this battery, oldest first."""
        return self._log.entries

    def method_counts(self) -> Counter[str]:
        """How many requests of each method arrived."""
        return self._log.method_counts()

    def clear_received(self) -> None:
        """Forget the recorded datagrams."""
        self._log.clear()

    @property
    def pending_replies(self) -> int:
        """Replies scheduled (latency, duplicates) but not yet sent."""
        return 0 if self._endpoint is None else self._endpoint.pending_sends

    # --- Device protocol for the Open API ----------------------------------------

    def sim_time(self) -> float:
        """Simulator clock now, s."""
        return self._world.time

    def refresh(self) -> None:
        """Recompute power flows after a state change."""
        self._world.sync()

    def meter_reading(self) -> tuple[float, float, float]:
        """(grid power W, imported Wh, exported Wh) at the household meter."""
        meter = self._world.meter
        return meter.power, meter.imported_wh, meter.exported_wh

    # --- datagram handling -------------------------------------------------------

    def _on_unicast(self, data: bytes, source: Address) -> None:
        self.receive(data, source, broadcast=False)

    def receive(self, data: bytes, source: Address, *, broadcast: bool) -> None:
        """Take one datagram (unicast, or fanned out by the broadcast hub) and maybe answer."""
        if self._endpoint is None:
            return  # not on the network (removed or rebooting)
        self._world.sync()
        now = self._world.time
        self._record(data, source, now, broadcast=broadcast)
        reply = self._answer(data, now)
        if reply is None or not is_loopback(source[0]):
            return
        quirks = self._quirks
        if self._dice.roll(quirks.reply_loss_rate, quirks.seed):
            return
        destination = source if quirks.reply_to_source_port else (source[0], self._world.port)
        self._send(data, reply, destination)

    def _record(self, data: bytes, source: Address, now: float, *, broadcast: bool) -> None:
        method, request_id, payload = peek_request(data)
        self._log.append(
            ReceivedDatagram(
                time=now,
                source=source,
                method=method,
                request_id=request_id,
                payload=payload,
                raw=data,
                broadcast=broadcast,
                loop_time=asyncio.get_running_loop().time(),
            )
        )

    def _answer(self, data: bytes, now: float) -> bytes | None:
        """Return the reply datagram, or None when the device stays silent."""
        if not self._takes_request(data, now):
            return None
        request = parse_request(data)
        if isinstance(request, MalformedRequest):
            return encode_error(request.request_id, self.src, request.code)
        outcome = self._outcome(request)
        if outcome is None:
            return None
        if isinstance(outcome, ErrorReply):
            return encode_error(request.request_id, self.src, outcome.code)
        return encode_result(request.request_id, self.src, outcome)

    def _outcome(self, request: Request) -> Outcome:
        if isinstance(request.request_id, str) and self._quirks.ignore_string_ids:
            return None
        forced_error = self._quirks.error_replies.get(request.method)
        if forced_error is not None:
            return ErrorReply(forced_error)
        return self._api.handle(request)

    def _takes_request(self, data: bytes, now: float) -> bool:
        """Apply the availability quirks: dead, locked up, overloaded or lost."""
        quirks = self._quirks
        if quirks.silent or self._lockup.is_locked(now):
            return False
        if not data and quirks.lockup_on_empty_datagram:
            self._lockup.lock(now, quirks.lockup_seconds)
            return False
        if self._lockup.count_request(now, quirks):
            return False
        self._count_collision(now, quirks.meter_collision_polls)
        return not self._dice.roll(quirks.loss_rate, quirks.seed)

    def _count_collision(self, now: float, limit: int | None) -> None:
        """A single receive channel: too many requests per minute cost meter readings."""
        if limit is None:
            return
        recent = self._recent_requests
        recent.append(now)
        while recent and recent[0] <= now - _COLLISION_WINDOW:
            recent.popleft()
        if len(recent) > limit:
            self.refresh()  # integrate up to now before the flows change
            self.state.meter_lost_until = now + _COLLISION_WINDOW
            self.refresh()

    def _send(self, request: bytes, reply: bytes, destination: Address) -> None:
        endpoint = self._endpoint
        if endpoint is None:
            return
        quirks = self._quirks
        if quirks.echo_requests and request:
            endpoint.send_later(quirks.latency, request, destination)
        endpoint.send_later(quirks.latency, reply, destination)
        for copy in range(1, quirks.duplicate_replies + 1):
            endpoint.send_later(quirks.latency + copy * quirks.duplicate_delay, reply, destination)
