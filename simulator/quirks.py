"""Firmware misbehaviour a battery can be told to show, and the bookkeeping it needs."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

_MINUTE = 60.0


@dataclass(slots=True)
class Quirks:
    """Per-battery misbehaviour; mutable at runtime, deterministic for a given ``seed``.

    Random choices (loss) draw from a generator seeded with ``seed``; assigning a new
    ``Quirks`` object (or changing ``seed``) restarts that sequence.

    Attributes:
        seed: seed of the random generator behind ``loss_rate`` and ``reply_loss_rate``.
        silent: a dead battery: receives (and records) datagrams but never answers.
        loss_rate: probability that a request is ignored (nothing happens, no reply).
        reply_loss_rate: probability that a handled request's reply is lost (a write still
            takes effect).
        latency: seconds (event-loop time, like the caller's timeout) before a reply is sent.
        duplicate_replies: extra copies of every reply (older firmware sends duplicates).
        duplicate_delay: seconds between copies; 0 sends them back to back.
        reply_to_source_port: reply to the request's source port instead of the device port.
        error_replies: method -> error code answered instead of handling the method.
        lockup_after_per_minute: more requests than this within 60 s of simulator time lock
            the Open API up; ``None`` disables the lock-up.
        lockup_seconds: how long (simulator time) a lock-up lasts.
        lockup_on_empty_datagram: a zero-length datagram locks the Open API up too.
        revert_window: seconds (simulator time) after an ``ES.SetMode`` during which an
            ``ES.GetMode`` undoes the write and reports the previous mode; 0 disables.
        es_getstatus: ``"answer"`` or ``"silent"`` (Venus E 3.0 firmware 139 never answers).
        ignore_string_ids: requests whose top-level ``id`` is a string get no reply.
        echo_requests: send the request itself back before the reply.
        omit_macs: ``Marstek.GetDevice`` leaves out ``ble_mac``/``wifi_mac`` (Venus C 153).
        zero_padded_ip: ``Marstek.GetDevice`` reports its ``ip`` with every octet padded to
            three digits ("127.000.000.002"; Venus E 3.0 firmware 150 and Venus A send
            "192.168.01.50").
        set_result_false: when ``ES.SetMode`` changes nothing and answers ``set_result:
            false``: ``"when_active"`` for the mode that is already active (Auto, AI, Manual;
            a no-op, as batteries answer when the mode is active or they are busy),
            ``"always"`` for every write (a real refusal), ``"never"``.
        drop_passive: ``ES.SetMode`` Passive answers ``set_result: true`` but the battery
            stays in its previous mode (Passive dropped silently, jaapp #145).
        meter_collision_polls: HMG-50's single receive channel (Venus E 2.0, Venus C): more
            requests than this within 60 s (simulator time) collide with the meter's
            datagrams, and for 60 s after such a request the battery in Auto/AI has lost its
            meter readings and stops charging from export (taurgis #82); ``None``: a second
            channel (Venus E 3.0, A, D).
        passive_fallback: when a passive countdown ends, ``"idle"`` stays in Passive at 0 W;
            ``"previous"`` returns to the mode that was active before Passive.
        getmode_overrides: raw values that replace fields of every ``ES.GetMode`` reply (a
            glitching firmware: ``{"bat_soc": 250}``, ``{"ongrid_power": 65036}``).
    """

    seed: int = 0
    silent: bool = False
    loss_rate: float = 0.0
    reply_loss_rate: float = 0.0
    latency: float = 0.0
    duplicate_replies: int = 0
    duplicate_delay: float = 0.0
    reply_to_source_port: bool = False
    error_replies: dict[str, int] = field(default_factory=dict)
    lockup_after_per_minute: int | None = None
    lockup_seconds: float = 300.0
    lockup_on_empty_datagram: bool = False
    revert_window: float = 0.0
    es_getstatus: Literal["answer", "silent"] = "answer"
    ignore_string_ids: bool = False
    echo_requests: bool = False
    omit_macs: bool = False
    zero_padded_ip: bool = False
    set_result_false: Literal["never", "when_active", "always"] = "never"
    drop_passive: bool = False
    meter_collision_polls: int | None = None
    passive_fallback: Literal["idle", "previous"] = "idle"
    getmode_overrides: dict[str, object] = field(default_factory=dict)

    @classmethod
    def typical_for(cls, model: str, firmware: int) -> Quirks:
        """Quirks users report for this model and firmware.

        An approximation: Venus E 3.0 below 143 never answers ``ES.GetStatus`` and drops
        string ids; Venus E 3.0 below 150 and HMG-50 (VenusE/VenusC) below 156 send
        duplicate replies; HMG-50 loses its meter when polled more than once a minute.
        """
        quirks = cls()
        if model == "VenusE 3.0" and firmware < 143:  # noqa: PLR2004
            quirks.es_getstatus = "silent"
            quirks.ignore_string_ids = True
        if (model == "VenusE 3.0" and firmware < 150) or (  # noqa: PLR2004
            model in {"VenusE", "VenusC"} and firmware < 156  # noqa: PLR2004
        ):
            quirks.duplicate_replies = 1
        if model in {"VenusE", "VenusC"}:
            quirks.meter_collision_polls = 1
        return quirks


class Dice:
    """Seeded random decisions, restarted whenever the seed changes."""

    def __init__(self, seed: int) -> None:
        """Create a generator for ``seed``."""
        self._seed = seed
        self._random = random.Random(seed)  # noqa: S311 - simulation, not cryptography

    def roll(self, probability: float, seed: int) -> bool:
        """Return True with ``probability``; ``seed`` is the quirks' current seed."""
        if seed != self._seed:
            self._seed = seed
            self._random.seed(seed)
        if probability <= 0.0:
            return False
        return self._random.random() < probability


class LockupTracker:
    """Counts requests per minute and keeps the Open API silent after an overload."""

    def __init__(self) -> None:
        """Start unlocked, with no requests seen."""
        self._recent: deque[float] = deque()
        self._locked_until: float | None = None

    def is_locked(self, now: float) -> bool:
        """Tell whether the Open API is locked up at ``now``."""
        if self._locked_until is None:
            return False
        if now < self._locked_until:
            return True
        self._locked_until = None
        return False

    def lock(self, now: float, seconds: float) -> None:
        """Lock the Open API up for ``seconds`` from ``now``."""
        self._locked_until = now + seconds
        self._recent.clear()

    def count_request(self, now: float, quirks: Quirks) -> bool:
        """Count one request; return True if it trips a lock-up."""
        limit = quirks.lockup_after_per_minute
        if limit is None:
            return False
        self._recent.append(now)
        while self._recent and self._recent[0] <= now - _MINUTE:
            self._recent.popleft()
        if len(self._recent) > limit:
            self.lock(now, quirks.lockup_seconds)
            return True
        return False
