"""The fact file: one customer's situation, as a helpdesk describes it.

Every field except ``schema_version`` is optional, and an absent or ``null`` field
means *unknown*, never false. Models are frozen and forbid unknown keys.
"""

from __future__ import annotations

import datetime as _dt
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from .version import Version


def _iso_date(value: Any) -> Any:
    # JSON has no date type; accept only the ISO text form, so "11/25" or 20261125
    # cannot slip through as something else.
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "must be an ISO date string like \"2026-11-25\"")
    try:
        return _dt.date.fromisoformat(value.strip())
    except ValueError:
        # The value stays out of the message: pydantic cannot render a lone surrogate in
        # one, and the error carries the value as its input anyway.
        raise PydanticCustomError("date", "is not a date (use YYYY-MM-DD)") from None


def _whole_number(value: Any) -> Any:
    # A Literal compares with ==, so true and 1.0 would pass as 1; and a whole number
    # past 64 bits would fail with pydantic's words about parsing a string.
    if isinstance(value, (bool, float)) or (isinstance(value, int) and value != 1):
        raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": "1"})
    return value


# Every float field has a lower and an upper bound: the bounds alone refuse NaN and
# ±Infinity (pydantic >= 2.5 fails NaN against any bound), which the customer reads as
# "out of range", with no Python validator run on every number. tests/test_robustness.py
# tries them on every float field.
GB = Annotated[float, Field(ge=0, le=1_000_000, strict=True)]
"""A size in gigabytes: a non-negative number."""

def _whole_float(value: Any) -> Any:
    # JSON Schema counts 9920.0 as an integer, and so do tools that write JSON from
    # doubles (JavaScript); 9920.5 stays refused.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


IsoDate = Annotated[_dt.date, BeforeValidator(_iso_date)]
Bool = Annotated[bool, Field(strict=True)]
Count = Annotated[int, Field(ge=0, le=10_000_000, strict=True), BeforeValidator(_whole_float)]
Bars = Annotated[int, Field(ge=0, le=3, strict=True), BeforeValidator(_whole_float)]


# Entries of the text lists. Surrounding spaces are stripped, so a blank entry is empty
# and refused; the pattern tells schema readers the same (JSON Schema patterns are
# unanchored: "holds a character that is not a space").
_NOT_BLANK = {"pattern": r"\S"}
MessageText = Annotated[str, Field(min_length=1, max_length=1000, json_schema_extra=_NOT_BLANK)]
UseText = Annotated[str, Field(min_length=1, max_length=60, json_schema_extra=_NOT_BLANK)]


RegionCode = Literal["JP", "US"]
REGION_CODES: tuple[str, ...] = get_args(RegionCode)
"""The regions a fact file (and the engine's default) may name: those with prices in
rules/knowledge/plans.yaml."""


def _region(value: Any) -> Any:
    # "jp" is as clear as "JP" (uses ignore case too); the model keeps the upper case.
    # Anything else stays as written, for the error to quote.
    if isinstance(value, str) and value.upper() in REGION_CODES:
        return value.upper()
    return value


Region = Annotated[
    RegionCode,
    BeforeValidator(_region),
    # The schema says what is accepted, not what is kept: either case.
    WithJsonSchema({"type": "string", "pattern": "^([Jj][Pp]|[Uu][Ss])$", "examples": ["JP", "US"],
                    "description": "JP or US, in either case (kept in upper case)"}),
]

# How far past the system's date a backup may have succeeded when the fact file gives
# no `today`: the helpdesk's calendar may already be on the next day (Tokyo is ahead
# of a server on UTC). With `today` given, no day is allowed.
SYSTEM_TODAY_SLACK = _dt.timedelta(days=1)

# Tolerance for account.used_gb above the plan: iOS rounds, and family sharing or a
# just-cancelled plan can show a little more in use than the plan holds.
USED_OVER_PLAN_MARGIN_GB = 0.5


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Device(_Facts):
    """The phone being backed up (or the old phone, for a migration)."""

    model: Annotated[str, Field(max_length=100)] | None = None
    ios: Version | None = None
    update_available: Bool | None = None
    charging: Bool | None = None
    low_power_mode: Bool | None = None
    storage_used_gb: GB | None = None
    backup_restricted: Bool | None = None


class Target(_Facts):
    """The phone that receives the data (migrate, restore).

    Its connection fields describe this phone only: ``network`` keeps describing the
    phone in ``device`` (backup, migrate), or the phone being restored (restore), as it
    always did (docs/facts.md).
    """

    model: Annotated[str, Field(max_length=100)] | None = None
    ios: Version | None = None
    capacity_gb: GB | None = None
    connection: Literal["wifi", "cellular", "none"] | None = None
    sim_inserted: Bool | None = None
    mobile_data_on: Bool | None = None


class Account(_Facts):
    """The Apple Account and its iCloud storage."""

    signed_in: Bool | None = None
    plan_gb: Annotated[float, Field(gt=0, le=1_000_000, strict=True)] | None = None
    used_gb: GB | None = None
    icloud_backup_on: Bool | None = None
    icloud_photos_on: Bool | None = None
    messages_in_icloud_on: Bool | None = None
    family_shared: Bool | None = None
    """The iCloud+ plan is shared with Family Sharing."""
    family_organiser: Bool | None = None
    """This Apple Account is the family organiser (who alone can change a shared plan)."""

    @model_validator(mode="after")
    def _used_within_plan(self) -> Account:
        if self.plan_gb is not None and self.used_gb is not None:
            if self.used_gb > self.plan_gb + USED_OVER_PLAN_MARGIN_GB:
                raise PydanticCustomError(
                    "used_over_plan",
                    "used_gb ({used}) is larger than plan_gb ({plan}); at most plan_gb + {margin} is accepted",
                    {"used": self.used_gb, "plan": self.plan_gb, "margin": USED_OVER_PLAN_MARGIN_GB},
                )
        return self


class Backup(_Facts):
    """The backup: its size, what it holds, and its history."""

    estimated_size_gb: GB | None = None
    photo_count: Count | None = None
    video_gb: GB | None = None
    photos_included: Bool | None = None
    existing_backup_gb: GB | None = None
    last_success: IsoDate | None = None
    last_backup_ios: Version | None = None


class Network(_Facts):
    """How the phone reaches the internet."""

    connection: Literal["wifi", "cellular", "none"] | None = None
    wifi_kind: Literal["home", "office", "public", "tethering", "mobile_router"] | None = None
    signal_bars: Bars | None = None
    line: Literal["fiber", "cable", "dsl", "mobile"] | None = None
    cellular_backup_on: Bool | None = None
    mobile_data_on: Bool | None = None
    sim_inserted: Bool | None = None
    vpn_or_proxy: Bool | None = None


class Symptoms(_Facts):
    """What the customer saw."""

    messages: Annotated[list[MessageText], Field(max_length=50)] | None = None
    backup_stuck: Bool | None = None
    auto_backup_not_running: Bool | None = None
    restore_failed: Bool | None = None
    apps_waiting_hours: Annotated[float, Field(ge=0, le=10_000, strict=True)] | None = None


class AppleStatus(_Facts):
    """What Apple's system status page shows."""

    icloud_backup_outage: Bool | None = None


class FactFile(_Facts):
    """One customer's situation (schema version 1)."""

    schema_version: Annotated[Literal[1], BeforeValidator(_whole_number)]
    ticket: Annotated[str, Field(max_length=200)] | None = None
    today: IsoDate | None = None
    goal: Literal["backup", "migrate", "restore"] | None = None
    region: Region | None = None
    device: Device = Device()
    target: Target = Target()
    account: Account = Account()
    backup: Backup = Backup()
    network: Network = Network()
    symptoms: Symptoms = Symptoms()
    uses: Annotated[list[UseText], Field(max_length=50)] | None = None
    apple_status: AppleStatus = AppleStatus()

    @model_validator(mode="before")
    @classmethod
    def _nulls_are_unknown(cls, data: Any) -> Any:
        # A section written as null is as unknown as a missing one. Copied only when
        # there is one: most fact files have none, and this runs for every file.
        if isinstance(data, dict):
            for section in _SECTIONS:
                if section in data and data[section] is None:
                    return {k: v for k, v in data.items() if not (v is None and k in _SECTIONS)}
        return data

    @model_validator(mode="after")
    def _one_restored_phone(self) -> FactFile:
        # On a restore ticket `network` and `target` both describe the phone being
        # restored (docs/facts.md): two different answers for it leave no way to tell
        # which one the clerk meant, so neither is picked silently.
        if self.goal == "restore":
            differ = []
            for name in RESTORED_PHONE_FIELDS:
                target, network = getattr(self.target, name), getattr(self.network, name)
                if target is not None and network is not None and target != network:
                    differ.append((name, target, network))
            if differ:
                raise PydanticCustomError(
                    "restored_phone_differs",
                    "target.{name} and network.{name} differ; on a restore both describe the iPhone being restored",
                    {"name": differ[0][0], "differ": differ})
        return self

    @model_validator(mode="after")
    def _last_success_not_after_today(self) -> FactFile:
        # A backup "made" after today would read as fresh and hide a stale one.
        last = self.backup.last_success
        if last is not None:
            today = self.today or _dt.date.today()
            limit = today if self.today else today + SYSTEM_TODAY_SLACK
            if last > limit:
                raise PydanticCustomError(
                    "after_today", "backup.last_success ({date}) is after today ({today})",
                    {"date": last.isoformat(), "today": today.isoformat(), "limit": limit.isoformat(),
                     "given": self.today is not None})
        return self


RESTORED_PHONE_FIELDS = ("connection", "sim_inserted", "mobile_data_on")
"""The fields both ``network`` and ``target`` hold: on a restore ticket both describe
the phone being restored, so they may not differ (and one stands for the other)."""

def failing_side(goal: str | None, restore_failed: object) -> Literal["device", "target"]:
    """The section that describes the phone where the failure shows (the one a fix
    about "the failing phone" names): ``target`` on a restore, or on a migration whose
    restore failed (its new iPhone); else ``device``, the phone backing up."""
    return "target" if goal == "restore" or (goal == "migrate" and restore_failed is True) else "device"


_SECTIONS = frozenset({"device", "target", "account", "backup", "network", "symptoms", "apple_status"})
