"""rules/built-in.json, the copy of the built-in YAML read at start-up (engine/rulebase/builtin_copy.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from backup_doctor.engine import Engine
from backup_doctor.engine.authoring.freeze import build_builtin_copy
from backup_doctor.engine.rulebase import builtin_copy

FACTS = {"schema_version": 1, "goal": "backup", "account": {"plan_gb": 5, "used_gb": 4.9},
         "backup": {"estimated_size_gb": 12.0}}


def test_the_copy_is_the_yaml_as_it_is_now(repo_root: Path) -> None:
    rules = repo_root / "rules"
    shipped = json.loads((rules / builtin_copy.BUILTIN_COPY).read_text("utf-8"))
    assert shipped == build_builtin_copy(rules), "the copy is stale: run python scripts/regen_builtin_copy.py"
    yaml_files = {p.relative_to(rules).as_posix() for p in rules.glob("*/**/*.yaml")}
    assert set(shipped["files"]) == yaml_files


def test_the_installed_copy_is_the_shipped_one(repo_root: Path) -> None:
    installed = builtin_copy.rules_root() / builtin_copy.BUILTIN_COPY
    assert installed.read_bytes() == (repo_root / "rules" / builtin_copy.BUILTIN_COPY).read_bytes()


def _with_title(files: dict[str, Any], title: str, *, fresh: bool) -> dict[str, Any]:
    """The copy with one finding's English title changed; its hash kept, or spoiled."""
    files = copy.deepcopy(files)
    for entry in files.values():
        findings = entry["data"].get("findings") or {}
        if "icloud-storage-insufficient" in findings:
            findings["icloud-storage-insufficient"]["title"]["en"] = title
            if not fresh:
                entry["sha256"] = "0" * 64
            return files
    raise AssertionError("no pack file defines icloud-storage-insufficient")


def _title(engine: Engine) -> str:
    (finding,) = [f for f in engine.diagnose(FACTS).findings if f.id == "icloud-storage-insufficient"]
    return finding.title


def test_the_engine_reads_the_copy_while_the_yaml_is_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    files = builtin_copy._copies(builtin_copy.rules_root())
    assert files, "no copy was found in the installed package"
    real = _title(Engine())
    # A copy whose hashes match is read instead of the YAML: what it says is what loads.
    monkeypatch.setattr(builtin_copy, "_copies", lambda root: _with_title(files, "FROM THE COPY", fresh=True))
    assert _title(Engine()) == "FROM THE COPY"
    # A copy made from another text is never used: the YAML is read.
    monkeypatch.setattr(builtin_copy, "_copies", lambda root: _with_title(files, "STALE COPY", fresh=False))
    assert _title(Engine()) == real


def test_a_custom_pack_never_comes_from_the_copy(tmp_path: Path) -> None:
    pack = tmp_path / "05-blocking.yaml"  # the name of a built-in file, elsewhere
    pack.write_text("rules: []\n", encoding="utf-8")
    assert builtin_copy.copy_of(pack) is None


def test_a_value_json_cannot_carry_has_no_copy(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    (rules / "knowledge").mkdir(parents=True)
    (rules / "knowledge" / "plans.yaml").write_text("as_of: 2026-07-01\n", encoding="utf-8")  # a YAML date
    with pytest.raises(ValueError, match="quoted string"):
        build_builtin_copy(rules)


def test_a_diagnosis_does_not_import_yaml(run_python: Any) -> None:
    script = ("import sys\nfrom backup_doctor.engine import diagnose\n"
              f"diagnose({FACTS!r})\nprint('yaml' in sys.modules)")
    proc = run_python("-c", script)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().strip() == "False"


def _reshaped(entry: dict[str, Any], shape: str) -> Any:
    if shape == "not a mapping":
        return [entry["sha256"]]
    if shape == "no data":
        return {"sha256": entry["sha256"]}
    return {**entry, "lines": "x"}  # pack lines that are not a mapping


@pytest.mark.parametrize("shape", ["not a mapping", "no data", "bad lines"])
def test_a_copy_in_another_shape_is_not_used(monkeypatch: pytest.MonkeyPatch, shape: str) -> None:
    # A hand-edited or foreign copy, even with the right hashes, must never break
    # loading: the YAML is read instead.
    files = builtin_copy._copies(builtin_copy.rules_root())
    real = _title(Engine())
    broken = {key: _reshaped(entry, shape) for key, entry in files.items()}
    monkeypatch.setattr(builtin_copy, "_copies", lambda root: broken)
    assert _title(Engine()) == real
