"""bench/scale.py: `axes hub-batch` throughput and peak memory per engine, at two sizes, and how cost grows.

    .venv/bin/python bench/scale.py                                   # pool, 10k and 100k rows
    .venv/bin/python bench/scale.py --engine pool dask ray --rows 10000
    .venv/bin/python bench/scale.py --split                           # where one core's time goes

Rows are a joined Hub snapshot (hub-stats columns plus the card and the filled files) built from
bench/inputs.py's generated repos (cards of ~90 lines, four model families), in shards of 10,000 rows.
Each case is one fresh `axes hub-batch` process over an empty --out, timed whole (start-up, a local
cluster's start included); peak memory is the sum of the VmHWM of that process and every process it
starts (bench/run.py's PeakRss). One line per case: engine, rows, seconds, rows/s, peak MB. Needs the
`hub` extra, and the `dask` / `ray` extras for those engines.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import inputs
import pyarrow as pa
import pyarrow.parquet as pq
from run import REPO, axes_command
from run import run as run_process

SHARD_ROWS = 10_000


def snapshot_row(index: int) -> dict[str, object]:
    """One generated repo as a row of `axes hub-snapshot`'s output."""
    generated = inputs.model(index)
    texts = {name: data.decode() for name, data in generated.files.items()}
    config = json.loads(texts["config.json"])
    template = texts.get("chat_template.jinja")
    if template is None:
        template = json.loads(texts["tokenizer_config.json"])["chat_template"]
    repo = f"bench-org-{index % 97}/{generated.name}"
    return {
        "id": repo, "sha": f"{index:040x}", "card": texts["README.md"],
        "cardData": json.dumps({"license": "apache-2.0", "pipeline_tag": "text-generation"}),
        "config": texts["config.json"], "generation_config": texts["generation_config.json"],
        "chat_template": template,
        "config_summary": {"architectures": config["architectures"], "model_type": config["model_type"]},
        "tags": ["transformers", "safetensors", config["model_type"], "conversational"],
        "pipeline_tag": "text-generation",
        "siblings": [{"rfilename": name} for name in sorted(generated.files)],
    }


def write_input(folder: Path, rows: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, rows, SHARD_ROWS):
        table = pa.Table.from_pylist([snapshot_row(i) for i in range(start, min(rows, start + SHARD_ROWS))])
        pq.write_table(table, folder / f"shard-{start // SHARD_ROWS:04d}.parquet", compression="zstd")
    return folder


def case(engine: str, rows: int, source: Path, work: Path, workers: int) -> dict[str, object]:
    out = work / f"out-{engine}-{rows}"
    argv = [*axes_command(), "hub-batch", str(source), "--out", str(out), "--engine", engine,
            "--workers", str(workers)]
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "RAY_AUTH_MODE": "disabled"}
    result = run_process(argv, env, work)
    if result.code != 0:
        print(f"bench: {engine} {rows}: exit {result.code}: {result.stderr.strip()[-400:]}", file=sys.stderr)
    return {"engine": engine, "rows": rows, "seconds": round(result.seconds, 1),
            "rows_per_s": round(rows / result.seconds), "peak_mb": round(result.peak_rss_mb),
            "cpu_s": round(result.cpu_seconds, 1)}


def split(rows: int = 2000) -> dict[str, float]:
    """One core, in process: ms a row in analyse() and in the rest of tag_table (conversion, contract, JSON)."""
    sys.path.insert(0, str(REPO))
    from axes.output.contract import contract
    from axes.pipeline import analyse
    from axes.rules import rulebook
    from axes.scale import tag_table
    from axes.scale.rows import snapshot_of

    table = pa.Table.from_pylist([snapshot_row(i) for i in range(rows)])
    book = rulebook()
    tag_table(table.slice(0, 20))  # warm: rules loaded, regexes compiled
    data = table.to_pylist()
    for item in data:
        item["card_data"] = item.pop("cardData")
    start = time.process_time()
    snapshots = [snapshot_of(str(item["id"]), item) for item in data]
    built = time.process_time() - start
    start = time.process_time()
    verdicts = [analyse(s, book) for s in snapshots]
    analysed = time.process_time() - start
    start = time.process_time()
    for verdict in verdicts:
        contract(verdict)
    contracts = time.process_time() - start
    start = time.process_time()
    tag_table(table)
    whole = time.process_time() - start
    per = 1000 / rows
    return {"tag_table_ms": round(whole * per, 3), "analyse_ms": round(analysed * per, 3),
            "snapshot_ms": round(built * per, 3), "contract_ms": round(contracts * per, 3),
            "other_ms": round((whole - analysed - built - contracts) * per, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", nargs="+", default=["pool"], choices=("pool", "dask", "ray"))
    parser.add_argument("--rows", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--split", action="store_true", help="Only the split of one core's time per row.")
    args = parser.parse_args()
    if args.split:
        print(json.dumps(split()))
        return
    with tempfile.TemporaryDirectory(prefix="axes-scale-") as tmp:
        work = Path(tmp)
        results = []
        for rows in args.rows:
            source = write_input(work / f"in-{rows}", rows)
            for engine in args.engine:
                results.append(case(engine, rows, source, work, args.workers))
                print(json.dumps(results[-1]), flush=True)
        for engine in args.engine:
            mine = sorted((r for r in results if r["engine"] == engine), key=lambda r: int(str(r["rows"])))
            if len(mine) >= 2:
                small, large = mine[0], mine[-1]
                ratio = float(str(large["seconds"])) / float(str(small["seconds"]))
                scale = int(str(large["rows"])) / int(str(small["rows"]))
                print(json.dumps({"engine": engine, "growth": f"{scale:.0f}x rows took {ratio:.1f}x the time"}))


if __name__ == "__main__":
    main()
