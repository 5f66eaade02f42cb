"""The MCP ``consult`` tool: the next best questions, typed, until settled (SPEC §4), with the SDK's own client."""

from __future__ import annotations

import copy
import os
import shutil
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

pytest.importorskip("mcp", reason="the mcp extra is not installed (pip install '.[test]' installs it)")

import anyio  # noqa: E402
from mcp import Client, StdioServerParameters  # noqa: E402

from backup_doctor.cli.chatbot import DoctorServer  # noqa: E402
from backup_doctor.engine import Engine  # noqa: E402

CASE = "restore-apps-waiting-no-sim"
T = TypeVar("T")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def call(target: Any, session: Callable[[Client], Awaitable[T]]) -> T:
    async def main() -> T:
        async with Client(target, read_timeout_seconds=120) as client:
            return await session(client)
    return anyio.run(main)


async def question_loop(client: Client, full: dict[str, Any], lang: str,
                        fact_at: Any) -> tuple[dict[str, Any], list[str], list[Any]]:
    """What a bot does: start from the goal and the symptoms, follow consult until settled,
    answering from the customer's whole story and declining what it lacks."""
    facts = {k: copy.deepcopy(full[k]) for k in ("schema_version", "ticket", "today", "goal", "symptoms")}
    declined: list[str] = []
    answers = []
    for _ in range(60):
        result = await client.call_tool("consult", {"facts": facts, "declined": declined, "lang": lang, "limit": 1})
        assert result.is_error is False, result.content
        answers.append(result.structured_content)
        if result.structured_content["settled"]:
            return facts, declined, answers
        question = result.structured_content["questions"][0]
        value = fact_at(full, question["field"])
        if value is None:
            declined.append(question["field"])
        else:
            *parents, name = question["field"].split(".")
            node = facts
            for part in parents:
                node = node.setdefault(part, {})
            node[name] = copy.deepcopy(value)
    raise AssertionError("consult never settled")


def test_consult_is_read_only_and_typed(engine: Engine) -> None:
    tools = {t.name: t for t in call(DoctorServer(engine).server(), lambda c: c.list_tools()).tools}
    tool = tools["consult"]
    assert tool.annotations is not None and tool.annotations.read_only_hint is True
    assert tool.annotations.open_world_hint is False
    assert tool.output_schema is not None and {"settled", "questions", "findings", "fixes", "first_steps"} <= set(
        tool.output_schema["properties"])
    assert {"facts", "declined", "lang", "limit"} == set(tool.input_schema["properties"])


def test_consult_gives_the_reports_first_questions_and_what_is_known(engine: Engine, example: Any) -> None:
    facts = example(CASE)
    result = call(DoctorServer(engine).server(),
                  lambda c: c.call_tool("consult", {"facts": facts, "lang": "ja", "limit": 2,
                                                    "declined": ["apple_status.icloud_backup_outage"]}))
    report = engine.diagnose(facts, lang="ja", declined=["apple_status.icloud_backup_outage"])
    got = result.structured_content
    assert got["questions"] == [q.model_dump(mode="json") for q in report.questions[:2]]
    assert got["more_questions"] == max(len(report.questions) - 2, 0)
    assert got["settled"] is report.settled
    assert [f["id"] for f in got["findings"]] == [f.id for f in report.findings]
    assert [(r["id"], r["rank"]) for r in got["fixes"]] == [(r.id, r.rank) for r in report.recommendations]
    assert got["first_steps"] == report.recommendations[0].steps
    assert "apple_status.icloud_backup_outage" not in [q["field"] for q in got["questions"]]


def test_bad_declined_and_limit_are_tool_errors_a_model_can_act_on(engine: Engine) -> None:
    async def session(c: Client) -> Any:
        return (await c.call_tool("consult", {"facts": {"schema_version": 1}, "declined": ["network.wifi_kin"],
                                              "lang": "ja"}),
                await c.call_tool("consult", {"facts": {"schema_version": 1}, "limit": 99}),
                await c.call_tool("consult", {"facts": {"schema_version": 1}, "declined": "all"}))

    typo, limit, shape = call(DoctorServer(engine).server(), session)
    assert typo.is_error and "network.wifi_kin" in typo.content[0].text and "network.wifi_kind" in typo.content[0].text
    assert "declined に指定できません" in typo.content[0].text
    assert limit.is_error and "limit: 99 is out of range (accepted: 1–20)" in limit.content[0].text
    assert shape.is_error and "declined" in shape.content[0].text


def test_a_question_loop_in_memory_settles_on_the_source_articles_case(engine: Engine, example: Any,
                                                                       fact_at: Any) -> None:
    full = example(CASE)
    del full["network"]["connection"]  # the customer cannot say: the bot declines it
    facts, declined, steps = call(DoctorServer(engine).server(), lambda c: question_loop(c, full, "en", fact_at))
    assert steps[-1]["settled"] is True and len(steps) > 3
    assert declined and all(fact_at(full, field) is None for field in declined)
    # The bot ends where the whole ticket leads: the same causes and the same first fix.
    whole = engine.diagnose(full)
    assert [f["id"] for f in steps[-1]["findings"]] == [f.id for f in engine.diagnose(facts, declined=declined).findings]
    assert {"apps-stuck-after-restore", "network-unstable"} <= {f["id"] for f in steps[-1]["findings"]}
    assert steps[-1]["fixes"][0]["id"] == whole.recommendations[0].id


def test_the_installed_command_answers_consult_over_stdio(example: Any, fact_at: Any, tmp_path: Path) -> None:
    command = shutil.which("backup-doctor", path=str(Path(sys.executable).parent)) or shutil.which("backup-doctor")
    assert command, "backup-doctor is not installed next to this Python"
    params = StdioServerParameters(command=command, args=["mcp", "--lang", "ja"], cwd=str(tmp_path),
                                   env={"LANG": "C.UTF-8", "MALLOC_PERTURB_": os.environ.get("MALLOC_PERTURB_", "0")})
    full = example(CASE)
    _, _, steps = call(params, lambda c: question_loop(c, full, "ja", fact_at))
    assert steps[-1]["settled"] is True
    assert steps[0]["questions"][0]["ask"] != steps[-2]["questions"][0]["ask"]
    assert any("App" in f["title"] for f in steps[-1]["findings"]) and steps[-1]["first_steps"]
