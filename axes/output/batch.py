"""Batch outcomes -> text, one flushed piece per outcome: JSONL, CSV, Markdown, or a table at the end.

CSV keeps machine values (integers, true/false, tag names joined by spaces, empty for unknown); Markdown and
the table show them for people, headers in --lang.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TextIO

from ..workflows.batch import Outcome
from .contract import contract
from .i18n import Lang, t
from .text import export, human, md_row

COLUMNS = ("target", "source", "structure", "moe", "reasoning", "total_params", "active_params", "attention",
           "post_training", "inference", "product", "murkiest", "error")


def record(outcome: Outcome) -> dict[str, Any]:
    """The JSONL line: CONTRACT.md's shape, or {"target", "error"} for a failed target."""
    if outcome.verdict is None:
        return {"target": outcome.target, "error": outcome.error}
    return contract(outcome.verdict)


def cells(outcome: Outcome, lang: Lang | None) -> tuple[str, ...]:
    """One value per COLUMNS entry; lang None gives the machine form (CSV), a language the human form."""
    verdict = outcome.verdict
    if verdict is None:
        return (outcome.target, *("" for _ in COLUMNS[1:-1]), outcome.error or "")
    facts, lens = verdict.backbone.facts, verdict.lenses

    def flag(value: bool | None) -> str:
        if value is None:
            return "" if lang is None else "?"
        return str(value).lower() if lang is None else t("yes" if value else "no", lang)

    def count(value: int | None) -> str:
        return ("" if value is None else str(value)) if lang is None else human(value)

    def tags(axis: str) -> str:
        return (" " if lang is None else ", ").join(tag.name for tag in verdict.rows[axis].tags)

    return (verdict.target, verdict.source, lens.structure or "", flag(lens.moe), flag(lens.reasoning),
            count(facts.total_params), count(facts.active_params), facts.attention or "",
            tags("post_training"), tags("inference"), tags("product"),
            verdict.murkiest.axis if lang is None else t(verdict.murkiest.axis, lang), "")


def headers(lang: Lang) -> tuple[str, ...]:
    return tuple(t(name, lang) for name in COLUMNS)


class Emitter(Protocol):
    """Text for the start, each outcome (written and flushed at once) and the end of a run."""

    def start(self) -> str: ...

    def row(self, outcome: Outcome) -> str: ...

    def end(self) -> str: ...


class Jsonl:
    def start(self) -> str:
        return ""

    def row(self, outcome: Outcome) -> str:
        return json.dumps(record(outcome), ensure_ascii=False, allow_nan=False) + "\n"  # NaN is not JSON

    def end(self) -> str:
        return ""


class Csv:
    def start(self) -> str:
        return self._line(COLUMNS)

    def row(self, outcome: Outcome) -> str:
        return self._line(cells(outcome, None))

    def end(self) -> str:
        return ""

    @staticmethod
    def _line(values: Iterable[str]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(values)
        return buffer.getvalue()


class Markdown:
    def __init__(self, lang: Lang):
        self.lang = lang

    def start(self) -> str:
        return self._line(headers(self.lang)) + "|" + "---|" * len(COLUMNS) + "\n"

    def row(self, outcome: Outcome) -> str:
        return self._line(cells(outcome, self.lang))

    def end(self) -> str:
        return ""

    @staticmethod
    def _line(values: Iterable[str]) -> str:
        return md_row(values) + "\n"


class Table:
    """A rich table cannot be streamed: it keeps each target's short cells (never a verdict) until the end."""

    def __init__(self, lang: Lang, width: int | None):
        self.lang = lang
        self.width = width
        self.rows: list[tuple[str, ...]] = []

    def start(self) -> str:
        return ""

    def row(self, outcome: Outcome) -> str:
        self.rows.append(cells(outcome, self.lang))
        return ""

    def end(self) -> str:
        from rich.table import Table as RichTable  # rich costs start-up time: only for this format

        grid = RichTable(show_lines=False, expand=False)
        for name in headers(self.lang):
            grid.add_column(name)
        for values in self.rows:
            grid.add_row(*values)
        return export(grid, width=self.width or 200)


def write_all(outcomes: Iterable[Outcome], out: Emitter, stream: TextIO,
              tick: Callable[[Outcome], None] = lambda _: None) -> int:
    """Write every outcome as it arrives, flushed, so an interrupted run keeps what it finished.

    Returns how many targets failed.
    """
    failed = 0
    stream.write(out.start())
    for outcome in outcomes:
        stream.write(out.row(outcome))
        stream.flush()
        failed += not outcome.ok
        tick(outcome)
    stream.write(out.end())
    stream.flush()
    return failed
