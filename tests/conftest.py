"""Shared fixtures: the repo's example files, a CLI runner, and a fresh Python process.

Tests import ``backup_doctor`` from wherever it is installed (site-packages in CI, the
editable install in development) but read examples and goldens from this checkout.
Test modules are imported in importlib mode, so helpers are fixtures, not imports.
"""

from __future__ import annotations

import json
import os
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


@pytest.fixture(autouse=True)
def _neutral_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI takes its default language from the locale; tests that care set it.
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
