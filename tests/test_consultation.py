"""Consultation (SPEC §4, issue 14 point 1): questions that fit the ticket, their answers,
``could_change``, ``settled`` and ``declined``, through the library's public interface."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from backup_doctor.engine import Engine, InputError, diagnose

MAX_QUESTIONS = 6

_START = ("schema_version", "today", "goal", "symptoms", "ticket")


def _get(facts: dict[str, Any], path: str) -> Any:
    value: Any = facts
    for part in path.split("."):
        if not isinstance(value, dict) or value.get(part) is None:
            return None
        value = value[part]
    return value


def _put(facts: dict[str, Any], path: str, value: Any) -> None:
    *sections, name = path.split(".")
    for part in sections:
        facts = facts.setdefault(part, {})
    facts[name] = copy.deepcopy(value)


def test_an_interview_reaches_the_full_files_conclusions_in_six_questions(example_file: Path) -> None:
    engine = Engine()
    full = json.loads(example_file.read_text(encoding="utf-8"))
    want = engine.diagnose(full)
    facts = {key: copy.deepcopy(full[key]) for key in _START if key in full}
    declined: list[str] = []
    asked: list[str] = []
    while True:
        report = engine.diagnose(facts, declined=declined)
        assert not set(declined) & {q.field for q in report.questions}, "a declined field was asked again"
        if report.settled:
            break
        assert len(asked) < MAX_QUESTIONS, f"not settled after {asked}"
        field = report.questions[0].field
        asked.append(field)
        value = _get(full, field)
        if value is None:
            declined.append(field)
        else:
            _put(facts, field, value)
    assert [f.id for f in report.findings] == [f.id for f in want.findings], asked
    assert [r.id for r in report.recommendations[:1]] == [r.id for r in want.recommendations[:1]], asked


def _ticket(**extra: Any) -> dict[str, Any]:
    return {"schema_version": 1, "today": "2026-11-25", **extra}


def test_the_articles_two_checks_come_first() -> None:
    # The source article: new iPhone restored, apps "Waiting" for 6 hours, SIM left out.
    report = diagnose(_ticket(goal="restore", symptoms={"apps_waiting_hours": 6}))
    assert [q.field for q in report.questions[:2]] == ["network.sim_inserted", "network.mobile_data_on"]
    assert not report.settled


def test_questions_fit_the_goal() -> None:
    backup = {q.field for q in diagnose(_ticket(goal="backup", symptoms={"backup_stuck": True})).questions}
    assert not {"target.model", "target.ios", "backup.last_backup_ios"} & backup
    restore = diagnose(_ticket(goal="restore", symptoms={"messages": ["restore-needs-newer-ios"]}))
    fields = [q.field for q in restore.questions]
    assert not {"symptoms.backup_stuck", "account.plan_gb", "backup.estimated_size_gb"} & set(fields)
    assert fields[0] == "backup.last_backup_ios"


def test_a_phone_on_cellular_is_not_asked_about_wifi() -> None:
    report = diagnose(_ticket(goal="backup", symptoms={"backup_stuck": True}, network={"connection": "cellular"}))
    fields = {q.field for q in report.questions}
    assert not {"network.wifi_kind", "network.signal_bars", "network.line"} & fields
    assert "network.cellular_backup_on" in fields


def test_answers_carry_what_a_form_needs() -> None:
    report = diagnose(_ticket(goal="backup", symptoms={"backup_stuck": True}, network={"connection": "wifi"},
                              uses=None), lang="ja")
    by_field = {q.field: q for q in report.questions}
    wifi = by_field["network.wifi_kind"]
    assert wifi.answer.kind == "choice" and wifi.could_change == "cause"
    labels = {c.value: c.label for c in wifi.answer.choices or ()}
    assert labels["tethering"] != "tethering" and "テザリング" in labels["tethering"]
    bars = json.loads(by_field["network.signal_bars"].model_dump_json())["answer"]
    assert bars == {"kind": "number", "min": 0.0, "max": 3.0}
    update = json.loads(by_field["device.update_available"].model_dump_json())["answer"]
    assert update == {"kind": "yes_no"}


def test_uses_is_asked_with_its_labels_when_unknown() -> None:
    report = diagnose(_ticket(goal="migrate"))
    uses = next(q for q in report.questions if q.field == "uses")
    assert uses.answer.kind == "choices" and uses.could_change == "caveat"
    assert {"value": "suica", "label": "Suica in Wallet"} in [c.model_dump() for c in uses.answer.choices or ()]
    given = diagnose(_ticket(goal="migrate", uses=[]))
    assert "uses" not in {q.field for q in given.questions}


def test_a_size_is_asked_in_gb_within_the_fact_models_bounds() -> None:
    report = diagnose(_ticket(goal="backup", symptoms={"messages": ["not-enough-storage"]}))
    size = next(q for q in report.questions if q.field == "backup.estimated_size_gb")
    assert json.loads(size.model_dump_json())["answer"] == {"kind": "gb", "unit": "GB", "min": 0.0, "max": 1000000.0}
    # A plan of 0 GB is refused by the fact model: the answer says so, and a form can too.
    plan = next(q for q in report.questions if q.field == "account.plan_gb")
    assert json.loads(plan.model_dump_json())["answer"] == {"kind": "gb", "unit": "GB", "min": 0.0,
                                                            "min_exclusive": True, "max": 1000000.0}


def test_declined_fields_stay_unknown_and_are_not_asked_again() -> None:
    facts = _ticket(goal="backup", symptoms={"backup_stuck": True})
    first = diagnose(facts).questions[0].field
    report = diagnose(facts, declined=[first])
    assert first not in {q.field for q in report.questions}
    assert report.findings == diagnose(facts).findings


def test_declining_an_unknown_field_names_it_and_suggests_the_right_one() -> None:
    with pytest.raises(InputError) as caught:
        diagnose(_ticket(), declined=["network.wifi_knd"])
    assert caught.value.problems[0].location == "network.wifi_knd"
    assert caught.value.problems[0].suggestion == "network.wifi_kind"
    assert "declined" in caught.value.render("ja")


def test_settled_once_nothing_open_could_change_a_finding_or_the_first_fix() -> None:
    stuck = _ticket(goal="backup", symptoms={"backup_stuck": True})
    assert not diagnose(stuck).settled
    told = _ticket(goal="backup", symptoms={"backup_stuck": True}, device={"update_available": False},
                   network={"connection": "wifi", "wifi_kind": "tethering"})
    report = diagnose(told)
    assert report.settled
    assert [r.id for r in report.recommendations[:1]] == ["use-stable-wifi"]


def test_the_cli_takes_declined_fields(runner: Any, tmp_path: Path) -> None:
    from backup_doctor.cli.app import cli

    path = tmp_path / "stuck.json"
    path.write_text(json.dumps(_ticket(goal="backup", symptoms={"backup_stuck": True})), encoding="utf-8")
    result = runner.invoke(cli, ["diagnose", "--format", "json", "--declined", "device.update_available",
                                 "--declined", "network.wifi_kind", str(path)])
    assert result.exit_code == 0, result.output
    asked = {q["field"] for q in json.loads(result.stdout)["questions"]}
    assert "network.signal_bars" in asked and not {"device.update_available", "network.wifi_kind"} & asked
    wrong = runner.invoke(cli, ["diagnose", "--declined", "network.wifi_knd", str(path)])
    assert wrong.exit_code == 2
    assert "network.wifi_knd" in wrong.stderr and "network.wifi_kind" in wrong.stderr


_PACK = """
replaces: [network.sim_inserted]
questions:
  network.sim_inserted:
    ask: {en: "Is a SIM in the phone?", ja: "SIM は入っていますか？"}
    why: {en: "Downloads.", ja: "ダウンロード。"}
    %s
"""


@pytest.mark.parametrize(("keys", "wanted"), [
    ("when: [{fact: network.wifi_knd, is: home}]", "did you mean 'network.wifi_kind'"),
    ("in_play_when: [{finding: network-unstable}]", "only fact conditions"),
    ("choices: {home: {en: Home, ja: 自宅}}", "enum"),
    ("screening: [repair]", "screening"),
])
def test_question_keys_are_checked_when_the_pack_loads(tmp_path: Path, keys: str, wanted: str) -> None:
    from backup_doctor.engine import RulePackError

    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "questions.yaml").write_text(_PACK % keys, encoding="utf-8")
    with pytest.raises(RulePackError) as caught:
        Engine([folder])
    assert wanted in str(caught.value)


def test_a_pack_can_label_choices_and_fit_its_questions_to_the_goal(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "questions.yaml").write_text("""
replaces: [network.line]
questions:
  network.line:
    when: [{fact: goal, is: migrate}]
    choices: {fiber: {en: "Fibre to the home", ja: "光回線（FTTH）"}}
    ask: {en: "What line is the Wi-Fi on?", ja: "Wi-Fi の回線は？"}
    why: {en: "A mobile line drops.", ja: "モバイル回線は切れやすい。"}
""", encoding="utf-8")
    engine = Engine([folder])
    stuck = {"goal": "migrate", "symptoms": {"backup_stuck": True}, "network": {"connection": "wifi"}}
    line = next(q for q in engine.diagnose(_ticket(**stuck), lang="ja").questions if q.field == "network.line")
    assert [c.label for c in line.answer.choices or () if c.value == "fiber"] == ["光回線（FTTH）"]
    backup = engine.diagnose(_ticket(**{**stuck, "goal": "backup"}))
    assert "network.line" not in {q.field for q in backup.questions}


def test_a_fix_that_looks_up_an_unknown_field_is_refused_when_the_pack_loads(tmp_path: Path) -> None:
    from backup_doctor.engine import RulePackError

    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "fixes.yaml").write_text("""
recommendations:
  look-at-the-router:
    tier: quick
    title: {en: "Look at the router", ja: "ルーターを見る"}
    steps: {en: ["Read the lights."], ja: ["ランプを見ます。"]}
    checks: [network.wifi_knd]
""", encoding="utf-8")
    with pytest.raises(RulePackError) as caught:
        Engine([folder])
    assert "recommendation look-at-the-router: checks unknown fact path 'network.wifi_knd'" in str(caught.value)
    assert "did you mean 'network.wifi_kind'" in str(caught.value)


def test_the_kind_of_wifi_says_the_phone_is_on_wifi() -> None:
    # Asking "Wi-Fi or mobile data?" after the clerk typed the kind of Wi-Fi would be
    # asking what was just said; and the rules about public Wi-Fi apply at once.
    report = diagnose(_ticket(goal="backup", symptoms={"backup_stuck": True},
                              network={"wifi_kind": "public", "signal_bars": 1}))
    assert "network.connection" not in {q.field for q in report.questions}
    assert "network-unstable" in {f.id for f in report.findings}


def test_on_mobile_data_the_cellular_backup_switch_is_asked_and_keeps_the_interview_open() -> None:
    stuck = _ticket(goal="backup", device={"model": "iPhone 12", "ios": "26.1", "update_available": False},
                    network={"connection": "cellular"}, symptoms={"backup_stuck": True})
    report = diagnose(stuck)
    assert report.questions[0].field == "network.cellular_backup_on"
    assert not report.settled
    answered = diagnose({**stuck, "network": {"connection": "cellular", "cellular_backup_on": False}})
    assert "turn-on-cellular-backup" in {r.id for r in answered.recommendations}
    # A restore makes no backup: its phone on mobile data is not asked about backing up over it.
    restore = diagnose(_ticket(goal="restore", network={"connection": "cellular"}, symptoms={"apps_waiting_hours": 5}))
    assert "network.cellular_backup_on" not in {q.field for q in restore.questions}


def test_a_backup_stuck_on_a_good_wifi_asks_about_a_vpn_before_settling() -> None:
    facts = _ticket(goal="backup", device={"model": "iPhone 14", "ios": "26.1", "update_available": False},
                    account={"signed_in": True, "plan_gb": 50, "used_gb": 10, "icloud_backup_on": True},
                    backup={"estimated_size_gb": 5}, network={"wifi_kind": "home", "signal_bars": 3},
                    symptoms={"backup_stuck": True})
    report = diagnose(facts)
    assert report.questions[0].field == "network.vpn_or_proxy" and not report.settled
    vpn = diagnose({**facts, "network": {**facts["network"], "vpn_or_proxy": True}})
    assert vpn.recommendations[0].id == "turn-off-vpn-or-proxy"


@pytest.mark.parametrize(("goal", "en", "ja"), [
    ("backup", "Which iPhone model is it", "iPhone の機種は何ですか"),
    ("migrate", "Which model is the old iPhone", "古い iPhone の機種は何ですか"),
    ("restore", "Which model is the iPhone the backup came from", "バックアップを作った iPhone の機種は何ですか"),
])
def test_on_two_phone_tickets_a_question_says_which_phone(goal: str, en: str, ja: str) -> None:
    # On a migration `device` is the old iPhone; on a restore, the one the backup came
    # from: "Which iPhone model is it?" would be read as the phone on the counter.
    facts = _ticket(goal=goal, symptoms={"backup_stuck": True} if goal != "restore" else {"restore_failed": True})
    for lang, text in (("en", en), ("ja", ja)):
        model = next(q for q in diagnose(facts, lang=lang).questions if q.field == "device.model")
        assert model.ask.startswith(text)


def test_on_mobile_data_whether_mobile_data_is_on_keeps_the_interview_open() -> None:
    # Mobile data only and switched off is no connection at all: asked before settling.
    stuck = _ticket(goal="backup", device={"model": "iPhone 15", "ios": "26.1", "update_available": False},
                    network={"connection": "cellular", "cellular_backup_on": True}, symptoms={"backup_stuck": True})
    report = diagnose(stuck)
    assert "network.mobile_data_on" in {q.field for q in report.questions} and not report.settled
    off = diagnose({**stuck, "network": {**stuck["network"], "mobile_data_on": False}})
    assert "network-unstable" in {f.id for f in off.findings}


def test_before_a_migration_whether_the_backup_fits_is_checked_without_a_complaint() -> None:
    # A customer planning to move phones says nothing is wrong yet: the expert still asks
    # whether the backup fits in iCloud (the free 5 GB rarely holds it).
    report = diagnose(_ticket(goal="migrate", device={"model": "iPhone 14", "ios": "26.3", "update_available": False},
                              symptoms={"backup_stuck": False, "restore_failed": False, "apps_waiting_hours": 0,
                                        "auto_backup_not_running": False}))
    fields = [q.field for q in report.questions]
    assert {"account.plan_gb", "account.used_gb", "backup.estimated_size_gb"} <= set(fields[:6])
    assert not report.settled
    full = diagnose(_ticket(goal="migrate", device={"model": "iPhone 14", "ios": "26.3", "update_available": False},
                            account={"plan_gb": 5, "used_gb": 4.5}, backup={"estimated_size_gb": 20}))
    assert "icloud-storage-insufficient" in {f.id for f in full.findings}
