"""Rule regexes: refused when they could backtrack catastrophically, prefiltered by the text every match must
hold, compiled on first use."""

from __future__ import annotations

import re


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


def pattern(source: str, case_blind: bool = True) -> re.Pattern[str]:
    """A rule regex, compiled on first use (re keeps the compiled pattern in its cache)."""
    return re.compile(source, re.IGNORECASE | re.MULTILINE if case_blind else re.MULTILINE)


