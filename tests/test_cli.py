"""The ``backup-doctor`` command as a helpdesk clerk and a ticket system use it."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backup_doctor.cli.app import cli
from backup_doctor.engine import EngineError, diagnose
from backup_doctor.engine.runner import Engine

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "facts"
MIGRATE = str(EXAMPLES / "tethering-free-tier-migrate.json")
RunPython = Callable[..., "subprocess.CompletedProcess[bytes]"]


def test_diagnose_text_is_read_aloud(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["diagnose", MIGRATE])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Ticket HD-2041" in out
    # findings, then numbered fixes with numbered steps, then caveats and questions
    positions = [out.index(h) for h in ("What is wrong", "What to do, in this order", "Good to know",
                                        "Worth asking the customer")]
    assert positions == sorted(positions)
    assert "[icloud-storage-insufficient]" in out and "[network-unstable]" in out
    assert "\n1. " in out and "\n    1. " in out and "\n    2. " in out
    assert "Face ID" in out
    assert result.stderr == ""


def test_diagnose_json_is_the_library_report(runner: CliRunner, example: Callable[[str], dict[str, Any]]) -> None:
    result = runner.invoke(cli, ["diagnose", "--format", "json", "--lang", "en", MIGRATE])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data == diagnose(example("tethering-free-tier-migrate"), lang="en").model_dump(mode="json")
    assert data["ticket"] == "HD-2041" and data["lang"] == "en"
    assert [r["rank"] for r in data["recommendations"]] == list(range(1, len(data["recommendations"]) + 1))


def test_diagnose_markdown_for_a_ticket_reply(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["diagnose", "--format", "markdown", MIGRATE])
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("# backup-doctor report")
    assert "\n## What is wrong\n" in out and "\n## What to do, in this order\n" in out
    assert "\n1. **" in out and "\n- " in out
    assert "=====" not in out  # no text-mode underlines


def test_lang_ja(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["diagnose", "--lang", "ja", MIGRATE])
    assert result.exit_code == 0
    assert "原因" in result.stdout and "対処" in result.stdout and "チケット HD-2041" in result.stdout
    assert "What is wrong" not in result.stdout


@pytest.mark.parametrize(("env", "heading"), [
    ({"LANG": "ja_JP.UTF-8"}, "原因"),
    ({"LC_ALL": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, "原因"),  # LC_ALL wins
    ({"LANG": "en_US.UTF-8"}, "What is wrong"),
    ({"LANG": "C"}, "What is wrong"),
])
def test_language_defaults_to_the_locale(runner: CliRunner, monkeypatch: pytest.MonkeyPatch,
                                        env: dict[str, str], heading: str) -> None:
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    result = runner.invoke(cli, ["diagnose", MIGRATE])
    assert result.exit_code == 0
    assert heading in result.stdout


def test_lang_option_beats_the_locale(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    result = runner.invoke(cli, ["diagnose", "--lang", "en", "--format", "json", MIGRATE])
    assert json.loads(result.stdout)["lang"] == "en"


def test_stdin(runner: CliRunner) -> None:
    text = (EXAMPLES / "restore-newer-ios.json").read_text(encoding="utf-8")
    result = runner.invoke(cli, ["diagnose", "--format", "json", "-"], input=text)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["ticket"] == "HD-2107"


def test_explain_shows_the_chain(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["diagnose", "--explain", MIGRATE])
    assert result.exit_code == 0
    out = result.stdout
    assert "How the rules reached this" in out
    assert "[R-network-hotspot-or-public]" in out and "network.wifi_kind = tethering" in out
    assert "← network-unstable" in out  # the fix rule consumed the finding
    plain = runner.invoke(cli, ["diagnose", MIGRATE]).stdout
    assert "[R-network-hotspot-or-public]" not in plain


# --------------------------------------------------------------------------- errors and exit codes


def error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    return stderr.splitlines()


def test_missing_file_is_one_line_and_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    result = runner.invoke(cli, ["diagnose", str(missing)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "nope.json" in lines[0]


def test_invalid_json_is_one_line_and_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["diagnose", "-"], input='{"schema_version": 1,')
    assert result.exit_code == 2
    lines = error_lines(result.stderr)
    assert lines == [lines[0]] and lines[0].startswith("Error: -: not valid JSON")


def test_invalid_facts_list_every_problem(runner: CliRunner) -> None:
    bad = '{"schema_version": 1, "network": {"signal_bars": 7}, "acount": {}}'
    result = runner.invoke(cli, ["diagnose", "-"], input=bad)
    assert result.exit_code == 2
    lines = error_lines(result.stderr)
    assert lines[0] == "Error: -: 2 problems in the fact file"
    assert any(line.startswith("  - network.signal_bars: 7 is out of range") for line in lines)
    assert any("did you mean 'account'" in line for line in lines)


def test_usage_error_is_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["diagnose", "--format", "pdf", MIGRATE])
    assert result.exit_code == 2
    assert "'pdf' is not one of" in result.stderr


@pytest.mark.parametrize(("args", "error"), [
    (["diagnose", "--lang", "ja"], "エラー: 引数 'FACT_FILE' がありません。"),
    (["diagnose", "--lang=ja", "--format", "pdf", MIGRATE], "エラー: '--format' に使える値は text, markdown, json です。"),
    (["diagnose", "--lang", "ja", "--explian", MIGRATE], "エラー: --explian というオプションはありません。 もしかして: --explain"),
    (["diagnose", MIGRATE, "--lang", "ja", "--format"], "エラー: --format には値を続けて指定してください。"),
    (["diagnose", "--lang", "ja", "--explain=yes", MIGRATE], "エラー: --explain は値を取りません"),
    (["batch", "--lang", "ja", "-", "--jobs", "two"], "エラー: '--jobs' / '-j' には 1 から 64 までの整数を指定してください。"),
    (["validate", "--lang", "ja", "a.json", "b.json", "--rules", "x"], "エラー: --rules というオプションはありません。"),
    (["diagnos", "--lang", "ja", MIGRATE], "エラー: diagnos というコマンドはありません。 もしかして: diagnose"),
    (["rules", "lint", "--lang", "ja", "--strictt"], "エラー: --strictt というオプションはありません。"),
], ids=["missing-argument", "bad-choice", "unknown-option", "option-without-value", "flag-with-value", "bad-number",
        "option-of-another-command", "unknown-command",
        "subgroup"])
def test_usage_errors_are_japanese_under_lang_ja(runner: CliRunner, args: list[str], error: str) -> None:
    result = runner.invoke(cli, args, prog_name="backup-doctor")
    assert result.exit_code == 2 and result.stdout == ""
    lines = error_lines(result.stderr)
    # As click shows it: usage and where help is (when click knows the command), then
    # the error, in Japanese.
    command = {"rules": "backup-doctor rules lint", "diagnos": "backup-doctor"}.get(args[0], f"backup-doctor {args[0]}")
    if len(lines) > 1:
        assert lines[0].startswith(f"使い方: {command} [OPTIONS]")
        assert lines[1] == f"'{command} --help' でヘルプを表示できます。"
    assert lines[-1].startswith(error), lines


def test_usage_errors_follow_the_locale_and_stay_clicks_own_in_english(runner: CliRunner,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    english = runner.invoke(cli, ["diagnose"])
    assert english.exit_code == 2
    assert error_lines(english.stderr)[-1] == "Error: Missing argument 'FACT_FILE'."
    assert error_lines(runner.invoke(cli, ["diagnose", "--lang", "ja", "--lang", "en"]).stderr)[-1] == \
        "Error: Missing argument 'FACT_FILE'."  # the last --lang wins, as click reads it
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    japanese = runner.invoke(cli, ["diagnose"])
    assert japanese.exit_code == 2
    assert error_lines(japanese.stderr)[-1] == "エラー: 引数 'FACT_FILE' がありません。"
    # No arguments at all is not an error: the help, as ever.
    assert "Usage: backup-doctor [OPTIONS] COMMAND" in runner.invoke(cli, [], prog_name="backup-doctor").output


def test_bad_rule_pack_is_exit_2_naming_file_and_rule(runner: CliRunner, tmp_path: Path) -> None:
    pack = tmp_path / "ourdesk"
    pack.mkdir()
    (pack / "proxy.yaml").write_text(
        "rules:\n"
        "  - id: R-ourdesk-proxy\n"
        "    description: {en: Company proxy, ja: 社内プロキシ}\n"
        "    when:\n"
        "      - {fact: network.vpn_or_proxi, is: true}\n"
        "    then: {finding: network-unstable}\n", encoding="utf-8")
    result = runner.invoke(cli, ["diagnose", "--rules", str(pack), MIGRATE])
    assert result.exit_code == 2
    text = "\n".join(error_lines(result.stderr))
    assert "proxy.yaml" in text and "R-ourdesk-proxy" in text and "network.vpn_or_proxy" in text


def test_internal_error_is_exit_3_with_a_hint(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise EngineError("rule action r3 failed: ZeroDivisionError()")

    monkeypatch.setattr(Engine, "diagnose", broken)
    result = runner.invoke(cli, ["diagnose", MIGRATE])
    assert result.exit_code == 3
    lines = error_lines(result.stderr)
    assert lines[0] == "Error: rule action r3 failed: ZeroDivisionError()"
    assert "--debug" in lines[1]


def test_debug_lets_the_exception_through(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--debug", "diagnose", str(tmp_path / "nope.json")])
    assert result.exit_code != 0
    assert type(result.exception).__name__ == "InputError"


def test_debug_prints_a_traceback_in_a_real_process(tmp_path: Path, run_python: RunPython) -> None:
    proc = run_python("-m", "backup_doctor.cli", "--debug", "diagnose", str(tmp_path / "nope.json"))
    assert proc.returncode != 0
    assert b"Traceback" in proc.stderr and b"InputError" in proc.stderr


_AFTER_MAIN = """
import gc, sys
sys.argv = ["backup-doctor", "diagnose", sys.argv[1], "--format", "json"]
from backup_doctor.cli import main
try:
    main()
except SystemExit as exit:
    code = exit.code
print(code, gc.isenabled(), gc.get_freeze_count() > 0, file=sys.stderr)
"""


def test_the_entry_point_leaves_garbage_collection_on(examples_dir: Path, run_python: RunPython) -> None:
    # The start-up objects are frozen out of collections, but a long batch must still
    # collect the garbage it makes.
    proc = run_python("-c", _AFTER_MAIN, str(examples_dir / "restore-newer-ios.json"))
    assert json.loads(proc.stdout)["findings"]
    assert proc.stderr.decode().split() == ["0", "True", "True"]


# --------------------------------------------------------------------------- validate and schema


def test_validate_says_which_files_are_fine(runner: CliRunner, tmp_path: Path) -> None:
    good = [str(p) for p in sorted(EXAMPLES.glob("*.json"))]
    result = runner.invoke(cli, ["validate", *good])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"ok      {name}" for name in good]


def test_validate_exits_1_and_lists_problems(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "device": {"ios": "abc"}}', encoding="utf-8")
    result = runner.invoke(cli, ["validate", MIGRATE, str(bad), str(tmp_path / "missing.json")])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"ok      {MIGRATE}"]
    stderr = "\n".join(error_lines(result.stderr))
    assert "bad.json" in stderr and 'device.ios: "abc" is not a version' in stderr
    assert "missing.json: file not found" in stderr
    assert stderr.splitlines()[-1] == "2 of 3 file(s) invalid"


def test_schema_prints_the_fact_schema(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["required"] == ["schema_version"]
    assert schema["additionalProperties"] is False
    assert "device" in schema["properties"]


def test_help_documents_the_exit_codes(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for code in ("0 done", "1 a check failed", "2 bad usage", "3 internal error"):
        assert code in " ".join(result.stdout.split())


def test_python_dash_m_runs_a_diagnosis(run_python: RunPython) -> None:
    proc = run_python("-m", "backup_doctor.cli", "diagnose", "--format", "json", "--lang", "ja", MIGRATE)
    assert proc.returncode == 0, proc.stderr.decode()
    report = json.loads(proc.stdout)
    assert report["lang"] == "ja" and report["ticket"] == "HD-2041"
    assert "icloud-storage-insufficient" in [f["id"] for f in report["findings"]]


@pytest.mark.parametrize("command", [["diagnose", "--lang", "ja"], ["batch", "--lang", "ja"], ["serve", "--port", "0"]])
def test_a_default_region_without_prices_stops_the_command_with_exit_2(runner: CliRunner, command: list[str],
                                                                     tmp_path: Path) -> None:
    # Silently ignored, a shop set to quote yen would quote dollars in English reports.
    ticket = tmp_path / "ticket.jsonl"
    ticket.write_text(json.dumps({"schema_version": 1, "goal": "backup"}) + "\n", encoding="utf-8")
    args = command + ([str(ticket)] if command[0] != "serve" else [])
    result = runner.invoke(cli, args, env={"BACKUP_DOCTOR_REGION": "UK", "LANG": "ja_JP.UTF-8"})
    assert result.exit_code == 2, result.output
    assert "BACKUP_DOCTOR_REGION: 'UK' は地域として使えません (受け付ける値: 次のいずれか: JP, US)" in result.stderr
    assert result.stdout == ""


def test_serve_on_a_port_in_use_says_so_and_exits_2(runner: CliRunner) -> None:
    # uvicorn alone would log it and exit 3, this tool's code for a bug.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["serve", "--port", str(port)], env={"LANG": "ja_JP.UTF-8"})
    assert result.exit_code == 2, result.output
    assert result.stderr == (f"エラー: 127.0.0.1 のポート {port} で待ち受けできません: ほかのプログラムが使用中です。"
                             "そのポートを使っているプログラムを止めるか、別の --port（または --host）を指定してください。\n")
