"""``/health/live``, ``/health/ready`` and ``/metrics``: for the orchestrator, not for helpdesks."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from . import lang as langs
from . import metrics
from .openapi import errors

router = APIRouter()


@router.get("/health/live")
async def live() -> dict[str, str]:
    """200 as long as the process answers."""
    return {"status": "live"}


@router.get("/health/ready", responses=errors("not_ready"))
async def ready(request: Request) -> dict[str, str]:
    """200 once this worker's engine is built and has diagnosed a shipped example; 503 until then."""
    holder = request.app.state.engines
    if not holder.ready:
        holder.engine(langs.lenient(request.scope))  # raises not_ready
    return {"status": "ready"}


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
async def prometheus() -> Response:
    """Prometheus text: decisions by endpoint and outcome, latency histogram, findings by id."""
    payload, content_type = metrics.exposition()
    return Response(payload, media_type=content_type)

