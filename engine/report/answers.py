"""What kind of answer each fact-file field takes (SPEC §4 ``questions[].answer``).

Read from the fact model itself, so a form offers exactly what the loader accepts:
a bool is yes/no, a ``Literal`` a choice, a size in GB a number of GB with the
model's bounds, a date a date. Choice labels come from the rule packs' questions
(``choices:``) and, for ``uses``, from ``rules/knowledge/uses.yaml``; a value without
a label shows as itself.
"""

from __future__ import annotations

import datetime as _dt
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ...facts.models import FactFile
from ...facts.version import Version
from .model import Answer, Choice, Lang

if typing.TYPE_CHECKING:
    from ..rulebase.load import RuleBase


def _unwrap(annotation: Any) -> Any:
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        annotation = args[0] if args else annotation
    return annotation


_Shape = tuple[str, tuple[Any, ...], float | None, float | None, bool]
"""(kind, enum values, min, max, whether min itself is refused)."""


def _bounds(field: FieldInfo, annotation: Any) -> tuple[float | None, float | None, bool]:
    """(min, max, whether min itself is refused) from the field's constraints."""
    low: float | None = None
    high: float | None = None
    above = False
    metadata = list(field.metadata)
    if get_origin(annotation) is typing.Annotated:
        for extra in get_args(annotation)[1:]:
            metadata.extend(getattr(extra, "metadata", [extra]))
    for m in metadata:
        if isinstance(m, annotated_types.Ge | annotated_types.Gt):
            low = float(m.ge if isinstance(m, annotated_types.Ge) else m.gt)  # type: ignore[arg-type]
            above = isinstance(m, annotated_types.Gt)
        elif isinstance(m, annotated_types.Le | annotated_types.Lt):
            high = float(m.le if isinstance(m, annotated_types.Le) else m.lt)  # type: ignore[arg-type]
    return low, high, above


def _shape(name: str, field: FieldInfo) -> _Shape | None:
    """(kind, enum values, min, max, whether min is refused) of one fact-file field, or None for a section."""
    annotation = _unwrap(field.annotation)
    low, high, above = _bounds(field, annotation)
    base = get_args(annotation)[0] if get_origin(annotation) is typing.Annotated else annotation
    if isinstance(base, type) and issubclass(base, BaseModel):
        return None
    if get_origin(base) is Literal:
        return "choice", get_args(base), None, None, False
    if get_origin(base) is list:
        return "choices", (), None, None, False
    if base is bool:
        return "yes_no", (), None, None, False
    if base is Version:
        return "version", (), None, None, False
    if base is _dt.date:
        return "date", (), None, None, False
    if base in (int, float):
        return ("gb" if name.endswith("_gb") else "number"), (), low, high, above
    return "text", (), None, None, False


def _walk(model: type[BaseModel], prefix: str, out: dict[str, _Shape]) -> None:
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = _unwrap(field.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _walk(annotation, path + ".", out)
            continue
        shape = _shape(name, field)
        if shape is not None:
            out[path] = shape


FIELD_SHAPES: dict[str, _Shape] = {}
_walk(FactFile, "", FIELD_SHAPES)
FIELD_SHAPES.pop("schema_version", None)
"""Every fact-file field a customer can be asked for: its answer kind, enum values and bounds."""


def answers(rb: RuleBase, lang: Lang) -> dict[str, Answer]:
    """Per fact-file field, the answer a question about it takes, labelled in *lang*."""
    out: dict[str, Answer] = {}
    for path, (kind, values, low, high, above) in FIELD_SHAPES.items():
        labels: Mapping[str, Any] = {}
        question = rb.questions.get(path)
        if question is not None:
            labels = question.choices
        choices: list[Choice] | None = None
        if kind == "choice":
            choices = [Choice(value=v, label=labels[v].get(lang) if v in labels else str(v)) for v in values]
        elif kind == "choices" and path == "uses":
            choices = [Choice(value=v, label=label.get(lang, v)) for v, label in rb.knowledge.uses.items()]
        out[path] = Answer.model_validate({"kind": kind, "choices": choices, "unit": "GB" if kind == "gb" else None,
                                           "min": low, "min_exclusive": above or None, "max": high})
    return out
