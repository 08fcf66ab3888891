"""The output formats of each kind of result, and the reader's style (language, detail, width).

Light on purpose: the CLI reads these enums at start-up; the renderers load only when used (output.render).
"""

from __future__ import annotations

from enum import Enum

from msgspec import Struct

from .i18n import Lang


class Format(str, Enum):
    """`axes inspect --format`."""

    table = "table"
    json = "json"
    yaml = "yaml"
    markdown = "markdown"
    html = "html"  # a self-contained page: the four-row table and every tag's evidence


class BatchFormat(str, Enum):
    """`axes batch --format`."""

    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"
    table = "table"


class CompareFormat(str, Enum):
    """`axes compare --format`."""

    table = "table"
    markdown = "markdown"
    json = "json"


class Style(Struct, frozen=True):
    """How people want to read it: language, every tag's evidence, table width (None: the default)."""

    lang: Lang = Lang.en
    explain: bool = False
    width: int | None = None
