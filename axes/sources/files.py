"""Files on disk -> Snapshot: a local folder, a lone config.json, a card file, or a folder that another
source (the HF cache, a Hub download, the catalog) hands over. Size caps, encodings, the chat template's
many homes.

Files are read as data, never executed or rendered.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
from pathlib import Path

from msgspec.structs import replace

from ..errors import AxesError
from ..parsing import non_finite_numbers, parse_json_object, parse_json_value, safe_load
from ..types import HubInfo, Origin, Snapshot, SourceKind, UnreadReason, WeightHeaders

# Caps per file, in bytes. A config this large is not a config; a card or template this large is
# read up to the cap with a notice, because the part we read is still worth tagging.
CONFIG_CAP = 4 * 1024 * 1024
TEXT_CAPS = {
    "README.md": 2 * 1024 * 1024,
    "chat_template": 512 * 1024,
    "tokenizer_config.json": 16 * 1024 * 1024,  # holds the template and a large token table
}
DEFAULT_TEXT_CAP = 1024 * 1024
CARD_FILE_SUFFIXES = (".md", ".txt", ".yaml", ".yml")  # the one list of what a card file may be
# The tokens tokenizer_config.json names that templates read as variables (bos_token ...).
SPECIAL_TOKENS = ("bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token", "mask_token")

# Canonical name -> the file names that can carry it in a repo.
FILE_NAMES = {
    "config.json": ("config.json",),
    "README.md": ("README.md", "readme.md", "README.MD", "Readme.md"),
    "generation_config.json": ("generation_config.json",),
    "quantize_config.json": ("quantize_config.json", "quant_config.json"),
    "mergekit_config.yml": ("mergekit_config.yml", "mergekit_config.yaml"),
}
JSON_FILES = ("config.json", "generation_config.json", "quantize_config.json")
SIDE_JSON = JSON_FILES[1:]  # parsed when read: a broken one is a note, never a failed target
# What a Hub or cache source asks for; chat templates come from the first two.
REPO_FILES = (
    "config.json",
    "README.md",
    "chat_template.jinja",
    "tokenizer_config.json",
    "chat_template.json",
    "generation_config.json",
    "quantize_config.json",
    "mergekit_config.yml",
)


def download_cap(name: str) -> int:
    """The most bytes a Hub download of the repo file `name` may bring: a config's cap for the JSON configs,
    else the largest text cap (what is read of a file is capped again when it is read)."""
    canonical = next((c for c, names in FILE_NAMES.items() if name in names), name)
    return CONFIG_CAP if canonical in JSON_FILES else max(TEXT_CAPS.values())


def decode(data: bytes, name: str) -> tuple[str, str | None]:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 by its BOM, else Windows-1252 with a notice."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), f"{name}: read as UTF-16"
    if b"\x00" in data[:8192]:
        raise AxesError("binary content, not text", where=name)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        # A cap can cut a multi-byte character in half: that is still UTF-8.
        if err.start >= len(data) - 3:
            return data[: err.start].decode("utf-8-sig"), None
        return data.decode("cp1252", errors="replace"), f"{name}: not UTF-8, read as Windows-1252"


def read_capped(path: Path, name: str, cap: int) -> tuple[str, list[str]]:
    """The first `cap` bytes of a regular file, as text. Anything else (a FIFO, a socket, a device) is refused
    without waiting: it is opened non-blocking and checked before a byte is read."""
    notices: list[str] = []
    try:
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise AxesError("not a regular file (a FIFO, socket or device): axes reads only files",
                                where=str(path))
            data = handle.read(cap)
    except OSError as err:
        raise AxesError(f"cannot read: {err.strerror or err}", where=str(path)) from None
    if info.st_size > cap:
        notices.append(f"{name}: {info.st_size / 1e6:.1f} MB, read only the first {cap / 1e6:.1f} MB")
    text, notice = decode(data, name)
    if notice:
        notices.append(notice)
    return text, notices


def templates_from_tokenizer_config(text: str, name: str) -> tuple[dict[str, str], dict[str, str]]:
    """(chat templates by name, special tokens) in tokenizer_config.json or chat_template.json.

    `chat_template` is one string (named "default") or a list of named templates (default, tool_use, rag);
    the special tokens (bos_token, eos_token ...) are strings or AddedToken objects holding `content`.
    """
    config = parse_json_object(text, name)
    template = config.get("chat_template")
    named: dict[str, str] = {}
    if isinstance(template, str):
        named["default"] = template
    elif isinstance(template, list):
        for entry in template:
            if isinstance(entry, dict) and isinstance(entry.get("template"), str):
                named.setdefault(str(entry.get("name") or "default"), entry["template"])
    tokens = {}
    for key in SPECIAL_TOKENS:
        value = config.get(key)
        value = value.get("content") if isinstance(value, dict) else value
        if isinstance(value, str):
            tokens[key] = value
    return named, tokens


def collect(raw: dict[str, Path], where: str) -> tuple[dict[str, str], list[str], dict[str, UnreadReason]]:
    """Read the files a repo folder (or cache snapshot) holds into canonical names: (texts, notices, what was
    not read in full and why).

    `raw` maps a repo file name (as in REPO_FILES) to its path on disk. One rule for what is broken: a
    config.json that cannot be read fails the target (it is what the backbone stands on); any other file
    that cannot be read (too large, binary, not JSON) is left out with a note, and the rest still counts.
    """
    files: dict[str, str] = {}
    notices: list[str] = []
    unread: dict[str, UnreadReason] = {}
    broken: list[AxesError] = []
    for canonical, names in FILE_NAMES.items():
        path = next((raw[n] for n in names if n in raw), None)
        if path is None:
            continue
        try:
            files[canonical], more = _read_one(path, canonical)
            notices += more
        except AxesError as err:
            if canonical == "config.json":
                raise
            broken.append(err)
            notices.append(_left_out(err, canonical))
            continue
        if path.stat().st_size > TEXT_CAPS.get(canonical, DEFAULT_TEXT_CAP):
            unread[canonical] = "capped"
    try:
        templates, more, capped = _chat_template(raw)
        files.update(templates)
        notices += more
        if capped:
            unread["chat_template"] = "capped"
    except AxesError as err:
        broken.append(err)
        notices.append(_left_out(err, "chat_template"))
    if broken and not files:
        raise broken[0]  # nothing readable at all: the first file's own error is the target's
    if "README.md" not in files:
        unread["README.md"] = "missing"  # no card: post-training, inference and product rest on the other files
    return files, notices, unread


def _read_one(path: Path, canonical: str) -> tuple[str, list[str]]:
    size = path.stat().st_size
    if canonical in JSON_FILES and size > CONFIG_CAP:
        raise AxesError(f"{size / 1e6:.1f} MB, over the {CONFIG_CAP // 2**20} MB cap for a config", where=str(path))
    text, notices = read_capped(path, canonical, TEXT_CAPS.get(canonical, DEFAULT_TEXT_CAP))
    if canonical in SIDE_JSON:
        parse_json_value(text, canonical)  # broken: left out here, with its note, rather than silently later
    if canonical in JSON_FILES and non_finite_numbers(text):
        notices.append(f"{canonical}: NaN, Infinity or a number out of range read as null (JSON has no such numbers)")
    return text, notices


def _left_out(err: AxesError, name: str) -> str:
    """The note for a side file that cannot be read: its own error, and that the rest of the verdict stands."""
    return f"{err.render()}; {name} left out, the other files still read"


def _chat_template(raw: dict[str, Path]) -> tuple[dict[str, str], list[str], bool]:
    """The chat templates (chat_template.jinja, else chat_template.json, else tokenizer_config.json) and the
    special tokens they read, as canonical files: `chat_template` (the default template),
    `chat_template:NAME` (the other named templates), `special_tokens_map.json`; and whether one was cut at
    its cap."""
    cap = TEXT_CAPS["chat_template"]
    named: dict[str, str] = {}
    tokens: dict[str, str] = {}
    notices: list[str] = []
    for name in ("tokenizer_config.json", "chat_template.json"):  # the later one's templates win
        if name in raw:
            text, more = read_capped(raw[name], name, TEXT_CAPS.get(name, DEFAULT_TEXT_CAP))
            try:
                found, found_tokens = templates_from_tokenizer_config(text, name)
            except AxesError as err:
                if "chat_template.jinja" not in raw:
                    raise
                # The template has its own file: a broken tokenizer config loses only its tokens.
                found, found_tokens, more = {}, {}, [*more, f"{name}: {err.message}; its special tokens not read"]
            named, tokens = found or named, {**found_tokens, **tokens}
            notices += more
    if "chat_template.jinja" in raw:
        text, more = read_capped(raw["chat_template.jinja"], "chat_template", cap)
        named = {"default": text}
        notices += more
    files, capped = template_files(named, tokens, notices)
    return files, notices, capped


def template_files(named: dict[str, str], tokens: dict[str, str], notices: list[str]) -> tuple[dict[str, str], bool]:
    """Named chat templates and the special tokens they read, as a Snapshot's files: `chat_template` (the
    default one), `chat_template:NAME` (the others), `special_tokens_map.json`; each cut at its cap (noted),
    and whether one was."""
    cap = TEXT_CAPS["chat_template"]
    files: dict[str, str] = {}
    capped = False
    for index, (name, template) in enumerate(sorted(named.items(), key=lambda kv: kv[0] != "default")):
        if len(template) > cap:
            capped = True
            notices.append(f"chat_template: {len(template) / 1e6:.1f} MB, read only the first part")
            template = template[:cap]
        files["chat_template" if index == 0 else f"chat_template:{name}"] = template
    if files and tokens:
        files["special_tokens_map.json"] = json.dumps(tokens)
    return files, capped


SAFETENSORS_INDEX = "model.safetensors.index.json"
INDEX_CAP = 16 * 1024 * 1024  # a weight map names every tensor once: a few MB for the largest models
WEIGHT_FILES_CAP = 512  # shards whose headers are read, per repo


def weight_headers(present: dict[str, Path]) -> WeightHeaders | None:
    """The headers of the .safetensors and .gguf files beside the config (None: there are none)."""
    tensors = sorted(p for n, p in present.items() if n.endswith(".safetensors"))
    ggufs = sorted(p for n, p in present.items() if n.lower().endswith(".gguf"))
    index_path = present.get(SAFETENSORS_INDEX)
    if not (tensors or ggufs or index_path):
        return None
    from . import weightheaders  # struct-level readers, imported only when a repo holds weights

    notes = []
    if len(tensors) > WEIGHT_FILES_CAP or len(ggufs) > WEIGHT_FILES_CAP:
        notes.append(f"more than {WEIGHT_FILES_CAP} weight files: only the first {WEIGHT_FILES_CAP} read")
    st, more = weightheaders.read_all(tensors[:WEIGHT_FILES_CAP], weightheaders.safetensors_header)
    gg, more_gg = weightheaders.read_all(ggufs[:WEIGHT_FILES_CAP], weightheaders.gguf_header)
    index = None
    if index_path is not None:
        index, index_notes = read_capped(index_path, SAFETENSORS_INDEX, INDEX_CAP)
        notes += index_notes
    return WeightHeaders(safetensors=tuple(st), safetensors_index=index, gguf=tuple(h for _, h in gg),
                         notes=tuple(notes + more + more_gg))


def _gguf_template(weights: WeightHeaders | None) -> str | None:
    """The chat template a GGUF file embeds (tokenizer.chat_template), for a repo with no template file."""
    for header in weights.gguf if weights else ():
        template = header.metadata.get("tokenizer.chat_template")
        if isinstance(template, str) and template.strip():
            return template[: TEXT_CAPS["chat_template"]]
    return None


def from_directory(
    folder: Path, target: str, source: SourceKind, hub: HubInfo | None = None, notices: tuple[str, ...] = ()
) -> Snapshot:
    present = {p.name: p for p in folder.iterdir() if p.is_file()} if folder.is_dir() else {}
    return from_files(present, target, source, hub=hub, notices=notices, listing=tuple(sorted(present)))


def from_files(
    present: dict[str, Path],
    target: str,
    source: SourceKind,
    hub: HubInfo | None = None,
    notices: tuple[str, ...] = (),
    not_served: tuple[str, ...] = (),
    weights: WeightHeaders | None = None,
    listing: tuple[str, ...] | None = None,
) -> Snapshot:
    """A Snapshot from repo file names mapped to paths (a folder, a cache snapshot, a Hub download).
    `not_served`: files the repo lists that could not be fetched; `weights`: headers a remote source already
    read (the Hub's range requests), else the folder's own; `listing`: every file the repo holds, read or not
    (default: the ones in `present`)."""
    files, more, unread = collect(present, target)
    unread.update({canonical: "not-served" for canonical, names in FILE_NAMES.items()
                   if canonical not in files and set(names) & set(not_served)})
    weights = weights or weight_headers(present)
    template = _gguf_template(weights)
    if template is not None and "chat_template" not in files:
        files["chat_template"] = template
    return Snapshot(
        target=target,
        source=source,
        files=files,
        hub=hub,
        notices=tuple(notices) + tuple(more),
        unread=unread,
        repo_name=repo_name(target),
        weights=weights,
        listing=tuple(sorted(present)) if listing is None else listing,
    )


def repo_name(target: str) -> str:
    """The model's own name: the last part of a repo id or path, without @revision or a file suffix."""
    name = target.split("@")[0].rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1]
    return Path(name).stem if name.endswith(CARD_FILE_SUFFIXES) else name


def from_card_file(path: Path, target: str) -> Snapshot:
    """A single card file: Markdown/text (the README), or YAML holding the files by name."""
    if path.suffix.lower() in (".yaml", ".yml"):
        text, notices = read_capped(path, path.name, TEXT_CAPS["README.md"])
        data = safe_load(text, str(path))
        if not isinstance(data, dict):
            raise AxesError("a YAML card must be a mapping (keys: name, readme, config, ...)", where=str(path))
        snap = snapshot_from_yaml_card(data, target, str(path), tuple(notices))
        return replace(snap, origin=Origin(names={"README.md": f"{path.name} (readme)"}))
    text, notices = read_capped(path, "README.md", TEXT_CAPS["README.md"])
    # Evidence cites README.md (CONTRACT.md); people are shown the file they wrote.
    return Snapshot(
        target=target, source="card", files={"README.md": text}, notices=tuple(notices), repo_name=repo_name(target),
        origin=Origin(names={} if path.name == "README.md" else {"README.md": path.name}),
    )


YAML_CARD_KEYS = {"name", "readme", "config", "chat_template", "generation_config"}


def snapshot_from_yaml_card(data: dict, target: str, where: str, notices: tuple[str, ...] = ()) -> Snapshot:
    unknown = sorted(set(data) - YAML_CARD_KEYS)
    if unknown:
        raise AxesError(f"unknown key {unknown[0]!r} (expected: {', '.join(sorted(YAML_CARD_KEYS))})", where=where)
    files: dict[str, str] = {}
    if data.get("readme") is not None:
        files["README.md"] = str(data["readme"])
    for key, name in (("config", "config.json"), ("generation_config", "generation_config.json")):
        if data.get(key) is not None:
            if not isinstance(data[key], dict):
                raise AxesError(f"{key!r} must be a mapping", where=where)
            files[name] = json.dumps(data[key], indent=2)
    if data.get("chat_template") is not None:
        files["chat_template"] = str(data["chat_template"])
    name = str(data.get("name") or Path(where).stem)
    unread: dict[str, UnreadReason] = {} if "README.md" in files else {"README.md": "missing"}
    return Snapshot(target=target, source="card", files=files, notices=notices, unread=unread,
                    repo_name=name.rsplit("/", 1)[-1])
