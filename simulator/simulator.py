"""The simulator: a household with a P1 meter and any number of batteries on loopback."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Self

from .addresses import require_loopback
from .battery import SimulatedBattery
from .clock import Clock, WallClock, scaled_monotonic, wall_clock_following
from .endpoint import Address, UdpEndpoint
from .meter import Meter
from .plant import dispatch
from .quirks import Quirks
from .schedule import seconds_to_next_boundary

if TYPE_CHECKING:
    from types import TracebackType

    from .spec import BatterySpec

DEFAULT_PORT = 30000
DEFAULT_BROADCAST_HOST = "127.255.255.255"
DEFAULT_MAX_STEP = 10.0
_MIN_STEP = 1e-6  # events closer than this are treated as already passed


class Simulator:
    """Simulated Marstek batteries on loopback, sharing one household meter.

    Time: ``clock`` (seconds; default ``time.monotonic`` scaled by ``time_scale``) drives
    the physics, plus whatever :meth:`advance` added. Physics is integrated lazily, on
    every request and whenever a value is read, so no background task runs. Schedules
    use local wall time from ``now`` (default: the wall time at start, moving with the
    clock), also shifted by :meth:`advance`.
    """

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        broadcast_host: str | None = DEFAULT_BROADCAST_HOST,
        clock: Clock | None = None,
        *,
        time_scale: float = 1.0,
        now: WallClock | None = None,
        max_step: float = DEFAULT_MAX_STEP,
    ) -> None:
        """Configure; nothing is bound until the simulator is started.

        Args:
            port: device port every battery (and the broadcast hub) listens on.
            broadcast_host: loopback broadcast address for the hub, or None for no hub.
            clock: seconds-returning callable for physics time.
            time_scale: speed-up of the default clock (only without ``clock``).
            now: local wall-time provider for Manual schedules and load/solar profiles.
            max_step: longest integration step while load or solar follow a profile, s.
        """
        if broadcast_host is not None:
            require_loopback(broadcast_host)
        if clock is not None and time_scale != 1.0:
            msg = "time_scale only applies to the default clock; scale your own clock instead"
            raise ValueError(msg)
        if max_step <= 0:
            msg = "max_step must be positive"
            raise ValueError(msg)
        self._port = port
        self._broadcast_host = broadcast_host
        self._clock = clock if clock is not None else scaled_monotonic(time_scale)
        self._wall = now if now is not None else wall_clock_following(self._clock)
        self._offset = 0.0
        self._max_step = max_step
        self._integrated_until = self._clock()
        self._batteries: list[SimulatedBattery] = []
        self._hub: UdpEndpoint | None = None
        self._started = False
        self.meter = Meter(self.sync)

    # --- lifecycle ---------------------------------------------------------------

    async def __aenter__(self) -> Self:
        """Start and return the simulator."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close every socket and cancel every scheduled reply."""
        await self.close()

    async def start(self) -> None:
        """Bind the broadcast hub (batteries bind as they are added)."""
        if self._started:
            return
        if self._broadcast_host is not None:
            self._hub = await UdpEndpoint.open(self._broadcast_host, self._port, self._fan_out)
        self._started = True

    async def close(self) -> None:
        """Stop all batteries and the hub; safe to call twice."""
        for battery in self._batteries:
            await battery.close()
        self._batteries.clear()
        if self._hub is not None:
            hub, self._hub = self._hub, None
            await hub.close()
        self._started = False

    # --- batteries ---------------------------------------------------------------

    async def add_battery(
        self, spec: BatterySpec, quirks: Quirks | None = None
    ) -> SimulatedBattery:
        """Put a battery on (spec.host, port) and return its handle."""
        if not self._started:
            msg = "start the simulator (async with Simulator(...)) before adding batteries"
            raise RuntimeError(msg)
        self.check_host_free(spec.host)
        self.sync()  # the others' past is integrated without the newcomer
        battery = SimulatedBattery(spec, quirks if quirks is not None else Quirks(), self)
        await battery.bind()
        self._batteries.append(battery)
        self.sync()
        return battery

    async def remove_battery(self, battery: SimulatedBattery) -> None:
        """Take a battery off the network and out of the household."""
        self.sync()
        self._batteries.remove(battery)
        await battery.close()
        self.sync()

    @property
    def batteries(self) -> tuple[SimulatedBattery, ...]:
        """The batteries currently simulated, in the order they were added."""
        return tuple(self._batteries)

    def check_host_free(self, host: str) -> None:
        """Raise ValueError if a battery of this simulator already uses ``host``."""
        require_loopback(host)
        if host == self._broadcast_host or any(b.host == host for b in self._batteries):
            msg = f"{host} is already in use in this simulator"
            raise ValueError(msg)

    @property
    def port(self) -> int:
        """The device port."""
        return self._port

    @property
    def broadcast_host(self) -> str | None:
        """The broadcast hub's address, if any."""
        return self._broadcast_host

    def _fan_out(self, data: bytes, source: Address) -> None:
        # A broadcast reaches every device; each answers from its own socket.
        for battery in list(self._batteries):
            battery.receive(data, source, broadcast=True)

    # --- time and physics --------------------------------------------------------

    @property
    def time(self) -> float:
        """Simulator time now, s: the clock plus everything :meth:`advance` added."""
        return self._clock() + self._offset

    @property
    def wall_time(self) -> datetime:
        """Local wall time used by schedules and profiles."""
        return self._wall() + timedelta(seconds=self._offset)

    def advance(self, seconds: float) -> None:
        """Move simulated time forward by ``seconds`` and integrate physics up to it."""
        if seconds < 0:
            msg = "time cannot go backwards"
            raise ValueError(msg)
        self.sync()
        self._offset += seconds
        self.sync()

    step = advance  # alias: some callers think of it as stepping the physics

    def sync(self) -> None:
        """Integrate SOC and meter energy up to now and refresh every battery's power."""
        target = max(self.time, self._integrated_until)  # a clock that jumps back is ignored
        wall_target = self.wall_time
        moment = self._integrated_until
        while True:
            wall = wall_target - timedelta(seconds=target - moment)
            self._dispatch(moment, wall)
            if moment >= target:
                break
            step_end = min(target, self._next_event(moment, wall))
            for battery in self._batteries:
                battery.state.integrate(step_end - moment)
            self.meter.accumulate(step_end - moment)
            moment = step_end
        self._integrated_until = target

    def _dispatch(self, moment: float, wall: datetime) -> None:
        for battery in self._batteries:
            battery.state.expire_passive(moment, battery.quirks.passive_fallback)
        states = [battery.state for battery in self._batteries]
        load = self.meter.load_at(wall)
        solar = self.meter.solar_at(wall)
        self.meter.observe(load, solar, dispatch(states, load, solar, wall, moment))

    def _next_event(self, moment: float, wall: datetime) -> float:
        """Earliest time after ``moment`` at which some battery's power may change.

        Between such events every power is constant, so one step is exact; only
        load/solar profiles force steps of at most ``max_step``.
        """
        waits: list[float | None] = [self._max_step] if self.meter.has_profiles else []
        for battery in self._batteries:
            state = battery.state
            expiry = state.next_passive_expiry()
            if expiry is not None:
                waits.append(expiry - moment)
            if state.mode == "Manual":
                waits.append(seconds_to_next_boundary(state.slots, wall))
            waits.append(state.seconds_to_limit())
            if state.meter_lost_until is not None and state.meter_lost(moment):
                waits.append(state.meter_lost_until - moment)
        upcoming = [wait for wait in waits if wait is not None and wait > _MIN_STEP]
        return moment + min(upcoming, default=float("inf"))
