"""Parsing text axes did not write: JSON objects and YAML (safe loaders only), errors naming file and line."""

from __future__ import annotations

import json
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


def parse_json_object(text: str, name: str) -> dict[str, Any]:
    """JSON text that must be an object; errors name the file and line."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise AxesError(f"not valid JSON: {err.msg}", where=name, line=err.lineno) from None
    except RecursionError:
        raise AxesError("not valid JSON: nested too deeply", where=name) from None
    if not isinstance(value, dict):
        raise AxesError(f"expected a JSON object, found {type(value).__name__}", where=name)
    return value
