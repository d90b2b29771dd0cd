"""Bounds on the input, so that one evaluation stays within a known time and memory.

The defaults, why each is what it is and what an evaluation at all of them costs are in
``docs/limits.md``; the measurements were made with ``benchmarks/limits.py``.
"""

from __future__ import annotations

from typing import Any

from attrs import Attribute, field, frozen

from .._repr import attrs_repr

__all__ = ["DEFAULT_BOUND", "MAX_BOUND", "Limits"]

#: The search bound of an explanation by default (how many changes a proposed set may hold):
#: a mentee with no goals and a candidate not yet talked to needs a goal, two conversations
#: and good chemistry before an ask. Here, not in the explanations' module, so that
#: ``Advisor`` and the command line need not import that module until they explain.
DEFAULT_BOUND = 4
#: The largest bound the command line and the server accept: the search grows quickly with it.
MAX_BOUND = 10


def _positive(_: object, attribute: Attribute[Any], value: object) -> None:
    if type(value) is not int:
        raise TypeError(f"{attribute.name} must be a positive integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{attribute.name} must be a positive integer, got {value}")


@frozen(kw_only=True)
class Limits:
    """How big a situation may be. Exceeding a bound is a :class:`SituationError` naming it.

    - ``max_candidates``: candidates in a situation;
    - ``max_items``: items in every other list (goals, ideas, support roles, past mentors,
      worked, did not work, traits, jobs);
    - ``max_text``: characters in every text (names, industries, jobs, details, ideas,
      traits, notes), and in every key;
    - ``max_depth``: how deeply objects and lists may nest, the situation itself being level 1
      (a valid situation needs 5);
    - ``max_document_bytes``: bytes in a file (or standard input) that ``mentor-rules advise``
      reads; a batch file counts as one document.
    """

    __repr__ = attrs_repr

    max_candidates: int = field(default=50, validator=_positive)
    max_items: int = field(default=10, validator=_positive)
    max_text: int = field(default=500, validator=_positive)
    max_depth: int = field(default=16, validator=_positive)
    max_document_bytes: int = field(default=4 * 2**20, validator=_positive)
