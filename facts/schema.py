"""The JSON Schema of the fact file, generated from the models.

``facts/schema.json`` is this output, checked in for tools that cannot import us;
``tests/test_schema.py`` regenerates it and fails when the two differ. Regenerate with
``backup-doctor schema > facts/schema.json``.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import DEFAULT_REF_TEMPLATE

from .models import _SECTIONS, FactFile


def fact_schema(ref_template: str = DEFAULT_REF_TEMPLATE) -> dict[str, Any]:
    """The schema; *ref_template* places the sections' definitions (the HTTP service's
    OpenAPI document keeps them under ``components``)."""
    schema = FactFile.model_json_schema(ref_template=ref_template)
    # A section written as null is unknown, like a missing one (the model's
    # _nulls_are_unknown): the schema accepts null there too.
    for name in sorted(_SECTIONS):
        prop = schema["properties"][name]
        default = prop.pop("default", None)
        schema["properties"][name] = {"anyOf": [prop, {"type": "null"}]}
        if default is not None:
            schema["properties"][name]["default"] = default
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "backup-doctor fact file"
    return schema
