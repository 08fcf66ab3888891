"""One map from format to renderer per kind of result (one model, a batch, a comparison); the exercises are
Markdown only (output.exercise). Renderers return strings and never print: only the CLI writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..types import Failure, Verdict
from ..workflows.compare import Comparison
from . import batch, compare, html, inspect
from .contract import contract
from .formats import BatchFormat, CompareFormat, Format, Style


def as_json(data: Any) -> str:
    # allow_nan=False: NaN is not JSON (strict parsers refuse it); the readers turn it into null, and a NaN
    # that still got this far fails loudly here rather than in a user's parser.
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def as_yaml(data: Any) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


INSPECT: dict[Format, Callable[[Verdict, Style], str]] = {
    Format.table: lambda v, s: inspect.table(v, s.lang, s.explain, s.width),
    Format.json: lambda v, s: as_json(contract(v)),
    Format.yaml: lambda v, s: as_yaml(contract(v)),
    Format.markdown: lambda v, s: inspect.markdown(v, s.lang, s.explain),
    Format.html: lambda v, s: html.model_page(contract(v)),
}
Results = tuple[Verdict | Failure, ...]
COMPARE: dict[CompareFormat, Callable[[Comparison, Style, Results], str]] = {
    CompareFormat.table: lambda c, s, r: compare.table(c, s.lang, s.width, r),
    CompareFormat.markdown: lambda c, s, r: compare.markdown(c, s.lang, r),
    CompareFormat.json: lambda c, s, r: as_json(compare.record(c, compare.failures(r))),
}
BATCH: dict[BatchFormat, Callable[[Style], batch.Emitter]] = {
    BatchFormat.jsonl: lambda s: batch.Jsonl(),
    BatchFormat.csv: lambda s: batch.Csv(),
    BatchFormat.markdown: lambda s: batch.Markdown(s.lang),
    BatchFormat.table: lambda s: batch.Table(s.lang, s.width),
}


def render(verdict: Verdict, fmt: Format, style: Style = Style()) -> str:
    return INSPECT[fmt](verdict, style)


def render_comparison(comparison: Comparison, fmt: CompareFormat, style: Style = Style(), results: Results = ()) -> str:
    """The comparison; `results` orders its columns and adds the targets nothing knows."""
    return COMPARE[fmt](comparison, style, results)


def batch_emitter(fmt: BatchFormat, style: Style = Style()) -> batch.Emitter:
    return BATCH[fmt](style)
