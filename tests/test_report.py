"""`axes report` and `axes inspect --format html`: one self-contained page, every model's row and evidence,
nothing from a model file able to run; rendered in a real headless Chromium when one is installed."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from modelfiles import LLAMA_1B, OLMOE, QWEN_05B, isolate, model_folder
from typer.testing import CliRunner

from axes.cli import app
from axes.output import html

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# A card that tries to inject markup everywhere a model's words reach the page: tag evidence, the target.
HOSTILE_CARD = """# <script>alert("card")</script>

After pretraining it was aligned with DPO <img src=x onerror=alert(1)> on preference pairs "><svg onload=alert(2)>.
It can call tools </td></tr></table><script>alert(3)</script>.
"""
HOSTILE_NAME = 'evil"><script>alert(4)</script>'
runner = CliRunner()


class Page(HTMLParser):
    """Every element and attribute of a page; model rows; script and style bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self.scripts += tag == "script"

    def rows(self, cls: str = "model") -> list[dict[str, str | None]]:
        return [a for tag, a in self.elements if tag == "tr" and cls in (a.get("class") or "").split()]


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


@pytest.fixture
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A batch's JSONL: a dense model, a MoE, a hostile card, and a target that failed."""
    isolate(monkeypatch, tmp_path)
    targets = [str(model_folder(tmp_path, "Dense-1B", LLAMA_1B)), str(model_folder(tmp_path, "Moe-7B", OLMOE)),
               str(model_folder(tmp_path, HOSTILE_NAME, QWEN_05B, card=HOSTILE_CARD.replace("{", "{{"))),
               "nobody/absent"]
    out = tmp_path / "results.jsonl"
    run = runner.invoke(app, ["batch", "-", "--format", "jsonl", "--out", str(out)], input="\n".join(targets))
    assert run.exit_code == 1  # the absent one
    return out


def report(results: Path, *extra: str) -> str:
    run = runner.invoke(app, ["report", str(results), *extra])
    assert run.exit_code == 0, run.output
    return run.stdout


def test_one_row_and_one_evidence_section_per_target(results: Path) -> None:
    text = report(results)
    page = parse(text)
    rows = page.rows()
    assert len(rows) == 4 and len(page.rows("failed")) == 1
    anchors = [a["href"] for tag, a in page.elements if tag == "a" and (a.get("href") or "").startswith("#m-")]
    sections = [a["id"] for tag, a in page.elements if tag == "section"]
    assert sections == ["m-1", "m-2", "m-3", "m-4"] and set(anchors) == {f"#{s}" for s in sections}
    assert [r["data-structure"] for r in rows] == ["dense", "moe", "dense", "failed"]
    assert "nobody/absent" in text and "not in the local HF cache" in text


def test_the_lens_matrix_places_every_model(results: Path) -> None:
    page = parse(report(results))
    cells = [a for tag, a in page.elements if tag == "td" and a.get("class") == "cell"]
    placed = {(c["data-structure"], c["data-reasoning"]) for c in cells}
    assert {("dense", "standard"), ("dense", "reasoning"), ("moe", "standard"), ("hybrid", "reasoning")} <= placed
    text = report(results)
    dense = re.search(r'data-structure="dense" data-reasoning="standard"><span class="count">(\d+)', text)
    assert dense and dense[1] == "2"


def test_nothing_from_a_model_file_becomes_markup(results: Path) -> None:
    text = report(results)
    page = parse(text)
    assert page.scripts == 1  # the page's own
    assert {tag for tag, _ in page.elements} <= {
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "span", "table", "thead", "tbody",
        "tr", "th", "td", "a", "div", "input", "select", "option", "meter", "section", "dl", "dt", "dd", "ul",
        "li", "code", "b", "br", "script"}
    assert not [a for _, attrs in page.elements for a in attrs if a.startswith("on")]
    assert "&lt;img src=x onerror=alert(1)&gt;" in text  # the evidence line, shown as text
    assert "evil&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;" in text


def test_any_iterable_of_contract_dicts_renders(results: Path) -> None:
    """The page is built from plain dicts (a JSONL line, a Parquet row's JSON): a structure a newer axes writes
    gets its own row of the lens matrix, and even it is escaped."""
    records = [json.loads(line) for line in results.read_text().splitlines()]
    newer = {**records[0], "target": "org/new", "lenses": {**records[0]["lenses"], "structure": "<b>diffusion"}}
    text = html.report_page(iter([*records, newer]))
    assert len(parse(text).rows()) == 5
    assert '<th scope="row">&lt;b&gt;diffusion</th>' in text and "<b>diffusion" not in text


def test_the_page_needs_no_network(results: Path) -> None:
    page = parse(report(results))
    links = [v for _, attrs in page.elements for k, v in attrs.items() if k in ("src", "href") and v]
    assert all(link.startswith("#") for link in links), links
    policy = next(a["content"] for tag, a in page.elements if tag == "meta" and a.get("http-equiv"))
    assert policy.startswith("default-src 'none'") and "unsafe" not in policy


def test_bad_results_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"target": "a/b", "error": "x"}\n[1, 2]\n{"target": "c/d", "error": "y"}\n')
    run = runner.invoke(app, ["report", str(bad)])
    assert run.exit_code == 2 and f"{bad}:2: not an axes result" in run.stderr
    bad.write_text('{"target": "a/b", "error": "x"}\nnot json\n{"target": "c/d", "error": "y"}\n')
    assert "bad.jsonl:2: not a JSONL batch output" in runner.invoke(app, ["report", str(bad)]).stderr
    missing = runner.invoke(app, ["report", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2 and "cannot read the results" in missing.stderr


def test_report_reads_stdin_and_writes_out(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    run = runner.invoke(app, ["report", "-", "-o", str(out), "--title", "<b>mine</b>"],
                        input=results.read_text())
    assert run.exit_code == 0 and f"wrote {out}" in run.stderr
    assert "<title>&lt;b&gt;mine&lt;/b&gt;</title>" in out.read_text()


def test_inspect_html_is_one_models_page(results: Path) -> None:
    line = json.loads(results.read_text().splitlines()[0])
    run = runner.invoke(app, ["inspect", line["target"], "--format", "html"])
    assert run.exit_code == 0
    page = parse(run.stdout)
    assert run.stdout.startswith("<!DOCTYPE html>") and page.scripts == 0
    assert html.verdict_table(line).split("</style>", 1)[1].removesuffix("</div>") in run.stdout
    body_rows = [a for tag, a in page.elements if tag == "tr"]
    assert len(body_rows) == 5  # the header and the four axes
    assert [a["id"] for tag, a in page.elements if tag == "section"] == ["evidence"]


# -- in a real browser -------------------------------------------------------------------------------------


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    """Headless Chromium as the machine notes say: no sandbox (root), no GPU, no background network."""
    assert CHROMIUM is not None
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={profile}"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120)


def distinct_bytes(png: Path) -> int:
    """How many byte values the PNG's pixel data holds: a blank page gives a handful, a page of text hundreds."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, pixels = 8, b""
    while pos < len(data):
        (size,) = struct.unpack(">I", data[pos:pos + 4])
        if data[pos + 4:pos + 8] == b"IDAT":
            pixels += data[pos + 8:pos + 8 + size]
        pos += 12 + size
    return len(set(zlib.decompress(pixels)))


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (.ci/run installs Debian's package)")
def test_chromium_renders_rows_filters_and_a_screenshot(results: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(report(results))
    dom = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "p1")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-ready="1"' in dom.stdout  # the script ran: its hash matches the page's policy
    assert len(parse(dom.stdout).rows()) == 4 and "4 of 4 shown" in dom.stdout
    assert "<svg" not in dom.stdout and "<img" not in dom.stdout  # the hostile card stayed text
    # A view in the address: filtered to the MoE models, sorted by parameters, largest first.
    view = chromium("--dump-dom", page.as_uri() + "#structure=moe&sort=-total_params", profile=tmp_path / "p2")
    rows = parse(view.stdout).rows()
    assert "1 of 4 shown" in view.stdout
    assert [r["data-structure"] for r in rows if "hidden" not in r] == ["moe"]
    assert 'aria-sort="descending"' in view.stdout
    shot = tmp_path / "report.png"
    chromium(f"--screenshot={shot}", "--window-size=1280,900", page.as_uri(), profile=tmp_path / "p3")
    assert shot.is_file() and distinct_bytes(shot) > 32


@pytest.mark.skipif(CHROMIUM is None or not (CORPUS / "labels.yaml").is_file(),
                    reason="needs chromium and ../shared/corpus")
def test_chromium_renders_the_corpus_report(tmp_path: Path) -> None:
    folders = sorted(str(p) for p in CORPUS.glob("*/*") if p.is_dir())
    out = tmp_path / "corpus.jsonl"
    runner.invoke(app, ["batch", "-", "--offline", "--out", str(out)], input="\n".join(folders))
    page = tmp_path / "corpus.html"
    assert runner.invoke(app, ["report", str(out), "-o", str(page)]).exit_code == 0
    dom = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "p")
    assert len(parse(dom.stdout).rows()) == len(folders) and f"{len(folders)} of {len(folders)} shown" in dom.stdout
