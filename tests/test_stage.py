"""The stage a ticket is at decides what it is told (issue 14, points 3 and 5).

A migration whose new iPhone was already restored (apps waiting, a failed restore) is
after the switch, like a restore: no "before you switch" caveats, no questions about
making the backup, no finding about the old phone's iOS, and the texts speak of the
restore, not the backup. Read through the library's ``Engine`` as the clerk would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backup_doctor.cli.app import cli
from backup_doctor.engine import Engine, Report


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def run(engine: Engine, facts: dict[str, Any], lang: str = "en") -> Report:
    return engine.diagnose({"schema_version": 1, "today": "2026-12-05", **facts}, lang=lang)  # type: ignore[arg-type]


USES = ["line", "suica", "banking_app", "authenticator_app", "games", "apple_watch"]
PHONES = {"device": {"model": "iPhone 12", "ios": "26.1"},
          "target": {"model": "iPhone 17", "ios": "26.1", "connection": "wifi"}}
AFTER = {"goal": "migrate", **PHONES, "symptoms": {"apps_waiting_hours": 7}, "uses": USES}
BEFORE = {"goal": "migrate", **PHONES, "uses": USES}
BEFORE_SWITCH_CAVEATS = {"messaging-apps-need-own-transfer", "transit-card-transfer", "authenticator-codes",
                         "banking-app-reregister", "game-transfer-code", "apple-watch-unpair-first"}
OLD_PHONE_QUESTIONS = {"device.update_available", "backup.last_success", "network.connection", "account.signed_in",
                       "network.wifi_kind", "network.signal_bars", "backup.estimated_size_gb", "account.plan_gb",
                       "symptoms.backup_stuck", "account.icloud_backup_on"}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_finished_migration_is_told_what_to_do_now(engine: Engine, lang: str) -> None:
    report = run(engine, AFTER, lang)
    caveats = {c.id for c in report.caveats}
    assert not caveats & BEFORE_SWITCH_CAVEATS
    assert "server-side-app-data" in caveats
    text = "\n".join(c.text for c in report.caveats)
    assert ("before the last backup" not in text) if lang == "en" else ("最後のバックアップの前に" not in text)
    # The old iPhone's iOS made the backup, which is done: not a cause of waiting apps.
    assert "ios-outdated" not in {f.id for f in report.findings}
    assert not {q.field for q in report.questions} & OLD_PHONE_QUESTIONS


def test_the_same_migration_before_the_switch_gets_them(engine: Engine) -> None:
    report = run(engine, BEFORE)
    assert BEFORE_SWITCH_CAVEATS <= {c.id for c in report.caveats}
    assert "ios-outdated" in {f.id for f in report.findings}
    assert {"device.update_available", "backup.last_success"} <= {q.field for q in report.questions}


def test_a_restore_is_still_asked_about_the_phone_it_restores(engine: Engine) -> None:
    # For a restore `network` is the restored iPhone: its Wi-Fi matters after the switch.
    report = run(engine, {"goal": "restore", "network": {"connection": "wifi"}, "symptoms": {"apps_waiting_hours": 5}})
    assert "network.wifi_kind" in {q.field for q in report.questions}
    # … but not about a backup setting.
    cellular = run(engine, {"goal": "restore", "network": {"connection": "cellular"}})
    assert "network.cellular_backup_on" not in {q.field for q in cellular.questions}


@pytest.mark.parametrize(("lang", "restore", "backup"), [
    ("en", "The connection is not good enough for a restore from iCloud",
     "The connection is not good enough for an iCloud backup"),
    ("ja", "iCloud からの復元には通信環境が不十分です", "iCloud バックアップには通信環境が不十分です"),
])
def test_connection_finding_names_what_it_carries(engine: Engine, lang: str, restore: str, backup: str) -> None:
    # The source article's case: a restore, apps waiting, on a hotspot.
    restored = run(engine, {"goal": "restore", "network": {"connection": "wifi", "wifi_kind": "tethering"},
                            "symptoms": {"apps_waiting_hours": 6}}, lang)
    found = next(f for f in restored.findings if f.id == "network-unstable")
    assert found.title == restore
    assert ("backup" not in found.detail.split(",")[0]) if lang == "en" else found.detail.startswith("iCloud からの復元")
    backing_up = run(engine, {"goal": "backup", "network": {"connection": "wifi", "wifi_kind": "tethering"}}, lang)
    assert next(f for f in backing_up.findings if f.id == "network-unstable").title == backup


def _last_steps(report: Report) -> list[str]:
    return [r.steps[-1] for r in report.recommendations if r.id in ("force-restart", "sign-out-and-in")]


# A failed restore that the versions do not explain: an internal error, whose fixes end
# with the restore (the {try_again} placeholder of main), not with the backup.
FAILED = {"symptoms": {"restore_failed": True}, "backup": {"last_backup_ios": "26.1"},
          "target": {"model": "iPhone 17", "ios": "26.1"}}


@pytest.mark.parametrize(("facts", "lang", "again"), [
    ({"goal": "restore", **FAILED}, "en", "try the restore again"),
    ({"goal": "restore", **FAILED}, "ja", "もう一度復元します。"),
    ({"goal": "migrate", **FAILED}, "en", "try the restore again"),
])
def test_restore_fixes_end_with_the_restore(engine: Engine, facts: dict[str, Any], lang: str, again: str) -> None:
    last = _last_steps(run(engine, facts, lang))
    assert len(last) == 2 and all(again in step for step in last), last
    assert not any("try the backup again" in step or "もう一度バックアップします" in step for step in last)


def test_backup_fixes_still_end_with_the_backup(engine: Engine) -> None:
    report = run(engine, {"goal": "backup", "symptoms": {"messages": ["Backup Failed"]},
                          "account": {"plan_gb": 50, "used_gb": 10}, "backup": {"estimated_size_gb": 5}})
    last = _last_steps(report)
    assert len(last) == 2 and all("try the backup again" in step for step in last), last


@pytest.mark.parametrize(("lang", "heading", "old"), [("en", "Good to know", "Before you start"),
                                                      ("ja", "注意事項", "始める前に")])
def test_caveat_heading_fits_after_the_restore(runner: CliRunner, tmp_path: Path, lang: str, heading: str,
                                              old: str) -> None:
    path = tmp_path / "after.json"
    path.write_text(json.dumps({"schema_version": 1, "today": "2026-12-05", **AFTER}), encoding="utf-8")
    result = runner.invoke(cli, ["diagnose", "--lang", lang, str(path)])
    assert result.exit_code == 0, result.output
    assert heading in result.stdout and old not in result.stdout
    # The time caveat holds after the restore too: keep it connected, not "start".
    assert ("start on Wi-Fi" not in result.stdout) if lang == "en" else ("つないで始めてください" not in result.stdout)


@pytest.mark.parametrize(("uses", "shown"), [(None, True), ([], False), (["line"], False), (["voicemail"], True)])
def test_visual_voicemail_only_for_who_may_use_it(engine: Engine, uses: Any, shown: bool) -> None:
    facts: dict[str, Any] = {"goal": "migrate"}
    if uses is not None:
        facts["uses"] = uses
    assert ("visual-voicemail-needs-sim" in {c.id for c in run(engine, facts).caveats}) is shown


def test_the_stage_is_no_evidence_about_the_customer(engine: Engine) -> None:
    # Caveats drawn from what the customer said come first; the stage, like the goal,
    # holds for every ticket and does not move a general caveat up.
    ids = [c.id for c in run(engine, {"goal": "migrate"}).caveats]
    assert ids.index("face-id-touch-id-not-included") < ids.index("backup-deleted-after-180-days")
    assert ids.index("face-id-touch-id-not-included") < ids.index("visual-voicemail-needs-sim")
    told = [c.id for c in run(engine, {"goal": "migrate", "uses": ["voicemail"]}).caveats]
    assert told[0] == "visual-voicemail-needs-sim"
