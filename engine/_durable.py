"""The one place that talks to durable-rules.

We drive durable's C engine (``durable_rules_engine``) directly rather than through
``durable.lang``/``durable.engine.Host``, for reasons measured in
``../shared/notes/durable-rules.md``:

* ``Host`` starts two timer threads that re-arm forever and may run a session's
  pending actions on another thread; we need neither timers nor background dispatch.
* ``Promise.run`` swallows every exception an action raises into the session state;
  here an action's exception propagates, and the diagnosis fails loudly.
* ``Host`` re-asserts the session state after every action, which is what makes
  rules re-match the state fact forever; we keep no state, so we skip that call.

What stays durable's job is the whole match: the Rete network, joins between the
case fact, findings and stage sentinels, negation, and the agenda.

Speed (see docs/performance.md): facts that recur in every session (sentinels,
derived findings) are serialised once, as a :class:`Prepared` prefix the session id
is appended to; naming the rule of an activation needs no JSON parsing.

A session is reused from one diagnosis to the next: afterwards every fact it was
given is retracted, the case fact first. Creating and deleting a session per
diagnosis cost durable about as much as all its other work on it (creating one
allocates and zeroes two 4 KiB tables for every join node of the ruleset, some 150
here): 42% of a diagnosis' instructions. Retracting the case fact first means no rule
can match while the rest goes, since every rule but the end rule needs it. After
:data:`SESSION_RUNS` diagnoses the session is deleted and the next one starts anew.

Interrupted runs (docs/guarantees.md). Any exception may arrive between two bytecodes
of a run: a caller's timeout raised by a signal handler, ``KeyboardInterrupt``, a
trace hook. Nothing is cleaned up on that path, so nothing there can replace or hide
the caller's exception: the run leaves the session marked dirty, and the next run (or
:meth:`DurableRuleset.close`) deletes that session first. Deleting a session is safe
only because of :func:`_prime`: durable's ``delete_state`` frees two pointers of the
session's slot that only running an action initialises (notes, "the worst trap"), so
the slot is made clean once, when the ruleset is built, and every later session
reuses that slot (durable hands out the slot freed last, and at most one session is
alive here).
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import weakref
from collections.abc import Callable, Iterable
from typing import Any

import durable_rules_engine as _dre

from .errors import EngineError

OnFire = Callable[[str, str], Iterable["Prepared | dict[str, Any]"]]
"""Called for each activation with the rule name and the activation's JSON text
(``{"<rule>": {"<alias>": fact, ...}}``); returns facts to assert (derived findings)
while the action runs."""

_HANDLED, _NOT_HANDLED, _OBSERVED = 0, 1, 2
_instances = itertools.count()

SESSION_RUNS = 1000
"""Diagnoses one durable session serves before it is deleted and a new one started,
so whatever durable keeps per session stays bounded (tests found nothing that grows)."""

_PRIME = "prime"
"""The rule (and fact type and session) that makes the first session slot clean."""


class Prepared:
    """A fact serialised once, completed with a session id on each use."""

    __slots__ = ("_head",)

    def __init__(self, fact: dict[str, Any]) -> None:
        if "sid" in fact:
            raise ValueError("the engine sets 'sid' itself")
        text = _encode(fact)
        # The sid goes last; our sids are plain ASCII ("s123"), so no escaping is needed.
        self._head = text[:-1] + (', "sid": "' if len(fact) else '"sid": "')

    def json(self, sid: str) -> str:
        return self._head + sid + '"}'


def _rule_name(activation: str) -> str:
    # Activations look like {"r12":{...}}; rule names are ours (r<n>, "end"), never escaped.
    return activation[2:activation.index('"', 2)]


class _Owned:
    """What the finalizer frees: the ruleset and its live session (no reference back)."""

    __slots__ = ("handle", "sid", "primed")

    def __init__(self, handle: int) -> None:
        self.handle = handle
        self.sid: str | None = None
        self.primed = False


def _free(owned: _Owned) -> None:
    if owned.primed and owned.sid is not None:
        _delete_state(owned.handle, owned.sid)
    # Unprimed (building was interrupted): the session, if any, is left inside the
    # ruleset; deleting the ruleset does not touch it, so nothing is freed twice.
    _dre.delete_ruleset(owned.handle)


def _delete_state(handle: int, sid: str) -> None:
    try:
        _dre.delete_state(handle, sid)
    except _dre.error:
        # error 309: the session was never created (the run was interrupted before
        # its first fact), or an earlier attempt deleted it just before an interrupt.
        pass


class DurableRuleset:
    """One compiled ruleset inside durable-rules; run sessions on it one at a time.

    Freed by :meth:`close`, or when garbage-collected.
    """

    def __init__(self, definition: dict[str, Any]) -> None:
        self._name = f"backup-doctor-{next(_instances)}"
        definition = {**definition, _PRIME: {"all": [{"p": {"t": _PRIME}}]}}
        try:
            handle: int = _dre.create_ruleset(self._name, json.dumps(definition, ensure_ascii=False))
        except _dre.error as exc:
            raise EngineError(f"durable-rules refused the compiled rules: {exc}") from exc
        self._handle = handle
        self._owned = _Owned(handle)
        # Not at exit: the process' memory goes anyway, and durable may be half torn down.
        self._finalizer = weakref.finalize(self, _free, self._owned)
        self._finalizer.atexit = False
        try:
            _prime(handle)
        except _dre.error as exc:
            raise EngineError(f"durable-rules failed to start: {exc}") from exc
        self._owned.primed = True
        # A session is leased by the thread running its agenda, and the C library holds
        # the GIL throughout, so serialising sessions costs nothing and rules out
        # cross-thread action hand-offs.
        self._lock = threading.Lock()
        self._sids = itertools.count()
        self._sid: str | None = None
        """The session the next run uses, reused until :data:`SESSION_RUNS` runs."""
        self._runs = 0
        self._dirty = False
        """A run was interrupted: the session ``_sid`` may hold facts or a started action."""

    def run(self, facts: Iterable[Prepared | dict[str, Any]], on_fire: OnFire) -> tuple[int, int]:
        """Assert *facts* in order, each running the agenda to quiescence; then forget them.

        Every fact asserted (derived ones included) is retracted afterwards, so the
        next run starts from an empty session; the session itself is reused (see the
        module's notes). At most one session is live at a time, so the 1,024 session
        cap and 32-bit sid hash collisions cannot be reached.

        An exception that is not the engine's own (see :func:`_raised_here`) leaves
        unchanged, whatever its type; the session it interrupted is deleted by the next run.

        :returns: how many facts were asserted (derived ones included) and how many
            actions ran, for the benchmark's engine floor.
        """
        with self._lock:
            handle = self._handle
            if not handle:
                raise ValueError("this Engine is closed")
            if self._dirty:
                self._discard()
            if self._sid is None:
                self._sid = self._owned.sid = f"s{next(self._sids)}"
                self._runs = 0
            sid = self._sid
            counts = [0, 0]
            asserted: dict[str, None] = {}
            self._dirty = True
            try:
                for fact in facts:
                    self._assert(_text(fact, sid), sid, on_fire, counts, asserted)
                # In assertion order, so the case fact goes first.
                for text in asserted:
                    _dre.retract_fact(handle, text)
            except _dre.error as exc:
                raise EngineError(f"durable-rules failed: {exc}") from exc
            except MemoryError as exc:
                if not _raised_here(exc):
                    raise
                raise EngineError("durable-rules ran out of sessions or memory") from exc
            self._dirty = False
            self._runs += 1
            if self._runs >= SESSION_RUNS:
                self._discard()
            return counts[0], counts[1]

    def _assert(self, text: str, sid: str, on_fire: OnFire, counts: list[int],
                asserted: dict[str, None]) -> None:
        handle = self._handle
        counts[0] += 1
        asserted[text] = None
        code, state_handle = _dre.assert_fact(handle, text)[:2]
        if code != _HANDLED:
            # Not handled: no rule pattern mentions the fact (possible for a finding no
            # rule consumes). Observed: the same fact again. Neither changes the outcome.
            return
        result = _dre.start_action_for_state(handle, state_handle)
        activation = result[1] if result else None
        while activation:
            counts[1] += 1
            rule_name = _rule_name(activation)
            try:
                for derived in on_fire(rule_name, activation):
                    counts[0] += 1
                    derived_text = _text(derived, sid)
                    asserted[derived_text] = None
                    _dre.assert_fact(handle, derived_text)
            except Exception as exc:
                # Only a failure of our own action code is an engine error; whatever a
                # signal handler or trace hook raised while it ran is the caller's.
                if isinstance(exc, EngineError) or not _raised_here(exc):
                    raise
                raise EngineError(f"rule action {rule_name} failed: {exc!r}") from exc
            activation = _dre.complete_and_start_action(handle, state_handle)

    def _discard(self) -> None:
        # Each step may be interrupted in turn; every one can be repeated safely.
        if self._sid is not None:
            _delete_state(self._handle, self._sid)
        self._sid = self._owned.sid = None
        self._dirty = False

    def close(self) -> None:
        """Free the ruleset inside durable-rules (safe: no background thread uses it).

        Idempotent; the garbage collector does the same for a ruleset never closed.
        """
        with self._lock:
            self._handle = 0
            self._finalizer()


def _prime(handle: int) -> None:
    """Run one action in a throwaway session, then delete it, leaving its slot clean."""
    text = _encode({"t": _PRIME, "sid": _PRIME})
    state = _dre.assert_fact(handle, text)[1]
    _dre.start_action_for_state(handle, state)
    _dre.complete_and_start_action(handle, state)
    _dre.delete_state(handle, _PRIME)


_HERE = os.path.dirname(os.path.abspath(__file__))


def _raised_here(exc: BaseException) -> bool:
    """Whether *exc* was raised by code of this package (not by a handler or hook).

    A signal handler or trace function runs as a frame of its own on top of whatever
    frame was interrupted, so the innermost frame of the traceback tells whose it is.
    """
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return os.path.dirname(os.path.abspath(tb.tb_frame.f_code.co_filename)) == _HERE


def _text(fact: Prepared | dict[str, Any], sid: str) -> str:
    # A plain dict (the case fact, once per diagnosis) costs no more prepared for one use.
    return (fact if isinstance(fact, Prepared) else Prepared(fact)).json(sid)


_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
"""One encoder for every fact (``json.dumps`` builds a new one per call when given
options); facts are flat dicts we built, so the circular-reference check is skipped."""
