"""Fixtures shared by every test.

Two things happen here for the whole suite:

* our `custom_components` package is imported before Home Assistant's test plugin can import the
  one it ships under its testing config (otherwise Home Assistant reports "Integration not found");
* the socket block of pytest-homeassistant-custom-component (which refuses every inet socket) is
  replaced by a loopback-only fence: tests use real UDP against simulated batteries on
  127.0.0.x, and any attempt to reach another address fails the test loudly;
* the test plugin's fake network adapter (eth0, 10.10.10.10) and fake source address are
  replaced by the real ones: the integration binds the address Home Assistant's network helpers
  name, and the tests enable the loopback adapter as a user would in the network settings.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest
import pytest_socket

import custom_components  # noqa: F401  # must win over the test plugin's own package

_REAL_SOCKET = pytest_socket._true_socket
# The plugin also narrows connect() to 127.0.0.1 on the real class; the fence allows all of
# 127.0.0.0/8 (simulated batteries live on 127.0.0.2, 127.0.0.3, ...).
_REAL_CONNECT = pytest_socket._true_connect


class NonLoopbackTrafficError(RuntimeError):
    """A test tried to talk to an address outside 127.0.0.0/8."""


def _require_loopback(address: Any) -> None:
    if not isinstance(address, tuple) or not address:
        return  # unix sockets and the like
    host = address[0]
    if host in ("localhost", ""):
        return
    try:
        parsed = ipaddress.ip_address(host)
    except ValueError:
        msg = f"tests may only use loopback addresses, not {host!r}"
        raise NonLoopbackTrafficError(msg) from None
    if not parsed.is_loopback:
        msg = f"tests may only use loopback addresses, not {host}"
        raise NonLoopbackTrafficError(msg)


class LoopbackOnlySocket(_REAL_SOCKET):  # type: ignore[misc,valid-type]
    """A socket that refuses to connect or send to anything but loopback."""

    def connect(self, address: Any) -> None:
        _require_loopback(address)
        _REAL_CONNECT(self, address)

    def connect_ex(self, address: Any) -> int:
        _require_loopback(address)
        return int(super().connect_ex(address))

    def sendto(self, data: Any, *args: Any) -> int:
        _require_loopback(args[-1])
        return int(super().sendto(data, *args))


def _fence_loopback() -> None:
    pytest_socket.enable_socket()
    socket.socket = LoopbackOnlySocket  # type: ignore[misc]


@pytest.fixture(autouse=True)
def loopback_only_network() -> None:
    """Swap the test plugin's total socket block for the loopback-only fence.

    An autouse fixture of the root conftest runs before every other fixture of a test, and
    after the plugin's own setup hook has blocked sockets.
    """
    _fence_loopback()


@pytest.fixture
def socket_enabled() -> None:
    """The fence, not open sockets, for fixtures that ask for sockets (the HTTP test client)."""
    _fence_loopback()


@pytest.fixture(autouse=True, scope="session")
def mock_network() -> None:
    """Real network adapters (the plugin's fixture of this name fakes an eth0 at 10.10.10.10)."""


@pytest.fixture(autouse=True, scope="session")
def mock_get_source_ip() -> None:
    """The real source-address lookup (the plugin's fixture of this name returns 10.10.10.10)."""
