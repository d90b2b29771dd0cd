"""Programme matching: a cohort of mentees and a pool of mentors with places, matched optimally
or stably by the rule set's advice, every pair and every unmatched mentee explained
(``docs/programme.md``). The solvers take plain inputs too: :func:`stable_matching`,
:func:`optimal_assignment`."""

from .solve import SolverMissing, optimal_assignment, stable_matching

__all__ = ["SolverMissing", "optimal_assignment", "stable_matching"]
