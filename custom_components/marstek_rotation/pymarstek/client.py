"""High-level calls to one battery, over a shared `MarstekTransport`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .catalog import power_limit_w, reading_limit_w
from .commands import (
    ai_config,
    auto_config,
    ble_adv_params,
    disabled_slot,
    dod_params,
    get_device_params,
    getter_params,
    led_params,
    manual_slot_config,
    neutral_manual_config,
    passive_config,
    set_mode_params,
)
from .const import (
    DEFAULT_PORT,
    DEFAULT_QUIET_PERIOD,
    DEFAULT_TIMEOUT,
    METHOD_BLE_ADV,
    METHOD_GET_DEVICE,
    METHOD_GET_MODE,
    METHOD_LED_CTRL,
    METHOD_SET_DOD,
    METHOD_SET_MODE,
    PASSIVE_DURATION_MAX_S,
    PASSIVE_DURATION_MIN_S,
    POWER_MAX_W,
    POWER_MIN_W,
    REJECTED_CODE,
    SLOT_MAX,
    SLOT_MIN,
)
from .exceptions import (
    MarstekDeviceError,
    MarstekError,
    MarstekProtocolError,
    MarstekValidationError,
)
from .models import DeviceInfo, ManualSlot, ModeStatus, OperatingMode
from .parsers import parse_device_info, parse_mode_status, parse_set_result
from .validation import (
    require_int,
    require_non_negative_seconds,
    require_port,
    require_positive_seconds,
    require_unicast_ipv4,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .payloads import BleAdvParams, DodParams, LedParams, ModeConfig
    from .transport import MarstekTransport, TransportStats


class MarstekClient:
    """One battery, addressed by IP and port.

    Every method raises only `MarstekError`s: `MarstekTimeoutError`, `MarstekDeviceError`,
    `MarstekProtocolError`, `MarstekTransportError` or `MarstekValidationError` (the last
    before anything is sent). Pacing and the single in-flight request are the transport's;
    after every write the client asks it for a quiet period before the next read.
    """

    def __init__(
        self,
        transport: MarstekTransport,
        host: str,
        port: int = DEFAULT_PORT,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        quiet_period: float = DEFAULT_QUIET_PERIOD,
        model: str | None = None,
    ) -> None:
        """Bind the client to a battery; nothing is sent yet.

        Args:
            transport: the shared, started transport.
            host: the battery's IPv4 address.
            port: the battery's Open API port.
            timeout: seconds to wait for each reply.
            quiet_period: seconds after a write before the battery is read again (some
                firmware reverts a mode that is read right after it was written).
            model: the model string, when known before `get_device()` (it sets the power
                limit used to check writes and readings).
        """
        self._transport = transport
        self._host = require_unicast_ipv4("host", host)
        self._port = require_port("port", port)
        self._timeout = require_positive_seconds("timeout", timeout)
        self._quiet_period = require_non_negative_seconds("quiet_period", quiet_period)
        self.model = model

    @property
    def transport(self) -> MarstekTransport:
        """The shared transport."""
        return self._transport

    @property
    def local_address(self) -> tuple[str, int]:
        """The local (address, port) the shared transport is bound to."""
        return self._transport.local_address

    @property
    def last_response_time(self) -> float | None:
        """Seconds between this battery's last answered request and its reply, if any."""
        return self._transport.last_response_time(self._host)

    @property
    def quiet_remaining(self) -> float:
        """Seconds before this battery may be read again after a write (0.0: now)."""
        return self._transport.quiet_remaining(self._host)

    @property
    def stats(self) -> TransportStats:
        """The shared transport's counters (every battery on it together)."""
        return self._transport.stats

    @property
    def host(self) -> str:
        """The battery's IP; assign a new one when DHCP moved it."""
        return self._host

    @host.setter
    def host(self, value: str) -> None:
        self._host = require_unicast_ipv4("host", value)

    @property
    def port(self) -> int:
        """The battery's Open API port."""
        return self._port

    @port.setter
    def port(self, value: int) -> None:
        self._port = require_port("port", value)

    @property
    def timeout(self) -> float:
        """Seconds to wait for each reply."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: float) -> None:
        self._timeout = require_positive_seconds("timeout", value)

    @property
    def power_limit(self) -> int:
        """The battery's charge/discharge limit in W (by model; 10 kW while unknown)."""
        return power_limit_w(self.model)

    def check_power(self, field: str, power: object) -> int:
        """`power` as W within this battery's limit, else `MarstekValidationError`."""
        limit = self.power_limit
        return require_int(field, power, -limit, limit, "W")

    @staticmethod
    def check_passive(power: object, duration: object) -> tuple[int, int]:
        """Power (W) and duration (s) for Passive within the protocol's bounds.

        Raises:
            MarstekValidationError: naming the field that is out of range or not an integer.
        """
        return (
            require_int("power", power, POWER_MIN_W, POWER_MAX_W, "W"),
            require_int("duration", duration, PASSIVE_DURATION_MIN_S, PASSIVE_DURATION_MAX_S, "s"),
        )

    async def get_device(self) -> DeviceInfo:
        """Read the battery's identity with `Marstek.GetDevice` (and learn its model)."""
        reply = await self._transport.request(
            self._host, self._port, METHOD_GET_DEVICE, get_device_params(), timeout=self._timeout
        )
        device = _parse(lambda: parse_device_info(reply.unwrap(), host=self._host, src=reply.src))
        self.model = device.model
        return device

    async def get_mode(self) -> ModeStatus:
        """Read mode, SOC and powers with `ES.GetMode`; impossible values come back as None."""
        reply = await self._transport.request(
            self._host, self._port, METHOD_GET_MODE, getter_params(), timeout=self._timeout
        )
        limit = reading_limit_w(self.model)
        return _parse(lambda: parse_mode_status(reply.unwrap(), power_limit=limit))

    async def set_mode(
        self,
        mode: OperatingMode,
        *,
        passive_power: int | None = None,
        passive_duration: int | None = None,
    ) -> None:
        """Switch the operating mode.

        MANUAL writes the neutral config (slot 9, disabled), so no real slot is touched.
        PASSIVE needs `passive_power` (W, negative = charge) and `passive_duration` (s); the
        passive arguments are ignored for the other modes. UPS is not offered.
        """
        if passive_power is not None and OperatingMode.parse(mode) is OperatingMode.PASSIVE:
            passive_power = self.check_power("passive_power", passive_power)
        await self._write_config(
            _mode_config(mode, passive_power=passive_power, passive_duration=passive_duration)
        )

    async def set_passive(self, power: int, duration: int) -> None:
        """Hold `power` W (negative = charge) for `duration` seconds in Passive mode."""
        await self._write_config(passive_config(self.check_power("power", power), duration))

    async def set_manual_slot(self, slot: ManualSlot) -> None:
        """Write one manual schedule slot (this also switches the battery to Manual)."""
        self.check_power("power", slot.power)
        await self._write_config(manual_slot_config(slot))

    async def clear_manual_slots(self) -> None:
        """Write every slot (0-9) disabled, one datagram at a time, spaced by the transport.

        Stops at the first failure; the error carries a note naming the slot.
        """
        for time_num in range(SLOT_MIN, SLOT_MAX + 1):
            try:
                await self.set_manual_slot(disabled_slot(time_num))
            except Exception as err:
                err.add_note(f"while clearing manual slot {time_num} on {self._host}")
                raise

    async def set_depth_of_discharge(self, percent: int) -> None:
        """Write the depth of discharge with `DOD.SET`, % (30..88; refused before sending)."""
        await self._write_setting(METHOD_SET_DOD, dod_params(percent), "depth of discharge")

    async def set_led(self, on: bool) -> None:  # noqa: FBT001
        """Switch the panel LED on or off with `Led.Ctrl`."""
        await self._write_setting(METHOD_LED_CTRL, led_params(on), "LED")

    async def set_ble_advertising(self, advertise: bool) -> None:  # noqa: FBT001
        """Start or stop Bluetooth advertising with `Ble.Adv`."""
        await self._write_setting(METHOD_BLE_ADV, ble_adv_params(advertise), "Bluetooth")

    async def _write_setting(
        self, method: str, params: DodParams | LedParams | BleAdvParams, what: str
    ) -> None:
        await self._write(method, params, f"the {what} setting")

    async def _write_config(self, config: ModeConfig) -> None:
        await self._write(METHOD_SET_MODE, set_mode_params(config), f"{config['mode']} mode")

    async def _write(self, method: str, params: Mapping[str, Any], what: str) -> None:
        """One write (a quiet period follows it); `set_result: false` is a refusal of `what`."""
        reply = await self._transport.request(
            self._host,
            self._port,
            method,
            params,
            timeout=self._timeout,
            quiet_after=self._quiet_period,
            wait_for_quiet=False,
        )
        result = reply.unwrap()
        if not _parse(lambda: parse_set_result(result)):
            msg = f"{self._host} rejected {what} (set_result false)"
            raise MarstekDeviceError(REJECTED_CODE, msg, result)


def _mode_config(
    mode: OperatingMode, *, passive_power: int | None, passive_duration: int | None
) -> ModeConfig:
    """The `config` object for `mode`, validated."""
    parsed = OperatingMode.parse(mode) if isinstance(mode, str) else None
    if parsed is OperatingMode.AUTO:
        return auto_config()
    if parsed is OperatingMode.AI:
        return ai_config()
    if parsed is OperatingMode.MANUAL:
        return neutral_manual_config()
    if parsed is OperatingMode.PASSIVE:
        if passive_power is None or passive_duration is None:
            missing = "passive_power" if passive_power is None else "passive_duration"
            msg = "passive mode needs passive_power (W) and passive_duration (s)"
            raise MarstekValidationError(field=missing, message=msg)
        return passive_config(passive_power, passive_duration)
    msg = f"mode must be one of auto, ai, manual, passive, got {mode!r}"
    raise MarstekValidationError(field="mode", message=msg, value=mode)


def _parse[T](parse: Callable[[], T]) -> T:
    """Run a parser; whatever goes wrong inside it leaves the library as `MarstekProtocolError`.

    The parsers only raise `MarstekError`s by design; this keeps the promise even for an input
    nobody foresaw.
    """
    try:
        return parse()
    except MarstekError:
        raise
    except Exception as err:
        msg = f"unreadable reply: {type(err).__name__}: {err}"
        raise MarstekProtocolError(msg) from err
