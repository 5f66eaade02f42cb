"""Load figures for ``backup-doctor serve`` (not a test: it prints, it never fails CI).

    python scripts/bench_service.py                      # 100,000 requests
    python scripts/bench_service.py --requests 20000     # shorter
    python scripts/bench_service.py --compare /tmp/venv-main/bin/backup-doctor  # two installs, taking turns

Starts the installed ``backup-doctor serve --workers 2`` on loopback, drives it with
32 concurrent keep-alive clients (a small asyncio HTTP/1.1 client: a Python client
as heavy as the server would steal the cores it measures), on a mix of valid fact
files (the shipped examples) and invalid bodies (bad JSON, invalid facts: one in
four), and prints: requests per second, p50/p99 latency, status counts (5xx and
dropped connections must be zero), the workers' CPU time, so the rate per core
used can be set against in-process ``Engine.diagnose`` on the same bodies in the
same run, and the workers' RSS after warm-up and at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from backup_doctor.engine import DoctorError, Engine

ROOT = Path(__file__).resolve().parent.parent
COMMAND = str(Path(sys.executable).with_name("backup-doctor"))
CLIENTS = 32
WORKERS = 2


def bodies() -> list[tuple[str, bytes]]:
    """(path, body): three valid diagnoses for each invalid body, in a fixed order."""
    valid = [p.read_bytes() for p in sorted((ROOT / "examples" / "facts").glob("*.json"))]
    invalid = [b'{"schema_version": 1, "account": {', json.dumps(
        {"schema_version": 1, "account": {"plan_gb": -5}, "network": {"wifi_kind": "hotspot"}}).encode()]
    mix: list[tuple[str, bytes]] = []
    for i, body in enumerate(valid * 3):
        mix.append(("/v1/diagnose?lang=" + ("ja" if i % 2 else "en"), body))
        if i % 3 == 2:
            mix.append(("/v1/diagnose", invalid[i % 2]))
    return mix


class InProcess:
    """One thread calling Engine.diagnose on the same bodies, in slices taken between the
    services' turns: its diagnoses (and refusals) per second of wall time and per second
    of the CPU it used (the service's figure is per core used too, so the machine's other
    work, which takes cores from both, does not move the ratio)."""

    def __init__(self) -> None:
        self.engine = Engine()
        self.done = 0
        self.wall = self.cpu = 0.0

    def measure(self, mix: list[tuple[str, bytes]], seconds: float) -> None:
        start, cpu = time.perf_counter(), time.thread_time()
        while time.perf_counter() - start < seconds:
            for path, body in mix:
                try:
                    self.engine.diagnose(body, lang="ja" if path.endswith("ja") else "en")
                except DoctorError:
                    pass
                self.done += 1
        self.wall += time.perf_counter() - start
        self.cpu += time.thread_time() - cpu

    @property
    def per_core(self) -> float:
        return self.done / self.cpu


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def worker_pids(pid: int) -> list[int]:
    # uvicorn's supervisor may also start a resource-tracker process: workers run the service.
    return [c for c in children(pid) if b"multiprocessing.resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]


def cpu_seconds(pids: list[int]) -> list[float]:
    """The CPU time (user + system) each process has used."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = []
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        found.append((int(fields[11]) + int(fields[12])) / ticks)  # utime, stime
    return found


def rss_mb(pids: list[int]) -> list[float]:
    out = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out.append(int(line.split()[1]) / 1024)
    return out


class Results:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.dropped = 0


async def client(port: int, requests: list[bytes], results: Results) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for request in requests:
        start = time.perf_counter()
        try:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, StopIteration):
            results.dropped += 1
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            continue
        results.latencies.append(time.perf_counter() - start)
        results.statuses[status] += 1
    writer.close()


def raw(path: str, body: bytes) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def run_load(port: int, mix: list[tuple[str, bytes]], total: int) -> tuple[Results, float]:
    """:func:`load` on uvloop when it is installed (it is with the server extra): the client
    shares the two cores with the workers it measures, and uvloop's loop takes about half
    the CPU of asyncio's for the same requests, so the workers are not starved by it."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(load(port, mix, total))
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(load(port, mix, total))


async def load(port: int, mix: list[tuple[str, bytes]], total: int) -> tuple[Results, float]:
    per_client = total // CLIENTS
    results = Results()
    prepared = [raw(p, b) for p, b in mix]
    plans = [[prepared[(c * 7 + i) % len(prepared)] for i in range(per_client)] for c in range(CLIENTS)]
    start = time.perf_counter()
    await asyncio.gather(*(client(port, plan, results) for plan in plans))
    return results, time.perf_counter() - start


def wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    import urllib.request

    ok = 0
    deadline = time.monotonic() + 120
    while ok < 20:
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.exit("the service did not start")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=5) as answer:
                ok = ok + 1 if answer.status == 200 else 0
        except OSError:
            ok = 0
            time.sleep(0.2)


class Service:
    """One ``backup-doctor serve --workers 2`` and the figures of the loads sent to it."""

    def __init__(self, command: str, name: str) -> None:
        self.command, self.name = command, name
        self.results = Results()
        self.wall = self.cpu = 0.0
        self.split: list[float] = []
        """Each worker's CPU seconds: the connections are not shared out evenly between them."""
        self.port = free_port()
        self.proc = subprocess.Popen([command, "serve", "--port", str(self.port), "--workers", str(WORKERS)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.workers: list[int] = []
        self.rss_before: list[float] = []
        self.rss_after: list[float] = []
        self.warmed = 0

    def warm_up(self, mix: list[tuple[str, bytes]], requests: int) -> None:
        wait_ready(self.port, self.proc)
        self.workers = worker_pids(self.proc.pid)
        warm, _ = run_load(self.port, mix, requests)
        self.warmed = len(warm.latencies)
        self.rss_before = rss_mb(self.workers)

    def measure(self, mix: list[tuple[str, bytes]], requests: int) -> None:
        cpu_before = cpu_seconds(self.workers)
        results, wall = run_load(self.port, mix, requests)
        used = [after - before for before, after in zip(cpu_before, cpu_seconds(self.workers), strict=True)]
        self.cpu += sum(used)
        self.split = [total + part for total, part in zip(self.split or [0.0] * len(used), used, strict=True)]
        self.wall += wall
        self.results.latencies += results.latencies
        self.results.statuses.update(results.statuses)
        self.results.dropped += results.dropped

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=60)

    def report(self, baseline: float, requests: int) -> None:
        results, wall = self.results, self.wall
        done = len(results.latencies)
        rate = done / wall
        cores = self.cpu / wall
        lat = sorted(results.latencies)
        p50, p99 = statistics.median(lat) * 1000, lat[int(len(lat) * 0.99)] * 1000
        fivexx = sum(n for s, n in results.statuses.items() if s >= 500)
        ratio = rate / cores / baseline
        print(f"{self.name} ({self.command}):")
        print(f"  {done:,} requests in {wall:.1f} s = {rate:,.0f}/s from {CLIENTS} clients, {WORKERS} workers")
        print(f"  statuses: {dict(sorted(results.statuses.items()))}; 5xx: {fivexx}; dropped connections: "
              f"{results.dropped}; warm-up: {self.warmed:,} requests before")
        print(f"  latency p50 {p50:.2f} ms, p99 {p99:.2f} ms (target p99 < 25 ms: {'PASS' if p99 < 25 else 'MISS'})")
        print(f"  workers' CPU: {self.cpu:.1f} s = {cores:.2f} cores busy; {rate / cores:,.0f} requests/s per core "
              f"used = {self.cpu / done * 1e6:,.0f} µs of worker CPU a request; split "
              f"{' / '.join(f'{100 * part / self.cpu:.0f}%' for part in self.split)}")
        verdict = "PASS" if ratio >= 0.5 else "MISS"
        print(f"  service per core used / in-process: {ratio:.2f} (target >= 0.5: {verdict})")
        print(f"  workers' RSS after warm-up: {', '.join(f'{r:.1f}' for r in self.rss_before)} MB; after "
              f"{requests:,} more requests: {', '.join(f'{r:.1f}' for r in self.rss_after)} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000, help="requests measured per service")
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--compare", metavar="COMMAND",
                        help="another installed backup-doctor (e.g. main's, in its own venv): both services "
                             "run in this one run and take turns, so a shared machine's load falls on both")
    parser.add_argument("--rounds", type=int, default=10, help="turns each service takes with --compare")
    args = parser.parse_args()
    mix = bodies()
    print(f"date: {_dt.datetime.now(_dt.UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, "
          f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.platform()}")
    import importlib.util

    extras = [m for m in ("httptools", "uvloop") if importlib.util.find_spec(m)]
    print(f"uvicorn with: {', '.join(extras) or 'h11 and asyncio (no httptools, no uvloop)'}")
    print(f"body mix: {len(mix)} bodies, {sum('lang' not in p for p, _ in mix)} of them invalid")

    # The in-process rate is taken before, between the turns and after the load: a shared
    # machine's speed moves during a run.
    baseline = InProcess()
    rounds = args.rounds if args.compare else 1
    slice_seconds = args.baseline_seconds / (rounds + 1)
    baseline.measure(mix, slice_seconds)
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    services = [Service(COMMAND, "this install")]
    if args.compare:
        services.append(Service(args.compare, "compared with"))
    load_avg: list[float] = []
    try:
        for service in services:
            service.warm_up(mix, min(5_000, args.requests))
        for n in range(rounds):
            for service in services:
                # An exact share of the requests in each turn (the last turn takes the rest).
                share = args.requests // rounds if n < rounds - 1 else args.requests - args.requests // rounds * n
                service.measure(mix, share)
                load_avg.append(os.getloadavg()[0])
            baseline.measure(mix, slice_seconds)
        for service in services:
            service.rss_after = rss_mb(service.workers)
    finally:
        for service in services:
            service.stop()
    print(f"load average during the load: {min(load_avg):.2f} to {max(load_avg):.2f} "
          "(other processes on the machine compete for its cores)")
    print(f"in-process Engine.diagnose, one thread, same bodies: {baseline.done / baseline.wall:,.0f}/s of wall "
          f"time, {baseline.per_core:,.0f}/s per core used = {1e6 / baseline.per_core:,.0f} µs of CPU each")
    for service in services:
        service.report(baseline.per_core, args.requests)


if __name__ == "__main__":
    main()
