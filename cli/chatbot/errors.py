"""Failures as tool errors a model can correct: every problem, in the request's language."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mcp import types

from ...engine.loader import parse_facts
from ...facts.models import FactFile
from ...engine.texts import Msg, in_lang, say
from ...engine.errors import DoctorError, InputError, Problem, closest
from ..texts import msgs
from .tools import LANGS, SCHEMA_URI

RUN_TIMEOUT_S = 60.0
"""A diagnosis takes milliseconds; one that has not ended after this is answered as an error."""



def _filled(text: Msg, **params: object) -> Msg:
    return Msg(text.format(**params), text.ja.format(**params))


TEXTS: dict[str, Msg] = msgs("mcp")
"""The server's own texts (``cli/texts.py``, keys ``mcp.*``)."""
TEXTS["fix_facts"] = _filled(TEXTS["fix_facts"], schema_uri=SCHEMA_URI)
TEXTS["timeout"] = _filled(TEXTS["timeout"], seconds=RUN_TIMEOUT_S)


class ToolFailure(Exception):
    """A failure to answer as a tool error: its text is shown to the model as it is."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def problem_text(exc: DoctorError, lang: str, fix: str) -> str:
    """The error and *every* problem (``render`` stops at 20, for people), then what to do."""
    message = in_lang(exc.message, lang)
    lines = [f"{exc.source}: {message}" if exc.source else message]
    lines.extend(f"  - {p.render(lang)}" for p in exc.problems)
    lines.append(in_lang(TEXTS[fix], lang))
    return "\n".join(lines)


def internal_text(detail: str, lang: str) -> str:
    return in_lang(TEXTS["internal"], lang).format(detail=detail)


def _off_limits(schema: Mapping[str, Any], value: Any) -> bool:
    """A number of the right type that the schema still refuses (out of its range)."""
    return schema.get("type") == "integer" and not schema.get("minimum", value) <= value <= schema.get("maximum", value)


class Arguments:
    """A tool call's arguments, checked against the tool's input schema with our own errors."""

    def __init__(self, tool: types.Tool, given: Mapping[str, Any] | None, default_lang: str) -> None:
        self.values = dict(given or {})
        props: dict[str, Any] = tool.input_schema.get("properties", {})
        required: list[str] = tool.input_schema.get("required", [])
        problems: list[Problem] = []
        lang = self.values.get("lang")
        if lang is None:
            lang = default_lang
        elif lang not in LANGS:
            problems.append(Problem("lang", say("not_accepted", value=json.dumps(lang)), ", ".join(LANGS)))
            lang = default_lang
        self.lang: str = lang
        for name in self.values:
            if name not in props:
                problems.append(Problem(name, say("unknown_field"), ", ".join(props), closest(name, props)))
        problems.extend(Problem(name, say("required")) for name in required if self.values.get(name) is None)
        expected: type
        for name, expected in (("id", str), ("explain", bool), ("brief", bool), ("declined", list), ("limit", int)):
            value = self.values.get(name)
            if name not in props or value is None:
                continue
            if (not isinstance(value, expected) or isinstance(value, bool) is not (expected is bool)
                    or (isinstance(value, list) and not all(isinstance(entry, str) for entry in value))):
                problems.append(Problem(name, say("wrong_type_value", value=json.dumps(value))))
            elif _off_limits(props[name], value):
                accepted = f"{props[name]['minimum']}–{props[name]['maximum']}" if "minimum" in props[name] else None
                problems.append(Problem(name, say("out_of_range", value=json.dumps(value, ensure_ascii=False)),
                                        accepted))
        if problems:
            count = len(problems)
            exc = InputError(Msg(TEXTS["bad_arguments"].format(count=count),
                                 TEXTS["bad_arguments"].ja.format(count=count)), problems, source=tool.name)
            raise ToolFailure(problem_text(exc, self.lang, "fix_arguments"))

    def declined(self) -> frozenset[str]:
        """The ``declined`` fields, each a fact-file field (else a tool error with the closest one)."""
        from ...engine.report.declined import check_declined

        try:
            return check_declined(self.values.get("declined") or ())
        except InputError as exc:
            raise ToolFailure(problem_text(exc, self.lang, "fix_arguments")) from None

    def facts(self) -> FactFile:
        try:
            return parse_facts(self.values["facts"], source="facts")
        except InputError as exc:
            raise ToolFailure(problem_text(exc, self.lang, "fix_facts")) from None
