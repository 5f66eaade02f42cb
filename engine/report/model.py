"""The report: what the rules concluded, ordered and worded for one language."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, create_model, field_validator

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


AnswerKind = Literal["yes_no", "choice", "choices", "number", "gb", "version", "date", "text"]
"""How a question is answered (SPEC §4): ``choice`` is one of ``choices``, ``choices`` several."""

CouldChange = Literal["blocking", "cause", "fix", "caveat"]
"""The most serious kind of conclusion an answer could add, remove or reorder."""


class Choice(_Out):
    """One accepted answer: the value to store in the fact file, and its label."""

    value: str | int | float | bool
    label: str
    """In the report's language."""


class Answer(_Out):
    """What kind of answer a question takes, so a form or a chatbot can offer it.

    In JSON, ``choices``, ``unit``, ``min`` and ``max`` appear only where they apply
    (SPEC §4). That is done without a serializer function, which would run Python code
    inside ``model_dump`` and wrap an exception raised there by a signal handler (see
    docs/guarantees.md): each answer is an instance of a subclass that excludes the
    fields it leaves empty (:func:`shaped`), and questions serialize it as itself.
    """

    kind: AnswerKind
    choices: tuple[Choice, ...] | None = None
    """A tuple, not a list: one answer serves every report that asks the question, so
    nothing a caller holds may change it (JSON shows a list)."""
    unit: str | None = None
    min: float | None = None
    min_exclusive: bool | None = None
    """True when ``min`` itself is refused (a plan's size is above 0 GB); absent otherwise."""
    max: float | None = None


_OPTIONAL = ("choices", "unit", "min", "min_exclusive", "max")
_SHAPES: dict[frozenset[str], type[Answer]] = {}


def shaped(answer: Answer) -> Answer:
    """*answer* as an instance of the :class:`Answer` subclass that leaves its empty fields out of JSON."""
    present = frozenset(k for k in _OPTIONAL if getattr(answer, k) is not None)
    cls = _SHAPES.get(present)
    if cls is None:
        excluded: dict[str, Any] = {k: (Answer.model_fields[k].annotation, Field(None, exclude=True))
                                    for k in _OPTIONAL if k not in present}
        cls = _SHAPES[present] = create_model("Answer", __base__=Answer, __module__=__name__, **excluded)
    if type(answer) is cls:
        return answer
    return cls.model_construct(**{k: getattr(answer, k) for k in Answer.model_fields})


class Question(_Out):
    """An unknown fact worth asking the customer about."""

    field: str
    ask: str
    why: str
    answer: SerializeAsAny[Answer]
    could_change: CouldChange

    @field_validator("answer")
    @classmethod
    def _shaped(cls, answer: Answer) -> Answer:
        return shaped(answer)


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
    settled: bool
    """No open question could change a finding or the rank-1 recommendation (SPEC §4)."""
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
