"""The consultation page in-process (FastAPI's TestClient): what a tampered or odd form
gets, without a browser. tests/test_page_browser.py clicks through it in Chromium."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from backup_doctor.cli.service.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client() -> Any:
    app = create_app()
    with TestClient(app) as http:
        assert app.api.state.engines.wait(60)  # type: ignore[attr-defined]
        yield http


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name} in the page"
    return html.unescape(match.group(1))


def _start(client: Any, **form: str) -> str:
    # A migration short of iCloud space: questions stay open (not settled) at the start.
    form = {"lang": "ja", "action": "start", "goal": "migrate", "messages": "iCloudストレージの空き領域が不足しています",
            **form}
    response = client.post("/", data=form)
    assert response.status_code == 200
    return str(response.text)


def test_japanese_is_the_default_and_english_follows_the_browser(client: Any) -> None:
    assert '<html lang="ja">' in client.get("/").text
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).text
    assert '<html lang="en">' in client.get("/?lang=en", headers={"Accept-Language": "ja"}).text


def test_ticket_text_is_never_markup(client: Any) -> None:
    page = _start(client, ticket="<img src=x onerror=alert(1)>", messages="<script>alert(2)</script>")
    assert "<img src=x" not in page and "<script>alert(2)" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert json.loads(_hidden(page, "state"))["facts"]["symptoms"]["messages"] == ["<script>alert(2)</script>"]


def test_a_settled_start_shows_the_report_and_lets_the_clerk_ask_more(client: Any) -> None:
    page = _start(client, goal="restore", messages="Appが待機中のまま")
    assert "残りの質問で原因や最初の対処が変わることはありません。" in page and "form class=\"card question\"" not in page
    more = client.post("/", data={"lang": "ja", "state": _hidden(page, "state"), "action": "continue"}).text
    field = _hidden(more, "field")
    after = client.post("/", data={"lang": "ja", "state": _hidden(more, "state"), "field": field,
                                   "action": "decline"}).text
    assert _hidden(after, "field") not in (field, "goal")  # still asking, one question at a time


@pytest.mark.parametrize("state", ["{not json", "[1, 2]", '{"facts": [], "declined": []}',
                                   '{"facts": {}, "declined": [7]}'])
def test_a_damaged_state_says_so_in_the_page_language_and_starts_again(client: Any, state: str) -> None:
    response = client.post("/", data={"lang": "ja", "state": state, "action": "finish"})
    assert response.status_code == 400
    assert "フォームのデータが壊れています。最初からやり直してください。" in response.text
    assert "お客様がしたいことは？" in response.text


def test_facts_that_break_the_model_are_listed_with_their_fields_in_japanese(client: Any) -> None:
    state = json.dumps({"facts": {"schema_version": 1, "goal": "restore", "account": {"plan_gb": -5},
                                  "network": {"wifi_kind": "hotspot"}}, "declined": []})
    response = client.post("/", data={"lang": "ja", "state": state, "action": "finish"})
    assert response.status_code == 422
    assert "account.plan_gb:" in response.text and "network.wifi_kind:" in response.text
    assert "確認してください" in response.text and "Traceback" not in response.text


def test_an_answer_outside_the_choices_is_refused_and_the_question_stays(client: Any) -> None:
    page = _start(client)
    field, spec = _hidden(page, "field"), _hidden(page, "answer_spec")
    form = {"lang": "ja", "state": _hidden(page, "state"), "field": field, "answer_spec": spec, "action": "answer"}
    assert client.post("/", data=form).text.count("回答を入力するか「わからない」を押してください。") == 1
    odd = {**form, "answer_spec": json.dumps({"kind": "yes_no"}), "value": "maybe"}
    refused = client.post("/", data=odd).text
    assert "表示された選択肢から選んでください。" in refused and _hidden(refused, "field") == field
    assert json.loads(_hidden(refused, "state")) == json.loads(form["state"])


def test_a_field_that_is_not_a_fact_is_refused(client: Any) -> None:
    page = _start(client)
    answer = client.post("/", data={"lang": "en", "state": _hidden(page, "state"), "field": "__class__",
                                    "answer_spec": '{"kind": "text"}', "value": "x", "action": "answer"})
    assert "The form&#39;s data was damaged" in answer.text


def test_a_declined_question_is_not_asked_again_and_can_be_taken_back(client: Any) -> None:
    page = _start(client)
    first = _hidden(page, "field")
    after = client.post("/", data={"lang": "ja", "state": _hidden(page, "state"), "field": first,
                                   "action": "decline"}).text
    assert _hidden(after, "field") != first and json.loads(_hidden(after, "state"))["declined"] == [first]
    back = client.post("/", data={"lang": "ja", "state": _hidden(after, "state"), "field": first,
                                  "action": "edit"}).text
    assert _hidden(back, "field") == first and json.loads(_hidden(back, "state"))["declined"] == []


def test_the_fact_file_downloads_as_an_attachment_named_after_the_ticket(client: Any) -> None:
    page = _start(client, ticket='HD-7/../"x"', messages="")
    response = client.post("/", data={"lang": "ja", "state": _hidden(page, "state"), "action": "download"})
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == 'attachment; filename="HD-7-x.json"'
    assert response.json() == {"schema_version": 1, "ticket": 'HD-7/../"x"', "goal": "migrate"}


def test_a_declined_field_that_does_not_exist_is_named_with_a_suggestion(client: Any) -> None:
    state = json.dumps({"facts": {"schema_version": 1, "goal": "restore"}, "declined": ["network.wifi_knd"]})
    response = client.post("/", data={"lang": "ja", "state": state, "action": "finish"})
    assert response.status_code == 422
    assert "network.wifi_knd" in response.text and "network.wifi_kind" in response.text


def test_only_the_page_s_own_script_may_run(client: Any) -> None:
    page = _start(client)
    report = client.post("/", data={"lang": "ja", "state": _hidden(page, "state"), "action": "finish"})
    policy = report.headers["content-security-policy"]
    nonce = re.search(r"script-src 'nonce-([^']+)'", policy)
    assert nonce and f'<script nonce="{nonce.group(1)}">' in report.text
    assert "form-action 'self'" in policy and "frame-ancestors 'none'" in policy
    assert report.headers["cache-control"] == "no-store"  # the customer's data stays out of caches
