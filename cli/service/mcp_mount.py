"""``/mcp``: the MCP server of ``backup-doctor mcp``, over streamable HTTP, when the mcp extra is installed.

The same :class:`~backup_doctor.cli.chatbot.DoctorServer` as over stdio, around this
worker's engine. It sits behind the service's own layers (decision ids, API keys, the
1 MiB body limit), so a configured key is needed here as on ``/v1``.

Stateless and with JSON answers (no SSE, no session id): a worker keeps nothing
between requests, so a hosted bot may reach any worker of any replica, as ``/v1``
can. Until the worker's engine is ready, ``/mcp`` answers ``503 not_ready`` like
``/v1`` does.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio

from . import lang as langs
from .asgi import Receive, Scope, Send, send_problem
from .problems import ProblemError

if TYPE_CHECKING:
    from .ready import EngineHolder

PATH = "/mcp"


def available() -> bool:
    """Whether the mcp extra is installed beside the server extra."""
    return importlib.util.find_spec("mcp") is not None


class McpMount:
    """The ASGI app at ``/mcp``; :meth:`running` (in the service's lifespan) starts it once the engine is ready."""

    def __init__(self) -> None:
        self._handle: Any = None
        """The SDK session manager's ASGI entry, once it runs."""

    @asynccontextmanager
    async def running(self, holder: EngineHolder) -> AsyncIterator[None]:
        async with anyio.create_task_group() as tg:
            tg.start_soon(self._serve, holder)
            try:
                yield
            finally:
                tg.cancel_scope.cancel()

    async def _serve(self, holder: EngineHolder) -> None:
        # The engine is built in a thread as the worker starts (ready.py); the MCP
        # server needs it, so it starts after it. A worker whose engine never builds
        # keeps answering not_ready here, as on /v1.
        while not holder.ready:
            await anyio.sleep(0.05)
        from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

        from ..chatbot import DoctorServer

        manager = StreamableHTTPSessionManager(DoctorServer(holder.engine("en")).server(),
                                               stateless=True, json_response=True)
        async with manager.run():
            self._handle = manager.handle_request
            try:
                await anyio.sleep_forever()
            finally:
                self._handle = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._handle is None:
            lang = langs.lenient(scope)
            error = ProblemError.of("not_ready", lang)
            error.headers["Retry-After"] = "1"
            await send_problem(scope, send, error, lang)
            return
        await self._handle(scope, receive, send)
