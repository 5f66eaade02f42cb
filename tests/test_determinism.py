"""The same facts give the same report, byte for byte: in one process, in a fresh one,
whatever the key order of the fact file or the hash seed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from backup_doctor.cli.render import render_json
from backup_doctor.engine import Engine, diagnose, load_facts


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed_keys(value[k]) for k in reversed(list(value))}
    return value


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_same_facts_same_bytes(example_file: Path, lang: str) -> None:
    facts = load_facts(example_file)
    first = render_json(diagnose(facts, lang=lang, explain=True))
    again = render_json(diagnose(facts, lang=lang, explain=True))
    other_engine = render_json(Engine().diagnose(facts, lang=lang, explain=True))
    assert first == again == other_engine


def test_key_order_of_the_fact_file_does_not_matter(example_file: Path) -> None:
    data = json.loads(example_file.read_text(encoding="utf-8"))
    as_written = render_json(diagnose(data, explain=True))
    shuffled = render_json(diagnose(_reversed_keys(data), explain=True))
    assert as_written == shuffled


@pytest.mark.parametrize("seed", ["0", "1", "4242"])
def test_fresh_process_gives_the_same_bytes(seed: str, examples_dir: Path,
                                            run_python: Callable[..., Any]) -> None:
    # Set iteration order changes with the hash seed: a report that leaned on it would differ here.
    path = examples_dir / "tethering-free-tier-migrate.json"
    proc = run_python("-m", "backup_doctor.cli", "diagnose", "--format", "json", "--lang", "ja", "--explain",
                      str(path), env={"PYTHONHASHSEED": seed})
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode("utf-8") == render_json(diagnose(load_facts(path), lang="ja", explain=True))


def _containers(value: Any) -> list[Any]:
    """Every list and dict inside a report, models walked into."""
    if isinstance(value, BaseModel):
        return [c for name in type(value).model_fields for c in _containers(getattr(value, name))]
    if isinstance(value, dict):
        return [value, *(c for v in value.values() for c in _containers(v))]
    if isinstance(value, list):
        return [value, *(c for v in value for c in _containers(v))]
    return []


def test_two_reports_share_nothing_a_caller_could_change(example_file: Path) -> None:
    # Reports are frozen, but their lists and dicts are not: an embedding application
    # may sort or extend them, and that must never show in another report.
    engine = Engine()
    facts = load_facts(example_file)
    first, second = (engine.diagnose(facts, explain=True) for _ in range(2))
    ids = {id(c) for c in _containers(first)}
    assert len(ids) > 10
    assert ids.isdisjoint(id(c) for c in _containers(second))
