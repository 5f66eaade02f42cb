"""The engine: rule packs compiled once, then one :meth:`Engine.diagnose` per ticket."""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Sequence
from pathlib import Path

from .assemble import Tracer, assemble
from .case import build_case
from .compile import sentinels
from .loader import FactsInput, parse_facts
from .report import Lang, Report
from .rulebase import CompiledRule, RuleBase, load_rulebase
from ._durable import DurableRuleset, Prepared


class Engine:
    """Rule packs loaded, checked and compiled into durable-rules once; safe to share.

    :param rules: folders of custom rule packs, added beside the built-in pack.
    :param builtin: load the built-in pack (default true).

    ``diagnose`` may be called from many threads at once: the rule runs are serialised
    inside the engine, each on a durable-rules session that holds no fact before it
    starts and none after it ends.
    """

    def __init__(self, rules: Sequence[str | Path] = (), *, builtin: bool = True) -> None:
        self.rulebase: RuleBase = load_rulebase(rules, builtin=builtin)
        self._ruleset = DurableRuleset(self.rulebase.durable_definition())
        self._by_name = self.rulebase.by_name()
        # Serialised once: the sentinels and each rule's derived findings are the same
        # in every run, only the session id changes.
        self._tail = [Prepared(fact) for fact in sentinels(self.rulebase.strata)]
        self._derived = {
            name: tuple(Prepared({"t": "finding", "id": f"finding:{c.finding}", "name": c.finding})
                        for c in compiled.rule.then if c.finding)
            for name, compiled in self._by_name.items()
        }

    def diagnose(self, facts: FactsInput, *, lang: Lang = "en", explain: bool = False,
                 tracer: Tracer | None = None) -> Report:
        """Diagnose one fact file (a :class:`FactFile`, a dict, or JSON text).

        :param explain: fill ``Report.trace`` with every rule that fired and why.
        :param tracer: called with each :class:`TraceEvent`, in order.
        :raises InputError: the facts are not valid (every problem is listed).
        :raises EngineError: the rules failed to run (a bug, not bad input).
        """
        if lang not in ("en", "ja"):
            raise ValueError(f"lang must be 'en' or 'ja', not {lang!r}")
        parsed = parse_facts(facts)
        today = parsed.today or _dt.date.today()
        case = build_case(parsed, self.rulebase.knowledge, self.rulebase.case_encoders, today)
        firings: list[CompiledRule] = []
        by_name, derived = self._by_name, self._derived

        def on_fire(name: str, activation: str) -> tuple[Prepared, ...]:
            # The activation's matched facts are the case fact and findings we asserted;
            # explanations read the same values from the case, so it is not decoded.
            compiled = by_name.get(name)
            if compiled is None:  # the end rule
                return ()
            firings.append(compiled)
            return derived[name]

        self._ruleset.run([case.engine, *self._tail], on_fire)
        return assemble(self.rulebase, case, firings, lang, explain=explain, tracer=tracer)

    def close(self) -> None:
        """Release the compiled rules inside durable-rules."""
        self._ruleset.close()


_default: Engine | None = None
_default_lock = threading.Lock()


def default_engine() -> Engine:
    """The process-wide engine with the built-in rules, built on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Engine()
        return _default


def diagnose(facts: FactsInput, *, lang: Lang = "en", explain: bool = False, rules: Sequence[str | Path] = (),
             tracer: Tracer | None = None) -> Report:
    """Diagnose one fact file with the built-in rules (plus *rules* folders, if given).

    With custom *rules* a new :class:`Engine` is built for the call; build one yourself
    and reuse it when diagnosing many tickets.
    """
    engine = Engine(rules) if rules else default_engine()
    return engine.diagnose(facts, lang=lang, explain=explain, tracer=tracer)
