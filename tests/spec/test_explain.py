"""Explanations keep three promises: every proposed set of changes is sound (made, it gives the
promised verdict), minimal (no proper subset does) and the search is complete up to its bound
(when nothing is proposed, no set of allowed changes that small helps). Why-not lists only rules
that did not fire, and shows values that are really in the input."""

from __future__ import annotations

import copy
import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mentor_rules import Advisor, ChangeSet, Situation, Verdict, situation_to_dict

from ._support import VERDICT_RANK, Engines, noted, path_tokens, resolve, spec_situations


def _apply(document: dict[str, Any], changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    for change in changes:
        *parents, last = path_tokens(change.path)
        node: Any = changed
        for token in parents:
            node = node[token]
        node[last] = copy.deepcopy(change.value)
    return changed


def _verdict(advisor: Advisor, document: dict[str, Any], name: str) -> Verdict:
    return advisor.advise(document).for_candidate(name).verdict


def _reaches(advisor: Advisor, document: dict[str, Any], name: str, target: Verdict) -> bool:
    return VERDICT_RANK[_verdict(advisor, document, name)] <= VERDICT_RANK[target]


def _subsets(change_set: ChangeSet) -> list[tuple[Any, ...]]:
    changes = change_set.changes
    return [
        combo for size in range(len(changes)) for combo in itertools.combinations(changes, size)
    ]


@settings(max_examples=max(10, settings().max_examples // 4))
@given(spec_situations(min_candidates=1, max_candidates=3), st.data())
def test_every_proposed_change_set_is_sound_and_minimal(
    advisors: Engines, situation: Situation, data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from([c.name for c in situation.candidates]), label="candidate")
    document = situation_to_dict(situation)
    for advisor in advisors:
        with noted(advisor):
            explanation = advisor.explain(situation, name, bound=3)
            assert explanation.verdict == _verdict(advisor, document, name)
            for change_set in explanation.what_would_change:
                assert change_set.reaches in explanation.targets
                assert 1 <= len(change_set.changes) <= 3
                assert _reaches(
                    advisor, _apply(document, change_set.changes), name, change_set.reaches
                )
                for subset in _subsets(change_set):
                    assert not _reaches(advisor, _apply(document, subset), name, change_set.reaches)
                for change in change_set.changes:
                    assert change.kind in ("action", "outcome")
                    assert change.text
                    # nobody can change who manages whom, tenure or industries
                    assert not change.path.endswith(
                        ("relation", "years_at_company", "years_in_industry", "industry", "jobs")
                    )
            for target in explanation.targets:
                if not any(c.reaches == target for c in explanation.what_would_change):
                    assert [u for u in explanation.unreached if u.target == target]
                    if not situation.mentee.goals:
                        continue  # nothing is searched: deciding what you want comes first
                    most = _most(situation, name)
                    assert not most or not _reaches(advisor, _apply(document, most), name, target)


def _most(situation: Situation, name: str) -> list[Any]:
    """Every allowed change at once, at its most: three conversations, and whatever is not
    known yet found out for the better (the chemistry while unknown or mixed, a yes while
    nobody asked, the culture known while unknown, for someone inside the company). Goals
    are never proposed, poor chemistry and a no never changed. (With the shipped rules,
    better facts never make a verdict worse, so if this does not help, no smaller set does.)"""
    from mentor_rules import Change, Chemistry, Relation, Willingness

    position = next(n for n, c in enumerate(situation.candidates) if c.name == name)
    candidate = situation.candidates[position]
    at = f"candidates[{position}]"
    changes = []
    if candidate.conversations < 3:
        changes.append(Change(f"{at}.conversations", 3, "action", "talk"))
    if candidate.chemistry in (Chemistry.UNKNOWN, Chemistry.MIXED):
        changes.append(Change(f"{at}.chemistry", "good", "outcome", "chemistry"))
    if candidate.willing == Willingness.UNKNOWN:
        changes.append(Change(f"{at}.willing", "yes", "outcome", "yes"))
    if candidate.knows_culture is None and candidate.relation != Relation.OUTSIDE:
        changes.append(Change(f"{at}.knows_culture", True, "outcome", "culture"))
    return changes


@given(spec_situations(min_candidates=1, max_candidates=4), st.data())
def test_why_not_names_rules_that_did_not_fire_and_shows_values_of_the_input(
    advisors: Engines, situation: Situation, data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from([c.name for c in situation.candidates]), label="candidate")
    document = situation_to_dict(situation)
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            explanation = advisor.explain(situation, name, bound=1)
            fired = {r.rule for r in advice.recommendations if r.subject == name}
            held = {s.rule for s in advice.suppressed if s.subject == name}
            for why in explanation.why_not:
                assert (why.rule in fired) == why.blocks
                assert bool(why.vetoed_by) == (why.rule in held)
                shown = [*why.unmet, *(u for alternative in why.alternatives for u in alternative)]
                if not why.blocks and not why.vetoed_by:
                    assert shown, why
                for unmet in shown:
                    assert unmet.text
                    if unmet.path:
                        assert resolve(document, unmet.path) == unmet.value, unmet
