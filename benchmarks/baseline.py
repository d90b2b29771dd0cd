"""The shipped rules (``rules/*.toml``) written by hand as a plain Python if-chain.

This is the "hand-written Python" yardstick of ``bench.py``: what the rule set costs when
nobody interprets a condition at all. Each rule's ``when`` is transcribed by hand with the
library's documented semantics:

- a missing or ``None`` value makes every comparison false (``x >= 3`` and ``x == true`` alike);
- ``len(list)`` of a missing list is 0;
- a candidate's ``echoes_worked`` / ``echoes_did_not_work`` are its traits that echo a past
  mentor's ``worked`` / ``did_not_work`` notes word by word (``mentor_rules.model.text.echoes``);
  industries and jobs compare as ``ShortForms.matcher`` says, with the shipped short forms;
- the layers are written out in order: avoid rules veto the positive advice about a candidate,
  and look-further reads which goals some candidate fits.

:func:`firings` returns the set of ``(rule id, subject)`` pairs that fire, where the subject is
``"mentee"``, a coaching role's value (``"adviser"``) or a candidate's name: the same pairs as
``(r.rule, r.subject)`` over ``Advisor(...).advise(situation).recommendations``.
``tests/test_baseline.py`` checks that equality on generated situations.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from mentor_rules import (
    Chemistry,
    CoachingRole,
    GoalScope,
    Relation,
    Situation,
    Willingness,
    shipped_rules,
)
from mentor_rules.model.text import ShortForms, echoes

__all__ = ["PARAMETERS", "RULE_IDS", "firings"]


@functools.cache
def _short_forms() -> ShortForms:
    """The shipped short forms, read once: ``shipped_rules()`` checks its cache on every call
    (about 8 ms), which the hand-written chain would otherwise pay on every situation."""
    return shipped_rules().short_forms


#: The rules this baseline encodes; ``tests/test_baseline.py`` checks it is the shipped set.
RULE_IDS: frozenset[str] = frozenset(
    {
        "ask-about-idea-history",
        "assess-chemistry",
        "avoid-direct-manager",
        "build-coaching-team",
        "check-idea-history",
        "coaching-team-first",
        "consider-higher-ups",
        "consider-knowledgeable-peers",
        "echoes-what-did-not-work",
        "echoes-what-worked",
        "fits-no-goal",
        "industry-experience-unconfirmed",
        "industry-insider",
        "junior-colleague",
        "keep-talking",
        "know-what-you-want",
        "knows-company-history",
        "knows-the-job",
        "learn-from-past-mentors",
        "look-further",
        "need-a-mentor",
        "no-goals-yet",
        "not-willing",
        "poor-chemistry",
        "ready-to-ask",
        "really-need-a-mentor",
        "skip-level-in-your-chain",
        "take-your-time",
        "try-out-with-questions",
    }
)

#: The thresholds the rules read as ``params.NAME``: the shipped rule set's, not copies of them.
PARAMETERS: Mapping[str, int | float] = shipped_rules().parameter_values

_HIGHER_UP = (Relation.SKIP_LEVEL, Relation.SENIOR)
_UNCLEAR_CHEMISTRY = (Chemistry.UNKNOWN, Chemistry.MIXED)


def firings(
    situation: Situation, parameters: Mapping[str, int | float] | None = None
) -> set[tuple[str, str]]:
    """The ``(rule id, subject)`` pairs of the shipped rules that fire for ``situation``, with
    the shipped parameters or ``parameters`` in their place."""
    given = PARAMETERS if parameters is None else {**PARAMETERS, **parameters}
    newcomer_months = given["newcomer_months"]
    company_years = given["company_years"]
    industry_years = given["industry_years"]
    conversations_before_asking = given["conversations_before_asking"]
    fired: set[tuple[str, str]] = set()
    add = fired.add
    mentee = situation.mentee

    # -- rules about the mentee (look-further comes last: it reads what candidates concluded)
    has_goals = len(mentee.goals) > 0
    if not has_goals:
        add(("know-what-you-want", "mentee"))
    else:
        add(("take-your-time", "mentee"))
    if mentee.past_mentors:
        add(("learn-from-past-mentors", "mentee"))
    months = mentee.months_at_company
    innovator = mentee.wants_to_innovate or mentee.hired_for_fresh_perspective
    if innovator:
        add(("really-need-a-mentor", "mentee"))
    elif months is not None and months < newcomer_months:
        add(("need-a-mentor", "mentee"))

    # -- rules about the five coaching-team roles
    team_rule = "build-coaching-team" if mentee.career_move == "none" else "coaching-team-first"
    for role in CoachingRole:
        if role not in mentee.support_roles:
            add((team_rule, role.value))

    # -- rules about each candidate
    scopes_of_goals = [goal.scope for goal in mentee.goals]
    fitted: set[int] = set()
    aimed_industry = mentee.target_industry or mentee.industry
    aimed_job = mentee.target_job or mentee.job
    short_forms = _short_forms()
    industry = short_forms.matcher(aimed_industry) if aimed_industry is not None else None
    job = short_forms.matcher(aimed_job) if aimed_job is not None else None
    history = False  # someone on the list knows the history an idea needs
    worked = [note for past in mentee.past_mentors for note in past.worked]
    did_not_work = [note for past in mentee.past_mentors for note in past.did_not_work]
    for candidate in situation.candidates:
        name = candidate.name
        relation = candidate.relation
        chemistry = candidate.chemistry
        willing = candidate.willing
        conversations = candidate.conversations
        # layer 0: avoid rules (a junior colleague among them) and cautions
        avoided = False
        if relation == Relation.DIRECT_MANAGER:
            add(("avoid-direct-manager", name))
            avoided = True
        if willing == Willingness.NO:
            add(("not-willing", name))
            avoided = True
        if chemistry == Chemistry.POOR:
            add(("poor-chemistry", name))
            avoided = True
        if relation == Relation.JUNIOR:
            add(("junior-colleague", name))
            avoided = True
        if did_not_work and any(echoes(t, n) for t in candidate.traits for n in did_not_work):
            add(("echoes-what-did-not-work", name))
        if avoided:
            continue  # no other advice about a candidate ruled out
        if relation == Relation.SKIP_LEVEL:
            add(("skip-level-in-your-chain", name))
        if relation in _HIGHER_UP:
            add(("consider-higher-ups", name))
        # layer 1: what the candidate knows, and what speaks for them
        scopes = set()
        culture, at_company = candidate.knows_culture, candidate.years_at_company
        knows_company = culture is True or (
            culture is None
            and at_company is not None
            and at_company >= company_years
            and (months is None or at_company * 12 > months)
        )
        if knows_company:
            add(("knows-company-history", name))
            scopes.add(GoalScope.COMPANY)
        in_industry = candidate.years_in_industry
        insider = False
        if in_industry is not None and in_industry >= industry_years:
            if industry is None or candidate.industry is None:
                add(("industry-experience-unconfirmed", name))
                scopes.add(GoalScope.INDUSTRY)
            elif industry(candidate.industry):
                add(("industry-insider", name))
                scopes.add(GoalScope.INDUSTRY)
                insider = True
        if job is not None and candidate.jobs and any(map(job, candidate.jobs)):
            add(("knows-the-job", name))
            scopes.add(GoalScope.JOB)
        if worked and any(echoes(t, n) for t in candidate.traits for n in worked):
            add(("echoes-what-worked", name))
        fits = [n for n, scope in enumerate(scopes_of_goals) if scope in scopes]
        fitted.update(fits)
        if mentee.ideas and (knows_company or insider):
            add(("ask-about-idea-history", name))
            history = True
        # layer 2: what reads the layer below, the stage among it
        if relation == Relation.PEER and knows_company:
            add(("consider-knowledgeable-peers", name))
        if not has_goals:
            add(("no-goals-yet", name))
        elif not fits:
            add(("fits-no-goal", name))
        elif conversations == 0:
            add(("try-out-with-questions", name))
        elif chemistry in _UNCLEAR_CHEMISTRY:
            add(("assess-chemistry", name))
        elif conversations < conversations_before_asking:
            add(("keep-talking", name))
        else:
            add(("ready-to-ask", name))
    if mentee.ideas and not history:
        add(("check-idea-history", "mentee"))
    if has_goals and len(fitted) < len(scopes_of_goals):
        add(("look-further", "mentee"))
    return fired
