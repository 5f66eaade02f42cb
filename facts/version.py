"""iOS version numbers that compare as versions, not as text or floats."""

from __future__ import annotations

import re
from functools import lru_cache, total_ordering
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

_VERSION_RE = re.compile(r"^\s*(\d{1,3})(?:\.(\d{1,3}))?(?:\.(\d{1,3}))?\s*$")

ACCEPTED = 'a dotted version string such as "16.7.2", "17" or "18.1"'


@total_ordering
class Version:
    """A dotted iOS version: ``Version("16.10") > Version("16.9")``.

    Missing parts count as zero, so ``"17"`` equals ``"17.0.0"``. Each part has at
    most three digits, which keeps :attr:`code` an exact integer for the engine.
    """

    __slots__ = ("parts", "text")

    def __init__(self, text: str) -> None:
        match = _VERSION_RE.match(text)
        if match is None:
            raise ValueError(f"{text!r} is not a version; expected {ACCEPTED}")
        major, minor, patch = match.groups()
        self.text = text.strip()
        self.parts: tuple[int, int, int] = (int(major), int(minor or 0), int(patch or 0))

    @property
    def major(self) -> int:
        return self.parts[0]

    @property
    def code(self) -> int:
        """An integer that orders like the version (``16.10.1`` → 16_010_001)."""
        major, minor, patch = self.parts
        return major * 1_000_000 + minor * 1_000 + patch

    @classmethod
    def from_code(cls, code: int) -> Version:
        major, rest = divmod(code, 1_000_000)
        minor, patch = divmod(rest, 1_000)
        text = f"{major}.{minor}" + (f".{patch}" if patch else "")
        return cls(text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self.parts == other.parts

    def __lt__(self, other: Version) -> bool:
        return self.parts < other.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Version({self.text!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate_version,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # What _validate_version accepts: a dotted text, or a bare major version as a
        # whole number (17); never a float, which would lose trailing zeros.
        return {"anyOf": [{"type": "string", "pattern": _VERSION_RE.pattern},
                          {"type": "integer", "minimum": 0, "maximum": 999}],
                "examples": ["16.7.2", "18.1", 17]}


def _validate_version(value: Any) -> Version:
    if isinstance(value, Version):
        return value
    # A bare integer ("ios": 17, or 17.0 as JSON may write a whole number) is
    # unambiguous; any other float is not (16.10 would read as 16.1).
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1000:
        return Version(str(value))
    if isinstance(value, str):
        try:
            return _version_of_text(value)
        except ValueError:
            # Not in the message: pydantic cannot render a lone surrogate in one.
            raise PydanticCustomError("version", "is not a version") from None
    raise PydanticCustomError("version_type", "must be a string like \"16.7.2\" (got {kind})",
                              {"kind": type(value).__name__})


@lru_cache(maxsize=512)
def _version_of_text(text: str) -> Version:
    # Fact files repeat a few dozen version texts, and a Version never changes once made
    # (it is hashable), so validation shares one per text instead of parsing each again.
    return Version(text)
