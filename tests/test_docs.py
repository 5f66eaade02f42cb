"""The reference docs keep up with the code: every command, option and field is documented."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from pydantic import BaseModel

from backup_doctor.cli.app import cli
from backup_doctor.engine import FactFile, Report

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


def _models_in(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _fields(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, name) of every field, those of nested models (lists included) too."""
    for name, field in model.model_fields.items():
        yield prefix + name, name
        for sub in _models_in(field.annotation):
            yield from _fields(sub, f"{prefix}{name}.")


@pytest.mark.parametrize(("model", "doc"), [(FactFile, "facts.md"), (Report, "report.md")])
def test_every_field_is_in_its_reference(model: type[BaseModel], doc: str) -> None:
    text = (CLI_DOC.parent / doc).read_text(encoding="utf-8")
    missing = [path for path, name in _fields(model) if f"`{name}`" not in text]
    assert not missing, f"docs/{doc} does not mention: {', '.join(missing)}"


def test_the_readme_lists_every_command() -> None:
    readme = (CLI_DOC.parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [name for name in cli.commands if f"`backup-doctor {name}" not in readme]
    assert not missing, f"README's command table lacks: {', '.join(missing)}"
