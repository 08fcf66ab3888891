"""Hub scale: tag every public model from a metadata snapshot (README "Tagging the whole Hub").

`tag_table` is the engine-neutral function (an Arrow table of repos -> an Arrow table of verdicts);
`read_contracts` yields the contract dicts back from its output Parquet. pyarrow is needed by this package
only (the `hub` extra), so nothing outside the scale path imports it.
"""

from __future__ import annotations

from .table import OUTPUT_SCHEMA, read_contracts, tag_table

__all__ = ["OUTPUT_SCHEMA", "read_contracts", "tag_table"]
