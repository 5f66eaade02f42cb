"""Reading YAML safely: no Python tags, no aliases in rule packs, the line of every mapping.

Imported only when a YAML file is read: the built-in rules usually come from their
snapshot (``snapshot.py``), and importing PyYAML is a good part of a diagnosis' start-up.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import DoctorError, Problem, RulePackError
from .limits import MAX_FILE_BYTES
from .messages import Msg


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


def _refused(path: Path, error: type[DoctorError], en: str, ja: str) -> DoctorError:
    return error(Msg(en, ja), source=str(path))


def read_text(path: Path, error: type[DoctorError] = RulePackError, *, inside: Path | None = None) -> str:
    """The text of one regular file of at most :data:`~.limits.MAX_FILE_BYTES` bytes.

    Anything else is refused before a byte of it is read, and no message quotes the
    file: a FIFO or a device (which could block, or never end), a symbolic link when
    *inside* is given and the link leads out of that folder (a pack that links to
    ``/etc/shadow`` must not have its lines shown in errors), a file too large, text
    that is not UTF-8, or binary data.
    """
    # A link is followed to the file it finally names, which is then opened without
    # following links; in a pack folder (*inside*), only to a file inside the folder.
    try:
        target = path.resolve() if path.is_symlink() else path
    except (OSError, RuntimeError):  # a loop of links
        raise _refused(path, error, "cannot read file: a loop of symbolic links",
                       "ファイルを読み込めません: シンボリックリンクが循環しています") from None
    if inside is not None and target is not path:
        if not target.is_relative_to(inside.resolve()):
            raise _refused(path, error, "a symbolic link to a file outside the rule pack folder: not read",
                           "ルールパックのフォルダの外を指すシンボリックリンクです。読み込みません")
    try:
        if not stat.S_ISREG(os.stat(target).st_mode):
            raise _refused(path, error, "not a regular file (a FIFO, a device or a folder): not read",
                           "通常のファイルではありません（FIFO・デバイス・フォルダ）。読み込みません")
        # O_NOFOLLOW: the file checked above cannot be swapped for a link meanwhile;
        # O_NONBLOCK: nor for a FIFO that would block the open.
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise _refused(path, error, "not a regular file (a FIFO, a device or a folder): not read",
                               "通常のファイルではありません（FIFO・デバイス・フォルダ）。読み込みません")
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise _refused(path, error, f"cannot read file: {reason}", f"ファイルを読み込めません: {reason}") from None
    if len(data) > MAX_FILE_BYTES:
        raise _refused(path, error, f"larger than {MAX_FILE_BYTES:,} bytes (the limit for one rule file)",
                       f"{MAX_FILE_BYTES:,} バイトを超えています（ルールファイル 1 つの上限）")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _refused(path, error, "not UTF-8 text", "UTF-8 のテキストではありません") from None
    if _BINARY.search(text):
        raise _refused(path, error, "binary data, not a text file", "テキストではなくバイナリのデータです")
    return text


# Control characters YAML refuses anyway (its errors would quote them): a file that has
# them is not text, and its content is not shown.
_BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_yaml(path: Path, error: type[DoctorError] = RulePackError, *, inside: Path | None = None) -> Any:
    """Read one YAML file safely (no Python tags), keeping the line of every mapping.

    The file is read by :func:`read_text` (a regular file, bounded, text). Mappings
    come back as dicts with a ``line`` attribute and a ``key_lines`` dict.
    """
    text = read_text(path, error, inside=inside)
    try:
        loader = _AliasCheckingLoader if "*" in text else _LineLoader
        return yaml.load(text, Loader=loader)  # noqa: S506 - SafeLoader subclasses, no Python tags
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        head = "YAML that rule packs do not accept" if isinstance(exc, _AliasRefused) else "not valid YAML"
        raise error(head, [Problem(where, str(problem))], source=str(path)) from None
    except (ValueError, RecursionError):
        # PyYAML's constructors: an integer of more than 4,300 digits, an impossible
        # date (2026-13-45), lists nested thousands deep.
        raise _refused(path, error, "holds a value that cannot be read (a number of thousands of digits, an "
                       "impossible date, or lists nested too deeply)",
                       "読み込めない値があります（数千桁の数、存在しない日付、深すぎる入れ子）") from None


def load_plain(text: str) -> Any:
    """A YAML text as data, with the same safe loader (no lines kept)."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader, no Python tags
