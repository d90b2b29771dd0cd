"""mentor_rules.dask: advice over a bag and a dataframe on a two-worker local cluster equals the
advice of one process, item by item, invalid items reported in place; one Advisor per worker;
the rule set shipped once. The tests that need Dask, distributed and pandas skip where they are
not installed (the dev extra installs them; CI runs this file after installing it)."""

from __future__ import annotations

import importlib.util
import json
import logging
import pickle
import random
import subprocess
import sys
from collections.abc import Iterator, Mapping
from importlib import metadata
from typing import TYPE_CHECKING, Any

import pytest

from mentor_rules import (
    Advisor,
    CareerMove,
    Chemistry,
    EngineError,
    GoalKind,
    GoalScope,
    Limits,
    Relation,
    RuleError,
    RuleSet,
    Setting,
    SituationError,
    Willingness,
    advice_to_dict,
    shipped_rules,
)
from mentor_rules.testing import FIELD_POOL, NAME_POOL, TEXT_POOL

if TYPE_CHECKING:
    from distributed import Client

needs_dask = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None or importlib.util.find_spec("pandas") is None,
    reason="dask, distributed and pandas are not installed (pip install -e '.[dev]')",
)

# --------------------------------------------------------------------------- the situations


def _situation(rng: random.Random) -> dict[str, Any]:
    """A valid situation drawn from the pools of mentor_rules.testing: varied enough that
    every verdict and most rules occur in a batch of forty."""

    def maybe(value: Any) -> Any:
        return value if rng.random() < 0.6 else None

    def texts(most: int) -> list[str]:
        return rng.sample(TEXT_POOL, rng.randint(0, most))

    names = rng.sample(NAME_POOL, rng.randint(0, 5))
    return {
        "mentee": {
            "months_at_company": maybe(rng.choice([0, 2, 5, 11, 30, 120])),
            "wants_to_innovate": rng.random() < 0.5,
            "hired_for_fresh_perspective": rng.random() < 0.5,
            "career_move": rng.choice(list(CareerMove)).value,
            "industry": maybe(rng.choice(FIELD_POOL)),
            "target_industry": maybe(rng.choice(FIELD_POOL)),
            "job": maybe(rng.choice(FIELD_POOL)),
            "target_job": maybe(rng.choice(FIELD_POOL)),
            "goals": [
                {
                    "kind": rng.choice(list(GoalKind)).value,
                    "scope": rng.choice(list(GoalScope)).value,
                    "detail": rng.choice(["", *TEXT_POOL]),
                }
                for _ in range(rng.randint(0, 3))
            ],
            "ideas": texts(2),
            "past_mentors": [
                {
                    "setting": rng.choice(list(Setting)).value,
                    "worked": texts(2),
                    "did_not_work": texts(2),
                }
                for _ in range(rng.randint(0, 2))
            ],
        },
        "candidates": [
            {
                "name": name,
                "relation": rng.choice(list(Relation)).value,
                "years_at_company": maybe(rng.choice([0, 1, 3, 6, 12])),
                "years_in_industry": maybe(rng.choice([0, 2, 8, 20])),
                "knows_culture": maybe(rng.random() < 0.5),
                "chemistry": rng.choice(list(Chemistry)).value,
                "conversations": rng.randint(0, 5),
                "willing": rng.choice(list(Willingness)).value,
                "traits": texts(3),
                "industry": maybe(rng.choice(FIELD_POOL)),
                "jobs": rng.sample(FIELD_POOL, rng.randint(0, 2)),
            }
            for name in names
        ],
    }


def _names_differ(document: Mapping[str, Any]) -> bool:
    keys = [" ".join(c["name"].split()).casefold() for c in document["candidates"]]
    return len(keys) == len(set(keys))


BROKEN = '{"mentee": '  # JSON text cut short
TWICE = '{"candidates": [], "candidates": []}'  # a key twice


def _batch() -> list[Any]:
    """44 valid situations (some as JSON text) and 6 invalid items, mixed together."""
    rng = random.Random(2026)
    valid = [s for s in (_situation(rng) for _ in range(60)) if _names_differ(s)][:44]
    assert len(valid) == 44
    items: list[Any] = list(valid)
    for index in (3, 17, 30):  # the JSON text of a situation: what a line of a file holds
        items[index] = json.dumps(items[index])
    invalid: list[Any] = [
        {"candidates": 3},
        {"candidates": [{"name": "Ana", "relation": "cousin"}]},
        BROKEN,
        TWICE,
        None,
        {"mentee": {"months_at_company": -1}, "surprise": True},
    ]
    for offset, item in enumerate(invalid):
        items.insert(1 + 8 * offset, item)
    return items


BATCH = _batch()


def _expected(advisor: Advisor, item: Any) -> dict[str, Any]:
    """What one process gives: the advice of the item, or the problems of its error."""
    try:
        advice = advisor.advise(json.loads(item) if isinstance(item, str) else item)
    except SituationError as error:
        return {"error": [{"path": p.path, "message": p.message} for p in error.problems]}
    return {"advice": advice_to_dict(advice)}


def _check_results(results: list[dict[str, Any]], advisor: Advisor) -> None:
    assert len(results) == len(BATCH)
    for index, (item, result) in enumerate(zip(BATCH, results, strict=True)):
        if item == BROKEN:
            (problem,) = result["error"]
            assert problem["message"].startswith("not valid JSON"), result
        elif item == TWICE:
            (problem,) = result["error"]
            assert "candidates" in problem["message"], result
        else:
            assert result == _expected(advisor, item), index
    errors = [i for i, r in enumerate(results) if "error" in r]
    assert errors == [1, 9, 17, 25, 33, 41]


# --------------------------------------------------------------------------- no Dask needed


def test_importing_mentor_rules_does_not_import_dask() -> None:
    code = "import sys, mentor_rules; print('dask' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


def test_without_dask_the_import_error_says_what_to_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['dask'] = None  # as if not installed\n"
        "try:\n"
        "    import mentor_rules.dask\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "pip install 'dask[bag]>=2025.1'" in result.stdout
    assert "pip install '.[dask]'" in result.stdout  # mentor-rules is not on the index


def test_the_dask_extra_is_dask_s_bags_and_dev_adds_a_cluster_and_dataframes() -> None:
    """What `pip install 'mentor-rules[dask]'` brings is only what mentor_rules.dask imports;
    the dev extra brings what this file needs besides (distributed, pandas)."""
    requires = metadata.requires("mentor-rules") or []

    def extra(name: str) -> set[str]:
        return {r.split(";")[0] for r in requires if r.endswith(f"extra == '{name}'")}

    assert {r.split(">")[0] for r in extra("dask")} == {"dask[bag]"}
    assert extra("dask") <= extra("dev")
    assert "dask[dataframe,distributed]" in extra("dev")


@pytest.mark.parametrize("parameters", [None, {"newcomer_months": 1}])
def test_a_rule_set_pickles_and_advises_the_same_after(parameters: dict[str, int] | None) -> None:
    rules = shipped_rules()
    if parameters:
        rules = rules.with_parameters(parameters)
    copy = pickle.loads(pickle.dumps(rules))
    assert isinstance(copy, RuleSet)
    assert copy == rules
    assert copy.info == rules.info
    for item in BATCH[:12]:
        assert _expected(Advisor(copy), item) == _expected(Advisor(rules), item)


# --------------------------------------------------------------------------- the cluster


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    import cloudpickle
    from distributed import Client, LocalCluster

    # The workers cannot import this test module: send its functions by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        with (
            LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                # The scheduler's HTTP server (/metrics, /health) listens even without a
                # dashboard, on 8787 unless told otherwise: on a machine where another
                # cluster holds that port, it moved and warned, and the warning failed the
                # fixture. Any free port will do.
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            client.run(_count_advisors)
            yield client
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def _count_advisors() -> None:
    """Run on each worker: count the Advisors built in that process from now on."""
    import mentor_rules.advice.advisor as module

    original = module.Advisor.__init__

    def counting(self: Advisor, *args: Any, **kwargs: Any) -> None:
        module.built += 1  # type: ignore[attr-defined]
        original(self, *args, **kwargs)

    module.built = 0  # type: ignore[attr-defined]
    setattr(module.Advisor, "__init__", counting)  # noqa: B010


def _advisors_built() -> int:
    import mentor_rules.advice.advisor as module

    built: int = module.built  # type: ignore[attr-defined]
    return built


@needs_dask
def test_a_bag_gets_the_advice_of_one_process_item_by_item_with_one_advisor_a_worker(
    client: Client,
) -> None:
    import dask.bag as db

    from mentor_rules.dask import advise_bag

    before = client.run(_advisors_built)
    bag = db.from_sequence(BATCH, npartitions=10)
    results = advise_bag(bag).compute()
    _check_results(results, Advisor())
    # Again, with the same rules, as JSON Lines: each worker reuses the Advisor it built.
    lines = advise_bag(bag).map(json.dumps).compute()
    assert [json.loads(line) for line in lines] == results
    built = {w: n - before[w] for w, n in client.run(_advisors_built).items()}
    assert len(built) == 2
    # 20 partitions on two workers, and no worker built more than one Advisor.
    assert set(built.values()) <= {0, 1}, built
    assert sum(built.values()) >= 1, built


@needs_dask
def test_engine_parameters_and_limits_pass_through_as_to_an_advisor(client: Client) -> None:
    import dask.bag as db

    from mentor_rules.dask import advise_bag

    options: dict[str, Any] = {
        "engine": "python",
        "parameters": {"newcomer_months": 1},
        "limits": Limits(max_candidates=3),
    }
    results = advise_bag(db.from_sequence(BATCH, npartitions=4), **options).compute()
    advisor, default = Advisor(**options), Advisor()
    changed = 0
    for item, result in zip(BATCH, results, strict=True):
        if item not in (BROKEN, TWICE):
            assert result == _expected(advisor, item)
            changed += result != _expected(default, item)
    assert changed >= 10  # the parameter and the limit made a difference


@needs_dask
def test_the_rule_set_is_one_object_of_the_graph_not_a_copy_in_every_task() -> None:
    import dask.bag as db
    from dask.base import optimize

    from mentor_rules.dask import advise_bag

    (bag,) = optimize(advise_bag(db.from_sequence(BATCH, npartitions=10)))
    sizes = sorted(len(pickle.dumps(task)) for task in dict(bag.__dask_graph__()).values())
    rules = len(pickle.dumps(shipped_rules()))
    assert len(sizes) >= 11  # ten partitions' tasks and the rule set
    assert sizes[-1] > rules  # one task holds the rule set...
    assert sizes[-2] < rules / 2  # ...and no other one does


@needs_dask
def test_bad_arguments_raise_when_the_computation_is_built() -> None:
    import dask.bag as db

    from mentor_rules.dask import advise_bag

    bag = db.from_sequence(BATCH, npartitions=2)
    with pytest.raises(RuleError, match="no_such_parameter"):
        advise_bag(bag, parameters={"no_such_parameter": 1})
    with pytest.raises(EngineError, match="fastest"):
        advise_bag(bag, engine="fastest")  # type: ignore[arg-type]


@needs_dask
def test_json_text_over_the_document_size_limit_is_reported_not_parsed() -> None:
    from mentor_rules.dask import advise_items, ship

    text = json.dumps(BATCH[0])
    shipped = ship(limits=Limits(max_document_bytes=len(text.encode()) - 1))
    for item in (text, text.encode(), bytearray(text.encode())):
        (result,) = advise_items([item], shipped)
        assert result == {
            "error": [
                {
                    "path": "",
                    "message": f"at most {len(text.encode()) - 1} bytes (limit "
                    f"max_document_bytes), got {len(text.encode())}",
                }
            ]
        }
    (result,) = advise_items([BATCH[0]], shipped)  # the limit is on text, not on a mapping
    assert "advice" in result


@needs_dask
def test_the_public_names_are_sorted_and_documented() -> None:
    import mentor_rules.dask

    assert mentor_rules.dask.__all__ == sorted(mentor_rules.dask.__all__)
    for name in mentor_rules.dask.__all__:
        assert getattr(mentor_rules.dask, name).__doc__, name


@needs_dask
@pytest.mark.parametrize("as_text", [True, False], ids=["json-text", "dicts"])
def test_a_dataframe_column_gets_the_advice_of_one_process_row_by_row(
    client: Client, as_text: bool
) -> None:
    import dask
    import dask.dataframe as dd
    import pandas as pd

    from mentor_rules.dask import advise_frame

    items = [json.dumps(i) if as_text and not isinstance(i, str) and i else i for i in BATCH]
    # Dask turns a column of Python objects into strings unless told not to (str(dict) is no
    # JSON): a column of dicts needs convert-string off. docs/scale.md says so.
    with dask.config.set({"dataframe.convert-string": as_text}):
        frame = dd.from_pandas(
            pd.DataFrame({"id": range(len(items)), "situation": items}), npartitions=5
        )
        out = advise_frame(frame, "situation").compute()
    assert list(out.columns) == ["id", "situation", "advice", "error"]
    assert out["id"].tolist() == list(range(len(BATCH)))
    results = [
        {"advice": json.loads(a)} if isinstance(a, str) else {"error": json.loads(e)}
        for a, e in zip(out["advice"], out["error"], strict=True)
    ]
    for advice, error in zip(out["advice"], out["error"], strict=True):
        assert isinstance(advice, str) != isinstance(error, str)  # one of the two, as text
    _check_results(results, Advisor())


@needs_dask
def test_advise_frame_names_a_missing_or_taken_column() -> None:
    import dask.dataframe as dd
    import pandas as pd

    from mentor_rules.dask import advise_frame

    frame = dd.from_pandas(pd.DataFrame({"situation": ["{}"], "advice": [""]}), npartitions=1)
    with pytest.raises(KeyError, match="'doc'"):
        advise_frame(frame, "doc")
    with pytest.raises(ValueError, match="'advice'"):
        advise_frame(frame, "situation")
    assert "out" in advise_frame(frame, "situation", advice="out").columns
    with pytest.raises(ValueError, match="same column 'r'"):
        advise_frame(frame, "situation", advice="r", error="r")


@needs_dask
def test_a_token_names_only_its_own_rules() -> None:
    """The advisor a worker keeps is found by token: a token given with other rules would
    advise with the wrong ones, so it is worked out from the rules, never given."""
    from mentor_rules import RuleSet, shipped_rules
    from mentor_rules.dask import ShippedRules, advise_items, ship

    shipped = ship(engine="python")
    empty = ShippedRules(RuleSet(()), "python", shipped.limits)
    assert empty.token != shipped.token
    assert ShippedRules(shipped_rules(), "python", shipped.limits).token == shipped.token
    document = Advisor().advise({"candidates": [{"name": "Ann", "relation": "peer"}]})
    assert document.recommendations  # the shipped rules advise on it
    advise_items([{}], shipped)  # a worker now keeps the shipped rules' advisor
    [result] = advise_items([{"candidates": [{"name": "Ann", "relation": "peer"}]}], empty)
    assert result["advice"]["recommendations"] == []


# --------------------------------------------------------------------------- programmes


def _weighers_kept() -> list[str]:
    import mentor_rules.dask as module

    return list(module._weighers)


@needs_dask
@pytest.mark.parametrize("objective", ["fit", "stable"])
def test_a_programme_weighed_on_dask_is_matched_as_in_one_process(
    client: Client, objective: str
) -> None:
    """The example cohort's pairs weighed in Dask partitions on two workers: the same result,
    pairs, explanations and evidence, as in one process; a worker builds one advisor at most,
    kept for later partitions and programmes."""
    from pathlib import Path

    from mentor_rules import match, match_to_dict, programme_from_dict
    from mentor_rules.dask import match_programme

    path = Path(__file__).resolve().parents[1] / "examples" / "programme" / "erg-cohort.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["settings"]["objective"] = objective
    programme = programme_from_dict(document)
    here = match(programme, Advisor(engine="python"))
    before = client.run(_advisors_built)
    spread = match_programme(programme, engine="python", partitions=8)
    assert match_to_dict(spread) == match_to_dict(here)
    assert dict(spread.pairs) == dict(here.pairs)
    assert spread.summary.pairs_evaluated > 400
    kept = client.run(_weighers_kept)
    assert any(kept.values()), kept  # weighed on the workers
    built = {w: n - before[w] for w, n in client.run(_advisors_built).items()}
    assert set(built.values()) <= {0, 1}, built


@needs_dask
def test_on_dask_asks_for_a_partition_at_least_and_weighs_nothing_when_nothing_is_left() -> None:
    from mentor_rules import match, programme_from_dict
    from mentor_rules.dask import on_dask

    with pytest.raises(ValueError, match="partitions must be at least 1"):
        on_dask(0)
    # Every mentor without places: no pair to weigh, so no computation, and everyone told why.
    programme = programme_from_dict(
        {
            "people": [{"id": "ana", "level": 1}, {"id": "bo", "level": 5}],
            "mentees": [{"id": "ana"}],
            "mentors": [{"id": "bo", "capacity": 0}],
        }
    )
    result = match(programme, Advisor(engine="python"), weighing=on_dask(4))
    assert result.summary.pairs_evaluated == 0
    ((reason, count),) = result.unmatched[0].excluded
    assert (reason.value, count) == ("no_places", 1)
