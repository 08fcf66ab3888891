"""README.md -> Card: YAML front matter (with the line of each key and list item) and body lines that
know their section heading and whether they sit in a code block.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..errors import AxesError
from ..parsing import safe_load

# Every regex here runs over raw card lines, so each is linear in the line: the title's closing #s and spaces
# are stripped in Python (`(.*?)\s*#*\s*$` backtracks cubically on a line of spaces), an HTML heading's
# end is searched for once, after its start.
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
HTML_HEADING = re.compile(r"<h([1-6])(?:\s[^>]{0,200})?>", re.I)
HTML_HEADING_END = re.compile(r"</h([1-6])\s*>", re.I)
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
TAGS = re.compile(r"<[^>]{1,200}>")
MAX_LINE = 2000  # longer lines are cut before matching, which bounds every rule's regex work



@dataclass(frozen=True)
class Line:
    number: int  # 1-based line in README.md
    text: str
    section: str  # the heading path, " > "-joined, "" before the first heading
    code: bool  # inside a fenced code block


@dataclass(frozen=True)
class Paragraph:
    """Consecutive lines of one block (a wrapped sentence stays whole); a list item or table row is its
    own paragraph. `starts` maps each joined line's offset in `text` to its README line number."""

    text: str
    section: str
    code: bool
    starts: tuple[tuple[int, int], ...]

    def line_at(self, offset: int) -> int:
        line = self.starts[0][1]
        for start, number in self.starts:
            if start > offset:
                break
            line = number
        return line



@dataclass(frozen=True)
class Card:
    front_matter: dict[str, Any] = field(default_factory=dict)
    fm_lines: dict[str, int] = field(default_factory=dict)  # "key" and "key=value" -> line
    lines: tuple[Line, ...] = ()
    notes: tuple[str, ...] = ()  # what could not be read (broken front matter), for the verdict's notices

    @cached_property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return _paragraphs(self.lines)

    @cached_property
    def body(self) -> str:
        """Every paragraph, one per line: a rule scans the whole card with one regex search."""
        return "\n".join(p.text for p in self.paragraphs)

    @cached_property
    def lowered(self) -> str | None:
        """The body lowercased for fast case-blind scans, or None where lowercasing would move offsets
        (a few letters, like the Turkish dotted I, lowercase to two characters)."""
        low = self.body.lower()
        return low if len(low) == len(self.body) else None

    @cached_property
    def _offsets(self) -> list[int]:
        offsets, at = [], 0
        for para in self.paragraphs:
            offsets.append(at)
            at += len(para.text) + 1
        return offsets

    @cached_property
    def sections(self) -> tuple[str, ...]:
        """The distinct section paths of the body, in order."""
        return tuple(dict.fromkeys(p.section for p in self.paragraphs))

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """(start, end) body offsets of every paragraph."""
        return [(at, at + len(p.text)) for at, p in zip(self._offsets, self.paragraphs, strict=True)]

    def index_at(self, offset: int) -> int:
        """The index of the paragraph holding a body offset."""
        return bisect_right(self._offsets, offset) - 1

    def holding(self, texts: tuple[str, ...]) -> list[int]:
        """Indices of the paragraphs whose lowercased text holds one of `texts`, in order."""
        body = self.lowered or ""
        hit: set[int] = set()
        for text in texts:
            at = body.find(text)
            while at >= 0:
                index = self.index_at(at)
                hit.add(index)
                at = body.find(text, self._offsets[index] + len(self.paragraphs[index].text) + 1)
        return sorted(hit)



def parse_card(text: str | None) -> Card:
    if not text:
        return Card()
    lines = text.splitlines()
    data: dict[str, Any] = {}
    fm_lines: dict[str, int] = {}
    start = 0
    notes: list[str] = []
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        try:
            if end is None:
                raise AxesError("front matter opened with --- is never closed", where="README.md", line=1)
            data = _load_front_matter("\n".join(lines[1:end]))
            fm_lines = _front_matter_lines(lines[1:end])
        except AxesError as err:  # a typo in the front matter costs the front matter, not the card
            notes.append(f"{err.render()}; the front matter is not read, the card text still is")
        start = 1 if end is None else end + 1
    return Card(front_matter=data, fm_lines=fm_lines, lines=tuple(_body(lines, start)), notes=tuple(notes))


def _load_front_matter(text: str) -> dict[str, Any]:
    data = safe_load(text, "README.md", first_line=2, what="broken YAML front matter")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AxesError("front matter must be a YAML mapping", where="README.md", line=2)
    return data


def _front_matter_lines(lines: list[str]) -> dict[str, int]:
    """Line numbers of top-level keys and of list items under them (README line = index + 2)."""
    found: dict[str, int] = {}
    key = None
    for index, line in enumerate(lines):
        number = index + 2
        top = re.match(r"^([A-Za-z_][\w\-]*)\s*:\s*(.*)$", line)
        if top:
            key = top.group(1)
            found.setdefault(key, number)
            inline = top.group(2).strip().strip("[]")
            for item in inline.split(","):
                item = item.strip().strip("'\"")
                if item:
                    found.setdefault(f"{key}={item.lower()}", number)
            continue
        item = re.match(r"^\s*-\s+(.*)$", line)
        value = item.group(1).rstrip().removeprefix("'").removeprefix('"') if item else ""
        value = value.removesuffix("'").removesuffix('"').rstrip()
        if value and key and not any(c in value for c in "'\"#"):
            found.setdefault(f"{key}={value.lower()}", number)
    return found


def _body(lines: list[str], start: int) -> list[Line]:
    out: list[Line] = []
    stack: list[tuple[int, str]] = []
    in_code = False
    for index in range(start, len(lines)):
        raw = lines[index]
        if FENCE.match(raw):
            in_code = not in_code
            continue
        heading = None if in_code else _heading(raw)
        if heading:
            level, title = heading
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
        text = raw[:MAX_LINE]
        if not text.strip():
            continue
        out.append(Line(index + 1, text, " > ".join(t for _, t in stack), in_code))
    return out


def _heading(raw: str) -> tuple[int, str] | None:
    """(level, title) of a Markdown or HTML heading line, found in time linear in the line."""
    found = HEADING.match(raw)
    if found:
        level, title = len(found.group(1)), found.group(2).rstrip().rstrip("#").rstrip()
    else:
        opened = HTML_HEADING.search(raw)
        ends = HTML_HEADING_END.finditer(raw, opened.end()) if opened else ()
        close = next((end for end in ends if opened and end.group(1) == opened.group(1)), None)
        if not opened or not close:
            return None
        level, title = int(opened.group(1)), raw[opened.end():close.start()]
    return level, TAGS.sub("", title).strip(" *_`")


BLOCK_START = re.compile(r"^\s*([-*+•]|\d+[.)]|\||>|<)")


def _paragraphs(lines: tuple[Line, ...]) -> tuple[Paragraph, ...]:
    out: list[Paragraph] = []
    current: list[Line] = []

    def flush() -> None:
        if current:
            starts, parts, offset = [], [], 0
            for line in current:
                text = line.text.strip()
                starts.append((offset, line.number))
                parts.append(text)
                offset += len(text) + 1
            out.append(Paragraph(" ".join(parts), current[0].section, current[0].code, tuple(starts)))
            current.clear()

    for line in lines:
        joins = (
            current
            and not line.code
            and not current[-1].code
            and line.number == current[-1].number + 1
            and line.section == current[-1].section
            and not BLOCK_START.match(line.text)
            and not HEADING.match(line.text)
        )
        if not joins:
            flush()
        current.append(line)
        if line.code or HEADING.match(line.text):
            flush()
    flush()
    return tuple(out)


SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|(?<=다\.)|(?<=니다)\s+|\s*[;•|]\s*")


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence (or table cell) of `text` holding the span [start, end)."""
    left = 0
    for match in SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    right_match = SENTENCE_END.search(text, end)
    right = right_match.start() if right_match else len(text)
    return text[left:right]
