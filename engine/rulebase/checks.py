"""The checks a rule pack passes when it loads: fact paths, ids, operators, values and texts.

Each problem is collected (with its file, line and rule) rather than raised, so that one
load reports every mistake of a pack at once; ``load.py`` raises them together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ...facts.version import Version
from ..errors import Problem, closest
from .fields import ORDERED_KINDS, FieldRegistry, FieldSpec
from .operators import OPERATORS
from .limits import NUMBER_MAX, NUMBER_MIN, number_problem
from .packfile import PLACEHOLDER_NAMES, Condition, Rule, StepVariants, Text

class PackChecks:
    """Checks the rules and definitions gathered from the packs, adding to *problems*."""

    def __init__(self, registry: FieldRegistry, defs: dict[str, dict[str, Any]], origin: dict[str, str],
                 condition_lines: dict[str, list[int]], problems: list[Problem]) -> None:
        self.registry, self.defs, self.origin = registry, defs, origin
        self.condition_lines, self.problems = condition_lines, problems

    def _bad(self, where: str, rule: Rule | str, message: str, *, suggestion: str | None = None,
             accepted: str | None = None) -> None:
        who = rule if isinstance(rule, str) else f"rule {rule.id}"
        self.problems.append(Problem(where, f"{who}: {message}", accepted, suggestion))

    def _field(self, where: str, rule: Rule | str, path: str) -> FieldSpec | None:
        spec = self.registry.get(path)
        if spec is None:
            self._bad(where, rule, f"unknown fact path {path!r}",
                      suggestion=closest(path, self.registry.all_paths()))
        return spec

    def rule(self, rule: Rule, path: str, line: int) -> None:
        where = f"{path}:{line}"
        if not rule.when:
            self._bad(where, rule, "'when' is empty: a rule needs at least one condition")
        for cond, cond_line in zip(rule.when, self.condition_lines[rule.id], strict=True):
            self._condition(cond, rule, f"{path}:{cond_line or line}", top=True)
        for concl in rule.then:
            kind = {"finding": "findings", "recommendation": "recommendations", "caveat": "caveats"}[concl.kind]
            if concl.target not in self.defs[kind]:
                self._bad(where, rule, f"concludes unknown {concl.kind} {concl.target!r}",
                          suggestion=closest(concl.target, self.defs[kind]))
        for path in rule.ask_if_unknown:
            if self._field(where, rule, path) is not None and path not in self.defs["questions"]:
                self._bad(where, rule, f"ask_if_unknown {path!r} has no entry under 'questions'")

    def _condition(self, cond: Condition, rule: Rule | str, where: str, *, top: bool) -> None:
        if cond.any is not None:
            if not top:
                self._bad(where, rule, "'any' cannot be nested")
            if not cond.any:
                self._bad(where, rule, "'any' is empty")
            for sub in cond.any:
                if sub.fact is None:
                    self._bad(where, rule, "'any' may hold only fact conditions")
                else:
                    self._condition(sub, rule, where, top=False)
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
        op, ordered = cond.operator, spec.kind in ORDERED_KINDS
        if not op.applies_to(spec.kind, ordered=ordered):
            allowed = [name for name, o in OPERATORS.items() if o.applies_to(spec.kind, ordered=ordered)]
            self._bad(where, rule, f"{cond.fact} is a {spec.kind}; operator {op.name!r} does not apply",
                      accepted=", ".join(sorted(allowed)))
            return
        if op.operand == "bool":
            return
        values = cond.value if op.operand == "list" else [cond.value]
        if not values:
            self._bad(where, rule, f"{op.name!r} needs at least one value")
        for value in values:
            if isinstance(value, dict):
                if not op.references or set(value) != {"fact"}:
                    self._bad(where, rule, f"{cond.fact}: a reference is written {{fact: <path>}}")
                    continue
                other = self._field(where, rule, str(value["fact"]))
                if other is not None and not spec.comparable_with(other):
                    self._bad(where, rule, f"cannot compare {cond.fact} ({spec.kind}) with {other.path} ({other.kind})")
            else:
                problem = _literal_problem(spec, value)
                if problem:
                    self._bad(where, rule, f"{cond.fact}: {problem}", accepted=_accepted(spec))

    def texts(self) -> None:
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
        for path, question in self.defs["questions"].items():
            where = self.origin[f"questions:{path}"]
            if path not in askable:
                self.problems.append(Problem(where, f"question for unknown fact path {path!r}",
                                             suggestion=closest(path, askable)))
            self.question(path, question, where)
        for key, definition in self.defs["recommendations"].items():
            for path in definition.checks:
                if path not in askable:
                    self.problems.append(Problem(self.origin[f"recommendations:{key}"],
                                                 f"recommendation {key}: checks unknown fact path {path!r}",
                                                 suggestion=closest(path, askable)))

    def question(self, path: str, question: Any, where: str) -> None:
        """The consultation keys of a question: ``when`` and ``choices`` (docs/rule-authoring.md §6)."""
        who = f"question {path}"
        for cond in (*question.when, *question.in_play_when):
            if cond.finding is not None or cond.not_finding is not None:
                self._bad(where, who, "'when' and 'in_play_when' may hold only fact conditions (a question comes before the findings)")
            else:
                self._condition(cond, who, where, top=True)
        if question.choices:
            spec = self.registry.get(path)
            values = spec.values if spec is not None and spec.kind == "enum" else ()
            if not values:
                self._bad(where, who, "'choices' labels the values of an enum field; this field has none")
            for value in question.choices:
                if values and value not in values:
                    self._bad(where, who, f"{value!r} is not a value of {path}", accepted=", ".join(values))


def _texts(definition: Any) -> Iterable[str]:
    for name in ("title", "detail", "text", "ask", "why"):
        text = getattr(definition, name, None)
        if isinstance(text, Text):
            yield text.en
            yield text.ja
    for text in getattr(definition, "ask_for", {}).values():
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


_SCAN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def placeholder_problems(text: str) -> list[tuple[str, str | None]]:
    """What is wrong with the placeholders of *text*: ``(message, suggested name)`` pairs."""
    out: list[tuple[str, str | None]] = []
    if "{" not in text and "}" not in text:
        return out
    for m in _SCAN.finditer(text):
        token = m.group(0)
        if token in ("{{", "}}"):
            continue
        if m.group(1) is None:
            out.append((f"a lone {token!r} at character {m.start() + 1}: write {token * 2!r} for a brace, "
                        "or {name} for a placeholder", None))
            continue
        inner = m.group(1)
        name = re.split(r"[.\[:!]", inner, maxsplit=1)[0].strip()
        if inner in PLACEHOLDER_NAMES:
            continue
        if not name or name.isdigit():
            what = "a positional field"
        elif name != inner:
            what = "attribute access, an index or a format spec"
        else:
            what = "an unknown placeholder"
        out.append((f"{{{inner[:40]}}} is {what}: a placeholder is {{name}}, with a name from the documented list",
                    closest(name, PLACEHOLDER_NAMES) if name and not name.isdigit() else None))
    return out
