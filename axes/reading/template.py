"""Chat template -> Rendering: what the template does with the probe conversations, as typed facts.

This module finds a snapshot's templates and remembers what their renders showed; reading.sandbox renders
the probes (in a limited child process) and reading.observe compares the renders into facts, both only for
a template not seen before. Nothing here decides a tag: the `rendered:` rules read the facts
(rules/inference.yaml, rules/product.yaml).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from msgspec.structs import asdict

from .. import types as types_module
from ..errors import AxesError
from ..storage import axes_cache_dir, write_atomic
from ..types import ProbeSource, Rendering, Snapshot, TemplateFacts

TEMPLATE_FILE = "chat_template"  # Snapshot.files: the default template; "chat_template:NAME" the others
TOKENS_FILE = "special_tokens_map.json"
NOT_RENDERED = "rendering is off (--no-render): the template's text is matched instead"


def templates_of(snapshot: Snapshot) -> dict[str, str]:
    """The snapshot's chat templates by name, the default first."""
    found = {"default": snapshot.files[TEMPLATE_FILE]} if TEMPLATE_FILE in snapshot.files else {}
    for name, text in snapshot.files.items():
        if name.startswith(TEMPLATE_FILE + ":"):
            found[name.split(":", 1)[1]] = text
    return found


def template_text(snapshot: Snapshot) -> str | None:
    """Every template's source, joined: what the regex fallback matches."""
    found = templates_of(snapshot)
    return "\n".join(found.values()) if found else None


def read_template(snapshot: Snapshot, render: bool = True) -> Rendering | None:
    """The template's renders, read; None when the snapshot has no template."""
    templates = templates_of(snapshot)
    if not templates:
        return None
    names = tuple(templates)
    if not render:
        return Rendering(facts=TemplateFacts(templates=names, note=NOT_RENDERED))
    tokens = _tokens(snapshot)
    key = _key(templates, tokens)
    found = _remembered.get(key) or _load(key)
    if found is None:
        from . import observe, sandbox  # jinja2, the fork, the comparisons: only for a template not seen before

        reply = sandbox.run_isolated(templates, tokens)
        if isinstance(reply, sandbox.Failure):
            found = Rendering(facts=TemplateFacts(templates=names, note=f"{reply.why}; the template's text is matched"))
        else:
            found = observe.observe(reply, names)
            if not reply.get("cut"):  # a render stopped at a limit may finish on a quieter machine: not kept
                _store(key, found)
    _remembered[key] = found
    if len(_remembered) > MEMORY_CACHE:
        try:
            _remembered.pop(next(iter(_remembered)))
        except (RuntimeError, KeyError, StopIteration):
            pass  # another thread is trimming it too
    return found


# What the renders showed, by the templates' exact text and tokens: per process (a batch meets one family's
# template again and again) and in axes' cache folder (the next run of the same model skips jinja2 and the
# fork). The key covers the code that renders and reads, so an upgrade renders afresh.
MEMORY_CACHE = 512
_remembered: dict[str, Rendering] = {}


def _key(templates: dict[str, str], tokens: dict[str, str]) -> str:
    digest = hashlib.sha256(_code_digest().encode())
    digest.update(json.dumps([templates, tokens], sort_keys=True).encode())
    return digest.hexdigest()[:40]


@functools.cache
def _code_digest() -> str:
    """The code that renders and reads (once per process), and jinja2's install: an upgrade of either, a
    sandbox fix in jinja2 included, renders afresh."""
    digest = hashlib.sha256()
    for module in ("probes.py", "sandbox.py", "observe.py", "template.py"):
        digest.update((Path(__file__).with_name(module)).read_bytes())
    digest.update(Path(types_module.__file__ or "").read_bytes())
    import importlib.util

    spec = importlib.util.find_spec("jinja2")
    if spec is not None and spec.origin:
        stat = os.stat(spec.origin)
        digest.update(f"{spec.origin}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _cache_path(key: str) -> Path:
    return axes_cache_dir() / "renders" / f"{key}.json"


def _load(key: str) -> Rendering | None:
    try:
        data = json.loads(_cache_path(key).read_text(encoding="utf-8"))
        facts: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data["facts"].items()}
        return Rendering(facts=TemplateFacts(**facts),
                         sources={k: ProbeSource(**v) for k, v in data["sources"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # absent, unreadable or from another layout: render again


def _store(key: str, found: Rendering) -> None:
    data = {"facts": asdict(found.facts), "sources": {k: asdict(v) for k, v in found.sources.items()}}
    try:
        path = _cache_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(data, ensure_ascii=False))
    except (OSError, AxesError):
        pass  # a read-only home: every run renders for itself


def _tokens(snapshot: Snapshot) -> dict[str, str]:
    try:
        tokens = json.loads(snapshot.files.get(TOKENS_FILE) or "{}")
    except json.JSONDecodeError:
        return {}
    return {k: v for k, v in tokens.items() if isinstance(v, str)} if isinstance(tokens, dict) else {}
