"""Rules and packs: rule files read into a checked rule set, its layers (strata), packs and their
composition, the shipped rule set and its cache, lint and the catalogue. Imports the model and
the language.
"""
