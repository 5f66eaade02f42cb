"""Text for the rule-author commands: catalogue, why-not, lint and rule-test results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.catalog import RuleDetail, RuleSummary, show_value
from ..engine.whynot import ConditionCheck, RuleCheck, WhyNot
from ..engine.safe_text import for_terminal
from .render import _width

if TYPE_CHECKING:  # only rendered, never built here; the commands import them on use
    from ..engine.lint import LintProblem
    from ..engine.ruletest import TestRun

_L = {
    "en": {
        "finding": "finding", "recommendation": "recommendation", "caveat": "caveat",
        "rules": "rules", "findings": "findings", "recommendations": "recommendations", "caveats": "caveats",
        "pack": "Pack", "at": "Defined at", "when": "When (all of these hold)", "then": "Then",
        "ask": "Ask if unknown", "refs": "References", "replaces": "Replaces the built-in rule of this id",
        "texts": "Texts", "tier": "tier",
        "reached_by": "Reached, by: {rules}", "not_reached": "Not reached.",
        "no_rule": "No loaded rule concludes it: add a rule, or check `backup-doctor rules lint`.",
        "fired": "fired", "not_fired": "did not fire",
        "holds": "✓ holds  ", "fails": "✗ fails  ", "unknown": "? unknown", "unknown_facts": "unknown: {f}",
        "blocked": "blocked: finding {f} was reached", "principle": "ranking principle {id}: {text}",
        "questions": "Ask the customer",
        "no_question": "(no question text in the packs for this field)",
        "lint_ok": "No problems found.", "lint_n": "{n} problem(s) found.",
        "pass": "PASS", "fail": "FAIL", "error": "ERROR",
        "present": "missing (expected present)", "absent": "present (expected absent)",
        "first": "rank-1 recommendation", "q": "not asked", "expected": "expected", "got": "got", "nothing": "(none)",
        "summary": "{p} passed, {f} failed", "coverage": "Coverage (reached/counted; below each, what no case reached)",
    },
    "ja": {
        "finding": "所見", "recommendation": "対処", "caveat": "注意",
        "rules": "ルール", "findings": "所見", "recommendations": "対処", "caveats": "注意",
        "pack": "パック", "at": "定義場所", "when": "条件（すべて成り立つとき）", "then": "結論",
        "ask": "不明なら質問する項目", "refs": "参考", "replaces": "同じ ID の組み込みルールを置き換えます",
        "texts": "文言", "tier": "段階",
        "reached_by": "出ています。出したルール: {rules}", "not_reached": "出ていません。",
        "no_rule": "これを出すルールが読み込まれていません。ルールを追加するか `backup-doctor rules lint` で確認してください。",
        "fired": "発火", "not_fired": "発火せず",
        "holds": "✓ 成立  ", "fails": "✗ 不成立", "unknown": "? 不明  ", "unknown_facts": "不明な項目: {f}",
        "blocked": "阻止: 所見 {f} が出ています", "principle": "順位付けの原則 {id}: {text}",
        "questions": "お客様に確認すること",
        "no_question": "（この項目の質問文はパックにありません）",
        "lint_ok": "問題はありません。", "lint_n": "問題が {n} 件あります。",
        "pass": "成功", "fail": "失敗", "error": "エラー",
        "present": "出ていません（出るはず）", "absent": "出ています（出ないはず）",
        "first": "1 位の対処", "q": "質問されていません", "expected": "期待", "got": "結果", "nothing": "（なし）",
        "summary": "成功 {p} 件、失敗 {f} 件", "coverage": "網羅状況（到達数/対象数。その下は、どのケースも到達しなかったもの）",
    },
}


def labels(lang: str) -> dict[str, str]:
    return _L["ja" if lang == "ja" else "en"]


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
