"""What the CLI writes besides results: one-line errors and the exit codes (CONTRACT.md), notices on stderr,
results to stdout or to --out. Only the cli package prints or exits.

Exit codes: 0 success (also when the reader closed the pipe: `axes cards list | head -1`); 1 some targets of a
batch failed; 2 bad input; 130 interrupted. Set AXES_DEBUG=1 to see tracebacks instead of one-line errors.
"""

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from ..errors import AxesError, one_line
from ..output.i18n import Lang, notice, t

F = TypeVar("F", bound=Callable[..., Any])
_QUIET = [False]  # `axes --quiet`: set once per invocation by the app's callback


def set_quiet(quiet: bool) -> None:
    _QUIET[0] = quiet


def is_quiet() -> bool:
    return _QUIET[0]


def handles_errors(func: F) -> F:
    """AxesError -> one line on stderr and exit 2; anything else too, unless AXES_DEBUG is set."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AxesError as err:
            typer.echo(f"axes: {err.render()}", err=True)
            raise typer.Exit(err.exit_code) from None
        except BrokenPipeError:
            # The reader has what it wanted (`axes cards list | head -1`): stop, quietly and successfully.
            quiet_stdout()
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            typer.echo("axes: interrupted", err=True)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except OSError as err:
            if err.filename is None or os.environ.get("AXES_DEBUG"):
                raise
            # A file the system refused (a name over 255 bytes, a permission): named, in one line.
            typer.echo(f"axes: {one_line(str(err.filename))}: {err.strerror or err}", err=True)
            raise typer.Exit(2) from None
        except Exception as err:  # noqa: BLE001 - the one place that turns surprises into a clean line
            if os.environ.get("AXES_DEBUG"):
                raise
            typer.echo(f"axes: internal error: {type(err).__name__}: {err} (AXES_DEBUG=1 for details)", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def quiet_stdout() -> None:
    """Point stdout at devnull, so Python's final flush into a closed pipe does not complain either."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file descriptor (a test runner's capture): nothing will flush to a pipe


def terminal_width(width: int | None) -> int | None:
    """--width, else COLUMNS (honoured when output is piped too, as shutil.get_terminal_size does), else the
    terminal's width; None when none says (the renderer's default)."""
    if width:
        return width
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns if sys.stdout and sys.stdout.isatty() else None
    except (OSError, ValueError):
        return None


def write_notices(notices: tuple[str, ...] | list[str], lang: Lang = Lang.en) -> None:
    if is_quiet():
        return
    for text in notices:
        typer.echo(f"axes: {t('note', lang)}: {notice(text, lang)}", err=True)


def check_out(out: Path | None) -> None:
    """Fail before any slow work if --out could not be written."""
    from ..storage import check_folder

    if out is not None:
        check_folder(out)


def deliver(text: str, out: Path | None, *, say_written: bool = False, lang: Lang = Lang.en) -> None:
    """The result to stdout, or atomically to --out."""
    if out is None:
        try:
            typer.echo(text, nl=False)
        except BrokenPipeError:
            raise
        except OSError as err:  # stdout on a full disk (or /dev/full)
            raise AxesError(f"cannot write: {err.strerror or err}", where="stdout") from None
        return
    from ..storage import write_atomic

    write_atomic(out, text)
    if say_written:
        typer.echo(f"axes: {t('wrote', lang).format(path=out)}", err=True)
