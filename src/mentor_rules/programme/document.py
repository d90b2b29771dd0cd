"""The programme document: people and their organisation chart, a cohort of mentees, a pool of
mentors with places, per-pair facts, blocked and existing pairs, and the settings.

Read strictly, like a situation: every problem is reported at once with its JSON path, in a
:class:`SituationError` whose ``document`` is ``"programme"``. The relation of every mentee to
every mentor is derived from the chart (:func:`relation_between`), never typed per pair.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import attrs
from attrs import field, frozen

from .._errors import Problem, SituationError, json_type, show
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
    "Settings",
    "programme_from_dict",
    "relation_between",
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

    id: str
    reports_to: str | None = None
    level: int | None = None
    organisation: str | None = None


@frozen
class ProgrammeMentee:
    """A mentee of the cohort: their id, their situation's ``mentee`` and their ranked
    preferences (mentor ids, best first; empty if none given)."""

    id: str
    mentee: Mentee
    preferences: tuple[str, ...] = ()


@frozen
class ProgrammeMentor:
    """A mentor of the pool: their id, their candidate fields (``candidate.name`` is the id;
    the relation, chemistry and conversations are per pair), their places and their ranked
    preferences (mentee ids, best first)."""

    id: str
    candidate: Candidate
    capacity: int
    preferences: tuple[str, ...] = ()


@frozen
class PairFacts:
    """What is known of one mentee and one mentor together: chemistry, conversations, and a
    relation where the chart cannot decide it."""

    mentee: str
    mentor: str
    chemistry: Chemistry = Chemistry.UNKNOWN
    conversations: int = 0
    relation: Relation | None = None


@frozen
class Blocked:
    """A pair never to be matched (a failed match), and why."""

    mentee: str
    mentor: str
    reason: str = ""


@frozen
class Existing:
    """A pair already matched: kept as it is, using one of the mentor's places."""

    mentee: str
    mentor: str


def _default_excluded() -> tuple[Relation, ...]:
    return (Relation.DIRECT_MANAGER,)


@frozen
class Settings:
    """The programme's choices: the objective, the lowest verdict a matched pair may have, and
    the relations never matched (by default a mentee's direct manager)."""

    objective: Objective = Objective.FIT
    lowest_verdict: Verdict = Verdict.WEAK_FIT
    exclude_relations: tuple[Relation, ...] = field(factory=_default_excluded)


@frozen
class Programme:
    """A mentoring programme to match: see ``docs/programme.md``.

    Read one with :meth:`from_dict` (or :func:`programme_from_dict`), which checks the ids,
    the chart and the places. ``relations`` holds the relation of every mentee to every mentor
    (by ids), derived from the chart where it decides, else from ``pairs``.
    """

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

    def with_blocked(self, mentee: str, mentor: str, reason: str = "") -> Programme:
        """This programme with the pair blocked (a failed match) and, if it was an existing
        pair, no longer existing: re-matching frees the mentee and keeps the rest."""
        return attrs.evolve(
            self,
            blocked=(*self.blocked, Blocked(mentee, mentor, reason)),
            existing=tuple(e for e in self.existing if (e.mentee, e.mentor) != (mentee, mentor)),
        )

    def with_existing(self, pairs: Mapping[str, str]) -> Programme:
        """This programme with ``pairs`` (mentee id -> mentor id) added as existing pairs."""
        have = {e.mentee for e in self.existing}
        added = tuple(Existing(e, m) for e, m in sorted(pairs.items()) if e not in have)
        return attrs.evolve(self, existing=(*self.existing, *added))


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


def relation_between(
    mentee: Person, mentor: Person, chains: Mapping[str, list[str]]
) -> Relation | None:
    """How ``mentor`` stands to ``mentee`` by the chart, or None where the chart cannot say
    (same organisation, no line between them, a level missing)."""
    up = chains[mentee.id]
    if mentor.id in up:
        depth = up.index(mentor.id)
        return (
            (Relation.DIRECT_MANAGER, Relation.SKIP_LEVEL)[depth] if depth < 2 else Relation.SENIOR
        )
    if mentee.id in chains[mentor.id]:
        return Relation.JUNIOR
    if mentee.reports_to is not None and mentee.reports_to == mentor.reports_to:
        return Relation.PEER
    if mentee.organisation != mentor.organisation:
        return Relation.OUTSIDE
    if mentee.level is None or mentor.level is None:
        return None
    if mentor.level > mentee.level:
        return Relation.SENIOR
    return Relation.PEER if mentor.level == mentee.level else Relation.JUNIOR


def _check(programme: Programme, reader: _Reader) -> dict[tuple[str, str], Relation]:
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
        if len(set(m.preferences)) != len(m.preferences):
            reader.fail(f"mentees[{n}].preferences", "a mentor is ranked twice")
    for n, mentor in enumerate(programme.mentors):
        for k, p in enumerate(mentor.preferences):
            if p not in mentee_ids:
                reader.fail(f"mentors[{n}].preferences[{k}]", f"unknown mentee {p!r}")
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
    given = {(p.mentee, p.mentor): (n, p.relation) for n, p in enumerate(programme.pairs)}
    relations: dict[tuple[str, str], Relation] = {}
    undecided = 0
    for mentee in programme.mentees:
        e = people[mentee.id]
        for mentor in programme.mentors:
            if mentor.id == mentee.id:
                continue
            pair_key = (mentee.id, mentor.id)
            derived = relation_between(e, people[mentor.id], chains)
            n, explicit = given.get(pair_key, (-1, None))
            if derived is None and explicit is None:
                undecided += 1
                if undecided <= 20:
                    reader.fail(
                        f"mentors[{mentor_ids[mentor.id]}]",
                        f"the chart cannot say how {mentor.id!r} stands to {mentee.id!r} "
                        "(same organisation, no line between them, a level missing): "
                        "give a level to both, or the relation in pairs",
                    )
                continue
            if derived is not None and explicit is not None and explicit != derived:
                reader.fail(
                    f"pairs[{n}].relation",
                    f"the chart makes {mentor.id!r} {derived.value} to {mentee.id!r}, "
                    f"not {explicit.value}",
                )
            chosen = derived if derived is not None else explicit
            assert chosen is not None
            relations[pair_key] = chosen
    if undecided > 20:
        reader.fail("people", f"{undecided} pairs in all have a relation the chart cannot say")
    return relations
