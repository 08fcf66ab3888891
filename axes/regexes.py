"""The regexes axes' modules compile at import, with their compiled programs kept on disk between runs.

Compiling a regex is Python code (re's parser and compiler): the ~100 patterns the modules define cost ~130M
instructions, an eighth of an `axes inspect`, before any model is read. What re.compile makes of a pattern
depends only on the pattern, its flags and the Python build, so the program it builds (a list of integers,
which the C engine `_sre` runs) is kept in the cache folder, one file per Python build, and a later run hands
it straight to `_sre.compile` — which checks every program it is given before it runs it, as it does re's own —
getting the same Pattern object re.compile would, in a fiftieth of the time.

The cache is an optimisation only: a Python whose re internals are not the ones read here (before 3.11, or a
changed layout), a file that is missing, unreadable, from another build or malformed, or a folder that cannot
be written, all mean plain re.compile. A file someone changed can at worst change what a pattern matches, as
changing the rules cache beside it can; it cannot run code (JSON and an array of integers, nothing executed).
Rule regexes are not compiled here: they are compiled on first use (rules.regex), mostly by RE2.
"""

from __future__ import annotations

import array
import atexit
import json
import re
import sys
import zlib
from pathlib import Path

from .storage import axes_cache_dir, write_atomic

try:  # the internals re.compile itself uses (Python 3.11+); otherwise every pattern is compiled by re
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]

    _BUILD = f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{_sre.MAXREPEAT}|{_sre.MAXGROUPS}"
    _USABLE = array.array("I").itemsize == _sre.CODESIZE
except (ImportError, AttributeError):
    _USABLE = False

MAX_ENTRIES = 2048  # programs kept in one file: every module pattern of a few axes versions
MAX_BYTES = 4 << 20  # a bigger file is not ours (ours is ~130 KB): it is not read
# (flags | parsed flags, code, groups - 1, groupindex, indexgroup): _sre.compile's arguments after the pattern
Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]

_programs: dict[tuple[str, int], Program] | None = None  # read on first use
_new: dict[tuple[str, int], Program] = {}  # compiled this run, not in the file


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - re.compile's name, as a drop-in
    """re.compile(pattern, flags), from the cached program when there is one."""
    if not _USABLE:
        return re.compile(pattern, flags)
    flags = int(flags)
    program = _known().get((pattern, flags))
    if program is not None:
        try:
            return _sre.compile(pattern, *program)
        except (TypeError, ValueError, RuntimeError, OverflowError):
            pass  # a program this build does not accept: compile it afresh
    try:
        program = _build(pattern, flags)
        compiled = _sre.compile(pattern, *program)
    except Exception:  # noqa: BLE001 - anything re's internals do differently: re.compile decides (and raises)
        return re.compile(pattern, flags)
    if not _new:
        atexit.register(_save)
    _new[(pattern, flags)] = program
    return compiled


def _build(pattern: str, flags: int) -> Program:
    """What re._compiler.compile passes to _sre.compile, kept."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return flags | parsed.state.flags, list(code), parsed.state.groups - 1, groupindex, tuple(indexgroup)


def _path() -> Path:
    return axes_cache_dir() / f"regex-programs-{zlib.crc32(_BUILD.encode()):08x}.bin"  # the header names the build


def _known() -> dict[tuple[str, int], Program]:
    global _programs
    if _programs is None:
        try:
            path = _path()
            _programs = decode(path.read_bytes()) if path.stat().st_size <= MAX_BYTES else {}
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            _programs = {}
    return _programs


def encode(programs: dict[tuple[str, int], Program]) -> bytes:
    """A JSON line (the build, then per program: pattern, flags, its arguments but the code, code length) and
    the codes, one array of unsigned integers."""
    entries, codes = [], array.array("I")
    for (pattern, flags), (final, code, groups, groupindex, indexgroup) in programs.items():
        entries.append([pattern, flags, final, groups, groupindex, list(indexgroup), len(code)])
        codes.extend(code)
    header = json.dumps({"build": _BUILD, "entries": entries}, ensure_ascii=True, separators=(",", ":"))
    return header.encode() + b"\n" + codes.tobytes()


def decode(data: bytes) -> dict[tuple[str, int], Program]:
    """The programs of a file written by this build; ValueError for anything else."""
    header_line, _, body = data.partition(b"\n")
    header = json.loads(header_line)
    if not isinstance(header, dict) or header.get("build") != _BUILD:
        raise ValueError("another Python build")
    codes = array.array("I")
    codes.frombytes(body)
    out: dict[tuple[str, int], Program] = {}
    at = 0
    for pattern, flags, final, groups, groupindex, indexgroup, length in header["entries"]:
        if not (isinstance(pattern, str) and all(isinstance(n, int) for n in (flags, final, groups, length))
                and isinstance(groupindex, dict) and isinstance(indexgroup, list)) or at + length > len(codes):
            raise ValueError("not a program")
        out[(pattern, flags)] = (final, codes[at:at + length].tolist(), groups, groupindex, tuple(indexgroup))
        at += length
    if at != len(codes):
        raise ValueError("codes left over")
    return out


def _save() -> None:
    """At exit, when this run compiled programs the file lacks: the file's and this run's, newest kept."""
    merged = {**_known(), **_new}
    kept = dict(list(merged.items())[-MAX_ENTRIES:])
    try:
        path = _path()
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, encode(kept))
    except Exception:  # noqa: BLE001 - an unwritable cache only means compiling again next time
        pass

