"""One :class:`Engine` per worker process, built when the worker starts.

The rules are compiled in a background thread, so the process answers
``/health/live`` at once; ``/health/ready`` (and ``/v1``) wait until the engine is
built *and* has diagnosed a shipped example, the same check a helpdesk would make.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar

from .problems import ProblemError

if TYPE_CHECKING:
    from ...engine.runner import Engine

_log = logging.getLogger("uvicorn.error")

T = TypeVar("T")

SELF_TEST = "tethering-free-tier-migrate"
"""The example diagnosed before the worker says it is ready, and the finding it must give."""
SELF_TEST_FINDING = "network-unstable"

INLINE_MAX_BYTES = 16 << 10
"""A diagnosis of a body this small runs on the event loop itself when the thread is idle.

Handing work to the thread and back (a futex wake, two GIL hand-overs, a wake-up of
the event loop) cost ~0.2 ms of CPU, close to the diagnosis itself (~0.25 ms for a
shipped example). The fact model caps every list and text, so a body up to 16 KiB
diagnoses in a few milliseconds at worst (5 ms measured for 400 unknown keys), no
longer than the loop already waits for the GIL behind the thread; a batch, or any
larger body, still goes to the thread."""


def examples() -> dict[str, dict[str, Any]]:
    """``examples/facts/*.json`` as shipped inside the package (``examples.json``)."""
    text = resources.files(__package__).joinpath("examples.json").read_text(encoding="utf-8")
    data: dict[str, dict[str, Any]] = json.loads(text)
    return data


class EngineHolder:
    """Builds the engine once, checks it, and hands it out when it is ready."""

    def __init__(self) -> None:
        self._engine: Engine | None = None
        self._ready = threading.Event()
        # One thread: the engine serialises its rule runs anyway, and a plain executor
        # hands work over with less ceremony (and fewer GIL hand-overs) than anyio's
        # thread pool, which cost ~0.2 ms of CPU a request here.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backup-doctor-diagnose")
        self._queued = 0
        """Works handed to the thread and not finished yet."""

    async def run(self, work: Callable[[], T], small: bool = False) -> T:
        """*work* on the diagnosis thread, off the event loop; requests queue in order.

        *small* work (see :data:`INLINE_MAX_BYTES`) runs on the event loop at once when
        nothing waits for the thread: it would not wait behind a batch, nor contend for
        the engine's lock with one.
        """
        if small and not self._queued:
            return work()
        self._queued += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, work)
        finally:
            self._queued -= 1

    def start(self) -> None:
        threading.Thread(target=self._build, name="backup-doctor-engine", daemon=True).start()

    def _build(self) -> None:
        try:
            from ...engine.runner import Engine  # here: the engine loads in the worker, after start-up

            engine = Engine()
            report = engine.diagnose(examples()[SELF_TEST])
            if SELF_TEST_FINDING not in {f.id for f in report.findings}:
                raise RuntimeError(f"self-test: {SELF_TEST} did not give {SELF_TEST_FINDING}")
        except Exception:  # the worker stays alive but never ready (503); the log says why
            _log.exception("the engine could not be built; /health/ready stays 503")
            return
        self._engine = engine
        self._ready.set()
        _log.info("engine built and checked; ready")

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def wait(self, timeout: float) -> bool:
        return self._ready.wait(timeout)

    def engine(self, lang: str) -> Engine:
        """The engine, or a ``not_ready`` problem (503) while it is being built."""
        if self._engine is None:
            error = ProblemError.of("not_ready", lang)
            error.headers["Retry-After"] = "1"
            raise error
        return self._engine

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        if self._engine is not None:
            self._engine.close()
