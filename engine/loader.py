"""Read a fact file (path, ``-``, JSON text or dict) into a validated :class:`FactFile`."""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from ..facts.models import FactFile
from .errors import FactSchemaError, InputError, Problem, closest
from .texts import Msg, choices, json_detail, say, unknown_detail

MAX_FACT_FILE_BYTES = 1_048_576
"""A fact file describes one customer; anything larger than 1 MiB is a mistake."""

MAX_DEPTH = 20
"""The fact model nests three levels; deeper input is refused before it is parsed."""

MAX_PROBLEMS = 100
"""Problems an invalid fact file's error keeps (``FactSchemaError.problems``); the rest
are only counted (``omitted``, and the message's total). A 1 MiB file can hold 96,000
unknown keys: listing each cost seconds and made a 19 MB batch record."""

FactsInput = FactFile | Mapping[str, Any] | str | bytes


def load_facts(source: str | Path, *, stdin: Any = None) -> FactFile:
    """Read and validate one fact file; ``"-"`` reads standard input."""
    name = str(source)
    if name == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        raw = stream.read(MAX_FACT_FILE_BYTES + 1)
    else:
        path = Path(source)
        try:
            with path.open("rb") as fh:
                raw = fh.read(MAX_FACT_FILE_BYTES + 1)
        except FileNotFoundError:
            raise InputError(say("file_not_found"), source=name) from None
        except IsADirectoryError:
            raise InputError(say("is_directory"), source=name) from None
        except OSError as exc:
            raise InputError(say("cannot_read", reason=exc.strerror), source=name) from exc
    return parse_facts(raw, source=name)


def parse_facts(data: FactsInput, *, source: str = "<input>") -> FactFile:
    """Validate facts given as a model, a dict, JSON text or JSON bytes."""
    if isinstance(data, FactFile):
        return data
    if isinstance(data, (str, bytes, bytearray)):
        data = _parse_json(data, source)
    if not isinstance(data, Mapping):
        raise FactSchemaError(say("not_object"), source=source)
    data, dropped = _drop_unknown_keys(data)
    try:
        # FactFile.model_validate(data) without its keyword handling, which costs about
        # as much as validating a section: the same validator, called directly.
        facts: FactFile = FactFile.__pydantic_validator__.validate_python(data)
    except ValidationError as exc:
        count = exc.error_count() + dropped
        errors = exc.errors(include_url=False)
        problems = [_problem(err) for err in errors[:MAX_PROBLEMS]]
        raise FactSchemaError(say("problems", count=count, plural="s" if count != 1 else ""), problems,
                              source=source, omitted=count - len(problems)) from None
    if dropped:
        # Unreachable: a dropped key was unknown, which the model refuses.
        raise AssertionError("unknown keys passed validation")
    return facts


def _section_models() -> dict[str, type[BaseModel]]:
    sections: dict[str, type[BaseModel]] = {}
    for name, field in FactFile.model_fields.items():
        for kind in (field.annotation, *get_args(field.annotation)):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                sections[name] = kind
    return sections


def _drop_unknown_keys(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], int]:
    """*data* with at most :data:`MAX_PROBLEMS` unknown keys per object, and how many
    were dropped: pydantic would report, and we would describe, every one.

    A normal fact file pays for one length check per object present (about 1 us).
    """
    dropped = 0
    top = data
    if len(data) > _TOP_LIMIT:
        top, dropped = _keep(data, _TOP_FIELDS)
    for name, fields, limit in _SECTIONS:
        section = top.get(name)
        if section is not None and (isinstance(section, dict) or isinstance(section, Mapping)) and len(section) > limit:
            top = dict(top)
            top[name], more = _keep(section, fields)
            dropped += more
    return top, dropped


def _keep(obj: Mapping[str, Any], fields: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {}
    unknown = 0
    for key, value in obj.items():
        if key in fields:
            out[key] = value
        elif unknown < MAX_PROBLEMS:
            unknown += 1
            out[key] = value
    return out, len(obj) - len(out)


_TOP_FIELDS = FactFile.model_fields
_TOP_LIMIT = len(_TOP_FIELDS) + MAX_PROBLEMS
_SECTIONS = [(name, model.model_fields, len(model.model_fields) + MAX_PROBLEMS)
             for name, model in _section_models().items()]
"""Each section's name, fields, and how many keys it can have before some are dropped."""


def _parse_json(raw: str | bytes | bytearray, source: str) -> Any:
    if len(raw) > MAX_FACT_FILE_BYTES:
        raise InputError(say("too_large", limit=MAX_FACT_FILE_BYTES), source=source)
    if isinstance(raw, str):
        text = raw
    else:
        encoded = bytes(raw)
        # What decode("utf-8-sig") does (one BOM dropped, offsets counted after it): that
        # codec is written in Python and took several times as long as plain UTF-8.
        if encoded.startswith(codecs.BOM_UTF8):
            encoded = encoded[len(codecs.BOM_UTF8):]
        try:
            text = encoded.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(say("not_utf8", offset=exc.start), source=source) from None
    if _nested_too_deep(text):
        raise InputError(say("too_deep", depth=MAX_DEPTH), source=source)
    try:
        if text.startswith("\ufeff"):
            # What json.loads says about a BOM left in text; the shared decoder below
            # would only say "Expecting value".
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(say("bad_json", detail=json_detail(exc.msg), line=exc.lineno, column=exc.colno),
                         source=source) from None
    except _JsonProblem as exc:
        raise InputError(exc.message, source=source) from None
    except ValueError:
        # Python refuses to read an integer of more than sys.get_int_max_str_digits()
        # digits (4,300 by default), as a guard against denial of service.
        raise InputError(say("too_many_digits", limit=sys.get_int_max_str_digits()), source=source) from None


class _JsonProblem(ValueError):
    def __init__(self, message: Msg) -> None:
        super().__init__(message)
        self.message = message


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JsonProblem(say("duplicate_key", key=repr(key)))
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise _JsonProblem(say("bad_constant", name=name))


# Built once: json.loads with hooks builds a new decoder and scanner on every call, a
# fifth of its time. A decoder keeps no state between calls, so one is shared (as
# json.loads shares its plain default decoder).
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)


def _nested_too_deep(text: str) -> bool:
    # Refuses hostile input before json.loads recurses into it.
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        # Brackets cannot nest deeper than their number: a real fact file has about ten,
        # and counting them costs a fraction of the scan below.
        return False
    # Only brackets and strings are visited (a regex finds them in C; a per-character
    # Python loop cost more than the whole rule run). Brackets inside strings, as in a
    # pasted message, do not nest.
    depth = deepest = 0
    for token in _TOKENS.findall(text):
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif token in "]}":
            depth -= 1
    return deepest > MAX_DEPTH


_TOKENS = re.compile(r'[\[\]{}]|"(?:[^"\\]|\\.)*+"?', re.DOTALL)
"""A bracket, or a string (to its end if unclosed, so no text is scanned twice)."""


# What is accepted where pydantic reports each error type (keys of texts.TEXTS).
_ACCEPTED = {
    "bool_type": "bool",
    "int_type": "whole_number",
    "float_type": "number",
    "string_type": "text",
    "string_unicode": "text",
    "list_type": "list",
    "model_type": "object",
    "model_attributes_type": "object",
    "dict_type": "object",
    "date_type": "iso_date",
    "date": "iso_date",
    "version": "dotted_version",
    "version_type": "dotted_version",
}

# pydantic's "<type>_type" errors: the value is of the wrong JSON type.
_WRONG_TYPE = frozenset(kind for kind in _ACCEPTED if kind.endswith("_type"))

_BOUND = {"greater_than_equal": "at_least", "greater_than": "above", "less_than_equal": "at_most",
          "less_than": "below"}


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and not part.startswith(("function-", "json-or-python")):
            out += f".{part}" if out else part
    return out


def _problem(err: Any) -> Problem:
    loc = tuple(err["loc"])
    path = _path(loc)
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "extra_forbidden":
        known = _known_fields(loc[:-1])
        return Problem(path, say("unknown_field"), say("one_of", names=", ".join(sorted(known))) if known else None,
                       closest(str(loc[-1]), known))
    if kind == "literal_error":
        return Problem(path, say("not_accepted", value=_show(value)), choices(str(ctx.get("expected", ""))))
    if kind == "missing":
        return Problem(path, say("required"), Msg("1", "1") if path == "schema_version" else None)
    if kind in _BOUND:
        bound = next(iter(ctx.values()), "?")
        return Problem(path, say("out_of_range", value=_show(value)),
                       say(_BOUND[kind], bound=f"{bound:g}" if isinstance(bound, float) else bound))
    if kind in ("too_long", "string_too_long", "too_short", "string_too_short"):
        longer = "long" in kind
        limit = ctx.get("max_length" if longer else "min_length", "?")
        unit = "characters" if kind.startswith("string") else "items"
        return Problem(path, say("too_long" if longer else "too_short"),
                       say(f"{'at_most' if longer else 'at_least'}_{unit}", n=limit, plural="" if limit == 1 else "s"))
    accepted = say(_ACCEPTED[kind]) if kind in _ACCEPTED else None
    if kind == "version_type" and isinstance(value, float):
        # JSON 16.10 arrives as the float 16.1: say so instead of echoing the wrong number.
        message = say("version_as_number")
    elif kind in _WRONG_TYPE:
        message = say("wrong_type") if isinstance(value, (dict, list)) else say("wrong_type_value", value=_show(value))
    elif kind == "string_unicode" and isinstance(value, str) and _known_fields(loc):
        # pydantic reports a bad field name at the object that holds it.
        message, accepted = say("not_unicode_name"), None
    elif kind == "string_unicode":
        message = say("not_unicode")
    elif kind == "date":
        message = say("not_a_date", value=_show(value))
    elif kind == "version":
        message = say("not_a_version", value=_show(value))
    elif kind == "used_over_plan":
        path = path + ".used_gb" if path else "account.used_gb"
        message = say("used_over_plan", **ctx)
    elif kind == "restored_phone_differs":
        path, accepted = f"target.{ctx['name']}", say("same_or_one")
        # Field names and JSON values only: the same words in both languages.
        pairs = [f"target.{name} ({_show(target)}) / network.{name} ({_show(network)})"
                 for name, target, network in ctx["differ"]]
        message = say("restored_phone_differs", pairs=Msg(", ".join(pairs), "、".join(pairs)))
    elif kind == "after_today":
        path, accepted = "backup.last_success", say("on_or_before", limit=ctx["limit"])
        message = say("after_today" if ctx["given"] else "after_system_today", date=ctx["date"], today=ctx["today"])
    else:
        # A kind this list does not know yet: pydantic's own English words, flagged in Japanese.
        message = say("invalid", detail=unknown_detail(err["msg"]))
    return Problem(path, message, accepted)


_SHOWN_CHARS = 60


def _show(value: Any) -> str:
    """*value* as it was written in the JSON (``"yes"``, ``true``), shortened.

    A long string is cut inside its quotes (``"Back up the…"``), so the reader still
    sees where the customer's text ends and the message begins.
    """
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) <= _SHOWN_CHARS:
        return text
    if isinstance(value, str):
        # Escapes (\u0000) make the JSON longer than the text: cut until it fits.
        for end in range(_SHOWN_CHARS - 3, 0, -1):
            if len(text := json.dumps(value[:end] + "…", ensure_ascii=False)) <= _SHOWN_CHARS:
                return text
    return text[:_SHOWN_CHARS - 3] + "..."


def _known_fields(loc: tuple[Any, ...]) -> list[str]:
    model: type[BaseModel] = FactFile
    for part in loc:
        if not isinstance(part, str):
            continue
        field = model.model_fields.get(part)
        if field is None or not isinstance(field.annotation, type) or not issubclass(field.annotation, BaseModel):
            return []
        model = field.annotation
    return list(model.model_fields)
