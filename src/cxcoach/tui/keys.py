"""Footer key labels in the UI language.

Bindings are declared once, in English, on the class that owns them (so the
footer, the help panel and `textual keys` all see them). Textual copies a
class's bindings into every instance, so each instance's copy can carry
labels in the current language; `localize` swaps descriptions by action name.
"""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from .i18n import tr

ACTION_WORDS: dict[str, str] = {
    "switch_mode('home')": "mode.home",
    "switch_mode('practice')": "mode.practice",
    "switch_mode('console')": "mode.console",
    "switch_mode('history')": "mode.history",
    "switch_mode('playbooks')": "mode.playbooks",
    "help": "key.help",
    "command_palette": "key.palette",
    "quit": "key.quit",
    "start": "practice.start",
    "resume": "practice.resume",
    "toggle_exam": "practice.exam",
    "toggle_timer": "practice.timer",
    "hint": "drill.hint",
    "leave": "drill.quit",
    "retry": "report.retry",
    "back": "report.back",
    "reset": "console.reset",
    "focus_list": "console.recommendations",
    "toggle_why": "console.why",
    "copy_script": "console.copy",
    "export": "history.export",
    "reload": "key.reload",
    "dismiss": "key.close",
    "cancel": "key.cancel",
    "event('stage')": "desk.key.move",
    "event('facts')": "desk.key.fact",
    "event('note')": "desk.key.note",
    "event('follow_up')": "desk.key.follow_up",
    "event('close')": "desk.key.close",
    "open_case": "desk.key.new",
    "toggle_overdue": "desk.key.overdue",
    "what_if": "desk.key.what_if",
}


def localize(node: DOMNode, lang: str) -> None:
    """Relabel the bindings of `node` and every node below it."""
    nodes = [node, *node.walk_children()] if hasattr(node, "walk_children") else [node]
    for each in nodes:
        bindings = each._bindings.key_to_bindings
        for key, items in bindings.items():
            bindings[key] = [
                dataclasses.replace(b, description=tr(ACTION_WORDS[b.action], lang))
                if b.action in ACTION_WORDS and b.description else b
                for b in items
            ]
