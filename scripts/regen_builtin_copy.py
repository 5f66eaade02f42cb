"""Write rules/built-in.json, the copy of the built-in YAML files read at start-up.

    python scripts/regen_builtin_copy.py

Run it after editing any file under rules/packs/ or rules/knowledge/ (until then the
edited file is read as YAML, and tests/test_builtin_copy.py fails). See engine/rulebase/builtin_copy.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from backup_doctor.engine.authoring.freeze import build_builtin_copy
from backup_doctor.engine.rulebase.builtin_copy import BUILTIN_COPY

RULES = Path(__file__).resolve().parent.parent / "rules"


def main() -> None:
    text = json.dumps(build_builtin_copy(RULES), ensure_ascii=False, indent=1) + "\n"
    (RULES / BUILTIN_COPY).write_text(text, encoding="utf-8")
    print(f"wrote {RULES / BUILTIN_COPY} ({len(text.encode()):,} bytes)")


if __name__ == "__main__":
    main()
