"""Three-valued reading of one rule's conditions against a case: for questions and why-not.

The diagnosis itself is decided in durable-rules; this module only *explains* it:
which condition of a rule holds, fails, or cannot be judged because a fact is
unknown. A test checks that it agrees with durable-rules on every rule it fires.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from .fields import FieldRegistry, encode
from .packs import Condition

Verdict = bool | None
"""True: holds; False: fails; None: unknown (a fact it needs is unknown)."""


@dataclass(frozen=True)
class ConditionResult:
    condition: Condition
    verdict: Verdict
    unknown: tuple[str, ...]
    """The fact paths whose being unknown left the verdict open."""


def evaluate(cond: Condition, values: Mapping[str, Any], findings: Collection[str],
             registry: FieldRegistry) -> ConditionResult:
    if cond.finding is not None:
        return ConditionResult(cond, cond.finding in findings, ())
    if cond.not_finding is not None:
        return ConditionResult(cond, cond.not_finding not in findings, ())
    if cond.any is not None:
        subs = [evaluate(s, values, findings, registry) for s in cond.any]
        if any(s.verdict is True for s in subs):
            return ConditionResult(cond, True, ())
        unknown = tuple(p for s in subs if s.verdict is None for p in s.unknown)
        return ConditionResult(cond, None if unknown else False, unknown)
    path = cond.fact
    assert path is not None
    spec = registry.get(path)
    assert spec is not None
    if cond.op == "known":
        return ConditionResult(cond, (path in values) == cond.known, ())
    missing = [p for p in (path, _ref(cond.value)) if p is not None and p not in values]
    if missing:
        return ConditionResult(cond, None, tuple(missing))
    left = encode(spec, values[path])
    ref = _ref(cond.value)
    if ref is not None:
        other = registry.get(ref)
        assert other is not None
        right: Any = encode(other, values[ref])
    elif cond.op in ("in", "not_in"):
        right = [encode(spec, v) for v in cond.value]
    else:
        right = encode(spec, cond.value)
    return ConditionResult(cond, _compare(cond.op, left, right), ())


def _ref(value: Any) -> str | None:
    return str(value["fact"]) if isinstance(value, dict) and "fact" in value else None


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "is":
        return bool(left == right)
    if op == "is_not":
        return bool(left != right)
    if op == "in":
        return left in right
    if op == "not_in":
        return left not in right
    return bool({"lt": left < right, "le": left <= right, "gt": left > right, "ge": left >= right}[op])


def evaluate_rule(when: list[Condition], values: Mapping[str, Any], findings: Collection[str],
                  registry: FieldRegistry) -> list[ConditionResult]:
    return [evaluate(c, values, findings, registry) for c in when]
