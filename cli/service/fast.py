"""The busiest endpoints, called without going through FastAPI's routing and middlewares.

A ``POST /v1/diagnose`` (or ``/v1/note``, ``/v1/validate``, ``/v1/consult``) whose
query string is one of the few plain ones (``lang=ja``, ``explain=true``, none...)
goes straight to its endpoint function in ``v1.py`` / ``consult.py``, the same one
FastAPI calls, with the same error handler for its problems. FastAPI's path (its
middleware stack, the walk over every route, the parameter parsing and dependency
solving) cost ~0.15 ms of CPU a request, half as much as the diagnosis itself.

Everything else goes on to FastAPI unchanged: another method or path, a query the
table below does not hold (``?lang=fr``, ``?explain=maybe``, a repeated or unknown
parameter), so every refusal and every odd case is FastAPI's own answer, and the
OpenAPI document still comes from the FastAPI routes. The outer layers (decision ids,
API keys, the body limit) wrap this one, so they apply to both paths alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response

from . import consult, v1
from .asgi import ASGIApp, Receive, Scope, Send
from .problems import ProblemError

ProblemHandler = Callable[[Request, ProblemError], Awaitable[Response]]


def _queries(explain: bool) -> dict[bytes, dict[str, Any]]:
    """Every plain query string of an endpoint (``lang``, and ``explain`` if it takes it), in
    either order, and the keyword arguments it stands for."""
    table: dict[bytes, dict[str, Any]] = {}
    for lang in (None, "en", "ja"):
        for flag in (None, True, False) if explain else (None,):
            parts = [f"lang={lang}"] * (lang is not None) + [f"explain={str(flag).lower()}"] * (flag is not None)
            params: dict[str, Any] = {"asked": lang} if lang is not None else {}
            if flag is not None:
                params["explain"] = flag
            for order in (parts, parts[::-1]):
                table["&".join(order).encode()] = params
    return table


ROUTES: dict[str, tuple[Callable[..., Awaitable[Response]], dict[bytes, dict[str, Any]]]] = {
    "/v1/diagnose": (v1.diagnose, _queries(explain=True)),
    "/v1/note": (v1.note, _queries(explain=False)),
    "/v1/validate": (v1.validate, _queries(explain=False)),
    "/v1/consult": (consult.consult, _queries(explain=False)),
}


class FastPath:
    """Calls the endpoint of a plain ``POST`` to :data:`ROUTES` itself; passes the rest to *app*."""

    def __init__(self, app: ASGIApp, api: FastAPI, on_problem: ProblemHandler) -> None:
        self.app = app
        self.api = api
        self.on_problem = on_problem

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = ROUTES.get(scope["path"]) if scope["type"] == "http" and scope["method"] == "POST" else None
        params = route[1].get(scope["query_string"]) if route is not None else None
        if route is None or params is None:
            await self.app(scope, receive, send)
            return
        scope["app"] = self.api  # what Starlette sets: the endpoint finds the engine through it
        request = Request(scope, receive)
        try:
            response = await route[0](request, **params)
        except ProblemError as exc:
            response = await self.on_problem(request, exc)
        await response(scope, receive, send)
