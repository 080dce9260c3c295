"""Config, reconfigure and options flows, over real UDP against simulated batteries.

Every flow runs to CREATE_ENTRY or ABORT. The only patch is the one that injects an
unexpected exception (`unknown`); everything else is the real probe, the real transport and
the simulator (or a hand-made UDP responder) on loopback.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import SOURCE_IGNORE, SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant, valid_entity_id
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.translation import async_get_translations
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.marstek_rotation import config_flow
from custom_components.marstek_rotation.const import (
    CONF_BLE_MAC,
    CONF_ENTITY_PREFIX,
    CONF_MODEL,
    CONF_POLL_INTERVAL,
    CONF_RATED_CAPACITY,
    CONF_TIMEOUT,
    DOMAIN,
)
from custom_components.marstek_rotation.entity_ids import LONGEST_ENTITY_ID_PART, planned_entity_ids
from custom_components.marstek_rotation.naming import MAX_PREFIX_LENGTH
from custom_components.marstek_rotation.pymarstek import MarstekClient
from custom_components.marstek_rotation.pymarstek.const import DEFAULT_DISCOVERY_DURATION
from custom_components.marstek_rotation.transports import TRANSPORT_POOL
from simulator import BatterySpec, Quirks, Simulator

from .conftest import (
    PORT,
    VENUS_E3_9A7D,
    VENUS_E_D828,
    VENUS_E_DEB8,
    config_entry_for,
    set_link_timing,
    setup_entry,
)

D828_PREFIX = "marstek_venuse_d828"
D828_SOC = f"sensor.{D828_PREFIX}_state_of_charge"
FAKE_HOST = "127.0.0.9"
MOVED_HOST = "127.0.0.5"
FAST_TIMEOUT = 0.3
LANGUAGES = ("en", "nl", "fr", "de")

type Answer = Callable[[dict[str, Any]], bytes | None]


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def fast_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a probe of a silent address give up after 0.3 s instead of 3 s.

    The settings form's default timeout follows this constant too, so tests using it submit
    their settings explicitly.
    """
    monkeypatch.setattr(config_flow, "DEFAULT_TIMEOUT", FAST_TIMEOUT)


def settings(prefix: str, **overrides: Any) -> dict[str, Any]:
    """A complete settings form submission."""
    return {
        CONF_ENTITY_PREFIX: prefix,
        CONF_RATED_CAPACITY: 5.12,
        CONF_POLL_INTERVAL: 30,
        CONF_TIMEOUT: 1.0,
        **overrides,
    }


def options_placeholders(example_prefix: str, taken: str = "-") -> dict[str, str]:
    """What the options form says: the battery, its current prefix, an example id."""
    return {
        "name": "Marstek VenusE d828",
        "host": "127.0.0.2",
        "prefix": D828_PREFIX,
        "example": f"sensor.{example_prefix}_state_of_charge",
        "taken": taken,
        "max_length": "64",
    }


async def rendered_description(
    hass: HomeAssistant,
    language: str,
    category: str,
    step_id: str,
    placeholders: dict[str, str] | None,
) -> str:
    """A form's description as Home Assistant's translations give it, placeholders filled."""
    translations = await async_get_translations(hass, language, category, {DOMAIN})
    text = translations[f"component.{DOMAIN}.{category}.step.{step_id}.description"]
    values = placeholders or {}
    return re.sub(r"\{(\w+)\}", lambda match: values[match.group(1)], text)


def address(host: str, port: int = PORT) -> dict[str, Any]:
    return {CONF_HOST: host, CONF_PORT: port}


def form_defaults(result: FlowResult) -> dict[str, Any]:
    """The suggested values of a form, by field name."""
    schema = result["data_schema"]
    assert schema is not None
    return {
        str(key): key.default() for key in schema.schema if callable(getattr(key, "default", None))
    }


def device_choices(result: FlowResult) -> list[tuple[str, str]]:
    """(value, label) of every option of the user step's battery list."""
    schema = result["data_schema"]
    assert schema is not None
    for key, selector in schema.schema.items():
        if str(key) == config_flow.CONF_DEVICE:
            return [(option["value"], option["label"]) for option in selector.config["options"]]
    pytest.fail("the user form has no device field")


async def start_user_flow(hass: HomeAssistant) -> FlowResult:
    """The add flow, past the menu that appears once a battery is set up (to add one more)."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    if result["type"] is FlowResultType.MENU:
        assert result["menu_options"] == ["battery", "household"]
        result = await configure(hass, result, {"next_step_id": "battery"})
    return result


async def configure(hass: HomeAssistant, result: FlowResult, data: dict[str, Any]) -> FlowResult:
    return await hass.config_entries.flow.async_configure(result["flow_id"], data)


async def start_manual_flow(
    hass: HomeAssistant, step_id: str = "manual_nothing_found"
) -> FlowResult:
    """A user flow whose discovery offers no battery, so it opens on the manual form.

    `step_id` is the manual form whose description says why: nothing answered, or only
    batteries that are set up did.
    """
    result = await start_user_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == step_id
    assert result["errors"] == {}
    return result


async def finish_settings(
    hass: HomeAssistant, result: FlowResult, data: dict[str, Any] | None = None
) -> FlowResult:
    assert result["type"] is FlowResultType.FORM
    # The plain form, or the same form saying why HMG-50 hardware polls slowly.
    assert result["step_id"] in {"settings", "settings_shared_channel"}
    result = await configure(hass, result, data or {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    return result


def registry_ids_start_with(hass: HomeAssistant, entry: MockConfigEntry, prefix: str) -> bool:
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return bool(entities) and all(
        e.entity_id.split(".", 1)[1].startswith(f"{prefix}_") for e in entities
    )


class _Responder(asyncio.DatagramProtocol):
    """Something on a loopback address that answers requests its own way."""

    def __init__(self, answer: Answer) -> None:
        self._answer = answer
        self.requests: list[dict[str, Any]] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        request = json.loads(data)
        self.requests.append(request)
        reply = self._answer(request)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)


@asynccontextmanager
async def udp_responder(answer: Answer, host: str = FAKE_HOST) -> AsyncIterator[_Responder]:
    """Bind (host, 30000) on loopback and answer every datagram with `answer(request)`."""
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: _Responder(answer), local_addr=(host, PORT)
    )
    try:
        yield protocol
    finally:
        transport.close()


def reply(request: dict[str, Any], **members: Any) -> bytes:
    return json.dumps({"id": request["id"], **members}).encode()


@contextmanager
def occupied_port(port: int = 0) -> Iterator[int]:
    """Hold 127.0.0.1:<port> (a free one for 0) like another program would; yields the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind(("127.0.0.1", port))
        yield sock.getsockname()[1]
    finally:
        sock.close()


def expected_entry_data(host: str, mac: str, model: str, port: int = PORT) -> dict[str, Any]:
    return {CONF_HOST: host, CONF_PORT: port, CONF_BLE_MAC: mac, CONF_MODEL: model}


@pytest.fixture
async def custom_port_simulator() -> AsyncIterator[Simulator]:
    """A second household whose batteries use another Open API port (no broadcast hub)."""
    with occupied_port() as port:
        pass  # a port that was free a moment ago
    async with Simulator(port=port, broadcast_host=None) as sim:
        yield sim


# --- user step: discovery ------------------------------------------------------------------


async def test_discovery_offers_unconfigured_batteries_and_creates_the_entry(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    d828 = await simulator.add_battery(VENUS_E_D828)
    await simulator.add_battery(VENUS_E3_9A7D)
    await simulator.add_battery(VENUS_E_DEB8)
    config_entry_for(VENUS_E_DEB8).add_to_hass(hass)

    result = await start_user_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    assert device_choices(result) == [
        ("acd92968d828", "Marstek VenusE d828 (127.0.0.2)"),
        ("009b08a59a7d", "Marstek VenusE 3.0 9a7d (127.0.0.3)"),
        ("manual", "manual"),
    ]

    d828.clear_received()
    result = await configure(hass, result, {"device": "acd92968d828"})
    # The probe: the identity, then one reading.
    assert d828.method_counts() == {"Marstek.GetDevice": 1, "ES.GetMode": 1}
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "settings_shared_channel"  # a Venus E 2.0 (HMG-50)
    assert result["description_placeholders"] == {
        "name": "Marstek VenusE d828",
        "model": "VenusE",
        "firmware": "156",
        "fixed_in": "",
        "interval": "60",
        "example": "sensor.marstek_venuse_d828_state_of_charge",
        "taken": "-",
        "max_length": "64",
    }
    assert form_defaults(result) == {
        CONF_ENTITY_PREFIX: D828_PREFIX,
        CONF_RATED_CAPACITY: 5.12,
        CONF_POLL_INTERVAL: 60,
        CONF_TIMEOUT: 3.0,
    }

    result = await finish_settings(hass, result)  # accept the defaults

    assert result["title"] == "Marstek VenusE d828"
    assert result["data"] == expected_entry_data("127.0.0.2", "acd92968d828", "VenusE")
    assert result["options"] == {
        CONF_ENTITY_PREFIX: D828_PREFIX,
        CONF_RATED_CAPACITY: 5.12,
        CONF_POLL_INTERVAL: 60,
        CONF_TIMEOUT: 3.0,
    }
    entry = result["result"]
    assert entry.unique_id == "acd92968d828"
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(D828_SOC) is not None


async def test_venus_e3_default_prefix(hass: HomeAssistant, simulator: Simulator) -> None:
    await simulator.add_battery(VENUS_E3_9A7D)

    result = await start_user_flow(hass)
    assert device_choices(result)[0][0] == "009b08a59a7d"
    result = await configure(hass, result, {"device": "009b08a59a7d"})

    assert form_defaults(result)[CONF_ENTITY_PREFIX] == "marstek_venuse_3_0_9a7d"
    result = await finish_settings(hass, result)
    assert result["title"] == "Marstek VenusE 3.0 9a7d"
    assert result["data"] == expected_entry_data("127.0.0.3", "009b08a59a7d", "VenusE 3.0")
    assert result["options"][CONF_ENTITY_PREFIX] == "marstek_venuse_3_0_9a7d"
    assert hass.states.get("sensor.marstek_venuse_3_0_9a7d_state_of_charge") is not None


async def test_only_known_batteries_answered_is_said_on_the_manual_form(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    config_entry_for(VENUS_E_D828).add_to_hass(hass)  # the only battery is configured already

    result = await start_user_flow(hass)

    assert result["type"] is FlowResultType.FORM
    # Said in the form's description: nothing went wrong, so there is no (red) error.
    assert result["step_id"] == "manual_all_configured"
    assert result["errors"] == {}
    plain = await rendered_description(hass, "en", "config", "manual", None)
    assert await rendered_description(hass, "en", "config", str(result["step_id"]), None) != plain
    assert form_defaults(result) == {CONF_PORT: PORT}  # no host suggested
    # The broadcast did reach the battery: it answered, and was filtered out.
    assert set(battery.method_counts()) == {"Marstek.GetDevice"}


async def test_no_answer_at_all_is_said_on_the_manual_form(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    result = await start_user_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual_nothing_found"
    assert result["errors"] == {}
    # The note is for the first view only; a wrong address then gets its own error.
    result = await configure(hass, result, address("127.0.0.9"))
    assert result["step_id"] == "manual"
    assert result["errors"] == {"base": "cannot_connect"}


async def test_choosing_manual_from_the_list(hass: HomeAssistant, simulator: Simulator) -> None:
    await simulator.add_battery(VENUS_E_D828)
    await simulator.add_battery(VENUS_E3_9A7D)

    result = await start_user_flow(hass)
    assert result["step_id"] == "user"
    result = await configure(hass, result, {"device": "manual"})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual"
    assert result["errors"] == {}

    result = await configure(hass, result, address("127.0.0.3"))
    result = await finish_settings(hass, result, settings("marstek_venuse_3_0_9a7d"))
    assert result["result"].unique_id == "009b08a59a7d"
    assert result["data"][CONF_HOST] == "127.0.0.3"


async def test_discovered_battery_that_stopped_answering(
    hass: HomeAssistant, simulator: Simulator, fast_probe: None
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    result = await start_user_flow(hass)
    assert result["step_id"] == "user"

    battery.quirks = Quirks(silent=True)
    result = await configure(hass, result, {"device": "acd92968d828"})

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "cannot_connect"}
    assert [value for value, _ in device_choices(result)] == ["acd92968d828", "manual"]

    battery.quirks = Quirks()
    result = await configure(hass, result, {"device": "acd92968d828"})
    result = await finish_settings(hass, result, settings(D828_PREFIX))
    assert result["data"] == expected_entry_data("127.0.0.2", "acd92968d828", "VenusE")
    assert result["options"] == settings(D828_PREFIX)


async def test_discovery_with_the_port_in_use_falls_back_to_manual(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    with occupied_port(PORT):
        result = await start_user_flow(hass)
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "manual_port_in_use"
        assert result["errors"] == {}
        assert battery.method_counts() == {}  # nothing was broadcast

        result = await configure(hass, result, address("127.0.0.2"))
        assert result["step_id"] == "manual"
        assert result["errors"] == {"base": "port_in_use"}

    result = await configure(hass, result, address("127.0.0.2"))
    result = await finish_settings(hass, result)
    assert result["result"].unique_id == "acd92968d828"


# --- manual step: probe errors ---------------------------------------------------------------


async def test_manual_cannot_connect_then_recovers(
    hass: HomeAssistant, simulator: Simulator, fast_probe: None
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828, quirks=Quirks(silent=True))
    result = await start_user_flow(hass)
    assert result["step_id"] == "manual_nothing_found"  # a silent battery is not found either

    result = await configure(hass, result, address("127.0.0.2"))
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual"
    assert result["errors"] == {"base": "cannot_connect"}
    # The form keeps what was entered.
    assert form_defaults(result) == {CONF_HOST: "127.0.0.2", CONF_PORT: PORT}
    assert battery.method_counts()["Marstek.GetDevice"] >= 1
    assert hass.data[TRANSPORT_POOL].leases == {}  # the probe gave its socket back

    battery.quirks = Quirks()
    result = await configure(hass, result, address("127.0.0.2"))
    result = await finish_settings(hass, result, settings(D828_PREFIX))
    assert result["result"].unique_id == "acd92968d828"


@pytest.mark.parametrize(
    ("method", "first_step"),
    [("Marstek.GetDevice", "manual_nothing_found"), ("ES.GetMode", "user")],
    ids=["get_device", "get_mode"],
)
async def test_manual_error_reply_is_not_marstek(
    hass: HomeAssistant, simulator: Simulator, method: str, first_step: str
) -> None:
    battery = await simulator.add_battery(
        VENUS_E_D828, quirks=Quirks(error_replies={method: -32601})
    )
    result = await start_user_flow(hass)
    # Discovery skips error replies; one that only fails ES.GetMode is still listed.
    assert result["step_id"] == first_step
    if first_step == "user":
        result = await configure(hass, result, {"device": "manual"})

    result = await configure(hass, result, address("127.0.0.2"))
    assert result["step_id"] == "manual"
    assert result["errors"] == {"base": "not_marstek"}
    assert battery.method_counts()[method] >= 1

    battery.quirks = Quirks()
    result = await configure(hass, result, address("127.0.0.2"))
    await finish_settings(hass, result)


async def test_manual_unparseable_reply_is_not_marstek(hass: HomeAssistant) -> None:
    async with udp_responder(lambda request: reply(request, result={"hello": "world"})) as fake:
        result = await start_manual_flow(hass)
        result = await configure(hass, result, address(FAKE_HOST))

    assert result["step_id"] == "manual"
    assert result["errors"] == {"base": "not_marstek"}
    assert [request["method"] for request in fake.requests] == ["Marstek.GetDevice"]


async def test_manual_device_without_a_mac_is_not_marstek(hass: HomeAssistant) -> None:
    def answer(request: dict[str, Any]) -> bytes:
        if request["method"] == "Marstek.GetDevice":
            # A plausible identity, but neither a MAC in the result nor one in `src`.
            return reply(request, src="VenusE", result={"device": "VenusE", "ver": 156})
        return reply(request, src="VenusE", result={"mode": "Auto", "bat_soc": 50})

    async with udp_responder(answer) as fake:
        result = await start_manual_flow(hass)
        result = await configure(hass, result, address(FAKE_HOST))

    assert result["step_id"] == "manual"
    assert result["errors"] == {"base": "not_marstek"}
    assert [request["method"] for request in fake.requests] == [
        "Marstek.GetDevice",
        "ES.GetMode",
    ]


async def test_device_reporting_only_its_mac_in_src_is_accepted(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    # Venus C 153 leaves both MACs out of Marstek.GetDevice; `src` still names the BLE MAC.
    await simulator.add_battery(VENUS_E_D828, quirks=Quirks(omit_macs=True))
    result = await start_user_flow(hass)
    result = await configure(hass, result, {"device": "acd92968d828"})
    result = await finish_settings(hass, result)
    assert result["result"].unique_id == "acd92968d828"
    assert result["data"][CONF_BLE_MAC] == "acd92968d828"


async def test_manual_garbage_reply_counts_as_no_answer(
    hass: HomeAssistant, fast_probe: None
) -> None:
    # Datagrams that are not JSON cannot be matched to the request; the transport drops them.
    async with udp_responder(lambda _request: b"\xff garbage \x00") as fake:
        result = await start_manual_flow(hass)
        result = await configure(hass, result, address(FAKE_HOST))

    assert result["errors"] == {"base": "cannot_connect"}
    assert len(fake.requests) == 1


async def test_manual_invalid_host_then_recovers(hass: HomeAssistant, simulator: Simulator) -> None:
    await simulator.add_battery(VENUS_E_D828)
    result = await start_user_flow(hass)
    result = await configure(hass, result, {"device": "manual"})

    result = await configure(hass, result, address("not-an-ip"))
    assert result["step_id"] == "manual"
    assert result["errors"] == {"base": "invalid_host"}
    assert form_defaults(result)[CONF_HOST] == "not-an-ip"

    result = await configure(hass, result, address("127.0.0.2"))
    await finish_settings(hass, result)


@pytest.mark.parametrize(
    "host",
    ["127.255.255.255", "127.0.0.0", "255.255.255.255", "0.0.0.0", "224.0.0.251"],  # noqa: S104
)
async def test_manual_broadcast_or_network_address_is_refused_at_once(
    hass: HomeAssistant, simulator: Simulator, host: str
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    result = await start_user_flow(hass)
    result = await configure(hass, result, {"device": "manual"})
    battery.clear_received()

    result = await configure(hass, result, address(host))

    assert result["errors"] == {"base": "invalid_host"}
    assert battery.received == []  # refused before anything was sent, not after a timeout


async def test_manual_port_in_use_then_recovers(hass: HomeAssistant, simulator: Simulator) -> None:
    await simulator.add_battery(VENUS_E_D828)
    result = await start_user_flow(hass)
    result = await configure(hass, result, {"device": "manual"})

    with occupied_port() as busy:
        result = await configure(hass, result, address("127.0.0.2", busy))
    assert result["step_id"] == "manual"
    assert result["errors"] == {"base": "port_in_use"}
    assert form_defaults(result) == {CONF_HOST: "127.0.0.2", CONF_PORT: busy}

    result = await configure(hass, result, address("127.0.0.2"))
    result = await finish_settings(hass, result)
    assert result["data"][CONF_PORT] == PORT


async def test_manual_unexpected_error_then_recovers(
    hass: HomeAssistant, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    result = await start_user_flow(hass)
    result = await configure(hass, result, {"device": "manual"})

    with patch.object(MarstekClient, "get_device", side_effect=RuntimeError("boom")):
        result = await configure(hass, result, address("127.0.0.2"))
    assert result["step_id"] == "manual"
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error while probing 127.0.0.2:30000" in caplog.text
    assert hass.data[TRANSPORT_POOL].leases == {}

    result = await configure(hass, result, address("127.0.0.2"))
    await finish_settings(hass, result)


# --- known batteries: already configured, moved, ignored -------------------------------------


async def test_manual_battery_on_another_port(
    hass: HomeAssistant, custom_port_simulator: Simulator
) -> None:
    port = custom_port_simulator.port
    battery = await custom_port_simulator.add_battery(VENUS_E_D828)

    result = await start_manual_flow(hass)  # port 30000 broadcasts find nothing
    result = await configure(hass, result, address("127.0.0.2", port))
    assert battery.method_counts() == {"Marstek.GetDevice": 1, "ES.GetMode": 1}
    result = await finish_settings(hass, result)

    assert result["data"] == expected_entry_data("127.0.0.2", "acd92968d828", "VenusE", port)
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert list(hass.data[TRANSPORT_POOL].leases) == [("127.0.0.1", port)]


async def test_battery_with_a_new_port_updates_the_entry(
    hass: HomeAssistant, custom_port_simulator: Simulator
) -> None:
    port = custom_port_simulator.port
    # Configured on 30000; the user then moved its Open API to another port in the app.
    await custom_port_simulator.add_battery(VENUS_E_D828)
    entry = config_entry_for(VENUS_E_D828)
    entry.add_to_hass(hass)

    result = await start_manual_flow(hass)
    result = await configure(hass, result, address("127.0.0.2", port))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "address_updated"
    await hass.async_block_till_done()
    assert entry.data == expected_entry_data("127.0.0.2", "acd92968d828", "VenusE", port)


async def test_reconfigure_to_another_port(
    hass: HomeAssistant, custom_port_simulator: Simulator
) -> None:
    port = custom_port_simulator.port
    await custom_port_simulator.add_battery(VENUS_E_D828)
    entry = config_entry_for(VENUS_E_D828)
    entry.add_to_hass(hass)

    result = await entry.start_reconfigure_flow(hass)
    result = await configure(hass, result, address("127.0.0.2", port))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data == expected_entry_data("127.0.0.2", "acd92968d828", "VenusE", port)
    assert entry.state is ConfigEntryState.LOADED


async def test_already_configured(hass: HomeAssistant, simulator: Simulator) -> None:
    await simulator.add_battery(VENUS_E_D828)
    entry = config_entry_for(VENUS_E_D828)
    entry.add_to_hass(hass)

    result = await start_manual_flow(hass, "manual_all_configured")
    result = await configure(hass, result, address("127.0.0.2"))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "127.0.0.2"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


async def test_moved_battery_updates_the_entry(hass: HomeAssistant, simulator: Simulator) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    assert entry.state is ConfigEntryState.LOADED
    await battery.move_to(MOVED_HOST)  # DHCP gave it another address

    # Configured, so not offered by discovery.
    result = await start_manual_flow(hass, "manual_all_configured")
    result = await configure(hass, result, address(MOVED_HOST))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "address_updated"
    await hass.async_block_till_done()
    assert entry.data == expected_entry_data(MOVED_HOST, "acd92968d828", "VenusE")
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    # Reloaded at the new address.
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.client.host == MOVED_HOST


async def test_previously_ignored_battery_can_be_added(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    MockConfigEntry(
        domain=DOMAIN, unique_id="acd92968d828", source=SOURCE_IGNORE, data={}
    ).add_to_hass(hass)

    result = await start_user_flow(hass)
    assert [value for value, _ in device_choices(result)] == ["acd92968d828", "manual"]
    result = await configure(hass, result, {"device": "acd92968d828"})
    result = await finish_settings(hass, result)

    assert result["data"] == expected_entry_data("127.0.0.2", "acd92968d828", "VenusE")
    entries = hass.config_entries.async_entries(DOMAIN)
    assert [entry.source for entry in entries] == [SOURCE_USER]
    assert entries[0].state is ConfigEntryState.LOADED


# --- settings step -----------------------------------------------------------------------------


async def test_settings_invalid_prefix_then_recovers(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    result = await start_user_flow(hass)
    result = await configure(hass, result, {"device": "acd92968d828"})

    for bad in ("Home Battery", "home__battery", "home-battery", "_home"):
        result = await configure(hass, result, settings(bad, **{CONF_RATED_CAPACITY: 10.0}))
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "settings_shared_channel"  # a Venus E 2.0
        assert result["errors"] == {CONF_ENTITY_PREFIX: "invalid_prefix"}, bad
        assert result["description_placeholders"]["taken"] == "-"
        # The example is built from the default prefix while the one typed is unusable.
        assert result["description_placeholders"]["example"] == D828_SOC
        # What was entered is kept.
        assert form_defaults(result)[CONF_ENTITY_PREFIX] == bad
        assert form_defaults(result)[CONF_RATED_CAPACITY] == 10.0

    result = await finish_settings(hass, result, settings("home_battery"))
    assert result["options"][CONF_ENTITY_PREFIX] == "home_battery"
    assert hass.states.get("sensor.home_battery_state_of_charge") is not None


async def test_settings_example_reads_in_every_language_after_a_bad_prefix(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    result = await start_user_flow(hass)
    result = await configure(hass, result, {"device": "acd92968d828"})

    for bad in ("Home Battery", "b" * 240):
        result = await configure(hass, result, settings(bad))
        assert result["errors"], bad
        placeholders = result["description_placeholders"]
        for language in LANGUAGES:
            text = await rendered_description(
                hass, language, "config", str(result["step_id"]), placeholders
            )
            assert D828_SOC in text, (bad, language, text)


async def test_settings_prefix_too_long_then_recovers(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    result = await start_user_flow(hass)
    result = await configure(hass, result, {"device": "acd92968d828"})

    result = await configure(hass, result, settings("b" * 240))
    assert result["errors"] == {CONF_ENTITY_PREFIX: "prefix_too_long"}
    assert result["description_placeholders"]["max_length"] == "64"
    # Every id a 64-character prefix produces stays within Home Assistant's 255 characters.
    assert MAX_PREFIX_LENGTH + LONGEST_ENTITY_ID_PART <= 255

    result = await finish_settings(hass, result, settings("b" * 64))
    assert hass.states.get(f"sensor.{'b' * 64}_available_capacity") is not None


async def test_reset_prone_firmware_is_said_where_the_interval_is_chosen(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    old = BatterySpec(host="127.0.0.5", model="VenusE 3.0", firmware=148, ble_mac="009b08a5aaaa")
    await simulator.add_battery(old)
    result = await start_user_flow(hass)
    result = await configure(hass, result, {"device": "009b08a5aaaa"})

    assert result["step_id"] == "settings_reset_prone"
    assert result["description_placeholders"]["fixed_in"] == "150"
    assert result["description_placeholders"]["firmware"] == "148"
    assert form_defaults(result)[CONF_POLL_INTERVAL] == 60
    result = await configure(hass, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"][CONF_POLL_INTERVAL] == 60


def _new_battery(model: str, firmware: int, ble_mac: str) -> BatterySpec:
    """A battery on 127.0.0.5 that is not set up yet."""
    return BatterySpec(host="127.0.0.5", model=model, firmware=firmware, ble_mac=ble_mac)


@pytest.mark.parametrize(
    ("spec", "step_id", "interval"),
    [
        (_new_battery("VenusE", 158, "acd92968aaaa"), "settings_shared_channel", 60),
        (_new_battery("VenusC", 156, "acd92968aaaa"), "settings_shared_channel", 60),
        # Reset-prone HMG-50 firmware: that warning comes first, and it polls slowly too.
        (_new_battery("VenusC", 153, "acd92968aaaa"), "settings_reset_prone", 60),
        (_new_battery("VenusE 3.0", 150, "009b08a5aaaa"), "settings", 30),
    ],
    ids=["venus-e-2.0", "venus-c", "venus-c-reset-prone", "venus-e-3.0"],
)
async def test_hmg50_hardware_polls_slowly_and_says_why(
    hass: HomeAssistant, simulator: Simulator, spec: BatterySpec, step_id: str, interval: int
) -> None:
    await simulator.add_battery(spec)
    result = await start_user_flow(hass)
    result = await configure(hass, result, {"device": spec.ble_mac})

    assert result["step_id"] == step_id
    assert form_defaults(result)[CONF_POLL_INTERVAL] == interval
    assert result["description_placeholders"]["interval"] == str(interval)
    result = await configure(hass, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"][CONF_POLL_INTERVAL] == interval


async def test_settings_prefix_in_use_then_recovers(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    await simulator.add_battery(VENUS_E3_9A7D)
    await setup_entry(hass, config_entry_for(VENUS_E_D828))

    result = await start_user_flow(hass)
    result = await configure(hass, result, {"device": "009b08a59a7d"})
    result = await configure(hass, result, settings(D828_PREFIX))
    assert result["step_id"] == "settings"
    assert result["errors"] == {CONF_ENTITY_PREFIX: "prefix_in_use"}

    result = await finish_settings(hass, result, settings("marstek_venuse_3_0_9a7d"))
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


async def test_settings_entity_ids_taken_then_recovers(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    # Left over from another Marstek integration.
    registry = er.async_get(hass)
    registry.async_get_or_create(
        "sensor", "other_domain", "old_soc", suggested_object_id=f"{D828_PREFIX}_state_of_charge"
    )
    assert registry.async_get(D828_SOC) is not None

    result = await start_user_flow(hass)
    result = await configure(hass, result, {"device": "acd92968d828"})
    # The form warns before anything is submitted.
    assert result["description_placeholders"]["taken"] == D828_SOC

    result = await configure(hass, result, settings(D828_PREFIX))
    assert result["step_id"] == "settings_shared_channel"  # a Venus E 2.0
    assert result["errors"] == {CONF_ENTITY_PREFIX: "entity_ids_taken"}
    assert result["description_placeholders"]["taken"] == D828_SOC

    result = await finish_settings(hass, result, settings("home_battery"))
    assert result["options"][CONF_ENTITY_PREFIX] == "home_battery"
    assert hass.states.get("sensor.home_battery_state_of_charge") is not None
    assert registry.async_get(D828_SOC).platform == "other_domain"  # untouched


async def test_settings_entity_ids_taken_by_unregistered_states(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    # Entities without a unique id (YAML templates) only exist in the state machine.
    taken = planned_entity_ids(D828_PREFIX)[:4]
    for entity_id in taken:
        hass.states.async_set(entity_id, "1")

    result = await start_user_flow(hass)
    result = await configure(hass, result, {"device": "acd92968d828"})
    result = await configure(hass, result, settings(D828_PREFIX))

    assert result["errors"] == {CONF_ENTITY_PREFIX: "entity_ids_taken"}
    assert result["description_placeholders"]["taken"] == ", ".join(taken[:3])

    await finish_settings(hass, result, settings("venus_e"))


# --- reconfigure -------------------------------------------------------------------------------


async def test_reconfigure_follows_the_battery_to_its_new_address(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    await battery.move_to(MOVED_HOST)

    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {"name": "Marstek VenusE d828"}
    assert form_defaults(result) == {CONF_HOST: "127.0.0.2", CONF_PORT: PORT}

    result = await configure(hass, result, address(MOVED_HOST))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data == expected_entry_data(MOVED_HOST, "acd92968d828", "VenusE")
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.client.host == MOVED_HOST


async def test_reconfigure_errors_then_recovers(
    hass: HomeAssistant, simulator: Simulator, fast_probe: None
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    await battery.move_to(MOVED_HOST)
    result = await entry.start_reconfigure_flow(hass)

    result = await configure(hass, result, address("not-an-ip"))
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {"base": "invalid_host"}
    assert form_defaults(result) == {CONF_HOST: "not-an-ip", CONF_PORT: PORT}

    result = await configure(hass, result, address("127.0.0.2"))  # the old, silent address
    assert result["errors"] == {"base": "cannot_connect"}

    with occupied_port() as busy:
        result = await configure(hass, result, address(MOVED_HOST, busy))
    assert result["errors"] == {"base": "port_in_use"}
    assert form_defaults(result) == {CONF_HOST: MOVED_HOST, CONF_PORT: busy}
    assert entry.data[CONF_HOST] == "127.0.0.2"  # nothing changed yet

    result = await configure(hass, result, address(MOVED_HOST))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_HOST] == MOVED_HOST
    assert entry.state is ConfigEntryState.LOADED


async def test_reconfigure_to_another_battery_is_refused(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    await simulator.add_battery(VENUS_E3_9A7D)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))

    result = await entry.start_reconfigure_flow(hass)
    result = await configure(hass, result, address("127.0.0.3"))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    assert entry.data == expected_entry_data("127.0.0.2", "acd92968d828", "VenusE")
    assert entry.state is ConfigEntryState.LOADED


# --- options -----------------------------------------------------------------------------------


async def start_options(hass: HomeAssistant, entry: MockConfigEntry) -> FlowResult:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    return result


async def configure_options(
    hass: HomeAssistant, result: FlowResult, data: dict[str, Any]
) -> FlowResult:
    return await hass.config_entries.options.async_configure(result["flow_id"], data)


async def test_options_change_settings_and_reload(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    ids_before = {
        e.entity_id for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
    coordinator_before = entry.runtime_data.coordinator

    result = await start_options(hass, entry)
    assert form_defaults(result) == settings(D828_PREFIX)
    # The dialog names the battery it edits.
    assert result["description_placeholders"] == options_placeholders(D828_PREFIX)

    new = settings(D828_PREFIX, rated_capacity=10.24, poll_interval=60, timeout=2.5)
    result = await configure_options(hass, result, new)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    assert entry.options == new
    assert entry.state is ConfigEntryState.LOADED
    coordinator = entry.runtime_data.coordinator
    assert coordinator is not coordinator_before  # reloaded
    assert coordinator.update_interval.total_seconds() == 60
    assert coordinator.client.timeout == 2.5
    assert float(hass.states.get(f"sensor.{D828_PREFIX}_rated_capacity").state) == 10.24
    ids_after = {
        e.entity_id for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
    assert ids_after == ids_before


async def test_options_unchanged_prefix_is_not_revalidated(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    # A foreign entity held one id before the battery was added: ours became `..._2`.
    await simulator.add_battery(VENUS_E_D828)
    registry = er.async_get(hass)
    registry.async_get_or_create(
        "sensor", "other_domain", "old_soc", suggested_object_id=f"{D828_PREFIX}_state_of_charge"
    )
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    assert registry.async_get(f"{D828_SOC}_2").config_entry_id == entry.entry_id

    result = await start_options(hass, entry)
    assert result["description_placeholders"] == options_placeholders(D828_PREFIX, D828_SOC)
    # Other settings can still be changed without touching the prefix.
    result = await configure_options(hass, result, settings(D828_PREFIX, rated_capacity=10.0))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_RATED_CAPACITY] == 10.0
    assert registry.async_get(D828_SOC).platform == "other_domain"


async def test_options_prefix_change_renames_entity_ids(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    registry = er.async_get(hass)
    soc_unique_id = registry.async_get(D828_SOC).unique_id
    # The user renamed one entity by hand.
    registry.async_update_entity(
        f"sensor.{D828_PREFIX}_grid_power", new_entity_id="sensor.my_grid_power"
    )
    await hass.async_block_till_done()
    count = len(er.async_entries_for_config_entry(registry, entry.entry_id))

    result = await start_options(hass, entry)
    result = await configure_options(hass, result, settings("home_battery"))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    assert entry.options[CONF_ENTITY_PREFIX] == "home_battery"
    assert entry.state is ConfigEntryState.LOADED
    renamed = registry.async_get("sensor.home_battery_state_of_charge")
    assert renamed is not None
    assert renamed.unique_id == soc_unique_id
    assert registry.async_get(D828_SOC) is None
    assert hass.states.get("sensor.home_battery_state_of_charge") is not None
    assert registry.async_get("sensor.my_grid_power") is not None
    assert registry.async_get("sensor.home_battery_grid_power") is None
    entity_ids = [e.entity_id for e in er.async_entries_for_config_entry(registry, entry.entry_id)]
    assert len(entity_ids) == count  # renamed, not duplicated
    assert not [entity_id for entity_id in entity_ids if D828_PREFIX in entity_id]
    assert not [entity_id for entity_id in entity_ids if entity_id.endswith("_2")]


async def test_options_invalid_prefix_then_recovers(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))

    result = await start_options(hass, entry)
    result = await configure_options(hass, result, settings("Home Battery", poll_interval=45))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_ENTITY_PREFIX: "invalid_prefix"}
    # The example stays a real id (the current prefix's) while the prefix typed is unusable.
    assert result["description_placeholders"] == options_placeholders(D828_PREFIX)
    assert form_defaults(result)[CONF_ENTITY_PREFIX] == "Home Battery"
    assert form_defaults(result)[CONF_POLL_INTERVAL] == 45
    assert entry.options[CONF_ENTITY_PREFIX] == D828_PREFIX

    result = await configure_options(hass, result, settings(D828_PREFIX, poll_interval=45))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_POLL_INTERVAL] == 45
    assert registry_ids_start_with(hass, entry, D828_PREFIX)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_options_example_reads_after_a_bad_prefix(
    hass: HomeAssistant, simulator: Simulator, language: str
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))

    result = await start_options(hass, entry)
    result = await configure_options(hass, result, settings("Home Battery"))
    assert result["errors"] == {CONF_ENTITY_PREFIX: "invalid_prefix"}
    text = await rendered_description(
        hass, language, "options", "init", result["description_placeholders"]
    )
    # The description's example is the id as it is now, never a bare "-".
    assert D828_SOC in text, text
    assert valid_entity_id(result["description_placeholders"]["example"])

    result = await configure_options(hass, result, settings("home_battery"))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_options_prefix_in_use_then_recovers(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    await simulator.add_battery(VENUS_E3_9A7D)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))

    result = await start_options(hass, entry)
    result = await configure_options(hass, result, settings("marstek_venuse_3_0_9a7d"))
    assert result["errors"] == {CONF_ENTITY_PREFIX: "prefix_in_use"}
    assert entry.options[CONF_ENTITY_PREFIX] == D828_PREFIX

    result = await configure_options(hass, result, settings("venus_left"))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert registry_ids_start_with(hass, entry, "venus_left")


async def test_options_entity_ids_taken_then_recovers(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    er.async_get(hass).async_get_or_create(
        "sensor", "other_domain", "x", suggested_object_id="home_battery_state_of_charge"
    )
    hass.states.async_set("number.home_battery_passive_power", "0")

    result = await start_options(hass, entry)
    result = await configure_options(hass, result, settings("home_battery"))
    assert result["errors"] == {CONF_ENTITY_PREFIX: "entity_ids_taken"}
    assert result["description_placeholders"] == options_placeholders(
        "home_battery",
        "sensor.home_battery_state_of_charge, number.home_battery_passive_power",
    )
    assert entry.options[CONF_ENTITY_PREFIX] == D828_PREFIX

    result = await configure_options(hass, result, settings("home_battery_2"))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert registry_ids_start_with(hass, entry, "home_battery_2")
    assert hass.states.get("sensor.home_battery_2_state_of_charge") is not None


async def test_options_own_entities_do_not_block_a_prefix(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    registry = er.async_get(hass)
    # The user renamed one entity to an id the new prefix would produce.
    registry.async_update_entity(
        f"sensor.{D828_PREFIX}_state_of_charge", new_entity_id="sensor.home_state_of_charge"
    )
    await hass.async_block_till_done()

    result = await start_options(hass, entry)
    assert result["description_placeholders"]["taken"] == "-"
    result = await configure_options(hass, result, settings("home"))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert registry.async_get("sensor.home_state_of_charge").config_entry_id == entry.entry_id
    assert registry_ids_start_with(hass, entry, "home")


async def test_discovery_with_the_real_window(
    hass: HomeAssistant, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library's default window (3 s, sent again half way), which other tests shorten."""
    set_link_timing(monkeypatch, discovery_window=DEFAULT_DISCOVERY_DURATION)
    battery = await simulator.add_battery(VENUS_E_D828)

    result = await start_user_flow(hass)

    assert device_choices(result)[0][0] == "acd92968d828"
    broadcasts = [d.time for d in battery.received if d.broadcast]
    assert len(broadcasts) == 2
    assert 1.4 < broadcasts[1] - broadcasts[0] < 1.7
