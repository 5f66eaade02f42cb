"""Three-valued reading of one rule's conditions against a case: for questions and why-not.

The diagnosis itself is decided in durable-rules; this module only *explains* it:
which condition of a rule holds, fails, or cannot be judged because a fact is
unknown. Each condition is compiled once into a predicate over the case fact as
durable sees it (encoded values, unknown fields absent), so the Python reading uses
the same values and the same comparisons as the engine. ``tests/test_engine_agrees.py``
checks that the two agree on every rule.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from .fields import FieldRegistry, encode
from .packfile import Condition

Truth = bool | None
"""True: holds; False: fails; None: unknown (a fact it needs is unknown)."""

PredicateFn = Callable[[Mapping[str, Any], Collection[str]], Truth]
"""``(encoded case, findings) -> verdict``."""


@dataclass(frozen=True)
class Predicate:
    test: PredicateFn
    paths: tuple[str, ...]
    """The fact paths the condition reads; those absent from the case make it unknown."""

    def unknown(self, encoded: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(p for p in self.paths if p not in encoded)


@dataclass(frozen=True)
class ConditionResult:
    condition: Condition
    verdict: Truth
    unknown: tuple[str, ...]
    """The fact paths whose being unknown left the verdict open."""


def predicate_of(cond: Condition, registry: FieldRegistry) -> Predicate:
    """A predicate for *cond*; it reads encoded values (see :func:`fields.encode`)."""
    if cond.finding is not None:
        wanted = cond.finding
        return Predicate(lambda e, fs: wanted in fs, ())
    if cond.not_finding is not None:
        unwanted = cond.not_finding
        return Predicate(lambda e, fs: unwanted not in fs, ())
    if cond.any is not None:
        subs = [predicate_of(s, registry) for s in cond.any]

        def any_of(e: Mapping[str, Any], fs: Collection[str]) -> Truth:
            verdicts = [s.test(e, fs) for s in subs]
            return True if True in verdicts else None if None in verdicts else False

        return Predicate(any_of, tuple(p for s in subs for p in s.paths))

    path = cond.fact
    spec = registry.get(path) if path is not None else None
    assert path is not None and spec is not None, "conditions are checked when the pack loads"
    op, value = cond.operator, cond.value
    holds = op.python
    if op.operand == "bool":
        want = bool(cond.known)
        # Never unknown: whether a fact is known is itself known.
        return Predicate(lambda e, fs: holds(path in e, want), (path,))
    if isinstance(value, dict):
        other = str(value["fact"])

        def against_fact(e: Mapping[str, Any], fs: Collection[str]) -> Truth:
            left, right = e.get(path), e.get(other)
            return None if left is None or right is None else holds(left, right)

        return Predicate(against_fact, (path, other))
    right = frozenset(encode(spec, v) for v in value) if op.operand == "list" else encode(spec, value)

    def against_value(e: Mapping[str, Any], fs: Collection[str]) -> Truth:
        left = e.get(path)
        return None if left is None else holds(left, right)

    return Predicate(against_value, (path,))


def evaluate(cond: Condition, values: Mapping[str, Any], findings: Collection[str],
             registry: FieldRegistry) -> ConditionResult:
    """Judge *cond* against readable *values* (``Case.values``); for explanations."""
    compiled = predicate_of(cond, registry)
    encoded = {p: encode(spec, values[p]) for p in compiled.paths
               if p in values and (spec := registry.get(p)) is not None}
    verdict = compiled.test(encoded, findings)
    return ConditionResult(cond, verdict, compiled.unknown(encoded) if verdict is None else ())
