"""Standard output for the CLI: write errors that say where they happened, and text that
never stops on a character the output encoding lacks."""

from __future__ import annotations

import codecs
import io
import os
import sys
from typing import Any


class StdoutError(OSError):
    """Writing standard output failed (raised by the stream :func:`own_stdout` sets up)."""


class _StdoutFile(io.RawIOBase):
    # Python's own stdout raises a bare OSError that says nothing of where it came
    # from; this one says "standard output", so a full disk under `> out.txt` is told
    # apart from any other OSError.
    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd

    def fileno(self) -> int:
        return self._fd

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: Any) -> int:
        try:
            return os.write(self._fd, data)
        except BlockingIOError:
            raise
        except OSError as exc:
            raise StdoutError(exc.errno, exc.strerror) from None


def own_stdout() -> None:
    """Put :class:`_StdoutFile` under ``sys.stdout`` (the real one only: a test runner's
    capture is left alone), and make characters the output encoding lacks print as "?".

    Under a locale such as ja_JP.eucJP or ja_JP.SJIS (or PYTHONIOENCODING=shift_jis), a
    character the encoding lacks ("—", "①", a ticket's emoji) would otherwise stop the
    report with a traceback.
    """
    stream = sys.stdout
    if stream is None or stream is not sys.__stdout__ or not isinstance(stream, io.TextIOWrapper):
        return
    encoding = stream.encoding
    utf8 = codecs.lookup(encoding).name == "utf-8"
    try:
        fd = stream.fileno()
        stream.flush()
    except (OSError, ValueError):
        return
    raw = _StdoutFile(fd)
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(raw), encoding=encoding,
                                  errors=stream.errors if utf8 else "replace",
                                  line_buffering=stream.line_buffering, write_through=stream.write_through)


def silence_stdout() -> None:
    # What is left in the buffer would be flushed at exit and fail again, with a
    # traceback Python prints itself: standard output is pointed at /dev/null.
    try:
        fd = sys.stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        # Not a real file (a test runner's buffer): drop what it holds instead.
        pass
