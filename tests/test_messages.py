"""Errors about the input read in the clerk's language: every message in English and Japanese."""

from __future__ import annotations

import json
import pickle
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backup_doctor.cli.app import cli
from backup_doctor.engine import InputError, parse_facts
from backup_doctor.cli.texts import CLI_TEXTS
from backup_doctor.engine.texts import TEXTS, Msg, in_lang, say

CheckJapanese = Callable[[Any], None]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS) + sorted(CLI_TEXTS))
def test_every_message_exists_in_both_languages_with_the_same_blanks(key: str) -> None:
    en, ja = TEXTS.get(key) or CLI_TEXTS[key]
    assert en.strip() and ja.strip()
    # A text the same in both languages is language-neutral ("{p} < {v}", "{detail}").
    assert ja == en or any(ord(ch) > 0x3000 for ch in ja), f"{key}: the Japanese text holds no Japanese"
    # "plural" only matters in English.
    assert _fields(en) - {"plural"} == _fields(ja) - {"plural"}


def _problems(facts: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_facts(facts)
    return caught.value


BASE = {"schema_version": 1}


# One input per kind of problem pydantic reports for the fact model, with the line a
# Japanese-speaking clerk reads for it.
@pytest.mark.parametrize(("facts", "line"), [
    ({**BASE, "devise": {}}, "devise: この項目はありません (受け付ける値: 次のいずれか: account,"),
    ({**BASE, "network": {"connection": "lan"}},
     "network.connection: \"lan\" は受け付けない値です (受け付ける値: 'wifi'、'cellular'、'none' のいずれか)"),
    ({}, "schema_version: 必須です (受け付ける値: 1)"),
    ({**BASE, "network": {"signal_bars": 9}}, "network.signal_bars: 9 は範囲外です (受け付ける値: 3 以下の値)"),
    ({**BASE, "account": {"plan_gb": 0}}, "account.plan_gb: 0 は範囲外です (受け付ける値: 0 より大きい値)"),
    ({**BASE, "backup": {"video_gb": -1}}, "backup.video_gb: -1 は範囲外です (受け付ける値: 0 以上の値)"),
    ({**BASE, "device": {"model": "x" * 101}}, "device.model: 長すぎます (受け付ける値: 100 文字以内)"),
    ({**BASE, "symptoms": {"messages": ["x"] * 51}}, "symptoms.messages: 長すぎます (受け付ける値: 50 件以内)"),
    ({**BASE, "symptoms": {"messages": [" "]}}, "symptoms.messages[0]: 短すぎます (受け付ける値: 1 文字以上)"),
    ({**BASE, "device": {"charging": "yes"}}, "device.charging: \"yes\" は型が違います (受け付ける値: true か false)"),
    ({**BASE, "backup": {"photo_count": 1.5}}, "backup.photo_count: 1.5 は型が違います (受け付ける値: 整数)"),
    ({**BASE, "account": {"plan_gb": "lots"}}, "account.plan_gb: \"lots\" は型が違います (受け付ける値: 数値)"),
    ({**BASE, "ticket": 5}, "ticket: 5 は型が違います (受け付ける値: ダブルクォートで囲んだ文字列)"),
    ({**BASE, "uses": "line"}, "uses: \"line\" は型が違います (受け付ける値: JSON の配列 [...])"),
    ({**BASE, "device": []}, "device: 型が違います (受け付ける値: JSON のオブジェクト {...})"),
    ({**BASE, "today": 20261125}, "today: 20261125 は型が違います (受け付ける値: \"2026-11-25\" のような ISO 形式の日付)"),
    ({**BASE, "today": "2026-13-01"}, "today: \"2026-13-01\" は日付ではありません"),
    ({**BASE, "device": {"ios": "abc"}}, "device.ios: \"abc\" はバージョンではありません"),
    ({**BASE, "device": {"ios": 16.10}}, "device.ios: 数値になっているため末尾の 0 が失われます"),
    ({**BASE, "ticket": "\ud800"}, "ticket: 正しい Unicode のテキストではありません"),
    ({**BASE, "device": {"\ud800": 1}}, "device: 項目名が正しい Unicode のテキストではありません"),
    ({**BASE, "account": {"plan_gb": 5, "used_gb": 9}},
     "account.used_gb: used_gb (9.0) が plan_gb (5.0) より大きくなっています。plan_gb + 0.5 までです"),
    ({"schema_version": True}, "schema_version: true は受け付けない値です (受け付ける値: 1)"),
])
def test_each_kind_of_field_problem_reads_in_japanese(facts: dict[str, Any], line: str,
                                                     assert_japanese: CheckJapanese) -> None:
    exc = _problems(facts)
    assert_japanese(exc)
    assert any(p.render("ja").startswith(line) for p in exc.problems), exc.render("ja")
    assert exc.render("ja").startswith("<input>: ファクトファイルに問題が ")
    # English stays what it was: the same problems, in the same order.
    assert [p.location for p in exc.problems] == [p.location for p in _problems(facts).problems]
    assert str(exc).startswith("<input>: ") and "problem" in str(exc)


@pytest.mark.parametrize("text", ["Back up my phone before the trip to Osaka next week, please " * 2,
                                  "\x00" * 40 + "Back up my phone"])
def test_a_long_value_is_cut_inside_its_quotes(text: str, assert_japanese: CheckJapanese) -> None:
    # The clerk must see where the customer's words end and the message begins.
    exc = _problems({**BASE, "goal": text})
    assert_japanese(exc)
    shown = exc.problems[0].message.ja.removesuffix(" は受け付けない値です")
    assert shown.startswith('"') and shown.endswith('…"') and len(shown) <= 60
    assert json.loads(shown)[:-1] == text[:len(json.loads(shown)) - 1]


def test_a_misspelt_field_is_suggested_in_both_languages() -> None:
    problem = _problems({**BASE, "devise": {}}).problems[0]
    assert problem.render("ja").endswith("。もしかして 'device' ですか?")
    assert str(problem).endswith("; did you mean 'device'?")


# Each message Python's JSON decoder can give, with an input that gives it.
@pytest.mark.parametrize("raw", [
    b"", b"{1: 2}", b'{"a" 1}', b'{"a": 1 "b": 2}', b'"abc', b'"a\x01"', b'"\\q"', b'"\\u12"', b"{} x",
    "\ufeff{}", b'{"schema_version": 1, "goal": "backup", "goal": "restore"}', b'{"plan_gb": NaN}',
    b"\xff", b"[" * 50, b"9" * 5000,
])
def test_unreadable_json_is_explained_in_japanese(raw: bytes | str, assert_japanese: CheckJapanese) -> None:
    with pytest.raises(InputError) as caught:
        parse_facts(raw)
    assert_japanese(caught.value)
    assert caught.value.code == "fact_input_error"


def test_messages_keep_both_languages_through_pickle() -> None:
    # A library user may hand errors across processes.
    text = say("out_of_range", value="9")
    copy = pickle.loads(pickle.dumps(text))
    assert (copy, copy.ja) == ("9 is out of range", "9 は範囲外です")
    assert in_lang(copy, "ja") == "9 は範囲外です" and in_lang(copy, "en") == "9 is out of range"
    assert in_lang("a rule-pack error, English only", "ja") == "a rule-pack error, English only"
    assert isinstance(say("required"), Msg)


# ------------------------------------------------------------------------- the CLI


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**BASE, "account": {"plan_gb": "lots"}}), encoding="utf-8")
    return path


def test_diagnose_writes_the_error_in_the_chosen_language(runner: CliRunner, bad_file: Path) -> None:
    ja = runner.invoke(cli, ["diagnose", str(bad_file), "--lang", "ja"])
    en = runner.invoke(cli, ["diagnose", str(bad_file), "--lang", "en"])
    assert ja.exit_code == en.exit_code == 2
    assert ja.stderr.splitlines() == [
        f"エラー: {bad_file}: ファクトファイルに問題が 1 件あります",
        "  - account.plan_gb: \"lots\" は型が違います (受け付ける値: 数値)",
    ]
    assert en.stderr.splitlines()[1] == "  - account.plan_gb: \"lots\" has the wrong type (accepted: a number)"


def test_a_long_list_of_problems_is_shown_in_part_and_kept_whole(runner: CliRunner, tmp_path: Path) -> None:
    # A JSON export pasted as a fact file: thousands of unknown fields.
    facts = {**BASE, **{f"field{i}": 1 for i in range(1500)}}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    lines = runner.invoke(cli, ["diagnose", str(path), "--lang", "ja"]).stderr.splitlines()
    assert lines[0] == f"エラー: {path}: ファクトファイルに問題が 1,500 件あります"
    assert [line.split(":")[0] for line in lines[1:-1]] == [f"  - field{i}" for i in range(20)]
    assert lines[-1] == "  … ほかに 1,480 件"
    assert _problems(facts).render("en").splitlines()[-1] == "  … and 1,480 more"
    # Programs get the first 100 (loader.MAX_PROBLEMS) and the count of the rest: the
    # library's error, and batch records, whose message gives the total.
    error = _problems(facts)
    assert [p.location for p in error.problems] == [f"field{i}" for i in range(100)]
    assert error.omitted == 1400
    record = json.loads(runner.invoke(cli, ["batch", str(path)]).stdout)
    assert len(record["error"]["problems"]) == 100
    assert record["error"]["message"] == "1,500 problems in the fact file"


def test_the_error_language_follows_the_locale(runner: CliRunner, bad_file: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert runner.invoke(cli, ["diagnose", str(bad_file)]).stderr.startswith("エラー: ")
    assert runner.invoke(cli, ["schema"]).exit_code == 0
    missing = runner.invoke(cli, ["validate", str(bad_file.with_name("missing.json"))])
    assert "missing.json: ファイルが見つかりません" in missing.stderr
    assert missing.stderr.splitlines()[-1] == "1 件中 1 件が不正です"


def test_validate_lists_problems_in_japanese(runner: CliRunner, bad_file: Path) -> None:
    result = runner.invoke(cli, ["validate", str(bad_file), "--lang", "ja"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"INVALID {bad_file}: ファクトファイルに問題が 1 件あります"


def test_batch_error_records_follow_lang_and_keep_their_codes(runner: CliRunner, tmp_path: Path) -> None:
    lines = ["not json", "", json.dumps({**BASE, "network": {"signal_bars": 9}}), json.dumps({**BASE, "goal": "backup"})]
    path = tmp_path / "week.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runs = {lang: [json.loads(r) for r in runner.invoke(cli, ["batch", str(path), "--lang", lang]).stdout.splitlines()]
            for lang in ("en", "ja")}
    en, ja = runs["en"], runs["ja"]
    assert [r.get("error", {}).get("code") for r in ja] == [r.get("error", {}).get("code") for r in en] \
        == ["fact_input_error", "fact_input_error", "fact_schema_error", None]
    assert ja[0]["error"]["message"] == "JSON として読めません: 1 行 1 文字目で値が必要です"
    assert en[0]["error"]["message"] == "not valid JSON: Expecting value at line 1, column 1"
    assert ja[1]["error"]["message"].startswith("空行です")
    assert ja[2]["error"]["problems"] == [{"location": "network.signal_bars", "message": "9 は範囲外です",
                                           "accepted": "3 以下の値", "suggestion": None}]


@pytest.mark.parametrize(("args", "ja", "en"), [
    (["why-not", "{example}", "use-stabel-wifi"],
     "エラー: id が 'use-stabel-wifi' の所見・対処・注意はありません。もしかして 'use-stable-wifi' ですか?",
     "Error: no finding, recommendation or caveat has the id 'use-stabel-wifi'; did you mean 'use-stable-wifi'?"),
    (["why-not", "{example}", "R-fix-stable-wifi"],
     "エラー: 'R-fix-stable-wifi' はルールの id です。所見・対処・注意の id を指定してください",
     "Error: 'R-fix-stable-wifi' is a rule, not a finding, recommendation or caveat"),
    (["rules", "show", "use-stable-wifi"],
     "エラー: 'use-stable-wifi' は対処の id で、ルールではありません。これを出すルール: R-fix-stable-wifi",
     "Error: 'use-stable-wifi' is a recommendation, not a rule; rules that conclude it: R-fix-stable-wifi"),
])
def test_an_unknown_id_is_explained_in_the_chosen_language(runner: CliRunner, examples_dir: Path, args: list[str],
                                                           ja: str, en: str) -> None:
    argv = [a.format(example=examples_dir / "restore-newer-ios.json") for a in args]
    for lang, start in (("ja", ja), ("en", en)):
        result = runner.invoke(cli, [*argv, "--lang", lang])
        assert result.exit_code == 2
        assert result.stderr.startswith(start), result.stderr


def test_a_problem_as_json_in_either_language() -> None:
    problem = _problems({**BASE, "network": {"signal_bars": 9}}).problems[0]
    assert problem.to_dict("ja") == {"location": "network.signal_bars", "message": "9 は範囲外です",
                                     "accepted": "3 以下の値", "suggestion": None}
    assert problem.to_dict() == {"location": "network.signal_bars", "message": "9 is out of range",
                                 "accepted": "a value <= 3", "suggestion": None}


def test_a_wrong_rules_folder_is_explained_in_the_chosen_language(runner: CliRunner, tmp_path: Path,
                                                                  examples_dir: Path) -> None:
    example = str(examples_dir / "restore-newer-ios.json")
    missing = runner.invoke(cli, ["diagnose", example, "--rules", str(tmp_path / "corp"), "--lang", "ja"])
    assert missing.exit_code == 2
    assert missing.stderr == f"エラー: {tmp_path / 'corp'}: ルールパックのフォルダが見つかりません\n"
    empty = runner.invoke(cli, ["diagnose", example, "--rules", str(tmp_path), "--lang", "en"])
    assert empty.stderr == f"Error: {tmp_path}: rule pack folder holds no .yaml files\n"
