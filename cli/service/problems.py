"""Errors as ``application/problem+json`` (RFC 9457), in the request's language.

Every error the service sends is built here, from a stable ``code`` (SPEC §5): the
status, the title and the ``type`` follow from the code, so a client branches on
``code`` and a person reads ``detail`` and ``problems``. Input problems reuse the
engine's :class:`Problem` records and their Japanese.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ...engine.errors import DoctorError, EngineError, FactSchemaError, Problem
from ...engine.texts import in_lang
from ..texts import table

PROBLEM_JSON = "application/problem+json"

_STATUS = {
    "bad_json": 400,
    "bad_parameter": 400,
    "unknown_lang": 400,
    "unauthorized": 401,
    "unknown_id": 404,
    "not_found": 404,
    "method_not_allowed": 405,
    "too_large": 413,
    "invalid_facts": 422,
    "invalid_batch": 422,
    "too_many_items": 422,
    "engine_error": 500,
    "not_ready": 503,
}

# code -> (status, English title, Japanese title); the titles live in cli/texts.py.
CODES: dict[str, tuple[int, str, str]] = {code: (status, *table("problem")[code]) for code, status in _STATUS.items()}

# Details the service writes itself: (English, Japanese), formatted with the error's params.
DETAILS: dict[str, tuple[str, str]] = table("service")


def text(key: str, lang: str, **params: Any) -> str:
    en, ja = DETAILS[key]
    return (ja if lang == "ja" else en).format(**params)


class ProblemError(Exception):
    """An error to send as problem JSON; raised by handlers and middleware alike."""

    def __init__(self, code: str, detail: str, problems: Sequence[dict[str, Any]] = (),
                 headers: dict[str, str] | None = None, omitted: int = 0) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.problems = list(problems)
        self.headers = headers or {}
        self.omitted = omitted
        """Problems found beyond those listed (the engine keeps the first 100 of a fact file)."""

    @property
    def status(self) -> int:
        return CODES[self.code][0]

    @classmethod
    def of(cls, code: str, lang: str, **params: Any) -> ProblemError:
        """An error whose detail is the service's own text for *code*."""
        return cls(code, text(code, lang, **params))


def code_of(exc: DoctorError) -> str:
    """The SPEC §5 code of a library error."""
    if exc.code == "unknown_id":
        return "unknown_id"
    if isinstance(exc, FactSchemaError):
        return "invalid_facts"
    if isinstance(exc, EngineError) or not exc.code.startswith("fact_"):
        return "engine_error"
    # Bad JSON, not UTF-8, nested too deep: the body could not be read as JSON at all.
    return "bad_json"


def problem_dicts(problems: Sequence[Problem], lang: str) -> list[dict[str, Any]]:
    return [p.to_dict(lang) for p in problems]


def from_library(exc: DoctorError, lang: str) -> ProblemError:
    """A library error as problem JSON: its message and *every* problem, in *lang*."""
    code = code_of(exc)
    if code == "engine_error":
        # An engine failure's text is for developers and may quote internals.
        return ProblemError.of(code, lang)
    return ProblemError(code, in_lang(exc.message, lang), problem_dicts(exc.problems, lang), omitted=exc.omitted)


def body(error: ProblemError, lang: str) -> dict[str, Any]:
    status, en, ja = CODES[error.code]
    data = {"type": f"urn:backup-doctor:problem:{error.code}", "title": ja if lang == "ja" else en,
            "status": status, "detail": error.detail, "code": error.code, "problems": error.problems}
    if error.omitted:
        data["omitted"] = error.omitted
    return data


def encode(error: ProblemError, lang: str) -> bytes:
    data = body(error, lang)
    try:
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate echoed from the input ("\ud800") has no UTF-8 form.
        return json.dumps(data).encode("ascii")
