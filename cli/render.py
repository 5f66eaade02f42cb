"""Render a :class:`Report` for people: plain text to read aloud, or Markdown for a ticket."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from ..engine.report.model import Report, TraceEvent
from .texts import labels
from ..engine.safe_text import for_markdown, for_terminal, json_for_terminal, markdown_code_block


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


MAX_QUESTIONS_SHOWN = 6
"""A clerk reads questions aloud: the report keeps them all (most useful first), text shows these."""


def _width(text: str) -> int:
    """Columns *text* takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def explain_lines(trace: list[TraceEvent], lang: str) -> list[str]:
    """The --explain chain in the report's language: each rule that fired, numbered in
    firing order, with the facts it matched and what it concluded (``←`` names the
    findings it built on). Fact values come from the ticket: controls are made visible."""
    t = labels("render", lang)
    lines = []
    fired = 0
    for ev in trace:
        if ev.op == "assert":
            lines.append(f"  {ev.message}")
        elif ev.op == "fire":
            fired += 1
            lines.append(f"{fired:>3}. [{ev.rule_id}] {ev.message}")
            if ev.facts:
                lines.append(f"       {t['matched']}: " + ", ".join(f"{k} = {_value(v)}" for k, v in ev.facts.items()))
        else:
            lines.append(f"       → {ev.message}")
    return [for_terminal(line) for line in lines]


def add_heading(out: list[str], text: str, *, markdown: bool, level: int = 2) -> None:
    """Append the heading *text* (already escaped) to *out*, after a blank line."""
    if out and out[-1]:
        out.append("")
    if markdown:
        out.append("#" * level + " " + text)
        out.append("")
    else:
        out.append(text)
        out.append(("=" if level == 1 else "-") * _width(text))


def title(report: Report, name: str) -> str:
    """*name* followed by the ticket, when the fact file gave one (not escaped)."""
    t = labels("render", report.lang)
    return name + (f" ({t['ticket']} {report.ticket})" if report.ticket else "")


def render_text(report: Report, *, markdown: bool = False) -> str:
    """The report for people. Every text that can hold ticket text (the ticket itself,
    messages, services, and pack texts that quote the model name) goes through
    :func:`for_terminal` or, in Markdown, :func:`for_markdown`: it cannot act on the
    terminal, start a line of its own, or add Markdown structure."""
    t = labels("render", report.lang)
    esc = for_markdown if markdown else for_terminal
    out: list[str] = []

    def heading(text: str, level: int = 2) -> None:
        add_heading(out, text, markdown=markdown, level=level)

    bullet = "- " if markdown else "  • "
    heading(esc(title(report, t["title"])), 1)

    heading(esc(t["findings"]))
    if not report.findings:
        out.append(esc(t["none_found"]))
    # Markdown: a backslash ends the line inside the list item, so the detail stays
    # under its title instead of running on after it.
    for f in report.findings:
        out.append(f"- **{esc(f.title)}** `{f.id}`\\" if markdown else f"{bullet}{esc(f.title)} [{f.id}]")
        out.append(("  " if markdown else "    ") + esc(f.detail))

    if report.recommendations:
        heading(esc(t["fixes"]))
        for r in report.recommendations:
            out.append(f"{r.rank}. **{esc(r.title)}** `{r.id}`" if markdown else f"{r.rank}. {esc(r.title)} [{r.id}]")
            out.extend(f"    {i}. {esc(step)}" for i, step in enumerate(r.steps, 1))

    if report.caveats:
        heading(esc(t["caveats"]))
        out.extend(f"{bullet}{esc(c.text)}" for c in report.caveats)

    if report.questions:
        heading(esc(t["questions"]))
        open_, close = ("（", "）") if report.lang == "ja" else (esc("("), esc(")"))
        for q in report.questions[:MAX_QUESTIONS_SHOWN]:
            out.append(f"{bullet}{esc(q.ask)}" + ("\\" if markdown else ""))
            out.append(("  " if markdown else "    ") + f"{open_}{esc(t['why'])}: {esc(q.why)}{close}")
        hidden = len(report.questions) - MAX_QUESTIONS_SHOWN
        if hidden > 0:
            out.append(esc(t["more_questions"].format(n=hidden)))

    if report.unrecognised_messages:
        heading(esc(t["unrecognised"]))
        out.extend(f"{bullet}{esc(m)}" for m in report.unrecognised_messages)
    if report.unrecognised_uses:
        heading(esc(t["uses"]))
        out.extend(f"{bullet}{esc(u)}" for u in report.unrecognised_uses)

    est = report.estimates
    if est.backup_size_gb is not None:
        heading(esc(t["estimate"]))
        reported = f"（{t['reported']}）" if report.lang == "ja" else f" ({t['reported']})"
        out.append(esc(est.how or f"{est.backup_size_gb:g} GB{reported}"))

    if report.trace:
        heading(esc(t["explain"]))
        lines = explain_lines(report.trace, report.lang)
        out.extend(markdown_code_block(lines) if markdown else lines)

    out.append("")
    out.append(esc(f"{t['as_of']}: {report.knowledge.as_of}"))
    return "\n".join(out) + "\n"


def render_json(report: Report) -> str:
    """The report as JSON: the same value as the library's, exactly. Characters that a
    terminal would act on are written as ``\\u`` escapes (JSON already does this for
    C0 controls; C1 controls and bidi overrides are added), which parse back to the
    same text."""
    return json_for_terminal(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2)) + "\n"


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return render_json(report)
    return render_text(report, markdown=fmt == "markdown")
