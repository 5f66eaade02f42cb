"""``POST /v1/consult``: facts, the fields the customer cannot answer, and a language → the report (SPEC §4, §5).

The body is ``{"facts": {…}, "declined": ["…"], "lang": "ja"}``; only ``facts`` is
required. The language is ``?lang=``, else the body's ``lang``, else
``Accept-Language``, else ``en``. A ``declined`` entry that is not a fact-file field
is ``422 invalid_facts`` with the closest field; problems of the facts themselves are
located under ``facts.`` (``facts.account.used_gb``), since they sit there in the body.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from ...engine.errors import InputError
from ...engine.report.declined import check_declined
from ...engine.report.answers import FIELD_SHAPES
from ...engine.texts import in_lang
from . import lang as langs
from .openapi import REF, errors
from .problems import ProblemError, text
from .ready import examples
from .v1 import Lang, _engine, _run, _start, read_json

router = APIRouter(prefix="/v1")

EXAMPLE = "restore-apps-waiting-no-sim"


def consult_body() -> dict[str, Any]:
    full = examples()[EXAMPLE]
    begun = {key: full[key] for key in ("schema_version", "ticket", "today", "goal", "symptoms")}
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"type": "object", "required": ["facts"], "additionalProperties": False, "properties": {
            "facts": {"$ref": REF.format(model="FactFile")},
            "declined": {"type": "array", "items": {"enum": sorted(FIELD_SHAPES)},
                         "description": "Fact-file fields the customer cannot answer: not asked again."},
            # null is read as absent: the schema says so.
            "lang": {"enum": ["en", "ja", None], "description": "Used when the query gives no lang."}}},
        "examples": {
            "begun": {"summary": f"a ticket just begun (examples/facts/{EXAMPLE}.json, goal and symptoms)",
                      "value": {"facts": begun, "lang": "ja"}},
            "declined": {"summary": "the whole ticket; the customer cannot check Apple's status page",
                         "value": {"facts": full, "declined": ["apple_status.icloud_backup_outage"],
                                   "lang": "en"}}}}}}}


@router.post("/consult", openapi_extra=consult_body(),
             responses={200: {"description": "The report, with each question's `answer` and `could_change`, and "
                                             "`settled`.", "content": {"application/json": {"schema": {
                                                 "$ref": REF.format(model="Report")}}}},
                        **errors("bad_json", "invalid_facts", "unknown_lang", "bad_parameter")})
async def consult(request: Request, asked: Lang = None) -> Response:
    """The report for a consultation: the next best questions, what they could change, and whether it is settled."""
    decision, lang = _start(request, "/v1/consult", asked)
    raw = await request.body()
    facts, declined, body_lang = _body(raw, lang)
    if asked is None and body_lang is not None:
        decision.lang = lang = body_lang
    try:
        fields = check_declined(declined)
    except InputError as exc:
        problems = [{**p.to_dict(lang), "location": f"declined[{declined.index(p.location)}]",
                     "message": f"{p.location!r}: {in_lang(p.message, lang)}"} for p in exc.problems]
        raise ProblemError("invalid_facts", in_lang(exc.message, lang), problems) from None
    engine = _engine(request, lang)
    try:
        report = await _run(request, lang, lambda: engine.diagnose(facts, lang=lang, declined=fields),  # type: ignore[arg-type]
                            raw)
    except ProblemError as exc:
        if exc.code == "invalid_facts":  # where the problems sit in this body
            exc.problems = [{**p, "location": f"facts.{p['location']}".rstrip(".")} for p in exc.problems]
        raise
    decision.findings = [f.id for f in report.findings]
    return Response(report.model_dump_json().encode("utf-8"), media_type="application/json")


def _body(raw: bytes, lang: str) -> tuple[dict[str, Any], list[str], str | None]:
    """The facts, the declined fields and the body's language; every problem of the body's shape at once."""
    data = read_json(raw, lang)
    problems: list[dict[str, Any]] = []

    def problem(location: str, key: str, **params: Any) -> None:
        problems.append({"location": location, "message": text(key, lang, **params), "accepted": None,
                         "suggestion": None})

    if not isinstance(data, dict):
        problem("", "must_be_object")
        data = {}
    facts, declined, body_lang = data.get("facts"), data.get("declined", []), data.get("lang")
    if "facts" not in data and problems == []:
        problem("facts", "required")
    elif "facts" in data and not isinstance(facts, dict):
        problem("facts", "must_be_object")
    if not isinstance(declined, list):
        problem("declined", "must_be_list")
        declined = []
    for n, entry in enumerate(declined):
        if not isinstance(entry, str):
            problem(f"declined[{n}]", "must_be_id")
    if body_lang is not None and body_lang not in langs.LANGS:
        raise ProblemError.of("unknown_lang", lang, value=repr(body_lang))
    for key in data:
        if key not in ("facts", "declined", "lang"):
            problem(key, "unknown_key", accepted="facts, declined, lang")
    if problems:
        # The body's shape, not the facts: the same code as a fact file's problems.
        raise ProblemError("invalid_facts", text("invalid_consult", lang, count=len(problems)), problems)
    return facts if isinstance(facts, dict) else {}, list(declined), body_lang
