"""One Verdict -> text for people: the rich table and Markdown (JSON and YAML are output.contract's dict).
Renderers return strings and never print; rich is imported only by the table renderer (start-up time).

Every fact is shown with the line that supports it ("MLA · config.json:9"), cited by the name of the file the
reader gave (a card `x.md` is `x.md:2`; the JSON keeps CONTRACT.md's README.md). Where the files came from is
said above the table: a bundled card is axes' summary of its source, with the source's link and date.
"""

from __future__ import annotations

from msgspec import Struct

from ..types import AXES, Evidence, Facts, FactSource, Origin, Tag, Verdict
from ..verdict import grades
from .i18n import TEXT, Lang, lenses_line, notice, t, tn, why
from .text import export, human, md_table

MAX_CITES = 3  # citations shown beside one tag; the rest are a count and --explain away
NARROW = 100  # below this many columns the axis labels wrap and the murk column shrinks to its digits


class Fact(Struct, frozen=True):
    """One phrase of a row and the file lines that support it."""

    text: str
    where: tuple[str, ...] = ()

    def joined(self, sep: str = " · ") -> str:
        return f"{self.text}{sep}{', '.join(grouped(self.where))}" if self.where else self.text


def grouped(cites: tuple[str, ...]) -> list[str]:
    """Lines of one file said once: ("config.json:15", "config.json:9") -> ["config.json:9,15"]."""
    lines: dict[str, list[int]] = {}
    out: list[str] = []
    for item in cites:
        name, _, line = item.rpartition(":")
        if name and line.isdigit():
            if name not in lines:
                lines[name] = []
                out.append(name)
            lines[name].append(int(line))
        else:
            out.append(item)
    return [f"{item}:{','.join(map(str, sorted(set(lines[item]))))}" if item in lines else item for item in out]


def cite(ev: Evidence, origin: Origin | None = None) -> str:
    """file:line, with the file named as the reader knows it."""
    name = origin.names.get(ev.file, ev.file) if origin else ev.file
    return f"{name}:{ev.line}" if ev.line else name


def config_cite(source: FactSource | None, origin: Origin | None = None) -> str | None:
    if source is None:
        return None
    name = origin.names.get("config.json", "config.json") if origin else "config.json"
    if source.line:
        return f"{name}:{source.line}"
    return f"{name} ({source.key})"


def backbone_facts(facts: Facts, lang: Lang = Lang.en, sources: dict[str, FactSource] | None = None,
                   origin: Origin | None = None) -> list[Fact]:
    """The backbone row's phrases, most telling first, each with the config.json lines it was read from."""
    if facts.structure is None and facts.total_params is None:
        return []
    sources = sources or {}

    def at(*keys: str) -> tuple[str, ...]:
        cites = (config_cite(sources.get(k), origin) for k in keys)
        return tuple(dict.fromkeys(c for c in cites if c))

    parts = []
    structure = {"moe": "MoE", "dense": "dense"}.get(facts.structure or "", facts.structure or "?")
    if facts.experts:
        shared = t("f_shared", lang).format(n=facts.shared_experts) if facts.shared_experts else ""
        structure = t("f_experts", lang).format(structure=structure, experts=facts.experts, shared=shared,
                                                k=facts.experts_per_token)
        parts.append(Fact(structure, at("experts", "shared_experts", "experts_per_token")))
    else:
        parts.append(Fact(structure, at("structure")))
    if facts.total_params:
        active = ""
        if facts.active_params and facts.active_params != facts.total_params:
            active = t("f_active", lang).format(active=human(facts.active_params))
        counted = {"computed": (t("computed", lang),), "safetensors": ("hub",), "card": ("README.md",)}
        parts.append(Fact(t("f_params", lang).format(total=human(facts.total_params)) + active,
                          counted.get(facts.params_source or "", ())))
    if facts.attention:
        text: str = facts.attention
        if facts.attention == "GQA" and facts.kv_heads:
            text = t("f_kv_heads", lang).format(attention=facts.attention, n=facts.kv_heads)
        parts.append(Fact(text, at("attention", "kv_heads")))
    if facts.position:
        scaling = f"+{facts.rope_scaling}" if facts.rope_scaling else ""
        parts.append(Fact(f"{facts.position}{scaling}", at("position", "rope_scaling")))
    if facts.attention_pattern and facts.attention_pattern != "global":
        window = f" {facts.sliding_window}" if facts.sliding_window else ""
        parts.append(Fact(f"{facts.attention_pattern}{window}", at("sliding_window")))
    if facts.context_length:
        parts.append(Fact(t("f_context", lang).format(n=f"{facts.context_length:,}"), at("context_length")))
    if facts.kv_cache_bytes_per_token:
        parts.append(Fact(t("f_kv_cache", lang).format(n=f"{facts.kv_cache_bytes_per_token:,}"),
                          (t("computed", lang),)))
    if facts.mtp_layers:
        parts.append(Fact(t("f_mtp", lang).format(n=facts.mtp_layers, params=human(facts.mtp_params)),
                          at("mtp_layers")))
    if facts.quantization:
        parts.append(Fact(t("f_quant", lang).format(method=facts.quantization), at("quantization")))
    return parts


def tag_label(tag: Tag, lang: Lang = Lang.en) -> str:
    return f"{tag.name} ({t(tag.strength.value, lang)})"


def tag_fact(tag: Tag, lang: Lang, origin: Origin) -> Fact:
    cites = list(dict.fromkeys(cite(ev, origin) for ev in tag.evidence))
    if len(cites) > MAX_CITES:
        cites = [*cites[:MAX_CITES], t("more_evidence", lang).format(n=len(cites) - MAX_CITES)]
    return Fact(tag_label(tag, lang), tuple(cites))


def row_facts(verdict: Verdict, axis: str, lang: Lang) -> list[Fact]:
    """What one axis establishes, phrase by phrase, each with its evidence."""
    row, origin = verdict.rows[axis], verdict.origin
    found: list[Fact] = []
    if axis == "backbone":
        found += backbone_facts(verdict.backbone.facts, lang, verdict.backbone.sources, origin)
    if axis == "post_training":
        lineage = verdict.lineage
        if verdict.backbone.facts.checkpoint:  # what this repo is, with what decided it
            found.append(Fact(f"{t('checkpoint', lang)}: {verdict.backbone.facts.checkpoint}",
                              tuple(cite(ev, origin) for ev in lineage.checkpoint_evidence[:1])))
        if lineage.base_model:
            relation = f"rel_{lineage.relation}"
            relation = relation if relation in TEXT else "rel_other"
            found.append(Fact(t(relation, lang).format(base=", ".join(lineage.base_model))))
        if lineage.family_methods:  # a base checkpoint: the family's tuned models' methods, not its own
            found.append(Fact(f"{t('family_methods', lang)}: {', '.join(lineage.family_methods)}"))
    tags = [tg for tg in row.tags if axis != "backbone" or tg.strength.value != "verified"]
    found += [tag_fact(tg, lang, origin) for tg in tags]
    if row.marketing:
        cites = list(dict.fromkeys(cite(ev, origin) for ev in row.marketing))
        found.append(Fact(tn("n_marketing", len(row.marketing), lang), tuple(cites)))
    best = grades(row.materials)
    if best:
        cites = list(dict.fromkeys(cite(ev, origin) for m in row.materials for ev in m.evidence))[:MAX_CITES]
        found.append(Fact(f"{t('materials', lang)}: " + ", ".join(f"{kind} {grade}" for kind, grade in best.items()),
                          tuple(cites)))
    if row.unread:
        found.append(Fact(f"{t('unread', lang)}: " + ", ".join(name for name, _ in row.unread)))
    return found


def facts_cell(facts: list[Fact], lang: Lang, sep: str = "\n") -> str:
    return sep.join(f.joined() for f in facts) or t("nothing", lang)


def murk_sentence(verdict: Verdict, lang: Lang) -> str:
    """Why the murkiest axis is murky, in the reader's language."""
    return why(verdict.murkiest, lang)


def provenance(verdict: Verdict, lang: Lang) -> str:
    """Where the files came from, said before anything read from them."""
    origin = verdict.origin
    if origin.summary:
        key = "from_summary" if origin.link and origin.date else "from_summary_undated" if origin.link else (
            "from_summary_unlinked")
        return t(key, lang).format(link=origin.link, date=origin.date)
    if origin.link:
        return t("from_link" if origin.date else "from_link_undated", lang).format(link=origin.link, date=origin.date)
    if verdict.source == "card":
        return t("from_card", lang).format(file=origin.names.get("README.md", verdict.target))
    if verdict.source == "catalog":
        return t("from_catalog", lang).format(entry=origin.entry or verdict.target)
    return t(f"from_{verdict.source}", lang)


def model_name(verdict: Verdict) -> str:
    """The target as typed, and the catalog entry an alias led to ("ChatGPT -> openai/gpt-4o")."""
    origin = verdict.origin
    return f"{verdict.target} -> {origin.entry}" if origin.alias and origin.entry else verdict.target


def heading(verdict: Verdict) -> str:
    return f"{model_name(verdict)}  ({verdict.source})"


def markdown(verdict: Verdict, lang: Lang, explain: bool = False) -> str:
    rows = []
    for axis in AXES:
        mark = " **▲**" if axis == verdict.murkiest.axis else ""
        rows.append((f"{t(axis, lang)}{mark}", facts_cell(row_facts(verdict, axis, lang), lang, "; "),
                     f"{verdict.rows[axis].murk:.2f}"))
    lines = [f"## {verdict.target}", "", f"{provenance(verdict, lang)}  ",
             f"{t('lenses', lang)}: {lenses_line(verdict.lenses, lang)}", "",
             *md_table([t("axis", lang), t("facts", lang), t("murk", lang)], rows),
             "", f"**{t('murkiest', lang)}: {t(verdict.murkiest.axis, lang)}** — {murk_sentence(verdict, lang)}"]
    if explain:
        lines += ["", *explain_lines(verdict)]
    return "\n".join(lines) + "\n"


def explain_lines(verdict: Verdict) -> list[str]:
    """Every fact's config key and every tag's rule and evidence, whole: what the table could only point to."""
    origin = verdict.origin
    out = [f"backbone  {name}  {config_cite(source, origin)}  ({source.key})"
           for name, source in verdict.backbone.sources.items()]
    for axis in AXES:
        row = verdict.rows[axis]
        for tag in row.tags:
            out.append(f"{axis}  {tag.name}  [{tag.strength.value}]  rule {tag.rule}")
            out += [f"    {cite(ev, origin)}  {ev.text}" for ev in tag.evidence]
        for ev in row.marketing:
            out.append(f"{axis}  marketing  {cite(ev, origin)}  {ev.text}")
        for material in row.materials:
            out.append(f"{axis}  {material.kind} {material.grade}  rule {material.rule}")
            out += [f"    {cite(ev, origin)}  {ev.text}" for ev in material.evidence]
    return out + template_lines(verdict)


def template_lines(verdict: Verdict) -> list[str]:
    """What the chat template's renders showed beyond the tags: how it was read, what it refused, and the
    syntax it writes (the tags' own probes are in their evidence)."""
    if verdict.template is None:
        return []
    facts, sources = verdict.template.facts, verdict.template.sources
    names = ", ".join(facts.templates)
    if not facts.rendered:
        return [f"chat_template ({names})  not rendered: {facts.note}"]
    shown = [f"system prompt {facts.system_prompt}" if facts.system_prompt else None,
             f"tool definitions: {facts.tool_syntax}" if facts.tool_syntax else None,
             f"tool calls: {facts.tool_call_syntax}" if facts.tool_call_syntax else None,
             f"tool results as role {facts.tool_results}" if facts.tool_results else None,
             f"earlier reasoning {facts.reasoning_history}" if facts.reasoning_history else None,
             f"switches: {', '.join(facts.switches)}" if facts.switches else None,
             f"levels: {', '.join(facts.levels)}" if facts.levels else None]
    out = [f"chat_template ({names})  rendered: " + "; ".join(s for s in shown if s)]
    if facts.system_prompt in ("rejected", "dropped") and "system_prompt" in sources:
        source = sources["system_prompt"]
        out.append(f"    no system-prompt: {source.probe}: {source.snippet}")
    if facts.note:
        out.append(f"    note: {facts.note}")
    return out


def table(verdict: Verdict, lang: Lang, explain: bool, width: int | None) -> str:
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    width = width or 110
    narrow = width < NARROW
    grid = Table(show_lines=True, expand=True)
    # The axis label fits on one line when there is room, else wraps at its spaces; nothing is ever cut:
    # a word longer than its column folds onto the next line.
    labels = [t(axis, lang) + (" ▲" if axis == verdict.murkiest.axis else "") for axis in AXES]
    longest_word = max(cell_len(word) for label in labels for word in label.split())
    grid.add_column(t("axis", lang), min_width=longest_word if narrow else max(map(cell_len, labels)),
                    overflow="fold")
    grid.add_column(t("facts", lang), ratio=1, overflow="fold")
    grid.add_column(t("murk", lang), justify="right", min_width=4, overflow="fold")
    for axis, label in zip(AXES, labels, strict=True):
        grid.add_row(Text(label), Text(facts_cell(row_facts(verdict, axis, lang), lang)),
                     Text(f"{verdict.rows[axis].murk:.2f}"))
    lines = [f"{t('lenses', lang)}: {lenses_line(verdict.lenses, lang)}",
             f"▲ {t('murkiest', lang)}: {t(verdict.murkiest.axis, lang)} — {murk_sentence(verdict, lang)}",
             *(f"· {notice(n, lang)}" for n in (verdict.backbone.facts.kv_cache_note, *verdict.backbone.notes) if n),
             *(explain_lines(verdict) if explain else [])]
    # Cells are Text, never markup: card text is full of [brackets].
    return export(Text(heading(verdict)), Text(provenance(verdict, lang)), grid, *(Text(line) for line in lines),
                  width=width)
