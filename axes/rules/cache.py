"""A cache of the validated, compiled rulebook, keyed by the rule files' exact content.

Parsing and validating the YAML rule sets costs more than tagging a model, and a command-line run pays it
every time; so the result is kept in the user's cache directory (AXES_CACHE, else $XDG_CACHE_HOME/axes,
else ~/.cache/axes). The key hashes axes's version, the code of the pickled classes, and every rule
file's path and bytes, so an upgrade or an edited, added or removed rule file is a miss. A cache that
cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from .. import __version__, types
from ..errors import AxesError
from ..storage import axes_cache_dir, write_atomic
from . import regex, schema
from .load import load_rulebook, rule_files
from .schema import Rulebook


def key(dirs: tuple[Path, ...]) -> str:
    """The rule files' paths and bytes, and the code of the classes in the pickle (an upgrade is a miss)."""
    digest = hashlib.sha256(__version__.encode())
    for source in (schema.__file__, regex.__file__, types.__file__):
        digest.update(Path(source or "").read_bytes())
    for path in rule_files(dirs):
        digest.update(str(path.resolve()).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def load(dirs: tuple[Path, ...]) -> Rulebook:
    try:
        path = axes_cache_dir() / f"rules-{key(dirs)}.pickle"
    except OSError:
        return load_rulebook(dirs)  # an unreadable rule file: let the loader say which, with its message
    try:
        with path.open("rb") as handle:
            book = pickle.load(handle)  # our own file, in the user's own cache directory
        if isinstance(book, Rulebook):
            return book
    except (OSError, EOFError, pickle.PickleError, AttributeError, ImportError, TypeError, ValueError):
        pass
    book = load_rulebook(dirs)
    for rule in book.rules:
        rule.compiled  # noqa: B018 - compile now so the cached copy carries the compiled regexes
    _store(path, book)
    return book


def _store(path: Path, book: Rulebook) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, AxesError):
        pass  # a read-only home: every run validates the rules itself
