"""Talking to a running Home Assistant the way its frontend does: REST and the websocket API.

Only what the development household needs: wait for it, onboard it or log in, call REST
endpoints and websocket commands.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Self

import aiohttp


class HomeAssistantError(RuntimeError):
    """Home Assistant answered something the household cannot go on with."""


async def wait_for(
    check: Callable[[], Awaitable[bool]], seconds: float, message: str, interval: float = 1.0
) -> None:
    """Await ``check()`` until it is true; HomeAssistantError "<message> within N s" after."""
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            msg = f"{message} within {seconds:.0f} s"
            raise HomeAssistantError(msg)
        await asyncio.sleep(interval)


@dataclass(frozen=True, slots=True)
class Login:
    """The owner account of the development household."""

    name: str
    username: str
    password: str
    language: str = "en"


@dataclass(slots=True)
class Tokens:
    """An access token and the refresh token it came with."""

    access_token: str
    refresh_token: str
    expires_at: float  # time.time() of expiry

    def as_frontend_storage(self, base_url: str) -> dict[str, Any]:
        """The ``hassTokens`` object the frontend keeps in localStorage."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
            "expires_in": max(0, int(self.expires_at - time.time())),
            "expires": int(self.expires_at * 1000),
            "hassUrl": base_url,
            "clientId": f"{base_url}/",
        }


class WebSocketApi:
    """One authenticated websocket connection (``/api/websocket``)."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        """Wrap an authenticated connection; use :meth:`HomeAssistantApi.websocket`."""
        self._socket = socket
        self._ids = itertools.count(1)

    async def call(self, command: str, **payload: Any) -> Any:
        """Send one command and return its result; raise on an error answer."""
        message_id = next(self._ids)
        await self._socket.send_json({"id": message_id, "type": command, **payload})
        while True:
            message = await self._socket.receive(timeout=60)
            if message.type != aiohttp.WSMsgType.TEXT:
                # Closed (Home Assistant stopping or restarting) or broken.
                msg = f"{command}: the websocket ended ({message.type.name})"
                raise HomeAssistantError(msg)
            answer = message.json()
            if answer.get("id") != message_id or answer.get("type") != "result":
                continue  # events of earlier subscriptions
            if not answer.get("success"):
                error = answer.get("error", {})
                msg = f"{command} failed: {error.get('code')}: {error.get('message')}"
                raise HomeAssistantError(msg)
            return answer.get("result")

    async def close(self) -> None:
        """Close the connection."""
        await self._socket.close()

    async def __aenter__(self) -> Self:
        """Use as ``async with await api.websocket() as ws``."""
        return self

    async def __aexit__(self, *_exc: object) -> None:
        """Close the connection."""
        await self.close()


class HomeAssistantApi:
    """REST and websocket access to one Home Assistant, as its owner."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """``base_url`` like ``http://127.0.0.1:8123`` (no trailing slash)."""
        self._session = session
        self.base_url = base_url.rstrip("/")
        self.tokens: Tokens | None = None

    @property
    def client_id(self) -> str:
        """The OAuth client id the frontend uses: the base URL with a slash."""
        return f"{self.base_url}/"

    # --- start-up ------------------------------------------------------------------

    async def wait_until_serving(self, seconds: float) -> None:
        """Wait until the HTTP server answers at all (any status: it is up)."""

        async def answers() -> bool:
            try:
                async with self._session.get(f"{self.base_url}/auth/providers") as response:
                    return response.status < 500  # noqa: PLR2004
            except aiohttp.ClientError:
                return False

        message = f"Home Assistant did not answer on {self.base_url}"
        await wait_for(answers, seconds, message, interval=0.5)

    async def onboarding_done(self) -> bool:
        """Whether every onboarding step is done."""
        async with self._session.get(f"{self.base_url}/api/onboarding") as response:
            if response.status == 404:  # noqa: PLR2004  # views gone once onboarded
                return True
            steps = await response.json()
        return all(step.get("done") for step in steps)

    async def onboard(self, login: Login, core_config: dict[str, Any]) -> None:
        """Do what the onboarding screens do: owner account, location, analytics, finish."""
        async with self._session.get(f"{self.base_url}/api/onboarding") as response:
            done = {step["step"] for step in await response.json() if step.get("done")}
        if "user" not in done:
            user = await self._post_json(
                "/api/onboarding/users",
                {
                    "client_id": self.client_id,
                    "name": login.name,
                    "username": login.username,
                    "password": login.password,
                    "language": login.language,
                },
                authenticated=False,
            )
            self.tokens = await self._exchange_code(user["auth_code"])
        else:
            await self.log_in(login)
        if "core_config" not in done:
            async with await self.websocket() as ws:
                await ws.call("config/core/update", **core_config)
            await self._post_json("/api/onboarding/core_config", {})
        if "analytics" not in done:
            await self._post_json("/api/onboarding/analytics", {})
        if "integration" not in done:
            await self._post_json(
                "/api/onboarding/integration",
                {"client_id": self.client_id, "redirect_uri": f"{self.base_url}/?auth_callback=1"},
            )

    async def log_in(self, login: Login) -> Tokens:
        """Log in through the login flow, as the login page does."""
        flow = await self._post_json(
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.base_url}/?auth_callback=1",
            },
            authenticated=False,
        )
        result = await self._post_json(
            f"/auth/login_flow/{flow['flow_id']}",
            {
                "client_id": self.client_id,
                "username": login.username,
                "password": login.password,
            },
            authenticated=False,
        )
        if result.get("type") != "create_entry":
            msg = f"login as {login.username!r} failed: {result.get('errors')}"
            raise HomeAssistantError(msg)
        self.tokens = await self._exchange_code(result["result"])
        return self.tokens

    async def _exchange_code(self, code: str) -> Tokens:
        form = {"grant_type": "authorization_code", "code": code, "client_id": self.client_id}
        async with self._session.post(f"{self.base_url}/auth/token", data=form) as response:
            if response.status != 200:  # noqa: PLR2004
                msg = f"token exchange failed: HTTP {response.status} {await response.text()}"
                raise HomeAssistantError(msg)
            token = await response.json()
        return Tokens(
            token["access_token"], token["refresh_token"], time.time() + token["expires_in"]
        )

    async def refresh(self) -> Tokens:
        """A fresh access token from the refresh token."""
        if self.tokens is None:
            msg = "not logged in"
            raise HomeAssistantError(msg)
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self.tokens.refresh_token,
            "client_id": self.client_id,
        }
        async with self._session.post(f"{self.base_url}/auth/token", data=form) as response:
            token = await response.json()
        self.tokens.access_token = token["access_token"]
        self.tokens.expires_at = time.time() + token["expires_in"]
        return self.tokens

    # --- REST ----------------------------------------------------------------------

    async def _headers(self) -> dict[str, str]:
        if self.tokens is None:
            msg = "not logged in"
            raise HomeAssistantError(msg)
        if self.tokens.expires_at - time.time() < 60:  # noqa: PLR2004
            await self.refresh()
        return {"Authorization": f"Bearer {self.tokens.access_token}"}

    async def _request(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None = None,
        *,
        authenticated: bool = True,
    ) -> Any:
        headers = await self._headers() if authenticated else {}
        async with self._session.request(
            method, f"{self.base_url}{path}", json=payload, headers=headers
        ) as response:
            if response.status >= 400:  # noqa: PLR2004
                msg = f"{method} {path}: HTTP {response.status} {await response.text()}"
                raise HomeAssistantError(msg)
            return await response.json()

    async def _post_json(
        self, path: str, payload: dict[str, Any], *, authenticated: bool = True
    ) -> Any:
        return await self._request("POST", path, payload, authenticated=authenticated)

    async def get(self, path: str) -> Any:
        """GET a REST endpoint as the owner; returns the decoded JSON."""
        return await self._request("GET", path)

    async def post(self, path: str, payload: dict[str, Any]) -> Any:
        """POST JSON to a REST endpoint as the owner; returns the decoded JSON."""
        return await self._request("POST", path, payload)

    async def delete(self, path: str) -> Any:
        """DELETE a REST resource as the owner; returns the decoded JSON."""
        return await self._request("DELETE", path)

    async def state(self, entity_id: str) -> str | None:
        """An entity's state, or None when Home Assistant does not know the entity."""
        async with self._session.get(
            f"{self.base_url}/api/states/{entity_id}", headers=await self._headers()
        ) as response:
            if response.status == 404:  # noqa: PLR2004
                return None
            if response.status >= 400:  # noqa: PLR2004
                msg = f"state of {entity_id}: HTTP {response.status}"
                raise HomeAssistantError(msg)
            document = await response.json()
        return str(document["state"])

    # --- websocket -----------------------------------------------------------------

    async def websocket(self) -> WebSocketApi:
        """An authenticated websocket connection."""
        url = self.base_url.replace("http", "ws", 1) + "/api/websocket"
        socket = await self._session.ws_connect(url, max_msg_size=0)
        hello = await socket.receive_json(timeout=30)
        if hello.get("type") != "auth_required":
            msg = f"unexpected websocket greeting: {hello}"
            raise HomeAssistantError(msg)
        token = (await self._headers())["Authorization"].removeprefix("Bearer ")
        await socket.send_json({"type": "auth", "access_token": token})
        answer = await socket.receive_json(timeout=30)
        if answer.get("type") != "auth_ok":
            await socket.close()
            msg = f"websocket authentication failed: {answer}"
            raise HomeAssistantError(msg)
        return WebSocketApi(socket)
