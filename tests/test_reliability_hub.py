"""Reliability against a Hub that misbehaves (issue 17): a wall-clock deadline per target, size caps before and
during a download, revisions with slashes, junk metadata. Against tests/hubserver.py, never a real network."""

from __future__ import annotations

import json
import math
import time

import pytest
from hubserver import HubServer
from test_hub import REPO_ID, fetch, tiny

from axes import errors, pipeline
from axes.output.contract import contract
from axes.output.render import as_json
from axes.sources import files, hub
from axes.types import InspectOptions


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub, "TIMEOUT", 1.0)
    monkeypatch.setattr(hub, "RETRY_PAUSE", 0.1)


def test_a_hub_trickling_bytes_is_stopped_at_the_deadline(hub_server: HubServer, monkeypatch) -> None:
    """A byte every 0.3 s never trips a 1 s read timeout, which restarts with every byte: the budget must."""
    monkeypatch.setattr(hub, "BUDGET", 2.0)
    hub_server.repos[REPO_ID] = tiny(trickle=0.3)
    start = time.monotonic()
    with pytest.raises(errors.HubUnreachable, match="took too long"):
        fetch()
    assert time.monotonic() - start < 2.0 + 1.5  # the trickle alone would take over 15 s


def test_a_config_over_its_cap_is_refused_before_it_is_downloaded(hub_server: HubServer, hf_home) -> None:
    hub_server.repos[REPO_ID] = tiny(oversized={"config.json": 500 * 2**20})
    start = time.monotonic()
    with pytest.raises(errors.AxesError, match=r"config.json: 524.3 MB, over the 4 MB cap"):
        fetch()
    assert time.monotonic() - start < 5
    assert not any(p.stat().st_size > files.CONFIG_CAP for p in hf_home.rglob("*") if p.is_file())


def test_an_answer_that_hides_its_size_is_cut_at_the_cap(hub_server: HubServer, hf_home) -> None:
    hub_server.repos[REPO_ID] = tiny(oversized={"config.json": 64 * 2**20}, undeclared=True)
    with pytest.raises(errors.AxesError, match="over the 4 MB cap"):
        fetch()
    assert not any(p.stat().st_size > 2 * files.CONFIG_CAP for p in hf_home.rglob("*") if p.is_file())


def test_a_side_file_over_its_cap_is_a_note(hub_server: HubServer) -> None:
    hub_server.repos[REPO_ID] = tiny(oversized={"generation_config.json": 50 * 2**20})
    snap = fetch()
    assert "config.json" in snap.files and "generation_config.json" not in snap.files
    assert any(n.startswith("generation_config.json: 52.4 MB, over the 4 MB cap") for n in snap.notices)


def test_a_revision_with_slashes_is_a_hub_revision(hub_server: HubServer) -> None:
    pr = {"config.json": b'{"model_type": "mistral"}', "README.md": b"# pull request\n"}
    hub_server.repos[REPO_ID] = tiny(revisions={"refs/pr/1": pr})
    verdict = pipeline.inspect(f"{REPO_ID}@refs/pr/1", InspectOptions())
    assert verdict.source == "hub" and verdict.backbone.facts.model_type == "mistral"
    assert hub_server.requests(contains="/revision/refs%2Fpr%2F1")


def test_junk_hub_metadata_and_non_finite_config_values_are_null_and_valid_json(hub_server: HubServer) -> None:
    config = '{"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "rope_theta": NaN, ' \
             '"rope_scaling": {"type": "linear", "factor": Infinity}, "initializer_range": 1e999}'
    hub_server.repos[REPO_ID] = tiny(files={"config.json": config.encode(), "README.md": b"# m\n"})
    repo = hub_server.repos[REPO_ID]
    repo.safetensors_total = "lots"  # type: ignore[assignment] - what a broken mirror might answer
    repo.tags = ("llama", 7, None)  # type: ignore[assignment]
    verdict = pipeline.inspect(REPO_ID, InspectOptions())
    record = contract(verdict)
    text = as_json(record)  # allow_nan=False inside: a NaN left anywhere would raise here
    facts = json.loads(text)["facts"]
    assert facts["rope_theta"] is None and facts["hub_params"] is None and facts["total_params"] is None
    assert all(not isinstance(v, float) or math.isfinite(v) for v in facts.values())
    assert any("config.json: NaN, Infinity" in n for n in verdict.notices), verdict.notices
    assert any("safetensors total 'lots'" in n for n in verdict.notices), verdict.notices
