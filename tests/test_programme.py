"""Programme matching: the document and its errors, relations from the chart, hard constraints,
the objectives on generated programmes, explanations, and re-matching."""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentor_rules import Advisor, SituationError
from mentor_rules.programme.document import Programme, programme_from_dict
from mentor_rules.programme.match import ChangeKind, Matching, Reason, _preferences, match
from mentor_rules.testing import situations

PEOPLE: list[dict[str, Any]] = [
    {"id": "vp", "level": 9, "organisation": "acme"},
    {"id": "dir", "reports_to": "vp", "level": 7, "organisation": "acme"},
    {"id": "mgr", "reports_to": "dir", "level": 5, "organisation": "acme"},
    {"id": "ana", "reports_to": "mgr", "level": 2, "organisation": "acme"},
    {"id": "ben", "reports_to": "mgr", "level": 2, "organisation": "acme"},
    {"id": "cat", "reports_to": "dir", "level": 4, "organisation": "acme"},
    {"id": "cy", "level": 6, "organisation": "partner"},
    {"id": "lee", "level": 6, "organisation": "acme"},
]


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "people": PEOPLE,
        "mentees": [
            {
                "id": "ana",
                "months_at_company": 3,
                "goals": [{"kind": "advice", "scope": "company"}],
            },
            {
                "id": "ben",
                "months_at_company": 30,
                "goals": [{"kind": "advice", "scope": "company"}],
            },
        ],
        "mentors": [
            {"id": "mgr", "capacity": 1, "years_at_company": 8, "willing": "yes"},
            {
                "id": "dir",
                "capacity": 1,
                "years_at_company": 12,
                "knows_culture": True,
                "willing": "yes",
            },
            {"id": "cy", "capacity": 1, "years_in_industry": 10, "willing": "yes"},
        ],
    }
    document.update(changes)
    return document


def _problems(document: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(SituationError) as caught:
        programme_from_dict(document)
    assert caught.value.document == "programme"
    return {p.path: p.message for p in caught.value.problems}


def test_the_relation_of_every_pair_comes_from_the_chart() -> None:
    mentors = [{"id": m, "capacity": 1} for m in ("mgr", "dir", "vp", "ben", "cat", "cy", "lee")]
    mentees = [{"id": "ana"}, {"id": "mgr"}]
    programme = programme_from_dict(_document(mentees=mentees, mentors=mentors))
    of_ana = {m: r.value for (e, m), r in programme.relations.items() if e == "ana"}
    assert of_ana == {
        "mgr": "direct_manager",
        "dir": "skip_level",
        "vp": "senior",
        "ben": "peer",
        "cat": "senior",  # no line between them: the levels decide
        "cy": "outside",
        "lee": "senior",
    }
    assert programme.relations[("mgr", "ben")].value == "junior"
    assert ("mgr", "mgr") not in programme.relations


def test_a_relation_the_chart_contradicts_is_an_error_and_one_it_cannot_say_is_asked_for() -> None:
    people = [*PEOPLE, {"id": "zed", "organisation": "acme"}]
    problems = _problems(
        _document(
            people=people,
            mentors=[{"id": "dir", "capacity": 1}, {"id": "zed", "capacity": 1}],
            pairs=[{"mentee": "ana", "mentor": "dir", "relation": "peer"}],
        )
    )
    assert "the chart makes 'dir' skip_level to 'ana', not peer" in problems["pairs[0].relation"]
    assert "the chart cannot say how 'zed' stands to" in problems["mentors[1]"]
    given = [
        {"mentee": "ana", "mentor": "zed", "relation": "outside"},
        {"mentee": "ben", "mentor": "zed", "relation": "peer"},
    ]
    programme = programme_from_dict(
        _document(people=people, mentors=[{"id": "zed", "capacity": 1}], pairs=given)
    )
    assert programme.relations[("ana", "zed")].value == "outside"


def test_every_problem_is_reported_with_its_json_path() -> None:
    people = [
        *PEOPLE[:3],
        {"id": "ana", "reports_to": "nobody"},
        {"id": "x", "reports_to": "y"},
        {"id": "y", "reports_to": "x"},
    ]
    problems = _problems(_document(people=people))
    assert problems["people[3].reports_to"] == "unknown person 'nobody'"
    cycle = _problems(
        _document(people=[*PEOPLE, {"id": "x", "reports_to": "y"}, {"id": "y", "reports_to": "x"}])
    )
    assert "cycle" in cycle["people[8].reports_to"]
    problems = _problems(
        _document(
            mentees=[
                {
                    "id": "ana",
                    "goals": [{"kind": "advise", "scope": "company"}],
                    "preferences": ["nobody"],
                },
                {"id": "ghost"},
            ],
            mentors=[
                {"id": "mgr", "capacity": -1},
                {"id": "dir", "capacity": 1, "relation": "peer"},
                {"id": "cy", "capacity": 1},
            ],
            pairs=[{"mentee": "ana", "mentor": "ana"}],
            existing=[{"mentee": "ana", "mentor": "cy"}, {"mentee": "ben", "mentor": "cy"}],
            settings={"objective": "best"},
        )
    )
    assert "expected one of" in problems["mentees[0].goals[0].kind"]
    assert problems["mentors[0].capacity"] == "must be 0 or more, got -1"
    assert "belongs to a pair" in problems["mentors[1].relation"]
    assert "expected one of" in problems["settings.objective"]
    problems = _problems(
        _document(
            mentees=[{"id": "ana", "preferences": ["nobody"]}, {"id": "ghost"}],
            pairs=[{"mentee": "ana", "mentor": "ana"}],
            existing=[{"mentee": "ana", "mentor": "cy"}, {"mentee": "ben", "mentor": "cy"}],
        )
    )
    assert problems["mentees[1].id"] == "unknown person 'ghost': add them to people"
    assert problems["mentees[0].preferences[0]"] == "unknown mentor 'nobody'"
    assert problems["pairs[0].mentor"] == "unknown mentor 'ana'"
    assert problems["pairs[0]"] == "'ana' is paired with themselves"
    assert "used up by existing pairs" in problems["existing[1]"]
    people = [*PEOPLE, {"id": "both", "organisation": "other"}]
    problems = _problems(
        _document(
            people=people,
            mentees=[{"id": "both", "preferences": ["both"]}],
            mentors=[{"id": "both", "capacity": 1, "preferences": ["both"]}],
        )
    )
    assert problems["mentees[0].preferences[0]"] == "'both' ranks themselves"
    assert problems["mentors[0].preferences[0]"] == "'both' ranks themselves"


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor(engine="python")


def test_hard_constraints_come_first_and_every_pair_is_explained(advisor: Advisor) -> None:
    document = _document(
        pairs=[{"mentee": "ana", "mentor": "dir", "chemistry": "good", "conversations": 2}],
        blocked=[
            {"mentee": "ben", "mentor": "cy", "reason": "met, did not click"},
            {"mentee": "ana", "mentor": "cy", "reason": "met, did not click"},
        ],
    )
    result = match(programme_from_dict(document), advisor)
    pairs = {a.mentee: a for a in result.assignment}
    # mgr is both mentees' direct manager: excluded by default, never weighed.
    assert ("ana", "mgr") not in result.pairs
    assert ("ben", "mgr") not in result.pairs
    assert pairs["ana"].mentor == "dir"
    assert pairs["ana"].rank == 1
    assert pairs["ana"].advice is not None
    assert "pairs[0].chemistry" in {e.path for e in pairs["ana"].advice.evidence}
    assert [u.mentee for u in result.unmatched] == ["ben"]
    ben = result.unmatched[0]
    assert [(w.mentor, w.reason, w.taken_by) for w in ben.full] == [("dir", Reason.FULL, ("ana",))]
    assert any(c.kind == ChangeKind.ONE_MORE_PLACE and c.mentor == "dir" for c in ben.would_change)
    loads = {m.mentor: (m.assigned, m.unused) for m in result.mentors}
    assert loads == {"mgr": ((), 1), "dir": (("ana",), 0), "cy": ((), 1)}


def test_fit_maximises_the_total_so_a_mentee_may_not_get_their_best_mentor(
    advisor: Advisor,
) -> None:
    document = _document(
        pairs=[{"mentee": "ana", "mentor": "dir", "chemistry": "good", "conversations": 2}],
        blocked=[{"mentee": "ben", "mentor": "cy", "reason": "failed match"}],
    )
    result = match(programme_from_dict(document), advisor)
    pairs = {a.mentee: a for a in result.assignment}
    assert (pairs["ana"].mentor, pairs["ben"].mentor) == ("cy", "dir")
    assert pairs["ana"].rank == 2
    (why,) = pairs["ana"].higher
    assert (why.mentor, why.reason, why.taken_by, why.fit_better) == (
        "dir",
        Reason.FULL,
        ("ben",),
        False,
    )
    assert (
        result.summary.total_weight
        == result.pairs[("ana", "cy")].weight + result.pairs[("ben", "dir")].weight
    )


def test_a_mentee_with_no_eligible_mentor_is_told_why_by_reason_and_count(advisor: Advisor) -> None:
    document = _document(
        mentees=[
            {
                "id": "ana",
                "goals": [{"kind": "advice", "scope": "industry"}],
                "industry": "logistics",
            }
        ],
        mentors=[
            {"id": "mgr", "capacity": 1},
            {"id": "dir", "capacity": 0},
            {"id": "cy", "capacity": 1},
        ],
        blocked=[{"mentee": "ana", "mentor": "cy", "reason": "failed match"}],
    )
    result = match(programme_from_dict(document), advisor)
    (ana,) = result.unmatched
    assert dict(ana.excluded) == {
        Reason.EXCLUDED_RELATION: 1,
        Reason.NO_PLACES: 1,
        Reason.BLOCKED: 1,
    }
    assert [(c.kind, c.subject) for c in ana.would_change] == [
        (ChangeKind.MENTOR_WHO_KNOWS, "logistics")
    ]
    assert [(u.subject, u.mentees) for u in result.uncovered] == [("logistics", ("ana",))]


def test_an_uncovered_goal_names_who_in_the_pool_knows_it_and_what_keeps_them_apart(
    advisor: Advisor,
) -> None:
    """Two mentees want logistics. mgr knows it but is their manager (excluded, and the rules
    say avoid, which holds back the industry rule: still knowing it); dir knows it but has
    no places; cy knows retail. With cy knowing logistics too, blocked for ana, eligible for
    ben: ben's goal is covered, ana's is not."""
    from jsonschema import Draft202012Validator

    from mentor_rules import match_to_dict
    from mentor_rules.io.programme_report import programme_report
    from mentor_rules.io.schemas import SCHEMAS

    logistics = {"goals": [{"kind": "advice", "scope": "industry"}], "industry": "logistics"}
    expert = {"industry": "logistics", "years_in_industry": 12, "willing": "yes"}
    document = _document(
        mentees=[{"id": "ana", **logistics}, {"id": "ben", **logistics}],
        mentors=[
            {"id": "mgr", "capacity": 1, **expert},
            {"id": "dir", "capacity": 0, **expert},
            {"id": "cy", "capacity": 2, **expert, "industry": "retail"},
        ],
        blocked=[{"mentee": "ana", "mentor": "cy", "reason": "failed match"}],
    )
    programme = programme_from_dict(document)
    (goal,) = match(programme, advisor).uncovered
    assert (goal.subject, goal.mentees, goal.known_by) == (
        "logistics",
        ("ana", "ben"),
        ("mgr", "dir"),
    )
    assert dict(goal.kept_by) == {Reason.EXCLUDED_RELATION: 2, Reason.NO_PLACES: 2}
    report = programme_report(match(programme, advisor), programme)
    assert "2 mentee(s) want the logistics industry; 2 mentor(s) know it" in report
    assert "known by mgr, dir" in report
    # Nobody else knows it: said so, and the JSON fits its schema both ways.
    alone = programme_from_dict(
        _document(mentees=document["mentees"], mentors=document["mentors"][2:])
    )
    result = match(alone, advisor)
    ((_, _, nobody, known, kept),) = [attrs.astuple(g, recurse=False) for g in result.uncovered]
    assert (nobody, known, kept) == (("ana", "ben"), (), ())
    assert "no mentor in the pool knows it" in programme_report(result, alone)
    document["mentors"][2]["industry"] = "logistics"
    covered = match(programme_from_dict(document), advisor)
    (goal,) = covered.uncovered
    assert (goal.mentees, goal.known_by) == (("ana",), ("mgr", "dir", "cy"))
    assert dict(goal.kept_by) == {
        Reason.EXCLUDED_RELATION: 1,
        Reason.NO_PLACES: 1,
        Reason.BLOCKED: 1,
    }
    for done in (result, covered):
        Draft202012Validator(SCHEMAS["programme-result"]()).validate(match_to_dict(done))


def test_a_programme_built_in_python_is_checked_too(advisor: Advisor) -> None:
    read = programme_from_dict(_document())
    built = Programme(read.people, read.mentees, read.mentors)
    assert {(a.mentee, a.mentor) for a in match(built, advisor).assignment} == {
        (a.mentee, a.mentor) for a in match(read, advisor).assignment
    }
    with pytest.raises(SituationError, match="used up by existing pairs"):
        read.with_existing({"ana": "cy", "ben": "cy"})


def test_re_matching_frees_the_mentee_of_a_failed_pair_and_keeps_the_rest(advisor: Advisor) -> None:
    programme = programme_from_dict(_document())
    first = match(programme, advisor)
    kept = {a.mentee: a.mentor for a in first.assignment}
    failed = first.assignment[0]
    others = {e: m for e, m in kept.items() if e != failed.mentee}
    again = match(
        programme.with_existing(others).with_blocked(failed.mentee, failed.mentor, "no click"),
        advisor,
    )
    after = {a.mentee: a.mentor for a in again.assignment}
    assert all(after[e] == m for e, m in others.items())
    assert after.get(failed.mentee) != failed.mentor


# Generated programmes: a small chart, mentees and mentors drawn from it, random facts.

_GOALS = [
    {"kind": k, "scope": s} for k in ("advice", "questions") for s in ("job", "company", "industry")
]


@st.composite
def programmes(draw: st.DrawFn) -> dict[str, Any]:
    size = draw(st.integers(3, 6))
    people = [{"id": "p0", "level": 9, "organisation": "o"}]
    for n in range(1, size):
        people.append(
            {
                "id": f"p{n}",
                "reports_to": f"p{draw(st.integers(0, n - 1))}",
                "level": draw(st.integers(1, 8)),
                "organisation": draw(st.sampled_from(["o", "o", "x"])),
            }
        )
    ids = [p["id"] for p in people]
    mentees = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True))
    mentors = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
    pairs = [(e, m) for e in mentees for m in mentors if e != m]
    blocked = draw(st.lists(st.sampled_from(pairs), max_size=2, unique=True)) if pairs else []
    return {
        "settings": {
            "objective": draw(st.sampled_from(["fit", "participation", "fair", "stable"])),
            "lowest_verdict": draw(st.sampled_from(["weak_fit", "explore"])),
            "exclude_relations": draw(
                st.lists(
                    st.sampled_from(["direct_manager", "junior", "peer", "outside"]), unique=True
                )
            ),
        },
        "people": people,
        "mentees": [
            {
                "id": e,
                "months_at_company": draw(st.integers(0, 60)),
                "goals": draw(st.lists(st.sampled_from(_GOALS), max_size=2)),
                "preferences": [
                    m
                    for m in draw(st.permutations(mentors))[: draw(st.integers(0, len(mentors)))]
                    if m != e
                ],
            }
            for e in mentees
        ],
        "mentors": [
            {
                "id": m,
                "capacity": draw(st.integers(0, 2)),
                "years_at_company": draw(st.sampled_from([None, 1, 8])),
                "knows_culture": draw(st.sampled_from([None, True])),
                "willing": draw(st.sampled_from(["yes", "unknown", "no"])),
            }
            for m in mentors
        ],
        "pairs": [
            {
                "mentee": e,
                "mentor": m,
                "chemistry": draw(st.sampled_from(["good", "poor", "unknown"])),
                "conversations": draw(st.integers(0, 3)),
            }
            for e, m in pairs
            if draw(st.booleans())
        ],
        "blocked": [{"mentee": e, "mentor": m, "reason": "failed"} for e, m in blocked],
    }


def _check_constraints(programme: Programme, result: Matching) -> None:
    settings_ = programme.settings
    capacity = {m.id: m.capacity for m in programme.mentors}
    blocked = {(b.mentee, b.mentor) for b in programme.blocked}
    order = list(type(settings_.lowest_verdict))
    for a in result.assignment:
        assert a.mentee != a.mentor
        assert (a.mentee, a.mentor) not in blocked
        assert programme.relations[(a.mentee, a.mentor)] not in settings_.exclude_relations
        assert a.advice is not None
        assert a.advice.verdict.value != "avoid"
        assert order.index(a.advice.verdict) <= order.index(settings_.lowest_verdict)
    for load in result.mentors:
        assert len(load.assigned) <= capacity[load.mentor]
        assert load.unused == capacity[load.mentor] - len(load.assigned)
    assert len(result.assignment) + len(result.unmatched) == len(programme.mentees)


@settings(max_examples=40)
@given(programmes())
def test_no_hard_constraint_is_broken_and_the_objective_holds(document: dict[str, Any]) -> None:
    advisor = _python_advisor()
    programme = programme_from_dict(document)
    result = match(programme, advisor)
    _check_constraints(programme, result)
    chosen = {a.mentee: a.mentor for a in result.assignment}
    if programme.settings.objective.value == "fit":
        # No feasible assignment of the eligible pairs weighs more (brute force).
        weights = _eligible_weights(programme, result)
        best = _best(weights, {m.id: m.capacity for m in programme.mentors})
        assert sum(weights[(e, m)] for e, m in chosen.items()) == best
    if programme.settings.objective.value in ("participation", "fair"):
        weights = _eligible_weights(programme, result)
        capacity = {m.id: m.capacity for m in programme.mentors}
        every = _assignments(weights, capacity)
        most = max(len(a) for a in every)
        assert len(chosen) == most
        best_worst = max(min((weights[p] for p in a), default=0) for a in every if len(a) == most)
        worst = min((weights[(e, m)] for e, m in chosen.items()), default=0)
        total = sum(weights[(e, m)] for e, m in chosen.items())
        if programme.settings.objective.value == "fair":
            assert worst == best_worst
            assert total == max(
                sum(weights[p] for p in a)
                for a in every
                if len(a) == most and min((weights[p] for p in a), default=0) >= best_worst
            )
        else:
            assert total == max(sum(weights[p] for p in a) for a in every if len(a) == most)
    if programme.settings.objective.value == "stable":
        # No blocking pair under the lists the matching used (own preferences, then rank).
        mentee_lists, mentor_lists = _preferences(programme, _eligible_weights(programme, result))
        held = {m.mentor: list(m.assigned) for m in result.mentors}
        capacity = {m.id: m.capacity for m in programme.mentors}
        for e, ranked in mentee_lists.items():
            for m in ranked:
                if m == chosen.get(e):
                    break
                rank = mentor_lists[m].index
                assert len(held[m]) >= capacity[m]
                assert all(rank(o) < rank(e) for o in held[m])


def _eligible_weights(programme: Programme, result: Matching) -> dict[tuple[str, str], int]:
    s = programme.settings
    order = list(type(s.lowest_verdict))
    blocked = {(b.mentee, b.mentor) for b in programme.blocked}
    return {
        key: a.weight
        for key, a in result.pairs.items()
        if key not in blocked
        and a.relation not in s.exclude_relations
        and a.verdict.value != "avoid"
        and order.index(a.verdict) <= order.index(s.lowest_verdict)
    }


def _best(weights: dict[tuple[str, str], int], capacity: dict[str, int]) -> int:
    mentees = sorted({e for e, _ in weights})
    options = [[None, *[m for (x, m) in weights if x == e]] for e in mentees]
    best = 0
    for choice in itertools.product(*options):
        used: dict[str, int] = {}
        for m in choice:
            if m is not None:
                used[m] = used.get(m, 0) + 1
        if all(n <= capacity[m] for m, n in used.items()):
            best = max(
                best,
                sum(weights[(e, m)] for e, m in zip(mentees, choice, strict=True) if m is not None),
            )
    return best


def _assignments(
    weights: dict[tuple[str, str], int], capacity: dict[str, int]
) -> list[list[tuple[str, str]]]:
    """Every feasible assignment of the eligible pairs, as its list of pairs."""
    mentees = sorted({e for e, _ in weights})
    options = [[None, *[m for (x, m) in weights if x == e]] for e in mentees]
    out = []
    for choice in itertools.product(*options):
        used: dict[str, int] = {}
        for m in choice:
            if m is not None:
                used[m] = used.get(m, 0) + 1
        if all(n <= capacity[m] for m, n in used.items()):
            out.append([(e, m) for e, m in zip(mentees, choice, strict=True) if m is not None])
    return out


_ADVISOR: list[Advisor] = []


def _python_advisor() -> Advisor:
    if not _ADVISOR:
        _ADVISOR.append(Advisor(engine="python"))
    return _ADVISOR[0]


def test_weighing_a_mentee_s_mentors_together_gives_each_pair_s_own_advice() -> None:
    """A mentee's mentors are weighed in one situation when no rule reads what was concluded
    about the other candidates: the same verdict, score, goals fitted and rules as one
    situation a pair, on either engine (the evidence is made later, for the result's pairs,
    each alone)."""
    import json
    from pathlib import Path

    from mentor_rules import available_engines
    from mentor_rules.programme.match import _weigh

    path = Path(__file__).resolve().parents[1] / "examples" / "programme" / "erg-cohort.json"
    programme = programme_from_dict(json.loads(path.read_text(encoding="utf-8")))
    together = _weigh(programme, _python_advisor(), 1, True)
    durable = "durable" in available_engines()
    alone = _weigh(programme, Advisor(engine="durable" if durable else "python"), 1, False)
    assert together.advice == alone.advice
    assert together.eligible == alone.eligible
    assert together.removed == alone.removed
    assert len(together.advice) > 400


@settings(max_examples=25)
@given(programmes(), st.randoms(use_true_random=False))
def test_the_order_of_the_document_changes_nothing(document: dict[str, Any], rng: Any) -> None:
    """Shuffling people, mentees and mentors gives the same totals; the stable matching (unique
    for strict lists) is the same pair for pair."""
    shuffled = dict(document)
    for key in ("people", "mentees", "mentors"):
        items = list(document[key])
        rng.shuffle(items)
        shuffled[key] = items
    first = match(programme_from_dict(document), _python_advisor())
    second = match(programme_from_dict(shuffled), _python_advisor())
    assert (first.summary.matched, first.summary.total_weight) == (
        second.summary.matched,
        second.summary.total_weight,
    )
    if document["settings"]["objective"] == "stable":
        pairs = {(a.mentee, a.mentor) for a in first.assignment}
        assert pairs == {(a.mentee, a.mentor) for a in second.assignment}


@settings(max_examples=60)
@given(programmes())
def test_one_more_place_re_solves_the_mentee_s_part_as_the_whole_programme_would(
    document: dict[str, Any],
) -> None:
    """ "One more place" re-solves only the eligible pairs connected to the mentee: that part's
    solution, with the rest of the programme's solution, is a solution of the whole programme
    with the place added (the same total, the same mentee-optimal stable matching)."""
    from mentor_rules.programme.match import _parts, _solve, _weigh

    # More eligible pairs: every mentor willing and with a place, the lowest verdict allowed,
    # only the direct manager excluded.
    objective = document["settings"]["objective"]
    document = {
        **document,
        "settings": {"objective": "stable" if objective == "fair" else objective},
        "mentors": [
            {**m, "willing": "yes", "capacity": max(1, m["capacity"])} for m in document["mentors"]
        ],
    }
    programme = programme_from_dict(document)
    weighed = _weigh(programme, _python_advisor())
    parts = _parts(weighed.eligible)
    first = _solve(programme, weighed.eligible, weighed.places)
    for (mentee, mentor), _ in sorted(weighed.eligible.items()):
        part = parts[mentee]
        assert (mentee, mentor) in part
        assert all(parts[e] is part for e, _ in part)  # a mentee is in one part
        assert not any(
            m in {x for _, x in part} for p in parts.values() if p is not part for _, m in p
        )
        places = {**weighed.places, mentor: weighed.places[mentor] + 1}
        whole = _solve(programme, weighed.eligible, places)
        local = _solve(programme, part, places)
        mentees = {e for e, _ in part}
        combined = {e: (local.get(e) if e in mentees else m) for e, m in first.items()}
        combined.update({e: local.get(e) for e in mentees})
        used: dict[str, int] = {}
        for e, m in combined.items():
            if m is not None:
                assert (e, m) in weighed.eligible
                used[m] = used.get(m, 0) + 1
        assert all(n <= places[m] for m, n in used.items())
        if programme.settings.objective.value == "stable":
            assert combined == {e: whole.get(e) for e in combined}
        else:

            def score(chosen: dict[str, str | None]) -> tuple[int, int]:
                pairs = [(e, m) for e, m in chosen.items() if m is not None]
                total = sum(weighed.eligible[p] for p in pairs)
                if programme.settings.objective.value == "participation":
                    return len(pairs), total
                return total, len(pairs)

            assert score(combined) == score(whole)


@settings(max_examples=40)
@given(st.lists(situations(), min_size=1, max_size=4))
def test_verdicts_alone_are_the_advice_s_verdicts(batch: list[Any]) -> None:
    """``Advisor.verdicts_many``, what pairs are weighed by, gives each situation's candidate
    verdicts as its whole advice ranks them, on every engine installed."""
    from mentor_rules import available_engines

    for engine in available_engines():
        advisor = _python_advisor() if engine == "python" else _durable_advisor()
        assert advisor.verdicts_many(batch) == [advisor.advise(s).candidates for s in batch]


def _durable_advisor() -> Advisor:
    if len(_ADVISOR) < 2:
        _python_advisor()
        _ADVISOR.append(Advisor(engine="durable"))
    return _ADVISOR[1]
