"""`axes hub-snapshot`: the join of the two bulk sources, and the fill through the real huggingface_hub client
against tests/hubserver.py (rate limits included); never the real Hub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import hubsnapshot  # noqa: E402
from hubserver import HubServer, Repo  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from axes.cli import app  # noqa: E402
from axes.scale.shards import tagged_files  # noqa: E402
from axes.scale.snapshot import build  # noqa: E402

COUNT = 60


@pytest.fixture
def sources(tmp_path: Path) -> tuple[Path, Path]:
    """hub-stats' models.parquet and a card dump for COUNT synthetic repos."""
    items = hubsnapshot.rows(COUNT)
    models, cards = tmp_path / "models.parquet", tmp_path / "cards.parquet"
    pq.write_table(pa.Table.from_pylist(hubsnapshot.models_rows(items)), models)
    # One card for a repo hub-stats does not list yet: it is kept, with its card only.
    dump = [*hubsnapshot.card_rows(items), {"modelId": "late-org/new-model", "card": "# New\n\nTuned with DPO.\n"}]
    pq.write_table(pa.Table.from_pylist(dump), cards)
    return models, cards


def serve(hub: HubServer, models: Path) -> dict[str, Repo]:
    """Each synthetic repo's files on the stand-in Hub; models.parquet then records each repo's commit."""
    repos = {}
    for item in hubsnapshot.rows(COUNT):
        files = {"README.md": (item["card"] or "").encode()}
        if item["config"]:
            files["config.json"] = item["config"].encode()
            files["generation_config.json"] = json.dumps({"temperature": 0.6, "top_p": 0.95}).encode()
            files["tokenizer_config.json"] = json.dumps({"chat_template": hubsnapshot.THINKING_TEMPLATE}).encode()
        repos[item["id"]] = Repo(files=files)
    hub.repos.update(repos)
    table = pq.read_table(models).to_pylist()
    for row in table:
        row["sha"] = repos[row["id"]].commit("main")[0]  # type: ignore[index]
    pq.write_table(pa.Table.from_pylist(table), models)
    return repos


def shards_of(out: Path) -> list[dict]:
    return [row for p in sorted((out / "shards").glob("*.parquet")) for row in pq.read_table(p).to_pylist()]


def test_join_keeps_every_repo_once_with_its_card(sources: tuple[Path, Path], tmp_path: Path) -> None:
    models, cards = sources
    result = CliRunner().invoke(app, ["hub-snapshot", "--models", str(models), "--cards", str(cards),
                                      "--out", str(tmp_path / "snap"), "--shard-rows", "25"])
    assert result.exit_code == 0, result.output
    rows = shards_of(tmp_path / "snap")
    assert sorted(r["id"] for r in rows) == sorted([*(i["id"] for i in hubsnapshot.rows(COUNT)), "late-org/new-model"])
    by_id = {r["id"]: r for r in rows}
    for item in hubsnapshot.rows(COUNT):
        assert by_id[item["id"]]["card"] == item["card"]
        assert by_id[item["id"]]["config_summary"]["model_type"] == item["config_summary"]["model_type"]
    assert len(list((tmp_path / "snap" / "shards").glob("*.parquet"))) == 3
    # hub-batch reads the shards as they are: hub-stats' own column names, no --columns needed.
    tagged = tmp_path / "tagged"
    result = CliRunner().invoke(app, ["hub-batch", str(tmp_path / "snap" / "shards"), "--out", str(tagged)])
    assert result.exit_code == 0, result.output
    out = [row for p in tagged_files(tagged) for row in pq.read_table(p).to_pylist()]
    assert len(out) == COUNT + 1 and all(r["ok"] for r in out)
    assert not any(r["total_params"] for r in out if r["id"] != "late-org/new-model" and r["params_source"]
                   == "computed")  # no config.json in bulk data: no computed count


def test_fill_fetches_listed_files_under_rate_limits_and_resumes(
        sources: tuple[Path, Path], tmp_path: Path, hub_server: HubServer) -> None:
    models, cards = sources
    repos = serve(hub_server, models)
    for repo in repos.values():
        repo.rate_limited, repo.retry_after = 1, 1  # the Hub says the window is spent, once per repo
    out = tmp_path / "snap"
    first = build(str(models), [str(cards)], out, shard_rows=25, fill=True, plan="enterprise-plus", fill_limit=20)
    assert first.filled == 20 and first.fill_failed == 0
    assert first.waited >= 1.0  # waited out Retry-After rather than hammering
    assert first.requests == len(hub_server.requests(contains="/resolve/")) > 20 * 2  # files, and the 429s
    second = build(str(models), [str(cards)], out, shard_rows=25, fill=True, plan="enterprise-plus")
    wanted = first.fill_wanted
    assert second.filled == wanted - 20  # only what the first run left
    rows = {r["id"]: r for r in shards_of(out)}
    for item in hubsnapshot.rows(COUNT):
        if item["config"]:
            assert json.loads(rows[item["id"]]["config"]) == json.loads(item["config"])
            # tokenizer_config.json is fetched only where the Hub's summary carries no template.
            summary_template = item["config_summary"]["tokenizer_config"]
            expected = None if summary_template else hubsnapshot.THINKING_TEMPLATE
            assert rows[item["id"]]["chat_template"] == expected
    # A third snapshot: nothing changed, nothing fetched, no shard rewritten.
    before = len(hub_server.log)
    third = build(str(models), [str(cards)], out, shard_rows=25, fill=True, plan="enterprise-plus")
    assert third.filled == 0 and third.written == 0 and len(hub_server.log) == before
    # One repo gets a new commit: only it is fetched again.
    table = pq.read_table(models).to_pylist()
    changed = next(r for r in table if r["id"] in repos and repos[r["id"]].files.get("config.json"))
    repos[changed["id"]].files["config.json"] = b'{"model_type": "llama", "num_hidden_layers": 2}'
    changed["sha"] = repos[changed["id"]].commit("main")[0]  # type: ignore[index]
    pq.write_table(pa.Table.from_pylist(table), models)
    fourth = build(str(models), [str(cards)], out, shard_rows=25, fill=True, plan="enterprise-plus")
    assert fourth.filled == 1
    assert json.loads({r["id"]: r for r in shards_of(out)}[changed["id"]]["config"])["num_hidden_layers"] == 2


def test_filled_shards_give_backbone_facts(sources: tuple[Path, Path], tmp_path: Path, hub_server: HubServer) -> None:
    models, cards = sources
    serve(hub_server, models)
    build(str(models), [str(cards)], tmp_path / "snap", shard_rows=100, fill=True, plan="enterprise-plus")
    result = CliRunner().invoke(app, ["hub-batch", str(tmp_path / "snap" / "shards"), "--out", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    out = {r["id"]: r for p in tagged_files(tmp_path / "t") for r in pq.read_table(p).to_pylist()}
    with_config = [i["id"] for i in hubsnapshot.rows(COUNT) if i["config"]]
    assert all(out[i]["structure"] in ("dense", "moe") and out[i]["params_source"] == "computed" for i in with_config)
    # The filled template opens a think block; where the summary carries one, that template is read.
    fetched = [i["id"] for i in hubsnapshot.rows(COUNT) if i["config"] and not i["config_summary"]["tokenizer_config"]]
    assert fetched and all(out[i]["reasoning"] for i in fetched)
