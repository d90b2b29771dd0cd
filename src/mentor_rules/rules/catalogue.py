"""A rule set as catalogue data (``mentor-rules catalogue --json``); ``io/catalogue.py`` writes it
as Markdown."""

from __future__ import annotations

from typing import Any

from .ruleset import RuleSet

__all__ = ["catalogue_data"]


def catalogue_data(rules: RuleSet, overriding: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The catalogue as JSON data: the rule set's packs, parameters and rules; ``overriding``
    are the ids of the rules that replace a shipped rule."""
    layer = {rule.id: number for number, rules_ in enumerate(rules.layers) for rule in rules_}
    return {
        "packs": [{"name": p.name, "version": p.version} for p in rules.packs],
        "disabled": list(rules.disabled),
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "default": p.default,
                "value": rules.parameter_values[p.name],
                "description": p.description,
            }
            for p in rules.parameters
        ],
        "rules": [
            {
                "id": rule.id,
                "title": rule.title,
                "layer": layer[rule.id],
                "about": rule.about,
                "kind": rule.kind.value,
                "weight": rule.weight,
                "fits": None if rule.fits is None else rule.fits.value,
                "stage": None if rule.stage is None else rule.stage.value,
                "step": None if rule.step is None else rule.step.order,
                "when": rule.when,
                "unless": rule.unless_text,
                "parameters": [name for name, _ in rule.parameters],
                "message": rule.message.text,
                "because": rule.because,
                "source": {"section": rule.source.section, "paragraph": rule.source.paragraph},
                "pack": None if rule.pack is None else rule.pack.name,
                "overrides": rule.id in overriding,
                "file": rule.file,
                "examples": len(rule.examples),
            }
            for rule in rules
        ],
    }
