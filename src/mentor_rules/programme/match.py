"""A programme matched: every pair weighed by the rule set, hard constraints first, then the
objective solved, then every pair and every unmatched mentee explained.

Pair evaluation is the cost: each mentor's candidate is built once a process, only the pairs
the hard constraints leave are weighed, a mentee with their mentors in one situation where the
rules allow (:func:`_independent`; else one situation a pair), for their verdicts only, over
``jobs`` processes or Dask partitions (``weigh.py``); the result's pairs alone are then advised
in full for their evidence.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum

import attrs
from attrs import frozen

from .._repr import attrs_repr
from ..advice.advisor import Advisor
from ..model.output import Evidence, Verdict
from ..model.situation import GoalScope, Relation
from ..model.text import name_key
from .document import Objective, Programme
from .solve import optimal_assignment, stable_matching
from .weigh import PairWeigher, Weighing, in_processes

__all__ = [
    "Assigned",
    "ChangeKind",
    "Matching",
    "MentorLoad",
    "PairAdvice",
    "Reason",
    "Summary",
    "Uncovered",
    "Unmatched",
    "WhyNotMentor",
    "WouldChange",
    "match",
    "pair_weight",
    "suggest",
]

_TIER = {Verdict.READY_TO_ASK: 3, Verdict.EXPLORE: 2, Verdict.WEAK_FIT: 1, Verdict.AVOID: 0}
_ORDER = {verdict: rank for rank, verdict in enumerate(Verdict)}
#: Mentors named in "ranked higher" and "every eligible mentor full": the first ones only.
SHOWN = 10
#: "One more place" is confirmed by re-solving with each of an unmatched mentee's first
#: ``CONFIRMED_MENTORS`` eligible mentors given one more place in turn. A re-solve covers only
#: the part of the programme that the mentee's eligible pairs connect (:func:`_parts`),
#: except under ``fair``, whose worst pair is the whole programme's. All the re-solves together
#: cover at most ``CONFIRM_SOLVES`` whole solves' worth of eligible pairs (in document order, a
#: re-solve is made while what is left covers its part), so with a large programme in one part
#: the later unmatched mentees name no mentor.
CONFIRM_SOLVES = 30
CONFIRMED_MENTORS = 3


class Reason(StrEnum):
    """Why a mentor is not a mentee's: the hard constraints, then being full."""

    EXCLUDED_RELATION = "excluded_relation"
    BLOCKED = "blocked"
    NO_PLACES = "no_places"
    AVOID = "avoid"
    BELOW_LOWEST_VERDICT = "below_lowest_verdict"
    FULL = "full"


class ChangeKind(StrEnum):
    """What would get an unmatched mentee a mentor."""

    ONE_MORE_PLACE = "one_more_place"
    MENTOR_WHO_KNOWS = "mentor_who_knows"


@frozen
class PairAdvice:
    """What the rule set says of one mentee with one mentor: verdict, score, goals fitted (by
    index in the mentee's goals), the rules that fired about the mentor and their evidence,
    with paths into the programme document (``mentors[4].industry``): made for the pairs of
    the result only (the other pairs' ``evidence`` is empty). ``weight`` is the ranking made
    numeric: verdict tier, then goals fitted, then score."""

    __repr__ = attrs_repr

    mentee: str
    mentor: str
    relation: Relation
    verdict: Verdict
    score: int
    fits_goals: tuple[int, ...]
    rules: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    weight: int


def pair_weight(verdict: Verdict, goals_fitted: int, score: int) -> int:
    """The ranking of a pair as one whole number: verdict tier, then goals fitted, then score
    (each order kept: a better tier outweighs any goals and score)."""
    return (
        _TIER[verdict] * 1_000_000
        + min(goals_fitted, 99) * 10_000
        + min(max(score + 5_000, 0), 9_999)
    )


@frozen
class WhyNotMentor:
    """Why a mentor is not a mentee's: ``reason``; for ``full``, the mentees who took the
    places (``taken_by``) and whether each fits that mentor at least as well (``fit_better``);
    ``detail`` is the blocked pair's reason, the relation excluded or the verdict."""

    __repr__ = attrs_repr

    mentor: str
    reason: Reason
    detail: str = ""
    taken_by: tuple[str, ...] = ()
    fit_better: bool = False


@frozen
class Assigned:
    """A pair of the result: its advice, the mentor's rank in the mentee's list (1 is first),
    why each mentor ranked higher is not theirs (the first :data:`SHOWN`), and whether it was an
    existing pair."""

    __repr__ = attrs_repr

    mentee: str
    mentor: str
    advice: PairAdvice | None
    rank: int | None
    higher: tuple[WhyNotMentor, ...] = ()
    existing: bool = False


@frozen
class WouldChange:
    """A change that would get an unmatched mentee a mentor: one more place with ``mentor``
    (confirmed by re-solving), or a mentor who knows ``subject`` for goal ``goal``."""

    __repr__ = attrs_repr

    kind: ChangeKind
    mentor: str | None = None
    goal: int | None = None
    scope: GoalScope | None = None
    subject: str | None = None


@frozen
class Unmatched:
    """A mentee left without a mentor: with no eligible mentor, how many mentors each reason
    removed (``excluded``); else every eligible mentor full (``full``, the first
    :data:`SHOWN`); and what would change it."""

    __repr__ = attrs_repr

    mentee: str
    excluded: tuple[tuple[Reason, int], ...]
    full: tuple[WhyNotMentor, ...]
    would_change: tuple[WouldChange, ...]


@frozen
class MentorLoad:
    """A mentor's places, the mentees assigned (existing pairs included) and the places unused."""

    __repr__ = attrs_repr

    mentor: str
    places: int
    assigned: tuple[str, ...]
    unused: int


@frozen
class Uncovered:
    """A goal no eligible mentor fits: its scope, what it is about (the industry or job, where
    the mentee named one) and the mentees who want it. ``known_by``: the mentors of the pool
    who know it (a rule fitting that goal fired, or was held back by an avoid, for them with a
    mentee who wants it, whatever the hard constraints);
    none means that nobody in the pool does, and a mentor must be found. ``kept_by``: why
    those mentors are not eligible for these mentees, as pairs counted by reason."""

    __repr__ = attrs_repr

    scope: GoalScope
    subject: str | None
    mentees: tuple[str, ...]
    known_by: tuple[str, ...] = ()
    kept_by: tuple[tuple[Reason, int], ...] = ()


#: Which of some mentors (by index) know the goal (by index) of one mentee (by index): their ids.
Probe = Callable[[int, Sequence[int], int], set[str]]


@frozen
class Summary:
    """The programme in numbers: the objective, what the result guarantees (``optimal`` or
    ``stable``), mentees matched and not, pairs evaluated, and the total weight."""

    __repr__ = attrs_repr

    objective: Objective
    guarantee: str
    mentees: int
    matched: int
    unmatched: int
    pairs_evaluated: int
    total_weight: int


@frozen
class Matching:
    """A programme matched and explained (see :func:`match`)."""

    __repr__ = attrs_repr

    assignment: tuple[Assigned, ...]
    unmatched: tuple[Unmatched, ...]
    mentors: tuple[MentorLoad, ...]
    uncovered: tuple[Uncovered, ...]
    summary: Summary
    pairs: Mapping[tuple[str, str], PairAdvice] = attrs.field(factory=dict, eq=False, repr=False)


def _goal_subject(
    programme: Programme, mentee_index: int, goal: int
) -> tuple[GoalScope, str | None]:
    mentee = programme.mentees[mentee_index].mentee
    scope = mentee.goals[goal].scope
    if scope == GoalScope.INDUSTRY:
        return scope, mentee.target_industry or mentee.industry
    if scope == GoalScope.JOB:
        return scope, mentee.target_job or mentee.job
    return scope, None


@frozen
class _Weighed:
    """The pairs weighed, those the advice removed (``removed``: avoid, below the lowest
    verdict) and those left (``eligible``, with their weights), and each mentor's places
    after the existing pairs. Why a pair was removed before it was weighed is worked out when
    asked (:meth:`why_removed`): kept for every pair, it would not fit in memory at scale."""

    __repr__ = attrs_repr

    advice: dict[tuple[str, str], PairAdvice]
    removed: dict[tuple[str, str], WhyNotMentor]
    eligible: dict[tuple[str, str], int]
    places: dict[str, int]
    programme: Programme
    blocked: dict[tuple[str, str], str]

    def why_removed(self, mentee: str, mentor: str) -> WhyNotMentor | None:
        """Why the pair is not eligible (a hard constraint, or the advice), or None."""
        key = (mentee, mentor)
        if key in self.blocked:
            return WhyNotMentor(mentor, Reason.BLOCKED, self.blocked[key])
        relation = self.programme.relations[key]
        if relation in self.programme.settings.exclude_relations:
            return WhyNotMentor(mentor, Reason.EXCLUDED_RELATION, relation.value)
        if self.places[mentor] <= 0:
            return WhyNotMentor(mentor, Reason.NO_PLACES)
        return self.removed.get(key)


_CANDIDATE = re.compile(r"candidates\[(\d+)\]")


def _remap(
    path: str,
    mentee_index: int,
    mentors: Sequence[int],
    pair: Callable[[int], tuple[int, bool] | None],
    person: int,
) -> str:
    """A path in a mentee's situation as a path in the programme document. ``mentors`` are
    the mentor indices of the situation's candidates; ``pair(m)`` is the index of the pair's
    entry in ``pairs`` and whether it gives the relation. A per-pair value with no entry
    points at ``pairs`` itself (where it would be given), a relation from the chart at the
    mentee's entry in ``people``."""
    if path.startswith("mentee"):
        return f"mentees[{mentee_index}]" + path[len("mentee") :]
    found = _CANDIDATE.match(path)
    if found is None:
        return path
    mentor_index = mentors[int(found.group(1))]
    rest = path[found.end() :]
    field_name = rest[1:].split("[")[0].split(".")[0]
    entry = pair(mentor_index)
    if field_name in ("chemistry", "conversations"):
        return f"pairs[{entry[0]}]{rest}" if entry is not None else "pairs"
    if field_name == "relation":
        if entry is not None and entry[1]:
            return f"pairs[{entry[0]}].relation"
        return f"people[{person}]"
    return f"mentors[{mentor_index}]{rest}"


def _entry(
    pair_index: Mapping[tuple[str, str], tuple[int, bool]],
    programme: Programme,
    mentee: str,
    mentor_index: int,
) -> tuple[int, bool] | None:
    return pair_index.get((mentee, programme.mentors[mentor_index].id))


def _independent(advisor: Advisor, programme: Programme) -> bool:
    """Whether a candidate's verdict depends on that candidate alone under ``advisor``'s rules,
    so that a mentee's mentors can be weighed together in one situation: no rule reads what
    was concluded about the other candidates, and no two mentor ids are one name to the
    situation model (which refuses names equal but for case and spaces)."""
    reads = advisor.rules.reads().get("mentee", frozenset())
    keys = {name_key(m.id) for m in programme.mentors}
    return "candidates_concluded" not in reads and len(keys) == len(programme.mentors)


def _grouped(
    pairs: Sequence[tuple[int, int]], together: bool, most: int
) -> list[tuple[int, tuple[int, ...]]]:
    """``pairs`` (mentee, mentor indices) as situations: each pair alone, or a mentee's
    mentors together, ``most`` at a time."""
    if not together:
        return [(e, (m,)) for e, m in pairs]
    by_mentee: dict[int, list[int]] = {}
    for e, m in pairs:
        by_mentee.setdefault(e, []).append(m)
    return [
        (e, tuple(ms[start : start + most]))
        for e, ms in by_mentee.items()
        for start in range(0, len(ms), most)
    ]


def _weigh(
    programme: Programme,
    advisor: Advisor,
    jobs: int = 1,
    group: bool | None = None,
    weighing: Weighing | None = None,
) -> _Weighed:
    """Every pair the hard constraints leave, weighed (its verdict, not yet its evidence):
    ``group`` (default: when :func:`_independent` allows) puts a mentee's mentors in one
    situation; ``weighing`` (default: ``jobs`` processes) is where the work is done."""
    settings = programme.settings
    blocked = {(b.mentee, b.mentor): b.reason for b in programme.blocked}
    fixed = {e.mentee: e.mentor for e in programme.existing}
    places = {m.id: m.capacity for m in programme.mentors}
    for pair in programme.existing:
        places[pair.mentor] -= 1
    excluded = set(settings.exclude_relations)
    removed: dict[tuple[str, str], WhyNotMentor] = {}
    todo: list[tuple[int, int]] = []
    # With ``outside`` excluded, only a mentee's own organisation is looked at: everyone in
    # another is outside by the chart (which a given relation cannot override).
    organisation = {p.id: p.organisation for p in programme.people}
    by_organisation: dict[str | None, list[int]] = {}
    for m, mentor in enumerate(programme.mentors):
        if places[mentor.id] > 0:  # a mentor with no places left is never weighed
            by_organisation.setdefault(organisation[mentor.id], []).append(m)
    everyone = [m for ms in by_organisation.values() for m in ms]
    mentor_index = {mentor.id: m for m, mentor in enumerate(programme.mentors)}
    relations = programme.relations
    for e, mentee in enumerate(programme.mentees):
        if mentee.id in fixed:  # evaluated for its explanation only
            todo.append((e, mentor_index[fixed[mentee.id]]))
            continue
        if Relation.OUTSIDE in excluded:
            looked_at = by_organisation.get(organisation[mentee.id], [])
        else:
            looked_at = everyone
        for m in looked_at:
            mentor_id = programme.mentors[m].id
            key = (mentee.id, mentor_id)
            if mentor_id == mentee.id or key in blocked:
                continue
            if relations[key] not in excluded:
                todo.append((e, m))
    advice: dict[tuple[str, str], PairAdvice] = {}
    eligible: dict[tuple[str, str], int] = {}
    lowest = _ORDER[settings.lowest_verdict]
    together = _independent(advisor, programme) if group is None else group
    work = _grouped(todo, together, advisor.limits.max_candidates)
    weigh = in_processes(jobs) if weighing is None else weighing
    for (e, _), verdicts in zip(work, weigh(advisor, programme, work), strict=True):
        mentee = programme.mentees[e]
        for verdict in verdicts:
            mentor_id = verdict.name
            key = (mentee.id, mentor_id)
            weight = pair_weight(verdict.verdict, len(verdict.fits_goals), verdict.score)
            advice[key] = PairAdvice(
                mentee.id,
                mentor_id,
                relations[key],
                verdict.verdict,
                verdict.score,
                verdict.fits_goals,
                verdict.rules,
                (),
                weight,
            )
            if mentee.id in fixed:
                continue
            if verdict.verdict == Verdict.AVOID:
                removed[key] = WhyNotMentor(mentor_id, Reason.AVOID, verdict.verdict.value)
            elif _ORDER[verdict.verdict] > lowest:
                removed[key] = WhyNotMentor(
                    mentor_id, Reason.BELOW_LOWEST_VERDICT, verdict.verdict.value
                )
            else:
                eligible[key] = weight
    return _Weighed(advice, removed, eligible, places, programme, blocked)


def _evidenced(
    programme: Programme,
    advisor: Advisor,
    weighed: _Weighed,
    chosen: Mapping[str, str | None],
    jobs: int = 1,
) -> _Weighed:
    """``weighed`` with the evidence of each pair of the result (existing pairs included):
    each pair advised alone, its paths pointing into the programme document. Weighing a
    mentee's mentors together gives each the verdict it has alone (:func:`_independent`), so
    only the result's pairs, one a mentee, are advised in full."""
    fixed = {e.mentee: e.mentor for e in programme.existing}
    mentor_index = {mentor.id: m for m, mentor in enumerate(programme.mentors)}
    wanted: list[tuple[int, int]] = []
    for e, mentee in enumerate(programme.mentees):
        mentor = fixed.get(mentee.id) or chosen.get(mentee.id)
        if mentor is not None and (mentee.id, mentor) in weighed.advice:
            wanted.append((e, mentor_index[mentor]))
    if not wanted:
        return weighed
    pair_index = {
        (p.mentee, p.mentor): (n, p.relation is not None) for n, p in enumerate(programme.pairs)
    }
    person_index = {p.id: n for n, p in enumerate(programme.people)}
    maker = PairWeigher(advisor, programme)
    situations = (maker.situation(e, (m,)) for e, m in wanted)
    advice = dict(weighed.advice)
    items = advisor.advise_iter(situations, workers=jobs)
    for (e, m), item in zip(wanted, items, strict=True):
        if item.error is not None:
            raise item.error
        assert item.advice is not None
        mentee = programme.mentees[e]
        key = (mentee.id, programme.mentors[m].id)
        found: dict[str, Evidence] = {}
        for r in item.advice.recommendations:
            if r.subject != key[1]:
                continue
            for ev in r.evidence:
                path = _remap(
                    ev.path,
                    e,
                    (m,),
                    functools.partial(_entry, pair_index, programme, mentee.id),
                    person_index[mentee.id],
                )
                found.setdefault(path, attrs.evolve(ev, path=path))
        advice[key] = attrs.evolve(advice[key], evidence=tuple(found.values()))
    return attrs.evolve(weighed, advice=advice)


def _preferences(
    programme: Programme, eligible: Mapping[tuple[str, str], int]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Each side's ranked list over its eligible pairs: its own preferences where given (those
    eligible, in order), then the rest by the pair's weight (best first), then id."""
    by_mentee: dict[str, list[tuple[int, str]]] = {m.id: [] for m in programme.mentees}
    by_mentor: dict[str, list[tuple[int, str]]] = {m.id: [] for m in programme.mentors}
    for (mentee, mentor), weight in eligible.items():
        by_mentee[mentee].append((-weight, mentor))
        by_mentor[mentor].append((-weight, mentee))

    def ranked(own: Sequence[str], pool: list[tuple[int, str]]) -> list[str]:
        allowed = {who for _, who in pool}
        first = [who for who in own if who in allowed]
        taken = set(first)
        return first + [who for _, who in sorted(pool) if who not in taken]

    mentees = {m.id: ranked(m.preferences, by_mentee[m.id]) for m in programme.mentees}
    mentors = {m.id: ranked(m.preferences, by_mentor[m.id]) for m in programme.mentors}
    return mentees, mentors


def _solve(
    programme: Programme, eligible: Mapping[tuple[str, str], int], places: Mapping[str, int]
) -> dict[str, str | None]:
    objective = programme.settings.objective
    if objective == Objective.STABLE:
        mentees, mentors = _preferences(programme, eligible)
        return stable_matching(mentees, mentors, places)
    if objective == Objective.FIT:
        return optimal_assignment(eligible, places)
    most = _most_pairs(eligible, places)
    if objective == Objective.PARTICIPATION:
        return most
    # fair: as many matched as participation, the worst matched pair as good as can be (the
    # highest weight ``floor`` that still lets that many be matched, found by bisection over
    # the weights), then the most total weight among those pairs.
    needed = sum(m is not None for m in most.values())
    levels = sorted(set(eligible.values()))
    low, high = 0, len(levels) - 1  # levels[low] always reaches ``needed``
    while low < high:
        middle = (low + high + 1) // 2
        kept = {key: w for key, w in eligible.items() if w >= levels[middle]}
        if sum(m is not None for m in _most_pairs(kept, places).values()) >= needed:
            low = middle
        else:
            high = middle - 1
    floor = levels[low] if levels else 0
    chosen = _most_pairs({key: w for key, w in eligible.items() if w >= floor}, places)
    return {mentee: chosen.get(mentee) for mentee in most}


def _most_pairs(
    eligible: Mapping[tuple[str, str], int], places: Mapping[str, int]
) -> dict[str, str | None]:
    """The most pairs, then the most total weight: each pair is worth more than any total."""
    bonus = max(eligible.values(), default=0) * (len(eligible) + 1) + 1
    return optimal_assignment({key: w + bonus for key, w in eligible.items()}, places)


def match(
    programme: Programme,
    advisor: Advisor | None = None,
    *,
    jobs: int = 1,
    weighing: Weighing | None = None,
) -> Matching:
    """Match ``programme`` by its settings' objective, and explain the result.

    ``advisor`` weighs the pairs (the shipped rules on the default engine if None);
    ``jobs`` processes evaluate them, or ``weighing`` does (``mentor_rules.dask`` weighs on
    Dask partitions). The optimal objectives need scipy
    (``pip install 'scipy>=1.11'``, or the ``programme`` extra from a checkout).
    """
    if not programme.relations and programme.mentees and programme.mentors:
        programme = programme.checked()  # built in Python, not read by from_dict
    advisor = Advisor() if advisor is None else advisor
    weighed = _weigh(programme, advisor, jobs, weighing=weighing)
    chosen = _solve(programme, weighed.eligible, weighed.places)
    weighed = _evidenced(programme, advisor, weighed, chosen, jobs if weighing is None else 1)
    return _explain(programme, weighed, chosen, _prober(programme, advisor))


def _prober(programme: Programme, advisor: Advisor) -> Probe:
    """A :data:`Probe` with ``advisor``, here: the mentee with the mentors, together where the
    rules allow (:func:`_independent`), advised in full. A mentor knows the goal when a rule
    that fits its scope fired for them, or would have but for an ``unless`` (an avoid: their
    manager, say), so that a mentor the rules keep away still counts as knowing it."""
    weigher = PairWeigher(advisor, programme)
    together = _independent(advisor, programme)

    def probe(mentee: int, mentors: Sequence[int], goal: int) -> set[str]:
        scope = programme.mentees[mentee].mentee.goals[goal].scope
        work = _grouped([(mentee, m) for m in mentors], together, advisor.limits.max_candidates)
        knowing: set[str] = set()
        situations = (weigher.situation(e, ms) for e, ms in work)
        for item in advisor.advise_iter(situations):
            if item.error is not None:
                raise item.error
            assert item.advice is not None
            knowing.update(v.name for v in item.advice.candidates if goal in v.fits_goals)
            names = {v.name for v in item.advice.candidates}
            knowing.update(
                held.subject
                for held in item.advice.suppressed
                if held.subject in names and advisor.rules[held.rule].fits == scope
            )
        return knowing

    return probe


def _explain(
    programme: Programme,
    weighed: _Weighed,
    chosen: Mapping[str, str | None],
    probe: Probe | None = None,
) -> Matching:
    """The result of ``chosen``, explained; ``probe`` weighs the pairs needed to say which
    mentors know an uncovered goal (without it, the pairs weighed already tell)."""
    objective = programme.settings.objective
    fixed = {e.mentee: e.mentor for e in programme.existing}
    taken: dict[str, list[str]] = {m.id: [] for m in programme.mentors}
    for someone, theirs in fixed.items():
        taken[theirs].append(someone)
    for someone, chosen_mentor in sorted(chosen.items()):
        if chosen_mentor is not None:
            taken[chosen_mentor].append(someone)
    mentee_lists, mentor_lists = _preferences(programme, weighed.eligible)
    mentor_rank = {m: {e: n for n, e in enumerate(lst)} for m, lst in mentor_lists.items()}

    def full(mentee: str, mentor: str) -> WhyNotMentor:
        others = tuple(taken[mentor])
        if objective == Objective.STABLE:
            mine = mentor_rank[mentor].get(mentee, len(mentor_rank[mentor]))
            better = all(mentor_rank[mentor].get(o, -1) < mine for o in others)
        else:
            own = weighed.eligible.get((mentee, mentor), 0)
            better = all(
                weighed.advice[(o, mentor)].weight >= own
                for o in others
                if (o, mentor) in weighed.advice
            )
        return WhyNotMentor(mentor, Reason.FULL, "", others, better)

    def why_not(mentee: str, mentor: str) -> WhyNotMentor:
        removed = weighed.why_removed(mentee, mentor)
        return removed if removed is not None else full(mentee, mentor)

    # Each mentee's weighed pairs and removed mentors, found once (not a scan a mentee).
    advice_of: dict[str, list[PairAdvice]] = {}
    for a in weighed.advice.values():
        advice_of.setdefault(a.mentee, []).append(a)

    def ranking(index: int) -> list[str]:
        mentee = programme.mentees[index]
        listed = list(mentee.preferences)
        rest = sorted(
            (a for a in advice_of.get(mentee.id, ()) if a.mentor not in listed),
            key=lambda a: (-a.weight, a.mentor),
        )
        return listed + [a.mentor for a in rest]

    assignment: list[Assigned] = []
    unmatched: list[Unmatched] = []
    budget = CONFIRM_SOLVES * max(len(weighed.eligible), 1)
    parts = None if objective == Objective.FAIR else _parts(weighed.eligible)
    for index, mentee in enumerate(programme.mentees):
        mentor = fixed.get(mentee.id) or chosen.get(mentee.id)
        if mentor is not None:
            order = ranking(index)
            rank = order.index(mentor) + 1 if mentor in order else None
            higher = tuple(why_not(mentee.id, m) for m in order[: (rank or 1) - 1][:SHOWN])
            assignment.append(
                Assigned(
                    mentee.id,
                    mentor,
                    weighed.advice.get((mentee.id, mentor)),
                    rank,
                    higher,
                    mentee.id in fixed,
                )
            )
            continue
        eligible = mentee_lists[mentee.id]
        excluded: Counter[Reason] = Counter()
        if not eligible:  # every mentor looked at, for this mentee only
            for other in programme.mentors:
                if other.id != mentee.id:
                    why = weighed.why_removed(mentee.id, other.id)
                    if why is not None:
                        excluded[why.reason] += 1
        changes: list[WouldChange] = []
        fulls: tuple[WhyNotMentor, ...] = ()
        if eligible:
            fulls = tuple(full(mentee.id, m) for m in eligible[:SHOWN])
            part = weighed.eligible if parts is None else parts[mentee.id]
            for m in eligible[:CONFIRMED_MENTORS]:
                if budget < len(part):
                    break
                budget -= max(len(part), 1)
                places = {**weighed.places, m: weighed.places[m] + 1}
                if _solve(programme, part, places).get(mentee.id) is not None:
                    changes.append(WouldChange(ChangeKind.ONE_MORE_PLACE, mentor=m))
        fitted = {
            g
            for a in advice_of.get(mentee.id, ())
            if (a.mentee, a.mentor) in weighed.eligible
            for g in a.fits_goals
        }
        for goal in range(len(mentee.mentee.goals)):
            if goal not in fitted:
                scope, subject = _goal_subject(programme, index, goal)
                changes.append(
                    WouldChange(
                        ChangeKind.MENTOR_WHO_KNOWS, goal=goal, scope=scope, subject=subject
                    )
                )
        unmatched.append(
            Unmatched(
                mentee.id,
                tuple(sorted(excluded.items())) if not eligible else (),
                fulls,
                tuple(changes),
            )
        )
    mentors = tuple(
        MentorLoad(m.id, m.capacity, tuple(taken[m.id]), m.capacity - len(taken[m.id]))
        for m in programme.mentors
    )
    uncovered = _uncovered(programme, weighed, probe)
    total = sum(weighed.eligible.get((a.mentee, a.mentor), 0) for a in assignment if not a.existing)
    summary = Summary(
        objective,
        "stable" if objective == Objective.STABLE else "optimal",
        len(programme.mentees),
        len(assignment),
        len(unmatched),
        len(weighed.advice),
        total,
    )
    return Matching(
        tuple(assignment), tuple(unmatched), mentors, uncovered, summary, weighed.advice
    )


def _parts(eligible: Mapping[tuple[str, str], int]) -> dict[str, dict[tuple[str, str], int]]:
    """The eligible pairs in connected parts (pairs that share a mentee or a mentor, and so
    on), each mentee's part by their id: what a change of that mentee's mentors' places can
    move. A best assignment (and a stable matching) of the whole programme is one of each
    part, so re-solving a mentee's part alone re-solves the programme for them. Found once,
    by union-find over mentees and mentors (a mentee and a mentor may share an id)."""
    parent: dict[tuple[int, str], tuple[int, str]] = {}

    def root(node: tuple[int, str]) -> tuple[int, str]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for mentee, mentor in eligible:
        a, b = root((0, mentee)), root((1, mentor))
        if a != b:
            parent[a] = b
    by_root: dict[tuple[int, str], dict[tuple[str, str], int]] = {}
    for key, weight in eligible.items():
        by_root.setdefault(root((0, key[0])), {})[key] = weight
    return {mentee: by_root[root((0, mentee))] for mentee, _ in eligible}


def _uncovered(
    programme: Programme, weighed: _Weighed, probe: Probe | None
) -> tuple[Uncovered, ...]:
    """The goals no eligible mentor fits, grouped by scope and subject, with the mentors who
    know each (from the pairs weighed, then, with ``probe``, the first mentee of the group
    with every other mentor) and why they are not eligible."""
    fitted: dict[str, set[int]] = {}
    for pair in weighed.eligible:
        fitted.setdefault(pair[0], set()).update(weighed.advice[pair].fits_goals)
    groups: dict[tuple[GoalScope, str | None], list[tuple[int, int]]] = {}
    fixed = {e.mentee for e in programme.existing}
    for index, mentee in enumerate(programme.mentees):
        if mentee.id in fixed:
            continue
        seen: set[tuple[GoalScope, str | None]] = set()
        for goal in range(len(mentee.mentee.goals)):
            if goal in fitted.get(mentee.id, set()):
                continue
            wanted = _goal_subject(programme, index, goal)
            if wanted not in seen:
                seen.add(wanted)
                groups.setdefault(wanted, []).append((index, goal))
    if not groups:
        return ()
    # Who knows each: a mentor who fits that goal for any mentee who wants it.
    index_of = {m.id: n for n, m in enumerate(programme.mentees)}
    known: dict[tuple[GoalScope, str | None], set[str]] = {key: set() for key in groups}
    for a in weighed.advice.values():
        for goal in a.fits_goals:
            found = known.get(_goal_subject(programme, index_of[a.mentee], goal))
            if found is not None:
                found.add(a.mentor)
    if probe is not None:
        for key, wanting in groups.items():
            first, goal = wanting[0]
            mentee_id = programme.mentees[first].id
            untried = [
                m
                for m, mentor in enumerate(programme.mentors)
                if mentor.id != mentee_id and mentor.id not in known[key]
            ]
            known[key].update(probe(first, untried, goal))
    out = []
    for key, wanting in groups.items():
        ids = tuple(programme.mentees[index].id for index, _ in wanting)
        kept: Counter[Reason] = Counter()
        for mentee_id in ids:
            for mentor in known[key]:
                why = None if mentor == mentee_id else weighed.why_removed(mentee_id, mentor)
                if why is not None:
                    kept[why.reason] += 1
        order = {mentor.id: n for n, mentor in enumerate(programme.mentors)}
        out.append(
            Uncovered(
                key[0],
                key[1],
                ids,
                tuple(sorted(known[key], key=order.__getitem__)),
                tuple(sorted(kept.items())),
            )
        )
    return tuple(sorted(out, key=lambda g: (-len(g.mentees), g.scope.value, g.subject or "")))


def suggest(match_: Matching, programme: Programme, count: int) -> dict[str, tuple[str, ...]]:
    """For self-matching programmes: the ``count`` best mentors for each mentee (by the pair's
    weight), each mentor suggested at most as often as they have places left. Pairs are taken
    best first over the whole programme."""
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    fixed = {e.mentee for e in programme.existing}
    left = {m.id: m.capacity for m in programme.mentors}
    for pair in programme.existing:
        left[pair.mentor] -= 1
    out: dict[str, list[str]] = {m.id: [] for m in programme.mentees if m.id not in fixed}
    removed = set(match_.pairs) - _eligible_keys(match_, programme)
    ranked = sorted(
        (a for key, a in match_.pairs.items() if key not in removed and a.mentee in out),
        key=lambda a: (-a.weight, a.mentee, a.mentor),
    )
    for a in ranked:
        if len(out[a.mentee]) < count and left[a.mentor] > 0:
            out[a.mentee].append(a.mentor)
            left[a.mentor] -= 1
    return {k: tuple(v) for k, v in out.items()}


def _eligible_keys(match_: Matching, programme: Programme) -> set[tuple[str, str]]:
    lowest = _ORDER[programme.settings.lowest_verdict]
    return {
        key
        for key, a in match_.pairs.items()
        if a.verdict != Verdict.AVOID and _ORDER[a.verdict] <= lowest
    }
