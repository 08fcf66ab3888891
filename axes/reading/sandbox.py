"""Render chat templates safely: jinja2's immutable sandbox, set up as transformers' apply_chat_template sets
it up, inside a forked child process with CPU, memory and output limits.

Templates come from strangers. Hub dumps have carried Jinja injection payloads, jinja2's sandbox itself had
escapes fixed in 3.1.5 and 3.1.6, and a template can loop or allocate without end. So each layer assumes the
one before it failed:
- the environment has no loader (no include, import or extends), no filesystem, only the sandbox's safe
  attribute access, and `*` / `**` bounded so a template cannot build a giant string or number;
- the child process that compiles and renders has RLIMIT_CPU (1 s soft, then SIGKILL at 2 s), RLIMIT_AS
  (its current size plus 512 MB), no core dumps, no file writes and no new processes (RLIMIT_NPROC, which
  root ignores); it stops a render whose output passes 256 KB. It keeps its user: dropping root to nobody
  would break the lazy imports Python makes mid-render where the interpreter lives under a private home;
- the parent waits for the child's reply with a wall-clock deadline and kills it when the deadline passes.
An exception inside the template is a result (the template's own words are evidence), never a crash.

jinja2 is imported only here, and this module only when a model has a template whose renders are not
cached yet (reading.template keeps what the renders showed, per process and on disk).
"""

from __future__ import annotations

import json
import os
import select
import signal
import time
from typing import Any

from msgspec import Struct

from . import probes

CPU_SECONDS = 1  # RLIMIT_CPU soft limit of the child: SIGXCPU, turned into a clean stop
CPU_HARD_SECONDS = 2  # then the kernel's SIGKILL, for a child stuck inside one C call
MEMORY_HEADROOM = 512 * 1024 * 1024  # RLIMIT_AS above what the child already maps at the fork
WALL_SECONDS = 5.0  # the parent's own deadline: a loaded machine gives the child less than its CPU second
RENDER_CAP = 256 * 1024  # characters one render may produce before it is stopped
KEEP = 64 * 1024  # characters of each render sent back (every marker sits well inside this)
ERROR_CAP = 300  # characters of an error message kept
REPLY_CAP = 16 * 1024 * 1024  # bytes of reply read from the child
REPEAT_CAP = 100_000  # the longest string or list a template's `*` may build
POWER_BITS = 4096  # about the largest number (in bits) a template's `**` may build
# A fixed clock for strftime_now: the same template renders to the same text on every run.
FIXED_NOW = (2025, 1, 15, 12, 0, 0)


class Failure(Struct, frozen=True):
    """No reply: why, in a sentence for the notes."""

    why: str


# {"templates": {name: {"error", "variables", "content", "probes": {probe: {"output" | "error", ...}}}}, "cut"}
Reply = dict[str, Any]


class CpuLimit(BaseException):
    """SIGXCPU in the child: the render has used its CPU second. A BaseException, so nothing on the way
    up (jinja2's own error handling included) mistakes it for a template error."""


def run_isolated(templates: dict[str, str], tokens: dict[str, str]) -> Reply | Failure:
    """Fork; the child limits itself, renders and writes its JSON reply to a pipe; the parent reads it with a
    deadline and kills a child that overruns."""
    if not hasattr(os, "fork"):
        return Failure("rendering needs a POSIX system (os.fork); the template's text is matched instead")
    import resource  # noqa: F401 - imported before the fork, as everything the child uses

    _environment()  # import and build before the fork: the child inherits it instead of paying for it
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the parent's code
        status = 1
        try:
            os.close(read_end)
            _limit_self()
            data = json.dumps(render_all(templates, tokens)).encode()
            _write_all(write_end, data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    overran = True  # until a whole reply is read: an interrupt (Ctrl-C) also ends and reaps the child
    try:
        data, overran = _read_reply(read_end, time.monotonic() + WALL_SECONDS)
    finally:
        os.close(read_end)
        if overran:
            _kill(pid)
        _, status = os.waitpid(pid, 0)
    if overran:
        return Failure(f"the render ran past {WALL_SECONDS:g} s (or its reply past {REPLY_CAP // 2**20} MB) "
                       "and was stopped")
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return Failure(f"the render used its {CPU_SECONDS} s of CPU and was stopped")
        return Failure(f"the render was ended by signal {signal.Signals(sig).name}")
    try:
        reply = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return Failure("the render ended without a reply")
    return reply if isinstance(reply, dict) else Failure("the render ended without a reply")


def _read_reply(fd: int, deadline: float) -> tuple[bytes, bool]:
    """Everything the child writes, until it closes the pipe; (data, True) when the deadline or cap passed."""
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return b"", True
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
        size += len(chunk)
        if size > REPLY_CAP:
            return b"", True


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _limit_self() -> None:
    """In the child: the resource limits, no core dumps, and nothing written to the parent's terminal."""
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_HARD_SECONDS))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    if hasattr(resource, "RLIMIT_NPROC"):
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    mapped = _mapped_bytes()
    if mapped is not None:
        resource.setrlimit(resource.RLIMIT_AS, (mapped + MEMORY_HEADROOM, mapped + MEMORY_HEADROOM))
    signal.signal(signal.SIGXCPU, _on_cpu_limit)
    # A write past RLIMIT_FSIZE fails with EFBIG instead of killing the child: Python caching the bytecode
    # of a module imported mid-render must not end the render.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child at once, the parent handles it
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


def _mapped_bytes() -> int | None:
    """The child's address-space size now (Linux /proc): the memory limit is set above it."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def _on_cpu_limit(_signum: int, _frame: object) -> None:
    raise CpuLimit


# --- inside the child ---------------------------------------------------------------------------------

def render_all(templates: dict[str, str], tokens: dict[str, str]) -> Reply:
    """Compile each named template and render every probe through it. Runs in the limited child."""
    reply: Reply = {"templates": {}, "cut": None}
    try:
        for name, source in templates.items():
            entry: dict[str, Any] = {"error": None, "variables": [], "probes": {}}
            reply["templates"][name] = entry
            _render_template(source, tokens, entry)
    except CpuLimit:
        signal.signal(signal.SIGXCPU, signal.SIG_IGN)  # let the reply be written; the hard limit still holds
        reply["cut"] = f"the render used its {CPU_SECONDS} s of CPU and was stopped"
    return reply


def _render_template(source: str, tokens: dict[str, str], entry: dict[str, Any]) -> None:
    env = _environment()
    try:
        tree = env.parse(source)
        variables = _read_names(tree)
        compiled = env.from_string(tree)
    except MemoryError:
        entry["error"] = "the template ran out of its memory limit while compiling"
        return
    except Exception as err:  # noqa: BLE001 - whatever a stranger's template does is a result
        entry["error"] = _describe(err)
        return
    entry["variables"] = sorted(variables)
    # Messages as plain strings, or, when the template shows no text given so, as typed parts (the form
    # multimodal templates read).
    first = probes.FIXED[0]
    parts = probes.USER not in str(_render_one(compiled, first.context(tokens)).get("output")) and \
        probes.USER in str(_render_one(compiled, first.context(tokens, parts=True)).get("output"))
    entry["content"] = "parts" if parts else "text"
    for probe in _plan(compiled, variables, tokens, entry["probes"]):
        result = _render_one(compiled, probe.context(tokens, parts))
        entry["probes"][probe.name] = result
        if result.get("memory"):
            entry["error"] = "the template ran out of its memory limit and was stopped"
            return


def _read_names(tree: Any) -> set[str]:
    """The names a template reads that are not its own loop variables or macro parameters: the variables a
    caller may pass. A walk of the parsed tree (jinja2.meta's exact answer compiles the template a second
    time, which costs more than every render together); a name the template also sets is kept, because
    `{% if x is not defined %}{% set x = ... %}` is how templates give a caller's switch its default."""
    from jinja2 import nodes

    loaded = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"}
    bound = {"loop", "caller", "varargs", "kwargs", "self"}
    for loop in tree.find_all(nodes.For):
        targets = [loop.target, *loop.target.find_all(nodes.Name)]  # find_all skips the node itself
        bound |= {n.name for n in targets if isinstance(n, nodes.Name)}
    for macro in tree.find_all((nodes.Macro, nodes.CallBlock)):
        bound |= {arg.name for arg in macro.args}
        if isinstance(macro, nodes.Macro):
            bound.add(macro.name)
    return loaded - bound


def _plan(compiled: Any, variables: set[str], tokens: dict[str, str], done: dict[str, Any]) -> Any:
    """The probes for a template, in order: the fixed ones, the function list under the other names the
    template reads, then each variable as a switch and a level (a number when low/high both fail)."""
    yield from probes.FIXED
    for variable in probes.tool_variables(variables):
        yield probes.tool_probe(variable)
    for variable in probes.switch_candidates(variables):
        for label, value in probes.SWITCH_VALUES:
            yield probes.switch_probe(variable, label, value)
        if all("error" in done.get(f"{variable} {label}", {}) for label in ("low", "high")):
            for label, value in probes.NUMBER_VALUES:
                yield probes.switch_probe(variable, label, value)


def _render_one(compiled: Any, context: dict[str, Any]) -> dict[str, Any]:
    from jinja2.exceptions import TemplateError

    parts: list[str] = []
    size = 0
    try:
        for chunk in compiled.generate(**context):
            parts.append(chunk)
            size += len(chunk)
            if size > RENDER_CAP:
                return {"output": "".join(parts)[:KEEP], "cut": f"output passed {RENDER_CAP // 1024} KB"}
    except MemoryError:
        parts.clear()
        return {"error": "MemoryError: the render ran out of its memory limit", "memory": True}
    except TemplateError as err:
        raised = type(err).__name__ == "TemplateRaised"
        return {"error": _describe(err), **({"raised": True} if raised else {})}
    except Exception as err:  # noqa: BLE001 - a template's own failure is evidence, never a crash
        return {"error": _describe(err)}
    output = "".join(parts)
    return {"output": output[:KEEP], **({"cut": f"output kept to {KEEP // 1024} KB"} if len(output) > KEEP else {})}


def _describe(err: BaseException) -> str:
    name = "raised" if type(err).__name__ == "TemplateRaised" else type(err).__name__
    text = str(err).strip().replace("\n", " ")
    line = getattr(err, "lineno", None)
    where = f" (line {line})" if isinstance(line, int) else ""
    return f"{name}: {text}{where}"[:ERROR_CAP] if text else f"{name}{where}"


_env: Any = None


def _environment() -> Any:
    """The sandboxed environment, built once per process: the settings, filters and globals of transformers'
    apply_chat_template, with no loader and bounded `*` and `**`."""
    global _env
    if _env is not None:
        return _env
    # What jinja2 imports only when a template first needs it (string escapes, error tracebacks): imported
    # here, so the child, which renders under limits, never has to load a module.
    import encodings.unicode_escape  # noqa: F401
    from datetime import datetime

    import jinja2.debug  # noqa: F401
    from jinja2 import ext, nodes
    from jinja2.exceptions import TemplateError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class TemplateRaised(TemplateError):
        """What raise_exception raises: the template's own message."""

    class GenerationBlock(ext.Extension):
        """transformers' {% generation %} ... {% endgeneration %}, which marks the assistant's tokens for
        training masks: here it simply renders what it encloses."""

        tags = {"generation"}

        def parse(self, parser: Any) -> list[nodes.Node]:
            next(parser.stream)
            return list(parser.parse_statements(("name:endgeneration",), drop_needle=True))

    class ChatSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**":
                if isinstance(left, int) and isinstance(right, int) and right > 0 and \
                        abs(left) > 1 and right * max(abs(left), 2).bit_length() > POWER_BITS:
                    raise OverflowError(f"{left} ** {right} is too large a number for a template")
                return left ** right
            for count, other in ((left, right), (right, left)):
                if isinstance(count, int) and isinstance(other, (str, list, tuple)) and \
                        count * len(other) > REPEAT_CAP:
                    raise OverflowError(f"a repetition of {count * len(other):,} items is too large for a template")
            return left * right

    def raise_exception(message: Any) -> None:
        raise TemplateRaised(str(message))

    def tojson(value: Any, ensure_ascii: bool = False, indent: Any = None, separators: Any = None,
               sort_keys: bool = False) -> str:
        # transformers replaces jinja2's tojson, which escapes HTML characters a prompt must keep.
        return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(fmt: str) -> str:
        return datetime(*FIXED_NOW).strftime(str(fmt))

    env = ChatSandbox(trim_blocks=True, lstrip_blocks=True, loader=None, autoescape=False, cache_size=0,
                      extensions=[GenerationBlock, "jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    _env = env
    return env
