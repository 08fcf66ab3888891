"""axes: read what a model's own files say about it and place it on the four axes of modern LLMs.

    import axes
    v = axes.inspect("deepseek-ai/DeepSeek-R1")
    v.to_dict()["lenses"]

`import axes` stays cheap: the API (axes.api) and the errors load on first use of a name below.
"""

from __future__ import annotations

__version__ = "0.1.0"

# Public name -> the module that defines it, imported when the name is first asked for.
_LAZY = {
    "inspect": "api", "batch": "api", "compare": "api", "Verdict": "api", "Comparison": "api",
    "Failure": "types",
    "AxesError": "errors", "TargetNotFound": "errors", "NotOnHub": "errors", "GatedRepo": "errors",
    "HubUnreachable": "errors", "RuleError": "errors",
}
__all__ = [  # in the order people read them
    "__version__", "inspect", "batch", "compare", "Verdict", "Comparison", "Failure",
    "AxesError", "TargetNotFound", "NotOnHub", "GatedRepo", "HubUnreachable", "RuleError",
]

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a cheap `import axes`)
if TYPE_CHECKING:
    from typing import Any

    from .api import Comparison, Verdict, batch, compare, inspect
    from .errors import AxesError, GatedRepo, HubUnreachable, NotOnHub, RuleError, TargetNotFound
    from .types import Failure


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'axes' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # once found, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
