"""The report: what the rules concluded, ordered and worded for one language."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Finding(_Out):
    """A cause of the problem."""

    id: str
    title: str
    detail: str
    severity: str
    because: list[str]
    """Ids of the rules that concluded this."""
    evidence: dict[str, Any] = Field(default_factory=dict)
    """The facts those rules tested, with their values (fact path -> value)."""


class Recommendation(_Out):
    """A fix, with the steps to take. ``rank`` 1 is what to do first."""

    id: str
    rank: int
    tier: str
    title: str
    steps: list[str]
    because: list[str]
    evidence: dict[str, Any] = Field(default_factory=dict)


class Caveat(_Out):
    """Something a backup will not carry, or a risk to know before acting."""

    id: str
    text: str
    because: list[str]


class Question(_Out):
    """An unknown fact worth asking the customer about."""

    field: str
    ask: str
    why: str


class Estimates(_Out):
    backup_size_gb: float | None
    backup_size_source: Literal["reported", "estimated", "unknown"]
    how: str | None = None
    """For an estimate: how it was made, in the report's language."""


class DeviceInfo(_Out):
    """How the model names in the fact file were understood."""

    model: str | None = None
    family: str | None = None
    target_model: str | None = None
    target_family: str | None = None


class KnowledgeInfo(_Out):
    as_of: str
    """Date of the newest prices, versions and Apple behaviours the rules encode."""
    prices_as_of: dict[str, str]


Lang = Literal["en", "ja"]
"""The languages a report can be written in."""

TraceOp = Literal["assert", "fire", "emit"]


class TraceEvent(_Out):
    """One step of a diagnosis, for ``--explain``."""

    seq: int
    op: TraceOp
    rule_id: str | None = None
    pack: str | None = None
    facts: dict[str, Any] = Field(default_factory=dict)
    """assert: the fact asserted; fire: the facts the rule matched (path -> value)."""
    derived: list[str] = Field(default_factory=list)
    """fire: the findings the rule derived (other rules may consume them)."""
    message: str


class Report(_Out):
    schema_version: int = SCHEMA_VERSION
    ticket: str | None
    lang: Lang
    findings: list[Finding]
    recommendations: list[Recommendation]
    caveats: list[Caveat]
    questions: list[Question]
    unrecognised_messages: list[str]
    unrecognised_uses: list[str]
    device: DeviceInfo
    estimates: Estimates
    knowledge: KnowledgeInfo
    trace: list[TraceEvent]

    def ids(self) -> dict[str, list[str]]:
        """The ids of every conclusion, in report order (handy in tests and tools)."""
        return {
            "findings": [f.id for f in self.findings],
            "recommendations": [r.id for r in self.recommendations],
            "caveats": [c.id for c in self.caveats],
        }
