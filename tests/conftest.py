"""Shared test set-up: Hypothesis profiles, the rule set under test and the advisors.

Hypothesis profiles, chosen with the environment variable ``HYPOTHESIS_PROFILE``:

- ``dev`` (the default): 50 examples a test, for a quick run while working;
- ``ci``: 400 examples a test and no deadline (CI machines are slow and shared);
- ``mutation``: what ``benchmarks/mutation.py`` runs each mutant with: 100 examples, derandomized
  (the same examples for every mutant, so that the kill score is reproducible), no example
  database and no shrinking (a mutant is killed by the first failure; nobody reads it).

The rule set under test is the shipped one, or the rule files in the directory named by
``MENTOR_RULES_RULES_DIR`` (how the mutation benchmark points the suite at mutated rules). Every
fixture below and the per-rule parametrization (a test that takes an argument called
``rule_under_test`` runs once per rule, with the rule file and id as the test id) use it.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

import mentor_rules
from mentor_rules import Advisor, RuleSet, load_rules, shipped_rules
from mentor_rules.engines import ENGINES

#: Environment variable: a directory of rule files to test instead of the shipped rules.
RULES_DIR_VARIABLE = "MENTOR_RULES_RULES_DIR"

settings.register_profile("dev", max_examples=25, deadline=None)
# CI's depth is 150 a test: 400 made .ci/run take 38 minutes on the 2-core machine; the same
# depth is kept as `deep`, to run before a release or after a change to the strategies.
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "deep", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "mutation",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@functools.cache
def rules_under_test() -> RuleSet:
    """The shipped rule set, or the rules in ``$MENTOR_RULES_RULES_DIR`` when it is set."""
    directory = os.environ.get(RULES_DIR_VARIABLE)
    return load_rules(Path(directory)) if directory else shipped_rules()


def pytest_configure(config: pytest.Config) -> None:
    """The coverage floor (``fail_under`` in pyproject.toml) is the whole suite's: a run of
    chosen tests (file arguments, ``-k``, ``-m``) is measured without it, unless
    ``--cov-fail-under`` is given."""
    chosen = (
        config.args_source is not pytest.Config.ArgsSource.TESTPATHS
        or bool(config.option.keyword)
        or bool(config.option.markexpr)
    )
    given = any(str(a).startswith("--cov-fail-under") for a in config.invocation_params.args)
    coverage = config.pluginmanager.get_plugin("_cov")
    if chosen and not given and coverage is not None:
        coverage.options.cov_fail_under = None


def pytest_report_header() -> str:
    directory = os.environ.get(RULES_DIR_VARIABLE)
    where = f"rules from {directory}" if directory else "the shipped rules"
    engines = ", ".join(mentor_rules.available_engines())
    examples = settings().max_examples
    return f"mentor-rules: {where}; engines: {engines}; hypothesis: {examples} examples a test"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that takes ``rule_under_test`` once per rule, named by file and id."""
    if "rule_under_test" in metafunc.fixturenames:
        rules = rules_under_test().rules
        metafunc.parametrize(
            "rule_under_test", rules, ids=[f"{Path(r.file).name}::{r.id}" for r in rules]
        )


def _needs(engine: str) -> None:
    why = ENGINES[engine].unavailable()
    if why is not None:
        pytest.skip(f"the {engine} engine cannot run here: it {why}")


@pytest.fixture(scope="session")
def rule_set() -> RuleSet:
    """The rule set under test (see :func:`rules_under_test`)."""
    return rules_under_test()


@pytest.fixture(scope="session")
def python_advisor(rule_set: RuleSet) -> Advisor:
    """The pure-Python reference engine on the rule set under test."""
    return Advisor(rule_set, engine="python")


@pytest.fixture(scope="session")
def durable_advisor(rule_set: RuleSet) -> Advisor:
    """durable-rules' engine on the rule set under test; skips where it is not installed."""
    _needs("durable")
    return Advisor(rule_set, engine="durable")


@pytest.fixture(scope="session")
def advisors(rule_set: RuleSet) -> tuple[Advisor, ...]:
    """An advisor for every engine available here (in the order ``auto`` prefers them), on the
    rule set under test; properties check each example on all of them."""
    return tuple(
        Advisor(rule_set, engine=engine)  # type: ignore[arg-type]
        for engine in mentor_rules.available_engines()
    )


@pytest.fixture(scope="session", params=list(ENGINES))
def advisor(request: pytest.FixtureRequest, rule_set: RuleSet) -> Advisor:
    """Each registered engine in turn on the rule set under test (skipped where it cannot
    run)."""
    engine = request.param
    _needs(engine)
    return Advisor(rule_set, engine=engine)
