"""Advice that holds together and texts that fit the facts (issue 14, points 4 and 5).

Each test reads a report as the clerk would: through the library's ``Engine``.
"""

from __future__ import annotations

from typing import Any

import pytest

from backup_doctor.engine import ConfigError, Engine, FactSchemaError, Report


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def run(engine: Engine, facts: dict[str, Any], lang: str = "en") -> Report:
    return engine.diagnose({"schema_version": 1, "today": "2026-11-25", **facts}, lang=lang)  # type: ignore[arg-type]


def rec(report: Report, rid: str) -> str:
    r = next(r for r in report.recommendations if r.id == rid)
    return r.title + "\n" + "\n".join(r.steps)


def finding(report: Report, fid: str) -> str:
    f = next(f for f in report.findings if f.id == fid)
    return f.title + "\n" + f.detail


SHORT = {"account": {"plan_gb": 5, "used_gb": 4.5}, "backup": {"estimated_size_gb": 9.0}}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_back_up_now_while_icloud_is_short(engine: Engine, lang: str) -> None:
    # The iOS update ends with a backup; with iCloud 4.5 GB short it must say to make room first.
    report = run(engine, {"goal": "backup", "device": {"model": "iPhone 12", "ios": "17.5", "update_available": True},
                          **SHORT}, lang)
    last = rec(report, "update-ios").splitlines()[-1]
    assert ("make room in iCloud first" in last) if lang == "en" else ("先にこの診断の容量の対処" in last)


def test_back_up_now_when_the_backup_fits(engine: Engine) -> None:
    report = run(engine, {"goal": "backup", "device": {"model": "iPhone 12", "ios": "17.5", "update_available": True},
                          "account": {"plan_gb": 50, "used_gb": 4.5}, "backup": {"estimated_size_gb": 9.0}})
    last = rec(report, "update-ios").splitlines()[-1]
    assert "tap Back Up Now" in last and "make room" not in last


@pytest.mark.parametrize(("goal", "lang", "phone"), [
    ("migrate", "en", "the old iPhone"), ("migrate", "ja", "古い iPhone"),
    ("backup", "en", "this iPhone"), ("backup", "ja", "この iPhone"),
])
def test_update_ios_names_the_phone(engine: Engine, goal: str, lang: str, phone: str) -> None:
    report = run(engine, {"goal": goal, "device": {"model": "iPhone 12", "ios": "17.5", "update_available": True}}, lang)
    title = rec(report, "update-ios").splitlines()[0]
    assert phone in title


@pytest.mark.parametrize(("facts", "phone"), [
    ({"goal": "backup"}, "Force restart this iPhone"),
    ({"goal": "migrate"}, "Force restart the old iPhone"),
    ({"goal": "migrate", "symptoms": {"restore_failed": True}}, "Force restart the new iPhone"),
    ({"goal": "restore", "symptoms": {"restore_failed": True}}, "Force restart the iPhone being restored"),
])
def test_force_restart_names_the_phone_where_it_fails(engine: Engine, facts: dict[str, Any], phone: str) -> None:
    # A damaged-backup message leads to a force restart whatever the space.
    symptoms = {**facts.get("symptoms", {}), "messages": ["backup-corrupt-or-incompatible"]}
    report = run(engine, {**facts, "device": {"model": "iPhone 13"}, "symptoms": symptoms})
    assert rec(report, "force-restart").splitlines()[0] == phone


# Buttons: iPhone 8 and later press volume up first; iPhone 7 holds volume down and the side button.
_MODERN, _IPHONE7, _ANY = "volume up button", "volume down button and the side", "iPhone 8 and later"


@pytest.mark.parametrize(("facts", "buttons"), [
    ({"goal": "backup", "device": {"model": "iPhone 7"}}, _IPHONE7),
    ({"goal": "migrate", "device": {"model": "iPhone 7"}, "target": {"model": "iPhone 17"}}, _IPHONE7),
    # The audit's cases: the title names the receiving phone, so do the buttons.
    ({"goal": "restore", "device": {"model": "iPhone 15"}, "target": {"model": "iPhone 7"}}, _IPHONE7),
    ({"goal": "migrate", "device": {"model": "iPhone 7"}, "target": {"model": "iPhone 17"},
      "symptoms": {"restore_failed": True}}, _MODERN),
    # The restored phone's model unknown: every model's buttons, not the other phone's.
    ({"goal": "restore", "device": {"model": "iPhone 15"}}, _ANY),
])
def test_force_restart_steps_are_those_of_the_phone_the_title_names(engine: Engine, facts: dict[str, Any],
                                                                    buttons: str) -> None:
    symptoms = {**facts.get("symptoms", {}), "messages": ["backup-corrupt-or-incompatible"]}
    report = run(engine, {**facts, "symptoms": symptoms})
    assert buttons in rec(report, "force-restart").splitlines()[1]


def test_an_internal_error_after_a_restore_asks_for_the_restored_phones_model(engine: Engine) -> None:
    fine = {"goal": "restore", "device": {"storage_used_gb": 40}, "backup": {"last_backup_ios": "15.8"},
            "target": {"ios": "15.8", "capacity_gb": 128}, "symptoms": {"restore_failed": True},
            "network": {"connection": "wifi", "wifi_kind": "home", "signal_bars": 3}}
    report = run(engine, fine)
    assert "system-error" in [f.id for f in report.findings]
    fields = [q.field for q in report.questions]
    # Its buttons are the ones the force restart needs; the backup's phone is no help there.
    assert fields[0] == "target.model"
    with_model = run(engine, {**fine, "target": {**fine["target"], "model": "iPhone 7"}})
    assert _IPHONE7 in rec(with_model, "force-restart")


def test_temporary_storage_comes_after_the_update_it_starts_with(engine: Engine) -> None:
    report = run(engine, {"goal": "migrate", "device": {"model": "iPhone 15", "ios": "26.3", "update_available": True},
                          **SHORT})
    order = [r.id for r in report.recommendations]
    assert order.index("update-ios") < order.index("use-temporary-icloud-storage")


def test_quick_start_is_not_a_last_resort_with_both_phones_at_hand(engine: Engine) -> None:
    facts = {"goal": "migrate", "device": {"model": "iPhone 15", "ios": "26.3", "update_available": False}, **SHORT}
    alone = [r.id for r in run(engine, facts).recommendations]
    both = [r.id for r in run(engine, {**facts, "target": {"model": "iPhone 17"}}).recommendations]
    assert alone.index("use-quick-start") > alone.index("buy-icloud-storage")
    assert both.index("use-temporary-icloud-storage") < both.index("use-quick-start") < both.index("reduce-backup-size")


def test_newer_backup_never_updates_the_old_phone(engine: Engine) -> None:
    report = run(engine, {"goal": "migrate", "device": {"model": "iPhone 15", "ios": "26.3", "update_available": True},
                          "target": {"model": "iPhone 17", "ios": "26.1"},
                          "backup": {"last_backup_ios": "26.3"}})
    order = [r.id for r in report.recommendations]
    assert order[0] == "update-target-ios" and "update-ios" not in order


def test_a_migration_takes_the_backup_ios_from_the_old_phone(engine: Engine) -> None:
    report = run(engine, {"goal": "migrate", "device": {"model": "iPhone 15", "ios": "26.3"},
                          "target": {"model": "iPhone 17", "ios": "26.1"}})
    assert "restore-version-mismatch" in [f.id for f in report.findings]
    assert "backup.last_backup_ios" not in [q.field for q in report.questions]
    assert "iOS 26.3 (the old iPhone's)" in finding(report, "restore-version-mismatch")
    # In Japanese without brackets inside brackets: 「…iOS（古い iPhone の iOS 26.3）より古い」.
    ja = run(engine, {"goal": "migrate", "device": {"model": "iPhone 15", "ios": "26.3"},
                      "target": {"model": "iPhone 17", "ios": "26.1"}}, "ja")
    assert "バックアップを作った iOS（古い iPhone の iOS 26.3）より古いです" in finding(ja, "restore-version-mismatch")
    # A restore's backup may be any old one: there the phone's iOS says nothing.
    restore = run(engine, {"goal": "restore", "device": {"ios": "26.3"}, "target": {"ios": "26.1"},
                           "symptoms": {"restore_failed": True}})
    assert "restore-version-mismatch" not in [f.id for f in restore.findings]


def test_a_stuck_backup_with_the_size_unknown_is_not_an_internal_error(engine: Engine) -> None:
    report = run(engine, {"goal": "backup", "device": {"model": "iPhone 13"}, "account": {"plan_gb": 5, "used_gb": 4},
                          "network": {"connection": "wifi", "wifi_kind": "home", "signal_bars": 3},
                          "symptoms": {"backup_stuck": True}})
    assert "system-error" not in [f.id for f in report.findings]
    # Compare first; restart and sign out only if the backup fits, in that order.
    assert [r.id for r in report.recommendations] == ["check-icloud-space-first", "force-restart", "sign-out-and-in"]
    assert "next fixes" in report.recommendations[0].steps[-1]


def test_what_the_first_fix_looks_up_does_not_keep_the_interview_open(engine: Engine) -> None:
    stuck = {"goal": "backup", "device": {"model": "iPhone 15", "ios": "26.1", "update_available": False},
             "network": {"connection": "wifi"}, "symptoms": {"backup_stuck": True}}
    report = run(engine, stuck)
    assert not report.settled  # the kind of Wi-Fi and its bars: the first fix does not find those out
    assert [q.field for q in report.questions[:2]] == ["network.wifi_kind", "network.signal_bars"]
    report = run(engine, {**stuck, "network": {"connection": "wifi", "wifi_kind": "home", "signal_bars": 3,
                                               "vpn_or_proxy": False}})
    assert report.recommendations[0].id == "check-icloud-space-first"
    # The figures on the iCloud storage screen stay worth asking, last, but the clerk's
    # next step is the fix that reads them off: the interview may stop.
    fields = [q.field for q in report.questions]
    assert {"backup.estimated_size_gb", "account.plan_gb", "account.used_gb"} <= set(fields)
    assert report.settled


@pytest.mark.parametrize(("plan", "free_tier"), [(5, True), (50, False), (200, False), (None, False)])
def test_the_free_tier_is_named_only_on_the_free_plan(engine: Engine, plan: int | None, free_tier: bool) -> None:
    account = {"used_gb": 4.5} if plan is None else {"plan_gb": plan, "used_gb": plan - 0.5}
    report = run(engine, {"account": account, "backup": {"estimated_size_gb": 9.0},
                          "symptoms": {"messages": ["not-enough-storage"]}})
    detail = finding(report, "icloud-storage-insufficient")
    assert ("free tier" in detail) is free_tier
    if plan is None:
        assert "The iCloud storage is shared" in detail
    elif not free_tier:
        assert f"The {plan} GB plan" in detail


def test_price_follows_the_region_then_the_default_then_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    facts = {"account": {"plan_gb": 5, "used_gb": 4.5}, "backup": {"estimated_size_gb": 9.0}}
    monkeypatch.delenv("BACKUP_DOCTOR_REGION", raising=False)
    with Engine() as plain:
        assert "$" in rec(run(plain, facts, "en"), "buy-icloud-storage")
        assert "¥" in rec(run(plain, facts, "ja"), "buy-icloud-storage")
    # A shop in Japan answering in English: the engine's default region, given or from
    # the environment (read when the engine is built).
    monkeypatch.setenv("BACKUP_DOCTOR_REGION", "jp")
    for shop in (Engine(), Engine(region="JP")):
        with shop:
            assert "¥" in rec(run(shop, facts, "en"), "buy-icloud-storage")
            # The fact file's region wins over the default.
            assert "$" in rec(run(shop, {**facts, "region": "US"}, "en"), "buy-icloud-storage")


@pytest.mark.parametrize(("given", "env", "where"), [("FR", None, "region"), (None, "FR", "BACKUP_DOCTOR_REGION")])
def test_a_default_region_without_prices_is_refused_not_ignored(monkeypatch: pytest.MonkeyPatch, given: str | None,
                                                                env: str | None, where: str) -> None:
    # Ignored, it would quietly quote another currency than the shop's.
    if env is None:
        monkeypatch.delenv("BACKUP_DOCTOR_REGION", raising=False)
    else:
        monkeypatch.setenv("BACKUP_DOCTOR_REGION", env)
    with pytest.raises(ConfigError) as caught:
        Engine(region=given)
    assert f"{where}: 'FR' is not a region (accepted: one of JP, US)" in caught.value.render("en")
    assert f"{where}: 'FR' は地域として使えません" in caught.value.render("ja")


@pytest.mark.parametrize(("account", "organiser_told"), [
    ({"family_shared": True}, True),
    ({"family_shared": True, "family_organiser": False}, True),
    ({"family_shared": True, "family_organiser": True}, False),
    ({"family_shared": False}, False),
    ({}, False),
])
def test_a_family_member_is_told_to_ask_the_organiser(engine: Engine, account: dict[str, Any],
                                                      organiser_told: bool) -> None:
    facts = {"account": {"plan_gb": 200, "used_gb": 199, **account}, "backup": {"estimated_size_gb": 9.0}}
    for lang, word in (("en", "family organiser"), ("ja", "ファミリーの管理者")):
        assert (word in rec(run(engine, facts, lang), "buy-icloud-storage")) is organiser_told


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("symptoms", [{"apps_waiting_hours": 7}, {"messages": ["待機中"]},
                                      {"messages": ["復元を完了できませんでした"]}, {"restore_failed": True}])
def test_a_restore_symptom_on_a_backup_ticket_asks_to_check_the_goal(engine: Engine, lang: str,
                                                                     symptoms: dict[str, Any]) -> None:
    report = run(engine, {"goal": "backup", "symptoms": symptoms}, lang)
    assert [f.id for f in report.findings] == ["symptom-outside-goal"]
    assert "migrate" in finding(report, "symptom-outside-goal")


# The audit's failed restores, with the facts that would explain them unknown.
_RESTORE_FAILED = {"goal": "restore", "symptoms": {"restore_failed": True}}
_MIGRATION_RESTORE_FAILED = {
    "goal": "migrate", "device": {"model": "iPhone 7", "ios": "15.8", "update_available": False},
    "target": {"model": "iPhone 17", "ios": "26.1", "capacity_gb": 256},
    "network": {"connection": "wifi", "wifi_kind": "home", "signal_bars": 3}, "symptoms": {"restore_failed": True}}


@pytest.mark.parametrize("facts", [_RESTORE_FAILED, {**_RESTORE_FAILED, "symptoms": {"messages": ["復元を完了できませんでした"]}}])
def test_a_failed_restore_with_nothing_known_compares_the_versions_first_and_asks_the_rest(
        engine: Engine, facts: dict[str, Any]) -> None:
    report = run(engine, facts)
    assert "system-error" not in [f.id for f in report.findings]
    assert [r.id for r in report.recommendations][:1] == ["check-ios-versions-first"]
    # The versions first (the blocking cause), then the restored iPhone's Wi-Fi and space:
    # unknown, they are not fine either, and keep the report open.
    fields = [q.field for q in report.questions]
    assert fields[:2] == ["backup.last_backup_ios", "target.ios"]
    assert {"network.connection", "target.capacity_gb", "device.storage_used_gb"} <= set(fields[:5])
    assert not report.settled


def test_a_failed_restore_with_the_versions_fine_checks_the_new_iphones_wifi_and_space_first(engine: Engine) -> None:
    report = run(engine, _MIGRATION_RESTORE_FAILED)
    assert "system-error" not in [f.id for f in report.findings]
    assert [r.id for r in report.recommendations][:3] == ["check-restore-first", "force-restart", "sign-out-and-in"]
    assert "the new iPhone" in rec(report, "check-restore-first").splitlines()[0]
    assert {"target.connection", "device.storage_used_gb"} <= {q.field for q in report.questions}
    assert not report.settled
    assert run(engine, _MIGRATION_RESTORE_FAILED, "ja").recommendations[0].title.startswith("まず、新しい iPhone の")


def test_a_failed_restore_is_an_internal_error_once_its_causes_are_known_fine(engine: Engine) -> None:
    facts = {**_MIGRATION_RESTORE_FAILED, "device": {**_MIGRATION_RESTORE_FAILED["device"], "storage_used_gb": 40},
             "target": {**_MIGRATION_RESTORE_FAILED["target"], "connection": "wifi"}}
    report = run(engine, facts)
    assert "system-error" in [f.id for f in report.findings]
    assert report.recommendations[0].id == "force-restart"
    # Declining what is unknown does not make it fine: still checked first.
    declined = engine.diagnose({"schema_version": 1, "today": "2026-11-25", **_RESTORE_FAILED},  # type: ignore[arg-type]
                               declined=["backup.last_backup_ios", "target.ios", "network.connection",
                                         "target.capacity_gb", "device.storage_used_gb"])
    assert declined.recommendations[0].id == "check-ios-versions-first" and declined.settled


def test_the_new_phones_connection_is_said_under_target(engine: Engine) -> None:
    # The old phone backed up fine; the new one has no Wi-Fi and its SIM is out.
    report = run(engine, {"goal": "migrate", "network": {"connection": "wifi", "wifi_kind": "home", "signal_bars": 3},
                          "target": {"model": "iPhone 17", "connection": "none"},
                          "symptoms": {"apps_waiting_hours": 6}})
    assert {"target-no-connection", "apps-stuck-after-restore"} <= {f.id for f in report.findings}
    assert "network-unstable" not in {f.id for f in report.findings}
    assert report.recommendations[0].id == "check-mobile-data-and-app-store"
    assert "No connection on the new iPhone" in finding(report, "target-no-connection")


def test_on_a_restore_the_receiving_phone_is_the_one_being_restored(engine: Engine) -> None:
    # A restore may put the backup back on the same iPhone: it is not "the new iPhone".
    facts = {"goal": "restore", "network": {"connection": "none", "sim_inserted": False},
             "symptoms": {"apps_waiting_hours": 6}}
    assert "No connection on the restored iPhone" in finding(run(engine, facts), "target-no-connection")
    assert "復元のあと、復元した iPhone は" in finding(run(engine, facts, "ja"), "target-no-connection")


def test_bad_target_connection_names_the_field(engine: Engine) -> None:
    with pytest.raises(FactSchemaError) as err:
        run(engine, {"target": {"connection": "lte"}})
    assert "target.connection" in str(err.value)
