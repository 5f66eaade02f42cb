"""One error hierarchy for the whole library.

Every error has a stable ``code`` (for programs) and a message written for a person.
Validation errors carry *all* the problems found, not just the first. Exceptions of
pydantic, PyYAML and durable-rules never reach the caller: they are wrapped here.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from .texts import in_lang, say_in
from .safe_text import for_terminal


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at one place."""

    location: str
    """Where: a JSON path such as ``account.used_gb``, or ``file:line`` for rule packs."""
    message: str
    """What was wrong."""
    accepted: str | None = None
    """What would be accepted there."""
    suggestion: str | None = None
    """A close known name, for a misspelt field or id."""

    def __str__(self) -> str:
        return self.render("en")

    def to_dict(self, lang: str = "en") -> dict[str, str | None]:
        """The problem as JSON shows it (batch error records), its texts in *lang*."""
        return {"location": self.location, "message": in_lang(self.message, lang),
                "accepted": None if self.accepted is None else in_lang(self.accepted, lang),
                "suggestion": self.suggestion}

    def render(self, lang: str = "en") -> str:
        """One line in *lang* (``en`` or ``ja``): location, message, what is accepted.

        The location (a field name from the file), the message (which quotes the
        value) and the suggestion can hold the ticket's text: controls are made
        visible (:func:`~.safe_text.for_terminal`), a line break included, so the
        problem stays on one line and cannot act on the terminal. :meth:`to_dict`
        keeps the texts exact, for JSON.
        """
        message = in_lang(self.message, lang)
        text = f"{self.location}: {message}" if self.location else message
        if self.accepted:
            text += say_in(lang, "accepted", accepted=self.accepted)
        if self.suggestion:
            text += say_in(lang, "did_you_mean", name=self.suggestion)
        return for_terminal(text)


SHOWN_PROBLEMS = 20
"""How many problems :meth:`DoctorError.render` lists before saying how many more."""


class DoctorError(Exception):
    """Root of every error backup-doctor raises on purpose."""

    code = "doctor_error"

    def __init__(self, message: str, problems: list[Problem] | tuple[Problem, ...] = (), source: str | None = None,
                 *, omitted: int = 0):
        super().__init__(message)
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        """The file (or ``-`` / ``<string>``) the error is about, when there is one."""
        self.omitted = omitted
        """Problems found but not kept in :attr:`problems` (a fact file's error keeps
        the first ``loader.MAX_PROBLEMS``)."""

    def __str__(self) -> str:
        return self.render("en")

    def render(self, lang: str = "en") -> str:
        """The message and the problems, one per line, in *lang* where the text has it.

        At most :data:`SHOWN_PROBLEMS` are listed, then how many more there are: a
        person reads the first ones, and a file pasted from elsewhere can have
        thousands. :attr:`problems` holds more of them (for a fact file, the first
        ``loader.MAX_PROBLEMS``; :attr:`omitted` counts the rest).

        Input errors are written in English and Japanese; errors inside rule packs
        (for their authors) and internal errors are in English. Each line is safe to
        print on a terminal, as :meth:`Problem.render` is.
        """
        message = in_lang(self.message, lang)
        head = for_terminal(f"{self.source}: {message}" if self.source else message)
        lines = [head, *(f"  - {p.render(lang)}" for p in self.problems[:SHOWN_PROBLEMS])]
        more = max(len(self.problems) - SHOWN_PROBLEMS, 0) + self.omitted
        if more:
            lines.append("  " + say_in(lang, "more_problems", count=more))
        return "\n".join(lines)


class InputError(DoctorError):
    """A fact file could not be read or is not valid."""

    code = "fact_input_error"


class FactSchemaError(InputError):
    """The fact file is JSON, but its content breaks the fact model."""

    code = "fact_schema_error"


class RulePackError(DoctorError):
    """A rule pack could not be loaded: bad syntax, unknown field or id, missing text."""

    code = "rule_pack_error"


class ConfigError(DoctorError):
    """The engine's own settings are wrong: an ``Engine`` argument or an environment
    variable it reads (``BACKUP_DOCTOR_REGION``)."""

    code = "config_error"


class EngineError(DoctorError):
    """A diagnosis failed while the rules ran: a bug, not bad input."""

    code = "engine_error"


# Did-you-mean suggestions for misspelt names (was suggest.py).
def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to *name*, or None when nothing is close."""
    candidates = list(known)
    lowered = {c.lower(): c for c in candidates}
    if name.lower() in lowered:
        return lowered[name.lower()]
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[hits[0]] if hits else None
