"""A report that knows nothing yet is not settled (issue 14 point 1): with no finding and
no fix, an interview must ask what went wrong before it may stop.

Through the library's public interface, as an interview, a form or a chatbot uses it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from backup_doctor.engine import Engine, diagnose

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "facts"

# What went wrong, per goal: the symptom questions that fit it (a backup ticket has no
# restore to fail, a restore no backup in progress).
SYMPTOMS = {
    "backup": {"symptoms.backup_stuck", "symptoms.auto_backup_not_running"},
    "migrate": {"symptoms.backup_stuck", "symptoms.auto_backup_not_running", "symptoms.restore_failed",
                "symptoms.apps_waiting_hours"},
    "restore": {"symptoms.restore_failed", "symptoms.apps_waiting_hours"},
}


@pytest.mark.parametrize("goal", sorted(SYMPTOMS))
def test_a_goal_alone_is_not_settled_and_asks_what_went_wrong_first(goal: str) -> None:
    report = diagnose({"schema_version": 1, "goal": goal})
    assert not report.findings and not report.recommendations
    assert not report.settled
    first = [q.field for q in report.questions[:len(SYMPTOMS[goal])]]
    assert set(first) == SYMPTOMS[goal], first


def test_an_empty_ticket_asks_the_goal_first() -> None:
    report = diagnose({"schema_version": 1})
    assert not report.settled
    assert report.questions[0].field == "goal"


def test_nothing_wrong_and_nothing_left_to_ask_is_settled() -> None:
    # Every question that could add a finding or a fix is declined: nothing more to learn.
    engine = Engine()
    facts: dict[str, Any] = {"schema_version": 1, "goal": "restore"}
    declined: list[str] = []
    for _ in range(40):
        report = engine.diagnose(facts, declined=declined)
        if report.settled:
            break
        declined.append(report.questions[0].field)
    assert report.settled and not report.findings
    assert all(q.could_change == "caveat" for q in report.questions)


def test_a_report_with_a_finding_may_still_settle_at_once() -> None:
    # The settled rule for a report that concluded something is unchanged.
    report = diagnose({"schema_version": 1, "goal": "backup", "device": {"update_available": False},
                       "symptoms": {"backup_stuck": True},
                       "network": {"connection": "wifi", "wifi_kind": "tethering"}})
    assert report.settled and report.findings


def test_an_interview_from_the_goal_alone_reaches_the_restore_examples_conclusions() -> None:
    # Only the goal is known; each answer comes from the full file (a refused restore, then
    # the two versions), as a clerk would hear them. Before, it stopped at once knowing nothing.
    engine = Engine()
    full = json.loads((EXAMPLES / "restore-newer-ios.json").read_text(encoding="utf-8"))
    want = engine.diagnose(full)
    facts: dict[str, Any] = {"schema_version": 1, "today": full["today"], "goal": "restore"}
    declined: list[str] = []
    asked: list[str] = []
    while True:
        report = engine.diagnose(facts, declined=declined)
        if report.settled:
            break
        assert len(asked) < 6, asked
        field = report.questions[0].field
        asked.append(field)
        section, name = field.split(".")
        value = (full.get(section) or {}).get(name)
        if value is None:
            declined.append(field)
        else:
            facts.setdefault(section, {})[name] = copy.deepcopy(value)
    assert asked[0] == "symptoms.restore_failed"
    assert [f.id for f in report.findings] == [f.id for f in want.findings] == ["restore-version-mismatch"]
    assert [r.id for r in report.recommendations[:1]] == ["update-target-ios"]


def test_a_refused_restore_with_unknown_versions_is_not_called_an_internal_error() -> None:
    report = diagnose({"schema_version": 1, "goal": "restore", "symptoms": {"restore_failed": True}},
                      lang="ja")
    assert "system-error" not in [f.id for f in report.findings]
    assert [r.id for r in report.recommendations][:1] == ["check-ios-versions-first"]
    assert report.recommendations[0].title == "まず、バックアップの iOS と受け取る iPhone の iOS を比べる"
    assert {q.field for q in report.questions[:2]} == {"backup.last_backup_ios", "target.ios"}
    assert not report.settled
