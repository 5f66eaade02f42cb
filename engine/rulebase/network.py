"""The shape durable-rules will give the compiled rules, checked before it is built.

durable-rules keeps each node's followers in tables of fixed size and does not check
all of them: a full table of different tests after one node makes the build or the
first diagnosis loop forever, holding the GIL (``../shared/notes/durable-rules.md``
§3; measured with our compiler: 512 rules ``is: <n>`` on one fact loaded and then hung
the first diagnosis, 513 hung ``Engine()``). So the compiled JSON is walked here the
way ``createAlpha``/``findAlpha``/``linkAlpha`` of its ``rete.c`` walk it (commit
72070f4), counting what lands in each table, and the rules are refused with the
numbers while a margin remains (``limits.py``). Pure Python and cheap: a few thousand
dictionary operations for the built-in pack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem
from .limits import MAX_BRANCHES, MAX_PATTERN_UNITS, MAX_PRESENCE_BRANCHES, MAX_RULES_PER_TEST, MAX_STACK

_GROUPS = ("$and", "$or")


@dataclass
class _Node:
    test: str
    """The fact path (or fact type) this node tests, for messages."""
    branches: dict[tuple[str, str, str], tuple[_Node, str]] = field(default_factory=dict)
    """Followers in durable's hash table (512 slots): one per different test, with the
    rule that brought it."""
    nex: dict[tuple[str, str, str], _Node] = field(default_factory=dict)
    listed: list[str] = field(default_factory=list)
    """Entries of durable's list of 128, by rule: each new ``$nex`` follower, and a
    link for each ``$or`` alternative (``in``, ``any``) ending on this node."""
    rules: list[str] = field(default_factory=list)
    """Patterns ending on this node, by rule (durable's beta list of 256)."""
    forwards: list[_Node] = field(default_factory=list)
    """The nodes of the ``$or`` groups an alternative ending here leads to."""
    rule: str = ""
    """The rule that made the node."""


@dataclass(frozen=True)
class Overflow:
    """One table too full, with *rule* the first rule past the bound."""

    rule: str
    test: str
    """The fact path (or fact type) where it happens; empty for ``units``."""
    count: int
    limit: int
    what: str
    """``branches``, ``presence``, ``rules``, ``stack`` or ``units`` (see ``limits.py``)."""

    def problem(self, where: str, rule_id: str) -> Problem:
        """The overflow as a load problem at *where* (``file:line``) of rule *rule_id*."""
        message, accepted = _PROBLEMS[self.what]
        return Problem(where, f"rule {rule_id}: " + message.format(count=self.count, limit=self.limit, test=self.test),
                       accepted=accepted)


_PROBLEMS = {
    "units": ("its fact conditions need {count} grouping units; the engine takes at most {limit} (2 for the rule, "
              "2 per fact condition, 2 more per 'any' and per 'in' on a number or text field)",
              "fewer conditions, or two rules chained through a finding"),
    "branches": ("{count} different tests ({test} among them) follow the same preceding conditions across the "
                 "loaded rules; the engine takes at most {limit} (durable-rules hangs at 512)",
                 "fewer different values on one fact: ranges (lt, ge …) instead of single values, or fewer rules"),
    "presence": ("{count} 'known: false' tests and 'in'/'any' alternatives join after the same test on {test}; "
                 "the engine takes at most {limit} (durable-rules fails at 128)",
                 "fewer rules with the same alternatives, or one rule concluding a finding the others use"),
    "stack": ("one fact could make the engine hold {count} tests pending at once (counted high, the built-in "
              "pack included); it takes at most {limit} (durable-rules crashes at 64). Alternatives of 'in'/'any' and "
              "tests of different fields after the same test (here {test}) add up",
              "fewer rules with the same 'in' list or the same 'any' (conclude a finding once and use it), or "
              "fewer different fields tested first"),
    "rules": ("{count} rules end on the very same test ({test}); the engine takes at most {limit} "
              "(durable-rules fails at 256)",
              "fewer rules with the same conditions, the same needed finding, or the same stage"),
}
"""Each overflow's message (a template of our own: the values are numbers and a field
path) and what would be accepted."""


class _Walk:
    def __init__(self) -> None:
        self.nodes = [_Node("")]
        self.units = 0
        self.depth: dict[int, tuple[int, _Node | None]] = {}

    def stack(self, node: _Node) -> int:
        """The most nodes durable's evaluation stack (64) can hold for one fact from
        *node* on, counted high: every follower whose test could hold is pushed (of
        the ``==`` tests on one field, one), and every ``$or`` and ``$nex`` follower.
        Remembers the deepest follower, to name a rule when the count is too high."""
        known = self.depth.get(id(node))
        if known is not None:
            return known[0]
        fields = {key[1] for key in node.branches if key[0] == "$eq"}
        pushes = len(fields) + sum(key[0] != "$eq" for key in node.branches) + len(node.listed)
        followers = [n for n, _ in node.branches.values()] + list(node.nex.values()) + node.forwards
        deepest, below = None, 0
        for follower in followers:
            height = self.stack(follower)
            if height > below:
                deepest, below = follower, height
        height = max(1, pushes, pushes - 1 + below)
        self.depth[id(node)] = (height, deepest)
        return height

    def stack_culprit(self, order: dict[str, int]) -> tuple[str, str]:
        """A rule that fills the stack, and the field where: of the rules whose tests
        are pushed along the deepest path, the one loaded last (usually a custom one)."""
        best, where = "", ""
        node: _Node | None = self.nodes[0]
        while node is not None:
            for rule in [node.rule, *node.listed, *(r for _, r in node.branches.values())]:
                if rule in order and (not best or order[rule] > order[best]):
                    best, where = rule, node.test
            node = self.depth.get(id(node), (0, None))[1]
        return best, where

    def alpha(self, expr: dict[str, Any], parent: _Node, rule: str) -> _Node:
        ((name, value),) = expr.items()
        if name in _GROUPS:
            # Each group takes two entries of the pattern's expression sequence (32 slots).
            self.units += 2
        if name == "$and":
            node = parent
            for sub in value:
                node = self.alpha(sub, node, rule)
            return node
        if name == "$or":
            # A fresh node the alternatives all lead to; never shared.
            forward = self._new(parent.test, rule)
            for sub in value:
                end = self.alpha(sub, parent, rule)
                end.listed.append(rule)
                end.forwards.append(forward)
            return forward
        if name.startswith("$"):
            ((prop, operand),) = value.items()
        else:
            name, prop, operand = "$eq", name, value
        # durable compares values by type and content (1 is not true); a reference
        # ({"$m": path}) is a dict, written out to be hashable.
        shown = json.dumps(operand) if isinstance(operand, dict) else f"{type(operand).__name__}:{operand!r}"
        key = (name, prop, shown)
        if name == "$nex":
            if key not in parent.nex:
                parent.nex[key] = self._new(prop, rule)
                parent.listed.append(rule)
            return parent.nex[key]
        if key not in parent.branches:
            parent.branches[key] = (self._new(prop, rule), rule)
        return parent.branches[key][0]

    def _new(self, test: str, rule: str) -> _Node:
        node = _Node(test, rule=rule)
        self.nodes.append(node)
        return node


def overflows(definition: dict[str, Any]) -> list[Overflow]:
    """Every table the network of *definition* would fill past its bound."""
    walk, out = _Walk(), []
    for rule, body in definition.items():
        for pattern in body["all"]:
            (expr,) = pattern.values()
            walk.units = 0
            walk.alpha(expr, walk.nodes[0], rule).rules.append(rule)
            if walk.units > MAX_PATTERN_UNITS:
                out.append(Overflow(rule, "", walk.units, MAX_PATTERN_UNITS, "units"))
    height = walk.stack(walk.nodes[0])
    if height > MAX_STACK:
        order = {rule: i for i, rule in enumerate(definition) if rule != "end"}
        rule, test = walk.stack_culprit(order)
        out.append(Overflow(rule, test, height, MAX_STACK, "stack"))
    for node in walk.nodes:
        if len(node.branches) > MAX_BRANCHES:
            follower, rule = list(node.branches.values())[MAX_BRANCHES]
            out.append(Overflow(rule, follower.test, len(node.branches), MAX_BRANCHES, "branches"))
        for what, owners, limit in (("presence", node.listed, MAX_PRESENCE_BRANCHES),
                                    ("rules", node.rules, MAX_RULES_PER_TEST)):
            if len(owners) > limit:
                # The end rule (not a pack's) is defined last: name a pack's rule instead.
                rule = next((o for o in owners[limit:] if o != "end"), owners[limit - 1])
                out.append(Overflow(rule, node.test, len(owners), limit, what))
    return out
