"""The options commands share, declared once as Annotated aliases, and the InspectOptions they make."""

from pathlib import Path
from typing import Annotated

import typer

from ..output.i18n import Lang
from ..types import InspectOptions

ExplainOpt = Annotated[bool, typer.Option("--explain", help="Print every tag with its rule id and evidence lines.")]
RulesOpt = Annotated[
    list[Path] | None,
    typer.Option("--rules", help="A directory of extra rule files (*.yaml); may be repeated."),
]
CardsOpt = Annotated[
    list[Path] | None,
    typer.Option("--cards", help="A directory of your own cards (see README); may be repeated. Env: AXES_CARDS."),
]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Never touch the network (also HF_HUB_OFFLINE=1).")]
TokenOpt = Annotated[str | None, typer.Option("--token", help="Hugging Face token (default: HF_TOKEN).")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of labels and sentences.")]
WidthOpt = Annotated[
    int | None,
    typer.Option("--width", min=40, max=1000, help="Table width in columns, 40 to 1000 (default: terminal)."),
]
NoRenderOpt = Annotated[
    bool,
    typer.Option("--no-render", help="Do not run chat templates in the sandbox; match their text instead."),
]
MarkdownOutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write the Markdown to this file (atomically) instead of stdout."),
]

# -- where Hugging Face repos are read (the hf CLI's names) ------------------------------------------------
RevisionOpt = Annotated[
    str | None,
    typer.Option("--revision", help="A branch, tag or commit of the repo (as org/name@REV); default main."),
]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="The HF hub cache to read and fill (default: HF_HUB_CACHE, else "
                                     "$HF_HOME/hub).", file_okay=False),
]

# -- the app's own options, before the command (axes --quiet batch ...) ----------------------------------
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No notes on stderr, no progress bar (errors "
                                                             "still show).")]


def inspect_options(rules: list[Path] | None, offline: bool, token: str | None,
                    cards: list[Path] | None, *, revision: str | None = None,
                    cache_dir: Path | None = None, no_render: bool = False) -> InspectOptions:
    return InspectOptions(offline=offline, token=token, rules=tuple(rules or ()), cards=tuple(cards or ()),
                          revision=revision, cache_dir=cache_dir, render=not no_render)
