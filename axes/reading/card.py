"""README.md -> Card: YAML front matter (with the line of each key and list item) and body blocks that know
their section heading, their kind (prose, list item, table row with its header, heading ...) and the text a
reader sees once the markdown is gone.

What is stripped before any rule reads a line, so negation and scope see the words a person sees: emphasis,
links (their text stays, the Hub ids they point to are kept apart), images, inline HTML tags, HTML comments,
strikethrough. Code blocks stay verbatim (a prompt format is literal text). What is marked as not a claim:
headings, tables of contents, model-card template placeholders.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cached_property
from typing import Any, Literal

from msgspec import Struct, field

from .. import regexes
from ..errors import AxesError
from ..parsing import safe_load

# Every regex here runs over raw card lines, so each is linear in the line: the title's closing #s and spaces
# are stripped in Python (`(.*?)\s*#*\s*$` backtracks cubically on a line of spaces), an HTML heading's
# end is searched for once, after its start.
HEADING = regexes.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
HTML_HEADING = regexes.compile(r"<h([1-6])(?:\s[^>]{0,200})?>", re.I)
HTML_HEADING_END = regexes.compile(r"</h([1-6])\s*>", re.I)
FENCE = regexes.compile(r"^\s{0,3}(```|~~~)")
TAGS = regexes.compile(r"<[^>]{1,200}>")
MAX_LINE = 2000  # longer lines are cut before matching, which bounds every rule's regex work

# Markdown and HTML a reader never sees. Every pattern is bounded: one pass, no nested repeats.
IMAGE = regexes.compile(r"!\[[^\]\n]{0,300}\]\([^)\n]{0,600}\)")
LINK = regexes.compile(r"\[([^\]\n]{0,300})\]\(([^)\s]{0,600})(?:\s+\"[^\"\n]{0,200}\")?\)")
BARE_URL = regexes.compile(r"https?://[^\s)\]>|]{1,600}")
HUB_ID = regexes.compile(r"huggingface\.co/(?!datasets/|spaces/|docs/|blog/|collections/|papers/)"
                    r"([A-Za-z0-9][\w.\-]{0,95}/[A-Za-z0-9][\w.\-]{0,95})")
# HTML elements by name, so prompt tokens that look like tags (<think>, <<SYS>>, <|im_start|>) survive.
HTML_TAG = regexes.compile(
    r"</?(?:a|abbr|b|big|blockquote|br|center|code|dd|del|details|div|dl|dt|em|font|h[1-6]|hr|i|img|ins|kbd|li"
    r"|mark|ol|p|picture|pre|q|small|source|span|strong|sub|summary|sup|table|tbody|td|th|thead|tr"
    r"|tt|u|ul|video)\b[^>]{0,500}>",
    re.I,
)
STRUCK = regexes.compile(r"~~[^~\n]{1,400}~~|<(del|strike)>[^<\n]{0,400}</\1>", re.I)  # <s> is a BOS token too
COMBINING_STRIKE = regexes.compile(r"(?:.\u0336)+")  # t̶e̶x̶t̶ struck with a combining stroke: withdrawn words
EMPHASIS = regexes.compile(r"\*{1,3}|(?<![\w\\])_{1,3}(?=\S)|(?<=\S)_{1,3}(?!\w)")
ENTITIES = {"&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&emsp;": " "}
ENTITY = regexes.compile("|".join(ENTITIES))
SPACES = regexes.compile(r"[ \t]{2,}")
COMMENT_OPEN, COMMENT_CLOSE = "<!--", "-->"
MARKUP = regexes.compile("[!\\[<*_~&`\u0336]|huggingface\\.co/")  # a line without any of these reads as written
# A list item that only links to anchors of the same page: a table of contents, not a claim.
TOC_ITEM = regexes.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[[^\]\n]{0,200}\]\(#[^)\n]{0,200}\)\s*$")
# The Hugging Face model-card template's unfilled slots.
PLACEHOLDER = regexes.compile(r"more information needed|\[optional\]|provide a (quick|longer) summary", re.I)
TABLE_SEPARATOR = regexes.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")

Kind = Literal["prose", "item", "row", "header", "quote", "heading", "toc", "todo", "placeholder"]
NOT_CLAIMS: frozenset[str] = frozenset({"heading", "header", "toc", "todo", "placeholder"})
UNCHECKED = regexes.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[ \]")  # "- [ ] Function calling": still to do


class Line(Struct, frozen=True):
    number: int  # 1-based line in README.md
    text: str  # what a reader sees: markdown stripped (code lines verbatim)
    section: str  # the heading path, " > "-joined, "" before the first heading
    code: bool  # inside a fenced code block
    links: tuple[str, ...] = ()  # Hub repo ids the line links to
    raw: str = ""  # the line as written (cut at MAX_LINE)
    kind: Kind = "prose"  # the block the line opens or continues (a code line: prose)


class Paragraph(Struct, frozen=True):
    """Consecutive lines of one block (a wrapped sentence stays whole); a list item or table row is its
    own paragraph. `starts` maps each joined line's offset in `text` to its README line number."""

    text: str
    section: str
    code: bool
    starts: tuple[tuple[int, int], ...]
    kind: Kind = "prose"
    header: tuple[str, ...] = ()  # a table row: its table's header cells
    cells: tuple[str, ...] = ()  # a table row: its own cells
    links: tuple[str, ...] = ()  # Hub repo ids linked from the block
    indent: int = 0  # a list item's indentation: a nested item belongs to the item above it

    def line_at(self, offset: int) -> int:
        line = self.starts[0][1]
        for start, number in self.starts:
            if start > offset:
                break
            line = number
        return line

    @property
    def claims(self) -> bool:
        """Can this block state something about a model? Headings, contents and empty template slots cannot."""
        return self.kind not in NOT_CLAIMS


class Scan:
    """Texts (one per paragraph) joined into one body, one per line: a rule scans the whole card with one
    regex search and maps each hit back to its paragraph."""

    def __init__(self, texts: tuple[str, ...]) -> None:
        self.texts = texts

    @cached_property
    def body(self) -> str:
        return "\n".join(self.texts)

    @cached_property
    def lowered(self) -> str | None:
        """The body lowercased for fast case-blind scans, or None where lowercasing would move offsets
        (a few letters, like the Turkish dotted I, lowercase to two characters)."""
        low = self.body.lower()
        return low if len(low) == len(self.body) else None

    @cached_property
    def offsets(self) -> list[int]:
        offsets, at = [], 0
        for text in self.texts:
            offsets.append(at)
            at += len(text) + 1
        return offsets

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """(start, end) body offsets of every paragraph."""
        return [(at, at + len(text)) for at, text in zip(self.offsets, self.texts, strict=True)]

    def index_at(self, offset: int) -> int:
        """The index of the paragraph holding a body offset."""
        return bisect_right(self.offsets, offset) - 1

    def holding(self, texts: tuple[str, ...]) -> list[int]:
        """Indices of the paragraphs whose lowercased text holds one of `texts`, in order (each text is
        searched for once per card: rules and identity passes share literals)."""
        if len(texts) == 1:
            return self._holding(texts[0])
        hit: set[int] = set()
        for text in texts:
            hit.update(self._holding(text))
        return sorted(hit)

    def holding_all(self, alternatives: tuple[tuple[tuple[str, ...], ...], ...]) -> list[int]:
        """Indices of the paragraphs that hold, for one of the alternatives, a text of each of its sets, in order
        (a pattern's literal_conjunctions: "reward", then "from" or "by", then "unit test")."""
        hit: set[int] = set()
        for sets in alternatives:
            common: set[int] | None = None
            for texts in sets:
                common = set(self.holding(texts)) if common is None else common.intersection(self.holding(texts))
                if not common:
                    break
            hit |= common or set()
        return sorted(hit)

    def _holding(self, text: str) -> list[int]:
        found = self._found.get(text)
        if found is None:
            body, found = self.lowered or "", []
            at = body.find(text)
            while at >= 0:
                index = self.index_at(at)
                found.append(index)
                at = body.find(text, self.offsets[index] + len(self.texts[index]) + 1)
            self._found[text] = found
        return found

    @cached_property
    def _found(self) -> dict[str, list[int]]:
        return {}


class Card(Struct, frozen=True, dict=True):
    front_matter: dict[str, Any] = field(default_factory=dict)
    fm_lines: dict[str, int] = field(default_factory=dict)  # "key" and "key=value" -> line
    lines: tuple[Line, ...] = ()
    notes: tuple[str, ...] = ()  # what could not be read (broken front matter), for the verdict's notices

    @cached_property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return _paragraphs(self.lines)

    @cached_property
    def scan(self) -> Scan:
        """The paragraphs as a reader sees them."""
        return Scan(tuple(p.text for p in self.paragraphs))

    @cached_property
    def markup(self) -> Scan:
        """The paragraphs as written (links' targets, URLs and inline HTML kept), for rules that read markup;
        a paragraph's lines joined by one space, as in its text."""
        raw = self._raw
        return Scan(tuple(" ".join(raw.get(number, "").strip() for _, number in p.starts) for p in self.paragraphs))

    @cached_property
    def _raw(self) -> dict[int, str]:
        return {line.number: line.raw for line in self.lines}

    def markup_line_at(self, index: int, offset: int) -> tuple[int, int]:
        """(README line, the offset in the paragraph's text that line starts at) of an offset in paragraph
        `index`'s markup text."""
        para, raw = self.paragraphs[index], self._raw
        at, found = 0, (para.starts[0][1], 0)
        for start, number in para.starts:
            if at > offset:
                break
            found = (number, start)
            at += len(raw.get(number, "").strip()) + 1
        return found

    @property
    def body(self) -> str:
        """Every paragraph, one per line: a rule scans the whole card with one regex search."""
        return self.scan.body

    @property
    def lowered(self) -> str | None:
        """The body lowercased for fast case-blind scans, or None where lowercasing would move offsets
        (a few letters, like the Turkish dotted I, lowercase to two characters)."""
        return self.scan.lowered

    @cached_property
    def sections(self) -> tuple[str, ...]:
        """The distinct section paths of the body, in order."""
        return tuple(dict.fromkeys(p.section for p in self.paragraphs))

    @property
    def spans(self) -> list[tuple[int, int]]:
        """(start, end) body offsets of every paragraph."""
        return self.scan.spans

    @cached_property
    def links(self) -> tuple[str, ...]:
        """Every Hub repo id the card links to, in order of first appearance."""
        return tuple(dict.fromkeys(link for p in self.paragraphs for link in p.links))

    def index_at(self, offset: int) -> int:
        """The index of the paragraph holding a body offset."""
        return self.scan.index_at(offset)

    def holding(self, texts: tuple[str, ...]) -> list[int]:
        """Indices of the paragraphs whose lowercased text holds one of `texts`, in order."""
        return self.scan.holding(texts)


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


def plain(text: str) -> tuple[str, tuple[str, ...]]:
    """A line as a reader sees it, and the Hub repo ids it links to.

    `it was **not** instruction-tuned, nor [trained](x) with RLHF` -> `it was not instruction-tuned, nor
    trained with RLHF`. Link text stays; images, HTML tags and struck-out words go.
    """
    if not MARKUP.search(text):
        return (SPACES.sub(" ", text) if "  " in text else text).strip(), ()
    links = tuple(m.group(1).rstrip(".") for m in HUB_ID.finditer(text)) if "huggingface.co/" in text else ()
    if "!" in text:
        text = IMAGE.sub("", text)
    if "](" in text:
        text = LINK.sub(lambda m: m.group(1) or "", text)
    if "~~" in text or "<" in text:
        text = STRUCK.sub("", text)
    if "<" in text:
        text = HTML_TAG.sub(" ", text)
    if "\u0336" in text:
        text = COMBINING_STRIKE.sub("", text)
    if "*" in text or "_" in text:
        text = EMPHASIS.sub("", text)
    if "`" in text:
        text = text.replace("`", "")
    if "&" in text:
        text = ENTITY.sub(lambda m: ENTITIES[m.group(0)], text)
    return SPACES.sub(" ", text).strip(), links


def _strip_comments(raw: str, in_comment: bool) -> tuple[str, bool]:
    """The line without the parts inside HTML comments, and whether a comment is still open after it."""
    out: list[str] = []
    at = 0
    while at < len(raw):
        if in_comment:
            close = raw.find(COMMENT_CLOSE, at)
            if close < 0:
                return "".join(out), True
            at, in_comment = close + len(COMMENT_CLOSE), False
        else:
            opening = raw.find(COMMENT_OPEN, at)
            if opening < 0:
                out.append(raw[at:])
                break
            out.append(raw[at:opening])
            at, in_comment = opening + len(COMMENT_OPEN), True
    return "".join(out), in_comment


def _body(lines: list[str], start: int) -> list[Line]:
    out: list[Line] = []
    stack: list[tuple[int, str]] = []
    section = ""
    in_code = in_comment = False
    for index in range(start, len(lines)):
        raw = lines[index][:MAX_LINE]
        if not in_code and (in_comment or COMMENT_OPEN in raw):
            raw, in_comment = _strip_comments(raw, in_comment)
        if FENCE.match(raw):
            in_code = not in_code
            continue
        heading = None if in_code else _heading(raw)
        if heading:
            level, title = heading
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            section = " > ".join(t for _, t in stack)
        links: tuple[str, ...] = ()
        kind: Kind = "prose"
        if in_code:
            text = raw
        else:
            text, links = plain(raw)
            kind = "heading" if heading else _kind(raw)
        if not text or text.isspace():
            continue
        out.append(Line(index + 1, text, section, in_code, links, raw, kind))
    return out


def _heading(raw: str) -> tuple[int, str] | None:
    """(level, title) of a Markdown or HTML heading line, found in time linear in the line."""
    found = HEADING.match(raw)
    if found:
        level, title = len(found.group(1)), found.group(2).rstrip().rstrip("#").rstrip()
    elif "<h" not in raw and "<H" not in raw:
        return None
    else:
        opened = HTML_HEADING.search(raw)
        ends = HTML_HEADING_END.finditer(raw, opened.end()) if opened else ()
        close = next((end for end in ends if opened and end.group(1) == opened.group(1)), None)
        if not opened or not close:
            return None
        level, title = int(opened.group(1)), raw[opened.end():close.start()]
    return level, plain(TAGS.sub("", title))[0].strip(" *_`")


BLOCK_START = regexes.compile(r"^\s*([-*+•]|\d+[.)]|\||>|<)")
BOLD_LABEL = regexes.compile(r"^\s{0,3}\*\*[^*\n]{1,120}\*\*\s{0,3}:?\s*$")
ITEM = regexes.compile(r"^\s*(?:[-*+•]|\d+[.)])\s")


def _kind(raw: str) -> Kind:
    """The block a line that is not a heading opens."""
    if "](#" in raw and TOC_ITEM.match(raw):
        return "toc"
    if "[ ]" in raw and UNCHECKED.match(raw):
        return "todo"
    if ITEM.match(raw):
        return "item"
    if raw.lstrip().startswith(">"):
        return "quote"
    return "prose"


def _cells(text: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in text.strip().strip("|").split("|"))


def _is_row(line: Line) -> bool:
    return not line.code and line.text.lstrip().startswith("|")


def _paragraphs(lines: tuple[Line, ...]) -> tuple[Paragraph, ...]:
    out: list[Paragraph] = []
    current: list[Line] = []

    def flush() -> None:
        if not current:
            return
        first = current[0]
        starts: tuple[tuple[int, int], ...]
        if len(current) == 1:  # most blocks: one line
            text, starts, links = first.text.strip(), ((0, first.number),), first.links
        else:
            parts: list[str] = []
            start_list: list[tuple[int, int]] = []
            all_links: list[str] = []
            offset = 0
            for line in current:
                part = line.text.strip()
                start_list.append((offset, line.number))
                parts.append(part)
                all_links += line.links
                offset += len(part) + 1
            text, starts, links = " ".join(parts), tuple(start_list), tuple(dict.fromkeys(all_links))
        kind: Kind = "prose" if first.code else first.kind
        if not first.code and ("eeded" in text or "ptional" in text or "ummary" in text) and PLACEHOLDER.search(text):
            kind = "placeholder"
        indent = len(first.raw) - len(first.raw.lstrip(" \t")) if kind == "item" else 0
        out.append(Paragraph(text, first.section, first.code, starts, kind, links=links, indent=indent))
        current.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        if _is_row(line):
            flush()
            index = _table(lines, index, out)
            continue
        # a bold label on its own line ("**Out-of-scope use cases**") stands apart, like a heading
        label = "**" in line.raw and BOLD_LABEL.match(line.raw) is not None
        joins = (
            current
            and not label
            and not line.code
            and not current[-1].code
            and line.number == current[-1].number + 1
            and line.section == current[-1].section
            and not BLOCK_START.match(line.raw)
            and line.kind != "heading"
            and current[0].kind not in ("heading", "toc")
        )
        if not joins:
            flush()
        current.append(line)
        if line.code or line.kind == "heading" or label:
            flush()
        index += 1
    flush()
    return tuple(out)


def _table(lines: tuple[Line, ...], index: int, out: list[Paragraph]) -> int:
    """Read the table starting at lines[index]: each data row becomes a paragraph carrying its header.
    Returns the index of the first line after the table."""
    rows: list[Line] = []
    while index < len(lines) and _is_row(lines[index]) and (not rows or lines[index].number == rows[-1].number + 1):
        rows.append(lines[index])
        index += 1
    header: tuple[str, ...] = ()
    if len(rows) >= 2 and TABLE_SEPARATOR.match(rows[1].text):
        header = _cells(rows[0].text)
        out.append(Paragraph(" | ".join(header), rows[0].section, False, ((0, rows[0].number),), "header",
                             cells=header, links=rows[0].links))
        rows = rows[2:]
    for row in rows:
        if TABLE_SEPARATOR.match(row.text):
            continue
        cells = _cells(row.text)
        out.append(Paragraph(" | ".join(cells), row.section, False, ((0, row.number),), "row",
                             header=header, cells=cells, links=row.links))
    return index


SENTENCE_END = regexes.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])|(?<=다\.)|(?<=니다)\s+|\s*[;•|]\s*")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """(left, right) offsets of the sentence (or table cell) of `text` holding the span [start, end)."""
    left = 0
    for match in SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    right_match = SENTENCE_END.search(text, end)
    right = right_match.start() if right_match else len(text)
    return left, max(right, end)


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence (or table cell) of `text` holding the span [start, end)."""
    left, right = sentence_bounds(text, start, end)
    return text[left:right]
