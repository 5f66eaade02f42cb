"""What every command shares: exit codes, ``fail``, and the --lang/--rules/--format options.

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
Command modules import this module, never ``app.py`` (which registers them).
"""

from __future__ import annotations

import locale
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..engine.errors import ConfigError, DoctorError, EngineError, InputError, RulePackError
from ..engine.texts import in_lang, say_in

EXIT_FAILED_CHECK, EXIT_INPUT, EXIT_INTERNAL, EXIT_OUTPUT = 1, 2, 3, 4
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
    (ConfigError, EXIT_INPUT),
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
