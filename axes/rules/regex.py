"""Rule regexes: bounded in time by construction, checked for the shapes that are always slow, prefiltered by
the text every match must hold, compiled on first use.

Most rule regexes run on RE2 (google-re2), whose matching time is linear in the text whatever the pattern, and
which compiles a pattern in ~0.08 ms where re takes ~0.2 ms and the regex package ~0.75 ms: compiling the few
hundred patterns a card needs was a third of a run. RE2 reads \\b \\w \\s \\d as ASCII and has no lookarounds,
so it runs what it can run exactly: an ASCII pattern without lookarounds (but for a one-character lookbehind that
starts it and a lookahead that ends it, which Python checks around each hit), over the text `folded` to ASCII one
character for one (a letter to `_`, a space to a form feed, punctuation and symbols to DEL), which keeps every
offset and every answer of \\b \\w \\s \\d and of ASCII literals the same as Python's engines give on the text
itself. A text with a character folding cannot stand for (a non-ASCII digit, which \\d matches and [0-9] does
not; the Kelvin sign, which a case-blind `k` matches; a combining mark, a word character to regex and not to re)
is searched the Python way.

The Python way: a rule regex with a repeat (`*`, `+`, `{m,n}`) runs on the `regex` engine with a timeout
(Python's re cannot be interrupted from a worker thread): however it backtracks on whatever text a repo holds, a
search ends within its time, and a rule whose regex runs out of time is skipped with a note (rules.tagger), never
a hang. A regex without any repeat (`\\bDPO\\b`) tries at most its own length of text at each position, so it runs
on re, whose compiler is three times faster and needs no import.
"""

from __future__ import annotations

import functools
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from .. import regexes

if TYPE_CHECKING:
    import regex as engine

# Seconds one search may take outside a budget (a scan of a whole 2 MB card takes milliseconds).
SEARCH_TIMEOUT = 0.5
_DEADLINE: ContextVar[float | None] = ContextVar("axes_regex_deadline", default=None)


class time_budget:  # noqa: N801 - used as a function: `with time_budget(0.5):`
    """Every rule regex search in this block shares `seconds` (one rule on one model, in rules.tagger). A class,
    not a generator: it is entered ~120 times a model, and a @contextmanager costs three times as much."""

    __slots__ = ("seconds", "token")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        self.token = _DEADLINE.set(time.monotonic() + self.seconds)

    def __exit__(self, *_: object) -> None:
        _DEADLINE.reset(self.token)


def _timeout() -> float:
    deadline = _DEADLINE.get()
    if deadline is None:
        return SEARCH_TIMEOUT
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the regex time budget is spent")
    return left


UNANCHORED: Any = None  # RE2's anchor for a search, set when google-re2 is first imported (_re2_engine)


class Hit:
    """Where an RE2 search matched, as the part of re.Match the rules read (offsets are the text's own)."""

    __slots__ = ("text", "begin", "stop")

    def __init__(self, text: str, begin: int, stop: int):
        self.text, self.begin, self.stop = text, begin, stop

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.stop

    def span(self) -> tuple[int, int]:
        return self.begin, self.stop

    def group(self, index: int = 0) -> str:
        if index:
            raise IndexError("an RE2 rule match keeps no groups")
        return self.text[self.begin:self.stop]


if TYPE_CHECKING:
    Match = re.Match[str] | engine.Match[str] | Hit


class Pattern:
    """A rule regex with re's search/finditer interface: on RE2 over the folded text where that gives the same
    answers, else on Python's engines, the regex engine's calls each bounded by the timeout."""

    __slots__ = ("source", "case_blind", "re2", "guards", "python", "recheck", "ascii_only")

    def __init__(self, source: str, case_blind: bool, re2: Any | None, guards: Guards = (None, None)):
        self.source, self.case_blind, self.re2 = source, case_blind, re2
        # A pattern starting with a negative lookbehind of one character or ending with a negative lookahead,
        # `(?<!C)X(?!Y)`, runs X on RE2 and looks for C before each hit and Y after it: a hit with neither is
        # Python's first match too (it tries X's ways in RE2's order of preference); one with either is handed to
        # Python's engine, which tries X's other ways and places.
        self.guards = guards
        self.python: tuple[Any, bool] | None = None  # (compiled, clocked), compiled when first needed
        # Folding turns letters into `_`. A pattern naming `_` (`top[_ -]?p`) finds it where the text has a
        # non-ASCII letter as well, and only finds more so: each of its RE2 hits that holds a non-ASCII character
        # is searched again the Python way, from where the search was. One naming `_` in a negated class
        # (`[^\W_]`) would miss such a letter instead: it runs on RE2 over ASCII text only.
        self.recheck = "_" in source
        self.ascii_only = self.recheck and NEGATED_UNDERSCORE.search(source) is not None

    def _folded(self, text: str) -> bytes | None:
        """The text for RE2, or None where this pattern must run the Python way on it."""
        if self.re2 is None or (self.ascii_only and not text.isascii()):
            return None
        return fold(text)

    def _doubtful(self, text: str, begin: int, stop: int, end: int) -> bool:
        """Is an RE2 hit Python's engine's to judge: might it have taken a folded letter for a `_` the pattern
        names, or is it followed by what the pattern's trailing lookahead refuses?"""
        behind, ahead = self.guards
        return (self.recheck and not text[begin:stop].isascii()) or (
            ahead is not None and ahead.match(text, stop, end) is not None) or (
            behind is not None and begin > 0 and behind.match(text, begin - 1, begin) is not None)

    @property
    def compiled(self) -> Any:
        """The pattern on Python's engines."""
        return self._python()[0]

    def _python(self) -> tuple[Any, bool]:
        if self.python is None:
            self.python = _python_engine(self.source, self.case_blind)
        return self.python

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> Match | None:
        end = len(text) if endpos is None else endpos
        folded = self._folded(text)
        if folded is not None:
            begin, stop = self.re2.Match(UNANCHORED, folded, pos, min(end, len(folded)))[0]  # type: ignore[union-attr]
            if begin < 0:
                return None
            if not self._doubtful(text, begin, stop, end):
                return Hit(text, begin, stop)
        compiled, clocked = self._python()
        if clocked:
            return compiled.search(text, pos, end, timeout=_timeout())
        return compiled.search(text, pos, end)

    def absent(self, text: str) -> bool:
        """Is it certain at a glance that the pattern matches nowhere in the text? One RE2 scan of all of it, for
        a caller about to search many windows of it (a match in a window is a match in the whole); never true
        of a pattern or text RE2 does not run."""
        folded = self._folded(text)
        return folded is not None and self.re2.Match(UNANCHORED, folded, 0, len(folded))[0][0] < 0  # type: ignore[union-attr]

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[Match]:
        end = len(text) if endpos is None else endpos
        folded = self._folded(text)
        if folded is not None:
            return self._re2_finditer(text, folded, pos, end)
        return self._python_finditer(text, pos, end)

    def _re2_finditer(self, text: str, folded: bytes, pos: int, end: int) -> Iterator[Match]:
        end = min(end, len(folded))
        while pos <= end:
            begin, stop = self.re2.Match(UNANCHORED, folded, pos, end)[0]  # type: ignore[union-attr]
            if begin < 0:
                return
            if begin == stop or self._doubtful(text, begin, stop, end):
                # Where the next match may be after an empty one is the engines' own subtle rule, and a doubtful
                # hit is Python's to judge: from here on, Python's engine answers (it sees what went before, so
                # it finds what it would have found).
                yield from self._python_finditer(text, pos, end)
                return
            yield Hit(text, begin, stop)
            pos = stop

    def _python_finditer(self, text: str, pos: int, end: int) -> Iterator[Match]:
        compiled, clocked = self._python()
        if clocked:
            return compiled.finditer(text, pos, end, timeout=_timeout())
        return compiled.finditer(text, pos, end)


# A character class that is negated and names `_` (`[^\W_]`, `[^_ ]`).
NEGATED_UNDERSCORE = regexes.compile(r"\[\^\]?(?:\\.|[^\]\\])*_")
_COMPILED: dict[tuple[str, bool], Pattern] = {}


def pattern(source: str, case_blind: bool = True) -> Pattern:
    """A rule regex, compiled on first use and kept for the process: on RE2 where its answers are exact, else on
    the regex engine with a timeout if it repeats anything, else on re."""
    found = _COMPILED.get((source, case_blind))
    if found is None:
        behind, lead, ahead = _guarded(source)
        # A lookahead with a repeat is left to the regex engine's timeout (re would look for it unbounded).
        engine = _re2_engine(lead, case_blind) if ahead is None or not has_repeat(ahead) else None
        flags = re.IGNORECASE | re.MULTILINE if case_blind else re.MULTILINE
        guards: Guards = (None, None)
        if engine is not None:
            guards = tuple(re.compile(g, flags) if g else None for g in (behind, ahead))  # type: ignore[assignment]
        found = _COMPILED[(source, case_blind)] = Pattern(source, case_blind, engine, guards)
    return found


if TYPE_CHECKING:
    Guards = tuple[re.Pattern[str] | None, re.Pattern[str] | None]  # what must not be before / after a hit
# A negative lookahead that ends the pattern, holding only plain groups: `(?! (script|code))`; a negative
# lookbehind of one character (a class, an escape or a character) that starts it: `(?<![\w./@-])`.
TRAILING_GUARD = regexes.compile(r"\(\?!((?:[^()\\]|\\.|\((?!\?[<=!>])(?:[^()\\]|\\.)*\))*)\)$")
LEADING_GUARD = regexes.compile(r"^\(\?<!(\[\^?\]?(?:\\.|[^\]\\])*\]|\\[^\dbBAZzg]|[^\\()\[\]|.*+?{}^$])\)")


def _guarded(source: str) -> tuple[str | None, str, str | None]:
    """(C, X, Y) for a pattern `(?<!C)X(?!Y)`, each guard None where it has none: a lookbehind of one character
    that starts the pattern (X holds no top-level `|`), a lookahead that follows all of X (not inside a group of
    it, nor after one branch of a top-level `|`)."""
    behind = LEADING_GUARD.match(source)
    lead = source[behind.end():] if behind else source
    ahead = TRAILING_GUARD.search(lead)
    if ahead is not None and _whole(lead[:ahead.start()]):
        lead, ahead_source = lead[:ahead.start()], ahead.group(1)
    else:
        ahead_source = None
    if behind is not None and not _whole(lead):
        return None, source, None
    return (behind.group(1) if behind else None), lead, ahead_source


def _whole(source: str) -> bool:
    """Does the pattern end at top level, with no top-level `|` (what follows it follows every match)?"""
    depth = 0
    for _, char in _bare(source):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return False
    return depth == 0


def _python_engine(source: str, case_blind: bool) -> tuple[Any, bool]:
    if has_repeat(source):
        import regex as engine  # ~9 ms to import: only once a regex with a repeat must run on it

        flags = engine.IGNORECASE | engine.MULTILINE if case_blind else engine.MULTILINE
        return engine.compile(source, flags), True
    return re.compile(source, re.IGNORECASE | re.MULTILINE if case_blind else re.MULTILINE), False


# Python syntax RE2 lacks or reads otherwise; a pattern holding one runs on Python's engines.
_NOT_FOR_RE2 = regexes.compile(r"[^\x00-\x7f]|\(\?<?[=!]|\(\?>|[*+?}][+]|\\[NuUx0-9pPX]|\(\?[^:P<]|\\\{")


def _re2_engine(source: str, case_blind: bool) -> Any | None:
    """The pattern on RE2 where it answers exactly as Python's engines do on the folded text; else None."""
    if _NOT_FOR_RE2.search(source):
        return None
    global UNANCHORED
    try:
        import re2
    except ImportError:  # a platform without google-re2's wheel: every pattern runs the Python way
        return None
    UNANCHORED = re2._re2.RE2.Anchor.UNANCHORED
    # The engine's own RE2 object, not the package's wrapper: a search through the wrapper (a generator, a match
    # object, its groups counted) cost 5 us more than the search itself, and the rules make 200 of them a card.
    compiled = re2._re2.RE2(_re2_spelling(source), _re2_options(re2, case_blind))
    return compiled if compiled.ok() else None


def _re2_spelling(source: str) -> bytes:
    """A Python pattern in RE2's syntax, multi-line as the rules are: RE2 spells the text's end \\z and a
    repeat of up to n {0,n}."""
    spelt = re.sub(r"\\Z|\{,", lambda m: "\\z" if m.group() == "\\Z" else "{0,", source)
    return ("(?m)" + spelt).encode("ascii")


def _re2_options(re2: Any, case_blind: bool) -> Any:
    options = re2.Options()
    options.log_errors = False  # a pattern RE2 refuses runs the Python way, without a line on stderr
    options.never_capture = True  # the rules read where a match is, never its groups
    options.case_sensitive = not case_blind
    # The texts RE2 searches are folded to ASCII: read as Latin-1, a `.` or a negated class is one byte, not
    # UTF-8's multi-byte automaton. The same answers on ASCII (the verdicts of 480 real models byte-identical);
    # measured, it saves little: a process's peak after three passes over the corpus 53 -> 51 MB, time the same.
    options.encoding = re2.Options.Encoding.LATIN1
    return options


_TEXT_ENDS = regexes.compile(r"\\[AZz]")


class PatternSet:
    """Case-sensitive rule regexes searched together, in one pass over a text, for which of them match nowhere
    in it: a card holds the text of a dozen of the card rules' four hundred patterns, and one RE2 set search
    (0.03-0.2 ms on a card) rules the others out where searching each for its literals took 5 ms.

    Exact where it answers: the patterns it holds are those RE2 runs exactly over folded text (see Pattern),
    and a text it cannot fold, or a search whose automaton outgrew its memory, gives no answer (None), never a
    wrong one. Building the set costs 25-40 ms, seven cards' worth of searches: it is built once a process has
    asked about BUILD_AFTER texts, so one `axes inspect` never pays for it and a batch pays once.
    """

    BUILD_AFTER = 8

    def __init__(self, sources: Iterable[str]):
        # Left to be searched alone: a pattern naming `_` in a negated class (RE2 runs it over ASCII text only,
        # see Pattern; one naming it elsewhere finds more on folded text, never less); one anchored to the
        # text's ends, which a paragraph's window of the card has where the card does not; and one counting a
        # repeat past SMALL_REPEAT (`.{0,40}`), whose states swamp the set's automaton: with the sixty such
        # patterns in it a card took 1.5-2.8 ms, without them 0.2 ms.
        self.sources = tuple(s for s in dict.fromkeys(sources)
                             if not NEGATED_UNDERSCORE.search(s) and not _NOT_FOR_RE2.search(s)
                             and not _TEXT_ENDS.search(s)
                             and not any(_many(bounds) for bounds in QUANTIFIER.finditer(s)))
        self._reset()

    def _reset(self) -> None:
        self._asked = 0
        self._set: Any = None  # the compiled RE2 set, once built
        self._held: tuple[str, ...] = ()  # the patterns in it, by index (0: the empty pattern)
        self.covered: frozenset[str] = frozenset()  # the patterns it searches for

    def __getstate__(self) -> tuple[str, ...]:
        return self.sources  # a compiled RE2 set does not pickle: a process that receives one builds its own

    def __setstate__(self, sources: tuple[str, ...]) -> None:
        self.sources = sources
        self._reset()

    def ruled_out(self, text: str) -> frozenset[str] | None:
        """The patterns certain to match nowhere in `text`; None when this cannot be told (yet)."""
        self._asked += 1
        if self._asked == self.BUILD_AFTER:
            self._build()
        folded = fold(text) if self._set is not None else None
        if folded is None:
            return None
        found = self._set.Match(folded) or ()
        if 0 not in found:  # the empty pattern matches every text: its absence means the search failed
            return None
        return self.covered - {self._held[i] for i in found}

    def _build(self, memory: int | None = None) -> None:
        try:
            import re2
        except ImportError:
            return
        options = _re2_options(re2, case_blind=False)
        if memory is not None:
            options.max_mem = memory  # RE2's default (8 MB) unless a test asks for its failure
        compiled = re2.Set.SearchSet(options)
        held = [""]
        compiled.Add(b"")
        for source in self.sources:
            try:
                compiled.Add(_re2_spelling(source))
            except re2.error:  # refused by RE2: it runs alone, the Python way
                continue
            held.append(source)
        try:
            compiled.Compile()
        except re2.error:  # out of memory for the whole set: every pattern is searched alone
            return
        self._set, self._held, self.covered = compiled, tuple(held), frozenset(held[1:])


# Folding, by Unicode category: what both of Python's engines read as a word character (letters, letter-like
# numbers) becomes `_`, what both read as a space a form feed, what neither reads as either (punctuation,
# symbols, emoji, controls) DEL. Characters the engines do not agree on, or that folding would change an answer
# for, make the text unfoldable: decimal digits (\d matches them, [0-9] does not), other numbers (re's \w takes
# them, regex's does not), marks, joiners and circled letters (regex's \w takes them, re's does not), characters
# unassigned in Python's Unicode tables, the controls \x1c-\x1f (re's \s takes them, regex's does not) and
# those a case-blind ASCII letter matches (tests/test_regex_engines.py derives these lists from the engines).
_WORD = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nl"})
_SPACE = frozenset({"Zs", "Zl", "Zp"})
_OTHER = frozenset({"Po", "Ps", "Pe", "Pi", "Pf", "Pd", "Sm", "Sc", "Sk", "So", "Cc", "Cf", "Co", "Cs"})
CASE_BLIND_ASCII = frozenset("\u0130\u0131\u017f\u212a")  # İ ı ſ K: a case-blind i, s or k matches them
JOINERS = frozenset("\u200c\u200d")
LETTER_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))  # Ⓐ 🄰 🅐 🅰
_NON_ASCII = regexes.compile(r"[^\x00-\x7f]+")
_ODD_ASCII = regexes.compile(r"[\v\x1c-\x1f]")


class _Unfoldable(Exception):
    pass


@functools.lru_cache(maxsize=4096)
def _folded_char(char: str) -> str:
    kind = unicodedata.category(char)
    if char in CASE_BLIND_ASCII or char in JOINERS or any(a <= ord(char) <= b for a, b in LETTER_SYMBOLS):
        raise _Unfoldable
    if kind in _WORD:
        return "_"
    if kind in _SPACE or char == "\x85":
        return "\f"
    if kind in _OTHER:
        return "\x7f"
    raise _Unfoldable


def _folded_run(run: re.Match[str]) -> str:
    return "".join(map(_folded_char, run.group()))


def _folded_ascii(odd: re.Match[str]) -> str:
    if odd.group() != "\v":
        raise _Unfoldable
    return "\f"


def fold(text: str) -> bytes | None:
    """The text as ASCII bytes, one for each character, that keep \\b \\w \\s \\d and ASCII literals answering as
    they do on the text; None if it holds a character that cannot be folded so. A card's body is searched by
    hundreds of patterns and folded once; a sentence or a name is folded where it is searched."""
    return _fold_kept(text) if len(text) > 256 else _fold(text)


@functools.lru_cache(maxsize=8)
def _fold_kept(text: str) -> bytes | None:
    return _fold(text)


def _fold(text: str) -> bytes | None:
    try:
        if not text.isascii():
            text = _NON_ASCII.sub(_folded_run, text)
        if _ODD_ASCII.search(text):
            text = _ODD_ASCII.sub(_folded_ascii, text)
    except _Unfoldable:
        return None
    return text.encode("ascii")


_LITERALS: dict[str, tuple[str, ...] | None] = {}


def could_match(source: str, lowered: str | None) -> bool:
    """Could the case-blind regex match the text whose lowercased form is `lowered` (None: unknown)? Only if it
    holds one of the regex's required literals: a substring search that spares compiling and running it."""
    if lowered is None:
        return True
    if source not in _LITERALS:
        _LITERALS[source] = required_literals(lower_literals(source))
    needed = _LITERALS[source]
    return needed is None or any(literal in lowered for literal in needed)


def has_repeat(source: str) -> bool:
    """Does the regex repeat anything (`*`, `+`, `{m,n}`, `{n}`) outside character classes and escapes?"""
    return any(char in "*+" or char == "{" and QUANTIFIER.match(source, i) for i, char in _bare(source))


def _bare(source: str) -> Iterator[tuple[int, str]]:
    """(offset, character) of each character of the pattern outside escapes and character classes: the ones
    that make its structure (groups, alternatives, repeats). A `]` first in a class is a member (_class_end)."""
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
        elif char == "[":
            i = _class_end(source, i) + 1
        else:
            yield i, char
            i += 1


def check_regex(source: str) -> None:
    """Refuse a rule regex that does not compile, or whose shape takes time exponential in the text: a
    backreference, or a group repeated many times (`*`, `+`, over SMALL_REPEAT rounds) that holds a repeat or
    an alternation itself and does not start with a literal character (`(a+)+` and `(\\w+\\s?){1,40}` are
    refused; `(?:-\\w+)*` is not: each round must start at a `-`, so rounds cannot trade text between them).

    The timeout bounds every pattern anyway; refusing these shapes at load time tells the rule's author now
    rather than as a note on some model later. Polynomial shapes (`\\s*\\w*\\s*\\w*x`) are left to the timeout.
    """
    import regex as engine

    try:
        engine.compile(source, engine.IGNORECASE | engine.MULTILINE)
        if not has_repeat(source):
            re.compile(source, re.IGNORECASE | re.MULTILINE)  # the engine it will run on (see pattern)
    except (engine.error, re.error, OverflowError, RecursionError, ValueError) as err:
        raise ValueError(f"regex {source!r} does not compile: {err}") from None
    if re.search(r"\\[1-9]|\(\?P=|\\g<", source):
        raise ValueError(f"regex {source!r} uses a backreference (can take exponential time)")
    stack: list[tuple[int, bool]] = []  # per open group: where it starts, whether it holds a repeat
    escaped = in_class = False
    for i, char in enumerate(source):
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
            stack.append((i, False))
        elif char == ")" and stack:
            start, repeats = stack.pop()
            if repeats and _repeat_at(source, i + 1) and not _starts_with_literal(source[start:i]):
                raise ValueError(f"regex {source!r} repeats a repeating group (catastrophic backtracking)")
            if stack:
                stack[-1] = (stack[-1][0], stack[-1][1] or repeats)
        elif stack and (char in "*+" or char == "{" and _repeat_at(source, i)):
            stack[-1] = (stack[-1][0], True)
        elif stack and char == "|" and _repeat_at(source, _group_end(source, i) + 1):
            stack[-1] = (stack[-1][0], True)  # a repeated alternation: its branches may match the same text


def _many(bounds: re.Match[str]) -> bool:
    """Does a quantifier's match (QUANTIFIER) allow more than SMALL_REPEAT rounds?"""
    most = bounds.group(1) if bounds.group(1) is not None else bounds.group(2)
    return most == "" or int(most) > SMALL_REPEAT


def _repeat_at(source: str, i: int) -> bool:
    """Does a quantifier that can repeat many times start at `i`: `*`, `+`, `{n,}`, or `{m,n}` with n over
    SMALL_REPEAT? A few rounds (`(\\w+[ -]){0,4}`: "up to four words") cost a low power of the text's
    length at worst, which the timeout bounds."""
    if source[i:i + 1] in ("*", "+"):
        return True
    bounds = QUANTIFIER.match(source, i)
    return bounds is not None and _many(bounds)


SMALL_REPEAT = 5
QUANTIFIER = regexes.compile(r"\{\d*,(\d*)\}|\{(\d+)\}")  # {m,n} {m,} {,n} {n}; a bare `{` is a literal
# A group's opening: `(`, `(?:`, `(?P<name>`, `(?<name>`, `(?i:` (compiled by re on first use: rule files only).
GROUP_OPENING = r"\((?:\?(?::|P?<\w+>|[aiLmsux]+:))?"


def _starts_with_literal(group: str) -> bool:
    """Does the group (its source from `(` up to its `)`) begin with one plain non-word character that is
    neither optional nor repeated (`-`, `,`, an escaped `\\.`)? Every round of a repeat of it starts there."""
    opening = re.match(GROUP_OPENING, group)
    body = group[opening.end() if opening else 0:]
    first = re.match(r"\\([^\w\s])|([^\w\s\\.()\[\]|*+?{}^$])", body)
    return first is not None and body[first.end():first.end() + 1] not in ("*", "+", "?", "{")


def lower_literals(pattern: str) -> str:
    """The pattern with its literal letters lowercased and its escapes (\\B, \\W, \\S ...) kept as written."""
    out: list[str] = []
    escaped = False
    for char in pattern:
        out.append(char if escaped else char.lower())
        escaped = not escaped and char == "\\"
    return "".join(out)


# Characters that stand for themselves when unescaped, and escapes that stand for a character.
PLAIN = regexes.compile(r"[\w '’\-:/<>=,!@#%&;~`\"]")
ESCAPED_PLAIN = set(".-+*?()[]{}|^$/<>'\"_ \\")
QUANTIFIERS = "?*+{"
REPEAT_BOUNDS = regexes.compile(r"\{\d*,?\d*\}")


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Text that every match of `pattern` must contain: a prefilter that spares the regex a scan.

    Returns strings of which a match holds at least one: for each top-level alternative, its longest literal
    run outside groups, classes and repeats, or the words of a group that is a plain choice of literals
    (`(sft|dpo|rlhf)`), whichever has the longer shortest word; None when some alternative has neither of
    two characters or more. Only what is certain counts: anything optional or repeated ends a run. A word
    that holds another of the words is left out (the other finds it).
    """
    branches: list[tuple[str, ...]] = []
    for runs, choices in _certain_literals(pattern):
        best = max(runs, key=len, default="")
        choice: tuple[str, ...] = ()
        for group in choices:  # the group of literal alternatives with the longest shortest word (the first such)
            if min(map(len, group)) > min(map(len, choice), default=0):
                choice = group
        branches.append(_better(best, choice))
    if any(min(map(len, b)) < 2 for b in branches):
        return None
    return _shortest_words(word for branch in branches for word in branch)


# Per top-level alternative of a pattern, sets of words: a match holds one word of each set of one alternative.
Conjunctions = tuple[tuple[tuple[str, ...], ...], ...]


def literal_conjunctions(pattern: str) -> Conjunctions | None:
    """Everything certain a match holds, per top-level alternative: a match holds, for some alternative, one
    word of each of its sets (its literal runs, and its groups that are plain choices of literals). A stronger
    prefilter than required_literals (which keeps one set per alternative): `reward (from|by) .{0,30}unit test`
    needs "reward", "from" or "by", and "unit test" in one paragraph. None where required_literals is None:
    where an alternative has no run of two characters or more and no such choice."""
    out = []
    for runs, choices in _certain_literals(pattern):
        sets = [(run,) for run in runs if len(run) >= 2] + [g for g in choices if min(map(len, g)) >= 2]
        if not sets:
            return None
        out.append(tuple(dict.fromkeys(_shortest_words(words) for words in sets)))
    return tuple(out)


def _shortest_words(words: Iterable[str]) -> tuple[str, ...]:
    """The words, once each, but those holding another of them: a text that holds "datasets" holds "dataset",
    and each word searched for costs a scan of the card."""
    found = list(dict.fromkeys(words))
    return tuple(w for w in found if not any(u != w and u in w for u in found))


def _certain_literals(pattern: str) -> list[tuple[list[str], list[tuple[str, ...]]]]:
    """Per top-level alternative of `pattern`: (its literal runs outside groups, classes and repeats, the words
    of each of its groups that is a plain choice of literals), each certain in every match of it. Anything
    optional or repeated ends a run; a unit repeated with `+` is certain once."""
    branches: list[tuple[list[str], list[tuple[str, ...]]]] = []
    runs: list[str] = []
    choices: list[tuple[str, ...]] = []
    run = ""
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
        elif char == "{" and (bounds := QUANTIFIER.match(pattern, i)):
            step = bounds.end() - i  # a quantifier (`{0,20}`), not text: it ends the run, as `*` does
        elif char == "(":
            if depth == 0 and (group := _literal_choice(pattern, i)):
                choices.append(group)
            depth, step = depth + 1, 1
        elif char == ")":
            depth, step = depth - 1, 1
        elif char == "{" and (bounds := REPEAT_BOUNDS.match(pattern, i)):
            step = bounds.end() - i  # a quantifier's bounds are not text to look for
        elif char == "|" and depth == 0:
            branches.append(([*runs, run], choices))
            runs, choices, run = [], [], ""
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
            runs.append(run)
            run = ""
        else:
            run += unit
        i += step
    branches.append(([*runs, run], choices))
    return [([r for r in rs if r], cs) for rs, cs in branches]


PLAIN_WORD = regexes.compile(r"[\w '’\-:/<>=,!@#%&;~`\"]+")


def _literal_choice(pattern: str, i: int) -> tuple[str, ...]:
    """The words of the group opened at `i` when it is a plain choice of literals that must occur once
    (`(sft|dpo)`, `(?:a|b)`, not `(a|b)?` nor `(a+|b)`); otherwise ()."""
    end = _group_end(pattern, i + 1)
    inner = pattern[i + 1:end]
    inner = inner[2:] if inner.startswith("?:") else inner
    after = pattern[end + 1:end + 2]
    if end >= len(pattern) or (after and after in QUANTIFIERS) or inner.startswith("?"):
        return ()
    words = tuple(inner.split("|"))
    return words if all(PLAIN_WORD.fullmatch(w) for w in words) else ()


def _better(run: str, choice: tuple[str, ...]) -> tuple[str, ...]:
    """A branch's prefilter: its literal run, or its group of literal alternatives if that is surer."""
    return choice if choice and min(map(len, choice)) > len(run) else (run,)


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


