"""The Open API methods a simulated battery answers, validated the way the firmware does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .codec import ErrorCode, Request
from .schedule import ALL_DAYS, SLOT_COUNT, ManualSlot, parse_hh_mm

if TYPE_CHECKING:
    from collections.abc import Callable

    from .quirks import Quirks
    from .spec import BatterySpec
    from .state import BatteryState, ModeSnapshot

# cfg member required for each mode in ES.SetMode.
MODE_CONFIG_KEYS = {
    "Auto": "auto_cfg",
    "AI": "ai_cfg",
    "Manual": "manual_cfg",
    "Passive": "passive_cfg",
    "UPS": "ups_cfg",
}
_DISCOVER_ALL = "0"


@dataclass(frozen=True, slots=True)
class ErrorReply:
    """Answer with an error object carrying ``code``."""

    code: int


Outcome = dict[str, Any] | ErrorReply | None
"""A result object, an error, or None for "the device does not answer"."""


class Device(Protocol):
    """What the API needs from the battery it runs on."""

    @property
    def spec(self) -> BatterySpec:
        """Static description of the battery."""
        ...

    @property
    def host(self) -> str:
        """Current IP address."""
        ...

    @property
    def state(self) -> BatteryState:
        """Mode, SOC and setpoints."""
        ...

    @property
    def quirks(self) -> Quirks:
        """Current misbehaviour settings."""
        ...

    def sim_time(self) -> float:
        """Simulator clock now, s."""
        ...

    def refresh(self) -> None:
        """Recompute power flows after a state change."""
        ...

    def meter_reading(self) -> tuple[float, float, float]:
        """(grid power W, imported Wh, exported Wh) at the household meter."""
        ...


class _InvalidParamsError(Exception):
    """A parameter is missing or malformed: the device answers -32602."""


def _integer(
    container: dict[str, Any], name: str, low: int | None = None, high: int | None = None
) -> int:
    value = container.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _InvalidParamsError(name)
    if (low is not None and value < low) or (high is not None and value > high):
        raise _InvalidParamsError(name)
    return value


def _time_of_day(container: dict[str, Any], name: str) -> str:
    value = container.get(name)
    if not isinstance(value, str) or parse_hh_mm(value) is None:
        raise _InvalidParamsError(name)
    return value


def _object(container: dict[str, Any], name: str) -> dict[str, Any]:
    value = container.get(name)
    if not isinstance(value, dict):
        raise _InvalidParamsError(name)
    return value


class OpenApi:
    """Dispatches requests to method handlers and applies their effects to the battery."""

    def __init__(self, device: Device) -> None:
        """Serve the Open API of ``device``."""
        self._device = device
        self._revert: tuple[float, ModeSnapshot] | None = None
        self._handlers: dict[str, Callable[[dict[str, Any], int], Outcome]] = {
            "ES.GetMode": self._get_mode,
            "ES.SetMode": self._set_mode,
            "ES.GetStatus": self._get_es_status,
            "Bat.GetStatus": self._get_bat_status,
            "Wifi.GetStatus": self._get_wifi_status,
            "BLE.GetStatus": self._get_ble_status,
            "EM.GetStatus": self._get_em_status,
        }
        if device.spec.has_pv:
            self._handlers["PV.GetStatus"] = self._get_pv_status
        if device.spec.has_settings:
            # Elsewhere these answer "method not found", as HMG-50 and older firmware do.
            self._handlers["DOD.SET"] = self._set_dod
            self._handlers["Led.Ctrl"] = self._set_led
            self._handlers["Ble.Adv"] = self._set_ble_adv

    def handle(self, request: Request) -> Outcome:
        """Answer one request (method names are case-sensitive, as on the device)."""
        params = request.params
        if request.method == "Marstek.GetDevice":
            return self._get_device(params)
        handler = self._handlers.get(request.method)
        if handler is None:
            return ErrorReply(ErrorCode.METHOD_NOT_FOUND)
        if not isinstance(params, dict):
            return ErrorReply(ErrorCode.INVALID_PARAMS)
        try:
            # Every method but GetDevice needs the instance id ``params.id``.
            instance_id = _integer(params, "id")
            return handler(params, instance_id)
        except _InvalidParamsError:
            return ErrorReply(ErrorCode.INVALID_PARAMS)

    # --- identity ----------------------------------------------------------------

    def _get_device(self, params: Any) -> Outcome:
        if not isinstance(params, dict) or not isinstance(params.get("ble_mac"), str):
            return ErrorReply(ErrorCode.INVALID_PARAMS)
        spec = self._device.spec
        target = params["ble_mac"].lower()
        if target not in {_DISCOVER_ALL, spec.ble_mac}:
            return None  # addressed to another device: stay quiet
        result: dict[str, Any] = {
            "device": spec.model,
            "ver": spec.firmware,
            "ble_mac": spec.ble_mac,
            "wifi_mac": spec.reported_wifi_mac,
            "wifi_name": spec.ssid,
            "ip": self._device.host,
        }
        if self._device.quirks.omit_macs:
            del result["ble_mac"], result["wifi_mac"]
        if self._device.quirks.zero_padded_ip:
            result["ip"] = ".".join(f"{int(octet):03d}" for octet in self._device.host.split("."))
        return result

    # --- energy system -----------------------------------------------------------

    def _get_mode(self, _params: dict[str, Any], instance_id: int) -> Outcome:
        self._revert_recent_write()
        state = self._device.state
        result: dict[str, Any] = {
            "id": instance_id,
            "mode": state.mode,
            "ongrid_power": round(state.power),
            "offgrid_power": 0,
            "bat_soc": round(state.soc),
        }
        if self._device.spec.getmode_ct_fields:
            result.update(self._ct_fields())
        result.update(self._device.quirks.getmode_overrides)
        return result

    def _revert_recent_write(self) -> None:
        if self._revert is None:
            return
        deadline, snapshot = self._revert
        self._revert = None
        if self._device.sim_time() < deadline:
            self._device.state.restore(snapshot)
            self._device.refresh()

    def _set_mode(self, params: dict[str, Any], instance_id: int) -> Outcome:
        config = _object(params, "config")
        mode = config.get("mode")
        if not isinstance(mode, str) or mode not in MODE_CONFIG_KEYS:
            msg = "mode"
            raise _InvalidParamsError(msg)
        mode_config = _object(config, MODE_CONFIG_KEYS[mode])
        state = self._device.state
        refuse = self._device.quirks.set_result_false
        if refuse == "always" or (
            refuse == "when_active" and mode != "Passive" and state.mode == mode
        ):
            return {"id": instance_id, "set_result": False}
        before = state.snapshot()
        accepted = self._apply_mode(mode, mode_config)
        if accepted and self._device.quirks.revert_window > 0:
            self._revert = (self._device.sim_time() + self._device.quirks.revert_window, before)
        self._device.refresh()
        return {"id": instance_id, "set_result": accepted}

    def _apply_mode(self, mode: str, mode_config: dict[str, Any]) -> bool:
        state = self._device.state
        if mode == "Manual":
            index = _integer(mode_config, "time_num", 0, SLOT_COUNT - 1)
            slot = ManualSlot(
                start=_time_of_day(mode_config, "start_time"),
                end=_time_of_day(mode_config, "end_time"),
                week_set=_integer(mode_config, "week_set", 0, ALL_DAYS),
                power=_integer(mode_config, "power"),
                enabled=bool(_integer(mode_config, "enable", 0, 1)),
            )
            state.set_slot(index, slot)
            state.set_mode("Manual")
            return True
        if mode == "Passive":
            power = _integer(mode_config, "power")
            cd_time = _integer(mode_config, "cd_time", 0)
            if not self._device.quirks.drop_passive:
                state.start_passive(power, cd_time, self._device.sim_time())
            return True
        # Auto, AI, UPS: "off" means choosing another mode, so only enable=1 is accepted.
        if _integer(mode_config, "enable", 0, 1) != 1:
            return False
        state.set_mode(mode)
        return True

    # --- settings (Rev 2.0 section 3.8-3.10; no getters) ----------------------------

    def _set_dod(self, params: dict[str, Any], instance_id: int) -> Outcome:
        self._device.state.depth_of_discharge = _integer(params, "value", 30, 88)
        return {"id": instance_id, "set_result": True}

    def _set_led(self, params: dict[str, Any], instance_id: int) -> Outcome:
        self._device.state.led_on = _integer(params, "state", 0, 1) == 1
        return {"id": instance_id, "set_result": True}

    def _set_ble_adv(self, params: dict[str, Any], instance_id: int) -> Outcome:
        # 1 starts advertising, 0 stops it, as the firmware does (the Rev 2.0 table is reversed).
        self._device.state.ble_advertising = _integer(params, "enable", 0, 1) == 1
        return {"id": instance_id, "set_result": True}

    def _get_es_status(self, _params: dict[str, Any], instance_id: int) -> Outcome:
        if self._device.quirks.es_getstatus == "silent":
            return None
        state = self._device.state
        ongrid = round(state.power)
        return {
            "id": instance_id,
            "bat_soc": round(state.soc),
            "bat_cap": round(self._device.spec.capacity_wh),
            "pv_power": 0,
            "ongrid_power": ongrid,
            "offgrid_power": 0,
            "bat_power": -ongrid,  # positive = charging
            "total_pv_energy": 0,
            "total_grid_output_energy": round(state.discharged_wh),
            "total_grid_input_energy": round(state.charged_wh),
            "total_load_energy": 0,
        }

    # --- other read methods (the integration never polls them; tests count them) ---

    def _get_bat_status(self, _params: dict[str, Any], instance_id: int) -> Outcome:
        state = self._device.state
        capacity_wh = self._device.spec.capacity_wh
        return {
            "id": instance_id,
            "soc": round(state.soc),
            "charg_flag": state.charge_headroom > 0,
            "dischrg_flag": state.discharge_headroom > 0,
            "bat_temp": 25.0,
            "bat_capacity": round(capacity_wh * state.soc / 100.0),
            "rated_capacity": round(capacity_wh),
        }

    def _get_wifi_status(self, _params: dict[str, Any], instance_id: int) -> Outcome:
        return {
            "id": instance_id,
            "wifi_mac": self._device.spec.reported_wifi_mac,
            "ssid": self._device.spec.ssid,
            "rssi": -50,
            "sta_ip": self._device.host,
            "sta_gate": "127.0.0.1",
            "sta_mask": "255.0.0.0",
            "sta_dns": "127.0.0.1",
        }

    def _get_ble_status(self, _params: dict[str, Any], instance_id: int) -> Outcome:
        return {"id": instance_id, "state": "disconnect", "ble_mac": self._device.spec.ble_mac}

    def _get_em_status(self, _params: dict[str, Any], instance_id: int) -> Outcome:
        return {"id": instance_id, **self._ct_fields()}

    def _get_pv_status(self, _params: dict[str, Any], instance_id: int) -> Outcome:
        return {"id": instance_id, "pv_power": 0, "pv_voltage": 0, "pv_current": 0}

    def _ct_fields(self) -> dict[str, Any]:
        # The CT sits at the household meter: positive = import (sign undocumented by
        # Marstek; this is the common assumption). Energies are in 0.1 Wh.
        grid_power, imported_wh, exported_wh = self._device.meter_reading()
        return {
            "ct_state": 1,
            "a_power": round(grid_power),
            "b_power": 0,
            "c_power": 0,
            "total_power": round(grid_power),
            "input_energy": round(imported_wh * 10),
            "output_energy": round(exported_wh * 10),
        }
