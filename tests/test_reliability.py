"""Failure modes an embedder can meet: each one run through the public API, in a subprocess
where it could crash the interpreter, and checked against the Python engine's answer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from mentor_rules import Advisor, available_engines, rules_from_documents
from mentor_rules.language.evaluate import evidence
from mentor_rules.language.expr import parse_condition
from mentor_rules.model.vocabulary import roots_for

needs_durable = pytest.mark.skipif(
    "durable" not in available_engines(), reason="durable-rules is not installed here"
)


def run_script(code: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter; it prints OK when all went as it should."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, (result.returncode, result.stdout[-2000:], result.stderr[-4000:])
    assert result.stdout.strip().endswith("OK"), result.stdout[-2000:]


# --------------------------------------------------------------------------- 1. hash collisions


@needs_durable
def test_the_property_hash_is_the_engines() -> None:
    """durable-rules' own constants for 'id' and 'sid' (HASH_ID, HASH_SID in state.h)."""
    from mentor_rules.engines.durable import fnv1a_32

    assert fnv1a_32("id") == 926444256
    assert fnv1a_32("sid") == 3593476751


@needs_durable
def test_no_two_property_names_of_a_compiled_rule_set_hash_alike() -> None:
    from mentor_rules.engines.durable import _RESERVED, _schema_names, compile_ruleset, fnv1a_32
    from mentor_rules.rules.ruleset import tests_of

    rules = _wide_rules(["r129599", "r732382", *[f"rule-{n}" for n in range(300)]])
    names = set(_schema_names())
    for part in compile_ruleset(tests_of(rules)):
        for flags in (*part.flags.values(), *part.shared.values()):
            names.update(f"flags.{name}" for name, _ in flags)
    hashes = [fnv1a_32(name) for name in names]
    assert len(set(hashes)) == len(hashes)
    assert all(name in names for name in _RESERVED)


def _wide_rules(ids: list[str]) -> Any:
    """Rules too wide for the engine's stack (an ``in`` of 50 values): each becomes a flag."""
    values = ", ".join(str(n) for n in range(50))
    return rules_from_documents(
        [
            {
                "id": rule_id,
                "title": "t",
                "about": "candidate",
                "kind": "consider",
                "when": f"candidate.conversations in [{values}] and candidate.chemistry == "
                + ('"good"' if n % 2 else '"mixed"'),
                "message": "m",
                "because": "b",
                "source": {"section": "s", "paragraph": 1},
            }
            for n, rule_id in enumerate(ids)
        ],
        require_examples=False,
    )


@needs_durable
def test_rules_whose_old_flag_names_hash_alike_get_their_own_answers() -> None:
    """``flags.rule_r129599`` and ``flags.rule_r732382`` hash alike (found by a birthday
    search); the rules were answered with one another's flag."""
    assert_ok(
        run_script(
            """
            import sys; sys.path.insert(0, "tests")
            from test_reliability import _wide_rules
            from mentor_rules import Advisor
            rules = _wide_rules(["r129599", "r732382"])
            situation = {"candidates": [
                {"name": "A", "relation": "peer", "conversations": 3, "chemistry": "good"},
                {"name": "B", "relation": "peer", "conversations": 3, "chemistry": "mixed"},
            ]}
            from mentor_rules import Limits
            limits = Limits(max_items=3000)  # far over the default limits, on purpose
            durable = Advisor(rules, engine="durable", limits=limits).advise(situation)
            python = Advisor(rules, engine="python", limits=limits).advise(situation)
            assert durable == python, (durable.candidates, python.candidates)
            assert {(r.rule, r.subject) for r in durable.recommendations} == {
                ("r129599", "B"), ("r732382", "A")}
            print("OK")
            """
        )
    )


# --------------------------------------------------------------------------- 2. property size


@needs_durable
def test_a_property_too_big_for_the_engine_is_matched_in_python_not_crashed_on() -> None:
    """2,796 traits of 500 emoji are over 16 MiB as JSON, past which durable-rules crashed."""
    assert_ok(
        run_script(
            """
            from mentor_rules import Advisor, rules_from_documents
            rules = rules_from_documents([{
                "id": "has-x", "title": "t", "about": "candidate", "kind": "consider",
                "when": '"x" in candidate.traits', "message": "m", "because": "b",
                "source": {"section": "s", "paragraph": 1}}], require_examples=False)
            from mentor_rules import Candidate, Relation, Situation
            big = tuple("\\U0001F600" * 496 + f"{n:04d}" for n in range(2796)) + ("x",)
            situation = Situation(candidates=(
                Candidate("A", Relation.PEER, traits=big),
                Candidate("B", Relation.PEER, traits=("y",)),
            ))
            from mentor_rules import Limits
            limits = Limits(max_items=3000)  # far over the default limits, on purpose
            durable = Advisor(rules, engine="durable", limits=limits).advise(situation)
            python = Advisor(rules, engine="python", limits=limits).advise(situation)
            assert durable == python
            assert [r.subject for r in durable.recommendations] == ["A"]
            print("OK")
            """
        )
    )


# --------------------------------------------------------------------------- 3. sessions


@needs_durable
@pytest.mark.parametrize("where", ["assert_facts", "start_action_for_state"])
def test_evaluations_cut_short_leak_no_session_and_the_advisor_recovers(where: str) -> None:
    """A KeyboardInterrupt just after a C call returns, 3,000 times (past the engine's 1,024
    live sessions); then the advice is still the Python engine's, and memory has not grown."""
    assert_ok(
        run_script(
            f"""
            import json, resource
            from mentor_rules import Advisor
            from mentor_rules.engines import durable as _durable
            real = _durable._engine
            class Interrupting:
                def __getattr__(self, name):
                    return getattr(real, name)
                def {where}(self, *args):
                    out = real.{where}(*args)
                    raise KeyboardInterrupt
            advisor = Advisor(engine="durable")
            situation = json.loads(open("src/mentor_rules/example.json").read())
            expected = Advisor(engine="python").advise(situation)
            assert advisor.advise(situation) == expected
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            _durable._engine = Interrupting()
            for _ in range(3000):
                try:
                    advisor.advise(situation)
                except KeyboardInterrupt:
                    pass
            _durable._engine = real
            for _ in range(50):
                assert advisor.advise(situation) == expected
            grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
            assert grown < 50_000, f"peak RSS grew by {{grown}} KiB"
            print("OK")
            """
        )
    )


@needs_durable
@pytest.mark.parametrize("where", ["assert_facts", "start_action_for_state"])
def test_the_hosts_exception_inside_a_session_goes_on_as_itself_and_leaks_nothing(
    where: str,
) -> None:
    """Found by a hostile review: a host's exception (a request timeout raised by its signal
    handler) just after ``assert_facts`` came back as ``EngineError``, and left the session
    open for ever (about 170 KB each). Here 3,000 of them, past the engine's 1,024 live
    sessions: each is the host's own ``Timeout``, and the advisor then advises as before."""
    assert_ok(
        run_script(
            f"""
            import json
            from mentor_rules import Advisor
            from mentor_rules.engines import durable as _durable
            real = _durable._engine
            class Timeout(Exception):
                pass
            class Interrupting:
                def __getattr__(self, name):
                    return getattr(real, name)
                def {where}(self, *args):
                    out = real.{where}(*args)
                    raise Timeout("the request took too long")
            advisor = Advisor(engine="durable")
            situation = json.loads(open("src/mentor_rules/example.json").read())
            expected = Advisor(engine="python").advise(situation)
            _durable._engine = Interrupting()
            for _ in range(3000):
                try:
                    advisor.advise(situation)
                except Timeout:
                    pass
            _durable._engine = real
            for _ in range(50):
                assert advisor.advise(situation) == expected
            print("OK")
            """
        )
    )


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs signal.setitimer")
@pytest.mark.parametrize("engine", available_engines())
def test_a_timeout_from_a_signal_handler_is_raised_as_itself_wherever_it_lands(
    engine: str,
) -> None:
    """A real timer, firing at moments spread over the whole of ``advise`` (reading the
    situation, the engine's sessions, building the advice), 2,000 times: what comes out is
    always the host's own exception, never ``SituationError`` ("invalid situation: ...:
    Timeout") nor ``EngineError``; and the advice is then what it was."""
    assert_ok(
        run_script(
            f"""
            import json, random, signal
            from mentor_rules import Advisor
            class Timeout(Exception):
                pass
            armed = True
            def alarm(*_):
                if armed:  # not once the timer is being stopped, outside the try below
                    raise Timeout("the request took too long")
            signal.signal(signal.SIGALRM, alarm)
            advisor = Advisor(engine="{engine}")
            situation = json.loads(open("src/mentor_rules/example.json").read())
            situation["candidates"] = [dict(c) for c in situation["candidates"] * 4]
            for n, candidate in enumerate(situation["candidates"]):
                candidate["name"] = f"{{candidate['name']}} {{n}}"
            expected = advisor.advise(situation)
            rounds = random.Random(16)
            interrupted = 0
            while interrupted < 2000:
                try:  # the timer may fire before setitimer returns, on a busy machine
                    signal.setitimer(signal.ITIMER_REAL, rounds.uniform(0.00005, 0.004))
                    advisor.advise(situation)
                except Timeout:
                    interrupted += 1
                finally:
                    armed = False
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    armed = True
            assert advisor.advise(situation) == expected
            print("OK")
            """,
            timeout=600,
        )
    )


# --------------------------------------------------------------------------- 4. fork


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork here")
@pytest.mark.parametrize("engine", available_engines())
def test_forking_while_another_thread_evaluates_gives_a_working_child(engine: str) -> None:
    """200 forks while a thread evaluates: every child gives the parent's advice. (A lock held
    by the thread at the fork, as ``functools.cached_property`` takes on Python 3.11, would be
    held for ever in the child: 1 hang in about 300 forks.)"""
    assert_ok(
        run_script(
            f"""
            import json, os, threading, time, warnings
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads
            from mentor_rules import Advisor
            advisor = Advisor(engine={engine!r})
            situation = json.loads(open("src/mentor_rules/example.json").read())
            expected = advisor.advise(situation)
            stop = False
            def busy():
                while not stop:
                    advisor.advise(situation)
            thread = threading.Thread(target=busy)
            thread.start()
            try:
                for _ in range(200):
                    pid = os.fork()
                    if pid == 0:
                        ok = advisor.advise(situation) == expected
                        os._exit(0 if ok else 3)
                    deadline = time.monotonic() + 20
                    while True:
                        done, status = os.waitpid(pid, os.WNOHANG)
                        if done:
                            assert os.waitstatus_to_exitcode(status) == 0, status
                            break
                        if time.monotonic() > deadline:
                            os.kill(pid, 9)
                            raise AssertionError("the child hung")
                        time.sleep(0.01)
            finally:
                stop = True
                thread.join()
            print("OK")
            """
        )
    )


# --------------------------------------------------------------------------- 5. shared mentee


@needs_durable
def test_the_mentees_lists_are_not_copied_into_every_candidates_fact() -> None:
    """The payload grows with the goals once, not once per candidate."""
    from mentor_rules import Candidate, Goal, GoalKind, GoalScope, Mentee, Relation, Situation

    def payload_size(goals: int) -> int:
        advisor = Advisor(engine="durable")
        mentee = Mentee(
            goals=tuple(Goal(GoalKind.ADVICE, GoalScope.JOB, "g" * 90) for _ in range(goals))
        )
        people = tuple(Candidate(f"C{n}", Relation.PEER) for n in range(40))
        size = 0
        for engine, facts in advisor._evaluate(Situation(mentee, people)).layers:
            for part in engine._parts:  # type: ignore[attr-defined]
                chosen = [(i, f) for i, f in enumerate(facts) if f.about in part.compiled.abouts]
                size += len(part._payload(chosen, "x") or "")
        return size

    grown = payload_size(200) - payload_size(0)
    one_copy = 200 * 100  # each goal is about 100 bytes as JSON
    layers = len(Advisor().rules.layers)
    assert grown < 2 * layers * one_copy  # at most the mentee's own fact in each layer


# --------------------------------------------------------------------------- 6. evidence


def test_evidence_grows_linearly_with_the_values_it_shows() -> None:
    """Duplicates were dropped by searching a list (quadratic: 8,000 goals took 6.7 s)."""
    compared = 0

    class Value(str):
        def __eq__(self, other: object) -> bool:
            nonlocal compared
            compared += 1
            return str.__eq__(self, other)

        __hash__ = str.__hash__

    condition = parse_condition("any(t != 'zz' for t in candidate.traits)", roots_for("candidate"))
    values = {"candidate": {"traits": [Value(f"t{n}") for n in range(4000)]}}
    found = evidence(condition, values)
    assert len(found) == 4000
    assert compared < 4 * 4000
