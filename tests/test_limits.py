"""Limits on the input (issue 8, item 12): what one evaluation may be given, and what it costs.

Each bound is checked at its default and just over it, on every engine available here; the
costs behind the defaults are measured in docs/limits.md.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import attrs
import pytest

import mentor_rules.model.text
from mentor_rules import (
    Advisor,
    Candidate,
    Limits,
    Mentee,
    Relation,
    Situation,
    SituationError,
    advise,
    available_engines,
    situation_from_dict,
)

# --------------------------------------------------------------------------- cost


def test_each_text_is_stemmed_once_however_many_texts_there_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """More texts than the stems cache holds were stemmed again for every pair of a trait and a
    note (200 candidates with 50 short traits and 2,500 notes took 72 s). Now each text is
    stemmed at most twice: once for the facts, and once more for the evidence of an echo."""
    stemmed = 0
    real = mentor_rules.model.text._stemmer()

    class Counting:
        def stemWords(self, words: list[str]) -> list[str]:  # snowball's name
            nonlocal stemmed
            stemmed += 1
            result: list[str] = real.stemWords(words)
            return result

    monkeypatch.setattr(mentor_rules.model.text, "_STEMMER", Counting())
    mentor_rules.model.text.gist.cache_clear()
    notes = [[f"note {m} {n}" for n in range(100)] for m in range(50)]  # 5,000 texts
    document: dict[str, Any] = {
        "mentee": {"past_mentors": [{"setting": "school", "worked": w} for w in notes]},
        "candidates": [
            {"name": f"c{c}", "relation": "peer", "traits": [f"trait {c} {t}" for t in range(10)]}
            for c in range(3)
        ],
    }
    document["candidates"][0]["traits"][9] = "note 0 0"
    advice = Advisor(engine="python", limits=Limits(max_items=100)).advise(document)
    assert "echoes-what-worked" in advice.for_candidate("c0").rules
    texts = 5_000 + 3 * 10
    assert stemmed <= 2 * texts, stemmed


# --------------------------------------------------------------------------- at the limits

LIMITS = Limits()

#: Texts exactly as long as allowed, from a small pool so that traits echo past mentors' notes
#: (and the stemmer is not what the test spends its time on).
_WORDS = ["patient", "asks hard questions", "hard to reach", "blunt feedback", "busy", "calm"]
_POOL = [(f"{word} " * LIMITS.max_text)[: LIMITS.max_text - 1] + "." for word in _WORDS]


def _text(n: int) -> str:
    return _POOL[n % len(_POOL)]


def _name(n: int) -> str:
    return f"{n:04d} " + "n" * (LIMITS.max_text - 5)


def _texts(n: int) -> list[str]:
    return [_text(n + k) for k in range(LIMITS.max_items)]


def at_the_limits() -> dict[str, Any]:
    """A valid situation with every list and every text at its default limit."""
    items = LIMITS.max_items
    relations = ["skip_level", "senior", "peer", "outside", "junior", "direct_manager"]
    return {
        "mentee": {
            "name": _name(9999),
            "months_at_company": 30,
            "wants_to_innovate": True,
            "career_move": "change",
            "industry": _text(0),
            "target_industry": _text(1),
            "job": _text(2),
            "target_job": _text(3),
            "goals": [
                {
                    "kind": ("questions", "advice", "networking")[n % 3],
                    "scope": ("job", "company", "industry")[n % 3],
                    "detail": _text(n),
                }
                for n in range(items)
            ],
            "ideas": _texts(0),
            "support_roles": ["adviser", "idea_person"],
            "past_mentors": [
                {"setting": "school", "worked": _texts(n), "did_not_work": _texts(n + 1)}
                for n in range(items)
            ],
        },
        "candidates": [
            {
                "name": _name(n),
                "relation": relations[n % len(relations)],
                "years_at_company": n % 12,
                "years_in_industry": (n * 7) % 30,
                "knows_culture": (None, True, False)[n % 3],
                "chemistry": ("good", "mixed", "poor", "unknown")[n % 4],
                "conversations": n % 4,
                "willing": ("yes", "unknown", "no")[n % 3],
                "traits": _texts(n),
                "industry": _text(n + 1),
                "jobs": _texts(n + 2),
            }
            for n in range(LIMITS.max_candidates)
        ],
    }


def test_the_situation_at_the_limits_is_at_every_one_of_them() -> None:
    document = at_the_limits()
    mentee, people = document["mentee"], document["candidates"]
    assert len(people) == LIMITS.max_candidates
    lists = [mentee[key] for key in ("goals", "ideas", "past_mentors")]
    lists += [past[key] for past in mentee["past_mentors"] for key in ("worked", "did_not_work")]
    lists += [person[key] for person in people for key in ("traits", "jobs")]
    assert {len(items) for items in lists} == {LIMITS.max_items}
    texts = [mentee["name"], *mentee["ideas"], *(goal["detail"] for goal in mentee["goals"])]
    texts += [text for person in people for text in (person["name"], *person["traits"])]
    assert {len(text) for text in texts} == {LIMITS.max_text}


def test_a_situation_at_every_default_limit_gets_the_same_advice_on_both_engines(
    python_advisor: Advisor,
) -> None:
    document = at_the_limits()
    expected = python_advisor.advise(document)
    assert len(expected.candidates) == LIMITS.max_candidates
    assert any(c.fits_goals for c in expected.candidates)
    assert "echoes-what-worked" in {r.rule for r in expected.recommendations}
    if "durable" in available_engines():
        assert Advisor(engine="durable").advise(document) == expected


def _path(document: dict[str, Any], path: list[str | int]) -> Any:
    target: Any = document
    for key in path:
        target = target[key]
    return target


#: One list of each kind in the situation at the limits, and the limit that bounds it.
_LISTS: list[tuple[list[str | int], str]] = [
    (["candidates"], "max_candidates"),
    (["mentee", "goals"], "max_items"),
    (["mentee", "ideas"], "max_items"),
    (["mentee", "past_mentors"], "max_items"),
    (["mentee", "past_mentors", 3, "worked"], "max_items"),
    (["mentee", "past_mentors", 9, "did_not_work"], "max_items"),
    (["candidates", 0, "traits"], "max_items"),
    (["candidates", 49, "jobs"], "max_items"),
]

#: One text of each kind in the situation at the limits.
_TEXTS: list[list[str | int]] = [
    ["mentee", "name"],
    ["mentee", "industry"],
    ["mentee", "target_industry"],
    ["mentee", "job"],
    ["mentee", "target_job"],
    ["mentee", "goals", 0, "detail"],
    ["mentee", "ideas", 9],
    ["mentee", "past_mentors", 0, "worked", 0],
    ["mentee", "past_mentors", 9, "did_not_work", 9],
    ["candidates", 0, "name"],
    ["candidates", 42, "traits", 5],
    ["candidates", 49, "industry"],
    ["candidates", 7, "jobs", 9],
]


def _rendered(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@pytest.mark.parametrize(("path", "limit"), _LISTS, ids=[_rendered(p) for p, _ in _LISTS])
def test_one_item_over_a_list_limit_is_refused_naming_the_limit(
    advisor: Advisor, path: list[str | int], limit: str
) -> None:
    document = at_the_limits()
    items = _path(document, path)
    items.append(copy.deepcopy(items[-1]))
    if path == ["candidates"]:
        items[-1]["name"] = "one too many"
    with pytest.raises(SituationError) as caught:
        advisor.advise(document)
    unit = "candidates" if limit == "max_candidates" else "items"
    most = getattr(LIMITS, limit)
    assert [str(p) for p in caught.value.problems] == [
        f"{_rendered(path)}: at most {most} {unit} (limit {limit}), got {most + 1}"
    ]


@pytest.mark.parametrize("path", _TEXTS, ids=_rendered)
def test_one_character_over_the_text_limit_is_refused_naming_the_limit(
    advisor: Advisor, path: list[str | int]
) -> None:
    document = at_the_limits()
    parent = _path(document, path[:-1])
    parent[path[-1]] += "!"
    with pytest.raises(SituationError) as caught:
        advisor.advise(document)
    assert [str(p) for p in caught.value.problems] == [
        f"{_rendered(path)}: at most 500 characters (limit max_text), got 501"
    ]


def _nested(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


def test_nesting_is_refused_one_level_past_the_limit_and_not_before() -> None:
    # {"mentee": {"goals": [<list nested n deep>]}}: the situation, mentee and goals are three
    at_limit = {"mentee": {"goals": _nested(LIMITS.max_depth - 2)}}
    over = {"mentee": {"goals": _nested(LIMITS.max_depth - 1)}}
    with pytest.raises(SituationError) as caught:
        situation_from_dict(at_limit)
    assert [str(p) for p in caught.value.problems] == [
        "mentee.goals[0]: expected an object, got a list"
    ]
    with pytest.raises(SituationError) as caught:
        situation_from_dict(over)
    deepest = "mentee.goals" + "[0]" * (LIMITS.max_depth - 2)
    assert [str(p) for p in caught.value.problems] == [
        f"{deepest}: nested too deeply: at most 16 levels (limit max_depth)"
    ]


def test_a_document_nested_thousands_deep_is_refused_without_recursion() -> None:
    deep: Any = {}
    for _ in range(100_000):
        deep = {"a": deep}
    with pytest.raises(SituationError) as caught:
        advise({"mentee": deep})
    [problem] = caught.value.problems
    assert problem.path == "mentee" + ".a" * (LIMITS.max_depth - 1)  # level 17
    assert "limit max_depth" in problem.message


def test_a_list_far_over_its_limit_is_refused_without_being_read(advisor: Advisor) -> None:
    document = {"candidates": [{"name": "A", "relation": "peer", "traits": ["x"] * 10**6}]}
    with pytest.raises(SituationError) as caught:
        advisor.advise(document)
    assert str(caught.value) == (
        "invalid situation: candidates[0].traits: at most 10 items (limit max_items), got 1000000"
    )


def test_a_key_is_a_text_and_bounded_like_one() -> None:
    with pytest.raises(SituationError) as caught:
        situation_from_dict({"mentee": {"n" * 501: 1}})
    assert [str(p) for p in caught.value.problems] == [
        "mentee: keys must be at most 500 characters (limit max_text), got 501"
    ]


# --------------------------------------------------------------------------- the report's cost


def _on_the_way(document: dict[str, Any]) -> dict[str, Any]:
    """Every candidate on the way to a mentor: what "what would change it" searches most."""
    people = []
    for n, candidate in enumerate(document["candidates"]):
        changed = dict(candidate, conversations=n % 2, chemistry="unknown", willing="unknown")
        changed["relation"] = "peer" if candidate["relation"] == "outside" else changed["relation"]
        changed["knows_culture"] = None
        people.append(changed)
    return {**document, "candidates": people}


def test_the_report_after_the_advice_builds_no_advice_and_matches_no_text_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 16, item 5: the report at the limits within twice one advise. Its searches
    advise hundreds of changed copies of one candidate each; a copy's verdict is all they
    read, so no whole advice is built for it (its messages and evidence cost more than the
    evaluation), and the candidate's jobs and industry, the same in every copy, are not
    matched with the mentee's aims again in each. The situation itself, just advised by the
    same advisor, is not evaluated again."""
    from mentor_rules.advice.build import AdviceBuilder
    from mentor_rules.io.report import REPORT_BUDGET, build_report
    from mentor_rules.model.text import ShortForms

    advisor = Advisor(engine="python")
    situation = situation_from_dict(_on_the_way(at_the_limits()), LIMITS)
    advice = advisor.advise(situation)
    built = 0
    keyed: list[str] = []
    real_build, real_keys = AdviceBuilder.build, ShortForms._keys

    def counting_build(self: AdviceBuilder, *args: Any, **kwargs: Any) -> Any:
        nonlocal built
        built += 1
        return real_build(self, *args, **kwargs)

    def counting_keys(self: ShortForms, text: str) -> Any:
        keyed.append(text)
        return real_keys(self, text)

    monkeypatch.setattr(AdviceBuilder, "build", counting_build)
    monkeypatch.setattr(ShortForms, "_keys", counting_keys)
    report = build_report(advisor, situation, advice, "limits")
    evaluations = sum(e.evaluations for e in report.explanations)
    assert 100 < evaluations <= REPORT_BUDGET  # searched, within the budget
    assert built == 0  # the advice given is the advisor's last: not evaluated nor built again
    # No job or industry matched again: not in every changed copy (585 copies of 11 texts).
    assert keyed == []
    assert report.explanations == advisor.explain_many(
        situation, [e.candidate for e in report.explanations], bound=3, budget=REPORT_BUDGET
    )


def test_an_explanation_reuses_only_the_situation_last_advised_or_one_equal_to_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The advisor keeps its last situation's evaluation: explaining it, or a situation equal
    to it read again (as the command line reads a document again for its report), evaluates
    nothing more; explaining another evaluates it afresh, and explains it the same."""
    document = _on_the_way(at_the_limits())
    document["candidates"] = document["candidates"][:6]
    first = situation_from_dict(document, LIMITS)
    other = attrs.evolve(first, candidates=first.candidates[1:])
    names = [c.name for c in other.candidates]
    expected = Advisor(engine="python").explain_many(other, names, bound=2)
    advisor = Advisor(engine="python")
    advisor.advise(first)
    assert advisor.explain_many(other, names, bound=2) == expected
    advisor.advise(other)
    assert advisor.explain_many(other, names, bound=2) == expected
    again = advisor.explain_many(copy.deepcopy(document), names[:1], bound=2)  # read afresh
    assert again == Advisor(engine="python").explain_many(first, names[:1], bound=2)

    evaluated = 0
    real = Advisor._evaluate

    def counting(self: Advisor, situation: Any) -> Any:
        nonlocal evaluated
        evaluated += 1
        return real(self, situation)

    monkeypatch.setattr(Advisor, "_evaluate", counting)
    (item,) = advisor.advise_many([copy.deepcopy(document)])  # as the command line advises
    assert item.advice is not None
    advisor.explain_many(situation_from_dict(document, LIMITS), names[:2], bound=2)
    assert evaluated == 0


# --------------------------------------------------------------------------- other limits


def test_limits_can_be_raised_or_lowered_for_an_advisor_and_for_reading() -> None:
    long_name = {"candidates": [{"name": "n" * 600, "relation": "peer"}]}
    with pytest.raises(SituationError, match=r"limit max_text"):
        advise(long_name)
    roomy = Limits(max_text=600)
    assert situation_from_dict(long_name, roomy).candidates[0].name == "n" * 600
    assert Advisor(engine="python", limits=roomy).advise(long_name).candidates[0].name
    three = {"candidates": [{"name": n, "relation": "peer"} for n in "ABC"]}
    tight = Advisor(engine="python", limits=Limits(max_candidates=2))
    with pytest.raises(SituationError) as caught:
        tight.advise(three)
    assert str(caught.value) == (
        "invalid situation: candidates: at most 2 candidates (limit max_candidates), got 3"
    )
    assert tight.limits == Limits(max_candidates=2)
    assert Advisor(engine="python").limits == Limits()


def test_a_situation_built_in_python_is_held_to_the_limits_too(advisor: Advisor) -> None:
    situation = Situation(
        candidates=tuple(Candidate(f"C{n}", Relation.PEER) for n in range(51)),
        mentee=Mentee(ideas=("i" * 501,)),
    )
    with pytest.raises(SituationError) as caught:
        advisor.advise(situation)
    assert [str(p) for p in caught.value.problems] == [
        "mentee.ideas[0]: at most 500 characters (limit max_text), got 501",
        "candidates: at most 50 candidates (limit max_candidates), got 51",
    ]
    items = advisor.advise_many([situation, Situation()])
    assert [item.ok for item in items] == [False, True]


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"max_items": 0}, ValueError),
        ({"max_candidates": -1}, ValueError),
        ({"max_text": "500"}, TypeError),
        ({"max_depth": 2.0}, TypeError),
        ({"max_document_bytes": True}, TypeError),
    ],
)
def test_limits_are_positive_integers(arguments: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error, match=next(iter(arguments))):
        Limits(**arguments)


def test_limits_are_keyword_only_frozen_and_documented() -> None:
    with pytest.raises(TypeError):
        Limits(100)  # type: ignore[call-arg]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        LIMITS.max_items = 3  # type: ignore[misc]
    limits_page = (Path(__file__).resolve().parents[1] / "docs" / "limits.md").read_text()
    for field in attrs.fields(Limits):
        assert f"`{field.name}`" in limits_page
        assert f"{field.default:,}" in limits_page or str(field.default) in limits_page
