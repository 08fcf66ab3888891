"""The Hub source with the real huggingface_hub client, against tests/hubserver.py on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hubserver import GOOD_TOKEN, HubServer, Repo, commit_sha

from axes import errors, reading, sources
from axes.errors import AxesError, TargetNotFound
from axes.sources import hfcache, hub
from axes.sources import probe as netprobe

REPO_ID = "axes-test/tiny"
CONFIG = {
    "architectures": ["LlamaForCausalLM"],
    "model_type": "llama",
    "hidden_size": 64,
    "num_hidden_layers": 2,
}
README = b"---\nbase_model: meta-llama/Llama-3.1-8B\n---\n# Tiny\nA fine-tune.\n"
TOKENIZER_CONFIG = {"chat_template": "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}"}


def tiny(**changes: object) -> Repo:
    files = {
        "config.json": json.dumps(CONFIG, indent=2).encode(),
        "README.md": README,
        "tokenizer_config.json": json.dumps(TOKENIZER_CONFIG).encode(),
        "generation_config.json": b'{"temperature": 0.6}',
    }
    repo = Repo(
        files=files,
        listed_only=("model.safetensors",),
        card_data={"base_model": ["meta-llama/Llama-3.1-8B"], "license": "mit"},
        safetensors_total=1_234_567,
        tags=("llama", "text-generation"),
    )
    for key, value in changes.items():
        setattr(repo, key, value)
    return repo


def fetch(revision: str | None = None, token: str | None = None):
    target = f"{REPO_ID}@{revision}" if revision else REPO_ID
    return hub.fetch(target, REPO_ID, revision, token=token)


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Network bounds a test can wait out."""
    monkeypatch.setattr(hub, "TIMEOUT", 1.0)
    monkeypatch.setattr(hub, "RETRY_PAUSE", 0.1)


def test_fetch_reads_files_and_hub_metadata(hub_server: HubServer) -> None:
    hub_server.repos[REPO_ID] = tiny()
    snap = fetch()
    assert snap.source == "hub" and snap.target == REPO_ID and snap.repo_name == "tiny"
    assert set(snap.files) == {"config.json", "README.md", "chat_template", "generation_config.json"}
    assert json.loads(snap.files["config.json"]) == CONFIG
    assert snap.files["chat_template"] == TOKENIZER_CONFIG["chat_template"]
    assert snap.hub is not None
    assert snap.hub.safetensors_total == 1_234_567
    assert snap.hub.base_models == ("meta-llama/Llama-3.1-8B",)
    assert snap.hub.sha == commit_sha(hub_server.repos[REPO_ID].files)
    assert "model.safetensors" in snap.hub.files and snap.hub.tags == ("llama", "text-generation")
    assert snap.notices == ()
    # Every file is asked for at the commit model_info resolved; of the weights, only their header's range.
    resolves = hub_server.requests(contains="/resolve/")
    assert resolves and all(f"/resolve/{snap.hub.sha}/" in r.path for r in resolves)
    assert all(r.range == "bytes=0-100000" for r in hub_server.requests(contains="model.safetensors"))


def test_a_second_online_fetch_asks_only_for_model_info(hub_server: HubServer) -> None:
    hub_server.repos[REPO_ID] = tiny()
    first = fetch()
    before = len(hub_server.log)
    second = fetch()
    assert second.files == first.files
    assert [r.path for r in hub_server.log[before:]] == [f"/api/models/{REPO_ID}"]


def test_a_revision_is_fetched_and_cached_under_its_name(hub_server: HubServer) -> None:
    v1 = {"config.json": b'{"model_type": "mistral"}', "README.md": b"# v1\n"}
    hub_server.repos[REPO_ID] = tiny(revisions={"v1": v1})
    snap = fetch("v1")
    assert snap.target == f"{REPO_ID}@v1" and snap.hub is not None
    assert snap.hub.sha == commit_sha(v1)
    assert snap.files["README.md"] == "# v1\n"
    assert hub_server.requests(contains=f"/api/models/{REPO_ID}/revision/v1")
    cached = hfcache.from_cache(f"{REPO_ID}@v1", REPO_ID, "v1")
    assert cached is not None and cached.files == snap.files
    # main was never fetched: without a revision, the newest snapshot answers, and the note says so.
    fallback = hfcache.from_cache(REPO_ID, REPO_ID, None)
    assert fallback is not None and fallback.files == snap.files
    assert any("the cache holds no main" in n for n in fallback.notices)


def test_a_missing_repo_is_not_on_hub(hub_server: HubServer) -> None:
    with pytest.raises(errors.NotOnHub) as caught:
        fetch()
    assert isinstance(caught.value, TargetNotFound)
    assert REPO_ID in caught.value.message and "\n" not in caught.value.message


def test_a_missing_revision_is_not_on_hub(hub_server: HubServer) -> None:
    hub_server.repos[REPO_ID] = tiny()
    with pytest.raises(errors.NotOnHub, match="no revision 'nope'"):
        fetch("nope")


def test_a_listed_file_that_answers_404_is_noted_not_fatal(hub_server: HubServer) -> None:
    repo = tiny(listed_only=("README.md", "model.safetensors"))
    del repo.files["README.md"], repo.files["tokenizer_config.json"]
    hub_server.repos[REPO_ID] = repo
    snap = fetch()
    assert set(snap.files) == {"config.json", "generation_config.json"}
    assert snap.notices == ("README.md: not in the repo (listed, but the Hub answered 404)",)


def test_a_repo_without_card_says_so(hub_server: HubServer) -> None:
    repo = tiny()
    del repo.files["README.md"]
    hub_server.repos[REPO_ID] = repo
    snap = fetch()
    assert "README.md" not in snap.files
    assert snap.notices == ("README.md: not in the repo",)
    assert not hub_server.requests(contains="README.md")  # not listed, so not asked for


def test_a_gated_repo_without_token_names_the_repo_and_hf_token(hub_server: HubServer) -> None:
    hub_server.repos[REPO_ID] = tiny(gated="manual")
    with pytest.raises(errors.GatedRepo) as caught:
        fetch()
    message = caught.value.message
    assert REPO_ID in message and "HF_TOKEN" in message and "\n" not in message
    assert not isinstance(caught.value, errors.HubUnreachable)  # no silent fallback for a gated repo


@pytest.mark.parametrize("how", ["argument", "HF_TOKEN"])
def test_a_gated_repo_with_token_is_read(
    hub_server: HubServer, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    hub_server.repos[REPO_ID] = tiny(gated="manual")
    if how == "HF_TOKEN":
        monkeypatch.setenv("HF_TOKEN", GOOD_TOKEN)
    snap = fetch(token=GOOD_TOKEN if how == "argument" else None)
    assert snap.hub is not None and snap.hub.gated == "manual"
    assert "config.json" in snap.files
    assert all(r.authorization == f"Bearer {GOOD_TOKEN}" for r in hub_server.requests(contains="/resolve/"))


def test_a_wrong_token_is_refused(hub_server: HubServer) -> None:
    hub_server.repos[REPO_ID] = tiny(gated="auto")
    with pytest.raises(errors.GatedRepo, match="HF_TOKEN"):
        fetch(token="bad-token")


def test_one_5xx_is_retried(hub_server: HubServer) -> None:
    hub_server.repos[REPO_ID] = tiny(fail_first=1)
    assert fetch().source == "hub"
    assert len(hub_server.requests("GET", f"/api/models/{REPO_ID}")) == 2


@pytest.mark.parametrize("trouble_on", ["/api/", "/resolve/"])
def test_a_hub_that_keeps_failing_is_unreachable_after_one_retry(
    hub_server: HubServer, trouble_on: str
) -> None:
    hub_server.repos[REPO_ID] = tiny(fail_first=100, trouble_on=trouble_on)
    start = time.monotonic()
    with pytest.raises(errors.HubUnreachable, match="503"):
        fetch()
    # huggingface_hub alone would back off for 1+2+4+8+8 s on a file; one quick retry here.
    assert time.monotonic() - start < 2
    assert len(hub_server.requests(contains="/api/models/")) <= 2


@pytest.mark.parametrize("trouble_on", ["/api/", "/resolve/"])
def test_a_slow_hub_is_unreachable_within_bounds(hub_server: HubServer, trouble_on: str) -> None:
    hub_server.repos[REPO_ID] = tiny(delay=5.0, trouble_on=trouble_on)
    start = time.monotonic()
    with pytest.raises(errors.HubUnreachable, match="no answer in time"):
        fetch()
    elapsed = time.monotonic() - start
    assert elapsed < 12
    assert elapsed < 4 * hub.TIMEOUT  # the timeout, not huggingface_hub's 60 s retry


def test_the_budget_bounds_a_hub_that_is_slow_but_in_time(
    hub_server: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each answer comes within TIMEOUT, but the eight requests of one fetch would take 3.2 s.
    monkeypatch.setattr(hub, "BUDGET", 1.0)
    monkeypatch.setattr(hub, "PARALLEL", 1)
    hub_server.repos[REPO_ID] = tiny(delay=0.4)
    start = time.monotonic()
    with pytest.raises(errors.HubUnreachable):
        fetch()
    assert time.monotonic() - start < 1.6


def test_a_malformed_config_is_fetched_then_named_with_its_line(hub_server: HubServer) -> None:
    repo = tiny()
    repo.files["config.json"] = b'{\n  "model_type": "llama",\n  "hidden_size": ,\n}\n'
    hub_server.repos[REPO_ID] = repo
    snap = fetch()
    with pytest.raises(AxesError) as caught:
        reading.read(snap)
    assert caught.value.where == "config.json" and caught.value.line == 3


def test_a_gguf_only_repo_whose_header_cannot_be_read_gives_its_card_and_a_notice(hub_server: HubServer) -> None:
    hub_server.repos[REPO_ID] = Repo(
        files={"README.md": b"# Tiny GGUF\nQ4_K_M quant of a Llama fine-tune.\n"},
        listed_only=("tiny.Q4_K_M.gguf", "tiny.Q8_0.gguf"),
        card_data={"base_model": "axes-test/tiny-base"},
    )
    snap = fetch()
    assert set(snap.files) == {"README.md"}
    assert snap.hub is not None and snap.hub.base_models == ("axes-test/tiny-base",)
    assert snap.notices == (hub.GGUF_NOTICE,)
    assert snap.weights is not None and "tiny.Q4_K_M.gguf: GGUF header not read (HTTP 404)" in snap.weights.notes
    asked = hub_server.requests(contains=".gguf")
    assert [r.path.rsplit("/", 1)[1] for r in asked] == ["tiny.Q4_K_M.gguf"]  # one file stands for the repo


def test_a_gguf_only_repo_is_read_from_its_header_by_range_requests(
    hub_server: HubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_weights import TEMPLATE, gguf_metadata, gguf_tensors
    from weightfiles import write_gguf

    gguf = write_gguf(tmp_path / "m.gguf", gguf_metadata(), gguf_tensors()).read_bytes()
    weights = gguf + bytes(3_000_000)  # stands for the tensor data, which must never be fetched
    hub_server.repos[REPO_ID] = Repo(files={"README.md": b"# Tiny GGUF\n", "tiny.Q4_K_M.gguf": weights})
    monkeypatch.setattr(hub, "GGUF_CHUNK", 512)  # several range requests for one header
    snap = fetch()
    assert snap.files["chat_template"] == TEMPLATE
    facts = reading.read(snap).backbone.facts
    assert (facts.params_source, facts.layers, facts.experts, facts.quantization) == ("gguf", 2, 4, "Q4_K_M")
    asked = hub_server.requests(method="GET", contains=".gguf")
    assert len(asked) > 1 and all(r.range for r in asked)
    last = max(int(r.range.split("-")[1]) for r in asked if r.range)
    assert last < len(gguf) + 512  # the header and at most one chunk past it
    assert any("read from the header of tiny.Q4_K_M.gguf" in n for n in snap.notices)


def test_safetensors_headers_are_read_by_range_requests(hub_server: HubServer, tmp_path: Path) -> None:
    from test_weights import LLAMA, llama_tensors, size
    from weightfiles import write_safetensors

    tensors = llama_tensors()
    shard = write_safetensors(tmp_path / "model.safetensors", tensors).read_bytes() + bytes(500_000)
    repo = tiny()
    repo.files["config.json"] = json.dumps(LLAMA).encode()
    repo.files["model.safetensors"] = shard
    hub_server.repos[REPO_ID] = repo
    snap = fetch()
    facts = reading.read(snap).backbone.facts
    assert facts.params_source == "safetensors" and facts.total_params == size(tensors)
    asked = hub_server.requests(method="GET", contains="model.safetensors")
    assert asked and all(r.range == "bytes=0-100000" for r in asked)  # the header only, never the tensors
    before = len(hub_server.log)
    fetch()  # the headers of a commit are kept: not asked for twice
    assert not hub_server.requests(contains="model.safetensors")[len(asked):] and len(hub_server.log) == before + 1
    cached = hfcache.from_cache(REPO_ID, REPO_ID, None)  # and an offline run has them too
    assert cached is not None and reading.read(cached).backbone.facts.total_params == size(tensors)


def test_a_safetensors_shard_that_cannot_be_read_leaves_the_arithmetic(hub_server: HubServer) -> None:
    repo = tiny(listed_only=("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"))
    hub_server.repos[REPO_ID] = repo
    snap = fetch()
    assert snap.weights is not None and not snap.weights.safetensors
    assert any("header not read (HTTP 404)" in n for n in snap.weights.notes)
    facts = reading.read(snap).backbone.facts
    assert facts.total_params == facts.hub_params == 1_234_567  # the Hub's own count, as before


def test_a_second_run_is_answered_from_the_cache_when_the_hub_is_gone(hub_server: HubServer) -> None:
    hub_server.repos[REPO_ID] = tiny()
    online = fetch()
    hub_server.stop()
    with pytest.raises(errors.HubUnreachable):
        fetch()
    cached = hfcache.from_cache(REPO_ID, REPO_ID, None, ("earlier notice",))
    assert cached is not None and cached.source == "cache"
    assert cached.files == online.files
    assert online.hub is not None and online.hub.sha is not None
    assert cached.notices == (
        "earlier notice",
        f"answered from the local HF cache (commit {online.hub.sha[:7]})",
    )


def test_a_cached_copy_says_what_it_lacks(hub_server: HubServer) -> None:
    hub_server.repos[REPO_ID] = Repo(files={"README.md": b"# Tiny GGUF\n"}, listed_only=("tiny.Q4_K_M.gguf",))
    fetch()
    cached = hfcache.from_cache(REPO_ID, REPO_ID, None)
    assert cached is not None and set(cached.files) == {"README.md"}
    assert cached.notices[-1] == "not in the cached copy: config.json"


def test_the_cache_is_found_by_commit_hash_too(hub_server: HubServer) -> None:
    hub_server.repos[REPO_ID] = tiny()
    sha = commit_sha(hub_server.repos[REPO_ID].files)
    fetch()
    cached = hfcache.from_cache(REPO_ID, REPO_ID, sha)
    assert cached is not None and "config.json" in cached.files
    assert hfcache.from_cache(REPO_ID, REPO_ID, "0" * 40) is None
    assert hfcache.from_cache(REPO_ID, REPO_ID, "../../etc") is None
    assert hfcache.from_cache("axes-test/other", "axes-test/other", None) is None


def test_scan_cache_lists_cached_model_repos(hub_server: HubServer, hf_home: Path) -> None:
    assert hfcache.scan_cache() == []
    hub_server.repos[REPO_ID] = tiny()
    fetch()
    (hf_home / "datasets--someone--data" / "snapshots" / "abc").mkdir(parents=True)
    (hf_home / "models--someone--empty").mkdir()
    assert hfcache.scan_cache() == [REPO_ID]


def test_a_closed_port_is_unreachable_fast(hf_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    start = time.monotonic()
    with pytest.raises(errors.HubUnreachable, match=REPO_ID):
        fetch()
    assert time.monotonic() - start < 3


def test_the_probe_is_bounded_even_when_connecting_hangs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Name resolution ignores socket timeouts; the probe must not wait on it.
    class Hung:  # what the fake connect returns once it wakes, long after the probe gave up on it
        def close(self) -> None:
            pass

    monkeypatch.setattr(netprobe.socket, "create_connection", lambda *args, **kwargs: time.sleep(5) or Hung())
    start = time.monotonic()
    reason = netprobe.probe("https://hub.invalid", 0.3)
    assert reason == "no connection to hub.invalid:443 within 0.3 s"
    assert time.monotonic() - start < 1


@pytest.mark.parametrize("environ", [
    {},
    {"HTTPS_PROXY": "http://proxy.example:3128"},
    {"https_proxy": "proxy.example:8080", "NO_PROXY": "other.example"},
    {"ALL_PROXY": "http://all.example:1080"},
    {"https_proxy": "http://proxy.example:3128", "no_proxy": ".hub.example"},
    {"http_proxy": "http://only-http.example:3128"},
    {"HTTPS_PROXY": ""},
])
def test_the_probe_connects_where_urllib_would(monkeypatch: pytest.MonkeyPatch, environ: dict[str, str]) -> None:
    # Without a *_proxy variable the probe skips importing urllib.request; with one it asks urllib. Either way
    # the answer is urllib's: the endpoint itself, or the proxy that carries it.
    import urllib.request
    from urllib.parse import urlsplit

    for name in [n for n in os.environ if n.lower().endswith("_proxy")]:
        monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    endpoint = "https://hf.hub.example"
    proxies = urllib.request.getproxies()
    proxy = proxies.get("https") or proxies.get("all")
    if proxy and not urllib.request.proxy_bypass("hf.hub.example"):
        parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        expected = (parts.hostname, parts.port or 80)
    else:
        expected = ("hf.hub.example", 443)
    assert netprobe._connect_target(endpoint) == expected


def test_resolve_falls_back_to_the_cache_when_the_hub_is_down(
    hub_server: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AXES_CARDS", raising=False)
    hub_server.repos[REPO_ID] = tiny()
    assert sources.resolve(REPO_ID).source == "hub"
    hub_server.stop()
    start = time.monotonic()
    snap = sources.resolve(REPO_ID)
    assert time.monotonic() - start < 3
    assert snap.source == "cache" and "config.json" in snap.files
    assert snap.notices[0].startswith(f"Hub unreachable for {REPO_ID}: cannot connect")
    assert any(n.startswith("answered from the local HF cache") for n in snap.notices[1:])
    assert snap.notices[1].startswith("answered from the local HF cache (commit ")


def test_resolve_without_hub_or_cache_is_not_found(hf_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AXES_CARDS", raising=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    with pytest.raises(TargetNotFound, match="Hub unreachable"):
        sources.resolve(REPO_ID)


def test_reading_the_cache_does_not_import_huggingface_hub(hub_server: HubServer) -> None:
    hub_server.repos[REPO_ID] = tiny()
    fetch()
    # Listing the whole cache (--hf-cache) uses huggingface_hub's scanner; reading one repo does not.
    code = (
        "import sys; from axes.sources import hfcache; "
        f"snap = hfcache.from_cache({REPO_ID!r}, {REPO_ID!r}, None); assert snap is not None; "
        "assert 'huggingface_hub' not in sys.modules and 'httpx2' not in sys.modules, 'imported'; "
        f"assert hfcache.scan_cache() == [{REPO_ID!r}]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ), timeout=30)


def test_no_network_costs_no_huggingface_hub_import(tmp_path: Path) -> None:
    """With the Hub unreachable, a catalog answer never imports huggingface_hub (start-up time)."""
    code = (
        "import sys, os; os.environ['HF_ENDPOINT'] = 'http://127.0.0.1:9'\n"
        "from axes import sources\n"
        "snap = sources.resolve('deepseek-ai/DeepSeek-R1')\n"
        "assert snap.source == 'catalog', snap.source\n"
        "assert 'huggingface_hub' not in sys.modules\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")} | {"HF_HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 0, run.stderr
