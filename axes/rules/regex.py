"""Rule regexes: bounded in time by construction, checked for the shapes that are always slow, prefiltered by
the text every match must hold, compiled on first use.

A rule regex with a repeat (`*`, `+`, `{m,n}`) runs on the `regex` engine with a timeout (Python's re cannot
be interrupted from a worker thread): however it backtracks on whatever text a repo holds, a search ends within
its time, and a rule whose regex runs out of time is skipped with a note (rules.tagger), never a hang. A regex
without any repeat (most of them: `\bDPO\b`, `enable_thinking`) tries at most its own length of text at each
position, so it runs on re, whose compiler is three times faster and needs no import.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import regex as engine

    Match = re.Match[str] | engine.Match[str]

# Seconds one search may take outside a budget (a scan of a whole 2 MB card takes milliseconds).
SEARCH_TIMEOUT = 0.5
_DEADLINE: ContextVar[float | None] = ContextVar("axes_regex_deadline", default=None)


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Every rule regex search in this block shares `seconds` (one rule on one model, in rules.tagger)."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _timeout() -> float:
    deadline = _DEADLINE.get()
    if deadline is None:
        return SEARCH_TIMEOUT
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the regex time budget is spent")
    return left


class Pattern:
    """A compiled rule regex with re's search/finditer interface; on the regex engine each call is bounded by
    the timeout."""

    __slots__ = ("compiled", "clocked")

    def __init__(self, compiled: re.Pattern[str] | engine.Pattern[str], clocked: bool):
        self.compiled = compiled
        self.clocked = clocked

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> Match | None:
        end = len(text) if endpos is None else endpos
        if self.clocked:
            return self.compiled.search(text, pos, end, timeout=_timeout())  # type: ignore[call-overload]
        return self.compiled.search(text, pos, end)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[Match]:
        end = len(text) if endpos is None else endpos
        if self.clocked:
            return self.compiled.finditer(text, pos, end, timeout=_timeout())  # type: ignore[call-overload]
        return self.compiled.finditer(text, pos, end)


_COMPILED: dict[tuple[str, bool], Pattern] = {}


def pattern(source: str, case_blind: bool = True) -> Pattern:
    """A rule regex, compiled on first use and kept for the process: on the regex engine with a timeout if it
    repeats anything, else on re."""
    found = _COMPILED.get((source, case_blind))
    if found is None:
        if has_repeat(source):
            import regex as engine  # ~15 ms to import: only once a regex with a repeat must run

            flags = engine.IGNORECASE | engine.MULTILINE if case_blind else engine.MULTILINE
            found = Pattern(engine.compile(source, flags), clocked=True)
        else:
            found = Pattern(re.compile(source, re.IGNORECASE | re.MULTILINE if case_blind else re.MULTILINE), False)
        _COMPILED[(source, case_blind)] = found
    return found


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
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(source, i) + 1
            continue
        if char in "*+" or char == "{" and QUANTIFIER.match(source, i):
            return True
        i += 1
    return False


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


def _repeat_at(source: str, i: int) -> bool:
    """Does a quantifier that can repeat many times start at `i`: `*`, `+`, `{n,}`, or `{m,n}` with n over
    SMALL_REPEAT? A few rounds (`(\\w+[ -]){0,4}`: "up to four words") cost a low power of the text's
    length at worst, which the timeout bounds."""
    if source[i:i + 1] in ("*", "+"):
        return True
    bounds = QUANTIFIER.match(source, i)
    if bounds is None:
        return False
    most = bounds.group(1) if bounds.group(1) is not None else bounds.group(2)
    return most == "" or int(most) > SMALL_REPEAT


SMALL_REPEAT = 5
QUANTIFIER = re.compile(r"\{\d*,(\d*)\}|\{(\d+)\}")  # {m,n} {m,} {,n} {n}; a bare `{` is a literal
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
PLAIN = re.compile(r"[\w '’\-:/<>=,!@#%&;~`\"]")
ESCAPED_PLAIN = set(".-+*?()[]{}|^$/<>'\"_ \\")
QUANTIFIERS = "?*+{"
REPEAT_BOUNDS = re.compile(r"\{\d*,?\d*\}")


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Text that every match of `pattern` must contain: a prefilter that spares the regex a scan.

    Returns strings of which a match holds at least one: for each top-level alternative, its longest literal
    run outside groups, classes and repeats, or the words of a group that is a plain choice of literals
    (`(sft|dpo|rlhf)`), whichever has the longer shortest word; None when some alternative has neither of
    two characters or more. Only what is certain counts: anything optional or repeated ends a run. A word
    that holds another of the words is left out (the other finds it).
    """
    branches: list[tuple[str, ...]] = []
    best = run = ""
    choice: tuple[str, ...] = ()  # the branch's best group of literal alternatives
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
            if depth == 0:
                group = _literal_choice(pattern, i)
                if group and min(map(len, group)) > min(map(len, choice), default=0):
                    choice = group
            depth, step = depth + 1, 1
        elif char == ")":
            depth, step = depth - 1, 1
        elif char == "{" and (bounds := REPEAT_BOUNDS.match(pattern, i)):
            step = bounds.end() - i  # a quantifier's bounds are not text to look for
        elif char == "|" and depth == 0:
            branches.append(_better(max(best, run, key=len), choice))
            best = run = ""
            choice = ()
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
    branches.append(_better(max(best, run, key=len), choice))
    if any(min(map(len, b)) < 2 for b in branches):
        return None
    words = list(dict.fromkeys(word for branch in branches for word in branch))
    # A text that holds "datasets" holds "dataset": each word searched for costs a scan of the card.
    return tuple(w for w in words if not any(u != w and u in w for u in words))


PLAIN_WORD = re.compile(r"[\w '’\-:/<>=,!@#%&;~`\"]+")


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


