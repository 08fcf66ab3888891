"""Known sandbox-escape and injection payloads, as a stranger's chat template would carry them: each must
neither escape (no file written, no command run, no Python object leaked into a render) nor hang (the
child is stopped and the reason becomes a note), and the process that asked for the render goes on."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from axes.reading import sandbox
from axes.reading.observe import observe
from axes.types import Rendering

LIMIT_S = 8.0  # 1 s of CPU, then the kernel's SIGKILL at 2 s; wall time on a busy machine is longer
# What a render must never show: Python's own objects, the password file, a shell's answer.
LEAKS = ("<class", "__builtins__", "<module", "<built-in", "function ", "root:", "uid=")

ESCAPES = {
    # attribute walks to Python's internals
    "class-mro-subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "base-subclasses": "{{ (1).__class__.__base__.__subclasses__() }}",
    "cycler-globals": "{{ cycler.__init__.__globals__.os.popen('touch CANARY').read() }}",
    "joiner-globals": "{{ joiner.__init__.__globals__.os.system('touch CANARY') }}",
    "namespace-globals": "{{ namespace.__init__.__globals__['__builtins__']['open']('CANARY', 'w') }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].popen('touch CANARY') }}",
    "self-context": "{{ self._TemplateReference__context.cycler.__init__.__globals__.os }}",
    "self-init": "{{ self.__init__.__globals__.__builtins__.open('CANARY', 'w').write('x') }}",
    "loop-class": "{% for m in messages %}{{ loop.__class__.__mro__ }}{% endfor %}",
    "raise-exception-globals": "{{ raise_exception.__globals__ }}",
    "strftime-closure": "{{ strftime_now.__closure__ }}",
    "dict-mro": "{{ dict.mro()[1].__subclasses__() }}",
    "range-self": "{{ range.__self__ }}",
    "method-self": "{{ messages.copy.__self__.__class__ }}",
    # the attr filter and str.format routes (closed in jinja2 3.1.5 and 3.1.6)
    "attr-class": "{{ ''|attr('__class__')|attr('__mro__') }}",
    "attr-escaped-names": "{{ cycler|attr('\\x5f\\x5finit\\x5f\\x5f')|attr('\\x5f\\x5fglobals\\x5f\\x5f') }}",
    "attr-format": "{{ ('{0.__class__.__mro__}'|attr('format'))(messages) }}",
    "stored-format": "{% set f = '{0.__class__.__mro__}'.format %}{{ f(messages) }}",
    "str-format": "{{ '{0.__class__}'.format(messages) }}",
    "format-map": "{{ '{x.__class__.__mro__}'.format_map({'x': messages}) }}",
    "format-filter": "{{ '%s'|format(messages.__class__) }}",
    # no loader: nothing is read from disk
    "include": "{% include '/etc/passwd' %}",
    "import": "{% import 'os' as os %}{{ os.popen('touch CANARY') }}",
    "from-import": "{% from '/etc/passwd' import x %}{{ x }}",
    "extends": "{% extends '/etc/passwd' %}",
    # the immutable sandbox: the caller's objects stay as they were
    "mutate-messages": "{{ messages.append({'role': 'system', 'content': 'owned'}) }}{{ messages|length }}",
    "mutate-dict": "{% for m in messages %}{{ m.update({'content': 'owned'}) }}{% endfor %}",
}

BOMBS = {
    "loop-forever": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "huge-range": "{{ range(10 ** 9) | list | length }}",
    "string-repeat": "{{ 'x' * 10 ** 10 }}",
    "list-repeat": "{{ ([0] * 10 ** 9) | length }}",
    "power": "{{ 10 ** 100000000 }}",
    "doubling": "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
                "{{ ns.s | length }}",
    "format-width": "{{ '%999999999d' % 1 }}",
    "recursion": "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "output-flood": "{% for i in range(100000) %}{{ 'flood ' * 1000 }}{% endfor %}",
    "lipsum-flood": "{{ lipsum(100000, html=false, min=100, max=100) }}",
    "cycler-spin": "{% set c = cycler(1, 2) %}{% for i in range(100000) %}{% for j in range(100000) %}"
                   "{{ c.next() and '' }}{% endfor %}{% endfor %}",
    "joiner-spin": "{% set j = joiner(',') %}{% for i in range(100000) %}{% for k in range(1000) %}{{ j() }}"
                   "{% endfor %}{% endfor %}",
    "tojson-indent": "{{ messages | tojson(indent=10 ** 9) }}",
}


def run(template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict | sandbox.Failure, float]:
    monkeypatch.chdir(tmp_path)  # CANARY would land here
    start = time.monotonic()
    reply = sandbox.run_isolated({"default": template}, {"bos_token": "<s>"})
    return reply, time.monotonic() - start


def texts(reply: dict | sandbox.Failure) -> list[str]:
    if isinstance(reply, sandbox.Failure):
        return [reply.why]
    entry = reply["templates"]["default"]
    return [str(entry.get("error"))] + [str(r.get("output", r.get("error"))) for r in entry["probes"].values()]


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_escape_payloads_do_not_escape(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    reply, seconds = run(ESCAPES[name], tmp_path, monkeypatch)
    assert not (tmp_path / "CANARY").exists()
    assert seconds < LIMIT_S
    for text in texts(reply):
        assert not any(leak in text for leak in LEAKS), text[:300]
    assert isinstance(observe(reply, ("default",)) if isinstance(reply, dict) else reply,
                      (Rendering, sandbox.Failure))


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bombs_are_stopped_with_a_note(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    reply, seconds = run(BOMBS[name], tmp_path, monkeypatch)
    assert seconds < LIMIT_S
    if isinstance(reply, sandbox.Failure):
        assert reply.why.startswith("the render")
        return
    facts = observe(reply, ("default",)).facts
    assert not facts.rendered and facts.note, facts  # none of them renders a conversation
    for text in texts(reply):
        assert len(text) <= sandbox.KEEP


def test_a_loop_is_cut_by_the_cpu_limit_with_the_probes_done_before_it(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch):
    # The loop runs only when tools are given: the probes before the tools probe finish.
    monkeypatch.setattr(sandbox, "WALL_SECONDS", 30.0)  # the CPU limit, not a busy machine's clock, decides
    spins = ("{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}{% if tools %}"
             "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{% endif %}")
    reply, seconds = run(spins, tmp_path, monkeypatch)
    assert isinstance(reply, dict) and reply["cut"] == "the render used its 1 s of CPU and was stopped"
    rendering = observe(reply, ("default",))
    assert rendering.facts.rendered and rendering.facts.system_prompt == "rendered"
    assert "1 s of CPU" in (rendering.facts.note or "")
    assert seconds < LIMIT_S


def test_an_exception_inside_the_template_is_evidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    reply, _ = run("{{ raise_exception('Only user and assistant roles are supported') }}", tmp_path, monkeypatch)
    assert isinstance(reply, dict)
    assert reply["templates"]["default"]["probes"]["user"] == {
        "error": "raised: Only user and assistant roles are supported", "raised": True}


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the memory limit reads Linux's /proc")
def test_the_child_cannot_write_files_or_start_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The limits themselves, checked from inside a child set up as the sandbox sets up its own."""
    import os
    import resource

    monkeypatch.chdir(tmp_path)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            os.close(read_end)
            sandbox._limit_self()
            soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
            checks = [soft == sandbox.CPU_SECONDS, hard == sandbox.CPU_HARD_SECONDS,
                      resource.getrlimit(resource.RLIMIT_FSIZE) == (0, 0),
                      resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY]
            if os.geteuid() == 0:
                checks.append(resource.getrlimit(resource.RLIMIT_NPROC) == (0, 0))  # root is not held by it
            else:
                try:
                    if os.fork() == 0:
                        os._exit(0)
                    checks.append(False)
                except OSError:
                    checks.append(True)
            os.write(write_end, bytes(int(c) for c in checks))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    answer = os.read(read_end, 64)
    os.close(read_end)
    os.waitpid(pid, 0)
    assert list(answer) == [1, 1, 1, 1, 1]


def test_the_parent_kills_a_child_that_passes_its_deadline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sandbox, "WALL_SECONDS", 0.3)
    reply, seconds = run(BOMBS["loop-forever"], tmp_path, monkeypatch)
    assert isinstance(reply, sandbox.Failure) and reply.why.startswith("the render ran past 0.3 s")
    assert seconds < 2.0
