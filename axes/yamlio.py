"""YAML through the safe loader only (the C one when present), with errors that name the file and line."""

from __future__ import annotations

from typing import Any

import yaml

from .errors import AxesError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str, where: str, *, first_line: int = 1, error: type[AxesError] = AxesError,
              what: str = "not valid YAML") -> Any:
    """Parse YAML text that starts at line `first_line` of the file `where`."""
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - CSafeLoader/SafeLoader only
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise error(f"{what}: {problem}", where=where,
                    line=mark.line + first_line if mark else None) from None
