"""What ``/openapi.json`` says beyond FastAPI's defaults: request bodies and their examples.

The endpoints read their body themselves (so the size limit and the engine's own JSON
checks apply before anything is parsed), so FastAPI cannot see the body's model: each
route declares it here, with the fact file's schema and one example per file of
``examples/facts/`` (shipped as ``examples.json``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

from ...facts.models import FactFile
from ...facts.schema import fact_schema
from .problems import CODES, PROBLEM_JSON
from .ready import examples

REF = "#/components/schemas/{model}"


class ProblemDetail(BaseModel):
    """One thing wrong with the input, at one place."""

    location: str
    message: str
    accepted: str | None = None
    suggestion: str | None = None


class Problem(BaseModel):
    """An error (RFC 9457 problem details); branch on ``code``."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "type": "urn:backup-doctor:problem:invalid_facts", "title": "The fact file is not valid", "status": 422,
        "detail": "1 problem in the fact file", "code": "invalid_facts",
        "problems": [{"location": "account.plan_gb", "message": "-5 is out of range", "accepted": "a value >= 0",
                      "suggestion": None}]}]})

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description="One of: " + ", ".join(CODES))
    problems: list[ProblemDetail]
    omitted: int | None = Field(None, description="Present when more problems were found than listed "
                                                  "(a fact file's first 100 are listed).")


class Note(BaseModel):
    markdown: str
    html: str = Field(description="Every text from the ticket is HTML-escaped.")
    text: str


class Valid(BaseModel):
    valid: bool


class BatchItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=200)
    facts: dict[str, Any] = Field(description="A fact file (FactFile).")


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[BatchItem] = Field(max_length=100)


class BatchResult(BaseModel):
    id: str
    report: dict[str, Any] | None = Field(None, description="The report (Report), when the item was diagnosed.")
    error: Problem | None = Field(None, description="Why the item was not diagnosed.")


class BatchResponse(BaseModel):
    results: list[BatchResult]


def errors(*codes: str) -> dict[int | str, dict[str, Any]]:
    """The problem responses a route can give (every route can also be refused 401/413/503)."""
    wanted = set(codes) | {"unauthorized", "too_large", "not_ready", "engine_error"}
    by_status: dict[int, list[str]] = {}
    for code in CODES:
        if code in wanted:
            by_status.setdefault(CODES[code][0], []).append(code)
    return {status: {"description": "codes: " + ", ".join(names),
                     "content": {PROBLEM_JSON: {"schema": {"$ref": REF.format(model="Problem")}}}}
            for status, names in sorted(by_status.items())}


def _examples(values: dict[str, Any]) -> dict[str, Any]:
    return {name: {"summary": f"examples/facts/{name}.json", "value": value} for name, value in values.items()}


def fact_body() -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": REF.format(model="FactFile")}, "examples": _examples(examples())}}}}


def batch_body() -> dict[str, Any]:
    items = [{"id": f"HD-{n}", "facts": facts} for n, facts in enumerate(examples().values(), 1)]
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": REF.format(model="BatchRequest")},
        "examples": {"examples": {"summary": "every file of examples/facts/", "value": {"items": items}}}}}}}


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` add the models that only the request bodies refer to."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (FactFile, BatchRequest, Problem):
            # The fact file's schema is the one `backup-doctor schema` prints (a section
            # may be null), not the model's bare one.
            found = fact_schema(REF) if model is FactFile else model.model_json_schema(ref_template=REF)
            found.pop("$schema", None)
            components.update(found.pop("$defs", {}))
            components[model.__name__] = found
        # FastAPI documents its own 422 for every route with parameters; ours is
        # the problem JSON above (a bad parameter is 400 bad_parameter).
        for path in schema["paths"].values():
            for operation in path.values():
                response = operation.get("responses", {}).get("422")
                if response and "HTTPValidationError" in str(response):
                    del operation["responses"]["422"]
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
