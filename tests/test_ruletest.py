"""rules test as a library: cases as data, differences shown, coverage of rules and ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backup_doctor.engine import Engine
from backup_doctor.engine.authoring.ruletest import Mismatch, RuleTestError, run_tests


@pytest.fixture(scope="module")
def mini() -> Engine:
    return Engine([Path(__file__).parent / "packs" / "mini"], builtin=False)


def _cases(tmp_path: Path, text: str, name: str = "cases.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


OLD_WEAK = """
  - name: old iOS and weak signal
    facts:
      schema_version: 1
      goal: backup
      device: {ios: "14.2"}
      network: {connection: wifi, signal_bars: 1}
    expect:
      present: [mini-old-phone, mini-slow-link, mini-update, mini-note]
      absent: [mini-move-closer]
      first: mini-update
"""


def test_passing_case_and_coverage_of_what_it_reached(tmp_path: Path, mini: Engine) -> None:
    run = run_tests(mini, [_cases(tmp_path, "cases:" + OLD_WEAK)])
    assert [r.passed for r in run.results] == [True]
    cov = run.coverage
    assert cov.rules_total == 6
    assert [r.id for r in cov.rules] == ["R-mini-move", "R-mini-failed-message"]
    assert cov.missed == {"finding": [], "recommendation": ["mini-move-closer"], "caveat": ["mini-failed-note"]}
    assert not cov.full


def test_failing_case_says_what_was_expected_and_what_came(tmp_path: Path, mini: Engine) -> None:
    text = """cases:
  - name: expectations that do not hold
    facts: {schema_version: 1, goal: backup, network: {connection: wifi, signal_bars: 1}}
    expect:
      present: [mini-old-phone, mini-slow-link]
      absent: [mini-move-closer]
      first: mini-update
      questions: [device.ios, network.signal_bars]
"""
    [result] = run_tests(mini, [_cases(tmp_path, text)]).results
    assert not result.passed
    got = ["mini-slow-link", "mini-move-closer", "mini-note"]
    assert result.mismatches == [
        Mismatch("present", ["mini-old-phone"], got),
        Mismatch("absent", ["mini-move-closer"], got),
        Mismatch("first", ["mini-update"], ["mini-move-closer"]),
        Mismatch("questions", ["network.signal_bars"], ["device.ios"]),
    ]


def test_facts_file_is_read_relative_to_the_test_file(tmp_path: Path, mini: Engine) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "old.json").write_text(json.dumps({"schema_version": 1, "device": {"ios": "12.0"}}))
    text = "cases:\n  - name: from a file\n    facts_file: sub/old.json\n    expect: {present: [mini-update]}\n"
    run = run_tests(mini, [_cases(tmp_path, text, "nested/../cases.yaml")])
    assert run.results[0].passed, run.results[0]


def test_invalid_facts_fail_the_case_with_the_reason(tmp_path: Path, mini: Engine) -> None:
    text = "cases:\n  - name: bad bars\n    facts: {schema_version: 1, network: {signal_bars: 7}}\n    expect: {}\n"
    [result] = run_tests(mini, [_cases(tmp_path, text)]).results
    assert not result.passed
    assert result.error is not None and "network.signal_bars" in result.error


def test_folders_are_searched_and_full_coverage_is_seen(tmp_path: Path, mini: Engine) -> None:
    _cases(tmp_path, "cases:" + OLD_WEAK, "a/one.yaml")
    _cases(tmp_path, """cases:
  - name: weak signal only, message shown
    facts:
      schema_version: 1
      network: {connection: wifi, signal_bars: 0}
      symptoms: {messages: [backup-failed]}
    expect: {present: [mini-move-closer, mini-failed-note], first: mini-move-closer}
""", "b/deeper/two.yml")
    run = run_tests(mini, [tmp_path])
    assert [r.case.spec.name for r in run.results] == ["old iOS and weak signal", "weak signal only, message shown"]
    assert run.failed == []
    assert run.coverage.full


def test_coverage_can_count_only_some_rules(tmp_path: Path, mini: Engine) -> None:
    run = run_tests(mini, [_cases(tmp_path, "cases:" + OLD_WEAK)], lambda r: r.id.startswith("R-mini-old"))
    assert (run.coverage.rules_total, run.coverage.full) == (1, True)
    assert run.coverage.totals == {"finding": 1, "recommendation": 0, "caveat": 0}


@pytest.mark.parametrize(("case", "message"), [
    ("  - name: x\n    facts: {schema_version: 1}\n    expect: {absent: [mini-updat]}\n",
     "unknown id 'mini-updat'; did you mean 'mini-update'?"),
    ("  - name: x\n    facts: {schema_version: 1}\n    expect: {first: mini-note}\n",
     "'first' must be a recommendation"),
    ("  - name: x\n    facts: {schema_version: 1}\n    expect: {questions: [network.wifi_kind]}\n",
     "no question is defined for 'network.wifi_kind'"),
    ("  - name: x\n    facts: {schema_version: 1}\n    facts_file: a.json\n    expect: {}\n",
     "exactly one of 'facts' (inline) or 'facts_file'"),
    ("  - name: x\n    facts: {schema_version: 1}\n    expect: {presnt: [mini-note]}\n", "expect.presnt: unknown key"),
    ("  - name: x\n    facts: {schema_version: 1}\n    expect: {}\n  - name: x\n    facts: {schema_version: 1}\n"
     "    expect: {}\n", "case name 'x' appears twice"),
])
def test_malformed_test_files_are_refused_with_file_and_line(tmp_path: Path, mini: Engine, case: str,
                                                             message: str) -> None:
    path = _cases(tmp_path, "# cases\ncases:\n" + case)
    with pytest.raises(RuleTestError) as info:
        run_tests(mini, [path])
    [problem] = info.value.problems
    assert message in str(problem)
    assert problem.location.startswith(f"{path}:") and problem.location != f"{path}:0"


def test_python_tags_in_test_files_are_refused(tmp_path: Path, mini: Engine) -> None:
    path = _cases(tmp_path, "cases: !!python/object/apply:os.getcwd []\n")
    with pytest.raises(RuleTestError, match="not valid YAML"):
        run_tests(mini, [path])
