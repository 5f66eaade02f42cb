"""click's usage errors (a missing argument, an unknown option, a bad choice) in Japanese.

click words these itself, in English. Under ``--lang ja`` (or a Japanese locale) the
clerk who reads reports in Japanese gets them in Japanese too: :func:`localised`
rewords the common kinds from the error's own fields (never from its English text);
the rare others keep click's English after a Japanese "エラー:". Under English
nothing changes: click shows its own message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

import click

_NO_SUCH_COMMAND: Any = getattr(click.exceptions, "NoSuchCommand", None)
"""Its own class since click 8.2; a plain UsageError before (then worded by click)."""

_NO_ARGS_IS_HELP: Any = getattr(click.exceptions, "NoArgsIsHelpError", ())
"""Since click 8.2, the group's help shown for no arguments: not an error to reword."""


def localised(exc: click.UsageError, lang: str, group_ctx: click.Context | None = None) -> click.UsageError:
    """*exc* as it should be shown in *lang*; *group_ctx* is the context of the group
    that was invoking a command when the error came (click leaves some errors without
    the command's own context)."""
    if lang != "ja" or isinstance(exc, (JapaneseUsageError, _NO_ARGS_IS_HELP)):
        return exc
    return JapaneseUsageError(exc, group_ctx)


def lang_in_args(args: Sequence[str]) -> str | None:
    """The value of the last ``--lang`` among *args* (before a ``--``), if any."""
    lang = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.partition("=")[2]
    return lang if lang in ("en", "ja") else None


class JapaneseUsageError(click.UsageError):
    """A usage error shown as click shows one (usage, help hint, error line), in Japanese."""

    def __init__(self, original: click.UsageError, group_ctx: click.Context | None = None) -> None:
        super().__init__(_reworded(original, group_ctx), original.ctx)

    def show(self, file: IO[Any] | None = None) -> None:
        ctx = self.ctx
        if ctx is not None:
            pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
            click.echo(f"使い方: {ctx.command_path} {pieces}", err=file is None, file=file)
            click.echo(f"'{ctx.command_path} --help' でヘルプを表示できます。\n", err=file is None, file=file)
        click.echo(f"エラー: {self.message}", err=file is None, file=file)


def _reworded(exc: click.UsageError, group_ctx: click.Context | None) -> str:
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "")
        what = {"argument": "引数", "option": "オプション"}.get(kind, "")
        return f"{what} {_hint(exc)} がありません。".lstrip()
    if isinstance(exc, click.BadParameter):
        param_type = exc.param.type if exc.param is not None else None
        if isinstance(param_type, click.Choice):
            return f"{_hint(exc)} に使える値は {', '.join(map(str, param_type.choices))} です。"
        if isinstance(param_type, click.IntRange) and param_type.min is not None and param_type.max is not None:
            return f"{_hint(exc)} には {param_type.min} から {param_type.max} までの整数を指定してください。"
        if isinstance(param_type, click.types.IntParamType):
            return f"{_hint(exc)} には整数を指定してください。"
        return f"{_hint(exc)} の値が正しくありません ({exc.message})。"
    if isinstance(exc, click.NoSuchOption):
        return f"{exc.option_name} というオプションはありません。" + _did_you_mean(exc.possibilities)
    if _NO_SUCH_COMMAND is not None and isinstance(exc, _NO_SUCH_COMMAND):
        return f"{exc.command_name} というコマンドはありません。" + _did_you_mean(exc.possibilities)
    if isinstance(exc, click.BadOptionUsage):
        # click's parser says this of an option in two cases only: one that takes a value
        # was given none, and a flag was given one (--explain=yes).
        option = _option_named(exc.option_name, exc.ctx or group_ctx)
        if option is not None:
            if option.is_flag:
                return f"{exc.option_name} は値を取りません (指定するだけでオンになります)。"
            return f"{exc.option_name} には値を続けて指定してください。"
    return exc.message


def _option_named(name: str, ctx: click.Context | None) -> click.Option | None:
    """The option called *name* of the command *ctx* runs, or of the one it was invoking."""
    if ctx is None:
        return None
    command: click.Command | None = ctx.command
    if isinstance(command, click.Group) and ctx.invoked_subcommand:
        command = command.get_command(ctx, ctx.invoked_subcommand)
    commands = [command] if command is not None else []
    if isinstance(command, click.Group):  # a subgroup's own command is not known yet
        commands = [c for n in command.list_commands(ctx) if (c := command.get_command(ctx, n)) is not None]
    return next((p for c in commands for p in c.params if isinstance(p, click.Option) and name in p.opts), None)


def _hint(exc: click.BadParameter) -> str:
    if exc.param is not None and exc.ctx is not None:
        return exc.param.get_error_hint(exc.ctx)
    hint = exc.param_hint
    if isinstance(hint, str) or hint is None:
        return hint or "値"
    return " / ".join(f"'{h}'" for h in hint)


def _did_you_mean(possibilities: Sequence[str] | None) -> str:
    return f" もしかして: {', '.join(possibilities)}" if possibilities else ""
