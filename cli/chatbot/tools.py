"""The tools' definitions: names, descriptions a model can act on, typed input and output schemas."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from mcp import types
from pydantic import BaseModel

from ...engine.authoring.whynot import WhyNot
from ...engine.report.model import Question, Report
from ...engine.authoring.catalog import RuleDetail, RuleSummary

LANGS = ("en", "ja")
SCHEMA_URI = "backup-doctor://schema/facts"
RULES_URI = "backup-doctor://rules/{lang}"


def fact_schema() -> dict[str, Any]:
    """The fact file's JSON Schema, as shipped in facts/schema.json."""
    data: dict[str, Any] = json.loads(files("backup_doctor.facts").joinpath("schema.json").read_text("utf-8"))
    return data


def _input_schema(default_lang: str, **extra: dict[str, Any]) -> dict[str, Any]:
    """An input schema whose ``facts`` property is the fact file's schema.

    The fact schema's ``$defs`` move to the root: its ``$ref``s ("#/$defs/Device") point
    at the root of the document they sit in, which is now the tool's input schema.
    """
    facts = fact_schema()
    defs = facts.pop("$defs")
    facts.pop("$schema", None)
    facts["description"] = ("The customer's situation as a backup-doctor fact file (a JSON object). Give only "
                            "what the customer said: a field left out is unknown, which is not false, and "
                            "unknown facts that matter come back as questions to ask.")
    props = {"facts": facts, **extra, "lang": {
        "type": "string", "enum": list(LANGS),
        "description": f"Language of the texts in the answer and in errors (default: {default_lang}). "
                       "Ids never change with the language."}}
    required = ["facts", *(name for name in extra if name == "id")]
    return {"type": "object", "properties": props, "required": required, "additionalProperties": False,
            "$defs": defs}


def _output_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(mode="serialization")


class RuleList(BaseModel):
    """The answer of list_rules."""

    rules: list[RuleSummary]


class Valid(BaseModel):
    """The answer of validate when the facts are valid (invalid facts are a tool error)."""

    valid: bool


class Cause(BaseModel):
    id: str
    title: str


class Fix(BaseModel):
    id: str
    rank: int
    title: str


class Consultation(BaseModel):
    """The answer of consult: what to ask next, and what is known so far."""

    settled: bool
    """True when no open question could change a cause or the rank-1 fix: stop asking."""
    questions: list[Question]
    """The next best questions (at most ``limit``), most useful first."""
    more_questions: int
    """Open questions beyond those listed."""
    findings: list[Cause]
    fixes: list[Fix]
    """In order: rank 1 first."""
    first_steps: list[str]
    """The rank-1 fix's steps, as written."""


MAX_LIMIT = 20

_NO_ARGS: dict[str, Any] = {"type": "object", "properties": {}, "additionalProperties": False}


def tool_list(default_lang: str) -> list[types.Tool]:
    """The tools, each read-only and closed-world, with typed input and output."""
    read_only = types.ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                                      open_world_hint=False)
    lang = {"type": "string", "enum": list(LANGS),
            "description": f"Language of the texts (default: {default_lang})."}
    specs: list[tuple[str, str, str, dict[str, Any], type[BaseModel]]] = [
        ("diagnose", "Diagnose an iPhone backup, migration or restore problem",
         "Diagnose why one customer's iPhone iCloud backup, migration to a new iPhone, or restore fails. "
         "Returns the report: `findings` (causes, each with the rule ids in `because`), `recommendations` "
         "(what to do, in order: rank 1 first, with the exact `steps` to read to the customer), `caveats` "
         "(data a backup will not carry), and `questions` (unknown facts worth asking, most useful first). "
         "Tell the customer the rank-1 recommendation's steps as written; do not invent steps or causes. "
         "Ask the first questions, add the answers to `facts` and call again. With `brief`, the text content is "
         "the short form to read out (Markdown); the structured content is still the whole report.",
         _input_schema(default_lang, explain={"type": "boolean", "default": False, "description":
                                              "Also return `trace`: every rule that fired and the facts it matched."},
                       brief={"type": "boolean", "default": False, "description":
                              "Give as text content, instead of the report's JSON, the short form to read out "
                              "(Markdown, in `lang`): the causes, the first fix with its steps, the other fixes "
                              "by title, the caveats, the top three questions. The structured content is the "
                              "whole report either way."}),
         Report),
        ("consult", "Ask the next best question",
         "For a conversation with the customer: the next best questions about these facts (at most `limit`, "
         "most useful first), each with `answer` (how it is answered: `kind` yes_no, choice, choices, number, gb, "
         "version, date or text; `choices` with the `value` to store and a `label` to say; `unit`, `min`, `max`) "
         "and `could_change` (blocking, cause, fix or caveat: what the answer could change); the causes and "
         "fixes so far (ids, titles) with the rank-1 fix's steps; and `settled`. Ask `questions[0]`, put the "
         "answer at its `field` in `facts` (or, if the customer does not know, add the field to `declined`: "
         "it is not asked again) and call again, until `settled` is true; then call diagnose for the report.",
         _input_schema(default_lang, declined={
             "type": "array", "items": {"type": "string"}, "default": [],
             "description": "Fact-file fields (`network.wifi_kind`) the customer cannot answer."},
             limit={"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 3,
                    "description": "How many questions to return."}),
         Consultation),
        ("why_not", "Explain why a conclusion was or was not reached",
         "Explain why one finding, recommendation or caveat (its id, e.g. `buy-icloud-storage`) was or was not "
         "concluded for these facts: for each rule that could conclude it, which conditions failed (with the "
         "facts' values), which facts are unknown (`questions`: what to ask), and which ranking principle "
         "kept it out. Use it before suggesting anything the report does not recommend.",
         _input_schema(default_lang, id={"type": "string", "description":
                                         "A finding, recommendation or caveat id (list_rules shows them)."}),
         WhyNot),
        ("validate", "Check a fact file",
         "Check that `facts` is a valid fact file without diagnosing. Valid: `{\"valid\": true}`. Invalid: a tool "
         "error listing every problem (JSON path, what is wrong, what is accepted, did-you-mean).",
         _input_schema(default_lang), Valid),
        ("list_rules", "List the rules",
         "List every rule of the loaded rule packs: its id, what it means, and the findings, recommendations "
         "and caveats it concludes (their ids and titles).",
         {**_NO_ARGS, "properties": {"lang": lang}}, RuleList),
        ("show_rule", "Show one rule",
         "Show one rule (a rule id from list_rules, e.g. `R-storage-shortfall`): its conditions as sentences, "
         "the facts to ask about when unknown, its conclusions and their texts, and its references.",
         {**_NO_ARGS, "properties": {"id": {"type": "string", "description": "A rule id."}, "lang": lang},
          "required": ["id"]}, RuleDetail),
    ]
    return [types.Tool(name=name, title=title, description=description, input_schema=schema,
                       output_schema=_output_schema(out), annotations=read_only)
            for name, title, description, schema, out in specs]


INSTRUCTIONS = (
    "backup-doctor diagnoses why an iPhone's iCloud backup, migration to a new iPhone, or restore fails, with "
    "rules a helpdesk maintains. Put what the customer said into `facts` (leave out what is unknown) and call "
    "diagnose. Answer from the report only: cite its finding and recommendation ids, read the rank-1 "
    "recommendation's steps as written, mention the caveats, and ask the report's first questions to learn "
    "more, then diagnose again with the answers (consult gives the next best question and says when to stop). "
    "Every tool only reads; none changes anything or calls out."
)
