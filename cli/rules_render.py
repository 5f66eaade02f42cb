"""Text for the rule-author commands: catalogue, why-not, lint and rule-test results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.authoring.catalog import RuleDetail, RuleSummary, show_value
from ..engine.authoring.whynot import ConditionCheck, RuleCheck, WhyNot
from ..engine.safe_text import for_terminal
from . import texts
from .render import _width

if TYPE_CHECKING:  # only rendered, never built here; the commands import them on use
    from ..engine.authoring.lint import LintProblem
    from ..engine.authoring.ruletest import TestRun


def labels(lang: str) -> dict[str, str]:
    return texts.labels("rules", lang)


def _inert(lines: list[str]) -> list[str]:
    # Fact values (why-not), pack texts that quote them, and test-case names reach the
    # terminal here: each line goes out with its controls made visible.
    return [for_terminal(line) for line in lines]


def rule_list_lines(rules: list[RuleSummary], lang: str) -> list[str]:
    t = labels(lang)
    out = []
    for r in rules:
        done = ", ".join(f"{t[c.kind]} {c.id}" for c in r.concludes)
        out.append(f"{r.id}  → {done}")
        out.append(f"    {r.description}  [{r.pack}]")
    return _inert(out)


def rule_detail_lines(d: RuleDetail, lang: str) -> list[str]:
    t = labels(lang)
    out = [f"{d.id}: {d.description}", f"  {t['pack']}: {d.pack}    {t['at']}: {d.where}"]
    if d.replaces:
        out.append(f"  {t['replaces']}")
    out.append(f"  {t['when']}:")
    out.extend(f"    - {w}" for w in d.when)
    out.append(f"  {t['then']}:")
    for c in d.concludes:
        tier = f"  ({t['tier']}: {c.tier})" if c.tier else ""
        out.append(f"    - {t[c.kind]} {c.id}: {c.title}{tier}")
    if d.ask_if_unknown:
        out.append(f"  {t['ask']}: {', '.join(d.ask_if_unknown)}")
    if d.references:
        out.append(f"  {t['refs']}:")
        out.extend(f"    - {ref}" for ref in d.references)
    out.append(f"  {t['texts']}:")
    for text in d.texts:
        out.append(f"    [{text.id}] {text.title}")
        out.extend(f"      {i}. {line}" if text.kind == "recommendation" else f"      {line}"
                   for i, line in enumerate(text.body, 1))
    return _inert(out)


def why_not_lines(w: WhyNot) -> list[str]:
    t = labels(w.lang)
    out = [f"{t[w.kind]} {w.id}: {w.title}"]
    if not w.rules:
        out.append(t["no_rule"])
        return _inert(out)
    out.append(t["reached_by"].format(rules=", ".join(w.reached_by)) if w.reached else t["not_reached"])
    for rule in w.rules:
        out.extend(_rule_lines(rule, t, 1))
    # Principles are shown at the condition they blocked; the JSON also lists them apart.
    if w.questions:
        out.append("")
        out.append(f"{t['questions']}:")
        for q in w.questions:
            out.append(f"  - {q.field}: {q.ask or t['no_question']}")
            if q.why:
                out.append(f"      （{q.why}）" if w.lang == "ja" else f"      ({q.why})")
    return _inert(out)


def _rule_lines(rule: RuleCheck, t: dict[str, str], depth: int) -> list[str]:
    pad = "  " * depth
    state = t["fired"] if rule.fired else t["not_fired"]
    out = [f"{pad}[{rule.rule_id}] {rule.description} ({state})"]
    for cond in rule.conditions:
        out.extend(_condition_lines(cond, t, depth + 1))
    return out


def _condition_lines(c: ConditionCheck, t: dict[str, str], depth: int) -> list[str]:
    pad = "  " * depth
    facts = ", ".join(f"{k} = {show_value(v)}" for k, v in c.facts.items())
    line = f"{pad}{t[c.verdict]} {c.condition}" + (f"   ({facts})" if facts else "")
    out = [line]
    if c.unknown:
        out.append(f"{pad}    {t['unknown_facts'].format(f=', '.join(c.unknown))}")
    if c.blocked_by:
        out.append(f"{pad}    {t['blocked'].format(f=c.blocked_by)}")
    if c.principle:
        out.append(f"{pad}    {t['principle'].format(id=c.principle.id, text=c.principle.text)}")
    for sub in c.finding_rules:
        out.extend(_rule_lines(sub, t, depth + 2))
    return out


def lint_lines(problems: list[LintProblem], lang: str) -> list[str]:
    t = labels(lang)
    out = [f"{p.where + ': ' if p.where else ''}[{p.code}] {p.message(lang)}" for p in problems]
    out.append(t["lint_n"].format(n=len(problems)) if problems else t["lint_ok"])
    return _inert(out)


def lint_json(problems: list[LintProblem], lang: str) -> dict[str, Any]:
    return {"count": len(problems), "problems": [
        {"code": p.code, "where": p.where, "subject": p.subject, "message": p.message(lang)} for p in problems]}


def test_lines(run: TestRun, lang: str) -> list[str]:
    t = labels(lang)
    out = []
    for res in run.results:
        case = res.case
        status = t["pass"] if res.passed else t["error"] if res.error else t["fail"]
        out.append(f"{status:<5} {case.spec.name}  ({case.where})")
        if res.error:
            out.extend(f"      {line}" for line in res.error.splitlines())
        for m in res.mismatches:
            label = {"present": t["present"], "absent": t["absent"], "first": t["first"], "questions": t["q"]}[m.what]
            got = ", ".join(m.got) or t["nothing"]
            if m.what == "first":
                out.append(f"      {label}: {t['expected']} {m.expected[0]}, {t['got']} {got}")
            else:
                out.append(f"      {label}: {', '.join(m.expected)}")
                out.append(f"        {t['got']}: {got}")
    passed = len(run.results) - len(run.failed)
    out.append("")
    out.append(t["summary"].format(p=passed, f=len(run.failed)))
    cov = run.coverage
    out.append("")
    out.append(f"{t['coverage']}:")
    rows = [("rules", cov.rules_total, [f"{r.id} ({r.file}:{r.line})" for r in cov.rules])]
    rows += [(k + "s", cov.totals[k], cov.missed[k]) for k in ("finding", "recommendation", "caveat")]
    for key, total, missed in rows:
        name = t[key] + " " * (16 - _width(t[key]))
        out.append(f"  {name} {total - len(missed)}/{total}" + ("" if missed else "  ✓"))
        out.extend(f"      - {m}" for m in missed)
    return _inert(out)


def test_json(run: TestRun) -> dict[str, Any]:
    cov = run.coverage
    return {
        "passed": len(run.results) - len(run.failed),
        "failed": len(run.failed),
        "cases": [{
            "name": r.case.spec.name, "where": r.case.where, "passed": r.passed, "error": r.error,
            "mismatches": [{"what": m.what, "expected": m.expected, "got": m.got} for m in r.mismatches],
        } for r in run.results],
        "coverage": {
            "rules": {"total": cov.rules_total, "not_reached": [r.id for r in cov.rules]},
            **{k + "s": {"total": cov.totals[k], "not_reached": cov.missed[k]}
               for k in ("finding", "recommendation", "caveat")},
        },
    }
