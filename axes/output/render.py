"""One map from format to renderer per kind of result (one model, a batch, a comparison); the exercises are
Markdown only (output.exercise). Renderers return strings and never print: only the CLI writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..types import Failure, Verdict
from . import inspect
from .contract import contract
from .formats import BatchFormat, CompareFormat, Format, Style

if TYPE_CHECKING:
    from ..workflows.compare import Comparison
    from .batch import Emitter


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
    Format.html: lambda v, s: _model_page(v),
}
Results = tuple[Verdict | Failure, ...]


def _model_page(verdict: Verdict) -> str:
    from .html import model_page  # the page's markup and html.entities: only for --format html

    return model_page(contract(verdict))


def render(verdict: Verdict, fmt: Format, style: Style = Style()) -> str:
    return INSPECT[fmt](verdict, style)


def render_comparison(comparison: Comparison, fmt: CompareFormat, style: Style = Style(), results: Results = ()) -> str:
    """The comparison; `results` orders its columns and adds the targets nothing knows."""
    from . import compare  # the comparison's and the exercises' renderers: not for one model's run

    renderers: dict[CompareFormat, Callable[[], str]] = {
        CompareFormat.table: lambda: compare.table(comparison, style.lang, style.width, results),
        CompareFormat.markdown: lambda: compare.markdown(comparison, style.lang, results),
        CompareFormat.json: lambda: as_json(compare.record(comparison, compare.failures(results))),
    }
    return renderers[fmt]()


def batch_emitter(fmt: BatchFormat, style: Style = Style()) -> Emitter:
    from . import batch  # csv and the batch table: not for one model's run

    emitters: dict[BatchFormat, Callable[[], Emitter]] = {
        BatchFormat.jsonl: batch.Jsonl,
        BatchFormat.csv: batch.Csv,
        BatchFormat.markdown: lambda: batch.Markdown(style.lang),
        BatchFormat.table: lambda: batch.Table(style.lang, style.width),
    }
    return emitters[fmt]()
