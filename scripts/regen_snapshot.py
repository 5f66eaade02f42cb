"""Write rules/built-in.json, the copy of the built-in YAML files read at start-up.

    python scripts/regen_snapshot.py

Run it after editing any file under rules/packs/ or rules/knowledge/ (until then the
edited file is read as YAML, and tests/test_snapshot.py fails). See engine/snapshot.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from backup_doctor.engine.rulebase import builtin_copy as snapshot

RULES = Path(__file__).resolve().parent.parent / "rules"


def main() -> None:
    text = json.dumps(snapshot.build(RULES), ensure_ascii=False, indent=1) + "\n"
    (RULES / snapshot.SNAPSHOT).write_text(text, encoding="utf-8")
    print(f"wrote {RULES / snapshot.SNAPSHOT} ({len(text.encode()):,} bytes)")


if __name__ == "__main__":
    main()
