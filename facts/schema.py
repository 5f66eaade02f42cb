"""The JSON Schema of the fact file, generated from the models.

``facts/schema.json`` is this output, checked in for tools that cannot import us;
``tests/test_schema.py`` regenerates it and fails when the two differ. Regenerate with
``backup-doctor schema > facts/schema.json``.
"""

from __future__ import annotations

from typing import Any

from .models import _SECTIONS, FactFile


def fact_schema() -> dict[str, Any]:
    schema = FactFile.model_json_schema()
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
