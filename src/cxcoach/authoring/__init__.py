"""Authoring tools for trainers: lint, playbook tests, calibration, exploration, export, scaffolding.

Each tool is one module and works on the validated model (`playbook/model.py`,
`playbook/drill_model.py`); the CLI modules `cli/lint.py`, `cli/test.py` ...
only parse arguments and print. Nothing here imports click or textual.
"""
