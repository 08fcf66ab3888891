"""axes: read what a model's own files say about it and place it on the four axes of modern LLMs.

    import axes
    v = axes.inspect("deepseek-ai/DeepSeek-R1")
    v.to_dict()["lenses"]

`import axes` stays cheap: the API (axes.api) and the errors load on first use of a name below. Type checkers
read the names from __init__.pyi (this package is the bottom layer, so it imports nothing above it).
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


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'axes' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # once found, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
