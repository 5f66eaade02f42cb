"""The short form of a :class:`Report`, for the counter: what a clerk reads out first.

The causes (finding titles), the first fix with its steps, the other fixes by title,
the caveats the report kept for this customer (each by its first sentence), and the
top three questions. Everything else stays in the full report (``render.py``), which
this never changes. One :class:`Brief` is drawn from the report, then written as
plain text or Markdown here and as HTML by the service's note (``service/note.py``):
the texts in a :class:`Brief` are raw, each writer escapes them for where they land.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.report.model import Recommendation, Report
from ..engine.safe_text import for_markdown, for_terminal, markdown_code_block
from .render import add_heading, explain_lines, title
from .texts import labels

QUESTIONS_IN_BRIEF = 3
"""A clerk asks one question at a time; three are enough to know where to go next."""

_ABBREVIATIONS = ("e.g", "i.e", "etc", "vs", "approx")
"""English words whose period does not end a sentence."""
_PARENS = {"(": ")", "（": "）"}
_QUOTES = {"「": "」", "『": "』", "“": "”", '"': '"'}
_ASIDE_CLOSERS = frozenset(_PARENS.values())


def first_sentence(text: str, lang: str) -> str:
    """A caveat's short form: its first sentence, without what it says in parentheses.

    In Japanese the sentence ends at the first 「。」 or 「：」; in English at the first
    ``.``, ``:`` or ``;`` followed by a space or the end, not after "e.g." and the like.
    Quoted text (an on-screen message, a model name from the ticket) is kept as it is
    and never ends the sentence. A colon or semicolon becomes a period. Text without
    such a mark is kept whole. Rule authors write a caveat's first sentence to stand
    alone (docs/rule-authoring.md, "When a caveat shows").
    """
    out: list[str] = []
    closers: list[str] = []  # the closing marks of the quotes and parentheses open here
    for i, ch in enumerate(text):
        was_aside = any(c in _ASIDE_CLOSERS for c in closers)
        if closers and ch == closers[-1]:
            closers.pop()
        elif closers and closers[-1] not in _ASIDE_CLOSERS:
            pass  # inside quotes nothing opens: a model name may hold anything
        elif ch in _QUOTES or ch in _PARENS:
            closers.append(_QUOTES.get(ch) or _PARENS[ch])
            if ch in _PARENS and not was_aside and out[-1:] == [" "]:
                out.pop()  # the space before " (…)"
        elif not closers and _ends_sentence(text, i, lang):
            end = "".join(out).rstrip()
            return end + ("。" if lang == "ja" else ".") if end else text
        if not was_aside and not any(c in _ASIDE_CLOSERS for c in closers):
            out.append(ch)
    return "".join(out).rstrip() or text


def _ends_sentence(text: str, i: int, lang: str) -> bool:
    if lang == "ja":
        return text[i] in "。："
    return (text[i] in ".:;" and text[i + 1:i + 2] in ("", " ")
            and not text[:i].lower().endswith(_ABBREVIATIONS))


@dataclass(frozen=True)
class Brief:
    """What the short form shows, as raw text (not escaped)."""

    title: str
    causes: list[str]
    first_fix: Recommendation | None
    other_fixes: list[Recommendation]
    caveats: list[str]
    questions: list[str]
    more_questions: int
    """Questions in the full report beyond the ones shown."""
    notes: list[str]
    """One line each for what the full report lists and the brief leaves out
    (unrecognised messages and services), pointing to the full report."""


def brief_of(report: Report) -> Brief:
    """The short form of *report*."""
    t = labels("brief", report.lang)
    notes = [t[key].format(n=len(items)) for key, items in (("unrecognised", report.unrecognised_messages),
                                                           ("uses", report.unrecognised_uses)) if items]
    fixes = report.recommendations
    return Brief(
        title=title(report, t["title"]),
        causes=[f.title for f in report.findings],
        first_fix=fixes[0] if fixes else None,
        other_fixes=list(fixes[1:]),
        caveats=[first_sentence(c.text, report.lang) for c in report.caveats],
        questions=[q.ask for q in report.questions[:QUESTIONS_IN_BRIEF]],
        more_questions=max(0, len(report.questions) - QUESTIONS_IN_BRIEF),
        notes=notes,
    )


def render_brief(report: Report, *, markdown: bool = False) -> str:
    """The short form as plain text (to read aloud) or Markdown (to paste into a ticket).

    Every text goes through :func:`for_terminal` or :func:`for_markdown`, as in the full
    report: ticket text cannot act on a terminal or add Markdown structure."""
    brief = brief_of(report)
    t, r = labels("brief", report.lang), labels("render", report.lang)
    esc = for_markdown if markdown else for_terminal
    bullet = "- " if markdown else t["bullet"]
    out: list[str] = []

    def heading(label: str) -> None:
        # Text has no underlines here: the brief is short enough to see its shape.
        if markdown:
            add_heading(out, esc(label), markdown=True)
        else:
            out.extend(["", esc(t["heading"].format(label=label))])

    if markdown:
        add_heading(out, esc(brief.title), markdown=True, level=1)
    else:
        out.append(esc(brief.title))

    heading(t["causes"])
    out.extend(f"{bullet}{esc(cause)}" for cause in brief.causes)
    if not brief.causes:
        out.append(esc(r["none_found"]))

    if brief.first_fix is not None:
        heading(t["fixes"])
        first = brief.first_fix
        out.append(f"{first.rank}. **{esc(first.title)}**" if markdown else f"{first.rank}. {esc(first.title)}")
        out.extend(f"    {i}. {esc(step)}" for i, step in enumerate(first.steps, 1))
        out.extend(f"{fix.rank}. {esc(fix.title)}" for fix in brief.other_fixes)

    if brief.caveats:
        heading(t["caveats"])
        out.extend(f"{bullet}{esc(text)}" for text in brief.caveats)

    if brief.questions:
        heading(t["questions"])
        out.extend(f"{bullet}{esc(ask)}" for ask in brief.questions)
        if brief.more_questions:
            # In Markdown, a line right after a list item would join that item.
            out.extend([""] * markdown + [esc(t["more_questions"].format(n=brief.more_questions))])

    if report.trace:  # --explain asked for the chain: it comes whole, as in the full report
        heading(r["explain"])
        lines = explain_lines(report.trace, report.lang)
        out.extend(markdown_code_block(lines) if markdown else lines)

    # What the brief leaves out, said once: in Markdown each its own paragraph.
    for i, note in enumerate(brief.notes):
        if markdown or not i:
            out.append("")
        out.append(esc(note))
    return "\n".join(out) + "\n"
