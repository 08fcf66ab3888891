"""`axes exercise four-axes|lenses`: the course's exercises, answered from the models' own files."""

from typing import Annotated

import typer

from ..output.i18n import Lang
from ..types import Verdict
from .console import check_out, deliver, handles_errors, write_notices
from .options import (
    CardsOpt,
    LangOpt,
    MarkdownOutOpt,
    NoRenderOpt,
    OfflineOpt,
    RulesOpt,
    TokenOpt,
    inspect_options,
)

app = typer.Typer(help="The course's exercises, answered from the models' own files.", no_args_is_help=True,
                  add_completion=False)


@app.command("four-axes")
@handles_errors
def four_axes(
    model: Annotated[str, typer.Argument(help="A model you use: a repo id, a folder, or a card you wrote.")],
    out: MarkdownOutOpt = None,
    rules: RulesOpt = None,
    offline: OfflineOpt = False,
    token: TokenOpt = None,
    lang: LangOpt = Lang.en,
    cards: CardsOpt = None,
    no_render: NoRenderOpt = False,
) -> None:
    """Lesson 02's exercise: a four-row table (one row per axis), the murkiest axis, what to look up next.

    A model nothing knows still gets its table, marked "not found", with the names it is close to (exit 0).
    Names people type work too: ChatGPT, Claude, Gemini, Llama 3, HyperCLOVA X (`axes cards list`).

    Examples:

        axes exercise four-axes Qwen/Qwen3-8B

        axes exercise four-axes ./my-cards/acme/chatbot.md --lang ko --out four-axes.md
    """
    from .. import pipeline
    from ..output import exercise

    check_out(out)
    (result,) = pipeline.inspect_each([model], inspect_options(rules, offline, token, cards, no_render=no_render))
    if isinstance(result, Verdict):
        write_notices(result.notices, lang)
    deliver(exercise.four_axes(result, lang), out, say_written=True, lang=lang)


@app.command("lenses")
@handles_errors
def lenses(
    models: Annotated[list[str], typer.Argument(help="The five LLMs you have used (ids, folders, cards).")],
    out: MarkdownOutOpt = None,
    rules: RulesOpt = None,
    offline: OfflineOpt = False,
    token: TokenOpt = None,
    lang: LangOpt = Lang.en,
    cards: CardsOpt = None,
    no_render: NoRenderOpt = False,
) -> None:
    """Lesson 04's exercise: tag each model (a) dense or MoE, (b) standard or reasoning, with evidence.

    The lesson asks for five; another count is tagged all the same, with a note on stderr.

    A model nothing knows is a row marked "not found", listed at the end with the names it is close to:
    the lesson expects at least one unknown, so the exercise still succeeds (exit 0).

    Example:

        axes exercise lenses meta-llama/Llama-3.3-70B-Instruct Qwen/Qwen3-32B \\
            deepseek-ai/DeepSeek-V3 deepseek-ai/DeepSeek-R1 openai/gpt-4o
    """
    from .. import pipeline
    from ..output import exercise
    from ..output.i18n import t

    check_out(out)
    if len(models) != 5:
        write_notices((t("not_five", lang).format(n=len(models)),), lang)
    results = pipeline.inspect_each(models, inspect_options(rules, offline, token, cards, no_render=no_render))
    deliver(exercise.lenses(results, lang), out, say_written=True, lang=lang)
