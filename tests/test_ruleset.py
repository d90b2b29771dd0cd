"""Rule files into a rule set: what is checked, and how problems name file, rule and field."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from mentor_rules import (
    Kind,
    RuleError,
    available_engines,
    load_rules,
    rules_from_documents,
    shipped_rules,
)

REQUIRED_IDS = {
    "need-a-mentor", "know-what-you-want", "take-your-time", "check-idea-history",
    "learn-from-past-mentors", "build-coaching-team", "avoid-direct-manager",
    "consider-higher-ups", "consider-knowledgeable-peers", "knows-company-history",
    "industry-insider", "try-out-with-questions", "assess-chemistry", "poor-chemistry",
    "not-willing", "echoes-what-worked", "echoes-what-did-not-work", "ready-to-ask",
}  # fmt: skip

# The article's sections and how many paragraphs each has.
ARTICLE_SECTIONS = {
    "Career Mentors": 4,
    "To Do Something New, Talk to Someone Who's Seen the Old": 3,
    "Know What You Want": 2,
}
ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_8f91d898b26bd48e.txt"

GOOD_RULE = """
id = "sample-rule"
title = "A sample"
about = "candidate"
kind = "consider"
weight = 5
when = 'candidate.relation == "peer"'
message = "Consider {candidate.name}."
because = "Peers can know a lot."
source = { section = "Know What You Want", paragraph = 1 }

[[examples]]
description = "a peer"
fires_for = ["Pat"]
situation.candidates = [{ name = "Pat", relation = "peer" }]

[[examples]]
description = "not a peer"
fires_for = []
situation.candidates = [{ name = "Sam", relation = "senior" }]
"""


def document(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "sample-rule",
        "title": "A sample",
        "about": "candidate",
        "kind": "consider",
        "when": 'candidate.relation == "peer"',
        "message": "Consider {candidate.name}.",
        "because": "Peers can know a lot.",
        "source": {"section": "S", "paragraph": 1},
        "examples": [
            {
                "description": "yes",
                "fires_for": ["Pat"],
                "situation": {"candidates": [{"name": "Pat", "relation": "peer"}]},
            },
            {"description": "no", "fires_for": [], "situation": {}},
        ],
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def problems_of(*documents: dict[str, Any]) -> list[tuple[str | None, str | None, str]]:
    with pytest.raises(RuleError) as caught:
        rules_from_documents(documents)
    return [(p.rule, p.field, p.message) for p in caught.value.problems]


def test_the_shipped_rule_set_has_every_required_rule() -> None:
    assert set(shipped_rules().ids) >= REQUIRED_IDS


def test_every_shipped_rule_cites_a_real_section_and_paragraph() -> None:
    for rule in shipped_rules():
        assert rule.source.section in ARTICLE_SECTIONS, rule.id
        for source in (rule.source, *rule.see_also):
            assert 1 <= source.paragraph <= ARTICLE_SECTIONS[source.section], rule.id


def test_no_rule_copies_a_sentence_of_the_article() -> None:
    if not ARTICLE.exists():
        pytest.skip("the article is not beside this checkout")
    words = re.findall(r"[a-z']+", ARTICLE.read_text(encoding="utf-8").lower().replace("’", "'"))
    runs = {" ".join(words[i : i + 7]) for i in range(len(words) - 6)}
    for rule in shipped_rules():
        for text in (rule.message.text, rule.because, rule.title):
            mine = re.findall(r"[a-z']+", text.lower())
            copied = {" ".join(mine[i : i + 7]) for i in range(len(mine) - 6)} & runs
            assert not copied, f"{rule.id} repeats the article: {copied}"


def test_every_shipped_rule_has_an_example_that_fires_and_one_that_does_not() -> None:
    for rule in shipped_rules():
        assert any(e.fires_for for e in rule.examples), rule.id
        assert any(not e.fires_for for e in rule.examples), rule.id


def test_a_rule_file_loads_from_a_directory(tmp_path: Path) -> None:
    (tmp_path / "sample-rule.toml").write_text(GOOD_RULE, encoding="utf-8")
    rules = load_rules(tmp_path)
    assert rules.ids == ("sample-rule",)
    assert rules["sample-rule"].kind is Kind.CONSIDER
    assert rules["sample-rule"].file.endswith("sample-rule.toml")


def test_toml_syntax_errors_name_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text('id = "x"\ntitle = \n', encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(bad)
    problem = caught.value.problems[0]
    assert problem.file == str(bad)
    assert problem.line == 2
    assert "not valid TOML" in problem.message
    assert f"{bad}:2" in str(caught.value)


def test_every_problem_in_every_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD_RULE.replace('"peer"\'', '"boss"\''), encoding="utf-8")
    (tmp_path / "b.toml").write_text(
        GOOD_RULE.replace('kind = "consider"', 'kind = "maybe"'), encoding="utf-8"
    )
    (tmp_path / "c.toml").write_text("= broken", encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    files = {Path(p.file).name for p in caught.value.problems}
    assert files == {"a.toml", "b.toml", "c.toml"}


def test_duplicate_ids_are_refused_naming_both_files(tmp_path: Path) -> None:
    for directory in ("one", "two"):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / "sample-rule.toml").write_text(GOOD_RULE, encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path / "one", tmp_path / "two")
    (problem,) = caught.value.problems
    assert problem.field == "id"
    assert str(Path("one") / "sample-rule.toml") in problem.message
    assert problem.file == str(tmp_path / "two" / "sample-rule.toml")


def test_a_rule_file_is_named_after_its_rule_id(tmp_path: Path) -> None:
    misnamed = tmp_path / "sample.toml"
    misnamed.write_text(GOOD_RULE, encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.rule, problem.field) == (str(misnamed), "sample-rule", "id")
    assert "sample-rule.toml" in problem.message
    assert str(caught.value) == (
        f"invalid rule: {misnamed} rule 'sample-rule' id: the file of a rule is named after its "
        "id: expected sample-rule.toml, not sample.toml"
    )
    misnamed.rename(tmp_path / "sample-rule.toml")
    assert load_rules(tmp_path).ids == ("sample-rule",)


def test_a_misnamed_file_is_reported_with_the_rule_s_other_problems(tmp_path: Path) -> None:
    misnamed = tmp_path / "sample.toml"
    misnamed.write_text(GOOD_RULE.replace('kind = "consider"', 'kind = "maybe"'), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(misnamed)
    assert [p.field for p in caught.value.problems] == ["kind", "id"]


def test_a_malformed_id_is_reported_once_whatever_the_file_name(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD_RULE.replace('id = "sample-rule"', 'id = "Bad_Id"'), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(bad)
    (problem,) = caught.value.problems
    assert problem.field == "id"
    assert "lower-case words" in problem.message


def test_rule_documents_have_no_file_name_to_match() -> None:
    assert rules_from_documents([document()], name="sample").ids == ("sample-rule",)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id": "Bad_Id"}, "id", "lower-case words"),
        ({"about": "boss"}, "about", "expected one of"),
        ({"kind": "maybe"}, "kind", "expected one of"),
        (
            {"about": "mentee", "when": "mentee.wants_to_innovate", "message": "m"},
            "kind",
            "must be about 'candidate'",
        ),
        ({"when": "candidate.relation == 3"}, "when", "not 3"),
        ({"message": "Hi {candidate.nam}"}, "message", "not a field here"),
        ({"message": "Hi {candidate.name!r}"}, "message", "not supported"),
        ({"message": "Hi {"}, "message", "not a valid message template"),
        ({"message": "Hi {mentee.goals.x}"}, "message", "not a field here"),
        ({"because": "  "}, "because", "must not be empty"),
        ({"weight": 1000}, "weight", "between"),
        ({"step": 0}, "step", "between"),
        ({"source": {"section": "S", "paragraph": 0}}, "source", "paragraph number"),
        ({"examples": []}, "examples", "at least one example that fires"),
        ({"colour": "red"}, "colour", "unknown field"),
        ({"title": None}, "title", "required field missing"),
        ({"weight": "5"}, "weight", "expected an integer"),
    ],
)
def test_rule_problems_name_the_field(changes: dict[str, Any], field: str, message: str) -> None:
    found = problems_of(document(**changes))
    assert any(f == field and message in m for _, f, m in found), found


def test_an_invalid_example_situation_names_its_path() -> None:
    bad = document()
    bad["examples"][0]["situation"] = {"candidates": [{"name": "Pat", "relation": "boss"}]}
    found = problems_of(bad)
    assert ("sample-rule", "examples[0].situation.candidates[0].relation") in {
        (r, f) for r, f, _ in found
    }


def test_rules_made_by_programs_may_go_without_examples() -> None:
    rules = rules_from_documents([document(examples=None)], require_examples=False)
    assert rules["sample-rule"].examples == ()


def test_no_rule_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="no rule files found"):
        load_rules(tmp_path)


def _rule(rule_id: str, **fields: object) -> dict[str, object]:
    return {
        "id": rule_id,
        "title": "t",
        "about": "candidate",
        "kind": "consider",
        "when": 'candidate.relation == "peer"',
        "message": "m",
        "because": "b",
        "source": {"section": "S", "paragraph": 1},
        **fields,
    }


def test_past_mentor_rules_cannot_group_their_steps() -> None:
    document = _rule(
        "grouped",
        about="past_mentor",
        kind="action",
        when='past_mentor.setting == "school"',
        step={"order": 1, "group": "all", "text": "{subjects}"},
    )
    with pytest.raises(RuleError, match="past mentors have no order"):
        rules_from_documents([document], require_examples=False)


def test_a_cycle_through_unless_names_the_unless() -> None:
    documents = [
        _rule("a-rule", when='"b-rule" in candidate.concluded'),
        _rule("b-rule", unless='"a-rule" in candidate.concluded'),
    ]
    with pytest.raises(RuleError) as caught:
        rules_from_documents(documents, require_examples=False)
    (problem,) = caught.value.problems
    assert "a-rule -> b-rule -> a-rule" in problem.message or "b-rule -> a-rule -> b-rule" in (
        problem.message
    )
    assert problem.field == ("when" if problem.rule == "a-rule" else "unless")


def test_a_rule_reading_goal_fit_without_any_rule_that_fits_sees_every_goal_unmet() -> None:
    """No rule establishes fit: the fields are there, empty, from the first layer on."""
    from mentor_rules import Advisor

    rules = rules_from_documents(
        [
            _rule("fits-nothing", when="len(candidate.fits_goals) == 0"),
            _rule(
                "all-unmet",
                about="mentee",
                kind="insight",
                when="len(mentee.unmet_goal_scopes) > 0",
            ),
        ],
        require_examples=False,
    )
    situation = {
        "mentee": {"goals": [{"kind": "advice", "scope": "job"}]},
        "candidates": [{"name": "Pat", "relation": "peer"}],
    }
    for engine in ("python", *(["durable"] if "durable" in available_engines() else [])):
        advice = Advisor(rules, engine=engine).advise(situation)  # type: ignore[arg-type]
        assert {(r.rule, r.subject) for r in advice.recommendations} == {
            ("fits-nothing", "Pat"),
            ("all-unmet", "mentee"),
        }


# --------------------------------------------------------------------------- hostile input

_GOOD_SOURCE = '\nsource = { section = "S", paragraph = 1 }\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('id = "x"\nweight = ' + "9" * 5000, "not valid TOML"),
        ('id = "x"\nnested = ' + "[" * 5000 + "]" * 5000, "not valid TOML"),
        ('id = "x"\nnested = ' + "{a = " * 3000 + "1" + "}" * 3000, "not valid TOML"),
        (
            "id = 'x'\ntitle = 't'\nabout = 'candidate'\nkind = 'consider'\nmessage = 'm'\n"
            "because = 'b'\nwhen = '" + "-" * 1000 + "1 < candidate.conversations'",
            "nested too deeply",
        ),
    ],
    ids=["a 5000-digit integer", "nested arrays", "nested tables", "a thousand minus signs"],
)
def test_hostile_rule_files_are_a_rule_error_naming_the_file(
    tmp_path: Path, text: str, expected: str
) -> None:
    (tmp_path / "x.toml").write_text(text + _GOOD_SOURCE, encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    assert any(expected in p.message for p in caught.value.problems), caught.value
    assert all(p.file.endswith("x.toml") for p in caught.value.problems)


def test_only_regular_files_of_bounded_size_are_read(tmp_path: Path) -> None:
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    (tmp_path / "huge.toml").write_text("# " + "x" * 300_000, encoding="utf-8")
    (tmp_path / "folder.toml").mkdir()
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    messages = {Path(p.file).name: p.message for p in caught.value.problems}
    assert "not a regular file" in messages["zero.toml"]
    assert "not a regular file" in messages["folder.toml"]
    assert "may be at most 262,144" in messages["huge.toml"]


def test_a_fifo_named_like_a_rule_file_does_not_block(tmp_path: Path) -> None:
    """Opening a FIFO waits for a writer for ever: it must not be opened at all."""
    import subprocess
    import sys

    os.mkfifo(tmp_path / "pipe.toml")
    code = (
        "import sys; from mentor_rules import load_rules, RuleError\n"
        "try:\n    load_rules(sys.argv[1])\nexcept RuleError as e:\n    print(e)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "not a regular file" in result.stdout, result


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    rule = next(Path(shipped_rules()["take-your-time"].file).parent.glob("take-your-time.toml"))
    (tmp_path / "take-your-time.toml").write_bytes(b"\xef\xbb\xbf" + rule.read_bytes())
    assert load_rules(tmp_path).ids == ("take-your-time",)
