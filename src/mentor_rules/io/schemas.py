"""JSON Schemas (draft 2020-12) of the documents mentor-rules reads and writes, for programs in
other languages; ``mentor-rules schema NAME`` prints them and ``docs/schema/`` holds them.

- The rule file and the pack manifest are written by hand to match ``_RuleSpec`` in
  ``_ruleset.py`` and ``_Manifest`` in ``_packs.py`` (a test keeps the field names in step).
  Conditions and templates are strings here: their language is checked when the rules load.
- The situation and the advice are generated from the attrs classes the converter reads them
  into (``_model.py``, ``_output.py``): their fields, types, defaults and enums, the model's
  validators (not blank, ranges, unique roles) and the default :class:`Limits` (as
  ``maxItems`` and ``maxLength``). Only the descriptions of the fields are written here.
  A validator this module does not know is an error, so a new one cannot go unnoticed.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import attrs

from ..advice.explain import Change, ChangeSet, Explanation, Unmet, Unreached, WhyNot
from ..model.documents import converter
from ..model.limits import DEFAULT_BOUND, MAX_BOUND, Limits
from ..model.output import (
    Advice,
    CandidateVerdict,
    Evidence,
    PackRef,
    Provenance,
    Recommendation,
    RuleSetInfo,
    Step,
    Suppressed,
    Verdict,
)
from ..model.situation import (
    Candidate,
    Goal,
    GoalScope,
    Mentee,
    PastMentor,
    Situation,
    _Between,
    _optional_text,
    _text,
    _texts,
    _unique_names,
    _unique_roles,
)
from ..model.text import ShortForm, TextMatch
from ..model.vocabulary import ABOUT, Kind, Source, Stage
from ..programme.document import Blocked, Existing, PairFacts, Person, Settings

__all__ = [
    "SCHEMAS",
    "advice_schema",
    "describe",
    "error_schema",
    "explain_output_schema",
    "explain_request_schema",
    "explanation_schema",
    "health_schema",
    "programme_result_schema",
    "programme_schema",
    "rules_in_force_schema",
    "rules_schema",
    "situation_schema",
]

_DRAFT = "https://json-schema.org/draft/2020-12/schema"

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
    "$schema": _DRAFT,
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
        "stage": {
            "enum": [s.value for s in Stage],
            "description": "the stage of the candidate's journey the rule puts them at",
        },
        "words": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
        "examples": {
            "type": "array",
            "description": "check needs one that fires and one that does not",
            "items": {
                "type": "object",
                "required": ["description", "situation", "fires_for"],
                "additionalProperties": False,
                "properties": {
                    "id": {
                        "type": "string",
                        "description": "a name a pack may replace the example by",
                    },
                    "description": {"type": "string"},
                    "situation": {"type": "object", "description": "see docs/input.md"},
                    "fires_for": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}

MANIFEST: dict[str, Any] = {
    "$schema": _DRAFT,
    "title": "mentor-rules pack manifest (pack.toml)",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z][a-z0-9]*([-_][a-z0-9]+)*$"},
        "version": {"type": "string"},
        "description": {"type": "string"},
        "extends": {
            "type": ["array", "string"],
            "items": {"type": "string"},
            "description": '"shipped", or paths of packs relative to this one; one may be '
            "given as a string",
        },
        "disable": {"type": "array", "items": {"type": "string"}},
        "short_forms": {
            "type": "object",
            "description": "recognised short forms of industries and jobs: short form = long "
            "form; one the packs extended already know is replaced",
            "additionalProperties": {"type": "string", "minLength": 1},
        },
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
        "examples": {
            "type": "array",
            "description": "examples of inherited rules replaced, each by its number or id: "
            "judged under this pack's parameter values",
            "items": {
                "type": "object",
                "required": ["rule", "replaces", "description", "situation", "fires_for"],
                "additionalProperties": False,
                "properties": {
                    "rule": {"type": "string"},
                    "replaces": {
                        "type": ["integer", "string"],
                        "minimum": 1,
                        "description": "the example's number (1 for the first) or its id",
                    },
                    "id": {"type": "string"},
                    "description": {"type": "string"},
                    "situation": {"type": "object", "description": "see docs/input.md"},
                    "fires_for": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


def rules_schema() -> dict[str, Any]:
    """What ``mentor-rules schema rules`` prints: both schemas, by the file they describe."""
    return {"rule file": RULE_FILE, "pack.toml": MANIFEST}


# --------------------------------------------------------------------------- situation, advice

#: What each field of the situation and of the advice means, by class (from docs/input.md and
#: docs/output.md). Every field needs one: a field without is an error when a schema is made.
_DESCRIPTIONS: dict[type, dict[str, str]] = {
    Person: {
        "id": "the person's id, unique; mentees and mentors are named by it",
        "reports_to": "the id of their manager (none at the top of the chart)",
        "level": "their level, higher is more senior: decides the relation where no line of "
        "management joins two people of one organisation",
        "organisation": "their organisation: people of different ones are outside each other",
    },
    PairFacts: {
        "mentee": "the mentee's id",
        "mentor": "the mentor's id",
        "chemistry": "how well they get on, as far as the mentee can tell",
        "conversations": "how many times they have talked",
        "relation": "the relation, only where the chart cannot decide it (one the chart "
        "contradicts is an error)",
    },
    Blocked: {
        "mentee": "the mentee's id",
        "mentor": "the mentor's id",
        "reason": "why (a failed match)",
    },
    Existing: {"mentee": "the mentee's id", "mentor": "the mentor's id"},
    Settings: {
        "objective": "fit: most total fit; participation: most mentees matched, then fit; "
        "fair: most mentees matched, then the best worst pair, then fit; "
        "stable: mentee-proposing deferred acceptance",
        "lowest_verdict": "the lowest verdict a matched pair may have (avoid never is)",
        "exclude_relations": "relations never matched",
    },
    Situation: {
        "mentee": "the person looking for a mentor",
        "candidates": "the people the mentee might ask; names unique, ignoring case and runs "
        "of white space",
    },
    Mentee: {
        "name": "shown in the report's heading",
        "months_at_company": "how long the mentee has been at the company; null: unknown",
        "wants_to_innovate": "the mentee wants to try something new at the company",
        "hired_for_fresh_perspective": "the mentee was hired to bring a fresh perspective",
        "career_move": "what the mentee is doing with their career right now",
        "industry": "the industry the mentee works in now; null: unknown",
        "target_industry": "the industry the mentee is moving into, if another one",
        "job": "the mentee's job now; null: unknown",
        "target_job": "the job the mentee is after, if another one",
        "goals": "what the mentee wants from a mentor",
        "ideas": "ideas the mentee wants to push",
        "support_roles": "the coaching-team roles the mentee already has someone for; each at "
        "most once",
        "past_mentors": "earlier mentoring relationships",
    },
    Goal: {
        "kind": "what the mentee wants: questions answered, advice or networking",
        "scope": "where the help is needed",
        "detail": "in the mentee's words; may be empty or blank",
    },
    PastMentor: {
        "setting": "where the relationship took place",
        "worked": "what worked with this mentor",
        "did_not_work": "what did not work with this mentor",
    },
    Candidate: {
        "name": "unique among the candidates, ignoring case and runs of white space",
        "relation": "how the candidate stands to the mentee",
        "years_at_company": "years at the company; integers and decimals; null: unknown",
        "years_in_industry": "years in their industry; null: unknown",
        "knows_culture": "whether they know the company's culture; null: unknown",
        "chemistry": "how well the mentee and the candidate get on",
        "conversations": "how many conversations the mentee has had with them",
        "willing": "whether they are willing to mentor",
        "traits": "what the candidate is like, compared with what worked with past mentors",
        "industry": "the industry their years_in_industry were spent in; null: unknown",
        "jobs": "jobs the candidate has held (empty: not known)",
    },
    Advice: {
        "recommendations": "every piece of advice, in the order advice lists them",
        "candidates": "one verdict per candidate of the situation, best ranked first",
        "next_steps": "the plan, in the order to take its steps",
        "suppressed": "advice a rule would have given, held back by its unless",
        "rule_set": "the rule set that gave the advice; empty in documents written before it",
        "produced_by": "the library, its version and the engine that produced the advice; "
        "null or absent in documents written before it",
    },
    Recommendation: {
        "rule": "the id of the rule that gave it",
        "kind": "what the advice is",
        "about": "the kind of subject it is about",
        "subject": "whom it is about: mentee, a candidate's name, a role (network_connector) "
        "or past mentor N (setting)",
        "message": "the advice, filled in for its subject",
        "because": "the rule's reason, from the article",
        "evidence": "the input values that made the rule apply",
        "source": "the section and paragraph of the article it comes from",
        "see_also": "further paragraphs of the article",
    },
    Evidence: {
        "path": "where the value is in the situation document: candidates[2].relation",
        "value": "the value there, as in the situation document (any JSON value)",
        "matched": "for a candidate's industry or job that matched the mentee's: how the two "
        "texts matched; null for every other value",
    },
    TextMatch: {
        "how": "same: the same letters and digits, ignoring case, spaces, hyphens and "
        "punctuation; short_form: the same once each recognised short form is read as its "
        "long form",
        "text": "the candidate's text, as written",
        "other": "the mentee's text, as written",
        "short_forms": "the short forms read as their long forms (empty for same)",
    },
    ShortForm: {
        "short": "the short form, as the table writes it",
        "long": "its long form",
    },
    Source: {
        "section": "the article's section",
        "paragraph": "the paragraph in that section, from 1",
    },
    CandidateVerdict: {
        "name": "the candidate's name, as spelled in the situation",
        "verdict": "what to do about the candidate",
        "score": "the sum of the weights of the rules that applied to them",
        "rules": "the ids of the rules that applied to them, sorted",
        "fits_goals": "the indices in mentee.goals of the goals this candidate fits",
        "stage": "where the candidate stands on the way to a mentor; the verdict follows from it",
        "stage_rule": "the id of the rule that set the stage (its message says why), or null",
    },
    Suppressed: {
        "rule": "the id of the rule held back",
        "subject": "whom it would have been about",
        "by": "the rules whose conclusions made the unless hold",
    },
    Step: {
        "rule": "the id of the rule that gave the step",
        "subject": "whom the step is about",
        "text": "what to do",
        "others": "further subjects the step speaks for, in order",
    },
    RuleSetInfo: {
        "packs": "the packs composed, in order",
        "disabled": "the ids of the rules disabled",
        "parameters": "the value of every parameter in force",
    },
    PackRef: {
        "name": "the pack's name",
        "version": "its version; empty for a pack without a manifest",
    },
    Explanation: {
        "candidate": "the candidate explained, as named in the situation",
        "verdict": "the candidate's verdict now",
        "targets": "the verdicts explained (by default the next better one and ready_to_ask)",
        "why_not": "each rule that would have given a target and did not, or that holds the "
        "candidate back",
        "what_would_change": "sets of changes that would give a target, smallest first",
        "bound": "the most changes a set may hold",
        "stage": "where the candidate stands on the way to a mentor",
        "stage_rule": "the id of the rule that set the stage, or null",
        "reason": "that rule's message for this candidate; empty where no rule set the stage",
        "unreached": "for each target no set within the bound reaches: why",
        "evaluations": "how many changed situations the search advised",
    },
    Unreached: {
        "target": "the verdict no change set reaches",
        "why": "no_goals: nothing searched, decide what you want first; ruled_out or "
        "not_a_fit: no allowed change lifts the stage; out_of_reach: nothing within the bound; "
        "not_searched: the budget given ran out",
        "rules": "the rules that hold the candidate back (the one that set the stage)",
    },
    WhyNot: {
        "rule": "the rule's id",
        "title": "the rule's title",
        "gives": "the verdict the rule gives",
        "blocks": "true for a rule that fired and set the stage at ruled out or not a fit",
        "unmet": "its conditions that failed (for a blocking rule: the values that made it fire)",
        "alternatives": "for a condition with or: the failing conditions of each alternative",
        "vetoed_by": "the rules whose conclusions held it back where its own condition held",
    },
    Unmet: {
        "path": "where the value is in the situation document: candidates[2].chemistry",
        "value": "the value there (any JSON value)",
        "text": "in plain words, what it is and what was needed",
    },
    ChangeSet: {
        "reaches": "the verdict the changes give (or a better one)",
        "changes": "the changes, all to be made",
    },
    Change: {
        "path": "where in the situation document the value changes",
        "value": "the new value (any JSON value)",
        "kind": "action: something the mentee can do; outcome: something to hope turns out",
        "text": "the change in plain words",
    },
    Provenance: {
        "library": "mentor-rules",
        "version": "the library's version (mentor_rules.__version__)",
        "engine": "the engine that matched the rules, by its name in the engine registry",
    },
}

#: The types JSON Schema names for the scalars of the model.
_SCALARS: dict[type, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}

#: "Not blank", as the model's text validators say it (``str.strip`` leaves something): a
#: character that is not white space.
_NOT_BLANK: dict[str, Any] = {"minLength": 1, "pattern": "\\S"}


def _def_name(cls: type) -> str:
    """``PastMentor`` -> ``past_mentor``: the name of a class among the ``$defs``."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in cls.__name__).lstrip("_")


def _summary(cls: type) -> str:
    """The first paragraph of a class's docstring, on one line."""
    return " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())


class _Builder:
    """Makes the schema of one attrs class and of every class it holds, in ``defs``.

    ``limits`` (None for the advice, which has none) bound lists and texts as the loader does:
    ``max_candidates`` for a situation's candidates, ``max_items`` for every other list,
    ``max_text`` for every text.
    """

    def __init__(self, limits: Limits | None) -> None:
        self.limits = limits
        self.defs: dict[str, dict[str, Any]] = {}

    def reference(self, cls: type) -> dict[str, Any]:
        name = _def_name(cls)
        if name not in self.defs:
            self.defs[name] = {}  # taken before its fields are made: a class may hold itself
            self.defs[name] = self.object(cls)
        return {"$ref": f"#/$defs/{name}"}

    def object(self, cls: type) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        described = _DESCRIPTIONS.get(cls, {})
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            if field.name not in described:
                raise LookupError(f"no description of {cls.__name__}.{field.name} in _schemas")
            most = None
            if self.limits is not None:
                big = cls is Situation and field.name == "candidates"
                most = self.limits.max_candidates if big else self.limits.max_items
            made = {
                "description": described[field.name],
                **self.type(hints[field.name], field.validator, most),
            }
            if field.default is attrs.NOTHING:
                required.append(field.name)
            else:
                default = field.default
                if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                    default = default.factory()
                made["default"] = converter.unstructure(default)
            properties[field.name] = made
        made_object: dict[str, Any] = {
            "type": "object",
            "description": _summary(cls),
            "properties": properties,
            "additionalProperties": False,
        }
        if required:
            made_object["required"] = required
        return made_object

    def type(self, hint: Any, validator: Any, most_items: int | None) -> dict[str, Any]:
        """The schema of a value of type ``hint`` checked by ``validator``; a list holds at
        most ``most_items`` items (None: any number)."""
        origin, arguments = typing.get_origin(hint), typing.get_args(hint)
        if origin in (types.UnionType, typing.Union) and type(None) in arguments:
            [inner] = [a for a in arguments if a is not type(None)]
            made = self.type(inner, validator, most_items)
            if isinstance(made.get("type"), str):
                return {**made, "type": [made["type"], "null"]}
            return {"anyOf": [made, {"type": "null"}]}
        kind: str  # what the validator sees, in JSON's words
        if origin is tuple:
            item_validator = _text if validator is _texts else None
            made = {"type": "array", "items": self.type(arguments[0], item_validator, most_items)}
            if most_items is not None:
                made["maxItems"] = most_items
            kind = "array"
        elif origin is dict:
            values = self.type(arguments[1], None, most_items)
            made, kind = {"type": "object", "additionalProperties": values}, "object"
        elif origin is typing.Literal:
            made, kind = {"enum": list(arguments)}, "enum"
        elif hint is typing.Any:
            made, kind = {}, "any value"
        elif isinstance(hint, type) and issubclass(hint, StrEnum):
            made, kind = {"enum": [member.value for member in hint]}, "enum"
        elif attrs.has(hint):
            made, kind = self.reference(hint), "object"
        elif hint in _SCALARS:
            kind = _SCALARS[hint]
            made = {"type": kind}
            if hint is str and self.limits is not None:
                made["maxLength"] = self.limits.max_text
        else:
            raise TypeError(f"no JSON Schema for the type {hint!r}")
        return made | self.checked(validator, kind)

    @staticmethod
    def checked(validator: Any, json_type: str) -> dict[str, Any]:
        """What ``validator`` adds to the schema of a ``json_type`` value."""
        if validator is None:
            return {}
        if (validator is _texts or validator is _unique_names) and json_type == "array":
            return {}  # texts: checked item by item; names alike but for case: not expressible
        if validator in (_text, _optional_text) and json_type == "string":
            return dict(_NOT_BLANK)
        if isinstance(validator, _Between) and json_type in ("integer", "number"):
            return {"minimum": validator.low, "maximum": validator.high}
        if validator is _unique_roles and json_type == "array":
            return {"uniqueItems": True}
        raise TypeError(f"no JSON Schema for the validator {validator!r} on a {json_type}")


_SITUATION_ABOUT = (
    "A situation: the mentee and the people they might ask to be their mentor "
    "(docs/input.md). Read strictly: no conversions, unknown keys refused. maxItems and "
    "maxLength are the default limits of mentor-rules (Limits(): {max_candidates} candidates, "
    "{max_items} items in every other list, {max_text} characters in every text); an Advisor "
    "may be given other limits (Limits(...), --limits FILE). Not expressed here: candidate "
    "names must be unique ignoring case and runs of white space; a number with a decimal "
    "point (3.0) is not an integer; a document may be at most {max_document_bytes} bytes."
)

_ADVICE_ABOUT = (
    "The advice on one situation, as advice_to_dict writes it and advice_from_dict reads it "
    "(docs/output.md) and mentor-rules advise --json prints it for one situation (a batch: "
    "schema advice-batch). Read as strictly as a situation, without limits."
)


def situation_schema() -> dict[str, Any]:
    """The JSON Schema of a situation document, with the default limits."""
    limits = Limits()
    return _document("mentor-rules situation", _SITUATION_ABOUT, Situation, limits)


def advice_schema() -> dict[str, Any]:
    """The JSON Schema of an advice document (:func:`advice_to_dict`)."""
    return _document("mentor-rules advice", _ADVICE_ABOUT, Advice, None)


_EXPLANATION_ABOUT = (
    "Why a candidate is not better placed and what would change it, as explanation_to_dict "
    "writes it (docs/explanations.md): what mentor-rules explain --json prints under "
    '"explanation", and what POST /v1/explain of mentor-rules serve answers (docs/serve.md).'
)


def explanation_schema() -> dict[str, Any]:
    """The JSON Schema of an explanation (:func:`explanation_to_dict`)."""
    return _document("mentor-rules explanation", _EXPLANATION_ABOUT, Explanation, None)


def explain_request_schema() -> dict[str, Any]:
    """What ``POST /v1/explain`` of ``mentor-rules serve`` reads: a situation (the situation
    schema, among the ``$defs``) and whom to explain."""
    situation = situation_schema()
    root = {k: v for k, v in situation.items() if k not in ("$schema", "$defs")}
    return {
        "$schema": _DRAFT,
        "title": "mentor-rules explain request",
        "description": "What POST /v1/explain of mentor-rules serve reads (docs/serve.md): a "
        "situation and the name of one of its candidates; the options of mentor-rules explain.",
        "type": "object",
        "required": ["situation", "candidate"],
        "additionalProperties": False,
        "properties": {
            "situation": {"$ref": "#/$defs/situation"},
            "candidate": {
                "type": "string",
                "minLength": 1,
                "description": "the name of a candidate of the situation, as spelled there",
            },
            "target": {
                "enum": [verdict.value for verdict in Verdict],
                "description": "the verdict to explain (default: the next better one and "
                "ready_to_ask)",
            },
            "bound": {
                "type": "integer",
                "minimum": 0,
                "maximum": MAX_BOUND,
                "default": DEFAULT_BOUND,
                "description": "the most changes a proposed set may hold",
            },
        },
        "$defs": {**situation["$defs"], "situation": root},
    }


def error_schema() -> dict[str, Any]:
    """The JSON Schema of an error report: what ``mentor-rules advise --json`` and ``explain
    --json`` print for an invalid situation, and the body of every error of ``mentor-rules
    serve``."""
    return {
        "$schema": _DRAFT,
        "title": "mentor-rules error",
        "description": "What is wrong, each problem with the JSON path it is at (empty: the "
        "whole document): an entry of mentor-rules advise --json for an invalid situation, "
        "what mentor-rules explain --json prints for one, and the body of every error answer "
        "of mentor-rules serve (docs/serve.md, docs/errors.md).",
        "type": "object",
        "required": ["source", "error"],
        "additionalProperties": False,
        "properties": {
            "source": {
                "type": "string",
                "description": "what was read: a file name, or for mentor-rules serve the "
                "request (POST /v1/advise)",
            },
            "error": {
                "type": "array",
                "minItems": 1,
                "description": "every problem found",
                "items": {
                    "type": "object",
                    "required": ["path", "message"],
                    "additionalProperties": False,
                    "properties": {
                        "path": {
                            "type": "string",
                            "description": "where: candidates[2].relation; empty for the "
                            "document as a whole",
                        },
                        "message": {"type": "string", "description": "what is wrong there"},
                    },
                },
            },
        },
    }


def rules_in_force_schema() -> dict[str, Any]:
    """The JSON Schema of what ``GET /v1/rules`` of ``mentor-rules serve`` answers."""
    advice = advice_schema()
    defs = {name: advice["$defs"][name] for name in ("rule_set_info", "pack_ref")}
    return {
        "$schema": _DRAFT,
        "title": "mentor-rules rules in force",
        "description": "What GET /v1/rules of mentor-rules serve answers (docs/serve.md): the "
        "rule set every answer of the server comes from, the engine and the limits.",
        "type": "object",
        "required": ["library", "version", "engine", "rule_set", "rules", "limits"],
        "additionalProperties": False,
        "properties": {
            "library": {"const": "mentor-rules"},
            "version": {"type": "string", "description": "the library's version"},
            "engine": {"enum": ["durable", "python"], "description": "the engine in use"},
            "rule_set": {
                "$ref": "#/$defs/rule_set_info",
                "description": "the packs composed, the rules disabled, the parameters",
            },
            "rules": {
                "type": "array",
                "items": {"type": "string"},
                "description": "the ids of the rules in force, sorted",
            },
            "limits": {
                "type": "object",
                "description": "the limits every situation is held to (docs/limits.md)",
                "additionalProperties": False,
                "required": [field.name for field in attrs.fields(Limits)],
                "properties": {
                    field.name: {"type": "integer", "minimum": 1} for field in attrs.fields(Limits)
                },
            },
        },
        "$defs": defs,
    }


def health_schema() -> dict[str, Any]:
    """The JSON Schema of what ``GET /health`` of ``mentor-rules serve`` answers."""
    return {
        "$schema": _DRAFT,
        "title": "mentor-rules health",
        "description": "What GET /health of mentor-rules serve answers (docs/serve.md): 200 "
        "with status ok while at least one worker process can advise, else 503 with status "
        "unavailable.",
        "type": "object",
        "required": ["status", "version", "workers", "ready"],
        "additionalProperties": False,
        "properties": {
            "status": {"enum": ["ok", "unavailable"]},
            "version": {"type": "string", "description": "the library's version"},
            "workers": {"type": "integer", "minimum": 1, "description": "worker processes"},
            "ready": {
                "type": "integer",
                "minimum": 0,
                "description": "worker processes running now (the others are starting again)",
            },
        },
    }


def _document(title: str, about: str, cls: type, limits: Limits | None) -> dict[str, Any]:
    builder = _Builder(limits)
    root = builder.object(cls)
    said = about.format(**attrs.asdict(limits)) if limits is not None else about.format()
    return {
        "$schema": _DRAFT,
        "title": title,
        **root,
        "description": said,
        "$defs": builder.defs,
    }


_PROGRAMME_ABOUT = (
    "A mentoring programme to match (docs/programme.md): people and their organisation "
    "chart, mentees (the situation's mentee fields, with an id and ranked preferences), "
    "mentors (the candidate fields but the per-pair ones, with an id, places and ranked "
    "preferences), per-pair facts, blocked and existing pairs, settings. Not expressed here: "
    "ids must be known and unique, reports_to must not make a cycle, nobody is paired with "
    "themselves, existing pairs must fit the places, and the chart must decide every relation "
    "a pair does not give."
)

_IDS = {"type": "array", "items": {"type": "string"}}


def programme_schema() -> dict[str, Any]:
    """The JSON Schema of a programme document (:func:`programme_from_dict`)."""
    limited, free = _Builder(Limits()), _Builder(None)
    mentee = limited.object(Mentee)
    mentee["properties"] = {
        "id": {"type": "string", "description": "the mentee's id, one of people", **_NOT_BLANK},
        "preferences": {**_IDS, "description": "mentor ids, best first"},
        **mentee["properties"],
    }
    mentee["required"] = ["id"]
    mentor = limited.object(Candidate)
    per_pair = ("name", "relation", "chemistry", "conversations")
    mentor["properties"] = {
        "id": {"type": "string", "description": "the mentor's id, one of people", **_NOT_BLANK},
        "capacity": {"type": "integer", "minimum": 0, "description": "places"},
        "preferences": {**_IDS, "description": "mentee ids, best first"},
        **{k: v for k, v in mentor["properties"].items() if k not in per_pair},
    }
    mentor["required"] = ["id", "capacity"]
    mentor["description"] = "A mentor of the pool, with the candidate fields that are theirs."

    def listing(cls: type, about: str) -> dict[str, Any]:
        return {"type": "array", "items": free.reference(cls), "description": about}

    return {
        "$schema": _DRAFT,
        "title": "mentor-rules programme",
        "type": "object",
        "description": _PROGRAMME_ABOUT,
        "properties": {
            "settings": free.reference(Settings),
            "people": listing(Person, "everyone named: the organisation chart"),
            "mentees": {"type": "array", "items": mentee, "description": "the cohort"},
            "mentors": {"type": "array", "items": mentor, "description": "the pool"},
            "pairs": listing(PairFacts, "what is known of pairs"),
            "blocked": listing(Blocked, "pairs never matched"),
            "existing": listing(Existing, "pairs kept, using places"),
        },
        "additionalProperties": False,
        "$defs": {**limited.defs, **free.defs},
    }


def _closed(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


_ID = {"type": "string"}
_NULL_ID = {"type": ["string", "null"]}


def programme_result_schema() -> dict[str, Any]:
    """The JSON Schema of what ``mentor-rules match --json`` prints (``match_to_dict``)."""
    from ..model.output import Verdict
    from ..model.situation import Relation
    from ..programme.match import ChangeKind, Reason

    why = _closed(
        {
            "mentor": _ID,
            "reason": {"enum": [r.value for r in Reason]},
            "detail": {"type": "string"},
            "taken_by": _IDS,
            "fit_better": {"type": "boolean"},
        }
    )
    change = _closed(
        {
            "kind": {"enum": [c.value for c in ChangeKind]},
            "mentor": _NULL_ID,
            "goal": {"type": ["integer", "null"]},
            "scope": {"enum": [*(g.value for g in GoalScope), None]},
            "subject": _NULL_ID,
        }
    )
    assigned = _closed(
        {
            "mentee": _ID,
            "mentor": _ID,
            "existing": {"type": "boolean"},
            "rank": {"type": ["integer", "null"], "minimum": 1},
            "relation": {"enum": [*(r.value for r in Relation), None]},
            "verdict": {"enum": [*(v.value for v in Verdict), None]},
            "score": {"type": ["integer", "null"]},
            "goals_fitted": {"type": "array", "items": {"type": "integer"}},
            "rules": _IDS,
            "evidence": {
                "type": "array",
                "items": _closed(
                    {
                        "path": {"type": "string"},
                        "value": {},
                        "matched": {
                            "type": ["object", "null"],
                            "description": "how an industry or job matched, as in the advice",
                        },
                    }
                ),
            },
            "ranked_higher": {"type": "array", "items": {"$ref": "#/$defs/why_not"}},
        }
    )
    unmatched = _closed(
        {
            "mentee": _ID,
            "why": _closed(
                {
                    "no_eligible_mentor": {
                        "type": "array",
                        "items": _closed(
                            {
                                "reason": {"enum": [r.value for r in Reason]},
                                "mentors": {"type": "integer", "minimum": 1},
                            }
                        ),
                    },
                    "every_eligible_mentor_full": {
                        "type": "array",
                        "items": {"$ref": "#/$defs/why_not"},
                    },
                }
            ),
            "what_would_change": {"type": "array", "items": change},
        }
    )
    count = {"type": "integer", "minimum": 0}
    return {
        "$schema": _DRAFT,
        "title": "mentor-rules programme result",
        "description": "A programme matched and explained, as mentor-rules match --json prints "
        "it (docs/programme.md).",
        **_closed(
            {
                "assignment": {"type": "array", "items": assigned},
                "unmatched": {"type": "array", "items": unmatched},
                "mentors": {
                    "type": "array",
                    "items": _closed(
                        {"mentor": _ID, "places": count, "assigned": _IDS, "unused": count}
                    ),
                },
                "uncovered_goals": {
                    "type": "array",
                    "items": _closed(
                        {
                            "scope": {"enum": [g.value for g in GoalScope]},
                            "subject": _NULL_ID,
                            "mentees": _IDS,
                            "known_by": {
                                **_IDS,
                                "description": "the mentors of the pool who know it (a rule "
                                "fitting that goal fired, or was held back by an avoid, for them "
                                "with a mentee who wants it); empty: nobody in the pool does",
                            },
                            "kept_by": {
                                "type": "array",
                                "description": "why the mentors who know it are not eligible "
                                "for these mentees: pairs counted by reason",
                                "items": _closed(
                                    {
                                        "reason": {"enum": [r.value for r in Reason]},
                                        "pairs": {"type": "integer", "minimum": 1},
                                    }
                                ),
                            },
                        }
                    ),
                },
                "summary": _closed(
                    {
                        "objective": {"enum": ["fit", "participation", "fair", "stable"]},
                        "guarantee": {"enum": ["optimal", "stable"]},
                        "mentees": count,
                        "matched": count,
                        "unmatched": count,
                        "pairs_evaluated": count,
                        "total_weight": count,
                    }
                ),
                "suggestions": {
                    "type": "array",
                    "items": _closed({"mentee": _ID, "mentors": _IDS}),
                },
            },
            ["assignment", "unmatched", "mentors", "uncovered_goals", "summary"],
        ),
        "$defs": {"why_not": why},
    }


# --------------------------------------------------------------------------- what the CLI writes
#
# Every JSON document the command line writes has a schema here (docs/output.md, "The command
# line's JSON"). They are written by hand: each is a small envelope around the advice, the
# problems of an invalid situation or rule, or the rows of a listing.

_PROBLEM: dict[str, Any] = {
    "type": "object",
    "description": "one thing wrong with a situation: where (a JSON path; empty for the whole "
    "document) and what",
    "required": ["path", "message"],
    "additionalProperties": False,
    "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
}
_PROBLEMS: dict[str, Any] = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/problem"}}
_RULE_PROBLEM: dict[str, Any] = {
    "type": "object",
    "description": "one thing wrong with a rule: the file, the rule id, the field, and what; "
    "line and column where known",
    "required": ["file", "rule", "field", "message", "line", "column"],
    "additionalProperties": False,
    "properties": {
        "file": {"type": "string"},
        "rule": {"type": ["string", "null"]},
        "field": {"type": ["string", "null"]},
        "message": {"type": "string"},
        "line": {"type": ["integer", "null"], "minimum": 1},
        "column": {"type": ["integer", "null"], "minimum": 1},
    },
}
_SOURCE_FIELD = {
    "type": "string",
    "description": "where the situation came from: a file name, 'standard input' or 'built-in "
    "example'; an item of a JSON list adds its index, as in 'batch.json[2]'",
}
_ERROR_ENTRY: dict[str, Any] = {
    "type": "object",
    "description": "a situation that is not valid input, and every problem with it",
    "required": ["source", "error"],
    "additionalProperties": False,
    "properties": {"source": _SOURCE_FIELD, "error": _PROBLEMS},
}


def _with_advice(title: str, about: str, root: dict[str, Any]) -> dict[str, Any]:
    """A schema whose ``$defs`` hold the advice document (as ``advice``) and the problem."""
    advice = advice_schema()
    defs = {
        **advice.pop("$defs"),
        "advice": {k: v for k, v in advice.items() if k not in ("$schema", "title")},
        "problem": _PROBLEM,
    }
    return {"$schema": _DRAFT, "title": title, "description": about, **root, "$defs": defs}


def advice_batch_schema() -> dict[str, Any]:
    """``advise --json`` on a batch (a JSON list, or several files)."""
    entry = {
        "oneOf": [
            {
                "type": "object",
                "description": "a situation advised",
                "required": ["source", "advice"],
                "additionalProperties": False,
                "properties": {"source": _SOURCE_FIELD, "advice": {"$ref": "#/$defs/advice"}},
            },
            _ERROR_ENTRY,
        ]
    }
    return _with_advice(
        "mentor-rules advise --json, a batch",
        "What 'mentor-rules advise --json' prints for a batch (a file holding a JSON list, or "
        "several files): one entry per situation, in input order, holding its advice or its "
        "problems. One situation gives its advice document alone (schema 'advice') or an "
        "error document (schema 'error').",
        {"type": "array", "items": entry},
    )


def advice_line_schema() -> dict[str, Any]:
    """One line of ``advise --jsonl``."""
    line = {"type": "integer", "minimum": 1, "description": "the input line, 1-based"}
    return _with_advice(
        "mentor-rules advise --jsonl, one line",
        "One line of what 'mentor-rules advise --jsonl' writes: for each situation line of the "
        "input, in order, its advice or its problems, with the input's line number (blank "
        "lines give no output line).",
        {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["line", "advice"],
                    "additionalProperties": False,
                    "properties": {"line": line, "advice": {"$ref": "#/$defs/advice"}},
                },
                {
                    "type": "object",
                    "required": ["line", "error"],
                    "additionalProperties": False,
                    "properties": {"line": line, "error": _PROBLEMS},
                },
            ]
        },
    )


def _small(title: str, about: str, root: dict[str, Any], **defs: Any) -> dict[str, Any]:
    return {"$schema": _DRAFT, "title": title, "description": about, **root, "$defs": defs}


def validation_schema() -> dict[str, Any]:
    """``advise --validate-only --json``."""
    valid = {
        "type": "object",
        "description": "a situation that is valid input",
        "required": ["source", "valid"],
        "additionalProperties": False,
        "properties": {"source": _SOURCE_FIELD, "valid": {"const": True}},
    }
    entry = {"oneOf": [{"$ref": "#/$defs/valid"}, {"$ref": "#/$defs/invalid"}]}
    return _small(
        "mentor-rules advise --validate-only --json",
        "What 'mentor-rules advise --validate-only --json' prints: for one situation, one "
        "entry; for a batch, a list of entries in input order.",
        {"oneOf": [entry, {"type": "array", "items": entry}]},
        valid=valid,
        invalid=_ERROR_ENTRY,
        problem=_PROBLEM,
    )


def explain_output_schema() -> dict[str, Any]:
    """``explain --json``: the explanation (schema ``explanation``) with its source, or the
    problems of an invalid situation (schema ``error``)."""
    explanation = explanation_schema()
    defs = explanation.pop("$defs")
    root = {k: v for k, v in explanation.items() if k not in ("$schema", "title")}
    return _small(
        "mentor-rules explain --json",
        "What 'mentor-rules explain --json' prints: the explanation of one candidate's verdict "
        "(schema explanation) with where the situation came from, or (exit 3) the problems of a "
        "situation that is not valid input (schema error).",
        {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["source", "explanation"],
                    "additionalProperties": False,
                    "properties": {
                        "source": _SOURCE_FIELD,
                        "explanation": {"$ref": "#/$defs/explanation"},
                    },
                },
                _ERROR_ENTRY,
            ]
        },
        **defs,
        explanation=root,
        problem=_PROBLEM,
    )


def check_schema() -> dict[str, Any]:
    """``check --json``."""
    ids = {"type": "array", "items": {"type": "string"}}
    failed: dict[str, Any] = {
        "type": "object",
        "description": "a rule example whose outcome is not the one it states",
        "required": ["file", "rule", "example", "description", "expected", "actual"],
        "additionalProperties": False,
        "properties": {
            "file": {"type": "string"},
            "rule": {"type": "string"},
            "example": {"type": "integer", "minimum": 0, "description": "its index, 0-based"},
            "description": {"type": "string"},
            "expected": ids,
            "actual": ids,
        },
    }
    moved = {
        "type": "object",
        "description": "an example of a rule from another pack, written for other parameter "
        "values, whose outcome the values in force change: information, not a failure",
        "required": ["file", "rule", "example", "description", "parameters", "expected", "actual"],
        "additionalProperties": False,
        "properties": {
            **failed["properties"],
            "parameters": {
                "type": "object",
                "description": "the parameters in force that differ from the example's",
                "additionalProperties": {"type": "number"},
            },
        },
    }
    finding = {
        "type": "object",
        "required": ["check", "rule", "file", "message"],
        "additionalProperties": False,
        "properties": {
            "check": {"type": "string"},
            "rule": {"type": ["string", "null"]},
            "file": {"type": ["string", "null"]},
            "message": {"type": "string"},
        },
    }
    return _small(
        "mentor-rules check --json",
        "What 'mentor-rules check --json' prints when the rules load: how many rules and "
        "examples, the examples that failed, the rules without examples, the lint's findings "
        "(--lint) and the examples the parameters in force move. Rules that do not load give "
        "the 'rule-errors' document instead.",
        {
            "type": "object",
            "required": ["rules", "examples", "failed", "without_examples", "lint", "moved"],
            "additionalProperties": False,
            "properties": {
                "rules": {"type": "integer", "minimum": 0},
                "examples": {"type": "integer", "minimum": 0},
                "failed": {"type": "array", "items": failed},
                "without_examples": ids,
                "lint": {"type": "array", "items": finding},
                "moved": {"type": "array", "items": moved},
            },
        },
    )


def rule_errors_schema() -> dict[str, Any]:
    """What a command given ``--json`` prints when the rules do not load."""
    return _small(
        "mentor-rules rule errors",
        "What a command given --json (advise, explain, check, catalogue) prints when a rule "
        "file, a pack or an option naming rules is not valid; the exit code is 3.",
        {
            "type": "object",
            "required": ["errors"],
            "additionalProperties": False,
            "properties": {
                "errors": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/problem"}}
            },
        },
        problem=_RULE_PROBLEM,
    )


def catalogue_schema() -> dict[str, Any]:
    """``catalogue --json``."""
    optional_text = {"type": ["string", "null"]}
    rule = {
        "type": "object",
        "required": [
            "id",
            "title",
            "layer",
            "about",
            "kind",
            "weight",
            "fits",
            "stage",
            "step",
            "when",
            "unless",
            "parameters",
            "message",
            "because",
            "source",
            "pack",
            "overrides",
            "file",
            "examples",
        ],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "layer": {"type": "integer", "minimum": 0},
            "about": {"enum": list(ABOUT)},
            "kind": {"enum": [kind.value for kind in Kind]},
            "weight": {"type": "integer"},
            "fits": {"enum": [*(scope.value for scope in GoalScope), None]},
            "stage": {"enum": [*(stage.value for stage in Stage), None]},
            "step": {"type": ["integer", "null"], "minimum": 1},
            "when": {"type": "string"},
            "unless": optional_text,
            "parameters": {"type": "array", "items": {"type": "string"}},
            "message": {"type": "string"},
            "because": {"type": "string"},
            "source": _SOURCE,
            "pack": optional_text,
            "overrides": {
                "type": "boolean",
                "description": "whether the rule replaces a shipped rule of the same id",
            },
            "file": {"type": "string"},
            "examples": {"type": "integer", "minimum": 0},
        },
    }
    return _small(
        "mentor-rules catalogue --json",
        "What 'mentor-rules catalogue --json' prints: the rule set's packs, the ids disabled, "
        "the parameters with their values in force, and every rule.",
        {
            "type": "object",
            "required": ["packs", "disabled", "parameters", "rules"],
            "additionalProperties": False,
            "properties": {
                "packs": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "version"],
                        "additionalProperties": False,
                        "properties": {"name": {"type": "string"}, "version": optional_text},
                    },
                },
                "disabled": {"type": "array", "items": {"type": "string"}},
                "parameters": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "type", "default", "value", "description"],
                        "additionalProperties": False,
                        "properties": {
                            "name": {"type": "string"},
                            "type": {"enum": ["int", "number"]},
                            "default": {"type": "number"},
                            "value": {"type": "number"},
                            "description": {"type": "string"},
                        },
                    },
                },
                "rules": {"type": "array", "items": rule},
            },
        },
    )


#: What ``mentor-rules schema NAME`` prints, by NAME; each but ``rules`` is checked in as
#: ``docs/schema/NAME.schema.json``.
SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "situation": situation_schema,
    "advice": advice_schema,
    "advice-batch": advice_batch_schema,
    "advice-line": advice_line_schema,
    "error": error_schema,
    "validation": validation_schema,
    "explanation": explanation_schema,
    "explain-output": explain_output_schema,
    "explain-request": explain_request_schema,
    "check": check_schema,
    "catalogue": catalogue_schema,
    "rule-errors": rule_errors_schema,
    "rules-in-force": rules_in_force_schema,
    "health": health_schema,
    "rule-file": lambda: RULE_FILE,
    "pack": lambda: MANIFEST,
    "rules": rules_schema,
    "programme": programme_schema,
    "programme-result": programme_result_schema,
}

#: What each schema describes, as ``mentor-rules schema`` lists them.
_WHAT = {
    "situation": "the input: one situation (advise, explain)",
    "advice": "the advice on one situation (advise --json; advice_to_dict)",
    "advice-batch": "advise --json on a batch: a list of {source, advice} or {source, error}",
    "advice-line": "one line of advise --jsonl: {line, advice} or {line, error}",
    "error": "a situation that is not valid: {source, error} (advise --json, explain --json, "
    "serve's errors)",
    "validation": "advise --validate-only --json",
    "explanation": "an explanation (explanation_to_dict; POST /v1/explain of serve)",
    "explain-output": "explain --json: {source, explanation} or {source, error}",
    "explain-request": "what POST /v1/explain of serve reads",
    "rules-in-force": "GET /v1/rules of serve: the rules in force",
    "health": "GET /health of serve",
    "check": "check --json",
    "catalogue": "catalogue --json",
    "rule-errors": "any --json command whose rules do not load: {errors}",
    "rule-file": "a rule file (TOML)",
    "pack": "a pack's manifest (pack.toml)",
    "rules": "rule-file and pack together",
    "programme": "a mentoring programme to match (match)",
    "programme-result": "match --json",
}


def describe(name: str) -> str:
    """What the schema ``name`` describes, in a few words."""
    return _WHAT[name]
