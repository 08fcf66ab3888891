"""`axes eval`: per-field accuracy over a labelled corpus."""

from pathlib import Path
from typing import Annotated

import typer

from .console import handles_errors


@handles_errors
def evaluate(
    corpus: Annotated[Path, typer.Argument(help="A folder of <org>/<name>/ model folders.")],
    labels: Annotated[Path, typer.Argument(help="labels.yaml: model id -> expected facts and tags.")],
    misses: Annotated[bool, typer.Option("--misses", help="List every miss.")] = False,
) -> None:
    """Per-field accuracy of axes over a labelled corpus (backbone facts, lenses, tags).

    Example: axes eval ../shared/corpus ../shared/corpus/labels.yaml --misses
    """
    from ..workflows.evaluate import evaluate_corpus

    for line in evaluate_corpus(corpus, labels).lines(show_misses=misses):
        typer.echo(line)
