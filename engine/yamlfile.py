"""Reading YAML safely: no Python tags, no aliases in rule packs, the line of every mapping.

Imported only when a YAML file is read: the built-in rules usually come from their
snapshot (``snapshot.py``), and importing PyYAML is a good part of a diagnosis' start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import DoctorError, Problem, RulePackError


class _LineDict(dict[str, Any]):
    line = 0
    key_lines: dict[Any, int] = {}


# libyaml's parser (CSafeLoader) when PyYAML has it, as its wheels do: the pure-Python
# parser is about ten times slower, and custom packs (and built-in files whose JSON copy
# is stale) are read at every start. Both are safe loaders: no Python tags.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _AliasRefused(yaml.constructor.ConstructorError):
    pass


class _LineLoader(SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that remembers the line of every mapping, for error messages."""


class _AliasCheckingLoader(_LineLoader):
    """A :class:`_LineLoader` that refuses aliases, for a text with a ``*`` in it.

    An alias (``*name``) repeats a value anchored elsewhere (``&name``) without
    copying it, so nine lines of aliases to aliases make a value of hundreds of
    millions of items, and anything that walks it (an error message, a JSON dump)
    runs out of memory. Rule packs never need them: every value is written out.
    The check costs a Python call per value, so a text without a ``*`` (which can
    hold no alias) is read without it.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            # The composer hands an alias back as the very node it names.
            raise _AliasRefused(None, None, "anchors and aliases (&name, *name, <<: *name) are not accepted in "
                                "rule packs: write the value out where it is used", node.start_mark)
        return super().construct_object(node, deep=deep)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    out = _LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path, error: type[DoctorError] = RulePackError) -> Any:
    """Read one YAML file safely (no Python tags), keeping the line of every mapping.

    Mappings come back as dicts with a ``line`` attribute and a ``key_lines`` dict.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read file: {exc}", source=str(path)) from None
    try:
        loader = _AliasCheckingLoader if "*" in text else _LineLoader
        return yaml.load(text, Loader=loader)  # noqa: S506 - SafeLoader subclasses, no Python tags
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        head = "YAML that rule packs do not accept" if isinstance(exc, _AliasRefused) else "not valid YAML"
        raise error(head, [Problem(where, str(problem))], source=str(path)) from None


def load_plain(text: str) -> Any:
    """A YAML text as data, with the same safe loader (no lines kept)."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader, no Python tags
