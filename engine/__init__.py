"""backup-doctor's library: diagnose why an iPhone's iCloud backup, migration or restore fails.

>>> from backup_doctor.engine import diagnose
>>> report = diagnose({"schema_version": 1, "network": {"connection": "wifi", "wifi_kind": "tethering"}})
>>> [f.id for f in report.findings]
['network-unstable']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..facts.models import FactFile
from .errors import ConfigError, DoctorError, EngineError, FactSchemaError, InputError, Problem, RulePackError
from .loader import load_facts, parse_facts
from .report.model import Answer, Caveat, Choice, Finding, Question, Recommendation, Report, TraceEvent
from .runner import Engine, diagnose

if TYPE_CHECKING:
    from .authoring.whynot import WhyNot, why_not


__all__ = [
    "Answer",
    "Caveat",
    "Choice",
    "ConfigError",
    "DoctorError",
    "Engine",
    "EngineError",
    "FactFile",
    "FactSchemaError",
    "Finding",
    "InputError",
    "Problem",
    "Question",
    "Recommendation",
    "Report",
    "RulePackError",
    "TraceEvent",
    "WhyNot",
    "diagnose",
    "load_facts",
    "parse_facts",
    "why_not",
]


def __getattr__(name: str) -> Any:
    # why-not reads the rule catalogue: loaded on first use, not by every diagnosis.
    if name in ("WhyNot", "why_not"):
        from .authoring import whynot

        value = globals()[name] = getattr(whynot, name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
