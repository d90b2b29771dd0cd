"""Facts: a situation made into one fact per subject, carrying the fields the rules read and the
conclusions of lower layers. Imports the rules, the model and the language.
"""
