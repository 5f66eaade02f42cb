"""Read a fact file (path, ``-``, JSON text or dict) into a validated :class:`FactFile`."""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..facts.models import FactFile
from .errors import FactSchemaError, InputError, Problem
from .suggest import closest

MAX_FACT_FILE_BYTES = 1_048_576
"""A fact file describes one customer; anything larger than 1 MiB is a mistake."""

MAX_DEPTH = 20
"""The fact model nests three levels; deeper input is refused before it is parsed."""

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
            raise InputError("file not found", source=name) from None
        except IsADirectoryError:
            raise InputError("is a directory, not a fact file", source=name) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", source=name) from exc
    return parse_facts(raw, source=name)


def parse_facts(data: FactsInput, *, source: str = "<input>") -> FactFile:
    """Validate facts given as a model, a dict, JSON text or JSON bytes."""
    if isinstance(data, FactFile):
        return data
    if isinstance(data, (str, bytes, bytearray)):
        data = _parse_json(data, source)
    if not isinstance(data, Mapping):
        raise FactSchemaError("a fact file must be a JSON object", source=source)
    try:
        # FactFile.model_validate(data) without its keyword handling, which costs about
        # as much as validating a section: the same validator, called directly.
        facts: FactFile = FactFile.__pydantic_validator__.validate_python(data)
        return facts
    except ValidationError as exc:
        problems = [_problem(err) for err in exc.errors(include_url=False)]
        count = len(problems)
        raise FactSchemaError(
            f"{count} problem{'s' if count != 1 else ''} in the fact file", problems, source=source
        ) from None


def _parse_json(raw: str | bytes | bytearray, source: str) -> Any:
    if len(raw) > MAX_FACT_FILE_BYTES:
        raise InputError(f"larger than {MAX_FACT_FILE_BYTES} bytes (the limit for one fact file)", source=source)
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
            raise InputError(f"not UTF-8 text (bad byte at offset {exc.start})", source=source) from None
    if _nested_too_deep(text):
        raise InputError(f"nested deeper than {MAX_DEPTH} levels", source=source)
    try:
        if text.startswith("\ufeff"):
            # What json.loads says about a BOM left in text; the shared decoder below
            # would only say "Expecting value".
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}", source=source) from None
    except _JsonProblem as exc:
        raise InputError(f"not valid JSON: {exc}", source=source) from None
    except ValueError:
        # Python refuses to read an integer of more than sys.get_int_max_str_digits()
        # digits (4,300 by default), as a guard against denial of service.
        raise InputError(f"not valid JSON: a number has more digits than the {sys.get_int_max_str_digits():,} "
                         "accepted", source=source) from None


class _JsonProblem(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JsonProblem(f"key {key!r} appears twice in one object")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise _JsonProblem(f"{name} is not a number JSON allows")


# Built once: json.loads with hooks builds a new decoder and scanner on every call, a
# fifth of its time. A decoder keeps no state between calls, so one is shared (as
# json.loads shares its plain default decoder).
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)


def _nested_too_deep(text: str) -> bool:
    # Depth by brackets alone, strings ignored: a cheap upper bound, good enough to
    # refuse hostile input before json.loads recurses into it.
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        # Brackets cannot nest deeper than their number: a real fact file has about ten,
        # and counting them costs a fraction of the scan below.
        return False
    # Only the brackets are visited (a regex finds them in C): a per-character Python
    # loop cost more than the whole rule run.
    depth = deepest = 0
    for ch in _BRACKETS.findall(text):
        if ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest > MAX_DEPTH


_BRACKETS = re.compile(r"[\[\]{}]")


# What each pydantic error type means to a person writing a fact file.
_ACCEPTED = {
    "bool_type": "true or false",
    "int_type": "a whole number",
    "float_type": "a number",
    "string_type": "text in double quotes",
    "string_unicode": "text in double quotes",
    "list_type": "a JSON list [...]",
    "model_type": "a JSON object {...}",
    "model_attributes_type": "a JSON object {...}",
    "dict_type": "a JSON object {...}",
    "date_type": "an ISO date such as \"2026-11-25\"",
    "date": "an ISO date such as \"2026-11-25\"",
    "version": "a dotted version such as \"16.7.2\"",
    "version_type": "a dotted version such as \"16.7.2\"",
}


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
    if kind == "extra_forbidden":
        known = _known_fields(loc[:-1])
        return Problem(path, "unknown field", "one of " + ", ".join(sorted(known)) if known else None,
                       closest(str(loc[-1]), known))
    if kind == "literal_error":
        return Problem(path, f"{_show(err['input'])} is not an accepted value", ctx.get("expected"))
    if kind == "missing":
        return Problem(path, "is required", "1" if path == "schema_version" else None)
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return Problem(path, f"{_show(err['input'])} is out of range", _range_text(kind, ctx))
    if kind in ("too_long", "string_too_long"):
        unit = "characters" if kind == "string_too_long" else "items"
        return Problem(path, "is too long", f"at most {ctx.get('max_length', '?')} {unit}")
    message = err["msg"]
    if kind == "version_type" and isinstance(err["input"], float):
        # JSON 16.10 arrives as the float 16.1: say so instead of echoing the wrong number.
        message = "is a number, which loses the version's trailing zeros (16.10 would read as 16.1)"
    elif kind in ("bool_type", "int_type", "float_type", "string_type", "list_type", "model_type",
                  "model_attributes_type", "dict_type", "date_type", "version_type"):
        message = f"{_show(err['input'])} has the wrong type" if not isinstance(err["input"], (dict, list)) \
            else "has the wrong type"
    elif kind == "string_unicode":
        message = "is not valid Unicode text (it holds a lone surrogate such as \\ud800)"
    elif kind in ("date", "version"):
        message = f"{_show(err['input'])} is not a {kind}"
    elif kind == "used_over_plan":
        path = path + ".used_gb" if path else "account.used_gb"
    return Problem(path, message, _ACCEPTED.get(kind))


def _range_text(kind: str, ctx: dict[str, Any]) -> str:
    symbol = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[kind]
    bound = next(iter(ctx.values()), "?")
    return f"a value {symbol} {bound:g}" if isinstance(bound, float) else f"a value {symbol} {bound}"


def _show(value: Any) -> str:
    """*value* as it was written in the JSON (``"yes"``, ``true``), shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
