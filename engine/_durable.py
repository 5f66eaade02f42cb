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
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterable
from typing import Any

import durable_rules_engine as _dre

from .errors import EngineError

OnFire = Callable[[str, dict[str, Any]], Iterable[dict[str, Any]]]
"""Called for each activation with the rule name and the matched facts by alias; returns
facts to assert (derived findings) while the action runs."""

_HANDLED, _NOT_HANDLED, _OBSERVED = 0, 1, 2
_instances = itertools.count()


class DurableRuleset:
    """One compiled ruleset inside durable-rules; run sessions on it one at a time."""

    def __init__(self, definition: dict[str, Any]) -> None:
        self._name = f"backup-doctor-{next(_instances)}"
        try:
            self._handle = _dre.create_ruleset(self._name, json.dumps(definition, ensure_ascii=False))
        except _dre.error as exc:
            raise EngineError(f"durable-rules refused the compiled rules: {exc}") from exc
        # A session is leased by the thread running its agenda, and the C library holds
        # the GIL throughout, so serialising sessions costs nothing and rules out
        # cross-thread action hand-offs.
        self._lock = threading.Lock()
        self._sids = itertools.count()

    def run(self, facts: Iterable[dict[str, Any]], on_fire: OnFire) -> None:
        """Assert *facts* in order, each running the agenda to quiescence; then forget them.

        One fresh session per call, deleted afterwards, so nothing leaks from one
        diagnosis to the next. At most one session is live at a time, so the 1,024
        session cap and 32-bit sid hash collisions cannot be reached.
        """
        with self._lock:
            sid = f"s{next(self._sids)}"
            try:
                for fact in facts:
                    self._assert(dict(fact, sid=sid), on_fire)
            except EngineError:
                raise
            except _dre.error as exc:
                raise EngineError(f"durable-rules failed: {exc}") from exc
            except MemoryError as exc:
                raise EngineError("durable-rules ran out of sessions or memory") from exc
            finally:
                _dre.delete_state(self._handle, sid)

    def _assert(self, fact: dict[str, Any], on_fire: OnFire) -> None:
        code, state_handle = _dre.assert_fact(self._handle, json.dumps(fact, ensure_ascii=False))[:2]
        if code != _HANDLED:
            # Not handled: no rule pattern mentions the fact (possible for a finding no
            # rule consumes). Observed: the same fact again. Neither changes the outcome.
            return
        result = _dre.start_action_for_state(self._handle, state_handle)
        pending = json.loads(result[1]) if result else None
        while pending:
            ((rule_name, matched),) = pending.items()
            try:
                for derived in on_fire(rule_name, matched):
                    derived = dict(derived, sid=fact["sid"])
                    _dre.assert_fact(self._handle, json.dumps(derived, ensure_ascii=False))
            except BaseException as exc:
                _dre.abandon_action(self._handle, state_handle)
                if isinstance(exc, EngineError):
                    raise
                raise EngineError(f"rule action {rule_name} failed: {exc!r}") from exc
            nxt = _dre.complete_and_start_action(self._handle, state_handle)
            pending = json.loads(nxt) if nxt else None

    def close(self) -> None:
        """Free the ruleset inside durable-rules (safe: no background thread uses it)."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle is not None:
            _dre.delete_ruleset(handle)
