"""The command line: thin commands over the engine. Only this module prints or exits.

Exit codes (CONTRACT.md): 0 success; 1 some targets of a batch failed; 2 bad input.
Set AXES_DEBUG=1 to see tracebacks instead of one-line errors.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from .errors import AxesError
from .render import Format

app = typer.Typer(
    help="Place a model on the four axes of modern LLMs (backbone, post-training, inference, product), "
    "from its own files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="List and test the rule sets.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

# Shared options, declared once.
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
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
LangOpt = Annotated[str, typer.Option("--lang", help="Language of labels and sentences: en or ko.")]
WidthOpt = Annotated[int | None, typer.Option("--width", help="Table width in columns (default: terminal).")]
InspectOutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write the output to this file (atomically) instead of stdout.")
]

F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(func: F) -> F:
    """AxesError -> one line on stderr and exit 2; anything else too, unless AXES_DEBUG is set."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AxesError as err:
            typer.echo(f"axes: {err.render()}", err=True)
            raise typer.Exit(err.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("axes: interrupted", err=True)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as err:  # noqa: BLE001 - the one place that turns surprises into a clean line
            if os.environ.get("AXES_DEBUG"):
                raise
            typer.echo(f"axes: internal error: {type(err).__name__}: {err} (AXES_DEBUG=1 for details)", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def lang_of(value: str) -> str:
    if value not in ("en", "ko"):
        raise AxesError(f"--lang must be en or ko, not {value!r}")
    return value


def terminal_width(width: int | None) -> int | None:
    if width:
        return width
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns if sys.stdout.isatty() else None
    except OSError:
        return None


def write_notices(notices: tuple[str, ...]) -> None:
    for notice in notices:
        typer.echo(f"axes: note: {notice}", err=True)


@app.command()
@handles_errors
def inspect(
    target: Annotated[str, typer.Argument(help="org/name[@revision], a folder of HF files, or a card file.")],
    format: FormatOpt = Format.table,
    explain: ExplainOpt = False,
    rules: RulesOpt = None,
    offline: OfflineOpt = False,
    token: TokenOpt = None,
    lang: LangOpt = "en",
    cards: CardsOpt = None,
    width: WidthOpt = None,
    out: InspectOutOpt = None,
) -> None:
    """Place one model on the four axes.

    Examples:

        axes inspect deepseek-ai/DeepSeek-R1

        axes inspect ./Qwen3-8B --format json

        axes inspect meta-llama/Llama-3.1-8B-Instruct --explain --lang ko
    """
    from . import engine
    from .outfile import check_folder, write_atomic
    from .render import render

    chosen = lang_of(lang)
    if out is not None:
        check_folder(out)  # before any slow work
    verdict = engine.inspect(target, offline=offline, token=token, rules_dirs=tuple(rules or ()),
                             cards=tuple(cards or ()))
    write_notices(verdict.notices)
    text = render(verdict, format, chosen, explain, None if out else terminal_width(width))
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(out, text)


@rules_app.command("list")
@handles_errors
def rules_list(rules: RulesOpt = None) -> None:
    """List every rule: id, axis, tag, strength and message.

    Example: axes rules list --rules ./my-rules
    """
    from . import engine

    for loaded in engine.rulebook(tuple(rules or ())).rules:
        rule = loaded.rule
        kind = "marketing" if rule.marketing else rule.tag
        typer.echo(f"{loaded.full_id:<42} {kind:<22} {rule.strength.value:<9} {rule.message}")


@rules_app.command("test")
@handles_errors
def rules_test(rules: RulesOpt = None) -> None:
    """Run every rule's own examples (match, no_match; todo are known misses).

    Example: axes rules test --rules ./my-rules
    """
    from . import engine
    from .examples import run_examples

    book = engine.rulebook(tuple(rules or ()))
    results = run_examples(book)
    failed = [r for r in results if not r.ok and not r.todo]
    todo = [r for r in results if r.todo and not r.ok]
    for r in failed:
        typer.echo(f"FAIL {r.describe()}", err=True)
    typer.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed ({len(todo)} known misses)")
    if failed:
        raise typer.Exit(1)


@app.command("eval")
@handles_errors
def evaluate(
    corpus: Annotated[Path, typer.Argument(help="A folder of <org>/<name>/ model folders.")],
    labels: Annotated[Path, typer.Argument(help="labels.yaml: model id -> expected facts and tags.")],
    misses: Annotated[bool, typer.Option("--misses", help="List every miss.")] = False,
) -> None:
    """Per-field accuracy of axes over a labelled corpus (backbone facts, lenses, tags).

    Example: axes eval ../shared/corpus ../shared/corpus/labels.yaml --misses
    """
    from .evaluate import evaluate_corpus

    report = evaluate_corpus(corpus, labels)
    for line in report.lines(show_misses=misses):
        typer.echo(line)


def main() -> None:
    app()


from . import cli_more  # noqa: E402,F401 - registers batch, compare, exercise, cards
