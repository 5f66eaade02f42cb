"""Compile checked rules into durable-rules' JSON ruleset.

Every pattern starts with a test on ``t`` (the fact type), so the Rete's root has few
children (durable loops forever past 512 tests on one node); every field test first
requires the field to exist; negations come after a positive pattern; rules of a
higher stratum also wait for their ``stage`` sentinel (see ``load.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .fields import FieldRegistry, encode
from .operators import OPERATORS
from .packfile import Condition

if TYPE_CHECKING:
    from .load import CompiledRule

def durable_definition(rules: Iterable[CompiledRule], registry: FieldRegistry, strata: int) -> dict[str, Any]:
    """The ruleset as durable-rules' JSON (see ``engine/_durable.py``)."""
    out: dict[str, Any] = {compiled.name: {"all": _compile_rule(compiled, registry)} for compiled in rules}
    # Always fires: guarantees an action ran in every session (durable's delete_state
    # frees uninitialised memory otherwise). It waits for the last of the sentinels.
    out["end"] = {"all": [{"e": {"$and": [{"t": "stage"}, {"n": strata}]} if strata else {"t": "end"}}]}
    return out


def sentinels(strata: int) -> list[dict[str, Any]]:
    """The facts asserted after the case fact, in order: one ``stage`` sentinel per
    stratum, which the rules of that stratum and the end rule wait for; without strata,
    an ``end`` fact for the end rule alone."""
    return [{"t": "stage", "id": f"stage:{n}", "n": n} for n in range(1, strata + 1)] or [{"t": "end", "id": "end"}]


def _compile_test(cond: Condition, registry: FieldRegistry) -> dict[str, Any]:
    path = cond.fact
    assert path is not None
    spec = registry.get(path)
    assert spec is not None
    op, value = cond.operator, cond.value
    if op.operand == "bool":
        tests = op.durable(path, cond.known)
        return tests[0] if len(tests) == 1 else {"$and": tests}
    # Every test first requires the field to exist: durable treats a missing right-hand
    # field as a match, and unknown must never satisfy a rule.
    tests = [{"$ex": {path: 1}}]
    if isinstance(value, dict):
        other = str(value["fact"])
        tests.append({"$ex": {other: 1}})
        tests.extend(op.durable(path, {"$m": other}))
    elif op.name == "in" and spec.kind == "enum":
        # The same test, written as the values it leaves out (an enum's value is always
        # one of its values): an $or makes a node of its own for every rule, all of them
        # pushed on durable's evaluation stack of 64 (see network.py), while these
        # tests are shared by every rule that leaves out the same values.
        tests.extend(OPERATORS["not_in"].durable(path, [v for v in spec.values if v not in value]))
    elif op.operand == "list":
        tests.extend(op.durable(path, [encode(spec, v) for v in value]))
    else:
        tests.extend(op.durable(path, encode(spec, value)))
    return {"$and": tests} if len(tests) > 1 else tests[0]


def _compile_rule(compiled: CompiledRule, registry: FieldRegistry) -> list[dict[str, Any]]:
    case_tests: list[dict[str, Any]] = [{"t": "case"}]
    patterns: list[dict[str, Any]] = []
    for i, cond in enumerate(compiled.rule.when):
        if cond.any is not None:
            case_tests.append({"$or": [_compile_test(sub, registry) for sub in cond.any]})
        elif cond.fact is not None:
            case_tests.append(_compile_test(cond, registry))
        elif cond.finding is not None:
            patterns.append({f"f{i}": {"$and": [{"t": "finding"}, {"name": cond.finding}]}})
        else:
            patterns.append({f"n{i}$not": {"$and": [{"t": "finding"}, {"name": cond.not_finding}]}})
    head = [{"k": {"$and": case_tests}}]
    if compiled.stratum:
        head.append({"st": {"$and": [{"t": "stage"}, {"n": compiled.stratum}]}})
    # Negations last: durable needs a positive pattern before a $not.
    patterns.sort(key=lambda p: "$not" in next(iter(p)))
    return head + patterns
