"""Writing a whole output file safely: the old file or the new one, never half of the new one."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import AxesError


def check_folder(path: Path) -> None:
    """Fail now, before any slow work, if `path` could not be written for want of its folder."""
    if not path.parent.is_dir():
        raise AxesError("cannot write: the folder does not exist", where=str(path))


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write `text` (or its chunks, streamed) to a temp file beside `path`, then rename it over `path`.

    The temp file sits in the same folder, so the rename is one step on one filesystem; it is opened like
    any new file, so the result gets the usual permissions (umask), not a private temp file's.
    """
    check_folder(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with partial.open("w", encoding="utf-8") as out:
            out.writelines([text] if isinstance(text, str) else text)
        os.replace(partial, path)
    except OSError as err:
        raise AxesError(f"cannot write: {err.strerror or err}", where=str(path)) from None
    finally:
        partial.unlink(missing_ok=True)  # left only by a failure: after the rename it is gone
