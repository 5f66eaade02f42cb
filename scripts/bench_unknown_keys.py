"""Measure a fact file made of unknown keys: the worst case for validation (not a test).

    python scripts/bench_unknown_keys.py

Prints, for a 1 MiB fact file of 96,000 unknown top-level keys (issue 17, point 9)
and for the same number spread over the sections: the time to reject it, how many
problems the error holds, and the size of its ``batch`` error record.
"""

from __future__ import annotations

import json
import time

from backup_doctor.engine import Engine
from backup_doctor.engine.batch import diagnose_line
from backup_doctor.engine.loader import MAX_FACT_FILE_BYTES

KEYS = 96_000


def _name(i: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        i, r = divmod(i, 36)
        out = digits[r] + out
        if not i:
            return out


def top_level() -> bytes:
    return json.dumps({"schema_version": 1, **{_name(i): 0 for i in range(KEYS)}},
                      separators=(",", ":")).encode()


def in_sections() -> bytes:
    sections = ["device", "account", "backup", "network", "symptoms"]
    facts: dict[str, object] = {"schema_version": 1}
    for n, section in enumerate(sections):
        facts[section] = {_name(i): 0 for i in range(n, KEYS, len(sections))}
    return json.dumps(facts, separators=(",", ":")).encode()


def main() -> None:
    engine = Engine()
    for label, body in (("top level", top_level()), ("in 5 sections", in_sections())):
        assert len(body) <= MAX_FACT_FILE_BYTES, len(body)
        start = time.perf_counter()
        result = diagnose_line(engine, 1, body, "en")
        elapsed = time.perf_counter() - start
        record = json.loads(result.record)
        print(f"{KEYS:,} unknown keys {label} ({len(body):,} bytes): rejected in {elapsed * 1000:,.0f} ms; "
              f"{len(record['error']['problems']):,} problems listed, message {record['error']['message']!r}; "
              f"batch record {len(result.record):,} bytes")


if __name__ == "__main__":
    main()
