"""backup-doctor's library: diagnose why an iPhone's iCloud backup, migration or restore fails.

>>> from backup_doctor.engine import diagnose
>>> report = diagnose({"schema_version": 1, "network": {"connection": "wifi", "wifi_kind": "tethering"}})
>>> [f.id for f in report.findings]
['network-unstable']
"""

from __future__ import annotations

from ..facts.models import FactFile
from .errors import DoctorError, EngineError, FactSchemaError, InputError, Problem, RulePackError
from .loader import load_facts, parse_facts
from .report import Caveat, Finding, Question, Recommendation, Report, TraceEvent
from .runner import Engine, diagnose
from .whynot import WhyNot, why_not

__all__ = [
    "Caveat",
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
