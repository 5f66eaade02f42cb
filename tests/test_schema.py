"""``facts/schema.json`` is the schema the fact model generates, and the CLI prints it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backup_doctor.cli.app import cli
from backup_doctor.engine import InputError, parse_facts
from backup_doctor.facts.schema import fact_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "facts" / "schema.json"
REGEN = "backup-doctor schema > facts/schema.json"


def test_checked_in_schema_is_current() -> None:
    checked_in = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert checked_in == fact_schema(), f"facts/schema.json is stale: run `{REGEN}`"


def test_schema_command_prints_the_file_byte_for_byte(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == SCHEMA_FILE.read_text(encoding="utf-8")


def test_schema_describes_what_validation_enforces() -> None:
    schema = fact_schema()
    defs = schema["$defs"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["schema_version"]["const"] == 1
    network = defs["Network"]["properties"]
    assert network["signal_bars"]["anyOf"][0]["maximum"] == 3
    assert set(network["wifi_kind"]["anyOf"][0]["enum"]) == {"home", "office", "public", "tethering", "mobile_router"}
    # A version: a dotted text, or a bare major version as a whole number (never a float).
    assert [v["type"] for v in defs["Device"]["properties"]["ios"]["anyOf"][0]["anyOf"]] == ["string", "integer"]


def test_every_example_uses_only_schema_fields(examples_dir: Path) -> None:
    schema = fact_schema()
    top = set(schema["properties"])
    for path in sorted(examples_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert set(data) <= top, path.name


# Documents on which the schema and the model must agree: what a schema-driven client
# (a ticket system's form, an OpenAPI fuzzer) sends is accepted or refused the same way.
_AGREE = [
    ({"schema_version": 1, "apple_status": None, "device": None}, True),  # a null section is unknown
    ({"schema_version": 1, "backup": {"photo_count": 9920.0}, "network": {"signal_bars": 3.0}}, True),
    ({"schema_version": 1, "backup": {"photo_count": 9920.5}}, False),
    ({"schema_version": 1, "network": {"signal_bars": True}}, False),
    ({"schema_version": 1, "uses": ["  "]}, False),  # blank once stripped
    ({"schema_version": 1, "symptoms": {"messages": [" \t"]}}, False),
    ({"schema_version": 1, "uses": [" line "]}, True),
    ({"schema_version": 1, "device": {"ios": 17}, "backup": {"last_backup_ios": "18.6"}}, True),
    ({"schema_version": 1, "device": {"ios": 16.1}}, False),  # a float loses 16.10's zero
    ({"schema_version": 1, "device": {"ios": 17.0}}, True),  # a whole number, as JSON may write it
    ({"schema_version": 1, "device": {"ios": 1000}}, False),
]


@pytest.mark.parametrize(("document", "valid"), _AGREE)
def test_the_schema_and_the_model_agree(document: dict[str, Any], valid: bool) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    by_schema = jsonschema.Draft202012Validator(fact_schema()).is_valid(document)
    try:
        parse_facts(document)
        by_model = True
    except InputError:
        by_model = False
    assert (by_schema, by_model) == (valid, valid)
