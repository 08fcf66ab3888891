"""`axes compare`: models side by side, and the axis that carries the difference."""

from typing import Annotated

import typer

from ..errors import AxesError, TargetNotFound
from ..output.formats import CompareFormat
from ..output.i18n import Lang, notice
from ..types import Failure, Verdict
from .console import handles_errors, terminal_width, write_notices
from .options import CardsOpt, LangOpt, NoRenderOpt, OfflineOpt, RulesOpt, TokenOpt, WidthOpt, inspect_options


@handles_errors
def compare(
    targets: Annotated[list[str], typer.Argument(help="Two or more targets (repo ids, folders, card files).",
                                                 show_default=False)],
    format: Annotated[CompareFormat, typer.Option("--format", "-f", help="Output format.")] = (
        CompareFormat.table
    ),
    rules: RulesOpt = None,
    offline: OfflineOpt = False,
    token: TokenOpt = None,
    lang: LangOpt = Lang.en,
    cards: CardsOpt = None,
    no_render: NoRenderOpt = False,
    width: WidthOpt = None,
) -> None:
    """Put models side by side, axis by axis, and name the axis that carries the difference.

    The backbone is compared on its wiring: structure, layers, hidden size, heads, attention, experts.

    A quantized or context-extended copy keeps its base's backbone: "same", noting "quantized: awq".

    The other axes are compared on their tags.

    A target nothing knows is a column marked "not found", with the names it is close to (exit 0).

    Examples:

        axes compare deepseek-ai/DeepSeek-V3 deepseek-ai/DeepSeek-R1

        axes compare meta-llama/Llama-3.1-8B-Instruct \\
            hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4 --format json
    """
    from .. import pipeline
    from ..output.formats import Style
    from ..output.render import render_comparison
    from ..workflows.compare import compare as compare_verdicts

    if len(targets) < 2:
        raise AxesError("compare needs two or more targets")
    results = pipeline.inspect_each(targets, inspect_options(rules, offline, token, cards, no_render=no_render))
    verdicts = tuple(r for r in results if isinstance(r, Verdict))
    if not verdicts:
        raise TargetNotFound("; ".join(f"{r.target}: {r.error}" for r in results if isinstance(r, Failure)))
    for verdict in verdicts:
        write_notices(tuple(f"{verdict.target}: {notice(n, lang)}" for n in verdict.notices), lang)
    text = render_comparison(compare_verdicts(verdicts), format, Style(lang=lang, width=terminal_width(width)),
                             results)
    typer.echo(text, nl=False)
