"""Advice and explanations: the pipeline (Advisor), the advice built from firings, evidence traced
to input paths, why-not explanations, and rule examples run as tests. Imports every floor below
it.
"""
