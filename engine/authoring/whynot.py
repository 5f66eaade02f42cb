"""Why a finding, recommendation or caveat was (not) reached for one fact file.

The diagnosis runs in durable-rules as usual; then every rule that could conclude the
id is read again with the three-valued evaluation of ``rulebase/predicates.py``: which of its
conditions failed (with the facts' values), which could not be judged because a fact
is unknown (and so what to ask the customer), and which ``not_finding`` condition
blocked it, naming the ranking principle behind it. A missing finding that a rule
needed is explained the same way, one level further down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..report.case import jsonable
from ..report.placeholders import Placeholders
from ..report.questions import unknown_sources
from ..rulebase.fields import FLAG_SOURCES
from ..rulebase.predicates import ConditionResult, evaluate
from .catalog import ConclusionKind, condition_text, producers, require_conclusion, title

if TYPE_CHECKING:
    from ..loader import FactsInput
    from ..report.case import Case
    from ..report.questions import QuestionPlan
    from ..rulebase.load import CompiledRule, RuleBase
    from ..rulebase.packfile import Condition
    from ..runner import Engine

Verdict = Literal["holds", "fails", "unknown"]
_VERDICT: dict[bool | None, Verdict] = {True: "holds", False: "fails", None: "unknown"}


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Principle(_Out):
    """A ranking principle that kept a conclusion out."""

    id: str
    text: str


class Ask(_Out):
    """A fact-file field worth asking about, with the pack's question text when it has one."""

    field: str
    ask: str | None
    why: str | None


class ConditionCheck(_Out):
    """One condition of a rule, judged against the case."""

    condition: str
    """The condition as a sentence in the requested language."""
    verdict: Verdict
    facts: dict[str, Any] = Field(default_factory=dict)
    """The known values of the facts the condition tests (fact path -> value)."""
    unknown: list[str] = Field(default_factory=list)
    """Fact-file fields whose being unknown left the condition open."""
    blocked_by: str | None = None
    """``not_finding`` that failed: the finding that was reached and blocks the rule."""
    principle: Principle | None = None
    """The ranking principle the blocking condition names."""
    finding_rules: list[RuleCheck] = Field(default_factory=list)
    """``finding`` that failed: the rules that could have concluded that finding."""


class RuleCheck(_Out):
    """One rule that could conclude the id, and how each of its conditions fared."""

    rule_id: str
    description: str
    pack: str
    fired: bool
    conditions: list[ConditionCheck]


ConditionCheck.model_rebuild()


class WhyNot(_Out):
    """The answer to ``why-not FILE ID``."""

    id: str
    kind: ConclusionKind
    title: str
    lang: Literal["en", "ja"]
    reached: bool
    reached_by: list[str]
    """When reached: the rules that concluded it."""
    rules: list[RuleCheck]
    """Every rule that could conclude it (empty: no loaded rule concludes it)."""
    principles: list[Principle]
    """Ranking principles that blocked one of those rules."""
    questions: list[Ask]
    """Unknown facts whose answer could still let a rule conclude it, most useful first."""


def why_not(engine: Engine, facts: FactsInput, target: str, lang: str = "en") -> WhyNot:
    """Explain why *target* (a finding, recommendation or caveat id) was or was not reached.

    :raises UnknownIdError: *target* is not a loaded id (the message suggests the closest).
    :raises InputError: the facts are not valid.
    """
    if lang not in ("en", "ja"):
        raise ValueError(f"lang must be 'en' or 'ja', not {lang!r}")
    rb = engine.rulebase
    kind = require_conclusion(rb, target)
    run = engine.run(facts)
    report = engine.report(run, lang)  # type: ignore[arg-type]
    fired = {compiled.id for compiled in run.fired}
    case = run.case
    findings = {f.id for f in report.findings}
    reached_ids = {i for ids in report.ids().values() for i in ids}
    checker = _Checker(rb, engine.plans.questions, case, findings, fired, lang)
    rules = [checker.rule(r, visited={target}) for r in producers(rb, target)]
    reached = target in reached_ids
    return WhyNot(
        id=target, kind=kind, title=checker.fill(title(rb, kind, target, lang)), lang=lang,  # type: ignore[arg-type]
        reached=reached,
        reached_by=[r.rule_id for r in rules if r.fired],
        rules=rules,
        principles=_unique([c.principle for r in rules for c in _walk(r) if c.principle is not None]),
        questions=[] if reached else checker.asks(rules),
    )


def _walk(rule: RuleCheck) -> list[ConditionCheck]:
    """Every condition of *rule* and of the rules behind its missing findings."""
    out = []
    for cond in rule.conditions:
        out.append(cond)
        for sub in cond.finding_rules:
            out.extend(_walk(sub))
    return out


def _unique(items: list[Principle]) -> list[Principle]:
    seen: dict[str, Principle] = {}
    for item in items:
        seen.setdefault(item.id, item)
    return list(seen.values())


def could_fire(rule: RuleCheck) -> bool:
    """No condition of *rule* is known to fail, except missing findings that could still be reached."""
    for cond in rule.conditions:
        if cond.verdict == "fails" and not (cond.finding_rules and any(could_fire(r) for r in cond.finding_rules)):
            return False
    return True


class _Checker:
    def __init__(self, rb: RuleBase, plan: QuestionPlan, case: Case, findings: set[str], fired: set[str],
                 lang: str) -> None:
        self.rb, self.plan, self.case, self.findings, self.fired, self.lang = rb, plan, case, findings, fired, lang
        # Placeholders whose facts are unknown stay as written: "{backup_size}".
        self.params = Placeholders(rb, case, lang, unknown=lambda name: "{" + name + "}")
        self.values = dict(case.values)
        self.unset_lists: dict[str, str] = {}
        # A flag (messages.<id>, uses.<name>) is present only when true: once the customer
        # gave the list, a flag missing from it is false, not unknown.
        given = {"messages": case.facts.symptoms.messages, "uses": case.facts.uses}
        for prefix, source in FLAG_SOURCES.items():
            if given[prefix] is None:
                self.unset_lists[prefix] = source
                continue
            for name in rb.registry.flag_groups.get(prefix, ()):
                self.values.setdefault(f"{prefix}.{name}", False)

    def fill(self, text: str) -> str:
        """*text* with the placeholders known for this case filled; the others left as written."""
        return self.params.fill(text)

    def rule(self, compiled: CompiledRule, visited: set[str]) -> RuleCheck:
        checks = [self.condition(c, visited) for c in compiled.rule.when]
        return RuleCheck(rule_id=compiled.id, description=compiled.rule.description.get(self.lang),
                         pack=compiled.pack, fired=compiled.id in self.fired, conditions=checks)

    def condition(self, cond: Condition, visited: set[str]) -> ConditionCheck:
        result: ConditionResult = evaluate(cond, self.values, self.findings, self.rb.registry)
        verdict = _VERDICT[result.verdict]
        text = condition_text(cond, self.lang)
        if cond.not_finding is not None:
            if verdict != "fails":
                return ConditionCheck(condition=text, verdict=verdict)
            principle = None
            if cond.principle is not None:
                principle = Principle(id=cond.principle, text=self.rb.principles[cond.principle].get(self.lang))
            return ConditionCheck(condition=text, verdict=verdict, blocked_by=cond.not_finding, principle=principle)
        if cond.finding is not None:
            subs: list[RuleCheck] = []
            if verdict == "fails" and cond.finding not in visited:
                seen = visited | {cond.finding}
                subs = [self.rule(r, seen) for r in producers(self.rb, cond.finding)]
            return ConditionCheck(condition=text, verdict=verdict, finding_rules=subs)
        values = {p: jsonable(self.values[p]) for p in cond.fact_paths() if p in self.values}
        unknown: list[str] = []
        if verdict == "unknown":
            unknown = unknown_sources(self.plan, self.rb, self.case, result.unknown)
            lists = [self.unset_lists.get(p.partition(".")[0]) for p in result.unknown]
            unknown.extend(sorted({s for s in lists if s is not None and s not in unknown}))
        return ConditionCheck(condition=text, verdict=verdict, facts=values, unknown=unknown)

    def asks(self, rules: list[RuleCheck]) -> list[Ask]:
        """The unknown fields of the rules that could still fire, in the packs' question order."""
        fields: list[str] = []

        def collect(rule: RuleCheck) -> None:
            if not could_fire(rule):
                return
            for cond in rule.conditions:
                fields.extend(f for f in cond.unknown if f not in fields)
                for sub in cond.finding_rules:
                    collect(sub)

        for rule in rules:
            collect(rule)
        questions = self.rb.questions
        fields.sort(key=lambda f: (f not in questions, questions[f].order if f in questions else 0, f))
        return [Ask(field=f, ask=questions[f].ask.get(self.lang) if f in questions else None,
                    why=questions[f].why.get(self.lang) if f in questions else None) for f in fields]
