"""The engine: rule packs compiled once, then one :meth:`Engine.diagnose` per ticket."""

from __future__ import annotations

import datetime as _dt
import os
import threading
from collections import OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from .report.assemble import Tracer, assemble
from .report.declined import check_declined
from .report.case import Case, build_case
from .rulebase.to_durable import sentinels
from .loader import FactsInput, parse_facts
from .report.model import Lang, Report
from .report.placeholders import default_region
from .report.plans import Plans, build_plans
from .rulebase.load import CompiledRule, RuleBase, load_rulebase
from ._durable import DurableRuleset, Prepared


@dataclass(frozen=True)
class Run:
    """One fact file's rule run: the case durable-rules matched, and the rules that fired
    in the order they fired."""

    case: Case
    fired: tuple[CompiledRule, ...]


class Engine:
    """Rule packs loaded, checked and compiled into durable-rules once; safe to share.

    :param rules: folders of custom rule packs, added beside the built-in pack.
    :param builtin: load the built-in pack (default true).
    :param region: the shop's country (``"JP"``, ``"US"``, either case), for the prices
        and currency of reports whose fact file gives no ``region``. When None, the
        environment variable ``BACKUP_DOCTOR_REGION``, read once here; when neither,
        the report language's country.
    :raises ConfigError: *region* (or the variable) is not a region with prices.

    ``diagnose`` may be called from many threads at once: the rule runs are serialised
    inside the engine, each on a durable-rules session that holds no fact before it
    starts and none after it ends.

    The compiled rules live inside durable-rules (about 2.6 MiB): :meth:`close`, or
    leaving a ``with Engine() as engine:`` block, frees them at once, and the garbage
    collector frees them for an engine that is dropped without being closed.
    """

    def __init__(self, rules: Sequence[str | Path] = (), *, builtin: bool = True, region: str | None = None) -> None:
        self.rulebase: RuleBase = load_rulebase(rules, builtin=builtin)
        self.region: str | None = default_region(region, self.rulebase.knowledge.regions)
        """The default region (upper case), or None: the report language's country."""
        # What every report needs from the rules alone, worked out once and handed over.
        self.plans: Plans = build_plans(self.rulebase)
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
                 tracer: Tracer | None = None, declined: Collection[str] = ()) -> Report:
        """Diagnose one fact file (a :class:`FactFile`, a dict, or JSON text).

        :param explain: fill ``Report.trace`` with every rule that fired and why.
        :param tracer: called with each :class:`TraceEvent`, in order.
        :param declined: fact-file fields the customer cannot answer (``"network.wifi_kind"``):
            they stay unknown and are not asked again (SPEC §4).
        :raises InputError: the facts are not valid (every problem is listed), or
            *declined* names a field the fact file does not have.
        :raises EngineError: the rules failed to run (a bug, not bad input).
        :raises ValueError: the engine is closed.

        An exception raised into the call from outside (``KeyboardInterrupt``, a
        timeout raised by a signal handler, anything a trace hook raises) comes out
        unchanged, and the engine stays usable: the next call gives the right report.
        """
        if lang not in ("en", "ja"):
            raise ValueError(f"lang must be 'en' or 'ja', not {lang!r}")
        declined = check_declined(declined)
        return self.report(self.run(facts), lang, explain=explain, tracer=tracer, declined=declined)

    def run(self, facts: FactsInput) -> Run:
        """The rule run of one fact file: its case and the rules that fired, in order.

        Internal (not in ``__all__``): why-not and rule tests read what fired from here
        rather than from a report's trace. Raises as :meth:`diagnose` does.
        """
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

        self._ruleset.run([case.durable_fact, *self._tail], on_fire)
        return Run(case, tuple(firings))

    def report(self, run: Run, lang: Lang = "en", *, explain: bool = False, tracer: Tracer | None = None,
               declined: Collection[str] = ()) -> Report:
        """The report of a :meth:`run`, in *lang*."""
        return assemble(self.rulebase, self.plans, run.case, run.fired, lang, explain=explain, tracer=tracer,
                        declined=declined, region=self.region)

    def close(self) -> None:
        """Free the compiled rules inside durable-rules; later calls raise ``ValueError``.

        Closing twice is harmless. A call running in another thread finishes first.
        """
        self._ruleset.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


_default: Engine | None = None
_default_lock = threading.Lock()


def default_engine() -> Engine:
    """The process-wide engine with the built-in rules, built on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Engine()
        return _default


CACHED_ENGINES = 4
"""Engines with custom rules that :func:`diagnose` keeps for reuse, the most recent ones."""

_cache: OrderedDict[tuple[object, ...], Engine] = OrderedDict()
_cache_lock = threading.Lock()


def diagnose(facts: FactsInput, *, lang: Lang = "en", explain: bool = False, rules: Sequence[str | Path] = (),
             tracer: Tracer | None = None, declined: Collection[str] = ()) -> Report:
    """Diagnose one fact file with the built-in rules (plus *rules* folders, if given).

    With custom *rules*, the engine built for them is kept and reused while the
    folders and their files are unchanged (same names, sizes and modification times);
    at most :data:`CACHED_ENGINES` such engines are kept, the least recently used is
    dropped (and freed once no call uses it). A service should still build its
    :class:`Engine` once and keep it.
    """
    engine = _cached_engine(rules) if rules else default_engine()
    return engine.diagnose(facts, lang=lang, explain=explain, tracer=tracer, declined=declined)


def _cached_engine(rules: Sequence[str | Path]) -> Engine:
    key = tuple(_fingerprint(Path(d)) for d in rules)
    with _cache_lock:
        engine = _cache.get(key)
        if engine is not None:
            _cache.move_to_end(key)
            return engine
    # Built outside the lock: building takes tens of milliseconds, and two threads that
    # race here just build one engine each, the second one kept.
    engine = Engine(rules)
    with _cache_lock:
        _cache[key] = engine
        while len(_cache) > CACHED_ENGINES:
            # Not closed: another thread may be diagnosing with it; the garbage
            # collector frees it when the last call using it has returned.
            _cache.popitem(last=False)
    return engine


def _fingerprint(folder: Path) -> tuple[object, ...]:
    """The folder and what its files look like from the outside: cheap, and it changes
    whenever a pack is added, removed, replaced or edited."""
    try:
        resolved = folder.resolve()
        with os.scandir(resolved) as entries:
            files = sorted((e.name, e.inode(), *_stat(e)) for e in entries)
    except OSError:
        # Not a folder: Engine() says so, in the user's language.
        return (str(folder),)
    return (str(resolved), *files)


def _stat(entry: os.DirEntry[str]) -> tuple[int, int]:
    try:
        st = entry.stat()
    except OSError:  # a dangling link: Engine() reports it, if it is a pack
        return -1, -1
    return st.st_size, st.st_mtime_ns
