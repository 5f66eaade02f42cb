"""Golden reports: every example, in English and Japanese, exactly as the CLI prints it.

A golden is ``backup-doctor diagnose --format json --lang LANG FILE`` for one example.
When rules or texts change on purpose, regenerate them with
``python scripts/regen_golden.py`` and read the diff before committing.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from backup_doctor.cli.app import cli

GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN = "python scripts/regen_golden.py"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_report_matches_golden(example_file: Path, lang: str, runner: CliRunner) -> None:
    golden = GOLDEN / f"{example_file.stem}.{lang}.json"
    assert golden.exists(), f"no golden for {example_file.name} ({lang}): run {REGEN}"
    result = runner.invoke(cli, ["diagnose", "--format", "json", "--lang", lang, str(example_file)])
    assert result.exit_code == 0, result.stderr
    want = golden.read_text(encoding="utf-8")
    if result.stdout != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), result.stdout.splitlines(True),
                                            str(golden.name), "now", n=2))
        pytest.fail(f"{golden.name} differs from the report (if intended: {REGEN}, then review):\n{diff}")


def test_every_golden_has_its_example(examples_dir: Path) -> None:
    examples = {p.stem for p in examples_dir.glob("*.json")}
    orphans = [g.name for g in GOLDEN.glob("*.json") if g.name.rsplit(".", 2)[0] not in examples]
    assert not orphans, f"goldens without an example (run {REGEN}): {orphans}"


def test_example_goldens_say_the_same_in_both_languages(example_file: Path) -> None:
    # Identifiers, ranks and evidence never change with the language; only texts do.
    def skeleton(lang: str) -> dict[str, object]:
        data = json.loads((GOLDEN / f"{example_file.stem}.{lang}.json").read_text(encoding="utf-8"))
        return {
            "findings": [(f["id"], f["because"], f["evidence"]) for f in data["findings"]],
            "recommendations": [(r["id"], r["rank"], r["tier"], r["because"], len(r["steps"]))
                                for r in data["recommendations"]],
            "caveats": [c["id"] for c in data["caveats"]],
            "questions": [q["field"] for q in data["questions"]],
            "estimates": data["estimates"]["backup_size_gb"],
        }

    assert skeleton("en") == skeleton("ja")


def test_examples_are_realistic_tickets(example_file: Path) -> None:
    data = json.loads(example_file.read_text(encoding="utf-8"))
    assert data["ticket"].startswith("HD-")
    # a fixed date keeps ages (days since the last backup) and goldens stable
    assert "today" in data


@pytest.mark.parametrize(("name", "lang", "command"), [
    ("README.md", "en", "backup-doctor diagnose examples/facts/tethering-free-tier-migrate.json"),
    ("README.ja.md", "ja", "backup-doctor diagnose --lang ja examples/facts/tethering-free-tier-migrate.json"),
])
def test_readme_shows_the_real_first_diagnosis(repo_root: Path, runner: CliRunner, name: str, lang: str,
                                               command: str) -> None:
    readme = (repo_root / name).read_text(encoding="utf-8")
    assert command in readme
    pasted = readme.split("<!-- first-diagnosis:start", 1)[1].split("```text\n", 1)[1].split("```\n<!--", 1)[0]
    result = runner.invoke(cli, ["diagnose", "--lang", lang, str(repo_root / "examples/facts/tethering-free-tier-migrate.json")])
    assert result.exit_code == 0
    assert pasted == result.stdout, f"the README's first diagnosis is out of date: run {REGEN}"
