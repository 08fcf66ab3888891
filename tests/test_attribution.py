"""Whose claim is it: every clause, item and row of a card gets a subject, and only this repo's own claims set
post-training tags. Negation inside markdown and lists; names read as names, not methods; advice to the reader;
the family's methods as lineage on a base checkpoint. Every card here is invented."""

from __future__ import annotations

import pytest

from axes.pipeline import analyse
from axes.reading import read
from axes.reading.attribution import Attribution, inside_name
from axes.rules import rulebook
from axes.types import Snapshot


def snap(name: str, card: str) -> Snapshot:
    return Snapshot(target=f"acme/{name}", source="card", files={"README.md": card}, repo_name=name)


def tags(name: str, card: str, axis: str = "post_training") -> set[str]:
    return {t.name for t in analyse(snap(name, card), rulebook()).rows[axis].tags}


def subjects(name: str, card: str, word: str) -> list[str]:
    """The subject of each paragraph's first `word`, paragraph by paragraph."""
    reading = read(snap(name, card))
    who = Attribution(reading.card, reading.identity)
    out = []
    for index, para in enumerate(reading.card.paragraphs):
        at = para.text.find(word)
        if at >= 0:
            out.append(who.subject(index, at, at + len(word)))
    return out


# --- subjects ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,card,word,subject", [
    # the base model named inside the sentence does not take the claim
    ("wren-7b", "Wren-7b is a fine-tuned version of [acme/Heron-7B](https://x.org) trained using DPO.", "DPO", "self"),
    ("wren-7b", "We fine-tuned Heron-7B with DPO on ranked pairs.", "DPO", "self"),
    ("wren-7b", "Fine-tuned Heron 7B with a dialogue dataset.", "dialogue", "self"),
    # another model as the clause's subject
    ("wren-7b", "Heron-7B-Chat was aligned with RLHF.", "RLHF", "other"),
    ("wren-7b", "Compared to Heron-7B-Chat, our model uses DPO.", "DPO", "self"),
    ("wren-7b", "Our model uses DPO, while Heron-7B-Chat uses PPO.", "PPO", "other"),
    # the family's other variants, on a base checkpoint
    ("wren-20b", "Wren-20b is pretrained on 2T tokens. Additionally, the Chat version has undergone SFT.", "SFT",
     "sibling"),
    ("wren-7b-base", "- wren-7b-chat: tuned with SFT", "SFT", "sibling"),
    # a list under a lead-in inherits its subject
    ("wren-7b-base", "This is the pretrained base model.\n\nThe chat models were trained as follows:\n- SFT on chats",
     "SFT", "sibling"),
    # advice and instructions for the reader
    ("wren-7b", "You can fine-tune it further with DPO.", "DPO", "reader"),
    ("wren-7b", "We recommend adding your own safety filters.", "safety", "reader"),
    # a table row is about the model its first cell names
    ("wren-7b", "| Model | Align |\n|---|---|\n| Tern-13B | SFT + PPO |", "PPO", "other"),
    ("wren-7b", "| Model | Align |\n|---|---|\n| Wren-7B | SFT |", "SFT", "self"),
    # a passive base made into this repo
    ("wren-7b", "---\nbase_model: acme/heron-7b\n---\nThe base model was then fine-tuned on 40k chats.", "chats",
     "self"),
    # the words name a model ("two chat models"): about those models
    ("wren-34b", "See [chat](https://huggingface.co/acme/wren-34b-chat). This release holds two chat models.",
     "chat models", "sibling"),
    # a name without a digit that adds a part to this family's name is a relative; "-based" is a word
    ("wren-7b", "Wren-R builds on Wren models, with further tuning by DPO.", "DPO", "sibling"),
    ("wren-7b", "A Wren-based recipe: we tuned it with DPO.", "DPO", "self"),
    # a repo id names one repo, whatever words this repo's name shares with it
    ("swift-heron-34b-v2", "Swift Heron was made from acme/Heron-34B. acme/Heron-34B was trained with RLHF.", "RLHF",
     "other"),
    # another parameter size than this repo's: a copied card's words about another checkpoint
    ("wren-34b", "This repo holds the base version of the 13B parameter model.", "base version",
     "sibling"),
    ("wren-13b", "This repo holds the base version of the 13B parameter model.", "base version", "self"),
    # the family's bare name, leaving out this repo's variant and size, is the family: what its instruct models got
    ("wren-3-27b-it", "# Wren 3 27B IT\nWren 3 was post-trained with distillation and RL.", "distillation", "family"),
    # this size without this variant is the other checkpoint of that size, a sibling
    ("wren-7b-sft", "| Wren-7B | SFT + DPO |\n|---|---|", "DPO", "sibling"),
    ("wren-3-27b-it", "Wren-3-PT was pretrained on 14T tokens; chat models start from it.", "pretrained",
     "sibling"),
    # the steps of how this model was made, in the imperative, are this repo's recipe, not advice
    ("wren-34b", "Here are the steps to make this model:\n1. Collect 4GB of stories.\n"
                 "2. Then use acme/heron-34b as the base, and use QLoRA to fine-tune 3 epochs.", "QLoRA", "self"),
    ("wren-34b", "To use it:\n1. Use QLoRA to fine-tune it on your data.", "QLoRA", "reader"),
    # a section headed by another model's name, past the card's title, is a copied card of that model
    ("wren-13b", "# Wren 13B\nA merge of two models.\n\n# Heron 2\n## Model Details\n"
                 "The tuned versions use SFT and RLHF.", "RLHF", "other"),
    # the short name the card gives this repo in brackets, after its full name, is this repo
    ("grey-wren-13b", "This is the Grey Wren 13B (GW-13B) model.\n\nThe GW-13B model is tuned from Heron-13B with DPO.",
     "DPO", "self"),
    ("grey-wren-13b", "This is Grey Wren 13B (Alpha).\n\nThe GA-13B model was tuned with DPO.", "DPO", "other"),
    # "please ..." after a comma opens advice of its own: the claim before it stays the repo's
    ("wren-13b", "Wren-13B is a fine-tuned version of Heron-13B, please read its licence first.", "fine-tuned",
     "self"),
    # a dataset's numbered field names a dataset, not a model
    ("wren-7b", "## Datasets\n- Dataset 1 Name: acme/alpaca-style-polish", "alpaca", "self"),
    # the model a fine-tune was made from, its size after its name
    ("wren-13b", "Heron 2 13b fine tune using a riddle dataset.", "riddle", "self"),
    ("wren-13b", "Fine tune on your own riddles with the script below.", "riddles", "reader"),
    # a tool's name is not a model's
    ("wren-7b", "- The open-source [acme/Forge-LM](https://x.org) trainer was used for fine-tuning.", "fine-tuning",
     "self"),
    # a variant phrase after a copula says what its clause's subject is: here another size's checkpoint
    ("wren-14b", "The 7B version of the model is a distilled version of the 14B model.", "distilled", "sibling"),
    ("wren-14b", "This model is a distilled version of Heron-70B.", "distilled", "self"),
    ("wren-14b", "Wren-14B is a fine-tuned version of Heron-14B.", "fine-tuned", "self"),
])
def test_whose_claim(name, card, word, subject):
    assert subjects(name, card, word)[-1] == subject


def test_the_familys_post_training_is_its_instruct_models():
    card = "# Wren 3 27B IT\n\nWren 3 was post-trained with knowledge distillation from a teacher, then RL."
    assert {"distillation", "rl"} <= tags("wren-3-27b-it", card)
    assert not {"distillation", "rl"} & tags("wren-3-27b-pt", card)


def test_in_a_merge_the_dpo_model_is_a_parent():
    """The card's merge statement is read first: the models it names by their kind are its ingredients."""
    card = "Two chat models and one DPO model were used for a MoE.\n\nThe DPO chat model makes replies more human."
    assert tags("wren-8x7b", card) & {"merge", "dpo", "preference-tuning"} == {"merge"}


def test_a_quantized_copy_owns_what_its_original_claims():
    card = "---\nbase_model: acme/heron-13b\n---\nHeron 13B was fine-tuned with DPO on ranked pairs."
    s = Snapshot(target="acme/heron-13b-GPTQ", source="card", repo_name="heron-13b-GPTQ",
                 files={"README.md": card, "quantize_config.json": "{}"})
    assert "dpo" in {t.name for t in analyse(s, rulebook()).rows["post_training"].tags}


# --- what the rules then tag ---------------------------------------------------------------------------------

def test_a_base_checkpoint_keeps_the_familys_methods_as_lineage():
    card = ("| Size | Base | Chat |\n|---|---|---|\n| 7B | wren-7b | wren-7b-chat |\n\n"
            "Wren is pretrained on web text. The chat versions were aligned with SFT and RLHF.")
    v = analyse(snap("wren-7b", card), rulebook())
    names = {t.name for t in v.rows["post_training"].tags}
    assert "base-only" in names and not names & {"sft", "rlhf"}
    assert set(v.lineage.family_methods) >= {"sft", "rlhf"}


@pytest.mark.parametrize("card,absent", [
    ("It was **not** instruction-tuned, nor trained with RLHF.", {"rlhf", "instruction-tuned"}),
    ("It has not been aligned to human preferences with techniques like RLHF.", {"rlhf"}),
    ("Every stage of the recipe was run (except DPO).", {"dpo"}),
    ("This is the checkpoint after SFT, before DPO has been applied.", {"dpo"}),
    ("The model was trained without RLHF or PPO.", {"rlhf", "ppo"}),
    ("本模型未经过RLHF训练。", {"rlhf"}),
])
def test_negation_inside_markdown_lists_and_languages(card, absent):
    assert not tags("wren-7b", card) & absent


@pytest.mark.parametrize("card,absent", [
    ("A merge of [Tiamat-7b-1.1-DPO](https://x.org) and Noromaid-13B-0.4-DPO.", {"dpo"}),
    ("We merged ken-7b-sft-beta with a story model.", {"sft"}),
    ("Prompts came from the HH-RLHF dataset; answers were rewritten.", {"rlhf"}),
    ("Its name, Tern-L1-Chat-RL-v1, is a version label.", {"rl"}),
])
def test_names_are_not_methods(card, absent):
    assert not tags("wren-7b", card) & absent


def test_names_of_other_agents_and_the_readers_job_are_not_product_claims():
    assert "agent" not in tags("wren-7b", "We used the cog-agent tool to caption images.", "product")
    assert "guardrail" not in tags("wren-7b", "Deployers should pair it with a separate safety classifier.", "product")
    assert "safety-tuning" not in tags("wren-7b", "Add your own safety measures before deploying.")
    assert "sft" not in tags("wren-7b", "## How to fine-tune\nYou can run SFT with our notebook.")
    assert "tool-use" not in tags("wren-7b", "## Future plans\n- Function calling")


@pytest.mark.parametrize("card,present", [
    ("本模型使用中英文对话数据微调而成。", {"sft"}),
    ("基于开源底座采用大规模中文数据进行了继续预训练。", {"continued-pretraining"}),
    ("이 모델은 지도 미세조정을 거쳤습니다.", {"sft"}),
    ("追加事前学習を行ったモデルです。", {"continued-pretraining"}),
    ("Fine-tuned on user-shared conversations for two epochs.", {"sft"}),
])
def test_plain_words_and_other_languages(card, present):
    assert tags("wren-7b", card) >= present


def test_family_capabilities_count_for_a_tuned_member_but_not_for_a_base():
    card = "Wren can call tools and plan multi-step tasks. See [chat](https://huggingface.co/acme/wren-7b-chat)."
    assert "tool-use" in tags("wren-7b-chat", card.replace("Wren can", "Wren-7b-chat can"), "product")
    base = tags("wren-7b", "This is the raw pretrained model. The chat versions can call tools.", "product")
    assert "tool-use" not in base


def test_family_methods_are_not_a_members_when_siblings_differ_by_method():
    card = ("Wren is a suite of SFT and DPO tuned chat models. "
            "See [wren-7b-dpo](https://huggingface.co/acme/wren-7b-dpo). This one was fine-tuned on chats.")
    found = tags("wren-7b", card)
    assert "dpo" not in found and "sft" in found


def test_inside_name():
    text = "A merge of Noromaid-13B-0.4-DPO and a DPO-tuned helper, built with the HH-RLHF prompts."
    first, second, third = text.find("DPO"), text.find("DPO-tuned"), text.find("RLHF")
    assert inside_name(text, first, first + 3)
    assert not inside_name(text, second, second + 3)
    assert inside_name(text, third, third + 4)
    # a name spelt out in brackets is inside the name; an acronym in brackets after the words it shortens is not
    named = "Ask Wren (Web Research Agent) anything."
    assert inside_name(named, named.find("Research"), named.find("Research") + 8)
    spelt = "It was aligned with Direct Preference Optimization (DPO) on ranked pairs."
    assert not inside_name(spelt, spelt.find("DPO"), spelt.find("DPO") + 3)


def test_the_issue_classes_in_our_own_words():
    # a base checkpoint whose card describes the family's chat models
    base = "Wren-13b was pretrained on 1T tokens. Our chat models were then aligned in several rounds of SFT and DPO."
    assert tags("wren-13b", base) & {"sft", "dpo", "base-only"} == {"base-only"}
    # a family table of methods, one row per sibling
    table = ("| Variant | Repo |\n|---|---|\n| Base | acme/wren-7b |\n| SFT | acme/wren-7b-SFT |\n"
             "| DPO | acme/wren-7b-DPO |\n")
    assert tags("wren-7b", table) & {"sft", "dpo", "base-only"} == {"base-only"}
    # "Reasoning" as a benchmark category or a prompt mode is no thinking
    assert "thinking" not in tags("wren-7b", "| Reasoning | 42.7 |\n\nPrompt modes: chat mode, reasoning mode.",
                                  "inference")


def test_a_card_that_opens_with_what_the_model_was_made_from():
    # "X DPO-trained on Y" names the model this repo was made from: the DPO is this repo's
    assert "dpo" in tags("wren-7b-v2", "acme/heron-7b-v1 DPO-trained on ranked pairs.")
    assert "sft" in tags("wren-7b", "Heron 13B finetuned on 5k role-play conversations.")
