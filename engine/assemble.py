"""Turn the rules that fired into a :class:`Report`: order, texts, because, questions, trace.

Order is explicit and never taken from durable's agenda: findings by severity, fixes
by tier (unblock, quick, free, paid, alternative), each then by its ``order`` in the
pack and its id. The same facts therefore give the same report, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..facts.version import Version
from .case import Case
from .packs import SEVERITY_ORDER, TIER_ORDER, StepVariants
from .report import (
    Caveat, DeviceInfo, Estimates, Finding, KnowledgeInfo, Lang, Question, Recommendation, Report, TraceEvent,
)
from .rulebase import CompiledRule, RuleBase

Tracer = Callable[[TraceEvent], None]


@dataclass
class _Concluded:
    because: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    tier: str | None = None


def assemble(rb: RuleBase, case: Case, firings: list[CompiledRule], lang: Lang,
             *, explain: bool = False, tracer: Tracer | None = None) -> Report:
    found: dict[str, dict[str, _Concluded]] = {"finding": {}, "recommendation": {}, "caveat": {}}
    for compiled in firings:
        rule = compiled.rule
        consumed = [found["finding"][c.finding] for c in rule.when
                    if c.finding is not None and c.finding in found["finding"]]
        # The chain behind a conclusion: this rule, then whatever made the findings it used.
        chain = [rule.id] + [r for f in consumed for r in f.because]
        paths = compiled.fact_paths() + [p for f in consumed for p in f.paths]
        for concl in rule.then:
            entry = found[concl.kind].setdefault(concl.target, _Concluded())
            entry.because.extend(r for r in chain if r not in entry.because)
            entry.paths.extend(p for p in paths if p not in entry.paths)
            if concl.tier is not None:
                entry.tier = min(entry.tier or concl.tier, concl.tier, key=TIER_ORDER.__getitem__)

    params = text_params(rb, case, lang)
    fill = _Filler(params, lang)

    findings = sorted(found["finding"].items(),
                      key=lambda kv: (SEVERITY_ORDER[rb.findings[kv[0]].severity], rb.findings[kv[0]].order, kv[0]))
    recs = sorted(found["recommendation"].items(),
                  key=lambda kv: (TIER_ORDER[kv[1].tier or rb.recommendations[kv[0]].tier],
                                  rb.recommendations[kv[0]].order, kv[0]))
    cavs = sorted(found["caveat"].items(), key=lambda kv: (rb.caveats[kv[0]].order, kv[0]))

    report_findings = [
        Finding(id=fid, title=fill(d.title.get(lang)), detail=fill(d.detail.get(lang)), severity=d.severity,
                because=c.because, evidence=_evidence(case, c.paths))
        for fid, c in findings for d in [rb.findings[fid]]
    ]
    report_recs = [
        Recommendation(id=rid, rank=i, tier=c.tier or d.tier, title=fill(d.title.get(lang)),
                       steps=[fill(s) for s in _steps(d.steps, case, lang)], because=c.because,
                       evidence=_evidence(case, c.paths))
        for i, (rid, c) in enumerate(recs, 1) for d in [rb.recommendations[rid]]
    ]
    report_cavs = [Caveat(id=cid, text=fill(rb.caveats[cid].text.get(lang)), because=c.because) for cid, c in cavs]

    fired = {compiled.id for compiled in firings}
    trace = _trace(rb, case, firings, lang) if (explain or tracer is not None) else []
    if tracer is not None:
        for event in trace:
            tracer(event)

    facts = case.facts
    return Report(
        ticket=facts.ticket,
        lang=lang,
        findings=report_findings,
        recommendations=report_recs,
        caveats=report_cavs,
        questions=questions(rb, case, fired, set(found["finding"]), lang),
        unrecognised_messages=list(case.unrecognised_messages),
        unrecognised_uses=list(case.unrecognised_uses),
        device=DeviceInfo(model=facts.device.model, family=case.values.get("device.family"),
                          target_model=facts.target.model, target_family=case.values.get("target.family")),
        estimates=_estimates(case, lang),
        knowledge=KnowledgeInfo(as_of=rb.knowledge.as_of,
                                prices_as_of={k: r.as_of for k, r in rb.knowledge.regions.items()}),
        trace=trace if explain else [],
    )


def _evidence(case: Case, paths: list[str]) -> dict[str, Any]:
    return {p: jsonable(case.values[p]) for p in sorted(paths) if p in case.values}


def jsonable(value: Any) -> Any:
    """A fact value as JSON shows it (versions as their text)."""
    return str(value) if isinstance(value, Version) else value


def _steps(steps: Any, case: Case, lang: str) -> list[str]:
    if isinstance(steps, StepVariants):
        chosen = steps.cases.get(str(case.values.get(steps.by)), steps.otherwise)
        return chosen.get(lang)
    return list(steps.get(lang))


# --------------------------------------------------------------------------- texts


class _Filler:
    def __init__(self, params: dict[str, str], lang: str) -> None:
        self.params = params
        self.unknown = "不明" if lang == "ja" else "unknown"

    def __call__(self, text: str) -> str:
        if "{" not in text:
            return text
        return text.format_map(_Default(self.params, self.unknown))


class _Default(dict[str, str]):
    def __init__(self, params: dict[str, str], unknown: str) -> None:
        super().__init__(params)
        self.unknown = unknown

    def __missing__(self, key: str) -> str:
        return self.unknown


def _gb(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _plan_name(gb: float) -> str:
    return f"{gb / 1000:g} TB" if gb >= 1000 else f"{gb:g} GB"


def text_params(rb: RuleBase, case: Case, lang: str) -> dict[str, str]:
    """The values texts may show as ``{name}`` (see ``rulebase.PLACEHOLDERS``)."""
    v, facts, kn = case.values, case.facts, rb.knowledge
    p: dict[str, str] = {"latest_ios": f"iOS {kn.latest_ios_major}"}
    for key, path in (("backup_size_gb", "backup.size_gb"), ("space_gb", "account.space_for_backup_gb"),
                      ("free_gb", "account.free_gb"), ("plan_gb", "account.plan_gb"),
                      ("plan_used_gb", "account.used_gb"), ("storage_used_gb", "device.storage_used_gb"),
                      ("target_capacity_gb", "target.capacity_gb"), ("apps_waiting_hours", "symptoms.apps_waiting_hours")):
        if path in v:
            p[key] = _gb(float(v[path]))
    ja = lang == "ja"
    # Sizes with their unit, so a text reads well when the size is unknown ("unknown").
    if "backup.size_gb" in v:
        size = _gb(float(v["backup.size_gb"]))
        estimated = v.get("backup.size_estimated") is True
        p["backup_size"] = (f"約 {size} GB" + ("（推定）" if estimated else "")) if ja else \
            (f"about {size} GB" + (" (estimated)" if estimated else ""))
    if "account.space_for_backup_gb" in v:
        p["space_for_backup"] = f"{_gb(float(v['account.space_for_backup_gb']))} GB"
    # The newest iOS this model can run; never a number the model cannot reach.
    if "device.max_ios_major" in v:
        p["ios_ceiling"] = f"iOS {v['device.max_ios_major']}"
    else:
        p["ios_ceiling"] = "「ソフトウェア・アップデート」に表示される最新のバージョン" if ja else \
            "the newest version Software Update offers"
    if "backup.size_gb" in v and "account.space_for_backup_gb" in v:
        p["shortfall_gb"] = _gb(max(v["backup.size_gb"] - v["account.space_for_backup_gb"], 0.0))
    if "backup.days_since_success" in v:
        p["days_since_success"] = str(v["backup.days_since_success"])
    for key, path in (("device_ios", "device.ios"), ("target_ios", "target.ios"), ("backup_ios", "backup.last_backup_ios")):
        if path in v:
            p[key] = f"iOS {v[path]}"
    for side in ("device", "target"):
        model = getattr(facts, side).model
        if model is not None:
            p[f"{side}_model"] = model
        if f"{side}.max_ios_major" in v:
            p["max_ios" if side == "device" else "target_max_ios"] = f"iOS {v[f'{side}.max_ios_major']}"
    fam = v.get("device.family")
    if fam is not None:
        p["device_family"] = next(f.label for f in kn.families if f.id == fam)
    region_code = facts.region or ("JP" if lang == "ja" else "US")
    region = kn.regions[region_code]
    p["plan_region"] = {"JP": "日本" if lang == "ja" else "Japan",
                        "US": "米国" if lang == "ja" else "the US"}[region_code]
    p["plan_as_of"] = region.as_of
    if "backup.size_gb" in v and "account.used_gb" in v:
        # After the backup the account holds what it holds now, minus the backup it
        # replaces, plus the new one.
        need = v["account.used_gb"] - (facts.backup.existing_backup_gb or 0.0) + v["backup.size_gb"]
        plan = kn.smallest_plan(region_code, need)
    else:
        # Need unknown (e.g. only the "not enough storage" message): the next plan up.
        current = v.get("account.plan_gb", 0.0)
        plan = next((q for q in region.plans if q.gb > current), None)
    if plan is not None:
        p["plan_name"] = _plan_name(plan.gb)
        p["plan_price"] = region.price_text(plan.price)
    return p


def _estimates(case: Case, lang: str) -> Estimates:
    est = case.estimate
    how = None
    basis = est.get("basis")
    if basis:
        if lang == "ja":
            how = (f"推定値です: システムとアプリ {basis['base_gb']:g} GB + 写真 {basis['photo_count']} 枚 × "
                   f"{basis['mb_per_photo']:g} MB + ビデオ {basis['video_gb']:g} GB"
                   + ("" if basis["photos_in_backup"] else " (写真はバックアップに含まれないため 0 として計算)")
                   + "。正確な値は「次回作成時のサイズ」で確認できます。")
        else:
            how = (f"Estimated: {basis['base_gb']:g} GB for system and apps + {basis['photo_count']} photos × "
                   f"{basis['mb_per_photo']:g} MB + {basis['video_gb']:g} GB of video"
                   + ("" if basis["photos_in_backup"] else " (photos are not in the backup, counted as 0)")
                   + ". The phone shows the exact figure as \"Next Backup Size\".")
    return Estimates(backup_size_gb=est.get("backup_size_gb"), backup_size_source=est.get("backup_size_source", "unknown"),
                     how=how)


# --------------------------------------------------------------------------- questions


def _importance(rb: RuleBase, compiled: CompiledRule) -> tuple[int, int]:
    """How much a rule's conclusion matters: blocking findings first, then the rest."""
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


def unknown_sources(rb: RuleBase, case: Case, paths: tuple[str, ...]) -> list[str]:
    """Fact-file fields behind *paths* that the customer could still tell us."""
    out: list[str] = []
    for path in paths:
        sources, ask_one = _sources(rb, path)
        found = [src for src in sources if _askable(src, case)]
        out.extend(src for src in found[:1 if ask_one else None] if src not in out)
    return out


def _sources(rb: RuleBase, path: str) -> tuple[tuple[str, ...], bool]:
    """The input fields behind *path*, best question first, and whether one answer is enough."""
    key = ("sources", path)
    cached = rb.cache.get(key)
    if cached is None:
        spec = rb.registry.get(path)
        sources = rb.registry.input_sources(path)
        ask_one = spec is not None and spec.ask_one
        if ask_one:
            sources = tuple(sorted(sources, key=lambda p: rb.questions[p].order if p in rb.questions else 999))
        cached = rb.cache[key] = (sources, ask_one)
    return cached


def _askable(src: str, case: Case) -> bool:
    if src in ("today", "symptoms.messages", "uses"):
        return False
    if src in ("device.model", "target.model") and src in case.values:
        # Given but not recognised: worth asking for the exact model name.
        return case.values.get(src.split(".")[0] + ".model_known") is False
    return src not in case.values


def questions(rb: RuleBase, case: Case, fired: set[str], findings: set[str], lang: str) -> list[Question]:
    """Unknown facts whose answer could add a finding, fix or caveat, most useful first.

    A question comes first when the rule it could unlock already matches something the
    customer reported (a rule "in play"), then by how much the rule's conclusion
    matters (blocking causes first), then by the question's own order.
    """
    encoded = case.engine
    known = encoded.keys()
    wanted: dict[str, tuple[int, int, int]] = {}
    for compiled, rule_id, paths, tests, ask_if_unknown in _question_plan(rb):
        if rule_id in fired:
            if ask_if_unknown:
                _want(rb, compiled, unknown_sources(rb, case, ask_if_unknown), wanted, True)
            continue
        if known >= paths:
            continue  # every fact known and the rule did not fire: some condition fails
        # Stop at the first condition that fails: most rules that did not fire fail on
        # a known fact, and this runs for every such rule on every diagnosis.
        unknown: list[str] = []
        in_play = False
        for test, cond_paths, counts_as_play in tests:
            verdict = test(encoded, findings)
            if verdict is False:
                break
            if verdict is None:
                unknown.extend(p for p in cond_paths if p not in encoded)
            elif counts_as_play:
                in_play = True
        else:
            extra = unknown_sources(rb, case, tuple(unknown))
            if extra:
                _want(rb, compiled, extra, wanted, in_play)
    order = sorted(wanted, key=lambda p: (wanted[p], rb.questions[p].order, p))
    return [_question(rb, p, lang) for p in order]


_Plan = list[tuple[CompiledRule, str, frozenset[str], list[tuple[Any, tuple[str, ...], bool]], tuple[str, ...]]]


def _question_plan(rb: RuleBase) -> _Plan:
    """Per rule, what :func:`questions` reads, in plain tuples (built once per rule base)."""
    plan = rb.cache.get("question-plan")
    if plan is None:
        plan = rb.cache["question-plan"] = [
            (compiled, compiled.id, frozenset(compiled.paths),
             # The goal alone does not make a rule relevant ("in play"): every rule checks it.
             [(test.test, test.paths, cond.fact != "goal")
              for cond, test in zip(compiled.rule.when, compiled.conditions, strict=True)],
             tuple(compiled.rule.ask_if_unknown))
            for compiled in rb.rules
        ]
    return plan


def _question(rb: RuleBase, path: str, lang: str) -> Question:
    # A question's text depends only on its field and the language; reports are frozen,
    # so one instance can serve every diagnosis.
    key = (path, lang)
    question = rb.cache.get(key)
    if question is None:
        q = rb.questions[path]
        question = rb.cache[key] = Question(field=path, ask=q.ask.get(lang), why=q.why.get(lang))
    return question


def _want(rb: RuleBase, compiled: CompiledRule, paths: list[str], wanted: dict[str, tuple[int, int, int]],
          in_play: bool) -> None:
    key = ("importance", compiled.name)
    importance = rb.cache.get(key) or rb.cache.setdefault(key, _importance(rb, compiled))
    weight = (0 if in_play else 1, *importance)
    for path in paths:
        if path in rb.questions:
            wanted[path] = min(wanted.get(path, weight), weight)


# --------------------------------------------------------------------------- trace


def _trace(rb: RuleBase, case: Case, firings: list[CompiledRule], lang: str) -> list[TraceEvent]:
    events: list[TraceEvent] = []
    ja = lang == "ja"
    known = {k: jsonable(val) for k, val in sorted(case.values.items())}
    events.append(TraceEvent(seq=0, op="assert", facts=known,
                             message=f"事実を投入: 既知の項目 {len(known)} 件" if ja
                             else f"asserted the case: {len(known)} known facts"))
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
            kind = {"finding": ("所見", "finding"), "recommendation": ("対処", "recommendation"),
                    "caveat": ("注意", "caveat")}[concl.kind]
            events.append(TraceEvent(seq=len(events), op="emit", rule_id=rule.id, pack=compiled.pack,
                                     message=f"{kind[0] if ja else kind[1]}: {concl.target}"))
    return events
