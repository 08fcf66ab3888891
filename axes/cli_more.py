"""The workflow commands: batch, compare, exercise and cards. Thin like cli.py's: parse options, call the
workflow module, render, exit. Registered on cli.app when cli.py imports this module (its last line).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Annotated, TextIO

import typer

from .batch import BatchFormat, default_jobs
from .cli import (
    CardsOpt,
    LangOpt,
    OfflineOpt,
    RulesOpt,
    TokenOpt,
    WidthOpt,
    app,
    handles_errors,
    lang_of,
    terminal_width,
    write_notices,
)
from .errors import AxesError

exercise_app = typer.Typer(help="The course's exercises, answered from the models' own files.",
                           no_args_is_help=True)
cards_app = typer.Typer(help="The card catalog: bundled cards and your own (--cards DIR or AXES_CARDS).",
                        no_args_is_help=True)
app.add_typer(exercise_app, name="exercise")
app.add_typer(cards_app, name="cards")


Remaining = Callable[[set[str]], "int | None"]  # targets left once these are skipped; None: unknown


class CompareFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    json = "json"


MarkdownOutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write the Markdown to this file (atomically) instead of stdout."),
]


# -- batch -------------------------------------------------------------------------------------------


@app.command()
@handles_errors
def batch(
    targets_file: Annotated[
        str | None,
        typer.Argument(metavar="[FILE|-]", help="A list of targets, one a line (# comments); - reads stdin."),
    ] = None,
    format: Annotated[
        BatchFormat | None,
        typer.Option("--format", "-f", help="Output format (default: table on a terminal, jsonl otherwise)."),
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="Targets inspected at once (Hub fetches overlap).")
    ] = default_jobs(),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write results to this file instead of stdout.")
    ] = None,
    resume: Annotated[
        Path | None,
        typer.Option("--resume", help="Skip targets with a result in this earlier JSONL output (errors are "
                                      "retried); with --out on the same file, append to it."),
    ] = None,
    hf_cache: Annotated[
        bool, typer.Option("--hf-cache", help="Inspect every model repo in the local HF cache (no network).")
    ] = False,
    rules: RulesOpt = None,
    offline: OfflineOpt = False,
    token: TokenOpt = None,
    lang: LangOpt = "en",
    cards: CardsOpt = None,
    width: WidthOpt = None,
) -> None:
    """Inspect many targets: one result per target, in input order, written as each one finishes.

    A failed target becomes {"target": ..., "error": ...}; the others go on; exit code 1 if any failed.

    Stop it at any time: what finished is already written, and --resume picks up the rest.

    Examples:

        axes batch models.txt --format csv --out models.csv

        ls -d ./models/*/* | axes batch - --offline > verdicts.jsonl

        axes batch models.txt --out runs.jsonl --resume runs.jsonl

        axes batch --hf-cache --format table
    """
    from . import batch as workflow
    from . import engine

    chosen = lang_of(lang)
    rules_dirs = tuple(rules or ())
    engine.rulebook(rules_dirs)  # a bad rule file fails here, before any target
    fmt = format or (BatchFormat.table if out is None and sys.stdout.isatty() else BatchFormat.jsonl)
    appending = resume is not None and out is not None and _same_file(resume, out)
    if appending and fmt is not BatchFormat.jsonl:
        raise AxesError("--resume appends to its own file only as JSONL: add --format jsonl or another --out")
    done = workflow.previous_results(resume) if resume else set()
    inspect = partial(engine.inspect, offline=offline or hf_cache, token=token, rules_dirs=rules_dirs,
                      cards=tuple(cards or ()))
    skip = workflow.Skip(done)
    with _targets(targets_file, hf_cache) as (targets, left):
        if appending:
            workflow.rewrite(resume)  # drops stale error lines and a half-written tail, then appends
        try:
            with _output(out, append=appending) as stream, _progress(left(done)) as tick:
                outcomes = workflow.run(skip.rest(targets), inspect, jobs, local=offline or hf_cache)
                failed = workflow.write_all(outcomes,
                                            workflow.emitter(fmt, chosen, terminal_width(width)), stream, tick)
        except BrokenPipeError:
            _quiet_stdout()
            raise typer.Exit(1) from None
    if skip.skipped:
        n = skip.skipped
        write_notices((f"skipped {n} target{'s' if n != 1 else ''} with a result in {resume}",))
    if failed:
        typer.echo(f"axes: {failed} target{'s' if failed != 1 else ''} failed (error lines in the output)",
                   err=True)
        raise typer.Exit(1)


def _quiet_stdout() -> None:
    """The reader closed the pipe (`axes batch list.txt | head`): it has whole lines, so stop without a
    traceback; stdout goes to devnull so Python's final flush does not complain either."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # not a real file descriptor (a test runner's capture): nothing will flush to a pipe


def _same_file(a: Path, b: Path) -> bool:
    return a.expanduser().resolve() == b.expanduser().resolve()


@contextmanager
def _targets(name: str | None, hf_cache: bool) -> Iterator[tuple[Iterator[str], Remaining]]:
    """The targets, read lazily, and a function counting those left after skipping (None: unknown)."""
    from . import batch as workflow

    if hf_cache == (name is not None):
        raise AxesError("give one source of targets: a list FILE, - for stdin, or --hf-cache")
    if name is None:
        from .hub import scan_cache

        repos = scan_cache()
        yield iter(repos), lambda done: sum(r not in done for r in repos)
        return
    if name == "-":
        yield workflow.read_targets(sys.stdin, "<stdin>"), lambda _: None
        return

    def count(done: set[str]) -> int:
        # A second lazy pass over the file, only for the progress bar's total.
        with open(name, encoding="utf-8-sig") as again:
            return sum(target not in done for target in workflow.read_targets(again, name))

    with workflow.open_list(name) as handle:  # opened now: a missing list fails before any target
        yield workflow.read_targets(handle, name), count


@contextmanager
def _output(path: Path | None, *, append: bool) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    try:
        stream = path.open("a" if append else "w", encoding="utf-8")
    except OSError as err:
        raise AxesError(f"cannot write: {err.strerror or err}", where=str(path)) from None
    with stream:
        yield stream


@contextmanager
def _progress(total: int | None) -> Iterator[Callable[[object], None]]:
    """A progress bar on stderr when stderr is a terminal; otherwise nothing, so logs stay clean."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("axes batch"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("batch", total=total)
        yield lambda _: bar.advance(task)


# -- compare -----------------------------------------------------------------------------------------


@app.command()
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
    lang: LangOpt = "en",
    cards: CardsOpt = None,
    width: WidthOpt = None,
) -> None:
    """Put models side by side, axis by axis, and name the axis that carries the difference.

    The backbone is compared on its wiring: structure, layers, hidden size, heads, attention, experts.

    A quantized or context-extended copy keeps its base's backbone: "same", noting "quantized: awq".

    The other axes are compared on their tags.

    Examples:

        axes compare deepseek-ai/DeepSeek-V3 deepseek-ai/DeepSeek-R1

        axes compare meta-llama/Llama-3.1-8B-Instruct \\
            hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4 --format json
    """
    import json

    from . import compare as workflow
    from . import engine

    chosen = lang_of(lang)
    if len(targets) < 2:
        raise AxesError("compare needs two or more targets")
    verdicts = engine.inspect_all(targets, offline=offline, token=token, rules_dirs=tuple(rules or ()),
                                  cards=tuple(cards or ()))
    for verdict in verdicts:
        write_notices(tuple(f"{verdict.target}: {n}" for n in verdict.notices))
    result = workflow.compare(verdicts)
    if format is CompareFormat.json:
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
    elif format is CompareFormat.markdown:
        text = workflow.markdown(result, chosen)
    else:
        text = workflow.table(result, chosen, terminal_width(width))
    typer.echo(text, nl=False)


# -- exercises ---------------------------------------------------------------------------------------


def _check_out(out: Path | None) -> None:
    from .outfile import check_folder

    if out is not None:
        check_folder(out)


def _deliver(text: str, out: Path | None) -> None:
    from .outfile import write_atomic

    if out is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(out, text)
        typer.echo(f"axes: wrote {out}", err=True)


@exercise_app.command("four-axes")
@handles_errors
def four_axes(
    model: Annotated[str, typer.Argument(help="A model you use: a repo id, a folder, or a card you wrote.")],
    out: MarkdownOutOpt = None,
    rules: RulesOpt = None,
    offline: OfflineOpt = False,
    token: TokenOpt = None,
    lang: LangOpt = "en",
    cards: CardsOpt = None,
) -> None:
    """Lesson 02's exercise: a four-row table (one row per axis), the murkiest axis, what to look up next.

    Examples:

        axes exercise four-axes Qwen/Qwen3-8B

        axes exercise four-axes ./my-cards/acme/chatbot.md --lang ko --out four-axes.md
    """
    from . import engine, exercise

    chosen = lang_of(lang)
    _check_out(out)
    verdict = engine.inspect(model, offline=offline, token=token, rules_dirs=tuple(rules or ()),
                             cards=tuple(cards or ()))
    write_notices(verdict.notices)
    _deliver(exercise.four_axes(verdict, chosen), out)


@exercise_app.command("lenses")
@handles_errors
def lenses(
    models: Annotated[list[str], typer.Argument(help="The five LLMs you have used (ids, folders, cards).")],
    out: MarkdownOutOpt = None,
    rules: RulesOpt = None,
    offline: OfflineOpt = False,
    token: TokenOpt = None,
    lang: LangOpt = "en",
    cards: CardsOpt = None,
) -> None:
    """Lesson 04's exercise: tag each model (a) dense or MoE, (b) standard or reasoning, with evidence.

    The lesson asks for five; another count is tagged all the same, with a note on stderr.

    Example:

        axes exercise lenses meta-llama/Llama-3.3-70B-Instruct Qwen/Qwen3-32B \\
            deepseek-ai/DeepSeek-V3 deepseek-ai/DeepSeek-R1 openai/gpt-4o
    """
    from . import engine, exercise
    from .i18n import t

    chosen = lang_of(lang)
    _check_out(out)
    if len(models) != 5:
        write_notices((t("not_five", chosen).format(n=len(models)),))
    verdicts = engine.inspect_all(models, offline=offline, token=token, rules_dirs=tuple(rules or ()),
                                  cards=tuple(cards or ()))
    _deliver(exercise.lenses(verdicts, chosen), out)


# -- cards -------------------------------------------------------------------------------------------


@cards_app.command("list")
@handles_errors
def cards_list(cards: CardsOpt = None, rules: RulesOpt = None) -> None:
    """List every card: id, lenses, the date its source was read, and whether it is bundled or yours.

    Add your own under a folder given by --cards (or AXES_CARDS), in one of two shapes:

    a folder <org>/<name>/ with README.md (config.json and the other repo files optional);

    one file <org>/<name>.md, or <org>/<name>.yaml with keys name, readme, config, chat_template.

    Yours come first and win over a bundled card of the same id.

    Example: axes cards list --cards ./my-cards
    """
    from . import engine
    from .shelf import shelf

    for item in shelf(engine.rulebook(tuple(rules or ())), tuple(cards or ())):
        typer.echo(f"{item.id:<52} {item.summary:<28} {item.date or '-':<10} {item.origin}")


@cards_app.command("show")
@handles_errors
def cards_show(
    card_id: Annotated[str, typer.Argument(metavar="ID", help="A card id, org/name (or a unique name).")],
    cards: CardsOpt = None,
) -> None:
    """Print a card's files, each under a ==> path <== header.

    Example: axes cards show deepseek-ai/DeepSeek-R1
    """
    from .shelf import card_files
    from .snapshot import decode

    for path in card_files(card_id, tuple(cards or ())):
        try:
            text, _ = decode(path.read_bytes(), path.name)
        except OSError as err:
            raise AxesError(f"cannot read: {err.strerror or err}", where=str(path)) from None
        typer.echo(f"==> {path} <==\n{text.rstrip()}\n")

