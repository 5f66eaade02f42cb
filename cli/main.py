"""The ``backup-doctor`` command: a thin layer over :mod:`backup_doctor.engine`.

Exit codes (also in ``--help`` and the README):

==  =========================================================================
0   the command ran: a report was printed (with or without findings), or every file was valid
1   ``validate``/``rules lint``/``rules test``: some file is invalid or some check failed
2   bad usage or bad input: unknown option, unreadable or invalid fact file or rule pack
3   internal error: the rules failed to run (a bug; please report it with ``--debug`` output)
==  =========================================================================
"""

from __future__ import annotations

import json
import locale
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..engine import Engine
from ..engine.errors import DoctorError, EngineError, InputError, RulePackError
from ..engine.loader import load_facts
from ..engine.messages import say_in
from .render import render
from .usage import lang_in_args, localised

EXIT_OK, EXIT_FAILED_CHECK, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

# Which exit code each library error means; decided here and nowhere else.
EXIT_CODES: list[tuple[type[DoctorError], int]] = [
    (InputError, EXIT_INPUT),
    (RulePackError, EXIT_INPUT),
    (EngineError, EXIT_INTERNAL),
    (DoctorError, EXIT_INTERNAL),
]

F = TypeVar("F", bound=Callable[..., Any])


def default_lang() -> str:
    """``ja`` when the locale is Japanese, else ``en``."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "ja" if loc.lower().startswith("ja") else "en"


class DoctorGroup(click.Group):
    """Turns library errors into one line on stderr and the documented exit code, and
    shows click's usage errors in the language asked for (see ``usage.py``)."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        # --lang belongs to the commands, but a usage error may come before it is read.
        lang = lang_in_args(args) or default_lang()
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise localised(exc, lang) from None
        ctx.meta["usage_lang"] = lang
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise localised(exc, ctx.meta["usage_lang"], ctx) from None
        except DoctorError as exc:
            if ctx.meta.get("debug"):
                raise
            fail(exc, ctx.meta.get("lang") or default_lang())


def fail(exc: DoctorError, lang: str = "en") -> None:
    """Print *exc* as ``Error: …`` (one line per problem), in *lang*, and exit with its code."""
    code = next(c for cls, c in EXIT_CODES if isinstance(exc, cls))
    click.echo(say_in(lang, "error") + exc.render(lang), err=True)
    if code == EXIT_INTERNAL:
        click.echo(say_in(lang, "bug_hint"), err=True)
    sys.exit(code)


def _resolve_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    # Resolved once, and kept where the error handler above finds it.
    lang = ctx.meta["lang"] = value or default_lang()
    return lang


def lang_option(f: F) -> F:
    return click.option("--lang", type=click.Choice(["en", "ja"]), default=None, callback=_resolve_lang,
                        help="Language of the texts and of errors about the input "
                             "(default: from the locale, else en).")(f)


def rules_option(f: F) -> F:
    return click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
                        help="A folder of custom rule packs to add (repeatable).")(f)


def format_option(*choices: str) -> Callable[[F], F]:
    def deco(f: F) -> F:
        return click.option("--format", "fmt", type=click.Choice(list(choices)), default=choices[0],
                            show_default=True, help="Output format.")(f)
    return deco


@click.group(cls=DoctorGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Exit codes: 0 done; 1 a check failed (validate, rules lint/test); "
                    "2 bad usage or invalid input; 3 internal error.")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(package_name="backup-doctor")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Diagnose why an iPhone's iCloud backup, migration or restore fails.

    Describe the customer's situation as a JSON fact file (see docs/facts.md), then
    run `backup-doctor diagnose FILE`.
    """
    ctx.meta["debug"] = debug


@cli.command()
@click.argument("fact_file", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@format_option("text", "markdown", "json")
@lang_option
@click.option("--explain", is_flag=True, help="Show the chain of rules behind every finding and fix.")
@rules_option
def diagnose(fact_file: str, fmt: str, lang: str, explain: bool, rules_dirs: tuple[Path, ...]) -> None:
    """Diagnose one fact file (FACT_FILE, or - for standard input)."""
    facts = load_facts(fact_file)
    engine = Engine(rules_dirs)
    report = engine.diagnose(facts, lang=lang, explain=explain)  # type: ignore[arg-type]
    click.echo(render(report, fmt), nl=False)


@cli.command()
@click.argument("fact_files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@lang_option
def validate(fact_files: tuple[str, ...], lang: str) -> None:
    """Check fact files against the fact model; say which are fine.

    Exits 1 when any file is invalid (each problem is listed on stderr).
    """
    bad = 0
    for name in fact_files:
        try:
            load_facts(name)
        except InputError as exc:
            bad += 1
            click.echo(f"INVALID {exc.render(lang)}", err=True)
        else:
            click.echo(f"ok      {name}")
    if bad:
        click.echo(say_in(lang, "files_invalid", bad=bad, total=len(fact_files)), err=True)
        sys.exit(EXIT_FAILED_CHECK)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the fact file."""
    from ..facts.schema import fact_schema

    click.echo(json.dumps(fact_schema(), ensure_ascii=False, indent=2))


# Commands that live in their own modules register themselves on `cli`.
from . import batch_cmd, rules_cmd, serve_cmd  # noqa: E402,F401
from . import mcp_cmd  # noqa: E402,F401
