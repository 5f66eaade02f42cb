"""``facts/schema.json`` is the schema the fact model generates, and the CLI prints it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from backup_doctor.cli.main import cli
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
    assert defs["Device"]["properties"]["ios"]["anyOf"][0]["type"] == "string"


def test_every_example_uses_only_schema_fields(examples_dir: Path) -> None:
    schema = fact_schema()
    top = set(schema["properties"])
    for path in sorted(examples_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert set(data) <= top, path.name
