"""One error type for everything a user can get wrong; the CLI turns it into one line and exit code 2."""

from __future__ import annotations


def one_line(text: str) -> str:
    """`text` with what would break its one line or a terminal escaped: control characters (a newline in a
    target read from a list, escape sequences) and lone surrogates (bytes that were not UTF-8, kept by Python's
    surrogateescape, which no UTF-8 stream can write): \\n, \\x1b, \\xff."""
    if text.isprintable():
        return text
    return "".join(_escape(char) if char < " " or char == "\x7f" or "\ud800" <= char <= "\udfff" else char
                   for char in text)


def _escape(char: str) -> str:
    if "\ud800" <= char <= "\udfff":
        return f"\\x{ord(char) - 0xDC00:02x}" if ord(char) >= 0xDC80 else f"\\u{ord(char):04x}"
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or f"\\x{ord(char):02x}"


class AxesError(Exception):
    """Bad input or an unreachable target: one line naming the file/target (and line)."""

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None, line: int | None = None,
                 suggestions: tuple[str, ...] = ()):
        self.where = where
        self.line = line
        self.message = message
        self.suggestions = suggestions  # names close to a target nothing knows ("did you mean ...?")
        super().__init__(self.render())

    def within(self, target: str) -> AxesError:
        """The same error, naming the target whose file it is about ("./m: config.json:3: ...")."""
        if self.where is None or target in self.where or "/" in self.where or "\\" in self.where:
            return self
        import copy

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
