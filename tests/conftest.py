"""Shared fixtures: the repo's example files, a CLI runner, and a fresh Python process.

Tests import ``backup_doctor`` from wherever it is installed (site-packages in CI, the
editable install in development) but read examples and goldens from this checkout.
Test modules are imported in importlib mode, so helpers are fixtures, not imports.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "facts"

# Some durable-rules traps hang instead of failing; a stuck child must not stall CI.
SUBPROCESS_TIMEOUT = 120

RunPython = Callable[..., "subprocess.CompletedProcess[bytes]"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run any test that takes ``example_file`` once per ``examples/facts/*.json``."""
    if "example_file" in metafunc.fixturenames:
        files = sorted(EXAMPLES.glob("*.json"))
        metafunc.parametrize("example_file", files, ids=[f.stem for f in files])


@pytest.fixture
def repo_root() -> Path:
    """The checkout the tests run from."""
    return ROOT


@pytest.fixture
def examples_dir() -> Path:
    """``examples/facts``."""
    return EXAMPLES


@pytest.fixture
def example() -> Callable[[str], dict[str, Any]]:
    """Load ``examples/facts/<name>.json`` as a dict."""
    def load(name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
        return data
    return load


def _fact_at(facts: dict[str, Any], path: str) -> Any:
    node: Any = facts
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


@pytest.fixture(scope="session")
def fact_at() -> Callable[[dict[str, Any], str], Any]:
    """The value at a dotted fact path (``network.wifi_kind``) of a fact file as a dict, None when absent."""
    return _fact_at


@pytest.fixture
def run_python() -> RunPython:
    """Run this interpreter in a fresh process, outside the checkout (only the install is seen)."""
    def run(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
        full_env = {**os.environ, **(env or {})}
        return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, env=full_env,
                              cwd=tempfile.gettempdir(), timeout=SUBPROCESS_TIMEOUT, check=False)
    return run


@pytest.fixture
def runner() -> CliRunner:
    """A click test runner; stdout and stderr are kept apart."""
    return CliRunner()


# Quoted input echoed back ("lan", 'goal') may be any text, and a long value is cut
# short with "..." before its closing quote; what is left must not hold two English
# words in a row, the mark of a message nobody translated.
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\.\.\.)|\'[^\']*\'')
_ENGLISH = re.compile(r"[A-Za-z]{3,} [A-Za-z]{3,}")


@pytest.fixture(scope="session")
def assert_japanese() -> Callable[[Any], None]:
    """Check that every text of an input error exists in Japanese, with no English fallback."""
    from backup_doctor.engine.texts import Msg

    def check(exc: Any) -> None:
        texts = [exc.message, *(t for p in exc.problems for t in (p.message, p.accepted) if t is not None)]
        for text in texts:
            assert isinstance(text, Msg), f"not bilingual: {text!r}"
            assert not _ENGLISH.search(_QUOTED.sub("", text.ja)), f"English left in the Japanese error: {text.ja!r}"
    return check


@pytest.fixture(autouse=True)
def _neutral_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI takes its default language from the locale; tests that care set it.
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    # SIGTERM to the whole group (a served app's workers too), SIGKILL if it will not go.
    import signal

    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def stop_group() -> Callable[[subprocess.Popen[bytes]], None]:
    """Stop a process started with ``start_new_session=True``, and every child of it."""
    return _stop_group
