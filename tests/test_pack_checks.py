"""The checks a rule-pack author runs: validate only, one rule, lint, the JSON Schema, the
catalogue as JSON, and error messages that say what to fix."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mentor_rules import RuleError, rules_from_documents, shipped_rules
from mentor_rules.cli import main
from mentor_rules.io.schemas import MANIFEST, RULE_FILE
from mentor_rules.language.expr import ConditionError, parse_condition
from mentor_rules.model.vocabulary import roots_for
from mentor_rules.rules.lint import decide, lint

ROOTS = roots_for("candidate")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rule(rule_id: str, when: str, **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": rule_id,
        "title": "t",
        "about": "candidate",
        "kind": "consider",
        "when": when,
        "message": "m",
        "because": "b",
        "source": {"section": "s", "paragraph": 1},
    }
    document.update(changes)
    return document


# --------------------------------------------------------------------------- lint


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ('candidate.relation == "peer" and candidate.relation == "senior"', "never"),
        ("candidate.years_at_company >= 5 and candidate.years_at_company < 3", "never"),
        ("candidate.conversations > 2 and candidate.conversations < 3", "never"),
        ("candidate.years_at_company > 2 and candidate.years_at_company < 3", "sometimes"),
        ("candidate.knows_culture and not candidate.knows_culture", "never"),
        (
            'candidate.relation in ["peer"] and candidate.relation not in ["peer", "junior"]',
            "never",
        ),
        ("candidate.years_at_company is None and candidate.years_at_company >= 0", "never"),
        ("len(mentee.goals) >= 0", "always"),
        ("len(mentee.goals) < 0", "never"),
        ('candidate.relation != "peer" or candidate.relation != "senior"', "always"),
        ('"a" in candidate.traits or not ("a" in candidate.traits)', "always"),
        ("candidate.years_at_company >= 5 or candidate.years_at_company < 5", "sometimes"),
        ('candidate.relation == "peer"', "sometimes"),
        ('any(t == "x" for t in candidate.traits) and len(candidate.traits) == 0', "sometimes"),
    ],
)
def test_the_decision_procedure(text: str, verdict: str) -> None:
    """Exact on what it reasons about; the last: related operands are not reasoned about, so
    it does not say 'never' (it never guesses)."""
    assert decide(parse_condition(text, ROOTS)) == verdict


def test_lint_finds_each_kind_of_problem_with_a_reason() -> None:
    rules = rules_from_documents(
        [
            rule("never", "candidate.conversations >= 5 and candidate.conversations < 3"),
            rule("always", "len(candidate.traits) >= 0"),
            rule("first", 'candidate.relation == "peer"'),
            rule("second", 'candidate.relation == "peer"'),
            rule("vetoed", 'candidate.relation == "senior"', unless="len(mentee.goals) >= 0"),
        ],
        require_examples=False,
    )
    found = {(w.check, w.rule) for w in lint(rules)}
    assert found == {
        ("never-holds", "never"),
        ("always-holds", "always"),
        ("same-condition", "second"),
        ("never-holds", "vetoed"),
    }
    assert all(w.message for w in lint(rules))


def test_lint_finds_advice_always_held_back_by_the_rules_its_unless_reads() -> None:
    """The unless reads what other rules concluded; those rules' own conditions (and their own
    unless) decide whether the advice can ever get through."""
    rules = rules_from_documents(
        [
            rule("manager", 'candidate.relation == "direct_manager"', kind="avoid"),
            rule(
                "said-no",
                'candidate.willing == "no"',
                kind="avoid",
                unless='candidate.relation == "outside"',
            ),
            rule("junior", 'candidate.relation == "junior"', kind="caution"),
            rule(
                "ask-your-manager",
                'candidate.relation == "direct_manager" and candidate.conversations > 1',
                unless='"avoid" in candidate.concluded_kinds',
            ),
            rule(
                "ask-a-junior",
                'candidate.relation == "junior"',
                unless='"junior" in candidate.concluded',
            ),
            rule(
                "ask-a-peer",
                'candidate.relation == "peer"',
                unless='"avoid" in candidate.concluded_kinds',
            ),
            rule(
                "refused-peer",
                'candidate.relation == "peer" and candidate.willing == "no"',
                unless='"avoid" in candidate.concluded_kinds',
            ),
            rule(
                "refused-outsider",
                'candidate.relation == "outside" and candidate.willing == "no"',
                unless='"avoid" in candidate.concluded_kinds',
            ),
        ],
        require_examples=False,
    )
    found = {w.rule: w.message for w in lint(rules) if w.check == "always-vetoed"}
    assert set(found) == {"ask-your-manager", "ask-a-junior", "refused-peer"}
    assert "'manager'" in found["ask-your-manager"]
    assert "'said-no'" in found["refused-peer"]
    assert "'manager'" not in found["refused-peer"]  # it cannot fire with a peer


def test_the_shipped_rules_lint_clean_and_an_unused_parameter_is_found() -> None:
    assert lint(shipped_rules()) == []
    unused = shipped_rules().without("need-a-mentor")
    assert [(w.check, w.rule) for w in lint(unused)] == [("unused-parameter", None)]
    assert "newcomer_months" in lint(unused)[0].message


def test_check_lint_warns_and_fails_only_under_strict(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, "check", "--lint", "--strict")[0] == 0
    code, _, err = run(capsys, "check", "--lint", "--disable", "need-a-mentor")
    assert code == 0
    assert "warning: parameter 'newcomer_months' is read by no rule" in err
    code, _, _ = run(capsys, "check", "--lint", "--strict", "--disable", "need-a-mentor")
    assert code == 1


# --------------------------------------------------------------------------- check options


def test_check_validate_only_and_one_rule(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "check", "--rule", "ready-to-ask", "--json")
    assert (code, json.loads(out)["examples"]) == (0, 3)
    code, out, _ = run(capsys, "check", "--validate-only", "--json")
    rules = len(shipped_rules())
    assert (code, json.loads(out)["examples"], json.loads(out)["rules"]) == (0, 0, rules)
    assert run(capsys, "check", "--rule", "nope")[0] == 3
    broken = tmp_path / "x.toml"
    broken.write_text('id = "x"\n', encoding="utf-8")
    assert run(capsys, "check", "--validate-only", "--rules", str(broken))[0] == 3


def test_catalogue_json_and_the_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalogue", "--json")
    data = json.loads(out)
    assert code == 0
    assert len(data["rules"]) == len(shipped_rules())
    assert {p["name"] for p in data["parameters"]} >= {"newcomer_months", "company_years"}
    assert data["rules"][0]["pack"] == "shipped"
    code, out, _ = run(capsys, "schema", "rules")
    assert code == 0
    assert set(json.loads(out)) == {"rule file", "pack.toml"}


def test_the_schemas_name_every_field_the_loaders_read() -> None:
    from mentor_rules.rules.packs import _MANIFEST_FIELDS
    from mentor_rules.rules.reader import _FIELDS

    assert set(RULE_FILE["properties"]) == set(_FIELDS)
    assert set(MANIFEST["properties"]) == set(_MANIFEST_FIELDS)


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('candidate.relation = "peer"', "write '==', not '='"),
        ("candidate.knows_culture && candidate.job_match", "write 'and', not '&&'"),
        ("candidate.knows_culture || candidate.job_match", "write 'or', not '||'"),
        ("candidate.conversations =< 2", "write '<=', not '=<'"),
        ("candidate.knows_culture == true", "write the field itself: 'candidate.knows_culture'"),
        ("candidate.knows_culture == false", "'not candidate.knows_culture'"),
        ("candidate.years_at_company == null", "write 'candidate.years_at_company is None'"),
        ("candidate.years_at_company != None", "'candidate.years_at_company is not None'"),
    ],
)
def test_condition_mistakes_say_what_to_write(text: str, said: str) -> None:
    with pytest.raises(ConditionError) as caught:
        parse_condition(text, ROOTS)
    assert said in caught.value.message


def test_every_bad_slot_of_a_message_is_reported() -> None:
    with pytest.raises(RuleError) as caught:
        rules_from_documents(
            [rule("r", "candidate.knows_culture", message="{candidate.nme} {mentee.x} {z!r}")],
            require_examples=False,
        )
    message = caught.value.problems[0].message
    assert "{candidate.nme}, {mentee.x} are not fields here" in message
    assert "{z}: format specs" in message


def _layers_of_unless(count: int) -> list[dict[str, Any]]:
    """Rules each reading the one below twice (in its condition and in its unless), and a
    last one always held back (its unless reads the layer below, or holds anyway)."""
    made = [rule("r0", 'candidate.relation == "peer"')]
    for k in range(1, count):
        below = f'"r{k - 1}" in candidate.concluded'
        made.append(rule(f"r{k}", below, unless=f"{below} and candidate.years_at_company > {k}"))
    below = f'"r{count - 1}" in candidate.concluded'
    unless = f"{below} or candidate.years_in_industry > 0"
    made.append(rule("top", "candidate.years_in_industry > 1", unless=unless))
    return made


def test_lint_of_many_layers_of_unless_ends_and_finds_what_it_did_on_few(tmp_path: Path) -> None:
    """Found by a hostile review: each layer doubled the lint's work (16 layers 12 s, 21 more
    than a minute). Run as a user would, in a subprocess that would not end in time before."""
    folder = tmp_path / "layers"
    folder.mkdir()
    for document in _layers_of_unless(40):
        lines = [f"{key} = '{value}'" for key, value in document.items() if key != "source"]
        lines.append('source = { section = "s", paragraph = 1 }')
        (folder / f"{document['id']}.toml").write_text("\n".join(lines) + "\n", "utf-8")
    check = ["check", "--lint", "--no-shipped", "--rules", str(folder), "--validate-only"]
    done = subprocess.run(
        [sys.executable, "-m", "mentor_rules", *check],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "rule 'top': whenever the condition holds, the unless holds too" in done.stderr
    assert "(through 'r39')" in done.stderr
    few = rules_from_documents(_layers_of_unless(3), require_examples=False)
    assert [(w.check, w.rule) for w in lint(few)] == [("always-vetoed", "top")]


def test_the_lint_says_which_rule_it_gave_up_on() -> None:
    """Too many combinations to try (18 free tests: 2**18 of them): the rule is reported, not
    passed over in silence."""
    tests = " or ".join(f'"t{n}" in candidate.traits' for n in range(18))
    rules = rules_from_documents(
        [rule("wide", tests), rule("narrow", '"t0" in candidate.traits')],
        require_examples=False,
    )
    assert decide(rules["wide"].condition) == "unknown"
    [warning] = lint(rules)
    assert (warning.check, warning.rule) == ("undecided", "wide")
    assert "gave up" in warning.message
