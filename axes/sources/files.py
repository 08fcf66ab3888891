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

from ..errors import AxesError
from ..parsing import non_finite_numbers, parse_json_object, parse_json_value, safe_load
from ..types import HubInfo, Snapshot, SourceKind

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


def template_from_tokenizer_config(text: str, name: str) -> str | None:
    """The chat template inside tokenizer_config.json: a string, or a list of named templates."""
    config = parse_json_object(text, name)
    template = config.get("chat_template")
    if isinstance(template, str):
        return template
    if isinstance(template, list):
        parts = [t.get("template", "") for t in template if isinstance(t, dict)]
        return "\n".join(p for p in parts if isinstance(p, str)) or None
    return None


def collect(raw: dict[str, Path], where: str) -> tuple[dict[str, str], list[str]]:
    """Read the files a repo folder (or cache snapshot) holds into canonical names.

    `raw` maps a repo file name (as in REPO_FILES) to its path on disk. One rule for what is broken: a
    config.json that cannot be read fails the target (it is what the backbone stands on); any other file
    that cannot be read (too large, binary, not JSON) is left out with a note, and the rest still counts.
    """
    files: dict[str, str] = {}
    notices: list[str] = []
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
    try:
        template, more = _chat_template(raw)
        if template is not None:
            files["chat_template"] = template
        notices += more
    except AxesError as err:
        broken.append(err)
        notices.append(_left_out(err, "chat_template"))
    if broken and not files:
        raise broken[0]  # nothing readable at all: the first file's own error is the target's
    return files, notices


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


def _chat_template(raw: dict[str, Path]) -> tuple[str | None, list[str]]:
    cap = TEXT_CAPS["chat_template"]
    if "chat_template.jinja" in raw:
        return read_capped(raw["chat_template.jinja"], "chat_template", cap)
    for name in ("chat_template.json", "tokenizer_config.json"):
        if name in raw:
            text, notices = read_capped(raw[name], name, TEXT_CAPS.get(name, DEFAULT_TEXT_CAP))
            template = template_from_tokenizer_config(text, name)
            if template is not None:
                if len(template) > cap:
                    notices.append(f"chat_template: {len(template) / 1e6:.1f} MB, read only the first part")
                    template = template[:cap]
                return template, notices
    return None, []


def from_directory(
    folder: Path, target: str, source: SourceKind, hub: HubInfo | None = None, notices: tuple[str, ...] = ()
) -> Snapshot:
    present = {p.name: p for p in folder.iterdir() if p.is_file()} if folder.is_dir() else {}
    return from_files(present, target, source, hub=hub, notices=notices)


def from_files(
    present: dict[str, Path],
    target: str,
    source: SourceKind,
    hub: HubInfo | None = None,
    notices: tuple[str, ...] = (),
) -> Snapshot:
    """A Snapshot from repo file names mapped to paths (a folder, a cache snapshot, a Hub download)."""
    files, more = collect(present, target)
    return Snapshot(
        target=target,
        source=source,
        files=files,
        hub=hub,
        notices=tuple(notices) + tuple(more),
        repo_name=repo_name(target),
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
        return snapshot_from_yaml_card(data, target, str(path), tuple(notices))
    text, notices = read_capped(path, "README.md", TEXT_CAPS["README.md"])
    return Snapshot(
        target=target, source="card", files={"README.md": text}, notices=tuple(notices), repo_name=repo_name(target)
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
    return Snapshot(target=target, source="card", files=files, notices=notices, repo_name=name.rsplit("/", 1)[-1])
