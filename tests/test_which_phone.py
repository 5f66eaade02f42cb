"""Advice about two phones that holds together (issue 14 point 4): each fix names the phone
it acts on, no fix acts on the wrong phone, and no step contradicts the rank-1 fix.

Read as the clerk reads a report: through the library's ``Engine`` (and the CLI once).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backup_doctor.engine import Engine, Report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "facts"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def run(engine: Engine, facts: dict[str, Any], lang: str = "en") -> Report:
    return engine.diagnose({"schema_version": 1, "today": "2026-11-25", **facts}, lang=lang)  # type: ignore[arg-type]


def text(report: Report, rid: str) -> list[str]:
    r = next(r for r in report.recommendations if r.id == rid)
    return [r.title, *r.steps]


# -- A: a restore updates the receiving iPhone, never the one the backup came from --------------

def test_the_restore_example_is_told_only_to_update_the_receiving_iphone(engine: Engine) -> None:
    facts = json.loads((EXAMPLES / "restore-newer-ios.json").read_text(encoding="utf-8"))
    report = engine.diagnose(facts)
    assert [f.id for f in report.findings] == ["restore-version-mismatch"]
    assert [r.id for r in report.recommendations] == ["update-target-ios"]


@pytest.mark.parametrize("device", [{"model": "iPhone 13", "ios": "18.2", "update_available": True},
                                    {"model": "iPhone 13", "ios": "18.2"}])
def test_a_restore_never_finds_the_old_phone_outdated(engine: Engine, device: dict[str, Any]) -> None:
    restore = run(engine, {"goal": "restore", "device": device, "target": {"model": "iPhone 16", "ios": "18.0"},
                           "backup": {"last_backup_ios": "18.2"}, "symptoms": {"restore_failed": True}})
    assert "ios-outdated" not in [f.id for f in restore.findings]
    assert [r.id for r in restore.recommendations][:1] == ["update-target-ios"]
    backup = run(engine, {"goal": "backup", "device": device})
    assert "ios-outdated" in [f.id for f in backup.findings]


def test_the_cli_restore_report_says_nothing_of_updating_the_old_phone(runner: Any, tmp_path: Path) -> None:
    from backup_doctor.cli.app import cli

    result = runner.invoke(cli, ["diagnose", "--lang", "en", str(EXAMPLES / "restore-newer-ios.json")])
    assert result.exit_code == 0, result.output
    assert "Update the receiving iPhone before restoring" in result.stdout
    assert "[ios-outdated]" not in result.stdout and "[update-ios]" not in result.stdout


# -- B: each fix about a phone names it ------------------------------------------------------------

# Backup switched off, public Wi-Fi, last backup 328 days ago, VPN on: the fixes that act on
# the phone being backed up (the old one in a migration).
TROUBLE = {"device": {"model": "iPhone 13", "ios": "26.1", "update_available": False},
           "account": {"icloud_backup_on": False, "plan_gb": 50, "used_gb": 10},
           "backup": {"estimated_size_gb": 8, "last_success": "2026-01-01"},
           "network": {"connection": "wifi", "wifi_kind": "public", "vpn_or_proxy": True}}
ON_THE_PHONE = ["use-stable-wifi", "turn-on-icloud-backup", "back-up-now", "turn-off-vpn-or-proxy",
                "use-computer-backup"]


@pytest.mark.parametrize(("goal", "lang", "phone"), [
    ("migrate", "en", "the old iPhone"), ("migrate", "ja", "古い iPhone"),
    ("backup", "en", "this iPhone"), ("backup", "ja", "この iPhone"),
])
def test_fixes_on_the_phone_being_backed_up_name_it(engine: Engine, goal: str, lang: str, phone: str) -> None:
    report = run(engine, {"goal": goal, **TROUBLE}, lang)
    assert set(ON_THE_PHONE) <= {r.id for r in report.recommendations}
    for rid in ON_THE_PHONE:
        assert any(phone in line for line in text(report, rid)), rid


@pytest.mark.parametrize(("goal", "phone"), [("migrate", "the old iPhone"), ("backup", "this iPhone")])
def test_storage_fixes_say_on_which_phone_to_back_up_again(engine: Engine, goal: str, phone: str) -> None:
    report = run(engine, {"goal": goal, "account": {"plan_gb": 5, "used_gb": 4.5},
                          "backup": {"estimated_size_gb": 9}})
    for rid in ("reduce-backup-size", "buy-icloud-storage"):
        assert phone in text(report, rid)[-1], rid


def test_cellular_backup_names_the_old_iphone_and_makes_room_first(engine: Engine) -> None:
    report = run(engine, {"goal": "migrate", "device": {"model": "iPhone 13", "ios": "26.1"},
                          "network": {"connection": "cellular", "cellular_backup_on": False},
                          "account": {"plan_gb": 5, "used_gb": 4.5}, "backup": {"estimated_size_gb": 9}})
    steps = text(report, "turn-on-cellular-backup")
    assert steps[2].startswith("On the old iPhone") and "make room in iCloud first" in steps[-1]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_restores_network_fixes_are_about_the_restored_iphone(engine: Engine, lang: str) -> None:
    # A restore ticket's `network` is the phone being restored: nothing there backs up again.
    report = run(engine, {"goal": "restore", "network": {"connection": "wifi", "wifi_kind": "public",
                                                         "vpn_or_proxy": True}}, lang)
    restored = "restored iPhone" if lang == "en" else "復元した iPhone"
    for rid in ("use-stable-wifi", "turn-off-vpn-or-proxy"):
        lines = text(report, rid)
        assert any(restored in line for line in lines), rid
        assert not any("Back Up Now" in line or "今すぐバックアップを作成" in line for line in lines), rid


# -- C: the temporary storage's first step fits the facts ------------------------------------------

SHORT = {"account": {"plan_gb": 5, "used_gb": 4.5}, "backup": {"estimated_size_gb": 9}}
PREPARE = {"en": "Prepare for New iPhone and tap Get Started", "ja": "「新しいiPhoneの準備」で「開始」"}


def temporary(engine: Engine, device: dict[str, Any], lang: str = "en", **extra: Any) -> list[str]:
    report = run(engine, {"goal": "migrate", "device": {"model": "iPhone 15", **device}, **SHORT, **extra}, lang)
    return text(report, "use-temporary-icloud-storage")[1:]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_update_step_when_the_old_iphone_has_none(engine: Engine, lang: str) -> None:
    steps = temporary(engine, {"ios": "26.3", "update_available": False}, lang)
    assert PREPARE[lang] in steps[0]
    assert not any("Software Update" in s or "ソフトウェア・アップデート" in s for s in steps)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_update_step_points_to_the_update_fix_instead_of_repeating_it(engine: Engine, lang: str) -> None:
    report = run(engine, {"goal": "migrate", "device": {"model": "iPhone 15", "ios": "26.3",
                                                       "update_available": True}, **SHORT}, lang)
    order = [r.id for r in report.recommendations]
    assert order.index("update-ios") < order.index("use-temporary-icloud-storage")
    first = text(report, "use-temporary-icloud-storage")[1]
    assert ("“Update iOS” above" in first) if lang == "en" else ("「iOS をアップデートする」の対処" in first)
    assert PREPARE[lang] in text(report, "use-temporary-icloud-storage")[2]


@pytest.mark.parametrize(("update", "old_needs"), [(True, "install an update it offers only after that"),
                                                   (False, "No update of the old iPhone is needed")])
def test_with_a_newer_backup_the_new_iphone_is_updated_first(engine: Engine, update: bool, old_needs: str) -> None:
    steps = temporary(engine, {"ios": "26.3", "update_available": update}, target={"model": "iPhone 17", "ios": "26.1"})
    assert steps[0].startswith("Do not start with the old iPhone") and "update the new iPhone first" in steps[0]
    assert old_needs in steps[0]


def test_an_unknown_update_is_checked_not_assumed(engine: Engine) -> None:
    # iOS 27 is the model's last major version: no update fix, but Apple asks for its newest release.
    steps = temporary(engine, {"ios": "27.0"})
    assert steps[0].startswith("On the old iPhone, open Settings › General › Software Update")


@pytest.mark.parametrize(("goal", "lang", "retry"), [
    ("restore", "en", "try the restore again"), ("restore", "ja", "もう一度復元します"),
    ("backup", "en", "try the backup again"), ("backup", "ja", "もう一度バックアップします"),
])
def test_an_internal_error_is_retried_where_it_failed(engine: Engine, goal: str, lang: str, retry: str) -> None:
    # The restore failed although the versions fit: force restart and sign in again on the
    # iPhone being restored, then retry the restore, not a backup.
    if goal == "restore":
        facts: dict[str, Any] = {"backup": {"last_backup_ios": "26.1"}, "target": {"ios": "26.1"},
                                 "symptoms": {"restore_failed": True}}
    else:
        facts = {"account": {"plan_gb": 50, "used_gb": 4}, "backup": {"estimated_size_gb": 9},
                 "symptoms": {"messages": ["backup-failed"]}}
    report = run(engine, {"goal": goal, "device": {"model": "iPhone 13"}, **facts}, lang)
    for rid in ("force-restart", "sign-out-and-in"):
        assert retry in text(report, rid)[-1], rid
