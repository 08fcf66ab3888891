"""The course's two exercises, answered from a model's own files, as Markdown a learner can keep.

- Lesson 02, four axes: a four-row table (one row per axis, what is known and where), the murkiest axis
  and why, and the questions to look up next for that axis, chosen from what the evidence leaves open.
- Lesson 04, three lenses: for each of five models, (a) dense or MoE backbone and (b) standard or
  reasoning inference, each with its evidence; an unknown backbone is flagged as the thing to look up.

Labels and sentences follow --lang; facts and evidence stay as found.
"""

from __future__ import annotations

from collections.abc import Callable

from ..types import Verdict
from ..verdict import METHOD_TAGS, REASONING_TAGS

MAX_QUESTIONS = 3
MIN_QUESTIONS = 2
PHRASE_CHARS = 80  # a marketing phrase quoted in a question is cut to this length
PREFERENCE_TAGS = {"rlhf", "ppo", "dpo", "preference-tuning"}
RL_TAGS = {"rl", "rlhf", "ppo", "grpo", "rlvr"}

# A question with the test that makes it worth asking (the evidence leaves it open), in priority order.
Question = tuple[str, Callable[[Verdict], bool]]


def _names(verdict: Verdict, axis: str) -> set[str]:
    return {tag.name for tag in verdict.rows[axis].tags}


def _lacks(axis: str, wanted: set[str]) -> Callable[[Verdict], bool]:
    return lambda v: not (_names(v, axis) & wanted)


def _has(axis: str, wanted: set[str]) -> Callable[[Verdict], bool]:
    return lambda v: bool(_names(v, axis) & wanted)


QUESTIONS: dict[str, list[Question]] = {
    "backbone": [
        ("q_structure", lambda v: v.backbone.facts.structure is None),
        ("q_params", lambda v: v.backbone.facts.total_params is None),
        ("q_attention", lambda v: v.backbone.facts.attention is None),
        ("q_position", lambda v: v.backbone.facts.position is None),
        ("q_context", lambda v: v.backbone.facts.context_length is None),
    ],
    "post_training": [
        ("q_methods", _lacks("post_training", METHOD_TAGS)),
        ("q_marketing", lambda v: bool(v.rows["post_training"].marketing)),
        ("q_preference", _lacks("post_training", PREFERENCE_TAGS | {"base-only"})),
        ("q_reward", _has("post_training", RL_TAGS)),
        ("q_teacher", _has("post_training", {"distillation"})),
        ("q_base", lambda v: not v.lineage.base_model),
    ],
    "inference": [
        ("q_thinking", _lacks("inference", REASONING_TAGS)),
        ("q_budget", lambda v: bool(_names(v, "inference") & REASONING_TAGS)
         and "reasoning-effort" not in _names(v, "inference")),
        ("q_marketing", lambda v: bool(v.rows["inference"].marketing)),
        ("q_sampling", _lacks("inference", {"sampling-defaults"})),
        ("q_speedup", _lacks("inference", {"mtp", "speculative-decoding"})),
    ],
    "product": [
        ("q_tools", _lacks("product", {"tool-use"})),
        ("q_marketing", lambda v: bool(v.rows["product"].marketing)),
        ("q_system_prompt", _lacks("product", {"system-prompt"})),
        ("q_guardrail", _lacks("product", {"guardrail"})),
        ("q_retrieval", _lacks("product", {"rag", "browsing", "memory"})),
    ],
}
# Questions no file settles, asked only to reach MIN_QUESTIONS when the evidence leaves little open.
GENERAL = {
    "backbone": ["q_config_check", "q_memory"],
    "post_training": ["q_data", "q_safety"],
    "inference": ["q_test_time", "q_constrained"],
    "product": ["q_product_gap", "q_orchestration"],
}


def questions(verdict: Verdict, axis: str) -> tuple[list[str], str]:
    """Two or three questions for the axis (text keys), from what its evidence leaves open, and the
    marketing phrase the questions may quote."""
    marketing = verdict.rows[axis].marketing
    phrase = marketing[0].text.strip()[:PHRASE_CHARS] if marketing else ""
    picked = [key for key, is_open in QUESTIONS[axis] if is_open(verdict)][:MAX_QUESTIONS]
    picked += GENERAL[axis][: max(0, MIN_QUESTIONS - len(picked))]
    return picked, phrase
