"""The published JSON Schemas (docs/schema/) agree with the loader: what the library writes
validates, and a document broken anyhow is refused by both or by neither, but for the few
things JSON Schema cannot say (docs/input.md, "The JSON Schema")."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from mentor_rules import (
    AdviceError,
    Limits,
    SituationError,
    advice_from_dict,
    advice_to_dict,
    advise,
    situation_from_dict,
)
from mentor_rules.cli import example_document
from mentor_rules.io.schemas import advice_schema, situation_schema
from mentor_rules.model import output as _output
from mentor_rules.model import situation as _model
from mentor_rules.model.vocabulary import Source, enum_values
from mentor_rules.testing import situation_documents

from ._support import Engines, fewer_examples, noted
from .test_documents import broken_documents

SITUATION = Draft202012Validator(situation_schema())
ADVICE = Draft202012Validator(advice_schema())
LIMITS = Limits()

#: What the loader refuses and JSON Schema cannot say: candidate names that are the same but
#: for case or spaces, and an integer written with a decimal point (``3.0``), which JSON Schema
#: counts as an integer.
GAPS = ("duplicate candidate name", "expected an integer (a whole number, without a decimal")


def through_json(document: Any) -> Any:
    return json.loads(json.dumps(document, allow_nan=False))


def refusals(load: Any, document: Any) -> list[str] | None:
    """The loader's problems with ``document``, or None where it takes it."""
    try:
        load(document)
    except (SituationError, AdviceError) as error:
        return [problem.message for problem in error.problems]
    return None


def assert_agree(validator: Any, load: Any, document: Any) -> None:
    """The schema and the loader both take ``document``, or both refuse it, or the loader
    refuses it only for what the schema cannot say."""
    said = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]
    refused = refusals(load, document)
    if said:
        assert refused is not None, f"the schema refuses what the loader takes: {said}"
    elif refused is not None:
        assert all(m.startswith(GAPS) for m in refused), (
            f"the schema takes, the loader says {refused}"
        )


# --------------------------------------------------------------------------- what is written


@fewer_examples(2)  # advice on each engine, then jsonschema: costly examples
@given(situation_documents())
def test_every_generated_situation_and_its_advice_validate(
    advisors: Engines, document: dict[str, Any]
) -> None:
    document = through_json(document)
    SITUATION.validate(document)
    for advisor in advisors:
        with noted(advisor):
            ADVICE.validate(through_json(advice_to_dict(advisor.advise(document))))


# --------------------------------------------------------------------------- broken documents

#: Words a broken document may hold: every enum value of either document (valid in some
#: place), near misses, blank and white-space texts (as ``str.strip`` and the schema's
#: pattern see them) and every field name of every class.
_WORDS = sorted(
    enum_values() | {v.value for v in _output.Verdict} | {"Peer", "peer ", "", " ", "\t\u00a0"}
)
_FIELDS = sorted(
    {
        f.name
        for module in (_model, _output)
        for cls in vars(module).values()
        if isinstance(cls, type) and attrs.has(cls)
        for f in attrs.fields(cls)
    }
    | {f.name for f in attrs.fields(Source)}
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 1202),
    st.sampled_from([-0.5, 0.0, 1.0, 2.5, 100.0, 100.5, 1200.0]),
    st.sampled_from(_WORDS),
    st.text(alphabet=" \t\n\x1c\x85\u00a0\u2028\u3000aZ", max_size=3),
)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(_FIELDS) | st.text(max_size=2), inner, max_size=3),
    ),
    max_leaves=6,
)


def places(node: Any) -> Iterator[tuple[Any, Any]]:
    """Every (container, key or index) of a JSON document, the document's own keys included."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield node, key
            yield from places(value)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield node, index
            yield from places(value)


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """``document`` changed in one to three places: a value replaced by any JSON value, a key
    removed or added, a list or a text made one longer than the default limits allow."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        where = list(places(document))
        objects = [document, *(c[k] for c, k in where if isinstance(c[k], dict))]
        how = draw(st.sampled_from(["replace", "remove", "add", "lengthen"]))
        if how == "add" or not where:
            target = draw(st.sampled_from(objects))
            target[draw(st.sampled_from(_FIELDS))] = draw(JSON_VALUES)
            continue
        container, key = draw(st.sampled_from(where))
        value = container[key]
        if how == "remove" and isinstance(container, dict):
            del container[key]
        elif how == "lengthen" and isinstance(value, list) and value:
            most = LIMITS.max_candidates if key == "candidates" else LIMITS.max_items
            container[key] = (value * (most + 1))[: most + 1]
        elif how == "lengthen" and isinstance(value, str) and value.strip():
            container[key] = (value * (LIMITS.max_text + 1))[: LIMITS.max_text + 1]
        else:
            container[key] = draw(JSON_VALUES)
    return document


@fewer_examples(2)
@given(situation_documents(max_candidates=3).flatmap(lambda d: mutated(through_json(d))))
def test_the_situation_schema_and_the_loader_agree_on_documents_broken_anyhow(
    document: Any,
) -> None:
    assert_agree(SITUATION, situation_from_dict, document)


@fewer_examples(4)  # costly to make: every break of a document is listed
@given(broken_documents())
def test_every_break_the_loader_refuses_the_schema_refuses_too(
    case: tuple[dict[str, Any], str, str],
) -> None:
    document, what, _ = case
    try:
        document = through_json(document)
    except ValueError:  # NaN or an infinity: not JSON, so not the schema's to see
        return
    if what == "a duplicate name" or what.startswith("1.0 for"):
        assert SITUATION.is_valid(document)  # what JSON Schema cannot say (GAPS)
    else:
        assert not SITUATION.is_valid(document), what


#: Advice documents to break: the built-in example's, and a small one.
_ADVISED = [
    through_json(advice_to_dict(advise(document)))
    for document in (example_document(), {"candidates": [{"name": "A", "relation": "peer"}]})
]


def _with_rule_set(parameters: object) -> Any:
    broken = copy.deepcopy(_ADVISED[1])
    broken["rule_set"]["parameters"] = parameters
    return broken


@fewer_examples(2)
@given(st.sampled_from(_ADVISED).flatmap(mutated))
# A mapping given null ended the loader with AttributeError (cattrs called .items() on it).
@example(_with_rule_set(None))
@example(_with_rule_set(["newcomer_months"]))
def test_the_advice_schema_and_the_loader_agree_on_documents_broken_anyhow(
    document: Any,
) -> None:
    assert_agree(ADVICE, advice_from_dict, document)


# --------------------------------------------------------------------------- one of each kind

_CANDIDATE = {"name": "Dana", "relation": "peer"}


@pytest.mark.parametrize(
    ("what", "document", "path"),
    [
        ("a wrong type", {"mentee": {"months_at_company": "3"}}, "mentee.months_at_company"),
        ("an unknown key", {"mentee": {"nickname": "Sam"}}, "mentee.nickname"),
        (
            "a bad enum value",
            {"candidates": [{**_CANDIDATE, "relation": "boss"}]},
            "candidates[0].relation",
        ),
        ("a missing required field", {"candidates": [{"name": "Dana"}]}, "candidates[0].relation"),
        ("a list too long", {"mentee": {"ideas": ["x"] * 11}}, "mentee.ideas"),
        (
            "too many candidates",
            {"candidates": [{**_CANDIDATE, "name": f"C{n}"} for n in range(51)]},
            "candidates",
        ),
        (
            "a text too long",
            {"candidates": [{**_CANDIDATE, "name": "D" * 501}]},
            "candidates[0].name",
        ),
        ("a blank text", {"mentee": {"job": " \t"}}, "mentee.job"),
        (
            "out of range",
            {"candidates": [{**_CANDIDATE, "years_at_company": 101}]},
            "candidates[0].years_at_company",
        ),
        (
            "a repeated role",
            {"mentee": {"support_roles": ["adviser", "adviser"]}},
            "mentee.support_roles[1]",
        ),
    ],
)
def test_each_kind_of_break_is_refused_by_both_at_the_same_place(
    what: str, document: dict[str, Any], path: str
) -> None:
    with pytest.raises(SituationError) as caught:
        situation_from_dict(document)
    assert path in [p.path for p in caught.value.problems], what
    [error] = SITUATION.iter_errors(document)
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    assert path.startswith(where.lstrip(".")), (what, where, error.message)
