"""Turn a validated fact file into the one flat ``case`` fact the rules match.

Unknown stays unknown: a field that is absent in the fact file is absent here too,
and a derived value is present only when every input it needs is known. Values are
kept twice: as the customer would read them (for texts and explanations) and encoded
for durable-rules (see :func:`backup_doctor.engine.rulebase.fields.encode`).
"""

from __future__ import annotations

import datetime as _dt
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from ...facts.models import (RESTORED_PHONE_FIELDS, Account, AppleStatus, Backup, Device, FactFile, Network, Symptoms,
                             Target, failing_side)
from ...facts.version import Version
from ..rulebase.fields import Encoder
from ..rulebase.knowledge import Knowledge


def _is_scalar(annotation: Any) -> bool:
    # Lists (symptoms.messages) become flags and dates (backup.last_success) day counts,
    # in _derive(): they are not values of their own.
    union = get_origin(annotation) in (Union, types.UnionType)
    for arg in get_args(annotation) if union else (annotation,):
        if get_origin(arg) is Annotated:
            arg = get_args(arg)[0]
        if arg is _dt.date or get_origin(arg) is list:
            return False
    return True


_SECTION_PATHS = tuple(
    (section, tuple((name, f"{section}.{name}") for name, info in model.model_fields.items()
                    if _is_scalar(info.annotation)))
    for section, model in (("device", Device), ("target", Target), ("account", Account), ("backup", Backup),
                           ("network", Network), ("symptoms", Symptoms), ("apple_status", AppleStatus))
)
"""Each section's single-valued fields with their paths (``"device", (("model",
"device.model"), ...)``), made once instead of formatted and checked for every case."""


@dataclass
class Case:
    """One diagnosis' facts: readable values, engine values and what was not understood."""

    facts: FactFile
    values: dict[str, Any]
    durable_fact: dict[str, Any]
    """The case as the fact durable-rules matches (encoded values, unknown paths absent)."""
    unrecognised_messages: list[str] = field(default_factory=list)
    unrecognised_uses: list[str] = field(default_factory=list)
    estimate: dict[str, Any] = field(default_factory=dict)


def build_case(facts: FactFile, knowledge: Knowledge, encoders: Mapping[str, Encoder | None],
               today: _dt.date) -> Case:
    """The case of *facts*; its engine fact holds the paths in *encoders*, encoded by them
    (``RuleBase.case_encoders``: the paths the rules test)."""
    values: dict[str, Any] = {}
    if facts.goal is not None:
        values["goal"] = facts.goal
    if facts.region is not None:
        values["region"] = facts.region
    for section, paths in _SECTION_PATHS:
        # __dict__ rather than iterating the model: same fields, a fraction of the cost.
        given = getattr(facts, section).__dict__
        for name, path in paths:
            value = given[name]
            if value is not None:
                values[path] = value

    case = Case(facts, values, {})
    _derive(case, knowledge, today)

    # Only paths rules test reach the engine, encoded for durable-rules as
    # fields.encode() would, with each path's encoder looked up once per rule base.
    engine: dict[str, Any] = {"t": "case", "id": "case"}
    for path, value in values.items():
        encoder = encoders.get(path, _NOT_TESTED)
        if encoder is None:
            engine[path] = value
        elif encoder is not _NOT_TESTED:
            engine[path] = encoder(value)
    case.durable_fact = engine
    return case


_NOT_TESTED: Any = object()
"""What the encoders give for a path no rule tests: it stays out of the engine."""


def _derive(case: Case, kn: Knowledge, today: _dt.date) -> None:
    facts, v = case.facts, case.values

    for side in ("device", "target"):
        model = getattr(facts, side).model
        if model is not None:
            fam = kn.family(model)
            v[f"{side}.model_known"] = fam is not None
            if fam is not None:
                v[f"{side}.family"] = fam.id
                v[f"{side}.max_ios_major"] = fam.max_ios_major
                v[f"{side}.restart"] = fam.restart
                if side == "device":
                    v["device.cellular_5g"] = fam.cellular_5g
        ios = getattr(facts, side).ios
        if ios is not None:
            v[f"{side}.ios_major"] = ios.major
    backup_ios = facts.backup.last_backup_ios
    if backup_ios is None and facts.goal == "migrate" and facts.device.ios is not None:
        # A migration's backup is made from the old phone now, so it carries that phone's
        # iOS: no need to ask for it (issue 14). The report says it was inferred.
        backup_ios = facts.device.ios
        v["backup.last_backup_ios"] = backup_ios
        v["backup.last_backup_ios_inferred"] = True
    if backup_ios is not None:
        v["backup.last_backup_ios_major"] = backup_ios.major

    net = facts.network
    if net.connection is None and (net.wifi_kind is not None or net.signal_bars is not None):
        # The kind of Wi-Fi and its bars are known only of a phone on Wi-Fi: asking how
        # it is connected would be asking what the clerk just said (issue 14).
        v["network.connection"] = "wifi"

    if facts.goal == "restore":
        # In a restore ticket `network` has always described the phone being restored,
        # which is the target: each side's answer stands for the other's when that one is
        # not given (the fact model refuses the two when they differ). Read from the case,
        # not the file: a kind of Wi-Fi already says the phone is on Wi-Fi (above).
        for name in RESTORED_PHONE_FIELDS:
            for given, other in (("network", "target"), ("target", "network")):
                value = v.get(f"{given}.{name}")
                if value is not None and f"{other}.{name}" not in v:
                    v[f"{other}.{name}"] = value

    acc = facts.account
    if acc.plan_gb is not None and acc.used_gb is not None:
        free = max(acc.plan_gb - acc.used_gb, 0.0)
        v["account.free_gb"] = round(free, 3)
        # The previous backup of this phone is replaced by the new one, so its space
        # counts as available. Unknown counts as none: the rule then asks about it.
        v["account.space_for_backup_gb"] = round(free + (facts.backup.existing_backup_gb or 0.0), 3)

    if acc.family_shared is not None:
        # A member of a shared plan cannot change it; whether this account organises the
        # family is unknown -> "member" only when said (the steps then say to ask).
        v["account.plan_role"] = ("own" if not acc.family_shared else
                                  "organiser" if acc.family_organiser is True else "member")

    _estimate(case, kn)

    if facts.backup.last_success is not None:
        v["backup.days_since_success"] = (today - facts.backup.last_success).days

    if facts.symptoms.messages is not None:
        for text in facts.symptoms.messages:
            ids = kn.recognise(text)
            if not ids:
                case.unrecognised_messages.append(text)
            for mid in ids:
                v[f"messages.{mid}"] = True
        if v.get("messages.restore-incomplete") and facts.symptoms.restore_failed is None:
            # "The restore could not be completed" says the restore failed: the same fact
            # as restore_failed, so the restore rules treat both alike (issue 14).
            v["symptoms.restore_failed"] = True

    restart = v.get(f"{failing_side(facts.goal, v.get('symptoms.restore_failed'))}.restart")
    if restart is not None:
        v["failing_phone.restart"] = restart

    if facts.uses is not None:
        v["uses_given"] = True
        for use in facts.uses:
            key = kn.use(use)
            if key is not None:
                v[f"uses.{key}"] = True
                for group in kn.use_groups.get(key, ()):
                    v[f"uses.{group}"] = True
            else:
                case.unrecognised_uses.append(use)

    stage = _stage(facts.goal, v)
    if stage is not None:
        v["stage"] = stage


_AFTER_SWITCH_MESSAGES = ("messages.apps-waiting", "messages.restore-incomplete", "messages.restore-needs-newer-ios")
"""Messages only a phone being restored shows: the restore has happened (or was tried)."""


def _stage(goal: str | None, v: dict[str, Any]) -> str | None:
    # A backup ticket is before any switch whatever it says (a restore symptom on it is
    # symptom-outside-goal's business); a restore ticket is after it. A migration is
    # before the switch until something only the new iPhone shows after its restore says
    # otherwise: apps waiting, a failed or refused restore. Without a goal, that evidence
    # still places the ticket; nothing else does.
    if goal == "backup":
        return "before_switch"
    if goal == "restore":
        return "after_switch"
    restored = (v.get("symptoms.apps_waiting_hours", 0) > 0 or v.get("symptoms.restore_failed") is True
                or any(v.get(m) is True for m in _AFTER_SWITCH_MESSAGES))
    if restored:
        return "after_switch"
    return "before_switch" if goal == "migrate" else None


def _estimate(case: Case, kn: Knowledge) -> None:
    b, v = case.facts.backup, case.values
    if b.estimated_size_gb is not None:
        v["backup.size_gb"] = b.estimated_size_gb
        v["backup.size_estimated"] = False
        case.estimate = {"backup_size_gb": b.estimated_size_gb, "backup_size_source": "reported"}
        return
    photos_in_backup = b.photos_included is not False and case.facts.account.icloud_photos_on is not True
    if photos_in_backup and b.photo_count is None and b.video_gb is None:
        case.estimate = {"backup_size_gb": None, "backup_size_source": "unknown"}
        return
    photo_gb = (b.photo_count or 0) * kn.mb_per_photo / 1000 if photos_in_backup else 0.0
    video_gb = (b.video_gb or 0.0) if photos_in_backup else 0.0
    size = round(kn.base_gb + photo_gb + video_gb, 2)
    v["backup.size_gb"] = size
    v["backup.size_estimated"] = True
    case.estimate = {
        "backup_size_gb": size,
        "backup_size_source": "estimated",
        "basis": {
            "base_gb": kn.base_gb,
            "photo_count": b.photo_count if photos_in_backup else 0,
            "mb_per_photo": kn.mb_per_photo,
            "video_gb": video_gb,
            "photos_in_backup": photos_in_backup,
        },
    }


def jsonable(value: Any) -> Any:
    """A fact value as JSON shows it (versions as their text)."""
    return str(value) if isinstance(value, Version) else value
