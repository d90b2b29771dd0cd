"""mentor-rules: career-mentoring advice as a declarative rule set, with reasons.

A situation (the mentee and their candidate mentors) goes in; advice comes out: whom to
approach, whom to avoid, what to do first, and why, each piece of advice naming its rule, its
evidence in the input and its source in the article "Career Mentors".

>>> from mentor_rules import advise
>>> advice = advise({"candidates": [{"name": "Dana", "relation": "direct_manager"}]})
>>> advice.for_candidate("Dana").verdict
<Verdict.AVOID: 'avoid'>
"""

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING

from ._advisor import Advisor, BatchItem, advise, explain
from ._documents import (
    advice_from_dict,
    advice_to_dict,
    situation_from_dict,
    situation_to_dict,
)
from ._engines import available_engines
from ._errors import (
    AdviceError,
    EngineError,
    MentorRulesError,
    Problem,
    RuleError,
    RuleProblem,
    SituationError,
)
from ._limits import Limits
from ._model import (
    Candidate,
    CareerMove,
    Chemistry,
    CoachingRole,
    Goal,
    GoalKind,
    GoalScope,
    Mentee,
    PastMentor,
    Relation,
    Setting,
    Situation,
    Willingness,
)
from ._output import (
    Advice,
    CandidateVerdict,
    Evidence,
    PackRef,
    Provenance,
    Recommendation,
    RuleSetInfo,
    Step,
    Suppressed,
    Verdict,
)
from ._ruleset import (
    Example,
    Parameter,
    PlanStep,
    Rule,
    RuleSet,
    RuleWarning,
    load_rules,
    rules_from_documents,
    shipped_rules,
)
from ._schema import Kind, Source
from ._version import __version__

if _TYPE_CHECKING:
    from ._examples import ExampleResult, check_examples
    from ._explain import Change, ChangeSet, Explanation, Unmet, WhyNot, explanation_to_dict
    from ._packs import load_pack

#: Names imported from their module when first used (PEP 562): a process that only advises
#: never loads the explanations, the example runner or the pack reader (its shipped rules
#: come from the cache).
_LAZY = {
    "Change": "_explain",
    "ChangeSet": "_explain",
    "Explanation": "_explain",
    "Unmet": "_explain",
    "WhyNot": "_explain",
    "explanation_to_dict": "_explain",
    "ExampleResult": "_examples",
    "check_examples": "_examples",
    "load_pack": "_packs",
}

if not _TYPE_CHECKING:  # hidden from type checkers, which would accept any name through it

    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(_importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Advice",
    "AdviceError",
    "Advisor",
    "BatchItem",
    "Candidate",
    "CandidateVerdict",
    "CareerMove",
    "Change",
    "ChangeSet",
    "Chemistry",
    "CoachingRole",
    "EngineError",
    "Evidence",
    "Example",
    "ExampleResult",
    "Explanation",
    "Goal",
    "GoalKind",
    "GoalScope",
    "Kind",
    "Limits",
    "Mentee",
    "MentorRulesError",
    "PackRef",
    "Parameter",
    "PastMentor",
    "PlanStep",
    "Problem",
    "Provenance",
    "Recommendation",
    "Relation",
    "Rule",
    "RuleError",
    "RuleProblem",
    "RuleSet",
    "RuleSetInfo",
    "RuleWarning",
    "Setting",
    "Situation",
    "SituationError",
    "Source",
    "Step",
    "Suppressed",
    "Unmet",
    "Verdict",
    "WhyNot",
    "Willingness",
    "__version__",
    "advice_from_dict",
    "advice_to_dict",
    "advise",
    "available_engines",
    "check_examples",
    "explain",
    "explanation_to_dict",
    "load_pack",
    "load_rules",
    "rules_from_documents",
    "shipped_rules",
    "situation_from_dict",
    "situation_to_dict",
]
