"""The note for a ticket: the short form of the report (``--brief``) as Markdown, plain text and HTML.

Markdown and text come from the CLI's brief (``brief.py``). The HTML is built here,
from the same :class:`Brief`, for ticket systems that take an HTML comment (Zendesk's
``html_body``): every string that comes from the ticket or the report has its control
characters made visible (:func:`for_terminal`, as on a terminal), then goes through
:func:`html.escape`.
"""

from __future__ import annotations

from html import escape

from ...engine.report.model import Report
from ...engine.safe_text import for_terminal
from ..brief import brief_of, render_brief
from ..texts import labels


def _html(text: str) -> str:
    return escape(for_terminal(text))


def render_html(report: Report) -> str:
    """The brief as HTML: headings, lists, and nothing else (no link, no style)."""
    brief = brief_of(report)
    t, r = labels("brief", report.lang), labels("render", report.lang)
    out = [f"<h2>{_html(brief.title)}</h2>", f"<h3>{_html(t['causes'])}</h3>"]
    if brief.causes:
        out.append(_list("ul", brief.causes))
    else:
        out.append(f"<p>{_html(r['none_found'])}</p>")
    if brief.first_fix is not None:
        first = brief.first_fix
        out.append(f"<h3>{_html(t['fixes'])}</h3>")
        out.append(f"<ol><li><strong>{_html(first.title)}</strong>{_list('ol', first.steps)}</li>"
                   + "".join(f"<li>{_html(fix.title)}</li>" for fix in brief.other_fixes) + "</ol>")
    if brief.caveats:
        out.append(f"<h3>{_html(t['caveats'])}</h3>{_list('ul', brief.caveats)}")
    if brief.questions:
        more = t["more_questions"].format(n=brief.more_questions)
        out.append(f"<h3>{_html(t['questions'])}</h3>{_list('ul', brief.questions)}"
                   + (f"<p>{_html(more)}</p>" if brief.more_questions else ""))
    out.extend(f"<p>{_html(note)}</p>" for note in brief.notes)
    return "\n".join(out) + "\n"


def _list(tag: str, items: list[str]) -> str:
    return f"<{tag}>" + "".join(f"<li>{_html(item)}</li>" for item in items) + f"</{tag}>"


def render_note(report: Report) -> dict[str, str]:
    """``{"markdown", "html", "text"}``: the short form, ready to paste into a ticket (SPEC §5)."""
    return {"markdown": render_brief(report, markdown=True), "html": render_html(report),
            "text": render_brief(report)}
