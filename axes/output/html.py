"""Contract dicts -> HTML: one model (`axes inspect --format html`, a verdict in Jupyter) or a whole batch
(`axes report`): murk bars per axis, the lens matrix, parameter sizes, a sortable and filterable table, and
each model's tags with their evidence lines.

The input is CONTRACT.md's JSON (a batch line, a Parquet row's JSON, `Verdict.to_dict()`), so a results file
from any axes run renders the same. A page is one self-contained file: CSS and JS inline, nothing fetched when
it is viewed; its Content-Security-Policy allows only its own style and script (by their hashes), so nothing
a model file says can run. Every string from a model's files is escaped, in text and in attributes.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from msgspec.structs import fields

from ..types import AXES, Facts
from .i18n import Lang, t
from .inspect import backbone_facts
from .text import human

Record = Mapping[str, Any]  # one JSON object of the contract: a verdict, or {"target", "error"} for a failure

STRUCTURES = (("dense", "dense"), ("moe", "MoE"), ("hybrid", "hybrid"), ("ssm", "SSM"), ("encoder", "encoder"),
              ("encoder-decoder", "encoder-decoder"), ("", "unknown"))
ALWAYS_SHOWN = ("dense", "moe", "hybrid")  # the lens matrix's rows even when empty (lesson 04's lenses)
MURK_LOW, MURK_HIGH = 0.34, 0.67  # <meter> colours: green below LOW, red from HIGH
FACT_NAMES = frozenset(f.name for f in fields(Facts))

# Every rule is under .axes, so a verdict shown inside a notebook styles itself and nothing around it.
STYLE = """
.axes { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d232a; }
.axes h1 { font-size: 22px; margin: 8px 0 4px; } .axes h2 { font-size: 18px; margin: 28px 0 8px; }
.axes h3 { font-size: 15px; margin: 14px 0 4px; }
.axes .muted { color: #5f6b76; font-weight: normal; }
.axes table { border-collapse: collapse; background: #fff; }
.axes table.four, .axes table.grid { width: 100%; }
.axes th, .axes td { border: 1px solid #d8dde3; padding: 4px 8px; text-align: left; vertical-align: top; }
.axes th { background: #eef1f4; font-weight: 600; }
.axes th[data-key] { cursor: pointer; user-select: none; white-space: nowrap; }
.axes th[aria-sort="ascending"]::after { content: " \\25B2"; }
.axes th[aria-sort="descending"]::after { content: " \\25BC"; }
.axes .nowrap { white-space: nowrap; }
.axes td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.axes td.murk { white-space: nowrap; } .axes meter { width: 44px; height: 12px; vertical-align: middle; }
.axes .murk-value { display: inline-block; width: 2.6em; text-align: right; font-variant-numeric: tabular-nums; }
.axes .mark { color: #b42318; font-weight: 700; }
.axes .tag { display: inline-block; margin: 1px 2px; padding: 0 6px; border-radius: 9px; font-size: 12px;
  border: 1px solid #c5ccd4; background: #f4f6f8; white-space: nowrap; }
.axes .tag.verified { background: #e3f4e8; border-color: #9fd3ad; }
.axes .tag.declared { background: #e8effb; border-color: #a9c0ea; }
.axes .tag.hinted { background: #fbf3e1; border-color: #e6cc8f; }
.axes .controls { display: flex; gap: 12px; align-items: center; margin: 12px 0; flex-wrap: wrap; }
.axes .controls input { width: 280px; padding: 4px 8px; } .axes .controls select { padding: 3px 6px; }
.axes table.lenses { table-layout: fixed; width: 100%; } .axes table.lenses th:first-child { width: 110px; }
.axes td.cell { cursor: pointer; }
.axes td.cell:hover { background: #f2f6fb; }
.axes .count { font-size: 20px; font-weight: 700; margin-right: 6px; }
.axes .names { max-height: 7.5em; overflow: auto; font-size: 12px; }
.axes .names a { margin-right: 8px; display: inline-block; }
.axes td.model { min-width: 220px; } .axes .scroll { overflow-x: auto; }
.axes th.group { text-align: center; font-weight: 500; color: #5f6b76; }
.axes tr.failed td { background: #fdf1f0; } .axes .error { color: #b42318; }
.axes section.model { margin-top: 28px; padding-top: 4px; border-top: 2px solid #d8dde3; }
.axes ul.evidence { margin: 2px 0 8px; padding-left: 20px; } .axes ul.evidence li { margin: 1px 0; }
.axes code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; background: #f0f2f4; padding: 0 3px; }
.axes .quote { color: #38424c; }
.axes dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0 16px; margin: 4px 0; }
.axes dl.facts dt { color: #5f6b76; } .axes dl.facts dd { margin: 0; }
"""
PAGE_STYLE = "body.axes { margin: 0 auto; max-width: 1500px; padding: 16px 24px 64px; background: #fbfbfc; }" + STYLE

SCRIPT = """
(function () {
  var table = document.getElementById("models");
  if (!table) { return; }
  var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
  var query = document.getElementById("q"), structure = document.getElementById("structure");
  var reasoning = document.getElementById("reasoning"), shown = document.getElementById("shown");
  var head = table.tHead.rows[table.tHead.rows.length - 1];
  var headers = Array.prototype.slice.call(head.cells), sorted = null, descending = false;

  function filter() {
    var text = query.value.trim().toLowerCase(), count = 0;
    rows.forEach(function (row) {
      var keep = (!text || row.getAttribute("data-search").indexOf(text) >= 0) &&
        (!structure.value || row.getAttribute("data-structure") === structure.value) &&
        (!reasoning.value || row.getAttribute("data-reasoning") === reasoning.value);
      row.hidden = !keep;
      if (keep) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " shown";
  }

  function sortBy(key, down) {
    var index = -1, numeric = false;
    headers.forEach(function (th, i) {
      th.removeAttribute("aria-sort");
      if (th.getAttribute("data-key") === key) { index = i; numeric = th.getAttribute("data-type") === "number"; }
    });
    if (index < 0) { return; }
    rows.sort(function (a, b) {
      var x = a.cells[index] ? a.cells[index].getAttribute("data-sort") : "";
      var y = b.cells[index] ? b.cells[index].getAttribute("data-sort") : "";
      if (x === "" || x === null) { return (y === "" || y === null) ? 0 : 1; }  // unknown values last
      if (y === "" || y === null) { return -1; }
      var order = numeric ? parseFloat(x) - parseFloat(y) : (x < y ? -1 : (x > y ? 1 : 0));
      return down ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    headers[index].setAttribute("aria-sort", down ? "descending" : "ascending");
    sorted = key; descending = down;
  }

  function save() {
    var state = [];
    if (query.value) { state.push("q=" + encodeURIComponent(query.value)); }
    if (structure.value) { state.push("structure=" + encodeURIComponent(structure.value)); }
    if (reasoning.value) { state.push("reasoning=" + encodeURIComponent(reasoning.value)); }
    if (sorted) { state.push("sort=" + (descending ? "-" : "") + encodeURIComponent(sorted)); }
    try { history.replaceState(null, "", state.length ? "#" + state.join("&") : location.pathname); } catch (e) {}
  }

  function load() {
    var hash = location.hash.slice(1);
    if (hash.indexOf("=") < 0) { return; }  // #m-3 is a model's anchor, not a view
    hash.split("&").forEach(function (pair) {
      var at = pair.indexOf("="), key = pair.slice(0, at), value = decodeURIComponent(pair.slice(at + 1));
      if (key === "q") { query.value = value; }
      if (key === "structure") { structure.value = value; }
      if (key === "reasoning") { reasoning.value = value; }
      if (key === "sort") { sortBy(value.replace(/^-/, ""), value.charAt(0) === "-"); }
    });
  }

  headers.forEach(function (th) {
    var key = th.getAttribute("data-key");
    if (!key) { return; }
    th.addEventListener("click", function () {
      sortBy(key, sorted === key ? !descending : th.getAttribute("data-type") === "number");
      save();
    });
  });
  [query, structure, reasoning].forEach(function (control) {
    control.addEventListener("input", function () { filter(); save(); });
  });
  Array.prototype.slice.call(document.querySelectorAll("td.cell")).forEach(function (cell) {
    cell.addEventListener("click", function (event) {
      if (event.target.tagName === "A") { return; }
      structure.value = cell.getAttribute("data-structure");
      reasoning.value = cell.getAttribute("data-reasoning");
      query.value = "";
      filter(); save();
      table.scrollIntoView();
    });
  });
  load();
  filter();
  document.body.setAttribute("data-ready", "1");
})();
"""


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


# Only this page's own style and script may run; nothing may be fetched (no network at view time).
POLICY = (f"default-src 'none'; style-src {_hash(PAGE_STYLE)}; script-src {_hash(SCRIPT)}; img-src data:; "
          "base-uri 'none'; form-action 'none'")


def e(value: object) -> str:
    """Text from anywhere (a card, a config, a target) made safe in HTML text and quoted attributes."""
    return escape("" if value is None else str(value), quote=True)


# -- one model --------------------------------------------------------------------------------------------


def verdict_table(record: Record) -> str:
    """The four-row table of one verdict, with its lenses and murkiest axis: a fragment (Jupyter's
    _repr_html_), carrying its own style."""
    return f"<div class=\"axes\"><style>{STYLE}</style>{_verdict_body(record)}</div>"


def _verdict_body(record: Record) -> str:
    murkiest = record.get("murkiest") or {}
    lenses = record.get("lenses") or {}
    rows = []
    for axis in AXES:
        found, where = _row_cells(record, axis)
        mark = ' <span class="mark" title="murkiest">▲</span>' if axis == murkiest.get("axis") else ""
        rows.append(f"<tr><th scope=\"row\">{e(t(axis))}{mark}</th><td>{found}</td><td>{where}</td>"
                    f"<td class=\"murk\">{_meter(_murk(record, axis))}</td></tr>")
    head = "".join(f"<th>{e(t(key))}</th>" for key in ("axis", "facts", "where", "murk"))
    return (f"<h3>{e(record.get('target'))} <span class=\"muted\">({e(record.get('source'))})</span></h3>"
            f"<table class=\"four\"><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<p><b>{e(t('lenses'))}:</b> {e(lenses.get('summary'))}"
            f"{' — ' + e(lenses['lesson']) if lenses.get('lesson') else ''}<br>"
            f"<b><span class=\"mark\">▲</span> {e(t('murkiest'))}:</b> {e(t(murkiest.get('axis', '')))}"
            f" — {e(murkiest.get('why'))}</p>")


def model_page(record: Record) -> str:
    """`axes inspect --format html`: one model's page, the four-row table and every tag's evidence."""
    body = f"{_verdict_body(record)}{_evidence(record, anchor='evidence')}"
    return _document(f"axes: {record.get('target', '')}", body, script=False)


# -- a batch ----------------------------------------------------------------------------------------------


def report_page(records: Iterable[Record], *, title: str = "axes report", version: str = "") -> str:
    """`axes report`: every model of a batch on one page."""
    items = list(records)
    models = [(f"m-{i}", r) for i, r in enumerate(items, 1)]
    verdicts = [(anchor, r) for anchor, r in models if "error" not in r]
    failed = len(models) - len(verdicts)
    summary = (f"{len(verdicts)} model{'s' if len(verdicts) != 1 else ''}"
               + (f", {failed} failed" if failed else "") + (f" · axes {e(version)}" if version else ""))
    body = (f"<h1>{e(title)}</h1><p class=\"muted\">{summary}</p>"
            f"<h2>Lens matrix</h2><p class=\"muted\">Lesson 04's lenses: how the network is wired, and whether the "
            f"model reasons before it answers. Click a cell to filter the table.</p>{_lens_matrix(verdicts)}"
            f"<h2>Models</h2>{_controls(verdicts)}{_model_table(models)}"
            f"<h2>Evidence</h2>{''.join(_evidence(r, anchor) for anchor, r in models)}")
    return _document(title, body, script=True)


def _lens_matrix(verdicts: list[tuple[str, Record]]) -> str:
    cells: dict[tuple[str, bool], list[tuple[str, Record]]] = {}
    for anchor, record in verdicts:
        cells.setdefault((_structure(record), _reasoning(record)), []).append((anchor, record))
    rows = []
    for key, label in _structures({structure for structure, _ in cells}, ALWAYS_SHOWN):
        row = [f"<th scope=\"row\">{e(label)}</th>"]
        for reasoning in (False, True):
            found = cells.get((key, reasoning), [])
            names = "".join(f"<a href=\"#{anchor}\" title=\"{e(r.get('target'))}\">{e(_short(r))}</a>"
                            for anchor, r in found)
            row.append(f"<td class=\"cell\" data-structure=\"{e(key or 'unknown')}\" "
                       f"data-reasoning=\"{'reasoning' if reasoning else 'standard'}\"><span class=\"count\">"
                       f"{len(found)}</span><div class=\"names\">{names}</div></td>")
        rows.append(f"<tr>{''.join(row)}</tr>")
    return ("<table class=\"lenses\"><thead><tr><th></th><th>standard</th><th>reasoning</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _controls(verdicts: list[tuple[str, Record]]) -> str:
    options = "".join(f"<option value=\"{e(key or 'unknown')}\">{e(label)}</option>"
                      for key, label in _structures({_structure(r) for _, r in verdicts}))
    return ("<div class=\"controls\"><input id=\"q\" type=\"search\" placeholder=\"filter: name, tag, source ...\" "
            "aria-label=\"filter\"><select id=\"structure\" aria-label=\"structure\"><option value=\"\">any "
            f"structure</option>{options}</select><select id=\"reasoning\" aria-label=\"reasoning\"><option value=\"\">"
            "standard or reasoning</option><option value=\"standard\">standard</option><option value=\"reasoning\">"
            "reasoning</option></select><span id=\"shown\" class=\"muted\"></span></div>")


AXIS_SHORT = {"backbone": "backbone", "post_training": "post-training", "inference": "inference",
              "product": "product"}
# (sort key, header, kind): the table's columns; the murk columns sit under one "murk" heading.
COLUMNS = (("index", "#", "number"), ("target", "model", "text"), ("structure", "structure", "text"),
           ("reasoning", "reasoning", "text"), ("checkpoint", "checkpoint", "text"),
           ("total_params", "params", "number"), ("active_params", "active", "number"),
           ("context_length", "context", "number"),
           *((f"{axis}_murk", AXIS_SHORT[axis], "number") for axis in AXES), ("murkiest", "murkiest", "text"))
MURK_FROM = 8  # the index of the first murk column


def _model_table(models: list[tuple[str, Record]]) -> str:
    group = (f"<tr><th class=\"group\" colspan=\"{MURK_FROM}\"></th><th class=\"group\" colspan=\"{len(AXES)}\">"
             f"murk per axis: 0 every fact checkable, 1 nothing</th><th class=\"group\"></th></tr>")
    head = "".join(f"<th data-key=\"{key}\" data-type=\"{kind}\" scope=\"col\">{e(label)}</th>"
                   for key, label, kind in COLUMNS)
    rows = "".join(_model_row(i, anchor, record) for i, (anchor, record) in enumerate(models, 1))
    return (f"<div class=\"scroll\"><table id=\"models\" class=\"grid\"><thead>{group}<tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")


def _model_row(index: int, anchor: str, record: Record) -> str:
    target = str(record.get("target", ""))
    link = (f"<td class=\"model\" data-sort=\"{e(target.lower())}\"><a href=\"#{anchor}\">{e(target)}</a>"
            f" <span class=\"muted\">{e(record.get('source', ''))}</span></td>")
    if "error" in record:
        return (f"<tr class=\"model failed\" data-search=\"{e(target.lower())}\" data-structure=\"failed\" "
                f"data-reasoning=\"failed\"><td class=\"num\" data-sort=\"{index}\">{index}</td>{link}"
                f"<td colspan=\"{len(COLUMNS) - 2}\" class=\"error\">{e(record['error'])}</td></tr>")
    facts = record.get("facts") or {}
    murkiest = (record.get("murkiest") or {}).get("axis", "")
    tags = " ".join(tag.get("name", "") for axis in AXES for tag in _tags(record, axis))
    search = " ".join((target, str(record.get("source", "")), _structure(record) or "unknown",
                       "reasoning" if _reasoning(record) else "standard", str(facts.get("checkpoint") or ""), tags))
    murks = "".join(f"<td class=\"murk\" data-sort=\"{_murk(record, axis)}\">{_meter(_murk(record, axis))}</td>"
                    for axis in AXES)
    return (f"<tr class=\"model\" id=\"row-{anchor}\" data-search=\"{e(search.lower())}\" "
            f"data-structure=\"{e(_structure(record) or 'unknown')}\" "
            f"data-reasoning=\"{'reasoning' if _reasoning(record) else 'standard'}\">"
            f"<td class=\"num\" data-sort=\"{index}\">{index}</td>{link}"
            f"<td data-sort=\"{e(_structure(record))}\">{e(_structure_label(record))}</td>"
            f"<td data-sort=\"{int(_reasoning(record))}\">{'reasoning' if _reasoning(record) else 'standard'}</td>"
            f"<td data-sort=\"{e(facts.get('checkpoint') or '')}\">{e(facts.get('checkpoint') or '—')}</td>"
            f"{_count_cell(facts.get('total_params'))}{_count_cell(facts.get('active_params'))}"
            f"{_count_cell(facts.get('context_length'), plain=True)}{murks}"
            f"<td class=\"nowrap\" data-sort=\"{e(murkiest)}\">{e(AXIS_SHORT.get(murkiest, murkiest))}</td></tr>")


# -- the evidence of one model ----------------------------------------------------------------------------


def _evidence(record: Record, anchor: str) -> str:
    target = record.get("target", "")
    if "error" in record:
        return (f"<section class=\"model\" id=\"{anchor}\"><h3>{e(target)}</h3>"
                f"<p class=\"error\">{e(record['error'])}</p></section>")
    parts = [f"<section class=\"model\" id=\"{anchor}\"><h3>{e(target)} "
             f"<span class=\"muted\">({e(record.get('source'))}, {e((record.get('lenses') or {}).get('summary'))})"
             f"</span></h3>"]
    facts = {k: v for k, v in (record.get("facts") or {}).items() if v not in (None, [], "")}
    if facts:
        parts.append("<dl class=\"facts\">" + "".join(f"<dt>{e(k)}</dt><dd>{e(_fact(v))}</dd>"
                                                      for k, v in facts.items()) + "</dl>")
    for axis in AXES:
        tags = _tags(record, axis)
        parts.append(f"<h3>{e(t(axis))} <span class=\"muted\">murk {_murk(record, axis):.2f}</span></h3>")
        if not tags:
            parts.append("<p class=\"muted\">no tag</p>")
        for tag in tags:
            lines = "".join(f"<li><code>{e(_cite(ev))}</code> <span class=\"quote\">{e(ev.get('text'))}</span></li>"
                            for ev in tag.get("evidence") or ())
            parts.append(f"<div>{_tag_chip(tag)} <span class=\"muted\">rule {e(tag.get('rule'))}</span>"
                         f"<ul class=\"evidence\">{lines}</ul></div>")
    notices = record.get("notices") or ()
    if notices:
        parts.append("<h3>notes</h3><ul>" + "".join(f"<li>{e(n)}</li>" for n in notices) + "</ul>")
    parts.append("</section>")
    return "".join(parts)


# -- pieces -----------------------------------------------------------------------------------------------


def _row_cells(record: Record, axis: str) -> tuple[str, str]:
    """The facts found on one axis (backbone facts, then tags by strength) and the files and lines citing them."""
    tags = _tags(record, axis)
    found: list[str] = []
    if axis == "backbone":
        facts = {k: v for k, v in (record.get("facts") or {}).items() if k in FACT_NAMES}
        found += [e(part.text) for part in backbone_facts(Facts(**facts), Lang.en)]
        shown = [tag for tag in tags if tag.get("strength") != "verified"]  # the facts already say the rest
    else:
        shown = tags
    text = ", ".join(found)
    chips = " ".join(_tag_chip(tag) for tag in shown)  # chips need no commas between them
    cites = list(dict.fromkeys(_cite(ev) for tag in tags for ev in (tag.get("evidence") or ())[:1]))
    return ((f"{text}<br>{chips}" if text and chips else text or chips) or "<span class=\"muted\">nothing found</span>",
            " ".join(f"<code>{e(c)}</code>" for c in cites[:6]))


def _tags(record: Record, axis: str) -> list[Mapping[str, Any]]:
    return list(((record.get("axes") or {}).get(axis) or {}).get("tags") or ())


def _murk(record: Record, axis: str) -> float:
    value = ((record.get("axes") or {}).get(axis) or {}).get("murk")
    return float(value) if isinstance(value, (int, float)) else 1.0


def _meter(murk: float) -> str:
    return (f"<meter min=\"0\" max=\"1\" low=\"{MURK_LOW}\" high=\"{MURK_HIGH}\" optimum=\"0\" value=\"{murk:.2f}\">"
            f"</meter> <span class=\"murk-value\">{murk:.2f}</span>")


def _tag_chip(tag: Mapping[str, Any]) -> str:
    strength = str(tag.get("strength", ""))
    return (f"<span class=\"tag {e(strength)}\" title=\"{e(strength)} · {e(tag.get('rule'))}\">"
            f"{e(tag.get('name'))}</span>")


def _cite(ev: Mapping[str, Any]) -> str:
    return f"{ev.get('file')}:{ev['line']}" if ev.get("line") else str(ev.get("file", ""))


def _structures(present: set[str], always: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(key, label) of the structures to show, known ones in their order, then any a newer axes wrote."""
    known = [(key, label) for key, label in STRUCTURES if key in present or key in always]
    return known + [(key, key) for key in sorted(present - {key for key, _ in STRUCTURES})]


def _structure(record: Record) -> str:
    return str((record.get("lenses") or {}).get("structure") or "")


def _structure_label(record: Record) -> str:
    label = dict(STRUCTURES).get(_structure(record), _structure(record))
    moe = (record.get("lenses") or {}).get("moe")
    return f"{label} + MoE" if moe and _structure(record) != "moe" else label


def _reasoning(record: Record) -> bool:
    return bool((record.get("lenses") or {}).get("reasoning"))


def _short(record: Record) -> str:
    return str(record.get("target", "")).rstrip("/").rsplit("/", 1)[-1]


def _count_cell(value: object, plain: bool = False) -> str:
    if not isinstance(value, int) or isinstance(value, bool):
        return "<td class=\"num\" data-sort=\"\">—</td>"
    return f"<td class=\"num\" data-sort=\"{value}\">{f'{value:,}' if plain else human(value)}</td>"


def _fact(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


def _document(title: str, body: str, *, script: bool) -> str:
    js = f"<script>{SCRIPT}</script>" if script else ""
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{e(title)}</title><style>{PAGE_STYLE}</style></head>"
            f"<body class=\"axes\">{body}{js}</body></html>\n")
