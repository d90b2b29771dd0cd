"""Advice over Dask collections, partition by partition (the ``mentor-rules[dask]`` extra).

:func:`advise_bag` turns a bag of situations into a bag of results, one for each situation, in
the bag's order; :func:`advise_frame` adds the advice (or the error) of a dataframe column of
situations as two columns of JSON text. A situation is a JSON-form mapping, JSON text (``str``
or ``bytes``, e.g. a line of a JSON Lines file) or a :class:`~mentor_rules.Situation`.

A result is a plain JSON-able dict: ``{"advice": {...}}`` (the form of
:func:`~mentor_rules.advice_to_dict`) for a valid situation, ``{"error": [{"path": ...,
"message": ...}, ...]}`` (the problems of its :class:`~mentor_rules.SituationError`) for an
invalid one, so one bad document never fails the computation, and ``bag.map(json.dumps)
.to_textfiles(...)`` writes JSON Lines.

The rule set, engine and limits travel as one object in the task graph, which each worker
fetches once; each worker process builds one :class:`~mentor_rules.Advisor` from it the first
time a partition needs it and keeps it for every later partition (and later computations with
the same rules). Importing this module needs Dask; ``import mentor_rules`` never imports it.

:func:`match_programme` matches a programme (``docs/programme.md``) with its pairs weighed on
Dask partitions of its mentees, then solved and explained here: the same result as
:func:`~mentor_rules.match` in one process. The rules and the programme travel as one object of
the graph, and each worker builds what weighs the pairs once.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

try:
    import dask.bag
    from dask.delayed import delayed
except ImportError as _missing:  # pragma: no cover - tested in a subprocess without Dask
    raise ImportError(
        f"mentor_rules.dask needs Dask's bags ({_missing}): pip install 'dask[bag]>=2025.1' (or, "
        "in a checkout of mentor-rules, its dask extra: pip install '.[dask]')"
    ) from _missing

from .advice.advisor import Advisor, AdvisorSpec
from .engines import EngineName
from .io.jsonl import outcome_document, outcomes
from .model.limits import Limits
from .model.output import CandidateVerdict
from .programme.document import Programme
from .programme.match import Matching, match
from .programme.weigh import PairWeigher, WeigherSpec, Weighing, Work, weigh_chunk
from .rules.ruleset import RuleSet

if TYPE_CHECKING:
    import dask.dataframe
    import pandas

__all__ = [
    "ShippedRules",
    "advise_bag",
    "advise_frame",
    "advise_items",
    "match_programme",
    "on_dask",
    "ship",
]

# How many advisors (rule sets) one process keeps; the oldest goes first.
_KEPT = 8
# How many programmes' weighers one process keeps (each holds its programme).
_KEPT_PROGRAMMES = 2


#: What a worker needs to build its :class:`Advisor`: the rule set (its parameters already
#: applied), the engine and the limits, with a token that names this combination. The same
#: spec that :meth:`Advisor.maker` gives worker processes.
ShippedRules = AdvisorSpec


def ship(
    rules: RuleSet | None = None,
    *,
    engine: EngineName = "auto",
    parameters: Mapping[str, int | float] | None = None,
    limits: Limits | None = None,
) -> ShippedRules:
    """The arguments of :class:`Advisor`, checked here (an unknown engine or parameter raises
    as ``Advisor(...)`` does) and packed to be sent to workers."""
    # The engine stays as asked: "auto" picks what each worker has installed.
    return Advisor(rules, engine=engine, parameters=parameters, limits=limits).maker()


_lock = threading.Lock()
_advisors: dict[str, Advisor] = {}  # by token, oldest first
_weighers: dict[str, PairWeigher] = {}  # by token, oldest first


def _new_lock() -> None:
    # A process forked while another thread built an advisor would find the lock held forever.
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_new_lock)


def _advisor_for(shipped: ShippedRules) -> Advisor:
    """This process's :class:`Advisor` for ``shipped``: built the first time, then reused."""
    with _lock:
        return _advisor_unlocked(shipped)


def advise_items(items: Iterable[object], shipped: ShippedRules) -> list[dict[str, Any]]:
    """The result of each item, in order, with this process's advisor for ``shipped``: what
    :func:`advise_bag` runs on each partition. What is neither JSON text, a mapping nor a
    Situation is reported as such ("expected an object")."""
    advisor = _advisor_for(shipped)
    return [outcome_document(outcome) for outcome in outcomes(advisor, list(items))]


def _delayed(shipped: ShippedRules) -> Any:
    """``shipped`` as one object of the task graph, which every partition's task reads."""
    return delayed(shipped, name=shipped.token)


def advise_bag(
    bag: dask.bag.Bag,
    rules: RuleSet | None = None,
    *,
    engine: EngineName = "auto",
    parameters: Mapping[str, int | float] | None = None,
    limits: Limits | None = None,
) -> dask.bag.Bag:
    """A bag of the results of the situations in ``bag``, item by item in its order.

    ``rules``, ``engine``, ``parameters`` and ``limits`` are those of :class:`Advisor`, and are
    checked now: an unknown engine or parameter raises here, not in the workers.
    """
    shipped = ship(rules, engine=engine, parameters=parameters, limits=limits)
    map_partitions: Any = bag.map_partitions  # untyped in Dask
    return cast(dask.bag.Bag, map_partitions(advise_items, _delayed(shipped)))


def advise_frame(
    frame: dask.dataframe.DataFrame,
    column: str,
    rules: RuleSet | None = None,
    *,
    engine: EngineName = "auto",
    parameters: Mapping[str, int | float] | None = None,
    limits: Limits | None = None,
    advice: str = "advice",
    error: str = "error",
) -> dask.dataframe.DataFrame:
    """``frame`` with two columns added: ``advice``, the advice of the situation in
    ``column`` as JSON text, and ``error``, the problems of an invalid one as JSON text (a JSON
    list); the other of the two is missing (``pandas.NA``) in each row. Both are of pandas'
    string dtype. Needs ``dask[dataframe]``.

    The other arguments are those of :func:`advise_bag`. Raises ``KeyError`` if ``column`` is
    not a column of ``frame``, ``ValueError`` if ``advice`` or ``error`` already is one, or if
    they are the same name.
    """
    import pandas as pd  # dask.dataframe is installed, since ``frame`` is one

    if column not in frame.columns:
        raise KeyError(f"no column {column!r} in the dataframe (it has {list(frame.columns)})")
    if advice == error:
        raise ValueError(f"advice and error name the same column {advice!r}: name two")
    for name in (advice, error):
        if name in frame.columns or name == column:
            raise ValueError(f"the dataframe already has a column {name!r}: name another")
    shipped = ship(rules, engine=engine, parameters=parameters, limits=limits)
    empty = pd.Series([], dtype=pd.StringDtype())
    meta = frame._meta.assign(**{advice: empty, error: empty})
    map_partitions: Any = frame.map_partitions  # untyped in Dask
    return cast(
        "dask.dataframe.DataFrame",
        map_partitions(_advise_partition, column, _delayed(shipped), advice, error, meta=meta),
    )


def _advise_partition(
    partition: pandas.DataFrame, column: str, shipped: ShippedRules, advice: str, error: str
) -> pandas.DataFrame:
    import pandas as pd

    situations = partition[column]
    # A missing value (None, NaN, pandas.NA) is reported as a missing situation: "got null".
    results = advise_items(situations.astype(object).where(situations.notna(), None), shipped)
    texts = {
        name: pd.Series(
            [_json(r[key]) if key in r else None for r in results],
            index=partition.index,
            dtype=pd.StringDtype(),
        )
        for name, key in ((advice, "advice"), (error, "error"))
    }
    return partition.assign(**texts)


def _json(document: object) -> str:
    return json.dumps(document, ensure_ascii=False)


def _weigher_for(spec: WeigherSpec) -> PairWeigher:
    """This process's :class:`PairWeigher` for ``spec``: built the first time, then reused."""
    with _lock:
        weigher = _weighers.get(spec.token)
        if weigher is None:
            weigher = PairWeigher(_advisor_unlocked(spec.advisor), spec.programme)
            _weighers[spec.token] = weigher
            while len(_weighers) > _KEPT_PROGRAMMES:
                del _weighers[next(iter(_weighers))]
        return weigher


def _advisor_unlocked(shipped: ShippedRules) -> Advisor:
    """:func:`_advisor_for`, with ``_lock`` held by the caller."""
    advisor = _advisors.get(shipped.token)
    if advisor is None:
        advisor = shipped()
        _advisors[shipped.token] = advisor
        while len(_advisors) > _KEPT:
            del _advisors[next(iter(_advisors))]
    return advisor


def _weigh_partition(
    items: Iterable[Work], spec: WeigherSpec
) -> list[tuple[CandidateVerdict, ...]]:
    """The task of each partition of :func:`on_dask`: the verdicts of each item, in order."""
    return weigh_chunk(_weigher_for(spec), list(items))


def on_dask(partitions: int | None = None) -> Weighing:
    """A way of weighing a programme's pairs (``match(..., weighing=on_dask())``): its
    mentees, each with their mentors, in ``partitions`` Dask partitions (Dask's default if
    None), computed by the scheduler in use (a ``distributed.Client``'s, if one is)."""
    if partitions is not None and partitions < 1:
        raise ValueError(f"partitions must be at least 1, got {partitions}")

    def weighing(
        advisor: Advisor, programme: Programme, work: Sequence[Work]
    ) -> list[tuple[CandidateVerdict, ...]]:
        if not work:
            return []
        spec = WeigherSpec(advisor.maker(), programme)
        from_sequence: Any = dask.bag.from_sequence  # untyped in Dask
        bag = from_sequence(
            work, npartitions=None if partitions is None else min(partitions, len(work))
        )
        map_partitions: Any = bag.map_partitions  # untyped in Dask
        weighed = map_partitions(_weigh_partition, delayed(spec, name=spec.token))
        return cast("list[tuple[CandidateVerdict, ...]]", weighed.compute())

    return weighing


def match_programme(
    programme: Programme,
    rules: RuleSet | None = None,
    *,
    engine: EngineName = "auto",
    parameters: Mapping[str, int | float] | None = None,
    limits: Limits | None = None,
    partitions: int | None = None,
) -> Matching:
    """``programme`` matched and explained as :func:`~mentor_rules.match` does it, its pairs
    weighed on Dask (:func:`on_dask`); the solve and the explanations are made here.

    ``rules``, ``engine``, ``parameters`` and ``limits`` are those of :class:`Advisor`, checked
    now. Solving ``fit``, ``participation`` or ``fair`` needs scipy here, not on the workers.
    """
    advisor = Advisor(rules, engine=engine, parameters=parameters, limits=limits)
    return match(programme, advisor, weighing=on_dask(partitions))
