"""What each operator of a fact condition means: the one table every reader looks up.

Loading (which keys are operators, where the operand sits), the load-time checks
(which field kinds an operator applies to), the compiler to durable-rules, the Python
evaluator (questions, why-not), lint's contradiction finder and the catalogue's
sentences all read :data:`OPERATORS`, so a new operator is one entry here (and its
sentence in ``engine/texts.py``, key ``op.<name>``).

A leaf module: values reach it already encoded (``fields.encode``) by the caller.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Durable = Callable[[str, Any], list[dict[str, Any]]]
"""``(fact path, encoded operand) -> durable-rules tests``; the operand may also be a
reference to another fact, ``{"$m": path}``."""


@dataclass(frozen=True)
class Operator:
    name: str
    """The key in a pack's YAML: ``{fact: device.ios, lt: "17.0"}``."""
    attribute: str
    """Where :class:`~.packfile.Condition` keeps the operand (``is`` is a Python keyword)."""
    operand: Literal["one", "list", "bool"]
    """One value (or a ``{fact: path}`` reference), a list of values, or true/false (``known``)."""
    kinds: frozenset[str]
    """The unordered field kinds it applies to; every operator applies to the ordered kinds."""
    durable: Durable
    python: Callable[[Any, Any], bool]
    """``(encoded value, encoded operand) -> holds``; a list operand comes as a frozenset."""
    narrows: Literal["allow", "exclude", "low", "high", "known"]
    """How it narrows what a fact may be, for lint's contradictions (``low``/``high``: a bound)."""
    inclusive: bool = False
    """For a bound: whether the bound itself is allowed."""

    @property
    def references(self) -> bool:
        """Whether the operand may be another fact, ``{fact: path}``."""
        return self.operand == "one"

    @property
    def text_key(self) -> str:
        """The key of its sentence in ``engine/texts.py`` (the catalogue, lint, why-not)."""
        return f"op.{self.name}"

    def applies_to(self, kind: str, *, ordered: bool) -> bool:
        return ordered or kind in self.kinds


def _test(durable_op: str) -> Durable:
    return lambda path, operand: [{durable_op: {path: operand}}]


_ALL = frozenset({"bool", "flag", "enum", "text"})
_LISTS = frozenset({"enum", "text"})

OPERATORS: dict[str, Operator] = {op.name: op for op in (
    Operator("is", "is_", "one", _ALL, lambda path, operand: [{path: operand}], operator.eq, "allow"),
    Operator("is_not", "is_not", "one", _ALL - {"flag"}, _test("$neq"), operator.ne, "exclude"),
    Operator("in", "in_", "list", _LISTS, lambda path, operand: [{"$or": [{path: v} for v in operand]}],
             lambda value, operand: value in operand, "allow"),
    Operator("not_in", "not_in", "list", _LISTS, lambda path, operand: [{"$neq": {path: v}} for v in operand],
             lambda value, operand: value not in operand, "exclude"),
    Operator("lt", "lt", "one", frozenset(), _test("$lt"), operator.lt, "high"),
    Operator("le", "le", "one", frozenset(), _test("$lte"), operator.le, "high", inclusive=True),
    Operator("gt", "gt", "one", frozenset(), _test("$gt"), operator.gt, "low"),
    Operator("ge", "ge", "one", frozenset(), _test("$gte"), operator.ge, "low", inclusive=True),
    Operator("known", "known", "bool", _ALL,
             lambda path, operand: [{"$ex" if operand else "$nex": {path: 1}}],
             lambda value, operand: value == operand, "known"),
)}
"""Every operator, in the order the docs list them (and errors name them)."""
