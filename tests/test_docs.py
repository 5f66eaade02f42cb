"""docs/cli.md keeps up with the CLI: every command and every option is documented."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from backup_doctor.cli.main import cli

CLI_DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


COMMANDS = list(_commands(cli))


def _section(top: str) -> str:
    """The text of docs/cli.md under the heading of command *top* (``## `diagnose```)."""
    parts = re.split(r"^## ", CLI_DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    for part in parts[1:]:
        heading = part.splitlines()[0].strip("` ")
        if heading == top:
            return part
    raise AssertionError(f"docs/cli.md has no section for {top!r}")


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_and_option_is_in_the_cli_reference(path: tuple[str, ...], command: click.Command) -> None:
    section = _section(path[0])
    usage = [line for line in section.splitlines() if line.startswith(f"backup-doctor {' '.join(path)}")]
    assert usage, f"docs/cli.md shows no usage line for {' '.join(path)}"
    # A command with a section of its own may explain its options in a table; the
    # subcommands of `rules` share one section, so theirs must be in their usage line.
    where = section if len(path) == 1 else "\n".join(usage)
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            spelled = [o for o in param.opts if re.search(rf"(?<![\w-]){re.escape(o)}\b", where)]
            assert spelled, f"{' '.join(path)}: {'/'.join(param.opts)} is not documented"
    assert command.help, f"{' '.join(path)} has no help text"
