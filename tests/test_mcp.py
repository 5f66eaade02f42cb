"""`backup-doctor mcp`: the MCP server, driven by the SDK's own client (in memory and over stdio)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner

pytest.importorskip("mcp", reason="the mcp extra is not installed (pip install '.[test]' installs it)")

import anyio  # noqa: E402
import jsonschema  # noqa: E402
from mcp import Client, StdioServerParameters  # noqa: E402
from mcp.shared.exceptions import MCPError  # noqa: E402

from backup_doctor.cli.chatbot import DoctorServer  # noqa: E402
from backup_doctor.cli.app import cli  # noqa: E402
from backup_doctor.engine import Engine, EngineError, why_not  # noqa: E402

TOOLS = {"diagnose", "consult", "why_not", "validate", "list_rules", "show_rule"}
T = TypeVar("T")

# Three problems of different kinds: an unknown (misspelt) field, a value out of range,
# an impossible date.
BAD_FACTS = {"schema_version": 1, "acount": {"plan_gb": 5}, "network": {"signal_bars": 7},
             "backup": {"last_success": "yesterday"}}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="module")
def server(engine: Engine) -> DoctorServer:
    return DoctorServer(engine)


def call(target: Any, session: Callable[[Client], Awaitable[T]], mode: str = "auto") -> T:
    """Run *session* with an SDK client connected to *target* (a server or stdio parameters)."""
    async def main() -> T:
        async with Client(target, read_timeout_seconds=120, mode=mode) as client:
            return await session(client)
    return anyio.run(main)


def memory(server: DoctorServer, name: str, arguments: dict[str, Any]) -> Any:
    return call(server.server(), lambda c: c.call_tool(name, arguments))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# --------------------------------------------------------------------------- in memory


def test_tools_are_read_only_closed_world_and_typed(server: DoctorServer) -> None:
    tools = call(server.server(), lambda c: c.list_tools()).tools
    assert {t.name for t in tools} == TOOLS
    for tool in tools:
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is True, tool.name
        assert tool.annotations.open_world_hint is False, tool.name
        assert tool.annotations.idempotent_hint is True, tool.name
        assert tool.description and len(tool.description) > 80, tool.name
        assert tool.output_schema is not None and tool.output_schema["type"] == "object", tool.name
        jsonschema.Draft202012Validator.check_schema(tool.input_schema)


def test_the_facts_argument_publishes_the_fact_file_schema(server: DoctorServer, repo_root: Path,
                                                           examples_dir: Path) -> None:
    tools = {t.name: t for t in call(server.server(), lambda c: c.list_tools()).tools}
    schema = tools["diagnose"].input_schema
    shipped = _load(repo_root / "facts" / "schema.json")
    assert schema["properties"]["facts"]["properties"] == shipped["properties"]
    assert schema["required"] == ["facts"]
    # A client that checks arguments against the schema accepts every example and
    # refuses what the engine refuses.
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(examples_dir.glob("*.json")):
        assert list(validator.iter_errors({"facts": _load(path), "lang": "ja"})) == [], path.name
    assert list(validator.iter_errors({"facts": BAD_FACTS}))


def test_diagnose_gives_the_libraries_findings(server: DoctorServer, engine: Engine, example_file: Path) -> None:
    facts = _load(example_file)
    result = memory(server, "diagnose", {"facts": facts})
    assert result.is_error is False
    want = engine.diagnose(facts).model_dump(mode="json")
    assert result.structured_content == want
    assert json.loads(result.content[0].text) == want  # the same JSON for clients without structured output


def test_a_client_of_the_handshake_era_gets_the_same_answers(server: DoctorServer, engine: Engine,
                                                              example: Any) -> None:
    # Desktop clients of 2025 still open with `initialize`; results are JSON objects then.
    facts = example("tethering-free-tier-migrate")

    async def session(c: Client) -> Any:
        assert len((await c.list_tools()).tools) == len(TOOLS)
        return await c.call_tool("diagnose", {"facts": facts, "lang": "ja"})

    result = call(server.server(), session, mode="legacy")
    assert result.structured_content == engine.diagnose(facts, lang="ja").model_dump(mode="json")


def test_diagnose_in_japanese_with_the_trace(server: DoctorServer, engine: Engine, example: Any) -> None:
    facts = example("restore-apps-waiting-no-sim")
    report = memory(server, "diagnose", {"facts": facts, "lang": "ja", "explain": True}).structured_content
    assert report["lang"] == "ja"
    assert report == engine.diagnose(facts, lang="ja", explain=True).model_dump(mode="json")
    assert report["trace"]
    english = engine.diagnose(facts, lang="en")
    assert [f["id"] for f in report["findings"]] == [f.id for f in english.findings]
    assert [f["title"] for f in report["findings"]] != [f.title for f in english.findings]


def test_diagnose_with_brief_reads_out_the_short_form_and_keeps_the_report(server: DoctorServer, engine: Engine,
                                                                            example: Any, runner: CliRunner,
                                                                            tmp_path: Path) -> None:
    facts = example("restore-apps-waiting-no-sim")
    result = memory(server, "diagnose", {"facts": facts, "lang": "ja", "brief": True})
    assert result.is_error is False and len(result.content) == 1
    report = engine.diagnose(facts, lang="ja").model_dump(mode="json")
    assert result.structured_content == report  # the whole report, valid against the output schema
    tools = {t.name: t for t in call(server.server(), lambda c: c.list_tools()).tools}
    jsonschema.validate(result.structured_content, tools["diagnose"].output_schema)
    (tmp_path / "f.json").write_text(json.dumps(facts), encoding="utf-8")
    cli_brief = runner.invoke(cli, ["diagnose", "--brief", "--format", "markdown", "--lang", "ja",
                                    str(tmp_path / "f.json")]).stdout
    assert result.content[0].text == cli_brief and cli_brief.startswith("# backup-doctor 要約")
    wrong = memory(server, "diagnose", {"facts": facts, "brief": "yes"})
    assert wrong.is_error is True and 'brief: "yes"' in wrong.content[0].text


def test_why_not_validate_and_the_catalogue(server: DoctorServer, engine: Engine, example: Any,
                                            runner: CliRunner) -> None:
    facts = example("restore-apps-waiting-no-sim")
    answer = memory(server, "why_not", {"facts": facts, "id": "buy-icloud-storage", "lang": "ja"})
    assert answer.structured_content == why_not(engine, facts, "buy-icloud-storage", "ja").model_dump(mode="json")
    assert answer.structured_content["reached"] is False

    assert memory(server, "validate", {"facts": facts}).structured_content == {"valid": True}

    listed = memory(server, "list_rules", {}).structured_content["rules"]
    cli_list = json.loads(runner.invoke(cli, ["rules", "list", "--format", "json", "--lang", "en"]).stdout)
    assert listed == cli_list

    shown = memory(server, "show_rule", {"id": listed[0]["id"], "lang": "ja"}).structured_content
    cli_show = runner.invoke(cli, ["rules", "show", listed[0]["id"], "--format", "json", "--lang", "ja"]).stdout
    assert shown == json.loads(cli_show)


def test_resources_are_the_schema_and_the_catalogue(server: DoctorServer, runner: CliRunner) -> None:
    async def session(c: Client) -> tuple[list[str], str, str]:
        uris = [str(r.uri) for r in (await c.list_resources()).resources]
        schema = (await c.read_resource("backup-doctor://schema/facts")).contents[0]
        rules = (await c.read_resource("backup-doctor://rules/ja")).contents[0]
        return uris, getattr(schema, "text", ""), getattr(rules, "text", "")

    uris, schema, rules = call(server.server(), session)
    assert uris == ["backup-doctor://schema/facts", "backup-doctor://rules/en", "backup-doctor://rules/ja"]
    assert json.loads(schema) == json.loads(runner.invoke(cli, ["schema"]).stdout)
    cli_list = json.loads(runner.invoke(cli, ["rules", "list", "--format", "json", "--lang", "ja"]).stdout)
    assert json.loads(rules)["rules"] == cli_list


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_invalid_facts_are_a_tool_error_listing_every_problem(server: DoctorServer, lang: str) -> None:
    for tool, extra in (("diagnose", {}), ("validate", {}), ("why_not", {"id": "use-stable-wifi"})):
        result = memory(server, tool, {"facts": BAD_FACTS, "lang": lang, **extra})
        assert result.is_error is True
        text = result.content[0].text
        for path in ("acount", "network.signal_bars", "backup.last_success"):
            assert path in text, (tool, text)
        assert "'account'" in text  # did you mean
        if lang == "ja":
            assert "ファクトファイルに問題が 3 件あります" in text and "もしかして" in text and "受け付ける値" in text
        else:
            assert "3 problems in the fact file" in text and "did you mean" in text and "accepted:" in text


def test_every_problem_is_listed_even_past_the_twenty_a_person_reads(server: DoctorServer) -> None:
    facts = {"schema_version": 1, **{f"field_{i}": 1 for i in range(25)}}
    text = memory(server, "validate", {"facts": facts}).content[0].text
    assert all(f"field_{i}:" in text for i in range(25))


def test_bad_arguments_are_a_tool_error_with_our_words(server: DoctorServer) -> None:
    result = memory(server, "why_not", {"fact": {"schema_version": 1}, "id": 3, "lang": "ja"})
    assert result.is_error is True
    text = result.content[0].text
    assert "ツールの引数に問題が 3 件あります" in text
    assert "fact: この項目はありません" in text and "もしかして 'facts'" in text
    assert "facts: 必須です" in text and "id: 3 は型が違います" in text

    french = memory(server, "list_rules", {"lang": "fr"})
    assert french.is_error is True and 'lang: "fr" is not an accepted value (accepted: en, ja)' in french.content[0].text


def test_unknown_ids_suggest_the_closest(server: DoctorServer, example: Any) -> None:
    wrong = memory(server, "show_rule", {"id": "R-storage-shortfal", "lang": "ja"})
    assert wrong.is_error is True and "R-storage-shortfall" in wrong.content[0].text
    wrong = memory(server, "why_not", {"facts": example("restore-newer-ios"), "id": "buy-icloud-storag"})
    assert wrong.is_error is True and "buy-icloud-storage" in wrong.content[0].text


def test_an_unknown_tool_is_a_protocol_error(server: DoctorServer) -> None:
    async def session(c: Client) -> str:
        try:
            await c.call_tool("diagnoze", {"facts": {"schema_version": 1}})
        except MCPError as exc:
            return exc.message
        return "no error"

    assert "did you mean 'diagnose'" in call(server.server(), session)


@pytest.mark.parametrize("error", [EngineError("rule action r3 failed: ZeroDivisionError()"), KeyError("boom")])
def test_an_engine_failure_is_a_clear_tool_error(error: Exception, example: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise error

    server = DoctorServer(Engine())
    monkeypatch.setattr(Engine, "diagnose", broken)
    result = memory(server, "diagnose", {"facts": example("restore-newer-ios"), "lang": "ja"})
    assert result.is_error is True
    text = result.content[0].text
    assert text.startswith("内部エラー") and "不具合" in text
    assert ("ZeroDivisionError" if isinstance(error, EngineError) else "KeyError") in text


def test_a_diagnosis_that_does_not_end_is_a_tool_error_not_a_hang(example: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import backup_doctor.cli.chatbot.server as chatbot_server

    def stuck(*args: object, **kwargs: object) -> None:
        time.sleep(3)

    server = DoctorServer(Engine())
    monkeypatch.setattr(Engine, "diagnose", stuck)
    monkeypatch.setattr(chatbot_server, "RUN_TIMEOUT_S", 0.1)
    result = memory(server, "diagnose", {"facts": example("restore-newer-ios")})
    assert result.is_error is True
    assert result.content[0].text.startswith("internal error") and "did not end" in result.content[0].text


# --------------------------------------------------------------------------- the installed command


def _command() -> str:
    found = shutil.which("backup-doctor", path=str(Path(sys.executable).parent)) or shutil.which("backup-doctor")
    assert found, "backup-doctor is not installed next to this Python"
    return found


def test_the_installed_command_serves_over_stdio(examples_dir: Path, engine: Engine, tmp_path: Path) -> None:
    params = StdioServerParameters(command=_command(), args=["mcp"], cwd=str(tmp_path),
                                   env={"LANG": "C.UTF-8", "MALLOC_PERTURB_": os.environ.get("MALLOC_PERTURB_", "0")})
    files = sorted(examples_dir.glob("*.json"))

    async def session(c: Client) -> dict[str, Any]:
        out: dict[str, Any] = {"tools": {t.name for t in (await c.list_tools()).tools}, "reports": {}}
        for path in files:
            out["reports"][path.name] = (await c.call_tool("diagnose", {"facts": _load(path)})).structured_content
        facts = _load(files[0])
        out["ja"] = await c.call_tool("diagnose", {"facts": facts, "lang": "ja"})
        out["why_not"] = await c.call_tool("why_not", {"facts": facts, "id": "use-stable-wifi"})
        out["validate"] = await c.call_tool("validate", {"facts": facts})
        out["rules"] = await c.call_tool("list_rules", {"lang": "ja"})
        out["rule"] = await c.call_tool("show_rule", {"id": "R-storage-shortfall"})
        out["invalid"] = await c.call_tool("diagnose", {"facts": BAD_FACTS, "lang": "ja"})
        return out

    out = call(params, session)
    assert out["tools"] == TOOLS
    for path in files:
        want = [f.id for f in engine.diagnose(_load(path)).findings]
        assert [f["id"] for f in out["reports"][path.name]["findings"]] == want, path.name
    assert out["ja"].structured_content == engine.diagnose(_load(files[0]), lang="ja").model_dump(mode="json")
    for name in ("why_not", "validate", "rules", "rule"):
        assert out[name].is_error is False, (name, out[name].content)
    assert out["validate"].structured_content == {"valid": True}
    assert out["rule"].structured_content["id"] == "R-storage-shortfall"
    assert out["invalid"].is_error is True and "network.signal_bars: 7 は範囲外です" in out["invalid"].content[0].text


_WITHOUT_MCP = """
import sys
for name in ("mcp", "mcp_types", "anyio"):  # as if the extra (and what it brings) were not installed
    sys.modules[name] = None
from backup_doctor.cli import main
sys.argv = ["backup-doctor", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize(("lang", "words"), [("en", "needs the mcp extra"), ("ja", "mcp エクストラが必要です")])
def test_without_the_extra_one_line_says_what_to_install(run_python: Any, lang: str, words: str) -> None:
    proc = run_python("-c", _WITHOUT_MCP, "mcp", "--lang", lang)
    assert proc.returncode == 2
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1 and words in lines[0] and "pip install 'backup-doctor[mcp]'" in lines[0]
    assert run_python("-c", _WITHOUT_MCP, "--help").returncode == 0


def test_other_commands_do_not_load_the_sdk(run_python: Any) -> None:
    proc = run_python("-c", "import sys, backup_doctor.cli.app; print(sorted(m for m in sys.modules "
                            "if m.split('.')[0] in ('mcp', 'mcp_types') or '.chatbot' in m))")
    assert proc.stdout.decode().strip() == "[]"
