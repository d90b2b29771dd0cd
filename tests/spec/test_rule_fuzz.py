"""Whatever a rule file or rule document holds, loading it gives rules or a RuleError: never
another exception, never a crash. Arbitrary TOML text, condition text and documents."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mentor_rules import RuleError, RuleSet, load_rules, rules_from_documents

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
)
_KEYS = st.one_of(
    st.sampled_from(["id", "title", "about", "kind", "when", "message", "because", "source",
                     "examples", "weight", "step", "unless", "fits", "words", "see_also",
                     "situation", "fires_for", "description", "section", "paragraph", "order",
                     "group", "text", "item", "candidates", "mentee", "name", "relation"]),
    st.text(max_size=10),
    st.integers(),
)  # fmt: skip
_VALUES: st.SearchStrategy[Any] = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=5)),
    max_leaves=25,
)

_BASE = {
    "id": "fuzzed",
    "title": "t",
    "about": "candidate",
    "kind": "consider",
    "when": 'candidate.relation == "peer"',
    "message": "m",
    "because": "b",
    "source": {"section": "S", "paragraph": 1},
}

# Text that looks like conditions: the language's words, operators, names and brackets.
_CONDITION_TEXT = st.lists(
    st.sampled_from(
        ["candidate", "mentee", ".", "relation", "goals", "traits", "len(", ")", "(", "[", "]",
         "any(", "all(", " for ", " g ", " in ", " not ", " and ", " or ", " is ", "None",
         "==", "!=", "<", ">=", "-", "1", "1e400", "'peer'", '"x"', ",", "concluded",
         "fits_goals", "g.scope", "lambda", "__import__", "\\", "\n", "#", "9" * 50]
    ),
    max_size=40,
).map("".join)  # fmt: skip


def _only_rule_errors(load: Any) -> None:
    try:
        result = load()
    except RuleError as error:
        problems = error.problems
    else:
        assert isinstance(result, RuleSet)
        return
    assert problems


@given(st.dictionaries(_KEYS, _VALUES, max_size=8))
def test_arbitrary_rule_documents_load_or_raise_rule_error(document: dict[Any, Any]) -> None:
    _only_rule_errors(lambda: rules_from_documents([document], require_examples=False))


@given(st.sampled_from(sorted(_BASE)), _VALUES)
def test_a_valid_rule_with_one_field_replaced_loads_or_raises_rule_error(
    field: str, value: Any
) -> None:
    _only_rule_errors(
        lambda: rules_from_documents([{**_BASE, field: value}], require_examples=False)
    )


@given(st.one_of(_CONDITION_TEXT, st.text(max_size=200)), st.sampled_from(["when", "unless"]))
def test_arbitrary_condition_text_loads_or_raises_rule_error(text: str, field: str) -> None:
    _only_rule_errors(
        lambda: rules_from_documents([{**_BASE, field: text}], require_examples=False)
    )


@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_arbitrary_rule_file_bytes_load_or_raise_rule_error(content: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.toml"
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
        else:
            path.write_bytes(content)
        _only_rule_errors(lambda: load_rules(folder))
