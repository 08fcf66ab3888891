"""`axes cards list|show`: the card catalog, bundled cards and your own (--cards DIR or AXES_CARDS)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import AxesError
from .console import handles_errors
from .options import CardsOpt, RulesOpt

app = typer.Typer(help="The card catalog: bundled cards and your own (--cards DIR or AXES_CARDS).",
                  no_args_is_help=True)


@app.command("list")
@handles_errors
def cards_list(cards: CardsOpt = None, rules: RulesOpt = None) -> None:
    """List every card: id, lenses, the date its source was read, and whether it is bundled or yours.

    Add your own under a folder given by --cards (or AXES_CARDS), in one of two shapes:

    a folder <org>/<name>/ with README.md (config.json and the other repo files optional);

    one file <org>/<name>.md, or <org>/<name>.yaml with keys name, readme, config, chat_template.

    Yours come first and win over a bundled card of the same id.

    Example: axes cards list --cards ./my-cards
    """
    from ..rules import rulebook
    from ..workflows.cards import card_rows

    for item in card_rows(rulebook(tuple(rules or ())), tuple(cards or ())):
        typer.echo(f"{item.id:<52} {item.summary:<28} {item.date or '-':<10} {item.origin}")


@app.command("show")
@handles_errors
def cards_show(
    card_id: Annotated[str, typer.Argument(metavar="ID", help="A card id, org/name (or a unique name).")],
    cards: CardsOpt = None,
) -> None:
    """Print a card's files, each under a ==> path <== header.

    Example: axes cards show deepseek-ai/DeepSeek-R1
    """
    from ..sources.files import decode
    from ..workflows.cards import card_files

    for path in card_files(card_id, tuple(cards or ())):
        try:
            text, _ = decode(path.read_bytes(), path.name)
        except OSError as err:
            raise AxesError(f"cannot read: {err.strerror or err}", where=str(path)) from None
        typer.echo(f"==> {path} <==\n{text.rstrip()}\n")
