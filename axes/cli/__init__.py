"""The command line: thin commands over the pipeline and the workflows. Only this package prints or exits.

Each command lives in the module named after it; this module names them (COMMANDS) on one app, which builds only
the command a run asks for.

The package's modules keep their annotations as objects (no `from __future__ import annotations`): typer reads
every command's signature when a run starts, and an annotation kept as a string costs it an eval, 15 ms a run.
"""

from collections.abc import Iterator, MutableMapping
from functools import cache
from importlib import import_module
from typing import Annotated

import typer
from typer._click import Command, Context
from typer.core import TyperGroup

from .console import set_quiet
from .options import QuietOpt

# Every command, in the order `axes --help` lists them: the module under axes.cli that defines it, and the name
# there of its function or, for a command with subcommands, of its Typer app.
COMMANDS: dict[str, tuple[str, str]] = {
    "inspect": ("inspect", "inspect"), "batch": ("batch", "batch"), "compare": ("compare", "compare"),
    "eval": ("evaluate", "evaluate"), "report": ("report", "report"),
    "hub-batch": ("hub_batch", "hub_batch"), "hub-snapshot": ("hub_batch", "hub_snapshot"),
    "exercise": ("exercise", "app"), "cards": ("cards", "app"), "rules": ("rules", "app"),
}


@cache
def built(name: str) -> Command:
    """A command as click runs it, from its module's function or Typer app (typer reads its signature here)."""
    module, attribute = COMMANDS[name]
    found = getattr(import_module(f".{module}", __name__), attribute)
    if not isinstance(found, typer.Typer):
        single = typer.Typer(add_completion=False)  # completion is the app's option, not each command's
        single.command(name)(found)
        found = single
    command = typer.main.get_command(found)
    command.name = name
    return command


class Commands(MutableMapping[str, Command]):
    """The app's commands by name, each built when it is first asked for: a run builds the one it runs, where
    building all ten (importing their modules, reading their signatures) cost `axes inspect` 10 ms."""

    def __init__(self) -> None:
        self.added: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name in self.added:
            return self.added[name]
        if name not in COMMANDS:
            raise KeyError(name)
        return built(name)

    def __setitem__(self, name: str, command: Command) -> None:
        self.added[name] = command

    def __delitem__(self, name: str) -> None:
        del self.added[name]

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(COMMANDS), **dict.fromkeys(self.added)})

    def __len__(self) -> int:
        return len(COMMANDS.keys() | self.added.keys())


class LazyGroup(TyperGroup):
    def __init__(self, **settings: object) -> None:
        super().__init__(**settings)  # type: ignore[arg-type]
        self.commands = Commands()

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)


app = typer.Typer(
    cls=LazyGroup,
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


def main() -> None:
    app(prog_name="axes")  # also under `python -m axes`: usage lines and completion scripts name the command
