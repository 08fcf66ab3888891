"""The rules: YAML rule sets decide what the evidence claims (schema, load, cache, tagger, selftest).

`rulebook()` is the one way to get them: the bundled rule sets plus a user's rule directories.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from . import cache
from .load import RULES_DIR
from .schema import Rulebook

__all__ = ["RULES_DIR", "Rulebook", "rulebook"]


def rulebook(extra: tuple[Path, ...] = ()) -> Rulebook:
    """The bundled rules plus a user's rule directories, validated and compiled once per process, and
    across processes through rules.cache (keyed by the files' content: an edited rule file is reloaded)."""
    dirs = (RULES_DIR, *extra)
    return _load(dirs, tuple(_fingerprint(d) for d in dirs))


def _fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    if not folder.is_dir():
        return ()
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.y*ml")))


@lru_cache(maxsize=8)
def _load(dirs: tuple[Path, ...], _fingerprints: tuple[tuple[tuple[str, int, int], ...], ...]) -> Rulebook:
    return cache.load(dirs)
