"""The MCP server around one engine: tool calls and resources (stdio here)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

import anyio
from mcp import types
from mcp.server import Server, ServerRequestContext
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel

from ...engine.authoring.whynot import WhyNot, why_not
from ...engine.report.model import Report
from ...engine.runner import Engine
from ...engine.authoring.catalog import RuleDetail, list_rules, show_rule
from ...engine.texts import in_lang
from ...engine.errors import EngineError, InputError, closest
from ..brief import render_brief
from .errors import TEXTS, RUN_TIMEOUT_S, Arguments, ToolFailure, internal_text, problem_text
from .tools import (INSTRUCTIONS, LANGS, RULES_URI, SCHEMA_URI, Cause, Consultation, Fix, RuleList, Valid, fact_schema,
                    tool_list)

log = logging.getLogger(__name__)


class DoctorServer:
    """The MCP server around one :class:`Engine`, built once and shared by every call."""

    def __init__(self, engine: Engine, *, default_lang: str = "en") -> None:
        if default_lang not in LANGS:
            raise ValueError(f"default_lang must be one of {LANGS}, not {default_lang!r}")
        self.engine, self.default_lang = engine, default_lang
        self.tools = {tool.name: tool for tool in tool_list(default_lang)}
        self._answer: dict[str, Callable[[Arguments], BaseModel]] = {
            "diagnose": lambda a: engine.diagnose(a.facts(), lang=a.lang,  # type: ignore[arg-type]
                                                  explain=bool(a.values.get("explain"))),
            "consult": self._consult,
            "why_not": self._why_not,
            "validate": self._validate,
            "list_rules": lambda a: RuleList(rules=list_rules(engine.rulebase, a.lang)),
            "show_rule": self._show_rule,
        }

    @staticmethod
    def _validate(args: Arguments) -> Valid:
        args.facts()
        return Valid(valid=True)

    def _consult(self, args: Arguments) -> Consultation:
        facts, declined = args.facts(), args.declined()
        report = self.engine.diagnose(facts, lang=args.lang, declined=declined)  # type: ignore[arg-type]
        limit = int(args.values.get("limit") or 3)
        first = report.recommendations[0].steps if report.recommendations else []
        return Consultation(settled=report.settled, questions=report.questions[:limit],
                            more_questions=max(len(report.questions) - limit, 0),
                            findings=[Cause(id=f.id, title=f.title) for f in report.findings],
                            fixes=[Fix(id=r.id, rank=r.rank, title=r.title) for r in report.recommendations],
                            first_steps=first)

    def _why_not(self, args: Arguments) -> WhyNot:
        facts = args.facts()  # the facts' problems first: they are what the model must fix
        try:
            return why_not(self.engine, facts, args.values["id"], args.lang)
        except InputError as exc:  # an unknown id, with the closest known one
            raise ToolFailure(problem_text(exc, args.lang, "fix_id")) from None

    def _show_rule(self, args: Arguments) -> RuleDetail:
        try:
            return show_rule(self.engine.rulebase, args.values["id"], args.lang)
        except InputError as exc:
            raise ToolFailure(problem_text(exc, args.lang, "fix_id")) from None

    async def call_tool(self, name: str, arguments: Mapping[str, Any] | None) -> types.CallToolResult:
        """Answer one call; every failure, expected or not, is a tool error with a readable text."""
        tool = self.tools.get(name)
        if tool is None:
            hint = closest(name, self.tools)
            raise MCPError(types.INVALID_PARAMS, f"unknown tool {name!r}" + (f"; did you mean {hint!r}?" if hint else "")
                           + f" (tools: {', '.join(self.tools)})")
        lang = self.default_lang
        try:
            args = Arguments(tool, arguments, self.default_lang)
            lang = args.lang
            with anyio.fail_after(RUN_TIMEOUT_S):
                # In a worker thread: the event loop keeps answering pings meanwhile (the
                # engine serialises its runs itself).
                answer = await anyio.to_thread.run_sync(self._answer[name], args, abandon_on_cancel=True)
        except ToolFailure as exc:
            return _error(exc.text)
        except TimeoutError:
            log.error("tool %s: no answer after %s s", name, RUN_TIMEOUT_S)
            return _error(internal_text(in_lang(TEXTS["timeout"], lang), lang))
        except InputError as exc:  # an input check of the engine's that no tool above expected
            return _error(problem_text(exc, lang, "fix_arguments"))
        except EngineError as exc:
            log.error("tool %s: %s", name, exc)
            return _error(internal_text(exc.render(lang), lang))
        except Exception as exc:  # a bug: the model gets a clear error, stderr the traceback
            log.exception("tool %s failed", name)
            return _error(internal_text(type(exc).__name__, lang))
        data = answer.model_dump(mode="json")
        if isinstance(answer, Report) and args.values.get("brief"):
            text = render_brief(answer, markdown=True)
        else:
            text = json.dumps(data, ensure_ascii=False)
        return types.CallToolResult(content=[types.TextContent(text=text)], structured_content=data)

    def resources(self) -> list[types.Resource]:
        rules = [types.Resource(uri=RULES_URI.format(lang=lang), name=f"rules-{lang}", mime_type="application/json",
                                title=f"The rule catalogue ({lang})",
                                description="Every loaded rule: id, meaning, and the ids it concludes.")
                 for lang in LANGS]
        return [types.Resource(uri=SCHEMA_URI, name="fact-schema", mime_type="application/schema+json",
                               title="The fact file's JSON Schema",
                               description="What the `facts` argument of diagnose, why_not and validate accepts."),
                *rules]

    def read(self, uri: str) -> str:
        if uri == SCHEMA_URI:
            return json.dumps(fact_schema(), ensure_ascii=False, indent=2)
        for lang in LANGS:
            if uri == RULES_URI.format(lang=lang):
                return RuleList(rules=list_rules(self.engine.rulebase, lang)).model_dump_json(indent=2)
        known = [r.uri for r in self.resources()]
        raise MCPError(types.INVALID_PARAMS, f"unknown resource {uri!r} (resources: {', '.join(known)})")

    def server(self) -> Server[Any]:
        """The SDK's server object, for a transport (stdio here; the HTTP service may mount it)."""

        async def list_tools(ctx: ServerRequestContext[Any], params: Any) -> types.ListToolsResult:
            return types.ListToolsResult(tools=list(self.tools.values()))

        async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
            return await self.call_tool(params.name, params.arguments)

        async def list_resources(ctx: ServerRequestContext[Any], params: Any) -> types.ListResourcesResult:
            return types.ListResourcesResult(resources=self.resources())

        async def read_resource(ctx: ServerRequestContext[Any],
                                params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
            mime = next((r.mime_type for r in self.resources() if r.uri == params.uri), None)
            return types.ReadResourceResult(contents=[types.TextResourceContents(
                uri=params.uri, text=self.read(params.uri), mime_type=mime)])

        return Server("backup-doctor", version=_version(), instructions=INSTRUCTIONS,
                      on_list_tools=list_tools, on_call_tool=call_tool,
                      on_list_resources=list_resources, on_read_resource=read_resource)


def _error(text: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=text)], is_error=True)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("backup-doctor")
    except PackageNotFoundError:
        return ""


def serve_stdio(engine: Engine, *, default_lang: str = "en") -> None:
    """Serve *engine* over standard input and output until the client closes them."""
    server = DoctorServer(engine, default_lang=default_lang).server()

    async def run() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(run)
