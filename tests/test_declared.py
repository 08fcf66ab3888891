"""A repo without config.json: the card's own statements of its structure become declared facts citing the card
line; hedged ones are only hinted; a fine-tune keeps the backbone of a base model the catalog holds a config for.
Every card here is invented."""

from __future__ import annotations

import json

from axes.pipeline import analyse
from axes.rules import rulebook
from axes.types import Snapshot, Strength

TINY = {"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
        "num_key_value_heads": 2, "vocab_size": 100}


def verdict(name: str, card: str, files: dict[str, str] | None = None):
    s = Snapshot(target=f"acme/{name}", source="card", files={"README.md": card, **(files or {})}, repo_name=name)
    return analyse(s, rulebook())


def backbone_tag(v, name: str):
    return next((t for t in v.rows["backbone"].tags if t.name == name), None)


def test_a_stated_mixture_of_experts_is_a_declared_fact_citing_the_card():
    v = verdict("wren-47b", "# Wren\n\nWren is a sparse mixture-of-experts model with 8 experts, 2 active per token.\n"
                            "It uses grouped-query attention.")
    facts, sources = v.backbone.facts, v.backbone.sources
    assert (facts.structure, facts.experts, facts.experts_per_token, facts.attention) == ("moe", 8, 2, "GQA")
    assert sources["structure"].file == "README.md" and sources["structure"].line == 3
    assert v.lenses.moe is True
    moe = backbone_tag(v, "moe")
    assert moe is not None and moe.strength is Strength.declared and moe.evidence[0].file == "README.md"


def test_the_mha_acronym_states_full_attention_and_multi_head_attention_alone_does_not():
    v = verdict("wren-7b", "# Wren\n\nIts architecture is the original one, with the MHA of the first Wren models.")
    assert v.backbone.facts.attention == "MHA" and v.backbone.sources["attention"].line == 3
    assert verdict("wren-7b", "Wren is a transformer with multi-head attention.").backbone.facts.attention is None
    assert verdict("wren-7b", "Wren uses GQA rather than MHA.").backbone.facts.attention == "GQA"


def test_hedged_statements_are_hinted_and_unstated_ones_nothing():
    hedged = verdict("wren-x", "The model is reportedly a mixture-of-experts design.")
    assert hedged.backbone.sources["structure"].strength is Strength.hinted
    unstated = verdict("wren-x", "The vendor does not disclose whether it is dense or mixture-of-experts.")
    assert unstated.backbone.facts.structure is None
    assert verdict("wren-x", "Unlike mixture-of-experts models, every weight is used.").backbone.facts.structure is None


def test_the_name_states_experts():
    v = verdict("finch-4x7b", "A merge of four chat models.")
    assert (v.backbone.facts.structure, v.backbone.facts.experts) == ("moe", 4)
    assert v.backbone.sources["experts"].file == "name"


def test_claims_about_other_models_are_not_this_ones():
    card = "We compare with Tern-8x22B-Chat. Tern-8x22B-Chat is a mixture-of-experts model."
    assert verdict("wren-7b", card).backbone.facts.structure is None


def test_a_config_wins_over_the_card():
    v = verdict("wren-7b", "A mixture-of-experts model.", files={"config.json": json.dumps(TINY)})
    assert v.backbone.facts.structure == "dense" and v.backbone.sources["structure"].file == "config.json"


def test_a_fine_tune_keeps_the_backbone_of_its_catalog_base():
    # The bundled catalog holds a config for an instruct model whose own card names its base: a fine-tune of that
    # same base shares the backbone, and every fact says where it came from.
    card = "---\nbase_model: mistralai/Mixtral-8x7B-v0.1\n---\nA role-play fine-tune."
    v = verdict("wren-8x7b-rp", card)
    assert v.backbone.facts.structure == "moe" and v.backbone.facts.experts == 8
    assert "catalog" in v.backbone.sources["experts"].key and v.backbone.sources["experts"].file == "README.md"
    assert v.backbone.facts.base_model == "mistralai/Mixtral-8x7B-v0.1"
