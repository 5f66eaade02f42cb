"""Lint rule packs: what loads fine but can never work as the author meant.

Loading already refuses what is *wrong* (unknown paths and ids, type mismatches,
missing translations). Lint finds what is *useless or missing*: rules that can never
fire (contradictory conditions on one fact, a needed finding that nothing concludes),
SPEC ids that no rule concludes, texts defined but never concluded, questions nothing
asks, and fact-file fields that no rule tests. (Principles need no rule: the tiers of
recommendations apply most of them.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .catalog import CONCLUSION_KINDS, condition_text, definitions
from ..errors import RulePackError
from ..rulebase.fields import ORDERED_KINDS, FieldRegistry, FieldSpec, encode
from ..texts import Msg, say, say_in
from ..rulebase.packfile import Condition
from ..rulebase.load import CompiledRule, RuleBase, load_rulebase


@dataclass(frozen=True)
class LintProblem:
    """One thing lint found. ``code`` is stable, for tools; :meth:`message` is for people."""

    code: str
    where: str
    """``file:line`` when the problem sits at one place, else empty."""
    subject: str
    """The rule, id or fact path the problem is about."""
    params: tuple[tuple[str, str], ...] = ()
    """Values the message needs besides the subject (kept as pairs so problems compare and hash)."""

    def message(self, lang: str = "en") -> str:
        """The problem as a sentence in *lang* (``en`` or ``ja``)."""
        params: dict[str, str | Msg] = dict(self.params)
        if "why" in params:
            params["why"] = say(f"lint.why.{params['why']}")
        if "kind" in params:
            params["kind"] = say(params["kind"])
        return say_in(lang, f"lint.{self.code}", subject=self.subject, **params)


@cache
def spec_ids() -> dict[str, Any]:
    """The SPEC §3 ids by kind, and the fields rules need not test (``rules/knowledge/spec-ids.yaml``)."""
    text = resources.files("backup_doctor.rules").joinpath("knowledge", "spec-ids.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def lint_dirs(dirs: Sequence[str | Path] = (), *, builtin: bool = True, only_new: bool = True) -> list[LintProblem]:
    """Load the packs (built-in plus *dirs*) and lint them; a load problem is a lint problem too.

    :param only_new: with custom *dirs*, report only the problems they bring in, not
        those the built-in pack has on its own.
    :raises RulePackError: only when a folder cannot be read at all (missing, empty).
    """
    try:
        problems = lint(load_rulebase(dirs, builtin=builtin))
    except RulePackError as exc:
        if not exc.problems:
            raise
        problems = [LintProblem("load-error", p.location, "", (("detail", str(p).removeprefix(f"{p.location}: ")),))
                    for p in exc.problems]
    if dirs and builtin and only_new:
        before = set(lint_dirs((), builtin=True))
        problems = [p for p in problems if p not in before]
    return problems


def lint(rb: RuleBase) -> list[LintProblem]:
    """Every lint problem of a loaded rule base, in a stable order."""
    problems: list[LintProblem] = []
    dead: dict[str, LintProblem] = {}
    for compiled in rb.rules:
        detail = _contradiction(compiled, rb.registry)
        if detail is not None:
            dead[compiled.id] = LintProblem("contradiction", _where(compiled), compiled.id, (("detail", detail),))
    _kill_missing_findings(rb, dead)
    problems.extend(dead.values())
    live = [r for r in rb.rules if r.id not in dead]
    all_concluded = {c.target for r in rb.rules for c in r.rule.then}
    for compiled in rb.rules:
        for cond in compiled.rule.when:
            if cond.not_finding is not None and cond.not_finding not in all_concluded:
                problems.append(LintProblem("always-true", _where(compiled), compiled.id, (("finding", cond.not_finding),)))
    concluded = {c.target for r in live for c in r.rule.then}
    spec = spec_ids()
    spec_all: set[str] = set()
    for kind in CONCLUSION_KINDS:
        for cid in spec[kind + "s"]:
            spec_all.add(cid)
            if cid not in definitions(rb, kind):
                problems.append(LintProblem("spec-id-undefined", "", cid, (("kind", kind),)))
            elif cid not in concluded:
                problems.append(LintProblem("spec-id-unreached", rb.definition_origin.get(f"{kind}s:{cid}", ""), cid,
                                            (("kind", kind),)))
        for cid in definitions(rb, kind):
            if cid not in concluded and cid not in spec_all:
                problems.append(LintProblem("never-concluded", rb.definition_origin.get(f"{kind}s:{cid}", ""), cid,
                                            (("kind", kind),)))
    problems.extend(_unused(rb, spec))
    return problems


def _where(compiled: CompiledRule) -> str:
    return f"{compiled.file}:{compiled.line}"


def _kill_missing_findings(rb: RuleBase, dead: dict[str, LintProblem]) -> None:
    """Mark dead every rule that needs a finding only dead rules (or no rule) conclude."""
    while True:
        live = {c.finding for r in rb.rules if r.id not in dead for c in r.rule.then if c.finding}
        anyone = {c.finding for r in rb.rules for c in r.rule.then if c.finding}
        newly = False
        for compiled in rb.rules:
            if compiled.id in dead:
                continue
            for cond in compiled.rule.when:
                if cond.finding is not None and cond.finding not in live:
                    why = "dead" if cond.finding in anyone else "none"
                    dead[compiled.id] = LintProblem("missing-finding", _where(compiled), compiled.id,
                                                    (("finding", cond.finding), ("why", why)))
                    newly = True
                    break
        if not newly:
            return


def _unused(rb: RuleBase, spec: dict[str, Any]) -> list[LintProblem]:
    registry = rb.registry
    tested: set[str] = set()
    for compiled in rb.rules:
        for path in [*compiled.fact_paths(), *compiled.rule.ask_if_unknown]:
            tested.add(path)
            tested.update(registry.input_sources(path))
    out = []
    for path in sorted(rb.questions):
        if path not in tested:
            out.append(LintProblem("unused-question", rb.definition_origin.get(f"questions:{path}", ""), path))
    exempt = set(spec.get("text_only_fields", []))
    for path, fs in sorted(registry.fields.items()):
        if not fs.derived and path not in tested and path not in exempt:
            out.append(LintProblem("unused-field", "", path))
    for mid in registry.flag_groups.get("messages", ()):
        if f"messages.{mid}" not in tested:
            out.append(LintProblem("unused-message", "", mid))
    return out


# --------------------------------------------------------------------------- contradictions


@dataclass
class _Range:
    """What one fact may still be for all of a rule's conditions on it to hold."""

    spec: FieldSpec
    allowed: set[Any] | None = None
    excluded: set[Any] = field(default_factory=set)
    low: tuple[float, bool] = (-math.inf, True)
    high: tuple[float, bool] = (math.inf, True)
    must_be_unknown: bool = False
    tests: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        if self.must_be_unknown:
            return len(self.tests) > 1
        if self.spec.kind in ORDERED_KINDS:
            (lo, lo_in), (hi, hi_in) = self.low, self.high
            if lo > hi or (lo == hi and not (lo_in and hi_in)):
                return True
            points = self.allowed if self.allowed is not None else ({lo} if lo == hi else None)
            if points is None:
                return False
            inside = {p for p in points if (p > lo or (p == lo and lo_in)) and (p < hi or (p == hi and hi_in))}
            return not (inside - self.excluded)
        return self.allowed is not None and not (self.allowed - self.excluded)


def _domain(spec: FieldSpec) -> set[Any] | None:
    if spec.kind == "bool":
        return {True, False}
    if spec.kind == "flag":
        return {True}  # a flag is present only when true
    if spec.kind == "enum":
        return set(spec.values)
    return None


def _contradiction(compiled: CompiledRule, registry: FieldRegistry) -> str | None:
    """Why the rule's conditions can never hold together, or None."""
    ranges: dict[str, _Range] = {}
    positive = {c.finding for c in compiled.rule.when if c.finding}
    for cond in compiled.rule.when:
        if cond.not_finding is not None and cond.not_finding in positive:
            return f"finding {cond.not_finding} is required both present and absent"
        if cond.fact is None or _is_reference(cond):
            continue
        spec = registry.get(cond.fact)
        if spec is None:
            continue
        rng = ranges.setdefault(cond.fact, _Range(spec, allowed=_domain(spec)))
        rng.tests.append(condition_text(cond, "en"))
        _narrow(rng, cond)
        if rng.empty():
            return " and ".join(rng.tests)
    return None


def _is_reference(cond: Condition) -> bool:
    return isinstance(cond.value, dict)


def _narrow(rng: _Range, cond: Condition) -> None:
    op, spec = cond.operator, rng.spec
    if op.narrows == "known":
        rng.must_be_unknown = rng.must_be_unknown or not cond.known
        return
    values = {encode(spec, v) for v in (cond.value if op.operand == "list" else [cond.value])}
    if op.narrows == "allow":
        rng.allowed = values if rng.allowed is None else rng.allowed & values
    elif op.narrows == "exclude":
        rng.excluded |= values
    else:
        (point,) = values
        if op.narrows == "low" and (point, not op.inclusive) > (rng.low[0], not rng.low[1]):
            rng.low = (point, op.inclusive)
        if op.narrows == "high" and (point, op.inclusive) < (rng.high[0], rng.high[1]):
            rng.high = (point, op.inclusive)
