"""Prometheus metrics: decisions by outcome, their latency, findings by id.

With several worker processes each keeps its own counts, so a scrape that reached
one worker would see a part. ``backup-doctor serve`` therefore runs prometheus-client
in its multiprocess mode: it sets ``PROMETHEUS_MULTIPROC_DIR`` to a fresh temporary
folder before any worker starts (and removes it on exit); each worker writes its
counts there, and ``/metrics`` in any worker adds up the files of all of them.
Without that variable (an app built in a test, or one worker run by another ASGI
server) the counts are this process's own.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# A registry of our own: building a second app in one process (tests) must not
# register the same names twice in prometheus-client's global one.
_REGISTRY = CollectorRegistry(auto_describe=True)

DECISIONS = Counter("backup_doctor_decisions", "Requests to /v1, by endpoint and outcome (ok or the problem code).",
                    ["endpoint", "outcome"], registry=_REGISTRY)
LATENCY = Histogram("backup_doctor_decision_seconds", "Time from request to response of /v1 requests, by endpoint.",
                    ["endpoint"], registry=_REGISTRY,
                    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5))
FINDINGS = Counter("backup_doctor_findings", "Findings concluded by diagnoses (batch items included), by id.",
                   ["finding"], registry=_REGISTRY)


# The child of each label set, kept: ``labels()`` checks and locks on every call, which
# was most of the cost of counting a request (~8 of 13 µs).
_decisions: dict[tuple[str, str], Any] = {}
_latency: dict[str, Any] = {}
_findings: dict[str, Any] = {}


def observe(endpoint: str, outcome: str, seconds: float, findings: Iterable[str]) -> None:
    child = _decisions.get((endpoint, outcome))
    if child is None:
        child = _decisions[endpoint, outcome] = DECISIONS.labels(endpoint, outcome)
    child.inc()
    child = _latency.get(endpoint)
    if child is None:
        child = _latency[endpoint] = LATENCY.labels(endpoint)
    child.observe(seconds)
    for finding in findings:
        child = _findings.get(finding)
        if child is None:
            child = _findings[finding] = FINDINGS.labels(finding)
        child.inc()


def exposition() -> tuple[bytes, str]:
    """The Prometheus text of every worker (multiprocess mode) or of this process."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(_REGISTRY), CONTENT_TYPE_LATEST
