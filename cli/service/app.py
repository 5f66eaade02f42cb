"""The app factory: ``create_app()`` builds the whole service, one per worker process.

Layers, outermost first: decision ids, logs and metrics (``ids.py``) → API keys
(``auth.py``, when configured) → the 1 MiB body limit (``limits.py``) → the busiest
endpoints called directly (``fast.py``) → FastAPI's routers. More routers (the
consultation page; ``/v1/consult`` is ``consult.py``) are added in :func:`build_api`
beside the others; ``/mcp`` (``mcp_mount.py``) when the mcp extra is installed too.

``backup-doctor serve`` passes its options to the workers through the environment
(each worker is a fresh process that imports this module): ``BACKUP_DOCTOR_API_KEYS``
names the keys file.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.routing import Route

from . import consult, health, mcp_mount, openapi, page, v1
from .fast import FastPath
from . import lang as langs
from .asgi import ASGIApp
from .auth import KEYS_ENV, ApiKeys, load_keys
from .ids import DecisionIds, decision_of
from .limits import BodyLimit
from .problems import PROBLEM_JSON, ProblemError, encode, text
from .ready import EngineHolder

SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the GIL while another waits (Python's default: 0.005).

A batch (or a large body) is diagnosed on the worker's diagnosis thread, which holds
the GIL (durable-rules does not release it) while the event loop reads and answers the
other connections; with the default, each side waited up to 5 ms for the other at every
hand-over, which set the p99. (A small diagnosis runs on the loop itself: ``ready.py``.)"""


def build_api() -> FastAPI:
    """The FastAPI application with its routes and error handlers, without the outer layers."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        previous = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        app.state.engines.start()
        try:
            async with AsyncExitStack() as stack:
                if mount is not None:
                    await stack.enter_async_context(mount.running(app.state.engines))
                yield
        finally:
            app.state.engines.close()
            sys.setswitchinterval(previous)  # an app run inside another program gives it back

    app = FastAPI(title="backup-doctor", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Why an iPhone's iCloud backup, migration or restore fails, and what to do "
                              "(SPEC §5). Errors are application/problem+json; branch on `code`.")
    app.state.engines = EngineHolder()
    app.include_router(v1.router)
    app.include_router(consult.router)
    app.include_router(health.router)
    app.include_router(page.router)
    app.state.page_keys = ()
    mount = mcp_mount.McpMount() if mcp_mount.available() else None
    if mount is not None:
        # An ASGI app as a route: every method goes to it (the SDK answers them), at /mcp itself.
        app.router.routes.append(Route(mcp_mount.PATH, endpoint=mount, include_in_schema=False))
    app.add_exception_handler(ProblemError, _problem)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _bad_parameter)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    openapi.install(app)
    return app


def create_app(api_keys: str | os.PathLike[str] | None = None) -> ASGIApp:
    """The service as one ASGI app (uvicorn calls this with ``--factory``)."""
    api = build_api()
    app: Any = BodyLimit(FastPath(api, api, _problem))
    keys_file = api_keys if api_keys is not None else os.environ.get(KEYS_ENV)
    if keys_file:
        keys = load_keys(keys_file)
        # The page asks for a key itself (a form, then a cookie): it cannot send a header.
        app = ApiKeys(app, keys, open_paths=page.PATHS)
        api.state.page_keys = keys
    service = DecisionIds(app)
    service.api = api  # type: ignore[attr-defined]  # for tests and for more routers
    return service


def _respond(request: Request, error: ProblemError, lang: str | None = None) -> Response:
    lang = lang or decision_of(request.scope).lang
    decision_of(request.scope).outcome = error.code
    return Response(encode(error, lang), status_code=error.status, media_type=PROBLEM_JSON, headers=error.headers)


async def _problem(request: Request, exc: ProblemError) -> Response:
    return _respond(request, exc)


async def _bad_parameter(request: Request, exc: RequestValidationError) -> Response:
    lang = langs.lenient(request.scope)
    problems = []
    for err in exc.errors():
        location = ".".join(str(part) for part in err.get("loc", ()))
        if tuple(err.get("loc", ())) == ("query", "lang"):
            return _respond(request, ProblemError.of("unknown_lang", lang, value=repr(err.get("input"))), lang)
        problems.append({"location": location, "message": text("bad_value", lang, value=repr(err.get("input")),
                                                               detail=err.get("msg", "")),
                         "accepted": text("true_false", lang) if err.get("type") == "bool_parsing" else None,
                         "suggestion": None})
    return _respond(request, ProblemError("bad_parameter", text("bad_parameter", lang, count=len(problems)),
                                          problems), lang)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    lang = langs.lenient(request.scope)
    if exc.status_code == 405:
        error = ProblemError.of("method_not_allowed", lang, method=request.method, path=request.url.path)
        error.headers.update(exc.headers or {})
    else:
        error = ProblemError.of("not_found", lang, path=request.url.path)
    return _respond(request, error, lang)

