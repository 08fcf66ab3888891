"""The input columns of a Hub-scale table: their canonical names, a user's mapping onto them, and the few
shapes one value can come in (text, JSON text, an Arrow struct or list already decoded to Python).

A bulk source spells the same thing several ways: hub-stats has `cardData` as JSON text and `siblings` as a
list of {rfilename} structs, the card dump calls the id `modelId`. `--columns id=modelId,card=card` maps
them; a column a table does not have is simply absent from every row, which the row turns into a note.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import AxesError

# Canonical name -> what it holds. Order is the order of the README's table.
INPUT_COLUMNS: dict[str, str] = {
    "id": "the repo id, org/name (required)",
    "sha": "the commit the row describes",
    "card": "the full README.md, front matter included",
    "card_data": "the front matter as the Hub parsed it (JSON text or a struct)",
    "config": "config.json (text, or a struct)",
    "config_summary": "the Hub API's config summary: architectures, model_type, tokenizer_config",
    "chat_template": "the chat template's text",
    "tokenizer_config": "tokenizer_config.json (text, or a struct), read for its chat_template",
    "generation_config": "generation_config.json (text, or a struct)",
    "safetensors_total": "the Hub's safetensors parameter count (an integer, or the {total} struct)",
    "siblings": "the repo's file names (strings, or {rfilename} structs)",
    "tags": "the Hub's tags",
    "pipeline_tag": "the Hub's pipeline tag",
    "base_models": "the Hub's baseModels ({models: [{id}]} or a list of ids)",
    "gated": "the repo's gating (false, auto, manual)",
    "gguf": "the Hub's GGUF summary, read for its chat_template",
}

# What the bulk sources call them, tried when the user names no mapping: hub-stats spells the API's keys.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "modelId"),
    "card_data": ("card_data", "cardData"),
    "config_summary": ("config_summary",),
    "safetensors_total": ("safetensors_total", "safetensors"),
    "base_models": ("base_models", "baseModels"),
}


def parse_mapping(text: str | None) -> dict[str, str]:
    """`id=modelId,card=card` -> {canonical: source column}; an unknown canonical name is bad input."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, source = part.partition("=")
        name, source = name.strip(), source.strip()
        if not sep or not name or not source:
            raise AxesError(f"--columns: {part.strip()!r} is not NAME=COLUMN")
        if name not in INPUT_COLUMNS:
            raise AxesError(f"--columns: unknown column {name!r} (known: {', '.join(INPUT_COLUMNS)})")
        mapping[name] = source
    return mapping


def resolve(present: Iterable[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """{canonical: column of this table} for every canonical column the table has (mapped, else by alias)."""
    have = set(present)
    claimed = set(mapping.values())  # a column mapped to one name is not also found by another's alias
    found: dict[str, str] = {}
    for name in INPUT_COLUMNS:
        if name in mapping:
            if mapping[name] not in have:
                raise AxesError(f"--columns: {name}={mapping[name]}: the table has no column {mapping[name]!r}")
            found[name] = mapping[name]
            continue
        source = next((c for c in ALIASES.get(name, (name,)) if c in have and c not in claimed), None)
        if source is not None:
            found[name] = source
    if "id" not in found:
        raise AxesError("the table has no id column (map one with --columns id=COLUMN)")
    return found


# --- one value ---------------------------------------------------------------------------------------


def as_text(value: Any) -> str | None:
    """A file's text: a string as it is, a decoded struct as indented JSON (as the Hub would serve it)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(_plain(value), indent=2, ensure_ascii=False)
    return str(value)


def as_object(value: Any) -> dict[str, Any] | None:
    """A mapping from a struct or JSON text; anything else (broken JSON, a list) is None."""
    if isinstance(value, dict):
        return _plain(value)
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            loaded = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            return None
        return loaded if isinstance(loaded, dict) else None
    return None


def as_names(value: Any, key: str) -> tuple[str, ...]:
    """A list of strings, or of structs holding the string under `key` ({rfilename}, {id}); JSON text too."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            return (value,) if value else ()
    if isinstance(value, dict):
        value = value.get("models", value.get(key))  # hub-stats baseModels: {relation, models: [{id}]}
    if not isinstance(value, list):
        return ()
    names = (v.get(key) if isinstance(v, dict) else v for v in value)
    return tuple(n.strip() for n in names if isinstance(n, str) and n.strip())


def as_count(value: Any) -> int | None:
    """A parameter count: an integer, or the `total` of the Hub's safetensors struct (or its JSON)."""
    if isinstance(value, str):
        value = as_object(value) or (int(value) if value.strip().isdigit() else None)
    if isinstance(value, dict):
        value = value.get("total")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def _plain(value: Any) -> Any:
    """Arrow decodes a map column as a list of (key, value) pairs and leaves absent struct fields as None:
    drop the Nones so a struct reads like the JSON object it was made from."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
