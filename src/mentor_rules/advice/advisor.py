"""The pipeline in one place: situation -> facts -> engine -> firings -> advice."""

from __future__ import annotations

import functools
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import attrs
from attrs import frozen

from .._errors import SituationError
from .._repr import attrs_repr
from .._version import LIBRARY, VERSION
from ..engines import Engine, EngineName, Firing, make_engine
from ..facts.build import Concluding, Fact, FactBuilder
from ..model.documents import check_limits, situation_from_dict
from ..model.limits import DEFAULT_BOUND, Limits
from ..model.output import Advice, CandidateVerdict, Provenance, Suppressed, Verdict
from ..model.situation import Situation
from ..rules.cache import shipped_rules
from ..rules.ruleset import Rule, RuleSet, tests_of
from ..rules.strata import condition_dependencies
from ..scale.batch import CHUNK_SIZE, chunks, flatten, run_ordered
from .build import AdviceBuilder, Match, candidate_verdict, candidate_verdicts

if TYPE_CHECKING:  # imported when first asked to explain: most processes never do
    from .explain import Explanation

__all__ = ["Advisor", "AdvisorSpec", "BatchItem", "advise", "explain"]


@frozen
class BatchItem:
    """The outcome for one situation of a batch: its advice, or the error that stopped it."""

    __repr__ = attrs_repr

    index: int
    advice: Advice | None
    error: SituationError | None

    @property
    def ok(self) -> bool:
        return self.error is None


#: About how many facts (a mentee, its candidates, 5 roles and its past mentors each) a chunk
#: evaluates together; the facts of a durable-rules session are bounded alike.
GROUP_FACTS = 256


@frozen
class _Evaluation:
    """What one evaluation concluded: the rules that fired (with the facts they fired on), the
    advice held back by an ``unless``, and each layer's engine with the facts it matched (those
    about subjects its tests are not about may be as a layer below saw them: no engine reads
    them, and neither does an explanation)."""

    __repr__ = attrs_repr

    matched: tuple[Match, ...]
    suppressed: tuple[Suppressed, ...]
    layers: tuple[tuple[Engine, tuple[Fact, ...]], ...]


@attrs.define
class _Run:
    """One situation's evaluation under way: its facts as of the current layer (made by
    ``concluding``), and what the layers so far concluded."""

    __repr__ = attrs_repr

    situation: Situation
    concluding: Concluding
    facts: tuple[Fact, ...] = ()
    #: The rules that fired (not held back), by fact.
    fired: dict[int, set[str]] = attrs.Factory(dict)
    matched: list[Match] = attrs.Factory(list)
    suppressed: list[Suppressed] = attrs.Factory(list)
    seen: list[tuple[Engine, tuple[Fact, ...]]] = attrs.Factory(list)


def _match(engine: Engine, batches: Sequence[tuple[Fact, ...]]) -> list[frozenset[Firing]]:
    """``engine``'s firings on each of ``batches`` (the facts of one situation each), from one
    call on the facts of them all: fact indices are made unique, then shared back out."""
    if len(batches) == 1:
        return [engine.match(batches[0])]
    owner: list[int] = []
    starts: list[int] = []
    for number, facts in enumerate(batches):
        starts.append(len(owner))
        owner.extend([number] * len(facts))
    found: list[set[Firing]] = [set() for _ in batches]
    if owner:
        for name, index in engine.match([fact for facts in batches for fact in facts]):
            number = owner[index]
            found[number].add((name, index - starts[number]))
    return [frozenset(firings) for firings in found]


def _groups(valid: list[tuple[int, Situation]]) -> Iterator[list[tuple[int, Situation]]]:
    """``valid`` in groups of about ``GROUP_FACTS`` facts at most (a larger situation alone).

    A group is evaluated, and its advice built, before the next: what is alive at once stays
    bounded (the garbage collector walks all of it), and a group's facts fill about one
    durable-rules session.
    """
    group: list[tuple[int, Situation]] = []
    size = 0
    for item in valid:
        situation = item[1]
        facts = 1 + len(situation.candidates) + len(situation.mentee.past_mentors) + 5
        if group and size + facts > GROUP_FACTS:
            yield group
            group, size = [], 0
        group.append(item)
        size += facts
    if group:
        yield group


class Advisor:
    """Evaluates situations against one rule set. Reusable, and safe to share between threads.

    ``rules`` defaults to the shipped rule set. ``engine`` is ``"auto"`` (the pure-Python engine,
    the faster one), ``"python"`` or ``"durable"`` (durable-rules, where installed). ``parameters``
    override the rule set's parameters (``{"newcomer_months": 6}``); an unknown name or a value
    of the wrong type raises :class:`RuleError` naming it. ``limits`` bound the situations it
    takes (the defaults of :class:`Limits` if None).
    """

    def __init__(
        self,
        rules: RuleSet | None = None,
        *,
        engine: EngineName = "auto",
        parameters: Mapping[str, int | float] | None = None,
        limits: Limits | None = None,
    ) -> None:
        rules = shipped_rules() if rules is None else rules
        self.rules: RuleSet = rules.with_parameters(parameters) if parameters else rules
        self._engine_asked = engine
        self._info = self.rules.info
        self.limits: Limits = Limits() if limits is None else limits
        # One engine per layer: a layer's rules read what the layers below concluded.
        self._layers = tuple(
            (layer, make_engine(tests_of(layer), engine)) for layer in self.rules.layers
        ) or (((), make_engine((), engine)),)
        # The subjects each layer's tests are about: the facts its engine reads.
        self._abouts = tuple(
            frozenset(test.about for test in tests_of(layer)) for layer, _ in self._layers
        )
        self._provenance = Provenance(LIBRARY, VERSION, self.engine)
        self._reads = self.rules.reads()
        self._facts = FactBuilder(self._reads, self.rules.short_forms)
        self._advice_builder = AdviceBuilder(self.rules.short_forms)
        # The last situation advised, its evaluation and its advice: explaining it (or one
        # equal to it) next, as the report after the advice does, evaluates it no more.
        self._last: tuple[Situation, _Evaluation, Advice] | None = None
        self._vetoers = {
            rule.id: condition_dependencies(rule.unless, self.rules.rules)
            for rule in self.rules
            if rule.unless is not None
        }
        # Each test name of a layer: its rule, and the name of the rule's unless test (None
        # for an unless test itself, whose firings are read beside its rule's).
        tests = [test for layer, _ in self._layers for test in tests_of(layer)]
        unless_test = {test.unless_of: test.name for test in tests if test.unless_of is not None}
        self._tests: dict[str, tuple[Rule, str] | None] = {
            test.name: None
            if test.unless_of is not None
            else (self.rules[test.name], unless_test.get(test.name, ""))
            for test in tests
        }

    @property
    def engine(self) -> str:
        """The name of the engine in use (a key of the engine registry, ``ENGINES``)."""
        return self._layers[0][1].name

    def maker(self) -> AdvisorSpec:
        """What builds an advisor like this one in another process (its rules with their
        parameters, the engine as asked, its limits): what a worker process or a Dask worker
        is sent."""
        return AdvisorSpec(self.rules, self._engine_asked, self.limits)

    def advise(self, situation: Situation | Mapping[str, Any]) -> Advice:
        """The advice for one situation (an attrs :class:`Situation` or its JSON form).

        Raises :class:`SituationError` when a JSON-form situation is not valid, or when either
        form exceeds the advisor's :attr:`limits`.
        """
        checked = self._checked(situation)
        evaluation = self._evaluate(checked)
        advice = self._advice(checked, evaluation)
        self._last = (checked, evaluation, advice)
        return advice

    def _advise_chunk(
        self, situations: Sequence[Situation | Mapping[str, Any]]
    ) -> list[Advice | SituationError]:
        """The advice for each of ``situations``, or the :class:`SituationError` that
        :meth:`advise` would raise, in order: the same answers as :meth:`advise` one by one.

        The valid situations are evaluated together, in groups of about ``GROUP_FACTS`` facts
        and layer by layer: one call to each layer's engine on the facts of a whole group,
        which the durable engine matches in one session per engine ruleset (or a few, past its
        bounds on one session: ``docs/engines.md``, "Batches").
        """
        out: dict[int, Advice | SituationError] = {}
        valid: list[tuple[int, Situation]] = []
        for position, situation in enumerate(situations):
            try:
                valid.append((position, self._checked(situation)))
            except SituationError as error:
                out[position] = error
        for group in _groups(valid):
            evaluations = self._evaluate_many([checked for _, checked in group])
            for (position, checked), evaluation in zip(group, evaluations, strict=True):
                advice = out[position] = self._advice(checked, evaluation)
                self._last = (checked, evaluation, advice)
        return [out[position] for position in range(len(situations))]

    def verdicts_many(self, situations: Sequence[Situation]) -> list[tuple[CandidateVerdict, ...]]:
        """Each situation's candidate verdicts, ranked as in its :meth:`advise`, without the
        rest of the advice (recommendations, their text and evidence, steps): what programme
        matching weighs its pairs by. Evaluated together in groups, as a batch is; raises
        :class:`SituationError` for a situation beyond the advisor's :attr:`limits`."""
        valid = [(n, self._checked(situation)) for n, situation in enumerate(situations)]
        out: list[tuple[CandidateVerdict, ...]] = []
        for group in _groups(valid):
            evaluations = self._evaluate_many([checked for _, checked in group])
            out.extend(
                tuple(candidate_verdicts(checked, evaluation.matched))
                for (_, checked), evaluation in zip(group, evaluations, strict=True)
            )
        return out

    def _checked(self, situation: Situation | Mapping[str, Any]) -> Situation:
        """``situation`` as a :class:`Situation` within the limits, or a SituationError."""
        if isinstance(situation, Situation):
            check_limits(situation, self.limits)
            return situation
        return situation_from_dict(situation, self.limits)

    def _advice(self, situation: Situation, evaluation: _Evaluation) -> Advice:
        return self._advice_builder.build(
            situation,
            evaluation.matched,
            evaluation.suppressed,
            self._info,
            self._provenance,
        )

    def _evaluate(self, situation: Situation) -> _Evaluation:
        """What the rules conclude about ``situation``, layer by layer, before it is advice."""
        return self._evaluate_many((situation,))[0]

    def _evaluate_many(self, situations: Sequence[Situation]) -> list[_Evaluation]:
        """What the rules conclude about each of ``situations``: each layer's engine matches
        the facts of them all at once, and what fired is shared back out."""
        runs = [_Run(situation, Concluding(self._facts, situation)) for situation in situations]
        for (_, engine), abouts in zip(self._layers, self._abouts, strict=True):
            for run in runs:
                # Each layer reads what the ones below concluded (nothing yet, for the first);
                # the facts about other subjects than its own may be older (see Concluding).
                run.facts = run.concluding.facts(abouts)
                run.seen.append((engine, run.facts))
            for run, found in zip(runs, _match(engine, [run.facts for run in runs]), strict=True):
                self._conclude(run, found)
        return [
            _Evaluation(tuple(run.matched), tuple(run.suppressed), tuple(run.seen)) for run in runs
        ]

    def _conclude(self, run: _Run, found: frozenset[Firing]) -> None:
        """Adds what one layer's ``found`` firings conclude about ``run``'s situation."""
        facts, fired, tests = run.facts, run.fired, self._tests
        for name, index in sorted(found):
            test = tests[name]
            if test is None:  # an unless: read beside its rule
                continue
            rule, unless = test
            if (unless, index) in found:
                by = self._vetoers[name]
                vetoes = tuple(sorted(by.intersection(fired.get(index, ()))))
                if not vetoes:  # an unless that reads what was concluded about others
                    vetoes = tuple(sorted({r for ids in fired.values() for r in ids if r in by}))
                run.suppressed.append(Suppressed(name, facts[index].subject, vetoes))
            else:
                run.matched.append((rule, facts[index]))
                fired.setdefault(index, set()).add(name)
                run.concluding.add(rule, index)

    def explain(
        self,
        situation: Situation | Mapping[str, Any],
        candidate: str,
        target: Verdict | str | None = None,
        *,
        bound: int = DEFAULT_BOUND,
        budget: int | None = None,
    ) -> Explanation:
        """Why ``candidate`` (a name) is not better placed, and what would change it.

        ``target`` is the verdict to explain (default: the next better one and
        ``ready_to_ask``); ``bound`` the most changes a proposed set may hold; ``budget``, where
        given, the most changed situations the search may advise (past it, nothing is searched).
        Raises ``KeyError`` for a name not in the situation, ``SituationError`` for invalid
        input or input beyond the advisor's :attr:`limits`.
        """
        wanted = None if target is None else Verdict(target)
        (explanation,) = self.explain_many(
            situation, (candidate,), wanted, bound=bound, budget=budget
        )
        return explanation

    def explain_many(
        self,
        situation: Situation | Mapping[str, Any],
        candidates: Sequence[str],
        target: Verdict | str | None = None,
        *,
        bound: int = DEFAULT_BOUND,
        budget: int | None = None,
    ) -> tuple[Explanation, ...]:
        """:meth:`explain` for each of ``candidates``, in order, from one evaluation of the
        situation; ``budget``, where given, bounds the changed situations advised by all the
        searches together (a search that would pass it is not made)."""
        from .explain import explain_candidate

        checked = self._checked(situation)
        wanted = None if target is None else Verdict(target)
        last = self._last  # one read: another thread may replace it
        if last is not None and (last[0] is checked or last[0] == checked):
            _, evaluation, advice = last
        else:
            evaluation = self._evaluate(checked)
            advice = self._advice(checked, evaluation)
        out = []
        left = budget
        for name in candidates:
            explanation = explain_candidate(
                self.rules,
                self._verdicts_checked,
                checked,
                advice,
                evaluation.layers,
                name,
                wanted,
                bound,
                left,
            )
            if left is not None:
                left -= explanation.evaluations
            out.append(explanation)
        return tuple(out)

    def _verdicts_checked(self, situations: Sequence[Situation], name: str) -> list[Verdict]:
        """The verdict about the candidate ``name`` in each of situations already checked,
        evaluated together in groups: only the verdict, not the whole advice (whose messages,
        evidence and steps cost more than the evaluation itself in the report's searches)."""
        out: list[Verdict] = []
        for group in _groups(list(enumerate(situations))):
            evaluations = self._evaluate_many([checked for _, checked in group])
            out.extend(
                candidate_verdict(checked, evaluation.matched, name)
                for (_, checked), evaluation in zip(group, evaluations, strict=True)
            )
        return out

    def advise_many(
        self, situations: Iterable[Situation | Mapping[str, Any]]
    ) -> tuple[BatchItem, ...]:
        """Advice for every situation; an invalid one is reported in its place, not raised."""
        return tuple(self.advise_iter(situations))

    def advise_iter(
        self,
        situations: Iterable[Situation | Mapping[str, Any]],
        *,
        workers: int = 1,
        chunk_size: int = CHUNK_SIZE,
    ) -> Generator[BatchItem, None, None]:
        """One :class:`BatchItem` for each situation, in input order, as they are done.

        ``situations`` is read lazily, ``chunk_size`` at a time, with at most ``2 * workers``
        chunks in flight (the one being given back included), so an endless iterable works and
        memory does not grow with the batch. ``workers=1`` advises here, a chunk when it is
        asked for; ``N > 1`` in ``N`` worker processes, each building its own advisor once from
        this one's rules, engine and limits; results come back once that many chunks have been
        read, or the input has ended. A chunk that does not pickle is advised here instead. An
        invalid situation is reported in its place. A worker process that dies (at any moment),
        or an engine that fails, raises :class:`EngineError`; an exception raised by
        ``situations`` itself is raised once every item read before it has been given back;
        stopping early (``close()``, or leaving a ``for`` loop and dropping the iterator) stops
        the workers.
        """
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
        work = chunks(enumerate(situations), chunk_size)
        return flatten(run_ordered(self, self.maker(), work, _batch_items, workers=workers))


@frozen
class AdvisorSpec:
    """An :class:`Advisor`'s rule set (its parameters applied), engine as asked and limits:
    calling it builds the advisor. Worker processes (:meth:`Advisor.advise_iter`,
    ``mentor-rules advise --jobs``) and Dask workers (``mentor_rules.dask``, where it is
    ``ShippedRules``) are each sent one. ``"auto"`` stays as asked: each process picks what it
    has installed.

    ``token`` names this combination, a hash of it (worked out when first asked for), so that a
    token never names other rules than its own: Dask keys the graph's copy by it, and a Dask
    worker the advisor it keeps.
    """

    __repr__ = attrs_repr

    rules: RuleSet
    engine: EngineName
    limits: Limits
    _token: str | None = attrs.field(default=None, init=False, eq=False, repr=False)

    def __call__(self) -> Advisor:
        return Advisor(self.rules, engine=self.engine, limits=self.limits)

    @property
    def token(self) -> str:
        if self._token is None:
            import hashlib
            import pickle

            packed = pickle.dumps((self.rules, self.engine, self.limits), pickle.HIGHEST_PROTOCOL)
            token = "mentor-rules-" + hashlib.sha256(packed).hexdigest()[:32]
            object.__setattr__(self, "_token", token)
        return cast(str, self._token)

    def __dask_tokenize__(self) -> str:
        return self.token


@functools.cache
def _default_advisor() -> Advisor:
    return Advisor()


def advise(situation: Situation | Mapping[str, Any]) -> Advice:
    """The advice of the shipped rule set for ``situation``."""
    return _default_advisor().advise(situation)


def explain(
    situation: Situation | Mapping[str, Any],
    candidate: str,
    target: Verdict | str | None = None,
    *,
    bound: int = DEFAULT_BOUND,
) -> Explanation:
    """:meth:`Advisor.explain` with the shipped rule set."""
    return _default_advisor().explain(situation, candidate, target, bound=bound)


def _batch_items(advisor: Advisor, chunk: list[tuple[int, Situation | Any]]) -> list[BatchItem]:
    """The task of :meth:`Advisor.advise_iter`: a :class:`BatchItem` for each ``(index,
    situation)`` of ``chunk``."""
    outcomes = advisor._advise_chunk([situation for _, situation in chunk])
    return [
        BatchItem(index, outcome, None)
        if isinstance(outcome, Advice)
        else BatchItem(index, None, outcome)
        for (index, _), outcome in zip(chunk, outcomes, strict=True)
    ]
