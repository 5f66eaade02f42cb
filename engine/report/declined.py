"""``declined``: the fact-file fields a customer cannot answer (SPEC §4).

They stay unknown and are never asked again; a name that is not a fact-file field is
a mistake of the caller (a typo would silently let the question come back), so it is
an :class:`~backup_doctor.engine.errors.InputError` with a did-you-mean.
"""

from __future__ import annotations

from collections.abc import Collection

from ..errors import InputError, Problem, closest
from ..texts import say
from .answers import FIELD_SHAPES


def check_declined(declined: Collection[str]) -> frozenset[str]:
    """*declined* as a set, once every entry is known to be a fact-file field path."""
    if isinstance(declined, str):  # one field given bare: a str is a Collection of characters
        declined = (declined,)
    fields = frozenset(declined)
    wrong = sorted(f for f in fields if f not in FIELD_SHAPES)
    if wrong:
        count = len(wrong)
        raise InputError(say("declined_problems", count=count, plural="s" if count != 1 else ""),
                         [Problem(str(f), say("not_declinable"), suggestion=closest(str(f), FIELD_SHAPES))
                          for f in wrong])
    return fields
