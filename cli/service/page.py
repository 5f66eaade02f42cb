"""The consultation page at ``/`` (SPEC §5): a clerk at the counter, one question at a time.

Server-rendered HTML forms that POST back to ``/``; the state (facts so far, declined
fields, language) travels in hidden fields (``page_form.py``), so the server keeps
nothing and any worker can answer the next step. Scripts only improve the page (the
copy button). Templates are Jinja2 with autoescape on: every text from the ticket and
the report is escaped. With API keys configured, the page asks for a key once and keeps
it in an HttpOnly, SameSite=Strict cookie (the API itself still wants the header).
"""

from __future__ import annotations

import json
import re
import secrets
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from jinja2 import Environment, FunctionLoader

from ...engine.errors import DoctorError
from ...engine.report.answers import answers
from ..brief import render_brief
from ..texts import labels
from . import lang as langs
from .auth import key_matches
from .note import render_html
from .page_form import (VERSION_PATTERN, FormError, answer_dict, answered, get_path, known_field, parse_answer,
                        read_state, set_path, write_state)
from .problems import from_library

if TYPE_CHECKING:
    from ...engine.report.model import Answer, Question, Report
    from ...engine.runner import Engine

router = APIRouter(include_in_schema=False)
KEY_COOKIE = "backup_doctor_key"
PATHS = ("/", "/page.css")
"""The page's paths: open past the API-key middleware, since the page checks its cookie itself."""
GOALS = ("backup", "migrate", "restore")
MAX_MESSAGES = 50


def _template(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


_env = Environment(loader=FunctionLoader(_template), autoescape=True, trim_blocks=True, lstrip_blocks=True)


@router.get("/page.css")
async def css() -> Response:
    return Response(_template("page.css"), media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get("/")
async def start(request: Request) -> Response:
    lang = _lang(request.query_params.get("lang"), request)
    if not _authorised(request):
        return _page("key.html", lang, status=401 if request.cookies.get(KEY_COOKIE) else 200)
    return _page("start.html", lang, state=write_state({}, []))


@router.post("/")
async def step(request: Request) -> Response:
    form = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    fields: dict[str, list[str]] = {}
    for name, value in form:
        fields.setdefault(name, []).append(value)

    def one(name: str) -> str:
        return fields.get(name, [""])[0]

    lang = _lang(one("lang"), request)
    # The last one: a button's own value (decline, finish) comes after the form's hidden default.
    action = fields.get("action", [""])[-1]
    if action == "key":
        return _login(request, one("key"), lang)
    if not _authorised(request):
        return _page("key.html", lang, status=401)
    if action.startswith("lang:"):
        lang = _lang(action.removeprefix("lang:"), request)
    try:
        facts, declined, more = read_state(one("state"))
    except FormError as exc:
        return _page("start.html", lang, state=write_state({}, []), errors=[exc.render(lang)], status=400)
    if action == "start":
        return await _start(request, lang, one("goal"), one("messages"), one("ticket"))
    if not facts:
        return _page("start.html", lang, state=write_state({}, []))
    field = one("field")
    focus, prefill, errors = None, None, []
    if action in ("answer", "decline") and not known_field(field):
        errors.append(FormError("bad_state").render(lang))
    elif action == "answer":
        try:
            value = parse_answer(json.loads(one("answer_spec") or "{}"), fields.get("value", []))
        except (FormError, ValueError) as exc:
            errors.append(exc.render(lang) if isinstance(exc, FormError) else FormError("bad_state").render(lang))
            focus = field
        else:
            trial = set_path(facts, field, value)
            problems = await _problems(request, trial, lang)
            if problems:
                errors, focus, prefill = problems, field, value
            else:
                facts, declined = trial, [d for d in declined if d != field]
    elif action == "decline":
        declined = [*declined, field] if field not in declined else declined
    elif action == "edit":
        prefill = get_path(facts, field)
        facts, declined, focus = set_path(facts, field, None), [d for d in declined if d != field], field
    elif action == "download":
        return await _download(request, lang, facts, declined)
    more = (more or action == "continue") and action != "finish"
    return await _consult(request, lang, facts, declined, focus=focus, prefill=prefill, errors=errors,
                          finish=action == "finish", more=more)


async def _start(request: Request, lang: str, goal: str, words: str, ticket: str) -> Response:
    facts: dict[str, Any] = {"schema_version": 1}
    if ticket.strip():
        facts["ticket"] = ticket.strip()
    if goal in GOALS:
        facts["goal"] = goal
    messages = [line.strip() for line in words.splitlines() if line.strip()]
    if messages:
        facts["symptoms"] = {"messages": messages[:MAX_MESSAGES]}
    if goal not in GOALS:
        return _page("start.html", lang, state=write_state({}, []), errors=[FormError("no_goal").render(lang)],
                     words=words, ticket=ticket, status=400)
    return await _consult(request, lang, facts, [])


async def _consult(request: Request, lang: str, facts: dict[str, Any], declined: list[str], *,
                   focus: str | None = None, prefill: Any = None, errors: list[str] | None = None,
                   finish: bool = False, more: bool = False) -> Response:
    engine = _engine(request)
    errors = list(errors or [])
    report: Report | None = None
    try:
        report = await request.app.state.engines.run(
            lambda: engine.diagnose(facts, lang=lang, declined=declined))  # type: ignore[arg-type]
    except DoctorError as exc:
        errors.extend(_problem_lines(exc, lang))
    state = write_state(facts, declined, more)
    shapes = answers(engine.rulebase, lang)  # type: ignore[arg-type]
    history = [(path, _value_text(path, shapes.get(path), value, lang), _ask(engine, path, lang))
               for path, value in answered(facts)]
    declined_rows = [(path, _ask(engine, path, lang)) for path in declined]
    common: dict[str, Any] = {"state": state, "errors": errors, "history": history, "declined": declined_rows, "report": report,
              "first": report.recommendations[0] if report and report.recommendations else None}
    if report is None:
        return _page("consult.html", lang, question=None, **common, status=422)
    questions = report.questions
    question = _question(engine, questions, focus, lang, shapes)
    settled = report.settled
    # A settled report ends the interview, unless the clerk asked to go on (then only
    # running out of questions or "finish" does).
    if (finish or (settled and not more) or question is None) and not errors:
        note = render_brief(report, markdown=True)  # the same short note as /v1/note and --brief
        return _page("report.html", lang, settled=settled, note=note, report_html=render_html(report),
                     can_continue=bool(questions), **common)
    assert question is not None
    spec = question["answer"]
    return _page("consult.html", lang, question=question, spec=json.dumps(spec, ensure_ascii=False),
                 prefill=_prefill(prefill), version_pattern=VERSION_PATTERN, remaining=len(questions), **common)


def _question(engine: Engine, questions: list[Question], focus: str | None, lang: str,
              shapes: dict[str, Answer]) -> dict[str, Any] | None:
    chosen = next((q for q in questions if q.field == focus), None) if focus else None
    if chosen is None and focus:  # an edited answer that no longer changes the advice: ask it anyway
        return {"field": focus, "ask": _ask(engine, focus, lang), "why": "",
                "answer": answer_dict(shapes.get(focus), focus), "could_change": None}
    chosen = chosen or (questions[0] if questions else None)
    if chosen is None:
        return None
    return {"field": chosen.field, "ask": chosen.ask, "why": chosen.why,
            "answer": answer_dict(chosen.answer, chosen.field), "could_change": chosen.could_change}


async def _problems(request: Request, facts: dict[str, Any], lang: str) -> list[str]:
    engine = _engine(request)
    try:
        await request.app.state.engines.run(lambda: engine.diagnose(facts, lang=lang))  # type: ignore[arg-type]
    except DoctorError as exc:
        return _problem_lines(exc, lang)
    return []


def _problem_lines(exc: DoctorError, lang: str) -> list[str]:
    # The engine's own lines (field, what is wrong, what is accepted, did you mean), as the CLI shows them.
    return [p.render(lang) for p in exc.problems] or [from_library(exc, lang).detail]


async def _download(request: Request, lang: str, facts: dict[str, Any], declined: list[str]) -> Response:
    problems = await _problems(request, facts, lang)
    if problems:
        return await _consult(request, lang, facts, declined, errors=problems)
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", str(facts.get("ticket") or "facts")).strip("-")[:60] or "facts"
    body = json.dumps(facts, ensure_ascii=False, indent=2) + "\n"
    return Response(body.encode("utf-8"), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}.json"'})


def _login(request: Request, key: str, lang: str) -> Response:
    keys = request.app.state.page_keys
    if keys and not key_matches(key.strip().encode("utf-8"), keys):
        return _page("key.html", lang, errors=[labels("page", lang)["bad_key"]], status=401)
    response = RedirectResponse(f"/?lang={lang}", status_code=303)
    if not keys:  # nothing to keep: the service takes no keys
        return response
    response.set_cookie(KEY_COOKIE, key.strip(), httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")
    return response


def _authorised(request: Request) -> bool:
    keys = request.app.state.page_keys
    return not keys or key_matches(request.cookies.get(KEY_COOKIE, "").encode("utf-8"), keys)


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engines.engine("en")
    return engine


def _ask(engine: Engine, field: str, lang: str) -> str:
    question = engine.rulebase.questions.get(field)
    text = question.ask.get(lang) if question is not None else None
    return str(text) if text else labels("page", lang).get("field_" + field, field)


def _value_text(path: str, shape: Answer | None, value: Any, lang: str) -> str:
    """An answer as the clerk reads it: the choice's label, はい/いいえ, a list joined."""
    t = labels("page", lang)
    if path == "goal" and value in GOALS:  # the words of the page's own goal buttons
        return t["goal_" + str(value)]
    names = {c.value: c.label for c in (shape.choices or ())} if shape is not None else {}
    if isinstance(value, bool):
        return t["yes"] if value else t["no"]
    if isinstance(value, list):
        return ", ".join(str(names.get(v, v)) for v in value)
    return str(names.get(value, value))


def _prefill(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [f"{value:g}" if isinstance(value, float) else str(value)]


def _lang(asked: str | None, request: Request) -> str:
    if asked in langs.LANGS:
        return str(asked)
    # Japanese by default: the page is for a shop counter in Japan unless the browser asks for English.
    return langs.from_accept_language(request.headers.get("accept-language")) or "ja"


def _page(name: str, lang: str, status: int = 200, **context: Any) -> Response:
    context.setdefault("errors", [])
    nonce = secrets.token_urlsafe(16)
    html = _env.get_template(name).render(lang=lang, t=labels("page", lang), goals=GOALS, nonce=nonce, **context)
    # Escaping is the defence; the policy is a second one: only the page's own script
    # runs, and forms can post only back here.
    policy = (f"default-src 'none'; style-src 'self'; script-src 'nonce-{nonce}'; img-src data:; "
              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    return Response(html.encode("utf-8"), status_code=status, media_type="text/html; charset=utf-8",
                    headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                             "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
                             "Content-Security-Policy": policy})
