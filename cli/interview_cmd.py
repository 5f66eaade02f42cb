"""``backup-doctor interview``: the report's questions asked one at a time, in the terminal.

Each answer goes into the fact file being built, and the facts are diagnosed again:
the next question is the report's first (SPEC §4 orders them, most useful first),
typed by its ``answer``. ``?`` declines a field (the customer does not know: it stays
unknown and is not asked again), ``b`` takes the last answer back, ``q`` stops. The
interview ends when the report is ``settled``; the report is printed and the fact
file written (``-o``), so the interview becomes an ordinary ticket.

Prompts and the running summary go to standard error, the final report to standard
output: ``interview -o facts.json --format json > report.json`` keeps both clean.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..engine.errors import InputError
from ..engine.loader import load_facts
from ..engine.safe_text import for_terminal
from ..engine.texts import in_lang, os_reason, say
from .options import OutputError, format_option, lang_option, rules_option
from .brief import render_brief
from .render import render
from .texts import labels

if TYPE_CHECKING:
    from ..engine.report.model import Answer, Question, Report
    from ..engine.runner import Engine

GOAL = "goal"
_VERSION = re.compile(r"\d{1,3}(\.\d{1,3}){0,3}")


class _Stop(Exception):
    """``q``, or the end of standard input."""


class _Back(Exception):
    """``b``: take the last answer back."""


class _Skip(Exception):
    """``?``: the customer does not know."""


class _Bad(Exception):
    """An answer that does not fit; the message says what does, in the user's language."""


@dataclass
class Interview:
    """The facts as given at the start, and the answers since, in order (so ``b`` can undo)."""

    start: dict[str, Any]
    steps: list[tuple[str, Any]] = field(default_factory=list)
    """(field, value) or (field, ``_DECLINED``)."""

    def facts(self) -> dict[str, Any]:
        facts = copy.deepcopy(self.start)
        for path, value in self.steps:
            if value is not _DECLINED:
                _set(facts, path, value)
        return facts

    def declined(self) -> list[str]:
        return [path for path, value in self.steps if value is _DECLINED]


_DECLINED = object()


def _set(facts: dict[str, Any], path: str, value: Any) -> None:
    *parents, name = path.split(".")
    node = facts
    for part in parents:
        node = node.setdefault(part, {})
    node[name] = value


@click.command()
@click.argument("fact_file", required=False, type=click.Path(dir_okay=False, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the fact file the interview built here (atomically).")
@format_option("text", "markdown", "json")
@click.option("--brief", is_flag=True, help="Print the short form at the end, as diagnose --brief (text, markdown).")
@lang_option
@rules_option
def interview(fact_file: str | None, output: Path | None, fmt: str, brief: bool, lang: str,
              rules_dirs: tuple[Path, ...]) -> None:
    """Ask the customer's questions one at a time, then print the report.

    Starts from FACT_FILE (else from nothing: the goal is asked first). Each question
    shows how to answer it: a number for a choice, y/n (はい/いいえ), a number or size
    in its unit, a version, a date. ? = the customer doesn't know (not asked again),
    b = back one answer, q = stop. Ends when no open question could change the
    advice. Prompts go to stderr, the report (or --brief) to stdout; -o writes the
    fact file built.
    """
    from ..engine.runner import Engine

    if brief and fmt == "json":  # as diagnose: the JSON report is always whole
        raise click.UsageError(labels("brief", lang)["not_json"], click.get_current_context())
    start: dict[str, Any] = {"schema_version": 1}
    if fact_file is not None:
        load_facts(fact_file)  # a bad file is refused as diagnose refuses it
        start = json.loads(Path(fact_file).read_text(encoding="utf-8"))  # kept as written (model names as typed)
    engine = Engine(rules_dirs)
    state = Interview(start)
    report = _run(engine, state, lang)
    click.echo(render_brief(report, markdown=fmt == "markdown") if brief else render(report, fmt), nl=False)
    if output is not None:
        _write(output, state.facts(), lang)


def _run(engine: Engine, state: Interview, lang: str) -> Report:
    t = labels("interview", lang)
    click.echo(t["intro"], err=True)
    shown = _summary(None, lang)
    while True:
        report = engine.diagnose(state.facts(), lang=lang, declined=state.declined())  # type: ignore[arg-type]
        lines = _summary(report, lang)
        if lines != shown:  # only when the answer changed something
            click.echo("\n".join(lines), err=True)
            shown = lines
        pending = GOAL not in state.facts() and GOAL not in state.declined()
        if not pending and (report.settled or not report.questions):
            click.echo(t["settled" if report.settled else "no_more"], err=True)
            return report
        try:
            if pending:
                _ask_goal(state, lang)
            else:
                _ask(state, report.questions[0], lang)
        except _Stop:
            click.echo(t["stopped"], err=True)
            return report
        except _Back:
            if state.steps:
                state.steps.pop()
            else:
                click.echo(t["nothing_back"], err=True)


def _ask_goal(state: Interview, lang: str) -> None:
    t = labels("interview", lang)
    choices = [(value, t[f"goal_{value}"]) for value in ("backup", "migrate", "restore")]
    click.echo(f"\n[{len(state.steps) + 1}] {t['goal_ask']}", err=True)
    _record(state, GOAL, lambda line: _pick(line, choices, lang), _choice_lines(choices), lang)


def _ask(state: Interview, question: Question, lang: str) -> None:
    answer = question.answer
    click.echo(f"\n[{len(state.steps) + 1}] {for_terminal(question.ask)}", err=True)
    click.echo(f"    ({for_terminal(question.why)})", err=True)
    choices = [(c.value, for_terminal(c.label)) for c in answer.choices or ()]
    _record(state, question.field, lambda line: _parse(line, answer, choices, lang),
            _choice_lines(choices) + [_hint(answer, lang)], lang)


def _record(state: Interview, path: str, parse: Any, lines: list[str], lang: str) -> None:
    """Read answers until one fits (and the facts with it are valid), then add it."""
    t = labels("interview", lang)
    for line in lines:
        if line:
            click.echo(line, err=True)
    click.echo(f"    {t['keys']}", err=True)
    while True:
        try:
            value = parse(_read(lang))
        except _Skip:
            state.steps.append((path, _DECLINED))
            return
        except _Bad as exc:
            click.echo(f"    ! {exc}", err=True)
            continue
        state.steps.append((path, value))
        problem = _check(state, lang)
        if problem is None:
            return
        state.steps.pop()
        click.echo(f"    ! {problem}", err=True)


def _check(state: Interview, lang: str) -> str | None:
    """Why the facts with the last answer are not a valid fact file (e.g. used above plan), if they are not."""
    from ..engine.loader import parse_facts

    try:
        parse_facts(state.facts())
    except InputError as exc:
        return "; ".join(f"{p.location}: {in_lang(p.message, lang)}" for p in exc.problems) or in_lang(exc.message, lang)
    return None


def _read(lang: str) -> str:
    click.echo("> ", nl=False, err=True)
    try:
        line = sys.stdin.readline()
    except KeyboardInterrupt:
        if not sys.stderr.isatty():  # on a terminal, the line that says so starts on a new line anyway
            click.echo("", err=True)
        raise
    if not line:  # end of input: as q
        click.echo("", err=True)
        raise _Stop
    text = line.strip()
    if not sys.stdin.isatty():
        click.echo(text, err=True)  # a scripted answer shows in the transcript as if typed
    command = text.lower()
    if command in ("q", "quit", "ｑ"):
        raise _Stop
    if command in ("b", "back", "ｂ"):
        raise _Back
    if command in ("?", "？"):
        raise _Skip
    return text


def _choice_lines(choices: list[tuple[Any, str]]) -> list[str]:
    return [f"  {n}) {label}" for n, (_, label) in enumerate(choices, 1)]


def _pick(text: str, choices: list[tuple[Any, str]], lang: str) -> Any:
    number = text.strip()
    if number.isdecimal() and 1 <= int(number) <= len(choices):
        return choices[int(number) - 1][0]
    for value, label in choices:  # the value or the label typed out also does
        if number.lower() in (str(value).lower(), label.lower()):
            return value
    raise _Bad(labels("interview", lang)["bad_choice"].format(n=len(choices)))


def _parse(text: str, answer: Answer, choices: list[tuple[Any, str]], lang: str) -> Any:
    t = labels("interview", lang)
    kind = answer.kind
    if kind == "choice":
        return _pick(text, choices, lang)
    if kind == "choices":
        picked = [_pick(part, choices, lang) for part in re.split(r"[,\s、，]+", text) if part]
        if not picked:
            raise _Bad(t["bad_choices"].format(n=len(choices)))
        return list(dict.fromkeys(picked))
    if kind == "yes_no":
        word = text.lower()
        if word in ("y", "yes", "はい", "ｙ"):
            return True
        if word in ("n", "no", "いいえ", "ｎ"):
            return False
        raise _Bad(t["bad_yes_no"])
    if kind in ("number", "gb"):
        return _number(text, answer, lang)
    if kind == "version":
        if _VERSION.fullmatch(text):
            return text
        raise _Bad(t["bad_version"])
    if kind == "date":
        try:
            return _dt.date.fromisoformat(text.replace("/", "-")).isoformat()
        except ValueError:
            raise _Bad(t["bad_date"]) from None
    if not text:
        raise _Bad(t["bad_text"])
    return text


def _number(text: str, answer: Answer, lang: str) -> float | int:
    t = labels("interview", lang)
    unit = answer.unit or ""
    body = text[: -len(unit)].strip() if unit and text.lower().endswith(unit.lower()) else text
    low = answer.min if answer.min is not None else float("-inf")
    high = answer.max if answer.max is not None else float("inf")
    try:
        value = float(body)
    except ValueError:
        value = float("nan")
    if not (low <= value <= high) or (answer.min_exclusive and value == low):  # also refuses nan and inf
        raise _Bad(t["bad_number"] + _range(answer, lang))
    return int(value) if value.is_integer() else value  # 128, not 128.0, in the fact file


SANITY_LIMIT = 100_000
"""A maximum this large is the fact model's guard against typos (1,000,000 GB), not a
range worth reading out: only the minimum is shown then."""


def _range(answer: Answer, lang: str) -> str:
    t = labels("interview", lang)
    unit = f" {answer.unit}" if answer.unit else ""
    if answer.min is not None and answer.max is not None and answer.max < SANITY_LIMIT:
        return " " + t["between"].format(low=f"{answer.min:g}", high=f"{answer.max:g}", unit=unit)
    if answer.min is not None:
        return " " + t["above" if answer.min_exclusive else "at_least"].format(low=f"{answer.min:g}", unit=unit)
    return ""


def _hint(answer: Answer, lang: str) -> str:
    t = labels("interview", lang)
    kind = answer.kind
    if kind in ("number", "gb"):
        return "    " + t[f"hint_{kind}"] + _range(answer, lang)
    if kind in ("yes_no", "version", "date", "text", "choices"):
        return "    " + t[f"hint_{kind}"]
    return ""


def _summary(report: Report | None, lang: str) -> list[str]:
    """The causes and the first fix so far, in a few lines (none before the first diagnosis)."""
    t = labels("interview", lang)
    if report is None:
        return []
    lines = [f"  → {t['cause']}: {for_terminal(f.title)} [{f.id}]" for f in report.findings[:3]]
    if not lines:
        lines = [f"  → {t['causes']}: {t['none']}"]
    if report.recommendations:
        first = report.recommendations[0]
        lines.append(f"  → {t['first_fix']}: {for_terminal(first.title)} [{first.id}]")
    return lines


def _write(path: Path, facts: dict[str, Any], lang: str) -> None:
    from ..engine.batch import atomic_binary_output

    data = json.dumps(facts, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    try:
        with atomic_binary_output(path) as fh:
            fh.write(data)
    except OSError as exc:
        raise OutputError(say("cannot_write", reason=os_reason(exc)), source=str(path)) from exc
    click.echo(labels("interview", lang)["written"].format(path=path), err=True)
