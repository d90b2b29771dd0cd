"""The 18 shipped rules (``rules/*.toml``) written by hand as a plain Python if-chain.

This is the "hand-written Python" yardstick of ``bench.py``: what the rule set costs when
nobody interprets a condition at all. Each rule's ``when`` is transcribed by hand with the
library's documented semantics:

- a missing or ``None`` value makes every comparison false (``x >= 3`` and ``x == true`` alike);
- ``len(list)`` of a missing list is 0;
- a candidate's ``echoes_worked`` / ``echoes_did_not_work`` are its traits that appear in any past
  mentor's ``worked`` / ``did_not_work`` lists, compared case-insensitively (``str.casefold``)
  with runs of whitespace folded to one space and the ends trimmed.

:func:`firings` returns the set of ``(rule id, subject)`` pairs that fire, where the subject is
``"mentee"``, a coaching role's value (``"adviser"``) or a candidate's name: the same pairs as
``(r.rule, r.subject)`` over ``Advisor(...).advise(situation).recommendations``.
``tests/test_baseline.py`` checks that equality on generated situations.
"""

from __future__ import annotations

from mentor_rules import (
    Chemistry,
    CoachingRole,
    Relation,
    Situation,
    Willingness,
)

__all__ = ["RULE_IDS", "firings"]

#: The rules this baseline encodes; ``tests/test_baseline.py`` checks it is the shipped set.
RULE_IDS: frozenset[str] = frozenset(
    {
        "assess-chemistry",
        "avoid-direct-manager",
        "build-coaching-team",
        "check-idea-history",
        "consider-higher-ups",
        "consider-knowledgeable-peers",
        "echoes-what-did-not-work",
        "echoes-what-worked",
        "industry-insider",
        "know-what-you-want",
        "knows-company-history",
        "learn-from-past-mentors",
        "need-a-mentor",
        "not-willing",
        "poor-chemistry",
        "ready-to-ask",
        "take-your-time",
        "try-out-with-questions",
    }
)

_DIRECT_MANAGER = Relation.DIRECT_MANAGER
_HIGHER_UP = (Relation.SKIP_LEVEL, Relation.SENIOR)
_UNCLEAR_CHEMISTRY = (Chemistry.UNKNOWN, Chemistry.MIXED)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def firings(situation: Situation) -> set[tuple[str, str]]:
    """The ``(rule id, subject)`` pairs of the shipped rules that fire for ``situation``."""
    fired: set[tuple[str, str]] = set()
    add = fired.add
    mentee = situation.mentee

    # -- rules about the mentee
    has_goals = len(mentee.goals) > 0
    if mentee.ideas:
        add(("check-idea-history", "mentee"))
    if not has_goals:
        add(("know-what-you-want", "mentee"))
    else:
        add(("take-your-time", "mentee"))
    if mentee.past_mentors:
        add(("learn-from-past-mentors", "mentee"))
    months = mentee.months_at_company
    if (
        mentee.wants_to_innovate
        or mentee.hired_for_fresh_perspective
        or (months is not None and months < 12)
    ):
        add(("need-a-mentor", "mentee"))

    # -- rules about the five coaching-team roles
    filled = mentee.support_roles
    for role in CoachingRole:
        if role not in filled:
            add(("build-coaching-team", role.value))

    # -- rules about each candidate
    if not situation.candidates:
        return fired
    worked: set[str] = set()
    did_not_work: set[str] = set()
    for past in mentee.past_mentors:
        worked.update(_key(text) for text in past.worked)
        did_not_work.update(_key(text) for text in past.did_not_work)

    for candidate in situation.candidates:
        name = candidate.name
        relation = candidate.relation
        chemistry = candidate.chemistry
        willing = candidate.willing
        conversations = candidate.conversations
        at_company = candidate.years_at_company
        in_industry = candidate.years_in_industry
        not_manager = relation != _DIRECT_MANAGER
        not_refused = willing != Willingness.NO
        # knows_culture is true/false/None: a bare boolean field means ``== true``.
        knows_company = candidate.knows_culture is True or (
            at_company is not None and at_company >= 3
        )
        knows_industry = in_industry is not None and in_industry >= 5

        if not not_manager:
            add(("avoid-direct-manager", name))
        if willing == Willingness.NO:
            add(("not-willing", name))
        if chemistry == Chemistry.POOR:
            add(("poor-chemistry", name))
        if relation in _HIGHER_UP:
            add(("consider-higher-ups", name))
        if relation == Relation.PEER and knows_company:
            add(("consider-knowledgeable-peers", name))
        if not_manager and knows_company:
            add(("knows-company-history", name))
        if not_manager and knows_industry:
            add(("industry-insider", name))
        if conversations >= 1 and chemistry in _UNCLEAR_CHEMISTRY and not_manager and not_refused:
            add(("assess-chemistry", name))
        if conversations == 0 and not_manager and chemistry != Chemistry.POOR and not_refused:
            add(("try-out-with-questions", name))
        if (
            has_goals
            and not_manager
            and chemistry == Chemistry.GOOD
            and conversations >= 1
            and not_refused
            and (knows_company or knows_industry)
        ):
            add(("ready-to-ask", name))
        if candidate.traits and (worked or did_not_work):
            keys = [_key(trait) for trait in candidate.traits]
            if not_manager and any(key in worked for key in keys):
                add(("echoes-what-worked", name))
            if any(key in did_not_work for key in keys):
                add(("echoes-what-did-not-work", name))
    return fired
