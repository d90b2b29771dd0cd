"""Parameters, rule packs and their composition: extend, override, disable, tune."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from mentor_rules import (
    Advisor,
    PackRef,
    Parameter,
    RuleError,
    RuleSet,
    RuleWarning,
    advice_from_dict,
    advice_to_dict,
    check_examples,
    load_pack,
    load_rules,
    rules_from_documents,
    shipped_rules,
)
from mentor_rules.cli import main

COMPANY_PACK = Path(__file__).resolve().parents[1] / "examples" / "company-pack"

NEWCOMER = {"mentee": {"months_at_company": 8}}


def fired(advisor: Advisor, situation: dict[str, Any]) -> set[str]:
    return {r.rule for r in advisor.advise(situation).recommendations}


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


RULE = """
id = "{id}"
title = "T"
about = "mentee"
kind = "insight"
when = '{when}'
message = "M"
because = "B"
source = {{ section = "S", paragraph = 1 }}
{extra}
[[examples]]
description = "fires"
fires_for = ["mentee"]
situation.mentee = {{ months_at_company = 1 }}

[[examples]]
description = "does not"
fires_for = []
situation.mentee = {{ months_at_company = 100 }}
"""


def rule_file(directory: Path, rule_id: str, when: str, extra: str = "") -> Path:
    return write(directory, f"{rule_id}.toml", RULE.format(id=rule_id, when=when, extra=extra))


# --------------------------------------------------------------------------- parameters


def test_the_shipped_thresholds_are_parameters_with_defaults_and_descriptions() -> None:
    rules = shipped_rules()
    assert rules.parameter_values == {
        "newcomer_months": 12,
        "company_years": 3,
        "industry_years": 5,
        "conversations_before_asking": 2,
    }
    assert all(p.description for p in rules.parameters)
    assert "params.newcomer_months" in rules["need-a-mentor"].when
    assert rules["ready-to-ask"].parameters == (("conversations_before_asking", 2),)


def test_a_caller_overrides_a_parameter() -> None:
    assert "need-a-mentor" in fired(Advisor(engine="python"), NEWCOMER)
    tuned = Advisor(engine="python", parameters={"newcomer_months": 6})
    assert "need-a-mentor" not in fired(tuned, NEWCOMER)
    assert tuned.advise(NEWCOMER).rule_set.parameters["newcomer_months"] == 6


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"newcomer_month": 6}, "unknown parameter 'newcomer_month'"),
        ({"newcomer_months": 6.5}, "params.newcomer_months is an integer, not 6.5"),
        ({"company_years": "3"}, "params.company_years is a number, not '3'"),
        ({"company_years": True}, "not True"),
    ],
)
def test_a_wrong_parameter_is_named(values: dict[str, Any], said: str) -> None:
    with pytest.raises(RuleError) as caught:
        Advisor(parameters=values)
    assert said in str(caught.value)
    assert caught.value.problems[0].field == f"params.{next(iter(values))}"


def test_overriding_with_the_default_changes_nothing() -> None:
    rules = shipped_rules()
    assert rules.with_parameters({"newcomer_months": 12}) == rules
    assert rules.with_parameters({"newcomer_months": 12}).overrides == ()


def test_parameters_are_type_checked_like_fields() -> None:
    number = Parameter("years", "number", 2.5)
    count = Parameter("count", "int", 2)

    def make(when: str, *parameters: Parameter) -> RuleSet:
        document = {
            "id": "r",
            "title": "t",
            "about": "candidate",
            "kind": "consider",
            "when": when,
            "message": "m",
            "because": "b",
            "source": {"section": "s", "paragraph": 1},
        }
        return rules_from_documents([document], require_examples=False, parameters=parameters)

    assert make("candidate.conversations >= params.count", count)["r"].parameters == (("count", 2),)
    assert make("candidate.years_at_company > params.count", count)  # an int is a number
    with pytest.raises(RuleError, match=r"is an integer, and params\.years is a number"):
        make("candidate.conversations >= params.years", number)
    with pytest.raises(RuleError, match="unknown parameter 'nope'; parameters: count"):
        make("candidate.conversations >= params.nope", count)
    with pytest.raises(RuleError, match="is a parameter, a value"):
        make("params.count", count)
    bound = make("candidate.conversations in [1, params.count]", count)
    assert bound.with_parameters({"count": 5})["r"].parameters == (("count", 5),)


# --------------------------------------------------------------------------- packs


def test_the_company_pack_extends_disables_overrides_adds_and_tunes() -> None:
    pack = load_pack(COMPANY_PACK)
    shipped = shipped_rules()
    assert pack.packs == (shipped.packs[0], PackRef("acme-mentoring", "1.0.0"))
    assert pack.disabled == ("build-coaching-team",)
    assert set(pack.ids) == (set(shipped.ids) - {"build-coaching-team"}) | {
        "newcomer-buddy",
        "skip-level-check-in",
    }
    assert pack["avoid-direct-manager"].weight == -80
    assert pack["avoid-direct-manager"].pack == PackRef("acme-mentoring", "1.0.0")
    assert pack["need-a-mentor"].pack == shipped.packs[0]
    assert pack.parameter_values["newcomer_months"] == 6
    assert pack.parameter_values["company_years"] == 2
    # Its rules read the conclusions of shipped rules: layers are worked out on the whole.
    situation = {
        "mentee": {"months_at_company": 3},
        "candidates": [
            {"name": "Sam", "relation": "skip_level"},
            {"name": "Ola", "relation": "skip_level", "willing": "no"},
        ],
    }
    advice = Advisor(pack, engine="python").advise(situation)
    cautions = {(r.rule, r.subject) for r in advice.recommendations}
    assert ("skip-level-check-in", "Sam") in cautions
    assert ("skip-level-check-in", "Ola") not in cautions
    assert "newcomer-buddy" in {r.rule for r in advice.recommendations}
    assert not [r for r in check_examples(Advisor(pack, engine="python")) if not r.passed]


def test_composition_returns_new_rule_sets_and_leaves_the_old_alone() -> None:
    shipped = shipped_rules()
    smaller = shipped.without("poor-chemistry")
    assert "poor-chemistry" in shipped.ids
    assert "poor-chemistry" not in smaller.ids
    assert smaller.disabled == ("poor-chemistry",)
    again = smaller.extend(RuleSet((shipped["poor-chemistry"],)))
    assert "poor-chemistry" in again.ids
    assert again.disabled == ()
    with pytest.raises(RuleError, match="no rule with this id"):
        shipped.without("no-such-rule")


def test_disabling_a_rule_others_read_reads_as_never_concluded() -> None:
    rules = shipped_rules().without("junior-colleague")
    advice = Advisor(rules, engine="python").advise(
        {"candidates": [{"name": "Jo", "relation": "junior", "years_at_company": 9}]}
    )
    assert "knows-company-history" in {r.rule for r in advice.recommendations}


def test_a_pack_without_extends_stands_alone_or_on_what_it_is_loaded_onto(
    tmp_path: Path,
) -> None:
    rule_file(tmp_path / "p", "tuned", "mentee.months_at_company < params.newcomer_months")
    with pytest.raises(RuleError, match="unknown parameter 'newcomer_months'"):
        load_pack(tmp_path / "p")
    onto = load_pack(tmp_path / "p", onto=shipped_rules())
    assert {"tuned", "need-a-mentor"} <= set(onto.ids)
    assert onto.packs[-1] == PackRef("p", "")


def test_a_pack_declares_parameters_of_its_own(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pack.toml",
        'name = "own"\nversion = "2"\n[parameters.limit]\ntype = "int"\ndefault = 10\n'
        'description = "a limit"\n',
    )
    rule_file(tmp_path, "own-rule", "mentee.months_at_company < params.limit")
    pack = load_pack(tmp_path)
    assert pack.parameters == (Parameter("limit", "int", 10, "a limit"),)
    assert pack.packs == (PackRef("own", "2"),)
    assert fired(Advisor(pack, engine="python"), {"mentee": {"months_at_company": 5}}) == {
        "own-rule"
    }


@pytest.mark.parametrize(
    ("manifest", "said"),
    [
        ('name = "x"\nextend = ["shipped"]\n', "extend: unknown field; did you mean 'extends'?"),
        (
            'name = "x"\nrules = ["a"]\n',
            "rules: unknown field; the manifest fields are name, version",
        ),
        ('extends = ["shipped"]\ndisable = ["nope"]\n', "no inherited rule with this id"),
        ("[parameters.new_one]\ndefault = 1\n", "a new parameter needs type = 'int' or 'number'"),
        (
            'extends = ["shipped"]\n[parameters.newcomer_months]\ndefault = 6.5\n',
            "params.newcomer_months is an integer, not 6.5",
        ),
        (
            'extends = ["shipped"]\n[parameters.newcomer_months]\ntype = "number"\ndefault = 6\n',
            "not its type",
        ),
        ('extends = ["."]\n', "a cycle"),
        ('name = "Bad Name"\n', "lower-case words"),
    ],
)
def test_manifest_problems_say_what_to_fix(tmp_path: Path, manifest: str, said: str) -> None:
    write(tmp_path, "pack.toml", manifest)
    with pytest.raises(RuleError) as caught:
        load_pack(tmp_path)
    assert said in str(caught.value)


def test_load_rules_reads_a_directory_with_a_manifest_as_a_pack() -> None:
    assert load_rules(COMPANY_PACK) == load_pack(COMPANY_PACK)


def test_rules_without_examples_load_with_a_warning_and_fail_check(tmp_path: Path) -> None:
    write(
        tmp_path,
        "bare.toml",
        'id = "bare"\ntitle = "t"\nabout = "mentee"\nkind = "insight"\n'
        'when = "len(mentee.goals) == 0"\nmessage = "m"\nbecause = "b"\n'
        'source = { section = "s", paragraph = 1 }\n',
    )
    with pytest.warns(RuleWarning, match="rule 'bare': examples: needs at least one example"):
        rules = load_pack(tmp_path)
    assert rules.ids == ("bare",)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuleWarning)
        assert main(["check", "--no-shipped", "--rules", str(tmp_path)]) == 1
        assert main(["advise", "--no-shipped", "--rules", str(tmp_path)]) == 0


# --------------------------------------------------------------------------- advice and CLI


def test_the_advice_names_the_rule_set_and_old_documents_still_read() -> None:
    advice = Advisor(load_pack(COMPANY_PACK).without("poor-chemistry"), engine="python").advise(
        NEWCOMER
    )
    document = advice_to_dict(advice)
    assert document["rule_set"]["packs"][1] == {"name": "acme-mentoring", "version": "1.0.0"}
    assert document["rule_set"]["disabled"] == ["build-coaching-team", "poor-chemistry"]
    assert document["rule_set"]["parameters"]["newcomer_months"] == 6
    assert advice_from_dict(json.loads(json.dumps(document))) == advice
    del document["rule_set"]
    assert advice_from_dict(document).rule_set.packs == ()


def test_the_command_line_adds_packs_disables_and_sets_parameters(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    situation = write(tmp_path, "s.json", json.dumps(NEWCOMER))
    argv = ["advise", str(situation), "--json", "--engine", "python"]
    assert main([*argv, "--rules", str(COMPANY_PACK), "--disable", "know-what-you-want"]) == 0
    advice = json.loads(capsys.readouterr().out)
    rules = {r["rule"] for r in advice["recommendations"]}
    assert "know-what-you-want" not in rules
    assert "need-a-mentor" not in rules  # 8 months is past Acme's 6
    assert advice["rule_set"]["disabled"] == ["build-coaching-team", "know-what-you-want"]
    assert main([*argv, "--param", "newcomer_months=9"]) == 0
    assert "need-a-mentor" in capsys.readouterr().out
    assert main([*argv, "--param", "newcomer_months=9.5"]) == 3
    assert "params.newcomer_months is an integer" in capsys.readouterr().out  # --json
    assert main([*argv, "--no-shipped", "--rules", str(COMPANY_PACK)]) == 0  # it extends shipped
    assert "acme-mentoring" in capsys.readouterr().out
    assert main(["check", "--rules", str(COMPANY_PACK), "--param", "company_years=2.5"]) == 0
    assert main([*argv, "--no-shipped"]) == 0
    assert json.loads(capsys.readouterr().out)["recommendations"] == []


# --------------------------------------------------------------------------- one name, two packs


def test_two_packs_of_one_name_are_refused_not_one_dropped(tmp_path: Path) -> None:
    """Found by a hostile review: the second ``policies`` was dropped in silence, so a
    company's rules did not run and nothing said so."""
    rule_file(tmp_path / "company" / "policies", "company-rule", "mentee.months_at_company < 2")
    rule_file(tmp_path / "team" / "policies", "team-rule", "mentee.months_at_company < 3")
    with pytest.raises(RuleError, match=r"another pack is called 'policies' too") as caught:
        load_pack(tmp_path / "team" / "policies", onto=load_pack(tmp_path / "company" / "policies"))
    assert str(tmp_path / "company" / "policies") in str(caught.value)
    code = main(
        [
            "check",
            "--no-shipped",
            "--rules",
            str(tmp_path / "company" / "policies"),
            "--rules",
            str(tmp_path / "team" / "policies"),
        ]
    )
    assert code == 3


def test_two_manifests_of_one_name_and_version_are_refused(tmp_path: Path) -> None:
    for folder, rule_id in (("a", "rule-a"), ("b", "rule-b")):
        write(tmp_path / folder, "pack.toml", 'name = "policies"\nversion = "1"\n')
        rule_file(tmp_path / folder, rule_id, "mentee.months_at_company < 2")
    with pytest.raises(RuleError, match=r"'policies' version '1' too"):
        load_rules(tmp_path / "a", tmp_path / "b")
    write(tmp_path / "b", "pack.toml", 'name = "policies"\nversion = "2"\n')
    both = load_rules(tmp_path / "a", tmp_path / "b")
    assert {"rule-a", "rule-b"} <= set(both.ids)
    assert both.packs == (PackRef("policies", "1"), PackRef("policies", "2"))


def test_a_pack_two_packs_extend_is_composed_once(tmp_path: Path) -> None:
    """The diamond: both extend the company pack; it is composed once, and the second does not
    undo what the first changed."""
    for folder, rule_id in (("left", "left-rule"), ("right", "right-rule")):
        write(tmp_path / folder, "pack.toml", f'extends = ["{COMPANY_PACK}"]\n')
        rule_file(tmp_path / folder, rule_id, "mentee.months_at_company < 2")
    both = load_rules(tmp_path / "left", tmp_path / "right")
    assert {"left-rule", "right-rule"} <= set(both.ids)
    assert [p.name for p in both.packs].count("acme-mentoring") == 1
    assert both.packs == load_pack(tmp_path / "right", onto=load_pack(tmp_path / "left")).packs


@pytest.mark.parametrize("where", ["pack", "extends"])
def test_a_loop_of_symbolic_links_is_a_rule_error_not_a_crash(tmp_path: Path, where: str) -> None:
    """Found by a hostile review: ``RuntimeError: Symlink loop`` and a traceback."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    pack = tmp_path / "a"
    if where == "extends":
        pack = tmp_path / "p"
        write(pack, "pack.toml", 'extends = ["../a"]\n')
    with pytest.raises(RuleError, match="a loop of symbolic links") as caught:
        load_pack(pack)
    assert caught.value.problems[0].field == (None if where == "pack" else "extends")
