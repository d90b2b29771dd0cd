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

from ._errors import (
    AdviceError,
    EngineError,
    MentorRulesError,
    Problem,
    RuleError,
    RuleProblem,
    SituationError,
)
from ._version import __version__
from .advice.advisor import Advisor, BatchItem, advise, explain
from .engines import available_engines
from .model.documents import (
    advice_from_dict,
    advice_to_dict,
    situation_from_dict,
    situation_to_dict,
)
from .model.limits import Limits
from .model.output import (
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
from .model.situation import (
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
from .model.text import MatchHow, ShortForm, ShortForms, TextMatch
from .model.vocabulary import Kind, Source, Stage
from .rules.cache import shipped_rules
from .rules.ruleset import (
    Example,
    Parameter,
    PlanStep,
    Rule,
    RuleSet,
    RuleWarning,
)

if _TYPE_CHECKING:
    from .advice.examples import ExampleResult, check_examples
    from .advice.explain import (
        Change,
        ChangeSet,
        Explanation,
        NoChange,
        Unmet,
        Unreached,
        WhyNot,
        explanation_to_dict,
    )
    from .io.programme_report import match_to_dict
    from .programme.document import Programme, programme_from_dict
    from .programme.match import Matching, match
    from .rules.packs import load_pack, load_rules
    from .rules.reader import rules_from_documents

#: Names imported from their module when first used (PEP 562): a process that only advises
#: never loads the explanations, the example runner, the pack reader (its shipped rules
#: come from the cache) or programme matching.
_LAZY = {
    "Change": "advice.explain",
    "ChangeSet": "advice.explain",
    "Explanation": "advice.explain",
    "NoChange": "advice.explain",
    "Unmet": "advice.explain",
    "Unreached": "advice.explain",
    "WhyNot": "advice.explain",
    "explanation_to_dict": "advice.explain",
    "ExampleResult": "advice.examples",
    "check_examples": "advice.examples",
    "Matching": "programme.match",
    "Programme": "programme.document",
    "match": "programme.match",
    "match_to_dict": "io.programme_report",
    "programme_from_dict": "programme.document",
    "load_pack": "rules.packs",
    "load_rules": "rules.packs",
    "rules_from_documents": "rules.reader",
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
    "MatchHow",
    "Matching",
    "Mentee",
    "MentorRulesError",
    "NoChange",
    "PackRef",
    "Parameter",
    "PastMentor",
    "PlanStep",
    "Problem",
    "Programme",
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
    "ShortForm",
    "ShortForms",
    "Situation",
    "SituationError",
    "Source",
    "Stage",
    "Step",
    "Suppressed",
    "TextMatch",
    "Unmet",
    "Unreached",
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
    "match",
    "match_to_dict",
    "programme_from_dict",
    "rules_from_documents",
    "shipped_rules",
    "situation_from_dict",
    "situation_to_dict",
]
