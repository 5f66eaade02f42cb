"""Turn the rules that fired into a :class:`Report`: order, texts, because, questions, trace.

Order is explicit and never taken from durable's agenda: findings by severity, fixes
by tier (unblock, quick, free, paid, alternative), each then by its ``order`` in the
pack and its id. The same facts therefore give the same report, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any

from ...facts.version import Version
from ..rulebase.packfile import TIER_ORDER, StepVariants
from .questions import questions
from .model import Lang, Report, TraceEvent
from .case import jsonable
from .placeholders import Placeholders
from ..texts import Msg, in_lang, say, say_in

if TYPE_CHECKING:
    from ..rulebase.load import CompiledRule, RuleBase
    from .case import Case
    from .plans import AssemblyPlan, Plans

Tracer = Callable[[TraceEvent], None]


class _Concluded:
    # A plain class with slots: one is made per conclusion of every report, and a
    # dataclass with default factories took several times as long to build.
    __slots__ = ("because", "paths", "tier", "_own")

    def __init__(self, because: dict[str, None], paths: dict[str, None], tier: str | None) -> None:
        self.because = because
        """Ids of the rules behind it, in order (a dict as an ordered set)."""
        self.paths = paths
        """The fact paths those rules tested."""
        self.tier = tier
        # Most conclusions come from one rule: until a second adds to them, the two
        # dicts are that rule's own (read only), not copies.
        self._own = False

    def add(self, because: dict[str, None], paths: dict[str, None], tier: str | None) -> None:
        if not self._own:
            self.because, self.paths, self._own = dict(self.because), dict(self.paths), True
        self.because.update(because)
        self.paths.update(paths)
        if tier is not None:
            self.tier = tier if self.tier is None else min(self.tier, tier, key=TIER_ORDER.__getitem__)


def _conclude(plan: AssemblyPlan, firings: Sequence[CompiledRule]) -> dict[str, dict[str, _Concluded]]:
    """Every finding, fix and caveat the firings concluded, with the chain of rules behind it."""
    found: dict[str, dict[str, _Concluded]] = {"finding": {}, "recommendation": {}, "caveat": {}}
    findings, effects = found["finding"], plan.effects
    for compiled in firings:
        rule = effects[compiled.name]
        # The chain behind a conclusion: this rule, then whatever made the findings it used.
        because, paths = rule.because, rule.paths
        if rule.consumes:
            because, paths = dict(because), dict(paths)
            for fid in rule.consumes:
                if fid in findings:
                    because.update(findings[fid].because)
                    paths.update(findings[fid].paths)
        for kind, target, tier in rule.conclusions:
            concluded = found[kind]
            entry = concluded.get(target)
            if entry is None:
                concluded[target] = _Concluded(because, paths, tier)
            else:
                entry.add(because, paths, tier)
    return found


def assemble(rb: RuleBase, plans: Plans, case: Case, firings: Sequence[CompiledRule], lang: Lang,
             *, explain: bool = False, tracer: Tracer | None = None, declined: Collection[str] = (),
             region: str | None = None) -> Report:
    found = _conclude(plans.assembly, firings)
    concluded = {cid for kind in found.values() for cid in kind}
    fill = Placeholders(rb, case, lang, region=region, concluded=concluded).fill
    fdefs, rdefs, cdefs = rb.findings, rb.recommendations, rb.caveats

    forder, rorder, corder = plans.assembly.sort_keys
    findings = sorted(found["finding"].items(), key=lambda kv: forder[kv[0]])
    recs = sorted(found["recommendation"].items(),
                  key=lambda kv: (TIER_ORDER[kv[1].tier or rdefs[kv[0]].tier], rorder[kv[0]]))
    # What concerns this customer first (their apps, their settings, their backup's
    # age), then what every ticket of the goal is told; each group by its order.
    specific = plans.assembly.specific
    cavs = sorted(found["caveat"].items(), key=lambda kv: (specific.isdisjoint(kv[1].because), corder[kv[0]]))

    fired = {compiled.id for compiled in firings}
    trace = _trace(rb, case, firings, lang) if (explain or tracer is not None) else []
    if tracer is not None:
        for event in trace:
            tracer(event)

    rank1: tuple[int, int] | None = None
    checked: Collection[str] = ()
    if recs:
        rid, first = recs[0]
        rank1, checked = (TIER_ORDER[first.tier or rdefs[rid].tier], rdefs[rid].order), rdefs[rid].checks
    asked, settled = questions(plans.questions, case, fired, found["finding"], lang, declined, rank1, concluded,
                               checked)
    facts = case.facts
    # Plain dicts validated in one call: pydantic-core builds the nested models in Rust,
    # about twice as fast as a constructor call per finding, fix and caveat.
    return Report.model_validate({
        "ticket": facts.ticket,
        "lang": lang,
        "findings": [
            {"id": fid, "title": fill(d.title.get(lang)), "detail": fill(d.detail.get(lang)), "severity": d.severity,
             "because": list(c.because), "evidence": _evidence(case, c.paths)}
            for fid, c in findings for d in [fdefs[fid]]
        ],
        "recommendations": [
            {"id": rid, "rank": i, "tier": c.tier or d.tier, "title": fill(d.title.get(lang)),
             # A step whose placeholder has nothing to say for this case fills to "" and is left out.
             "steps": [t for s in _steps(d.steps, case, lang) if (t := fill(s))], "because": list(c.because),
             "evidence": _evidence(case, c.paths)}
            for i, (rid, c) in enumerate(recs, 1) for d in [rdefs[rid]]
        ],
        "caveats": [{"id": cid, "text": fill(cdefs[cid].text.get(lang)), "because": list(c.because)}
                    for cid, c in cavs],
        "questions": asked,
        "settled": settled,
        "unrecognised_messages": case.unrecognised_messages,
        "unrecognised_uses": case.unrecognised_uses,
        "device": {"model": facts.device.model, "family": case.values.get("device.family"),
                   "target_model": facts.target.model, "target_family": case.values.get("target.family")},
        "estimates": _estimates(case, lang),
        "knowledge": plans.assembly.knowledge_info,
        "trace": trace if explain else [],
    })


def _evidence(case: Case, paths: Collection[str]) -> dict[str, Any]:
    values = case.values
    evidence: dict[str, Any] = {}
    for path in sorted(paths):
        if path in values:
            value = values[path]
            evidence[path] = str(value) if isinstance(value, Version) else value  # as jsonable() does
    return evidence


def _steps(steps: Any, case: Case, lang: str) -> list[str]:
    if isinstance(steps, StepVariants):
        chosen = steps.cases.get(str(case.values.get(steps.by)), steps.otherwise)
        return chosen.get(lang)
    texts: list[str] = steps.get(lang)  # the pack's own list: only read
    return texts


def _estimates(case: Case, lang: str) -> dict[str, Any]:
    """The report's ``estimates``, as data for :class:`Estimates` (the report validates it)."""
    est = case.estimate
    how = None
    basis = est.get("basis")
    if basis:
        no_photos = say("estimate.no_photos") if not basis["photos_in_backup"] else Msg("", "")
        how = in_lang(say("estimate.how", base_gb=basis["base_gb"], photo_count=basis["photo_count"],
                          mb_per_photo=basis["mb_per_photo"], video_gb=basis["video_gb"], no_photos=no_photos), lang)
    return {"backup_size_gb": est.get("backup_size_gb"), "backup_size_source": est.get("backup_size_source", "unknown"),
            "how": how}


# --------------------------------------------------------------------------- trace


def _trace(rb: RuleBase, case: Case, firings: Sequence[CompiledRule], lang: str) -> list[TraceEvent]:
    events: list[TraceEvent] = []
    known = {k: jsonable(val) for k, val in sorted(case.values.items())}
    events.append(TraceEvent(seq=0, op="assert", facts=known, message=say_in(lang, "trace.asserted", count=len(known))))
    for compiled in firings:
        rule = compiled.rule
        derived = [c.finding for c in rule.then if c.finding]
        used = {p: known[p] for p in compiled.fact_paths() if p in known}
        consumed = [c.finding for c in rule.when if c.finding]
        desc = rule.description.get(lang)
        events.append(TraceEvent(seq=len(events), op="fire", rule_id=rule.id, pack=compiled.pack, facts=used,
                                 derived=derived,
                                 message=desc + (("  ← " + ", ".join(consumed)) if consumed else "")))
        for concl in rule.then:
            events.append(TraceEvent(seq=len(events), op="emit", rule_id=rule.id, pack=compiled.pack,
                                     message=say_in(lang, "trace.emitted", kind=say(concl.kind), id=concl.target)))
    return events
