"""The command line: thin commands over the pipeline and the workflows. Only this package prints or exits.

Each command lives in the module named after it; this module registers them, top-down, on one app.
"""

from __future__ import annotations

import typer

from . import batch, cards, compare, evaluate, exercise, hub_batch, inspect, rules

app = typer.Typer(
    help="Place a model on the four axes of modern LLMs (backbone, post-training, inference, product), "
    "from its own files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(inspect.inspect)
app.command()(batch.batch)
app.command()(compare.compare)
app.add_typer(exercise.app, name="exercise")
app.add_typer(cards.app, name="cards")
app.add_typer(rules.app, name="rules")
app.command("eval")(evaluate.evaluate)
app.command("hub-batch")(hub_batch.hub_batch)
app.command("hub-snapshot")(hub_batch.hub_snapshot)


def main() -> None:
    app()
