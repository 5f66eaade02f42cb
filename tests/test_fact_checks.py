"""Smaller fact-file checks of issue 17: a backup dated after today, the region's case,
and Japanese errors with no English left in them."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backup_doctor.cli.app import cli
from backup_doctor.engine import diagnose
from backup_doctor.engine.errors import InputError
from backup_doctor.engine.loader import parse_facts
from backup_doctor.engine.texts import json_detail
from backup_doctor.facts.schema import fact_schema


def _write(tmp_path: Path, data: dict[str, Any], name: str = "facts.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"schema_version": 1, **data}), encoding="utf-8")
    return str(path)


# ------------------------------------------------------------------ backup.last_success after today


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["backup.last_success", "2026-11-26 is after today (2026-11-25)", "accepted: a date on or before 2026-11-25"]),
    ("ja", ["backup.last_success", "2026-11-26 は今日 (2026-11-25) より後の日付です", "2026-11-25 以前の日付"]),
])
def test_a_backup_after_today_is_refused_in_the_users_language(runner: CliRunner, tmp_path: Path, lang: str,
                                                                words: list[str]) -> None:
    facts = _write(tmp_path, {"today": "2026-11-25", "backup": {"last_success": "2026-11-26"}})
    res = runner.invoke(cli, ["diagnose", "--lang", lang, facts])
    assert res.exit_code == 2 and res.stdout == ""
    for word in words:
        assert word in res.stderr, res.stderr


def test_a_backup_made_today_is_accepted() -> None:
    report = diagnose({"schema_version": 1, "today": "2026-11-25", "backup": {"last_success": "2026-11-25"}})
    assert "backup-stale" not in [f.id for f in report.findings]


def test_without_today_the_system_date_decides_with_a_day_for_time_zones() -> None:
    # A clerk in Tokyo is already on the next day when a server on UTC is not.
    before = dt.date.today()
    tomorrow, later = before + dt.timedelta(days=1), before + dt.timedelta(days=2)
    assert parse_facts({"schema_version": 1, "backup": {"last_success": tomorrow.isoformat()}})
    with pytest.raises(InputError) as caught:
        parse_facts({"schema_version": 1, "backup": {"last_success": later.isoformat()}})
    if dt.date.today() != before:
        pytest.skip("the date changed during the test")
    problem = caught.value.problems[0]
    assert problem.location == "backup.last_success"
    assert f"after today ({before.isoformat()}, the system's date" in problem.render("en")
    assert "システムの日付" in problem.render("ja")


def test_batch_records_a_future_backup_as_an_invalid_line(runner: CliRunner, tmp_path: Path) -> None:
    lines = [{"schema_version": 1, "today": "2026-11-25", "backup": {"last_success": d}}
             for d in ("2026-11-24", "2027-01-01")]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    res = runner.invoke(cli, ["batch", "--lang", "en", str(src)])
    assert res.exit_code == 0, res.stderr
    first, second = (json.loads(line) for line in res.stdout.splitlines())
    assert "report" in first
    assert second["error"]["code"] == "fact_schema_error"
    assert [p["location"] for p in second["error"]["problems"]] == ["backup.last_success"]


# ------------------------------------------------------------------ one restored phone, two sections

# On a restore ticket `network` and `target` both describe the iPhone being restored
# (docs/facts.md): two different answers for it are refused, naming both fields.
_TWO_ANSWERS = {"goal": "restore", "target": {"connection": "wifi"}, "network": {"connection": "none"},
                "symptoms": {"apps_waiting_hours": 5}}


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ['target.connection ("wifi") / network.connection ("none") differ', "iPhone being restored",
            "accepted: the same value in both, or only one of them"]),
    ("ja", ['target.connection ("wifi") / network.connection ("none") が食い違っています', "復元する iPhone",
            "両方に同じ値を書くか、片方だけを書く"]),
])
def test_a_restore_saying_two_things_about_the_restored_phone_is_refused(runner: CliRunner, tmp_path: Path,
                                                                         lang: str, words: list[str]) -> None:
    res = runner.invoke(cli, ["diagnose", "--lang", lang, _write(tmp_path, _TWO_ANSWERS)])
    assert res.exit_code == 2 and res.stdout == ""
    for word in words:
        assert word in res.stderr, res.stderr


def test_every_differing_field_of_the_restored_phone_is_named() -> None:
    with pytest.raises(InputError) as caught:
        parse_facts({"schema_version": 1, "goal": "restore", "target": {"connection": "wifi", "sim_inserted": False},
                     "network": {"connection": "none", "sim_inserted": True}})
    text = caught.value.problems[0].render("en")
    assert "target.connection" in text and "network.connection" in text
    assert "target.sim_inserted (false) / network.sim_inserted (true)" in text


def test_the_restored_phone_said_once_or_twice_alike_reads_the_same() -> None:
    # Either section alone, or both with the same value: one phone, one report.
    base = {"schema_version": 1, "today": "2026-12-05", "goal": "restore", "symptoms": {"apps_waiting_hours": 5}}
    reports = [diagnose({**base, **sections}, lang="en") for sections in (
        {"network": {"connection": "none"}}, {"target": {"connection": "none"}},
        {"network": {"connection": "none"}, "target": {"connection": "none"}})]
    assert len({tuple(f.id for f in r.findings) for r in reports}) == 1
    assert len({tuple(r.id for r in r.recommendations) for r in reports}) == 1
    assert "network-unstable" in [f.id for f in reports[0].findings]


def test_a_migration_may_describe_its_two_phones_differently() -> None:
    # There network is the old iPhone and target the new one: two phones, two answers.
    report = diagnose({"schema_version": 1, "goal": "migrate", "network": {"connection": "wifi"},
                       "target": {"connection": "none"}, "symptoms": {"apps_waiting_hours": 5}})
    assert "target-no-connection" in [f.id for f in report.findings]


# ------------------------------------------------------------------ region in any case


@pytest.mark.parametrize("written", ["JP", "jp", "Jp", "jP"])
def test_region_ignores_case_like_uses(written: str) -> None:
    facts = {"schema_version": 1, "region": written, "account": {"plan_gb": 50, "used_gb": 40.0},
             "backup": {"estimated_size_gb": 30.0}}
    assert parse_facts(facts).region == "JP"
    buy = next(r for r in diagnose(facts, lang="en").recommendations if r.id == "buy-icloud-storage")
    assert "¥" in buy.title  # Japanese prices, in an English report


def test_an_unknown_region_is_quoted_as_written() -> None:
    with pytest.raises(InputError) as caught:
        parse_facts({"schema_version": 1, "region": "uk"})
    assert caught.value.problems[0].render("en").startswith('region: "uk" is not an accepted value')


@pytest.mark.parametrize("value", ["JP", "jp", "Us", "uS", "UK", "jpn", "", " JP", "ＪＰ"])
def test_the_schema_accepts_the_regions_the_model_accepts(value: str) -> None:
    pattern = fact_schema()["properties"]["region"]["anyOf"][0]["pattern"]
    try:
        parse_facts({"schema_version": 1, "region": value})
        accepted = True
    except InputError:
        accepted = False
    assert bool(re.search(pattern, value)) == accepted


# ------------------------------------------------------------------ Japanese errors hold no English

# Words of pydantic's (and the system's) English messages: none may reach a Japanese error.
_ENGLISH_WORDS = re.compile(r"\b(Input|should|valid|required|Field|must|got|String|List|Value|error|such|"
                            r"directory|symbolic|links|Expecting|Invalid|Unterminated|delimiter)\b", re.IGNORECASE)

BASE: dict[str, Any] = {"schema_version": 1}


# One input per kind of problem pydantic reports for the fact model (its error type in the id).
@pytest.mark.parametrize("facts", [
    {**BASE, "goal": "hike"}, {**BASE, "ticket": 5}, {**BASE, "ticket": "x" * 201}, {**BASE, "today": "2026-13-01"},
    {**BASE, "today": 20261125}, {**BASE, "device": {"ios": "abc"}}, {**BASE, "device": {"ios": True}},
    {**BASE, "device": {"charging": "yes"}}, {**BASE, "backup": {"video_gb": "lots"}},
    {**BASE, "backup": {"video_gb": -1}}, {**BASE, "backup": {"video_gb": 10**7}}, {**BASE, "account": {"plan_gb": 0}},
    {**BASE, "backup": {"photo_count": 1.5}}, {**BASE, "uses": "line"}, {**BASE, "uses": ["x"] * 51},
    {**BASE, "uses": [" "]}, {}, {**BASE, "devise": {}}, {**BASE, "device": []},
    {**BASE, "account": {"plan_gb": 5, "used_gb": 9}},
    {**BASE, "today": "2026-11-25", "backup": {"last_success": "2026-12-01"}},
    {**BASE, "goal": "restore", "target": {"mobile_data_on": True}, "network": {"mobile_data_on": False}},
], ids=["literal_error", "string_type", "string_too_long", "date", "date_type", "version", "version_type",
        "bool_type", "float_type", "greater_than_equal", "less_than_equal", "greater_than", "int_type", "list_type",
        "too_long", "string_too_short", "missing", "extra_forbidden", "model_type", "used_over_plan", "after_today",
        "restored_phone_differs"])
def test_each_kind_of_problem_is_all_japanese(runner: CliRunner, tmp_path: Path, facts: dict[str, Any]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    res = runner.invoke(cli, ["diagnose", "--lang", "ja", str(path)])
    assert res.exit_code == 2 and res.stderr.startswith("エラー: ")
    assert not _ENGLISH_WORDS.search(res.stderr), res.stderr
    en = runner.invoke(cli, ["diagnose", "--lang", "en", str(path)])
    assert en.stderr.startswith("Error: ")  # and the same problem reads in English there


def test_a_file_the_system_cannot_open_is_explained_in_japanese(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "plain.json").write_text("{}", encoding="utf-8")
    os.symlink("loop.json", tmp_path / "loop.json")
    for name, words in (("plain.json/facts.json", "フォルダではありません"), ("loop.json", "シンボリックリンク")):
        res = runner.invoke(cli, ["diagnose", "--lang", "ja", str(tmp_path / name)])
        assert res.exit_code == 2 and words in res.stderr, res.stderr
        assert not _ENGLISH_WORDS.search(res.stderr), res.stderr


@pytest.mark.parametrize("message", [
    "Invalid \\escape: 'q'",  # the pure-Python decoder quotes the character
    "Invalid control character '\\x01' at",
    "Illegal trailing comma before end of object",  # Python 3.13
    "A message no Python has written yet",
])
def test_every_json_decoder_message_has_japanese(message: str) -> None:
    detail = json_detail(message)
    assert str(detail) == message
    assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", detail.ja), detail.ja
