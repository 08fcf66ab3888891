"""One row of a Hub-scale table -> the Snapshot `axes inspect` would read for that repo -> one output record.

The per-row work is the pipeline's own `analyse(snapshot, rulebook)`: a row's files go into a Snapshot
under the names the Hub source gives them (README.md, config.json, chat_template, generation_config.json)
with the same size caps, and its Hub metadata into HubInfo, so the same files give the same verdict JSON.
Two things differ, both because a bulk row is not a repo: what the row lacks becomes a note naming it,
and a front matter that does not parse degrades to the card body (with the Hub's own card data as the
front matter when the row has it) instead of failing the row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from msgspec import Struct

from ..errors import AxesError
from ..output.contract import contract
from ..pipeline import analyse
from ..rules import Rulebook
from ..sources import files as repo_files
from ..sources.hub import GGUF_NOTICE
from ..types import HubInfo, Snapshot
from .columns import as_count, as_names, as_object, as_text

Row = Mapping[str, Any]  # canonical column name -> value, as pyarrow's to_pylist decodes it

HUB_COLUMNS = ("sha", "safetensors_total", "siblings", "tags", "pipeline_tag", "base_models", "gated")
README = repo_files.TEXT_CAPS["README.md"]
FILL_HINT = "axes hub-snapshot --fill fetches it"


class Record(Struct, frozen=True):
    """What one row gives: its verdict as the contract's dict, or the one-line error that stopped it."""

    id: str
    sha: str | None
    contract: dict[str, Any] | None = None
    error: str | None = None


def tag_row(row: Row, rules: Rulebook, *, hub_columns: bool = True) -> Record:
    """Never raises: a row that cannot be read is a Record with its error, so one row never ends a batch.

    `hub_columns`: the table carries Hub metadata, so the Snapshot gets a HubInfo (as the Hub source's does).
    """
    repo = str(row.get("id") or "").strip()
    sha = row.get("sha") if isinstance(row.get("sha"), str) else None
    if not repo:
        return Record(repo, sha, error="the row has no id")
    try:
        snapshot = snapshot_of(repo, row, hub_columns=hub_columns)
        verdict = analyse(snapshot, rules)  # a broken front matter is a note there: the card body still counts
        return Record(repo, sha, contract=contract(verdict))
    except AxesError as err:
        return Record(repo, sha, error=err.render())
    except Exception as err:  # noqa: BLE001 - one odd row must not end a run of millions
        return Record(repo, sha, error=f"internal error: {type(err).__name__}: {err}")


def snapshot_of(repo: str, row: Row, *, hub_columns: bool = True) -> Snapshot:
    """The files and Hub metadata of one row, as the Hub source would hand them to the pipeline."""
    listed = as_names(row.get("siblings"), "rfilename")
    card_data = as_object(row.get("card_data"))
    notices: list[str] = []
    files: dict[str, str] = {}

    card = as_text(row.get("card"))
    if card is not None:
        files["README.md"] = _capped(card, "README.md", README, notices)
    elif card_data:
        files["README.md"] = _front_matter_card(card_data)
        notices.append("README.md: not in the snapshot row; its front matter is rebuilt from the Hub's card data")
    elif not listed or _lists(listed, "README.md"):
        notices.append("README.md: not in the snapshot row")
    else:
        notices.append("README.md: not in the repo")

    config = as_text(row.get("config"))
    if config is not None:
        if len(config) > repo_files.CONFIG_CAP // 4 and len(config.encode()) > repo_files.CONFIG_CAP:
            size = len(config.encode()) / 1e6
            raise AxesError(f"{size:.1f} MB, over the {repo_files.CONFIG_CAP // 2**20} MB cap for a config",
                            where="config.json")
        files["config.json"] = config
    else:
        notices.append(_no_config(listed, row.get("gguf")))
        summary = as_object(row.get("config_summary"))
        summary = {k: v for k, v in (summary or {}).items() if k != "tokenizer_config"}
        if summary:
            files["config.json"] = json.dumps(summary, indent=2, ensure_ascii=False)
            notices.append("config.json: only the Hub's summary of it (architectures, model_type) is in the row")

    generation = as_text(row.get("generation_config"))
    if generation is not None:
        files["generation_config.json"] = _capped(generation, "generation_config.json",
                                                  repo_files.DEFAULT_TEXT_CAP, notices)
    elif _lists(listed, "generation_config.json"):
        notices.append(f"generation_config.json: in the repo, not in the snapshot row ({FILL_HINT})")

    templates = _templates(row, notices)
    if templates:
        files.update(templates)
    elif _lists(listed, "chat_template.jinja"):
        notices.append(f"chat_template: chat_template.jinja is in the repo, not in the snapshot row ({FILL_HINT})")

    hub = None
    if hub_columns:
        base = card_data.get("base_model") if card_data else None
        hub = HubInfo(
            safetensors_total=as_count(row.get("safetensors_total")),
            gated=_gated(row.get("gated")),
            pipeline_tag=row.get("pipeline_tag") if isinstance(row.get("pipeline_tag"), str) else None,
            tags=as_names(row.get("tags"), "name"),
            base_models=as_names([base] if isinstance(base, str) else base, "id")
            or as_names(row.get("base_models"), "id"),
            sha=row.get("sha") if isinstance(row.get("sha"), str) else None,
            files=listed,
        )
    return Snapshot(target=repo, source="hub", files=files, hub=hub, notices=tuple(notices),
                    repo_name=repo_files.repo_name(repo))


def output_record(record: Record) -> dict[str, Any]:
    """The flat output columns of one row (README "Tagging the whole Hub"), the contract as JSON text."""
    data = record.contract
    if data is None:
        return {"id": record.id, "sha": record.sha, "ok": False, "error": record.error}
    facts, lenses, axes = data["facts"], data["lenses"], data["axes"]
    out: dict[str, Any] = {
        "id": record.id, "sha": record.sha, "ok": True, "error": None,
        "checkpoint": facts.get("checkpoint") or data["lineage"]["relation"],
        "structure": lenses["structure"], "moe": lenses["moe"], "reasoning": lenses["reasoning"],
        "total_params": facts["total_params"], "active_params": facts["active_params"],
        "params_source": facts["params_source"], "attention": facts["attention"],
        "murkiest": data["murkiest"]["axis"], "notes": data["notices"],
        "contract": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
    }
    for axis, row in axes.items():
        out[f"{axis}_tags"] = [tag["name"] for tag in row["tags"]]
        out[f"{axis}_murk"] = row["murk"]
    return out


# --- the parts of a row ------------------------------------------------------------------------------


def _capped(text: str, name: str, cap: int, notices: list[str]) -> str:
    """The first `cap` bytes, as the Hub source reads a file (a character cannot take more than 4 bytes, so
    only a long text is encoded to measure it); a NUL byte early on is binary content, as for a file."""
    if "\x00" in text[:8192]:
        raise AxesError("binary content, not text", where=name)
    if len(text) * 4 <= cap:
        return text
    data = text.encode()
    if len(data) <= cap:
        return text
    notices.append(f"{name}: {len(data) / 1e6:.1f} MB, read only the first {cap / 1e6:.1f} MB")
    return data[:cap].decode("utf-8", errors="ignore")


def _templates(row: Row, notices: list[str]) -> dict[str, str]:
    """The chat templates (and the special tokens they read) from the row's first source that has one, in the
    Hub source's order: the template file, tokenizer_config.json, then the Hub's summaries
    (config.tokenizer_config, gguf); as the files a Snapshot holds them in (sources.files.template_files)."""
    text = as_text(row.get("chat_template"))
    if text is not None:
        return repo_files.template_files({"default": text}, {}, notices)[0]
    sources: list[tuple[str, str]] = []
    raw = as_text(row.get("tokenizer_config"))
    if raw is not None:
        sources.append((raw, "tokenizer_config.json"))
    for summary in ("config_summary", "gguf"):
        nested = as_object(row.get(summary)) or {}
        holder = nested.get("tokenizer_config") if summary == "config_summary" else nested
        if isinstance(holder, dict):
            sources.append((json.dumps(holder), summary))
    for text, name in sources:
        named, tokens = repo_files.templates_from_tokenizer_config(text, name)
        if named:
            return repo_files.template_files(named, tokens, notices)[0]
    return {}


def _no_config(listed: tuple[str, ...], gguf: Any) -> str:
    if listed and not _lists(listed, "config.json"):
        if gguf or any(name.lower().endswith(".gguf") for name in listed):
            return GGUF_NOTICE
        return "config.json: not in the repo, so no backbone facts"
    return f"config.json: not in the snapshot row, so no backbone facts ({FILL_HINT})"


def _lists(listed: tuple[str, ...], name: str) -> bool:
    """Whether the repo's file list holds `name` under any of the names it goes by (readme.md ...)."""
    return any(alias in listed for alias in repo_files.FILE_NAMES.get(name, (name,)))


def _gated(value: Any) -> bool | str | None:
    if isinstance(value, (bool, str)):
        return False if value in ("false", "False", "") else value
    return None


# --- front matter --------------------------------------------------------------------------------------


def _front_matter_card(card_data: dict[str, Any]) -> str:
    """A README of only the front matter, for a row with the Hub's card data but no card text."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(card_data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=2**30)
    return f"---\n{body}---\n"


