"""Load rule packs, check them against the fact model, and compile them for durable-rules.

Checks run once, when the packs load: a misspelt fact path, an unknown id, a value of
the wrong type or a missing translation fails here with the file, line and rule, so no
diagnosis ever runs on a broken pack.

Negation over findings (``not_finding``) is stratified: a rule that needs a finding to
be *absent* runs only after every rule that could produce that finding has run. The
engine drives the strata with ``stage`` sentinel facts (see ``engine/_durable.py``), because
durable-rules judges absence against the facts present at that moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import builtin_copy
from .checks import PackChecks
from .to_durable import durable_definition
from ..errors import Problem, RulePackError
from .predicates import Predicate, predicate_of
from .fields import Encoder, FieldRegistry, build_registry
from .knowledge import Knowledge, load_knowledge
from .limits import MAX_PACK_FILES, MAX_RULES, MAX_RULES_PER_PACK
from ..texts import say
from .network import overflows
from .packfile import (CaveatDef, FindingDef, PackFile, QuestionDef, RecommendationDef, Rule,
                       Text, read_pack_file)

BUILTIN_PACK = "core"


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    pack: str
    file: str
    line: int
    stratum: int
    name: str
    """The rule's name inside durable-rules."""
    conditions: tuple[Predicate, ...] = field(default=(), compare=False, repr=False)
    """The conditions as Python predicates, for questions and why-not (see predicates.py)."""
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

    def by_name(self) -> dict[str, CompiledRule]:
        return {r.name: r for r in self.rules}

    @cached_property
    def case_encoders(self) -> dict[str, Encoder | None]:
        """The fact paths some rule tests, each with its encoder: only these go into the
        case fact durable-rules matches (a third of a typical case's values no rule reads)."""
        tested = {p for c in self.rules for p in c.paths}
        return {p: e for p, e in self.registry.encoders.items() if p in tested}

    def durable_definition(self) -> dict[str, Any]:
        """The ruleset as durable-rules' JSON (see ``to_durable.py``)."""
        return self.definition or durable_definition(self.rules, self.registry, self.strata)


def builtin_pack_dir() -> Path:
    return builtin_copy.rules_root() / "packs" / BUILTIN_PACK


def load_rulebase(extra: Sequence[str | Path] = (), *, builtin: bool = True) -> RuleBase:
    """Load the built-in pack (unless ``builtin=False``) and the packs in *extra*."""
    knowledge = load_knowledge()
    groups = sorted({g for gs in knowledge.use_groups.values() for g in gs})
    registry = build_registry(tuple(knowledge.screen_messages), (*knowledge.uses, *groups))
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
            raise RulePackError(say("pack.too_many_files", count=len(files), limit=MAX_PACK_FILES), source=str(d))
        self.packs.append(str(d))
        pack_name = d.name
        before = len(self.rules)
        for path in files:
            # A custom pack's links are followed only to files inside its folder.
            pack, lines = read_pack_file(path, inside=d if custom else None)
            if len(self.rules) - before + len(pack.rules) > MAX_RULES_PER_PACK:
                first = pack.rules[MAX_RULES_PER_PACK - (len(self.rules) - before)]
                raise RulePackError(say("pack.too_many_rules"), [Problem(
                    f"{path}:{lines.get(first.id, 0)}",
                    f"rule {first.id}: past the {MAX_RULES_PER_PACK:,} rules one pack may have",
                    accepted="split the pack into several folders, each given with --rules")], source=str(d))
            self._add_file(pack, lines, path, pack_name, custom)
        if len(self.rules) > MAX_RULES:
            raise RulePackError(say("pack.too_many_loaded", count=len(self.rules), limit=MAX_RULES), source=str(d))

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
        checks = PackChecks(self.registry, self.defs, self.origin, self.condition_lines, self.problems)
        for rule, _, path, line in self.rules.values():
            checks.rule(rule, path, line)
        checks.texts()
        strata = self._stratify()
        if self.problems:
            raise RulePackError(f"{len(self.problems)} problem(s) in the rule packs", self.problems)
        compiled = tuple(
            CompiledRule(rule, pack, path, line, strata[rule.id], f"r{i}",
                         tuple(predicate_of(c, self.registry) for c in rule.when),
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
