"""Where output goes and what happens when it cannot (issue 17, points 3, 4 and some of 10).

``-o`` onto regular files, symlinks, FIFOs and device nodes; ``-o`` naming the input;
a full device under standard output for every command; a reader that goes away; a
Japanese locale that is not UTF-8. Device nodes are made in tmp_path (as root only),
never taken from /dev.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from backup_doctor.cli.app import cli

CLI = [sys.executable, "-m", "backup_doctor.cli"]
WAIT = 120
as_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mknod needs root")


def run(args: list[str], cwd: Path, *, stdout: int | None = None, env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CLI, *args], cwd=cwd, stdout=stdout if stdout is not None else subprocess.PIPE,
                          stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=WAIT, check=False,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def jsonl(tmp_path: Path, examples_dir: Path) -> Path:
    path = tmp_path / "in.jsonl"
    lines = [json.dumps(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(examples_dir.glob("*.json"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _records(path: Path) -> list[int]:
    return [json.loads(line)["line"] for line in path.read_text(encoding="utf-8").splitlines()]


def full_device(folder: Path) -> Path:
    """A character device with /dev/full's numbers: every write fails with ENOSPC."""
    path = folder / "full"
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    return path


# --------------------------------------------------------------------------- -o


def test_o_replaces_a_regular_file_and_keeps_its_permissions(runner: CliRunner, jsonl: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o640)
    result = runner.invoke(cli, ["batch", str(jsonl), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _records(out) == list(range(1, 9))
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_o_through_a_symlink_writes_the_file_it_names_and_keeps_the_link(
        runner: CliRunner, jsonl: Path, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    result = runner.invoke(cli, ["batch", str(jsonl), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target
    assert _records(target) == list(range(1, 9))


def test_o_onto_a_fifo_writes_straight_through(jsonl: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run(["batch", str(jsonl), "-o", str(fifo)], tmp_path)
    reader.join(WAIT)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [json.loads(line)["line"] for line in received[0].splitlines()] == list(range(1, 9))


@as_root
def test_o_onto_a_character_device_writes_through_and_never_replaces_it(jsonl: Path, tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    assert run(["batch", str(jsonl), "-o", str(null)], tmp_path).returncode == 0
    full = full_device(tmp_path)
    result = run(["batch", str(jsonl), "-o", str(full), "--lang", "ja"], tmp_path)
    assert result.returncode == 4
    assert result.stderr.decode("utf-8").splitlines() == [f"エラー: {full}: 書き込めません: デバイスに空き領域がありません"]
    for node in (null, full):
        assert stat.S_ISCHR(node.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "in.jsonl", "null"]


@as_root
def test_o_onto_a_block_device_is_refused_and_left_alone(jsonl: Path, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    os.mknod(disk, stat.S_IFBLK | 0o600, os.makedev(7, 200))  # a loop device number; never opened
    result = run(["batch", str(jsonl), "-o", str(disk), "--lang", "ja"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode("utf-8").splitlines() == [
        f"エラー: {disk}: 通常のファイル・キャラクタデバイス・FIFO のいずれでもありません"]
    assert stat.S_ISBLK(disk.lstat().st_mode)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="sets a resource limit in the child")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_o_that_cannot_grow_is_one_line_and_leaves_the_old_file(jsonl: Path, tmp_path: Path, jobs: str) -> None:
    # A file-size limit makes every write past 200 kB fail (EFBIG), as a full disk does.
    import resource

    big = tmp_path / "big.jsonl"
    big.write_bytes(jsonl.read_bytes() * 100)
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    result = subprocess.run([*CLI, "batch", str(big), "-o", str(out), "--jobs", jobs, "--lang", "ja"], cwd=tmp_path,
                            capture_output=True, timeout=WAIT, check=False,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000)))
    assert result.returncode == 4
    assert result.stderr.decode("utf-8").splitlines() == [f"エラー: {out}: 書き込めません: ファイルが大きすぎます"]
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl", "in.jsonl", "out.jsonl"]


@pytest.mark.parametrize("how", ["same path", "symlink", "hard link", "standard input"])
def test_o_naming_the_input_is_refused_before_reading(jsonl: Path, tmp_path: Path, how: str) -> None:
    before = jsonl.read_bytes()
    out = {"same path": jsonl, "standard input": jsonl, "symlink": tmp_path / "link.jsonl",
           "hard link": tmp_path / "hard.jsonl"}[how]
    if how == "symlink":
        out.symlink_to(jsonl)
    elif how == "hard link":
        os.link(jsonl, out)
    args = ["batch", "-" if how == "standard input" else str(jsonl), "-o", str(out), "--lang", "ja"]
    with jsonl.open("rb") as stdin:
        result = subprocess.run([*CLI, *args], cwd=tmp_path, stdin=stdin, capture_output=True, timeout=WAIT,
                                check=False)
    assert result.returncode == 2
    assert "入力ファイルと同じファイルです" in result.stderr.decode("utf-8")
    assert b"Traceback" not in result.stderr
    assert jsonl.read_bytes() == before


# --------------------------------------------------------------------------- write errors


COMMANDS = [
    ["diagnose", "{example}"],
    ["diagnose", "--format", "json", "{example}"],
    ["validate", "{example}"],
    ["schema"],
    ["batch", "{jsonl}"],
    ["batch", "{jsonl}", "--jobs", "2"],
    ["rules", "list"],
    ["rules", "show", "R-storage-shortfall"],
    ["why-not", "{example}", "buy-icloud-storage"],
]


@as_root
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) + (" -j2" if "--jobs" in a else "") for a in COMMANDS])
def test_a_full_standard_output_is_one_line_and_exit_4(args: list[str], lang: str, jsonl: Path, tmp_path: Path,
                                                        examples_dir: Path) -> None:
    example = examples_dir / "tethering-free-tier-migrate.json"
    argv = [a.format(example=example, jsonl=jsonl) for a in args]
    if args[0] != "schema":
        argv.insert(2 if args[0] == "rules" else 1, f"--lang={lang}")
    env = {"LANG": "ja_JP.UTF-8"} if lang == "ja" else {}  # schema has no --lang: the locale decides
    with full_device(tmp_path).open("wb") as full:
        result = run(argv, tmp_path, stdout=full.fileno(), env=env)
    err = result.stderr.decode("utf-8")
    assert result.returncode == 4, err
    lines = [line for line in err.splitlines() if not line.startswith(("1 of", "8 lines", "most frequent"))]
    expected = ("エラー: 標準出力: 書き込めません: デバイスに空き領域がありません" if lang == "ja"
                else "Error: standard output: cannot write: No space left on device")
    assert expected in lines and "Traceback" not in err


@pytest.mark.parametrize("args", [["schema"], ["rules", "list"], ["batch", "{jsonl}"],
                                  ["batch", "{jsonl}", "--jobs", "2"]])
def test_a_reader_that_goes_away_ends_the_command_quietly(args: list[str], jsonl: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    big.write_bytes(jsonl.read_bytes() * 200)
    p = subprocess.Popen([*CLI, *(a.format(jsonl=big) for a in args)], cwd=tmp_path, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.read(10)
    p.stdout.close()  # like `| head -c 10`
    err = p.stderr.read()
    p.stderr.close()
    assert p.wait(timeout=WAIT) in (0, 1)  # 0 when everything fitted in the pipe before it closed
    assert err == b""


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["euc_jp", "shift_jis"])
@pytest.mark.parametrize("args", [["diagnose", "--lang", "ja", "--explain", "{facts}"], ["rules", "list", "--lang", "ja"],
                                  ["validate", "--lang", "ja", "{facts}"], ["diagnose", "--format", "markdown", "{facts}"]])
def test_a_japanese_locale_that_is_not_utf8_gets_text_not_a_traceback(encoding: str, args: list[str], tmp_path: Path,
                                                                       example: object) -> None:
    facts = example("tethering-free-tier-migrate")  # type: ignore[operator]
    facts["ticket"] = "HD-1 ① 😀 — 𠮷野家"
    path = tmp_path / "t.json"
    path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    result = run([a.format(facts=path) for a in args], tmp_path, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode(encoding)
    assert "Traceback" not in result.stderr.decode(encoding, "replace")
    if args[0] == "diagnose":
        assert "HD-1" in text and "😀" not in text and "?" in text


# --------------------------------------------------------------------------- smaller points of point 10


def test_validate_takes_folders_and_files_together(runner: CliRunner, tmp_path: Path, examples_dir: Path) -> None:
    folder = tmp_path / "tickets"
    folder.mkdir()
    for p in sorted(examples_dir.glob("*.json"))[:3]:
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "notes.txt").write_text("not a fact file", encoding="utf-8")
    (folder / "broken.json").write_text("{", encoding="utf-8")
    single = sorted(examples_dir.glob("*.json"))[-1]
    result = runner.invoke(cli, ["validate", str(folder), str(single)])
    assert result.exit_code == 1
    assert result.stdout.count("ok      ") == 4
    assert f"INVALID {folder / 'broken.json'}" in result.stderr
    assert "1 of 5 file(s) invalid" in result.stderr


@pytest.mark.parametrize(("text", "ja"), [
    ('[\n  {"schema_version": 1},\n  {"schema_version": 1}\n]\n', "JSON の配列の始まりです"),
    ('[{"schema_version": 1}, {"schema_version": 1}]\n', "JSON の配列の始まりです"),
    ('{\n  "schema_version": 1,\n  "ticket": "HD-1"\n}\n', "複数行にわたる (整形された) JSON オブジェクトの始まりです"),
    ('{"schema_version": 1,\n "ticket": "HD-1"}\n', "複数行にわたる (整形された) JSON オブジェクトの始まりです"),
], ids=["array", "one-line array", "pretty", "wrapped"])
def test_batch_refuses_a_json_document_that_is_not_json_lines(runner: CliRunner, tmp_path: Path, text: str,
                                                              ja: str) -> None:
    src = tmp_path / "tickets.json"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out), "--lang", "ja"])
    assert result.exit_code == 2
    assert ja in result.stderr and "jq -c" in result.stderr
    assert out.read_text(encoding="utf-8") == "old\n"


def test_a_first_line_that_is_merely_invalid_still_gets_its_record(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"schema_version": 1, "ticket": "HD-1", "goal": "fly"}\n{"schema_version": 1}\n',
                   encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(src)])
    assert result.exit_code == 0
    assert [json.loads(line)["line"] for line in result.stdout.splitlines()] == [1, 2]
