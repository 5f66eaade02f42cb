"""``batch --shard I/N``: one job of N takes its lines, and the shards merge back in order."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from backup_doctor.cli.app import cli

FACTS = {"schema_version": 1, "today": "2026-11-25", "network": {"connection": "wifi", "wifi_kind": "tethering"}}


@pytest.fixture
def tickets(tmp_path: Path) -> Path:
    # Twelve lines, so that line numbers of two digits must sort as numbers; one bad line.
    lines = [json.dumps({**FACTS, "ticket": f"HD-{n}"}) for n in range(1, 13)]
    lines[6] = "not json"
    path = tmp_path / "tickets.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_shard_takes_every_nth_line_and_keeps_its_number(runner: CliRunner, tickets: Path, jobs: int) -> None:
    seen = []
    for index in (1, 2, 3):
        result = runner.invoke(cli, ["batch", str(tickets), "--shard", f"{index}/3", "--jobs", str(jobs)])
        assert result.exit_code == 0, result.stderr
        records = [json.loads(line) for line in result.stdout.splitlines()]
        numbers = [r["line"] for r in records]
        assert numbers == list(range(index, 13, 3))
        assert [r["ticket"] for r in records if "report" in r] == [f"HD-{n}" for n in numbers if n != 7]
        assert result.stderr.startswith(f"{len(numbers)} lines")
        seen += numbers
    assert sorted(seen) == list(range(1, 13))


@pytest.mark.skipif(shutil.which("sort") is None, reason="needs sort(1) (coreutils)")
def test_the_documented_merge_gives_back_the_unsharded_output(runner: CliRunner, tickets: Path,
                                                               tmp_path: Path) -> None:
    whole = tmp_path / "whole.jsonl"
    assert runner.invoke(cli, ["batch", str(tickets), "-o", str(whole)]).exit_code == 0
    for index in (1, 2, 3, 4, 5):
        out = tmp_path / f"shard-{index}.jsonl"
        assert runner.invoke(cli, ["batch", str(tickets), "--shard", f"{index}/5", "-o", str(out)]).exit_code == 0
    shards = sorted(str(p) for p in tmp_path.glob("shard-*.jsonl"))
    merged = subprocess.run(["sort", "-m", "-t:", "-k2,2n", *shards], capture_output=True, check=True,
                            env={"LC_ALL": "C"}, timeout=60).stdout
    assert merged == whole.read_bytes()


def test_more_shards_than_lines_leaves_an_empty_output(runner: CliRunner, tickets: Path) -> None:
    result = runner.invoke(cli, ["batch", str(tickets), "--shard", "20/20"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("value", ["0/2", "3/2", "abc", "2", "1/0", "-1/2", "1/2/3", "²/3"])
def test_a_bad_shard_is_a_usage_error_in_the_users_language(runner: CliRunner, tickets: Path, value: str) -> None:
    result = runner.invoke(cli, ["batch", str(tickets), "--shard", value, "--lang", "en"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "--shard" in result.stderr and "give I/N" in result.stderr
    ja = runner.invoke(cli, ["batch", str(tickets), "--lang", "ja", "--shard", value])
    assert ja.exit_code == 2
    assert "シャードの指定になっていません" in ja.stderr and "エラー:" in ja.stderr
