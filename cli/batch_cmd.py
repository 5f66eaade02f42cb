"""``backup-doctor batch``: one JSON record per input line (see :mod:`backup_doctor.engine.batch`)."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from ..engine.errors import EngineError, InputError
from ..engine.texts import say
from .main import cli, fail, lang_option, rules_option

if TYPE_CHECKING:
    from ..engine.batch import BatchSummary

_SUMMARY = {
    "en": {"head": "{lines} lines: {diagnosed} diagnosed, {invalid} invalid, {failed} failed",
           "top": "most frequent findings:", "none": "no findings", "lines": "lines"},
    "ja": {"head": "{lines} 行: 診断 {diagnosed} 件、入力エラー {invalid} 件、失敗 {failed} 件",
           "top": "多かった原因:", "none": "原因の検出はありません", "lines": "行"},
}


@cli.command()
@click.argument("input_file", metavar="INPUT.jsonl", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Write the records to this file, atomically (default: standard output).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (use the number of cores).")
@lang_option
@rules_option
def batch(input_file: str, output: Path | None, jobs: int, lang: str, rules_dirs: tuple[Path, ...]) -> None:
    """Diagnose every line of a JSONL file (one fact file per line; - for standard input).

    Writes one JSON record per input line, in input order:
    {"line": N, "ticket": ..., "report": {...}} or, for a line that cannot be
    diagnosed, {"line": N, "ticket": ..., "error": {"code", "message", "problems"}}.
    A summary goes to stderr. Exits 0 when every line got its record (invalid lines
    included), 3 when a diagnosis failed inside the engine.
    """
    # Imported here: every other command (diagnose above all) starts without it.
    from ..engine.batch import BatchSummary, diagnose_lines, read_lines

    summary = BatchSummary()
    with _input(input_file) as (stream, size), _output(output) as out:
        progress = _Progress(size, lang) if sys.stderr.isatty() else None
        lines = read_lines(stream, on_bytes=progress.bytes if progress else None)
        for result in diagnose_lines(lines, lang=lang, rules=rules_dirs, jobs=jobs):
            out.write(result.record + b"\n")  # one call per line (a copy of a few KB costs less)
            summary.add(result)
            if progress:
                progress.tick(summary.lines)
        if progress:
            progress.done()
    _print_summary(summary, lang)
    if summary.failed:
        fail(EngineError(say("lines_failed", count=summary.failed)), lang)


@contextlib.contextmanager
def _input(name: str) -> Iterator[tuple[IO[bytes], int | None]]:
    if name == "-":
        yield sys.stdin.buffer, None
        return
    try:
        fh = open(name, "rb")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        raise InputError(say("file_not_found"), source=name) from None
    except OSError as exc:
        raise InputError(say("cannot_read", reason=exc.strerror), source=name) from exc
    with fh:
        try:
            size: int | None = os.fstat(fh.fileno()).st_size or None
        except OSError:
            size = None
        yield fh, size


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[IO[bytes]]:
    if path is None:
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    from ..engine.batch import atomic_binary_output

    with contextlib.ExitStack() as stack:
        try:
            fh = stack.enter_context(atomic_binary_output(path))
        except OSError as exc:
            raise InputError(say("cannot_write", reason=exc.strerror), source=str(path)) from exc
        yield fh


class _Progress:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""

    def __init__(self, size: int | None, lang: str) -> None:
        self.size, self.read, self.lang = size, 0, lang
        self.start = self.last = time.monotonic()

    def bytes(self, n: int) -> None:
        self.read += n

    def tick(self, lines: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < 0.1:
            return
        self.last = now
        rate = lines / max(now - self.start, 1e-9)
        label = f"{lines:,} {_SUMMARY[self.lang]['lines']}  {rate:,.0f}/s"
        if self.size:
            frac = min(self.read / self.size, 1.0)
            filled = int(frac * 30)
            label = f"[{'#' * filled}{'-' * (30 - filled)}] {frac:4.0%}  {label}"
        click.echo(f"\r{label}\x1b[K", nl=False, err=True)

    def done(self) -> None:
        click.echo("\r\x1b[K", nl=False, err=True)


def _print_summary(summary: BatchSummary, lang: str) -> None:
    t = _SUMMARY[lang]
    click.echo(t["head"].format(lines=summary.lines, diagnosed=summary.diagnosed, invalid=summary.invalid,
                                failed=summary.failed), err=True)
    top = summary.top_findings()
    if top:
        click.echo(t["top"] + " " + ", ".join(f"{fid} {n}" for fid, n in top), err=True)
    elif summary.diagnosed:
        click.echo(t["none"], err=True)

