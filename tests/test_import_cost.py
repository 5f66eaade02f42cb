"""Import cost: each entry point loads only what it uses (figures in docs/performance.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest

_PROBE = """
import json, sys
import {module}
print(json.dumps(sorted(sys.modules)))
"""

# Loaded only by `batch --jobs N` and `-o`, never by a library call or `diagnose`.
_BATCH_ONLY = ("multiprocessing", "concurrent.futures")


def _modules(run_python: Any, module: str) -> set[str]:
    proc = run_python("-c", _PROBE.format(module=module))
    assert proc.returncode == 0, proc.stderr.decode()
    return set(json.loads(proc.stdout))


def test_the_library_loads_no_cli_and_no_batch_machinery(run_python: Any) -> None:
    loaded = _modules(run_python, "backup_doctor.engine")
    assert "backup_doctor.engine.runner" in loaded
    unwanted = {m for m in loaded if m.split(".")[0] == "click" or m.startswith("backup_doctor.cli")
                or m in _BATCH_ONLY}
    assert unwanted == set()


def test_the_cli_loads_the_batch_module_only_when_batch_runs(run_python: Any) -> None:
    loaded = _modules(run_python, "backup_doctor.cli.app")
    assert "backup_doctor.cli.batch_cmd" in loaded  # the command is there...
    assert "backup_doctor.engine.batch" not in loaded  # ...its machinery is imported when it runs
    assert loaded & set(_BATCH_ONLY) == set()


def test_the_batch_module_loads_worker_processes_only_when_a_batch_uses_them(run_python: Any) -> None:
    assert _modules(run_python, "backup_doctor.engine.batch") & set(_BATCH_ONLY) == set()


def _authoring(modules: set[str]) -> set[str]:
    """The rule authors' tools among *modules*: all of engine/authoring/, and their renderer."""
    return {m for m in modules if m.startswith("backup_doctor.engine.authoring.") or m == "backup_doctor.cli.rules_render"}


@pytest.mark.parametrize("module", ["backup_doctor.cli.app", "backup_doctor.engine"])
def test_diagnose_and_batch_do_not_load_the_rule_authoring_tools(run_python: Any, module: str) -> None:
    # why-not, rules list/show/lint/test import them when they run.
    assert _authoring(_modules(run_python, module)) == set()
    # The probe itself would see them: the library's why-not loads two of them.
    assert len(_authoring(_modules(run_python, "backup_doctor.engine.authoring.whynot"))) >= 2


def test_why_not_is_still_importable_from_the_library(run_python: Any) -> None:
    proc = run_python("-c", "from backup_doctor.engine import WhyNot, why_not; import backup_doctor.engine as e; "
                            "print(why_not.__module__, WhyNot.__name__, hasattr(e, 'nonsense'))")
    assert proc.stdout.decode().split() == ["backup_doctor.engine.authoring.whynot", "WhyNot", "False"]
