"""Words about values and fields, written once: how a value reads, what a field is called,
what each verdict and stage is called, and the order of verdicts.

The explanations (``advice/explain.py``) and the report (``io/report.py``) both speak through
this module, so a field or a value reads the same wherever a person meets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .output import Verdict
from .situation import GoalScope
from .vocabulary import Stage

__all__ = [
    "BECOME",
    "SCOPE_WORDS",
    "STAGE_WORDS",
    "VERDICT_RANK",
    "VERDICT_WORDS",
    "field_words",
    "value_words",
]

#: Verdicts from best to worst: a smaller rank is a better verdict.
VERDICT_RANK: Mapping[Verdict, int] = {verdict: rank for rank, verdict in enumerate(Verdict)}

VERDICT_WORDS: Mapping[Verdict, str] = {
    Verdict.READY_TO_ASK: "ready to ask",
    Verdict.EXPLORE: "worth exploring",
    Verdict.WEAK_FIT: "weak fit",
    Verdict.AVOID: "avoid",
}

#: What a candidate becomes on reaching a verdict.
BECOME: Mapping[Verdict, str] = {
    Verdict.READY_TO_ASK: "someone to ask",
    Verdict.EXPLORE: "worth exploring",
    Verdict.WEAK_FIT: "no longer ruled out",
    Verdict.AVOID: "someone to avoid",
}

STAGE_WORDS: Mapping[Stage, str] = {
    Stage.RULED_OUT: "ruled out",
    Stage.NOT_A_FIT: "not a fit",
    Stage.TO_TRY_OUT: "to try out",
    Stage.GETTING_TO_KNOW: "getting to know",
    Stage.READY_TO_ASK: "ready to ask",
}

SCOPE_WORDS: Mapping[str, str] = {
    GoalScope.COMPANY.value: "the company",
    GoalScope.INDUSTRY.value: "your industry",
    GoalScope.JOB.value: "the job",
}

#: A candidate's fields, with ``{name}`` for the candidate's name.
_CANDIDATE_FIELDS: Mapping[str, str] = {
    "chemistry": "the chemistry with {name}",
    "conversations": "the number of conversations with {name}",
    "willing": "whether {name} is willing",
    "knows_culture": "whether {name} knows the culture",
    "relation": "{name}'s relation to you",
    "fits_goals": "the number of your goals {name} knows the ground for",
    "concluded": "what the rules concluded about {name}",
    "concluded_kinds": "the kinds of advice about {name}",
    "echoes_worked": "the traits of {name} that echo what worked with your past mentors",
    "echoes_did_not_work": "the traits of {name} that echo what did not work with your past "
    "mentors",
    "traits": "{name}'s traits",
    "jobs": "the jobs {name} has held",
    "years_at_company": "{name}'s years at the company",
    "years_in_industry": "{name}'s years in the industry",
    "industry_match": "whether {name}'s industry is the one you aim at",
    "job_match": "whether {name} has done the job your goals are about",
    "longer_at_company": "whether {name} has been at the company longer than you",
}

_MENTEE_FIELDS: Mapping[str, str] = {
    "goals": "the goals you have written down",
    "months_at_company": "your months at the company",
    "wants_to_innovate": "you want to do something new",
    "hired_for_fresh_perspective": "you were hired for a fresh perspective",
    "support_roles": "the roles of your coaching team you have",
    "target_job": "the job you aim at",
    "target_industry": "the industry you aim at",
}


def field_words(root: str, name: str, subject: str) -> str:
    """A field in words: ``the chemistry with Mei Lin``, ``your months at the company``."""
    if root == "mentee":
        return _MENTEE_FIELDS.get(name, f"your {name.replace('_', ' ')}")
    said = _CANDIDATE_FIELDS.get(name, "{name}'s " + name.replace("_", " "))
    return said.replace("{name}", subject)


def value_words(value: Any) -> str:
    """An input value in words: a goal as its kind, scope and detail; lists joined."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, Mapping) and {"kind", "scope"} <= set(v) for v in value):
            return f"{len(value)} written down"  # the goals: each is in the plan and messages
        return "none" if not value else "; ".join(value_words(v) for v in value)
    if isinstance(value, Mapping):
        if {"kind", "scope"} <= set(value):
            scope = SCOPE_WORDS.get(str(value["scope"]), str(value["scope"]))
            detail = f" ({value['detail']})" if value.get("detail") else ""
            return f"{value_words(value['kind'])} about {scope}{detail}"
        if "setting" in value:  # a past mentor
            worked = ", ".join(value.get("worked") or ()) or "nothing noted"
            did_not = ", ".join(value.get("did_not_work") or ()) or "nothing noted"
            setting = value_words(value["setting"])
            return f"at {setting}, what worked: {worked}; what did not: {did_not}"
        return ", ".join(f"{k.replace('_', ' ')} {value_words(v)}" for k, v in value.items())
    return str(value).replace("_", " ")
