"""The service's two ASGI middlewares: what BentoML's own request handling does not do (given in lab 04)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class JsonOnly:
    """A POST that declares a body other than JSON gets 415, not a parser error deep inside BentoML."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            kind = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
            if kind and kind != b"application/json":
                body = b'{"error": "send the payment as JSON with the header Content-Type: application/json"}'
                await send({"type": "http.response.start", "status": 415,
                            "headers": [(b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


class SameOriginOnly:
    """A page this service serves loads scripts, styles and data from this service only.

    BentoML's API page at / embeds Google Tag Manager, so opening it would tell a third party that someone
    at the bank looked at the fraud service. A Content-Security-Policy header makes the browser refuse it.
    """

    POLICY = (b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
              b"frame-src 'none'; object-src 'none'")

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"content-security-policy", self.POLICY)]
            await send(message)

        await self.app(scope, receive, with_policy)
