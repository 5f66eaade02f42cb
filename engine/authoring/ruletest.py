"""Rule tests written as data, and the coverage they reach.

A test file is YAML holding ``cases``; each case gives a fact file (inline or by a
path relative to the test file) and the ids expected ``present``, ``absent``, ``first``
(the rank-1 recommendation) and the ``questions`` that must be asked. Running them
says which cases pass, what differed in those that fail, and which rules, findings,
recommendations and caveats no case reached. The format is in docs/rule-authoring.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from .catalog import CONCLUSION_KINDS, ConclusionKind, all_conclusion_ids, definitions
from ..errors import InputError, Problem, closest
from ..loader import load_facts, parse_facts
from ..rulebase.packfile import validation_problems
from ..rulebase.load import CompiledRule, RuleBase
from ..runner import Engine
from ..rulebase.yamlfile import read_yaml


class RuleTestError(InputError):
    """A rule-test file is malformed or names ids and fields that do not exist."""

    code = "rule_test_error"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(_Strict):
    present: list[str] = []
    absent: list[str] = []
    first: str | None = None
    questions: list[str] = []


class CaseSpec(_Strict):
    name: str
    facts: dict[str, Any] | None = None
    facts_file: str | None = None
    lang: Literal["en", "ja"] = "en"
    expect: Expect

    @model_validator(mode="after")
    def _one_source(self) -> CaseSpec:
        if (self.facts is None) == (self.facts_file is None):
            raise ValueError("a case needs exactly one of 'facts' (inline) or 'facts_file' (a path)")
        return self


class CaseFile(_Strict):
    cases: list[CaseSpec]


@dataclass(frozen=True)
class TestCase:
    """One case, read and checked, ready to run."""

    file: Path
    line: int
    spec: CaseSpec

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Mismatch:
    """One expectation a case did not meet."""

    what: Literal["present", "absent", "first", "questions"]
    expected: list[str]
    got: list[str]
    """What the report held for that expectation (the ids, the rank-1 fix, the questions)."""


@dataclass
class CaseResult:
    case: TestCase
    mismatches: list[Mismatch] = field(default_factory=list)
    error: str | None = None
    """The fact file could not be read or is invalid."""
    fired: set[str] = field(default_factory=set)
    reached: set[str] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        return self.error is None and not self.mismatches


@dataclass
class Coverage:
    """What no case reached, among the rules and ids counted."""

    rules_total: int
    rules: list[CompiledRule]
    totals: dict[str, int]
    """Per kind (finding, recommendation, caveat): how many ids were counted."""
    missed: dict[str, list[str]]
    """Per kind: the ids no case reached."""

    @property
    def full(self) -> bool:
        return not self.rules


@dataclass
class TestRun:
    results: list[CaseResult]
    coverage: Coverage

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]


# --------------------------------------------------------------------------- reading


def collect_files(paths: Sequence[str | Path]) -> list[Path]:
    """The test files named by *paths*: files as given, folders searched recursively for *.yaml/*.yml."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")])
            if not found:
                raise RuleTestError("folder holds no .yaml test files", source=str(path))
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise RuleTestError("no such file or folder", source=str(path))
    return out


def load_cases(paths: Sequence[str | Path], rb: RuleBase) -> list[TestCase]:
    """Read every case; raises :class:`RuleTestError` listing every problem of every file."""
    cases: list[TestCase] = []
    problems: list[Problem] = []
    for path in collect_files(paths):
        data = read_yaml(path, RuleTestError)
        try:
            parsed = CaseFile.model_validate(data if data is not None else {})
        except ValidationError as exc:
            problems.extend(validation_problems(exc, data, path))
            continue
        names: set[str] = set()
        for index, spec in enumerate(parsed.cases):
            line = getattr(data["cases"][index], "line", 0)
            case = TestCase(path, line, spec)
            if spec.name in names:
                problems.append(Problem(case.where, f"case name {spec.name!r} appears twice in this file"))
            names.add(spec.name)
            problems.extend(_check_ids(case, rb))
            cases.append(case)
    if problems:
        raise RuleTestError(f"{len(problems)} problem(s) in the rule tests", problems)
    return cases


def _check_ids(case: TestCase, rb: RuleBase) -> list[Problem]:
    # A misspelt id would make an 'absent' expectation pass for ever: refuse it.
    known = all_conclusion_ids(rb)
    exp = case.spec.expect
    out = []
    named = [*exp.present, *exp.absent, *([exp.first] if exp.first else [])]
    for cid in named:
        if cid not in known:
            out.append(Problem(case.where, f"case {case.spec.name!r}: unknown id {cid!r}", suggestion=closest(cid, known)))
    if exp.first and exp.first not in rb.recommendations and exp.first in known:
        out.append(Problem(case.where, f"case {case.spec.name!r}: 'first' must be a recommendation, "
                                       f"{exp.first!r} is not"))
    for path in exp.questions:
        if path not in rb.questions:
            out.append(Problem(case.where, f"case {case.spec.name!r}: no question is defined for {path!r}",
                               suggestion=closest(path, rb.questions)))
    return out


# --------------------------------------------------------------------------- running


def run_case(engine: Engine, case: TestCase) -> CaseResult:
    """Diagnose one case and compare the report with what it expects."""
    result = CaseResult(case)
    spec = case.spec
    try:
        facts = parse_facts(spec.facts) if spec.facts is not None else load_facts(
            str(case.file.parent / str(spec.facts_file)))
    except InputError as exc:
        result.error = str(exc)
        return result
    run = engine.run(facts)
    report = engine.report(run, spec.lang)
    result.fired = {compiled.id for compiled in run.fired}
    ids = report.ids()
    got = [i for kind in ("findings", "recommendations", "caveats") for i in ids[kind]]
    result.reached = set(got)
    exp = spec.expect
    missing = [i for i in exp.present if i not in result.reached]
    if missing:
        result.mismatches.append(Mismatch("present", missing, got))
    unwanted = [i for i in exp.absent if i in result.reached]
    if unwanted:
        result.mismatches.append(Mismatch("absent", unwanted, got))
    first = ids["recommendations"][:1]
    if exp.first is not None and first != [exp.first]:
        result.mismatches.append(Mismatch("first", [exp.first], first))
    asked = [q.field for q in report.questions]
    not_asked = [q for q in exp.questions if q not in asked]
    if not_asked:
        result.mismatches.append(Mismatch("questions", not_asked, asked))
    return result


def run_tests(engine: Engine, paths: Sequence[str | Path],
              counted: Callable[[CompiledRule], bool] = lambda r: True) -> TestRun:
    """Run every case under *paths*; coverage counts the rules *counted* accepts and what they conclude."""
    rb = engine.rulebase
    cases = load_cases(paths, rb)
    results = [run_case(engine, c) for c in cases]
    return TestRun(results, coverage(rb, results, counted))


def coverage(rb: RuleBase, results: list[CaseResult],
             counted: Callable[[CompiledRule], bool] = lambda r: True) -> Coverage:
    fired = set().union(*(r.fired for r in results)) if results else set()
    reached = set().union(*(r.reached for r in results)) if results else set()
    rules = [r for r in rb.rules if counted(r)]
    ids: dict[ConclusionKind, list[str]] = {k: [] for k in CONCLUSION_KINDS}
    for compiled in rules:
        for concl in compiled.rule.then:
            bucket = ids[concl.kind]  # type: ignore[index]
            if concl.target not in bucket:
                bucket.append(concl.target)
    for kind in CONCLUSION_KINDS:
        ids[kind].sort(key=list(definitions(rb, kind)).index)
    return Coverage(
        rules_total=len(rules),
        rules=[r for r in rules if r.id not in fired],
        totals={k: len(v) for k, v in ids.items()},
        missed={k: [i for i in v if i not in reached] for k, v in ids.items()},
    )
