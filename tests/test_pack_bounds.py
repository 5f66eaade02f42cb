"""Hostile or careless rule packs (issue 17, point 5): refused at load with file:line,
never a hang, a crash, a traceback or a file's content in a message.

What could hang or crash (durable's full tables, a FIFO, a link to an endless file) runs
in a child process under a timeout, through the library and the installed command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backup_doctor.engine import Engine, RulePackError

TEXTS = """findings:
  t-found:
    title: {en: "Found on {device_model}", ja: "{device_model} で見つかりました"}
    detail: {en: "Found.", ja: "見つかりました。"}
rules:
"""
FACTS = {"schema_version": 1, "goal": "backup", "device": {"model": "iPhone 12", "storage_used_gb": 5}}
TIMEOUT = 60

_ENGINE = """
import sys
from backup_doctor.engine import Engine, RulePackError
try:
    engine = Engine(rules=[sys.argv[1]])
    report = engine.diagnose({"schema_version": 1, "device": {"storage_used_gb": float(sys.argv[2])}})
    print("OK", " ".join(f.id for f in report.findings))
except RulePackError as exc:
    print("REFUSED", exc)
"""


def _rule(rid: str, *conditions: str) -> str:
    when = "".join(f"      - {c}\n" for c in conditions)
    return f"  - id: {rid}\n    description: {{en: a rule, ja: ルール}}\n    when:\n{when}    then: {{finding: t-found}}\n"


def _pack(tmp_path: Path, rules: list[str], name: str = "pack") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "rules.yaml").write_text(TEXTS + "".join(rules), encoding="utf-8")
    return folder


def _engine(folder: Path, storage: float = 5) -> str:
    """Build an engine on *folder* and diagnose once, in a child process under a timeout."""
    proc = subprocess.run([sys.executable, "-c", _ENGINE, str(folder), str(storage)], capture_output=True,
                          text=True, timeout=TIMEOUT, check=False, cwd=folder.parent,
                          env={**os.environ, "MALLOC_PERTURB_": "170"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    return proc.stdout


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).parent / "backup-doctor"
    return subprocess.run([str(command), "rules", "lint", str(folder)], capture_output=True, text=True,
                          timeout=TIMEOUT, check=False, cwd=folder.parent)


def _refusal(folder: Path) -> str:
    with pytest.raises(RulePackError) as info:
        Engine(rules=[folder])
    return str(info.value)


# --------------------------------------------------------------------------- durable's tables


def test_513_values_on_one_fact_are_refused_not_hung(tmp_path: Path) -> None:
    folder = _pack(tmp_path, [_rule(f"R-v{i}", f"{{fact: device.storage_used_gb, is: {i}}}") for i in range(513)])
    out = _engine(folder)
    assert out.startswith("REFUSED")
    assert f"{folder / 'rules.yaml'}:" in out and "rule R-v400" in out
    assert "513 different tests" in out and "at most 400" in out
    lint = _lint(folder)
    assert lint.returncode == 1
    assert "[load-error]" in lint.stdout and "513 different tests" in lint.stdout and "at most 400" in lint.stdout


def test_400_values_on_one_fact_still_load_and_run(tmp_path: Path) -> None:
    folder = _pack(tmp_path, [_rule(f"R-v{i}", f"{{fact: device.storage_used_gb, is: {i}}}") for i in range(400)])
    assert _engine(folder, storage=399).split() == ["OK", "t-found"]


def test_an_in_list_of_5000_values_is_refused_at_its_line(tmp_path: Path) -> None:
    values = ", ".join(str(i) for i in range(5000))
    folder = _pack(tmp_path, [_rule("R-many", f"{{fact: device.storage_used_gb, in: [{values}]}}")])
    out = _engine(folder)
    assert f"{folder / 'rules.yaml'}:9: rules.0.when.0.in (rule R-many)" in out
    assert "at most 200 items" in out and "not 5000" in out
    assert "at most 200 items" in _lint(folder).stdout


def test_an_in_list_of_200_values_works(tmp_path: Path) -> None:
    values = ", ".join(str(i) for i in range(200))
    folder = _pack(tmp_path, [_rule("R-many", f"{{fact: device.storage_used_gb, in: [{values}]}}")])
    assert _engine(folder, storage=199).split() == ["OK", "t-found"]


def test_64_rules_with_one_in_list_are_refused_not_crashed(tmp_path: Path) -> None:
    # durable's evaluation stack (64) overflowed here, then deleting the session crashed.
    folder = _pack(tmp_path, [_rule(f"R-in{i}", "{fact: device.storage_used_gb, in: [1, 5]}") for i in range(64)])
    out = _engine(folder)
    assert out.startswith("REFUSED") and "pending at once" in out and "at most 60" in out


@pytest.mark.parametrize(("count", "expected"), [
    (3000, "rules.0.when (rule R-wide): List should have at most 12 items after validation, not 3000"),
    (13, "at most 12 items"),
])
def test_too_many_conditions_in_one_rule(tmp_path: Path, count: int, expected: str) -> None:
    folder = _pack(tmp_path, [_rule("R-wide", *(f"{{fact: device.storage_used_gb, gt: {i}}}" for i in range(count)))])
    assert expected in _refusal(folder)


def test_conditions_that_need_too_many_engine_groups(tmp_path: Path) -> None:
    ins = [f"{{fact: device.storage_used_gb, in: [{i}, 99]}}" for i in range(7)]
    folder = _pack(tmp_path, [_rule("R-groups", *ins, "{fact: device.ios_major, gt: 1}")])
    message = _refusal(folder)
    assert f"{folder / 'rules.yaml'}:" in message
    assert "rule R-groups: its fact conditions need 32 grouping units; the engine takes at most 31" in message
    assert _engine(_pack(tmp_path, [_rule("R-groups", *ins[:6], "{fact: device.ios_major, gt: 1}")], "ok"),
                   storage=99).startswith("OK")


def test_5000_identical_rules_are_refused(tmp_path: Path) -> None:
    folder = _pack(tmp_path, [_rule(f"R-same{i}", "{fact: device.storage_used_gb, gt: 3}") for i in range(5000)])
    out = _engine(folder)
    assert "rule R-same1000: past the 1,000 rules one pack may have" in out
    many = _pack(tmp_path, [_rule(f"R-same{i}", "{fact: device.storage_used_gb, gt: 3}") for i in range(300)], "few")
    out = _engine(many)
    assert "300 rules end on the very same test" in out and "at most 200" in out


# --------------------------------------------------------------------------- placeholders


@pytest.mark.parametrize(("text", "expected", "suggested"), [
    ("{0}", "{0} is a positional field", None),
    ("{}", "{} is a positional field", None),
    ("a { b", "a lone '{' at character 9", None),
    ("a } b", "a lone '}' at character 9", None),
    ("{device_model:>2000000000}", "is attribute access, an index or a format spec", "device_model"),
    ("{device_model.__class__.__mro__}", "is attribute access, an index or a format spec", "device_model"),
    ("{device_model[0]}", "is attribute access, an index or a format spec", "device_model"),
    ("{device_modle}", "{device_modle} is an unknown placeholder", "device_model"),
])
def test_placeholders_other_than_documented_names_are_refused(tmp_path: Path, text: str, expected: str,
                                                              suggested: str | None) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "rules.yaml").write_text(
        TEXTS.replace('"Found."', f'"Found {text}."') + _rule("R-t", "{fact: goal, is: backup}"), encoding="utf-8")
    message = _refusal(folder)
    assert f"{folder / 'rules.yaml'}:2: finding t-found: " in message
    assert expected in message
    assert (f"did you mean '{suggested}'?" in message) == (suggested is not None)


def test_placeholders_and_escaped_braces_render(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "rules.yaml").write_text(
        TEXTS.replace('"Found."', '"{{literal}} {{{device_model}}} {unknown_later}"').replace(
            "{unknown_later}", "{target_model}") + _rule("R-t", "{fact: goal, is: backup}"), encoding="utf-8")
    report = Engine(rules=[folder]).diagnose(FACTS)
    finding = next(f for f in report.findings if f.id == "t-found")
    assert finding.title == "Found on iPhone 12"
    assert finding.detail == "{literal} {iPhone 12} unknown"


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(("literal", "problem"), [
    (".inf", "inf is not a finite number"),
    ("-.inf", "-inf is not a finite number"),
    (".nan", "nan is not a finite number"),
    ("1.0e+16", "1e+16 is out of range"),
    ("1.0e-05", "1e-05 is out of range"),
    ("10000000000000000", "10000000000000000 is out of range"),
    ("0.00049", "0.00049 is finer than this field is compared (1 MB)"),
])
def test_numbers_must_be_finite_and_within_what_the_engine_takes(tmp_path: Path, literal: str, problem: str) -> None:
    folder = _pack(tmp_path, [_rule("R-num", f"{{fact: device.storage_used_gb, gt: {literal}}}")])
    message = _refusal(folder)
    assert f"{folder / 'rules.yaml'}:9: rule R-num: device.storage_used_gb: {problem}" in message
    assert "(accepted: a finite number, 0 or from 0.0001 to 1e+15 in size, at most 3 decimals (1 MB))" in message


def test_a_number_of_thousands_of_digits_is_refused_without_traceback(tmp_path: Path) -> None:
    folder = _pack(tmp_path, [_rule("R-num", "{fact: device.storage_used_gb, gt: " + "9" * 5000 + "}")])
    assert "holds a value that cannot be read" in _refusal(folder)


def test_numbers_in_range_work(tmp_path: Path) -> None:
    folder = _pack(tmp_path, [_rule("R-num", "{fact: device.storage_used_gb, gt: 4.999}")])
    assert [f.id for f in Engine(rules=[folder]).diagnose(FACTS).findings] == ["t-found"]


# --------------------------------------------------------------------------- files


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "a.yaml").write_text(TEXTS + _rule("R-t", "{fact: goal, is: backup}"), encoding="utf-8")
    return folder


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    os.mkfifo(folder / "b.yaml")
    out = _engine(folder)
    assert out.startswith(f"REFUSED {folder / 'b.yaml'}: not a regular file")
    lint = _lint(folder)
    assert lint.returncode == 2 and "not a regular file" in lint.stderr


@pytest.mark.parametrize("target", ["/dev/zero", "sparse"])
def test_a_link_to_an_endless_or_huge_file_is_not_read(tmp_path: Path, target: str) -> None:
    folder = _folder(tmp_path)
    if target == "sparse":
        big = folder / "big.data"  # inside the pack: followed, then refused for its size
        with big.open("wb") as handle:
            handle.truncate(2 * 1024**3)
        (folder / "b.yaml").symlink_to(big)
        expected = "larger than 1,048,576 bytes"
    else:
        (folder / "b.yaml").symlink_to(target)
        expected = "a symbolic link to a file outside the rule pack folder: not read"
    out = _engine(folder)
    assert out.startswith(f"REFUSED {folder / 'b.yaml'}: {expected}")


def test_a_link_out_of_the_pack_is_never_quoted(tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$very-secret-hash:19000:0:99999:7:::\nfindings: [\n", encoding="utf-8")
    folder = _folder(tmp_path)
    (folder / "b.yaml").symlink_to(secret)
    message = _refusal(folder)
    assert "outside the rule pack folder" in message and "secret" not in message.replace(str(tmp_path), "")
    lint = _lint(folder)
    assert "very-secret" not in lint.stdout + lint.stderr


def test_a_link_to_a_pack_file_inside_the_folder_is_followed(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    shared = folder / "shared"
    shared.mkdir()
    (folder / "a.yaml").rename(shared / "rules.txt")
    (folder / "a.yaml").symlink_to(shared / "rules.txt")
    assert [f.id for f in Engine(rules=[folder]).diagnose(FACTS).findings] == ["t-found"]


@pytest.mark.parametrize(("content", "expected"), [
    (b"\xff\xfe secret: [oops\n", "not UTF-8 text"),
    (b"rules: [\x00 secret \x01]\n", "binary data, not a text file"),
    (b"# " + b"x" * 1_048_576 + b"\n", "larger than 1,048,576 bytes (the limit for one rule file)"),
])
def test_files_that_are_not_a_pack_are_refused_without_quoting_them(tmp_path: Path, content: bytes,
                                                                     expected: str) -> None:
    folder = _folder(tmp_path)
    (folder / "b.yaml").write_bytes(content)
    with pytest.raises(RulePackError) as info:
        Engine(rules=[folder])
    assert str(info.value) == f"{folder / 'b.yaml'}: {expected}"
    assert info.value.render("ja").startswith(f"{folder / 'b.yaml'}: ")
    assert info.value.render("ja") != str(info.value)


def test_too_many_files_in_one_pack(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    for i in range(100):
        (folder / f"x{i:03}.yaml").write_text("{}\n", encoding="utf-8")
    assert "holds 101 .yaml files; a rule pack may have at most 100" in _refusal(folder)


def test_many_rules_may_share_an_in_list_on_a_choice_field(tmp_path: Path) -> None:
    # An enum's 'in' is compiled as the values it leaves out, shared by every rule, so
    # it does not add to durable's evaluation stack as a list of alternatives would.
    rules = [_rule(f"R-wifi{i}", "{fact: network.wifi_kind, in: [tethering, public]}", "{fact: goal, is: backup}")
             for i in range(100)]
    folder = _pack(tmp_path, rules)
    engine = Engine(rules=[folder])
    for kind, fires in (("tethering", True), ("public", True), ("home", False), (None, False)):
        network = {"connection": "wifi", "wifi_kind": kind} if kind else {"connection": "wifi"}
        report = engine.diagnose({**FACTS, "network": network}, explain=True)
        fired = {e.rule_id for e in report.trace if e.op == "fire"}
        assert ({f"R-wifi{i}" for i in range(100)} <= fired) is fires, kind
        assert not fired & {f"R-wifi{i}" for i in range(100)} or fires


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_node_is_refused_without_reading(tmp_path: Path) -> None:
    import stat

    folder = _folder(tmp_path)
    os.mknod(folder / "b.yaml", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
    assert _engine(folder).startswith(f"REFUSED {folder / 'b.yaml'}: not a regular file")
