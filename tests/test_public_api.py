"""The public surface: everything exported is listed, sorted, and typed."""

from __future__ import annotations

from pathlib import Path

import mentor_rules
from mentor_rules import shipped_rules
from mentor_rules._catalogue import catalogue


def test_all_is_sorted_and_complete() -> None:
    assert mentor_rules.__all__ == sorted(mentor_rules.__all__)
    public = {name for name in vars(mentor_rules) if not name.startswith("_")}
    modules = {"cli"}  # submodules that import themselves into the namespace
    assert public - modules - {"testing"} == set(mentor_rules.__all__)


def test_every_export_is_documented() -> None:
    for name in mentor_rules.__all__:
        assert getattr(mentor_rules, name).__doc__, name


def test_the_package_is_marked_typed() -> None:
    assert (Path(mentor_rules.__file__).parent / "py.typed").exists()


def test_the_rule_catalogue_in_docs_is_up_to_date() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "rules-catalogue.md"
    assert docs.read_text(encoding="utf-8") == catalogue(shipped_rules()), (
        "regenerate it: mentor-rules catalogue > docs/rules-catalogue.md"
    )
