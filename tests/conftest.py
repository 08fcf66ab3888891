"""Shared fixtures. The Hub ones never leave 127.0.0.1: HF_ENDPOINT points at tests/hubserver.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hubserver import HubServer


@pytest.fixture
def hf_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HF home and hub cache (returned), no token, not offline: the machine's own setup stays out."""
    home = tmp_path / "hf"
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_CACHE", str(home / "hub"))
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "HF_OIDC_RESOURCE", "HF_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    # huggingface_hub read these at import, maybe before this test set the environment.
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(home / "token"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    _library_endpoint(monkeypatch, "http://127.0.0.1:9")  # a closed port: never the real Hub
    return home / "hub"


@pytest.fixture
def hub_server(hf_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    """A running stand-in Hub, no repos yet (fill `.repos`); HF_ENDPOINT points at it."""
    with HubServer() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        _library_endpoint(monkeypatch, server.url)
        yield server


def _library_endpoint(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Where huggingface_hub's own side requests go (its agent-harness registry): constants.ENDPOINT, read at
    import. hf_hub_url swaps in an explicit endpoint only where its URL template starts with ENDPOINT, so both
    move together, as if HF_ENDPOINT had been set before the import."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "ENDPOINT", url)
    monkeypatch.setattr(
        constants, "HUGGINGFACE_CO_URL_TEMPLATE", url + "/{repo_id}/resolve/{revision}/{filename}"
    )


@pytest.fixture(autouse=True, scope="session")
def rule_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Rule caches go to a temporary folder, never the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("axes-cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("AXES_CACHE", str(folder))
    yield folder
    patch.undo()


@pytest.fixture(autouse=True)
def _no_terminal_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """COLUMNS sets the table width (cli.console.terminal_width): a test's tables keep their default width
    whatever the terminal pytest runs in."""
    monkeypatch.delenv("COLUMNS", raising=False)
