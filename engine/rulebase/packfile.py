"""Rule packs: YAML data files of rules and the texts of what they conclude.

A pack is a folder of ``*.yaml`` files. Each file may hold ``rules`` and the
definitions (titles, steps, texts, in English and Japanese) of the ``findings``,
``recommendations``, ``caveats``, ``questions`` and ranking ``principles`` it uses.
Files are read with ``yaml.safe_load`` semantics: loading never constructs Python
objects or runs code. The format is documented in ``docs/rule-authoring.md``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import builtin_copy
from ..errors import Problem, RulePackError
from .operators import OPERATORS, Operator
from .limits import MAX_ANY, MAX_CONCLUSIONS, MAX_CONDITIONS, MAX_ID_CHARS, MAX_STEPS, MAX_TEXT_CHARS, MAX_VALUES

ID = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=MAX_ID_CHARS)]
RULE_ID = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9-]*$", max_length=MAX_ID_CHARS)]
# Every text and list of a pack is bounded (limits.py): a pack is read and checked
# whoever wrote it, and each of its texts is filled in every report that shows it.
TEXT = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS)]
STEPS = Annotated[list[TEXT], Field(min_length=1, max_length=MAX_STEPS)]
NAME = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]
LANGS = ("en", "ja")

# The {name}s a text may use (docs/rule-authoring.md §5): part of the pack format, so a
# pack is checked against them when it loads; report/placeholders.py computes each one.
PLACEHOLDER_NAMES = frozenset({
    "latest_ios", "backup_size_gb", "space_gb", "free_gb", "plan_gb", "plan_used_gb", "storage_used_gb",
    "target_capacity_gb", "apps_waiting_hours", "backup_size", "space_for_backup", "ios_ceiling",
    "shortfall_gb", "days_since_success", "device_ios", "target_ios", "backup_ios", "device_model",
    "target_model", "max_ios", "target_max_ios", "device_family", "plan_region", "plan_as_of", "plan_name",
    "plan_price", "device_phone", "plan_sharing", "back_up_step", "failing_phone", "device_update_step",
    "try_again", "icloud_transfer", "target_phone",
})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """One text in both languages."""

    en: TEXT
    ja: TEXT

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


class Steps(_Strict):
    """Numbered steps in both languages."""

    en: STEPS
    ja: STEPS

    def get(self, lang: str) -> list[str]:
        return self.ja if lang == "ja" else self.en

    @model_validator(mode="after")
    def _same_length(self) -> Steps:
        if len(self.en) != len(self.ja):
            raise ValueError(f"en has {len(self.en)} steps but ja has {len(self.ja)}: each step needs both languages")
        return self


class StepVariants(_Strict):
    """Steps that depend on one fact, e.g. the force-restart buttons of the model."""

    by: str
    cases: dict[str, Steps]
    otherwise: Steps


Severity = Literal["blocking", "cause", "risk", "info"]
Tier = Literal["unblock", "quick", "free", "paid", "alternative"]

SEVERITY_ORDER = {"blocking": 0, "cause": 1, "risk": 2, "info": 3}
TIER_ORDER = {"unblock": 0, "quick": 1, "free": 2, "paid": 3, "alternative": 4}


class FindingDef(_Strict):
    title: Text
    detail: Text
    severity: Severity = "cause"
    order: int = 50


class RecommendationDef(_Strict):
    title: Text
    steps: Steps | StepVariants
    tier: Tier
    order: int = 50
    checks: Annotated[list[NAME], Field(max_length=MAX_CONCLUSIONS)] = []
    """Fact-file fields this fix's own steps find out (a fix that says "look at this
    screen first"). While it ranks first, an open question about them does not keep the
    report from being settled: the clerk's next step is the fix (docs/consultation.md)."""


class CaveatDef(_Strict):
    text: Text
    order: int = 50


Goal = Literal["backup", "migrate", "restore"]
"""The fact file's ``goal`` values (``facts/models.py``)."""


class QuestionDef(_Strict):
    ask: Text
    why: Text
    order: int = 50
    ask_for: dict[Goal, Text] = {}
    """The question on tickets of a goal, where it must say which phone it is about (on
    a migration ``device`` is the old iPhone; on a restore, the one the backup came
    from): ``ask`` on the others."""
    choices: dict[str, Text] = {}
    """Labels of the field's accepted values (an enum field), for forms and chatbots."""
    screening: list[Goal] = []
    """Goals on whose tickets the rules that test this field are in play whatever the
    complaint: a check an expert makes on every such ticket (docs/consultation.md)."""
    when: list[Condition] = []
    """Fact conditions that make the question fit the ticket (its goal, its stage): one
    known to fail drops the question (docs/consultation.md)."""
    in_play_when: list[Condition] = []
    """Fact conditions that, all known to hold, put the question in play."""


OPS = tuple(OPERATORS)


class Condition(_Strict):
    """One test. Exactly one form: a fact test, a finding test, or ``any`` of fact tests."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    fact: NAME | None = None
    is_: Any = Field(None, alias="is")
    is_not: Any = None
    in_: Annotated[list[Any], Field(max_length=MAX_VALUES)] | None = Field(None, alias="in")
    not_in: Annotated[list[Any], Field(max_length=MAX_VALUES)] | None = None
    lt: Any = None
    le: Any = None
    gt: Any = None
    ge: Any = None
    known: bool | None = None
    finding: NAME | None = None
    not_finding: NAME | None = None
    principle: NAME | None = None
    any: Annotated[list[Condition], Field(max_length=MAX_ANY)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_form(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("a condition is a mapping such as {fact: network.wifi_kind, is: tethering}")
        forms = [k for k in ("fact", "finding", "not_finding", "any") if k in data]
        if len(forms) != 1:
            raise ValueError("a condition needs exactly one of: fact, finding, not_finding, any")
        ops = [k for k in OPS if k in data]
        if "fact" in data and len(ops) != 1:
            raise ValueError(f"a fact condition needs exactly one operator of: {', '.join(OPS)}")
        if "fact" not in data and ops:
            raise ValueError(f"operator {ops[0]!r} needs a 'fact'")
        if "principle" in data and "not_finding" not in data:
            raise ValueError("'principle' belongs to a not_finding condition")
        return data

    @cached_property
    def op(self) -> str:
        # Read for every condition of every rule on each diagnosis (questions), so it
        # is worked out once per condition (pydantic leaves cached properties out of
        # fields, dumps and equality).
        for name, op in OPERATORS.items():
            if op.attribute in self.model_fields_set:
                return name
        raise AssertionError("validated condition without operator")

    def fact_paths(self) -> list[str]:
        """The fact paths this condition reads (both sides of a fact-to-fact test)."""
        if self.any is not None:
            return [p for sub in self.any for p in sub.fact_paths()]
        if self.fact is None:
            return []
        value = self.value
        return [self.fact, str(value["fact"])] if isinstance(value, dict) and "fact" in value else [self.fact]

    @cached_property
    def operator(self) -> Operator:
        return OPERATORS[self.op]

    @cached_property
    def value(self) -> Any:
        return getattr(self, OPERATORS[self.op].attribute)


class Conclusion(_Strict):
    finding: NAME | None = None
    recommend: NAME | None = None
    caveat: NAME | None = None
    tier: Tier | None = None
    """For ``recommend``: move the fix to another tier in this situation."""

    @model_validator(mode="after")
    def _one_kind(self) -> Conclusion:
        kinds = [k for k in ("finding", "recommend", "caveat") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a conclusion needs exactly one of: finding, recommend, caveat")
        if self.tier is not None and self.recommend is None:
            raise ValueError("'tier' belongs to a recommend conclusion")
        return self

    @property
    def kind(self) -> str:
        return "finding" if self.finding else "recommendation" if self.recommend else "caveat"

    @property
    def target(self) -> str:
        return self.finding or self.recommend or self.caveat or ""


class Rule(_Strict):
    id: RULE_ID
    description: Text
    when: Annotated[list[Condition], Field(max_length=MAX_CONDITIONS)]
    then: Annotated[list[Conclusion], Field(max_length=MAX_CONCLUSIONS)]
    ask_if_unknown: Annotated[list[NAME], Field(max_length=MAX_CONCLUSIONS)] = []
    """Fields worth asking about when this rule fired while they were unknown."""
    replaces: bool = False
    """In a custom pack: this rule deliberately replaces a built-in rule of the same id."""
    references: Annotated[list[NAME], Field(max_length=MAX_CONCLUSIONS)] = []

    @model_validator(mode="before")
    @classmethod
    def _then_as_list(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("then"), dict):
            data = {**data, "then": [data["then"]]}
        return data


QuestionDef.model_rebuild()


class PackFile(_Strict):
    findings: dict[ID, FindingDef] = {}
    recommendations: dict[ID, RecommendationDef] = {}
    caveats: dict[ID, CaveatDef] = {}
    questions: dict[str, QuestionDef] = {}
    principles: dict[ID, Text] = {}
    rules: list[Rule] = []
    replaces: list[str] = []
    """Ids of built-in findings/recommendations/caveats/questions whose texts this file replaces."""


# --------------------------------------------------------------------------- reading


def _line_of(data: Any, loc: tuple[Any, ...]) -> int:
    line = getattr(data, "line", 0)
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        line = getattr(node, "line", line)
    return line


def _rule_at(data: Any, loc: tuple[Any, ...]) -> str:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        try:
            return f" (rule {data['rules'][loc[1]]['id']})"
        except (KeyError, IndexError, TypeError):
            return ""
    return ""


def validation_problems(exc: ValidationError, data: Any, path: Path) -> list[Problem]:
    """Pydantic's errors for data read by :func:`~.yamlfile.read_yaml`, as ``file:line`` problems."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        where = ".".join(str(p) for p in loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "missing":
            msg = "is required" + (" (every text needs both 'en' and 'ja')" if loc and loc[-1] in LANGS else "")
        problems.append(Problem(f"{path}:{_line_of(data, loc)}", f"{where}{_rule_at(data, loc)}: {msg}"))
    return problems


def read_pack_file(path: Path, *, inside: Path | None = None) -> tuple[PackFile, dict[str, int]]:
    """Parse one pack file; returns it and the line of each rule id, of each rule's
    conditions (``<rule id>#<index>``) and of each ``kind:id`` definition.

    A built-in file comes from the built-in copy of the rules when the copy
    holds this very text (see ``builtin_copy.py``); any other is read as YAML, as a file
    of the pack folder *inside* when given (see :func:`~.yamlfile.read_text`)."""
    copy = builtin_copy.copy_of(path)
    if copy is not None and isinstance(copy.get("lines"), dict):
        try:
            return PackFile.model_validate(copy["data"]), copy["lines"]
        except ValidationError:
            pass  # the models changed since the copy was made: the YAML gives the errors' lines
    pack, lines, _ = read_pack_data(path, inside=inside)
    return pack, lines


def read_pack_data(path: Path, *, inside: Path | None = None) -> tuple[PackFile, dict[str, int], Any]:
    """:func:`read_pack_file` from the YAML itself, plus the data it read (for the built-in copy)."""
    from .yamlfile import read_yaml

    data = read_yaml(path, inside=inside)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RulePackError("a rule file must be a mapping with keys such as 'rules' and 'findings'",
                            source=str(path))
    try:
        pack = PackFile.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, data, path)
        raise RulePackError(f"{len(problems)} problem(s) in rule file", problems, source=str(path)) from None
    lines = {}
    for raw in data.get("rules") or []:
        if isinstance(raw, dict) and "id" in raw:
            lines[str(raw["id"])] = getattr(raw, "line", 0)
            # Each condition's own line, as "<rule id>#<index>", so errors point at it.
            for i, cond in enumerate(raw.get("when") or []):
                lines[f"{raw['id']}#{i}"] = getattr(cond, "line", 0)
    # Definitions as "kind:id" (rule ids cannot hold a colon, so the keys never clash).
    for kind in ("findings", "recommendations", "caveats", "questions", "principles"):
        section = data.get(kind)
        for key in section or {}:
            lines[f"{kind}:{key}"] = getattr(section, "key_lines", {}).get(key, 0)
    return pack, lines, data
