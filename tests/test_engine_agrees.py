"""durable-rules decides; the Python evaluator explains (questions, why-not).

If the two ever disagreed, an explanation would contradict the diagnosis it explains.
Over many random fact files, the rules durable fired must be exactly the rules whose
conditions the evaluator finds true.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from backup_doctor.engine import Engine
from backup_doctor.engine.report.case import build_case
from backup_doctor.engine.rulebase.predicates import evaluate
from backup_doctor.engine.loader import parse_facts

CHOICES: dict[str, list[Any]] = {
    "goal": ["backup", "migrate", "restore"],
    "device.model": ["iPhone 7", "iphone12 pro", "iPhone SE (第2世代)", "iPhone 16", "iPhone XR", "Galaxy"],
    "device.ios": ["4.3", "12.5", "15.8", "16.7.2", "17.5", "18.1", "27.0"],
    "device.update_available": [True, False],
    "device.charging": [True, False],
    "device.low_power_mode": [True, False],
    "device.storage_used_gb": [10.0, 58.0, 120.0, 250.0],
    "device.backup_restricted": [True, False],
    "target.model": ["iPhone 16", "iPhone XS", "iPhone 8", "iPhone 17 Pro"],
    "target.ios": ["16.0", "17.5", "18.1", "26.1", "27.1"],
    "target.capacity_gb": [64, 128, 256],
    "account.signed_in": [True, False],
    "account.plan_gb": [5, 50, 200],
    "account.used_gb": [0.5, 4.2, 4.9],
    "account.icloud_backup_on": [True, False],
    "account.icloud_photos_on": [True, False],
    "backup.estimated_size_gb": [0.4, 3.0, 9.5, 60.0],
    "backup.photo_count": [0, 800, 3000, 20000],
    "backup.video_gb": [0.0, 2.0, 15.0],
    "backup.photos_included": [True, False],
    "backup.existing_backup_gb": [0.0, 1.0, 3.1],
    "backup.last_success": ["2026-11-24", "2026-05-29", "2026-05-28", "2025-01-01"],
    "backup.last_backup_ios": ["15.7", "17.5", "18.1", "27.0"],
    "network.connection": ["wifi", "cellular", "none"],
    "network.wifi_kind": ["home", "office", "public", "tethering", "mobile_router"],
    "network.signal_bars": [0, 1, 2, 3],
    "network.line": ["fiber", "cable", "dsl", "mobile"],
    "network.cellular_backup_on": [True, False],
    "network.mobile_data_on": [True, False],
    "network.sim_inserted": [True, False],
    "network.vpn_or_proxy": [True, False],
    "symptoms.backup_stuck": [True, False],
    "symptoms.auto_backup_not_running": [True, False],
    "symptoms.restore_failed": [True, False],
    "symptoms.apps_waiting_hours": [0.5, 6.0, 30.0],
    "apple_status.icloud_backup_outage": [True, False],
}
MESSAGES = ["not-enough-storage", "前回のバックアップ中に利用不可能なファイルがありました。",
            "The last backup could not be completed.", "backup-failed", "restricted-by-profile", "謎のエラー"]
USES = ["line", "apple_pay", "face_id", "gmail", "apple_watch", "health", "icloud_drive"]


def random_facts(rng: random.Random) -> dict[str, Any]:
    facts: dict[str, Any] = {"schema_version": 1, "today": "2026-11-25"}
    for path, values in CHOICES.items():
        if rng.random() < 0.55:
            section, _, name = path.partition(".")
            value = rng.choice(values)
            if name:
                facts.setdefault(section, {})[name] = value
            else:
                facts[section] = value
    acc = facts.get("account", {})
    if "used_gb" in acc and "plan_gb" in acc and acc["used_gb"] > acc["plan_gb"]:
        del acc["used_gb"]
    if rng.random() < 0.5:
        facts.setdefault("symptoms", {})["messages"] = rng.sample(MESSAGES, rng.randint(0, 3))
    if rng.random() < 0.5:
        facts["uses"] = rng.sample(USES, rng.randint(0, 4))
    return facts


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def test_fired_rules_are_exactly_those_the_evaluator_finds_true(engine: Engine) -> None:
    rng = random.Random(20261125)
    rb = engine.rulebase
    fired_somewhere: set[str] = set()
    for _ in range(400):
        raw = random_facts(rng)
        report = engine.diagnose(raw, explain=True)
        fired = {e.rule_id for e in report.trace if e.op == "fire"}
        fired_somewhere |= fired
        facts = parse_facts(raw)
        case = build_case(facts, rb.knowledge, rb.case_encoders, facts.today)  # type: ignore[arg-type]
        findings = {f.id for f in report.findings}
        expected = {
            r.id for r in rb.rules
            if all(evaluate(c, case.values, findings, rb.registry).verdict is True for c in r.rule.when)
        }
        assert fired == expected, raw
    # The random facts must actually exercise the rules, or the test proves nothing.
    assert len(fired_somewhere) >= len(rb.rules) * 0.6
