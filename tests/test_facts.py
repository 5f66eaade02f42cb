"""Fact-file validation: what a helpdesk sees when a fact file is wrong, and what unknown means."""

from __future__ import annotations

from typing import Any

import pytest

from backup_doctor.engine import FactFile, FactSchemaError, InputError, diagnose, parse_facts
from backup_doctor.facts import Version


def problems(data: Any) -> dict[str, str]:
    """Validate *data* and return its problems as ``{location: full text}``; it must fail."""
    with pytest.raises(FactSchemaError) as info:
        parse_facts(data)
    return {p.location: str(p) for p in info.value.problems}


# --------------------------------------------------------------------------- versions


@pytest.mark.parametrize(("newer", "older"), [
    ("16.10", "16.9"),
    ("17", "16.7.10"),
    ("16.7.10", "16.7.2"),
    ("18.0.1", "18"),
    ("26.1", "18.7"),
])
def test_versions_compare_as_versions(newer: str, older: str) -> None:
    assert Version(newer) > Version(older)
    assert Version(older) < Version(newer)


def test_missing_version_parts_count_as_zero() -> None:
    assert Version("17") == Version("17.0.0")
    assert Version(" 17.0 ") == Version("17")


def test_version_order_decides_the_restore_rule() -> None:
    # "16.10" vs "16.9" as text or as a float would get this backwards.
    base = {"schema_version": 1, "today": "2026-11-25", "goal": "restore"}
    newer_backup = diagnose({**base, "backup": {"last_backup_ios": "16.10"}, "target": {"ios": "16.9"}})
    older_backup = diagnose({**base, "backup": {"last_backup_ios": "16.9"}, "target": {"ios": "16.10"}})
    assert "restore-version-mismatch" in newer_backup.ids()["findings"]
    assert "restore-version-mismatch" not in older_backup.ids()["findings"]


@pytest.mark.parametrize("text", ["abc", "16.x", "", "1.2.3.4", "-1", "16..2", "1000"])
def test_non_versions_are_refused(text: str) -> None:
    found = problems({"schema_version": 1, "device": {"ios": text}})
    assert list(found) == ["device.ios"]
    assert "is not a version" in found["device.ios"]
    assert '"16.7.2"' in found["device.ios"]  # what is accepted


def test_version_written_as_a_json_number_is_refused_with_the_reason() -> None:
    # 16.10 as a JSON number is the float 16.1: accepting it would silently downgrade it.
    found = problems('{"schema_version": 1, "backup": {"last_backup_ios": 16.10}}')
    assert "trailing zeros" in found["backup.last_backup_ios"]


def test_whole_number_version_is_accepted() -> None:
    assert parse_facts({"schema_version": 1, "device": {"ios": 17}}).device.ios == Version("17.0")


# --------------------------------------------------------------------------- unknown


def test_absent_and_null_are_both_unknown() -> None:
    absent = parse_facts({"schema_version": 1})
    nulls = parse_facts({"schema_version": 1, "device": None, "account": {"plan_gb": None, "signed_in": None},
                         "network": {"wifi_kind": None}, "uses": None})
    assert absent == nulls
    assert nulls.account.signed_in is None and nulls.network.wifi_kind is None


def test_unknown_is_not_false() -> None:
    # signed_in unknown must not read as "not signed in", nor free space unknown as none.
    report = diagnose({"schema_version": 1, "today": "2026-11-25", "goal": "backup",
                       "account": {"signed_in": None, "plan_gb": None, "used_gb": 4.9},
                       "backup": {"estimated_size_gb": 9.0}})
    assert "not-signed-in" not in report.ids()["findings"]
    assert "icloud-storage-insufficient" not in report.ids()["findings"]
    assert "account.plan_gb" in [q.field for q in report.questions]


def test_false_is_kept_as_false() -> None:
    facts = parse_facts({"schema_version": 1, "account": {"icloud_backup_on": False}})
    assert facts.account.icloud_backup_on is False


# --------------------------------------------------------------------------- errors


def test_unknown_field_gets_did_you_mean() -> None:
    found = problems({"schema_version": 1, "acount": {}, "device": {"modle": "iPhone 12"}})
    assert "unknown field" in found["acount"] and "did you mean 'account'" in found["acount"]
    assert "did you mean 'model'" in found["device.modle"]
    assert "storage_used_gb" in found["device.modle"]  # the accepted names are listed


def test_every_problem_is_listed_at_once() -> None:
    bad = {
        "schema_version": 1,
        "today": "yesterday",
        "device": {"ios": "abc", "storage_used_gb": -3},
        "account": {"plan_gb": 5, "used_gb": 9},
        "network": {"signal_bars": 7, "wifi_kind": "hotel"},
        "backup": {"last_success": "2026-02-30", "video_gb": -1.5},
        "symptoms": {"backup_stuck": "yes"},
        "colour": "red",
    }
    with pytest.raises(FactSchemaError) as info:
        parse_facts(bad)
    err = info.value
    assert {p.location for p in err.problems} == {
        "today", "device.ios", "device.storage_used_gb", "account.used_gb", "network.signal_bars",
        "network.wifi_kind", "backup.last_success", "backup.video_gb", "symptoms.backup_stuck", "colour",
    }
    assert "10 problems" in str(err)
    assert err.code == "fact_schema_error"


@pytest.mark.parametrize(("data", "where", "says", "accepted"), [
    ({"device": {"storage_used_gb": -1}}, "device.storage_used_gb", "-1 is out of range", ">= 0"),
    ({"backup": {"existing_backup_gb": -0.5}}, "backup.existing_backup_gb", "-0.5 is out of range", ">= 0"),
    ({"target": {"capacity_gb": -64}}, "target.capacity_gb", "out of range", ">= 0"),
    ({"network": {"signal_bars": 7}}, "network.signal_bars", "7 is out of range", "<= 3"),
    ({"symptoms": {"apps_waiting_hours": -2}}, "symptoms.apps_waiting_hours", "out of range", ">= 0"),
    ({"account": {"plan_gb": 0}}, "account.plan_gb", "out of range", "> 0"),
    ({"backup": {"photo_count": -10}}, "backup.photo_count", "out of range", ">= 0"),
])
def test_impossible_values(data: dict[str, Any], where: str, says: str, accepted: str) -> None:
    found = problems({"schema_version": 1, **data})
    assert list(found) == [where]
    assert says in found[where] and accepted in found[where]


def test_used_over_plan_is_refused_beyond_the_margin() -> None:
    found = problems({"schema_version": 1, "account": {"plan_gb": 5, "used_gb": 9}})
    assert "used_gb (9.0) is larger than plan_gb (5.0)" in found["account.used_gb"]
    # iOS rounds, so a little over the plan is tolerated.
    assert parse_facts({"schema_version": 1, "account": {"plan_gb": 5, "used_gb": 5.4}}).account.used_gb == 5.4


@pytest.mark.parametrize("text", ["2026-02-30", "yesterday", "25/11/2026", "2026-13-01"])
def test_bad_dates(text: str) -> None:
    found = problems({"schema_version": 1, "backup": {"last_success": text}})
    assert f'"{text}" is not a date' in found["backup.last_success"]
    assert "2026-11-25" in found["backup.last_success"]  # an example of what is accepted


def test_date_as_number_is_refused() -> None:
    found = problems({"schema_version": 1, "today": 20261125})
    assert "wrong type" in found["today"]


@pytest.mark.parametrize(("data", "where", "accepted"), [
    ({"device": {"charging": "yes"}}, "device.charging", "true or false"),
    ({"device": {"charging": 1}}, "device.charging", "true or false"),
    ({"device": {"storage_used_gb": "58"}}, "device.storage_used_gb", "a number"),
    ({"backup": {"photo_count": 1.5}}, "backup.photo_count", "a whole number"),
    ({"backup": {"photo_count": True}}, "backup.photo_count", "a whole number"),
    ({"symptoms": {"messages": "Backup failed"}}, "symptoms.messages", "a JSON list"),
    ({"uses": [3]}, "uses[0]", "text"),
    ({"device": "iPhone 12"}, "device", "a JSON object"),
])
def test_wrong_types(data: dict[str, Any], where: str, accepted: str) -> None:
    found = problems({"schema_version": 1, **data})
    assert list(found) == [where]
    assert "wrong type" in found[where] and accepted in found[where]


def test_values_are_shown_as_json() -> None:
    # The clerk wrote JSON: show "yes" and true, not Python's 'yes' and True.
    found = problems({"schema_version": 1, "device": {"charging": "yes"}, "backup": {"photo_count": True}})
    assert found["device.charging"].startswith('device.charging: "yes"')
    assert found["backup.photo_count"].startswith("backup.photo_count: true")


def test_enum_lists_the_accepted_values() -> None:
    found = problems({"schema_version": 1, "network": {"wifi_kind": "hotel"}})
    assert '"hotel" is not an accepted value' in found["network.wifi_kind"]
    for value in ("home", "office", "public", "tethering", "mobile_router"):
        assert value in found["network.wifi_kind"]


@pytest.mark.parametrize(("data", "message"), [
    ({}, "schema_version: is required"),
    ({"schema_version": 2}, "schema_version: 2 is not an accepted value"),
])
def test_schema_version(data: dict[str, Any], message: str) -> None:
    assert message in "\n".join(problems(data).values())


def test_paths_inside_lists() -> None:
    found = problems({"schema_version": 1, "symptoms": {"messages": ["ok", ""]}})
    assert list(found) == ["symptoms.messages[1]"]


@pytest.mark.parametrize(("text", "message"), [
    ("not json", "not valid JSON"),
    ('{"schema_version": 1,}', "not valid JSON"),
    ('{"schema_version": 1, "schema_version": 1}', "appears twice"),
    ('{"schema_version": 1, "device": {"storage_used_gb": NaN}}', "NaN"),
    ("[1, 2]", "must be a JSON object"),
    (b"\xff\xfe{", "not UTF-8"),
    ("[" * 50 + "]" * 50, "nested deeper"),
])
def test_unreadable_input(text: str | bytes, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_facts(text, source="ticket.json")
    assert message in str(info.value)
    assert str(info.value).startswith("ticket.json: ")


def test_bom_is_accepted() -> None:
    assert parse_facts(b'\xef\xbb\xbf{"schema_version": 1}').schema_version == 1


def test_models_are_frozen() -> None:
    facts = parse_facts({"schema_version": 1, "goal": "backup"})
    with pytest.raises(ValueError):
        facts.goal = "restore"  # type: ignore[misc]
    assert isinstance(facts, FactFile)
