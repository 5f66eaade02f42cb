"""``batch`` under Ctrl-C, SIGTERM and SIGKILL (issue 17, point 2), through the installed command.

Each run gets a big input so the signal lands mid-run: the test waits until the batch
has written records (the hidden temporary file beside ``-o`` holds data, or standard
output does), signals, then checks what a user would see: the exit code, one line on
stderr in the asked language with the number of lines done, the previous output file
untouched, nothing left beside it, and no worker process still alive. Every process
group is killed at the end, whatever happened.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "backup_doctor.cli"]
WAIT = 60  # seconds; a limit against hangs, not a timing assertion


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30,000 lines made of the example fact files: many seconds of work."""
    examples = Path(__file__).resolve().parent.parent / "examples" / "facts"
    lines = [json.dumps(json.loads(p.read_text(encoding="utf-8")), ensure_ascii=False)
             for p in sorted(examples.glob("*.json"))]
    path = tmp_path_factory.mktemp("signals") / "big.jsonl"
    path.write_text("\n".join(lines[i % len(lines)] for i in range(30_000)) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts, each in its own group; the groups are killed at the end."""
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.communicate(timeout=WAIT)  # reaps it and closes its pipes


def _start(procs: list[subprocess.Popen[bytes]], args: list[str], cwd: Path, stdout: int | None = None,
           ) -> subprocess.Popen[bytes]:
    p = subprocess.Popen([*CLI, *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=stdout or subprocess.DEVNULL,
                         stderr=subprocess.PIPE, start_new_session=True)
    procs.append(p)
    return p


def _wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def _reading_stdin(pid: int, since: float) -> bool:
    """Whether *pid* is blocked in read(0, …) (Linux: /proc/PID/syscall is "0 0x0 …"), or,
    where that file cannot be read, two seconds after *since* (a guess)."""
    try:
        return Path(f"/proc/{pid}/syscall").read_text().startswith("0 0x0 ")
    except OSError:
        return time.monotonic() - since > 2


def _temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".out.jsonl.")]


def _writing(pid: int, folder: Path) -> bool:
    """Whether the batch *pid* has written records into its output file in *folder*.

    The file has no name until the batch ends (Linux's O_TMPFILE, shown in /proc as
    "folder/#inode (deleted)"); where the system cannot make one, it is a hidden
    ``.out.jsonl.*.tmp``. Either way it is found among the process's open files.
    """
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(fd).startswith(f"{folder}/") and os.stat(fd).st_size > 0:
                return True
        except OSError:
            continue
    return False


def _alive_in_group(pgid: int) -> list[int]:
    """Live (not zombie) processes of the process group *pgid*."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            alive.append(int(entry.name))
    return alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(("signum", "to_group", "code"), [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143)],
                         ids=["ctrl-c-to-group", "sigterm"])
def test_a_signal_stops_the_batch_cleanly(big_input: Path, tmp_path: Path, started: list[subprocess.Popen[bytes]],
                                          jobs: str, signum: int, to_group: bool, code: int) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("yesterday's complete output\n", encoding="utf-8")
    p = _start(started, ["batch", str(big_input), "-o", str(out), "--jobs", jobs, "--lang", "ja"], tmp_path)
    _wait_for(lambda: _writing(p.pid, tmp_path), "the first records")
    if to_group:
        os.killpg(p.pid, signum)
    else:
        p.send_signal(signum)
    _, err = p.communicate(timeout=WAIT)
    assert p.returncode == code
    lines = err.decode("utf-8").splitlines()
    assert len(lines) == 1, lines
    assert "中断しました" in lines[0] and "out.jsonl は変更していません" in lines[0]
    done = int(re.search(r"([\d,]+) 行", lines[0]).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert 0 < done < 30_000
    assert out.read_text(encoding="utf-8") == "yesterday's complete output\n"
    assert _temp_files(tmp_path) == []
    assert _alive_in_group(p.pid) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_on_standard_output_says_how_many_records_were_written(
        big_input: Path, tmp_path: Path, started: list[subprocess.Popen[bytes]]) -> None:
    records = tmp_path / "records.jsonl"
    with records.open("wb") as fh:
        p = _start(started, ["batch", str(big_input), "--jobs", "2", "--lang", "en"], tmp_path, stdout=fh.fileno())
        _wait_for(lambda: records.stat().st_size > 0, "the first records")
        os.killpg(p.pid, signal.SIGINT)
        _, err = p.communicate(timeout=WAIT)
    assert p.returncode == 130
    message = err.decode("utf-8").strip()
    done = int(re.fullmatch(r"interrupted after ([\d,]+) line\(s\) written to standard output", message)
               .group(1).replace(",", ""))  # type: ignore[union-attr]
    written = records.read_bytes().splitlines()
    assert len(written) == done
    assert [json.loads(line)["line"] for line in written] == list(range(1, done + 1))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_the_batch_is_killed(big_input: Path, tmp_path: Path,
                                               started: list[subprocess.Popen[bytes]]) -> None:
    p = _start(started, ["batch", str(big_input), "-o", str(tmp_path / "out.jsonl"), "--jobs", "2"], tmp_path)
    _wait_for(lambda: _writing(p.pid, tmp_path), "the first records")
    workers = [pid for pid in _alive_in_group(p.pid) if pid != p.pid]
    assert len(workers) == 2
    p.kill()
    _wait_for(lambda: _alive_in_group(p.pid) == [], "the workers to exit after their parent was killed")
    # Nothing can run on SIGKILL: the records were in a file with no name, which the
    # kernel freed with the process.
    assert sorted(q.name for q in tmp_path.iterdir()) == []


def test_ctrl_c_while_diagnose_waits_for_input_exits_130_in_japanese(
        tmp_path: Path, started: list[subprocess.Popen[bytes]]) -> None:
    p = subprocess.Popen([*CLI, "diagnose", "-", "--lang", "ja"], cwd=tmp_path, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    started.append(p)
    # Ctrl-C while it waits for the ticket on standard input. Sent earlier, during the
    # interpreter's own start-up, a busy machine would see Python's default action
    # (killed by the signal), which no program can change.
    began = time.monotonic()
    _wait_for(lambda: _reading_stdin(p.pid, began), "diagnose to read standard input")
    os.killpg(p.pid, signal.SIGINT)
    out, err = p.communicate(timeout=WAIT)
    assert p.returncode == 130
    assert out == b""
    assert err.decode("utf-8").strip() == "中断しました"
