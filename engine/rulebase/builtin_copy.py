"""A JSON copy of the built-in YAML files (the core rule pack and the knowledge), for start-up.

Reading YAML with the line of every mapping kept (for error messages), and importing
PyYAML at all, took a fifth of a one-file diagnosis from the command line. The copy,
``rules/built-in.json``, holds each built-in file's data (for a pack file, also the
lines of its rules and definitions) beside the SHA-256 of the text it was made from.
A file's copy is used only while the file still has that very text: an edited YAML
file is read as YAML until the copy is written again with
``python scripts/regen_builtin_copy.py`` (``tests/test_builtin_copy.py`` fails meanwhile;
the writer is ``engine/authoring/freeze.py``).
The copy is JSON, so reading it runs no code, as with the YAML it stands for.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

BUILTIN_COPY = "built-in.json"
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
        files = json.loads((root / BUILTIN_COPY).read_bytes())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        files = None
    # No copy, or not one this code wrote: every file is read as YAML.
    return files if isinstance(files, dict) else {}


@cache
def _resolved(root: Path) -> Path:
    return root.resolve()
