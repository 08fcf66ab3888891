"""A cache of the validated rulebook, keyed by the rule files' exact content, as plain JSON data.

Parsing and validating the YAML rule sets costs more than tagging a model, and a command-line run pays it
every time; so the result is kept in the user's cache directory (AXES_CACHE, else $XDG_CACHE_HOME/axes,
else ~/.cache/axes). The key hashes axes's version, the code of the schema classes, and every rule file's
path and bytes, so an upgrade or an edited, added or removed rule file is a miss.

JSON, not pickle: whoever can write the cache folder must not be able to run code through it. Loading it
builds only the schema's own dataclasses, named in a fixed list, each with exactly its fields. The first line
repeats axes's version, the key and a digest of the rest; anything that does not check out (another version,
another key, a changed or truncated body, an empty rulebook, an unknown class) is a miss, never a rulebook
with rules missing. A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import MISSING, fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from .. import __version__, types
from ..errors import AxesError
from ..storage import axes_cache_dir, write_atomic
from . import regex, schema
from .load import load_rulebook, rule_files
from .schema import Rulebook

FORMAT = 1
# The only classes a cache file may name: the dataclasses rules/schema.py defines, built field by field (no code
# runs). A class added to the schema is cacheable at once.
CLASSES: dict[str, type] = {cls.__name__: cls for cls in vars(schema).values()
                            if isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == schema.__name__}
FIELDS = {name: frozenset(f.name for f in fields(cls)) for name, cls in CLASSES.items()}
# Fields left at their default are not written (most matchers of most rules are None): half the text to parse.
DEFAULTS = {name: {f.name: f.default for f in fields(cls) if f.default is not MISSING}
            for name, cls in CLASSES.items()}
REQUIRED = {name: FIELDS[name] - DEFAULTS[name].keys() for name in CLASSES}
CACHED = {"LoadedRule": frozenset({"compiled"})}  # cached properties stored beside the fields
ALLOWED = {name: FIELDS[name] | CACHED.get(name, frozenset()) for name in CLASSES}
STRENGTH = frozenset(name for name in CLASSES if "strength" in FIELDS[name])  # Strength | None fields


class Miss(Exception):
    """The cache file is not a rulebook this run can use."""


def key(dirs: tuple[Path, ...]) -> str:
    """The rule files' paths and bytes, and the code of the classes in the cache (an upgrade is a miss)."""
    digest = hashlib.sha256(__version__.encode())
    for source in (schema.__file__, regex.__file__, types.__file__, __file__):
        digest.update(Path(source or "").read_bytes())
    for path in rule_files(dirs):
        digest.update(str(path.resolve()).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def load(dirs: tuple[Path, ...]) -> Rulebook:
    try:
        wanted = key(dirs)
    except OSError:
        return load_rulebook(dirs)  # an unreadable rule file: let the loader say which, with its message
    path = axes_cache_dir() / f"rules-{wanted}.json"
    try:
        return read(path, wanted)
    except (OSError, Miss):
        pass
    book = load_rulebook(dirs)
    for rule in book.rules:
        rule.compiled  # noqa: B018 - prepare now so the cached copy carries the compiled form
    _store(path, book, wanted)
    return book


def read(path: Path, wanted: str) -> Rulebook:
    """The rulebook a cache file holds, or Miss."""
    header_line, _, body = path.read_bytes().partition(b"\n")
    try:
        header = json.loads(header_line)
        if header != {"format": FORMAT, "version": __version__, "key": wanted, "rules": header.get("rules"),
                      "sha256": hashlib.sha256(body).hexdigest()}:
            raise Miss("another version, key or body")
        book = _decode(body)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as err:
        raise Miss(str(err)) from None
    if not isinstance(book, Rulebook) or not book.rules or len(book.rules) != header["rules"]:
        raise Miss("not the rulebook the header describes")
    return book


def _store(path: Path, book: Rulebook, wanted: str) -> None:
    body = json.dumps(_encode(book), ensure_ascii=False, separators=(",", ":")).encode()
    header = {"format": FORMAT, "version": __version__, "key": wanted, "rules": len(book.rules),
              "sha256": hashlib.sha256(body).hexdigest()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(header).encode() + b"\n" + body)
    except (OSError, AxesError):
        return  # a read-only home: every run validates the rules itself
    _prune(path.parent)


KEPT = 8  # rulebooks kept in the cache: other installs and rule folders have their own


def _prune(folder: Path) -> None:
    """Drop all but the KEPT most recently written rulebooks: every edit of a rule file writes a new one."""
    try:
        found = sorted(folder.glob("rules-*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for stale in found[KEPT:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # another process pruned it first, or the folder went: nothing is lost either way


def _encode(value: Any) -> Any:
    """Plain JSON data: a dataclass as {"@": class, field: ...}, a tuple as {"@t": [...]} (a list stays a list);
    a Strength or a Path as its text (its field says which it was)."""
    if is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        data = {f: _encode(getattr(value, f)) for f in FIELDS[name]
                if f not in DEFAULTS[name] or getattr(value, f) != DEFAULTS[name][f]}
        data.update({f: _encode(value.__dict__[f]) for f in CACHED.get(name, ()) if f in value.__dict__})
        return {"@": name, **data}
    if isinstance(value, tuple):
        return {"@t": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) and not k.startswith("@") for k in value):
            raise TypeError("a mapping whose keys JSON cannot keep as they are")  # such a rulebook is not cached
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (types.Strength, Path)):
        return value.value if isinstance(value, types.Strength) else str(value)
    if isinstance(value, Enum) or not isinstance(value, (str, int, float, bool, type(None))):
        raise TypeError(f"cannot cache a {type(value).__name__}")
    return value


def _decode(text: bytes) -> Any:
    """The rulebook from its JSON: each object is built as the JSON parser meets it (innermost first)."""
    return json.loads(text, object_hook=_build)


def _build(data: dict[str, Any]) -> Any:
    name = data.pop("@", None)
    if name is None:
        return tuple(data["@t"]) if data.keys() == {"@t"} else data
    cls = CLASSES[name]  # KeyError: a class the cache may not name
    keys = data.keys()
    if keys - ALLOWED[name] or not REQUIRED[name] <= keys:
        raise Miss(f"{name} with other fields than its own")
    made: Any = object.__new__(cls)  # frozen: the fields go straight into its __dict__, as its __init__ would
    fields_ = made.__dict__
    fields_.update(DEFAULTS[name])
    fields_.update(data)
    if name in STRENGTH and fields_["strength"] is not None:
        fields_["strength"] = types.Strength(fields_["strength"])
    if name == "LoadedRule":
        fields_["file"] = Path(fields_["file"])
    return made
