"""Where axes keeps its own files: the bundled data (rules/, cards/), its cache folder, and whole output
files written safely (the old file or the new one, never half of the new one)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import AxesError

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """A folder of bundled data: inside the wheel (pyproject force-include), or at the top of a checkout."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name  # an editable install or a source checkout


def axes_cache_dir() -> Path:
    """axes' own cache (the compiled rules): AXES_CACHE, else $XDG_CACHE_HOME/axes, else ~/.cache/axes.
    Not the Hugging Face cache, which sources.hfcache finds."""
    base = os.environ.get("AXES_CACHE")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(xdg) / "axes"


def check_folder(path: Path) -> None:
    """Fail now, before any slow work, if `path` could not be written for want of its folder."""
    if not path.parent.is_dir():
        raise AxesError("cannot write: the folder does not exist", where=str(path))


def write_atomic(path: Path, content: str | bytes | Iterable[str]) -> None:
    """Write `content` (text, bytes, or text chunks streamed) to a temp file beside `path`, then rename it
    over `path`.

    The temp file sits in the same folder, so the rename is one step on one filesystem; it is opened like
    any new file, so the result gets the usual permissions (umask), not a private temp file's.
    """
    check_folder(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(content, bytes):
            partial.write_bytes(content)
        else:
            with partial.open("w", encoding="utf-8") as out:
                out.writelines([content] if isinstance(content, str) else content)
        os.replace(partial, path)
    except OSError as err:
        raise AxesError(f"cannot write: {err.strerror or err}", where=str(path)) from None
    finally:
        partial.unlink(missing_ok=True)  # left only by a failure: after the rename it is gone
