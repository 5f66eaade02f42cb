"""docs/rules-catalogue.md is generated from the rule files and must match them."""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path
from types import ModuleType

from backup_doctor.engine.rulebase.load import load_rulebase

ROOT = Path(__file__).resolve().parent.parent


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_catalogue", ROOT / "scripts" / "gen_catalogue.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_catalogue_is_in_sync_with_the_rules() -> None:
    expected = _generator().render(load_rulebase())
    current = (ROOT / "docs" / "rules-catalogue.md").read_text(encoding="utf-8")
    diff = "\n".join(difflib.unified_diff(current.splitlines(), expected.splitlines(), "checked in", "generated",
                                          lineterm="", n=1))
    assert not diff, "run: python scripts/gen_catalogue.py\n" + diff[:3000]


def test_catalogue_names_every_rule_and_conclusion() -> None:
    rb = load_rulebase()
    text = _generator().render(rb)
    for key in [*rb.findings, *rb.recommendations, *rb.caveats, *(r.id for r in rb.rules)]:
        assert f"`{key}`" in text, key
