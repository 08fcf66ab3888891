"""`axes batch`: many targets, one result each, in input order, written as each one finishes."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, TextIO

import typer

from ..errors import AxesError
from ..output.formats import BatchFormat
from ..output.i18n import Lang, tn
from ..workflows.batch import Resume, default_jobs
from .console import handles_errors, is_quiet, terminal_width, write_notices
from .options import (
    CacheDirOpt,
    CardsOpt,
    LangOpt,
    NoRenderOpt,
    OfflineOpt,
    RevisionOpt,
    RulesOpt,
    TokenOpt,
    WidthOpt,
    inspect_options,
)


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
    lang: LangOpt = Lang.en,
    cards: CardsOpt = None,
    no_render: NoRenderOpt = False,
    width: WidthOpt = None,
    revision: RevisionOpt = None,
    cache_dir: CacheDirOpt = None,
) -> None:
    """Inspect many targets: one result per target, in input order, written as each one finishes.

    A failed target becomes {"target": ..., "error": ...}; the others go on; exit code 1 if any failed.

    Stop it at any time: what finished is already written, and --resume picks up the rest.

    Examples:

        axes batch models.txt --format csv --out models.csv

        ls -d ./models/*/* | axes batch - --offline > verdicts.jsonl

        axes batch models.txt --out runs.jsonl --resume runs.jsonl

        axes batch --hf-cache --format table

        hf cache ls -q | axes batch - --offline --format csv
    """
    from .. import pipeline
    from ..output.batch import write_all
    from ..output.formats import Style
    from ..output.render import batch_emitter
    from ..rules import rulebook
    from ..workflows import batch as workflow

    options = inspect_options(rules, offline or hf_cache, token, cards, revision=revision, cache_dir=cache_dir,
                              no_render=no_render)
    rulebook(options.rules)  # a bad rule file fails here, before any target
    fmt = format or (BatchFormat.table if out is None and sys.stdout and sys.stdout.isatty() else BatchFormat.jsonl)
    plan = workflow.Resume.plan(resume, out, jsonl=fmt is BatchFormat.jsonl)
    skip = workflow.Skip(set(plan.done))
    emitter = batch_emitter(fmt, Style(lang=lang, width=terminal_width(width)))
    with workflow.target_list(targets_file, hf_cache, cache_dir) as (targets, left):
        try:
            with _output(plan, out) as stream, _progress(lambda: left(skip.done)) as (tick, clear):
                outcomes = workflow.run(skip.rest(targets), partial(pipeline.inspect, options=options), jobs,
                                        local=options.offline)
                failed = write_all(outcomes, emitter, stream, tick, clear)
        except BrokenPipeError:
            raise  # the reader stopped early (`axes batch list | head`): console.handles_errors ends cleanly
        except OSError as err:  # the disk filled up, or the device went away: what was written stays
            raise AxesError(f"cannot write: {err.strerror or err}", where=str(out or "stdout")) from None
    if skip.skipped:
        n = skip.skipped
        write_notices((tn("skipped", n, lang, file=resume),), lang)
    if failed:
        typer.echo(f"axes: {tn('n_failed', failed, lang)}", err=True)
        raise typer.Exit(1)


@contextmanager
def _output(plan: Resume, path: Path | None) -> Iterator[TextIO]:
    if path is None:
        if sys.stdout is None:  # started with stdout closed (`>&-`)
            raise AxesError("stdout is closed: give --out FILE", where="stdout")
        yield sys.stdout
        return
    with plan.open_out(path) as stream:
        yield stream


@contextmanager
def _progress(total: Callable[[], int | None]
              ) -> Iterator[tuple[Callable[[object], None], Callable[[], None]]]:
    """A progress bar on stderr when stderr is a terminal (`total` counts the targets only then): its tick,
    and its clearing before the table is drawn; otherwise nothing, so logs stay clean."""
    if sys.stderr is None or not sys.stderr.isatty() or is_quiet():
        yield (lambda _: None), (lambda: None)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("axes batch"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("batch", total=total())
        yield (lambda _: bar.advance(task)), bar.stop
