"""The consultation page's form: the state that travels with it, and answers turned into facts.

The server keeps nothing between requests: every form carries the facts so far and the
declined fields as JSON in a hidden field. That JSON is the customer's own data, so it
is not signed, but it is never trusted either: :func:`read_state` checks its shape and
the engine checks the facts again on every request (its errors are shown in the page).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ...engine.report.answers import FIELD_SHAPES
from ...engine.report.model import Answer
from ..texts import labels

MAX_DECLINED = 100
VERSION_PATTERN = r"\d{1,3}(\.\d{1,3}){0,2}"


class FormError(Exception):
    """Something wrong with what the form sent; ``key`` names its text in ``page.*``."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params

    def render(self, lang: str) -> str:
        return labels("page", lang)[self.key].format(**self.params)


def read_state(raw: str | None) -> tuple[dict[str, Any], list[str], bool]:
    """``(facts, declined, more)`` from the hidden ``state`` field (empty when absent).

    ``more``: the clerk chose to go on asking past a settled report.
    """
    if not raw:
        return {}, [], False
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise FormError("bad_state") from None
    if not isinstance(data, dict) or not isinstance(data.get("facts", {}), dict):
        raise FormError("bad_state")
    declined = data.get("declined", [])
    if (not isinstance(declined, list) or len(declined) > MAX_DECLINED
            or not all(isinstance(d, str) and 0 < len(d) <= 100 for d in declined)):
        raise FormError("bad_state")
    return dict(data.get("facts", {})), list(dict.fromkeys(declined)), data.get("more") is True


def write_state(facts: Mapping[str, Any], declined: list[str], more: bool = False) -> str:
    return json.dumps({"facts": facts, "declined": declined, "more": more}, ensure_ascii=False,
                      separators=(",", ":"))


def get_path(facts: Mapping[str, Any], path: str) -> Any:
    node: Any = facts
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def set_path(facts: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of *facts* with *path* set to *value* (``None`` removes it: unknown again)."""
    out = json.loads(json.dumps(facts))
    *parents, leaf = path.split(".")
    node = out
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            if value is None:
                return out  # type: ignore[no-any-return]
            child = node[part] = {}
        node = child
    if value is None:
        node.pop(leaf, None)
        return _prune(out)
    node[leaf] = value
    return out  # type: ignore[no-any-return]


def _prune(node: dict[str, Any]) -> dict[str, Any]:
    # A group left empty ("network": {}) is dropped, so the fact file stays as a person writes it.
    return {k: _prune(v) if isinstance(v, dict) else v for k, v in node.items() if v != {}
            and not (isinstance(v, dict) and not _prune(v))}


def answered(facts: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Every known fact as ``(path, value)``, in the fact file's order."""
    out: list[tuple[str, Any]] = []
    for key, value in facts.items():
        path = prefix + key
        if path in ("schema_version", "today"):
            continue
        if isinstance(value, Mapping):
            out.extend(answered(value, path + "."))
        elif value is not None:
            out.append((path, value))
    return out


def known_field(field: str) -> bool:
    """Whether *field* is a leaf of the fact file (a form can name only those)."""
    return field in FIELD_SHAPES and field != "today"


def answer_dict(answer: Answer | None, field: str) -> dict[str, Any]:
    """A question's ``answer`` (SPEC §4) as the template reads it, every key present."""
    data: dict[str, Any] = answer.model_dump() if answer is not None else {"kind": "text"}
    if field == "symptoms.messages":  # free text, one message a line (not a set of choices)
        data["kind"] = "lines"
    return {"choices": [], "unit": None, "min": None, "max": None,
            **{k: v for k, v in data.items() if v is not None}}


def parse_answer(answer: Mapping[str, Any], values: list[str]) -> Any:
    """The fact value of what the clerk entered; :class:`FormError` when it is empty or odd."""
    kind = answer.get("kind")
    values = [v.strip() for v in values if v.strip()]
    if kind == "choices":
        allowed = {str(c["value"]) for c in answer.get("choices") or []}
        if not set(values) <= allowed:
            raise FormError("not_a_choice")
        return values
    if kind == "lines":
        return [line.strip() for v in values for line in v.splitlines() if line.strip()]
    if not values:
        raise FormError("empty")
    value = values[0]
    if kind == "yes_no":
        if value not in ("yes", "no"):
            raise FormError("not_a_choice")
        return value == "yes"
    if kind == "choice":
        for choice in answer.get("choices") or []:
            if str(choice["value"]) == value:
                return choice["value"]
        raise FormError("not_a_choice")
    if kind in ("number", "gb"):
        try:
            number = float(value.replace(",", ""))
        except ValueError:
            raise FormError("not_a_number", value=value) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise FormError("not_a_number", value=value)
        return int(number) if number.is_integer() and kind == "number" else number
    if kind == "version" and not re.fullmatch(VERSION_PATTERN, value):
        raise FormError("not_a_version", value=value)
    return value
