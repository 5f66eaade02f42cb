"""No input can break the engine: any JSON anywhere gives a report or a clean InputError."""

from __future__ import annotations

import functools
import json
import math
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from backup_doctor.engine import Engine, FactFile, InputError, Report, load_facts, parse_facts
from backup_doctor.engine import batch as batch_mod
from backup_doctor.engine.loader import MAX_FACT_FILE_BYTES
from backup_doctor.engine.texts import TEXTS



@functools.cache
def _engine() -> Engine:
    return Engine()


BASE: dict[str, Any] = {
    "schema_version": 1, "today": "2026-11-25", "goal": "migrate",
    "device": {"model": "iPhone 12", "ios": "16.7.2"}, "account": {"plan_gb": 5, "used_gb": 4.0},
    "backup": {"photo_count": 3000}, "network": {"wifi_kind": "tethering"},
}


def _paths() -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = [("nonsense",)]
    for name, field in FactFile.model_fields.items():
        out.append((name,))
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            out.extend((name, sub) for sub in [*field.annotation.model_fields, "nonsense"])
    return out


PATHS = _paths()
# Any text JSON can spell, lone surrogates ("\ud800") included: valid JSON escapes that
# no UTF-8 text can hold.
any_text = st.text(st.characters(exclude_categories=()) | st.sampled_from(["\ud800", "\udfff"]), max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False) | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
HYPO = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    facts = json.loads(json.dumps(BASE))
    target = facts
    for part in path[:-1]:
        if not isinstance(target.get(part), dict):
            target[part] = {}
        target = target[part]
    target[path[-1]] = value
    return facts


def _check(facts: Any, assert_japanese: Callable[[Any], None]) -> None:
    try:
        report = _engine().diagnose(facts, lang="ja")
    except InputError as exc:
        assert exc.code in ("fact_input_error", "fact_schema_error")
        assert str(exc)
        assert_japanese(exc)
        return
    # The engine builds reports without re-validating them: prove they are valid.
    assert Report.model_validate(report.model_dump()) == report
    json.dumps(report.model_dump(mode="json"), allow_nan=False)


@HYPO
@given(path=st.sampled_from(PATHS), value=json_values)
def test_any_json_value_in_any_field(path: tuple[str, ...], value: Any, assert_japanese: Callable[[Any], None]) -> None:
    facts = _with(path, value)
    _check(facts, assert_japanese)
    _check(json.dumps(facts), assert_japanese)
    # As a ticket system would send it; a lone surrogate makes these bytes invalid UTF-8.
    _check(json.dumps(facts, ensure_ascii=False).encode("utf-8", "surrogatepass"), assert_japanese)


@HYPO
@given(path=st.sampled_from(PATHS), value=any_text | json_values)
def test_any_json_value_in_any_field_gives_one_batch_record(path: tuple[str, ...], value: Any) -> None:
    line = json.dumps(_with(path, value)).encode()
    result = batch_mod.diagnose_line(_engine(), 7, line, "en")
    record = json.loads(result.record.decode("utf-8"))
    assert record["line"] == 7
    assert ("report" in record) == (result.status == "diagnosed")
    assert result.status in ("diagnosed", "invalid")


@HYPO
@given(value=json_values)
def test_any_json_document(value: Any, assert_japanese: Callable[[Any], None]) -> None:
    _check(json.dumps(value), assert_japanese)


@settings(max_examples=200, deadline=None, database=None)
@given(raw=st.binary(max_size=200))
def test_any_bytes(raw: bytes, assert_japanese: Callable[[Any], None]) -> None:
    _check(raw, assert_japanese)


@pytest.mark.parametrize(("raw", "message"), [
    (b'{"schema_version": 1, "ticket": "caf\xe9"}', "not UTF-8"),
    (b"[" * 100_000, "nested deeper"),
    (b'{"schema_version": 1, ' + b'"device": {' * 30 + b"}" * 30 + b"}", "nested deeper"),
    (b'{"schema_version": 1, "account": {"plan_gb": NaN}}', "NaN is not a number JSON allows"),
    (b'{"schema_version": 1, "account": {"used_gb": -Infinity}}', "-Infinity is not a number JSON allows"),
    (b'{"schema_version": 1, "goal": "backup", "goal": "restore"}', "'goal' appears twice"),
    (b'{"schema_version": 1, "account": {"plan_gb": 5, "plan_gb": 50}}', "'plan_gb' appears twice"),
    (b'{"schema_version": 1, "backup": {"photo_count": ' + b"9" * 5000 + b"}}", "more digits than"),
])
def test_hostile_input_gets_a_clear_error(raw: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        _engine().diagnose(raw)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    # A pasted message or a ticket note may hold any number of brackets; only JSON's
    # own nesting is limited.
    brackets = "[" * 30 + "{" * 30 + ' \\" still inside'
    report = _engine().diagnose(json.dumps({"schema_version": 1, "ticket": brackets,
                                            "symptoms": {"messages": [brackets]}}))
    assert report.ticket == brackets
    assert report.unrecognised_messages == [brackets]


def test_non_finite_numbers_from_python_are_refused() -> None:
    for bad in (math.nan, math.inf):
        with pytest.raises(InputError, match=r"account\.plan_gb: (NaN|Infinity) is out of range"):
            _engine().diagnose({"schema_version": 1, "account": {"plan_gb": bad}})


def _float_fields() -> list[tuple[str, str]]:
    """(section, field) for every float field of the fact model."""
    found = []
    for section, field in FactFile.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            for name, sub in field.annotation.model_fields.items():
                # Optional[Annotated[float, ...]]: the type is the first argument of each.
                inner = typing.get_args(sub.annotation)[0]
                if inner is float or typing.get_args(inner)[:1] == (float,):
                    found.append((section, name))
    return found


@pytest.mark.parametrize(("section", "name"), _float_fields())
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_every_float_field_refuses_nan_and_infinity(section: str, name: str, bad: float) -> None:
    # The model has no finiteness check of its own: each float field's two bounds refuse these.
    with pytest.raises(InputError, match=rf"{section}\.{name}: (NaN|-?Infinity) is out of range"):
        parse_facts({"schema_version": 1, section: {name: bad}})


def test_a_huge_file_is_refused_at_the_documented_limit(tmp_path: Path) -> None:
    head = b'{"schema_version": 1, "ticket": "'
    fits = head + b"x" * (MAX_FACT_FILE_BYTES - len(head) - 2) + b'"}'
    assert len(fits) == MAX_FACT_FILE_BYTES
    path = tmp_path / "huge.json"
    path.write_bytes(fits)
    with pytest.raises(InputError, match="ticket"):  # read in full: only the ticket's length is wrong
        load_facts(path)
    path.write_bytes(fits + b" ")
    with pytest.raises(InputError, match=f"larger than {MAX_FACT_FILE_BYTES} bytes"):
        load_facts(path)


@pytest.mark.parametrize("version", ["true", "1.0", "18446744073709551616"])
def test_schema_version_must_be_the_number_1(version: str) -> None:
    # A Literal compares with ==, so true and 1.0 slipped through as 1; past 64 bits,
    # pydantic spoke of parsing a string, in English whatever the clerk's language.
    with pytest.raises(InputError, match=rf"schema_version: {version} is not an accepted value"):
        parse_facts('{"schema_version": ' + version + "}")


# Values at the edges of what JSON can say, tried in every field: each found a crash or
# an untranslated pydantic message that random examples had missed.
HOSTILE: list[Any] = [
    None, True, 0, -1, 2**63, -(2**63) - 1, 10**40, 1.5, -0.0, 1e308, 5e-324, "", " ", "1", "x" * 1000,
    "2026-02-30", "9999-12-31", "+2026-01-01", "1.2.3.4", "1" * 50, "١٦.٠", "\ud800", "\x00", "NaN",
    [], ["x"], [None], {}, {"a": 1},
]
_FALLBACK = TEXTS["invalid"][1].split("{")[0]


@pytest.mark.parametrize("path", [p for p in PATHS if p[-1] != "nonsense"], ids=".".join)
def test_hostile_values_in_every_field_give_a_report_or_a_bilingual_error(
        path: tuple[str, ...], assert_japanese: Callable[[Any], None]) -> None:
    for value in HOSTILE:
        facts = _with(path, value)
        for form in (facts, json.dumps(facts)):
            try:
                parse_facts(form)
            except InputError as exc:
                assert_japanese(exc)
                # pydantic's own English words, for a kind of error the loader does not know.
                assert not any(p.message.ja.startswith(_FALLBACK) for p in exc.problems), exc.render("en")
