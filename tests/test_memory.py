"""Issue 17, point 7: engines give their memory back, and diagnose(rules=...) stays bounded.

Each compiled ruleset costs about 2.6 MiB inside durable-rules; before the fix, 300
dropped engines kept 780 MiB. Memory is measured in a fresh child process (resident
set size from /proc/self/statm), never by timing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backup_doctor.cli.app import cli
from backup_doctor.engine import Engine, FactSchemaError, diagnose, parse_facts

_GROWTH = r"""
import gc, json, os, sys
from backup_doctor.engine import Engine, diagnose

def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

mode, packs = sys.argv[1], sys.argv[2]
facts = {"schema_version": 1, "network": {"connection": "wifi", "signal_bars": 1}}
def once():
    if mode == "dropped":
        engine = Engine([packs])
        engine.diagnose(facts)
    elif mode == "with":
        with Engine([packs]) as engine:
            engine.diagnose(facts)
    else:
        diagnose(facts, rules=[packs])

for _ in range(5):  # warm up: caches, the first engines, the allocator's arenas
    once()
gc.collect()
before = rss_mib()
for _ in range(300):
    once()
gc.collect()
print(json.dumps({"growth_mib": rss_mib() - before}))
"""


@pytest.mark.parametrize("mode", ["dropped", "with", "diagnose"])
def test_300_engines_do_not_keep_their_memory(mode: str, run_python: Any, repo_root: Path, tmp_path: Path) -> None:
    # dropped: Engine() built, used and forgotten (the garbage collector frees it);
    # with: closed by its with block; diagnose: the module function with rules=[...].
    packs = tmp_path / "packs"
    shutil.copytree(repo_root / "tests" / "packs" / "mini", packs)
    proc = run_python("-c", _GROWTH, mode, str(packs), env={"MALLOC_PERTURB_": "170"})
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    growth = json.loads(proc.stdout)["growth_mib"]
    # Kept, they would hold 300 x 2.6 MiB = 780 MiB.
    assert growth < 40, f"RSS grew by {growth:.1f} MiB over 300 engines"


def test_diagnose_with_rules_sees_a_pack_edited_between_calls(repo_root: Path, tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    shutil.copytree(repo_root / "tests" / "packs" / "mini", packs)
    facts = {"schema_version": 1, "network": {"connection": "wifi", "signal_bars": 1}}
    assert "mini-slow-link" in diagnose(facts, rules=[packs]).ids()["findings"]
    pack = packs / "mini.yaml"
    pack.write_text(pack.read_text("utf-8").replace("lt: 2}", "lt: 1}  # edited"), "utf-8")
    assert "mini-slow-link" not in diagnose(facts, rules=[packs]).ids()["findings"]


def test_an_engine_is_a_context_manager() -> None:
    with Engine() as engine:
        assert engine.diagnose({"schema_version": 1, "ticket": "T"}).ticket == "T"
    with pytest.raises(ValueError, match="closed"):
        engine.diagnose({"schema_version": 1})


@pytest.mark.parametrize("where", ["top level", "device"])
def test_a_file_of_96000_unknown_keys_gives_a_bounded_error(where: str, tmp_path: Path, runner: CliRunner) -> None:
    unknown = {f"k{i}": 0 for i in range(96_000)}
    facts = {"schema_version": 1, **unknown} if where == "top level" else {"schema_version": 1, "device": unknown}
    body = json.dumps(facts, separators=(",", ":")).encode()
    assert len(body) <= 1_048_576
    with pytest.raises(FactSchemaError) as info:
        parse_facts(body)
    error = info.value
    assert error.message == "96,000 problems in the fact file"
    prefix = "" if where == "top level" else "device."
    assert [p.location for p in error.problems] == [f"{prefix}k{i}" for i in range(100)]
    assert error.omitted == 95_900
    assert error.render("en").splitlines()[-1] == "  … and 95,980 more"
    # The batch record lists the same 100 problems: some 20 KB, not 19 MB.
    path = tmp_path / "lines.jsonl"
    path.write_bytes(body + b"\n")
    result = runner.invoke(cli, ["batch", str(path)])
    assert len(result.stdout) < 100_000
    assert json.loads(result.stdout)["error"]["message"] == "96,000 problems in the fact file"
