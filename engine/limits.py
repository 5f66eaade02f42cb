"""The bounds of a rule pack, in one place (documented in docs/rule-authoring.md §11
and docs/guarantees.md).

Two kinds of bound. Sizes keep reading and checking a pack cheap, whoever wrote it.
Engine bounds keep every node of durable-rules' network under the tables it has fixed
sizes for (``../shared/notes/durable-rules.md`` §3 and the C source): past them the
engine does not fail, it loops forever holding the GIL (measured here: 512 different
tests after the same conditions loaded, then hung the first diagnosis; 513 hung
``Engine()``). Each engine bound keeps a margin under durable's own number, because
overrunning the others reads past their tables.
"""

from __future__ import annotations

import math

MAX_FILE_BYTES = 1_048_576
"""Bytes in one pack file (1 MiB, as for a fact file); the built-in files are under 20 KB."""
MAX_PACK_FILES = 100
"""``.yaml``/``.yml`` files in one pack folder."""
MAX_RULES_PER_PACK = 1_000
"""Rules in one pack folder."""
MAX_RULES = 2_000
"""Rules of all loaded packs together (durable-rules takes at most 4,096)."""
MAX_CONDITIONS = 12
"""Conditions in a rule's ``when`` (the built-in rules use at most 9)."""
MAX_ANY = 12
"""Conditions inside one ``any``."""
MAX_VALUES = 200
"""Values in one ``in``/``not_in`` list."""
MAX_CONCLUSIONS = 20
"""Conclusions in a rule's ``then``; also entries of ``ask_if_unknown`` and ``references``."""
MAX_TEXT_CHARS = 2_000
"""Characters in one text (a title, a detail, one step, a description …)."""
MAX_STEPS = 30
"""Steps of one recommendation, per language."""
MAX_ID_CHARS = 80
"""Characters in an id."""

NUMBER_MIN = 1e-4
"""Smallest non-zero size of a number in a condition: durable-rules refuses the
exponent form (``1e-05``) that smaller floats are written in."""
NUMBER_MAX = 1e15
"""Largest size of a number in a condition (durable-rules refuses ``1e+16`` and up)."""

MAX_BRANCHES = 400
"""Different tests that may follow the same preceding tests, across all rules
(durable-rules: a table of 512 slots, which hangs when full)."""
MAX_PRESENCE_BRANCHES = 48
"""``known: false`` tests and ``in``/``any`` alternatives joined after the same test
(durable-rules: a list of 128, all of it pushed on the stack of :data:`MAX_STACK`)."""
MAX_RULES_PER_TEST = 200
"""Rules whose conditions end on the very same test, e.g. the same conditions, the
same needed finding, or the same stage of ``not_finding`` (durable-rules: a list of 256)."""
MAX_STACK = 60
"""Nodes durable-rules' evaluation of one fact may have pending at once, counted high
(``network.py``; the built-in pack needs 35): 64 rules with the same ``in`` list on one
field made durable fail its stack (error 303), then crash the process when the session
was deleted; 63 ran."""
MAX_PATTERN_UNITS = 31
"""Grouping units one rule's fact conditions may use (durable-rules: error 113 at 32):
2 for the rule, 2 per fact condition (``known``: none), 2 more for each ``any`` and each ``in``
on a field that is not a choice (an enum's ``in`` is written as the values it leaves out)."""


def number_problem(kind: str, value: float) -> str | None:
    """Why *value* cannot be a number in a condition on a field of *kind*, or None."""
    # durable-rules refuses floats written in exponent form (1e-05, 1e+16), and nan and
    # inf; a value the field's encoding rounds away would make a rule that never fires.
    if not math.isfinite(value):
        return f"{value!r} is not a finite number"
    size = abs(value)
    if size and not NUMBER_MIN <= size <= NUMBER_MAX:
        return f"{value!r} is out of range"
    scaled = value * (1000 if kind == "gb" else 1)
    if isinstance(value, float) and abs(scaled - round(scaled, 3 if kind != "gb" else 0)) > 1e-9 * max(1, size):
        return f"{value!r} is finer than this field is compared ({'1 MB' if kind == 'gb' else '3 decimals'})"
    return None
