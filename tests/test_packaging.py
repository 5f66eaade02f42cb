"""What ``pip install .`` puts in site-packages: one import package, ``backup_doctor``, complete."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

FOLDERS = ("engine", "facts", "rules", "cli")
_NOT_SOURCE = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".venv", ".ci-venv",
                                     ".pytest_cache", ".hypothesis", ".mypy_cache", "*.whl")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel built from a clean copy of the checkout (no stale build/ can leak in)."""
    root = Path(__file__).resolve().parent.parent
    src = tmp_path_factory.mktemp("src") / "backup-doctor"
    shutil.copytree(root, src, ignore=_NOT_SOURCE)
    out = src / "tmp"
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(out), "."], cwd=src, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, f"wheel build failed:\n{proc.stdout}\n{proc.stderr}"
    (built,) = out.glob("backup_doctor-*.whl")
    return zipfile.ZipFile(built)


@pytest.fixture(scope="module")
def names(wheel: zipfile.ZipFile) -> set[str]:
    return set(wheel.namelist())


def _repo_files(pattern: str) -> set[str]:
    root = Path(__file__).resolve().parent.parent
    return {
        "backup_doctor/" + p.relative_to(root).as_posix()
        for folder in FOLDERS for p in (root / folder).rglob(pattern)
        if "__pycache__" not in p.parts
    }


def test_only_backup_doctor_at_the_top(names: set[str]) -> None:
    top = {n.split("/", 1)[0] for n in names}
    dist_info = {t for t in top if t.endswith(".dist-info")}
    assert len(dist_info) == 1
    assert top - dist_info == {"backup_doctor"}
    for bare in (*FOLDERS, "tests", "scripts", "examples", "docs"):
        assert not any(n.startswith(bare + "/") for n in names), bare


def test_the_four_subpackages_are_typed_packages(names: set[str]) -> None:
    for folder in FOLDERS:
        assert f"backup_doctor/{folder}/__init__.py" in names
        assert f"backup_doctor/{folder}/py.typed" in names
    # backup_doctor itself is a namespace: no __init__.py of its own
    assert "backup_doctor/__init__.py" not in names


def test_every_module_and_data_file_is_shipped(names: set[str]) -> None:
    assert _repo_files("*.py") <= names
    shipped_yaml = _repo_files("*.yaml")
    assert {n for n in shipped_yaml if "/rules/packs/" in n}, "no built-in rule packs found"
    assert {n for n in shipped_yaml if "/rules/knowledge/" in n}, "no knowledge files found"
    assert shipped_yaml <= names
    assert "backup_doctor/facts/schema.json" in names
    assert "backup_doctor/cli/__main__.py" in names


def test_console_script_and_top_level(wheel: zipfile.ZipFile, names: set[str]) -> None:
    (entry,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "backup-doctor = backup_doctor.cli:main" in wheel.read(entry).decode()
    top_level = [n for n in names if n.endswith(".dist-info/top_level.txt")]
    for name in top_level:  # not every setuptools writes it; when it does, it must be ours only
        assert wheel.read(name).decode().split() == ["backup_doctor"]


def test_every_package_folder_is_listed_in_pyproject() -> None:
    # setuptools silently leaves out a nested package that is not listed.
    root = Path(__file__).resolve().parent.parent
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        "backup_doctor." + ".".join(init.parent.relative_to(root).parts)
        for folder in FOLDERS for init in (root / folder).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert on_disk <= listed, f"not listed in pyproject: {sorted(on_disk - listed)}"
    # Data-only folders may be listed too (so setuptools ships them quietly); each
    # listed name must still be a real folder.
    for name in listed:
        assert (root / Path(*name.split(".")[1:])).is_dir(), name
    for folder in FOLDERS:
        assert config["package-dir"][f"backup_doctor.{folder}"] == folder
