"""The note for a ticket: the report as Markdown, plain text and HTML.

Markdown and text come from the CLI's renderer (``render.py``). The HTML is built
here for ticket systems that take an HTML comment (Zendesk's ``html_body``): every
string that comes from the ticket or the report goes through :func:`html.escape`.
"""

from __future__ import annotations

from html import escape

from ...engine.report.model import Report
from ..render import MAX_QUESTIONS_SHOWN, render_text
from ..texts import labels


def render_html(report: Report) -> str:
    t = labels("render", report.lang)
    out: list[str] = []
    title = t["title"] + (f" ({t['ticket']} {report.ticket})" if report.ticket else "")
    out.append(f"<h2>{escape(title)}</h2>")
    out.append(f"<h3>{escape(t['findings'])}</h3>")
    if not report.findings:
        out.append(f"<p>{escape(t['none_found'])}</p>")
    else:
        out.append("<ul>" + "".join(f"<li><strong>{escape(f.title)}</strong> <code>{escape(f.id)}</code>"
                                    f"<br>{escape(f.detail)}</li>" for f in report.findings) + "</ul>")
    if report.recommendations:
        out.append(f"<h3>{escape(t['fixes'])}</h3><ol>")
        for r in report.recommendations:
            steps = "".join(f"<li>{escape(step)}</li>" for step in r.steps)
            out.append(f"<li><strong>{escape(r.title)}</strong> <code>{escape(r.id)}</code><ol>{steps}</ol></li>")
        out.append("</ol>")
    _bullets(out, t["caveats"], [c.text for c in report.caveats])
    _bullets(out, t["questions"], [f"{q.ask} ({t['why']}: {q.why})" for q in report.questions[:MAX_QUESTIONS_SHOWN]])
    _bullets(out, t["unrecognised"], list(report.unrecognised_messages))
    _bullets(out, t["uses"], list(report.unrecognised_uses))
    est = report.estimates
    if est.backup_size_gb is not None:
        out.append(f"<h3>{escape(t['estimate'])}</h3>")
        reported = f"{est.backup_size_gb:g} GB ({t['reported']})"
        out.append(f"<p>{escape(est.how or reported)}</p>")
    out.append(f"<p><small>{escape(t['as_of'])}: {escape(report.knowledge.as_of)}</small></p>")
    return "\n".join(out) + "\n"


def _bullets(out: list[str], heading: str, items: list[str]) -> None:
    if items:
        out.append(f"<h3>{escape(heading)}</h3><ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")


def render_note(report: Report) -> dict[str, str]:
    """``{"markdown", "html", "text"}`` of the full report (the short form: see docs/service.md)."""
    return {"markdown": render_text(report, markdown=True), "html": render_html(report),
            "text": render_text(report)}
