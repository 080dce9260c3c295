"""The planner's core: which stored, solar or bought energy serves which hour.

The fleet is one pool here. Hours the house needs energy are served dearest first, each from
the cheapest source that can reach it: energy already stored (free), solar surplus before it
(worth its feed-in price), or grid energy bought before it when that beats the round-trip
loss plus the cycle cost. The pool may never overflow between a source and the hour it serves.
When stored energy already went to a later, dearer hour, that hour can take a cheaper charge
in between and hand the stored energy to the earlier hour (one exchange step of a min-cost
flow): stored energy covers tonight, the cheap night refills it for tomorrow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

_EPS = 1e-7
INITIAL = -1  # the source index of the energy stored at the start


@dataclass(slots=True)
class Pool:
    """The fleet as one store, and every quantity per slot (stored kWh unless said)."""

    prices: Sequence[float]
    feed_in: Sequence[float]
    demand: Sequence[float]  # delivered kWh the house needs beyond solar
    surplus: Sequence[float]  # AC kWh of solar beyond the house's use
    capacity: float
    stored: float
    charge_limit: Sequence[float]  # stored kWh per slot the fleet can take
    discharge_limit: Sequence[float]  # delivered kWh per slot the fleet can give
    eta: float  # one-way efficiency
    cycle_cost: float
    level: list[float] = field(default_factory=list)
    charged: list[float] = field(default_factory=list)
    solar_left: list[float] = field(default_factory=list)
    grid: list[float] = field(default_factory=list)  # stored kWh bought per slot
    served: list[float] = field(default_factory=list)  # delivered kWh per slot
    served_by_grid: float = 0.0
    initial_left: float = 0.0
    links: list[list[float]] = field(default_factory=list)  # [source, sink, amount]

    def __post_init__(self) -> None:
        """Start with nothing allocated: the stored energy stays in the pool throughout."""
        count = len(self.prices)
        self.level = [self.stored] * count
        self.charged = [0.0] * count
        self.solar_left = [s * self.eta for s in self.surplus]
        self.grid = [0.0] * count
        self.served = [0.0] * count
        self.initial_left = self.stored

    def _source(self, slot: int, ceiling: float) -> tuple[float, float, str]:
        """The cheapest way to store energy in one slot: (cost per stored kWh, amount, kind)."""
        room = self.charge_limit[slot] - self.charged[slot]
        if room <= _EPS:
            return (float("inf"), 0.0, "")
        solar = min(room, self.solar_left[slot])
        if solar > _EPS:
            return (self.feed_in[slot] / self.eta, solar, "solar")
        cost = self.prices[slot] / self.eta
        if cost < ceiling:
            return (cost, room, "grid")
        return (float("inf"), 0.0, "")

    def _store(self, slot: int, amount: float, kind: str) -> None:
        self.charged[slot] += amount
        if kind == "solar":
            self.solar_left[slot] -= amount
        else:
            self.grid[slot] += amount

    def serve_all(self) -> None:
        """Serve the demand, dearest hour first (later first among equal prices)."""
        order = sorted(
            (s for s, need in enumerate(self.demand) if need > _EPS),
            key=lambda s: (-self.prices[s], -s),
        )
        for sink in order:
            self._serve(sink)

    def _serve(self, sink: int) -> None:
        need = min(self.demand[sink], self.discharge_limit[sink]) / self.eta
        value = self.prices[sink] * self.eta  # what a stored kWh is worth there
        grid_ceiling = (self.prices[sink] - self.cycle_cost) * self.eta
        while need > _EPS:
            moved = self._direct(sink, need, value, grid_ceiling)
            if moved <= _EPS:
                moved = self._exchange(sink, need, value, grid_ceiling)
            if moved <= _EPS:
                return
            need -= moved

    def _direct(self, sink: int, need: float, value: float, ceiling: float) -> float:
        if self.initial_left > _EPS:
            amount = min(need, self.initial_left)
            self.initial_left -= amount
            self._link(INITIAL, sink, amount)
            return amount
        best = (float("inf"), 0.0, "", -1)
        top = 0.0  # highest pool level from the candidate slot up to the sink
        for slot in range(sink - 1, -1, -1):
            top = max(top, self.level[slot])
            headroom = self.capacity - top
            if headroom <= _EPS:
                break  # full here: nothing earlier can reach the sink
            cost, amount, kind = self._source(slot, ceiling)
            if amount > _EPS and cost < best[0]:
                best = (cost, min(amount, headroom), kind, slot)
        cost, amount, kind, slot = best
        if slot < 0 or cost >= value:
            return 0.0
        amount = min(amount, need)
        self._store(slot, amount, kind)
        self._link(slot, sink, amount)
        return amount

    def _exchange(self, sink: int, need: float, value: float, ceiling: float) -> float:
        """Take energy from a later sink that can be refilled between the two."""
        donors = [link for link in self.links if link[0] < sink < link[1] and link[2] > _EPS]
        if not donors:
            return 0.0
        donor = max(donors, key=lambda link: link[1])
        best = (float("inf"), 0.0, "", -1)
        for slot in range(sink + 1, int(donor[1])):
            cost, amount, kind = self._source(slot, ceiling)
            if amount > _EPS and cost < best[0]:
                best = (cost, amount, kind, slot)
        cost, amount, kind, slot = best
        if slot < 0 or cost >= value:
            return 0.0
        amount = min(amount, need, donor[2])
        source, later = int(donor[0]), int(donor[1])
        donor[2] -= amount
        self._store(slot, amount, kind)
        self._shift(source, sink, -amount, later)
        self._link(source, sink, amount, level=False)
        self._link(slot, later, amount, serve=False)
        return amount

    def _link(
        self, source: int, sink: int, amount: float, *, level: bool = True, serve: bool = True
    ) -> None:
        self.links.append([float(source), float(sink), amount])
        if serve:
            self.served[sink] += amount * self.eta
        if level:
            self._shift(source, sink, amount, None)

    def _shift(self, source: int, sink: int, amount: float, later: int | None) -> None:
        """Pool level change of moving `amount` from source to sink (or off [sink, later))."""
        if later is not None:
            # The source's energy now leaves at `sink` instead of `later`.
            for slot in range(sink, later):
                self.level[slot] += amount
            return
        if source == INITIAL:
            for slot in range(sink, len(self.level)):
                self.level[slot] -= amount
            return
        for slot in range(source, sink):
            self.level[slot] += amount

    def fill_negative(self) -> None:
        """At negative prices, also fill the room nothing needs (the grid pays for it)."""
        for slot in sorted(range(len(self.prices)), key=lambda s: self.prices[s]):
            if self.prices[slot] >= 0:
                break
            room = self.charge_limit[slot] - self.charged[slot]
            headroom = self.capacity - max(self.level[slot:])
            amount = min(room, headroom)
            if amount > _EPS:
                self._store(slot, amount, "grid")
                for later in range(slot, len(self.level)):
                    self.level[later] += amount
