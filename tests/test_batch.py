"""``backup-doctor batch``: one record per line, in order, whatever the lines hold."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backup_doctor.cli.app import cli
from backup_doctor.engine import Engine
from backup_doctor.engine import batch as batch_mod

GOOD = {"schema_version": 1, "ticket": "HD-1", "today": "2026-11-25",
        "network": {"connection": "wifi", "wifi_kind": "tethering"}}
STORAGE = {"schema_version": 1, "ticket": "HD-2", "today": "2026-11-25", "goal": "backup",
           "account": {"plan_gb": 5, "used_gb": 4.8}, "backup": {"estimated_size_gb": 9}}

LINES = [
    json.dumps(GOOD),
    "not json at all",
    "",
    json.dumps({"schema_version": 1, "ticket": "HD-3", "account": {"plan_gb": "lots"}}),
    json.dumps(STORAGE, ensure_ascii=False),
    '{"schema_version": 1, "ticket": "HD-4", "ticket": "again"}',
    "[1, 2, 3]",
    json.dumps({**GOOD, "ticket": "HD-5"}),
]


def _records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "week.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_record_per_line_in_input_order(runner: CliRunner, jsonl: Path, jobs: int) -> None:
    result = runner.invoke(cli, ["batch", str(jsonl), "--jobs", str(jobs), "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    records = _records(result.stdout)
    assert [r["line"] for r in records] == list(range(1, len(LINES) + 1))
    assert ["report" in r for r in records] == [True, False, False, False, True, False, False, True]
    assert [r["ticket"] for r in records] == ["HD-1", None, None, "HD-3", "HD-2", None, None, "HD-5"]
    assert [f["id"] for f in records[0]["report"]["findings"]] == ["network-unstable"]
    assert "icloud-storage-insufficient" in [f["id"] for f in records[4]["report"]["findings"]]


def test_error_records_say_why(runner: CliRunner, jsonl: Path) -> None:
    records = _records(runner.invoke(cli, ["batch", str(jsonl)]).stdout)
    errors = {r["line"]: r["error"] for r in records if "error" in r}
    assert errors[2]["code"] == "fact_input_error" and "not valid JSON" in errors[2]["message"]
    assert errors[3]["code"] == "fact_input_error" and "blank line" in errors[3]["message"]
    assert errors[4]["code"] == "fact_schema_error"
    assert errors[4]["problems"] == [{"location": "account.plan_gb", "message": '"lots" has the wrong type',
                                      "accepted": "a number", "suggestion": None}]
    assert "appears twice" in errors[6]["message"]
    assert "JSON object" in errors[7]["message"]


def test_the_report_in_a_record_is_what_diagnose_prints(runner: CliRunner, jsonl: Path) -> None:
    records = _records(runner.invoke(cli, ["batch", str(jsonl), "--lang", "ja"]).stdout)
    expected = Engine().diagnose(STORAGE, lang="ja").model_dump(mode="json")
    assert records[4]["report"] == expected


def test_summary_goes_to_stderr_without_a_progress_bar_when_not_a_terminal(runner: CliRunner, jsonl: Path) -> None:
    result = runner.invoke(cli, ["batch", str(jsonl), "--lang", "en"])
    assert result.stderr.splitlines() == [
        "8 lines: 3 diagnosed, 5 invalid, 0 failed",
        "most frequent findings: network-unstable 2, icloud-storage-insufficient 1",
    ]
    assert "\r" not in result.stderr
    ja = runner.invoke(cli, ["batch", str(jsonl), "--lang", "ja"])
    assert ja.stderr.splitlines()[0] == "8 行: 診断 3 件、入力エラー 5 件、失敗 0 件"


def test_standard_input_and_output_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", "-", "-o", str(out)], input="\n".join(LINES[:4]))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert [r["line"] for r in _records(out.read_text(encoding="utf-8"))] == [1, 2, 3, 4]
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_an_interrupted_run_leaves_no_half_file(runner: CliRunner, jsonl: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("yesterday's complete output\n", encoding="utf-8")
    real = batch_mod.diagnose_line

    def interrupted(engine: Engine, number: int, raw: bytes, lang: str) -> batch_mod.LineResult:
        if number == 5:
            raise KeyboardInterrupt
        return real(engine, number, raw, lang)

    monkeypatch.setattr(batch_mod, "diagnose_line", interrupted)
    result = runner.invoke(cli, ["batch", str(jsonl), "-o", str(out)])
    assert result.exit_code != 0
    assert out.read_text(encoding="utf-8") == "yesterday's complete output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "week.jsonl"]


def test_unreadable_input_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["batch", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2
    assert "file not found" in result.stderr


def test_an_over_long_line_is_refused_and_the_next_line_keeps_its_number(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("wb") as fh:
        fh.write(b'{"schema_version": 1, "ticket": "' + b"x" * (batch_mod.MAX_FACT_FILE_BYTES + 10) + b'"}\n')
        fh.write(json.dumps(GOOD).encode() + b"\n")
    with path.open("rb") as fh:
        results = list(batch_mod.diagnose_lines(batch_mod.read_lines(fh)))
    assert [(r.line, r.status) for r in results] == [(1, "invalid"), (2, "diagnosed")]
    assert "larger than" in json.loads(results[0].record)["error"]["message"]


def test_ten_thousand_lines_with_ten_percent_garbage_lose_no_good_line(tmp_path: Path) -> None:
    rng = random.Random(10)
    garbage = ["", "{", "null", '{"schema_version": 2}', "\xff\xfe", '{"schema_version": 1, "uses": 5}',
               '{"schema_version": 1, "account": {"plan_gb": NaN}}', "[" * 500]
    lines: list[bytes] = []
    good: dict[int, str] = {}
    for n in range(1, 10_001):
        if rng.random() < 0.1:
            lines.append(rng.choice(garbage).encode("utf-8", "surrogateescape") + (b"\xff" if n % 7 == 0 else b""))
        else:
            ticket = f"T{n}"
            good[n] = ticket
            lines.append(json.dumps({**(GOOD if n % 2 else STORAGE), "ticket": ticket}).encode())
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")

    with path.open("rb") as fh:
        results = list(batch_mod.diagnose_lines(batch_mod.read_lines(fh)))
    assert [r.line for r in results] == list(range(1, 10_001))
    diagnosed = {r.line: json.loads(r.record)["ticket"] for r in results if r.status == "diagnosed"}
    assert diagnosed == good
    assert all(r.status == "invalid" for r in results if r.line not in good)


def test_jobs_from_a_threaded_host_give_the_same_records(jsonl: Path) -> None:
    # An application with threads of its own gets workers from forkserver, not fork
    # (forking a threaded process can deadlock); the records must not differ.
    import threading

    def run(jobs: int) -> list[str]:
        with open(jsonl, "rb") as fh:
            return [r.record.decode() for r in batch_mod.diagnose_lines(batch_mod.read_lines(fh), jobs=jobs)]

    serial = run(1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert batch_mod._context().get_start_method() == "forkserver"
        assert run(2) == serial
    finally:
        stop.set()
        other.join()


def test_lone_surrogates_get_an_error_record_not_a_crash(runner: CliRunner, tmp_path: Path) -> None:
    # "\ud800" is valid JSON but no UTF-8 text can hold it: the line is refused, and
    # its record (which echoes the ticket) must still be written, escaped.
    src = tmp_path / "odd.jsonl"
    src.write_text('{"schema_version": 1, "ticket": "\\ud800x", "goal": "\\udfff"}\n' + json.dumps(GOOD) + "\n",
                   encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(src), "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    first, second = _records(result.stdout)
    assert first["ticket"] == "\ud800x"
    assert [p["location"] for p in first["error"]["problems"]] == ["ticket", "goal"]
    assert "not valid Unicode text" in first["error"]["problems"][0]["message"]
    assert second["ticket"] == "HD-1" and "report" in second


@pytest.mark.parametrize("unnamed", [True, False], ids=["o_tmpfile", "named-temporary-file"])
def test_atomic_output_replaces_the_file_only_when_the_block_ends_well(
        tmp_path: Path, unnamed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not unnamed:  # a system or filesystem without O_TMPFILE
        monkeypatch.setattr(batch_mod, "_unnamed_file", lambda folder: None)
    out = tmp_path / "reports.jsonl"
    out.write_text("old\n", encoding="utf-8")
    opener = batch_mod.atomic_binary_output
    line = "新しい行\n".encode()

    with pytest.raises(RuntimeError), opener(out) as fh:
        fh.write(line)
        raise RuntimeError("interrupted")
    assert out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["reports.jsonl"]

    with opener(out) as fh:
        fh.write(line)
    assert out.read_text(encoding="utf-8") == "新しい行\n"
    assert [p.name for p in tmp_path.iterdir()] == ["reports.jsonl"]
