#!/usr/bin/env python3
"""Regenerate the golden reports (``tests/golden/<example>.<lang>.json``) and the README's output.

Run after a deliberate change to rules, texts or the report format, then read the diff
(``git diff tests/golden``) before committing it: goldens are reviewed by eye.

    python scripts/regen_golden.py          # rewrite the goldens
    python scripts/regen_golden.py --check  # only say which are stale (exit 1 if any)

Each golden is exactly what ``backup-doctor diagnose --format json --lang LANG FILE`` prints;
the "First diagnosis" block of README.md (README.ja.md) is what ``backup-doctor diagnose
--lang en`` (``--lang ja``) prints for its example.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backup_doctor.cli.render import render, render_json
from backup_doctor.engine import Engine, load_facts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "facts"
GOLDEN = ROOT / "tests" / "golden"
LANGS = ("en", "ja")
READMES = {ROOT / "README.md": "en", ROOT / "README.ja.md": "ja"}
README_EXAMPLE = EXAMPLES / "tethering-free-tier-migrate.json"
_START, _END = "<!-- first-diagnosis:start", "<!-- first-diagnosis:end -->"


def expected() -> dict[Path, str]:
    """Every golden file that should exist, with its content."""
    engine = Engine()
    out: dict[Path, str] = {}
    for example in sorted(EXAMPLES.glob("*.json")):
        facts = load_facts(example)
        for lang in LANGS:
            out[GOLDEN / f"{example.stem}.{lang}.json"] = render_json(engine.diagnose(facts, lang=lang))
    for readme, lang in READMES.items():
        out[readme] = readme_with(readme, render(engine.diagnose(load_facts(README_EXAMPLE), lang=lang), "text"))
    return out


def readme_with(readme: Path, output: str) -> str:
    """*readme* with *output* as the text block between the first-diagnosis markers."""
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(_START, 1)
    marker_line, rest = rest.split("\n", 1)
    _, tail = rest.split(_END, 1)
    return f"{head}{_START}{marker_line}\n```text\n{output}```\n{_END}{tail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale goldens, change nothing")
    args = parser.parse_args()
    want = expected()
    stale = sorted(p for p in GOLDEN.glob("*.json") if p not in want)
    changed = sorted(p for p, text in want.items() if not p.exists() or p.read_text(encoding="utf-8") != text)
    if args.check:
        for p in changed:
            print(f"stale: {p.relative_to(ROOT)}")
        for p in stale:
            print(f"no example: {p.relative_to(ROOT)}")
        return 1 if changed or stale else 0
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for p in changed:
        p.write_text(want[p], encoding="utf-8")
        print(f"wrote {p.relative_to(ROOT)}")
    for p in stale:
        p.unlink()
        print(f"removed {p.relative_to(ROOT)} (its example is gone)")
    print(f"{len(want)} files checked, {len(changed)} rewritten, {len(stale)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
