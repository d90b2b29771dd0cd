"""The advice names what produced it (library, version, engine), without the engines' advice
ceasing to compare equal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mentor_rules
from mentor_rules import Advisor, Provenance, advice_from_dict, advice_to_dict
from mentor_rules.cli import main

SITUATION = {
    "mentee": {"months_at_company": 3},
    "candidates": [{"name": "Dana", "relation": "skip_level", "years_at_company": 9}],
}


def test_the_advice_names_the_library_its_version_and_the_engine(advisor: Advisor) -> None:
    advice = advisor.advise(SITUATION)
    expected = Provenance("mentor-rules", mentor_rules.__version__, advisor.engine)
    assert advice.produced_by == expected
    assert advice_to_dict(advice)["produced_by"] == {
        "library": "mentor-rules",
        "version": mentor_rules.__version__,
        "engine": advisor.engine,
    }


def test_advice_from_two_engines_is_equal_though_its_provenance_differs(
    python_advisor: Advisor, durable_advisor: Advisor
) -> None:
    python, durable = python_advisor.advise(SITUATION), durable_advisor.advise(SITUATION)
    assert python.produced_by != durable.produced_by
    assert python == durable
    first, second = advice_to_dict(python), advice_to_dict(durable)
    assert (first["produced_by"]["engine"], second["produced_by"]["engine"]) == (
        "python",
        "durable",
    )
    del first["produced_by"], second["produced_by"]
    assert first == second


def test_the_json_form_keeps_the_provenance_and_old_documents_read(advisor: Advisor) -> None:
    document = advice_to_dict(advisor.advise(SITUATION))
    again = advice_from_dict(json.loads(json.dumps(document)))
    assert again.produced_by == Provenance("mentor-rules", mentor_rules.__version__, advisor.engine)
    assert advice_to_dict(again) == document
    del document["produced_by"]  # a document written before the field existed
    assert advice_from_dict(document).produced_by is None
    document["produced_by"] = {"library": "mentor-rules", "version": "0.1.0"}
    with pytest.raises(mentor_rules.AdviceError) as caught:
        advice_from_dict(document)
    assert [p.path for p in caught.value.problems] == ["produced_by.engine"]


def test_the_command_line_s_json_names_the_engine_it_was_told_to_use(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    situation = tmp_path / "s.json"
    situation.write_text(json.dumps(SITUATION), encoding="utf-8")
    assert main(["advise", str(situation), "--json", "--engine", "python"]) == 0
    document = json.loads(capsys.readouterr().out)  # one situation: its advice document
    assert document["produced_by"] == {
        "library": "mentor-rules",
        "version": mentor_rules.__version__,
        "engine": "python",
    }
