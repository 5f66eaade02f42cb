"""``backup-doctor batch``: one JSON record per input line (see :mod:`backup_doctor.engine.batch`)."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from ..engine.errors import EngineError, InputError
from ..engine.texts import os_reason, say, say_in
from .texts import labels
from .options import EXIT_INTERRUPTED, EXIT_TERMINATED, OutputError, fail, interrupted, lang_option, rules_option

if TYPE_CHECKING:
    from ..engine.batch import BatchSummary


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    """``I/N``: shard I (1 to N) of N."""
    if value is None:
        return None
    index, slash, count = value.strip().partition("/")
    if slash and index.isdecimal() and count.isdecimal() and 1 <= int(index) <= int(count):
        return int(index), int(count)
    lang = str(ctx.meta.get("lang") or ctx.meta.get("usage_lang") or "en")
    raise click.BadParameter(labels("batch", lang)["bad_shard"].format(value=value), ctx, param)


@click.command()
@click.argument("input_file", metavar="INPUT.jsonl", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the records to this file, atomically (default: standard output); "
                   "a device or FIFO is written straight through.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (use the number of cores).")
@click.option("--shard", callback=_shard, default=None, metavar="I/N",
              help="Only the lines of shard I of N: line L when (L-1) mod N = I-1 (records keep "
                   "the input's line numbers), for one job of N (e.g. a Kubernetes Indexed Job).")
@lang_option
@rules_option
def batch(input_file: str, output: Path | None, jobs: int, shard: tuple[int, int] | None, lang: str,
          rules_dirs: tuple[Path, ...]) -> None:
    """Diagnose every line of a JSONL file (one fact file per line; - for standard input).

    Writes one JSON record per input line, in input order:
    {"line": N, "ticket": ..., "report": {...}} or, for a line that cannot be
    diagnosed, {"line": N, "ticket": ..., "error": {"code", "message", "problems"}}.
    A summary goes to stderr. Exits 0 when every line got its record (invalid lines
    included), 3 when a diagnosis failed inside the engine, 4 when the output could
    not be written, 130 on Ctrl-C and 143 on SIGTERM (-o is then left as it was).
    Shards' outputs merge back in input order with: sort -m -t: -k2,2n shard-*.jsonl
    """
    # Imported here: every other command (diagnose above all) starts without it.
    from ..engine.batch import BatchSummary, diagnose_lines, read_lines, shard_lines

    if output is not None:
        _refuse_output_naming_input(input_file, output)
    summary = BatchSummary()
    signals = _Signals()
    try:
        with signals.installed(), _input(input_file) as (stream, size), _output(output) as out:
            progress = _Progress(size, lang) if sys.stderr.isatty() else None
            lines = _reading(read_lines(stream, on_bytes=progress.bytes if progress else None), input_file)
            if shard is not None:
                lines = shard_lines(lines, *shard)
            if jobs == 1:
                lines = signals.held_while_diagnosed(lines)
            with contextlib.closing(diagnose_lines(lines, lang=lang, rules=rules_dirs, jobs=jobs)) as results:
                for result in results:
                    # Held while the record is written and counted: the line that says how
                    # many were done is then exact, and no record is cut in half.
                    signals.holding = True
                    out.write(result.record + b"\n")  # one call per line (a copy of a few KB costs less)
                    summary.add(result)
                    if progress:
                        progress.tick(summary.lines)
                    signals.deliver()
            if progress:
                progress.done()
    except (KeyboardInterrupt, _Terminated) as exc:
        code = EXIT_TERMINATED if isinstance(exc, _Terminated) else EXIT_INTERRUPTED
        message = (say("batch_interrupted_stdout", done=summary.lines) if output is None
                   else say("batch_interrupted", done=summary.lines, output=str(output)))
        interrupted(message, lang, code)
    _print_summary(summary, lang)
    if summary.failed:
        fail(EngineError(say("lines_failed", count=summary.failed)), lang)


class _Terminated(BaseException):
    """SIGTERM, raised like Ctrl-C's KeyboardInterrupt so the same clean-up runs."""


class _Signals:
    """SIGINT and SIGTERM as exceptions, held back while a line is diagnosed in this
    process (``--jobs 1``: an exception raised inside durable-rules' C code can crash
    it or be reported as an engine error) and while a record is written, so the batch
    stops between lines. A second signal while one is held is raised at once: a write
    blocked on a reader that stopped reading can still be interrupted."""

    def __init__(self) -> None:
        self.holding = False
        self.pending: int | None = None

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # signal handlers can only be set from the main thread
            return
        old = {sig: signal.signal(sig, self._handler) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in old.items():
                signal.signal(sig, handler)

    def _handler(self, signum: int, frame: object) -> None:
        if self.holding and self.pending is None:
            self.pending = signum
            return
        self.pending = None
        self._raise(signum)

    @staticmethod
    def _raise(signum: int) -> None:
        raise KeyboardInterrupt if signum == signal.SIGINT else _Terminated

    def held_while_diagnosed(self, lines: Iterable[tuple[int, bytes]]) -> Iterator[tuple[int, bytes]]:
        """*lines*, holding signals from the moment a line is handed out until
        :meth:`deliver` (called when its record is written). Reading stays
        interruptible: a batch waiting on standard input still stops."""
        for item in lines:
            self.holding = True
            yield item

    def deliver(self) -> None:
        self.holding = False
        if self.pending is not None:
            signum, self.pending = self.pending, None
            self._raise(signum)


def _refuse_output_naming_input(input_file: str, output: Path) -> None:
    # Replacing the input with the records would lose it: refused before anything is
    # read, whatever the path says (a symlink, a hard link, "-" reading the file).
    try:
        out = os.stat(output)
        inp = os.fstat(sys.stdin.fileno()) if input_file == "-" else os.stat(input_file)
    except (OSError, ValueError):
        return  # a new output, or an input that is not there: said when it is opened
    if (out.st_dev, out.st_ino) == (inp.st_dev, inp.st_ino) and stat.S_ISREG(out.st_mode):
        raise click.BadParameter(say_in(_lang(), "output_is_input"), param_hint="'-o' / '--output'")


def _lang() -> str:
    ctx = click.get_current_context(silent=True)
    return str(ctx.meta.get("lang", "en")) if ctx is not None else "en"


def _reading(lines: Iterable[tuple[int, bytes]], name: str) -> Iterator[tuple[int, bytes]]:
    # Any OSError that leaves the batch loop is then the output's (see _output).
    try:
        yield from lines
    except OSError as exc:
        raise InputError(say("cannot_read", reason=os_reason(exc)), source=name) from exc


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
        raise InputError(say("cannot_read", reason=os_reason(exc)), source=name) from exc
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
        sys.stdout.buffer.flush()  # a write error here is standard output's (see main.py)
        return
    from ..engine.batch import atomic_binary_output

    try:
        with atomic_binary_output(path) as fh:
            yield fh
    except OSError as exc:
        raise OutputError(say("cannot_write", reason=os_reason(exc)), source=str(path)) from exc


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
        label = f"{lines:,} {labels('batch', self.lang)['lines']}  {rate:,.0f}/s"
        if self.size:
            frac = min(self.read / self.size, 1.0)
            filled = int(frac * 30)
            label = f"[{'#' * filled}{'-' * (30 - filled)}] {frac:4.0%}  {label}"
        click.echo(f"\r{label}\x1b[K", nl=False, err=True)

    def done(self) -> None:
        click.echo("\r\x1b[K", nl=False, err=True)


def _print_summary(summary: BatchSummary, lang: str) -> None:
    t = labels("batch", lang)
    click.echo(t["head"].format(lines=summary.lines, diagnosed=summary.diagnosed, invalid=summary.invalid,
                                failed=summary.failed), err=True)
    top = summary.top_findings()
    if top:
        click.echo(t["top"] + " " + ", ".join(f"{fid} {n}" for fid, n in top), err=True)
    elif summary.diagnosed:
        click.echo(t["none"], err=True)

