"""The condition language: the typed tree of a rule's condition, its parser (conditions are parsed,
never executed) and its reference meaning over facts. The lowest floor: it imports nothing of
the package but the errors.
"""
