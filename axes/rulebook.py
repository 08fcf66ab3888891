"""Rule files: schema, loading with line-accurate errors, regex safety, and compilation.

A rule file is YAML: `axis: <axis>` and `rules: [...]`. Each rule sets one tag when any of its
matchers (card, front_matter, template, config, generation, facts, name, files) holds; see
README "How to add a rule". Unknown keys are errors, reported as `file:line: rule "id": ...`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml

from .errors import RuleError
from .models import Strength
from .yamlio import safe_load

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Headings whose text is never evidence about this model as released: citations, licences, contact
# lines, and roadmaps (what a later version will do).
DEFAULT_SKIP_SECTIONS = (r"citation|reference|bibtex|acknowledg|licen[cs]e|contact|changelog|disclaimer|terms of use"
                         r"|future (plans?|work)|roadmap|upcoming|coming soon|to-?do")


def check_regex(pattern: str) -> re.Pattern[str]:
    """Compile a rule regex, refusing what could backtrack catastrophically.

    Python's re cannot be interrupted, so a pattern like (a+)+ on a long line would hang the tool.
    We refuse an unbounded repeat (*, +, {n,}) of a group that itself repeats or alternates, and
    backreferences; lines are also cut at 2,000 characters before matching.
    """
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as err:
        raise ValueError(f"regex {pattern!r} does not compile: {err}") from None
    if re.search(r"\\[1-9]|\(\?P=", pattern):
        raise ValueError(f"regex {pattern!r} uses a backreference (can take exponential time)")
    stack: list[dict[str, bool]] = []
    escaped = in_class = False
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
            continue
        if char == "\\":
            escaped = True
            continue
        if in_class:
            in_class = char != "]"
            continue
        if char == "[":
            in_class = True
        elif char == "(":
            stack.append({"repeats": False})
        elif char == ")" and stack:
            inner = stack.pop()
            if inner["repeats"] and _unbounded_repeat_at(pattern, i + 1):
                raise ValueError(f"regex {pattern!r} repeats a repeating group (catastrophic backtracking)")
            if stack:
                stack[-1]["repeats"] = stack[-1]["repeats"] or inner["repeats"]
        elif char in "*+" or char == "{" and re.match(r"\{\d*,\d*\}", pattern[i:]):
            if stack:
                stack[-1]["repeats"] = True
        elif char == "|" and stack:
            stack[-1]["repeats"] = stack[-1]["repeats"] or _unbounded_repeat_at(pattern, _group_end(pattern, i) + 1)
    return compiled


def lower_literals(pattern: str) -> str:
    """The pattern with its literal letters lowercased and its escapes (\\B, \\W, \\S ...) kept as written."""
    out: list[str] = []
    escaped = False
    for char in pattern:
        out.append(char if escaped else char.lower())
        escaped = not escaped and char == "\\"
    return "".join(out)


# Characters that stand for themselves when unescaped, and escapes that stand for a character.
PLAIN = re.compile(r"[\w '’\-:/<>=,!@#%&;~`\"]")
ESCAPED_PLAIN = set(".-+*?()[]{}|^$/<>'\"_ \\")
QUANTIFIERS = "?*+{"


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Text that every match of `pattern` must contain: a prefilter that spares the regex a scan.

    Returns one string per top-level alternative (a match holds at least one of them), or None when some
    alternative has no literal run of two characters or more outside groups, classes and repeats. Only
    what is certain counts: anything optional, repeated or inside a group ends the run.
    """
    branches: list[str] = []
    best = run = ""
    depth = 0
    i = 0
    while i < len(pattern):
        char = pattern[i]
        unit = ""
        if char == "\\":
            step = 2
            if pattern[i + 1:i + 2] in ESCAPED_PLAIN:
                unit = pattern[i + 1]
        elif char == "[":
            step = _class_end(pattern, i) - i + 1
        elif char == "(":
            depth, step = depth + 1, 1
        elif char == ")":
            depth, step = depth - 1, 1
        elif char == "|" and depth == 0:
            branches.append(max(best, run, key=len))
            best = run = ""
            i += 1
            continue
        else:
            step = 1
            if PLAIN.match(char):
                unit = char
        after = pattern[i + step:i + step + 1]
        if depth or not unit or (after and after in QUANTIFIERS):
            if unit and depth == 0 and after == "+":
                run += unit  # one or more: the first one is certain
            best, run = max(best, run, key=len), ""
        else:
            run += unit
        i += step
    branches.append(max(best, run, key=len))
    return None if any(len(b) < 2 for b in branches) else tuple(branches)


def _class_end(pattern: str, i: int) -> int:
    """The index of the `]` that closes the character class opened at `i` (a `]` right after `[` or `[^`
    is a member, not the end)."""
    j = i + 1
    if pattern[j:j + 1] == "^":
        j += 1
    if pattern[j:j + 1] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j


def _unbounded_repeat_at(pattern: str, i: int) -> bool:
    return i < len(pattern) and (pattern[i] in "*+" or bool(re.match(r"\{\d+,\}", pattern[i:])))


def _group_end(pattern: str, i: int) -> int:
    depth, escaped = 0, False
    for j in range(i, len(pattern)):
        char = pattern[j]
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return j
            depth -= 1
    return len(pattern)


# The schema is plain frozen dataclasses: the tagger uses them as they are, and pydantic validates rule
# files into them (TypeAdapter, imported only when rule files are read, not when the cache answers).
schema = dataclass(frozen=True, kw_only=True)
FORBID = {"extra": "forbid"}  # pydantic's config for a stdlib dataclass: unknown keys are errors


def _field_error(name: str, message: str) -> ValueError:
    """A validation error that names the key at fault (the loader finds its line)."""
    return ValueError(f"{name}: {message}")


def _regexes(name: str, patterns: tuple[str, ...] | list[str]) -> None:
    for pattern in patterns:
        try:
            check_regex(pattern)
        except ValueError as err:
            raise _field_error(name, str(err)) from None


def _not_empty(name: str, items: tuple) -> None:
    if not items:
        raise _field_error(name, "needs at least one entry")


@schema
class CardMatch:
    """Phrases in the card body, read in context."""

    __pydantic_config__ = FORBID
    patterns: tuple[str, ...]
    sections: str | None = None  # only paragraphs under headings matching this regex
    skip_sections: str | None = None  # also ignore these headings (citations etc. always are)
    unless: tuple[str, ...] = ()  # a sentence that also matches one of these is not evidence
    negation: bool = True  # "no RLHF", "does not support tools" are not evidence
    code: bool = False  # read fenced code blocks too
    self_only: bool = False  # ignore sentences about another model (the chat variant, distilled students)
    strength: Strength | None = None

    def __post_init__(self) -> None:
        _not_empty("patterns", self.patterns)
        _regexes("patterns", self.patterns)
        _regexes("unless", self.unless)
        _regexes("sections", [p for p in (self.sections, self.skip_sections) if p is not None])


@schema
class TextMatch:
    """Regexes over a whole file's text (the chat template)."""

    __pydantic_config__ = FORBID
    patterns: tuple[str, ...]
    unless: tuple[str, ...] = ()  # the file matching one of these cancels the match
    strength: Strength | None = None

    def __post_init__(self) -> None:
        _not_empty("patterns", self.patterns)
        _regexes("patterns", self.patterns)
        _regexes("unless", self.unless)


Op = Literal["exists", "absent", "equals", "in", "gt", "gte", "lt", "lte", "regex", "truthy"]


@schema
class Condition:
    """A test on one key of a JSON file, front matter or the computed facts (dotted keys reach nested dicts)."""

    __pydantic_config__ = FORBID
    key: str
    op: Op = "exists"
    value: Any = None

    def __post_init__(self) -> None:
        if self.op in ("gt", "gte", "lt", "lte") and not isinstance(self.value, (int, float)):
            raise _field_error("value", f"op {self.op!r} needs a number value")
        if self.op == "in" and not isinstance(self.value, list):
            raise _field_error("value", "op 'in' needs a list value")
        if self.op == "regex":
            if not isinstance(self.value, str):
                raise _field_error("value", "op 'regex' needs a string value")
            _regexes("value", [self.value])


@schema
class KeysMatch:
    __pydantic_config__ = FORBID
    all: tuple[Condition, ...]
    strength: Strength | None = None

    def __post_init__(self) -> None:
        _not_empty("all", self.all)


@schema
class NameMatch:
    __pydantic_config__ = FORBID
    pattern: str
    unless: str | None = None
    strength: Strength | None = None

    def __post_init__(self) -> None:
        _regexes("pattern", [p for p in (self.pattern, self.unless) if p is not None])


@schema
class FilesMatch:
    __pydantic_config__ = FORBID
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    strength: Strength | None = None


@schema
class Gate:
    """Conditions that must all hold for a rule to fire; they gate, they are not evidence."""

    __pydantic_config__ = FORBID
    files: FilesMatch | None = None
    facts: KeysMatch | None = None
    name: NameMatch | None = None


Example = str | dict[str, Any]


@schema
class Examples:
    __pydantic_config__ = FORBID
    match: tuple[Example, ...]
    no_match: tuple[Example, ...]
    todo: tuple[Example, ...] = ()  # known misses: recorded, not failed

    def __post_init__(self) -> None:
        _not_empty("match", self.match)
        _not_empty("no_match", self.no_match)


MATCHERS = ("card", "front_matter", "template", "config", "generation", "facts", "hub", "name", "files")


@schema
class Rule:
    __pydantic_config__ = FORBID
    id: str
    tag: str
    strength: Strength
    message: str
    examples: Examples
    card: CardMatch | None = None
    front_matter: KeysMatch | None = None
    template: TextMatch | None = None
    config: KeysMatch | None = None
    generation: KeysMatch | None = None
    facts: KeysMatch | None = None
    hub: KeysMatch | None = None  # Hub metadata: pipeline_tag, tags, gated, base_models, safetensors_total
    name: NameMatch | None = None
    files: FilesMatch | None = None
    requires: Gate | None = None
    when_tags: tuple[str, ...] = ()  # every one of these tags must also be set
    unless_tags: tuple[str, ...] = ()  # none of these may be set (checked after all rules ran)
    # none of these tags may have matched at all, before any suppression: for weak fallbacks, so they
    # add no dependency between tags (a card-level claim can then yield to the fallback's tag)
    unless_matched: tuple[str, ...] = ()
    marketing: bool = False  # a claim that names no method, data or number: raises murk, sets no tag

    def __post_init__(self) -> None:
        for name in ("id", "tag"):
            if not KEBAB.match(getattr(self, name)):
                raise _field_error(name, f"{getattr(self, name)!r} is not kebab-case (lowercase words joined by -)")
        if len(self.message.strip()) < 8:
            raise _field_error("message", "say what matched and why (8 characters at least)")
        if not any(getattr(self, m) is not None for m in MATCHERS):
            raise _field_error("id", f"a rule needs at least one matcher ({', '.join(MATCHERS)})")


@schema
class RuleFile:
    __pydantic_config__ = FORBID
    axis: Literal["backbone", "post_training", "inference", "product"]
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        _not_empty("rules", self.rules)


@dataclass(frozen=True)
class LoadedRule:
    rule: Rule
    axis: str
    file: Path
    line: int | None

    @property
    def full_id(self) -> str:
        return f"{self.axis}.{self.rule.id}"

    @cached_property
    def compiled(self) -> CompiledRule:
        return CompiledRule.build(self.rule)


@dataclass(frozen=True)
class CompiledRule:
    """What matching needs of a rule, prepared once: pattern sources and their prefilters.

    Sources, not compiled patterns: a pickled pattern is recompiled when the cache is read, and most card
    patterns never run at all (their prefilter rules them out), so each is compiled on first use through
    `re`'s own cache (`pattern()`), not at start-up.
    """

    # Card patterns with their literals lowercased, for scanning the lowercased card case-sensitively:
    # twice as fast as IGNORECASE, and one pattern at a time keeps re's literal-prefix search.
    card: tuple[str, ...]
    card_literals: tuple[tuple[str, ...] | None, ...]  # per pattern: text a match must contain (prefilter)
    card_unless: tuple[str, ...]
    sections: str | None
    skip_sections: str
    template: tuple[str, ...]
    template_unless: tuple[str, ...]

    @classmethod
    def build(cls, rule: Rule) -> CompiledRule:
        card, tpl = rule.card, rule.template
        skip = DEFAULT_SKIP_SECTIONS + (f"|{card.skip_sections}" if card and card.skip_sections else "")
        return cls(
            card=tuple(lower_literals(p) for p in card.patterns) if card else (),
            card_literals=tuple(required_literals(lower_literals(p)) for p in card.patterns) if card else (),
            card_unless=card.unless if card else (),
            sections=card.sections if card else None,
            skip_sections=skip,
            template=tpl.patterns if tpl else (),
            template_unless=tpl.unless if tpl else (),
        )


def pattern(source: str, case_blind: bool = True) -> re.Pattern[str]:
    """A rule regex, compiled on first use (re keeps the compiled pattern in its cache)."""
    return re.compile(source, re.IGNORECASE | re.MULTILINE if case_blind else re.MULTILINE)


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
    data = safe_load(text, str(path), error=RuleError, what="YAML syntax error")
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


def _explain(errors: list[dict[str, Any]], data: dict[str, Any], text: str, path: Path) -> RuleError:
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


@dataclass(frozen=True)
class Rulebook:
    rules: tuple[LoadedRule, ...]
    tag_order: tuple[str, ...]  # every tag after the tags its rules' when/unless name

    def for_axis(self, axis: str) -> list[LoadedRule]:
        return [r for r in self.rules if r.axis == axis]


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
    return Rulebook(tuple(loaded), _tag_order(loaded))


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

