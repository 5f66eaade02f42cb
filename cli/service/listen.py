"""Runs uvicorn; with several workers on Linux, each worker listens on a socket of its own.

uvicorn's supervisor binds one socket and every worker accepts from it: whichever
wakes first takes every connection waiting (uvloop accepts them all at once). In
twelve trials, 32 connections opened together were split 32/0, 0/32, 30/2 ... 16/16
between two workers, and a worker holding most of them runs on one core while the
other idles (docs/performance.md). With ``SO_REUSEPORT`` each worker listens on a
socket of its own bound to the same address, and Linux shares new connections out
over them by their addresses, as it does for nginx's ``reuseport``.

How, without changing uvicorn: ``serve`` binds a :class:`ReusePortSocket` (it never
listens itself) and hands it to uvicorn's supervisor as usual. The supervisor sends
it to each worker it starts (a spawned process, so the socket is pickled), and the
reducer registered here makes the worker bind a new socket to the same address
instead of receiving a copy; a worker started again after a crash gets its own the
same way. Were the socket ever passed without pickling, the workers would share it,
as they do without this module. One difference: connections still waiting in the
queue of a worker that exits are reset, where the other worker would have taken them.
"""

from __future__ import annotations

import inspect
import logging
import socket
import sys
from multiprocessing.reduction import ForkingPickler
from typing import Any

_log = logging.getLogger("uvicorn.error")


class ReusePortSocket(socket.socket):
    """A bound socket that each worker process receives as a new socket on the same address."""


def _bound(family: int, address: Any, cls: type[socket.socket] = socket.socket) -> socket.socket:
    sock = cls(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def _reduce(sock: ReusePortSocket) -> tuple[Any, tuple[int, Any]]:
    return _bound, (int(sock.family), sock.getsockname())


ForkingPickler.register(ReusePortSocket, _reduce)


def own_sockets(workers: int) -> bool:
    """Whether workers get sockets of their own: several workers, on Linux (elsewhere
    ``SO_REUSEPORT`` does not share connections out, or is missing)."""
    return workers > 1 and sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def run(app: str, *, host: str, port: int, workers: int, **options: Any) -> None:
    """``uvicorn.run(app, factory=True, ...)``, with a socket per worker where :func:`own_sockets`."""
    import uvicorn

    if not own_sockets(workers):
        uvicorn.run(app, factory=True, host=host, port=port, workers=workers, **options)
        return
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(app, factory=True, host=host, port=port, workers=workers, **options)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = _bound(family, (host, port), ReusePortSocket)
    except OSError as exc:  # as uvicorn does: the reason, and its start-up failure status
        _log.error(exc)
        sys.exit(3)
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    _log.info("Uvicorn running on http://%s:%d (Press CTRL+C to quit)", shown, sock.getsockname()[1])
    # Older uvicorn releases also take the function each worker runs.
    extra = {"target": uvicorn.Server(config).run} if "target" in inspect.signature(Multiprocess).parameters else {}
    try:
        Multiprocess(config, sockets=[sock], **extra).run()
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
