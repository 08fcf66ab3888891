"""One error type for everything a user can get wrong; the CLI turns it into one line and exit code 2."""

from __future__ import annotations

import copy
import re

# Characters that would break the one line an error is (a newline in a target read from a list) or that a
# terminal would act on (escape sequences), and lone surrogates (bytes that were not UTF-8, kept by Python's
# surrogateescape), which no UTF-8 stream can write.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def one_line(text: str) -> str:
    """`text` with its control characters and undecodable bytes escaped (\\n, \\x1b, \\xff): one printable line."""
    return _UNPRINTABLE.sub(_escape, text) if _UNPRINTABLE.search(text) else text


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if "\ud800" <= char <= "\udfff":
        return f"\\x{ord(char) - 0xDC00:02x}" if ord(char) >= 0xDC80 else f"\\u{ord(char):04x}"
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or f"\\x{ord(char):02x}"


class AxesError(Exception):
    """Bad input or an unreachable target: one line naming the file/target (and line)."""

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None, line: int | None = None):
        self.where = where
        self.line = line
        self.message = message
        super().__init__(self.render())

    def within(self, target: str) -> AxesError:
        """The same error, naming the target whose file it is about ("./m: config.json:3: ...")."""
        if self.where is None or target in self.where or "/" in self.where or "\\" in self.where:
            return self
        named = copy.copy(self)
        named.where = f"{target}: {self.where}"
        named.args = (named.render(),)
        return named

    def render(self) -> str:
        """The error as one printable line, whatever the target or file name holds."""
        if self.where is None:
            return one_line(self.message)
        place = f"{self.where}:{self.line}" if self.line is not None else self.where
        return one_line(f"{place}: {self.message}")


class TargetNotFound(AxesError):
    """The target names nothing this machine or the Hub can read."""


class RuleError(AxesError):
    """A rule file is malformed or a rule is invalid."""


class HubUnreachable(AxesError):
    """Network down, a timeout, or the Hub still busy after one retry: the caller falls back to the cache."""


class NotOnHub(TargetNotFound):
    """A definitive answer: no such repo, or no such revision of it."""


class GatedRepo(AxesError):
    """The repo exists but its files need a token with access (gated or private)."""


class TooLarge(AxesError):
    """A file over its size cap, refused before it is read whole (a Hub download stops at the cap)."""

    def __init__(self, size: int | None, cap: int, *, where: str | None = None):
        self.size, self.cap = size, cap
        said = f"{size / 1e6:.1f} MB" if size is not None else "more"
        super().__init__(f"{said}, over the {cap / 2**20:g} MB cap for this file", where=where)
