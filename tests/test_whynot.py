"""why-not: which conditions failed, which facts were unknown, which principle blocked a conclusion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backup_doctor.engine import Engine
from backup_doctor.engine.authoring.catalog import UnknownIdError
from backup_doctor.engine.authoring.whynot import WhyNot, why_not


@pytest.fixture(scope="module")
def mini() -> Engine:
    # The mini pack alone: these tests must not move when the built-in rules change.
    return Engine([Path(__file__).parent / "packs" / "mini"], builtin=False)


def _facts(**sections: Any) -> dict[str, Any]:
    return {"schema_version": 1, "goal": "backup", **sections}


def _condition(answer: WhyNot, rule_id: str, starts: str) -> Any:
    stack = list(answer.rules)
    while stack:
        rule = stack.pop()
        for cond in rule.conditions:
            if rule.rule_id == rule_id and cond.condition.startswith(starts):
                return cond
            stack.extend(cond.finding_rules)
    raise AssertionError(f"no condition {starts!r} of {rule_id} in {answer}")


def test_principle_that_blocked_a_fix_is_named_with_its_text(mini: Engine) -> None:
    facts = _facts(device={"ios": "14.2"}, network={"connection": "wifi", "signal_bars": 1})
    answer = why_not(mini, facts, "mini-move-closer", "en")
    assert not answer.reached
    cond = _condition(answer, "R-mini-move", "finding mini-old-phone was not reached")
    assert cond.verdict == "fails"
    assert cond.blocked_by == "mini-old-phone"
    assert cond.principle is not None and cond.principle.id == "mini-old-first"
    assert cond.principle.text.startswith("Test principle: an old iOS is fixed")
    assert [p.id for p in answer.principles] == ["mini-old-first"]
    assert answer.questions == []  # nothing to ask: the rule is blocked, not undecided


def test_principle_text_follows_the_language(mini: Engine) -> None:
    facts = _facts(device={"ios": "14.2"}, network={"connection": "wifi", "signal_bars": 1})
    answer = why_not(mini, facts, "mini-move-closer", "ja")
    assert answer.principles[0].text == "テスト用の原則: 電波の対処より先に古い iOS を直します。"
    assert answer.title == "ルーターに近づく"
    assert _condition(answer, "R-mini-move", "所見 mini-old-phone が出ていない").verdict == "fails"


def test_failed_condition_shows_the_fact_value_through_the_missing_finding(mini: Engine) -> None:
    answer = why_not(mini, _facts(network={"connection": "cellular", "signal_bars": 1}), "mini-move-closer", "en")
    needs = _condition(answer, "R-mini-move", "finding mini-slow-link was reached")
    assert needs.verdict == "fails"
    assert [r.rule_id for r in needs.finding_rules] == ["R-mini-slow"]
    wifi = _condition(answer, "R-mini-slow", "network.connection is wifi")
    assert (wifi.verdict, wifi.facts) == ("fails", {"network.connection": "cellular"})
    bars = _condition(answer, "R-mini-slow", "network.signal_bars < 2")
    assert (bars.verdict, bars.facts) == ("holds", {"network.signal_bars": 1})


def test_unknown_fact_becomes_a_question_with_the_pack_text(mini: Engine) -> None:
    answer = why_not(mini, _facts(network={"connection": "wifi"}), "mini-move-closer", "en")
    bars = _condition(answer, "R-mini-slow", "network.signal_bars < 2")
    assert (bars.verdict, bars.unknown) == ("unknown", ["network.signal_bars"])
    assert [(q.field, q.ask) for q in answer.questions] == [
        ("network.signal_bars", "How many Wi-Fi bars does the iPhone show?")]


def test_no_question_when_a_known_fact_already_rules_it_out(mini: Engine) -> None:
    # Cellular: the signal bars do not matter any more, so asking about them is useless.
    answer = why_not(mini, _facts(network={"connection": "cellular"}), "mini-slow-link", "en")
    assert answer.questions == []


def test_reached_conclusion_names_the_rules_that_made_it(mini: Engine) -> None:
    answer = why_not(mini, _facts(device={"ios": "14.2"}), "mini-update", "en")
    assert answer.reached
    assert answer.reached_by == ["R-mini-update"]
    assert answer.rules[0].fired
    assert all(c.verdict == "holds" for c in answer.rules[0].conditions)


def test_absent_message_is_false_once_the_messages_are_given(mini: Engine) -> None:
    given = why_not(mini, _facts(symptoms={"messages": ["something else"]}), "mini-failed-note", "en")
    assert given.rules[0].conditions[0].verdict == "fails"
    not_given = why_not(mini, _facts(), "mini-failed-note", "en")
    assert not_given.rules[0].conditions[0].verdict == "unknown"
    assert not_given.rules[0].conditions[0].unknown == ["symptoms.messages"]


@pytest.mark.parametrize(("wrong", "hint"), [("mini-updat", "mini-update"), ("mini-moveclose", "mini-move-closer")])
def test_unknown_id_is_refused_with_did_you_mean(mini: Engine, wrong: str, hint: str) -> None:
    with pytest.raises(UnknownIdError, match=f"did you mean '{hint}'"):
        why_not(mini, _facts(), wrong, "en")


def test_rule_id_is_refused_with_what_it_concludes(mini: Engine) -> None:
    with pytest.raises(UnknownIdError, match="is a rule.*mini-move-closer"):
        why_not(mini, _facts(), "R-mini-move", "en")


def test_every_fired_rule_reads_as_holding(mini: Engine) -> None:
    # The three-valued reading must agree with what durable-rules decided.
    facts = _facts(device={"ios": "14.2"}, network={"connection": "wifi", "signal_bars": 0},
                   symptoms={"messages": ["backup-failed"]})
    for cid in ("mini-slow-link", "mini-old-phone", "mini-update", "mini-note", "mini-failed-note"):
        answer = why_not(mini, facts, cid, "en")
        assert answer.reached, cid
        assert all(c.verdict == "holds" for r in answer.rules if r.fired for c in r.conditions), cid
