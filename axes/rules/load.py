"""Rule files -> Rulebook: YAML through the safe loader, validated into the schema, errors as
`file:line: rule "id": ...` at the line of the key at fault; ids unique; tags ordered by their dependencies.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import RuleError
from ..parsing import safe_load
from ..storage import bundled
from .schema import LoadedRule, Rulebook, RuleFile

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

RULES_DIR = bundled("rules")


def _rule_lines(text: str) -> dict[int, int]:
    """Rule index -> line of its `- id:` entry, read from the YAML node marks."""
    lines: dict[int, int] = {}
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return lines
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        if key.value == "rules" and isinstance(value, yaml.SequenceNode):
            for index, item in enumerate(value.value):
                lines[index] = item.start_mark.line + 1
    return lines


def _key_line(text: str, start: int | None, key: str) -> int | None:
    """The line of `key:` at or after a rule's first line."""
    if start is None:
        return None
    for number, line in enumerate(text.splitlines()[start - 1:], start):
        if re.search(rf"(^|[\s{{,-]){re.escape(key)}\s*:", line):
            return number
        if number > start and re.match(r"^\s*-\s+id\s*:", line):
            break  # the next rule: the key is not written in this one
    return start


def load_file(path: Path) -> list[LoadedRule]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise RuleError(f"cannot read rule file: {err}", where=str(path)) from None
    data = safe_load(text, str(path), error=RuleError, what="YAML syntax error", aliases=True)
    if not isinstance(data, dict):
        raise RuleError("a rule file is a mapping with `axis` and `rules`", where=str(path), line=1)
    from pydantic import TypeAdapter, ValidationError  # ~0.1 s: only when rule files are read

    try:
        parsed = TypeAdapter(RuleFile).validate_python(data)
    except ValidationError as err:
        raise _explain(err.errors(), data, text, path) from None
    lines = _rule_lines(text)
    return [LoadedRule(rule, parsed.axis, path, lines.get(i)) for i, rule in enumerate(parsed.rules)]


UNKNOWN = {"extra_forbidden", "unexpected_keyword_argument"}
MISSING = {"missing", "missing_argument", "missing_keyword_argument"}


def _explain(errors: list[ErrorDetails], data: dict[str, Any], text: str, path: Path) -> RuleError:
    """pydantic's first error as `file:line: rule "id": ...`, at the line of the key at fault."""
    # A typo'd key ("patern") also makes the real key "missing": name the typo first.
    first = sorted(errors, key=lambda e: e["type"] not in UNKNOWN)[0]
    loc = [p for p in first["loc"] if p != "__post_init__"]
    message = str(first["msg"]).removeprefix("Value error, ")
    named = re.match(r"^(\w+): ", message)  # _field_error names the key inside its dataclass
    if first["type"] == "value_error" and named:
        loc.append(named.group(1))
        message = message[named.end():]
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        index = loc[1]
        rules = data.get("rules") or []
        item = rules[index] if index < len(rules) else None
        rule_id = item.get("id", f"#{index + 1}") if isinstance(item, dict) else f"#{index + 1}"
        field = ".".join(str(p) for p in loc[2:])
        if first["type"] in UNKNOWN:
            said = f'rule "{rule_id}": unknown key "{loc[-1]}"'
        elif first["type"] in MISSING:
            said = f'rule "{rule_id}": missing key "{field}"'
        else:
            said = f'rule "{rule_id}": {field}: {message}'
        key = next((str(p) for p in reversed(loc[2:]) if isinstance(p, str)), "id")
        return RuleError(said, where=str(path), line=_key_line(text, _rule_lines(text).get(index), key))
    field = ".".join(str(p) for p in loc)
    kind = "unknown key" if first["type"] in UNKNOWN else message
    return RuleError(f"{field}: {kind}", where=str(path), line=_key_line(text, 1, str(loc[0]) if loc else "axis"))


def rule_files(dirs: tuple[Path, ...]) -> list[Path]:
    """Every *.yaml / *.yml file of the directories, in order."""
    files: list[Path] = []
    for folder in dirs:
        if not folder.is_dir():
            raise RuleError("not a directory of rule files", where=str(folder))
        files += sorted(folder.glob("*.y*ml"))
    return files


def load_rulebook(dirs: tuple[Path, ...]) -> Rulebook:
    """Every rule file of the directories, in order; ids must be unique per axis."""
    loaded: list[LoadedRule] = []
    seen: dict[str, LoadedRule] = {}
    for path in rule_files(dirs):
        for rule in load_file(path):
            if rule.full_id in seen:
                first = seen[rule.full_id]
                raise RuleError(
                    f'duplicate rule id "{rule.rule.id}" (first defined at {first.file}:{first.line})',
                    where=str(path), line=rule.line,
                )
            seen[rule.full_id] = rule
            loaded.append(rule)
    if not loaded:
        raise RuleError("no rule files (*.yaml) found", where=", ".join(str(d) for d in dirs))
    _check_references(loaded)
    return Rulebook(tuple(loaded), _tag_order(loaded))


def _check_references(rules: list[LoadedRule]) -> None:
    """Every tag a rule names in when_tags / unless_tags / unless_matched is set by some rule: a typo there
    would load and silently never hold."""
    tags = {r.rule.tag for r in rules}
    for r in rules:
        for key in ("when_tags", "unless_tags", "unless_matched"):
            for name in getattr(r.rule, key):
                if name not in tags:
                    text = r.file.read_text(encoding="utf-8")
                    raise RuleError(f'rule "{r.rule.id}": {key}: no rule sets the tag "{name}"',
                                    where=str(r.file), line=_key_line(text, r.line, key))


def _tag_order(rules: list[LoadedRule]) -> tuple[str, ...]:
    """Tags sorted so each comes after the tags it depends on; a cycle is a rule error."""
    deps: dict[str, set[str]] = {}
    first: dict[str, LoadedRule] = {}
    for r in rules:
        deps.setdefault(r.rule.tag, set()).update(r.rule.when_tags, r.rule.unless_tags)
        first.setdefault(r.rule.tag, r)
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(tag: str, path: list[str]) -> None:
        if state.get(tag) == "done":
            return
        if state.get(tag) == "active":
            loop = " -> ".join(path[path.index(tag):] + [tag])
            culprit = first.get(tag)
            raise RuleError(f"when_tags/unless_tags form a cycle: {loop}",
                            where=str(culprit.file) if culprit else None, line=culprit.line if culprit else None)
        state[tag] = "active"
        for dep in sorted(deps.get(tag, ())):
            visit(dep, path + [tag])
        state[tag] = "done"
        order.append(tag)

    for tag in deps:
        visit(tag, [])
    return tuple(order)

