"""Decision ids, request ids, the decision log line and metrics: around every request.

The outermost middleware. Every ``/v1`` response and every error gets a fresh
``X-Decision-Id`` (a UUID, also in the log line, so a helpdesk can quote it); an
``X-Request-Id`` sent by the client is echoed. It is also the last guard: an
exception that escaped everything else becomes an ``engine_error`` problem (500)
with those headers, never a traceback to the client.
"""

from __future__ import annotations

import logging
import os
import random
import re
import time
from dataclasses import dataclass, field

from . import lang as langs
from . import logs, metrics
from .asgi import DECISION_KEY, ASGIApp, Message, Receive, Scope, Send, send_problem
from .problems import ProblemError

_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,200}")
"""Echoed only when it is 1 to 200 visible ASCII characters (it lands in headers and logs)."""

_error_log = logging.getLogger("uvicorn.error")

# Decision ids must be unique, not secret: a generator seeded once per process from
# the OS makes version-4 UUIDs without a system call per request. (uuid.uuid4() reads
# os.urandom, which releases the GIL; while a diagnosis runs in the thread pool, the
# event loop then waits for the GIL back, so it cost ~0.2 ms a request under load.)
_ids = random.Random(os.urandom(32))
os.register_at_fork(after_in_child=lambda: _ids.seed(os.urandom(32)))  # forked workers (gunicorn --preload)


_KEEP = ~(0xF000 << 64 | 0xC000 << 48) & ((1 << 128) - 1)
_VERSION_4 = 0x4000 << 64 | 0x8000 << 48
"""The version (4) and variant (RFC 4122) bits, set as ``uuid.UUID(int=..., version=4)`` sets them."""


def new_decision_id() -> str:
    # The text of uuid.UUID(int=bits, version=4), without building the object (2.2 -> 0.7 µs).
    h = "%032x" % (_ids.getrandbits(128) & _KEEP | _VERSION_4)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass
class Decision:
    """What one request did, filled in by the endpoint, logged and counted at the end."""

    decision_id: str
    request_id: str | None
    asked: tuple[bytes, list[tuple[bytes, bytes]]] = field(repr=False)
    """The query string and headers the language is read from, if it is needed before an endpoint sets it."""
    endpoint: str | None = None
    outcome: str | None = None
    findings: list[str] = field(default_factory=list)
    items: int | None = None
    _lang: str | None = None

    @property
    def lang(self) -> str:
        # Read when first needed: the /v1 endpoints set it themselves, from the query.
        if self._lang is None:
            self._lang = langs.lenient({"query_string": self.asked[0], "headers": self.asked[1]})
        return self._lang

    @lang.setter
    def lang(self, lang: str) -> None:
        self._lang = lang


def decision_of(scope: Scope) -> Decision:
    decision: Decision = scope[DECISION_KEY]
    return decision


class DecisionIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        given = langs.header(scope["headers"], b"x-request-id")
        request_id = given if given is not None and _REQUEST_ID.fullmatch(given) else None
        decision = scope[DECISION_KEY] = Decision(new_decision_id(), request_id,
                                                  (scope.get("query_string", b""), scope["headers"]))
        is_v1 = scope["path"] == "/v1" or scope["path"].startswith("/v1/")
        started = False

        async def send_with_ids(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                headers = list(message.get("headers", ()))
                if is_v1 or status >= 400:
                    headers.append((b"x-decision-id", decision.decision_id.encode()))
                if request_id is not None:
                    headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
                if is_v1:
                    # Logged and counted before the client can read the answer, so a
                    # scrape right after a response always includes it.
                    self._record(scope, decision, status, time.perf_counter() - start)
            await send(message)

        try:
            await self.app(scope, receive, send_with_ids)
        except Exception:
            _error_log.exception("unhandled error in decision %s", decision.decision_id)
            if not started:
                await send_problem(scope, send_with_ids, ProblemError.of("engine_error", decision.lang),
                                   decision.lang)
        finally:
            if is_v1 and not started:  # the client went away before any answer
                self._record(scope, decision, 499, time.perf_counter() - start)

    @staticmethod
    def _record(scope: Scope, decision: Decision, status: int, seconds: float) -> None:
        route = scope.get("route")
        endpoint = decision.endpoint or getattr(route, "path", None) or "unmatched"
        outcome = decision.outcome or ("ok" if status < 400 else f"http_{status}")
        metrics.observe(endpoint, outcome, seconds, decision.findings)
        logs.decision_line(decision_id=decision.decision_id, request_id=decision.request_id, endpoint=endpoint,
                           lang=decision.lang, status=status, outcome=outcome, findings=decision.findings,
                           items=decision.items, duration_ms=round(seconds * 1000, 3))
