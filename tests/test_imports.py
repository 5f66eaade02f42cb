"""Import boundaries: the library never pulls in the CLI, and durable-rules stays behind one module."""

from __future__ import annotations

import ast
import inspect
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import backup_doctor.engine
import backup_doctor.facts

_PROBE = """
import json, sys
from backup_doctor.engine import diagnose
report = diagnose({"schema_version": 1, "today": "2026-11-25", "network": {"wifi_kind": "tethering"}})
print(json.dumps({"findings": [f.id for f in report.findings],
                  "modules": sorted(m for m in sys.modules if m == "click" or m.startswith(("click.", "backup_doctor.cli")))}))
"""


def test_engine_never_imports_click_or_the_cli(run_python: Callable[..., Any]) -> None:
    # A fresh process: in this one, other tests have imported the CLI already.
    proc = run_python("-c", _PROBE)
    assert proc.returncode == 0, proc.stderr.decode()
    result = json.loads(proc.stdout)
    assert result["findings"] == ["network-unstable"]  # the library call really ran
    assert result["modules"] == []


def test_durable_rules_is_imported_in_one_module_only() -> None:
    import backup_doctor.cli
    import backup_doctor.rules

    # Each subpackage's own folder: under an editable install they sit in the checkout.
    folders = [Path(next(p for p in m.__path__ if Path(p).is_dir())).resolve()
               for m in (backup_doctor.cli, backup_doctor.engine, backup_doctor.facts, backup_doctor.rules)]
    importers = []
    for path in sorted(p for folder in folders for p in folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] in ("durable", "durable_rules_engine") for n in names):
                importers.append(f"{path.parent.name}/{path.name}")
    assert importers == ["engine/_durable.py"]


def _public_names(module: ModuleType) -> set[str]:
    return {
        name for name, value in vars(module).items()
        if not name.startswith("_") and not inspect.ismodule(value)
        and name not in ("annotations", "TYPE_CHECKING", "Any")
    }


@pytest.mark.parametrize("module", [backup_doctor.engine, backup_doctor.facts], ids=lambda m: m.__name__)
def test_all_is_sorted_and_complete(module: ModuleType) -> None:
    assert module.__all__ == sorted(module.__all__)
    # Names loaded on first use (the module's __getattr__) are in __all__ but not yet in vars().
    assert all(getattr(module, name) is not None for name in module.__all__)
    assert set(module.__all__) == _public_names(module)


def test_library_call_from_the_facade() -> None:
    from backup_doctor.engine import Report, diagnose

    report = diagnose('{"schema_version": 1, "goal": "backup", "today": "2026-11-25"}', lang="ja")
    assert isinstance(report, Report)
    assert report.lang == "ja"
    assert "face-id-touch-id-not-included" in report.ids()["caveats"]
