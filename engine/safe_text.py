"""Make untrusted text (a ticket, a pasted message, a model name) inert where it lands.

A fact file comes from a customer or a ticket system: its strings can hold escape
sequences that clear a clerk's terminal or set its title, or Markdown that adds a
heading, an HTML tag or a live link to the note pasted into a ticket. Two targets:

- :func:`for_terminal`: every control character (C0, DEL, C1), the bidirectional
  overrides and isolates, and the line and paragraph separators become a visible
  escape (``\\x1b``, ``\\u202e``); a line break in the text becomes ``\\n``, so the
  text stays on the line where the renderer put it and cannot fake a new section.
  Everything else (Japanese, accents, emoji with their joiners) is left as it is,
  backslashes too: ``\\x1b`` on screen may also be those four characters typed in the
  ticket. Applying it twice changes nothing.
- :func:`for_markdown`: the same, then the characters that make structure in CommonMark
  or GitHub Markdown are backslash-escaped, so the text renders as written and adds
  none. :func:`markdown_code_block` fences lines with a fence longer than any run of
  backticks in them, so the content cannot close it.

Used by the CLI renderers and by :meth:`DoctorError.render`; a service can reuse
:func:`for_markdown` (nothing here but the standard library: no click). See
docs/guarantees.md, "Untrusted text".
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

_BIDI_AND_SEPARATORS = (
    "\u061c"  # ARABIC LETTER MARK
    "\u200e\u200f"  # LEFT-TO-RIGHT / RIGHT-TO-LEFT MARK
    "\u2028\u2029"  # LINE / PARAGRAPH SEPARATOR: a line break to some viewers
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


_TERMINAL = {
    code: _escape(chr(code))
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0), *map(ord, _BIDI_AND_SEPARATORS)]
}
"""What :func:`for_terminal` replaces: C0 and C1 controls, DEL, bidi controls, separators."""

# Every ASCII punctuation character may be backslash-escaped in CommonMark, and then
# stands for itself. These are the ones that can start or end structure anywhere in a
# line: emphasis (* _), code (`), links and images ([ ] ( ) !), HTML, autolinks and
# block quotes (< >), entities (&), tables (|), strikethrough and fences (~), headings
# (#) and the escape itself (\).
_MARKDOWN_INLINE = "\\`*_[]()<>!&|~#"

# At the start of a line these also make a list item, a thematic break or a setext
# underline; inside a line they are plain text and stay readable unescaped.
_MARKDOWN_LINE_START = "-+="

# GitHub's Markdown makes "www.x" and "scheme://x" clickable without any syntax: an
# escaped "." or "/" keeps cmark-gfm from seeing them (other renderers that linkify
# the finished text may still do it; the text of the URL is unchanged either way).
_BARE_URL = re.compile(r"(?i)www\.|:/")

_MARKDOWN = {**_TERMINAL, **{ord(ch): "\\" + ch for ch in _MARKDOWN_INLINE}}


def for_terminal(text: str) -> str:
    """*text* with every character that could act on a terminal made visible."""
    return text.translate(_TERMINAL)


_JSON = {code: f"\\u{code:04x}" for code in [*range(0x7F, 0xA0), *map(ord, _BIDI_AND_SEPARATORS)]}


def json_for_terminal(document: str) -> str:
    """A JSON *document* (as :func:`json.dumps` writes it with ``ensure_ascii=False``)
    with DEL, the C1 controls, bidi controls and separators written as ``\\u`` escapes.

    JSON escapes the C0 controls itself; these others it writes raw, and a terminal
    may act on them. Outside strings JSON has none of them, so the result parses to
    exactly the same value.
    """
    return document.translate(_JSON)


def for_markdown(text: str) -> str:
    """*text* as inert Markdown: it renders as the text itself, on the line it is put on."""
    out = _BARE_URL.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], text.translate(_MARKDOWN))
    body = out.lstrip(" ")
    lead = len(out) - len(body)
    if body[:1] in _MARKDOWN_LINE_START and body:
        out = out[:lead] + "\\" + body
    else:
        # "1." or "1)" would start an ordered list where the text begins a line.
        digits = len(body) - len(body.lstrip("0123456789"))
        if digits and body[digits:digits + 1] in (".", ")"):
            out = out[:lead + digits] + "\\" + out[lead + digits:]
    # Leading spaces would indent (four make a code block): the first is written as a
    # character reference, which renders as a space but indents nothing.
    return "&#32;" + out[1:] if lead else out


def markdown_code_block(lines: list[str], info: str = "") -> list[str]:
    """*lines* as a fenced code block that nothing inside can close.

    CommonMark closes a backtick fence only with a fence at least as long, so the
    fence is one longer than the longest run of backticks in the content (at least
    three). A tilde fence inside cannot close a backtick fence. The content is shown
    as it is, controls made visible (:func:`for_terminal`).
    """
    body = [for_terminal(line) for line in lines]
    longest = max((len(run) for line in body for run in _BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, *body, fence]


_BACKTICKS = re.compile("`+")
