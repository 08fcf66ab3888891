"""Labels and sentences in English and Korean. Facts and evidence stay as found; only our words change."""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "ko"]

TEXT: dict[str, dict[str, str]] = {
    "backbone": {"en": "backbone", "ko": "백본 아키텍처"},
    "post_training": {"en": "post-training", "ko": "사후 학습 (post-training)"},
    "inference": {"en": "inference strategy", "ko": "추론 전략 (inference)"},
    "product": {"en": "product behavior", "ko": "제품 동작 (product)"},
    "axis": {"en": "axis", "ko": "축"},
    "facts": {"en": "facts found", "ko": "찾은 사실"},
    "where": {"en": "where", "ko": "근거 위치"},
    "murk": {"en": "murk", "ko": "모호도"},
    "murkiest": {"en": "murkiest", "ko": "가장 모호한 축"},
    "lenses": {"en": "lenses", "ko": "렌즈"},
    "nothing": {"en": "nothing found", "ko": "찾은 것 없음"},
    "source": {"en": "source", "ko": "출처"},
    "lineage": {"en": "lineage", "ko": "계보"},
    "notices": {"en": "notices", "ko": "알림"},
    "marketing": {"en": "marketing phrases", "ko": "마케팅 문구"},
    "standard": {"en": "standard", "ko": "표준 추론"},
    "reasoning": {"en": "reasoning", "ko": "추론(reasoning)"},
    "dense": {"en": "dense", "ko": "dense"},
    "moe": {"en": "MoE", "ko": "MoE"},
    "unknown": {"en": "unknown", "ko": "알 수 없음"},
    "same": {"en": "same", "ko": "같음"},
    "differs": {"en": "differs", "ko": "다름"},
    "model": {"en": "model", "ko": "모델"},
    "error": {"en": "error", "ko": "오류"},
    "lookup": {"en": "look this up next", "ko": "다음에 찾아볼 것"},
    "questions": {"en": "Questions to look up next", "ko": "다음에 찾아볼 질문"},
    "evidence": {"en": "evidence", "ko": "근거"},
    "structure": {"en": "structure", "ko": "구조"},
    "params": {"en": "params", "ko": "파라미터"},
    "active": {"en": "active", "ko": "활성"},
    "total": {"en": "total", "ko": "전체"},
    "kv_cache": {"en": "KV cache", "ko": "KV 캐시"},
    "context": {"en": "context", "ko": "컨텍스트"},
    "bytes_per_token": {"en": "bytes/token", "ko": "바이트/토큰"},
    "because": {"en": "why", "ko": "이유"},
}

LESSONS_KO = {
    "Dense + standard": "Dense + 표준: 예측 가능하고 빠르고 저렴한 대화 baseline.",
    "Dense + reasoning": "Dense + reasoning: 같은 checkpoint, 더 높은 latency, 어려운 task 에 훨씬 좋음.",
    "MoE + standard": "MoE + 표준: frontier 규모의 지식을 훨씬 적은 inference 비용으로.",
    "MoE + reasoning": "MoE + reasoning: 현재 frontier paradigm. Capacity + careful thinking.",
    "unknown": "백본을 알 수 없음: 네트워크 구조를 밝히는 config.json 이 없음 — 다음에 찾아볼 것.",
}


def t(key: str, lang: Lang = "en") -> str:
    entry = TEXT.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]


def lesson(summary: str, sentence: str, lang: Lang) -> str:
    if lang == "en":
        return sentence
    for combo, text in LESSONS_KO.items():
        if summary.lower().endswith(combo.lower()):
            return text
    return LESSONS_KO["unknown"] if "unknown" in summary else sentence
