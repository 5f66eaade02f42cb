"""The durable-rules traps of ../shared/notes/durable-rules.md, each pinned by a test.

Run the suite with ``MALLOC_PERTURB_=170``: it turns the ``delete_state`` double free
(notes, "the worst trap") into an immediate crash instead of a rare one.
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from backup_doctor.engine import Engine, EngineError, Report, _durable

FACTS_A: dict[str, Any] = {
    "schema_version": 1, "ticket": "A", "today": "2026-11-25", "goal": "migrate",
    "device": {"model": "iPhone 12", "ios": "16.7.2", "update_available": True},
    "target": {"model": "iPhone 16", "ios": "18.1"},
    "account": {"plan_gb": 5, "used_gb": 4.2, "icloud_backup_on": True},
    "backup": {"photo_count": 3000, "video_gb": 2.0, "existing_backup_gb": 1.0, "last_backup_ios": "18.2"},
    "network": {"connection": "wifi", "wifi_kind": "tethering", "signal_bars": 1},
    "symptoms": {"messages": ["iCloudストレージの空き領域が不足しています", "謎のエラー", "backup-failed"]},
    "uses": ["line", "face_id", "bank app", "apple_pay"],
}
FACTS_B: dict[str, Any] = {
    "schema_version": 1, "ticket": "B", "today": "2026-11-25", "goal": "backup",
    "account": {"plan_gb": 200, "used_gb": 20, "icloud_backup_on": False},
    "network": {"connection": "wifi", "wifi_kind": "home", "signal_bars": 3},
}


def fnv1a_32(text: str) -> int:
    """The 32-bit hash durable-rules compares instead of strings (``char`` is signed)."""
    h = 0x811C9DC5
    for byte in text.encode():
        h ^= byte - 256 if byte > 127 else byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def _dump(report: Report) -> str:
    return report.model_dump_json()


def test_sessions_past_the_1024_cap_in_a_fresh_process(run_python: Any) -> None:
    # 1,100 diagnoses, most of them of the shape that crashes delete_state when no action
    # ran (nothing known, so no rule fires): once with a new session for each (1,100
    # sessions created and deleted), once with the session reused (renewed after 1,000);
    # in a child so a crash cannot take pytest down.
    script = """
import json
from backup_doctor.engine import Engine, _durable
e = Engine()
ids = set()
for runs in (1, _durable.SESSION_RUNS):
    _durable.SESSION_RUNS = runs
    for i in range(1100):
        facts = {"schema_version": 1, "ticket": str(i)} if i % 3 else \\
            {"schema_version": 1, "ticket": str(i), "network": {"wifi_kind": "tethering"}}
        r = e.diagnose(facts)
        assert r.ticket == str(i)
        ids.add(tuple(f.id for f in r.findings))
print(json.dumps(sorted(map(list, ids))))
"""
    proc = run_python("-c", script, env={"MALLOC_PERTURB_": "170"})
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout) == [[], ["network-unstable"]]


def test_the_hash_helper_reproduces_the_known_collisions() -> None:
    # Pairs measured in the notes: if this fails, the checks below prove nothing.
    assert fnv1a_32("req-npfs") == fnv1a_32("req-6vja")
    assert fnv1a_32("f_f3zx") == fnv1a_32("f_0pad")
    assert fnv1a_32("s31597") == fnv1a_32("s618190")


def test_hash_colliding_session_ids_do_not_mix_reports(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # The engine names sessions s0, s1, ...; s31597 and s618190 share durable's hash.
    # Force them, alternating, on two different tickets, with a new session for every
    # diagnosis: each must get its own answer.
    expected = {"A": _dump(engine.diagnose(FACTS_A)), "B": _dump(engine.diagnose(FACTS_B))}
    monkeypatch.setattr(_durable, "SESSION_RUNS", 1)
    monkeypatch.setattr(engine._ruleset, "_sids", itertools.cycle([31597, 618190]))
    for i in range(40):
        facts = FACTS_A if i % 2 else FACTS_B
        assert _dump(engine.diagnose(facts)) == expected[facts["ticket"]]


def test_a_reused_session_answers_as_a_new_one(engine: Engine, examples_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # One durable session serves many diagnoses, its facts retracted after each: a fact
    # left behind would change the next ticket's answer. Every shipped example and both
    # tickets here, in two orders, against a new session per diagnosis.
    examples = [p.read_text("utf-8") for p in sorted(examples_dir.glob("*.json"))]
    tickets = [*examples, json.dumps(FACTS_A), json.dumps(FACTS_B)]
    sequence = tickets + tickets[::-1] + tickets[::2]
    reused = [_dump(engine.diagnose(t, explain=True)) for t in sequence]
    assert engine._ruleset._sid is not None
    monkeypatch.setattr(_durable, "SESSION_RUNS", 1)
    fresh = [_dump(engine.diagnose(t, explain=True)) for t in sequence]
    assert reused == fresh
    assert len(set(reused)) == len(tickets)


def test_a_session_holds_no_fact_between_diagnoses(engine: Engine) -> None:
    for facts in (FACTS_A, FACTS_B):
        report = engine.diagnose(facts)
        assert report.findings  # rules fired and derived findings were asserted
        ruleset = engine._ruleset
        assert json.loads(_durable._dre.get_facts(ruleset._handle, ruleset._sid)) == []


def test_no_two_names_in_a_session_share_a_hash(engine: Engine) -> None:
    # Fact ids and field names are looked up by their 32-bit hash only: a collision
    # would make two findings one, or a rule read the wrong field.
    rb = engine.rulebase
    fact_ids = ["case", "end", *(f"stage:{n}" for n in range(1, rb.strata + 2)),
                *(f"finding:{fid}" for fid in rb.findings)]
    fields = ["t", "id", "sid", "name", "n", *rb.registry.all_paths()]
    for names in (fact_ids, fields):
        hashes = [fnv1a_32(n) for n in names]
        assert len(set(hashes)) == len(set(names)), names


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        items = [_shuffled(v, rng) for v in value]
        rng.shuffle(items)
        return items
    return value


def test_fact_order_permutations_give_identical_reports(engine: Engine) -> None:
    rng = random.Random(5)
    for facts in (FACTS_A, FACTS_B):
        reference = engine.diagnose(facts, explain=True).model_dump(mode="json")
        for _ in range(25):
            got = engine.diagnose(json.dumps(_shuffled(facts, rng), ensure_ascii=False), explain=True)
            report = got.model_dump(mode="json")
            # Unrecognised texts are listed in the customer's order on purpose.
            for key in ("unrecognised_messages", "unrecognised_uses"):
                assert sorted(report.pop(key)) == sorted(reference[key])
            assert report == {k: v for k, v in reference.items() if k not in ("unrecognised_messages", "unrecognised_uses")}


def test_an_action_that_raises_fails_the_diagnosis_and_the_next_one_works(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _dump(engine.diagnose(FACTS_A))
    # A bug in the engine's own action code: the derived-findings table lost its entries.
    monkeypatch.setattr(engine, "_derived", {})
    with pytest.raises(EngineError, match="rule action r[0-9]+ failed: KeyError"):
        engine.diagnose(FACTS_A)
    monkeypatch.undo()
    # The failed diagnosis' session is deleted by the next one, which starts a new one.
    assert engine._ruleset._dirty
    assert _dump(engine.diagnose(FACTS_A)) == before
    assert not engine._ruleset._dirty
    assert _dump(engine.diagnose(FACTS_B)) != before
