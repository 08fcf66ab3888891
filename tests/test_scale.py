"""Hub scale: tag_table, `axes hub-batch` over a synthetic snapshot (tests/hubsnapshot.py), its engines, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import hubsnapshot  # noqa: E402
from hubserver import HubServer, Repo  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from axes.cli import app  # noqa: E402
from axes.scale import read_contracts, tag_table  # noqa: E402
from axes.scale.columns import parse_mapping  # noqa: E402
from axes.scale.shards import MANIFEST, tagged_files  # noqa: E402


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 rows in 8 shards: some without config, some with broken front matter, some with no card."""
    folder = tmp_path_factory.mktemp("snapshot")
    hubsnapshot.write_shards(folder, 2000, 8)
    return folder


def hub_batch(*args: str) -> None:
    result = CliRunner().invoke(app, ["hub-batch", *args])
    assert result.exit_code == 0, result.output


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in tagged_files(folder)}


def tagged_rows(folder: Path) -> list[dict]:
    return [row for p in tagged_files(folder) for row in pq.read_table(p).to_pylist()]


def test_every_row_once_and_one_worker_equals_two(snapshot: Path, tmp_path: Path) -> None:
    hub_batch(str(snapshot), "--out", str(tmp_path / "one"), "--workers", "1")
    hub_batch(str(snapshot), "--out", str(tmp_path / "two"), "--workers", "2")
    rows = tagged_rows(tmp_path / "one")
    ids = [r["id"] for r in rows]
    assert sorted(ids) == sorted(r["id"] for r in hubsnapshot.rows(2000)) and len(set(ids)) == 2000
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")  # byte for byte
    assert all(r["ok"] for r in rows), [r["error"] for r in rows if not r["ok"]][:3]
    lines = [json.loads(line) for line in (tmp_path / "one" / MANIFEST).read_text().splitlines()]
    assert sum(line["rows"] for line in lines) == 2000 and len(lines) == 8
    assert {"rows", "failures", "axes_version", "rules", "input_checksum"} <= lines[0].keys()


def test_a_rerun_writes_nothing_and_a_rule_change_is_a_new_run(snapshot: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    hub_batch(str(snapshot), "--out", str(out), "--workers", "2")
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()}
    hub_batch(str(snapshot), "--out", str(out), "--workers", "2")
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()} == before
    extra = tmp_path / "rules"
    extra.mkdir()
    (extra / "mine.yaml").write_text(
        "axis: product\nrules:\n  - id: says-assistant\n    tag: assistant-word\n    strength: hinted\n"
        "    message: the card calls the model an assistant\n    card: {patterns: ['assistant work']}\n"
        "    examples: {match: ['for everyday assistant work'], no_match: ['a base model']}\n")
    hub_batch(str(snapshot), "--out", str(out), "--workers", "2", "--rules", str(extra))
    lines = (out / MANIFEST).read_text().splitlines()
    assert len(lines) == 16  # every shard again, under the new fingerprint
    assert any("assistant-word" in r["product_tags"] for r in tagged_rows(out))


def test_kill_mid_run_then_resume_loses_and_repeats_nothing(snapshot: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "axes", "hub-batch", str(snapshot), "--out", str(out), "--workers", "2"]
    # From tmp_path, so `-m axes` is the axes this test imports (installed or editable), not a checkout's.
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        manifest = out / MANIFEST
        if manifest.exists() and len(manifest.read_text().splitlines()) >= 2:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the run and its workers, mid-way
    process.wait()
    finished_before = len((out / MANIFEST).read_text().splitlines())
    assert 2 <= finished_before < 8, "the kill came too late to test a resume"
    hub_batch(str(snapshot), "--out", str(out), "--workers", "2")
    ids = [r["id"] for r in tagged_rows(out)]
    assert len(ids) == 2000 and len(set(ids)) == 2000
    assert not list(out.glob(".*.tmp"))
    assert len((out / MANIFEST).read_text().splitlines()) == 8


def test_dask_local_cluster_gives_the_pool_output(snapshot: Path, tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe")
    pytest.importorskip("distributed")
    hub_batch(str(snapshot), "--out", str(tmp_path / "pool"), "--workers", "2")
    hub_batch(str(snapshot), "--out", str(tmp_path / "dask"), "--workers", "2", "--engine", "dask")
    assert _tables(tmp_path / "dask") == _tables(tmp_path / "pool")


def test_ray_gives_the_pool_output(snapshot: Path, tmp_path: Path) -> None:
    pytest.importorskip("ray.data")
    hub_batch(str(snapshot), "--out", str(tmp_path / "pool"), "--workers", "2")
    hub_batch(str(snapshot), "--out", str(tmp_path / "ray"), "--workers", "2", "--engine", "ray")
    assert _tables(tmp_path / "ray") == _tables(tmp_path / "pool")


def _tables(folder: Path) -> dict[str, list[dict]]:
    """Each output's rows (the engines may cut row groups differently: the rows are what must match)."""
    return {p.name: pq.read_table(p).to_pylist() for p in tagged_files(folder)}


def test_reshard_splits_by_a_stable_hash_of_the_id(snapshot: Path, tmp_path: Path) -> None:
    big = tmp_path / "models.parquet"
    pq.write_table(pa.concat_tables([pq.read_table(p) for p in sorted(snapshot.glob("*.parquet"))]), big)
    hub_batch(str(big), "--out", str(tmp_path / "a"), "--reshard", "--shard-rows", "300")
    parts = sorted((tmp_path / "a" / "input" / "000").glob("*.parquet"))
    assert len(parts) == 7 and sum(pq.ParquetFile(p).metadata.num_rows for p in parts) == 2000
    hub_batch(str(big), "--out", str(tmp_path / "b"), "--reshard", "--shard-rows", "300")
    assert outputs(tmp_path / "a") == outputs(tmp_path / "b")  # the same split, the same output
    assert len({r["id"] for r in tagged_rows(tmp_path / "a")}) == 2000


def test_broken_front_matter_degrades_to_the_body(snapshot: Path) -> None:
    table = pq.read_table(sorted(snapshot.glob("*.parquet"))[0])
    rows = tag_table(table).to_pylist()
    broken = [r for r, source in zip(rows, table.to_pylist(), strict=True) if source["card"]
              and source["card"].startswith("---") and "license: mit\nlanguage: en\n#" in source["card"]]
    degraded = [r for r in rows if any("front matter" in n for n in r["notes"])]
    assert degraded and all(r["ok"] for r in degraded)
    assert broken and all(any("never closed" in n for n in r["notes"]) for r in broken)
    # The body still counts: a card that names DPO keeps its tag with a broken front matter.
    assert any(r["post_training_tags"] for r in degraded)


def test_a_row_without_config_is_a_note_not_a_failure() -> None:
    table = pa.Table.from_pylist([{"id": "org/only-a-card", "card": "# x\n\nTuned with DPO.\n", "config": None},
                                  {"id": "org/bad-config", "card": "# y\n", "config": "{not json"},
                                  {"id": None, "card": "# z\n"}])
    first, second, third = tag_table(table).to_pylist()
    assert first["ok"] and any("config.json: not in the snapshot row" in n for n in first["notes"])
    assert not second["ok"] and second["error"].startswith("config.json:1: not valid JSON")
    assert not third["ok"] and third["error"] == "the row has no id"


def test_columns_map_other_names() -> None:
    table = pa.Table.from_pylist([{"modelId": "org/m", "readme": "# m\n\nAligned with DPO.\n"}])
    out = tag_table(table, parse_mapping("card=readme")).to_pylist()[0]
    assert out["id"] == "org/m" and "dpo" in out["post_training_tags"]
    result = CliRunner().invoke(app, ["hub-batch", "x.parquet", "--out", "o", "--columns", "nope=x"])
    assert result.exit_code == 2 and "unknown column 'nope'" in result.output


def test_read_contracts_gives_the_batch_lines(snapshot: Path, tmp_path: Path) -> None:
    hub_batch(str(sorted(snapshot.glob("*.parquet"))[0]), "--out", str(tmp_path / "o"))
    records = list(read_contracts(tagged_files(tmp_path / "o")))
    assert len(records) == 250 and all(r["source"] == "hub" and "axes" in r for r in records)


def test_a_row_gives_what_axes_inspect_gives_for_the_same_repo(hub_server: HubServer) -> None:
    """The same files and Hub metadata, served by the stand-in Hub to `axes inspect` and given as a row."""
    from axes.output.contract import contract
    from axes.pipeline import inspect
    from axes.sources.hfcache import WANTED

    rows = [r for r in hubsnapshot.rows(40) if r["card"] and r["config"]][:10]
    for source in rows:
        files = {"README.md": source["card"].encode(), "config.json": source["config"].encode()}
        if source["generation_config"]:
            files["generation_config.json"] = source["generation_config"].encode()
        weights = tuple(s["rfilename"] for s in source["siblings"] if s["rfilename"] not in WANTED)
        repo = Repo(files=files, card_data=json.loads(source["cardData"]), tags=tuple(source["tags"]),
                    listed_only=weights)
        hub_server.repos[source["id"]] = repo
        expected = contract(inspect(source["id"]))
        # Online, inspect also asks for the weights' headers (here listed but not served: a note); a snapshot
        # row has no weights to read.
        expected["notices"] = [n for n in expected["notices"] if "header not read" not in n]
        row = {**source, "sha": repo.commit("main")[0], "config_summary": None,  # type: ignore[index]
               "siblings": sorted([*files, *weights])}
        got = json.loads(tag_table(pa.Table.from_pylist([row])).column("contract")[0].as_py())
        assert got == expected, source["id"]


def test_other_commands_never_import_pyarrow(tmp_path: Path) -> None:
    code = ("import sys, axes.cli, axes.pipeline; "
            "print(sorted(m for m in ('pyarrow', 'dask', 'ray') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.strip() == "[]"


def test_hub_stats_config_column_maps_to_the_summary() -> None:
    """hub-stats calls the API's config summary `config`: mapped so, it is not read as config.json too."""
    summary = {"architectures": ["LlamaForCausalLM"], "model_type": "llama"}
    table = pa.Table.from_pylist([{"id": "org/m", "config": summary, "safetensors": {"total": 8_000_000_000}}])
    out = tag_table(table, parse_mapping("config_summary=config")).to_pylist()[0]
    assert any("only the Hub's summary" in n for n in out["notes"])
    assert out["total_params"] == 8_000_000_000 and out["params_source"] == "safetensors"
    assert json.loads(out["contract"])["facts"]["model_type"] == "llama"
