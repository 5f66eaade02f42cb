"""The questions of a report: unknown facts whose answer could add a finding, fix or caveat.

Durable-rules decides what fired; this module reads the rules that did *not* fire,
three-valued, over the same encoded case (see ``evaluate.py``): a rule none of whose
conditions is known to fail, but some of whose facts are unknown, could still fire,
and the fact-file fields behind those unknown facts are worth asking about.

It runs on every diagnosis, so the rule base is compiled once into a
:class:`QuestionPlan`: conditions shared by several rules (``goal is migrate``) are
judged once per case, and everything that depends only on the rules is precomputed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from .case import Case
from .evaluate import Predicate
from .packs import SEVERITY_ORDER, TIER_ORDER
from .report import Lang, Question
from .rulebase import CompiledRule, RuleBase

_NOT_JUDGED = object()

_NEVER_ASKED = frozenset({"today", "symptoms.messages", "uses"})
"""Inputs a question cannot sensibly ask for: the date, and the lists behind flags."""


@dataclass(frozen=True)
class _Test:
    predicate: Predicate
    paths: tuple[str, ...]
    shows_play: bool
    """Holding makes the rule relevant ("in play"). The goal alone does not: every rule checks it."""


@dataclass(frozen=True)
class _RulePlan:
    rule_id: str
    paths: frozenset[str]
    tests: tuple[int, ...]
    """Indexes into :attr:`QuestionPlan.tests`, in the rule's order."""
    ask_if_unknown: tuple[str, ...]
    importance: tuple[int, int]
    """How much the rule's conclusion matters: blocking findings first, then the rest."""


@dataclass(frozen=True)
class QuestionPlan:
    """What :func:`questions` needs from a rule base, built once per rule base."""

    tests: tuple[_Test, ...]
    rules: tuple[_RulePlan, ...]
    sources: dict[str, tuple[tuple[str, ...], bool]]
    """Per fact path: its input fields, best question first, and whether one answer is enough."""
    direct: frozenset[str]
    """Fact-file fields rules test as they are: when one is unknown, it is itself the question."""


def question_plan(rb: RuleBase) -> QuestionPlan:
    plan: QuestionPlan | None = rb.cache.get(QuestionPlan)
    if plan is None:
        plan = rb.cache[QuestionPlan] = _build_plan(rb)
    return plan


def _build_plan(rb: RuleBase) -> QuestionPlan:
    tests: list[_Test] = []
    index: dict[str, int] = {}
    rules = []
    for compiled in rb.rules:
        ids = []
        for cond, test in zip(compiled.rule.when, compiled.conditions, strict=True):
            key = cond.model_dump_json(exclude_none=True)
            if key not in index:
                index[key] = len(tests)
                tests.append(_Test(test.test, test.paths, cond.fact != "goal"))
            ids.append(index[key])
        rules.append(_RulePlan(compiled.id, frozenset(compiled.paths), tuple(ids),
                               tuple(compiled.rule.ask_if_unknown), _importance(rb, compiled)))
    paths = {p for c in rb.rules for p in (*c.paths, *c.rule.ask_if_unknown)}
    direct = frozenset(p for p in paths if (spec := rb.registry.get(p)) is not None and not spec.derived)
    return QuestionPlan(tuple(tests), tuple(rules), {p: _sources(rb, p) for p in paths}, direct)


def _importance(rb: RuleBase, compiled: CompiledRule) -> tuple[int, int]:
    best = (9, 99)
    for concl in compiled.rule.then:
        if concl.finding:
            rank = (SEVERITY_ORDER[rb.findings[concl.finding].severity], rb.findings[concl.finding].order)
        elif concl.recommend:
            d = rb.recommendations[concl.recommend]
            rank = (4 + TIER_ORDER[concl.tier or d.tier], d.order)
        else:
            rank = (8, rb.caveats[concl.target].order)
        best = min(best, rank)
    return best


def _sources(rb: RuleBase, path: str) -> tuple[tuple[str, ...], bool]:
    spec = rb.registry.get(path)
    sources = rb.registry.input_sources(path)
    ask_one = spec is not None and spec.ask_one
    if ask_one:
        sources = tuple(sorted(sources, key=lambda p: rb.questions[p].order if p in rb.questions else 999))
    return sources, ask_one


def unknown_sources(rb: RuleBase, case: Case, paths: Collection[str]) -> list[str]:
    """Fact-file fields behind *paths* that the customer could still tell us."""
    plan = question_plan(rb)
    out: list[str] = []
    for path in paths:
        sources, ask_one = plan.sources.get(path) or _sources(rb, path)
        found = [src for src in sources if _askable(src, case.values)]
        out.extend(src for src in found[:1 if ask_one else None] if src not in out)
    return out


def _askable(src: str, values: Mapping[str, Any]) -> bool:
    if src in _NEVER_ASKED:
        return False
    if src == "device.model" or src == "target.model":
        # Given but not recognised: worth asking for the exact model name.
        return src not in values or values.get(src[:-6] + ".model_known") is False
    return src not in values


def questions(rb: RuleBase, case: Case, fired: Collection[str], findings: Collection[str],
              lang: Lang) -> list[Question]:
    """Unknown facts whose answer could add a finding, fix or caveat, most useful first.

    A question comes first when the rule it could unlock already matches something the
    customer reported (a rule "in play"), then by how much the rule's conclusion
    matters (blocking causes first), then by the question's own order.
    """
    plan = question_plan(rb)
    encoded = case.engine
    known = encoded.keys()
    verdicts: dict[int, Any] = {}
    wanted: dict[str, tuple[int, int, int]] = {}

    def want(fields: Collection[str], rule: _RulePlan, in_play: bool) -> None:
        weight = (0 if in_play else 1, *rule.importance)
        for path in fields:
            if path in rb.questions and (path not in wanted or weight < wanted[path]):
                wanted[path] = weight

    for rule in plan.rules:
        if rule.rule_id in fired:
            if rule.ask_if_unknown:
                want(unknown_sources(rb, case, rule.ask_if_unknown), rule, True)
            continue
        if known >= rule.paths:
            continue  # every fact known and the rule did not fire: some condition fails
        unknown: list[str] = []
        in_play = False
        for i in rule.tests:
            verdict = verdicts.get(i, _NOT_JUDGED)
            if verdict is _NOT_JUDGED:
                verdict = verdicts[i] = plan.tests[i].predicate(encoded, findings)
            if verdict is False:
                break  # most rules that did not fire fail on a known fact: stop there
            if verdict is None:
                unknown.extend(p for p in plan.tests[i].paths if p not in encoded)
            elif plan.tests[i].shows_play:
                in_play = True
        else:
            # An unknown input field is its own question; a derived one asks for its sources.
            direct = plan.direct.issuperset(unknown)
            want(unknown if direct else unknown_sources(rb, case, unknown), rule, in_play)
    order = sorted(wanted, key=lambda p: (wanted[p], rb.questions[p].order, p))
    return [_question(rb, p, lang) for p in order]


def _question(rb: RuleBase, path: str, lang: Lang) -> Question:
    # A question's text depends only on its field and the language; reports are frozen,
    # so one instance serves every diagnosis.
    key = (Question, path, lang)
    question: Question | None = rb.cache.get(key)
    if question is None:
        q = rb.questions[path]
        question = rb.cache[key] = Question(field=path, ask=q.ask.get(lang), why=q.why.get(lang))
    return question
