"""The condition language: when a rule fires, a clock pauses or a drill criterion does not apply.

One package from the typed tree to every way of answering it, each module one job:

* `model`     — the AST (`FactTest`, `Overdue`, `All`, `Any`, `Not`), operators and fact types.
* `parse`     — YAML data to the AST, every problem reported at its position.
* `operators` — what each operator means, and the three-valued (Kleene) logic: the one table.
* `evaluate`  — the plain answer, True, False or None (unknown): the reference, and what drills use.
* `compile`   — closures for conditions run case after case (the engine's rules and clocks).
* `index`     — rules in bitmask indexes, so a case only runs the rules that can fire.
* `explain`   — the answer with the facts behind it, and a one-line rendering.

Nothing here imports the playbook, the engine or the drills: they all import it.
"""
