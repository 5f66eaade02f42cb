"""The HTTP service as users start it: ``backup-doctor serve`` in a subprocess, called over loopback.

One server with two workers serves most tests (as a helpdesk would run it); a second
one, with API keys, the auth tests. Each is stopped with its whole process group.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

httpx = pytest.importorskip("httpx")

from backup_doctor.engine import Engine  # noqa: E402

COMMAND = str(Path(sys.executable).with_name("backup-doctor"))
EXAMPLE = "tethering-free-tier-migrate"
INVALID = {"schema_version": 1, "account": {"plan_gb": -5}, "network": {"wifi_kind": "hotspot"}, "colour": "red"}
KEY = "k3y-for-tests-0123456789abcdef"


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    tmp: Path

    def log_lines(self) -> list[dict[str, Any]]:
        lines = []
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(stop: Callable[[Any], None], tmp: Path, *args: str) -> Iterator[Server]:
    port = _free_port()
    log = tmp / "serve.log"
    env = {**os.environ, "TMPDIR": str(tmp), "LANG": "C.UTF-8"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with log.open("wb") as out:
        proc = subprocess.Popen([COMMAND, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", proc, log, tmp)
    try:
        _wait_ready(server)
        yield server
    finally:
        stop(proc)


def _wait_ready(server: Server) -> None:
    # Every worker must be ready: new connections land on either, so ask until many in a row say so.
    deadline, in_a_row = time.monotonic() + 90, 0
    while in_a_row < 20:
        assert server.proc.poll() is None, server.log.read_text(errors="replace")
        assert time.monotonic() < deadline, "the service never became ready"
        try:
            status = httpx.get(server.url + "/health/ready", timeout=5).status_code
        except httpx.TransportError:
            status = 0
        in_a_row = in_a_row + 1 if status == 200 else 0
        if status != 200:
            time.sleep(0.2)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, stop_group: Any) -> Iterator[Server]:
    yield from _start(stop_group, tmp_path_factory.mktemp("serve"), "--workers", "2")


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory, stop_group: Any) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("keyed")
    (tmp / "keys.txt").write_text(f"# helpdesk integrations\n\n{KEY}\nanother-key-0123456789abcdef\n", encoding="utf-8")
    yield from _start(stop_group, tmp, "--api-keys", str(tmp / "keys.txt"))


@pytest.fixture
def facts(example: Any) -> dict[str, Any]:
    data: dict[str, Any] = example(EXAMPLE)
    return data


def _cli_json(path: Path, *args: str) -> Any:
    proc = subprocess.run([COMMAND, "diagnose", str(path), "--format", "json", *args], capture_output=True,
                          timeout=120, check=True)
    return json.loads(proc.stdout)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_diagnosis_is_the_cli_report_in_the_language_asked(server: Server, examples_dir: Path, lang: str) -> None:
    path = examples_dir / f"{EXAMPLE}.json"
    by_query = httpx.post(f"{server.url}/v1/diagnose?lang={lang}&explain=true", content=path.read_bytes())
    by_header = httpx.post(f"{server.url}/v1/diagnose", content=path.read_bytes(),
                           headers={"Accept-Language": f"{lang};q=0.9, fr;q=1"})
    assert by_query.status_code == 200 and by_query.headers["content-type"] == "application/json"
    assert by_query.json() == _cli_json(path, "--lang", lang, "--explain")
    assert by_header.json() == _cli_json(path, "--lang", lang)
    assert "network-unstable" in [f["id"] for f in by_query.json()["findings"]]


def test_english_is_the_default_language(server: Server, facts: dict[str, Any]) -> None:
    assert httpx.post(f"{server.url}/v1/diagnose", json=facts).json()["lang"] == "en"
    assert httpx.post(f"{server.url}/v1/diagnose", json=facts, headers={"Accept-Language": "de"}).json()["lang"] == "en"


def test_note_is_the_brief_in_markdown_html_and_text_with_the_ticket_escaped(server: Server, facts: dict[str, Any],
                                                                               tmp_path: Path) -> None:
    facts = {**facts, "ticket": "<script>alert(1)</script>"}
    answer = httpx.post(f"{server.url}/v1/note?lang=ja", json=facts).json()
    assert set(answer) == {"markdown", "html", "text"}
    (tmp_path / "t.json").write_text(json.dumps(facts), encoding="utf-8")
    for key in ("markdown", "text"):  # SPEC §5: the short form, as the CLI's --brief
        cli = subprocess.run([COMMAND, "diagnose", str(tmp_path / "t.json"), "--brief", "--lang", "ja", "--format", key],
                             capture_output=True, timeout=120, check=True)
        assert answer[key] == cli.stdout.decode("utf-8")
    assert answer["markdown"].startswith("# backup-doctor 要約")
    assert "<script>" not in answer["html"] and "&lt;script&gt;" in answer["html"]
    assert "<ol>" in answer["html"] and "<h3>確認すること</h3>" in answer["html"]


def test_batch_answers_every_item_in_order_with_its_own_error(server: Server, facts: dict[str, Any]) -> None:
    items = [{"id": "HD-1", "facts": facts}, {"id": "HD-2", "facts": INVALID}, {"id": "HD-3", "facts": facts}]
    results = httpx.post(f"{server.url}/v1/batch?lang=ja", json={"items": items}).json()["results"]
    assert [r["id"] for r in results] == ["HD-1", "HD-2", "HD-3"]
    assert results[0]["report"] == results[2]["report"] and results[0]["report"]["lang"] == "ja"
    error = results[1]["error"]
    assert error["code"] == "invalid_facts" and "report" not in results[1]
    assert {p["location"] for p in error["problems"]} == {"account.plan_gb", "network.wifi_kind", "colour"}


def test_why_not_validate_schema_and_rules(server: Server, facts: dict[str, Any]) -> None:
    why = httpx.post(f"{server.url}/v1/why-not/buy-icloud-storage?lang=ja", json=facts).json()
    assert why["id"] == "buy-icloud-storage" and why["lang"] == "ja" and why["rules"]
    assert httpx.post(f"{server.url}/v1/validate", json=facts).json() == {"valid": True}
    assert httpx.get(f"{server.url}/v1/schema").json()["title"] == "backup-doctor fact file"
    rules = httpx.get(f"{server.url}/v1/rules?lang=ja").json()
    assert len(rules) > 10
    detail = httpx.get(f"{server.url}/v1/rules/{rules[0]['id']}?lang=ja").json()
    assert detail["id"] == rules[0]["id"] and detail["when"]
    # The pack file and line, not where the server is installed.
    assert detail["where"] == rules[0]["where"] and detail["where"].startswith("core/")


def test_health_and_openapi(server: Server) -> None:
    assert httpx.get(f"{server.url}/health/live").json() == {"status": "live"}
    assert httpx.get(f"{server.url}/health/ready").json() == {"status": "ready"}
    doc = httpx.get(f"{server.url}/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    for path in ("/v1/diagnose", "/v1/note", "/v1/validate", "/v1/why-not/{id}", "/v1/batch"):
        examples = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["examples"]
        assert examples, path


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    uuid.UUID(response.headers["x-decision-id"])
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] == code
    assert {"type", "title", "detail", "problems"} <= set(body)
    return body


def test_invalid_facts_list_every_problem_in_the_language_asked(server: Server) -> None:
    en = _problem(httpx.post(f"{server.url}/v1/diagnose", json=INVALID), 422, "invalid_facts")
    ja = _problem(httpx.post(f"{server.url}/v1/validate", json=INVALID, headers={"Accept-Language": "ja-JP"}),
                  422, "invalid_facts")
    assert [p["location"] for p in en["problems"]] == [p["location"] for p in ja["problems"]]
    assert len(en["problems"]) == 3
    assert ja["detail"] == "ファクトファイルに問題が 3 件あります" and ja["title"] == "ファクトファイルが正しくありません"
    colour = next(p for p in en["problems"] if p["location"] == "colour")
    assert colour["message"] == "unknown field"


@pytest.mark.parametrize(("method", "path", "body", "status", "code"), [
    ("POST", "/v1/diagnose", b'{"schema_version": 1,', 400, "bad_json"),
    ("POST", "/v1/batch", b"[[[", 400, "bad_json"),
    ("POST", "/v1/diagnose?lang=fr", b"{}", 400, "unknown_lang"),
    ("POST", "/v1/diagnose?explain=maybe", b"{}", 400, "bad_parameter"),
    ("POST", "/v1/why-not/use-stable-wifii", b"{}", 404, "unknown_id"),
    ("GET", "/v1/rules/R-nothing", b"", 404, "unknown_id"),
    ("GET", "/v1/nothing", b"", 404, "not_found"),
    ("GET", "/v1/diagnose", b"", 405, "method_not_allowed"),
    ("POST", "/v1/batch", b'{"items": {}}', 422, "invalid_batch"),
    ("POST", "/v1/batch", json.dumps({"items": [{"id": str(n), "facts": {}} for n in range(101)]}).encode(),
     422, "too_many_items"),
])
def test_every_client_error_is_problem_json(server: Server, method: str, path: str, body: bytes, status: int,
                                            code: str) -> None:
    _problem(httpx.request(method, server.url + path, content=body or None), status, code)


def test_a_fact_file_with_very_many_problems_says_how_many_are_not_listed(server: Server) -> None:
    facts = {"schema_version": 1, **{f"field_{n}": n for n in range(150)}}
    body = _problem(httpx.post(f"{server.url}/v1/validate", json=facts), 422, "invalid_facts")
    assert len(body["problems"]) + body["omitted"] == 150 and body["problems"]
    assert "150" in body["detail"]


def test_unknown_id_suggests_the_closest(server: Server) -> None:
    body = _problem(httpx.post(f"{server.url}/v1/why-not/use-stable-wifii?lang=ja", json={}), 404, "unknown_id")
    assert "use-stable-wifi" in body["detail"]


def test_a_body_over_one_mib_is_refused_with_or_without_content_length(server: Server) -> None:
    big = b'{"ticket": "' + b"x" * (1 << 20) + b'"}'
    _problem(httpx.post(f"{server.url}/v1/diagnose", content=big), 413, "too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: Transfer-Encoding: chunked
        yield b'{"ticket": "'
        for _ in range(20):
            yield b"y" * 65536
        yield b'"}'

    response = httpx.post(f"{server.url}/v1/diagnose?lang=ja", content=chunks())
    assert "content-length" not in response.request.headers
    assert _problem(response, 413, "too_large")["detail"].startswith("本文が")
    # The same connection pool goes on working afterwards.
    assert httpx.get(f"{server.url}/health/live").status_code == 200


def test_ids_on_every_v1_answer_and_every_error(server: Server, facts: dict[str, Any]) -> None:
    seen = set()
    for method, path, body in [("POST", "/v1/diagnose", facts), ("POST", "/v1/diagnose", INVALID),
                               ("GET", "/v1/rules", None), ("GET", "/nowhere", None)]:
        response = httpx.request(method, server.url + path, json=body, headers={"X-Request-Id": f"req-{path}"})
        decision = uuid.UUID(response.headers["x-decision-id"])
        # A version-4 UUID in its usual form (the service writes the text itself: ids.py).
        assert decision.version == 4 and str(decision) == response.headers["x-decision-id"]
        seen.add(str(decision))
        assert response.headers["x-request-id"] == f"req-{path}"
    assert len(seen) == 4
    assert "x-decision-id" not in httpx.get(f"{server.url}/health/live").headers


def test_the_log_line_holds_ids_and_outcome_never_the_facts(server: Server, facts: dict[str, Any]) -> None:
    secret = "SECRET-TICKET-" + uuid.uuid4().hex
    facts = {**facts, "ticket": secret, "symptoms": {"messages": [secret + " backup failed"]}}
    response = httpx.post(f"{server.url}/v1/diagnose", json=facts, headers={"X-Request-Id": "log-test-1"})
    decision = response.headers["x-decision-id"]
    time.sleep(0.5)
    assert secret not in server.log.read_text(encoding="utf-8", errors="replace")
    (line,) = [entry for entry in server.log_lines() if entry.get("decision_id") == decision]
    assert line["request_id"] == "log-test-1" and line["endpoint"] == "/v1/diagnose" and line["outcome"] == "ok"
    assert line["findings"] == [f["id"] for f in response.json()["findings"]] and line["duration_ms"] > 0


def _decisions(server: Server, endpoint: str) -> dict[str, float]:
    text = httpx.get(f"{server.url}/metrics").text
    counts: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("backup_doctor_decisions_total{") and f'endpoint="{endpoint}"' in line:
            outcome = line.split('outcome="')[1].split('"')[0]
            counts[outcome] = float(line.rsplit(" ", 1)[1])
    return counts


def test_load_loop_metrics_add_up_over_both_workers(server: Server, facts: dict[str, Any]) -> None:
    before = _decisions(server, "/v1/note")
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        mine = list(range(n, 300, 8))
        # A new connection every few requests, so the kernel spreads them over both workers.
        for start in range(0, len(mine), 5):
            with httpx.Client(base_url=server.url, timeout=30) as http:
                for i in mine[start:start + 5]:
                    body = facts if i % 3 else INVALID
                    try:
                        status = http.post("/v1/note", json=body).status_code
                    except httpx.TransportError as exc:
                        with lock:
                            failures.append(repr(exc))
                        continue
                    with lock:
                        statuses[status] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert statuses == {200: 200, 422: 100}
    after = _decisions(server, "/v1/note")
    assert after.get("ok", 0) - before.get("ok", 0) == 200, (before, after)
    assert after.get("invalid_facts", 0) - before.get("invalid_facts", 0) == 100, (before, after)
    pids = {e["pid"] for e in server.log_lines() if e.get("endpoint") == "/v1/note"}
    assert len(pids) == 2, f"both workers should have served the load: {pids}"


@pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT shares connections out on Linux only")
def test_connections_opened_at_once_are_shared_out_between_the_workers(server: Server) -> None:
    # With one socket shared by the workers, the first awake took every connection waiting
    # (32/0 in some trials on a busy machine); each worker now listens on a socket of its
    # own (as `ss -ltn` shows) and the kernel spreads the connections (listen.py).
    port = int(server.url.rsplit(":", 1)[1])
    listening = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    assert sum(1 for f in listening if f[1] == f"0100007F:{port:04X}" and f[3] == "0A") == 2
    conns = [socket.socket() for _ in range(32)]
    for conn in conns:  # every connect started before any completes, as 32 busy clients do
        conn.setblocking(False)
        conn.connect_ex(("127.0.0.1", port))
    for conn in conns:
        select.select([], [conn], [], 30)
        conn.setblocking(True)
        conn.settimeout(30)
    try:
        for n, conn in enumerate(conns):
            conn.sendall(f"POST /v1/validate HTTP/1.1\r\nHost: x\r\nX-Request-Id: spread-{n}\r\n"
                         "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}".encode())
        for conn in conns:
            assert conn.recv(12).startswith(b"HTTP/1.1 422")
    finally:
        for conn in conns:
            conn.close()
    time.sleep(0.5)
    served = Counter(e["pid"] for e in server.log_lines() if str(e.get("request_id")).startswith("spread-"))
    assert sum(served.values()) == 32 and len(served) == 2 and min(served.values()) >= 4, served


def test_api_keys_guard_everything_but_health(keyed: Server, facts: dict[str, Any]) -> None:
    url = keyed.url
    for headers in ({}, {"Authorization": "Bearer wrong-key-0123456789abcdef"}, {"Authorization": KEY}):
        body = _problem(httpx.post(f"{url}/v1/diagnose", json=facts, headers=headers), 401, "unauthorized")
        assert "Bearer" in body["detail"]
    assert httpx.post(f"{url}/v1/diagnose", headers={"Accept-Language": "ja"}).json()["title"] == "API キーが必要です"
    assert httpx.get(f"{url}/metrics").status_code == 401
    assert httpx.get(f"{url}/openapi.json").status_code == 401
    assert httpx.get(f"{url}/health/ready").status_code == 200
    good = {"Authorization": f"Bearer {KEY}"}
    assert httpx.post(f"{url}/v1/diagnose", json=facts, headers=good).status_code == 200
    assert httpx.get(f"{url}/metrics", headers=good).status_code == 200
    # An unauthenticated client cannot make the service read a large body.
    _problem(httpx.post(f"{url}/v1/diagnose", content=b"x" * (2 << 20)), 401, "unauthorized")


def test_stopping_the_server_removes_its_metrics_folder(tmp_path: Path, stop_group: Any) -> None:
    for server in _start(stop_group, tmp_path, "--workers", "2"):
        httpx.post(f"{server.url}/v1/validate", json={"schema_version": 1})
        assert list(tmp_path.glob("backup-doctor-metrics-*/*.db"))
    assert list(tmp_path.glob("backup-doctor-metrics-*")) == []


# --------------------------------------------------------------------------- /v1/consult (SPEC §4)


def test_consult_answers_the_report_with_its_questions_typed(server: Server, example: Any) -> None:
    full = example("restore-apps-waiting-no-sim")
    begun = {k: full[k] for k in ("schema_version", "ticket", "today", "goal", "symptoms")}
    answer = httpx.post(f"{server.url}/v1/consult", json={"facts": begun, "lang": "ja"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    uuid.UUID(answer.headers["x-decision-id"])
    report = answer.json()
    assert report["lang"] == "ja" and report["settled"] is False
    assert report == Engine().diagnose(begun, lang="ja").model_dump(mode="json")  # the library's report
    first = report["questions"][0]
    assert first["answer"]["kind"] in ("yes_no", "choice", "choices", "number", "gb", "version", "date", "text")
    assert first["could_change"] in ("blocking", "cause", "fix", "caveat")
    # Declined: not asked again.
    again = httpx.post(f"{server.url}/v1/consult", json={"facts": begun, "declined": [first["field"]]}).json()
    assert first["field"] not in [q["field"] for q in again["questions"]]


def test_consult_language_query_then_body_then_header(server: Server, facts: dict[str, Any]) -> None:
    url = f"{server.url}/v1/consult"
    assert httpx.post(url + "?lang=en", json={"facts": facts, "lang": "ja"}).json()["lang"] == "en"
    assert httpx.post(url, json={"facts": facts, "lang": "ja"}, headers={"Accept-Language": "en"}).json()["lang"] == "ja"
    assert httpx.post(url, json={"facts": facts}, headers={"Accept-Language": "ja"}).json()["lang"] == "ja"
    assert httpx.post(url, json={"facts": facts}).json()["lang"] == "en"
    body = _problem(httpx.post(url, json={"facts": facts, "lang": "fr"}), 400, "unknown_lang")
    assert "fr" in body["detail"]


def test_consult_errors_say_where_in_the_body(server: Server, facts: dict[str, Any]) -> None:
    url = f"{server.url}/v1/consult?lang=ja"
    typo = _problem(httpx.post(url, json={"facts": facts, "declined": ["network.wifi_kin"]}), 422, "invalid_facts")
    assert typo["problems"] == [{"location": "declined[0]", "message": typo["problems"][0]["message"],
                                 "accepted": None, "suggestion": "network.wifi_kind"}]
    assert "network.wifi_kin" in typo["problems"][0]["message"] and "declined" in typo["detail"]
    bad = _problem(httpx.post(url, json={"facts": {**facts, "account": {"plan_gb": -5}}}), 422, "invalid_facts")
    assert [p["location"] for p in bad["problems"]] == ["facts.account.plan_gb"]
    shape = _problem(httpx.post(url, json={"fact": facts, "declined": "all"}), 422, "invalid_facts")
    assert {p["location"] for p in shape["problems"]} == {"facts", "declined", "fact"}
    assert "相談のリクエスト" in shape["detail"]
    _problem(httpx.post(url, content=b"{not json"), 400, "bad_json")


def test_consult_is_in_the_openapi_document_with_examples(server: Server) -> None:
    operation = httpx.get(f"{server.url}/openapi.json").json()["paths"]["/v1/consult"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert {"begun", "declined"} <= set(examples)
    assert examples["declined"]["value"]["declined"] == ["apple_status.icloud_backup_outage"]


# --------------------------------------------------------------------------- /mcp (docs/mcp.md)
# The MCP server mounted by the service, driven by the SDK's own streamable-HTTP client.

T = TypeVar("T")


def _mcp_client() -> Any:
    pytest.importorskip("mcp", reason="the mcp extra is not installed (pip install '.[test]' installs it)")
    from mcp import Client
    return Client


def _mcp_over_http(url: str, session: Callable[[Any], Awaitable[T]], *, key: str = KEY, mode: str = "auto") -> T:
    Client = _mcp_client()
    import anyio
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    async def main() -> T:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
            async with Client(streamable_http_client(url, http_client=http), read_timeout_seconds=60,
                              mode=mode) as client:
                return await session(client)
    return anyio.run(main)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_mcp_the_hosted_server_answers_like_the_cli(keyed: Server, examples_dir: Path, mode: str) -> None:
    url = keyed.url + "/mcp"
    path = examples_dir / "restore-apps-waiting-no-sim.json"
    facts = json.loads(path.read_text(encoding="utf-8"))

    async def session(c: Any) -> Any:
        tools = {t.name for t in (await c.list_tools()).tools}
        return tools, await c.call_tool("diagnose", {"facts": facts, "lang": "ja"})

    tools, result = _mcp_over_http(url, session, mode=mode)
    assert {"diagnose", "why_not", "validate", "list_rules", "show_rule"} <= tools
    assert result.is_error is False
    assert result.structured_content == _cli_json(path, "--lang", "ja")


def test_mcp_invalid_facts_are_a_tool_error_a_model_can_act_on(keyed: Server) -> None:
    url = keyed.url + "/mcp"
    result = _mcp_over_http(url, lambda c: c.call_tool("validate", {"facts": {"schema_version": 1,
                                                                       "acount": {"plan_gb": 5}}, "lang": "ja"}))
    assert result.is_error is True
    assert "acount" in result.content[0].text and "account" in result.content[0].text


def test_mcp_calls_land_on_either_worker_without_a_session(server: Server, example: Any) -> None:
    # Stateless: no session id ties a client to the worker that greeted it.
    url = server.url + "/mcp"
    facts = example("tethering-free-tier-migrate")

    async def session(c: Any) -> list[bool]:
        return [(await c.call_tool("diagnose", {"facts": facts})).is_error for _ in range(12)]

    assert _mcp_over_http(url, session, key="") == [False] * 12


def test_mcp_is_guarded_by_the_api_key_too(keyed: Server) -> None:
    url = keyed.url + "/mcp"
    init = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    for headers in ({}, {"Authorization": "Bearer not-the-key-0123456789"}):
        answer = httpx.post(url, json=init, headers={**headers, "Accept-Language": "ja"}, timeout=30)
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "unauthorized" and "API キー" in answer.json()["title"]
    with pytest.raises(Exception) as refused:  # noqa: B017  (the SDK groups its errors: checked below)
        _mcp_over_http(url, lambda c: c.list_tools(), key="not-the-key-0123456789")
    assert [type(e).__name__ for e in _leaves(refused.value)] == ["MCPError"]


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for sub in exc.exceptions for leaf in _leaves(sub)]
    return [exc]
