"""Where this Home Assistant talks to batteries from: Home Assistant's own network settings.

A battery answers to port 30000 (its Open API port) of the address the request came from, so
the integration must own that port on that address. Binding the address Home Assistant uses
towards the battery (not 0.0.0.0) leaves the port free on every other address: a simulator, the
command-line tool or another program on the same host can hold 30000 on addresses of their own.
Discovery broadcasts go out of the adapters enabled in Settings -> System -> Network, each to
its own directed broadcast address, from a socket bound to that adapter's address (where the
replies arrive).
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass

from homeassistant.components import network
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

_LOGGER = logging.getLogger(__name__)

# Used only when Home Assistant cannot name a source address (no enabled IPv4 adapter and no
# route): every interface, as before.
ANY_ADDRESS = "0.0.0.0"  # noqa: S104
LIMITED_BROADCAST = "255.255.255.255"
# /31 and /32 networks have no broadcast address.
_MAX_PREFIX_WITH_BROADCAST = 30


@dataclass(frozen=True, slots=True)
class BroadcastRoute:
    """One enabled adapter: bind `local_host`, send discovery to `broadcast`."""

    local_host: str
    broadcast: str


async def async_local_address_for(hass: HomeAssistant, battery_host: str) -> str:
    """The local IPv4 address Home Assistant uses towards `battery_host`."""
    try:
        source = await network.async_get_source_ip(hass, target_ip=battery_host)
    except HomeAssistantError as err:
        _LOGGER.debug("No source address towards %s (%s); using all interfaces", battery_host, err)
        return ANY_ADDRESS
    try:
        return str(ipaddress.IPv4Address(source))
    except ValueError:
        return ANY_ADDRESS


async def async_broadcast_routes(hass: HomeAssistant) -> list[BroadcastRoute]:
    """One route per IPv4 address of every enabled adapter, in adapter order.

    With no enabled IPv4 adapter, one route: Home Assistant's default source address and the
    limited broadcast (what the network settings would use for any other discovery).
    """
    routes: list[BroadcastRoute] = []
    for adapter in await network.async_get_adapters(hass):
        if not adapter["enabled"]:
            continue
        for ipv4 in adapter["ipv4"]:
            if ipv4["network_prefix"] > _MAX_PREFIX_WITH_BROADCAST:
                continue
            interface = ipaddress.IPv4Interface(f"{ipv4['address']}/{ipv4['network_prefix']}")
            route = BroadcastRoute(str(interface.ip), str(interface.network.broadcast_address))
            if route not in routes:
                routes.append(route)
    if routes:
        return routes
    try:
        source = await network.async_get_source_ip(hass)
    except HomeAssistantError:
        source = ANY_ADDRESS
    return [BroadcastRoute(source, LIMITED_BROADCAST)]


async def async_enabled_networks(hass: HomeAssistant) -> list[ipaddress.IPv4Network]:
    """The IPv4 networks of the enabled adapters (to refuse their network/broadcast address)."""
    networks: list[ipaddress.IPv4Network] = []
    for adapter in await network.async_get_adapters(hass):
        if adapter["enabled"]:
            networks.extend(
                ipaddress.IPv4Interface(f"{ipv4['address']}/{ipv4['network_prefix']}").network
                for ipv4 in adapter["ipv4"]
            )
    return networks
