"""The condition language: what it accepts, what it refuses, and where it says the problem is."""

from __future__ import annotations

import pytest

from mentor_rules.language.expr import (
    ITEM,
    And,
    Compare,
    ConditionError,
    Contains,
    Count,
    IsNull,
    Not,
    OneOf,
    Or,
    Quantified,
    parse_condition,
)
from mentor_rules.model.vocabulary import roots_for

ROOTS = roots_for("candidate")


def parse(text: str) -> object:
    return parse_condition(text, ROOTS)


def test_comparisons_become_typed_nodes() -> None:
    node = parse('candidate.relation == "peer"')
    assert isinstance(node, Compare)
    assert node.left.path == ("candidate", "relation")
    assert (node.op, node.value) == ("==", "peer")


def test_a_literal_on_the_left_is_flipped() -> None:
    node = parse("3 <= candidate.years_at_company")
    assert isinstance(node, Compare)
    assert (node.op, node.value) == (">=", 3)


def test_every_construct_parses() -> None:
    node = parse(
        'not candidate.knows_culture and (candidate.relation in ["peer", "senior"] '
        'or "calm" in candidate.traits or candidate.years_in_industry is None) '
        'and len(mentee.goals) > 0 and any(g.scope == "industry" for g in mentee.goals) '
        'and all(t != "rude" for t in candidate.traits if t != "x") '
        'and candidate.relation not in ["junior"] and candidate.years_at_company > -1.5'
    )
    assert isinstance(node, And)
    kinds = {type(n) for n in _walk(node)}
    assert {And, Or, Not, Compare, OneOf, Contains, IsNull, Quantified} <= kinds
    counts = [n for n in _walk(node) if isinstance(n, Compare) and isinstance(n.left, Count)]
    assert counts[0].left.path == ("mentee", "goals")
    quantifiers = [n for n in _walk(node) if isinstance(n, Quantified)]
    assert quantifiers[0].field.path == ("mentee", "goals")
    body = quantifiers[0].body
    assert isinstance(body, Compare)
    assert body.left.path == (ITEM, "scope")


def _walk(node: object) -> list[object]:
    from mentor_rules.language.expr import walk

    return list(walk(node))  # type: ignore[arg-type]


def test_a_bare_boolean_field_means_it_is_true() -> None:
    node = parse("mentee.wants_to_innovate")
    assert isinstance(node, Compare)
    assert (node.left.path, node.op, node.value) == (("mentee", "wants_to_innovate"), "==", True)


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ('__import__("os").system("x")', "only calls allowed", 1),
        ("candidate.name.upper()", "only calls allowed", 1),
        ('candidate.relation == "boss"', "not 'boss'", 23),
        ("candidate.colour == 1", "has no field 'colour'", 1),
        ("role.name == 1", "unknown name 'role'", 1),
        ('candidate.conversations > "3"', "is an integer", 27),
        ("candidate.traits > 1", "use len()", 1),
        ("len(candidate.name) > 1", "is not a list", 5),
        ("1 < candidate.conversations < 3", "chained comparisons", 1),
        ("candidate.conversations == candidate.conversations", "not another field", 28),
        ("candidate.relation is None", "never None", 1),
        ("candidate.knows_culture == None", "'is None'", 28),
        ("candidate.years_at_company + 1 > 2", "arithmetic", 1),
        ("candidate.relation", "not true/false", 1),
        ("candidate.chemistry > 'good'", "needs a number", 1),
        ("candidate.relation in []", "empty", 23),
        ("any(any(t == 'a' for t in candidate.traits) for g in mentee.goals)", "nested", None),
        ("candidate.conversations >", "not a valid condition", None),
        ("", "empty", None),
        ("lambda: 1", "a lambda", 1),
        ("candidate.traits[0] == 'a'", "indexing", 1),
        ("'x' in candidate.name", "needs a list", 8),
        ("candidate", "name a field of candidate", 1),
        ("candidate.conversations > 10**20", "arithmetic", 27),
        ("candidate.years_at_company > 1e400", "must be finite", 30),
        ("candidate.years_at_company < 1e300 * 10", "arithmetic", 30),
    ],
)
def test_refusals_say_what_and_where(text: str, message: str, column: int | None) -> None:
    with pytest.raises(ConditionError) as caught:
        parse(text)
    assert message in caught.value.message
    if column is not None:
        assert caught.value.column == column


def test_nothing_is_evaluated_while_parsing(tmp_path: object) -> None:
    with pytest.raises(ConditionError):
        parse('open("/tmp/should-not-exist", "w")')
    import os

    assert not os.path.exists("/tmp/should-not-exist")


def test_overlong_and_deep_conditions_are_refused() -> None:
    with pytest.raises(ConditionError, match="at most"):
        parse("candidate.conversations > 1 and " * 200 + "True")
    deep = "not " * 60 + "candidate.knows_culture"
    with pytest.raises(ConditionError, match="nested too deeply"):
        parse(deep)
