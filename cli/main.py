"""The ``backup-doctor`` command: a thin layer over :mod:`backup_doctor.engine`.

Exit codes (also in ``--help`` and the README):

==  =========================================================================
0   the command ran: a report was printed (with or without findings), or every file was valid
1   ``validate``/``rules lint``/``rules test``: some file is invalid or some check failed
2   bad usage or bad input: unknown option, unreadable or invalid fact file or rule pack
3   internal error: the rules failed to run (a bug; please report it with ``--debug`` output)
4   the output could not be written (standard output or ``-o``: disk full, device error)
130 interrupted (Ctrl-C, SIGINT); 143 terminated (SIGTERM, ``batch``)
==  =========================================================================

A closed pipe (``backup-doctor schema | head``) ends quietly with 1, as click does.
"""

from __future__ import annotations

import errno
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
from ..engine.texts import in_lang, os_reason, say, say_in
from .render import render
from .stdio import StdoutError, own_stdout, silence_stdout
from .usage import lang_in_args, localised

EXIT_OK, EXIT_FAILED_CHECK, EXIT_INPUT, EXIT_INTERNAL, EXIT_OUTPUT = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + 2, 128 + 15  # what a shell reports for SIGINT, SIGTERM
EXIT_BROKEN_PIPE = 1  # click's own choice for a reader that went away


class OutputError(DoctorError):
    """Standard output or the output file could not be written (disk full, device error)."""

    code = "output_error"


# Which exit code each library error means; decided here and nowhere else.
EXIT_CODES: list[tuple[type[DoctorError], int]] = [
    (OutputError, EXIT_OUTPUT),
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

    def main(self, *args: Any, **kwargs: Any) -> Any:
        own_stdout()
        return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        lang = ctx.meta.get("usage_lang") or default_lang()
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise localised(exc, ctx.meta["usage_lang"], ctx) from None
        except DoctorError as exc:
            if ctx.meta.get("debug"):
                raise
            fail(exc, ctx.meta.get("lang") or lang)
        except KeyboardInterrupt:
            # click would say "Aborted!" in English and exit 1.
            interrupted(say("interrupted"), ctx.meta.get("lang") or lang)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                silence_stdout()
                sys.exit(EXIT_BROKEN_PIPE)
            if ctx.meta.get("debug") or not isinstance(exc, StdoutError):
                raise
            silence_stdout()
            lang = ctx.meta.get("lang") or lang
            fail(OutputError(say("cannot_write", reason=os_reason(exc)), source=say_in(lang, "standard_output")),
                 lang)


def fail(exc: DoctorError, lang: str = "en") -> None:
    """Print *exc* as ``Error: …`` (one line per problem), in *lang*, and exit with its code."""
    code = next(c for cls, c in EXIT_CODES if isinstance(exc, cls))
    click.echo(say_in(lang, "error") + exc.render(lang), err=True)
    if code == EXIT_INTERNAL:
        click.echo(say_in(lang, "bug_hint"), err=True)
    sys.exit(code)


def interrupted(message: str, lang: str, code: int = EXIT_INTERRUPTED) -> None:
    """Say on one line, in *lang*, that the command was interrupted, and exit with *code*."""
    # "\n" first: the terminal has echoed ^C where the cursor was.
    click.echo("\n" + in_lang(message, lang) if sys.stderr.isatty() else in_lang(message, lang), err=True)
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
             epilog="Exit codes: 0 done; 1 a check failed (validate, rules lint/test), or the reader "
                    "of standard output went away; 2 bad usage or invalid input; 3 internal error; "
                    "4 the output could not be written; 130 interrupted; 143 terminated.")
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
@click.argument("fact_files", nargs=-1, required=True, type=click.Path(allow_dash=True, path_type=str))
@lang_option
def validate(fact_files: tuple[str, ...], lang: str) -> None:
    """Check fact files against the fact model; say which are fine.

    A folder stands for every file in it whose name ends in .json. Exits 1 when any
    file is invalid (each problem is listed on stderr).
    """
    bad = 0
    names = [name for arg in fact_files for name in _files_in(arg)]
    for name in names:
        try:
            if os.path.isdir(name):
                raise InputError(say("no_json_files"), source=name)
            load_facts(name)
        except InputError as exc:
            bad += 1
            click.echo(f"INVALID {exc.render(lang)}", err=True)
        else:
            click.echo(f"ok      {name}")
    if bad:
        click.echo(say_in(lang, "files_invalid", bad=bad, total=len(names)), err=True)
        sys.exit(EXIT_FAILED_CHECK)


def _files_in(arg: str) -> list[str]:
    """*arg*, or the .json files of the folder *arg* in name order (the folder itself
    when it holds none, to be reported)."""
    if arg == "-" or not os.path.isdir(arg):
        return [arg]
    found = sorted(str(p) for p in Path(arg).glob("*.json") if p.is_file())
    return found or [arg]


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the fact file."""
    from ..facts.schema import fact_schema

    click.echo(json.dumps(fact_schema(), ensure_ascii=False, indent=2))


# Commands that live in their own modules register themselves on `cli`.
from . import batch_cmd, rules_cmd, serve_cmd  # noqa: E402,F401
from . import mcp_cmd  # noqa: E402,F401
