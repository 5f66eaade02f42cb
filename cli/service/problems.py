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

PROBLEM_JSON = "application/problem+json"

# code -> (status, English title, Japanese title)
CODES: dict[str, tuple[int, str, str]] = {
    "bad_json": (400, "The body is not valid JSON", "本文が正しい JSON ではありません"),
    "bad_parameter": (400, "A query parameter is not valid", "クエリパラメータが正しくありません"),
    "unknown_lang": (400, "Unknown language", "対応していない言語です"),
    "unauthorized": (401, "An API key is required", "API キーが必要です"),
    "unknown_id": (404, "Unknown id", "id が見つかりません"),
    "not_found": (404, "No such endpoint", "そのエンドポイントはありません"),
    "method_not_allowed": (405, "Method not allowed", "このメソッドは使えません"),
    "too_large": (413, "The body is too large", "本文が大きすぎます"),
    "invalid_facts": (422, "The fact file is not valid", "ファクトファイルが正しくありません"),
    "invalid_batch": (422, "The batch request is not valid", "バッチのリクエストが正しくありません"),
    "too_many_items": (422, "Too many items in the batch", "バッチの件数が多すぎます"),
    "engine_error": (500, "The diagnosis failed inside the engine", "エンジン内部で診断に失敗しました"),
    "not_ready": (503, "The service is starting", "サービスを起動中です"),
}

# Details the service writes itself: (English, Japanese), formatted with the error's params.
DETAILS: dict[str, tuple[str, str]] = {
    "bad_parameter": ("{count} query parameter(s) are not valid", "クエリパラメータに問題が {count} 件あります"),
    "unknown_lang": ("lang must be en or ja, not {value}", "lang には en か ja を指定してください ({value} は使えません)"),
    "unauthorized": ("send the header Authorization: Bearer <key> with a key the service was given",
                     "Authorization: Bearer <キー> ヘッダーで、サービスに登録された API キーを送ってください"),
    "not_found": ("no endpoint at {path} (GET /openapi.json lists them)",
                  "{path} にエンドポイントはありません (一覧は GET /openapi.json)"),
    "method_not_allowed": ("{method} is not accepted at {path}", "{path} では {method} は使えません"),
    "too_large": ("the body is larger than {limit:,} bytes (the limit for one request)",
                  "本文が {limit:,} バイトを超えています (1 リクエストの上限)"),
    "invalid_batch": ("{count} problem(s) in the batch request", "バッチのリクエストに問題が {count} 件あります"),
    "too_many_items": ("{count:,} items in the batch; at most {limit} are accepted in one request",
                       "バッチが {count:,} 件あります。1 リクエストで {limit} 件までです"),
    "engine_error": ("the rules failed to run (a bug in backup-doctor; the decision id identifies it in the logs)",
                     "ルールの実行に失敗しました (backup-doctor の不具合です。ログは決定 ID で探せます)"),
    "not_ready": ("the rules are still being loaded; try again in a second",
                  "ルールを読み込み中です。少し待ってからもう一度送ってください"),
    "bad_json_other": ("not valid JSON: not UTF-8 text, nested too deep, or a number too long",
                       "JSON として読めません: UTF-8 でない、入れ子が深すぎる、または数値が長すぎます"),
    # Problem messages (location-level) the service writes itself.
    "bad_value": ("{value} is not accepted: {detail}", "{value} は受け付けない値です ({detail})"),
    "true_false": ("true or false", "true か false"),
    "required": ("is required", "必須です"),
    "must_be_object": ("must be a JSON object {{...}}", "JSON のオブジェクト {{...}} にしてください"),
    "must_be_list": ("must be a JSON list [...]", "JSON の配列 [...] にしてください"),
    "must_be_id": ("must be text of 1 to 200 characters", "1〜200 文字の文字列にしてください"),
    "unknown_key": ("unknown field (accepted: {accepted})", "この項目はありません (受け付ける項目: {accepted})"),
}


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
