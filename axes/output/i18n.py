"""Labels and sentences in English and Korean. Facts and evidence stay as found; only our words change."""

from __future__ import annotations

from enum import Enum

from ..types import Lenses, Murkiest, MurkReason


class Lang(str, Enum):
    """The languages of labels and sentences (`--lang`)."""

    en = "en"
    ko = "ko"

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
    "materials": {"en": "checkable", "ko": "확인할 수 있는 자료"},
    "unread": {"en": "not read", "ko": "읽지 못한 파일"},
    # batch columns (markdown and table; CSV headers stay the machine names)
    "target": {"en": "target", "ko": "대상"},
    "total_params": {"en": "total params", "ko": "전체 파라미터"},
    "active_params": {"en": "active params", "ko": "활성 파라미터"},
    "attention": {"en": "attention", "ko": "어텐션"},
    "yes": {"en": "yes", "ko": "예"},
    "no": {"en": "no", "ko": "아니오"},
    # compare rows and sentences
    "shape": {"en": "layers × hidden", "ko": "레이어 × hidden"},
    "position": {"en": "position / scaling", "ko": "위치 인코딩 / 확장"},
    "experts": {"en": "experts", "ko": "전문가 (experts)"},
    "number_format": {"en": "number format", "ko": "수 표현 (양자화)"},
    "tags": {"en": "tags", "ko": "태그"},
    "verdict": {"en": "verdict", "ko": "판정"},
    "only_in": {"en": "only {models}", "ko": "{models} 에만"},
    "quantized": {"en": "quantized", "ko": "양자화"},
    "cannot_tell": {"en": "cannot tell", "ko": "판단 불가"},
    "no_backbone": {"en": "no config.json", "ko": "config.json 없음"},
    "carrier": {"en": "Where the difference lives: {axes}.", "ko": "차이가 있는 축: {axes}."},
    "carrier_none": {"en": "No axis differs: these models read the same from their files.",
                     "ko": "다른 축이 없어요: 파일로 읽은 내용이 모두 같아요."},
    "carrier_same": {"en": "Same: {axes}.", "ko": "같은 축: {axes}."},
    "carrier_unknown": {"en": "Cannot tell for {axes}: {models} publish no config.json.",
                        "ko": "{axes} 축은 판단할 수 없어요: {models} 에 config.json 이 없어요."},
    # exercises (lessons 02 and 04)
    "four_axes_title": {"en": "Four axes: {model}", "ko": "네 축: {model}"},
    "four_axes_intro": {"en": "One row per axis: what the model's own files say, and where.",
                        "ko": "축마다 한 행: 모델 자신의 파일이 말하는 것과 그 위치."},
    "murkiest_title": {"en": "Murkiest axis: {axis}", "ko": "가장 모호한 축: {axis}"},
    "murkiest_lesson": {"en": "That is where marketing has the most room to lie.",
                        "ko": "거기가 마케팅이 거짓말할 여지가 가장 많은 자리예요."},
    "lenses_title": {"en": "Three lenses: {n} models", "ko": "세 개의 lens: 모델 {n}개"},
    "lenses_intro": {"en": "(a) dense or MoE backbone, (b) standard or reasoning inference.",
                     "ko": "(a) backbone 이 dense 인지 MoE 인지, "
                           "(b) inference 가 standard 인지 reasoning 인지."},
    "lens_backbone": {"en": "(a) backbone", "ko": "(a) 백본"},
    "lens_inference": {"en": "(b) inference", "ko": "(b) 추론"},
    "lenses_unknown": {"en": "At least one backbone is unknown ({models}) — that is what to look up next.",
                       "ko": "적어도 하나는 backbone 을 모르네요 ({models}) — 그게 다음에 찾아볼 거예요."},
    "lenses_all_known": {"en": "Every backbone here was readable from config.json; the lesson expects at "
                               "least one unknown — try a closed model next.",
                         "ko": "여기서는 모든 backbone 을 config.json 에서 읽었어요; 강의는 적어도 하나는 "
                               "모를 거라고 해요 — 다음엔 closed 모델을 넣어 보세요."},
    "no_reasoning_found": {"en": "no thinking mode found", "ko": "thinking 모드 없음"},
    "not_five": {"en": "the exercise asks for five models; tagging {n}",
                 "ko": "연습은 모델 다섯 개를 요구해요; {n}개를 태깅해요"},
    # questions to look up next (exercise four-axes), chosen from what the evidence leaves open
    "known": {"en": "what is known", "ko": "알려진 것"},
    "q_structure": {"en": "Is it dense or MoE? How many parameters are active per token?",
                    "ko": "dense 인가요, MoE 인가요? 토큰당 활성 파라미터는 몇 개인가요?"},
    "q_params": {"en": "How many parameters does it have in total, and does that count include embeddings?",
                 "ko": "전체 파라미터는 몇 개이고, 그 숫자에 embedding 이 포함되나요?"},
    "q_attention": {"en": "Which attention variant does it use: full multi-head, GQA, MQA or MLA?",
                    "ko": "어떤 attention 을 쓰나요: full multi-head, GQA, MQA, MLA?"},
    "q_position": {"en": "How does it encode position (RoPE, ALiBi, NoPE); was the context extended (YaRN)?",
                   "ko": "위치는 어떻게 인코딩하나요 (RoPE, ALiBi, NoPE)? context 는 확장됐나요 (YaRN)?"},
    "q_context": {"en": "How long is the context window, and was it trained that long or extended later?",
                  "ko": "context window 는 얼마나 길고, 그 길이로 학습했나요 아니면 나중에 확장했나요?"},
    "q_config_check": {"en": "Do the card's own numbers (parameters, context) match its config.json?",
                       "ko": "카드에 적힌 숫자 (파라미터, context) 가 config.json 과 일치하나요?"},
    "q_memory": {"en": "How much memory does serving it take: the weights in their number format plus the KV "
                       "cache per token?",
                 "ko": "서빙에 메모리가 얼마나 드나요: 수 표현에 따른 weights 크기와 토큰당 KV 캐시는?"},
    "q_methods": {"en": "Which training stages followed pretraining (SFT, RLHF, DPO, GRPO)?",
                  "ko": "pretraining 다음에 어떤 학습 단계를 거쳤나요 (SFT, RLHF, DPO, GRPO)?"},
    "q_preference": {"en": "Which preference method (RLHF, DPO) was used, and on what data?",
                     "ko": "어떤 preference 방법 (RLHF, DPO) 을 어떤 데이터로 썼나요?"},
    "q_reward": {"en": "What did the RL stage reward: human preference, a reward model, or verifiable "
                       "answers (RLVR)?",
                 "ko": "RL 단계의 보상은 무엇이었나요: 사람의 선호, reward model, 검증 가능한 정답 (RLVR)?"},
    "q_teacher": {"en": "Distilled from which teacher model, and on how many samples?",
                  "ko": "어떤 teacher 모델에서, 몇 개의 샘플로 distillation 했나요?"},
    "q_base": {"en": "Which base checkpoint was it post-trained from?",
               "ko": "어떤 base checkpoint 에서 post-training 했나요?"},
    "q_marketing": {"en": "Which named method or number backs the card's phrase “{phrase}”?",
                    "ko": "카드의 “{phrase}” 라는 문구를 뒷받침하는 방법 이름이나 숫자는 무엇인가요?"},
    "q_data": {"en": "Which data was used after pretraining, and is any of it published?",
               "ko": "pretraining 이후 어떤 데이터를 썼고, 그 중 공개된 것이 있나요?"},
    "q_safety": {"en": "What safety tuning was done, and how was it evaluated?",
                 "ko": "어떤 safety tuning 을 했고, 어떻게 평가했나요?"},
    "q_thinking": {"en": "Does it have a thinking (reasoning) mode, and can it be switched off?",
                   "ko": "thinking (reasoning) 모드가 있나요? 끌 수 있나요?"},
    "q_budget": {"en": "Can the thinking budget be controlled (effort levels, a token budget)?",
                 "ko": "thinking 예산을 조절할 수 있나요 (effort 단계, 토큰 예산)?"},
    "q_sampling": {"en": "Which sampling settings (temperature, top-p) does the provider recommend?",
                   "ko": "제공자가 권하는 sampling 설정 (temperature, top-p) 은 무엇인가요?"},
    "q_speedup": {"en": "Is decoding sped up (speculative decoding, multi-token prediction)?",
                  "ko": "decoding 을 가속하나요 (speculative decoding, multi-token prediction)?"},
    "q_test_time": {"en": "Does the provider spend extra compute at answer time (several samples, search)?",
                    "ko": "답할 때 추가 compute 를 쓰나요 (여러 샘플, 탐색)?"},
    "q_constrained": {"en": "Is the output constrained when served (JSON mode, grammars, stop rules)?",
                      "ko": "서빙할 때 출력을 제약하나요 (JSON 모드, 문법, 중단 규칙)?"},
    "q_tools": {"en": "Can it call tools (function calling), and in which format?",
                "ko": "tool 을 호출할 수 있나요 (function calling)? 어떤 형식으로?"},
    "q_system_prompt": {"en": "Does the product wrap it in a system prompt, and what does that prompt say?",
                        "ko": "제품이 system prompt 로 감싸나요? 그 prompt 는 무엇을 말하나요?"},
    "q_guardrail": {"en": "Which guardrails or safety filters sit around it in the product?",
                    "ko": "제품에서 어떤 guardrail 이나 안전 필터가 둘러싸고 있나요?"},
    "q_retrieval": {"en": "Does the product add retrieval, browsing or memory on top of the model?",
                    "ko": "제품이 모델 위에 검색 (RAG), 브라우징, 메모리를 더하나요?"},
    "q_orchestration": {"en": "Is the model one step of a larger loop in the product (agents, multi-step "
                              "orchestration)?",
                        "ko": "제품에서 모델이 더 큰 루프의 한 단계인가요 (agent, 여러 단계 orchestration)?"},
    "q_product_gap": {"en": "Does the product (app, API) add anything the weights alone do not have?",
                      "ko": "제품 (앱, API) 이 weights 만으로는 없는 무언가를 더하나요?"},
}

LESSONS: dict[tuple[str, bool], dict[str, str]] = {
    ("dense", False): {"en": "Dense + standard: predictable, fast, cheap; the conversational baseline.",
                       "ko": "Dense + 표준: 예측 가능하고 빠르고 저렴한 대화 baseline."},
    ("dense", True): {"en": "Dense + reasoning: same checkpoint, higher latency, much better on hard tasks.",
                      "ko": "Dense + reasoning: 같은 checkpoint, 더 높은 latency, 어려운 task 에 훨씬 좋음."},
    ("moe", False): {"en": "MoE + standard: frontier-scale knowledge at a fraction of the inference cost.",
                     "ko": "MoE + 표준: frontier 규모의 지식을 훨씬 적은 inference 비용으로."},
    ("moe", True): {"en": "MoE + reasoning: the current frontier paradigm; capacity plus careful thinking.",
                    "ko": "MoE + reasoning: 현재 frontier paradigm. Capacity + careful thinking."},
}
LESSON_UNKNOWN = {"en": "Backbone unknown: no config.json says how the network is wired; look it up next.",
                  "ko": "백본을 알 수 없음: 네트워크 구조를 밝히는 config.json 이 없음 — 다음에 찾아볼 것."}


def t(key: str, lang: Lang = Lang.en) -> str:
    entry = TEXT.get(key)
    if entry is None:
        return key
    return entry.get(lang.value) or entry["en"]


def lesson(lenses: Lenses, lang: Lang) -> str:
    """Lesson 04's sentence for the model's combination of lenses."""
    if lenses.moe is None:
        return LESSON_UNKNOWN[lang.value]
    return LESSONS[("moe" if lenses.moe else "dense", bool(lenses.reasoning))][lang.value]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def why(murkiest: Murkiest, lang: Lang) -> str:
    """Why the murkiest axis is murky, in one sentence, from the verdict's counts and materials."""
    r = murkiest.reason
    ko = lang is Lang.ko
    if murkiest.axis == "post_training" and "base-only" not in r.tags:
        body = _post_training_why(r, ko)
    else:
        body = _tags_why(murkiest.axis, r, ko)
    return "; ".join([body, *_provenance(r, ko)])


def _tags_why(axis: str, r: MurkReason, ko: bool) -> str:
    """An axis scored from its tags: what established it, against what it should establish."""
    names = ", ".join(r.tags[:4])
    count = sum(r.strengths.values())
    if ko:
        found = ", ".join(f"{KO_STRENGTH[s]} {n}개" for s, n in r.strengths.items() if n)
        tail = f", 마케팅 문구 {r.marketing}개" if r.marketing else ""
        tags = (f"태그는 {found}{'(' + names + ')' if names else ''}{tail}이고" if found
                else f"태그 없이 마케팅 문구만 {r.marketing}개이고" if r.marketing else "태그가 없고")
        if r.no_config:
            return f"config.json이 없어요: 백본 {tags}, 구조, 어텐션, 파라미터 수는 공개되지 않았어요"
        return f"{tags}, 기대한 사실은 {r.expected}개예요"
    found = ", ".join(f"{n} {s}" for s, n in r.strengths.items() if n) or "no"
    tail = f" and {_plural(r.marketing, 'marketing phrase')}" if r.marketing else ""
    shown = f"{found} {axis_word(axis)}tag{'s' if count != 1 else ''}{' (' + names + ')' if names else ''}{tail}"
    if r.no_config:
        return f"no config.json: {shown}; structure, attention and parameters are undisclosed"
    return f"{shown} against {_plural(r.expected, 'expected fact')}"


def axis_word(axis: str) -> str:
    return "backbone " if axis == "backbone" else ""


# What a reader finds of each post-training material, by its best grade (None: not found at all). Korean
# has two forms of each: joined to the next phrase (-고) and ending the list (-어요).
MATERIAL_EN: dict[tuple[str, str | None], str] = {
    ("data", "released"): "data released",
    ("data", "named"): "data named but not released",
    ("data", None): "no dataset id",
    ("recipe", "released"): "training code or config released",
    ("recipe", "named"): "recipe described but no training code",
    ("recipe", None): "no training code",
    ("reward", "released"): "reward model released",
    ("reward", "named"): "reward named but not released",
    ("reward", None): "no reward model named",
}
MATERIAL_KO: dict[tuple[str, str | None], tuple[str, str]] = {
    ("data", "released"): ("데이터가 공개돼 있고", "데이터가 공개돼 있어요"),
    ("data", "named"): ("데이터는 이름만 있고", "데이터는 이름만 있어요"),
    ("data", None): ("데이터셋 id가 없고", "데이터셋 id가 없어요"),
    ("recipe", "released"): ("학습 코드나 설정이 공개돼 있고", "학습 코드나 설정이 공개돼 있어요"),
    ("recipe", "named"): ("레시피는 설명만 있고 학습 코드는 없고", "레시피는 설명만 있고 학습 코드는 없어요"),
    ("recipe", None): ("학습 코드가 없고", "학습 코드가 없어요"),
    ("reward", "released"): ("보상 모델이 공개돼 있고", "보상 모델이 공개돼 있어요"),
    ("reward", "named"): ("보상은 이름만 있고", "보상은 이름만 있어요"),
    ("reward", None): ("보상 모델 이름이 없고", "보상 모델 이름이 없어요"),
}


def _post_training_why(r: MurkReason, ko: bool) -> str:
    """Post-training: the named methods, then what of each material a reader can check, then marketing."""
    grade = {**{k: "released" for k in r.released}, **{k: "named" for k in r.named}}
    found = {*r.released, *r.named, *r.missing}
    order = [(k, grade.get(k)) for k in ("data", "recipe", "reward") if k in found]
    if ko:
        methods = (f"이름이 밝혀진 학습 방법은 {len(r.methods)}개({', '.join(r.methods)})예요" if r.methods
                   else "이름이 밝혀진 학습 방법이 없어요")
        phrases = [MATERIAL_KO[k] for k in order]
        materials = ", ".join([p[0] for p in phrases[:-1]] + [phrases[-1][1]]) if phrases else ""
        tail = [f"확인할 거리를 주지 않는 마케팅 문구가 {r.marketing}개 있어요"] if r.marketing else []
    else:
        methods = (f"{_plural(len(r.methods), 'named method')} ({', '.join(r.methods)})" if r.methods
                   else "no named training method")
        materials = ", ".join(MATERIAL_EN[k] for k in order)
        tail = [f"{_plural(r.marketing, 'marketing phrase')} that name nothing checkable"] if r.marketing else []
    return "; ".join([methods, *([materials] if materials else []), *tail])


UNREAD_WORDS = {
    "missing": {"en": "not in the repo", "ko": "저장소에 없어요"},
    "not-served": {"en": "listed but not served", "ko": "목록에는 있지만 받지 못했어요"},
    "capped": {"en": "over its size cap, read in part", "ko": "크기 제한을 넘어서 앞부분만 읽었어요"},
}


def _provenance(r: MurkReason, ko: bool) -> list[str]:
    """What the verdict rests on: files that could not be read, a catalog summary instead of the real card."""
    out = []
    if r.unread:
        if ko:
            files = ", ".join(f"{name}({UNREAD_WORDS[why]['ko']})" for name, why in r.unread)
            out.append(f"읽지 못한 파일이 있어서 읽은 파일로만 매겼어요: {files}")
        else:
            files = ", ".join(f"{name} ({UNREAD_WORDS[why]['en']})" for name, why in r.unread)
            out.append(f"scored on what was read; not read: {files}")
    if r.summary_of:
        date = f" ({r.summary_date})" if r.summary_date else ""
        out.append(f"{r.summary_of}{date}의 카탈로그 요약으로 매겼어요" if ko
                   else f"from the catalog's summary of {r.summary_of}{date}")
    return out


KO_STRENGTH = {"verified": "검증됨", "declared": "명시됨", "hinted": "암시됨"}
