"""Targets as the Hugging Face tools write them (repo ids, `hf cache ls` ids, Hub links), the Hub's repo-id
rules, --revision and --cache-dir, and the HF cache read at a tag, a commit or its newest snapshot."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hubserver import HubServer, Repo, commit_sha
from typer.testing import CliRunner

from axes import sources
from axes.cli import app
from axes.errors import AxesError
from axes.sources import RepoRef, hfcache, hub, parse_repo_target
from axes.types import InspectOptions

runner = CliRunner()
CONFIG = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64,
          "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100}


@pytest.mark.parametrize(("target", "repo_id", "revision"), [
    ("org/name", "org/name", None),
    ("org/name@v1.0", "org/name", "v1.0"),
    ("gpt2", "gpt2", None),
    ("model/org/name", "org/name", None),  # `hf cache ls -q`
    ("models/org/name@dev", "org/name", "dev"),
    ("hf://org/name", "org/name", None),
    ("hf://models/org/name", "org/name", None),
    ("https://huggingface.co/org/name", "org/name", None),
    ("https://huggingface.co/org/name/", "org/name", None),
    ("https://huggingface.co/org/name/tree/v2", "org/name", "v2"),
    ("https://huggingface.co/org/name/tree/refs%2Fpr%2F3", "org/name", "refs/pr/3"),
    ("https://huggingface.co/org/name/blob/main/config.json", "org/name", "main"),
    ("http://hf.co/org/name?library=transformers#model-card", "org/name", None),
    ("https://huggingface.co/gpt2/tree/main", "gpt2", "main"),
    ("https://huggingface.co/models/org/name", "org/name", None),
    ("huggingface.co/org/name/tree/v3", "org/name", "v3"),  # copied without its scheme
    ("org/name_1.5-x", "org/name_1.5-x", None),
])
def test_repo_targets(target: str, repo_id: str, revision: str | None) -> None:
    assert parse_repo_target(target) == RepoRef(repo_id, revision)


@pytest.mark.parametrize("target", ["./org/name", "/abs/org/name", "~/m", "org/name/", "card.md", "x/config.json",
                                    "a/b/c"])
def test_paths_are_not_repo_targets(target: str) -> None:
    assert parse_repo_target(target) is None


@pytest.mark.parametrize(("target", "needle"), [
    ("org/a--b", "refuses '--'"),
    ("org/a..b", "refuses '..'"),
    ("org/name.", "not a repo id"),
    ("org/.name", "not a repo id"),
    ("org/name-", "not a repo id"),
    ("org/name.git", "'.git'"),
    ("org/" + "n" * 97, "not a repo id"),
    ("org/na me", "not a repo id"),
    ("org/name@", "no revision after '@'"),
    ("org/name@../../etc", "not a revision"),
    ("dataset/org/name", "a dataset repo, not a model"),
    ("datasets/org/name", "a dataset repo, not a model"),
    ("hf://datasets/org/name", "a dataset repo, not a model"),
    ("https://huggingface.co/datasets/org/name", "a dataset repo, not a model"),
    ("https://huggingface.co/spaces/org/app", "a space repo, not a model"),
    ("https://example.com/org/name", "not a Hugging Face Hub link"),
    ("https://huggingface.co/org/name/discussions", "not a link to a model repo"),
    ("https://huggingface.co/", "not a link to a model repo"),
])
def test_what_the_hub_refuses_is_refused(target: str, needle: str) -> None:
    with pytest.raises(AxesError, match=needle) as caught:
        sources.resolve(target, InspectOptions(offline=True))
    assert caught.value.where == target


def test_the_repo_id_rules_match_huggingface_hubs() -> None:
    """Our check (no import) and huggingface_hub's validate_repo_id agree, on ids both sides of each rule."""
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    ids = ["a", "org/name", "o-r_g.1/N.a_m-e", "org/a--b", "org/a..b", "org/name.", "org/.name", "-org/n",
           "org/n-", "org/name.git", "org/" + "x" * 96, "org/" + "x" * 97, "a/b/c", "org/na me", "org/_x_"]
    for repo_id in ids:
        try:
            validate_repo_id(repo_id)
            theirs = True
        except HFValidationError:
            theirs = False
        assert (sources.repo_id_problem(repo_id) is None) == theirs, repo_id


def test_a_hub_link_and_an_hf_cache_id_reach_the_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    stdin = "model/deepseek-ai/DeepSeek-R1\nhttps://huggingface.co/meta-llama/Llama-3.1-8B-Instruct\n"
    result = runner.invoke(app, ["batch", "-", "--format", "jsonl"], input=stdin)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["target"] for line in lines] == stdin.split()  # as the user wrote them (--resume matches them)
    assert [line["source"] for line in lines] == ["catalog", "catalog"]
    assert lines[0]["lenses"]["summary"] == "MoE + reasoning"


def test_revision_option_and_a_target_revision_must_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = runner.invoke(app, ["inspect", "deepseek-ai/DeepSeek-R1@v1", "--revision", "v2"])
    assert result.exit_code == 2 and "names revision 'v1', but --revision says 'v2'" in result.stderr


# -- the HF cache ------------------------------------------------------------------------------------------


def cached_repo(cache: Path, repo_id: str, commits: dict[str, dict[str, str]], refs: dict[str, str]) -> None:
    """A repo in the HF cache's layout: snapshots/<commit>/<file> symlinked into blobs/, refs/<name>."""
    repo = cache / ("models--" + repo_id.replace("/", "--"))
    for commit, files in commits.items():
        for name, text in files.items():
            blob = repo / "blobs" / f"{commit[:8]}-{name}"
            blob.parent.mkdir(parents=True, exist_ok=True)
            blob.write_text(text)
            link = repo / "snapshots" / commit / name
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(os.path.relpath(blob, link.parent))
    for name, commit in refs.items():
        ref = repo / "refs" / name
        ref.parent.mkdir(parents=True, exist_ok=True)
        ref.write_text(commit)


TAGGED, DETACHED, OLD = "a" * 40, "b" * 40, "c" * 40


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An HF cache holding a repo with main, one fetched only at a tag, one only at a commit."""
    monkeypatch.delenv("AXES_CARDS", raising=False)
    root = tmp_path / "my-cache"
    card = "# {}\nTrained with DPO.\n"
    cached_repo(root, "acme/main-model", {OLD: {"config.json": json.dumps(CONFIG), "README.md": card.format("m")}},
                {"main": OLD})
    cached_repo(root, "acme/tagged", {TAGGED: {"config.json": json.dumps(CONFIG), "README.md": card.format("t")}},
                {"v1.0": TAGGED})
    cached_repo(root, "acme/detached", {DETACHED: {"README.md": card.format("d")}}, {})
    return root


def test_scan_lists_one_resolvable_target_per_repo(cache: Path) -> None:
    assert hfcache.scan_cache(cache) == ["acme/detached@" + DETACHED, "acme/main-model", "acme/tagged@v1.0"]
    assert hfcache.scan_cache(cache / "nowhere") == []


def test_batch_over_the_hf_cache_reads_every_repo(cache: Path) -> None:
    result = runner.invoke(app, ["batch", "--hf-cache", "--cache-dir", str(cache), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["source"] for line in lines] == ["cache"] * 3
    assert all("dpo" in {t["name"] for t in line["axes"]["post_training"]["tags"]} for line in lines)


@pytest.mark.parametrize(("target", "revision", "commit", "note"), [
    ("acme/tagged", "v1.0", TAGGED, ""),
    ("acme/tagged", TAGGED[:7], TAGGED, ""),  # a commit's prefix
    ("acme/tagged", None, TAGGED, "the cache holds no main"),
    ("acme/detached", None, DETACHED, "the cache holds no main"),
    ("acme/detached", DETACHED, DETACHED, ""),
    ("acme/main-model", None, OLD, ""),
])
def test_the_cache_answers_at_a_ref_a_commit_or_its_newest_snapshot(cache: Path, target: str,
                                                                    revision: str | None, commit: str,
                                                                    note: str) -> None:
    snap = sources.resolve(target, InspectOptions(offline=True, cache_dir=cache, revision=revision))
    assert snap.source == "cache"
    assert f"commit {commit[:7]}" in snap.notices[0] and note in snap.notices[0]


def test_a_revision_the_cache_lacks_is_not_found(cache: Path) -> None:
    with pytest.raises(AxesError, match="not in the local HF cache"):
        sources.resolve("acme/tagged@v2.0", InspectOptions(offline=True, cache_dir=cache))


def test_cache_dir_on_the_command_line(cache: Path) -> None:
    result = runner.invoke(app, ["inspect", "model/acme/tagged", "--revision", "v1.0", "--cache-dir", str(cache),
                                 "--offline", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["source"] == "cache"
    assert "commit aaaaaaa" in result.stderr


def test_a_hub_fetch_fills_the_cache_dir_it_is_given(hub_server: HubServer, tmp_path: Path) -> None:
    files = {"config.json": json.dumps(CONFIG).encode(), "README.md": b"# m\n"}
    hub_server.repos["acme/fetched"] = Repo(files=files)
    mine = tmp_path / "elsewhere"
    snap = sources.resolve("https://huggingface.co/acme/fetched/tree/main", InspectOptions(cache_dir=mine))
    assert snap.source == "hub" and snap.repo_name == "fetched"
    assert (mine / "models--acme--fetched" / "refs" / "main").read_text() == commit_sha(files)
    assert not (hf_home := Path(os.environ["HF_HUB_CACHE"])).exists() or not any(hf_home.iterdir())
    offline = sources.resolve("acme/fetched", InspectOptions(offline=True, cache_dir=mine))
    assert offline.source == "cache" and offline.files["config.json"] == json.dumps(CONFIG)


# -- the Hub's timeouts from the environment ---------------------------------------------------------------


@pytest.mark.parametrize(("slow", "variable"), [("/api/", "HF_HUB_ETAG_TIMEOUT"),
                                                ("/resolve/", "HF_HUB_DOWNLOAD_TIMEOUT")])
def test_hf_timeouts_from_the_environment_are_honoured(hub_server: HubServer, monkeypatch: pytest.MonkeyPatch,
                                                       slow: str, variable: str) -> None:
    """A Hub answering in 0.6 s: within axes' 5 s, too slow once the variable says 0.2 s."""
    files = {"config.json": json.dumps(CONFIG).encode(), "README.md": b"# m\n"}
    # Only the GET of a file is a download; its HEAD is a metadata request, which the other variable bounds.
    hub_server.repos["acme/slow"] = Repo(files=files, delay=0.6, trouble_on=slow)
    assert hub.fetch("acme/slow", "acme/slow", None).source == "hub"
    monkeypatch.setenv(variable, "0.2")
    monkeypatch.setenv("HF_HUB_ETAG_TIMEOUT" if slow == "/resolve/" else "HF_HUB_DOWNLOAD_TIMEOUT", "30")
    hub_server.repos["acme/slow2"] = Repo(files={**files, "README.md": b"# other\n"}, delay=0.6, trouble_on=slow)
    with pytest.raises(AxesError, match="no answer in time"):
        hub.fetch("acme/slow2", "acme/slow2", None)


def test_timeouts_read_the_environment_of_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_ETAG_TIMEOUT", raising=False)
    monkeypatch.setenv("HF_HUB_DOWNLOAD_TIMEOUT", "42")
    assert hub.timeouts() == (hub.TIMEOUT, 42.0)
    monkeypatch.setenv("HF_HUB_ETAG_TIMEOUT", "soon")  # not a number: the default, as huggingface_hub does
    assert hub.timeouts()[0] == hub.TIMEOUT
