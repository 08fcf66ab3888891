"""`axes cards list|show`: the card catalog, bundled cards and your own (--cards DIR or AXES_CARDS)."""

from typing import Annotated

import typer

from ..errors import AxesError
from ..output.i18n import Lang
from .console import handles_errors, terminal_width
from .options import CardsOpt, LangOpt, RulesOpt, WidthOpt

app = typer.Typer(help="The card catalog: bundled cards and your own (--cards DIR or AXES_CARDS).",
                  no_args_is_help=True, add_completion=False)


@app.command("list")
@handles_errors
def cards_list(cards: CardsOpt = None, rules: RulesOpt = None, lang: LangOpt = Lang.en,
               width: WidthOpt = None) -> None:
    """List every card: id, lenses, the date its source was read, and whether it is bundled or yours.

    Add your own under a folder given by --cards (or AXES_CARDS), in one of two shapes:

    a folder <org>/<name>/ with README.md (config.json and the other repo files optional);

    one file <org>/<name>.md, or <org>/<name>.yaml with keys name, readme, config, chat_template.

    Yours come first and win over a bundled card of the same id.

    A model that is not there yet: axes cards new ORG/NAME writes a template to fill in.

    Example: axes cards list --cards ./my-cards
    """
    from ..output.cards import listing
    from ..rules import rulebook
    from ..workflows.cards import card_rows

    rows = card_rows(rulebook(tuple(rules or ())), tuple(cards or ()))
    typer.echo(listing(rows, lang, terminal_width(width)), nl=False)


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


@app.command("new")
@handles_errors
def cards_new(
    card_id: Annotated[str, typer.Argument(metavar="ORG/NAME", help="The id of the model the card is for.")],
    cards: CardsOpt = None,
    lang: LangOpt = Lang.en,
) -> None:
    """Write a commented card template for a model nothing knows yet, to fill in from what its publisher says.

    It goes to the first --cards folder (else the first AXES_CARDS folder, else ./my-cards), as
    <org>/<name>.yaml; an existing card is never overwritten.

    Example: axes cards new acme/helper-1 --cards ./my-cards
    """
    from ..output.i18n import t
    from ..workflows.cards import default_root, new_card

    root, create = default_root(tuple(cards or ()))
    path = new_card(card_id, root, create=create)
    typer.echo(f"axes: {t('card_written', lang).format(path=path, id=card_id, root=root)}", err=True)
