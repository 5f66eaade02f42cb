"""`diagnose --brief`: the short form for the counter, in the CLI, the note and the MCP tool.

What it shows (issue 14, point 6): the causes, the first fix with its steps, the other
fixes by title, the first three caveats of the report (each by its first sentence), the
top three questions; at most 40 % of the full report's length on every shipped example.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from backup_doctor.cli.brief import first_sentence
from backup_doctor.cli.app import cli
from backup_doctor.engine import diagnose

EXAMPLES = sorted((Path(__file__).parent.parent / "examples" / "facts").glob("*.json"))
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ATTACK = "X\x1b[2J\u202e\n# Fake <img src=x onerror=alert(1)> [x](javascript:alert(1))"


def _run(runner: CliRunner, *args: str) -> str:
    res = runner.invoke(cli, ["diagnose", *args])
    assert res.exit_code == 0, res.stderr
    assert res.stderr == ""
    return res.stdout


def _write(tmp_path: Path, facts: dict[str, Any]) -> str:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_brief_is_at_most_40_percent_of_the_full_report(runner: CliRunner, path: Path, fmt: str,
                                                            lang: str) -> None:
    full = _run(runner, "--lang", lang, "--format", fmt, str(path))
    brief = _run(runner, "--brief", "--lang", lang, "--format", fmt, str(path))
    assert len(brief) <= 0.4 * len(full), f"{len(brief)} of {len(full)} characters"


def test_the_brief_shows_causes_first_fix_other_titles_caveats_and_three_questions(
        runner: CliRunner, examples_dir: Path) -> None:
    path = examples_dir / "restore-apps-waiting-no-sim.json"
    report = diagnose(json.loads(path.read_text(encoding="utf-8")), lang="ja")
    lines = _run(runner, "--brief", "--lang", "ja", str(path)).splitlines()
    assert lines[0] == "backup-doctor 要約 (チケット HD-2290)"
    assert [f"・{f.title}" for f in report.findings] == lines[3:3 + len(report.findings)]
    first, *others = report.recommendations
    assert others, "the example should have more than one fix"
    fixes = lines[lines.index("【対処（この順に）】") + 1:]
    steps = [f"    {i}. {step}" for i, step in enumerate(first.steps, 1)]
    assert fixes[:1 + len(steps)] == [f"1. {first.title}", *steps]
    assert fixes[1 + len(steps):1 + len(steps) + len(others)] == [f"{r.rank}. {r.title}" for r in others]
    assert not any(step in line for r in others for step in r.steps for line in lines)
    caveats = lines[lines.index("【注意】") + 1:lines.index("【確認すること】") - 1]
    # The report's first three caveats, each by its first sentence (without its
    # parentheses: the full text stays in the full report), then how many more.
    assert len(report.caveats) > 3, "the example should have more caveats than the brief shows"
    assert [line[1:] for line in caveats[:3]] == [first_sentence(c.text, "ja") for c in report.caveats[:3]]
    assert all(len(line) < len(c.text) for line, c in zip(caveats, report.caveats[:3], strict=False))
    assert caveats[3:] == [f"（ほか {len(report.caveats) - 3} 件は全文に）"]
    questions = lines[lines.index("【確認すること】") + 1:]
    assert questions[:3] == [f"・{q.ask}" for q in report.questions[:3]]
    assert questions[3:] == [f"（ほか {len(report.questions) - 3} 件は全文に）"]
    assert not any(q.why in line for q in report.questions for line in lines)


def test_the_full_report_is_unchanged_without_brief(runner: CliRunner, examples_dir: Path) -> None:
    path = str(examples_dir / "restore-newer-ios.json")
    full = _run(runner, "--lang", "en", path)
    assert full.startswith("backup-doctor report") and "What to do, in this order" in full
    assert _run(runner, "--lang", "en", "--brief", path) != full


def test_no_cause_found_says_so_and_keeps_the_questions(runner: CliRunner, tmp_path: Path) -> None:
    text = _run(runner, "--brief", "--lang", "en", _write(tmp_path, {"schema_version": 1, "goal": "backup"}))
    assert "Causes:\nNo cause found from the facts given.\n" in text
    assert "What to do" not in text and "Ask the customer:\n- " in text


@pytest.mark.parametrize(("lang", "words"), [("en", "Error: --brief is a short form for people"),
                                             ("ja", "エラー: --brief は人が読むための要約です")])
def test_brief_with_json_is_a_usage_error_in_the_users_language(runner: CliRunner, examples_dir: Path, lang: str,
                                                                words: str) -> None:
    res = runner.invoke(cli, ["diagnose", "--brief", "--format", "json", "--lang", lang,
                              str(examples_dir / "restore-newer-ios.json")])
    assert res.exit_code == 2 and res.stdout == ""
    assert words in res.stderr and "--format text" in res.stderr


def test_explain_adds_the_chain_to_the_brief(runner: CliRunner, examples_dir: Path) -> None:
    text = _run(runner, "--brief", "--explain", "--lang", "en", str(examples_dir / "restore-newer-ios.json"))
    assert "How the rules reached this:" in text and "[R-" in text


def test_unrecognised_messages_are_counted_not_quoted(runner: CliRunner, tmp_path: Path) -> None:
    facts = {"schema_version": 1, "goal": "backup", "symptoms": {"messages": [ATTACK, "something odd"]}}
    text = _run(runner, "--brief", "--lang", "ja", _write(tmp_path, facts))
    assert "認識できなかったメッセージが 2 件あります（全文を参照）。" in text and "Fake" not in text


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_quoted_model_name_is_kept_whole_in_a_caveat(runner: CliRunner, tmp_path: Path, lang: str) -> None:
    # The caveat quotes the ticket's model name: its parentheses and periods are the
    # customer's words, not the end of the sentence or an aside to drop.
    facts = {"schema_version": 1, "goal": "backup", "device": {"model": "Phone (2nd gen). Blue"}}
    text = _run(runner, "--brief", "--lang", lang, _write(tmp_path, facts))
    assert "Phone (2nd gen). Blue" in text


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_ticket_text_is_inert_in_the_brief(runner: CliRunner, tmp_path: Path, lang: str) -> None:
    path = _write(tmp_path, {"schema_version": 1, "ticket": ATTACK, "device": {"model": ATTACK[:100]}})
    text = _run(runner, "--brief", "--lang", lang, path)
    assert not RAW_CONTROLS.search(text) and "X\\x1b[2J\\u202e\\n# Fake" in text
    markdown = _run(runner, "--brief", "--format", "markdown", "--lang", lang, path)
    tokens = MarkdownIt("commonmark").parse(markdown)
    assert [t.tag for t in tokens if t.type == "heading_open"][0] == "h1"
    assert sum(t.type == "heading_open" and t.tag == "h1" for t in tokens) == 1
    kinds = {c.type for t in tokens if t.type == "inline" for c in (t.children or [])}
    assert not kinds & {"html_inline", "link_open", "image"} and not any(t.type == "html_block" for t in tokens)


# ------------------------------------------------------------------ the note (HTTP service)


def test_the_note_html_is_the_brief_with_every_text_escaped(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from backup_doctor.cli.service.app import create_app

    app = create_app()
    with TestClient(app) as http:
        assert app.api.state.engines.wait(60)  # type: ignore[attr-defined]
        facts = {"schema_version": 1, "ticket": ATTACK, "goal": "backup", "device": {"model": "<b>x</b>"},
                 "account": {"signed_in": True, "icloud_backup_on": False}}
        note = http.post("/v1/note?lang=en", json=facts).json()
    html = note["html"]
    assert "<img" not in html and "<b>" not in html and "&lt;img src=x" in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert not RAW_CONTROLS.search(html) and "X\\x1b[2J\\u202e\\n# Fake" in html
    assert re.findall(r"<(\w+)", html) and set(re.findall(r"<(\w+)", html)) <= {"h2", "h3", "ul", "ol", "li",
                                                                                 "strong", "p"}
    assert "<h3>What to do, in this order</h3>\n<ol><li><strong>" in html
    assert note["text"].startswith("backup-doctor brief (Ticket X\\x1b")


def test_the_brief_shows_the_caveats_about_this_customers_apps_before_the_general_ones(runner: CliRunner,
                                                                                     tmp_path: Path) -> None:
    # Face ID and "a restore takes hours" are told to everybody; the customer's LINE and
    # Apple Watch are what the clerk must not forget to say.
    path = _write(tmp_path, {"schema_version": 1, "goal": "migrate", "uses": ["line", "apple_watch"]})
    report = diagnose(json.loads(Path(path).read_text(encoding="utf-8")))
    ids = [c.id for c in report.caveats]
    assert ids[:2] == ["messaging-apps-need-own-transfer", "apple-watch-unpair-first"]
    assert ids.index("face-id-touch-id-not-included") > 1
    brief = _run(runner, "--brief", "--lang", "en", path)
    assert "- LINE and similar messaging apps" in brief and "- Unpair the Apple Watch" in brief
