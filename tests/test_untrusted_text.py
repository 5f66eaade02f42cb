"""Text from a ticket is inert where it lands: on a clerk's terminal, in a Markdown note, in an error.

docs/guarantees.md ("Untrusted text") says what is done; these tests hold it, through the
command and the library, with the nastiest strings a ticket can carry.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from backup_doctor.cli.app import cli
from backup_doctor.engine import diagnose
from backup_doctor.engine.safe_text import for_markdown, for_terminal, json_for_terminal, markdown_code_block

# What a terminal acts on: clear the screen, set the window title, bell, backspace,
# carriage return, an 8-bit CSI (C1), a right-to-left override and an isolate.
TERMINAL_ATTACK = "X\x1b[2J\x1b]0;pwned\x07\x08\rY\u009b31m\u202eZ\u2066W"
# What a Markdown note acts on: a heading on its own line, HTML, a link, an autolink,
# emphasis, a table, and a fence of both kinds.
MARKDOWN_ATTACK = ("A\n# Fake heading\n<img src=x onerror=alert(1)> [x](javascript:alert(1)) "
                   "<http://evil.example> **bold** | a | b |\n```\n~~~\nB")
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Where ticket text lands in a report, each field within its length limit.
FIELDS = {
    "ticket": lambda text: {"ticket": text},
    "symptoms.messages": lambda text: {"symptoms": {"messages": [text]}},
    "uses": lambda text: {"uses": [text[:60]]},
    "device.model": lambda text: {"device": {"model": text[:100]}},
}


def _facts(tmp_path: Path, extra: dict[str, Any]) -> str:
    path = tmp_path / "facts.json"
    data = {"schema_version": 1, "today": "2026-11-25", "goal": "backup",
            "account": {"signed_in": True, "icloud_backup_on": False}, **extra}
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


# ------------------------------------------------------------------ the escaping module


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b[2J", "\\x1b[2J"),
    ("\x07\x08\r\n\t", "\\x07\\x08\\r\\n\\t"),
    ("\x7f\u0085\u009b", "\\x7f\\x85\\x9b"),
    ("\u202eabc\u202c", "\\u202eabc\\u202c"),
    ("\u2066\u2069\u200f\u2028", "\\u2066\\u2069\\u200f\\u2028"),
    ("バックアップ 👨‍👩‍👧 café", "バックアップ 👨‍👩‍👧 café"),  # text, and emoji with their joiners, untouched
])
def test_for_terminal_makes_controls_visible_and_keeps_text(raw: str, shown: str) -> None:
    assert for_terminal(raw) == shown
    assert for_terminal(shown) == shown  # applying it twice changes nothing


def test_json_escapes_parse_back_to_the_same_text() -> None:
    value = {"t": TERMINAL_ATTACK + "日本語"}
    document = json_for_terminal(json.dumps(value, ensure_ascii=False))
    assert json.loads(document) == value
    assert not RAW_CONTROLS.search(document)
    assert "日本語" in document


_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_PLAIN_INLINE = {"text", "softbreak"}


def _inline_children(source: str) -> tuple[list[str], list[Any]]:
    tokens = _MD.parse(source)
    return [t.type for t in tokens], [c for t in tokens if t.type == "inline" for c in (t.children or [])]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.text(alphabet="\\`*_[]()<>!&|~#-+=.:/ 0123456789w\n\t\x1b", max_size=30))
def test_for_markdown_is_only_text_wherever_it_is_put(text: str) -> None:
    # As a list item, after a heading's words, and as a continuation line: the text
    # adds no element, and reads back as itself (controls made visible).
    for prefix in ("- ", "## Title ", "1. **t** `id`\\\n  "):
        _, children = _inline_children(prefix + for_markdown(text))
        assert {c.type for c in children} <= _PLAIN_INLINE | {"strong_open", "strong_close", "code_inline",
                                                             "hardbreak"}
    kinds, children = _inline_children("- " + for_markdown(text))
    if for_terminal(text).strip():
        assert kinds == ["bullet_list_open", "list_item_open", "paragraph_open", "inline", "paragraph_close",
                         "list_item_close", "bullet_list_close"]
        assert "".join(c.content for c in children).strip() == for_terminal(text).strip()


@pytest.mark.parametrize("content", ["```", "~~~", "````` and ``", "`` ` ```` `"])
def test_a_code_block_cannot_be_closed_from_inside(content: str) -> None:
    block = markdown_code_block(["before", content, "after"])
    tokens = _MD.parse("\n".join(block) + "\n\nafter the block\n")
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == 1 and fences[0].content == f"before\n{content}\nafter\n"


# ------------------------------------------------------------------ reports


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("field", list(FIELDS))
def test_ticket_text_cannot_act_on_the_terminal(runner: CliRunner, tmp_path: Path, field: str, fmt: str,
                                                lang: str) -> None:
    res = runner.invoke(cli, ["diagnose", "--explain", "--format", fmt, "--lang", lang,
                              _facts(tmp_path, FIELDS[field](TERMINAL_ATTACK))])
    assert res.exit_code == 0, res.stderr
    assert "\x1b" not in res.stdout and not RAW_CONTROLS.search(res.stdout)
    assert "X\\x1b" in res.stdout  # shown, not dropped: the clerk sees what was sent
    assert res.stderr == ""


@pytest.mark.parametrize("field", list(FIELDS))
def test_json_report_keeps_ticket_text_exact(runner: CliRunner, tmp_path: Path, field: str) -> None:
    facts = _facts(tmp_path, FIELDS[field](TERMINAL_ATTACK))
    res = runner.invoke(cli, ["diagnose", "--format", "json", "--lang", "en", facts])
    assert res.exit_code == 0, res.stderr
    assert not RAW_CONTROLS.search(res.stdout)
    assert json.loads(res.stdout) == diagnose(json.loads(Path(facts).read_text()), lang="en").model_dump(mode="json")


def test_a_ticket_line_break_cannot_start_a_section_in_text(runner: CliRunner, tmp_path: Path) -> None:
    facts = _facts(tmp_path, {"ticket": "HD-1\nWhat is wrong\n-------------\n  • all fine",
                              "symptoms": {"messages": ["one\n\nWhat to do, in this order"]}})
    out = runner.invoke(cli, ["diagnose", "--lang", "en", facts]).stdout
    lines = out.splitlines()
    assert lines.count("What is wrong") == 1 and lines.count("What to do, in this order") <= 1
    assert "  • all fine" not in lines
    assert "(Ticket HD-1\\nWhat is wrong\\n-------------\\n  • all fine)" in lines[0]


def _markdown_report(runner: CliRunner, tmp_path: Path, lang: str) -> tuple[str, list[Any]]:
    facts = _facts(tmp_path, {"ticket": MARKDOWN_ATTACK[:200], "device": {"model": MARKDOWN_ATTACK[:100]},
                              "symptoms": {"messages": [MARKDOWN_ATTACK]}, "uses": [MARKDOWN_ATTACK[:60]]})
    res = runner.invoke(cli, ["diagnose", "--format", "markdown", "--explain", "--lang", lang, facts])
    assert res.exit_code == 0, res.stderr
    return res.stdout, _MD.parse(res.stdout)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_markdown_ticket_text_adds_no_structure(runner: CliRunner, tmp_path: Path, lang: str) -> None:
    out, tokens = _markdown_report(runner, tmp_path, lang)
    # Only the report's own headings: no line starting with '#' carries ticket text.
    headings = [line for line in out.splitlines() if line.startswith("#")]
    assert headings and not any("Fake heading" in h for h in headings[1:])
    assert [t.markup for t in tokens if t.type == "heading_open"] == ["#"] + ["##"] * (len(headings) - 1)
    # No HTML, no link, no image, no table anywhere.
    kinds = {t.type for t in tokens} | {c.type for t in tokens if t.children for c in t.children}
    assert not kinds & {"html_block", "html_inline", "link_open", "image", "table_open", "s_open", "em_open"}
    # The ticket's fences open nothing: --explain's block is the only code block.
    assert [t.type for t in tokens].count("fence") == 1
    start, end = next(t.map for t in tokens if t.type == "fence") or (0, 0)
    lines = out.splitlines()
    outside = "\n".join(lines[:start] + lines[end:])
    for raw in ("<img", "[x](javascript", "<http", "**bold**", "```", "~~~"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), outside), raw  # only escaped forms


def test_markdown_shows_the_ticket_text_as_written(runner: CliRunner, tmp_path: Path) -> None:
    _, tokens = _markdown_report(runner, tmp_path, "en")
    title = next(tokens[i + 1] for i, t in enumerate(tokens) if t.type == "heading_open")
    assert title.content.startswith("backup-doctor report")
    rendered = "".join(c.content for c in title.children or [])
    assert "A\\n# Fake heading\\n<img src=x onerror=alert(1)> [x](javascript:alert(1))" in rendered


# ------------------------------------------------------------------ errors and rule-author output


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("facts", [
    {"ticket": 7, TERMINAL_ATTACK: 1},  # an unknown field named by the attack
    {"goal": TERMINAL_ATTACK},  # a value echoed in the message
    {"today": TERMINAL_ATTACK},
    {"device": {"model": TERMINAL_ATTACK * 20}},
    {"uses": [TERMINAL_ATTACK, 5]},
    {"symptoms": {"messages": TERMINAL_ATTACK}},
    {"device": {TERMINAL_ATTACK[:8]: 1}},  # with a did-you-mean
], ids=["unknown-field", "goal", "today", "device.model", "uses", "symptoms.messages", "device-key"])
def test_errors_never_carry_raw_controls(runner: CliRunner, tmp_path: Path, facts: dict[str, Any],
                                         lang: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"schema_version": 1, **facts}), encoding="utf-8")
    for args in (["diagnose", "--lang", lang, str(path)], ["validate", "--lang", lang, str(path)]):
        res = runner.invoke(cli, args)
        assert res.exit_code in (1, 2), res.output
        assert res.stderr and not RAW_CONTROLS.search(res.stderr)
        assert all(line.startswith(("Error", "エラー", "INVALID", "  ", "1 of", "1 件中")) for line in
                   res.stderr.splitlines()), res.stderr  # no line was broken in two by the ticket


def test_why_not_shows_fact_values_inert(runner: CliRunner, tmp_path: Path) -> None:
    facts = _facts(tmp_path, {"device": {"model": TERMINAL_ATTACK}})
    res = runner.invoke(cli, ["why-not", "--lang", "en", facts, "model-not-recognised"])
    assert res.exit_code == 0, res.stderr
    assert not RAW_CONTROLS.search(res.stdout) and "X\\x1b" in res.stdout
