"""The rule catalogue: every loaded rule and conclusion, described for people.

Used by ``rules list``/``rules show`` and by why-not: conditions read as sentences in
English or Japanese, and ids are looked up with a did-you-mean when misspelt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from ...facts.version import Version
from ..errors import InputError, closest
from ..texts import Msg, say, say_in
from ..rulebase.packfile import StepVariants

if TYPE_CHECKING:
    from ..rulebase.load import CompiledRule, RuleBase
    from ..rulebase.packfile import Condition

ConclusionKind = Literal["finding", "recommendation", "caveat"]
CONCLUSION_KINDS: tuple[ConclusionKind, ...] = ("finding", "recommendation", "caveat")


class UnknownIdError(InputError):
    """An id given on the command line (or to the library) names no loaded rule or conclusion."""

    code = "unknown_id"


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Concludes(_Out):
    """One conclusion of a rule."""

    kind: ConclusionKind
    id: str
    title: str
    """The conclusion's title with its ``{placeholders}`` left as written."""
    tier: str | None = None
    """For a recommendation: the tier this rule puts it in."""


class RuleSummary(_Out):
    """One line of ``rules list``."""

    id: str
    description: str
    concludes: list[Concludes]
    pack: str
    where: str


class ConclusionText(_Out):
    """The texts a conclusion shows in a report, in one language."""

    kind: ConclusionKind
    id: str
    title: str
    body: list[str]
    """A finding's detail, a recommendation's steps, or a caveat's text."""


class RuleDetail(RuleSummary):
    """Everything ``rules show`` prints about one rule."""

    when: list[str]
    ask_if_unknown: list[str]
    references: list[str]
    replaces: bool
    texts: list[ConclusionText]


# --------------------------------------------------------------------------- look-ups


def definitions(rb: RuleBase, kind: ConclusionKind) -> dict[str, Any]:
    """The definitions (texts, order, tier …) of one kind of conclusion."""
    tables: dict[str, dict[str, Any]] = {
        "finding": rb.findings, "recommendation": rb.recommendations, "caveat": rb.caveats}
    return tables[kind]


def kind_of(rb: RuleBase, cid: str) -> ConclusionKind | None:
    """Whether *cid* is a finding, a recommendation or a caveat (None: none of them)."""
    return next((k for k in CONCLUSION_KINDS if cid in definitions(rb, k)), None)


def all_conclusion_ids(rb: RuleBase) -> list[str]:
    return [cid for k in CONCLUSION_KINDS for cid in definitions(rb, k)]


def require_conclusion(rb: RuleBase, cid: str) -> ConclusionKind:
    """The kind of *cid*; raises :class:`UnknownIdError` with a did-you-mean when unknown."""
    kind = kind_of(rb, cid)
    if kind is not None:
        return kind
    rule = next((r for r in rb.rules if r.id == cid), None)
    if rule is not None:
        done = ", ".join(c.target for c in rule.rule.then)
        raise UnknownIdError(say("rule_not_conclusion", id=repr(cid), done=done))
    raise UnknownIdError(say("unknown_conclusion", id=repr(cid), hint=_hint(cid, all_conclusion_ids(rb))))


def require_rule(rb: RuleBase, rid: str) -> CompiledRule:
    """The rule with id *rid*; raises :class:`UnknownIdError` with a did-you-mean when unknown."""
    for compiled in rb.rules:
        if compiled.id == rid:
            return compiled
    kind = kind_of(rb, rid)
    if kind is not None:
        makers = ", ".join(r.id for r in producers(rb, rid))
        raise UnknownIdError(say("conclusion_not_rule", id=repr(rid), kind=say(kind),
                                 makers=makers or say("none")))
    raise UnknownIdError(say("unknown_rule", id=repr(rid), hint=_hint(rid, [r.id for r in rb.rules])))


def _hint(given: str, known: list[str]) -> Msg:
    name = closest(given, known)
    return say("did_you_mean", name=name) if name else Msg("", "")


def producers(rb: RuleBase, cid: str) -> list[CompiledRule]:
    """The rules that conclude *cid*, in load order."""
    return [r for r in rb.rules if any(c.target == cid for c in r.rule.then)]


def title(rb: RuleBase, kind: ConclusionKind, cid: str, lang: str) -> str:
    """The title of a conclusion (a caveat's text), placeholders unfilled."""
    definition = definitions(rb, kind)[cid]
    text = definition.text if kind == "caveat" else definition.title
    return str(text.get(lang))


# --------------------------------------------------------------------------- sentences


def show_value(value: Any) -> str:
    """A fact value as a person reads it (``true``, ``16.10``, ``tethering``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Version):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return str(value)


def condition_text(cond: Condition, lang: str) -> str:
    """One condition as a sentence, e.g. ``network.wifi_kind is one of tethering, public``."""
    def w(key: str, **params: str) -> str:
        return say_in(lang, key, **params)

    if cond.any is not None:
        return w("condition.any", v=w("condition.or").join(condition_text(c, lang) for c in cond.any))
    if cond.finding is not None:
        return w("condition.finding", v=cond.finding)
    if cond.not_finding is not None:
        text = w("condition.not_finding", v=cond.not_finding)
        return text + (w("condition.principle", v=cond.principle) if cond.principle else "")
    op, fact = cond.operator, str(cond.fact)
    if op.operand == "bool":
        return w(op.text_key if cond.known else "op.unknown", p=fact)
    value = cond.value
    if isinstance(value, dict) and "fact" in value:
        shown = str(value["fact"])
    elif op.operand == "list":
        shown = w("condition.sep").join(show_value(v) for v in value)
    else:
        shown = show_value(value)
    return w(op.text_key, p=fact, v=shown)


# --------------------------------------------------------------------------- catalogue


def _concludes(rb: RuleBase, compiled: CompiledRule, lang: str) -> list[Concludes]:
    out = []
    for concl in compiled.rule.then:
        kind: ConclusionKind = concl.kind  # type: ignore[assignment]
        out.append(Concludes(kind=kind, id=concl.target, title=title(rb, kind, concl.target, lang), tier=concl.tier))
    return out


def _summary(rb: RuleBase, compiled: CompiledRule, lang: str) -> dict[str, Any]:
    return {"id": compiled.id, "description": compiled.rule.description.get(lang),
            "concludes": _concludes(rb, compiled, lang), "pack": compiled.pack,
            "where": f"{compiled.file}:{compiled.line}"}


def list_rules(rb: RuleBase, lang: str) -> list[RuleSummary]:
    """Every loaded rule, in load order (built-in pack first, then custom packs)."""
    return [RuleSummary(**_summary(rb, r, lang)) for r in rb.rules]


def conclusion_text(rb: RuleBase, kind: ConclusionKind, cid: str, lang: str) -> ConclusionText:
    """A conclusion's texts as written in its pack (placeholders unfilled; step variants labelled)."""
    d = definitions(rb, kind)[cid]
    if kind == "finding":
        body = [d.detail.get(lang)]
    elif kind == "caveat":
        body = []
    elif isinstance(d.steps, StepVariants):
        body = []
        for case, steps in [*d.steps.cases.items(), ("*", d.steps.otherwise)]:
            body.extend(f"[{d.steps.by} = {case}] {s}" for s in steps.get(lang))
    else:
        body = list(d.steps.get(lang))
    return ConclusionText(kind=kind, id=cid, title=title(rb, kind, cid, lang), body=body)


def show_rule(rb: RuleBase, rid: str, lang: str) -> RuleDetail:
    """One rule in full: its conditions as sentences, its conclusions and their texts."""
    compiled = require_rule(rb, rid)
    rule = compiled.rule
    return RuleDetail(
        **_summary(rb, compiled, lang),
        when=[condition_text(c, lang) for c in rule.when],
        ask_if_unknown=list(rule.ask_if_unknown),
        references=list(rule.references),
        replaces=rule.replaces,
        texts=[conclusion_text(rb, c.kind, c.target, lang) for c in rule.then],  # type: ignore[arg-type]
    )
