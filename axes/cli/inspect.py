"""`axes inspect`: one model on the four axes."""

from pathlib import Path
from typing import Annotated

import typer

from ..output.formats import Format
from ..output.i18n import Lang
from .console import check_out, deliver, handles_errors, terminal_width, write_notices
from .options import (
    CacheDirOpt,
    CardsOpt,
    ExplainOpt,
    LangOpt,
    NoRenderOpt,
    OfflineOpt,
    RevisionOpt,
    RulesOpt,
    TokenOpt,
    WidthOpt,
    inspect_options,
)

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
InspectOutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write the output to this file (atomically) instead of stdout.")
]


@handles_errors
def inspect(
    target: Annotated[str, typer.Argument(help="org/name[@revision] (or model/org/name, a Hub link), a folder of "
                                               "HF files, or a card file.")],
    format: FormatOpt = Format.table,
    explain: ExplainOpt = False,
    rules: RulesOpt = None,
    offline: OfflineOpt = False,
    token: TokenOpt = None,
    lang: LangOpt = Lang.en,
    cards: CardsOpt = None,
    no_render: NoRenderOpt = False,
    width: WidthOpt = None,
    out: InspectOutOpt = None,
    revision: RevisionOpt = None,
    cache_dir: CacheDirOpt = None,
) -> None:
    """Place one model on the four axes.

    Examples:

        axes inspect deepseek-ai/DeepSeek-R1

        axes inspect ./Qwen3-8B --format json

        axes inspect meta-llama/Llama-3.1-8B-Instruct --explain --lang ko

        axes inspect https://huggingface.co/Qwen/Qwen3-8B/tree/main --format html --out qwen3.html
    """
    from .. import pipeline
    from ..output.formats import Style
    from ..output.render import render

    check_out(out)
    options = inspect_options(rules, offline, token, cards, revision=revision, cache_dir=cache_dir,
                              no_render=no_render)
    verdict = pipeline.inspect(target, options)
    write_notices(verdict.notices, lang)
    deliver(render(verdict, format, Style(lang, explain, None if out else terminal_width(width))), out)
