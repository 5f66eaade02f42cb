"""Diagnose many fact files, one JSON object per line (JSONL), without losing a line.

Every input line gives exactly one output record, in input order::

    {"line": 3, "ticket": "HD-2041", "report": {...}}
    {"line": 4, "ticket": null, "error": {"code": "fact_input_error", "message": "...", "problems": []}}

``line`` counts from 1. ``ticket`` is the fact file's ticket when it could be read,
else ``null``. ``report`` is the :class:`Report` as ``diagnose --format json`` prints
it; ``error`` carries the error's stable ``code``, its message and every
:class:`Problem` (``location``, ``message``, ``accepted``, ``suggestion``). A blank
line is an error record too, so output lines always equal input lines.

With ``jobs > 1`` the lines are diagnosed in worker *processes* (durable-rules holds
the GIL, so threads cannot use a second core); each worker builds its own
:class:`Engine` once, lines travel in chunks, and results are written in input order.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from .errors import DoctorError, EngineError, FactSchemaError, InputError
from .loader import MAX_FACT_FILE_BYTES
from .texts import in_lang, say
from .runner import Engine

# multiprocessing and tempfile are imported where they are used:
# `backup-doctor diagnose` loads this module with the CLI and should not pay for them.

Status = Literal["diagnosed", "invalid", "failed"]

_WRITE_BUFFER = 1 << 20

CHUNK_LINES = 64
"""Lines sent to a worker at a time: large enough to amortise the pipe, small enough
to keep both cores busy until the end."""


@dataclass(frozen=True)
class LineResult:
    """One output record, already serialised, with what the summary needs."""

    line: int
    record: bytes
    """The JSON record in UTF-8, without the newline."""
    status: Status
    findings: tuple[str, ...] = ()


@dataclass
class BatchSummary:
    """Counts over a whole batch."""

    lines: int = 0
    diagnosed: int = 0
    invalid: int = 0
    """Lines refused as input (bad JSON, invalid facts, blank, too long)."""
    failed: int = 0
    """Lines whose diagnosis failed inside the engine (a bug; see the records)."""
    findings: Counter[str] = field(default_factory=Counter)

    def add(self, result: LineResult) -> None:
        self.lines += 1
        if result.status == "diagnosed":
            self.diagnosed += 1
            self.findings.update(result.findings)
        elif result.status == "invalid":
            self.invalid += 1
        else:
            self.failed += 1

    def top_findings(self, n: int = 5) -> list[tuple[str, int]]:
        """The *n* most frequent findings, most frequent first (ties by id)."""
        return sorted(self.findings.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def diagnose_line(engine: Engine, number: int, raw: bytes, lang: str) -> LineResult:
    """Diagnose one JSONL line; any problem becomes an error record, never an exception."""
    body = raw.strip()
    if not body:
        return _error(number, None, InputError(say("blank_line")), lang)
    try:
        report = engine.diagnose(body, lang=lang)  # type: ignore[arg-type]
    except InputError as exc:
        ticket = _ticket_of(body) if isinstance(exc, FactSchemaError) else None
        return _error(number, ticket, exc, lang, "invalid")
    except DoctorError as exc:
        return _error(number, None, exc, lang, "failed")
    except Exception as exc:  # a bug in the engine: record it, keep the batch going
        return _error(number, None, EngineError(f"internal error: {exc!r}"), lang, "failed")
    # The report is serialised by pydantic-core (Rust), a third of the cost of dumping
    # it to Python objects and then to JSON; the record around it is ours. Records are
    # kept as UTF-8 bytes: with --jobs they cross the process pipe and reach the file
    # without being decoded and encoded again in the parent, which has one core to share.
    text = f'{{"line":{number},"ticket":{_dumps(report.ticket)},"report":{report.model_dump_json()}}}'
    return LineResult(number, text.encode("utf-8"), "diagnosed", tuple(f.id for f in report.findings))


def diagnose_lines(lines: Iterable[tuple[int, bytes]], *, lang: str = "en", rules: Sequence[str | Path] = (),
                   jobs: int = 1, engine: Engine | None = None) -> Generator[LineResult, None, None]:
    """Diagnose numbered lines, yielding one :class:`LineResult` per line, in order.

    :param jobs: worker processes; 1 diagnoses in this process (with *engine*, or
        one built from *rules*).
    """
    if jobs <= 1:
        eng = engine or Engine(rules)
        for number, raw in lines:
            yield diagnose_line(eng, number, raw, lang)
        return
    if engine is None:
        Engine(rules)  # refuse a broken rule pack here, before any worker starts
    yield from _parallel(lines, lang, tuple(str(r) for r in rules), jobs)


def read_lines(stream: IO[bytes], *, on_bytes: Callable[[int], None] | None = None) -> Iterator[tuple[int, bytes]]:
    """Number the lines of *stream* from 1; a line over the fact-file limit is cut there.

    The cut line still yields (its first ``MAX_FACT_FILE_BYTES + 1`` bytes, which the
    loader refuses as too large), and the rest of it is skipped without being kept in
    memory, so one runaway line cannot exhaust memory or shift later line numbers.
    """
    number = 0
    limit = MAX_FACT_FILE_BYTES + 1
    while True:
        raw = stream.readline(limit)
        if not raw:
            return
        if on_bytes is not None:
            on_bytes(len(raw))
        number += 1
        cut = len(raw) == limit and not raw.endswith(b"\n")
        if number == 1 and not cut:  # a cut line gets its "too large" record instead
            _refuse_json_document(raw)
        if cut:
            while True:  # skip the rest of the over-long line
                rest = stream.readline(limit)
                if on_bytes is not None:
                    on_bytes(len(rest))
                if not rest or rest.endswith(b"\n"):
                    break
        yield number, raw


def shard_lines(lines: Iterable[tuple[int, bytes]], index: int, count: int) -> Iterator[tuple[int, bytes]]:
    """The numbered *lines* of shard *index* of *count* (1-based): line N is that shard's
    when (N - 1) mod *count* == *index* - 1. Round robin rather than blocks: a shard
    needs neither the number of lines nor a second pass (standard input works), and
    tickets sorted by kind or size spread evenly over the shards. Numbers stay the
    input's, so the shards' records merge back by their ``line``."""
    for number, raw in lines:
        if (number - 1) % count == index - 1:
            yield number, raw


def _refuse_json_document(first: bytes) -> None:
    # A pretty-printed fact file, or an array of them, read as JSON Lines makes every
    # line an error record: a run that "succeeds" with nothing diagnosed. Said once,
    # before any line is diagnosed.
    body = first.strip()
    if body.startswith(b"["):
        what = "starts_json_array"
    elif body.startswith(b"{") and _incomplete_json(body):
        what = "starts_pretty_json"
    else:
        return
    raise InputError(say("not_json_lines", what=say(what)))


def _incomplete_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except json.JSONDecodeError as exc:
        return exc.pos >= len(exc.doc.rstrip())  # the line ended where the object goes on
    except (ValueError, RecursionError):
        return False
    return False


@contextmanager
def atomic_binary_output(path: str | Path) -> Iterator[IO[bytes]]:
    """Write *path* all at once, as ``batch -o`` does: records (``LineResult.record``) reach
    the final name only when the block ends well, never half written.

    * A regular file or a new path: a temporary file beside it, renamed over it when
      the block ends well; an existing file keeps its permissions (and, where this
      process may set them, its owner and group).
    * A symbolic link: the same, onto the file it names; the link stays.
    * A character device or a FIFO (``/dev/null``, ``/dev/stdout``, a pipe from the
      shell's ``>(…)``): written straight through, as the shell's ``>`` does; it is
      never replaced by a regular file.
    * Anything else (a block device, a socket): :class:`InputError`, before anything
      is written.
    """
    import stat

    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        # No O_CREAT: should the node vanish meanwhile, nothing is made in its place.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CLOEXEC), "wb", buffering=_WRITE_BUFFER) as fh:
            yield fh
        return
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise InputError(say("output_not_writable_kind"), source=str(path))
    yield from _replace_atomically(Path(os.path.realpath(path)), st)


def _replace_atomically(target: Path, old: os.stat_result | None) -> Iterator[IO[bytes]]:
    fd = _unnamed_file(target.parent)
    tmp: Path | None = None
    if fd is None:  # no O_TMPFILE here: a named file, which only a SIGKILL can leave behind
        import tempfile

        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        tmp = Path(name)
    try:
        # A 1 MiB buffer: a batch writes some 9 KB per line, and with the default 8 KiB
        # buffer every line was a system call, in a process that shares its core.
        with os.fdopen(fd, "wb", buffering=_WRITE_BUFFER) as fh:
            _take_mode(fh.fileno(), old)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
            if tmp is None:
                # The unnamed file gets a name only now, for the moment of the rename.
                tmp = target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp"
                _name(fh.fileno(), tmp)
        os.replace(tmp, target)
    except BaseException:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise


def _name(fd: int, path: Path) -> None:
    # linkat(AT_SYMLINK_FOLLOW) of /proc/self/fd/N is how an O_TMPFILE file gets a name;
    # os.link() calls plain link() unless a dir_fd is given, and link() does not follow
    # the /proc link (EXDEV), hence the descriptor of /proc/self.
    proc = os.open("/proc/self", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.link(f"fd/{fd}", path, src_dir_fd=proc, follow_symlinks=True)
    finally:
        os.close(proc)


def _take_mode(fd: int, old: os.stat_result | None) -> None:
    # The output gets the mode the file it replaces had (and, where this process may
    # set them, its owner and group), else the one any new file would get: a temporary
    # file starts private (0600).
    if old is None:
        os.fchmod(fd, 0o666 & ~_umask())
        return
    os.fchmod(fd, old.st_mode & 0o7777)
    if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        try:
            os.fchown(fd, old.st_uid, old.st_gid)
        except PermissionError:
            pass


def _unnamed_file(folder: Path) -> int | None:
    """A file in *folder* with no name (Linux's ``O_TMPFILE``), or None where the system
    or the filesystem cannot make one. Should the process be killed (even by SIGKILL),
    the kernel frees it: nothing is ever left beside the output."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return None
        raise


def _umask() -> int:
    # Read, not set: os.umask() can only be read by changing it, which races with
    # other threads creating files.
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


# --------------------------------------------------------------------------- records


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _error(number: int, ticket: str | None, exc: DoctorError, lang: str, status: Status = "invalid") -> LineResult:
    if isinstance(exc, EngineError):
        status = "failed"
    error = {
        "code": exc.code,
        "message": in_lang(exc.message, lang),
        "problems": [p.to_dict(lang) for p in exc.problems],
    }
    record = {"line": number, "ticket": ticket, "error": error}
    try:
        data = _dumps(record).encode("utf-8")
    except UnicodeEncodeError:
        # JSON may spell a lone surrogate ("\\ud800"), which no UTF-8 text can hold;
        # validation refuses it, and the error record echoes it back escaped.
        data = json.dumps(record, separators=(",", ":")).encode("ascii")
    return LineResult(number, data, status)


def _ticket_of(body: bytes) -> str | None:
    # Only called when the line was valid JSON (the facts broke the model), so this
    # parse is safe; a ticket that is not text is not echoed.
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    ticket = data.get("ticket") if isinstance(data, dict) else None
    return ticket.strip()[:200] if isinstance(ticket, str) else None


# --------------------------------------------------------------------------- processes


def _worker_setup(rules: tuple[str, ...], lang: str) -> Callable[[list[tuple[int, bytes]]], list[LineResult]]:
    engine = Engine(rules)

    def work(chunk: list[tuple[int, bytes]]) -> list[LineResult]:
        return [diagnose_line(engine, n, raw, lang) for n, raw in chunk]
    return work


def _chunks(lines: Iterable[tuple[int, bytes]], size: int) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for item in lines:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _context() -> Any:
    # fork when this process runs no other thread (the CLI never does): the workers
    # start with the engine already imported, ~0.25 s sooner than through a server.
    # Forking a process that has threads can deadlock a child on a lock another thread
    # held, so with threads about (a host application embedding us) workers come from
    # forkserver: a clean single-threaded server that has imported the engine. Spawn
    # where the platform has neither. Linux only: on macOS system libraries are not
    # fork-safe, which is why Python itself stopped forking there.
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context("spawn")


def _parallel(lines: Iterable[tuple[int, bytes]], lang: str, rules: tuple[str, ...], jobs: int) -> Iterator[LineResult]:
    # A bounded window of chunks in flight keeps memory flat on huge inputs while
    # results still come back in order; see _pool for how interrupts are handled.
    from ._pool import WorkerDied, ordered_map

    results = ordered_map(_chunks(lines, CHUNK_LINES), _worker_setup, (rules, lang), jobs=jobs,
                          window=jobs * 4, ctx=_context())
    try:
        for chunk in results:
            yield from chunk
    except WorkerDied as exc:
        raise EngineError(say("worker_died")) from exc
    finally:
        results.close()  # stops the workers now, whatever ended the loop
