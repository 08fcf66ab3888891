"""The command line: thin commands over the pipeline and the workflows. Only this package prints or exits.

Each command lives in the module named after it; this module registers them, top-down, on one app.

The package's modules keep their annotations as objects (no `from __future__ import annotations`): typer reads
every command's signature when a run starts, and an annotation kept as a string costs it an eval, 15 ms a run.
"""

from typing import Annotated

import typer

from . import batch, cards, compare, evaluate, exercise, hub_batch, inspect, report, rules
from .console import set_quiet
from .options import QuietOpt

app = typer.Typer(
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},  # subcommands inherit it
)


def _print_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"axes {__version__}")
        raise typer.Exit()


@app.callback()
def axes(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Place a model on the four axes of modern LLMs (backbone, post-training, inference, product), from its
    own files."""
    set_quiet(quiet)


app.command()(inspect.inspect)
app.command()(batch.batch)
app.command()(compare.compare)
app.add_typer(exercise.app, name="exercise")
app.add_typer(cards.app, name="cards")
app.add_typer(rules.app, name="rules")
app.command("eval")(evaluate.evaluate)
app.command()(report.report)
app.command("hub-batch")(hub_batch.hub_batch)
app.command("hub-snapshot")(hub_batch.hub_snapshot)


def main() -> None:
    app(prog_name="axes")  # also under `python -m axes`: usage lines and completion scripts name the command
