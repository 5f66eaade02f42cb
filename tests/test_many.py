"""2,000 diagnoses in one process: no error, and nothing leaks from one diagnosis to the next."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from backup_doctor.engine import Engine, FactSchemaError, Report

RUNS = 2_000


def _variants(examples_dir: Path) -> list[dict[str, Any]]:
    """The examples, plus variants that flip the facts the rules test."""
    out: list[dict[str, Any]] = []
    for path in sorted(examples_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out.append(data)
        out.append({**data, "network": {"wifi_kind": "public"}})
        out.append({**data, "network": {"wifi_kind": "home"}, "symptoms": {"messages": ["unavailable files"]}})
        out.append({"schema_version": 1, "ticket": data.get("ticket"), "today": data.get("today")})
    out.append({"schema_version": 1, "goal": "restore", "backup": {"last_backup_ios": "16.10"}, "target": {"ios": "16.9"}})
    return out


def test_two_thousand_diagnoses_leave_no_trace(examples_dir: Path) -> None:
    variants = _variants(examples_dir)
    invalid = {"schema_version": 1, "network": {"signal_bars": 7}}
    # Reference answers from an engine that has diagnosed nothing else.
    fresh: list[Report] = []
    for facts in variants:
        engine = Engine()
        fresh.append(engine.diagnose(facts, lang="en", explain=True))
        engine.close()

    busy = Engine()
    seen = 0
    for i, facts in zip(range(RUNS), itertools.cycle(variants)):
        if i % 97 == 0:
            # a rejected fact file in the middle must not disturb the sessions around it
            with pytest.raises(FactSchemaError):
                busy.diagnose(invalid)
        lang = "ja" if i % 2 else "en"
        report = busy.diagnose(facts, lang=lang, explain=i % 3 == 0)
        assert report.lang == lang
        seen += 1
    assert seen == RUNS

    after = [busy.diagnose(facts, lang="en", explain=True) for facts in variants]
    for want, got, facts in zip(fresh, after, variants, strict=True):
        assert got == want, f"diagnosis of {facts.get('ticket')} changed after {RUNS} others"
