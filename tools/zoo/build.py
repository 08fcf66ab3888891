#!/usr/bin/env python3
"""Build a truth set of configs with exact parameter counts from the reference implementation (dev only).

NOT part of axes and never imported by it: it needs torch and transformers, which axes never depends on.
Run it from a separate virtual environment:

    python3 -m venv /work/zoo-venv && /work/zoo-venv/bin/pip install torch==2.13.0 transformers
    /work/zoo-venv/bin/python tools/zoo/build.py /tmp/bigzoo            # every text model type
    /work/zoo-venv/bin/python tools/zoo/build.py /tmp/bigzoo --only llama,t5 --variants
    .venv/bin/python ../shared/tools/zoo_score.py /tmp/bigzoo --axes .venv/bin/axes --show-misses

For every decoder, encoder, encoder-decoder and state-space model type transformers ships, it writes the config
class's defaults (every key, `configs/default--<type>/config.json`) and builds the model class on the meta device
(no memory for weights), counting unique parameters (tied weights once, multi-token-prediction modules left out);
active = total - routed-expert parameters x (1 - k/E). `truth.tsv` has the columns ../shared/tools/zoo_score.py
reads. Structure and attention are derived from the built modules and the config (the shared zoo assigns them by
hand): moe when routed experts exist, ssm/hybrid from the mixer modules' class names.

--variants adds, per type: `diff--<type>` (only the keys a saved config.json holds: transformers' use_diff, which
leaves out values equal to the library-wide defaults, as real configs on the Hub do) and `untied--`/`tied--<type>`
(tie_word_embeddings flipped). The output folder is for scoring only: keep it out of git.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import signal
import sys
import traceback
from pathlib import Path

ROUTED = re.compile(r"(^|\.)experts(\.|$)")
SHARED = re.compile(r"shared")
MTP = re.compile(r"(^|\.)(mtp|nextn|mtp_layers|multi_token)")
TOWERS = ("vision", "audio", "visual", "image", "speech")
EXPERTS_KEYS = ("num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts", "num_routed_experts",
                "n_experts")
TOPK_KEYS = ("num_experts_per_tok", "num_experts_per_token", "moe_topk", "moe_top_k", "top_k", "moe_k",
             "num_selected_experts", "experts_per_token")
SSM_HINTS = ("mamba", "mixer", "ssm", "rwkv", "recurrent", "rglru", "xlstm", "mlstm", "slstm", "conv", "linear_attn",
             "lineara", "gateddeltanet", "deltanet", "lightning", "shortconv", "kda", "gla", "retention")


def mappings() -> list[tuple[str, str, str]]:
    """(model_type, class name, kind) for every text model type, the head class the zoo counts."""
    from transformers.models.auto import modeling_auto as m

    chosen: dict[str, tuple[str, str]] = {}
    # An encoder-decoder family also ships a decoder-only class (BartForCausalLM): the full model comes first.
    for names, kind in (
        (m.MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES, "seq2seq"),
        (m.MODEL_FOR_SPEECH_SEQ_2_SEQ_MAPPING_NAMES, "speech"),
        (m.MODEL_FOR_MASKED_LM_MAPPING_NAMES, "masked"),  # BERT's lineage: the encoder, not its LMHead variant
        # A language model with a vision tower, before the causal class some image-text types also ship
        # (MllamaForCausalLM is the language model alone): axes counts the repo's whole model.
        (m.MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES, "vlm"),
        (m.MODEL_FOR_CAUSAL_LM_MAPPING_NAMES, "causal"),
    ):
        for model_type, cls in names.items():
            if isinstance(cls, (list, tuple)):
                cls = cls[0]
            chosen.setdefault(model_type, (cls, kind))
    return sorted((t, c, k) for t, (c, k) in chosen.items())


def first(config, keys):
    for key in keys:
        value = getattr(config, key, None)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def text_part(config):
    for key in ("text_config", "llm_config", "language_config", "decoder"):
        inner = getattr(config, key, None)
        if inner is not None and hasattr(inner, "to_dict") and getattr(inner, "hidden_size", None):
            return inner
    return config


def count(model, config) -> tuple[int, int, int, bool]:
    """(total, active, routed, has_moe) with MTP modules left out; parameters() yields a tied weight once."""
    text = text_part(config)
    nested = getattr(text, "ffn_config", None)  # DBRX keeps its experts' settings in a nested block
    experts = first(text, EXPERTS_KEYS) or (first(nested, EXPERTS_KEYS) if nested is not None else None)
    k = first(text, TOPK_KEYS) or (first(nested, TOPK_KEYS) if nested is not None else None)
    total = routed = 0
    for name, p in model.named_parameters():
        if MTP.search(name):
            continue
        total += p.numel()
        # Routed experts by name (experts.N..., fused experts.gate_up_proj) or as one stacked tensor per expert
        # (JetMoE's input_linear of shape [E, out, in], in its MLP and its attention experts).
        stacked = experts and p.dim() == 3 and p.shape[0] == experts
        if (ROUTED.search(name) or stacked) and not SHARED.search(name):
            routed += p.numel()
    active = total
    if routed and experts and k:
        active = total - round(routed * (1 - min(k, experts) / experts))
    return total, active, routed, bool(routed)


def structure(model, config, kind: str, has_moe: bool) -> str:
    if kind in ("seq2seq", "speech") or getattr(config, "is_encoder_decoder", False):
        return "encoder-decoder"
    if kind == "masked":
        return "encoder"
    attention = other = False
    for name, module in model.named_modules():
        if any(t in name.lower() for t in TOWERS):
            continue
        cls = type(module).__name__.lower()
        if "attention" in cls and "linear" not in cls and "lightning" not in cls and "deltanet" not in cls:
            attention = True
        elif any(h in cls for h in SSM_HINTS) and "linear" != cls and "conv1d" != cls and "conv2d" != cls:
            other = True
    if other and attention:
        return "hybrid"
    if other:
        return "ssm"
    return "moe" if has_moe else "dense"


def attention(config, struct: str) -> str:
    text = text_part(config)
    if struct == "ssm":
        return ""
    if getattr(text, "kv_lora_rank", None):
        return "MLA"
    heads = first(text, ("num_attention_heads", "n_head", "num_heads", "n_heads", "encoder_attention_heads"))
    kv = first(text, ("num_key_value_heads", "n_head_kv", "num_kv_heads", "n_kv_heads", "multi_query_group_num"))
    if getattr(text, "multi_query", False) is True and not getattr(text, "new_decoder_architecture", False):
        kv = 1
    if not heads:
        return ""
    kv = kv or heads
    return "MHA" if kv == heads else "MQA" if kv == 1 else "GQA"


def repair(config) -> None:
    """Fill the few dimensions some config classes leave None for the modeling code to trip on (the usual
    derivations: head_dim = hidden / heads, one K/V head per query head)."""
    for part in {id(config): config, id(text_part(config)): text_part(config)}.values():
        heads = getattr(part, "num_attention_heads", None)
        hidden = getattr(part, "hidden_size", None)
        if hasattr(part, "head_dim") and part.head_dim is None and heads and hidden:
            part.head_dim = hidden // heads
        if hasattr(part, "num_key_value_heads") and part.num_key_value_heads is None and heads:
            part.num_key_value_heads = heads


DUMP: Path | None = None


class TimedOut(Exception):
    pass


def _alarm(*_):
    raise TimedOut


def build_one(model_type: str, cls_name: str, kind: str, overrides: dict, diff: bool):
    import torch
    import transformers
    from transformers import CONFIG_MAPPING

    config = CONFIG_MAPPING[model_type](**overrides)
    repair(config)
    cls = getattr(transformers, cls_name)
    with torch.device("meta"):
        model = cls(config)
    if DUMP is not None:  # layer 0 and the parts outside the layers: what a reader of one family needs
        lines = [f"{n}\t{tuple(p.shape)}" for n, p in model.named_parameters()
                 if not re.search(r"\.(layers?|h|blocks?|block)\.([1-9]\d*)\.", n)]
        (DUMP / f"{model_type}.txt").write_text("\n".join(lines) + "\n")
    total, active, routed, has_moe = count(model, config)
    struct = structure(model, config, kind, has_moe)
    data = config.to_diff_dict() if diff else config.to_dict()
    data["architectures"] = [cls_name]
    data["model_type"] = model_type
    return data, total, active, struct, attention(config, struct)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--only", help="comma-separated model types")
    ap.add_argument("--variants", action="store_true", help="also the saved-config and flipped-tie variants")
    ap.add_argument("--timeout", type=int, default=60, help="seconds per model")
    ap.add_argument("--dump", action="store_true", help="write params/<type>.txt: layer 0's parameter shapes")
    a = ap.parse_args()
    global DUMP
    if a.dump:
        DUMP = a.out / "params"
        DUMP.mkdir(parents=True, exist_ok=True)
    import transformers

    wanted = set(a.only.split(",")) if a.only else None
    (a.out / "configs").mkdir(parents=True, exist_ok=True)
    rows, failed = [], []
    signal.signal(signal.SIGALRM, _alarm)
    for model_type, cls_name, kind in mappings():
        if wanted and model_type not in wanted:
            continue
        jobs = [("default", {}, False)]
        if a.variants:
            jobs.append(("diff", {}, True))
        for name, overrides, diff in jobs + ([("flip", None, False)] if a.variants else []):
            signal.alarm(a.timeout)
            try:
                if overrides is None:  # flip the tie of the default config
                    from transformers import CONFIG_MAPPING

                    tied = bool(getattr(CONFIG_MAPPING[model_type](), "tie_word_embeddings", False))
                    overrides = {"tie_word_embeddings": not tied}
                    name = "untied" if tied else "tied"
                data, total, active, struct, attn = build_one(model_type, cls_name, kind, overrides, diff)
            except Exception as err:  # a family whose defaults do not build on their own
                failed.append((f"{name}--{model_type}", f"{type(err).__name__}: {str(err)[:160]}"))
                if a.only:
                    traceback.print_exc()
                continue
            finally:
                signal.alarm(0)
            folder = a.out / "configs" / f"{name}--{model_type}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "config.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
            method = f"transformers {cls_name} meta-device instantiation; unique params"
            source = f"transformers {transformers.__version__} {model_type} config class ({name})"
            rows.append([f"{name}--{model_type}", model_type, total, active, struct, attn, method, source])
            print(f"{name}--{model_type}\t{total}\t{active}\t{struct}\t{attn}", flush=True)
    with open(a.out / "truth.tsv", "w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["model", "model_type", "total", "active", "structure", "attention", "method", "source"])
        writer.writerows(rows)
    with open(a.out / "failed.tsv", "w") as handle:
        for model, why in failed:
            handle.write(f"{model}\t{why}\n")
    print(f"{len(rows)} built, {len(failed)} failed (failed.tsv)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
