"""Commands for rule authors: ``rules list|show|lint|test`` and ``why-not``.

Each command is a few lines over the library (engine/authoring/: catalog.py, whynot.py, lint.py,
ruletest.py); the text is rendered in rules_render.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .options import EXIT_FAILED_CHECK, format_option, lang_option, rules_option

# Each command imports what it uses (the engine, the catalogue, why-not, lint, ruletest
# and their renderers): `backup-doctor diagnose` and `batch` load this module only to register
# the commands, and need none of it.


def _emit(fmt: str, data: Any, lines: list[str]) -> None:
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(lines))


@click.group("rules")
def rules_group() -> None:
    """Inspect, lint and test rule packs (the built-in pack and your own)."""


@rules_group.command("list")
@format_option("text", "json")
@lang_option
@rules_option
def rules_list(fmt: str, lang: str, rules_dirs: tuple[Path, ...]) -> None:
    """List every rule: its id, what it concludes and what it means."""
    from ..engine.authoring.catalog import list_rules
    from ..engine.rulebase.load import load_rulebase
    from .rules_render import rule_list_lines

    rules = list_rules(load_rulebase(rules_dirs), lang)
    _emit(fmt, [r.model_dump(mode="json") for r in rules], rule_list_lines(rules, lang))


@rules_group.command("show")
@click.argument("rule_id")
@format_option("text", "json")
@lang_option
@rules_option
def rules_show(rule_id: str, fmt: str, lang: str, rules_dirs: tuple[Path, ...]) -> None:
    """Show one rule: its conditions in words, its conclusions and their texts."""
    from ..engine.authoring.catalog import show_rule
    from ..engine.rulebase.load import load_rulebase
    from .rules_render import rule_detail_lines

    detail = show_rule(load_rulebase(rules_dirs), rule_id, lang)
    _emit(fmt, detail.model_dump(mode="json"), rule_detail_lines(detail, lang))


@rules_group.command("lint")
@click.argument("dirs", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@format_option("text", "json")
@lang_option
def rules_lint(dirs: tuple[Path, ...], fmt: str, lang: str) -> None:
    """Find rules that can never fire, SPEC ids no rule concludes, unused texts and fields.

    Lints the built-in pack together with the custom pack folders DIRS.
    Exits 1 when it finds any problem.
    """
    from ..engine.authoring.lint import lint_dirs
    from .rules_render import lint_json, lint_lines

    problems = lint_dirs(dirs)
    _emit(fmt, lint_json(problems, lang), lint_lines(problems, lang))
    if problems:
        sys.exit(EXIT_FAILED_CHECK)


@rules_group.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@rules_option
@click.option("--cover", type=click.Choice(["all", "custom"]), default=None,
              help="Which rules the coverage table counts (default: custom when --rules is given, else all).")
@click.option("--require-full-coverage", is_flag=True,
              help="Exit 1 when some counted rule was reached by no case.")
@format_option("text", "json")
@lang_option
def rules_test(paths: tuple[Path, ...], rules_dirs: tuple[Path, ...], cover: str | None,
               require_full_coverage: bool, fmt: str, lang: str) -> None:
    """Run rule test cases (YAML files, or folders of them) and show what no case reached.

    Exits 1 when a case fails (or, with --require-full-coverage, when a rule was not reached).
    """
    from ..engine.authoring.ruletest import run_tests
    from ..engine.runner import Engine
    from .rules_render import test_json, test_lines

    engine = Engine(rules_dirs)
    custom = {Path(d).name for d in rules_dirs}
    only_custom = (cover or ("custom" if rules_dirs else "all")) == "custom"
    run = run_tests(engine, paths, (lambda r: r.pack in custom) if only_custom else (lambda r: True))
    _emit(fmt, test_json(run), test_lines(run, lang))
    if run.failed or (require_full_coverage and not run.coverage.full):
        sys.exit(EXIT_FAILED_CHECK)


@click.command("why-not")
@click.argument("fact_file", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@click.argument("conclusion_id", metavar="ID")
@format_option("text", "json")
@lang_option
@rules_option
def why_not_cmd(fact_file: str, conclusion_id: str, fmt: str, lang: str, rules_dirs: tuple[Path, ...]) -> None:
    """Say why a finding, recommendation or caveat (ID) was or was not reached for FACT_FILE.

    For each rule that could conclude ID: which conditions failed (with the facts'
    values), which facts were unknown (and what to ask), and which ranking principle
    kept it out.
    """
    from ..engine.authoring.whynot import why_not
    from ..engine.loader import load_facts
    from ..engine.runner import Engine
    from .rules_render import why_not_lines

    engine = Engine(rules_dirs)
    answer = why_not(engine, load_facts(fact_file), conclusion_id, lang)
    _emit(fmt, answer.model_dump(mode="json"), why_not_lines(answer))
