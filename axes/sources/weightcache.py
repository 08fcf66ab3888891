"""Weight headers read over the network, kept in axes' own cache by repo and commit.

A commit never changes, so its headers are read once: a second online run asks only for model_info, and an
offline run from the HF cache still has them. Headers whose read failed for a passing cause (network, 5xx) are
not kept (the next run tries again); a 404 for a listed file is the Hub's lasting answer for that commit, and
is kept. The record is our own JSON: a damaged one is ignored, never trusted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import regexes
from ..errors import AxesError
from ..storage import axes_cache_dir, write_atomic
from ..types import GGUFHeader, WeightHeaders

COMMIT = regexes.compile(r"^[0-9a-f]{40}$")
RECORD_CAP = 64 * 1024 * 1024


def _path(repo_id: str, commit: str) -> Path | None:
    if not COMMIT.match(commit) or ".." in repo_id:
        return None
    return axes_cache_dir() / "weights" / ("models--" + repo_id.replace("/", "--")) / f"{commit}.json"


def save(repo_id: str, commit: str | None, headers: WeightHeaders | None) -> None:
    path = _path(repo_id, commit or "")
    if path is None or headers is None:
        return
    record = {"safetensors": [list(pair) for pair in headers.safetensors],
              "gguf": [_gguf_record(h) for h in headers.gguf], "notes": list(headers.notes)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(record))
    except (OSError, AxesError, TypeError, ValueError):
        pass  # a cache that cannot be written costs the next run a few range requests, nothing more


def load(repo_id: str, commit: str | None) -> WeightHeaders | None:
    path = _path(repo_id, commit or "")
    try:
        if path is None or not path.is_file() or path.stat().st_size > RECORD_CAP:
            return None
        record = json.loads(path.read_text())
        return WeightHeaders(
            safetensors=tuple((str(name), str(text)) for name, text in record["safetensors"]),
            gguf=tuple(_gguf_header(h) for h in record["gguf"]),
            notes=tuple(str(n) for n in record.get("notes", ())),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _gguf_record(header: GGUFHeader) -> dict[str, Any]:
    return {"file": header.file, "size": header.size, "version": header.version, "metadata": header.metadata,
            "array_lengths": header.array_lengths, "tensors": [[n, list(s), k] for n, s, k in header.tensors],
            "complete": header.complete, "note": header.note}


def _gguf_header(record: dict[str, Any]) -> GGUFHeader:
    return GGUFHeader(file=str(record["file"]), size=int(record["size"]), version=int(record["version"]),
                      metadata=dict(record["metadata"]), array_lengths=dict(record["array_lengths"]),
                      tensors=tuple((str(n), tuple(int(d) for d in s), int(k)) for n, s, k in record["tensors"]),
                      complete=bool(record["complete"]), note=record.get("note"))
