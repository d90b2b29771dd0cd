"""A situation into the facts the engines match: one fact per subject, plain JSON-like data.

Subjects are the mentee, each candidate, each of the five coaching-team roles and each past
mentor. Every fact carries the mentee's fields beside its subject's, so that every rule reads one
fact alone (no joins in the engine). What a subject may hold is :mod:`._schema`'s to say.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any, assert_never, cast

import attrs
from attrs import frozen

from .._repr import attrs_repr
from ..model.documents import converter
from ..model.situation import Candidate, CoachingRole, Mentee, PastMentor, Situation
from ..model.text import EchoIndex, Gist, ShortForms, gist, gists_echo
from ..model.vocabulary import CONCLUSIONS, About, Conclusion, Kind

if TYPE_CHECKING:
    from ..rules.ruleset import Rule

__all__ = [
    "Concluding",
    "Fact",
    "FactBuilder",
    "echoed",
]


@frozen
class Fact:
    """One subject with the mentee beside it.

    ``position`` is the subject's index in its input list (candidates, roles in
    :class:`CoachingRole` order, past mentors), ``None`` for the mentee.
    """

    __repr__ = attrs_repr

    about: About
    subject: str
    position: int | None
    values: Mapping[str, Any]


#: One subject before the conclusions: what it is about, its name, its position and its
#: own document (the fields read of it).
_Subject = tuple[str, str, int | None, dict[str, Any]]


class FactBuilder:
    """The facts of situations for the fields one rule set reads, worked out once.

    ``short_forms`` match industries and jobs (none if None: the rule set's table is
    ``RuleSet.short_forms``). An ``Advisor`` keeps one, so that which fields to copy and how is
    decided once, not on every situation.
    """

    def __init__(
        self, reads: Mapping[str, frozenset[str]], short_forms: ShortForms | None = None
    ) -> None:
        self.reads = reads
        self.short_forms = ShortForms() if short_forms is None else short_forms
        mentee = reads.get("mentee", frozenset())
        self._mentee = _plan(Mentee, mentee)
        self._aimed = tuple(
            (name, made) for name, made in _MENTEE_DERIVED.items() if name in mentee
        )
        self._candidate = _plan(Candidate, reads["candidate"]) if "candidate" in reads else None
        self._derived = tuple(
            (name, made)
            for name, made in _CANDIDATE_DERIVED.items()
            if name in reads.get("candidate", ())
        )
        self._role = reads.get("role")
        #: The conclusion fields the rules read of each subject, each with how it is made.
        self.conclusions: dict[str, tuple[tuple[Conclusion, _Maker], ...]] = {
            about: tuple((name, _maker(name)) for name in names if name in reads.get(about, ()))
            for about, names in CONCLUSIONS.items()
        }
        self._past = _plan(PastMentor, reads["past_mentor"]) if "past_mentor" in reads else None
        # The last mentee's shared work (its notes indexed, its aims' matchers), kept for the
        # next situation with that very mentee object: the changed copies an explanation
        # advises share their mentee. A mentee is immutable, so it is the same work; two
        # threads at once at worst both make it.
        self._last: tuple[Mentee, _Shared] | None = None

    def build(self, situation: Situation) -> tuple[Fact, ...]:
        """The facts of ``situation``, each holding only the fields named in ``reads`` (by
        root), derived fields made here; no conclusions (:class:`Concluding` adds them)."""
        mentee, subjects = self.subjects(situation)
        return (
            Fact("mentee", "mentee", None, {"mentee": mentee}),
            *(
                Fact(about, subject, position, {"mentee": mentee, about: document})  # type: ignore[arg-type]
                for about, subject, position, document in subjects
            ),
        )

    def subjects(self, situation: Situation) -> tuple[dict[str, Any], list[_Subject]]:
        """The mentee's document and every other subject with its own document."""
        person = situation.mentee
        mentee = _document(person, self._mentee)
        for name, made in self._aimed:
            mentee[name] = made(person)
        subjects: list[_Subject] = []
        if self._candidate is not None:
            plan, derived = self._candidate, self._derived
            last = self._last
            if last is not None and last[0] is person:
                shared = last[1]
            else:
                shared = _Shared(person, self.short_forms)
                self._last = (person, shared)
            for position, candidate in enumerate(situation.candidates):
                document = _document(candidate, plan)
                for name, make in derived:
                    document[name] = make(candidate, shared)
                subjects.append(("candidate", candidate.name, position, document))
        if self._role is not None:
            fields = self._role
            filled = set(person.support_roles)
            for position, role in enumerate(CoachingRole):
                document = {"name": role.value, "filled": role in filled}
                subjects.append(("role", role.value, position, _only(document, fields)))
        if self._past is not None:
            plan = self._past
            for position, past in enumerate(person.past_mentors):
                subjects.append(
                    (
                        "past_mentor",
                        f"past mentor {position + 1} ({past.setting.value.replace('_', ' ')})",
                        position,
                        _document(past, plan),
                    )
                )
        return mentee, subjects


class Concluding:
    """The facts of one evaluation, layer after layer, with the conclusion fields the rules
    read, each fact remade only when what it holds changed (its subject's conclusions, or the
    mentee's) and a layer reads it.

    ``facts()`` gives the facts with the conclusions of every firing ``add``-ed so far; they
    equal those of the reference in ``tests/test_fast_paths.py`` (all facts remade from all
    firings so far), as that test checks. ``facts(abouts)`` vouches only for the facts about
    ``abouts`` (the subjects a layer's tests are about: all an engine reads); the others may
    be as an earlier call left them, and are remade when a later call asks for them.
    """

    def __init__(self, builder: FactBuilder, situation: Situation) -> None:
        self._wanted = builder.conclusions
        self._any = any(self._wanted.values())
        self._goals = situation.mentee.goals
        self._mentee_base, self._subjects = builder.subjects(situation)
        self._by_fact: dict[int, list[Rule]] = {}
        #: The facts whose subject gained a conclusion since the fact was last made.
        self._changed: set[int] = set()
        self._candidate_rules: set[str] = set()
        self._fit_scopes: set[Any] = set()
        self._mentee_found: dict[str, Any] | None = None
        self._mentee: dict[str, Any] = self._mentee_base
        # Each subject's document with its conclusions so far (remade when they change).
        self._documents: list[dict[str, Any]] = [
            self._concluded_document(index, subject)
            for index, subject in enumerate(self._subjects, start=1)
        ]
        self._facts: list[Fact] | None = None

    def add(self, rule: Rule, index: int) -> None:
        """Record that ``rule`` fired on the fact at ``index`` (and was not held back)."""
        self._by_fact.setdefault(index, []).append(rule)
        self._changed.add(index)
        if index and self._subjects[index - 1][0] == "candidate":
            self._candidate_rules.add(rule.id)
            if rule.fits is not None:
                self._fit_scopes.add(rule.fits)

    def facts(self, abouts: Collection[str] | None = None) -> tuple[Fact, ...]:
        """The facts with the conclusions of every firing added so far: every one, or those
        about ``abouts`` (the others as an earlier call made them)."""
        previous = self._facts
        if previous is not None and not self._any:
            return tuple(previous)
        wanted, subjects, documents = self._wanted, self._subjects, self._documents
        mentee = self._mentee
        if wanted["mentee"]:
            found = self._mentee_conclusions()
            if found != self._mentee_found:
                self._mentee_found = found
                mentee = self._mentee = {**self._mentee_base, **found}
        if previous is None:
            out = [Fact("mentee", "mentee", None, {"mentee": mentee})]
            for (about, subject, position, _), document in zip(subjects, documents, strict=True):
                values = {"mentee": mentee, about: document}
                out.append(Fact(about, subject, position, values))  # type: ignore[arg-type]
            self._changed = set()
            self._facts = out
            return tuple(out)
        out, changed = previous, self._changed
        for index, fact in enumerate(out):
            about = fact.about
            if abouts is not None and about not in abouts:
                continue  # not read by this layer: remade when a layer reads it
            # Its document changed (the mentee's is ``mentee``, compared below), or the mentee.
            remake = index in changed and index > 0 and bool(wanted[about])
            changed.discard(index)
            if remake:
                documents[index - 1] = self._concluded_document(index, subjects[index - 1])
            elif fact.values["mentee"] is mentee:
                continue
            values = (
                {"mentee": mentee} if not index else {"mentee": mentee, about: documents[index - 1]}
            )
            out[index] = Fact(about, fact.subject, fact.position, values)
        return tuple(out)

    def _concluded_document(self, index: int, subject: _Subject) -> dict[str, Any]:
        """A subject's document with the conclusions the rules read of it, so far."""
        about, _, _, document = subject
        makers = self._wanted[about]
        if not makers:
            return document
        rules = self._by_fact.get(index, ())
        made = dict(document)
        for name, make in makers:
            made[name] = make(self, rules)
        return made

    def _mentee_conclusions(self) -> dict[str, Any]:
        rules = self._by_fact.get(0, ())
        return {name: make(self, rules) for name, make in self._wanted["mentee"]}


#: How a conclusion field is made: its value for a subject on which ``rules`` fired.
_Maker = Callable[[Concluding, Sequence["Rule"]], list[Any]]


def _maker(name: Conclusion) -> _Maker:
    """How conclusion field ``name`` is made (chosen once per rule set, not per value)."""
    match name:
        case Conclusion.CONCLUDED:
            return _concluded
        case Conclusion.CONCLUDED_KINDS:
            return _concluded_kinds
        case Conclusion.CANDIDATES_CONCLUDED:
            return lambda concluding, rules: sorted(concluding._candidate_rules)
        case Conclusion.FITS_GOALS:
            return _fits_goals
        case Conclusion.UNMET_GOAL_SCOPES:
            return _unmet_goal_scopes
        case _:
            assert_never(name)


def _concluded(concluding: Concluding, rules: Sequence[Rule]) -> list[Any]:
    return sorted([rule.id for rule in rules]) if rules else []


#: Each kind's value, looked up (an enum's ``value`` is a slower descriptor).
_KIND_VALUE = {kind: kind.value for kind in Kind}


def _concluded_kinds(concluding: Concluding, rules: Sequence[Rule]) -> list[Any]:
    return sorted({_KIND_VALUE[rule.kind] for rule in rules}) if rules else []


def _fits_goals(concluding: Concluding, rules: Sequence[Rule]) -> list[Any]:
    scopes = {rule.fits for rule in rules if rule.fits is not None}
    if not scopes:
        return []
    return [n for n, goal in enumerate(concluding._goals) if goal.scope in scopes]


def _unmet_goal_scopes(concluding: Concluding, rules: Sequence[Rule]) -> list[Any]:
    met = concluding._fit_scopes
    return list(
        dict.fromkeys(goal.scope.value for goal in concluding._goals if goal.scope not in met)
    )


def _only(document: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    return {name: value for name, value in document.items() if name in fields}


#: How the fields of a model class that a fact holds are copied into it: a function making
#: the document (the fields' plain JSON-like values, what the converter's ``unstructure``
#: gives, in the class's field order) of an instance.
_Plan = Callable[[Any], dict[str, Any]]


@functools.cache  # a few classes, and the fields of the few rule sets in use
def _plan(cls: type, fields: frozenset[str]) -> _Plan:
    """How to copy the ``fields`` of ``cls`` that a fact holds, in the class's field order:
    one function made from source, a dict display reading each field (the names are those of
    the model's attrs fields, never text of a rule file), those not plain already made plain
    by a function of the namespace; ``tests/test_fast_paths.py`` checks the documents against
    the converter's."""
    hints = typing.get_type_hints(cls)
    names = tuple(field.name for field in attrs.fields(cls) if field.name in fields)
    namespace: dict[str, Any] = {}
    parts = []
    for name in names:
        if not name.isidentifier():  # pragma: no cover - attrs fields are identifiers
            raise ValueError(f"not a field name: {name!r}")
        plain = _plain_for(hints[name])
        if plain is None:
            parts.append(f"{name!r}: x.{name}")
        else:
            namespace[f"p{len(namespace)}"] = plain
            parts.append(f"{name!r}: p{len(namespace) - 1}(x.{name})")
    source = "def document(x):\n    return {" + ", ".join(parts) + "}\n"
    exec(compile(source, f"<document of {cls.__name__}>", "exec"), namespace)
    return cast(_Plan, namespace["document"])


def _document(instance: Any, plan: _Plan) -> dict[str, Any]:
    return plan(instance)


_AS_IS = (str, int, float, bool, type(None))


def _plain_for(hint: Any) -> Callable[[Any], Any] | None:
    """The function making a field of type ``hint`` plain data (None: it already is)."""
    args = typing.get_args(hint)
    if hint in _AS_IS or (args and all(arg in _AS_IS for arg in args)):
        return None
    if isinstance(hint, type) and issubclass(hint, Enum):
        return {member: member.value for member in hint}.__getitem__
    if typing.get_origin(hint) is tuple and args[0] is str:
        return list
    if typing.get_origin(hint) is tuple and isinstance(args[0], type):
        item = args[0]
        if issubclass(item, Enum):
            value = {member: member.value for member in item}.__getitem__
            return lambda members: [value(member) for member in members]
        if attrs.has(item):
            every = _plan(item, frozenset(field.name for field in attrs.fields(item)))
            return lambda instances: [_document(instance, every) for instance in instances]
    return converter.unstructure  # a type the plans above do not know: cattrs, made on use


def _aimed_industry(mentee: Mentee) -> str | None:
    return mentee.target_industry if mentee.target_industry is not None else mentee.industry


def _aimed_job(mentee: Mentee) -> str | None:
    return mentee.target_job if mentee.target_job is not None else mentee.job


def echoed(traits: Sequence[str], notes: Iterable[str]) -> list[str]:
    """The traits that echo one of ``notes`` (see :func:`mentor_rules.model.text.echoes`)."""
    return _echoing(traits, EchoIndex(notes), {})


class _Shared:
    """The mentee, and what every candidate's derived fields read of it, worked out once.

    Worked out here, not in ``functools.cached_property``: on Python 3.11 that holds one lock
    for every instance, and a child forked while another thread held it would wait for ever.
    Whether a trait echoes the notes is kept by trait, as candidates often share traits.
    """

    def __init__(self, mentee: Mentee, short_forms: ShortForms) -> None:
        self.mentee = mentee
        self.worked = _notes([text for past in mentee.past_mentors for text in past.worked])
        self.did_not_work = _notes(
            [text for past in mentee.past_mentors for text in past.did_not_work]
        )
        self.echo_worked: dict[str, bool] = {}
        self.echo_did_not_work: dict[str, bool] = {}
        aimed_industry, aimed_job = _aimed_industry(mentee), _aimed_job(mentee)
        matcher = short_forms.matcher
        self.industry = None if aimed_industry is None else matcher(aimed_industry)
        self.job = None if aimed_job is None else matcher(aimed_job)


#: Up to how many notes a trait is compared with each (:class:`_FewNotes`) rather than looked
#: up in an :class:`EchoIndex`: building the index and looking a trait up in it cost more
#: than comparing a trait with a few notes (with 1 to 9 notes, a situation's echoes took about
#: a third of the time).
FEW_NOTES = 12


class _FewNotes:
    """A few notes, each compared with a trait: what :meth:`EchoIndex.echoed` finds
    (``any(echoes(trait, note) for note in notes)``, which the index is tested equal to)."""

    def __init__(self, notes: Iterable[str]) -> None:
        self._gists: tuple[Gist, ...] = tuple(dict.fromkeys(gist(note) for note in notes))

    def __bool__(self) -> bool:
        return bool(self._gists)

    def echoed(self, text: str) -> bool:
        mine = gist(text)
        for theirs in self._gists:  # noqa: SIM110 - a loop costs less than any() over a generator
            if gists_echo(mine, theirs):
                return True
        return False


def _notes(notes: Sequence[str]) -> EchoIndex | _FewNotes:
    """The notes, compared one by one when there are few, else indexed."""
    return _FewNotes(notes) if len(notes) <= FEW_NOTES else EchoIndex(notes)


def _echoing(
    traits: Sequence[str], notes: EchoIndex | _FewNotes, known: dict[str, bool]
) -> list[str]:
    """The traits that echo one of the notes, each trait's answer kept in ``known`` (for one
    situation's notes: candidates often share traits).

    Each note is reduced to its stems once (in the index), not once per pair: the stems cache
    holds a few thousand texts, and a situation with more would otherwise stem them again and
    again.
    """
    if not notes:
        return []
    found = []
    for trait in traits:
        echoes = known.get(trait)
        if echoes is None:
            echoes = known[trait] = notes.echoed(trait)
        if echoes:
            found.append(trait)
    return found


def _industry_match(candidate: Candidate, shared: _Shared) -> bool | None:
    if shared.industry is None or candidate.industry is None:
        return None
    return shared.industry(candidate.industry)


def _job_match(candidate: Candidate, shared: _Shared) -> bool | None:
    if shared.job is None or not candidate.jobs:
        return None
    return any(map(shared.job, candidate.jobs))


def _longer_at_company(candidate: Candidate, shared: _Shared) -> bool | None:
    months = shared.mentee.months_at_company
    if candidate.years_at_company is None or months is None:
        return None
    return candidate.years_at_company * 12 > months


_MENTEE_DERIVED: dict[str, Callable[[Mentee], Any]] = {
    "aimed_industry": _aimed_industry,
    "aimed_job": _aimed_job,
}

_CANDIDATE_DERIVED: dict[str, Callable[[Candidate, _Shared], Any]] = {
    "echoes_worked": lambda c, shared: _echoing(c.traits, shared.worked, shared.echo_worked),
    "echoes_did_not_work": lambda c, shared: _echoing(
        c.traits, shared.did_not_work, shared.echo_did_not_work
    ),
    "industry_match": _industry_match,
    "job_match": _job_match,
    "longer_at_company": _longer_at_company,
}
