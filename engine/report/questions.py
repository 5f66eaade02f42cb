"""The questions of a report: unknown facts whose answer could add a finding, fix or caveat.

Durable-rules decides what fired; this module reads the rules that did *not* fire,
three-valued, over the same encoded case (see ``rulebase/predicates.py``): a rule none of whose
conditions is known to fail, but some of whose facts are unknown, could still fire,
and the fact-file fields behind those unknown facts are worth asking about.

It runs on every diagnosis, so the rule base is compiled once into a
:class:`QuestionPlan`: conditions shared by several rules (``goal is migrate``) are
judged once per case, and everything that depends only on the rules is precomputed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, get_args

from ..rulebase.packfile import SEVERITY_ORDER, TIER_ORDER, Goal
from .answers import answers
from .model import Answer, CouldChange, Lang, Question

if TYPE_CHECKING:
    from ..rulebase.load import CompiledRule, RuleBase
    from ..rulebase.packfile import Condition
    from ..rulebase.predicates import PredicateFn
    from .case import Case

_NOT_JUDGED = object()

_NEVER_ASKED = frozenset({"today", "symptoms.messages"})
"""Inputs a question cannot sensibly ask for: the date, and what the phone showed (the
list behind the message flags). ``uses`` is asked, with its values as choices."""


@dataclass(frozen=True)
class _Test:
    predicate: PredicateFn
    paths: tuple[str, ...]
    shows_play: bool
    """Holding makes the rule relevant ("in play"). The goal alone does not: every rule checks it."""


@dataclass(frozen=True)
class _RulePlan:
    rule_id: str
    tests: tuple[tuple[int, PredicateFn, tuple[str, ...], bool], ...]
    """The rule's tests in its order, each as its index into :attr:`QuestionPlan.tests`
    (where its verdict is kept for the case) and that test's predicate, paths and
    ``shows_play``, unpacked for the loop that reads them."""
    ask_if_unknown: tuple[str, ...]
    screened: frozenset[str]
    """Goals for which it is in play whatever the complaint: it tests a question field
    whose pack entry lists them under ``screening``."""
    concludes: frozenset[str]
    """The ids of its findings, fixes and caveats: once all are in the report, its
    firing too would add nothing, so its unknown facts are not worth a question."""
    weights: tuple[tuple[int, int, int], tuple[int, int, int]]
    """How much the rule's conclusion matters (blocking findings first, then the rest),
    when it is out of play and when in play: lower comes first."""


@dataclass(frozen=True)
class QuestionPlan:
    """What :func:`questions` needs from a rule base, built once per rule base."""

    tests: tuple[_Test, ...]
    rules: tuple[_RulePlan, ...]
    tested_by: dict[str, frozenset[int]]
    """Per fact path: the rules (indexes into :attr:`rules`) that test it. Only rules
    with an unknown fact can still fire, so only those are visited."""
    tested: frozenset[str]
    asking: tuple[int, ...]
    """Rules with ``ask_if_unknown``: they ask even when they fired."""
    sources: dict[str, tuple[tuple[str, ...], bool]]
    """Per fact path: its input fields, best question first, and whether one answer is enough."""
    asks: dict[str, tuple[tuple[str, ...], bool]]
    """:attr:`sources` less the fields never asked for, and less those without a question
    text too unless one answer is enough (then the first source still unknown is the
    one to ask about, whether or not it has a text)."""
    when: dict[str, tuple[tuple[PredicateFn, ...], tuple[PredicateFn, ...]]]
    """Per question field with ``when`` or ``in_play_when`` in its pack: those conditions,
    as predicates."""
    order: dict[str, tuple[int, str]]
    """Per question field: its sort key after the weight (the question's order, the field)."""
    texts: dict[str, dict[str | None, dict[str, dict[CouldChange, Question]]]]
    """Per language, per goal (None: none given), per question field, per
    ``could_change``: the question. Its text and answer depend only on those, and
    reports are frozen, so one instance serves every diagnosis."""


def build_question_plan(rb: RuleBase) -> QuestionPlan:
    # Imported here, once per engine: at the top it would deepen the import chains of
    # every module that reads this one (tests/test_layout.py keeps them short).
    from ..rulebase.predicates import predicate_of

    tests: list[_Test] = []
    index: dict[str, int] = {}
    rules = []
    tested_by: dict[str, set[int]] = {}
    for n, compiled in enumerate(rb.rules):
        ids = []
        for cond, test in zip(compiled.rule.when, compiled.conditions, strict=True):
            key = cond.model_dump_json(exclude_none=True)
            if key not in index:
                index[key] = len(tests)
                tests.append(_Test(test.test, test.paths, _shows_play(cond)))
            ids.append(index[key])
        importance = _importance(rb, compiled)
        steps = tuple((i, tests[i].predicate, tests[i].paths, tests[i].shows_play) for i in ids)
        rules.append(_RulePlan(compiled.id, steps, tuple(compiled.rule.ask_if_unknown),
                               frozenset(g for p in compiled.paths for src in rb.registry.input_sources(p)
                                         if src in rb.questions for g in rb.questions[src].screening),
                               frozenset(c.target for c in compiled.rule.then),
                               ((1, *importance), (0, *importance))))
        for path in compiled.paths:
            tested_by.setdefault(path, set()).add(n)
    paths = {p for c in rb.rules for p in (*c.paths, *c.rule.ask_if_unknown)}
    return QuestionPlan(
        tests=tuple(tests), rules=tuple(rules),
        tested_by={p: frozenset(ns) for p, ns in tested_by.items()}, tested=frozenset(tested_by),
        asking=tuple(n for n, r in enumerate(rules) if r.ask_if_unknown),
        sources=(sources := {p: _sources(rb, p) for p in paths}),
        asks={p: (tuple(f for f in fields if f not in _NEVER_ASKED and (ask_one or f in rb.questions)), ask_one)
              for p, (fields, ask_one) in sources.items()},
        when={p: (tuple(predicate_of(c, rb.registry).test for c in q.when),
                  tuple(predicate_of(c, rb.registry).test for c in q.in_play_when))
              for p, q in rb.questions.items() if q.when or q.in_play_when},
        order={p: (q.order, p) for p, q in rb.questions.items()},
        texts={lang: {goal: _texts(rb, lang, goal, shapes) for goal in _GOALS}
               for lang in ("en", "ja") for shapes in [answers(rb, lang)]},
    )


_GOALS: tuple[Goal | None, ...] = (None, *get_args(Goal))


def _texts(rb: RuleBase, lang: Lang, goal: Goal | None,
           shapes: Mapping[str, Answer]) -> dict[str, dict[CouldChange, Question]]:
    # The answers are the same for every goal: built once per language, shared.
    return {path: {change: Question(field=path, ask=(q.ask_for.get(goal, q.ask) if goal else q.ask).get(lang),
                                    why=q.why.get(lang), answer=shapes[path], could_change=change)
                   for change in _CHANGES}
            for path, q in rb.questions.items() if path in shapes}


_CHANGES: tuple[CouldChange, ...] = ("blocking", "cause", "fix", "caveat")
"""Indexed by a weight's class (see :func:`_importance`)."""


def _shows_play(cond: Condition) -> bool:
    """Whether the condition holding says something about this customer.

    The goal does not (every rule checks it); nor does a test that holds because a
    fact is unknown (``known: false``) or a finding absent (``not_finding``): those
    hold for a ticket that says nothing at all.
    """
    if cond.any is not None:
        return any(_shows_play(sub) for sub in cond.any)
    if cond.fact is not None:
        return cond.fact.startswith(_COMPLAINT) and not (cond.op == "known" and cond.value is False)
    return cond.finding is not None


_COMPLAINT = ("symptoms.", "messages.", "apple_status.")
"""What the customer complains of (and Apple reports). Facts that describe the phone,
the account or the network are no evidence by themselves: an iPhone SE that is not 5G
does not make "the backup fails on cellular" a likely cause."""


def _importance(rb: RuleBase, compiled: CompiledRule) -> tuple[int, int]:
    best = (99, 99)
    for concl in compiled.rule.then:
        if concl.finding:
            rank = (SEVERITY_ORDER[rb.findings[concl.finding].severity], rb.findings[concl.finding].order)
        elif concl.recommend:
            d = rb.recommendations[concl.recommend]
            rank = (_FIX + TIER_ORDER[concl.tier or d.tier], d.order)
        else:
            rank = (_CAVEAT, rb.caveats[concl.target].order)
        best = min(best, rank)
    return best


_FIX = len(SEVERITY_ORDER)
_CAVEAT = _FIX + len(TIER_ORDER)


def could_change(weight: tuple[int, int, int]) -> CouldChange:
    """The kind of conclusion a weight stands for: blocking finding, other finding, fix, caveat."""
    level = weight[1]
    if level == 0:
        return "blocking"
    if level < _FIX:
        return "cause"
    return "fix" if level < _CAVEAT else "caveat"


def _sources(rb: RuleBase, path: str) -> tuple[tuple[str, ...], bool]:
    spec = rb.registry.get(path)
    sources = rb.registry.input_sources(path)
    ask_one = spec is not None and spec.ask_one
    if ask_one:
        sources = tuple(sorted(sources, key=lambda p: rb.questions[p].order if p in rb.questions else 999))
    return sources, ask_one


def unknown_sources(plan: QuestionPlan, rb: RuleBase, case: Case, paths: Collection[str]) -> list[str]:
    """Fact-file fields behind *paths* that the customer could still tell us."""
    out: list[str] = []
    for path in paths:
        out.extend(src for src in _askable_sources(plan, rb, case.values, path) if src not in out)
    return out


def _askable_sources(plan: QuestionPlan, rb: RuleBase, values: Mapping[str, Any], path: str) -> list[str]:
    sources, ask_one = plan.sources.get(path) or _sources(rb, path)
    found = [src for src in sources if _askable(src, values)]
    return found[:1] if ask_one else found


def _askable(src: str, values: Mapping[str, Any]) -> bool:
    if src in _NEVER_ASKED:
        return False
    if src in _MODEL_FIELDS:
        # Given but not recognised: worth asking for the exact model name.
        return src not in values or values.get(_MODEL_FIELDS[src]) is False
    return src not in values


_MODEL_FIELDS = {"device.model": "device.model_known", "target.model": "target.model_known"}
"""Model names, each with the fact that says whether it was recognised."""


def questions(plan: QuestionPlan, case: Case, fired: Collection[str], findings: Collection[str],
              lang: Lang, declined: Collection[str] = (), rank1: tuple[int, int] | None = None,
              concluded: Collection[str] = (), checked: Collection[str] = ()) -> tuple[list[Question], bool]:
    """Unknown facts whose answer could add a finding, fix or caveat, most useful first,
    and whether the report is settled.

    A question comes first when the rule it could unlock already matches something the
    customer reported (a rule "in play"), then by how much the rule's conclusion
    matters (blocking causes first), then by the question's own order. *checked* are
    the fields the rank-1 fix's own steps look up: they stay in the list, but do not
    keep the report open.
    """
    encoded = case.durable_fact
    goal = case.values.get("goal")
    verdicts: list[Any] = [_NOT_JUDGED] * len(plan.tests)
    best: dict[str, tuple[int, int, int]] = {}
    """Per unknown fact path: the best weight of a rule its answer could make fire."""

    for n in plan.asking:
        rule = plan.rules[n]
        if rule.rule_id in fired:
            # What the customer reported already made this conclusion: the facts that
            # make it precise come before anything that is only possible.
            _, level, rank = rule.weights[1]
            for position, path in enumerate(rule.ask_if_unknown):
                # In the order the rule's author listed them (the checks the source asks for first).
                weight = (-1, level, rank * 100 + position)
                if path not in best or weight < best[path]:
                    best[path] = weight
    # A rule all of whose facts are known either fired or fails on one of them, so only
    # the rules testing an unknown fact are read. The outcome does not depend on the
    # order rules are read in: each fact keeps its best weight.
    tested_by = plan.tested_by
    candidates: set[int] = set()
    for path in plan.tested.difference(encoded):
        candidates.update(tested_by[path])
    for n in candidates:
        rule = plan.rules[n]
        if rule.rule_id in fired or rule.concludes.issubset(concluded):
            continue
        unknown: list[str] = []
        in_play = goal in rule.screened
        for i, predicate, paths, shows_play in rule.tests:
            verdict = verdicts[i]
            if verdict is _NOT_JUDGED:
                verdict = verdicts[i] = predicate(encoded, findings)
            if verdict is False:
                break  # most rules that did not fire fail on a known fact: stop there
            if verdict is None:
                if len(paths) == 1:
                    unknown.append(paths[0])  # its one fact is unknown: that is why
                else:
                    unknown.extend(p for p in paths if p not in encoded)
            elif shows_play:
                in_play = True
        else:
            weight = rule.weights[in_play]
            for path in unknown:
                if path not in best or weight < best[path]:
                    best[path] = weight

    # Each unknown fact asks for the fact-file fields behind it that can still be told.
    # (What _askable_sources() gives, inlined: it runs for some 25 facts per report.)
    wanted: dict[str, tuple[int, int, int]] = {}
    texts, values, asks, when = plan.texts[lang][goal], case.values, plan.asks, plan.when
    fits: dict[str, bool | None] = {}
    for path, weight in best.items():
        fields, ask_one = asks[path]
        for field in fields:
            if field in values and (field not in _MODEL_FIELDS or values.get(_MODEL_FIELDS[field]) is not False):
                continue  # known (a model name counts as known once it was recognised)
            if field == "uses" and values.get("uses_given"):
                continue  # its flags are only ever true: the list itself was given, even empty
            if field in declined:
                continue  # the customer cannot tell: it stays unknown, and the next source is asked
            mine = weight
            if field in when:
                fit = fits[field] if field in fits else fits.setdefault(field, _fits(when[field], encoded, findings))
                if fit is False:
                    continue  # not for this ticket's goal or stage (the pack's `when`)
                if fit:
                    mine = (min(weight[0], 0), weight[1], weight[2])
            if field in texts and (field not in wanted or mine < wanted[field]):
                wanted[field] = mine
            if ask_one:
                break
    order = plan.order
    for field in checked:
        if field in wanted:
            # Looked up by the first fix's own steps: after the questions it does not answer.
            wanted[field] = (max(wanted[field][0], 1), *wanted[field][1:])
    # Nothing concluded yet (no finding, no fix): the goal, then what went wrong (the
    # symptoms, in the pack's order), are asked first, after a fired rule's own questions,
    # and the report stays open while any question could still add a finding or a fix
    # (docs/consultation.md).
    empty = not findings and rank1 is None
    first = {f for f in wanted if f == "goal" or f.startswith("symptoms.")} if empty else set()
    ranked = sorted(wanted, key=lambda f: (wanted[f][0] >= 0, f not in first,
                                           order[f] if f in first else (0, ""), wanted[f], order[f]))
    settled = not any(_unsettles(wanted[field], rank1) for field in ranked)
    if empty and any(wanted[field][1] < _CAVEAT for field in ranked):
        settled = False
    return [texts[field][could_change(wanted[field])] for field in ranked], settled


def _fits(gate: tuple[tuple[PredicateFn, ...], tuple[PredicateFn, ...]], encoded: Mapping[str, Any],
          findings: Collection[str]) -> bool | None:
    """A question's ``when`` and ``in_play_when``: False when a ``when`` condition fails
    (not for this ticket), True when every ``in_play_when`` condition holds (in play),
    else None."""
    when, in_play_when = gate
    if any(test(encoded, findings) is False for test in when):
        return False
    return True if in_play_when and all(test(encoded, findings) is True for test in in_play_when) else None


def _unsettles(weight: tuple[int, int, int], rank1: tuple[int, int] | None) -> bool:
    """Whether an open question of this weight could change a finding or the rank-1 fix.

    Only a rule already in play counts: one that matches something the customer
    reported. A rule nothing points to could fire too, but asking about every such
    rule is the checklist an expert does not go through (issue 14).
    """
    in_play, level, order = weight
    if in_play != 0:
        # Not in play; or asked by a rule that fired (ask_if_unknown): its answer makes a
        # conclusion already drawn more precise, it does not add or remove one.
        return False
    if level < _FIX:
        return True
    if level < _CAVEAT:
        return rank1 is None or (level - _FIX, order) < rank1
    return False
