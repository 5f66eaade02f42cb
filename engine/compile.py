"""Compile checked rules into durable-rules' JSON ruleset.

Every pattern starts with a test on ``t`` (the fact type), so the Rete's root has few
children (durable loops forever past 512 tests on one node); every field test first
requires the field to exist; negations come after a positive pattern; rules of a
higher stratum also wait for their ``stage`` sentinel (see ``rulebase.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .fields import FieldRegistry, encode
from .packs import Condition

if TYPE_CHECKING:
    from .rulebase import CompiledRule

_DURABLE_OP = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte", "is_not": "$neq"}


def durable_definition(rules: Iterable[CompiledRule], registry: FieldRegistry, strata: int) -> dict[str, Any]:
    """The ruleset as durable-rules' JSON (see ``_durable.py``)."""
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
    op = cond.op
    if op == "known":
        return {"$ex" if cond.known else "$nex": {path: 1}}
    # Every test first requires the field to exist: durable treats a missing right-hand
    # field as a match, and unknown must never satisfy a rule.
    tests: list[dict[str, Any]] = [{"$ex": {path: 1}}]
    value = cond.value
    if isinstance(value, dict):
        other = str(value["fact"])
        tests.append({"$ex": {other: 1}})
        ref = {"$m": other}
        tests.append({path: ref} if op == "is" else {_DURABLE_OP[op]: {path: ref}})
    elif op == "is":
        tests.append({path: encode(spec, value)})
    elif op == "in" and spec.kind == "enum":
        # The same test, written as the values it leaves out (an enum's value is always
        # one of its values): an $or makes a node of its own for every rule, all of them
        # pushed on durable's evaluation stack of 64 (see network.py), while these
        # tests are shared by every rule that leaves out the same values.
        tests.extend({"$neq": {path: other}} for other in spec.values if other not in value)
    elif op == "in":
        tests.append({"$or": [{path: encode(spec, v)} for v in value]})
    elif op == "not_in":
        tests.extend({"$neq": {path: encode(spec, v)}} for v in value)
    else:
        tests.append({_DURABLE_OP[op]: {path: encode(spec, value)}})
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
