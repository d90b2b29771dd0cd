"""The programme document: people and their organisation chart, a cohort of mentees, a pool of
mentors with places, per-pair facts, blocked and existing pairs, and the settings.

Read strictly, like a situation: every problem is reported at once with its JSON path, in a
:class:`SituationError` whose ``document`` is ``"programme"``. The relation of every mentee to
every mentor is derived from the chart (:class:`Relations`), never typed per pair.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from typing import Any

import attrs
from attrs import field, frozen

from .._errors import Problem, SituationError, json_type, show
from .._repr import attrs_repr
from ..model.documents import register_enum, structure
from ..model.limits import Limits
from ..model.output import Verdict
from ..model.situation import Candidate, Chemistry, Mentee, Relation

__all__ = [
    "Blocked",
    "Existing",
    "Objective",
    "PairFacts",
    "Person",
    "Programme",
    "ProgrammeMentee",
    "ProgrammeMentor",
    "Relations",
    "Settings",
    "programme_from_dict",
]


class Objective(StrEnum):
    """What the matching optimises."""

    FIT = "fit"
    PARTICIPATION = "participation"
    FAIR = "fair"
    STABLE = "stable"


register_enum(Objective)


@frozen
class Person:
    """Someone in the organisation chart. ``level``: higher is more senior."""

    __repr__ = attrs_repr

    id: str
    reports_to: str | None = None
    level: int | None = None
    organisation: str | None = None


@frozen
class ProgrammeMentee:
    """A mentee of the cohort: their id, their situation's ``mentee`` and their ranked
    preferences (mentor ids, best first; empty if none given)."""

    __repr__ = attrs_repr

    id: str
    mentee: Mentee
    preferences: tuple[str, ...] = ()


@frozen
class ProgrammeMentor:
    """A mentor of the pool: their id, their candidate fields (``candidate.name`` is the id;
    the relation, chemistry and conversations are per pair), their places and their ranked
    preferences (mentee ids, best first)."""

    __repr__ = attrs_repr

    id: str
    candidate: Candidate
    capacity: int
    preferences: tuple[str, ...] = ()


@frozen
class PairFacts:
    """What is known of one mentee and one mentor together: chemistry, conversations, and a
    relation where the chart cannot decide it."""

    __repr__ = attrs_repr

    mentee: str
    mentor: str
    chemistry: Chemistry = Chemistry.UNKNOWN
    conversations: int = 0
    relation: Relation | None = None


@frozen
class Blocked:
    """A pair never to be matched (a failed match), and why."""

    __repr__ = attrs_repr

    mentee: str
    mentor: str
    reason: str = ""


@frozen
class Existing:
    """A pair already matched: kept as it is, using one of the mentor's places."""

    __repr__ = attrs_repr

    mentee: str
    mentor: str


def _default_excluded() -> tuple[Relation, ...]:
    return (Relation.DIRECT_MANAGER,)


@frozen
class Settings:
    """The programme's choices: the objective, the lowest verdict a matched pair may have, and
    the relations never matched (by default a mentee's direct manager)."""

    __repr__ = attrs_repr

    objective: Objective = Objective.FIT
    lowest_verdict: Verdict = Verdict.WEAK_FIT
    exclude_relations: tuple[Relation, ...] = field(factory=_default_excluded)


@frozen
class Programme:
    """A mentoring programme to match: see ``docs/programme.md``.

    Read one with :meth:`from_dict` (or :func:`programme_from_dict`), which checks the ids,
    the chart and the places; one built in Python is checked by :meth:`checked` (and by
    :func:`~mentor_rules.match`). ``relations`` holds the relation of every mentee to every mentor
    (by ids), derived from the chart where it decides, else from ``pairs``.
    """

    __repr__ = attrs_repr

    people: tuple[Person, ...]
    mentees: tuple[ProgrammeMentee, ...]
    mentors: tuple[ProgrammeMentor, ...]
    pairs: tuple[PairFacts, ...] = ()
    blocked: tuple[Blocked, ...] = ()
    existing: tuple[Existing, ...] = ()
    settings: Settings = Settings()
    relations: Mapping[tuple[str, str], Relation] = field(factory=dict, eq=False, repr=False)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Programme:
        """The programme of a JSON-like document; raises :class:`SituationError` naming every
        problem's JSON path."""
        return programme_from_dict(document)

    def checked(self) -> Programme:
        """This programme with its ids, chart and places checked and its relations worked
        out (what :meth:`from_dict` does after reading): for a programme built in Python.
        Raises :class:`SituationError` naming each problem's path."""
        reader = _Reader()
        relations = _check(self, reader)
        if reader.problems:
            raise SituationError(reader.problems, "programme")
        return attrs.evolve(self, relations=relations)

    def with_blocked(self, mentee: str, mentor: str, reason: str = "") -> Programme:
        """This programme with the pair blocked (a failed match) and, if it was an existing
        pair, no longer existing: re-matching frees the mentee and keeps the rest. Checked
        again (:meth:`checked`)."""
        return attrs.evolve(
            self,
            blocked=(*self.blocked, Blocked(mentee, mentor, reason)),
            existing=tuple(e for e in self.existing if (e.mentee, e.mentor) != (mentee, mentor)),
        ).checked()

    def with_existing(self, pairs: Mapping[str, str]) -> Programme:
        """This programme with ``pairs`` (mentee id -> mentor id) added as existing pairs (a
        mentee who has one keeps it). Checked again: more pairs than a mentor's places is a
        :class:`SituationError`."""
        have = {e.mentee for e in self.existing}
        added = tuple(Existing(e, m) for e, m in sorted(pairs.items()) if e not in have)
        return attrs.evolve(self, existing=(*self.existing, *added)).checked()


_TOP = ("settings", "people", "mentees", "mentors", "pairs", "blocked", "existing")
_MENTEE_OWN = ("id", "preferences")
_MENTOR_OWN = ("id", "capacity", "preferences")
#: Candidate fields that belong to a pair, not a mentor.
_PER_PAIR = ("relation", "chemistry", "conversations")
_MENTOR_FIELDS = tuple(
    f.name for f in attrs.fields(Candidate) if f.name not in ("name", *_PER_PAIR)
)
#: The most mentees or mentors a programme may hold (each list), and people.
MAX_PEOPLE = 100_000


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.limits = Limits()

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def read(self, value: object, cls: type[Any], path: str) -> Any:
        try:
            return structure(value, cls, "programme", self.limits)
        except SituationError as exc:
            for p in exc.problems:
                where = (
                    f"{path}.{p.path}" if p.path and not p.path.startswith("[") else path + p.path
                )
                self.problems.append(Problem(where, p.message))
            return None

    def listing(self, document: Mapping[str, Any], key: str) -> list[Any]:
        value = document.get(key, [])
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {json_type(value)}")
            return []
        if len(value) > MAX_PEOPLE:
            self.fail(key, f"too many items ({len(value)}; at most {MAX_PEOPLE})")
            return []
        return value

    def ids(self, value: object, path: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(path, f"expected a list of ids, got {show(value)}")
            return ()
        return tuple(value)


def _split(
    entry: object, own: tuple[str, ...], path: str, reader: _Reader
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    if not isinstance(entry, Mapping):
        reader.fail(path, f"expected an object, got {json_type(entry)}")
        return None
    mine = {k: v for k, v in entry.items() if k in own}
    rest = {k: v for k, v in entry.items() if k not in own}
    if not isinstance(mine.get("id"), str) or not mine["id"].strip():
        reader.fail(f"{path}.id", f"expected a non-blank id, got {show(mine.get('id'))}")
        return None
    return mine, rest


def programme_from_dict(document: Mapping[str, Any]) -> Programme:
    """Read a programme document (see ``docs/programme.md``); raise :class:`SituationError`
    (``document == "programme"``) naming every problem's JSON path."""
    if not isinstance(document, Mapping):
        raise SituationError(
            [Problem("", f"expected an object, got {json_type(document)}")], "programme"
        )
    reader = _Reader()
    for key in document:
        if key not in _TOP:
            reader.fail(str(key), f"unknown field; the fields here are {', '.join(_TOP)}")
    settings = reader.read(document.get("settings", {}), Settings, "settings") or Settings()
    people: list[Person] = []
    for n, entry in enumerate(reader.listing(document, "people")):
        person = reader.read(entry, Person, f"people[{n}]")
        if person is not None:
            people.append(person)
    mentees: list[ProgrammeMentee] = []
    for n, entry in enumerate(reader.listing(document, "mentees")):
        path = f"mentees[{n}]"
        split = _split(entry, _MENTEE_OWN, path, reader)
        if split is None:
            continue
        mine, rest = split
        mentee = reader.read(rest, Mentee, path)
        prefs = reader.ids(mine.get("preferences", []), f"{path}.preferences")
        if mentee is not None:
            mentees.append(ProgrammeMentee(mine["id"], mentee, prefs))
    mentors: list[ProgrammeMentor] = []
    for n, entry in enumerate(reader.listing(document, "mentors")):
        path = f"mentors[{n}]"
        split = _split(entry, _MENTOR_OWN, path, reader)
        if split is None:
            continue
        mine, rest = split
        for key in _PER_PAIR:
            if key in rest:
                reader.fail(
                    f"{path}.{key}", "belongs to a pair: give it in pairs (relation: the chart)"
                )
                del rest[key]
        if "name" in rest:
            reader.fail(f"{path}.name", "a mentor is named by their id")
            del rest["name"]
        candidate = reader.read(
            {**rest, "name": mine["id"], "relation": "outside"}, Candidate, path
        )
        capacity = mine.get("capacity")
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            reader.fail(f"{path}.capacity", f"expected a whole number, got {show(capacity)}")
            capacity = None
        elif capacity < 0:
            reader.fail(f"{path}.capacity", f"must be 0 or more, got {capacity}")
            capacity = None
        prefs = reader.ids(mine.get("preferences", []), f"{path}.preferences")
        if candidate is not None and capacity is not None:
            mentors.append(ProgrammeMentor(mine["id"], candidate, capacity, prefs))
    pairs = [
        reader.read(e, PairFacts, f"pairs[{n}]")
        for n, e in enumerate(reader.listing(document, "pairs"))
    ]
    blocked = [
        reader.read(e, Blocked, f"blocked[{n}]")
        for n, e in enumerate(reader.listing(document, "blocked"))
    ]
    existing = [
        reader.read(e, Existing, f"existing[{n}]")
        for n, e in enumerate(reader.listing(document, "existing"))
    ]
    if reader.problems:
        raise SituationError(reader.problems, "programme")
    programme = Programme(
        tuple(people),
        tuple(mentees),
        tuple(mentors),
        tuple(p for p in pairs if p is not None),
        tuple(b for b in blocked if b is not None),
        tuple(e for e in existing if e is not None),
        settings,
    )
    relations = _check(programme, reader)
    if reader.problems:
        raise SituationError(reader.problems, "programme")
    return attrs.evolve(programme, relations=relations)


def _chains(people: tuple[Person, ...], reader: _Reader) -> dict[str, list[str]] | None:
    """Each person's managers, nearest first; None (with problems) for unknown ids or a cycle."""
    index: dict[str, int] = {}
    for n, person in enumerate(people):
        if person.id in index:
            reader.fail(f"people[{n}].id", f"duplicate id {person.id!r}")
        index[person.id] = n
    for n, person in enumerate(people):
        if person.reports_to is not None and person.reports_to not in index:
            reader.fail(f"people[{n}].reports_to", f"unknown person {person.reports_to!r}")
        if person.reports_to == person.id:
            reader.fail(f"people[{n}].reports_to", "a person cannot report to themselves")
    if reader.problems:
        return None
    manager = {p.id: p.reports_to for p in people}
    chains: dict[str, list[str]] = {}
    for n, person in enumerate(people):
        chain: list[str] = []
        seen = {person.id}
        up = manager[person.id]
        while up is not None:
            if up in seen:
                reader.fail(f"people[{n}].reports_to", f"reports_to makes a cycle through {up!r}")
                return None
            if up in chains:  # the rest is known
                chain.append(up)
                chain.extend(chains[up])
                break
            seen.add(up)
            chain.append(up)
            up = manager[up]
        chains[person.id] = chain
    return chains


def _check(programme: Programme, reader: _Reader) -> Mapping[tuple[str, str], Relation]:
    chains = _chains(programme.people, reader)
    if chains is None:
        return {}
    people = {p.id: p for p in programme.people}
    mentee_ids: dict[str, int] = {}
    for n, m in enumerate(programme.mentees):
        if m.id not in people:
            reader.fail(f"mentees[{n}].id", f"unknown person {m.id!r}: add them to people")
        if m.id in mentee_ids:
            reader.fail(f"mentees[{n}].id", f"duplicate mentee {m.id!r}")
        mentee_ids[m.id] = n
    mentor_ids: dict[str, int] = {}
    for n, mentor in enumerate(programme.mentors):
        if mentor.id not in people:
            reader.fail(f"mentors[{n}].id", f"unknown person {mentor.id!r}: add them to people")
        if mentor.id in mentor_ids:
            reader.fail(f"mentors[{n}].id", f"duplicate mentor {mentor.id!r}")
        mentor_ids[mentor.id] = n
    for n, m in enumerate(programme.mentees):
        for k, p in enumerate(m.preferences):
            if p not in mentor_ids:
                reader.fail(f"mentees[{n}].preferences[{k}]", f"unknown mentor {p!r}")
            elif p == m.id:
                reader.fail(f"mentees[{n}].preferences[{k}]", f"{p!r} ranks themselves")
        if len(set(m.preferences)) != len(m.preferences):
            reader.fail(f"mentees[{n}].preferences", "a mentor is ranked twice")
    for n, mentor in enumerate(programme.mentors):
        for k, p in enumerate(mentor.preferences):
            if p not in mentee_ids:
                reader.fail(f"mentors[{n}].preferences[{k}]", f"unknown mentee {p!r}")
            elif p == mentor.id:
                reader.fail(f"mentors[{n}].preferences[{k}]", f"{p!r} ranks themselves")
        if len(set(mentor.preferences)) != len(mentor.preferences):
            reader.fail(f"mentors[{n}].preferences", "a mentee is ranked twice")
    named: list[tuple[str, Sequence[PairFacts | Blocked | Existing]]] = [
        ("pairs", programme.pairs),
        ("blocked", programme.blocked),
        ("existing", programme.existing),
    ]
    for key, entries in named:
        seen: set[tuple[str, str]] = set()
        for n, entry in enumerate(entries):
            if entry.mentee not in mentee_ids:
                reader.fail(f"{key}[{n}].mentee", f"unknown mentee {entry.mentee!r}")
            if entry.mentor not in mentor_ids:
                reader.fail(f"{key}[{n}].mentor", f"unknown mentor {entry.mentor!r}")
            if entry.mentee == entry.mentor:
                reader.fail(f"{key}[{n}]", f"{entry.mentee!r} is paired with themselves")
            if (entry.mentee, entry.mentor) in seen:
                reader.fail(f"{key}[{n}]", "the same pair is given twice")
            seen.add((entry.mentee, entry.mentor))
    used: dict[str, int] = {}
    fixed: set[str] = set()
    for n, entry in enumerate(programme.existing):
        if entry.mentee in fixed:
            reader.fail(f"existing[{n}].mentee", f"{entry.mentee!r} already has an existing mentor")
        fixed.add(entry.mentee)
        used[entry.mentor] = used.get(entry.mentor, 0) + 1
        if entry.mentor in mentor_ids:
            capacity = programme.mentors[mentor_ids[entry.mentor]].capacity
            if used[entry.mentor] > capacity:
                reader.fail(
                    f"existing[{n}]",
                    f"{entry.mentor!r} has {capacity} place(s), used up by existing pairs",
                )
    if reader.problems:
        return {}
    given = {(p.mentee, p.mentor): p.relation for p in programme.pairs if p.relation is not None}
    relations = Relations(people, chains, given, [m.id for m in programme.mentees], mentor_ids)
    for n, pair in enumerate(programme.pairs):
        derived = relations.derived(pair.mentee, pair.mentor)
        if derived is not None and pair.relation is not None and pair.relation != derived:
            reader.fail(
                f"pairs[{n}].relation",
                f"the chart makes {pair.mentor!r} {derived.value} to {pair.mentee!r}, "
                f"not {pair.relation.value}",
            )
    # The chart is silent only within one organisation where a level is missing: only there
    # are the pairs looked at one by one.
    unlevelled = {p.organisation for p in programme.people if p.level is None}
    undecided = 0
    for mentee in programme.mentees:
        if people[mentee.id].organisation not in unlevelled:
            continue
        for mentor in programme.mentors:
            pair_key = (mentee.id, mentor.id)
            if mentor.id == mentee.id or pair_key in given:
                continue
            if people[mentor.id].organisation != people[mentee.id].organisation:
                continue
            if relations.derived(*pair_key) is None:
                undecided += 1
                if undecided <= 20:
                    reader.fail(
                        f"mentors[{mentor_ids[mentor.id]}]",
                        f"the chart cannot say how {mentor.id!r} stands to {mentee.id!r} "
                        "(same organisation, no line between them, a level missing): "
                        "give a level to both, or the relation in pairs",
                    )
    if undecided > 20:
        reader.fail("people", f"{undecided} pairs in all have a relation the chart cannot say")
    return relations


class Relations(Mapping[tuple[str, str], Relation]):
    """The relation of every ``(mentee id, mentor id)`` pair (a person and themselves left
    out), worked out from the chart when asked for, else the one given in ``pairs``: held for
    the people, not for every pair (10,000 x 2,000 pairs would not fit in memory)."""

    def __init__(
        self,
        people: Mapping[str, Person],
        chains: Mapping[str, list[str]],
        given: Mapping[tuple[str, str], Relation],
        mentees: Sequence[str],
        mentors: Mapping[str, int],
    ) -> None:
        self._people = people
        self._above = {who: {up: depth for depth, up in enumerate(c)} for who, c in chains.items()}
        self._given = given
        self._mentees = list(mentees)
        self._mentee_set = set(mentees)
        self._mentors = list(mentors)
        self._mentor_set = set(mentors)

    def derived(self, mentee: str, mentor: str) -> Relation | None:
        """What the chart says, or None where it cannot say."""
        e, m = self._people[mentee], self._people[mentor]
        depth = self._above[mentee].get(mentor)
        if depth is not None:
            if depth < 2:
                return (Relation.DIRECT_MANAGER, Relation.SKIP_LEVEL)[depth]
            return Relation.SENIOR
        if mentee in self._above[mentor]:
            return Relation.JUNIOR
        if e.reports_to is not None and e.reports_to == m.reports_to:
            return Relation.PEER
        if e.organisation != m.organisation:
            return Relation.OUTSIDE
        if e.level is None or m.level is None:
            return None
        if m.level > e.level:
            return Relation.SENIOR
        return Relation.PEER if m.level == e.level else Relation.JUNIOR

    def __getitem__(self, key: tuple[str, str]) -> Relation:
        mentee, mentor = key
        if mentee == mentor or mentee not in self._mentee_set or mentor not in self._mentor_set:
            raise KeyError(key)
        derived = self.derived(mentee, mentor)
        return derived if derived is not None else self._given[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((e, m) for e in self._mentees for m in self._mentors if e != m)

    def __len__(self) -> int:
        both = len(self._mentee_set.intersection(self._mentors))
        return len(self._mentees) * len(self._mentors) - both

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except (KeyError, TypeError, ValueError):
            return False
        return True
