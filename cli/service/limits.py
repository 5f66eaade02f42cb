"""A body over 1 MiB is refused before it is parsed, with or without ``Content-Length``.

A pure ASGI middleware counts the bytes as the endpoint receives them, so a chunked
upload is stopped at the limit as surely as a declared one; nothing is buffered
beyond what the endpoint itself keeps.
"""

from __future__ import annotations

from . import lang as langs
from .asgi import ASGIApp, Message, Receive, Scope, Send, send_problem
from .problems import ProblemError

MAX_BODY_BYTES = 1 << 20
"""One fact file is a few KB, a batch of 100 a few hundred: 1 MiB is the same limit
the engine sets for one fact file."""

DRAIN_BYTES = 8 << 20
"""After the limit, the rest of an upload is read and dropped up to this much, so the
client reads a clean 413 instead of a connection reset; a larger one is cut off."""


class BodyTooLarge(ProblemError):
    pass


class BodyLimit:
    """Refuses request bodies over *limit* bytes with a ``too_large`` problem (413)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = langs.header(scope["headers"], b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self.limit:
            lang = langs.lenient(scope)
            await send_problem(scope, send, self._error(lang), lang)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    await self._drain(receive, message, received)
                    raise self._error(langs.lenient(scope))
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge as exc:
            # Normally the app's handler answers it; this covers an endpoint that let it go.
            if not started:
                await send_problem(scope, send, exc, langs.lenient(scope))

    def _error(self, lang: str) -> BodyTooLarge:
        error = ProblemError.of("too_large", lang, limit=self.limit)
        return BodyTooLarge(error.code, error.detail)

    async def _drain(self, receive: Receive, message: Message, received: int) -> None:
        while message.get("more_body", False) and received <= DRAIN_BYTES:
            message = await receive()
            if message["type"] != "http.request":
                return
            received += len(message.get("body", b""))
