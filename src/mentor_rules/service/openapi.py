"""The OpenAPI 3.1 document of ``mentor-rules serve`` (``GET /openapi.json``), whose request and
response schemas are the published JSON Schemas (``mentor-rules schema NAME``, docs/schema/).

OpenAPI 3.1 schemas are JSON Schema 2020-12, so each published schema goes in as it is, but for
where its ``$defs`` live: they are lifted into ``components/schemas`` under the schema's name
(``situation.candidate``), and every ``$ref`` pointed there.
"""

from __future__ import annotations

from typing import Any

from .._version import VERSION
from ..io.schemas import SCHEMAS

__all__ = ["COMPONENTS", "openapi"]

#: The published schemas the API reads or answers, by their names in ``mentor-rules schema``.
COMPONENTS = (
    "situation",
    "advice",
    "explain-request",
    "explanation",
    "error",
    "rules-in-force",
    "health",
    "programme",
    "programme-result",
)


def _pointed(node: Any, prefix: str) -> Any:
    """``node`` with each ``#/$defs/NAME`` reference made ``#/components/schemas/PREFIX.NAME``."""
    if isinstance(node, dict):
        return {
            key: (
                f"#/components/schemas/{prefix}.{value.removeprefix('#/$defs/')}"
                if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/")
                else _pointed(value, prefix)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_pointed(item, prefix) for item in node]
    return node


def _components() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for name in COMPONENTS:
        schema = SCHEMAS[name]()
        for def_name, made in schema.get("$defs", {}).items():
            schemas[f"{name}.{def_name}"] = _pointed(made, name)
        schemas[name] = _pointed(
            {k: v for k, v in schema.items() if k not in ("$schema", "$defs")}, name
        )
    return schemas


def _json(name: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


_ERRORS = {
    "400": _json("error", "the body is not JSON (or not UTF-8 text)"),
    "413": _json("error", "the body is larger than the limit max_document_bytes"),
    "422": _json("error", "JSON that is not a valid request: each problem with its JSON path"),
    "503": _json(
        "error",
        "no answer within the time bound (the evaluation was stopped), or the server is busy; "
        "try again after Retry-After seconds",
    ),
}


def openapi() -> dict[str, Any]:
    """The OpenAPI document."""
    html = {"text/html": {"schema": {"type": "string"}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "mentor-rules",
            "version": VERSION,
            "description": "Career-mentoring advice from a declarative rule set, with reasons "
            "(docs/serve.md). Every error answer is an error document.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": {
            "/v1/advise": {
                "post": {
                    "operationId": "advise",
                    "summary": "The advice on a situation",
                    "requestBody": {
                        "required": True,
                        **_json("situation", "a situation (docs/input.md)"),
                    },
                    "responses": {"200": _json("advice", "the advice (docs/output.md)"), **_ERRORS},
                }
            },
            "/v1/explain": {
                "post": {
                    "operationId": "explain",
                    "summary": "Why a candidate is not better placed, and what would change it",
                    "requestBody": {
                        "required": True,
                        **_json("explain-request", "a situation and a candidate's name"),
                    },
                    "responses": {
                        "200": _json("explanation", "the explanation (docs/explanations.md)"),
                        **_ERRORS,
                    },
                }
            },
            "/v1/match": {
                "post": {
                    "operationId": "match",
                    "summary": "Programme matching: a cohort of mentees matched to mentors",
                    "requestBody": {
                        "required": True,
                        **_json("programme", "a programme (docs/programme.md)"),
                    },
                    "responses": {
                        "200": _json("programme-result", "the matching, as match --json"),
                        **_ERRORS,
                    },
                }
            },
            "/v1/schema/{name}": {
                "get": {
                    "operationId": "schema",
                    "summary": "A published JSON Schema, as mentor-rules schema NAME prints it",
                    "parameters": [
                        {
                            "name": "name",
                            "in": "path",
                            "required": True,
                            "schema": {"enum": list(SCHEMAS)},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "the schema (JSON Schema draft 2020-12)",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "404": _json("error", "no schema of that name"),
                    },
                }
            },
            "/v1/rules": {
                "get": {
                    "operationId": "rules",
                    "summary": "The rule set in force: packs, versions, parameters, disabled",
                    "responses": {"200": _json("rules-in-force", "the rule set in force")},
                }
            },
            "/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Whether the server can advise",
                    "responses": {
                        "200": _json("health", "at least one worker process is running"),
                        "503": _json("health", "no worker process is running"),
                    },
                }
            },
            "/": {
                "get": {
                    "operationId": "page",
                    "summary": "The page: a form to describe a situation",
                    "responses": {"200": {"description": "the page", "content": html}},
                },
                "post": {
                    "operationId": "pageReport",
                    "summary": "The page with the report on the situation the form describes",
                    "requestBody": {
                        "content": {
                            "application/x-www-form-urlencoded": {"schema": {"type": "object"}}
                        }
                    },
                    "responses": {
                        "200": {"description": "the page with the report", "content": html},
                        "413": {"description": "the form is too large", "content": html},
                        "422": {"description": "the page saying what to fix", "content": html},
                        "503": {"description": "the page saying to try again", "content": html},
                    },
                },
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": {"description": "the OpenAPI document"}},
                }
            },
        },
        "components": {"schemas": _components()},
    }
