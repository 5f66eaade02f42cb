"""Benchmark backup-doctor against the targets of docs/performance.md (not a test).

    python scripts/bench.py            # full run (200,000 diagnoses for the memory check)
    python scripts/bench.py --quick    # fewer in-process diagnoses, under a minute

Prints, from one run on one machine: in-process diagnoses per second with p50/p99
latency on a seeded, realistic mix of fact files; the engine's floor (durable-rules
alone, replaying the same facts and firing the same number of actions per diagnosis
as the product did) through durable-rules' own Python API, run in turns with the
product, and for reference durable's bare C module driven the way the product drives
it; ``batch`` lines per second with --jobs 1 and 2; ``diagnose`` wall time against
``python -c pass`` and import costs; peak memory; and memory growth over many
diagnoses. Each target is marked PASS or MISS (docs/performance.md says which floor
the 2x target is judged on, and why).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import multiprocessing
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from backup_doctor.engine import Engine, _durable
from backup_doctor.engine.report.case import build_case
from backup_doctor.engine.rulebase.to_durable import sentinels
from backup_doctor.engine.loader import parse_facts

# The floor drives durable-rules' C module directly, the very module the adapter uses,
# reached through the adapter. The one other import of durable is _host_rounds's: the
# reference measurement of durable's own Python host, which the product never uses.
dre = _durable._dre

SEED = 20261125
CLI = [sys.executable, "-m", "backup_doctor.cli"]

MODELS = ["iPhone 12", "iphone12 pro", "iPhone SE (第2世代)", "SE2", "iPhone 7 Plus", "iPhone 8", "iPhone X",
          "iPhone 11", "iPhone 13 mini", "iPhone 14 Pro", "iPhone 15", "iPhone 16", "iPhone 6s", "iPhone XR",
          "Galaxy S9", "iPhone 5s"]
IOS = ["12.5.7", "15.8", "16.7.2", "16.10", "17.5", "17.6.1", "18.1", "18.2", "18.6", "26.1"]
MESSAGES = ["iCloudストレージの空き領域が不足しています", "This iPhone cannot be backed up because there is not "
            "enough iCloud storage available.", "最後に行ったバックアップを完了できませんでした。",
            "The last backup could not be completed.", "backup-failed", "unavailable-files", "謎のエラー 42"]
USES = ["line", "whatsapp", "apple_pay", "suica", "face_id", "gmail", "google_drive", "apple_watch", "health",
        "games", "icloud_drive", "LINE", "Apple Pay", "bank app"]


def fact_file(rng: random.Random, n: int) -> dict[str, Any]:
    """One plausible helpdesk ticket: most fields known, some unknown, as in real tickets."""

    def maybe(p: float, value: Any) -> Any:
        return value if rng.random() < p else None

    plan = rng.choice([5, 5, 5, 50, 200, 2000])
    used = round(rng.uniform(0, plan), 1)
    facts: dict[str, Any] = {
        "schema_version": 1,
        "ticket": f"HD-{n}",
        "today": "2026-11-25",
        "goal": rng.choice(["backup", "backup", "migrate", "restore"]),
        "device": {"model": maybe(0.9, rng.choice(MODELS)), "ios": maybe(0.8, rng.choice(IOS)),
                   "update_available": maybe(0.6, rng.random() < 0.4), "charging": maybe(0.4, rng.random() < 0.5),
                   "storage_used_gb": maybe(0.5, round(rng.uniform(8, 250), 1)),
                   "backup_restricted": maybe(0.3, rng.random() < 0.05)},
        "target": {"model": maybe(0.4, rng.choice(MODELS)), "ios": maybe(0.4, rng.choice(IOS)),
                   "capacity_gb": maybe(0.3, rng.choice([64, 128, 256]))},
        "account": {"signed_in": maybe(0.7, rng.random() < 0.95), "plan_gb": maybe(0.8, plan),
                    "used_gb": maybe(0.7, used), "icloud_backup_on": maybe(0.7, rng.random() < 0.85),
                    "icloud_photos_on": maybe(0.5, rng.random() < 0.5)},
        "backup": {"estimated_size_gb": maybe(0.5, round(rng.uniform(1, 80), 1)),
                   "photo_count": maybe(0.5, rng.randrange(0, 20000)), "video_gb": maybe(0.4, round(rng.uniform(0, 30), 1)),
                   "existing_backup_gb": maybe(0.4, round(rng.uniform(0, 5), 1)),
                   "last_success": maybe(0.5, (_dt.date(2026, 11, 25) - _dt.timedelta(days=rng.randrange(0, 400))).isoformat()),
                   "last_backup_ios": maybe(0.3, rng.choice(IOS))},
        "network": {"connection": maybe(0.8, rng.choice(["wifi", "wifi", "wifi", "cellular", "none"])),
                    "wifi_kind": maybe(0.6, rng.choice(["home", "office", "public", "tethering", "mobile_router"])),
                    "signal_bars": maybe(0.5, rng.randrange(0, 4)), "line": maybe(0.4, rng.choice(["fiber", "cable", "dsl", "mobile"])),
                    "cellular_backup_on": maybe(0.3, rng.random() < 0.3)},
        "symptoms": {"messages": maybe(0.5, rng.sample(MESSAGES, rng.randrange(1, 3))),
                     "backup_stuck": maybe(0.5, rng.random() < 0.4), "restore_failed": maybe(0.3, rng.random() < 0.3)},
        "uses": maybe(0.6, rng.sample(USES, rng.randrange(1, 5))),
        "apple_status": {"icloud_backup_outage": maybe(0.2, rng.random() < 0.05)},
    }
    # Unknown is absent (or null) in a real fact file; drop most of the Nones.
    for section in list(facts):
        value = facts[section]
        if isinstance(value, dict):
            facts[section] = {k: v for k, v in value.items() if v is not None or rng.random() < 0.1}
    return {k: v for k, v in facts.items() if v is not None}


def corpus(count: int) -> list[bytes]:
    rng = random.Random(SEED)
    return [json.dumps(fact_file(rng, n), ensure_ascii=False).encode() for n in range(count)]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# --------------------------------------------------------------------------- measures


def product_round(engine: Engine, files: list[bytes]) -> list[float]:
    """Full diagnoses (JSON text in: validation + rules + report), one at a time: latencies."""
    lat: list[float] = []
    for raw in files:
        s = time.perf_counter()
        engine.diagnose(raw)
        lat.append(time.perf_counter() - s)
    return lat


def count_traffic(engine: Engine, files: list[bytes]) -> list[tuple[dict[str, Any], int, int]]:
    """Per file: the case fact and how many facts/actions the product's session had."""
    out = []
    real_run = engine._ruleset.run
    for raw in files:
        counts: list[tuple[int, int]] = []

        def counting(facts: Any, on_fire: Any, counts: list[tuple[int, int]] = counts) -> tuple[int, int]:
            counts.append(real_run(list(facts), on_fire))
            return counts[-1]

        engine._ruleset.run = counting  # type: ignore[method-assign]
        try:
            engine.diagnose(raw)
        finally:
            del engine._ruleset.run
        parsed = parse_facts(raw)
        case = build_case(parsed, engine.rulebase.knowledge, engine.rulebase.case_encoders,
                          parsed.today or _dt.date.today())
        out.append((case.durable_fact, *counts[0]))
    return out


class Floor:
    """durable-rules alone: the product's ruleset and facts, actions that do nothing but
    assert the findings the product's actions asserted, and afterwards every fact
    retracted in one reused session, as the adapter does. Checks the counts match."""

    def __init__(self, engine: Engine, traffic: list[tuple[dict[str, Any], int, int]]) -> None:
        self.handle = dre.create_ruleset("bench-floor", json.dumps(engine.rulebase.durable_definition(),
                                                                   ensure_ascii=False))
        self.tail, self.derived = engine._tail, engine._derived
        self.traffic = traffic
        self.cases = [_durable.Prepared(case) for case, _, _ in traffic]
        self.sid_n = self.runs = 0

    def round(self) -> list[float]:
        handle, derived = self.handle, self.derived
        lat: list[float] = []
        for (_, want_facts, want_actions), prepared in zip(self.traffic, self.cases, strict=True):
            sid = f"f{self.sid_n}"
            s = time.perf_counter()
            n_facts = n_actions = 0
            asserted: dict[str, None] = {}
            for fact in (prepared, *self.tail):
                n_facts += 1
                text = fact.json(sid)
                asserted[text] = None
                code, state = dre.assert_fact(handle, text)[:2]
                if code:
                    continue
                result = dre.start_action_for_state(handle, state)
                act = result[1] if result else None
                while act:
                    n_actions += 1
                    for d in derived.get(act[2:act.index('"', 2)], ()):
                        n_facts += 1
                        text = d.json(sid)
                        asserted[text] = None
                        dre.assert_fact(handle, text)
                    act = dre.complete_and_start_action(handle, state)
            for text in asserted:
                dre.retract_fact(handle, text)
            self.runs += 1
            if self.runs % _durable.SESSION_RUNS == 0:
                dre.delete_state(handle, sid)
                self.sid_n += 1
            lat.append(time.perf_counter() - s)
            if (n_facts, n_actions) != (want_facts, want_actions):
                raise SystemExit(f"floor mismatch: {n_facts}/{n_actions} != {want_facts}/{want_actions}")
        return lat

    def close(self) -> None:
        dre.delete_ruleset(self.handle)


def side_by_side(engine: Engine, files: list[bytes], traffic: list[tuple[dict[str, Any], int, int]],
                 rounds: int) -> tuple[list[float], list[float], list[float]]:
    """The product and both floors in turns, a round of every file each, after a warm-up
    round of all three: a drift in the machine's speed then hits them alike. Returns the
    three latency lists (product, host floor, C-module floor)."""
    floor, host = Floor(engine, traffic), HostFloor(engine, traffic)
    try:
        product_round(engine, files)
        floor.round()
        host.round()
        lat: list[float] = []
        host_lat: list[float] = []
        floor_lat: list[float] = []
        gc.collect()
        for _ in range(rounds):
            lat += product_round(engine, files)
            host_lat += host.round()
            floor_lat += floor.round()
    finally:
        floor.close()
        host.close()
    return lat, host_lat, floor_lat


class HostFloor:
    """The same work through durable-rules' own Python API (``durable.engine.Host``), the
    way its documentation drives rules: same ruleset, facts and firings, actions that only
    assert the product's findings, a new session per diagnosis, deleted afterwards.

    The host runs without its background dispatcher (see ``_host_rounds``), in a child
    process that runs one round whenever :meth:`round` asks, so its rounds alternate with
    the product's while nothing of the host lives in the product's process. The product
    never uses the host."""

    def __init__(self, engine: Engine, traffic: list[tuple[dict[str, Any], int, int]]) -> None:
        rb = engine.rulebase
        derived = {c.name: [{"t": "finding", "id": f"finding:{t.finding}", "name": t.finding}
                            for t in c.rule.then if t.finding] for c in rb.rules}
        args = (json.dumps(rb.durable_definition()), derived, rb.strata, traffic)
        # Forked: the process has no thread yet, and the child needs nothing re-imported.
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_host_rounds, args=(child, *args), daemon=True)
        self.process.start()

    def round(self) -> list[float]:
        self.conn.send("round")
        lat: list[float] | str = self.conn.recv()
        if isinstance(lat, str):
            raise SystemExit(lat)
        return lat

    def close(self) -> None:
        self.conn.send(None)
        self.process.join(10)


def _host_rounds(conn: Any, definition_json: str, derived: dict[str, list[dict[str, Any]]], strata: int,
                 traffic: list[tuple[dict[str, Any], int, int]]) -> None:
    from durable import engine as durable_host  # the bench only: the product drives the C module

    counts = [0, 0]

    def action(facts: list[dict[str, Any]]) -> Any:
        def run(c: Any) -> None:
            counts[1] += 1
            for fact in facts:
                counts[0] += 1
                c.assert_fact(dict(fact))
        return run

    class Host(durable_host.Host):  # type: ignore[misc]
        def _run(self) -> None:
            # No background dispatcher: its timer threads serve timers and queued events,
            # which a diagnosis has none of, and they may run a session's actions on
            # their own thread, behind the caller's back (counts then differ by chance).
            pass

    definition = json.loads(definition_json)
    for name, facts in derived.items():
        definition[name]["run"] = action(facts)
    definition["end"]["run"] = action([])
    host = Host({"bench-host": definition})
    tail = sentinels(strata)
    rounds = 0
    while conn.recv() is not None:
        rounds += 1
        lat: list[float] = []
        for n, (case, want_facts, want_actions) in enumerate(traffic):
            sid = f"h{rounds}-{n}"
            counts[:] = [0, 0]
            s = time.perf_counter()
            for fact in (case, *tail):
                counts[0] += 1
                try:
                    host.assert_fact("bench-host", dict(fact, sid=sid))
                except durable_host.MessageNotHandledException:
                    pass  # a sentinel no rule of that stage waits for
            host.delete_state("bench-host", sid)
            lat.append(time.perf_counter() - s)
            if (counts[0], counts[1]) != (want_facts, want_actions):
                conn.send(f"host mismatch: {counts[0]}/{counts[1]} != {want_facts}/{want_actions}")
                return
        conn.send(lat)


def measure_batch(files: list[bytes], jobs: int, tmp: Path) -> float:
    src = tmp / "in.jsonl"
    src.write_bytes(b"\n".join(files) + b"\n")
    t0 = time.perf_counter()
    subprocess.run([*CLI, "batch", str(src), "-o", str(tmp / "out.jsonl"), "--jobs", str(jobs), "--lang", "en"],
                   check=True, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t0
    with open(tmp / "out.jsonl", "rb") as fh:
        if sum(1 for _ in fh) != len(files):
            raise SystemExit("batch lost lines")
    return len(files) / elapsed


# What any backup-doctor command imports before doing anything: the fixed dependencies,
# with the plugin loader pydantic imports when the first model is defined (it pulls in
# importlib.metadata, some 10 ms, whichever model comes first).
DEPENDENCIES = ("import click, durable_rules_engine, yaml; from pydantic import BaseModel, Field; "
                "import pydantic.plugin._loader")


def measure_startup(one: Path, runs: int) -> dict[str, float]:
    """Median wall times of ``python -c pass``, of importing the fixed dependencies, of
    importing the library and the CLI, and of ``diagnose`` on one file, run in turns so
    a drift in the machine's speed hits them all alike."""
    cmds = {"pass": [sys.executable, "-c", "pass"], "dependencies": [sys.executable, "-c", DEPENDENCIES],
            "engine": [sys.executable, "-c", "import backup_doctor.engine"],
            "cli": [sys.executable, "-c", "import backup_doctor.cli.app"],
            "diagnose": [*CLI, "diagnose", str(one), "--format", "json"]}
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(t) for name, t in times.items()}


def editable_install() -> bool:
    """Whether backup_doctor is an editable install (pip install -e): its import hook
    then runs in every interpreter of this venv, ``python -c pass`` included."""
    return any(name.startswith("__editable__") for name in sys.modules)


def measure_memory(engine: Engine, files: list[bytes], count: int) -> tuple[float, float]:
    for raw in files:
        engine.diagnose(raw)
    gc.collect()
    before = rss_mib()
    for i in range(count):
        engine.diagnose(files[i % len(files)])
    gc.collect()
    return before, rss_mib()


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer in-process diagnoses (memory: 20,000 instead of 200,000); same batch size")
    args = ap.parse_args()
    n_files, rounds, n_batch, batch_rounds, n_mem = ((500, 4, 20_000, 1, 20_000) if args.quick
                                                     else (1000, 10, 20_000, 3, 200_000))
    results: list[tuple[str, bool]] = []

    def target(name: str, ok: bool) -> str:
        results.append((name, ok))
        return "PASS" if ok else "MISS"

    print(f"backup-doctor benchmark, {_dt.datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform(terse=True)}")
    files = corpus(n_files)
    engine = Engine()
    print(f"rules: {len(engine.rulebase.rules)}; fact files: {n_files} (seed {SEED}), "
          f"mean {statistics.mean(len(f) for f in files):.0f} bytes")

    traffic = count_traffic(engine, files)
    facts_per = statistics.mean(t[1] for t in traffic)
    actions_per = statistics.mean(t[2] for t in traffic)
    lat, host_lat, floor_lat = side_by_side(engine, files, traffic, rounds)
    n = len(files)
    mean, p50, p99 = statistics.mean(lat) * 1e6, pct(lat, 50) * 1e6, pct(lat, 99) * 1e6
    rate = 1e6 / mean
    print(f"per diagnosis: {facts_per:.1f} facts asserted, {actions_per:.1f} actions fired (mean)")
    print(f"product: {rate:,.0f} diagnoses/s on one core, mean {mean:.0f} us, p50 {p50:.0f} us, p99 {p99:.0f} us  "
          f"[{target('>= 2,000/s', rate >= 2000)} >= 2,000/s, {target('p99 < 2 ms', p99 < 2000)} p99 < 2 ms]")
    for name, floor_lat_ in (("host", host_lat), ("C module", floor_lat)):
        fmean = statistics.mean(floor_lat_) * 1e6
        ratios = [sum(lat[i:i + n]) / sum(floor_lat_[i:i + n]) for i in range(0, len(lat), n)]
        spread = f"{min(ratios):.2f}-{max(ratios):.2f}x over {rounds} rounds run in turns"
        figures = (f"{1e6 / fmean:,.0f}/s, mean {fmean:.0f} us, p50 {pct(floor_lat_, 50) * 1e6:.0f} us, "
                   f"p99 {pct(floor_lat_, 99) * 1e6:.0f} us")
        if name == "host":
            # The target's floor: durable-rules alone, as a program using it runs it (and
            # what issue 5 calibrated: "about 30 us plus 35 us per rule firing").
            print(f"floor, durable-rules alone through its own API (durable.engine.Host): {figures}")
            print(f"product / floor: {mean / fmean:.2f}x mean, {p50 / (pct(floor_lat_, 50) * 1e6):.2f}x p50, {spread}  "
                  f"[{target('<= 2x floor', mean / fmean <= 2)} <= 2x]")
        else:
            print(f"for reference, not a target: durable's C module alone, driven as the product drives it: {figures}")
            print(f"  product / C module: {mean / fmean:.2f}x mean, {spread}; our own work (product - C module): "
                  f"{mean - fmean:.0f} us per diagnosis")

    with tempfile.TemporaryDirectory() as tmp:
        batch_files = corpus(n_batch)
        runs: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(batch_rounds):  # in turns, as above: a drift hits both alike
            for jobs, rates in runs.items():
                rates.append(measure_batch(batch_files, jobs, Path(tmp)))
    j1, j2 = statistics.median(runs[1]), statistics.median(runs[2])
    print(f"batch ({n_batch:,} lines, wall time incl. start-up, median of {batch_rounds} runs each in turns): "
          f"--jobs 1 {j1:,.0f} lines/s, --jobs 2 {j2:,.0f} lines/s, {j2 / j1:.2f}x  "
          f"[{target('--jobs 2 >= 1.7x', j2 / j1 >= 1.7)} >= 1.7x]")

    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "facts.json"
        one.write_bytes(files[0])
        start = measure_startup(one, 15)
    py_pass, cli_diag = start["pass"], start["diagnose"]
    print(f"CLI diagnose {cli_diag * 1000:.0f} ms vs python -c pass {py_pass * 1000:.0f} ms: {cli_diag / py_pass:.1f}x  "
          f"[{target('CLI < 20x', cli_diag / py_pass < 20)} < 20x]")
    print(f"import, beyond python -c pass: pydantic, click, PyYAML and durable-rules alone "
          f"{(start['dependencies'] - py_pass) * 1000:.0f} ms; backup_doctor.engine "
          f"{(start['engine'] - py_pass) * 1000:.0f} ms; backup_doctor.cli.app {(start['cli'] - py_pass) * 1000:.0f} ms")
    if editable_install():
        print("  note: an editable install (pip install -e): its import hook slows python -c pass by about 10 ms "
              "and flatters this ratio; measure from a regular install (pip install .) for the figure users get")

    before, after = measure_memory(engine, files, n_mem)
    print(f"memory: RSS {before:.1f} MiB -> {after:.1f} MiB over {n_mem:,} diagnoses, growth {after - before:+.1f} MiB  "
          f"[{target('growth < 10 MiB', after - before < 10)} < 10 MiB]")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.1f} MiB")
    missed = [name for name, ok in results if not ok]
    print("all targets met" if not missed else f"missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
