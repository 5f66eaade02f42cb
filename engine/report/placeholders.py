"""The values texts may show as ``{name}``, computed for one case and one language.

A report uses only a few of the placeholders (those of the texts it shows), so each
value is computed the first time a text asks for it. The names rule packs
may use are part of the pack format (``rulebase/packfile.py: PLACEHOLDER_NAMES``); packs
are checked against them when they load (``rulebase/checks.py``).

Texts are filled by a renderer of their own, not ``str.format``: a pack's text is
data, and ``str.format`` would let it read attributes (``{device_model.__class__}``),
pad to gigabytes (``{device_model:>2000000000}``) or fail at every diagnosis (``{0}``,
a lone ``{``). The syntax is ``{name}`` with a name of ``PLACEHOLDER_NAMES``, and ``{{``/``}}``
for a brace; nothing else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..rulebase.packfile import PLACEHOLDER_NAMES
from ...facts.models import REGION_CODES, failing_side
from ..errors import ConfigError, Problem
from ..texts import Msg, say, say_in
from ..rulebase.knowledge import Plan

if TYPE_CHECKING:
    from ..rulebase.load import RuleBase
    from .case import Case


def _gb(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _plan_name(gb: float) -> str:
    return f"{gb / 1000:g} TB" if gb >= 1000 else f"{gb:g} GB"


class Placeholders(dict[str, str]):
    """Placeholder values for one case and language; :meth:`fill` fills a text.

    A value is computed on first use and kept. A placeholder whose facts are unknown
    reads *unknown* ("unknown" / "不明" by default).
    """

    def __init__(self, rb: RuleBase, case: Case, lang: str, *, unknown: Callable[[str], str] | None = None,
                 region: str | None = None, concluded: Collection[str] = ()) -> None:
        super().__init__()
        self.rb, self.case, self.lang, self.ja, self.region = rb, case, lang, lang == "ja", region
        self.concluded = concluded
        """The ids of the report's findings, fixes and caveats (empty outside a report):
        a step can then say what another fix of the same report does first."""
        word = say_in(lang, "placeholder.unknown")
        self._unknown = unknown or (lambda name: word)

    def __missing__(self, name: str) -> str:
        compute = _PARAMS.get(name)
        value = compute(self) if compute is not None else None
        value = self[name] = value if value is not None else self._unknown(name)
        return value

    def fill(self, text: str) -> str:
        """*text* with each ``{name}`` replaced by its value and ``{{``/``}}`` by a brace."""
        if "{" not in text and "}" not in text:
            return text
        return _TOKEN.sub(lambda m: self[m.group(1)] if m.group(1) else m.group(0)[0], text)

    @property
    def known(self) -> dict[str, Any]:
        """The case's known facts, readable values (``Case.values``)."""
        return self.case.values

    def region_code(self) -> str:
        # The shop's country, not the report's language, sets the currency: the fact,
        # then the configured default, then the language's country (docs/facts.md).
        return self.case.facts.region or self.region or ("JP" if self.ja else "US")

    @cached_property
    def plan(self) -> Plan | None:
        """The iCloud+ plan the texts suggest: the smallest that holds the backup
        (worked out once: the plan's name and price both need it)."""
        v, kn, code = self.known, self.rb.knowledge, self.region_code()
        if "backup.size_gb" in v and "account.used_gb" in v:
            # After the backup the account holds what it holds now, minus the backup it
            # replaces, plus the new one.
            need = v["account.used_gb"] - (self.case.facts.backup.existing_backup_gb or 0.0) + v["backup.size_gb"]
            return kn.smallest_plan(code, need)
        # Need unknown (e.g. only the "not enough storage" message): the next plan up.
        current = v.get("account.plan_gb", 0.0)
        return next((q for q in kn.regions[code].plans if q.gb > current), None)


REGION_ENV = "BACKUP_DOCTOR_REGION"
"""The environment variable that sets the default ``region`` (``JP`` or ``US``) when
``Engine(region=...)`` does not."""


def default_region(region: str | None, known: Collection[str] = REGION_CODES) -> str | None:
    """The engine's default region: *region*, else :data:`REGION_ENV`, else None (the
    report language's country then). Either case is accepted, as in the fact file.

    :raises ConfigError: the value is not one of *known* (the regions with prices):
        a shop set to quote yen must not quietly quote dollars.
    """
    source, value = ("region", region) if region is not None else (REGION_ENV, os.environ.get(REGION_ENV, ""))
    if not value.strip() and region is None:
        return None  # unset, or set to nothing
    code = value.strip().upper()
    if code not in known:
        raise ConfigError(say("bad_region_setting"), [Problem(source, say("not_a_region", value=value),
                                                               accepted=say("one_of", names=", ".join(sorted(known))))])
    return code


Param = Callable[[Placeholders], "str | None"]


def _size(path: str) -> Param:
    return lambda p: _gb(float(p.known[path])) if path in p.known else None


def _ios(path: str) -> Param:
    return lambda p: f"iOS {p.known[path]}" if path in p.known else None


def _backup_size(p: Placeholders) -> str | None:
    if "backup.size_gb" not in p.known:
        return None
    size = _gb(float(p.known["backup.size_gb"]))
    estimated = p.known.get("backup.size_estimated") is True
    return say_in(p.lang, "placeholder.about", size=size,
                  estimated=say("placeholder.estimated") if estimated else Msg("", ""))


def _space_for_backup(p: Placeholders) -> str | None:
    space = p.known.get("account.space_for_backup_gb")
    return None if space is None else f"{_gb(float(space))} GB"


def _ios_ceiling(p: Placeholders) -> str:
    # The newest iOS this model can run; never a number the model cannot reach.
    if "device.max_ios_major" in p.known:
        return f"iOS {p.known['device.max_ios_major']}"
    return say_in(p.lang, "placeholder.newest_ios")


def _shortfall(p: Placeholders) -> str | None:
    v = p.known
    if "backup.size_gb" in v and "account.space_for_backup_gb" in v:
        return _gb(max(v["backup.size_gb"] - v["account.space_for_backup_gb"], 0.0))
    return None


def _backup_ios(p: Placeholders) -> str | None:
    ios = _ios("backup.last_backup_ios")(p)
    if ios is not None and p.known.get("backup.last_backup_ios_inferred") is True:
        return say_in(p.lang, "placeholder.backup_ios_inferred", ios=ios)
    return ios


def _days_since_success(p: Placeholders) -> str | None:
    days = p.known.get("backup.days_since_success")
    return None if days is None else str(days)


def _model(side: str) -> Param:
    return lambda p: getattr(p.case.facts, side).model


def _device_family(p: Placeholders) -> str | None:
    fam = p.known.get("device.family")
    return None if fam is None else next(f.label for f in p.rb.knowledge.families if f.id == fam)


def _plan_region(p: Placeholders) -> str:
    return say_in(p.lang, f"placeholder.region.{p.region_code()}")


def _plan_as_of(p: Placeholders) -> str:
    return p.rb.knowledge.regions[p.region_code()].as_of


def _plan_name_param(p: Placeholders) -> str | None:
    plan = p.plan
    return None if plan is None else _plan_name(plan.gb)


def _plan_price(p: Placeholders) -> str | None:
    plan = p.plan
    return None if plan is None else p.rb.knowledge.regions[p.region_code()].price_text(plan.price)


def _device_phone(p: Placeholders) -> str:
    # Which phone the device section is, said as the customer would: the old one in a
    # migration, "this iPhone" when it backs itself up (docs/facts.md).
    role = "old" if p.case.facts.goal in ("migrate", "restore") else "this"
    return say_in(p.lang, f"placeholder.phone.{role}")


def _target_phone(p: Placeholders) -> str:
    # The receiving phone once the backup is on it: "the restored iPhone" on a restore
    # ticket (it may be the same iPhone, erased), the new one in a migration.
    return say_in(p.lang, f"placeholder.phone.{'receiving' if p.case.facts.goal == 'restore' else 'new'}")


def _failing_role(p: Placeholders) -> str:
    # The phone where the failure shows: the one restoring when a restore failed or is
    # the goal, else the one backing up (the old one in a migration).
    # A pasted "the restore could not be completed" counts as a failed restore (case.py).
    goal = p.case.facts.goal
    if goal == "restore":
        return "restored"
    if goal == "migrate":
        return "new" if failing_side(goal, p.known.get("symptoms.restore_failed")) == "target" else "old"
    return "this"


def _failing_phone(p: Placeholders) -> str:
    return say_in(p.lang, f"placeholder.phone.{_failing_role(p)}")


def _try_again(p: Placeholders) -> str:
    # What to retry on that phone: the restore where it restores, else the backup.
    what = "restore" if _failing_role(p) in ("restored", "new") else "backup"
    return say_in(p.lang, f"placeholder.try_again.{what}")


def _device_update_step(p: Placeholders) -> str:
    # The step that brings the phone in `device` to its newest iOS before Prepare for New
    # iPhone (which needs it), said as the rest of the report allows: point to the report's
    # own update fix rather than repeat it; while the backup is already newer than the
    # receiving iPhone, that one is updated first; nothing when the phone says it has no
    # update (an empty step is left out of the report).
    update = p.case.facts.device.update_available
    if "update-ios" in p.concluded:
        key = "fix_first"
    elif "restore-version-mismatch" in p.concluded:
        key = "target_first" if update is not False else "target_first_only"
    elif update is False:
        return ""
    else:
        key = "check"
    return say_in(p.lang, f"placeholder.update_step.{key}", phone=_device_phone(p))


def _plan_sharing(p: Placeholders) -> str:
    # "The free tier is 5 GB" only where it is the customer's plan: with the plan
    # unknown, the storage is named without saying how large it is.
    plan = p.known.get("account.plan_gb")
    if plan is None:
        return say_in(p.lang, "placeholder.plan_sharing.unknown")
    if plan <= 5:
        return say_in(p.lang, "placeholder.plan_sharing.free")
    return say_in(p.lang, "placeholder.plan_sharing.paid", plan=_plan_name(float(plan)))


def _back_up_step(p: Placeholders) -> str:
    # A step that ends "Back Up Now" cannot work while iCloud is short of room: it then
    # says what to do first (the same facts as R-storage-shortfall and R-storage-message).
    v = p.known
    short = v.get("messages.not-enough-storage") is True or (
        "backup.size_gb" in v and "account.space_for_backup_gb" in v
        and v["account.space_for_backup_gb"] < v["backup.size_gb"])
    return say_in(p.lang, "placeholder.back_up.after_room" if short else "placeholder.back_up.now")


def _icloud_transfer(p: Placeholders) -> str:
    # What the connection has to carry: the backup before the switch, the restore after
    # it (the derived fact ``stage``); a ticket without a goal reads as a backup, as ever.
    after = p.known.get("stage") == "after_switch"
    return say_in(p.lang, "placeholder.transfer.restore" if after else "placeholder.transfer.backup")


_PARAMS: dict[str, Param] = {
    "latest_ios": lambda p: f"iOS {p.rb.knowledge.latest_ios_major}",
    "backup_size_gb": _size("backup.size_gb"),
    "space_gb": _size("account.space_for_backup_gb"),
    "free_gb": _size("account.free_gb"),
    "plan_gb": _size("account.plan_gb"),
    "plan_used_gb": _size("account.used_gb"),
    "storage_used_gb": _size("device.storage_used_gb"),
    "target_capacity_gb": _size("target.capacity_gb"),
    "apps_waiting_hours": _size("symptoms.apps_waiting_hours"),
    "backup_size": _backup_size,
    "space_for_backup": _space_for_backup,
    "ios_ceiling": _ios_ceiling,
    "shortfall_gb": _shortfall,
    "days_since_success": _days_since_success,
    "device_ios": _ios("device.ios"),
    "target_ios": _ios("target.ios"),
    "backup_ios": _backup_ios,
    "device_model": _model("device"),
    "target_model": _model("target"),
    "max_ios": _ios("device.max_ios_major"),
    "target_max_ios": _ios("target.max_ios_major"),
    "device_family": _device_family,
    "plan_region": _plan_region,
    "plan_as_of": _plan_as_of,
    "plan_name": _plan_name_param,
    "plan_price": _plan_price,
    "device_phone": _device_phone,
    "failing_phone": _failing_phone,
    "target_phone": _target_phone,
    "try_again": _try_again,
    "plan_sharing": _plan_sharing,
    "back_up_step": _back_up_step,
    "device_update_step": _device_update_step,
    "icloud_transfer": _icloud_transfer,
}
"""How each placeholder is computed; ``None`` means its facts are unknown."""

# The names are part of the pack format (checked when packs load); each needs its value here.
assert frozenset(_PARAMS) == PLACEHOLDER_NAMES, sorted(frozenset(_PARAMS) ^ PLACEHOLDER_NAMES)


# A name, or an escaped brace. Texts are checked when their pack loads, so anything
# else never reaches here; if it did, it would stay as written.
_TOKEN = re.compile(r"\{\{|\}\}|\{([a-z_]+)\}")

