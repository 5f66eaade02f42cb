"""The ``/v1`` endpoints of SPEC §5 (``/v1/consult``: ``consult.py``).

Each endpoint reads its body itself (the size limit applies while it is read), then
runs the engine on the worker's diagnosis thread (``ready.py``): a diagnosis is
CPU-bound and the engine serialises its runs, so the event loop stays free to read
and answer other requests meanwhile.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Query, Request, Response

from ...engine.authoring.whynot import WhyNot
from ...engine.errors import DoctorError
from ...engine.report.model import Report
from ...engine.authoring.catalog import RuleDetail, RuleSummary, list_rules, show_rule
from ...engine.texts import json_detail, say
from ...facts.schema import fact_schema
from . import lang as langs
from .ids import Decision, decision_of
from .note import render_note
from .openapi import BatchResponse, Note, Valid, batch_body, errors, fact_body
from .problems import ProblemError, encode, from_library, text
from .ready import INLINE_MAX_BYTES

if TYPE_CHECKING:
    from ...engine.runner import Engine

MAX_BATCH_ITEMS = 100

router = APIRouter(prefix="/v1")
_log = logging.getLogger("uvicorn.error")
T = TypeVar("T")

Lang = Annotated[Literal["en", "ja"] | None, Query(alias="lang", description="Language of the texts and errors "
                                                   "(default: Accept-Language, else en).")]


def _json(data: Any) -> Response:
    return Response(json.dumps(data, ensure_ascii=False).encode("utf-8"), media_type="application/json")


def _start(request: Request, endpoint: str, lang: str | None) -> tuple[Decision, str]:
    decision = decision_of(request.scope)
    decision.endpoint = endpoint
    decision.lang = lang or langs.from_accept_language(request.headers.get("accept-language")) or "en"
    return decision, decision.lang


def _engine(request: Request, lang: str) -> Engine:
    engine: Engine = request.app.state.engines.engine(lang)
    return engine


async def _run(request: Request, lang: str, work: Callable[[], T], body: bytes | None = None) -> T:
    """*work* on the diagnosis thread (on the event loop for a small *body*: ``ready.py``);
    library errors become problems in *lang*."""
    small = body is not None and len(body) <= INLINE_MAX_BYTES
    try:
        return await request.app.state.engines.run(work, small)  # type: ignore[no-any-return]
    except DoctorError as exc:
        raise from_library(exc, lang) from None
    except ProblemError:
        raise
    except Exception:
        _log.exception("engine failure in decision %s", decision_of(request.scope).decision_id)
        raise ProblemError.of("engine_error", lang) from None


@router.post("/diagnose", response_model=Report, openapi_extra=fact_body(),
             responses=errors("bad_json", "invalid_facts", "unknown_lang", "bad_parameter"))
async def diagnose(request: Request, asked: Lang = None, explain: bool = False) -> Response:
    """Diagnose a fact file: the report, as `backup-doctor diagnose --format json` prints it."""
    decision, lang = _start(request, "/v1/diagnose", asked)
    body, engine = await request.body(), _engine(request, lang)
    report = await _run(request, lang, lambda: engine.diagnose(body, lang=lang, explain=explain),  # type: ignore[arg-type]
                        body)
    decision.findings = [f.id for f in report.findings]
    return Response(report.model_dump_json().encode("utf-8"), media_type="application/json")


@router.post("/note", response_model=Note, openapi_extra=fact_body(),
             responses=errors("bad_json", "invalid_facts", "unknown_lang", "bad_parameter"))
async def note(request: Request, asked: Lang = None) -> Response:
    """The short form of the report (the CLI's --brief), to paste into a ticket: Markdown, HTML, text."""
    decision, lang = _start(request, "/v1/note", asked)
    body, engine = await request.body(), _engine(request, lang)

    def work() -> tuple[Report, dict[str, str]]:
        report = engine.diagnose(body, lang=lang)  # type: ignore[arg-type]
        return report, render_note(report)

    report, rendered = await _run(request, lang, work, body)
    decision.findings = [f.id for f in report.findings]
    return _json(rendered)


@router.post("/batch", response_model=BatchResponse, openapi_extra=batch_body(),
             responses=errors("bad_json", "invalid_batch", "too_many_items", "unknown_lang", "bad_parameter"))
async def batch(request: Request, asked: Lang = None) -> Response:
    """Diagnose up to 100 fact files; one result per item, in order (an item's error stays its own)."""
    decision, lang = _start(request, "/v1/batch", asked)
    items = _batch_items(await request.body(), lang)
    engine = _engine(request, lang)
    decision.items = len(items)

    def work() -> bytes:
        parts = []
        for item_id, facts in items:
            head = '{"id":' + json.dumps(item_id)  # ASCII: an id may hold a lone surrogate
            try:
                report = engine.diagnose(facts, lang=lang)  # type: ignore[arg-type]
            except Exception as exc:  # one item's failure, even a bug, stays that item's error
                if not isinstance(exc, DoctorError):
                    _log.exception("engine failure in decision %s", decision.decision_id)
                problem = from_library(exc, lang) if isinstance(exc, DoctorError) else ProblemError.of(
                    "engine_error", lang)
                parts.append(f'{head},"error":{encode(problem, lang).decode("utf-8")}}}')
                continue
            decision.findings.extend(f.id for f in report.findings)
            parts.append(f'{head},"report":{report.model_dump_json()}}}')
        return ('{"results":[' + ",".join(parts) + "]}").encode("utf-8")

    return Response(await _run(request, lang, work), media_type="application/json")


@router.post("/why-not/{id}", response_model=WhyNot, openapi_extra=fact_body(),
             responses=errors("bad_json", "invalid_facts", "unknown_id", "unknown_lang", "bad_parameter"))
async def why_not(request: Request, id: str, asked: Lang = None) -> Response:
    """Why a finding, recommendation or caveat (`id`) was or was not concluded for the facts."""
    from ...engine import why_not as explain_why_not

    _, lang = _start(request, "/v1/why-not/{id}", asked)
    body, engine = await request.body(), _engine(request, lang)
    answer = await _run(request, lang, lambda: explain_why_not(engine, body, id, lang), body)
    return Response(answer.model_dump_json().encode("utf-8"), media_type="application/json")


@router.post("/validate", response_model=Valid, openapi_extra=fact_body(),
             responses=errors("bad_json", "invalid_facts", "unknown_lang", "bad_parameter"))
async def validate(request: Request, asked: Lang = None) -> Response:
    """Check a fact file: `{"valid": true}`, or a problem listing every problem (422)."""
    from ...engine import parse_facts

    _, lang = _start(request, "/v1/validate", asked)
    body = await request.body()
    await _run(request, lang, lambda: parse_facts(body), body)
    return _json({"valid": True})


@router.get("/schema", responses=errors("unknown_lang", "bad_parameter"))
async def schema(request: Request) -> Response:
    """The fact file's JSON Schema (as `backup-doctor schema` prints it)."""
    _start(request, "/v1/schema", None)
    return _json(fact_schema())


@router.get("/rules", response_model=list[RuleSummary], responses=errors("unknown_lang", "bad_parameter"))
async def rules(request: Request, asked: Lang = None) -> Response:
    """Every rule: its id, what it concludes and what it means."""
    _, lang = _start(request, "/v1/rules", asked)
    engine = _engine(request, lang)
    summaries = await _run(request, lang, lambda: list_rules(engine.rulebase, lang))
    return _json([_public(r.model_dump(mode="json")) for r in summaries])


@router.get("/rules/{id}", response_model=RuleDetail, responses=errors("unknown_id", "unknown_lang", "bad_parameter"))
async def rule(request: Request, id: str, asked: Lang = None) -> Response:
    """One rule: its conditions in words, its conclusions and their texts."""
    _, lang = _start(request, "/v1/rules/{id}", asked)
    engine = _engine(request, lang)
    detail = await _run(request, lang, lambda: show_rule(engine.rulebase, id, lang))
    return _json(_public(detail.model_dump(mode="json")))


def _public(rule: dict[str, Any]) -> dict[str, Any]:
    # `where` is the pack file's absolute path on the server: a client needs the pack's
    # file and line (core/05-blocking.yaml:158), not where the service is installed.
    rule["where"] = "/".join(Path(rule["where"]).parts[-2:])
    return rule


def _batch_items(raw: bytes, lang: str) -> list[tuple[str, Any]]:
    """The ``(id, facts)`` of a batch body; every problem of its shape is listed at once."""
    data = read_json(raw, lang)
    problems: list[dict[str, Any]] = []

    def problem(location: str, key: str, **params: Any) -> None:
        problems.append({"location": location, "message": text(key, lang, **params), "accepted": None,
                         "suggestion": None})

    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(data, dict):
        problem("", "must_be_object")
    elif "items" not in data:
        problem("items", "required")
    elif not isinstance(items, list):
        problem("items", "must_be_list")
    for key in (data if isinstance(data, dict) else {}):
        if key != "items":
            problem(key, "unknown_key", accepted="items")
    if isinstance(items, list) and len(items) > MAX_BATCH_ITEMS:
        raise ProblemError.of("too_many_items", lang, count=len(items), limit=MAX_BATCH_ITEMS)
    found: list[tuple[str, Any]] = []
    for n, item in enumerate(items if isinstance(items, list) else []):
        where = f"items[{n}]"
        if not isinstance(item, dict):
            problem(where, "must_be_object")
            continue
        item_id = item.get("id")
        if not isinstance(item_id, str) or not 1 <= len(item_id) <= 200:
            problem(f"{where}.id", "required" if "id" not in item else "must_be_id")
        if "facts" not in item:
            problem(f"{where}.facts", "required")
        elif not isinstance(item["facts"], dict):
            problem(f"{where}.facts", "must_be_object")
        for key in item:
            if key not in ("id", "facts"):
                problem(f"{where}.{key}", "unknown_key", accepted="id, facts")
        found.append((str(item_id), item.get("facts")))
    if problems:
        raise ProblemError("invalid_batch", text("invalid_batch", lang, count=len(problems)), problems)
    return found


def read_json(raw: bytes, lang: str) -> Any:
    """A JSON body that is not a fact file itself (batch, consult), or a ``bad_json`` problem."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        message = say("bad_json", detail=json_detail(exc.msg), line=exc.lineno, column=exc.colno)
        raise ProblemError("bad_json", message.ja if lang == "ja" else str(message)) from None
    except (ValueError, RecursionError):  # not UTF-8, nested too deep, a number too long
        raise ProblemError("bad_json", text("bad_json_other", lang)) from None
