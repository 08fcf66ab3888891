"""Weight-file headers -> parameter counts and, for GGUF, the backbone facts its metadata states.

A safetensors header names every tensor with its dtype and shape: the sum of their sizes is the exact count
of stored parameters, and the routed experts' tensors (by name) give the active count with the config's top-k.
A GGUF header holds llama.cpp's metadata (architecture, dimensions, experts, context, file type, chat template)
and a tensor table. Packed quantized tensors (GPTQ, AWQ, MXFP4 blocks) hold several parameters per element:
their element count is not a parameter count, so it is not reported as one.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from msgspec import Struct

from .. import regexes
from ..types import GGUFHeader, Structure, WeightHeaders

ROUTED = regexes.compile(r"\.experts\.(\d+)\.|\.experts\.(gate_up_proj|gate_proj|up_proj|down_proj|w[123])\b")
SHARED = regexes.compile(r"shared")
MTP = regexes.compile(r"(^|\.)(mtp|nextn|mtp_layers)\b")
LAYER = regexes.compile(r"\blayers\.(\d+)\.")
# Stored beside the weights but not parameters of the network: quantization scales and int buffers.
NOT_PARAMS = regexes.compile(r"(_scale(_inv)?|\.scales?|_amax|input_scale|weight_scale|_zero_point)$")
INTEGER = {"I8", "U8", "I16", "U16", "I32", "U32", "I64", "U64", "BOOL"}
PACKED = regexes.compile(r"(qweight|qzeros|_blocks|\.weight_packed|absmax|quant_map|nested_absmax)$")
GGUF_ROUTED = regexes.compile(r"_exps\b")
GGUF_SHARED = regexes.compile(r"_shexp\b")

# llama.cpp's file types (general.file_type): how most of the tensors are quantized.
GGUF_FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
    12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
    19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
    26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0",
    37: "TQ2_0", 38: "MXFP4_MOE",
}
GGUF_NAME_QUANT = regexes.compile(r"(?<![A-Za-z0-9])(I?Q\d_[A-Z0-9]+(?:_[SMLX]{1,2})?|MXFP4(?:_MOE)?|BF16|F16|F32)"
                             r"(?![A-Za-z0-9])", re.IGNORECASE)
# Architectures whose layers are all state-space or recurrent, or mix them with attention.
GGUF_SSM = {"mamba", "mamba2", "rwkv6", "rwkv7", "rwkv6qwen2", "arwkv7"}
GGUF_HYBRID = {"jamba", "falcon-h1", "lfm2", "granitehybrid", "nemotron_h", "plamo2", "qwen3next", "lfm2moe"}


class WeightCount(Struct, frozen=True, kw_only=True):
    """Parameters counted from tensor shapes in the weight files' headers."""

    source: str  # "safetensors" | "gguf"
    total: int  # the main model, multi-token-prediction modules left out
    routed: int  # of which the routed experts' tensors
    experts: int | None  # distinct expert indices the tensor names show
    mtp: int
    by_dtype: dict[str, int]
    exact: bool  # False: packed quantized tensors, whose element count is not the parameter count
    files: int

    def active(self, experts: int | None, top_k: int | None) -> int | None:
        """Every parameter a token passes through: the routed experts at top_k of experts."""
        if not self.routed:
            return self.total
        if not experts or not top_k:
            return None
        return self.total - round(self.routed * (1 - min(top_k, experts) / experts))


def safetensors_count(weights: WeightHeaders, layers: int | None) -> tuple[WeightCount | None, list[str]]:
    """The parameter count the .safetensors headers establish (None: none read), and notes."""
    notes: list[str] = []
    if not weights.safetensors:
        return None, _index_note(weights)
    total = routed = mtp = 0
    by_dtype: dict[str, int] = {}
    expert_ids: set[int] = set()
    packed = False
    for name, text in weights.safetensors:
        try:
            header = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            notes.append(f"{name}: header is not valid JSON")
            continue
        if not isinstance(header, dict):
            notes.append(f"{name}: header is not a JSON object")
            continue
        for tensor, info in header.items():
            if tensor == "__metadata__" or not isinstance(info, dict):
                continue
            size = _size(info.get("shape"))
            dtype = str(info.get("dtype", "?"))
            if size is None or NOT_PARAMS.search(tensor):
                continue
            if dtype in INTEGER:
                packed = packed or bool(PACKED.search(tensor)) or tensor.endswith("weight")
                continue  # position ids and other integer buffers
            if _is_mtp(tensor, layers):
                mtp += size
                continue
            total += size
            by_dtype[dtype] = by_dtype.get(dtype, 0) + size
            match = ROUTED.search(tensor)
            if match and not SHARED.search(tensor):
                routed += size
                if match.group(1) is not None:
                    expert_ids.add(int(match.group(1)))
    if not total:
        return None, notes + ["safetensors headers hold no parameter tensors"]
    if packed:
        notes.append("the safetensors hold packed quantized tensors: their element count is not the parameter count")
    return WeightCount(source="safetensors", total=total, routed=routed, experts=len(expert_ids) or None, mtp=mtp,
                       by_dtype=by_dtype, exact=not packed, files=len(weights.safetensors)), notes


def _index_note(weights: WeightHeaders) -> list[str]:
    """What model.safetensors.index.json says when no shard header could be read: the bytes and tensor names."""
    if weights.safetensors_index is None:
        return []
    try:
        index = json.loads(weights.safetensors_index)
    except (json.JSONDecodeError, RecursionError):
        return ["model.safetensors.index.json: not valid JSON"]
    if not isinstance(index, dict):
        return []
    size = (index.get("metadata") or {}).get("total_size") if isinstance(index.get("metadata"), dict) else None
    listed = index.get("weight_map")
    names: dict[str, Any] = listed if isinstance(listed, dict) else {}
    shards = len({str(v) for v in names.values()})
    if isinstance(size, int) and size > 0:
        return [f"model.safetensors.index.json: {size / 1e9:.1f} GB of weights, {len(names):,} tensors in "
                f"{shards} shards (shard headers not read, so no exact count)"]
    return []


def _size(shape: Any) -> int | None:
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                              for d in shape):
        return None
    return math.prod(shape)


def _is_mtp(tensor: str, layers: int | None) -> bool:
    if MTP.search(tensor):
        return True
    match = LAYER.search(tensor)
    # DeepSeek-V3 stores its MTP module as one layer past the last (model.layers.61 of 61).
    return bool(match and layers and int(match.group(1)) >= layers and "vision" not in tensor
                and "visual" not in tensor and "audio" not in tensor)


class GGUFFacts(Struct, frozen=True, kw_only=True):
    """The backbone facts a GGUF header states; None where it is silent."""

    architecture: str | None
    layers: int | None
    hidden: int | None
    heads: int | None
    kv_heads: int | None
    context: int | None
    experts: int | None
    experts_per_token: int | None
    shared_experts: int | None
    vocab: int | None
    rope_theta: float | None
    sliding_window: int | None
    mla: bool
    quantization: str | None
    count: WeightCount | None
    structure: Structure | None
    file: str
    note: str | None


def gguf_facts(weights: WeightHeaders) -> tuple[GGUFFacts | None, list[str]]:
    """Facts from the first GGUF model in the folder (its split parts counted together), and notes."""
    if not weights.gguf:
        return None, []
    notes: list[str] = []
    first = weights.gguf[0]
    parts = [h for h in weights.gguf if _split_of(h) == _split_of(first)] if _split_of(first) else [first]
    others = [h for h in weights.gguf if h not in parts]
    if others:
        kinds = sorted({_quant(h) or h.file for h in others})
        notes.append(f"{len(others)} more GGUF files ({', '.join(kinds)}); the facts are read from {first.file}")
    meta = first.metadata
    arch = meta.get("general.architecture") if isinstance(meta.get("general.architecture"), str) else None

    def num(key: str) -> Any:
        value = meta.get(f"{arch}.{key}") if arch else None
        if isinstance(value, list):  # per-layer values (some architectures list heads per layer)
            value = max((v for v in value if isinstance(v, (int, float))), default=None)
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    count = _gguf_count(parts) if all(h.complete for h in parts) else None
    if count is None:
        notes.extend(h.note for h in parts if h.note)
    experts = _as_int(num("expert_count"))
    vocab = _as_int(num("vocab_size")) or first.array_lengths.get("tokenizer.ggml.tokens") or (
        len(meta["tokenizer.ggml.tokens"]) if isinstance(meta.get("tokenizer.ggml.tokens"), list) else None)
    structure: Structure | None = None
    if arch:
        structure = "ssm" if arch in GGUF_SSM else "hybrid" if arch in GGUF_HYBRID else (
            "moe" if experts and experts > 1 else "dense")
    facts = GGUFFacts(
        architecture=arch, layers=_as_int(num("block_count")), hidden=_as_int(num("embedding_length")),
        heads=_as_int(num("attention.head_count")), kv_heads=_as_int(num("attention.head_count_kv")),
        context=_as_int(num("context_length")), experts=experts if experts and experts > 1 else None,
        experts_per_token=_as_int(num("expert_used_count")) if experts and experts > 1 else None,
        shared_experts=_as_int(num("expert_shared_count")), vocab=vocab,
        rope_theta=num("rope.freq_base"), sliding_window=_as_int(num("attention.sliding_window")),
        mla=bool(num("attention.kv_lora_rank")), quantization=_quant(first), count=count, structure=structure,
        file=first.file, note=first.note,
    )
    return facts, notes


def _as_int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and value > 0 and float(value).is_integer() else None


def _split_of(header: GGUFHeader) -> str | None:
    """The split a file belongs to (model-00001-of-00003.gguf): the name without its part number."""
    count = header.metadata.get("split.count")
    if not isinstance(count, int) or count <= 1:
        return None
    return re.sub(r"-\d{5}-of-\d{5}", "", header.file)


def _quant(header: GGUFHeader) -> str | None:
    kind = header.metadata.get("general.file_type")
    if isinstance(kind, int) and kind in GGUF_FILE_TYPES:
        return GGUF_FILE_TYPES[kind]
    match = GGUF_NAME_QUANT.search(header.file)
    return match.group(1).upper() if match else None


def _gguf_count(parts: list[GGUFHeader]) -> WeightCount | None:
    total = routed = 0
    for header in parts:
        for name, shape, _kind in header.tensors:
            if "nextn" in name:
                continue  # multi-token-prediction layers, counted apart as everywhere
            size = math.prod(shape)
            total += size
            if GGUF_ROUTED.search(name) and not GGUF_SHARED.search(name):
                routed += size
    if not total:
        return None
    return WeightCount(source="gguf", total=total, routed=routed, experts=None, mtp=0, by_dtype={}, exact=True,
                       files=len(parts))
