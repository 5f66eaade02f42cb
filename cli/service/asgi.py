"""The few ASGI types and one helper the pure-ASGI middlewares share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .problems import PROBLEM_JSON, ProblemError, encode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


DECISION_KEY = "backup_doctor.decision"
"""Where the :class:`~.ids.Decision` of a request sits in its ASGI scope."""


async def send_problem(scope: Scope, send: Send, error: ProblemError, lang: str) -> None:
    """Send *error* as a whole problem+json response (and note its code as the outcome)."""
    decision = scope.get(DECISION_KEY)
    if decision is not None:
        decision.outcome = error.code
    payload = encode(error, lang)
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(payload)).encode())]
    headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in error.headers.items()]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
