"""The JSON Schemas: what ``mentor-rules schema`` prints, the copies in docs/schema/, and how
they are made from the model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mentor_rules import Goal, Limits, Relation
from mentor_rules.cli import main
from mentor_rules.io.schemas import MANIFEST, RULE_FILE, SCHEMAS, _Builder
from mentor_rules.model.situation import MAX_MONTHS, MAX_YEARS

DOCS = Path(__file__).resolve().parents[1] / "docs" / "schema"
CHECKED_IN = [name for name in SCHEMAS if name != "rules"]


def printed(capsys: pytest.CaptureFixture[str], name: str) -> str:
    assert main(["schema", name]) == 0
    out: str = capsys.readouterr().out
    return out


@pytest.mark.parametrize("name", CHECKED_IN)
def test_the_schemas_in_docs_are_what_the_command_prints(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = DOCS / f"{name}.schema.json"
    assert path.read_text(encoding="utf-8") == printed(capsys, name), (
        f"regenerate it: mentor-rules schema {name} > docs/schema/{name}.schema.json"
    )


def test_docs_schema_holds_no_other_schema() -> None:
    assert sorted(p.name for p in DOCS.glob("*.json")) == sorted(
        f"{name}.schema.json" for name in CHECKED_IN
    )


@pytest.mark.parametrize("name", CHECKED_IN)
def test_every_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    schema = SCHEMAS[name]()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_schema_rules_still_prints_the_rule_file_and_the_manifest_together(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert json.loads(printed(capsys, "rules")) == {"rule file": RULE_FILE, "pack.toml": MANIFEST}


def _objects(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [schema, *schema["$defs"].values()]


@pytest.mark.parametrize("name", ["situation", "advice"])
def test_every_object_refuses_unknown_keys_and_every_field_is_described(name: str) -> None:
    for made in _objects(SCHEMAS[name]()):
        assert made["additionalProperties"] is False
        assert made["description"]
        for field in made["properties"].values():
            assert field["description"]


def test_the_situation_schema_holds_the_default_limits_and_the_model_s_ranges() -> None:
    schema = SCHEMAS["situation"]()
    limits, defs = Limits(), schema["$defs"]
    assert schema["properties"]["candidates"]["maxItems"] == limits.max_candidates
    assert defs["mentee"]["properties"]["goals"]["maxItems"] == limits.max_items
    assert defs["candidate"]["properties"]["name"]["maxLength"] == limits.max_text
    assert defs["past_mentor"]["properties"]["worked"]["items"]["maxLength"] == limits.max_text
    assert defs["mentee"]["properties"]["months_at_company"]["maximum"] == MAX_MONTHS
    assert defs["candidate"]["properties"]["years_at_company"]["maximum"] == MAX_YEARS
    assert defs["mentee"]["properties"]["support_roles"]["uniqueItems"] is True
    assert f"{limits.max_candidates} candidates" in schema["description"]
    assert "other limits" in schema["description"]


def test_the_advice_schema_has_no_limits() -> None:
    text = json.dumps(SCHEMAS["advice"]())
    assert "maxItems" not in text
    assert "maxLength" not in text


def _odd(_: object, __: object, ___: object) -> None:  # pragma: no cover - never called
    """A validator the schemas know nothing of."""


@pytest.mark.parametrize("hint", [str, int | None, Relation, tuple[str, ...], Goal, Any])
def test_a_validator_the_schemas_do_not_know_is_an_error_on_any_type(hint: Any) -> None:
    """So that a check added to the model cannot be left out of the schema unnoticed."""
    with pytest.raises(TypeError, match="no JSON Schema for the validator"):
        _Builder(None).type(hint, _odd, None)


def test_the_cli_offers_every_schema() -> None:
    """The CLI names the schemas without importing the module that makes them."""
    from mentor_rules.cli import SCHEMA_NAMES

    assert tuple(SCHEMAS) == SCHEMA_NAMES


def test_the_cli_s_json_errors_and_explanations_match_their_schemas(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"candidates": [{"name": "Dana", "relation": "boss"}, {}]}', encoding="utf-8")
    assert main(["advise", "--json", str(bad)]) == 3
    entry = json.loads(capsys.readouterr().out)  # one situation: its error document
    Draft202012Validator(SCHEMAS["error"]()).validate(entry)
    assert main(["explain", "--json", str(bad), "--candidate", "Dana"]) == 3
    Draft202012Validator(SCHEMAS["error"]()).validate(json.loads(capsys.readouterr().out))
    assert main(["explain", "--json", "--candidate", "Tom Becker"]) == 0
    explained = json.loads(capsys.readouterr().out)["explanation"]
    Draft202012Validator(SCHEMAS["explanation"]()).validate(explained)
    assert explained["why_not"]  # not an empty shell
    assert explained["what_would_change"]


def test_the_explanation_schema_refuses_what_an_explanation_cannot_hold() -> None:
    validator = Draft202012Validator(SCHEMAS["explanation"]())
    good = {
        "candidate": "Dana",
        "verdict": "avoid",
        "targets": ["weak_fit"],
        "why_not": [],
        "what_would_change": [],
        "bound": 4,
    }
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "verdict": "maybe"})
    assert not validator.is_valid({**good, "extra": 1})
    change = {"path": "candidates[0].chemistry", "value": "good", "kind": "wish", "text": "x"}
    assert not validator.is_valid(
        {**good, "what_would_change": [{"reaches": "explore", "changes": [change]}]}
    )
