"""Worker processes for ``batch --jobs N``: results in input order, no orphan, no hang.

concurrent.futures' process pool was measured to hang on Ctrl-C to the process group
(its management thread, workers that took the SIGINT too) and to leave its workers
running for minutes when the batch was killed: every worker holds both ends of the
shared task queue, so none ever sees it close. Here each worker has a socket of its
own, which only the parent holds the other end of:

* workers ignore SIGINT (Ctrl-C is the parent's to handle) and, on Linux, ask the
  kernel to kill them when the parent dies (``PR_SET_PDEATHSIG``); an idle worker
  also sees its socket close;
* the parent runs no thread: it drives every socket from one ``select`` loop without
  blocking on any of them, so a worker busy sending results never waits on a parent
  busy sending work, and a Ctrl-C is always taken in the loop that can clean up;
* whatever ends the loop (the end of the input, an exception, an interrupt, the
  consumer closing the generator), the workers are stopped and reaped before it
  returns: killed at once unless the run finished normally.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import selectors
import signal
import struct
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any

_HEADER = struct.Struct("!Q")
_READ_SIZE = 1 << 20

Handler = Callable[[Any], Any]


class WorkerDied(Exception):
    """A worker process ended without being asked to (killed, or crashed)."""


def ordered_map(chunks: Iterable[Any], setup: Callable[..., Handler], setup_args: tuple[Any, ...], *,
                jobs: int, window: int, ctx: Any) -> Generator[Any, None, None]:
    """``setup(*setup_args)`` in each of *jobs* worker processes, then the handler it
    returns applied to every chunk; the results come back in the order of *chunks*,
    with at most *window* chunks in flight. *setup* must be a module-level function
    (spawn and forkserver pickle it by name)."""
    workers: list[_Worker] = []
    finished = False
    try:
        for _ in range(jobs):
            workers.append(_Worker(ctx, setup, setup_args, [w.fd for w in workers]))
        yield from _pump(iter(chunks), workers, window)
        finished = True
    finally:
        with _signals_held():
            _stop(workers, graceful=finished)


class _Worker:
    def __init__(self, ctx: Any, setup: Callable[..., Handler], setup_args: tuple[Any, ...],
                 others: list[int]) -> None:
        mine, theirs = ctx.Pipe(duplex=True)
        # A forked child inherits the parent's end of its own socket and of every
        # earlier worker's: it closes them, or no worker would see the parent go.
        inherited = [mine.fileno(), *others] if ctx.get_start_method() == "fork" else []
        self.process = ctx.Process(target=_serve, args=(theirs, setup, setup_args, inherited), daemon=True)
        try:
            self.process.start()
        finally:
            theirs.close()
        self.conn = mine
        self.fd: int = mine.fileno()
        os.set_blocking(self.fd, False)
        self.outgoing = bytearray()
        self.incoming = bytearray()
        self.results: deque[Any] = deque()
        self.in_flight = 0

    def send(self, chunk: Any) -> None:
        payload = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
        self.outgoing += _HEADER.pack(len(payload))
        self.outgoing += payload
        self.in_flight += 1
        self.write_some()

    def write_some(self) -> None:
        try:
            sent = os.write(self.fd, self.outgoing)
        except BlockingIOError:
            return
        except OSError as exc:  # EPIPE, ECONNRESET: the worker is gone
            raise WorkerDied(str(exc)) from exc
        del self.outgoing[:sent]

    def read_some(self) -> None:
        try:
            data = os.read(self.fd, _READ_SIZE)
        except BlockingIOError:
            return
        except OSError as exc:
            raise WorkerDied(str(exc)) from exc
        if not data:
            raise WorkerDied(f"worker {self.process.pid} exited with {self.process.exitcode}")
        self.incoming += data
        while len(self.incoming) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.incoming)
            end = _HEADER.size + size
            if len(self.incoming) < end:
                break
            self.results.append(pickle.loads(memoryview(self.incoming)[_HEADER.size:end]))
            del self.incoming[:end]
            self.in_flight -= 1


def _pump(chunks: Iterator[Any], workers: list[_Worker], window: int) -> Iterator[Any]:
    order: deque[_Worker] = deque()  # the worker of each chunk in flight, in input order
    more = True
    with selectors.DefaultSelector() as sel:
        for w in workers:
            sel.register(w.fd, selectors.EVENT_READ, w)
        while True:
            while more and len(order) < window:
                # At most two chunks queued per worker: one it works on, one ready for
                # when it is done. A worker the system stalls then holds back little
                # that another could have done; the window is for putting results in order.
                worker = min(workers, key=lambda w: w.in_flight)
                if worker.in_flight >= _PER_WORKER:
                    break
                chunk = next(chunks, _END)
                if chunk is _END:
                    more = False
                    break
                worker.send(chunk)
                order.append(worker)
            if not order:
                return
            head = order[0]
            if head.results:
                order.popleft()
                yield head.results.popleft()
                continue
            for w in workers:
                sel.modify(w.fd, selectors.EVENT_READ | (selectors.EVENT_WRITE if w.outgoing else 0), w)
            for key, events in sel.select():
                w = key.data
                if events & selectors.EVENT_WRITE:
                    w.write_some()
                if events & selectors.EVENT_READ:
                    w.read_some()


_END = object()
_PER_WORKER = 2


def _stop(workers: list[_Worker], *, graceful: bool) -> None:
    for w in workers:
        w.conn.close()  # an idle worker reads the end of its socket and returns
        if not graceful:
            w.process.kill()  # it holds nothing worth saving: its results are discarded
    for w in workers:
        w.process.join(timeout=10)
        if w.process.is_alive():
            w.process.kill()
            w.process.join()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    # A second Ctrl-C must not cut the clean-up short and leave workers unreaped;
    # it is delivered (and raised) as soon as the workers are gone.
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# --------------------------------------------------------------------------- in the worker


def _serve(conn: Any, setup: Callable[..., Handler], setup_args: tuple[Any, ...], inherited: list[int]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the parent's handlers
    for fd in inherited:
        with contextlib.suppress(OSError):
            os.close(fd)
    _die_with_parent()
    fd = conn.fileno()
    handle = setup(*setup_args)
    # Results are sent by a thread of their own, so the next chunk is worked on while
    # the parent reads the last one's (some 600 kB, three times a socket's buffer):
    # sending them inline left a worker blocked a tenth of the time.
    outbox: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
    sender = threading.Thread(target=_send_all, args=(fd, outbox), daemon=True)
    sender.start()
    try:
        while (frame := _read_frame(fd)) is not None:
            payload = pickle.dumps(handle(pickle.loads(frame)), protocol=pickle.HIGHEST_PROTOCOL)
            outbox.put(_HEADER.pack(len(payload)) + payload)
    except OSError:
        os._exit(0)  # the parent went away: nobody is left to read the results
    outbox.put(None)
    sender.join()


def _send_all(fd: int, outbox: queue.Queue[bytes | None]) -> None:
    try:
        while (data := outbox.get()) is not None:
            _write_all(fd, data)
    except OSError:
        os._exit(0)  # the parent went away: nobody is left to read the results


def _die_with_parent() -> None:
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(0)


def _read_frame(fd: int) -> bytes | None:
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    return _read_exactly(fd, size)


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts: list[bytes] = []
    left = size
    while left:
        data = os.read(fd, min(left, _READ_SIZE))
        if not data:
            return None
        parts.append(data)
        left -= len(data)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
