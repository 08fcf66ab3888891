"""`axes hub-snapshot`: hub-batch's input from the Hub's two bulk sources, and the files neither has.

The sources: hub-stats `models.parquet` (one row per repo: id, sha, tags, pipeline_tag, cardData as JSON
text, baseModels, siblings, the API's config summary, safetensors totals, gguf) and a model-card dump
(modelId, card: the whole README). Both are split by the stable hash of the id into the same number of
files (reshard.py), so the join runs one pair at a time in bounded memory, and each joined pair is one
output shard of about `shard_rows` rows. A card with no hub-stats row is kept, with its card only.

No public dump holds config.json, generation_config.json or chat templates: `--fill` fetches them from the
Hub for the ids whose `siblings` list them (fill.py), stored by the same hash beside the shards, keyed by
the repo's sha, so a later snapshot fetches only the repos that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from msgspec import Struct, field

from ..errors import AxesError
from .columns import as_names, as_object
from .fill import FILL_COLUMNS, PART_ROWS, PLANS, Fetcher, load_fills, store_fills, wanted_files
from .reshard import reshard
from .shards import expand, open_input, write_table

__all__ = ["PLANS", "Report", "build"]

# hub-stats column -> the name hub-batch reads it by. Its `config` is the API's summary, not config.json.
RENAMES = {"config": "config_summary"}
MODEL_COLUMNS = ("id", "sha", "tags", "pipeline_tag", "cardData", "baseModels", "siblings", "config",
                 "safetensors", "gguf", "gated")


class Report(Struct):
    shards: int = 0
    written: int = 0
    rows: int = 0
    with_card: int = 0
    cards_only: int = 0
    fill_wanted: int = 0  # ids whose siblings list a file the dumps lack, sha not filled yet
    filled: int = 0  # fetched this run
    fill_failed: int = 0
    requests: int = 0
    waited: float = 0.0  # seconds spent waiting on the Hub's rate limits
    notes: list[str] = field(default_factory=list)

    def lines(self) -> Iterator[str]:
        yield (f"{self.rows:,} rows in {self.shards} shards ({self.written} written now): {self.with_card:,} with "
               f"a card, {self.cards_only:,} from the card dump only")
        if self.fill_wanted or self.filled:
            yield (f"fill: {self.filled:,} ids fetched ({self.requests:,} requests, {self.fill_failed:,} failed, "
                   f"{self.waited:.0f} s waiting on rate limits); {self.fill_wanted - self.filled:,} still to fetch")
        yield from self.notes


def build(models: str, cards: list[str], out: Path, *, shard_rows: int = 10_000, fill: bool = False,
          plan: str = "free", fill_limit: int | None = None, token: str | None = None,
          progress: Callable[[int, int], None] = lambda done, total: None) -> Report:
    if not out.parent.is_dir():
        raise AxesError("cannot write: the folder does not exist", where=str(out.parent))
    out.mkdir(exist_ok=True)
    model_files = expand([models])
    if len(model_files) != 1:
        raise AxesError("give one models.parquet (hub-stats)", where=models)
    count = max(1, -(-open_input(model_files[0]).metadata.num_rows // shard_rows))
    model_parts = reshard(model_files[0], out / "split" / "models", count=count)
    card_parts = [reshard(source, out / "split" / f"cards-{i:03d}", count=count, id_column=_card_id(source))
                  for i, source in enumerate(expand(cards))] if cards else []
    report = Report(shards=count)
    fetcher = Fetcher(plan=plan, token=token) if fill else None
    left = fill_limit  # ids this run may still fetch (None: all)
    todo_total = 0
    for index in range(count):
        table = _joined(model_parts[index], [parts[index] for parts in card_parts], report)
        fills_dir = out / "fill" / f"{index:05d}"
        fills = load_fills(fills_dir)
        wanted = _to_fetch(table, fills)
        report.fill_wanted += len(wanted)
        fetched = 0
        if fetcher is not None and wanted and left != 0:
            take = wanted if left is None else wanted[:left]
            todo_total += len(take)
            for offset in range(0, len(take), PART_ROWS):  # stored as they come: a stop loses one part at most
                results = fetcher.fetch(take[offset: offset + PART_ROWS],
                                        _counting(progress, report.filled, todo_total))
                store_fills(fills_dir, results)
                fills.update({r["id"]: r for r in results})
                fetched += len(results)
                report.filled += len(results)
                report.fill_failed += sum(1 for r in results if r.get("error"))
            if left is not None:
                left -= len(take)
        table = _with_fills(table, fills)
        target = out / "shards" / f"part-{index:05d}-of-{count:05d}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        if fetched or not target.is_file() or _differs(target, table):
            write_table(table, target)
            report.written += 1
        report.rows += table.num_rows
    if fetcher is not None:
        report.requests, report.waited = fetcher.requests, fetcher.waited
    return report


def _counting(progress: Callable[[int, int], None], base: int, total: int) -> Callable[[int], None]:
    return lambda done: progress(base + done, total)


def _card_id(source: str) -> str | None:
    names = open_input(source).schema_arrow.names
    if "card" not in names:
        raise AxesError("a card dump needs a card column (the README text)", where=source)
    return "modelId" if "modelId" in names else None


def _joined(models: Path, cards: list[Path], report: Report) -> pa.Table:
    """One hash bucket of hub-stats rows with their cards (a left join on id), then the cards with no row."""
    handle = pq.ParquetFile(models)
    table = handle.read(columns=[c for c in MODEL_COLUMNS if c in handle.schema_arrow.names])
    table = table.rename_columns([RENAMES.get(name, name) for name in table.column_names])
    ids = table.column("id").to_pylist()
    position = {repo: i for i, repo in enumerate(ids)}
    card_text: list[str | None] = [None] * len(ids)
    extra_ids: list[str] = []
    extra_cards: list[str] = []
    for part in cards:
        dump = pq.ParquetFile(part)
        key = "modelId" if "modelId" in dump.schema_arrow.names else "id"
        loaded = dump.read(columns=[key, "card"])
        for repo, card in zip(loaded.column(key).to_pylist(), loaded.column("card").to_pylist(), strict=True):
            at = position.get(repo)
            if at is not None:
                card_text[at] = card_text[at] or card
            elif repo:
                position[repo] = len(ids) + len(extra_ids)
                extra_ids.append(repo)
                extra_cards.append(card)
    table = table.append_column("card", pa.array(card_text, pa.string()))
    report.with_card += sum(card is not None for card in card_text)
    if extra_ids:
        report.cards_only += len(extra_ids)
        extra = pa.table({"id": pa.array(extra_ids, pa.string()), "card": pa.array(extra_cards, pa.string())})
        table = pa.concat_tables([table, extra], promote_options="default")
    return table


def _to_fetch(table: pa.Table, fills: dict[str, dict]) -> list[dict]:
    """The rows worth a fill: their siblings list a wanted file, and no fill holds their current sha."""
    rows = table.select([c for c in ("id", "sha", "siblings", "config_summary") if c in table.column_names])
    wanted = []
    for row in rows.to_pylist():
        files = wanted_files(as_names(row.get("siblings"), "rfilename"), as_object(row.get("config_summary")))
        done = fills.get(row["id"])
        if files and (done is None or done.get("sha") != row.get("sha") or done.get("error")):
            wanted.append({"id": row["id"], "sha": row.get("sha"), "files": files})
    return wanted


def _with_fills(table: pa.Table, fills: dict[str, dict]) -> pa.Table:
    ids = table.column("id").to_pylist()
    for name in FILL_COLUMNS:
        values = [fills.get(repo, {}).get(name) for repo in ids]
        table = table.append_column(name, pa.array(values, pa.string()))
    return table


def _differs(target: Path, table: pa.Table) -> bool:
    """Whether a shard on disk holds other rows than `table` (an input changed since it was written)."""
    try:
        return not pq.read_table(target).equals(table)
    except (OSError, pa.ArrowInvalid):
        return True

