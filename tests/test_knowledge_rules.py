"""Each built-in rule at its boundary: one fact file where it fires, one just past the edge where it does not.

Whether a rule fired is read from the ``--explain`` trace, so a rule is tested on its
own even when another rule reaches the same conclusion.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backup_doctor.engine import Engine, Report, diagnose
from backup_doctor.engine.rulebase.knowledge import load_knowledge, model_key

TODAY = "2026-11-25"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def run(engine: Engine, facts: dict[str, Any], lang: str = "en") -> Report:
    return engine.diagnose({"schema_version": 1, "today": TODAY, **facts}, lang=lang, explain=True)  # type: ignore[arg-type]


def fired(report: Report) -> set[str]:
    return {e.rule_id for e in report.trace if e.op == "fire" and e.rule_id}


def ids(report: Report) -> set[str]:
    return {i for group in report.ids().values() for i in group}


SHORT = {"account": {"plan_gb": 5, "used_gb": 4.5}, "backup": {"estimated_size_gb": 9.0}}
FITS = {"account": {"plan_gb": 50, "used_gb": 4.5}, "backup": {"estimated_size_gb": 9.0}}


def merge(*parts: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            out[key] = {**out[key], **value} if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


# (rule id, facts where it fires, facts just past its boundary where it must not)
# A failed restore whose every explaining fact is known and fine (R-system-error-restore).
RESTORE_FINE: dict[str, Any] = {
    "goal": "restore", "symptoms": {"restore_failed": True}, "device": {"storage_used_gb": 40},
    "backup": {"last_backup_ios": "17.0"}, "target": {"ios": "17.0", "capacity_gb": 128},
    "network": {"connection": "wifi", "wifi_kind": "home", "signal_bars": 3}}

BOUNDARIES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("R-apple-outage", {"apple_status": {"icloud_backup_outage": True}}, {"apple_status": {"icloud_backup_outage": False}}),
    ("R-not-signed-in", {"account": {"signed_in": False}}, {"account": {"signed_in": True}}),
    ("R-backup-restricted", {"device": {"backup_restricted": True}}, {"device": {"backup_restricted": False}}),
    ("R-backup-switch-off", {"account": {"icloud_backup_on": False}}, {"account": {"icloud_backup_on": True}}),
    ("R-fix-turn-on-backup", {"account": {"icloud_backup_on": False}},
     {"account": {"icloud_backup_on": False}, "device": {"backup_restricted": True}}),
    ("R-ios-too-old-for-icloud", {"device": {"ios": "4.3.5"}}, {"device": {"ios": "5.0"}}),
    # free space equal to the backup: it fits
    ("R-storage-shortfall", {"account": {"plan_gb": 5, "used_gb": 3}, "backup": {"estimated_size_gb": 2.1}},
     {"account": {"plan_gb": 5, "used_gb": 3}, "backup": {"estimated_size_gb": 2.0}}),
    ("R-storage-message", {"symptoms": {"messages": ["iCloudストレージの空き領域が不足しています"]}},
     {"symptoms": {"messages": ["iPhoneのストレージが不足しています"]}}),
    ("R-fix-temp-storage", merge(SHORT, {"goal": "migrate", "device": {"ios": "15.0"}}),
     merge(SHORT, {"goal": "migrate", "device": {"ios": "14.8"}})),
    ("R-fix-temp-storage-after-update", merge(SHORT, {"goal": "migrate", "device": {"model": "iPhone 7", "ios": "14.8"}}),
     merge(SHORT, {"goal": "migrate", "device": {"model": "iPhone 6", "ios": "12.4"}})),
    ("R-fix-reduce-backup", SHORT, FITS),
    ("R-fix-buy-storage", SHORT, merge(SHORT, {"device": {"backup_restricted": True}})),
    ("R-target-too-small", {"goal": "migrate", "device": {"storage_used_gb": 64.5}, "target": {"capacity_gb": 64}},
     {"goal": "migrate", "device": {"storage_used_gb": 64}, "target": {"capacity_gb": 64}}),
    ("R-ios-update-offered", {"goal": "backup", "device": {"update_available": True}},
     {"goal": "backup", "device": {"update_available": False}}),
    # a restore's `device` is the phone the backup came from: its update changes nothing
    ("R-ios-update-offered", {"goal": "migrate", "device": {"update_available": True}},
     {"goal": "restore", "device": {"update_available": True}}),
    # iPhone 7: its last iOS is 15
    ("R-ios-below-model-max", {"goal": "backup", "device": {"model": "iPhone 7", "ios": "14.8"}},
     {"goal": "backup", "device": {"model": "iPhone 7", "ios": "15.8.3"}}),
    ("R-ios-below-model-max", {"goal": "migrate", "device": {"model": "iPhone 7", "ios": "14.8"}},
     {"goal": "restore", "device": {"model": "iPhone 7", "ios": "14.8"}}),
    # a migration whose new iPhone was restored (apps waiting) is past the switch: the old
    # phone's iOS no longer matters (the derived `stage`)
    ("R-ios-below-model-max", {"goal": "migrate", "device": {"model": "iPhone 7", "ios": "14.8"}},
     {"goal": "migrate", "device": {"model": "iPhone 7", "ios": "14.8"}, "symptoms": {"apps_waiting_hours": 3}}),
    ("R-fix-update-ios", {"goal": "backup", "device": {"model": "iPhone 12", "ios": "26.4"}},
     {"goal": "backup", "device": {"model": "iPhone 12", "ios": "27.0"}}),
    ("R-network-hotspot-or-public", {"network": {"wifi_kind": "public"}}, {"network": {"wifi_kind": "home"}}),
    # the article: a stable Wi-Fi shows three bars
    ("R-network-weak-signal", {"network": {"signal_bars": 2}}, {"network": {"signal_bars": 3}}),
    ("R-network-mobile-line", {"network": {"wifi_kind": "mobile_router"}}, {"network": {"line": "fiber"}}),
    ("R-network-cellular-without-cellular-backup", {"network": {"connection": "cellular", "cellular_backup_on": False}},
     {"network": {"connection": "cellular", "cellular_backup_on": True}}),
    ("R-network-cellular-not-possible", {"network": {"connection": "cellular"}, "device": {"model": "iPhone 11"}},
     {"network": {"connection": "cellular"}, "device": {"model": "iPhone 12", "ios": "15.0"}}),
    ("R-network-none", {"network": {"connection": "none"}}, {"network": {"connection": "wifi"}}),
    ("R-network-cellular-data-off", {"network": {"connection": "cellular", "mobile_data_on": False}},
     {"network": {"connection": "cellular", "mobile_data_on": True}}),
    ("R-network-restore-needs-wifi", {"goal": "restore", "network": {"connection": "cellular"}},
     {"goal": "backup", "network": {"connection": "cellular"}}),
    ("R-network-vpn", {"network": {"vpn_or_proxy": True}}, {"network": {"vpn_or_proxy": False}}),
    ("R-fix-stable-wifi", {"network": {"signal_bars": 1}},
     {"network": {"signal_bars": 1}, "symptoms": {"messages": ["restricted-by-profile"]}}),
    ("R-fix-cellular-backup",
     {"goal": "backup", "network": {"connection": "cellular", "cellular_backup_on": False},
      "device": {"model": "iPhone 12", "ios": "15.0"}},
     {"goal": "backup", "network": {"connection": "cellular", "cellular_backup_on": False},
      "device": {"model": "iPhone 12", "ios": "14.8"}}),
    # "16.10" is newer than "16.9"
    ("R-restore-newer-backup", {"goal": "restore", "backup": {"last_backup_ios": "16.10"}, "target": {"ios": "16.9"}},
     {"goal": "restore", "backup": {"last_backup_ios": "16.9"}, "target": {"ios": "16.10"}}),
    ("R-restore-target-too-old", {"goal": "restore", "backup": {"last_backup_ios": "26.0"}, "target": {"model": "iPhone XR"}},
     {"goal": "restore", "backup": {"last_backup_ios": "18.6"}, "target": {"model": "iPhone XR"}}),
    ("R-fix-update-target", {"goal": "restore", "backup": {"last_backup_ios": "18.6"}, "target": {"model": "iPhone XR", "ios": "17.0"}},
     {"goal": "restore", "backup": {"last_backup_ios": "26.0"}, "target": {"model": "iPhone XR", "ios": "17.0"}}),
    ("R-previous-backup-corrupt", {"symptoms": {"messages": ["unavailable-files"]}}, {"symptoms": {"messages": ["backup-failed"]}}),
    ("R-fix-delete-previous", {"goal": "backup", "symptoms": {"messages": ["unavailable-files"]}},
     {"goal": "restore", "symptoms": {"messages": ["unavailable-files"]}}),
    ("R-apps-stuck", {"goal": "restore", "symptoms": {"apps_waiting_hours": 2}},
     {"goal": "restore", "symptoms": {"apps_waiting_hours": 1.9}}),
    # a restore-only symptom says nothing about a plain backup
    ("R-apps-stuck-migrate", {"goal": "migrate", "symptoms": {"apps_waiting_hours": 2}},
     {"goal": "backup", "symptoms": {"apps_waiting_hours": 6}}),
    ("R-restore-message-newer-ios",
     {"goal": "restore", "symptoms": {"messages": ["This backup cannot be restored because the software on the iPhone is too old."]}},
     {"goal": "backup", "symptoms": {"messages": ["This backup cannot be restored because the software on the iPhone is too old."]}}),
    ("R-system-error-message", {"symptoms": {"messages": ["The last backup could not be completed."]}, **FITS},
     {"symptoms": {"messages": ["The last backup could not be completed."]}, "network": {"wifi_kind": "tethering"}, **FITS}),
    # unknown is not fine: with the space unknown the failure is not blamed on an internal error
    ("R-system-error-message", {"symptoms": {"messages": ["backup-failed"]}, **FITS},
     {"symptoms": {"messages": ["backup-failed"]}}),
    ("R-system-error-stuck",
     {"symptoms": {"backup_stuck": True}, "network": {"connection": "wifi", "wifi_kind": "home", "signal_bars": 3}, **FITS},
     {"symptoms": {"backup_stuck": True}, "network": {"connection": "wifi", "wifi_kind": "home", "signal_bars": 2}, **FITS}),
    ("R-system-error-stuck",
     {"symptoms": {"backup_stuck": True}, "network": {"connection": "wifi", "wifi_kind": "home", "signal_bars": 3}, **FITS},
     {"symptoms": {"backup_stuck": True}, "network": {"connection": "wifi", "wifi_kind": "home", "signal_bars": 3},
      "account": {"plan_gb": 5, "used_gb": 4}}),
    ("R-quick-start-both-phones", {"goal": "migrate", "target": {"model": "iPhone 17"}, **SHORT},
     {"goal": "migrate", **SHORT}),
    ("R-check-space-first", {"goal": "backup", "symptoms": {"backup_stuck": True}, "account": {"plan_gb": 5, "used_gb": 4}},
     {"goal": "backup", "symptoms": {"backup_stuck": True}, **FITS}),
    ("R-check-space-first", {"goal": "migrate", "symptoms": {"messages": ["backup-failed"]}},
     {"goal": "restore", "symptoms": {"messages": ["backup-failed"]}}),
    ("R-system-error-enable-message", {"symptoms": {"messages": ["enable-backup-problem"]}},
     {"symptoms": {"messages": ["enable-backup-problem"]}, "account": {"icloud_backup_on": False}}),
    ("R-target-no-connection",
     {"goal": "migrate", "target": {"connection": "none"}, "symptoms": {"apps_waiting_hours": 3}},
     {"goal": "migrate", "target": {"connection": "wifi", "sim_inserted": False}, "symptoms": {"apps_waiting_hours": 3}}),
    # only once apps wait on the new iPhone: other tickets are not about its connection
    ("R-target-no-connection",
     {"goal": "restore", "target": {"connection": "cellular", "mobile_data_on": False}, "symptoms": {"apps_waiting_hours": 3}},
     {"goal": "restore", "target": {"connection": "cellular", "mobile_data_on": False}}),
    ("R-target-no-mobile-data-apps-stuck",
     {"goal": "migrate", "target": {"sim_inserted": False}, "symptoms": {"apps_waiting_hours": 6}},
     {"goal": "migrate", "target": {"sim_inserted": False}, "symptoms": {"apps_waiting_hours": 1}}),
    # for a restore, network has always meant the phone being restored
    ("R-restored-phone-no-mobile-data", {"goal": "restore", "network": {"connection": "cellular", "mobile_data_on": False}},
     {"goal": "migrate", "network": {"connection": "cellular", "mobile_data_on": False}}),
    ("R-apps-waiting-on-backup-ticket", {"goal": "backup", "symptoms": {"apps_waiting_hours": 7}},
     {"goal": "migrate", "symptoms": {"apps_waiting_hours": 7}}),
    ("R-system-error-restore", {**RESTORE_FINE, "backup": {"last_backup_ios": "17.0"}},
     {**RESTORE_FINE, "backup": {"last_backup_ios": "17.1"}}),
    # unknown is not fine: a version not known is no internal error yet
    ("R-system-error-restore", RESTORE_FINE, {**RESTORE_FINE, "target": {"capacity_gb": 128}}),
    # nor the restored iPhone's connection: check it first instead
    ("R-system-error-restore", RESTORE_FINE, {**RESTORE_FINE, "network": {}}),
    ("R-check-restore-first", {**RESTORE_FINE, "network": {}}, RESTORE_FINE),
    ("R-system-error-restore-migrate",
     {**RESTORE_FINE, "goal": "migrate", "network": {}, "target": {**RESTORE_FINE["target"], "connection": "wifi"}},
     {**RESTORE_FINE, "goal": "migrate", "target": {**RESTORE_FINE["target"], "connection": "cellular"}}),
    ("R-check-versions-first", {"goal": "restore", "symptoms": {"restore_failed": True}, "target": {"ios": "17.0"}},
     {"goal": "restore", "symptoms": {"restore_failed": True}, "backup": {"last_backup_ios": "17.0"},
      "target": {"ios": "17.0"}}),
    ("R-check-versions-first", {"goal": "migrate", "symptoms": {"restore_failed": True}},
     {"goal": "migrate", "symptoms": {"restore_failed": True, "messages": ["restore-needs-newer-ios"]}}),
    ("R-fix-system-error", {"symptoms": {"messages": ["enable-backup-problem"]}},
     {"symptoms": {"messages": ["enable-backup-problem"]}, "account": {"signed_in": False}}),
    ("R-fix-restart-corrupt", {"symptoms": {"messages": ["backup-corrupt-or-incompatible"]}}, {"symptoms": {"messages": []}}),
    ("R-not-backed-up-message",
     {"goal": "backup", "account": {"icloud_backup_on": True}, "symptoms": {"messages": ["iPhone Not Backed Up"]}},
     {"goal": "backup", "account": {"icloud_backup_on": False}, "symptoms": {"messages": ["iPhone Not Backed Up"]}}),
    ("R-apps-waiting-message", {"goal": "restore", "symptoms": {"messages": ["待機中"]}},
     {"goal": "backup", "symptoms": {"messages": ["待機中"]}}),
    ("R-apps-waiting-message", {"goal": "migrate", "symptoms": {"messages": ["Waiting…"]}},
     {"goal": "migrate", "symptoms": {"messages": ["Waiting…"], "apps_waiting_hours": 1}}),
    ("R-restore-incomplete-message", {"goal": "restore", "symptoms": {"messages": ["復元を完了できませんでした"]}},
     {"goal": "backup", "symptoms": {"messages": ["復元を完了できませんでした"]}}),
    ("R-auto-backup-not-running", {"goal": "backup", "symptoms": {"auto_backup_not_running": True}},
     {"goal": "backup", "symptoms": {"auto_backup_not_running": True}, "account": {"icloud_backup_on": False}}),
    # Apple may delete a backup after 180 days
    ("R-backup-stale", {"backup": {"last_success": "2026-05-29"}}, {"backup": {"last_success": "2026-05-30"}}),
    ("R-fix-back-up-now", {"goal": "backup", "backup": {"last_success": "2026-05-29"}},
     {"goal": "restore", "backup": {"last_success": "2026-05-29"}}),
    # a backup cannot succeed while iCloud has no room: the storage fixes come first
    ("R-fix-back-up-now", {"goal": "backup", "backup": {"last_success": "2026-05-29"}},
     merge(SHORT, {"goal": "backup", "backup": {"last_success": "2026-05-29"}})),
    ("R-alt-computer-storage", merge(SHORT, {"goal": "backup"}), merge(SHORT, {"goal": "restore"})),
    ("R-alt-quick-start-storage", merge(SHORT, {"goal": "migrate"}), merge(SHORT, {"goal": "backup"})),
    ("R-alt-computer-network", {"goal": "backup", "network": {"wifi_kind": "public"}}, {"goal": "backup", "network": {"wifi_kind": "home"}}),
    ("R-alt-quick-start-network", {"goal": "migrate", "network": {"wifi_kind": "public"}},
     {"goal": "backup", "network": {"wifi_kind": "public"}}),
    ("R-alt-computer-system-error", {"goal": "backup", "symptoms": {"messages": ["backup-failed"]}, **FITS},
     {"goal": "restore", "symptoms": {"messages": ["backup-failed"]}, **FITS}),
    ("R-alt-quick-start-system-error", {"goal": "migrate", "symptoms": {"messages": ["backup-failed"]}, **FITS},
     {"goal": "backup", "symptoms": {"messages": ["backup-failed"]}, **FITS}),
    ("R-alt-computer-corrupt", {"goal": "backup", "symptoms": {"messages": ["unavailable-files"]}},
     {"goal": "restore", "symptoms": {"messages": ["unavailable-files"]}}),
    ("R-alt-quick-start-corrupt", {"goal": "migrate", "symptoms": {"messages": ["unavailable-files"]}},
     {"goal": "backup", "symptoms": {"messages": ["unavailable-files"]}}),
    ("R-alt-computer-outage", {"goal": "backup", "apple_status": {"icloud_backup_outage": True}},
     {"goal": "restore", "apple_status": {"icloud_backup_outage": True}}),
    ("R-alt-quick-start-outage", {"goal": "migrate", "apple_status": {"icloud_backup_outage": True}},
     {"goal": "backup", "apple_status": {"icloud_backup_outage": True}}),
    ("R-alt-computer-unsupported-ios", {"device": {"ios": "4.2"}}, {"device": {"ios": "5.1"}}),
    ("R-giveup-restricted-computer", {"goal": "backup", "device": {"backup_restricted": True}},
     {"goal": "restore", "device": {"backup_restricted": True}}),
    ("R-giveup-restricted-quick-start", {"goal": "migrate", "device": {"backup_restricted": True}},
     {"goal": "backup", "device": {"backup_restricted": True}}),
    ("R-giveup-ios-cannot-reach-icloud", {"device": {"model": "iPhone 3G", "ios": "4.2"}},
     {"device": {"model": "iPhone 3GS", "ios": "4.2"}}),
    ("R-giveup-no-connection-computer", {"goal": "backup", "network": {"connection": "none"}},
     {"goal": "backup", "network": {"connection": "wifi"}}),
    ("R-giveup-no-wifi-computer", {"goal": "backup", "network": {"connection": "cellular"}, "device": {"model": "iPhone 11"}},
     {"goal": "backup", "network": {"connection": "cellular"}, "device": {"model": "iPhone 12", "ios": "15.0"}}),
    ("R-giveup-no-wifi-quick-start", {"goal": "migrate", "network": {"connection": "cellular"}, "device": {"ios": "14.8"}},
     {"goal": "migrate", "network": {"connection": "cellular"}, "device": {"model": "iPhone 12", "ios": "15.0"}}),
    ("R-caveats-every-backup", {"goal": "backup"}, {}),
    ("R-caveats-new-phone", {"goal": "restore"}, {"goal": "backup"}),
    # uses: unknown -> the one general caveat; a list, even an empty one, -> not it
    ("R-caveat-uses-unknown", {"goal": "migrate"}, {"goal": "migrate", "uses": []}),
    ("R-caveat-uses-unknown", {"goal": "backup", "uses": None}, {"goal": "backup", "uses": ["line"]}),
    # the 180-day caveat: unknown last backup, or 30 days old and more (TODAY is 2026-11-25)
    ("R-caveat-180-days-unknown", {"goal": "backup"}, {"goal": "backup", "backup": {"last_success": "2026-11-24"}}),
    ("R-caveat-180-days-aging", {"goal": "backup", "backup": {"last_success": "2026-10-26"}},
     {"goal": "backup", "backup": {"last_success": "2026-10-27"}}),
    ("R-caveat-other-clouds", {"goal": "backup", "uses": ["Google Drive"]}, {"goal": "backup", "uses": ["line"]}),
    ("R-caveat-wallet-cards", {"goal": "restore", "uses": ["apple_pay"]}, {"goal": "restore", "uses": ["suica"]}),
    # "before you switch" caveats: backup and migrate, never after a restore
    ("R-caveat-messaging-apps", {"goal": "migrate", "uses": ["LINE"]}, {"goal": "restore", "uses": ["LINE"]}),
    ("R-caveat-transit-cards", {"goal": "migrate", "uses": ["Suica"]}, {"goal": "restore", "uses": ["Suica"]}),
    ("R-caveat-transit-cards", {"goal": "backup", "uses": ["ICOCA"]}, {"goal": "backup", "uses": ["apple_pay"]}),
    ("R-caveat-authenticator", {"goal": "migrate", "uses": ["Microsoft Authenticator"]},
     {"goal": "restore", "uses": ["Microsoft Authenticator"]}),
    ("R-caveat-banking-app", {"goal": "backup", "uses": ["銀行アプリ"]}, {"goal": "restore", "uses": ["銀行アプリ"]}),
    ("R-caveat-games", {"goal": "migrate", "uses": ["games"]}, {"goal": "restore", "uses": ["games"]}),
    ("R-caveat-apps-after-restore", {"goal": "restore", "uses": ["games"]}, {"goal": "migrate", "uses": ["games"]}),
    ("R-caveat-tied-apps-after-restore", {"goal": "restore", "uses": ["PASMO"]}, {"goal": "restore", "uses": ["gmail"]}),
    ("R-caveat-icloud-photos", {"account": {"icloud_photos_on": True}}, {"account": {"icloud_photos_on": False}}),
    ("R-caveat-messages-in-icloud", {"account": {"messages_in_icloud_on": True}}, {"account": {"messages_in_icloud_on": False}}),
    ("R-caveat-apple-watch", {"goal": "migrate", "uses": ["apple_watch"]}, {"goal": "migrate", "uses": ["line"]}),
    ("R-caveat-visual-voicemail", {"goal": "restore", "uses": ["voicemail"]}, {"goal": "restore", "uses": ["line"]}),
    ("R-caveat-visual-voicemail-uses-unknown", {"goal": "migrate"}, {"goal": "migrate", "uses": []}),
    ("R-caveat-model-unknown", {"device": {"model": "iPhone 99"}}, {"device": {"model": "iPhone 12 mini"}}),
    ("R-caveat-target-model-unknown", {"target": {"model": "Galaxy S24"}}, {"target": {"model": "iPhone 16e"}}),
]


@pytest.mark.parametrize(("rule", "fires", "quiet"), BOUNDARIES, ids=[b[0] for b in BOUNDARIES])
def test_rule_boundary(engine: Engine, rule: str, fires: dict[str, Any], quiet: dict[str, Any]) -> None:
    assert rule in fired(run(engine, fires))
    assert rule not in fired(run(engine, quiet))


def test_every_builtin_rule_has_a_boundary_row(engine: Engine) -> None:
    assert {r.id for r in engine.rulebase.rules} == {b[0] for b in BOUNDARIES}


# --------------------------------------------------------------------------- models


@pytest.mark.parametrize(("typed", "family"), [
    ("iphone12 pro", "iphone-12"),
    ("iPhone SE (第2世代)", "iphone-se-2"),
    ("ｉＰｈｏｎｅ ＳＥ（第２世代）", "iphone-se-2"),
    ("SE2", "iphone-se-2"),
    ("iPhone SE 2nd generation", "iphone-se-2"),
    ("iPhone SE 第三世代", "iphone-se-3"),
    ("iPhone 7 Plus", "iphone-7"),
    ("ＩＰｈｏｎｅ１２", "iphone-12"),
    ("アイフォン12プロ", "iphone-12"),
    ("iPhone 15 Pro Max 256GB", "iphone-15"),
    ("iPhone Xs Max", "iphone-xs"),
    ("iPhone SE (1st generation)", "iphone-se-1"),
    # released 2026 (docs/knowledge.md §iOS versions and device ceilings)
    ("iPhone 17e", "iphone-17"),
    ("iPhone 17 e", "iphone-17"),
    ("iPhone Air", "iphone-17"),
    ("iPhone 18 Pro", "iphone-18"),
    ("iPhone 18 Pro Max 1TB", "iphone-18"),
    ("アイフォーン18プロマックス", "iphone-18"),
    ("iPhone Duo", "iphone-18"),
    ("アイフォン デュオ", "iphone-18"),
    ("iPhone Fold", "iphone-18"),
])
def test_model_names_as_typed(typed: str, family: str) -> None:
    found = load_knowledge().family(typed)
    assert found is not None and found.id == family, model_key(typed)


# Not released in 2026: a standard iPhone 18, an 18e, an Air 2 (expected 2027).
@pytest.mark.parametrize("typed", ["iPhone", "iPhone SE", "Galaxy S24", "iPhone 99", "iPhone 18", "iPhone 18e",
                                   "iPhone Air 2"])
def test_ambiguous_or_unknown_models_are_not_guessed(typed: str) -> None:
    assert load_knowledge().family(typed) is None


@pytest.mark.parametrize(("model", "first_step_word"), [
    ("iPhone SE (第2世代)", "volume up"),
    ("iPhone 12", "volume up"),
    ("iPhone 7 Plus", "volume down"),
    ("iPhone 6s", "Home button"),
    ("iPhone SE (1st generation)", "Home button"),
])
def test_force_restart_buttons_follow_the_model(engine: Engine, model: str, first_step_word: str) -> None:
    report = run(engine, {"device": {"model": model}, "symptoms": {"messages": ["backup-failed"]}, **FITS})
    restart = next(r for r in report.recommendations if r.id == "force-restart")
    assert first_step_word in restart.steps[0]


def test_force_restart_for_an_unknown_model_lists_every_family(engine: Engine) -> None:
    report = run(engine, {"device": {"model": "iPhone 99"}, "symptoms": {"messages": ["backup-failed"]}, **FITS})
    steps = " ".join(next(r for r in report.recommendations if r.id == "force-restart").steps)
    assert "iPhone 8" in steps and "iPhone 7" in steps and "iPhone 6s" in steps
    assert report.device.model == "iPhone 99" and report.device.family is None
    assert "device.model" in [q.field for q in report.questions]


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(("text", "message_id"), [
    ("iCloudストレージの空き領域が不足しています", "not-enough-storage"),
    ("iCloudストレージに十分な空き領域がないため、このiPhoneのバックアップは作成できません。", "not-enough-storage"),
    ("ｉＣｌｏｕｄ ストレージの 空き領域が 不足しています。", "not-enough-storage"),
    ("Not Enough Storage", "not-enough-storage"),
    ("前回のバックアップが完成しなかった", "last-backup-incomplete"),
    ("最後に行ったバックアップを完了できませんでした。", "last-backup-incomplete"),
    ("The last backup could not be completed.", "last-backup-incomplete"),
    ("前回のバックアップ中に利用不可能なファイルがありました。", "unavailable-files"),
    ("バックアップが破損しているか互換性がない", "backup-corrupt-or-incompatible"),
    ("iPhoneﾊﾞｯｸｱｯﾌﾟに失敗", "backup-failed"),
    ("iPhone Backup Failed", "backup-failed"),
    ("There was a problem enabling iCloud Backup.", "enable-backup-problem"),
    ("iCloudバックアップは構成プロファイルによって無効にされています", "restricted-by-profile"),
    ("last-backup-incomplete", "last-backup-incomplete"),
    # issue 14: what customers paste most
    ("このiPhoneをバックアップするための十分なiCloudストレージがありません", "not-enough-storage"),
    ("There is not enough iCloud storage available to back up this iPhone.", "not-enough-storage"),
    ("このiPhoneをバックアップするのに十分なiCloudの空き容量がありません。", "not-enough-storage"),
    ("iPhoneのバックアップを作成できません", "backup-failed"),
    ("Cannot Back Up iPhone", "backup-failed"),
    ("iPhoneをバックアップできませんでした", "backup-failed"),
    ("iPhone could not be backed up", "backup-failed"),  # its English (audit item 12)
    ("This iPhone couldn't be backed up.", "backup-failed"),
    ("iPhoneがバックアップされていません", "not-backed-up"),
    ("iPhoneのバックアップ未作成", "not-backed-up"),
    ("このiPhoneは過去2週間バックアップが作成されていません。", "not-backed-up"),
    ("iPhone Not Backed Up", "not-backed-up"),
    ("This iPhone hasn't been backed up in 3 weeks.", "not-backed-up"),
    ("待機中", "apps-waiting"),
    ("待機中…", "apps-waiting"),
    ("Waiting…", "apps-waiting"),
    ("Appが待機中のまま", "apps-waiting"),
    ("apps are waiting", "apps-waiting"),
    ("復元を完了できませんでした", "restore-incomplete"),
    ("The restore could not be completed.", "restore-incomplete"),
    ("Cannot Restore Backup", "restore-incomplete"),
])
def test_on_screen_messages_are_recognised(text: str, message_id: str) -> None:
    assert message_id in load_knowledge().recognise(text)


def test_not_enough_storage_is_not_also_a_vague_failure() -> None:
    # "cannot be backed up because there is not enough iCloud storage" names its cause:
    # the "could not be backed up" phrase must not make it a vague failed backup too.
    text = "This iPhone cannot be backed up because there is not enough iCloud storage available."
    assert set(load_knowledge().recognise(text)) == {"not-enough-storage"}


@pytest.mark.parametrize(("typed", "value"), [
    ("Apple Pay", "apple_pay"), ("モバイルSuica", "suica"), ("ＰＡＳＭＯ", "pasmo"), ("Google Authenticator", "authenticator_app"),
    ("銀行アプリ", "banking_app"), ("two_factor_app", "two_factor_app"), ("ゲーム", "games"),
])
def test_uses_as_customers_spell_them(typed: str, value: str) -> None:
    assert load_knowledge().use(typed) == value


def test_every_uses_value_is_documented_with_labels_in_both_languages() -> None:
    facts_doc = (Path(__file__).resolve().parent.parent / "docs" / "facts.md").read_text("utf-8")
    for value, label in load_knowledge().uses.items():
        assert f"`{value}`" in facts_doc, value
        assert label["en"].strip() and label["ja"].strip(), value


def test_an_unknown_use_is_kept_and_reported(engine: Engine) -> None:
    report = run(engine, {"goal": "migrate", "uses": ["Instagram", "Suica"]})
    assert report.unrecognised_uses == ["Instagram"]
    assert "transit-card-transfer" in ids(report)


def test_phone_storage_is_not_mistaken_for_icloud_storage() -> None:
    assert load_knowledge().recognise("iPhoneのストレージが不足しています") == []


@pytest.mark.parametrize("text", ["waiting for Wi-Fi", "バックアップの待機中に電源が切れた", "Restore in progress"])
def test_a_bare_waiting_inside_other_words_is_not_apps_waiting(text: str) -> None:
    assert "apps-waiting" not in load_knowledge().recognise(text)


@pytest.mark.parametrize("text", ["iPhoneのバックアップ未作成", "iPhone Not Backed Up", "復元を完了できませんでした",
                                  "The restore could not be completed.", "待機中", "Waiting…"])
def test_messages_that_name_no_cause_never_make_an_internal_error(engine: Engine, text: str) -> None:
    for goal in ("backup", "migrate", "restore"):
        report = run(engine, {"goal": goal, "account": {"icloud_backup_on": True},
                              "symptoms": {"messages": [text]}})
        assert "system-error" not in ids(report), (goal, text)
        assert report.unrecognised_messages == []


def test_unrecognised_text_is_kept(engine: Engine) -> None:
    report = run(engine, {"symptoms": {"messages": ["謎のエラー 0xE800", "Not Enough Storage"]}})
    assert report.unrecognised_messages == ["謎のエラー 0xE800"]
    assert "icloud-storage-insufficient" in ids(report)


# --------------------------------------------------------------------------- estimates and plans


def test_estimate_from_photos_and_video_is_said_to_be_an_estimate(engine: Engine) -> None:
    report = run(engine, {"backup": {"photo_count": 3000, "video_gb": 2.0}})
    assert report.estimates.backup_size_gb == 7.0  # 2.0 GB base + 3000 × 1 MB + 2.0 GB video
    assert report.estimates.backup_size_source == "estimated"
    assert report.estimates.how is not None and "3000" in report.estimates.how


def test_photos_in_icloud_photos_leave_the_estimate(engine: Engine) -> None:
    report = run(engine, {"backup": {"photo_count": 3000}, "account": {"icloud_photos_on": True}})
    assert report.estimates.backup_size_gb == 2.0


def test_reported_size_is_not_an_estimate(engine: Engine) -> None:
    report = run(engine, {"backup": {"estimated_size_gb": 9.5, "photo_count": 3000}})
    assert (report.estimates.backup_size_gb, report.estimates.backup_size_source, report.estimates.how) == (9.5, "reported", None)


def test_estimate_equal_to_free_space_fits(engine: Engine) -> None:
    # 2.0 GB base + 1000 photos × 1 MB = 3.0 GB, exactly the free space
    fits = run(engine, {"account": {"plan_gb": 5, "used_gb": 2}, "backup": {"photo_count": 1000}})
    short = run(engine, {"account": {"plan_gb": 5, "used_gb": 2}, "backup": {"photo_count": 1010}})
    assert "icloud-storage-insufficient" not in ids(fits)
    assert "icloud-storage-insufficient" in ids(short)


@pytest.mark.parametrize(("lang", "region", "used", "size", "plan", "price"), [
    ("ja", None, 4.2, 9.5, "50 GB", "¥180"),
    ("en", None, 4.2, 9.5, "50 GB", "$0.99"),
    ("en", "JP", 40.0, 30.0, "200 GB", "¥540"),
    ("ja", "US", 190.0, 60.0, "2 TB", "$9.99"),
])
def test_smallest_plan_that_fits_and_its_price(engine: Engine, lang: str, region: str | None, used: float,
                                               size: float, plan: str, price: str) -> None:
    plan_gb = 5 if used < 5 else 50 if used < 50 else 200
    facts: dict[str, Any] = {"account": {"plan_gb": plan_gb, "used_gb": used}, "backup": {"estimated_size_gb": size}}
    if region:
        facts["region"] = region
    buy = next(r for r in run(engine, facts, lang).recommendations if r.id == "buy-icloud-storage")
    assert plan in buy.title and price in buy.title


def test_rule_test_cases_pass_and_reach_every_builtin_rule(engine: Engine) -> None:
    from pathlib import Path

    from backup_doctor.engine.authoring.ruletest import run_tests

    run = run_tests(engine, [Path(__file__).parent / "rules"])
    assert [r.case.spec.name for r in run.failed] == []
    assert [r.id for r in run.coverage.rules] == []
    assert run.coverage.missed == {"finding": [], "recommendation": [], "caveat": []}


@pytest.mark.parametrize("use", ["gmail", "Google Drive", "google_photos", "outlook", "OneDrive", "dropbox"])
def test_every_member_of_a_uses_group_brings_the_groups_caveat(use: str) -> None:
    # rules/knowledge/uses.yaml groups them as other_cloud; the caveat's rule tests the group.
    report = diagnose({"schema_version": 1, "goal": "migrate", "uses": [use]})
    assert "other-cloud-data-not-included" in {c.id for c in report.caveats}
    assert report.unrecognised_uses == []


def test_a_group_is_not_a_value_a_fact_file_can_name() -> None:
    report = diagnose({"schema_version": 1, "goal": "migrate", "uses": ["other_cloud", "line"]})
    assert report.unrecognised_uses == ["other_cloud"]
    assert "other-cloud-data-not-included" not in {c.id for c in report.caveats}
