"""rules lint: rules that can never fire, ids nothing concludes, unused texts and fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from backup_doctor.engine.authoring.lint import LintProblem, lint_dirs

_TEXTS = """
findings:
  t-found:
    title: {en: "Found", ja: "見つかりました"}
    detail: {en: "Found.", ja: "見つかりました。"}
recommendations:
  t-fix:
    tier: quick
    title: {en: "Fix", ja: "直す"}
    steps: {en: ["Fix it."], ja: ["直します。"]}
"""


def _pack(tmp_path: Path, rules: str, extra: str = "") -> Path:
    folder = tmp_path / "pack"
    folder.mkdir(exist_ok=True)
    (folder / "pack.yaml").write_text(_TEXTS + extra + "rules:\n" + rules, encoding="utf-8")
    return folder


def _rule(rid: str, *conditions: str, then: str = "{finding: t-found}") -> str:
    when = "".join(f"      - {c}\n" for c in conditions)
    return (f"  - id: {rid}\n    description: {{en: d, ja: 説明}}\n    when:\n{when}"
            f"    then: {then}\n")


def _line_of(folder: Path, text: str) -> int:
    content = (folder / "pack.yaml").read_text(encoding="utf-8")
    return content.count("\n", 0, content.index(text)) + 1


def _codes(problems: list[LintProblem], subject: str) -> set[str]:
    return {p.code for p in problems if p.subject == subject}


@pytest.mark.parametrize("conditions", [
    ("{fact: network.wifi_kind, is: home}", "{fact: network.wifi_kind, is: office}"),
    ("{fact: network.signal_bars, lt: 1}", "{fact: network.signal_bars, gt: 2}"),
    ("{fact: device.ios, lt: \"15.0\"}", "{fact: device.ios, ge: \"16.1\"}"),
    ("{fact: account.used_gb, gt: 5}", "{fact: account.used_gb, le: 5}"),
    ("{fact: device.charging, is: true}", "{fact: device.charging, is: false}"),
    ("{fact: network.line, in: [fiber, cable]}", "{fact: network.line, not_in: [cable, fiber]}"),
    ("{fact: goal, is_not: backup}", "{fact: goal, is_not: migrate}", "{fact: goal, is_not: restore}"),
    ("{fact: device.charging, known: false}", "{fact: device.charging, is: true}"),
    ("{fact: messages.backup-failed, is: false}",),
    ("{finding: t-found}", "{not_finding: t-found}"),
], ids=["enum", "number", "version", "gb-edge", "bool", "in-vs-not-in", "enum-exhausted", "known-false",
        "flag-false", "finding-both"])
def test_contradictory_conditions_are_reported_with_file_and_line(tmp_path: Path, conditions: tuple[str, ...]) -> None:
    rules = _rule("R-base", "{fact: goal, is: backup}") + _rule("R-never", *conditions, then="{recommend: t-fix}")
    folder = _pack(tmp_path, rules)
    problems = lint_dirs([folder], builtin=False)
    [problem] = [p for p in problems if p.subject == "R-never"]
    assert problem.code == "contradiction"
    assert problem.where == f"{folder / 'pack.yaml'}:{_line_of(folder, '- id: R-never')}"
    assert "can never fire" in problem.message("en") and "発火しません" in problem.message("ja")


@pytest.mark.parametrize("conditions", [
    ("{fact: network.signal_bars, gt: 0}", "{fact: network.signal_bars, lt: 3}"),
    ("{fact: network.signal_bars, ge: 2}", "{fact: network.signal_bars, le: 2}"),
    ("{fact: network.line, in: [fiber, cable]}", "{fact: network.line, is_not: fiber}"),
    ("{fact: device.charging, known: true}", "{fact: device.charging, is: true}"),
    ("{fact: account.used_gb, lt: {fact: account.plan_gb}}", "{fact: account.used_gb, gt: 1}"),
])
def test_satisfiable_conditions_are_not_reported(tmp_path: Path, conditions: tuple[str, ...]) -> None:
    rules = _rule("R-ok", *conditions) + _rule("R-fix", "{finding: t-found}", then="{recommend: t-fix}")
    problems = lint_dirs([_pack(tmp_path, rules)], builtin=False)
    assert _codes(problems, "R-ok") == set() and _codes(problems, "R-fix") == set()


def test_rule_needing_a_finding_nothing_concludes_can_never_fire(tmp_path: Path) -> None:
    rules = _rule("R-fix", "{finding: t-found}", then="{recommend: t-fix}")
    problems = lint_dirs([_pack(tmp_path, rules)], builtin=False)
    [problem] = [p for p in problems if p.subject == "R-fix"]
    assert problem.code == "missing-finding"
    assert problem.message() == "rule R-fix can never fire: it needs finding t-found, which no rule concludes"


def test_dead_rules_propagate_through_findings(tmp_path: Path) -> None:
    rules = (_rule("R-dead", "{fact: goal, is: backup}", "{fact: goal, is: restore}")
             + _rule("R-fix", "{finding: t-found}", then="{recommend: t-fix}"))
    problems = lint_dirs([_pack(tmp_path, rules)], builtin=False)
    assert _codes(problems, "R-dead") == {"contradiction"}
    assert [p.message() for p in problems if p.subject == "R-fix"] == [
        "rule R-fix can never fire: it needs finding t-found, which only rules that can never fire conclude"]
    # Nothing that can fire concludes the fix either.
    assert _codes(problems, "t-fix") == {"never-concluded"}


def test_defined_but_unused_texts_are_reported(tmp_path: Path) -> None:
    extra = """
caveats:
  t-note:
    text: {en: "Note.", ja: "注意です。"}
questions:
  network.line:
    ask: {en: "Which line?", ja: "回線は？"}
    why: {en: "Lines differ.", ja: "回線で違います。"}
  network.wifi_kind:
    ask: {en: "Which Wi-Fi?", ja: "どの Wi-Fi？"}
    why: {en: "Wi-Fi differs.", ja: "Wi-Fi で違います。"}
"""
    rules = _rule("R-found", "{fact: network.wifi_kind, is: public}")
    folder = _pack(tmp_path, rules, extra)
    problems = lint_dirs([folder], builtin=False)
    assert _codes(problems, "t-note") == {"never-concluded"}
    assert _codes(problems, "t-fix") == {"never-concluded"}
    assert _codes(problems, "network.line") == {"unused-question", "unused-field"}
    assert _codes(problems, "network.wifi_kind") == set()
    where = next(p.where for p in problems if p.code == "unused-question")
    assert where == f"{folder / 'pack.yaml'}:{_line_of(folder, 'network.line:')}"


def test_spec_ids_no_rule_concludes_are_reported(tmp_path: Path) -> None:
    extra = """
caveats:
  backup-takes-time:
    text: {en: "It takes time.", ja: "時間がかかります。"}
"""
    problems = lint_dirs([_pack(tmp_path, _rule("R-found", "{fact: goal, is: backup}"), extra)], builtin=False)
    assert _codes(problems, "backup-takes-time") == {"spec-id-unreached"}
    assert _codes(problems, "ios-outdated") == {"spec-id-undefined"}
    assert "SPEC finding ios-outdated" in next(p.message() for p in problems if p.subject == "ios-outdated")


def test_fields_used_through_a_derived_path_count_as_used(tmp_path: Path) -> None:
    rules = _rule("R-found", "{fact: backup.size_gb, gt: 100}")
    problems = lint_dirs([_pack(tmp_path, rules)], builtin=False)
    unused = {p.subject for p in problems if p.code == "unused-field"}
    assert {"backup.photo_count", "backup.estimated_size_gb", "backup.video_gb"}.isdisjoint(unused)
    assert "network.wifi_kind" in unused
    assert "region" not in unused  # only chooses prices in texts


def test_load_errors_are_lint_problems(tmp_path: Path) -> None:
    folder = _pack(tmp_path, _rule("R-typo", "{fact: network.wifi_knd, is: home}"))
    [problem] = lint_dirs([folder], builtin=False)
    assert problem.code == "load-error"
    assert problem.where == f"{folder / 'pack.yaml'}:{_line_of(folder, '{fact: network.wifi_knd')}"
    assert "rule R-typo: unknown fact path 'network.wifi_knd'; did you mean 'network.wifi_kind'?" in problem.message()


def test_custom_pack_is_judged_by_what_it_adds(tmp_path: Path) -> None:
    rules = _rule("R-t-found", "{fact: goal, is: backup}") + _rule("R-t-never", "{fact: goal, is: backup}",
                                                                    "{fact: goal, is: migrate}")
    problems = lint_dirs([_pack(tmp_path, rules)])
    assert {(p.code, p.subject) for p in problems} == {("contradiction", "R-t-never"), ("never-concluded", "t-fix")}


def test_builtin_pack_lints_clean() -> None:
    problems = lint_dirs()
    assert [f"{p.where} [{p.code}] {p.message()}" for p in problems] == []


def test_the_kind_of_an_id_is_named_in_the_problem_s_language() -> None:
    problem = LintProblem("never-concluded", "", "old-tip", (("kind", "caveat"),))
    assert problem.message("en") == "caveat old-tip is defined but no rule that can fire concludes it"
    assert problem.message("ja") == "注意 old-tip は定義されていますが、発火しうるルールがどれもこれを出しません"
