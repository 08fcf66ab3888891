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
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..errors import AxesError
from ..output.contract import contract
from ..parsing import safe_load
from ..pipeline import analyse
from ..rules import Rulebook
from ..sources import files as repo_files
from ..sources.hub import GGUF_NOTICE
from ..types import HubInfo, Snapshot
from .columns import as_count, as_names, as_object, as_text

Row = Mapping[str, Any]  # canonical column name -> value, as pyarrow's to_pylist decodes it

HUB_COLUMNS = ("sha", "safetensors_total", "siblings", "tags", "pipeline_tag", "base_models", "gated")
README = repo_files.TEXT_CAPS["README.md"]
TEMPLATE = repo_files.TEXT_CAPS["chat_template"]
FILL_HINT = "axes hub-snapshot --fill fetches it"


@dataclass(frozen=True)
class Record:
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
        try:
            verdict = analyse(snapshot, rules)
        except AxesError as err:
            degraded = _without_front_matter(snapshot, err, as_object(row.get("card_data")))
            if degraded is None:
                raise
            verdict = analyse(degraded, rules)
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

    template = _template(row, notices)
    if template is not None:
        files["chat_template"] = template
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


def _template(row: Row, notices: list[str]) -> str | None:
    """The chat template from the row's first source that has one, in the Hub source's order: the template
    file, tokenizer_config.json, then the Hub's summaries (config.tokenizer_config, gguf)."""
    text = as_text(row.get("chat_template"))
    if text is None:
        raw = as_text(row.get("tokenizer_config"))
        if raw is not None:
            text = repo_files.template_from_tokenizer_config(raw, "tokenizer_config.json")
    for summary in ("config_summary", "gguf"):
        if text is not None:
            break
        nested = as_object(row.get(summary)) or {}
        holder = nested.get("tokenizer_config") if summary == "config_summary" else nested
        if isinstance(holder, dict):
            text = repo_files.template_from_tokenizer_config(json.dumps(holder), summary)
    if text is None:
        return None
    if len(text) > TEMPLATE:
        notices.append(f"chat_template: {len(text) / 1e6:.1f} MB, read only the first part")
        text = text[:TEMPLATE]
    return text


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

_FRONT_MATTER_ERROR = re.compile(r"front matter")


def _front_matter_card(card_data: dict[str, Any]) -> str:
    """A README of only the front matter, for a row with the Hub's card data but no card text."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(card_data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=2**30)
    return f"---\n{body}---\n"


def _without_front_matter(snapshot: Snapshot, err: AxesError, card_data: dict[str, Any] | None
                          ) -> Snapshot | None:
    """The snapshot with its README's front matter block blanked out (the body keeps its line numbers) or,
    when the row has the Hub's card data, replaced by it on one line; None when `err` is about something else."""
    card = snapshot.files.get("README.md")
    if card is None or err.where != "README.md" or not _FRONT_MATTER_ERROR.search(err.message):
        return None
    lines = card.splitlines()  # as the card reader splits it, so every later line keeps its number
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:  # opened and never closed: everything after the opening line is the body
        lines[0] = ""
    else:
        lines[: end + 1] = _replacement(end + 1, card_data)
    place = f"README.md:{err.line}" if err.line is not None else "README.md"
    note = f"{place}: {err.message}; read the card body without it"
    if card_data and end is not None and lines[0] == "---":
        note = f"{place}: {err.message}; read the card body, with the Hub's card data as its front matter"
    return replace(snapshot, files={**snapshot.files, "README.md": "\n".join(lines) + "\n"},
                   notices=(*snapshot.notices, note))


def _replacement(size: int, card_data: dict[str, Any] | None) -> list[str]:
    """`size` lines standing in for a front matter block: the card data as one flow-style YAML line between
    the fences when it round-trips, else blank lines."""
    if card_data and size >= 3:
        import yaml

        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        flow = yaml.dump(card_data, Dumper=dumper, default_flow_style=True, allow_unicode=True, width=2**30)
        flow = flow.rstrip("\n")
        try:
            loaded = safe_load(flow, "README.md") if "\n" not in flow else None
        except AxesError:
            loaded = None
        if isinstance(loaded, dict):
            return ["---", flow, *([""] * (size - 3)), "---"]
    return [""] * size
