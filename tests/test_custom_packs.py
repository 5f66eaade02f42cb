"""Custom rule packs: added beside the built-in pack, checked when they load, never executed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backup_doctor.engine import Engine, RulePackError, _durable, diagnose
from backup_doctor.engine.rulebase.load import load_rulebase
from backup_doctor.engine.authoring.ruletest import run_tests

TEXTS = """
findings:
  t-found:
    title: {en: "Found", ja: "見つかりました"}
    detail: {en: "Found.", ja: "見つかりました。"}
"""

RULE = """
  - id: {rid}
    description: {{en: "A test rule", ja: "テスト用のルール"}}
    when:
      - {cond}
    then: {{finding: t-found}}
"""


def _pack(tmp_path: Path, text: str, name: str = "custom") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "rules.yaml").write_text(text, encoding="utf-8")
    return folder


def _rule(rid: str = "R-t-found", cond: str = "{fact: goal, is: backup}", extra: str = "") -> str:
    return RULE.format(rid=rid, cond=cond) + extra


def _load_error(folder: Path) -> str:
    with pytest.raises(RulePackError) as info:
        load_rulebase([folder])
    return str(info.value)


def _line(folder: Path, text: str) -> int:
    content = (folder / "rules.yaml").read_text(encoding="utf-8")
    return content.count("\n", 0, content.index(text)) + 1


def test_pack_adds_rules_and_texts_beside_the_builtin_ones(repo_root: Path) -> None:
    pack = repo_root / "examples" / "packs" / "corporate-proxy"
    engine = Engine([pack])
    builtin_ids = {r.id for r in load_rulebase().rules}
    assert builtin_ids < {r.id for r in engine.rulebase.rules}
    facts = {"schema_version": 1, "goal": "backup", "account": {"icloud_backup_on": False},
             "network": {"connection": "wifi", "wifi_kind": "office", "vpn_or_proxy": True}}
    report = engine.diagnose(facts, lang="ja")
    finding = next(f for f in report.findings if f.id == "https-inspection-proxy")
    assert finding.title.startswith("社内ネットワークのプロキシが")
    assert finding.because == ["R-corp-https-inspection"]
    # The built-in rules still run beside the pack's.
    assert "icloud-backup-off" in [f.id for f in report.findings]


def test_library_call_takes_rules_folders(repo_root: Path) -> None:
    facts = {"schema_version": 1, "network": {"wifi_kind": "office", "vpn_or_proxy": True}}
    pack = repo_root / "examples" / "packs" / "corporate-proxy"
    assert "https-inspection-proxy" in diagnose(facts, rules=[pack]).ids()["findings"]
    assert "https-inspection-proxy" not in diagnose(facts).ids()["findings"]


def test_example_pack_passes_its_own_tests_with_full_coverage(repo_root: Path) -> None:
    pack = repo_root / "examples" / "packs" / "corporate-proxy"
    run = run_tests(Engine([pack]), [pack / "tests"], lambda r: r.pack == "corporate-proxy")
    assert run.failed == []
    assert run.coverage.full and run.coverage.rules_total == 3


def test_pack_alone_without_chained_rules_diagnoses_run_after_run(tmp_path: Path) -> None:
    # No rule consumes a finding, so there is no stage sentinel: the end rule then has
    # an end fact of its own (see engine/rulebase/to_durable.py), and the reused session stays empty.
    engine = Engine([_pack(tmp_path, TEXTS + "rules:" + _rule())], builtin=False)
    assert engine.rulebase.strata == 0
    for goal, found in [("backup", ["t-found"]), ("restore", []), ("backup", ["t-found"])]:
        assert engine.diagnose({"schema_version": 1, "goal": goal}).ids()["findings"] == found
        ruleset = engine._ruleset
        assert json.loads(_durable._dre.get_facts(ruleset._handle, ruleset._sid)) == []


def test_builtin_rule_id_clash_is_refused_without_replaces(tmp_path: Path) -> None:
    builtin = load_rulebase().rules[0]
    folder = _pack(tmp_path, TEXTS + "rules:" + _rule(builtin.id))
    message = _load_error(folder)
    assert f"{folder / 'rules.yaml'}:{_line(folder, '- id:')}: rule {builtin.id}: id already used at {builtin.file}:" \
        in message
    assert "'replaces: true'" in message


def test_builtin_rule_is_replaced_when_the_pack_says_so(tmp_path: Path) -> None:
    builtin = load_rulebase().rules[0]
    folder = _pack(tmp_path, TEXTS + "rules:" + _rule(builtin.id, extra="    replaces: true\n"))
    rules = load_rulebase([folder]).rules
    replaced = next(r for r in rules if r.id == builtin.id)
    assert (replaced.pack, replaced.rule.then[0].target) == ("custom", "t-found")
    assert len(rules) == len(load_rulebase().rules)


def test_replaces_without_a_rule_to_replace_is_refused(tmp_path: Path) -> None:
    message = _load_error(_pack(tmp_path, TEXTS + "rules:" + _rule(extra="    replaces: true\n")))
    assert "rule R-t-found: 'replaces: true' but no rule has this id" in message


def test_builtin_text_clash_is_refused_unless_listed_under_replaces(tmp_path: Path) -> None:
    fid = next(iter(load_rulebase().findings))
    text = TEXTS.replace("t-found", fid) + "rules:" + _rule().replace("t-found", fid)
    folder = _pack(tmp_path, text)
    assert f"{folder / 'rules.yaml'}:3: finding {fid!r} is already defined in " in _load_error(folder)
    (folder / "rules.yaml").write_text(f"replaces: [{fid}]\n" + text, encoding="utf-8")
    assert load_rulebase([folder]).findings[fid].title.en == "Found"


def test_two_custom_packs_clashing_are_refused(tmp_path: Path) -> None:
    one = _pack(tmp_path, TEXTS + "rules:" + _rule(), "one")
    two = _pack(tmp_path, "rules:" + _rule(), "two")
    with pytest.raises(RulePackError) as info:
        load_rulebase([one, two])
    where = f"{two / 'rules.yaml'}:{_line(two, '- id:')}"
    assert f"{where}: rule R-t-found: id already used at {one / 'rules.yaml'}:{_line(one, '- id:')}" in str(info.value)


@pytest.mark.parametrize(("cond", "expected"), [
    ("{fact: network.wifi_knd, is: office}", "unknown fact path 'network.wifi_knd'; did you mean 'network.wifi_kind'?"),
    ("{fact: device.ios, lt: 16}", "device.ios: 16 is not a version"),
    ("{fact: device.ios, lt: 16.4}", "device.ios: 16.4 is not a version"),
    ("{fact: device.ios_major, ge: \"16.4\"}", "device.ios_major: '16.4' is not a number"),
    ("{fact: device.ios, gt: {fact: account.plan_gb}}", "cannot compare device.ios (version) with account.plan_gb (gb)"),
    ("{fact: network.wifi_kind, is: hotel}", "network.wifi_kind: 'hotel' is not a value of this field"),
    ("{fact: network.wifi_kind, lt: home}", "network.wifi_kind is a enum; operator 'lt' does not apply"),
    ("{finding: t-fund}", "tests unknown finding 't-fund'; did you mean 't-found'?"),
    ("{not_finding: t-found, principle: no-such-rule}", "unknown principle 'no-such-rule'"),
], ids=["path", "version-int", "version-float", "number-str", "version-vs-gb", "enum", "operator", "finding",
        "principle"])
def test_each_load_error_names_file_line_and_rule(tmp_path: Path, cond: str, expected: str) -> None:
    folder = _pack(tmp_path, TEXTS + "rules:" + _rule(cond=cond))
    # A problem in a condition points at that condition's own line.
    assert f"{folder / 'rules.yaml'}:{_line(folder, cond)}: rule R-t-found: {expected}" in _load_error(folder)


def test_conclusion_of_an_unknown_id_is_refused(tmp_path: Path) -> None:
    folder = _pack(tmp_path, TEXTS + "rules:" + _rule().replace("{finding: t-found}", "{recommend: t-fond}"))
    assert "rule R-t-found: concludes unknown recommendation 't-fond'" in _load_error(folder)


def test_same_id_for_two_kinds_is_refused(tmp_path: Path) -> None:
    text = TEXTS + 'caveats:\n  t-found:\n    text: {en: "Same id.", ja: "同じ ID です。"}\n' + "rules:" + _rule()
    folder = _pack(tmp_path, text)
    assert f"{folder / 'rules.yaml'}:{_line(folder, '  t-found:' + chr(10) + '    text')}: caveat 't-found' has " \
           "the same id as a finding" in _load_error(folder)


@pytest.mark.parametrize(("text", "expected"), [
    (TEXTS.replace('ja: "見つかりました。"', "") + "rules:" + _rule(),
     "findings.t-found.detail.ja: is required (every text needs both 'en' and 'ja')"),
    (TEXTS + "rules:" + _rule().replace('ja: "テスト用のルール"', ""),
     "rules.0.description.ja (rule R-t-found): is required (every text needs both 'en' and 'ja')"),
], ids=["finding", "rule"])
def test_missing_language_is_refused_with_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    folder = _pack(tmp_path, text)
    message = _load_error(folder)
    assert expected in message
    assert f"{folder / 'rules.yaml'}:0:" not in message


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['touch MARKER']",
                                 "!!python/object:builtins.dict {}", "!!python/name:os.system"])
def test_python_tags_are_refused_and_nothing_runs(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "ran"
    folder = _pack(tmp_path, TEXTS + "rules:\n  - " + tag.replace("MARKER", str(marker)) + "\n")
    message = _load_error(folder)
    assert "not valid YAML" in message and "could not determine a constructor" in message
    assert not marker.exists()


# Nine levels of nine aliases each: 387 million items once expanded. Loading it used to
# exhaust memory while an error message printed the value.
_LEVELS = ['&l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
           *(f"&l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 9))]
_ALIAS_BOMB = TEXTS + "rules:" + _rule(cond="{fact: goal, in: [" + ", ".join(_LEVELS) + "]}")


@pytest.mark.parametrize("text", [
    _ALIAS_BOMB,
    TEXTS.replace("  t-found:", "  t-found: &base", 1) + "  t-other:\n    <<: *base\n",
    TEXTS.replace("findings:", "findings: &all", 1) + "other: *all\n",
], ids=["alias-bomb", "merge-key", "alias"])
def test_yaml_aliases_are_refused_at_their_line(tmp_path: Path, text: str) -> None:
    folder = _pack(tmp_path, text)
    message = _load_error(folder)
    assert "YAML that rule packs do not accept" in message
    assert "anchors and aliases (&name, *name, <<: *name) are not accepted" in message
