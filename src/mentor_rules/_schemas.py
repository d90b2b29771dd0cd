"""JSON Schemas of the documents mentor-rules reads from rule packs, written by hand to match
``_RuleSpec`` in ``_ruleset.py`` and ``_Manifest`` in ``_packs.py`` (a test keeps the field
names in step). Conditions and templates are strings here: their language is checked when the
rules load, not by the schema."""

from __future__ import annotations

from typing import Any

from ._model import GoalScope
from ._schema import ABOUT, Kind

__all__ = ["rules_schema"]

_SOURCE: dict[str, Any] = {
    "type": "object",
    "required": ["section", "paragraph"],
    "additionalProperties": False,
    "properties": {
        "section": {"type": "string", "minLength": 1},
        "paragraph": {"type": "integer", "minimum": 1},
    },
}

_STEP: dict[str, Any] = {
    "oneOf": [
        {"type": "integer", "minimum": 1, "maximum": 1000},
        {
            "type": "object",
            "required": ["order"],
            "additionalProperties": False,
            "properties": {
                "order": {"type": "integer", "minimum": 1, "maximum": 1000},
                "group": {"enum": ["each", "best", "all"]},
                "text": {"type": "string"},
                "item": {"type": "string"},
            },
        },
    ]
}

RULE_FILE: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "mentor-rules rule file (one rule; TOML, named <id>.toml)",
    "type": "object",
    "required": ["id", "title", "about", "kind", "when", "message", "because", "source"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"},
        "title": {"type": "string", "minLength": 1},
        "about": {"enum": list(ABOUT)},
        "kind": {"enum": [k.value for k in Kind]},
        "when": {"type": "string", "description": "a condition; see docs/conditions.md"},
        "unless": {"type": "string", "description": "a condition that holds the advice back"},
        "message": {"type": "string", "description": "a template with {root.field} slots"},
        "because": {"type": "string", "minLength": 1},
        "source": _SOURCE,
        "see_also": {"type": "array", "items": _SOURCE},
        "weight": {"type": "integer", "minimum": -100, "maximum": 100},
        "step": _STEP,
        "fits": {"enum": [s.value for s in GoalScope]},
        "words": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
        "examples": {
            "type": "array",
            "description": "check needs one that fires and one that does not",
            "items": {
                "type": "object",
                "required": ["description", "situation", "fires_for"],
                "additionalProperties": False,
                "properties": {
                    "description": {"type": "string"},
                    "situation": {"type": "object", "description": "see docs/input.md"},
                    "fires_for": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}

MANIFEST: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "mentor-rules pack manifest (pack.toml)",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z][a-z0-9]*([-_][a-z0-9]+)*$"},
        "version": {"type": "string"},
        "description": {"type": "string"},
        "extends": {
            "type": "array",
            "items": {"type": "string"},
            "description": '"shipped", or paths of packs relative to this one',
        },
        "disable": {"type": "array", "items": {"type": "string"}},
        "parameters": {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
            "additionalProperties": {
                "type": "object",
                "required": ["default"],
                "additionalProperties": False,
                "properties": {
                    "type": {
                        "enum": ["int", "number"],
                        "description": "needed by a new parameter; an inherited one keeps its own",
                    },
                    "default": {"type": "number"},
                    "description": {"type": "string"},
                },
            },
        },
    },
}


def rules_schema() -> dict[str, Any]:
    """What ``mentor-rules schema rules`` prints: both schemas, by the file they describe."""
    return {"rule file": RULE_FILE, "pack.toml": MANIFEST}
