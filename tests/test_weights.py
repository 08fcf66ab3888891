"""The weights' own headers: safetensors (exact counts per dtype, routed experts -> active, MTP apart, packed
quantized tensors refused as counts) and GGUF (facts, quantization, chat template), from files written here."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from weightfiles import write_gguf, write_safetensors

from axes import sources
from axes.pipeline import inspect
from axes.sources.weightheaders import HeaderError, gguf_header, safetensors_header

H, V, LAYERS = 64, 100, 2
LLAMA = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": H, "intermediate_size": 128,
         "num_hidden_layers": LAYERS, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": V,
         "tie_word_embeddings": False, "torch_dtype": "bfloat16"}


def llama_tensors(layers: int = LAYERS) -> dict[str, tuple[str, list[int]]]:
    """The tensors a Llama-style checkpoint of LLAMA's dimensions stores, with their shapes."""
    tensors = {"model.embed_tokens.weight": ("BF16", [V, H]), "model.norm.weight": ("BF16", [H]),
               "lm_head.weight": ("BF16", [V, H])}
    for i in range(layers):
        p = f"model.layers.{i}."
        tensors |= {p + "self_attn.q_proj.weight": ("BF16", [H, H]), p + "self_attn.k_proj.weight": ("BF16", [32, H]),
                    p + "self_attn.v_proj.weight": ("BF16", [32, H]), p + "self_attn.o_proj.weight": ("BF16", [H, H]),
                    p + "mlp.gate_proj.weight": ("BF16", [128, H]), p + "mlp.up_proj.weight": ("BF16", [128, H]),
                    p + "mlp.down_proj.weight": ("BF16", [H, 128]), p + "input_layernorm.weight": ("BF16", [H]),
                    p + "post_attention_layernorm.weight": ("BF16", [H])}
    return tensors


def size(tensors) -> int:
    total = 0
    for _, shape in tensors.values():
        n = 1
        for d in shape:
            n *= d
        total += n
    return total


def folder(tmp_path: Path, config: dict | None, **weights: dict) -> Path:
    if config is not None:
        (tmp_path / "config.json").write_text(json.dumps(config))
    for name, tensors in weights.items():
        write_safetensors(tmp_path / f"{name}.safetensors", tensors)
    return tmp_path


def test_safetensors_count_is_exact_and_agrees_with_the_arithmetic(tmp_path):
    tensors = llama_tensors()
    f = inspect(str(folder(tmp_path, LLAMA, model=tensors))).backbone.facts
    assert f.params_source == "safetensors" and f.total_params == size(tensors) == f.active_params
    assert f.computed_params == f.total_params  # the config arithmetic, kept beside


def test_shards_are_summed_and_a_disagreement_is_said(tmp_path):
    tensors = llama_tensors(layers=3)  # one layer more than the config says
    names = list(tensors)
    half = len(names) // 2
    verdict = inspect(str(folder(tmp_path, LLAMA, **{
        "model-00001-of-00002": {n: tensors[n] for n in names[:half]},
        "model-00002-of-00002": {n: tensors[n] for n in names[half:]}})))
    f = verdict.backbone.facts
    assert f.total_params == size(tensors) and f.computed_params < f.total_params
    assert any("safetensors headers count" in n and "config arithmetic" in n for n in verdict.backbone.notes)


def test_routed_expert_tensors_give_the_active_count(tmp_path):
    config = LLAMA | {"model_type": "mixtral", "architectures": ["MixtralForCausalLM"], "num_local_experts": 4,
                      "num_experts_per_tok": 1}
    tensors = {n: t for n, t in llama_tensors().items() if ".mlp." not in n}
    for i in range(LAYERS):
        tensors[f"model.layers.{i}.block_sparse_moe.gate.weight"] = ("BF16", [4, H])
        for e in range(4):
            for w in ("w1", "w2", "w3"):
                tensors[f"model.layers.{i}.block_sparse_moe.experts.{e}.{w}.weight"] = ("BF16", [128, H])
    f = inspect(str(folder(tmp_path, config, model=tensors))).backbone.facts
    routed = LAYERS * 4 * 3 * 128 * H
    assert f.params_source == "safetensors" and f.total_params == size(tensors)
    assert f.active_params == size(tensors) - routed * 3 // 4


def test_mtp_layer_past_the_last_is_counted_apart(tmp_path):
    tensors = llama_tensors(layers=LAYERS + 1)
    mtp = {n: t for n, t in tensors.items() if n.startswith(f"model.layers.{LAYERS}.")}
    f = inspect(str(folder(tmp_path, LLAMA | {"num_nextn_predict_layers": 1}, model=tensors))).backbone.facts
    assert f.total_params == size(tensors) - size(mtp) and f.mtp_params == size(mtp)


def test_packed_quantized_tensors_are_not_a_parameter_count(tmp_path):
    tensors = llama_tensors()
    tensors["model.layers.0.mlp.up_proj.qweight"] = ("I32", [16, 128])
    config = LLAMA | {"quantization_config": {"quant_method": "gptq", "bits": 4}}
    verdict = inspect(str(folder(tmp_path, config, model=tensors)))
    assert verdict.backbone.facts.params_source == "computed"
    assert any("packed quantized" in n for n in verdict.backbone.notes)


def test_safetensors_header_caps_and_truncation(tmp_path):
    big = tmp_path / "big.safetensors"
    big.write_bytes(struct.pack("<Q", 10**12) + b"{}")
    with pytest.raises(HeaderError, match="over the"):
        safetensors_header(big)
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(struct.pack("<Q", 500) + b'{"a":')
    with pytest.raises(HeaderError, match="ends inside its header"):
        safetensors_header(cut)
    (tmp_path / "config.json").write_text(json.dumps(LLAMA))
    verdict = inspect(str(tmp_path))  # unreadable headers are notes; the arithmetic still answers
    assert verdict.backbone.facts.params_source == "computed"
    assert any(n.startswith("big.safetensors:") for n in verdict.backbone.notes)


def test_index_without_shards_says_what_it_holds(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps(LLAMA))
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps(
        {"metadata": {"total_size": 16_000_000_000}, "weight_map": {"a": "model-1.safetensors",
                                                                     "b": "model-2.safetensors"}}))
    verdict = inspect(str(tmp_path))
    assert any("16.0 GB of weights, 2 tensors in 2 shards" in n for n in verdict.backbone.notes)


TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>{% endfor %}"
            "{% if enable_thinking %}<think>{% endif %}")


def gguf_tensors(layers: int = 2, experts: int = 4) -> dict[str, list[int]]:
    tensors = {"token_embd.weight": [H, V], "output_norm.weight": [H], "output.weight": [H, V]}
    for i in range(layers):
        b = f"blk.{i}."
        tensors |= {b + "attn_q.weight": [H, H], b + "attn_k.weight": [H, 16], b + "attn_v.weight": [H, 16],
                    b + "attn_output.weight": [H, H], b + "ffn_gate_inp.weight": [H, experts],
                    b + "ffn_gate_exps.weight": [H, 32, experts], b + "ffn_up_exps.weight": [H, 32, experts],
                    b + "ffn_down_exps.weight": [32, H, experts], b + "attn_norm.weight": [H],
                    b + "ffn_norm.weight": [H]}
    return tensors


def gguf_metadata(**extra) -> dict:
    return {"general.architecture": "qwen3moe", "general.file_type": 15, "qwen3moe.block_count": 2,
            "qwen3moe.embedding_length": H, "qwen3moe.attention.head_count": 4,
            "qwen3moe.attention.head_count_kv": 1, "qwen3moe.context_length": 32768, "qwen3moe.expert_count": 4,
            "qwen3moe.expert_used_count": 2, "qwen3moe.rope.freq_base": 1e6,
            "tokenizer.ggml.tokens": [f"tok{i}" for i in range(V)], "tokenizer.chat_template": TEMPLATE} | extra


def test_gguf_only_folder_gives_backbone_facts_quantization_and_template(tmp_path):
    tensors = gguf_tensors()
    write_gguf(tmp_path / "tiny-Q4_K_M.gguf", gguf_metadata(), tensors)
    snap = sources.resolve(str(tmp_path))
    assert snap.files["chat_template"] == TEMPLATE  # the other axes read it too
    verdict = inspect(str(tmp_path))
    f = verdict.backbone.facts
    total = sum(_prod(s) for s in tensors.values())
    routed = sum(_prod(s) for n, s in tensors.items() if "_exps" in n)
    assert (f.params_source, f.total_params, f.active_params) == ("gguf", total, total - routed // 2)
    assert (f.layers, f.hidden_size, f.heads, f.kv_heads, f.attention) == (2, H, 4, 1, "MQA")
    assert (f.experts, f.experts_per_token, f.context_length, f.vocab_size) == (4, 2, 32768, V)
    assert f.quantization == "Q4_K_M" and verdict.lenses.structure == "moe"
    assert "thinking-toggle" in {t.name for t in verdict.rows["inference"].tags}
    moe = next(t for t in verdict.rows["backbone"].tags if t.name == "moe")
    assert moe.evidence[0].file == "files" and "GGUF header" in moe.evidence[0].text


def test_gguf_split_parts_are_counted_together_and_variants_noted(tmp_path):
    tensors = gguf_tensors()
    names = list(tensors)
    split = {"split.count": 2}
    write_gguf(tmp_path / "m-Q8_0-00001-of-00002.gguf", gguf_metadata(**split, **{"general.file_type": 7}),
               {n: tensors[n] for n in names[:10]})
    write_gguf(tmp_path / "m-Q8_0-00002-of-00002.gguf", {"split.count": 2}, {n: tensors[n] for n in names[10:]})
    write_gguf(tmp_path / "z-F16.gguf", gguf_metadata(**{"general.file_type": 1}), tensors)
    verdict = inspect(str(tmp_path))
    assert verdict.backbone.facts.total_params == sum(_prod(s) for s in tensors.values())
    assert verdict.backbone.facts.quantization == "Q8_0"
    assert any("1 more GGUF files (F16)" in n for n in verdict.backbone.notes)


def test_gguf_reader_bounds_arrays_strings_and_caps(tmp_path):
    path = write_gguf(tmp_path / "a.gguf", gguf_metadata(), gguf_tensors())
    header = gguf_header(path)
    assert header.metadata["tokenizer.ggml.tokens"] is None and header.array_lengths["tokenizer.ggml.tokens"] == V
    assert header.complete and len(header.tensors) == len(gguf_tensors())
    capped = gguf_header(path, cap=200)  # the cap stops the read inside the metadata: what was read is kept
    assert not capped.complete and capped.metadata["general.architecture"] == "qwen3moe" and not capped.tensors
    (tmp_path / "b.gguf").write_bytes(b"GGML" + bytes(20))
    with pytest.raises(HeaderError, match="no GGUF magic"):
        gguf_header(tmp_path / "b.gguf")
    (tmp_path / "c.gguf").write_bytes(path.read_bytes()[:300])
    assert not gguf_header(tmp_path / "c.gguf").complete


def test_gguf_without_its_tensor_table_has_facts_but_no_count(tmp_path):
    path = write_gguf(tmp_path / "x-Q5_K_M.gguf", gguf_metadata(**{"general.file_type": 17}), gguf_tensors())
    path.write_bytes(path.read_bytes()[:-40])  # cut inside the tensor table
    verdict = inspect(str(tmp_path))
    f = verdict.backbone.facts
    assert f.total_params is None and f.layers == 2 and f.quantization == "Q5_K_M"
    assert any("tensor table" in n for n in verdict.backbone.notes)


def _prod(shape: list[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_gguf_reader_gives_the_same_header_whatever_its_buffer(tmp_path, chunk):
    from axes.sources.weightheaders import gguf_from

    path = write_gguf(tmp_path / "a.gguf", gguf_metadata(), gguf_tensors())  # strings cross every small buffer
    with path.open("rb") as handle:
        header = gguf_from(handle, "a.gguf", 0, chunk=chunk)
    whole = gguf_header(path)
    assert (header.metadata, header.array_lengths, header.tensors) == (whole.metadata, whole.array_lengths,
                                                                        whole.tensors)
    assert header.complete
