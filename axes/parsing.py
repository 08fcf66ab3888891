"""Parsing text axes did not write: JSON objects and YAML (safe loaders only), errors naming file and line.

What a model repo holds is read defensively: no YAML aliases (a "billion laughs" front matter expands a few
lines into more values than memory holds), no JSON nested past Python's recursion limit, no integer longer
than Python's int-string limit; each is one error naming the file, never a hang or a traceback.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

from .errors import AxesError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Values a rule file's aliases may expand to: far above any real rule file (the bundled ones hold under 1,500),
# far below what a nested alias bomb reaches.
MAX_EXPANDED = 100_000


def safe_load(text: str, where: str, *, first_line: int = 1, error: type[AxesError] = AxesError,
              what: str = "not valid YAML", aliases: bool = False) -> Any:
    """Parse YAML text that starts at line `first_line` of the file `where`.

    `aliases`: accept `&anchor` / `*alias` (rule files, which people write by hand), bounded by how many values
    they expand to; otherwise (a model repo's YAML) an alias is refused.
    """
    try:
        if not aliases and "*" in text:
            _refuse_aliases(text, where, first_line, error, what)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - CSafeLoader/SafeLoader only
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise error(f"{what}: {problem}", where=where,
                    line=mark.line + first_line if mark else None) from None
    except (ValueError, RecursionError, OverflowError) as err:  # a 5,000-digit integer; nesting past the limit
        raise error(f"{what}: {_why(err)}", where=where) from None
    if aliases and "*" in text and _expanded(data) > MAX_EXPANDED:
        raise error(f"{what}: its aliases expand to more than {MAX_EXPANDED:,} values", where=where)
    return data


def _refuse_aliases(text: str, where: str, first_line: int, error: type[AxesError], what: str) -> None:
    """Raise at the first alias (`*name`) of the text: only a text holding a `*` is scanned for one."""
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise error(f"{what}: YAML aliases (*{event.anchor}) are not accepted in a model's files",
                        where=where, line=event.start_mark.line + first_line if event.start_mark else None)


def _expanded(data: Any) -> int:
    """How many values `data` holds with every alias expanded, counted up to just past MAX_EXPANDED."""
    count, stack = 0, [data]
    while stack and count <= MAX_EXPANDED:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _why(err: Exception) -> str:
    if isinstance(err, RecursionError):
        return "nested too deeply"
    if "integer string conversion" in str(err) or "digits" in str(err):
        return "an integer with thousands of digits"
    return str(err).splitlines()[0] if str(err) else type(err).__name__


def _finite(text: str) -> float | None:
    number = float(text)
    return number if math.isfinite(number) else None


def parse_json_value(text: str, name: str) -> Any:
    """JSON text parsed, or one error naming the file (and line): not JSON, nested too deeply, a huge integer.

    NaN, Infinity and numbers past a float's range (1e999), which Python's json accepts and strict parsers
    reject, are read as null: nothing axes writes can carry them (non_finite_numbers says whether any were).
    """
    try:
        return json.loads(text, parse_constant=lambda _: None, parse_float=_finite)
    except json.JSONDecodeError as err:
        raise AxesError(f"not valid JSON: {err.msg}", where=name, line=err.lineno) from None
    except (RecursionError, ValueError) as err:
        raise AxesError(f"not valid JSON: {_why(err)}", where=name) from None


def non_finite_numbers(text: str) -> bool:
    """Might the JSON text hold NaN, Infinity or an out-of-range number (read as null)? A quick look, for a note."""
    return "NaN" in text or "Infinity" in text or bool(re.search(r"\d[eE]\+?\d{3}", text))


def parse_json_object(text: str, name: str) -> dict[str, Any]:
    """JSON text that must be an object; errors name the file and line."""
    value = parse_json_value(text, name)
    if not isinstance(value, dict):
        raise AxesError(f"expected a JSON object, found {type(value).__name__}", where=name)
    return value
