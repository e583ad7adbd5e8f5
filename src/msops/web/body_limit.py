"""A limit on every request body, counted as it arrives, so that nothing larger is ever held.

The multipart parser writes an uploaded file to a temporary file as it reads it, whatever the
route then does with it, and a JSON body is read into memory whole. So the limit is applied
underneath, to the bytes the server receives: a body declared larger than the limit
(Content-Length) is refused before any of it is read, and one sent without a declared length
is refused as soon as the count passes the limit. The route then fails with 413 and a message;
the rest of the body is never read (Uvicorn closes the connection instead of reading it).

Each path may have its own limit (the return upload routes take a file); every other request
gets `default`.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    def __init__(self, message: str) -> None:
        super().__init__(status_code=413, detail=message)


def _declared_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class BodyLimitMiddleware:
    """Requests to a path in `limits` may send that many bytes of body, others `default`.

    `messages` gives, per path, what a refusal says (default: a sentence naming the limit).
    """

    def __init__(
        self,
        app: ASGIApp,
        default: int,
        limits: Mapping[str, int] | None = None,
        messages: Mapping[str, str] | None = None,
    ) -> None:
        self.app = app
        self.default = default
        self.limits = dict(limits or {})
        self.messages = dict(messages or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.limits.get(path, self.default)
        message = self.messages.get(
            path, f"the request is larger than msops accepts ({limit // 1024:,} KB)"
        )
        declared = _declared_length(scope)
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise BodyTooLarge(message)  # before a byte of it is read
            incoming = await receive()
            if incoming["type"] == "http.request":
                received += len(incoming.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(message)
            return incoming

        await self.app(scope, receive_within_limit, send)
