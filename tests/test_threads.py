"""One Engine shared by 16 threads gives exactly the answers it gives serially."""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path
from typing import Any

from backup_doctor.engine import Engine, FactFile, InputError, parse_facts

THREADS = 16
PER_THREAD = 2_000


def _inputs(examples_dir: Path) -> list[tuple[Any, str, bool]]:
    """A mixed workload: every input form, both languages, explain on and off, bad input."""
    rng = random.Random(16)
    base = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(examples_dir.glob("*.json"))]
    variants: list[dict[str, Any]] = []
    for facts in base:
        variants.append(facts)
        variants.append({**facts, "network": {"connection": "wifi", "wifi_kind": rng.choice(["public", "home"]),
                                              "signal_bars": rng.randrange(4)}})
        variants.append({**facts, "account": {"plan_gb": 5, "used_gb": rng.choice([0.5, 4.9])},
                         "backup": {"estimated_size_gb": 9.5}})
    variants.append({"schema_version": 1, "network": {"signal_bars": 7}})  # invalid
    variants.append({"schema_version": 1, "accout": {}})  # invalid, did-you-mean
    inputs: list[tuple[Any, str, bool]] = []
    for i, facts in enumerate(variants):
        form: Any = facts
        if i % 4 == 1:
            form = json.dumps(facts, ensure_ascii=False)
        elif i % 4 == 2:
            form = json.dumps(facts, ensure_ascii=False).encode()
        elif i % 4 == 3:
            try:
                form = parse_facts(facts)
            except InputError:
                pass
        inputs.append((form, "ja" if i % 3 == 0 else "en", i % 5 == 0))
    return inputs


def _answer(engine: Engine, item: tuple[Any, str, bool]) -> str:
    facts, lang, explain = item
    try:
        return engine.diagnose(facts, lang=lang, explain=explain).model_dump_json()  # type: ignore[arg-type]
    except InputError as exc:
        return f"{type(exc).__name__}: {exc}"


def test_sixteen_threads_match_the_serial_answers(examples_dir: Path) -> None:
    engine = Engine()
    inputs = _inputs(examples_dir)
    assert any(isinstance(f, FactFile) for f, _, _ in inputs)
    serial = [_answer(engine, item) for item in inputs]
    assert sum(a.startswith("FactSchemaError") for a in serial) == 2

    results: list[list[tuple[int, str]]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(t: int) -> None:
        try:
            order = random.Random(t).choices(range(len(inputs)), k=PER_THREAD)
            start.wait()
            for i in order:
                results[t].append((i, _answer(engine, inputs[i])))
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()

    assert errors == []
    assert sum(len(r) for r in results) == THREADS * PER_THREAD
    wrong = [(t, i) for t, rs in enumerate(results) for i, answer in rs if answer != serial[i]]
    assert wrong == []
