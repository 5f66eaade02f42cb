"""The ``backup-doctor`` command: a thin layer over :mod:`backup_doctor.engine`.

``cli`` is the command group; ``diagnose``, ``validate`` and ``schema`` live here, the
other commands in their own modules (``batch_cmd``, ``rules_cmd``, ``serve_cmd``,
``mcp_cmd``), added at the bottom with ``add_command``. Exit codes and the shared
options: ``options.py``.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from ..engine.errors import DoctorError, InputError
from ..engine.loader import load_facts
from ..engine.runner import Engine
from ..engine.texts import os_reason, say, say_in
from .batch_cmd import batch
from .interview_cmd import interview
from .mcp_cmd import mcp_cmd
from .options import (EXIT_BROKEN_PIPE, EXIT_FAILED_CHECK, OutputError, default_lang, fail, format_option,
                      interrupted, lang_option, rules_option)
from .brief import render_brief
from .render import render
from .rules_cmd import rules_group, why_not_cmd
from .serve_cmd import serve
from .stdio import StdoutError, own_stdout, silence_stdout
from .texts import labels
from .usage import lang_in_args, localised


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
@click.option("--declined", multiple=True, metavar="FIELD",
              help="A fact-file field the customer cannot answer (repeatable): it stays unknown and is not asked.")
@rules_option
@click.option("--brief", is_flag=True, help="The short form to read out: causes, the first fix with its steps, "
                                            "the other fixes by title, caveats, three questions (text, markdown).")
def diagnose(fact_file: str, fmt: str, lang: str, explain: bool, declined: tuple[str, ...],
             rules_dirs: tuple[Path, ...], brief: bool) -> None:
    """Diagnose one fact file (FACT_FILE, or - for standard input)."""
    if brief and fmt == "json":
        raise click.UsageError(labels("brief", lang)["not_json"], click.get_current_context())
    facts = load_facts(fact_file)
    engine = Engine(rules_dirs)
    report = engine.diagnose(facts, lang=lang, explain=explain, declined=declined)  # type: ignore[arg-type]
    click.echo(render_brief(report, markdown=fmt == "markdown") if brief else render(report, fmt), nl=False)


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


for command in (batch, rules_group, why_not_cmd, serve, mcp_cmd):
    cli.add_command(command)
cli.add_command(interview)
