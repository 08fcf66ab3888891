"""Where axes keeps its own files: the bundled data (rules/, cards/), its cache folder, and whole output
files written safely (the old file or the new one, never half of the new one)."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO, TextIO

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
    if not _written_path(path).parent.is_dir():
        raise AxesError("cannot write: the folder does not exist", where=str(path))


def _written_path(path: Path) -> Path:
    """Where writing `path` lands: a symlink is written through, so its target is the file replaced."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def is_regular_or_new(path: Path) -> bool:
    """Is `path` (through its symlinks) a regular file or nothing yet? Devices and FIFOs are not."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True
    except OSError as err:
        raise AxesError(f"cannot write: {err.strerror or err}", where=str(path)) from None


def write_atomic(path: Path, content: str | bytes | Iterable[str]) -> None:
    """Write `content` (text, bytes, or text chunks streamed) to a temp file beside `path`, then rename it
    over `path`: readers see the old file or the new one, never half of the new one.

    Only a regular file (or a new path) is replaced so: a character device (/dev/null, /dev/stdout) or a
    FIFO is written straight into, as a shell's `>` would, and a symlink is written through (the file it
    points at is replaced, the link stays). The temp file sits in the same folder, so the rename is one
    step on one filesystem; it is opened like any new file, so the result gets the usual permissions
    (umask), not a private temp file's.
    """
    check_folder(path)
    if not is_regular_or_new(path):
        _write_straight(path, content)
        return
    real = _written_path(path)
    partial = _partial(real)
    try:
        if isinstance(content, bytes):
            partial.write_bytes(content)
        else:
            with partial.open("w", encoding="utf-8") as out:
                out.writelines([content] if isinstance(content, str) else content)
        os.replace(partial, real)
    except OSError as err:
        raise AxesError(f"cannot write: {err.strerror or err}", where=str(path)) from None
    finally:
        partial.unlink(missing_ok=True)  # left only by a failure: after the rename it is gone


def _partial(real: Path) -> Path:
    """The temp file a whole file is written to before it is renamed over `real`: same folder, hidden."""
    return real.with_name(f".{real.name}.{os.getpid()}.tmp")


def _write_straight(path: Path, content: str | bytes | Iterable[str]) -> None:
    try:
        if isinstance(content, bytes):
            with path.open("wb") as raw:
                raw.write(content)
        else:
            with path.open("w", encoding="utf-8") as out:
                out.writelines([content] if isinstance(content, str) else content)
    except OSError as err:
        raise AxesError(f"cannot write: {err.strerror or err}", where=str(path)) from None


def _lock(handle_fd: int, path: Path, *, shared: bool = False) -> None:
    """A lock on an open file, refused at once (not waited for) when another run holds one that conflicts."""
    import fcntl

    try:
        fcntl.flock(handle_fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        raise AxesError("another axes run is writing this file (it is locked): wait for it to finish, or "
                        "choose another file", where=str(path)) from None
    except OSError:
        pass  # a filesystem without locks (some network mounts): write unguarded, as before


def open_for_reading(path: Path) -> BinaryIO:
    """A file another run may be writing, opened with a shared lock: refused while a writer holds it."""
    handle = path.open("rb")
    try:
        if stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            _lock(handle.fileno(), path, shared=True)
    except BaseException:
        handle.close()
        raise
    return handle


def open_locked(path: Path, keep: Callable[[], Iterable[str]] | None = None) -> TextIO:
    """`path` opened for one run to write, streamed line by line: a regular file (or new path) is locked
    first, so a second run writing it is refused instead of interleaving lines, and only then emptied.

    `keep`: the lines to keep from the file as it is (read under the lock): they are written to a locked temp
    file beside it, renamed over it in one step, and the stream appends after them, so the file is never
    half rewritten and never unlocked. A FIFO or a device is opened as it is, unlocked, like write_atomic.
    """
    check_folder(path)
    try:
        if not is_regular_or_new(path):
            return path.open("a" if keep else "w", encoding="utf-8")
        real = _written_path(path)
        fd = os.open(real, os.O_WRONLY | os.O_CREAT, 0o666)
        try:
            _lock(fd, path)
            if keep is None:
                os.ftruncate(fd, 0)
                return os.fdopen(fd, "w", encoding="utf-8")
            partial = _partial(real)
            stream = partial.open("w", encoding="utf-8")
            try:
                _lock(stream.fileno(), partial)
                stream.writelines(keep())
                stream.flush()
                os.replace(partial, real)
            except BaseException:
                stream.close()
                partial.unlink(missing_ok=True)
                raise
            os.close(fd)  # the old file's lock goes with it; the renamed one is locked already
            return stream
        except BaseException:
            with contextlib.suppress(OSError):
                os.close(fd)
            raise
    except OSError as err:
        raise AxesError(f"cannot write: {err.strerror or err}", where=str(path)) from None
