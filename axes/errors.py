"""One error type for everything a user can get wrong; the CLI turns it into one line and exit code 2."""

from __future__ import annotations


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
        copy = type(self)(self.message, where=f"{target}: {self.where}", line=self.line,
                          suggestions=self.suggestions)
        return copy

    def render(self) -> str:
        if self.where is None:
            return self.message
        place = f"{self.where}:{self.line}" if self.line is not None else self.where
        return f"{place}: {self.message}"


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
