"""The rule-author commands as a helpdesk engineer runs them: rules list/show/lint/test, why-not, --explain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from backup_doctor.cli.app import cli


@pytest.fixture
def mini(repo_root: Path) -> str:
    return str(repo_root / "tests" / "packs" / "mini")


@pytest.fixture
def proxy(repo_root: Path) -> Path:
    return repo_root / "examples" / "packs" / "corporate-proxy"


def _facts(tmp_path: Path, data: dict[str, object]) -> str:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"schema_version": 1, **data}), encoding="utf-8")
    return str(path)


def test_rules_list_in_both_languages_and_json(runner: CliRunner, mini: str) -> None:
    en = runner.invoke(cli, ["rules", "list", "--rules", mini, "--lang", "en"])
    assert en.exit_code == 0, en.stderr
    assert "R-mini-move  → recommendation mini-move-closer" in en.stdout
    assert "Weak signal: move closer, unless iOS is old  [mini]" in en.stdout
    ja = runner.invoke(cli, ["rules", "list", "--rules", mini, "--lang", "ja"])
    assert "R-mini-move  → 対処 mini-move-closer" in ja.stdout
    data = json.loads(runner.invoke(cli, ["rules", "list", "--rules", mini, "--format", "json"]).stdout)
    mine = next(r for r in data if r["id"] == "R-mini-old")
    assert mine["concludes"] == [{"kind": "finding", "id": "mini-old-phone", "title": "Old iOS", "tier": None}]
    text = (Path(mini) / "mini.yaml").read_text(encoding="utf-8")
    assert mine["where"] == f"{Path(mini) / 'mini.yaml'}:{text.count(chr(10), 0, text.index('- id: R-mini-old')) + 1}"


def test_rules_show_reads_conditions_as_sentences(runner: CliRunner, mini: str) -> None:
    res = runner.invoke(cli, ["rules", "show", "R-mini-move", "--rules", mini, "--lang", "ja"])
    assert res.exit_code == 0, res.stderr
    assert "    - 所見 mini-slow-link が出ている" in res.stdout
    assert "    - 所見 mini-old-phone が出ていない（原則: mini-old-first）" in res.stdout
    assert "    - 対処 mini-move-closer: ルーターに近づく" in res.stdout
    data = json.loads(runner.invoke(cli, ["rules", "show", "R-mini-slow", "--rules", mini, "--format", "json"]).stdout)
    assert data["when"] == ["network.connection is wifi", "network.signal_bars < 2"]
    assert data["texts"] == [{"kind": "finding", "id": "mini-slow-link", "title": "Weak Wi-Fi signal",
                              "body": ["The Wi-Fi signal is weak."]}]


def test_rules_show_unknown_id_is_a_usage_error_with_did_you_mean(runner: CliRunner, mini: str) -> None:
    res = runner.invoke(cli, ["rules", "show", "R-mini-mov", "--rules", mini])
    assert res.exit_code == 2
    assert "did you mean 'R-mini-move'?" in res.stderr and res.stdout == ""


def test_why_not_names_the_blocking_principle(runner: CliRunner, mini: str, tmp_path: Path) -> None:
    facts = _facts(tmp_path, {"device": {"ios": "14.2"}, "network": {"connection": "wifi", "signal_bars": 1}})
    res = runner.invoke(cli, ["why-not", facts, "mini-move-closer", "--rules", mini, "--lang", "en"])
    assert res.exit_code == 0, res.stderr
    assert "Not reached." in res.stdout
    assert "✗ fails   finding mini-old-phone was not reached (principle: mini-old-first)" in res.stdout
    assert "ranking principle mini-old-first: Test principle: an old iOS is fixed" in res.stdout


def test_why_not_says_what_to_ask_in_japanese(runner: CliRunner, mini: str, tmp_path: Path) -> None:
    facts = _facts(tmp_path, {"network": {"connection": "wifi"}})
    res = runner.invoke(cli, ["why-not", facts, "mini-slow-link", "--rules", mini, "--lang", "ja"])
    assert "? 不明   network.signal_bars < 2" in res.stdout
    assert "✓ 成立   network.connection が wifi   (network.connection = wifi)" in res.stdout
    assert "お客様に確認すること:\n  - network.signal_bars: Wi-Fi のマークは何本ですか？" in res.stdout


def test_why_not_json_and_reached(runner: CliRunner, mini: str, tmp_path: Path) -> None:
    facts = _facts(tmp_path, {"device": {"ios": "14.2"}})
    res = runner.invoke(cli, ["why-not", facts, "mini-update", "--rules", mini, "--format", "json"])
    data = json.loads(res.stdout)
    assert (data["reached"], data["reached_by"], data["kind"]) == (True, ["R-mini-update"], "recommendation")


def test_why_not_unknown_id_exits_2_with_did_you_mean(runner: CliRunner, proxy: Path, tmp_path: Path) -> None:
    res = runner.invoke(cli, ["why-not", _facts(tmp_path, {}), "https-inspection-prox", "--rules", str(proxy)])
    assert res.exit_code == 2
    assert "did you mean 'https-inspection-proxy'?" in res.stderr


def test_why_not_for_the_example_pack(runner: CliRunner, proxy: Path, tmp_path: Path) -> None:
    facts = _facts(tmp_path, {"network": {"wifi_kind": "office", "vpn_or_proxy": False}})
    res = runner.invoke(cli, ["why-not", facts, "https-inspection-proxy", "--rules", str(proxy), "--lang", "en"])
    assert "✗ fails   network.vpn_or_proxy is true   (network.vpn_or_proxy = false)" in res.stdout


def test_bad_pack_exits_2_naming_file_line_and_rule(runner: CliRunner, tmp_path: Path) -> None:
    pack = tmp_path / "bad"
    pack.mkdir()
    (pack / "r.yaml").write_text("rules:\n  - id: R-bad\n    description: {en: a, ja: あ}\n"
                                 "    when: [{fact: device.ios, gt: 16}]\n    then: {finding: network-unstable}\n")
    res = runner.invoke(cli, ["diagnose", _facts(tmp_path, {}), "--rules", str(pack)])
    assert res.exit_code == 2
    assert f"{pack / 'r.yaml'}:4: rule R-bad: device.ios: 16 is not a version" in res.stderr


def test_rules_lint_exits_1_on_problems_and_0_on_the_example(runner: CliRunner, proxy: Path, tmp_path: Path) -> None:
    pack = tmp_path / "dead"
    pack.mkdir()
    (pack / "r.yaml").write_text(
        "rules:\n  - id: R-dead\n    description: {en: a, ja: あ}\n"
        "    when: [{fact: network.signal_bars, lt: 1}, {fact: network.signal_bars, gt: 2}]\n"
        "    then: {finding: network-unstable}\n")
    res = runner.invoke(cli, ["rules", "lint", str(pack), "--lang", "en"])
    assert res.exit_code == 1
    assert (f"{pack / 'r.yaml'}:2: [contradiction] rule R-dead can never fire: "
            "network.signal_bars < 1 and network.signal_bars > 2") in res.stdout
    data = json.loads(runner.invoke(cli, ["rules", "lint", str(pack), "--format", "json"]).stdout)
    assert [p["code"] for p in data["problems"]] == ["contradiction"]
    ok = runner.invoke(cli, ["rules", "lint", str(proxy), "--lang", "ja"])
    assert (ok.exit_code, ok.stdout) == (0, "問題はありません。\n")


def test_rules_test_passes_the_example_pack_with_coverage(runner: CliRunner, proxy: Path) -> None:
    res = runner.invoke(cli, ["rules", "test", str(proxy / "tests"), "--rules", str(proxy),
                              "--require-full-coverage", "--lang", "en"])
    assert res.exit_code == 0, res.stdout + res.stderr
    assert "4 passed, 0 failed" in res.stdout
    assert "  rules            3/3  ✓" in res.stdout


def test_rules_test_shows_the_difference_and_exits_1(runner: CliRunner, mini: str, tmp_path: Path) -> None:
    cases = tmp_path / "c.yaml"
    cases.write_text("cases:\n  - name: wrong first\n    facts: {schema_version: 1, device: {ios: '14.0'}}\n"
                     "    expect: {present: [mini-slow-link], first: mini-move-closer}\n")
    res = runner.invoke(cli, ["rules", "test", str(cases), "--rules", mini, "--lang", "en"])
    assert res.exit_code == 1
    assert f"FAIL  wrong first  ({cases}:2)" in res.stdout
    assert "      missing (expected present): mini-slow-link\n        got: mini-old-phone, mini-update" in res.stdout
    assert "      rank-1 recommendation: expected mini-move-closer, got mini-update" in res.stdout
    assert "0 passed, 1 failed" in res.stdout


def test_require_full_coverage_fails_on_an_unreached_rule(runner: CliRunner, mini: str, tmp_path: Path) -> None:
    cases = tmp_path / "c.yaml"
    cases.write_text("cases:\n  - name: old\n    facts: {schema_version: 1, device: {ios: '14.0'}}\n"
                     "    expect: {present: [mini-update]}\n")
    args = ["rules", "test", str(cases), "--rules", mini, "--lang", "en"]
    assert runner.invoke(cli, args).exit_code == 0
    res = runner.invoke(cli, [*args, "--require-full-coverage"])
    assert res.exit_code == 1
    assert "  rules            2/6\n      - R-mini-slow (" in res.stdout
    data = json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)
    assert data["coverage"]["caveats"] == {"total": 2, "not_reached": ["mini-note", "mini-failed-note"]}


def test_explain_shows_facts_rules_and_what_they_led_to(runner: CliRunner, mini: str, tmp_path: Path) -> None:
    facts = _facts(tmp_path, {"device": {"ios": "14.2"}})
    res = runner.invoke(cli, ["diagnose", facts, "--rules", mini, "--explain", "--lang", "ja"])
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    assert "[R-mini-old] iOS が 15 より古い" in out
    assert "照合: device.ios = 14.2" in out
    assert "→ 所見: mini-old-phone" in out
    assert "[R-mini-update] 古い iOS: アップデート  ← mini-old-phone" in out
