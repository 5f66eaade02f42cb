"""The HTTP service in-process (FastAPI's TestClient), for what a client cannot cause:
an engine failure, a worker still starting, a missing extra, a bad keys file."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from backup_doctor.facts.schema import fact_schema
from backup_doctor.cli.app import cli  # noqa: E402
from backup_doctor.cli.service.app import create_app  # noqa: E402


@pytest.fixture
def client() -> Any:
    app = create_app()
    with TestClient(app) as http:  # runs the lifespan: the engine is built
        assert app.api.state.engines.wait(60)  # type: ignore[attr-defined]
        yield http


def test_an_engine_failure_is_a_500_problem_without_internals(client: Any, example: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    engine = client.app.api.state.engines.engine("en")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(engine, "diagnose", broken)
    response = client.post("/v1/diagnose?lang=ja", json=example("tethering-free-tier-migrate"))
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    uuid.UUID(response.headers["x-decision-id"])
    body = response.json()
    assert body["code"] == "engine_error" and body["title"] == "エンジン内部で診断に失敗しました"
    assert "secret" not in response.text and "Traceback" not in response.text
    # In a batch, the failure is that item's error; the request itself succeeds.
    batch = client.post("/v1/batch", json={"items": [{"id": "a", "facts": {}}]})
    assert batch.status_code == 200
    assert batch.json()["results"][0]["error"]["code"] == "engine_error" and "secret" not in batch.text


def test_a_wrong_method_lists_the_allowed_one(client: Any) -> None:
    response = client.get("/v1/diagnose", headers={"Accept-Language": "ja"})
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.json()["code"] == "method_not_allowed" and response.headers["x-decision-id"]


def test_a_worker_that_is_still_starting_says_so() -> None:
    http = TestClient(create_app())  # no `with`: the lifespan (and the engine) never starts
    assert http.get("/health/live").status_code == 200
    ready = http.get("/health/ready")
    assert ready.status_code == 503 and ready.json()["code"] == "not_ready"
    response = http.post("/v1/diagnose", json={"schema_version": 1}, headers={"Accept-Language": "ja"})
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert response.json()["detail"].startswith("ルールを読み込み中")


@pytest.mark.parametrize(("header", "lang"), [("en;q=0.5, ja;q=0.8", "ja"), ("ja;q=0, en", "en"),
                                              ("fr-CH, fr;q=0.9, ja-JP;q=0.1", "ja"), ("*", "en"), ("", "en")])
def test_accept_language_picks_the_preferred_of_ja_and_en(client: Any, header: str, lang: str) -> None:
    assert client.post("/v1/diagnose", json={"schema_version": 1}, headers={"Accept-Language": header}).json()["lang"] == lang


def test_the_query_wins_over_accept_language(client: Any) -> None:
    response = client.post("/v1/diagnose?lang=en", json={"schema_version": 1}, headers={"Accept-Language": "ja"})
    assert response.json()["lang"] == "en"


@pytest.mark.parametrize("query", ["explain=true&lang=ja", "explain=1&lang=ja", "lang=ja&explain=on&ticket=HD-1",
                                   "lang=en&lang=ja&explain=yes", "l%61ng=ja&explain=TRUE"])
def test_every_spelling_of_the_query_gives_the_same_report(client: Any, example: Any, query: str) -> None:
    # The plainest spellings are answered without FastAPI's parameter parsing (fast.py); the
    # others by FastAPI: a client sees the same report either way.
    facts = example("tethering-free-tier-migrate")
    plain = client.post("/v1/diagnose?lang=ja&explain=true", json=facts)
    other = client.post(f"/v1/diagnose?{query}", json=facts)
    assert plain.status_code == other.status_code == 200
    assert plain.json()["lang"] == "ja" and plain.json()["trace"]
    assert other.json() == plain.json()
    assert other.headers["content-type"] == plain.headers["content-type"] == "application/json"


def _without_nulls(value: Any) -> Any:
    # FastAPI leaves null members out of the OpenAPI document; for a fact file, null and
    # absent both mean "unknown" (SPEC §1).
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    return value


def test_the_openapi_examples_are_the_shipped_example_files(client: Any, examples_dir: Path) -> None:
    doc = client.get("/openapi.json").json()
    examples = doc["paths"]["/v1/diagnose"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    on_disk = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in examples_dir.glob("*.json")}
    assert {name: e["value"] for name, e in examples.items()} == _without_nulls(on_disk), (
        "cli/service/examples.json differs from examples/facts/: regenerate it with\n"
        "python -c 'import json,pathlib; print(json.dumps({p.stem: json.loads(p.read_text()) for p in "
        "sorted(pathlib.Path(\"examples/facts\").glob(\"*.json\"))}, ensure_ascii=False, indent=1))' "
        "> cli/service/examples.json")
    for name, facts in on_disk.items():
        assert client.post("/v1/validate", json=facts).status_code == 200, name


def test_the_openapi_fact_file_is_the_published_schema(client: Any) -> None:
    # A schema-driven client (a form builder, schemathesis) must see what the service
    # accepts: a null section, a whole-number version, a null lang in /v1/consult.
    doc = client.get("/openapi.json").json()
    facts = doc["components"]["schemas"]["FactFile"]
    assert {"type": "null"} in facts["properties"]["apple_status"]["anyOf"]
    published = fact_schema()
    assert set(facts["properties"]) == set(published["properties"])
    body = doc["paths"]["/v1/consult"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert None in body["properties"]["lang"]["enum"]
    assert "network.wifi_kind" in body["properties"]["declined"]["items"]["enum"]  # a form can offer them
    for document in ({"schema_version": 1, "apple_status": None, "device": {"ios": 17}},):
        assert client.post("/v1/validate", json=document).status_code == 200
    assert client.post("/v1/consult", json={"facts": {"schema_version": 1}, "lang": None}).status_code == 200


_NO_EXTRA = ("import sys; sys.modules.update(fastapi=None, uvicorn=None); sys.argv = ['backup-doctor', 'serve'];"
             " from backup_doctor.cli import main; main()")


@pytest.mark.parametrize(("locale", "start"), [("C.UTF-8", "Error: the HTTP service needs"),
                                               ("ja_JP.UTF-8", "エラー: HTTP サービスには")])
def test_serve_without_the_server_extra_says_how_to_install_it(run_python: Any, locale: str, start: str) -> None:
    proc = run_python("-c", _NO_EXTRA, env={"LANG": locale, "LC_ALL": locale})
    assert proc.returncode == 2
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start) and "pip install 'backup-doctor[server]'" in lines[0]


def test_the_cli_never_imports_the_server_packages(run_python: Any) -> None:
    proc = run_python("-c", "import sys, backup_doctor.cli.app; "
                            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
                            "('fastapi', 'uvicorn', 'prometheus_client', 'starlette')))")
    assert proc.stdout.decode().strip() == "[]"


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read the API keys file"),
    ("# only a comment\n\n", "holds no key"),
    ("short\n", "line 1 of"),
    ("a key with spaces in it\n", "cannot contain spaces"),
])
def test_serve_refuses_an_unusable_keys_file(tmp_path: Path, content: str | None, message: str) -> None:
    keys = tmp_path / "keys.txt"
    if content is not None:
        keys.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--api-keys", str(keys)])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
