"""``backup-doctor interview``: questions one at a time, typed answers, back, decline, stop, the fact file written."""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backup_doctor.cli.app import cli
from backup_doctor.engine import Engine, load_facts

CASE = "restore-apps-waiting-no-sim"

BAD = {"yes_no": ("maybe", "type y (yes) or n (no)"), "choice": ("99", "type a number from 1 to"),
       "choices": ("99", "type a number from 1 to"), "number": ("-1e99", "type a number"),
       "gb": ("-1e99", "type a number"), "version": ("abc", "type a version"), "date": ("yesterday", "type a date"),
       "text": ("", "type an answer")}
"""Per answer kind: an answer it refuses, and what the refusal says."""


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def _set(facts: dict[str, Any], path: str, value: Any) -> None:
    *parents, name = path.split(".")
    for part in parents:
        facts = facts.setdefault(part, {})
    facts[name] = value


def _typed(value: Any, answer: Any, lang: str) -> str:
    """*value* as a clerk types it for a question taking *answer*."""
    if answer.kind == "yes_no":
        return {True: "はい", False: "いいえ"}[value] if lang == "ja" else {True: "y", False: "n"}[value]
    values = [c.value for c in answer.choices or ()]
    if answer.kind == "choice":
        return str(values.index(value) + 1)
    if answer.kind == "choices":
        return ",".join(str(values.index(v) + 1) for v in value)
    return str(value)


def _script(engine: Engine, start: dict[str, Any], full: dict[str, Any], lang: str,
            fact_at: Any) -> tuple[list[str], dict[str, Any], list[str]]:
    """What a clerk answers, from the customer's full story, to the questions the report asks
    first (the report's own order); with the facts and the declined fields it ends with."""
    facts, declined, lines = copy.deepcopy(start), [], []
    for _ in range(60):
        report = engine.diagnose(facts, lang=lang, declined=declined)  # type: ignore[arg-type]
        if report.settled or not report.questions:
            return lines, facts, declined
        question = report.questions[0]
        value = fact_at(full, question.field)
        if value is None:
            lines.append("?")
            declined.append(question.field)
        else:
            lines.append(_typed(value, question.answer, lang))
            _set(facts, question.field, value)
    raise AssertionError("the interview never ended")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_an_interview_from_goal_and_symptoms_ends_settled_with_an_ordinary_ticket(
        runner: CliRunner, engine: Engine, example: Any, fact_at: Any, tmp_path: Path, lang: str) -> None:
    full = example(CASE)
    del full["network"]["connection"]  # the customer cannot say how the phone is connected
    start = {k: full[k] for k in ("schema_version", "ticket", "today", "goal", "symptoms")}
    (tmp_path / "start.json").write_text(json.dumps(start), encoding="utf-8")
    lines, facts, declined = _script(engine, start, full, lang, fact_at)
    assert "?" in lines and len(lines) > 2  # the story lacks some answers: they are declined
    out = tmp_path / "ticket.json"
    result = runner.invoke(cli, ["interview", str(tmp_path / "start.json"), "--lang", lang, "-o", str(out),
                                 "--format", "json"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.stderr
    # The fact file holds every answer and nothing declined; it is a valid ticket.
    assert json.loads(out.read_text(encoding="utf-8")) == facts
    load_facts(str(out))
    assert set(declined).isdisjoint(f for f in declined if fact_at(facts, f) is not None)
    # The report printed is the library's for those facts with those fields declined.
    report = engine.diagnose(facts, lang=lang, declined=declined)  # type: ignore[arg-type]
    assert json.loads(result.stdout) == report.model_dump(mode="json")
    ending = {"en": ("No open question could change the advice", "No more questions"),
              "ja": ("助言を変えうる質問は残っていません", "質問はもうありません")}[lang]
    assert ending[0 if report.settled else 1] in result.stderr
    # One question a step; a declined question is never asked again.
    asks = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(asks) == len(lines) and len({a.split("] ", 1)[1] for a in asks}) == len(asks)
    assert "apps-stuck-after-restore" in result.stderr  # the causes so far are shown as they come


def test_back_bad_input_and_the_goal_first_in_english(runner: CliRunner, engine: Engine, tmp_path: Path) -> None:
    first = engine.diagnose({"schema_version": 1, "goal": "backup"}).questions[0]
    bad, said = BAD[first.answer.kind]
    out = tmp_path / "facts.json"
    result = runner.invoke(cli, ["interview", "--lang", "en", "-o", str(out)],
                           input="9\nabc\n2\nb\n1\n" + bad + "\nq\n")
    assert result.exit_code == 0, result.stderr
    err = result.stderr
    assert err.count("What does the customer want to do?") == 2  # asked, then asked again after b
    assert err.count("type a number from 1 to 3") == 2
    assert first.ask in err
    assert said in err.split(first.ask, 1)[1]  # a bad answer to a typed question is re-asked too
    assert "Interview stopped" in err
    assert json.loads(out.read_text(encoding="utf-8")) == {"schema_version": 1, "goal": "backup"}
    assert result.stdout.startswith("backup-doctor report")


def test_bad_answers_are_refused_in_japanese(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["interview", "--lang", "ja"], input="4\nb\nq\n")
    assert result.exit_code == 0
    assert "1〜3 の番号を入力してください" in result.stderr
    assert "戻れる回答はありません" in result.stderr
    assert "聞き取りを中断しました" in result.stderr and result.stdout.startswith("backup-doctor 診断結果")


def test_brief_prints_the_short_form_at_the_end(runner: CliRunner, example: Any, tmp_path: Path) -> None:
    (tmp_path / "case.json").write_text(json.dumps(example(CASE)), encoding="utf-8")
    full = runner.invoke(cli, ["interview", str(tmp_path / "case.json"), "--lang", "en"], input="q\n")
    short = runner.invoke(cli, ["interview", str(tmp_path / "case.json"), "--lang", "en", "--brief"], input="q\n")
    assert short.exit_code == 0 and full.exit_code == 0
    assert "check-mobile-data-and-app-store" in full.stdout and len(short.stdout) < len(full.stdout)
    assert runner.invoke(cli, ["interview", "--brief", "--format", "json"], input="q\n").exit_code == 2


def test_end_of_input_stops_like_q_and_still_writes_the_facts(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "facts.json"
    result = runner.invoke(cli, ["interview", "--lang", "en", "-o", str(out), "--format", "json"], input="1\n")
    assert result.exit_code == 0, result.stderr
    assert "Interview stopped" in result.stderr
    assert json.loads(result.stdout)["lang"] == "en"
    assert json.loads(out.read_text(encoding="utf-8"))["goal"] == "backup"


class _CtrlC(io.BytesIO):
    """Standard input on which the user presses Ctrl-C once the typed lines are read."""

    def read1(self, size: int = -1) -> bytes:
        data = super().read1(size)
        if not data:
            raise KeyboardInterrupt
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = super().readline(size)
        if not data:
            raise KeyboardInterrupt
        return data


def test_ctrl_c_exits_130_with_one_line_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "facts.json"
    result = runner.invoke(cli, ["interview", "--lang", "ja", "-o", str(out)], input=_CtrlC(b"1\n"))
    assert result.exit_code == 130
    assert result.stderr.rstrip().splitlines()[-1] == "中断しました"  # one line, no traceback
    assert "Traceback" not in result.stderr
    assert not out.exists() and result.stdout == ""


def test_a_bad_starting_file_is_refused_before_any_question(runner: CliRunner, tmp_path: Path) -> None:
    start = tmp_path / "start.json"
    start.write_text('{"schema_version": 1, "gaol": "backup"}', encoding="utf-8")
    result = runner.invoke(cli, ["interview", str(start), "--lang", "en"], input="q\n")
    assert result.exit_code == 2
    assert "gaol" in result.stderr and "goal" in result.stderr and "[1]" not in result.stderr


# --------------------------------------------------------------------------- a real terminal


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")
def test_a_japanese_interview_in_a_real_terminal(tmp_path: Path, example: Any) -> None:
    command = str(Path(sys.executable).with_name("backup-doctor"))
    out = tmp_path / "ticket.json"
    session = f"bd-interview-{os.getpid()}"
    env = {**os.environ, "LANG": "C.UTF-8", "TMUX": ""}
    tmux = ["tmux", "-L", session, "-f", "/dev/null"]

    def screen() -> str:
        return subprocess.run([*tmux, "capture-pane", "-p", "-J", "-S", "-200", "-t", session],
                              capture_output=True, text=True, env=env, timeout=30, check=True).stdout

    def wait_for(text: str) -> str:
        deadline = time.monotonic() + 60
        while text not in (shown := screen()):
            assert time.monotonic() < deadline, f"{text!r} never appeared:\n{shown}"
            time.sleep(0.1)
        return shown

    subprocess.run([*tmux, "new-session", "-d", "-s", session, "-x", "150", "-y", "50",
                    # The pane stays (killed below) longer than wait_for() waits: on a busy
                    # machine a slow start must fail as "never appeared", not as a lost pane.
                    f"{command} interview --lang ja -o {out} ; echo EXIT=$? ; sleep 600"],
                   env=env, cwd=tmp_path, timeout=30, check=True)
    try:
        wait_for("お客様は何をしたいですか")
        for keys in ("5", "1"):  # a bad number first: re-asked in Japanese
            subprocess.run([*tmux, "send-keys", "-t", session, keys, "Enter"], env=env, timeout=30, check=True)
        wait_for("[2]")
        subprocess.run([*tmux, "send-keys", "-t", session, "q", "Enter"], env=env, timeout=30, check=True)
        shown = wait_for("EXIT=")
    finally:
        subprocess.run([*tmux, "kill-server"], env=env, timeout=30, check=False)
    assert "1〜3 の番号を入力してください" in shown
    assert "EXIT=0" in shown and "backup-doctor 診断結果" in shown
    assert json.loads(out.read_text(encoding="utf-8")) == {"schema_version": 1, "goal": "backup"}


def test_a_plan_of_0_gb_is_refused_as_the_fact_file_would(runner: CliRunner, tmp_path: Path) -> None:
    # The plan's size is above 0 (the answer says min 0 with min_exclusive): the
    # interview refuses 0 at once instead of writing a fact file the loader refuses.
    start = tmp_path / "start.json"
    start.write_text(json.dumps({"schema_version": 1, "goal": "backup", "backup": {"estimated_size_gb": 9},
                                 "account": {"used_gb": 3}, "symptoms": {"messages": ["not-enough-storage"]}}),
                     encoding="utf-8")
    result = runner.invoke(cli, ["interview", str(start), "--lang", "ja"], input="0\n50\nq\n")
    assert result.exit_code == 0, result.output
    assert "iCloud のストレージプランの容量" in result.output.split("[1]")[1].splitlines()[0]
    assert "! 数値を入力してください (0 GB より大きい値)" in result.output
    assert "[2]" in result.output  # 50 was taken, and the next question came
