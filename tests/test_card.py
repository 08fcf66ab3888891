"""Reading a card as a person sees it: markdown gone, blocks that know their kind and section, tables read with
their header, code kept verbatim, comments and template placeholders dropped. Examples are our own words."""

from __future__ import annotations

import pytest

from axes.reading.card import parse_card, plain, sentence_at, sentence_bounds


def kinds(text: str) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in parse_card(text).paragraphs]


@pytest.mark.parametrize("raw,seen", [
    ("it was **not** instruction-tuned, nor [trained](https://x.org) with RLHF",
     "it was not instruction-tuned, nor trained with RLHF"),
    ("<b>Wren</b> is <i>small</i>&nbsp;and fast", "Wren is small and fast"),
    ("![logo](logo.png) A tidy model", "A tidy model"),
    ("~~Coming soon~~ Released today", "Released today"),
    ("It was s̶t̶r̶u̶c̶k̶ kept", "It was kept"),
    ("Call it with `enable_thinking=False`", "Call it with enable_thinking=False"),
    ("The _italic_ word and snake_case_name", "The italic word and snake_case_name"),
])
def test_plain_strips_what_a_reader_does_not_see(raw, seen):
    assert plain(raw)[0] == seen


def test_prompt_tokens_that_look_like_tags_survive():
    text, _ = plain("Wrap reasoning in <think> and the system part in <<SYS>>, start turns with <s>")
    assert "<think>" in text and "<<SYS>>" in text and "<s>" in text


def test_links_to_hub_repos_are_kept_apart_from_the_text():
    text, links = plain("Fine-tuned from [the base](https://huggingface.co/acme/Wren-7B) on "
                        "[data](https://huggingface.co/datasets/acme/chats).")
    assert text == "Fine-tuned from the base on data." and links == ("acme/Wren-7B",)


def test_html_comments_are_dropped_even_across_lines():
    card = parse_card("Kept line.\n<!-- We trained it\nwith DPO on pairs. -->\nAlso kept. <!-- inline --> end\n")
    assert [p.text for p in card.paragraphs] == ["Kept line.", "Also kept. end"]


def test_code_is_verbatim_and_marked():
    card = parse_card("Format:\n```\n<|im_start|>system\n**kwargs\n```\n")
    code = [p.text for p in card.paragraphs if p.code]
    assert code == ["<|im_start|>system", "**kwargs"]


def test_headings_contents_todos_and_placeholders_are_not_claims():
    card = parse_card(
        "# Training with DPO\n\n"
        "- [Chat models](#chat-models)\n"
        "- [ ] Function calling\n"
        "- **Finetuned from model [optional]:** [More Information Needed]\n"
        "- Trained on 10k dialogues\n")
    assert [(p.kind, p.claims) for p in card.paragraphs] == [
        ("heading", False), ("toc", False), ("todo", False), ("placeholder", False), ("item", True)]


def test_sections_are_heading_paths():
    card = parse_card("# Wren\n## Training\nSFT on chats.\n## Evaluation\nScores.\n")
    assert [(p.section, p.text) for p in card.paragraphs if p.kind == "prose"] == [
        ("Wren > Training", "SFT on chats."), ("Wren > Evaluation", "Scores.")]


def test_wrapped_lines_join_but_items_and_rows_stand_alone():
    card = parse_card("We trained the model\nfor two epochs.\n- first item\n- second item\n")
    assert [(p.kind, p.text) for p in card.paragraphs] == [
        ("prose", "We trained the model for two epochs."), ("item", "- first item"), ("item", "- second item")]
    assert card.paragraphs[0].line_at(len("We trained the model ")) == 2


def test_a_bold_label_on_its_own_line_stands_apart():
    card = parse_card("**Intended use**\nHeron is a base model.\nIt is not tuned.\n**Base Model**\nacme/heron-7b\n")
    assert [p.text for p in card.paragraphs] == [
        "Intended use", "Heron is a base model. It is not tuned.", "Base Model", "acme/heron-7b"]


def test_the_markup_view_keeps_links_and_maps_back_to_lines():
    card = parse_card("See [the guide](https://example.org/g) for\nthe tool format.\n")
    assert card.scan.texts == ("See the guide for the tool format.",)
    assert card.markup.texts == ("See [the guide](https://example.org/g) for the tool format.",)
    second = card.markup.texts[0].index("the tool")
    assert card.markup_line_at(0, second) == (2, len("See the guide for "))
    assert card.markup.holding(("example.org",)) == [0] and card.scan.holding(("example.org",)) == []


def test_table_rows_carry_their_header():
    card = parse_card("| Model | Method |\n|---|---|\n| wren-7b | SFT |\n| wren-7b-dpo | SFT + DPO |\n")
    header, *rows = card.paragraphs
    assert header.kind == "header" and not header.claims
    assert [(r.kind, r.header, r.cells) for r in rows] == [
        ("row", ("Model", "Method"), ("wren-7b", "SFT")), ("row", ("Model", "Method"), ("wren-7b-dpo", "SFT + DPO"))]


def test_row_links_are_kept_for_the_row():
    card = parse_card("| Size | Base | Chat |\n|---|---|---|\n| 7B | [Link](https://huggingface.co/acme/wren-7b) "
                      "| [Link](https://huggingface.co/acme/wren-7b-chat) |\n")
    assert card.paragraphs[-1].links == ("acme/wren-7b", "acme/wren-7b-chat")


def test_sentences_and_cells():
    text = "It was tuned with SFT. Then DPO | a cell"
    assert sentence_at(text, text.index("SFT"), text.index("SFT") + 3) == "It was tuned with SFT."
    left, right = sentence_bounds(text, text.index("DPO"), text.index("DPO") + 3)
    assert text[left:right] == "Then DPO"
    chinese = "模型经过了指令微调。它不支持工具调用。"
    assert sentence_at(chinese, chinese.index("工具"), chinese.index("工具") + 2) == "它不支持工具调用。"


def test_long_lines_are_cut():
    card = parse_card("x" * 5000)
    assert len(card.paragraphs[0].text) == 2000
