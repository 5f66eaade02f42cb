"""The language of a request: ``?lang=``, else ``Accept-Language`` (ja/en), else ``en`` (SPEC §5)."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

LANGS = ("en", "ja")


def from_accept_language(header: str | None) -> str | None:
    """``ja`` or ``en``, whichever the header prefers (by q-value, then order); None if neither."""
    if not header:
        return None
    best: tuple[float, int, str] | None = None
    for order, item in enumerate(header.split(",")[:50]):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGS:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q <= 0 or q != q:  # q=0 means "not this one"; NaN is nonsense
            continue
        if best is None or (q, -order) > (best[0], -best[1]):
            best = (q, order, primary)
    return best[2] if best else None


def query_lang(query_string: bytes) -> str | None:
    """The raw ``lang`` query parameter, if given."""
    if b"lang" not in query_string and b"%" not in query_string:  # most requests: nothing to parse
        return None
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if name == "lang":
            return value
    return None


def header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def lenient(scope: MutableMapping[str, Any]) -> str:
    """The language for an error raised before the endpoint runs: an unknown ``?lang``
    falls back to the header instead of becoming an error of its own."""
    asked = query_lang(scope.get("query_string", b""))
    if asked is not None and asked in LANGS:
        return asked
    return from_accept_language(header(scope.get("headers", ()), b"accept-language")) or "en"
