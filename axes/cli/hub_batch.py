"""`axes hub-batch` and `axes hub-snapshot`: tag the whole Hub from bulk Parquet (README "Tagging the whole Hub").

pyarrow and the engines are imported inside the commands, so no other command pays for them.
"""

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .console import handles_errors
from .options import RulesOpt, TokenOpt

if TYPE_CHECKING:
    from ..scale.batch import Hooks, Summary

ENGINES = ("pool", "dask", "ray")
ColumnsOpt = Annotated[
    str | None,
    typer.Option("--columns", help="Map input columns to what axes reads: id=modelId,card=card (README "
                                   "lists the names); the bulk sources' own names are found without it."),
]


@handles_errors
def hub_batch(
    inputs: Annotated[list[str], typer.Argument(metavar="INPUT...", help="Parquet shards: paths, folders, globs "
                                                "or hf:// paths (online).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The run folder: one tagged Parquet per input shard "
                                      "and manifest.jsonl.")],
    engine: Annotated[str, typer.Option("--engine", help="pool (local processes), dask or ray (extras).")] = "pool",
    workers: Annotated[int, typer.Option("--workers", "-j", min=1, help="Worker processes (default: CPU cores).")
                       ] = os.cpu_count() or 1,
    address: Annotated[str | None, typer.Option("--address", help="A running Dask scheduler or Ray cluster "
                                                "(default: start a local one).")] = None,
    reshard: Annotated[bool, typer.Option("--reshard", help="First split each input by a stable hash of the id "
                                          "into files of --shard-rows rows (one big models.parquet).")] = False,
    shard_rows: Annotated[int, typer.Option("--shard-rows", min=1, help="Rows per file with --reshard.")] = 10_000,
    columns: ColumnsOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Tag every row of Parquet shards: one zstd Parquet of verdicts per shard, and a manifest.

    Resumable: run it again after a stop and it tags only the shards without a manifest line; a finished run
    writes nothing; an edited rule file or another axes version tags everything again. Rows that cannot be
    read are ok=false with their error (the run goes on); the summary counts them by reason.

    Examples:

        axes hub-batch snapshot/*.parquet --out tagged/

        axes hub-batch models.parquet --reshard --out tagged/ --workers 2

        axes hub-batch shards/ --out tagged/ --engine dask --address tcp://scheduler:8786
    """
    from ..errors import AxesError
    from ..scale.batch import hub_batch as run
    from ..scale.columns import parse_mapping
    from ..scale.engines import Engine

    if engine not in ENGINES:
        raise AxesError(f"--engine: {engine!r} is not one of {', '.join(ENGINES)}")
    mapping = parse_mapping(columns)
    with _progress() as hooks:
        summary = run(inputs, out, engine=Engine(engine), workers=workers, address=address, columns=mapping,
                      rules=tuple(rules or ()), resharded=shard_rows if reshard else None, hooks=hooks)
    for line in _summary(summary, out):
        typer.echo(line)


def _summary(summary: "Summary", out: Path) -> Iterator[str]:
    yield (f"{out}: {summary.rows:,} rows in {summary.shards} shards ({summary.new_rows:,} tagged now, "
           f"{summary.skipped} shards finished earlier); {summary.failures:,} rows failed")
    for reason, count in summary.reasons.most_common(10):
        yield f"  failed {count:>9,}  {reason}"
    for lens, count in sorted(summary.lenses.items(), key=lambda item: -item[1]):
        yield f"  {lens:<28} {count:>9,}"


@contextmanager
def _progress() -> "Iterator[Hooks]":
    """Shards and rows, with the rate and time left, on stderr when it is a terminal; else nothing."""
    from ..scale.batch import Hooks

    if not sys.stderr.isatty():
        yield Hooks()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    class RowsPerSecond(TransferSpeedColumn):
        def render(self, task):  # type: ignore[no-untyped-def]
            return f"{task.speed or 0:,.0f} rows/s" if task.description == "rows" else ""

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
               RowsPerSecond(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        shards = bar.add_task("shards", total=None)
        rows = bar.add_task("rows", total=None)

        def planned(count: int, total: int) -> None:
            bar.update(shards, total=count)
            bar.update(rows, total=total)

        tick: Callable[[int], None] = lambda n: bar.advance(rows, n)  # noqa: E731
        yield Hooks(planned=planned, rows=tick, shard=lambda _: bar.advance(shards))


@handles_errors
def hub_snapshot(
    models: Annotated[str, typer.Option("--models", help="hub-stats models.parquet: a local path or an hf:// "
                                        "path.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder for the joined shards (and the fill).")],
    cards: Annotated[list[str] | None, typer.Option("--cards", help="The model-card dump (modelId, card): paths, "
                                                     "globs or hf:// paths; may be repeated.")] = None,
    fill: Annotated[bool, typer.Option("--fill", help="Fetch config.json, generation_config.json and the chat "
                                       "template from the Hub for rows whose siblings list them (rate-limited, "
                                       "resumable; only ids whose sha changed).")] = False,
    plan: Annotated[str, typer.Option("--plan", help="Your Hub plan, for the fill's pace: anonymous, free, pro, "
                                      "team, enterprise, enterprise-plus.")] = "free",
    fill_limit: Annotated[int | None, typer.Option("--fill-limit", min=0, help="Fill at most this many ids this "
                                                   "run (the rest next time).")] = None,
    shard_rows: Annotated[int, typer.Option("--shard-rows", min=1, help="Rows per output shard.")] = 10_000,
    token: TokenOpt = None,
) -> None:
    """Build hub-batch's input from the Hub's bulk metadata: hub-stats models.parquet joined with a card dump
    on the repo id, split into shards; --fill adds the files no dump has.

    Examples:

        axes hub-snapshot --models models.parquet --cards 'cards/*.parquet' --out snapshot/

        axes hub-snapshot --models hf://datasets/cfahlgren1/hub-stats/models.parquet \\
            --cards 'hf://datasets/librarian-bots/model_cards_with_metadata/data/*.parquet' --out snapshot/ --fill

        axes hub-batch snapshot/shards/ --out tagged/
    """
    from ..scale.snapshot import PLANS, build

    if plan not in PLANS:
        from ..errors import AxesError

        raise AxesError(f"--plan: {plan!r} is not one of {', '.join(PLANS)}")
    report = build(models, list(cards or ()), out, shard_rows=shard_rows, fill=fill, plan=plan,
                   fill_limit=fill_limit, token=token, progress=_fill_progress())
    for line in report.lines():
        typer.echo(line)


def _fill_progress() -> Callable[[int, int], None]:
    """The fill's count on stderr (a terminal only): ids fetched of ids to fetch."""
    if not sys.stderr.isatty():
        return lambda done, total: None

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\raxes: fill {done:,}/{total:,} ids" + ("\n" if done == total else ""))
        sys.stderr.flush()

    return show
