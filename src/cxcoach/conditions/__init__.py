"""The condition language: when a rule fires, a clock pauses or a criterion does not apply.

One package from the AST to every way of answering it:

* `model`     — the typed AST (`FactTest`, `Overdue`, `All`, `Any`, `Not`), operators, fact types.
"""
