"""`axes report`: a batch's results as one HTML page to look at."""

from pathlib import Path
from typing import Annotated

import typer

from .console import check_out, deliver, handles_errors


@handles_errors
def report(
    results: Annotated[str, typer.Argument(metavar="RESULTS.jsonl", help="`axes batch` JSONL output; - reads stdin.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the page to this file (atomically) instead of stdout.")
    ] = None,
    title: Annotated[str, typer.Option("--title", help="The page's title.")] = "axes report",
) -> None:
    """A batch's results as one self-contained HTML page.

    Murk bars per axis, the lens matrix (dense / MoE / hybrid x standard / reasoning), parameter sizes, a table
    to sort and filter, and each model's tags with their evidence lines.

    The page needs no network to be viewed: its style and script are inline.

    Examples:

        axes batch models.txt --out results.jsonl && axes report results.jsonl -o report.html

        axes batch --hf-cache | axes report - -o my-cache.html
    """
    from .. import __version__
    from ..output.html import report_page
    from ..workflows.batch import read_results

    check_out(out)
    page = report_page(read_results(results), title=title, version=__version__)
    deliver(page, out, say_written=True)
