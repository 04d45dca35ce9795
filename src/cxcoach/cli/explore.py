"""`cxcoach explore DRILL`: automated playthroughs with hit counts, and a Mermaid graph (`--graph`)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ._common import Failure, load, playbook_option, write_output


@click.command()
@click.argument("drill_id", metavar="DRILL")
@playbook_option
@click.option("--lang", "lang", default=None, help="Locale of the replies (default: the drill's first).")
@click.option("--random", "random_runs", type=click.IntRange(0, 10000), default=20, show_default=True,
              help="Seeded random conversations on top of the systematic walk.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--graph", is_flag=True, help="Print the drill as a Mermaid flowchart (with hit counts) instead.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the output to a file.")
def explore(drill_id: str, playbook_path: Path | None, lang: str | None, random_runs: int, seed: int, graph: bool,
            fmt: str, output: Path | None) -> None:
    """Play a drill automatically: fork at every response using replies built from its matchers,
    plus random conversations; report how often each node, edge and ending is hit."""
    from ..authoring.explore import explore as run_explore
    from ..authoring.explore import mermaid
    from ..authoring.lint_rules.scoring import max_score
    from ..drill import DrillError

    playbook = load(playbook_path)
    if lang is not None and lang not in playbook.locales:
        raise Failure.say("not_a_locale", lang=lang, choices=", ".join(playbook.locales))
    try:
        ex = run_explore(playbook, drill_id, locale=lang, random_runs=random_runs, seed=seed)
    except DrillError as exc:
        raise Failure(str(exc)) from None
    if graph:
        write_output(mermaid(playbook, drill_id, locale=lang, hits=ex), output)
        return
    drill = playbook.drills[drill_id]
    best = max_score(playbook, drill)
    if fmt == "json":
        data = ex.to_json() | {"max_achievable_score": best.score, "pass_mark": best.pass_mark}
        write_output(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output, is_json=True)
        return
    lines = [f"drill {drill.id}: {ex.runs} playthroughs ({ex.locale})" + (" [walk truncated]" if ex.truncated else "")]
    lines.append("nodes:")
    for name in [*drill.nodes, *drill.endings]:
        kind = f" ({drill.endings[name].kind.value} ending)" if name in drill.endings else ""
        never = "   <- never reached" if not ex.node_hits[name] else ""
        lines.append(f"  {ex.node_hits[name]:>6}  {name}{kind}{never}")
    lines.append("edges:")
    from ..authoring.lint_rules.base import drill_edges

    for src, targets in drill_edges(drill).items():
        vias: dict[str, list[str]] = {}
        for dst, via in targets:
            vias.setdefault(dst, []).append(via)
        for dst, names in vias.items():
            n = ex.edge_hits[(src, dst)]
            lines.append(f"  {n:>6}  {src} -> {dst}  [{', '.join(names)}]" + ("   <- never taken" if not n else ""))
    if ex.no_example:
        lines.append("no reply could be built for: " + ", ".join(ex.no_example) + " (regex matchers)")
    lines.append(f"best score in these runs: {ex.best_score if ex.best_score is not None else '-'}; "
                 f"maximum achievable: {best.score} (pass mark {best.pass_mark:g})")
    write_output("\n".join(lines) + "\n", output)
