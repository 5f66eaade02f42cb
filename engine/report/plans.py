"""What every report needs from the rule base alone, built once with the :class:`Engine`.

Assembly and questions read the same rules for every diagnosis; what depends only on
the rules (each rule's effects, the sort keys, the question plan and its texts) is
worked out here when the engine is built, and handed to them as :class:`Plans`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..rulebase.packfile import SEVERITY_ORDER
from .questions import QuestionPlan, build_question_plan

if TYPE_CHECKING:
    from ..rulebase.load import RuleBase
    from ..rulebase.packfile import Condition

SortKeys = dict[str, tuple[Any, ...]]


@dataclass(frozen=True)
class Effects:
    """What one rule's firing adds to a report."""

    because: dict[str, None]
    """The rule's own id, as the start of a chain (a dict as an ordered set; only read)."""
    paths: dict[str, None]
    """The fact paths the rule tests (only read)."""
    consumes: tuple[str, ...]
    """Findings the rule requires: their own chains join this rule's."""
    conclusions: tuple[tuple[str, str, str | None], ...]
    """(kind, id, tier) of each conclusion."""


@dataclass(frozen=True)
class AssemblyPlan:
    effects: dict[str, Effects]
    """Per durable rule name."""
    sort_keys: tuple[SortKeys, SortKeys, SortKeys]
    """Of the findings, fixes and caveats by id: a finding's severity, then each one's
    ``order`` and id (a fix's tier goes first, per report, since a rule may set it)."""
    knowledge_info: dict[str, Any]
    """The report's ``knowledge``, as data: each report's validation makes its own
    :class:`KnowledgeInfo` (one shared instance would share its ``prices_as_of`` dict)."""
    specific: frozenset[str]
    """Ids of the rules that say something about this customer beyond the goal (see
    :func:`_specific`): their caveats come before the ones every such ticket gets."""


@dataclass(frozen=True)
class Plans:
    assembly: AssemblyPlan
    questions: QuestionPlan


def build_plans(rb: RuleBase) -> Plans:
    kn = rb.knowledge
    assembly = AssemblyPlan(
        effects={c.name: Effects({c.id: None}, dict.fromkeys(c.paths),
                                 tuple(w.finding for w in c.rule.when if w.finding is not None),
                                 tuple((t.kind, t.target, t.tier) for t in c.rule.then))
                 for c in rb.rules},
        sort_keys=({fid: (SEVERITY_ORDER[d.severity], d.order, fid) for fid, d in rb.findings.items()},
                   {rid: (d.order, rid) for rid, d in rb.recommendations.items()},
                   {cid: (d.order, cid) for cid, d in rb.caveats.items()}),
        knowledge_info={"as_of": kn.as_of, "prices_as_of": {k: r.as_of for k, r in kn.regions.items()}},
        specific=frozenset(c.id for c in rb.rules if any(_specific(w) for w in c.rule.when)),
    )
    return Plans(assembly, build_question_plan(rb))


_EVERY_TICKET = frozenset({"goal", "stage"})
"""Facts every ticket has (the stage follows from the goal): no evidence about this customer."""


def _specific(cond: Condition) -> bool:
    """Whether a condition holding says something of this customer: a fact they gave
    (what they use, a setting, a date) or a finding. Not the goal, which every ticket
    has, nor a fact being unknown or a finding absent, which hold for a ticket that says
    nothing at all."""
    if cond.any is not None:
        return any(_specific(sub) for sub in cond.any)
    if cond.fact is not None:
        return cond.fact not in _EVERY_TICKET and cond.known is not False
    return cond.finding is not None
