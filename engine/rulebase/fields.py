"""The fact paths rules may test: input fields of the fact file plus derived ones.

Each path has a *kind*, which fixes how its values compare and how they are encoded
for durable-rules (integers in fixed units, never raw floats or version strings:
see the notes on durable's number parser and string/number mixing).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from ...facts.models import FactFile
from ...facts.version import Version

FieldKind = Literal["bool", "enum", "gb", "number", "version", "days", "text", "flag"]

ORDERED_KINDS = frozenset({"gb", "number", "version", "days"})
"""Kinds that lt/le/gt/ge accept. Kinds compare only with their own kind (days with number)."""


@dataclass(frozen=True)
class FieldSpec:
    path: str
    kind: FieldKind
    values: tuple[str, ...] = ()
    """For ``enum``: the accepted values."""
    sources: tuple[str, ...] = ()
    """For derived paths: the input fields they are computed from."""
    ask_one: bool = False
    """For derived paths: any one known source gives a value, so one question is enough."""

    @property
    def derived(self) -> bool:
        return bool(self.sources)

    def comparable_with(self, other: FieldSpec) -> bool:
        numeric = {"number", "days"}
        return self.kind == other.kind or (self.kind in numeric and other.kind in numeric)


def _encode_gb(value: Any) -> int:
    return int(round(float(value) * 1000))


def _encode_version(value: Any) -> int:
    return (value if isinstance(value, Version) else Version(str(value))).code


def _encode_number(value: Any) -> Any:
    return value if isinstance(value, int) else round(float(value), 3)


Encoder = Callable[[Any], Any]

ENCODERS: dict[FieldKind, Encoder] = {"gb": _encode_gb, "version": _encode_version, "number": _encode_number}
"""How each kind is encoded for durable-rules; values of other kinds are used as they are."""


def encode(spec: FieldSpec, value: Any) -> Any:
    """A value as durable-rules sees it: sizes in whole MB, versions as integer codes."""
    encoder = ENCODERS.get(spec.kind)
    return value if encoder is None else encoder(value)


def _kind_of(annotation: Any) -> tuple[FieldKind, tuple[str, ...]] | None:
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (typing.Union, types.UnionType) and args:
        annotation = args[0]
    if get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is Literal:
        return "enum", tuple(str(v) for v in get_args(annotation))
    if annotation is bool:
        return "bool", ()
    if annotation is Version:
        return "version", ()
    if annotation in (int, float):
        return "number", ()
    if annotation is str:
        return "text", ()
    return None


def _input_fields() -> dict[str, FieldSpec]:
    out: dict[str, FieldSpec] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            path = f"{prefix}{name}"
            ann = field.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, path + ".")
                continue
            found = _kind_of(ann)
            if found is None:
                continue  # lists (messages, uses) become flags; dates become day counts
            kind, values = found
            if name.endswith("_gb"):
                kind = "gb"
            out[path] = FieldSpec(path, kind, values)

    walk(FactFile, "")
    for internal in ("schema_version", "ticket", "today"):
        out.pop(internal, None)
    return out


STAGES = ("before_switch", "after_switch")
"""The values of the derived fact ``stage`` (report/case.py: ``_stage``)."""

# Derived paths: computed in report/case.py, documented in docs/facts.md.
_DERIVED = [
    # plan_gb minus used_gb.
    FieldSpec("account.free_gb", "gb", sources=("account.plan_gb", "account.used_gb")),
    # Free space plus the previous backup of this phone, which is replaced.
    FieldSpec("account.space_for_backup_gb", "gb",
              sources=("account.plan_gb", "account.used_gb", "backup.existing_backup_gb")),
    # The reported next backup size, else the estimate.
    FieldSpec("backup.size_gb", "gb",
              sources=("backup.estimated_size_gb", "backup.photo_count", "backup.video_gb",
                       "backup.photos_included", "account.icloud_photos_on"), ask_one=True),
    # True when backup.size_gb is an estimate.
    FieldSpec("backup.size_estimated", "bool", sources=("backup.estimated_size_gb",)),
    # Days from the last successful iCloud backup to today.
    FieldSpec("backup.days_since_success", "days", sources=("backup.last_success", "today")),
    # Normalised model family id.
    FieldSpec("device.family", "text", sources=("device.model",)),
    # The model name was recognised.
    FieldSpec("device.model_known", "bool", sources=("device.model",)),
    # Force-restart button sequence of the model.
    FieldSpec("device.restart", "enum", ("modern", "iphone7", "home_button"), sources=("device.model",)),
    # Last major iOS the model runs.
    FieldSpec("device.max_ios_major", "number", sources=("device.model",)),
    # Major version of device.ios.
    FieldSpec("device.ios_major", "number", sources=("device.ios",)),
    # A 5G model.
    FieldSpec("device.cellular_5g", "bool", sources=("device.model",)),
    # Normalised model family id.
    FieldSpec("target.family", "text", sources=("target.model",)),
    # Force-restart button sequence of the receiving phone's model.
    FieldSpec("target.restart", "enum", ("modern", "iphone7", "home_button"), sources=("target.model",)),
    # The same for the phone where the failure shows, the one {failing_phone} names: the
    # receiving phone on a restore, or on a migration whose restore failed; else device.
    FieldSpec("failing_phone.restart", "enum", ("modern", "iphone7", "home_button"),
              sources=("goal", "symptoms.restore_failed", "device.model", "target.model")),
    # The model name was recognised.
    FieldSpec("target.model_known", "bool", sources=("target.model",)),
    # Last major iOS the model runs.
    FieldSpec("target.max_ios_major", "number", sources=("target.model",)),
    # Major version of target.ios.
    FieldSpec("target.ios_major", "number", sources=("target.ios",)),
    # True when backup.last_backup_ios was taken from device.ios (a migration's backup
    # is made from the old phone now); the input field then holds that value too.
    FieldSpec("backup.last_backup_ios_inferred", "bool", sources=("device.ios", "goal")),
    # A family-shared plan's role, for texts that differ (steps by account.plan_role):
    # "member" (only the organiser can change the plan), "organiser" or "own".
    FieldSpec("account.plan_role", "enum", ("own", "organiser", "member"), sources=("account.family_shared", "account.family_organiser")),
    # Major version of backup.last_backup_ios.
    FieldSpec("backup.last_backup_ios_major", "number", sources=("backup.last_backup_ios",)),
    # The uses.<name> flags are only ever true, so "uses: []" and an absent list look
    # alike through them; this tells the two apart (caveats differ: issue 14).
    # True when the fact file lists what the customer uses, even an empty list.
    FieldSpec("uses_given", "bool", sources=("uses",)),
    # Where the ticket stands (issue 14): "before_switch" while the data is still to be
    # moved (a backup; a migration with no sign of the restore yet), "after_switch" once
    # a restore happened (a restore; a migration whose new iPhone has apps waiting or a
    # failed restore). Caveats, questions and findings about the old phone's backup
    # follow it instead of the goal alone. Known whenever the goal is: the goal is the
    # one question to ask (ask_one), the symptoms only move a migration on.
    FieldSpec("stage", "enum", STAGES, sources=("goal", "symptoms.apps_waiting_hours", "symptoms.restore_failed",
                                                 "symptoms.messages"), ask_one=True),
]


@dataclass(frozen=True)
class FieldRegistry:
    fields: dict[str, FieldSpec]
    flag_groups: dict[str, tuple[str, ...]]
    """Flag paths by prefix: ``messages.<id>`` and ``uses.<name>``."""

    def get(self, path: str) -> FieldSpec | None:
        spec = self.fields.get(path)
        if spec is not None:
            return spec
        prefix, _, name = path.partition(".")
        if prefix in self.flag_groups and name in self.flag_groups[prefix]:
            return FieldSpec(path, "flag", sources=(FLAG_SOURCES[prefix],))
        return None

    @cached_property
    def encoders(self) -> dict[str, Encoder | None]:
        """Every path rules may test, with its encoder (None: the value is used as it is).

        Worked out once per registry (``RuleBase.case_encoders`` keeps those its rules
        test) for :func:`~backup_doctor.engine.report.case.build_case`, which encodes every value
        of every case: calling ``encode(self.get(path), value)`` for each took a quarter
        of building the case.
        """
        out: dict[str, Encoder | None] = {f"{prefix}.{name}": None
                                          for prefix, names in self.flag_groups.items() for name in names}
        out.update((path, ENCODERS.get(spec.kind)) for path, spec in self.fields.items())
        return out

    def all_paths(self) -> list[str]:
        flags = [f"{p}.{n}" for p, names in self.flag_groups.items() for n in names]
        return sorted(self.fields) + flags

    def input_sources(self, path: str) -> tuple[str, ...]:
        """The fact-file fields a path depends on (itself, for an input field)."""
        spec = self.get(path)
        if spec is None or not spec.sources:
            return (path,)
        return spec.sources


FLAG_SOURCES = {"messages": "symptoms.messages", "uses": "uses"}
"""The fact-file list behind each group of flags."""

def build_registry(message_ids: tuple[str, ...], use_ids: tuple[str, ...]) -> FieldRegistry:
    """The paths rules may test; the flags are the known message ids and ``uses`` values
    (``rules/knowledge/messages.yaml`` and ``uses.yaml``)."""
    fields = _input_fields()
    fields.update({f.path: f for f in _DERIVED})
    return FieldRegistry(fields, {"messages": message_ids, "uses": use_ids})
