"""Helpers of the specification suite: verdict order, evidence paths, reordering and its
normalisation, and situations that lean towards the interesting corners of the rule set."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import attrs
from hypothesis import settings
from hypothesis import strategies as st

from mentor_rules import (
    Advice,
    Advisor,
    Candidate,
    Chemistry,
    Recommendation,
    Relation,
    Situation,
    Verdict,
    Willingness,
)
from mentor_rules.testing import candidates, names, situations

__all__ = [
    "MISSING",
    "VERDICT_RANK",
    "Engines",
    "Reordering",
    "canonical",
    "echo_key",
    "echoes",
    "fewer_examples",
    "fired",
    "knows_the_ground",
    "name_key",
    "normalised",
    "noted",
    "path_tokens",
    "promising_candidates",
    "rename",
    "rename_subject",
    "reorderings",
    "resolve",
    "spec_situations",
]

_T = TypeVar("_T")

#: The advisors of every engine available here, on the rule set under test (the ``advisors``
#: fixture). A property draws its example once and checks it on each engine in turn: half the
#: generating of one test per engine, and the engines still face the very same inputs.
Engines = tuple[Advisor, ...]


def fewer_examples(share: int) -> settings:
    """Settings for a test whose examples are costly to make (generated rule packs): the
    profile's number of examples divided by ``share`` (at least 10)."""
    return settings(max_examples=max(10, settings().max_examples // share))


@contextlib.contextmanager
def noted(advisor: Advisor) -> Iterator[Advisor]:
    """Say which engine an assertion failed on (as a note on the exception)."""
    try:
        yield advisor
    except AssertionError as error:
        error.add_note(f"engine: {advisor.engine}")
        raise


#: Verdicts from best to worst: a smaller rank is a better verdict.
VERDICT_RANK: dict[Verdict, int] = {
    Verdict.READY_TO_ASK: 0,
    Verdict.EXPLORE: 1,
    Verdict.WEAK_FIT: 2,
    Verdict.AVOID: 3,
}


def fired(advice: Advice, rule_id: str) -> list[Recommendation]:
    """The recommendations of one rule, in advice order."""
    return [r for r in advice.recommendations if r.rule == rule_id]


# --------------------------------------------------------------------------- the input domain


def echo_key(text: str) -> str:
    """How texts are compared for echoes: case-insensitive, runs of whitespace as one space."""
    return " ".join(text.casefold().split())


#: Candidate names are compared the same way (``Ann`` and ``ann `` are the same person).
name_key = echo_key


def echoes(candidate: Candidate, situation: Situation, which: str) -> bool:
    """Whether a trait of ``candidate`` is a text a past mentor's ``which`` list also holds."""
    keys = {
        echo_key(text) for past in situation.mentee.past_mentors for text in getattr(past, which)
    }
    return any(echo_key(trait) in keys for trait in candidate.traits)


def knows_the_ground(candidate: Candidate) -> bool:
    """Relevant knowledge: knows the culture, or 3+ years at the company, or 5+ in the industry."""
    return (
        candidate.knows_culture is True
        or (candidate.years_at_company is not None and candidate.years_at_company >= 3)
        or (candidate.years_in_industry is not None and candidate.years_in_industry >= 5)
    )


def promising_candidates() -> st.SearchStrategy[Candidate]:
    """Candidates near the ``ready_to_ask`` line: talked with, good chemistry, knowledgeable,
    with one thing sometimes off, so that every condition of the ready rule gets tested."""
    return st.builds(
        Candidate,
        name=names(),
        relation=st.sampled_from([Relation.SENIOR, Relation.SKIP_LEVEL, *Relation]),
        years_at_company=st.one_of(st.sampled_from([3.0, 2.0, 8.0]), st.none()),
        years_in_industry=st.one_of(st.sampled_from([5.0, 4.0, 20.0]), st.none()),
        knows_culture=st.one_of(st.none(), st.booleans()),
        chemistry=st.sampled_from([Chemistry.GOOD, *Chemistry]),
        conversations=st.sampled_from([1, 0, 2, 5]),
        willing=st.sampled_from(Willingness),
    )


def spec_situations(
    *, min_candidates: int = 0, max_candidates: int = 6
) -> st.SearchStrategy[Situation]:
    """:func:`mentor_rules.testing.situations`, with candidates near the ready line mixed in."""
    return situations(
        min_candidates=min_candidates,
        max_candidates=max_candidates,
        candidate=st.one_of(candidates(), promising_candidates()),
    )


# --------------------------------------------------------------------------- evidence paths

_TOKEN = re.compile(r"(?:^|\.)([^.\[\]]+)|\[(\d+)\]")

#: What :func:`resolve` returns for a path that does not lead anywhere in the document.
MISSING: Any = object()


def path_tokens(path: str) -> list[str | int]:
    """``"mentee.goals[1].scope"`` as ``["mentee", "goals", 1, "scope"]``; ``ValueError`` when
    ``path`` is not in that form."""
    tokens: list[str | int] = []
    position = 0
    while position < len(path):
        match = _TOKEN.match(path, position)
        if match is None or match.end() == position:
            raise ValueError(f"not an evidence path: {path!r} (at {position})")
        tokens.append(match[1] if match[1] is not None else int(match[2]))
        position = match.end()
    if not tokens:
        raise ValueError("an empty evidence path")
    return tokens


def resolve(document: Any, path: str) -> Any:
    """The value at ``path`` in a JSON-like ``document``, or :data:`MISSING`."""
    current = document
    for token in path_tokens(path):
        if isinstance(token, int):
            if not isinstance(current, list) or not 0 <= token < len(current):
                return MISSING
            current = current[token]
        else:
            if not isinstance(current, Mapping) or token not in current:
                return MISSING
            current = current[token]
    return current


# --------------------------------------------------------------------------- reordering


@attrs.frozen
class Reordering:
    """A situation with its lists reordered, and how.

    ``orders`` maps each reordered list, named by its path *in the original situation* as a
    tuple (``("candidates",)``, ``("candidates", 2, "traits")``, ``("mentee", "goals")``), to
    the order of its items: item ``k`` of the reordered list is item ``orders[key][k]`` of the
    original one.
    """

    situation: Situation
    orders: Mapping[tuple[str | int, ...], tuple[int, ...]]


@st.composite
def reorderings(draw: st.DrawFn, situation: Situation) -> Reordering:
    """``situation`` with its candidates, each candidate's traits, the goals, ideas, coaching
    roles and past mentors (and what worked and did not with each) in another order."""
    orders: dict[tuple[str | int, ...], tuple[int, ...]] = {}

    def shuffle(key: tuple[str | int, ...], items: Sequence[_T]) -> tuple[_T, ...]:
        order = tuple(draw(st.permutations(range(len(items)))))
        orders[key] = order
        return tuple(items[index] for index in order)

    mentee = situation.mentee
    past = [
        attrs.evolve(
            p,
            worked=shuffle(("mentee", "past_mentors", i, "worked"), p.worked),
            did_not_work=shuffle(("mentee", "past_mentors", i, "did_not_work"), p.did_not_work),
        )
        for i, p in enumerate(mentee.past_mentors)
    ]
    reordered_mentee = attrs.evolve(
        mentee,
        goals=shuffle(("mentee", "goals"), mentee.goals),
        ideas=shuffle(("mentee", "ideas"), mentee.ideas),
        support_roles=shuffle(("mentee", "support_roles"), mentee.support_roles),
        past_mentors=shuffle(("mentee", "past_mentors"), past),
    )
    people = [
        attrs.evolve(c, traits=shuffle(("candidates", i, "traits"), c.traits))
        for i, c in enumerate(situation.candidates)
    ]
    reordered = Situation(reordered_mentee, shuffle(("candidates",), people))
    return Reordering(reordered, orders)


def rename(path: str, orders: Mapping[tuple[str | int, ...], tuple[int, ...]]) -> str:
    """An evidence path of the reordered situation as the path of the same value in the
    original one (``candidates[0].traits[1]`` -> ``candidates[3].traits[0]``)."""
    original: list[str | int] = []
    for token in path_tokens(path):
        if isinstance(token, int):
            order = orders.get(tuple(original))
            token = order[token] if order is not None else token
        original.append(token)
    out = ""
    for token in original:
        out += f"[{token}]" if isinstance(token, int) else (f".{token}" if out else token)
    return out


_PAST_MENTOR = re.compile(r"past mentor (\d+) (\(.*\))")


def rename_subject(subject: str, orders: Mapping[tuple[str | int, ...], tuple[int, ...]]) -> str:
    """A past mentor's subject (``past mentor 2 (school)``, by 1-based position) as the subject of
    the same past mentor in the original situation; other subjects are names, kept as they are."""
    match = _PAST_MENTOR.fullmatch(subject)
    order = orders.get(("mentee", "past_mentors"))
    if match is None or order is None:
        return subject
    return f"past mentor {order[int(match[1]) - 1] + 1} {match[2]}"


def canonical(value: Any) -> Any:
    """A value with every list made an order-free multiset (a sorted tuple), recursively."""
    if isinstance(value, list | tuple):
        return ("<list>", *sorted((canonical(v) for v in value), key=repr))
    if isinstance(value, Mapping):
        return ("<object>", *sorted((k, canonical(v)) for k, v in value.items()))
    return value


def _multiset(items: Iterable[_T]) -> tuple[_T, ...]:
    return tuple(sorted(items, key=repr))


def normalised(
    advice: Advice, orders: Mapping[tuple[str | int, ...], tuple[int, ...]] | None = None
) -> tuple[Any, ...]:
    """Advice in a form that does not depend on the order of the input's lists.

    Evidence paths hold list indices, and lists shown as evidence hold their items in input
    order, so advice on a reordered situation differs from the original only there. The
    normalisation undoes exactly that and nothing else:

    - each evidence path is renamed to the path of the same value in the original situation
      (:func:`rename`, from the known ``orders``), so an index must point at the very same item;
      likewise a past mentor's subject, which holds its position (:func:`rename_subject`);
    - each evidence value is made :func:`canonical` (lists as multisets), since a list value
      is shown in input order;
    - a recommendation's evidence is compared as a multiset, since it is listed in the order the
      condition met the values, which follows the input order;
    - the recommendations are compared as a multiset of these normalised recommendations, and
      *also* as the ordered sequence of (kind, rule, about, subject), so that their order is
      still checked where it is meant to be independent of input order: past mentors are
      listed by position, so their subjects stand in that sequence as just "past mentor";
    - candidate verdicts are compared exactly, in order (the goals each fits renamed to the
      original indices); suppressed advice as a multiset; next steps (which carry no paths) as a
      multiset, with past mentors' subjects renamed, and as the ordered sequence of (rule,
      subject), past mentors standing in it as just "past mentor".
    """
    orders = orders or {}
    goal_order = orders.get(("mentee", "goals")) or range(1000)
    recommendations = [
        (
            r.rule,
            r.kind,
            r.about,
            rename_subject(r.subject, orders),
            r.message,
            r.because,
            r.source,
            _multiset((rename(e.path, orders), canonical(e.value)) for e in r.evidence),
        )
        for r in advice.recommendations
    ]
    return (
        _multiset(recommendations),
        tuple((r.kind, r.rule, r.about, _unplaced(r.subject)) for r in advice.recommendations),
        tuple(
            attrs.evolve(v, fits_goals=tuple(sorted(goal_order[n] for n in v.fits_goals)))
            for v in advice.candidates
        ),
        _multiset(
            (s.rule, rename_subject(s.subject, orders), s.text, s.others) for s in advice.next_steps
        ),
        tuple((s.rule, _unplaced(s.subject)) for s in advice.next_steps),
        _multiset((s.rule, rename_subject(s.subject, orders), s.by) for s in advice.suppressed),
    )


def _unplaced(subject: str) -> str:
    return "past mentor" if _PAST_MENTOR.fullmatch(subject) else subject
