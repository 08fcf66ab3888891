"""Where the bundled rules and catalog live: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name  # a wheel install (pyproject force-include)
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name  # an editable install or a source checkout


RULES_DIR = _data_dir("rules")
CARDS_DIR = _data_dir("cards")
