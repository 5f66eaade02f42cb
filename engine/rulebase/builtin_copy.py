"""A JSON copy of the built-in YAML files (the core rule pack and the knowledge), for start-up.

Reading YAML with the line of every mapping kept (for error messages), and importing
PyYAML at all, took a fifth of a one-file diagnosis from the command line. The copy,
``rules/built-in.json``, holds each built-in file's data (for a pack file, also the
lines of its rules and definitions) beside the SHA-256 of the text it was made from.
A file's copy is used only while the file still has that very text: an edited YAML
file is read as YAML until the copy is written again with
``python scripts/regen_snapshot.py`` (``tests/test_snapshot.py`` fails meanwhile).
The copy is JSON, so reading it runs no code, as with the YAML it stands for.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

SNAPSHOT = "built-in.json"
"""The copy's file name, in the ``rules`` folder of the package."""


def rules_root() -> Path:
    return Path(str(resources.files("backup_doctor.rules")))


def copy_of(path: Path) -> dict[str, Any] | None:
    """The copy of built-in file *path* (``data``, and ``lines`` for a pack file), if the
    file has the text the copy was made from; ``None`` for any other file."""
    files = _copies(rules_root())
    if not files:
        return None
    try:
        entry = files.get(path.resolve().relative_to(_resolved(rules_root())).as_posix())
    except ValueError:
        return None  # not a built-in file: a custom pack
    if not isinstance(entry, dict) or "data" not in entry:
        return None  # not a copy this code wrote: read the YAML
    try:
        text = path.read_bytes()
    except OSError:
        return None
    copy: dict[str, Any] = entry
    return copy if copy.get("sha256") == hashlib.sha256(text).hexdigest() else None


@cache
def _copies(root: Path) -> dict[str, Any]:
    try:
        files = json.loads((root / SNAPSHOT).read_bytes())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        files = None
    # No copy, or not one this code wrote: every file is read as YAML.
    return files if isinstance(files, dict) else {}


@cache
def _resolved(root: Path) -> Path:
    return root.resolve()


def build(root: Path) -> dict[str, Any]:
    """The copy of the built-in files below *root* (a ``rules`` folder) as they are now."""
    from .packfile import read_pack_data
    from .yamlfile import load_plain

    files: dict[str, Any] = {}
    for path in sorted([*root.glob("packs/*/*.yaml"), *root.glob("packs/*/*.yml")]):
        _, lines, data = read_pack_data(path)
        files[_key(root, path)] = {"sha256": _digest(path), "data": _plain(data, path), "lines": lines}
    for path in sorted(root.glob("knowledge/*.yaml")):
        data = load_plain(path.read_text("utf-8"))
        files[_key(root, path)] = {"sha256": _digest(path), "data": _plain(data, path)}
    return {
        "about": "A copy of the built-in YAML files, read at start-up instead of them while each file "
                 "has the SHA-256 given here. Written by scripts/regen_snapshot.py: do not edit.",
        "files": files,
    }


def _key(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _plain(data: Any, path: Path) -> Any:
    # JSON must carry the data exactly: a YAML date, or a key that is not text, would
    # come back changed, so such a file cannot have a copy.
    try:
        copy = json.loads(json.dumps(data, ensure_ascii=False))
    except (TypeError, ValueError):
        copy = None
    if copy != data:
        raise ValueError(f"{path}: holds a value JSON cannot carry unchanged (a date, or a key that is not "
                         "text): write it as a quoted string")
    return copy
