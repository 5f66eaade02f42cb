"""Load rule packs, check them against the fact model, and compile them for durable-rules.

Checks run once, when the packs load: a misspelt fact path, an unknown id, a value of
the wrong type or a missing translation fails here with the file, line and rule, so no
diagnosis ever runs on a broken pack.

Negation over findings (``not_finding``) is stratified: a rule that needs a finding to
be *absent* runs only after every rule that could produce that finding has run. The
engine drives the strata with ``stage`` sentinel facts (see ``_durable.py``), because
durable-rules judges absence against the facts present at that moment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..facts.version import Version
from . import snapshot
from .compile import durable_definition
from .errors import Problem, RulePackError
from .evaluate import CompiledCondition, compile_condition
from .fields import Encoder, FieldRegistry, FieldSpec, build_registry
from .knowledge import Knowledge, load_knowledge
from .limits import MAX_PACK_FILES, MAX_RULES, MAX_RULES_PER_PACK, NUMBER_MAX, NUMBER_MIN, number_problem
from .messages import Msg, say
from .network import overflows
from .packs import (
    CaveatDef, Condition, FindingDef, PackFile, QuestionDef, RecommendationDef, Rule, StepVariants, Text,
    read_pack_file,
)
from .suggest import closest
from .texts import NAMES as PLACEHOLDERS, placeholder_problems  # the {name}s a text may use

BUILTIN_PACK = "core"

_OPS_FOR_KIND = {
    "bool": {"is", "is_not", "known"},
    "flag": {"is", "known"},
    "enum": {"is", "is_not", "in", "not_in", "known"},
    "text": {"is", "is_not", "in", "not_in", "known"},
}
_ORDERED_OPS = {"lt", "le", "gt", "ge"}


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    pack: str
    file: str
    line: int
    stratum: int
    name: str
    """The rule's name inside durable-rules."""
    conditions: tuple[CompiledCondition, ...] = field(default=(), compare=False, repr=False)
    """The conditions as Python predicates, for questions and why-not (see evaluate.py)."""
    paths: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """The fact paths the rule tests, sorted."""

    @property
    def id(self) -> str:
        return self.rule.id

    def fact_paths(self) -> list[str]:
        return list(self.paths)


@dataclass
class RuleBase:
    """Every loaded rule and definition, checked and compiled."""

    rules: tuple[CompiledRule, ...]
    findings: dict[str, FindingDef]
    recommendations: dict[str, RecommendationDef]
    caveats: dict[str, CaveatDef]
    questions: dict[str, QuestionDef]
    principles: dict[str, Text]
    registry: FieldRegistry
    knowledge: Knowledge
    strata: int
    packs: tuple[str, ...]
    definition_origin: dict[str, str] = field(default_factory=dict)
    """``kind:id`` -> ``file:line`` where it was defined (for errors and the catalogue)."""
    definition: dict[str, Any] = field(default_factory=dict, repr=False)
    """The ruleset as durable-rules' JSON, compiled (and its shape checked) at load."""
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    """What report assembly derives from the rules alone, built on first use and kept:
    per-rule effects (assemble.py), the question plan and ``Question`` objects (questions.py)."""

    def by_name(self) -> dict[str, CompiledRule]:
        return {r.name: r for r in self.rules}

    @cached_property
    def case_encoders(self) -> dict[str, Encoder | None]:
        """The fact paths some rule tests, each with its encoder: only these go into the
        case fact durable-rules matches (a third of a typical case's values no rule reads)."""
        tested = {p for c in self.rules for p in c.paths}
        return {p: e for p, e in self.registry.encoders.items() if p in tested}

    def durable_definition(self) -> dict[str, Any]:
        """The ruleset as durable-rules' JSON (see ``compile.py``)."""
        return self.definition or durable_definition(self.rules, self.registry, self.strata)


def builtin_pack_dir() -> Path:
    return snapshot.rules_root() / "packs" / BUILTIN_PACK


def load_rulebase(extra: Sequence[str | Path] = (), *, builtin: bool = True) -> RuleBase:
    """Load the built-in pack (unless ``builtin=False``) and the packs in *extra*."""
    knowledge = load_knowledge()
    registry = build_registry(tuple(knowledge.messages), tuple(knowledge.uses))
    dirs = ([builtin_pack_dir()] if builtin else []) + [Path(d) for d in extra]
    merger = _Merger(registry, knowledge)
    for index, d in enumerate(dirs):
        merger.add_dir(d, custom=index > 0 or not builtin)
    return merger.finish()


class _Merger:
    def __init__(self, registry: FieldRegistry, knowledge: Knowledge) -> None:
        self.registry = registry
        self.knowledge = knowledge
        self.problems: list[Problem] = []
        self.defs: dict[str, dict[str, Any]] = {k: {} for k in
                                                 ("findings", "recommendations", "caveats", "questions", "principles")}
        self.origin: dict[str, str] = {}
        self.rules: dict[str, tuple[Rule, str, str, int]] = {}
        self.condition_lines: dict[str, list[int]] = {}
        self.packs: list[str] = []

    def add_dir(self, d: Path, *, custom: bool) -> None:
        if not d.is_dir():
            raise RulePackError(say("pack_folder_not_found"), source=str(d))
        files = sorted(d.glob("*.yaml")) + sorted(d.glob("*.yml"))
        if not files:
            raise RulePackError(say("pack_folder_empty"), source=str(d))
        if len(files) > MAX_PACK_FILES:
            raise RulePackError(Msg(f"holds {len(files)} .yaml files; a rule pack may have at most {MAX_PACK_FILES}",
                                    f".yaml ファイルが {len(files)} 個あります。1 つのルールパックには {MAX_PACK_FILES} 個までです"),
                                source=str(d))
        self.packs.append(str(d))
        pack_name = d.name
        before = len(self.rules)
        for path in files:
            # A custom pack's links are followed only to files inside its folder.
            pack, lines = read_pack_file(path, inside=d if custom else None)
            if len(self.rules) - before + len(pack.rules) > MAX_RULES_PER_PACK:
                first = pack.rules[MAX_RULES_PER_PACK - (len(self.rules) - before)]
                raise RulePackError(Msg("too many rules", "ルールが多すぎます"), [Problem(
                    f"{path}:{lines.get(first.id, 0)}",
                    f"rule {first.id}: past the {MAX_RULES_PER_PACK:,} rules one pack may have",
                    accepted="split the pack into several folders, each given with --rules")], source=str(d))
            self._add_file(pack, lines, path, pack_name, custom)
        if len(self.rules) > MAX_RULES:
            raise RulePackError(Msg(f"the loaded packs hold {len(self.rules):,} rules; at most {MAX_RULES:,} may be "
                                    "loaded together", f"読み込んだパックのルールが {len(self.rules):,} 個あります。"
                                    f"同時に読み込めるのは {MAX_RULES:,} 個までです"), source=str(d))

    def _add_file(self, pack: PackFile, lines: dict[str, int], path: Path, pack_name: str, custom: bool) -> None:
        replaces = set(pack.replaces)
        for kind in self.defs:
            for key, value in getattr(pack, kind).items():
                tag = f"{kind}:{key}"
                if key in self.defs[kind] and key not in replaces:
                    self.problems.append(Problem(
                        f"{path}:{lines.get(tag, 0)}", f"{kind[:-1]} {key!r} is already defined in {self.origin[tag]}",
                        accepted="list it under 'replaces:' to replace the built-in text on purpose"))
                    continue
                self.defs[kind][key] = value
                self.origin[tag] = f"{path}:{lines.get(tag, 0)}"
        for rule in pack.rules:
            where = f"{path}:{lines.get(rule.id, 0)}"
            if rule.id in self.rules:
                _, _, first, first_line = self.rules[rule.id]
                if not (custom and rule.replaces):
                    self.problems.append(Problem(
                        where, f"rule {rule.id}: id already used at {first}:{first_line}",
                        accepted="a new id, or 'replaces: true' in a custom pack to replace a built-in rule"))
                    continue
            elif rule.replaces:
                self.problems.append(Problem(where, f"rule {rule.id}: 'replaces: true' but no rule has this id"))
                continue
            self.rules[rule.id] = (rule, pack_name, str(path), lines.get(rule.id, 0))
            self.condition_lines[rule.id] = [lines.get(f"{rule.id}#{i}", 0) for i in range(len(rule.when))]

    def finish(self) -> RuleBase:
        # Reports and rule tests name a conclusion by its id alone, whatever its kind.
        kind_of: dict[str, str] = {}
        for kind in ("findings", "recommendations", "caveats"):
            for key in self.defs[kind]:
                if key in kind_of:
                    self.problems.append(Problem(
                        self.origin[f"{kind}:{key}"], f"{kind[:-1]} {key!r} has the same id as a {kind_of[key][:-1]}",
                        accepted="an id used by no other finding, recommendation or caveat"))
                kind_of.setdefault(key, kind)
        for rule, _, path, line in self.rules.values():
            self._check_rule(rule, path, line)
        self._check_texts()
        strata = self._stratify()
        if self.problems:
            raise RulePackError(f"{len(self.problems)} problem(s) in the rule packs", self.problems)
        compiled = tuple(
            CompiledRule(rule, pack, path, line, strata[rule.id], f"r{i}",
                         tuple(compile_condition(c, self.registry) for c in rule.when),
                         tuple(sorted({p for c in rule.when for p in c.fact_paths()})))
            for i, (rule, pack, path, line) in enumerate(self.rules.values())
        )
        top = max(strata.values(), default=0)
        definition = durable_definition(compiled, self.registry, top)
        # Refused here, before durable-rules builds anything: past these bounds it hangs.
        by_name = {c.name: c for c in compiled}
        too_full = [o.problem(f"{by_name[o.rule].file}:{by_name[o.rule].line}", by_name[o.rule].id)
                    for o in overflows(definition) if o.rule in by_name]
        if too_full:
            raise RulePackError(f"{len(too_full)} problem(s) in the rule packs", too_full)
        return RuleBase(
            rules=compiled,
            findings=self.defs["findings"], recommendations=self.defs["recommendations"],
            caveats=self.defs["caveats"], questions=self.defs["questions"], principles=self.defs["principles"],
            registry=self.registry, knowledge=self.knowledge,
            strata=top, packs=tuple(self.packs), definition_origin=self.origin, definition=definition,
        )

    # -- checks ---------------------------------------------------------------------

    def _bad(self, where: str, rule: Rule, message: str, *, suggestion: str | None = None,
             accepted: str | None = None) -> None:
        self.problems.append(Problem(where, f"rule {rule.id}: {message}", accepted, suggestion))

    def _field(self, where: str, rule: Rule, path: str) -> FieldSpec | None:
        spec = self.registry.get(path)
        if spec is None:
            self._bad(where, rule, f"unknown fact path {path!r}",
                      suggestion=closest(path, self.registry.all_paths()))
        return spec

    def _check_rule(self, rule: Rule, path: str, line: int) -> None:
        where = f"{path}:{line}"
        if not rule.when:
            self._bad(where, rule, "'when' is empty: a rule needs at least one condition")
        for cond, cond_line in zip(rule.when, self.condition_lines[rule.id], strict=True):
            self._check_condition(cond, rule, f"{path}:{cond_line or line}", top=True)
        for concl in rule.then:
            kind = {"finding": "findings", "recommendation": "recommendations", "caveat": "caveats"}[concl.kind]
            if concl.target not in self.defs[kind]:
                self._bad(where, rule, f"concludes unknown {concl.kind} {concl.target!r}",
                          suggestion=closest(concl.target, self.defs[kind]))
        for path in rule.ask_if_unknown:
            if self._field(where, rule, path) is not None and path not in self.defs["questions"]:
                self._bad(where, rule, f"ask_if_unknown {path!r} has no entry under 'questions'")

    def _check_condition(self, cond: Condition, rule: Rule, where: str, *, top: bool) -> None:
        if cond.any is not None:
            if not top:
                self._bad(where, rule, "'any' cannot be nested")
            if not cond.any:
                self._bad(where, rule, "'any' is empty")
            for sub in cond.any:
                if sub.fact is None:
                    self._bad(where, rule, "'any' may hold only fact conditions")
                else:
                    self._check_condition(sub, rule, where, top=False)
            return
        if cond.finding is not None or cond.not_finding is not None:
            fid = cond.finding or cond.not_finding or ""
            if fid not in self.defs["findings"]:
                self._bad(where, rule, f"tests unknown finding {fid!r}", suggestion=closest(fid, self.defs["findings"]))
            if cond.principle is not None and cond.principle not in self.defs["principles"]:
                self._bad(where, rule, f"unknown principle {cond.principle!r}",
                          suggestion=closest(cond.principle, self.defs["principles"]))
            return
        assert cond.fact is not None
        spec = self._field(where, rule, cond.fact)
        if spec is None:
            return
        op = cond.op
        allowed = _OPS_FOR_KIND.get(spec.kind, _ORDERED_OPS | {"is", "is_not", "in", "not_in", "known"})
        if op not in allowed:
            self._bad(where, rule, f"{cond.fact} is a {spec.kind}; operator {op!r} does not apply",
                      accepted=", ".join(sorted(allowed)))
            return
        if op == "known":
            return
        values = cond.value if op in ("in", "not_in") else [cond.value]
        if not values:
            self._bad(where, rule, f"{op!r} needs at least one value")
        for value in values:
            if isinstance(value, dict):
                if op in ("in", "not_in") or set(value) != {"fact"}:
                    self._bad(where, rule, f"{cond.fact}: a reference is written {{fact: <path>}}")
                    continue
                other = self._field(where, rule, str(value["fact"]))
                if other is not None and not spec.comparable_with(other):
                    self._bad(where, rule, f"cannot compare {cond.fact} ({spec.kind}) with {other.path} ({other.kind})")
            else:
                problem = _literal_problem(spec, value)
                if problem:
                    self._bad(where, rule, f"{cond.fact}: {problem}", accepted=_accepted(spec))

    def _check_texts(self) -> None:
        for kind in ("findings", "recommendations", "caveats", "questions"):
            for key, definition in self.defs[kind].items():
                where = self.origin[f"{kind}:{key}"]
                for text in _texts(definition):
                    for message, suggestion in placeholder_problems(text):
                        self.problems.append(Problem(where, f"{kind[:-1]} {key}: {message}",
                                                     accepted=_PLACEHOLDERS_ACCEPTED, suggestion=suggestion))
                steps = getattr(definition, "steps", None)
                if isinstance(steps, StepVariants):
                    spec = self.registry.get(steps.by)
                    if spec is None or spec.kind != "enum":
                        self.problems.append(Problem(where, f"{kind[:-1]} {key}: steps.by must be an enum fact path"))
                    else:
                        for case in steps.cases:
                            if case not in spec.values:
                                self.problems.append(Problem(
                                    where, f"{kind[:-1]} {key}: {case!r} is not a value of {steps.by}",
                                    accepted=", ".join(spec.values)))
        # A question may also be about a fact-file field that rules see only through a
        # derived path (backup.last_success -> backup.days_since_success).
        askable = set(self.registry.all_paths()) | {s for f in self.registry.fields.values() for s in f.sources}
        for path in self.defs["questions"]:
            if path not in askable:
                self.problems.append(Problem(self.origin[f"questions:{path}"], f"question for unknown fact path {path!r}",
                                             suggestion=closest(path, askable)))

    def _stratify(self) -> dict[str, int]:
        producers: dict[str, list[str]] = {}
        for rule, *_ in self.rules.values():
            for concl in rule.then:
                if concl.finding:
                    producers.setdefault(concl.finding, []).append(rule.id)
        strata = {rid: 0 for rid in self.rules}
        limit = len(strata) + 1
        changed = True
        while changed:
            changed = False
            for rule, *_ in self.rules.values():
                need = 0
                for cond in rule.when:
                    if cond.finding is not None:
                        need = max([need] + [strata[p] for p in producers.get(cond.finding, [])])
                    elif cond.not_finding is not None:
                        need = max([need] + [strata[p] + 1 for p in producers.get(cond.not_finding, [])])
                if need > strata[rule.id]:
                    if need > limit:
                        self.problems.append(Problem(
                            "", f"rule {rule.id}: findings depend on their own absence (a cycle through not_finding)"))
                        return strata
                    strata[rule.id] = need
                    changed = True
        return strata


def _texts(definition: Any) -> Iterable[str]:
    for name in ("title", "detail", "text", "ask", "why"):
        text = getattr(definition, name, None)
        if isinstance(text, Text):
            yield text.en
            yield text.ja
    steps = getattr(definition, "steps", None)
    if steps is not None:
        groups = [steps] if not isinstance(steps, StepVariants) else [*steps.cases.values(), steps.otherwise]
        for group in groups:
            yield from group.en
            yield from group.ja


def _literal_problem(spec: FieldSpec, value: Any) -> str | None:
    if spec.kind in ("bool", "flag"):
        return None if isinstance(value, bool) else f"{value!r} is not true/false"
    if spec.kind == "enum":
        return None if value in spec.values else f"{value!r} is not a value of this field"
    if spec.kind == "text":
        return None if isinstance(value, str) else f"{value!r} is not text"
    if spec.kind == "version":
        try:
            # A bare number is refused even when it would parse: 16.10 in YAML is the float 16.1.
            Version(value) if isinstance(value, str) else Version("x")
        except ValueError:
            return f"{value!r} is not a version (write it as a string, e.g. \"16.10\")"
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{value!r} is not a number"
    return number_problem(spec.kind, value)


_PLACEHOLDERS_ACCEPTED = "{name} with a name listed in docs/rule-authoring.md §5, and {{ or }} for a brace"


def _accepted(spec: FieldSpec) -> str:
    return {
        "bool": "true or false", "flag": "true", "enum": ", ".join(spec.values), "text": "text",
        "version": 'a version string such as "16.10"',
    }.get(spec.kind, f"a finite number, 0 or from {NUMBER_MIN:g} to {NUMBER_MAX:.0e} in size"
                     + (", at most 3 decimals (1 MB)" if spec.kind == "gb" else ", at most 3 decimals"))
