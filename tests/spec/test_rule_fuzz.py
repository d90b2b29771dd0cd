"""Whatever a rule file or rule document holds, loading it gives rules or a RuleError: never
another exception, never a crash. Arbitrary TOML text, condition text and documents."""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mentor_rules import (
    RuleError,
    RuleSet,
    RuleWarning,
    load_pack,
    load_rules,
    rules_from_documents,
)

from .test_fuzz import _holds_a_surrogate, surrogate_texts

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    surrogate_texts,
)
_KEYS = st.one_of(
    st.sampled_from(["id", "title", "about", "kind", "when", "message", "because", "source",
                     "examples", "weight", "step", "unless", "fits", "words", "see_also",
                     "situation", "fires_for", "description", "section", "paragraph", "order",
                     "group", "text", "item", "candidates", "mentee", "name", "relation"]),
    st.text(max_size=10),
    surrogate_texts,
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


def _only_rule_errors(load: Any, refused: bool = False) -> None:
    """``load()`` gives a rule set, or raises RuleError (which it must when ``refused``)."""
    try:
        result = load()
    except RuleError as error:
        problems = error.problems
    else:
        assert isinstance(result, RuleSet)
        assert not refused
        return
    assert problems


@given(st.dictionaries(_KEYS, _VALUES, max_size=8) | st.sampled_from(sorted(_BASE)).flatmap(
    lambda field: _VALUES.map(lambda value: {**_BASE, field: value})
))  # fmt: skip
def test_a_rule_document_holding_a_lone_surrogate_is_refused(document: dict[Any, Any]) -> None:
    """No text of a rule (its message, title, an example's situation) could be written."""
    _only_rule_errors(
        lambda: rules_from_documents([document], require_examples=False),
        refused=_holds_a_surrogate(document),
    )


_FOLDER_NAMES = st.one_of(
    st.text(st.characters(exclude_characters="/\0", exclude_categories=["Cs"]), max_size=12),
    st.binary(max_size=12).map(os.fsdecode),  # bytes that are not UTF-8: surrogates in Python
).filter(lambda name: name.strip(".") != "" and "/" not in name and "\0" not in name)


@given(_FOLDER_NAMES, st.one_of(st.none(), st.text(max_size=12), surrogate_texts))
def test_a_pack_gets_a_name_any_writer_can_write_or_a_rule_error(
    folder_name: str, manifest_name: str | None
) -> None:
    """A pack is named by its manifest, else by its folder, whose name may be any bytes."""
    with tempfile.TemporaryDirectory() as folder:
        pack = Path(folder) / folder_name
        try:
            pack.mkdir()
        except OSError:  # a name the file system refuses (too long in bytes, say)
            return
        (pack / "fuzzed.toml").write_text(_FILE, encoding="utf-8")
        if manifest_name is not None:
            quoted = json.dumps(manifest_name)  # a TOML basic string, \u escapes and all
            (pack / "pack.toml").write_text(f"name = {quoted}\n", encoding="utf-8")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuleWarning)  # the rule has no examples
                loaded = load_pack(pack)
        except RuleError:  # a name no writer could write, say
            return
    for ref in loaded.packs:
        json.dumps([ref.name, ref.version], ensure_ascii=False).encode("utf-8")


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


#: A valid rule file, for the pack-name fuzzing.
_FILE = """
id = "fuzzed"
title = "t"
about = "candidate"
kind = "consider"
when = 'candidate.relation == "peer"'
message = "m"
because = "b"
source = { section = "S", paragraph = 1 }
"""
