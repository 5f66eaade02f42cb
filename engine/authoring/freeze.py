"""Write the built-in copy (``rules/built-in.json``): the JSON that start-up reads instead
of the built-in YAML while each file keeps the text it was made from.

The reader is ``engine/rulebase/builtin_copy.py``; only ``scripts/regen_builtin_copy.py``
and the tests write a copy, so the writer lives with the authoring tools and the reader
imports no pack code.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..rulebase.packfile import read_pack_data
from ..rulebase.yamlfile import load_plain


def build_builtin_copy(root: Path) -> dict[str, Any]:
    """The copy of the built-in files below *root* (a ``rules`` folder) as they are now."""
    files: dict[str, Any] = {}
    for path in sorted([*root.glob("packs/*/*.yaml"), *root.glob("packs/*/*.yml")]):
        _, lines, data = read_pack_data(path)
        files[_key(root, path)] = {"sha256": _digest(path), "data": _plain(data, path), "lines": lines}
    for path in sorted(root.glob("knowledge/*.yaml")):
        data = load_plain(path.read_text("utf-8"))
        files[_key(root, path)] = {"sha256": _digest(path), "data": _plain(data, path)}
    return {
        "about": "A copy of the built-in YAML files, read at start-up instead of them while each file "
                 "has the SHA-256 given here. Written by scripts/regen_builtin_copy.py: do not edit.",
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
