"""Small synchronous clients: the simulator's HTTP API and Home Assistant's REST API.

The browser drives the frontend; these only look at what happened behind it (what a battery
received, what state Home Assistant holds) and prepare the household (a new battery).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any


def _request(
    url: str, method: str = "GET", body: object = None, headers: dict[str, str] | None = None
) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        return json.load(response)


class SimulatorClient:
    """The simulator's status and control API (simulator/http_api.py)."""

    def __init__(self, base_url: str) -> None:
        """``base_url`` like http://127.0.0.1:8300."""
        self.base_url = base_url.rstrip("/")

    def status(self) -> dict[str, Any]:
        """Time, meter and every battery."""
        result: dict[str, Any] = _request(f"{self.base_url}/sim/status")
        return result

    def battery(self, host: str) -> dict[str, Any]:
        """One battery's state."""
        result: dict[str, Any] = _request(f"{self.base_url}/sim/batteries/{host}")
        return result

    def received(self, host: str, method: str | None = None, after: int = 0) -> dict[str, Any]:
        """Datagrams the battery received from index ``after`` on, optionally one method only."""
        query = f"?after={after}" + (f"&method={method}" if method else "")
        result: dict[str, Any] = _request(f"{self.base_url}/sim/batteries/{host}/received{query}")
        return result

    def add_battery(self) -> dict[str, Any]:
        """Put the household's next battery on the network."""
        result: dict[str, Any] = _request(f"{self.base_url}/sim/batteries", method="POST")
        return result


@dataclass
class HomeAssistantClient:
    """Home Assistant's REST API as the household's owner."""

    base_url: str
    access_token: str
    refresh_token: str
    expires_at: float

    def _token(self) -> str:
        if self.expires_at - time.time() < 60:
            form = urllib.parse.urlencode(
                {
                    "grant_type": "refresh_token",
                    "refresh_token": self.refresh_token,
                    "client_id": f"{self.base_url}/",
                }
            ).encode()
            request = urllib.request.Request(f"{self.base_url}/auth/token", data=form)  # noqa: S310
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                token = json.load(response)
            self.access_token = token["access_token"]
            self.expires_at = time.time() + token["expires_in"]
        return self.access_token

    def get(self, path: str) -> Any:
        """GET a REST endpoint."""
        return _request(
            f"{self.base_url}{path}", headers={"Authorization": f"Bearer {self._token()}"}
        )

    def post(self, path: str, body: object) -> Any:
        """POST JSON to a REST endpoint."""
        return _request(
            f"{self.base_url}{path}",
            method="POST",
            body=body,
            headers={"Authorization": f"Bearer {self._token()}"},
        )

    def state(self, entity_id: str) -> dict[str, Any] | None:
        """An entity's state object, or None if Home Assistant does not know it."""
        try:
            result: dict[str, Any] = self.get(f"/api/states/{entity_id}")
        except urllib.error.HTTPError as err:
            if err.code == 404:
                return None
            raise
        return result


def wait_until(check: Any, timeout: float, message: str, interval: float = 1.0) -> Any:
    """Poll ``check()`` until it returns something truthy; fail with ``message`` after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            msg = f"{message} (waited {timeout:.0f} s)"
            raise AssertionError(msg)
        time.sleep(interval)
