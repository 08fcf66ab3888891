"""Every sentence and label people read, in English and Korean. Facts and evidence stay as found; only our
words change.

The Korean is written as a learner writes a study note: the polite 해요체 in every sentence, bare nouns in
labels, particles attached to the word before them. A particle after a word that varies is picked by that
word's final consonant (`josa`), or the sentence is built so no particle follows it (a colon, a list).
Reasoning is 추론 and inference is 추론 실행, so the two never collide.

A key whose English holds "|" has a singular and a plural form ("{n} marketing phrase|{n} marketing
phrases"), picked by `tn`; Korean counts need none ("마케팅 문구 {n}개").
"""

from __future__ import annotations

import functools
import re
from enum import Enum

from .. import regexes
from ..types import Lenses, Murkiest, MurkReason


class Lang(str, Enum):
    """The languages of labels and sentences (`--lang`)."""

    en = "en"
    ko = "ko"


TEXT: dict[str, dict[str, str]] = {
    # the four axes and the table
    "backbone": {"en": "backbone", "ko": "백본 아키텍처"},
    "post_training": {"en": "post-training", "ko": "사후 학습"},
    "inference": {"en": "inference strategy", "ko": "추론 실행 전략"},
    "product": {"en": "product behavior", "ko": "제품 동작"},
    "backbone_short": {"en": "backbone", "ko": "백본"},
    "post_training_short": {"en": "post-training", "ko": "사후 학습"},
    "inference_short": {"en": "inference", "ko": "추론 실행"},
    "product_short": {"en": "product", "ko": "제품"},
    "axis": {"en": "axis", "ko": "축"},
    "facts": {"en": "facts found · where", "ko": "찾은 사실 · 근거 위치"},
    "where": {"en": "where", "ko": "근거 위치"},
    "murk": {"en": "murk", "ko": "모호도"},
    "murkiest": {"en": "murkiest", "ko": "가장 모호한 축"},
    "lenses": {"en": "lenses", "ko": "렌즈"},
    "nothing": {"en": "nothing found", "ko": "찾은 것이 없어요"},
    "source": {"en": "source", "ko": "출처"},
    "lineage": {"en": "lineage", "ko": "계보"},
    "checkpoint": {"en": "checkpoint", "ko": "체크포인트"},
    "family_methods": {"en": "the family's tuned models", "ko": "같은 계열의 튜닝 모델"},
    "notices": {"en": "notices", "ko": "알림"},
    "n_marketing": {"en": "{n} marketing phrase|{n} marketing phrases", "ko": "마케팅 문구 {n}개"},
    "more_evidence": {"en": "+{n} more (--explain)", "ko": "외 {n}개 (--explain)"},
    "verified": {"en": "verified", "ko": "검증"},
    "declared": {"en": "declared", "ko": "명시"},
    "hinted": {"en": "hinted", "ko": "암시"},
    "computed": {"en": "computed from config.json", "ko": "config.json으로 계산"},
    # lenses
    "standard": {"en": "standard", "ko": "표준"},
    "reasoning": {"en": "reasoning", "ko": "추론"},
    "dense": {"en": "dense", "ko": "dense"},
    "moe": {"en": "MoE", "ko": "MoE"},
    "unknown_backbone": {"en": "unknown backbone", "ko": "알 수 없는 백본"},
    "hybrid": {"en": "hybrid", "ko": "하이브리드"},
    "ssm": {"en": "SSM", "ko": "SSM"},
    "encoder": {"en": "encoder", "ko": "인코더"},
    "encoder-decoder": {"en": "encoder-decoder", "ko": "인코더-디코더"},
    "unknown": {"en": "unknown", "ko": "알 수 없어요"},
    "same": {"en": "same", "ko": "같아요"},
    "differs": {"en": "differs", "ko": "달라요"},
    "model": {"en": "model", "ko": "모델"},
    "error": {"en": "error", "ko": "오류"},
    "lookup": {"en": "look this up next", "ko": "다음에 찾아볼 거리예요"},
    "questions": {"en": "Questions to look up next", "ko": "다음에 찾아볼 질문"},
    "evidence": {"en": "evidence", "ko": "근거"},
    # backbone facts
    "structure": {"en": "structure", "ko": "구조"},
    "params": {"en": "params", "ko": "파라미터"},
    "active": {"en": "active", "ko": "활성"},
    "total": {"en": "total", "ko": "전체"},
    "kv_cache": {"en": "KV cache", "ko": "KV 캐시"},
    "context": {"en": "context", "ko": "컨텍스트"},
    "bytes_per_token": {"en": "bytes/token", "ko": "바이트/토큰"},
    "because": {"en": "why", "ko": "이유"},
    "f_experts": {"en": "{structure} ({experts} experts{shared}, top-{k})",
                  "ko": "{structure} (전문가 {experts}개{shared}, top-{k})"},
    "f_shared": {"en": " + {n} shared", "ko": " + 공유 {n}개"},
    "f_params": {"en": "{total} params", "ko": "파라미터 {total}"},
    "f_active": {"en": " / {active} active", "ko": " / 활성 {active}"},
    "f_kv_heads": {"en": "{attention} ({n} KV heads)", "ko": "{attention} (KV 헤드 {n}개)"},
    "f_context": {"en": "context {n}", "ko": "컨텍스트 {n}"},
    "f_kv_cache": {"en": "KV cache {n} bytes/token", "ko": "KV 캐시 토큰당 {n}바이트"},
    "f_mtp": {"en": "MTP x{n} ({params})", "ko": "MTP x{n} ({params})"},
    "f_quant": {"en": "quant {method}", "ko": "양자화 {method}"},
    "rel_finetune": {"en": "fine-tune of {base}", "ko": "{base}의 파인튜닝"},
    "rel_quantized": {"en": "quantized copy of {base}", "ko": "{base}의 양자화 버전"},
    "rel_merge": {"en": "merge of {base}", "ko": "{base}의 병합"},
    "rel_adapter": {"en": "adapter on {base}", "ko": "{base}에 얹은 어댑터"},
    "rel_other": {"en": "derived from {base}", "ko": "{base}에서 나온 모델"},
    # a backbone fact named in a comparison ("layers 61"): the English keeps the config's own word
    "fact_structure": {"en": "structure", "ko": "구조"},
    "fact_layers": {"en": "layers", "ko": "레이어 수"},
    "fact_hidden_size": {"en": "hidden_size", "ko": "은닉 차원"},
    "fact_heads": {"en": "heads", "ko": "어텐션 헤드"},
    "fact_kv_heads": {"en": "kv_heads", "ko": "KV 헤드"},
    "fact_attention": {"en": "attention", "ko": "어텐션"},
    "fact_attention_pattern": {"en": "attention_pattern", "ko": "어텐션 패턴"},
    "fact_position": {"en": "position", "ko": "위치 인코딩"},
    "fact_experts": {"en": "experts", "ko": "전문가"},
    "fact_experts_per_token": {"en": "experts_per_token", "ko": "토큰당 전문가"},
    "fact_shared_experts": {"en": "shared_experts", "ko": "공유 전문가"},
    "fact_total_params": {"en": "total params", "ko": "전체 파라미터"},
    "fact_rope_scaling": {"en": "rope_scaling", "ko": "RoPE 확장"},
    "fact_rope_theta": {"en": "rope_theta", "ko": "RoPE theta"},
    "fact_context_length": {"en": "context_length", "ko": "컨텍스트 길이"},
    "fact_sliding_window": {"en": "sliding_window", "ko": "슬라이딩 윈도"},
    # where the files came from (the line above the table)
    "from_summary": {"en": "source: axes' summary of {link}, read {date}",
                     "ko": "출처: axes가 요약한 카드예요 (원문 {link}, {date} 기준)"},
    "from_summary_undated": {"en": "source: axes' summary of {link}",
                             "ko": "출처: axes가 요약한 카드예요 (원문 {link})"},
    "from_summary_unlinked": {"en": "source: axes' own summary card (no source recorded)",
                              "ko": "출처: axes가 요약한 카드예요 (원문은 기록되지 않았어요)"},
    "from_link": {"en": "source: {link}, read {date}", "ko": "출처: {link} ({date} 기준)"},
    "from_link_undated": {"en": "source: {link}", "ko": "출처: {link}"},
    "from_hub": {"en": "source: the Hugging Face Hub", "ko": "출처: Hugging Face Hub"},
    "from_cache": {"en": "source: the local Hugging Face cache", "ko": "출처: 로컬 Hugging Face 캐시"},
    "from_local": {"en": "source: a local folder", "ko": "출처: 로컬 폴더"},
    "from_card": {"en": "source: your card {file}", "ko": "출처: 직접 쓴 카드 {file}"},
    "from_catalog": {"en": "source: your card {entry}", "ko": "출처: 직접 쓴 카드 {entry}"},
    # not found: a row of its own, never the end of the exercise
    "not_found": {"en": "not found — look it up, or write a card: `axes cards new {card}`",
                  "ko": "찾지 못했어요 — 찾아보거나 카드를 직접 써 보세요: `axes cards new {card}`"},
    "not_found_title": {"en": "Not found", "ko": "찾지 못한 모델"},
    "sources_title": {"en": "Sources", "ko": "출처"},
    "did_you_mean": {"en": "did you mean {names}?", "ko": "비슷한 이름: {names}"},
    "no_close_name": {"en": "no close name in the catalog or the local HF cache; `axes cards list` shows the "
                            "catalog",
                      "ko": "카탈로그와 로컬 HF 캐시에 비슷한 이름이 없어요. 카탈로그는 `axes cards list`로 볼 수 "
                            "있어요"},
    "or": {"en": " or ", "ko": ", "},
    "and": {"en": " and ", "ko": ", "},
    "materials": {"en": "checkable", "ko": "확인할 수 있는 자료"},
    "unread": {"en": "not read", "ko": "읽지 못한 파일"},
    # batch columns (markdown and table; CSV headers stay the machine names)
    "target": {"en": "target", "ko": "대상"},
    "total_params": {"en": "total params", "ko": "전체 파라미터"},
    "active_params": {"en": "active params", "ko": "활성 파라미터"},
    "attention": {"en": "attention", "ko": "어텐션"},
    "yes": {"en": "yes", "ko": "예"},
    "no": {"en": "no", "ko": "아니요"},
    "lens": {"en": "lens", "ko": "렌즈"},
    "tags_by_axis": {"en": "tags by axis (▲ murkiest)", "ko": "축별 태그 (▲ 가장 모호한 축)"},
    "legend": {"en": "lens: D dense · M MoE · H hybrid · S SSM · E encoder · ? unknown backbone; "
                     "R reasoning · - standard; ▲ the murkiest axis (on params: the backbone)",
               "ko": "렌즈: D dense · M MoE · H 하이브리드 · S SSM · E 인코더 · ? 알 수 없는 백본; "
                     "R 추론 · - 표준; ▲ 가장 모호한 축 (파라미터 옆이면 백본)"},
    "failed": {"en": "failed", "ko": "실패"},
    # compare rows and sentences
    "shape": {"en": "layers × hidden", "ko": "레이어 수 × 은닉 차원"},
    "position": {"en": "position / scaling", "ko": "위치 인코딩 / 확장"},
    "experts": {"en": "experts", "ko": "전문가"},
    "number_format": {"en": "number format", "ko": "수 표현(양자화)"},
    "tags": {"en": "tags", "ko": "태그"},
    "verdict": {"en": "verdict", "ko": "판정"},
    "quantized": {"en": "quantized", "ko": "양자화"},
    "cannot_tell": {"en": "cannot tell", "ko": "판단할 수 없어요"},
    "no_backbone": {"en": "no config.json", "ko": "config.json이 없어요"},
    "carrier": {"en": "Where the difference lives: {axes}.", "ko": "차이가 있는 축: {axes}."},
    "carrier_none": {"en": "No axis differs: these models read the same from their files.",
                     "ko": "다른 축이 없어요. 파일에서 읽은 내용이 모두 같아요."},
    "carrier_same": {"en": "Same: {axes}.", "ko": "같은 축: {axes}."},
    "carrier_unknown": {"en": "Cannot tell for {axes}: {models} publish no config.json.",
                        "ko": "{axes} 축은 판단할 수 없어요. config.json을 공개하지 않은 모델: {models}."},
    "carrier_missing": {"en": "Not compared (not found): {models}.", "ko": "찾지 못해서 비교하지 않은 모델: {models}."},
    # exercises (lessons 02 and 04)
    "four_axes_title": {"en": "Four axes: {model}", "ko": "네 축: {model}"},
    "four_axes_intro": {"en": "One row per axis: what the model's own files say, each fact with the line that "
                              "supports it.",
                        "ko": "축마다 한 행이에요. 모델 자신의 파일이 말하는 사실마다 그 근거가 되는 줄을 "
                              "붙였어요."},
    "murkiest_title": {"en": "Murkiest axis: {axis}", "ko": "가장 모호한 축: {axis}"},
    "murkiest_lesson": {"en": "That is where marketing has the most room to lie.",
                        "ko": "마케팅이 거짓말할 여지가 가장 많은 곳이 바로 여기예요."},
    "lenses_title": {"en": "Three lenses: {n} models", "ko": "세 개의 렌즈: 모델 {n}개"},
    "lenses_intro": {"en": "(a) dense or MoE backbone, (b) standard or reasoning inference.",
                     "ko": "(a) 백본이 dense인지 MoE인지, (b) 추론 실행이 표준인지 추론인지 태깅해요."},
    "lens_backbone": {"en": "(a) backbone", "ko": "(a) 백본"},
    "lens_inference": {"en": "(b) inference", "ko": "(b) 추론 실행"},
    "lenses_unknown": {"en": "At least one backbone is unknown ({models}) — that is what to look up next.",
                       "ko": "백본을 모르는 모델: {models}. 바로 그게 다음에 찾아볼 거리예요."},
    "lenses_all_known": {"en": "Every backbone here was readable from config.json; the lesson expects at "
                               "least one unknown — try a closed model next.",
                         "ko": "여기 있는 백본은 모두 config.json에서 읽을 수 있었어요. 강의에서는 적어도 "
                               "하나는 모를 거라고 했으니, 다음에는 비공개 모델도 넣어 보세요."},
    "no_reasoning_found": {"en": "no thinking mode found", "ko": "사고 모드를 찾지 못했어요"},
    "not_five": {"en": "the exercise asks for five models; tagging {n}",
                 "ko": "연습 문제는 모델 다섯 개를 요구하지만, 받은 {n}개를 태깅해요"},
    "known": {"en": "what is known, and where", "ko": "알려진 것과 근거"},
    # questions to look up next (exercise four-axes), chosen from what the evidence leaves open
    "q_structure": {"en": "Is it dense or MoE? How many parameters are active per token?",
                    "ko": "dense인가요, MoE인가요? 토큰당 활성 파라미터는 몇 개인가요?"},
    "q_params": {"en": "How many parameters does it have in total, and does that count include embeddings?",
                 "ko": "전체 파라미터는 몇 개이고, 그 수에 임베딩도 포함되나요?"},
    "q_attention": {"en": "Which attention variant does it use: full multi-head, GQA, MQA or MLA?",
                    "ko": "어떤 어텐션을 쓰나요? full multi-head, GQA, MQA, MLA 중 무엇인가요?"},
    "q_position": {"en": "How does it encode position (RoPE, ALiBi, NoPE); was the context extended (YaRN)?",
                   "ko": "위치를 어떻게 인코딩하나요(RoPE, ALiBi, NoPE)? 컨텍스트를 늘렸나요(YaRN)?"},
    "q_context": {"en": "How long is the context window, and was it trained that long or extended later?",
                  "ko": "컨텍스트 창은 얼마나 길고, 처음부터 그 길이로 학습했나요, 나중에 늘렸나요?"},
    "q_config_check": {"en": "Do the card's own numbers (parameters, context) match its config.json?",
                       "ko": "카드에 적힌 숫자(파라미터, 컨텍스트)가 config.json과 맞나요?"},
    "q_memory": {"en": "How much memory does serving it take: the weights in their number format plus the KV "
                       "cache per token?",
                 "ko": "서빙하려면 메모리가 얼마나 드나요? 수 표현에 따른 가중치 크기에 토큰당 KV 캐시를 "
                       "더해 보세요."},
    "q_methods": {"en": "Which training stages followed pretraining (SFT, RLHF, DPO, GRPO)?",
                  "ko": "사전 학습 다음에 어떤 학습 단계를 거쳤나요(SFT, RLHF, DPO, GRPO)?"},
    "q_preference": {"en": "Which preference method (RLHF, DPO) was used, and on what data?",
                     "ko": "어떤 선호 학습 방법(RLHF, DPO)을 어떤 데이터로 썼나요?"},
    "q_reward": {"en": "What did the RL stage reward: human preference, a reward model, or verifiable "
                       "answers (RLVR)?",
                 "ko": "RL 단계에서는 무엇을 보상했나요? 사람의 선호, 보상 모델, 검증할 수 있는 정답(RLVR) 중 "
                       "무엇인가요?"},
    "q_teacher": {"en": "Distilled from which teacher model, and on how many samples?",
                  "ko": "어떤 교사 모델에서, 샘플 몇 개로 증류했나요?"},
    "q_base": {"en": "Which base checkpoint was it post-trained from?",
               "ko": "어떤 base 체크포인트에서 사후 학습을 시작했나요?"},
    "q_marketing": {"en": "Which named method or number backs the card's phrase “{phrase}”?",
                    "ko": "카드의 이 문구를 뒷받침하는 방법 이름이나 숫자가 있나요? “{phrase}”"},
    "q_data": {"en": "Which data was used after pretraining, and is any of it published?",
               "ko": "사전 학습 이후에 어떤 데이터를 썼고, 그중 공개된 것이 있나요?"},
    "q_safety": {"en": "What safety tuning was done, and how was it evaluated?",
                 "ko": "안전성 튜닝은 어떻게 했고, 어떻게 평가했나요?"},
    "q_thinking": {"en": "Does it have a thinking (reasoning) mode, and can it be switched off?",
                   "ko": "사고(추론) 모드가 있나요? 끌 수 있나요?"},
    "q_budget": {"en": "Can the thinking budget be controlled (effort levels, a token budget)?",
                 "ko": "사고 예산을 조절할 수 있나요(effort 단계, 토큰 예산)?"},
    "q_sampling": {"en": "Which sampling settings (temperature, top-p) does the provider recommend?",
                   "ko": "제공자가 권하는 샘플링 설정(temperature, top-p)은 무엇인가요?"},
    "q_speedup": {"en": "Is decoding sped up (speculative decoding, multi-token prediction)?",
                  "ko": "디코딩을 가속하나요(speculative decoding, multi-token prediction)?"},
    "q_test_time": {"en": "Does the provider spend extra compute at answer time (several samples, search)?",
                    "ko": "답할 때 계산을 더 쓰나요(여러 번 샘플링, 탐색)?"},
    "q_constrained": {"en": "Is the output constrained when served (JSON mode, grammars, stop rules)?",
                      "ko": "서빙할 때 출력을 제약하나요(JSON 모드, 문법, 중단 규칙)?"},
    "q_tools": {"en": "Can it call tools (function calling), and in which format?",
                "ko": "도구를 호출할 수 있나요(function calling)? 어떤 형식으로 호출하나요?"},
    "q_system_prompt": {"en": "Does the product wrap it in a system prompt, and what does that prompt say?",
                        "ko": "제품이 시스템 프롬프트로 감싸나요? 그 프롬프트에는 무엇이 적혀 있나요?"},
    "q_guardrail": {"en": "Which guardrails or safety filters sit around it in the product?",
                    "ko": "제품에서 어떤 가드레일이나 안전 필터가 모델을 둘러싸고 있나요?"},
    "q_retrieval": {"en": "Does the product add retrieval, browsing or memory on top of the model?",
                    "ko": "제품이 모델 위에 검색(RAG), 웹 브라우징, 메모리를 더하나요?"},
    "q_orchestration": {"en": "Is the model one step of a larger loop in the product (agents, multi-step "
                              "orchestration)?",
                        "ko": "제품 안에서 모델은 더 큰 루프의 한 단계인가요(에이전트, 여러 단계 오케스트레이션)?"},
    "q_product_gap": {"en": "Does the product (app, API) add anything the weights alone do not have?",
                      "ko": "제품(앱, API)이 가중치만으로는 없는 무언가를 더하나요?"},
    # why the murkiest axis is murky (`why`), word by word from MurkReason
    "w_found": {"en": "{n} {strength}", "ko": "{strength} {n}개"},
    "w_tags": {"en": "tag|tags", "ko": "태그"},
    "w_names": {"en": " ({names})", "ko": "({names})"},
    "w_marketing": {"en": " and {n} marketing phrase| and {n} marketing phrases", "ko": " 마케팅 문구도 {n}개 있어요."},
    "w_no_config": {"en": "no config.json: {found} backbone {tags}{names}{marketing}; {missing} are undisclosed",
                    "ko": "config.json이 없어요. 그래서 {missing} 공개되지 않았어요. 찾은 백본 {tags}: "
                          "{found}{names}.{marketing}"},
    "w_no_config_none": {"en": "no config.json: no backbone tags{marketing}; {missing} are undisclosed",
                         "ko": "config.json이 없어요. 그래서 {missing} 공개되지 않았어요. 찾은 백본 태그도 "
                               "없어요.{marketing}"},
    "w_methods": {"en": "{n} named method ({names})|{n} named methods ({names})",
                  "ko": "이름이 밝혀진 학습 방법 {n}개: {names}."},
    "w_no_methods": {"en": "no named training method", "ko": "이름이 밝혀진 학습 방법이 없어요."},
    "w_unchecked_marketing": {"en": "{n} marketing phrase that names nothing checkable|{n} marketing phrases that "
                                    "name nothing checkable",
                              "ko": "확인할 거리를 주지 않는 마케팅 문구가 {n}개 있어요."},
    "w_other": {"en": "{found} {tags}{names}{marketing} against {expected}",
                "ko": "찾은 {tags}: {found}{names}. 이 축에서 확인해야 할 사실은 {expected}예요.{marketing}"},
    "w_other_none": {"en": "no tags{marketing} against {expected}",
                     "ko": "찾은 태그가 없어요. 이 축에서 확인해야 할 사실은 {expected}예요.{marketing}"},
    "w_expected": {"en": "{n} expected fact|{n} expected facts", "ko": "{n}개"},
    "m_structure": {"en": "structure", "ko": "구조"},
    "m_attention": {"en": "attention", "ko": "어텐션"},
    "m_parameters": {"en": "parameters", "ko": "파라미터 수"},
    # the card catalog (axes cards)
    "bundled": {"en": "bundled", "ko": "기본 제공"},
    "user": {"en": "user", "ko": "내 카드"},
    # what the CLI says on stderr
    "note": {"en": "note", "ko": "참고"},
    "wrote": {"en": "wrote {path}", "ko": "저장했어요: {path}"},
    "skipped": {"en": "skipped {n} target with a result in {file}|skipped {n} targets with a result in {file}",
                "ko": "{file}에 결과가 있는 대상 {n}개는 건너뛰었어요"},
    "n_failed": {"en": "{n} target failed (error lines in the output)|{n} targets failed (error lines in the output)",
                 "ko": "대상 {n}개가 실패했어요 (출력에 오류 줄이 있어요)"},
    "card_written": {"en": "wrote {path}: fill it in, then `axes inspect {id} --cards {root}`",
                     "ko": "저장했어요: {path}. 채워 넣은 다음 이렇게 확인해 보세요: "
                           "`axes inspect {id} --cards {root}`"},
}

LESSONS: dict[tuple[str, bool], dict[str, str]] = {
    ("dense", False): {"en": "predictable, fast, cheap; the conversational baseline.",
                       "ko": "예측 가능하고 빠르고 저렴해요. 대화형 모델의 기준선이에요."},
    ("dense", True): {"en": "same checkpoint, higher latency, much better on hard tasks.",
                      "ko": "같은 체크포인트라도 지연 시간이 늘어나는 대신 어려운 과제를 훨씬 잘 풀어요."},
    ("moe", False): {"en": "frontier-scale knowledge at a fraction of the inference cost.",
                     "ko": "최전선 규모의 지식을 훨씬 적은 추론 실행 비용으로 얻어요."},
    ("moe", True): {"en": "the current frontier paradigm; capacity plus careful thinking.",
                    "ko": "지금의 최전선 패러다임이에요. 큰 용량에 신중한 사고를 더해요."},
}
LESSON_UNKNOWN = {"en": "no config.json says how the network is wired; look it up next.",
                  "ko": "네트워크 구조를 알려 주는 config.json이 없어요. 다음에 찾아볼 거리예요."}

# The notices other stages write (in English, as data for logs and JSON) and their Korean twins, matched by
# template when a Korean reader is shown them. A notice no template matches is shown as it is.
NOTICES: tuple[tuple[str, str], ...] = (
    ("{name} -> {entry} (catalog alias)", "{name} -> {entry} (카탈로그 별칭)"),
    ("revision {revision} ignored: the catalog holds one version",
     "카탈로그에는 한 버전만 있어서 리비전을 무시했어요: {revision}"),
    ("answered from the local HF cache (commit {commit})", "로컬 HF 캐시에서 읽었어요 (커밋 {commit})"),
    ("not in the cached copy: {files}", "캐시된 사본에 없는 파일: {files}"),
    ("{name}: read as UTF-16", "{name}: UTF-16으로 읽었어요"),
    ("{name}: not UTF-8, read as Windows-1252", "{name}: UTF-8이 아니어서 Windows-1252로 읽었어요"),
    ("{name}: {size} MB, read only the first {cap} MB", "{name}: {size} MB라서 앞부분 {cap} MB만 읽었어요"),
    ("chat_template: {size} MB, read only the first part", "chat_template: {size} MB라서 앞부분만 읽었어요"),
    ("{name}: not in the repo (listed, but the Hub answered 404)",
     "{name}: 저장소에 없어요 (목록에는 있지만 Hub가 404로 답했어요)"),
    ("config.json: not in the repo, so no backbone facts", "config.json: 저장소에 없어서 백본 사실을 읽을 수 없어요"),
    ("README.md: not in the repo", "README.md: 저장소에 없어요"),
    ("GGUF-only repo: the .gguf weights are not read, so the backbone facts (layers, heads, parameters) are "
     "unavailable; the card and the Hub metadata are still read",
     "GGUF만 있는 저장소예요. .gguf 가중치는 읽지 않아서 백본 사실(레이어, 헤드, 파라미터)은 알 수 없고, "
     "카드와 Hub 메타데이터는 그대로 읽어요"),
    ("Hub unreachable for {at}: {reason}", "Hub에 연결할 수 없어요 ({at}): {reason}"),
    ("HF_HUB_OFFLINE is set: Hub not asked for {at}", "HF_HUB_OFFLINE이 설정되어 있어서 Hub에 묻지 않았어요: {at}"),
    ("{repo} is not on the Hub, or is private (then set HF_TOKEN to a token with access)",
     "Hub에 없거나 비공개 저장소예요 (비공개라면 접근 권한이 있는 토큰을 HF_TOKEN에 넣어 주세요): {repo}"),
    ("{repo} is not on the Hub", "Hub에 없는 저장소예요: {repo}"),
    ("{repo} is gated: set HF_TOKEN to a token with access, or request access at {url}",
     "접근 승인이 필요한 저장소예요: {repo}. 접근 권한이 있는 토큰을 HF_TOKEN에 넣거나 {url}에서 접근을 요청하세요"),
    ("{repo} is gated: {access}", "접근 승인이 필요한 저장소예요: {repo} ({access})"),
    ("no config.json: the backbone is not established by any machine-readable file",
     "config.json이 없어요. 기계가 읽을 수 있는 파일로는 백본을 확인할 수 없어요"),
    ("no config.json: the backbone facts shown are the card's own statements",
     "config.json이 없어요. 여기 보이는 백본 사실은 카드가 스스로 밝힌 내용이에요"),
    ("no config.json: the backbone is its base model's ({parent}), read from the bundled catalog",
     "config.json이 없어요. 백본은 베이스 모델({parent})의 것으로, 내장 카탈로그에서 읽었어요"),
    ("parameter count not computed: a dimension the arithmetic needs is missing from config.json",
     "파라미터 수를 계산하지 못했어요. 계산에 필요한 차원이 config.json에 없어요"),
    ("total includes {size}B of vision or audio towers", "전체 수에 비전·오디오 타워 {size}B가 들어 있어요"),
    ("parameter count not computed: the vision tower ({kind}) is of a kind axes does not count, and the language "
     "model alone would understate the total",
     "파라미터 수를 계산하지 못했어요. 비전 타워({kind})는 axes가 세지 못하는 종류이고, 언어 모델만 세면 전체 수가 "
     "실제보다 작게 나와요"),
    ("parameter count not computed: the audio tower ({kind}) is of a kind axes does not count, and the language "
     "model alone would understate the total",
     "파라미터 수를 계산하지 못했어요. 오디오 타워({kind})는 axes가 세지 못하는 종류이고, 언어 모델만 세면 전체 수가 "
     "실제보다 작게 나와요"),
    ("parameter count not computed: the {part} part is of a kind axes does not count",
     "파라미터 수를 계산하지 못했어요. {part} 부분은 axes가 세지 못하는 종류예요"),
    ("parameter count not computed: the experts' width or top-k is missing from config.json",
     "파라미터 수를 계산하지 못했어요. 전문가(expert)의 폭이나 top-k가 config.json에 없어요"),
    ("parameter count not computed for {type}: {layout}, a layout axes does not model",
     "파라미터 수를 계산하지 못했어요. {type}의 구조는 axes가 모델링하지 않는 형태예요 ({layout})"),
    ("estimated: the vision tower ({kind}) is not in axes' table, so it is counted as a SigLIP-style ViT (biases, "
     "LayerNorms, a plain MLP, learned positions)",
     "추정치예요. 비전 타워({kind})가 axes의 표에 없어서 SigLIP 계열 ViT(편향, LayerNorm, 일반 MLP, 학습된 위치 "
     "임베딩)로 셌어요"),
    ("estimated: model_type {type} is not in axes' family table, so the count assumes {assumptions}",
     "추정치예요. axes의 계열 표에 없는 model_type이어서({type}) 이렇게 가정하고 셌어요: {assumptions}"),
    # What an estimate assumes (the parts of the note above, joined by "; ")
    ("tie_word_embeddings absent: a separate output head assumed", "tie_word_embeddings가 없어서 따로 둔 출력 헤드"),
    ("tie_word_embeddings absent from a config transformers saved: tied, its default",
     "transformers가 저장한 config에 tie_word_embeddings가 없어서 기본값대로 임베딩과 묶은 출력 헤드"),
    ("RMSNorm, no biases", "편향 없는 층과 RMSNorm"),
    ("a gated (three-matrix) MLP", "게이트 MLP(행렬 세 개)"),
    ("a gated MLP, as {act} implies", "{act}에 맞춘 게이트 MLP(행렬 세 개)"),
    ("a plain MLP, as {act} implies", "{act}에 맞춘 일반 MLP(행렬 두 개)"),
    ("a BERT-style encoder (post-norm, biases, LayerNorms), as type_vocab_size implies",
     "type_vocab_size로 보아 BERT 계열 인코더(후치 정규화, 편향, LayerNorm)"),
    ("a BART-style encoder-decoder (biases, LayerNorms, positions without weights), as its two stacks imply",
     "두 스택으로 보아 BART 계열 인코더-디코더(편향, LayerNorm, 가중치 없는 위치 인코딩)"),
    ("{name}: NaN, Infinity or a number out of range read as null (JSON has no such numbers)",
     "{name}: NaN, Infinity나 범위를 벗어난 수를 null로 읽었어요 (JSON에는 이런 수가 없어요)"),
    ("Hub safetensors count {hub} differs from the computed {computed}",
     "Hub의 safetensors 집계({hub})가 계산한 값({computed})과 달라요"),
    ("{n} of {layers} layers use a {window}-token sliding window: beyond it a token adds {bytes} bytes",
     "레이어 {layers}개 중 {n}개는 {window}토큰 슬라이딩 윈도를 써요. 그 길이를 넘으면 토큰당 {bytes}바이트가 "
     "늘어나요"),
    ("{n} of {layers} layers keep a fixed-size state instead of a KV cache",
     "레이어 {layers}개 중 {n}개는 KV 캐시 대신 크기가 고정된 상태를 유지해요"),
)
_PLACEHOLDER = regexes.compile(r"\\\{(\w+)\\\}")


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + _PLACEHOLDER.sub(lambda m: f"(?P<{m.group(1)}>.+?)", re.escape(template)) + "$")


@functools.cache
def _notice_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """NOTICES as patterns, compiled when a notice is first translated (an English run never needs them)."""
    return tuple((_pattern(en), ko) for en, ko in NOTICES)


def t(key: str, lang: Lang = Lang.en) -> str:
    entry = TEXT.get(key)
    if entry is None:
        return key
    return entry.get(lang.value) or entry["en"]


def tn(key: str, n: int, lang: Lang = Lang.en, **values: object) -> str:
    """A counted phrase: the singular or plural English form, the one Korean form."""
    text = t(key, lang)
    if "|" in text:
        one, many = text.split("|", 1)
        text = one if n == 1 else many
    return text.format(n=n, **values)


def notice(text: str, lang: Lang) -> str:
    """A stage's English notice in the reader's language; parts of it that are not ours (";"-joined notices,
    a reason from the network) stay as found."""
    if lang is Lang.en:
        return text
    for pattern, ko in _notice_patterns():
        if match := pattern.match(text):  # a value may itself be a notice (an estimate's assumptions)
            return ko.format(**{name: notice(value, lang) for name, value in match.groupdict().items()})
    if "; " in text:
        parts = [notice(part, lang) for part in text.split("; ")]
        if parts != text.split("; "):
            return "; ".join(parts)
    return text


def josa(word: str, pair: str) -> str:
    """The particle of `pair` ("이/가", "은/는", "을/를", "과/와", "으로/로") that follows a Hangul word: the first
    after a final consonant (ㄹ takes 로, not 으로), the second after a vowel. Words ending in anything else
    get the first, as a Korean reader would read a Latin name aloud most of the time."""
    first, second = pair.split("/")
    last = word.rstrip(" )]”\"'")[-1:] if word else ""
    if not ("가" <= last <= "힣"):
        return word + first
    final = (ord(last) - 0xAC00) % 28
    if pair == "으로/로" and final == 8:  # ㄹ
        return word + second
    return word + (first if final else second)


def lens_label(lenses: Lenses, lang: Lang) -> str:
    """Lesson 04's lenses in words: "MoE + reasoning", "hybrid dense + standard", "알 수 없는 백본 + 추론"."""
    if lang is Lang.en:
        return lenses.summary
    if lenses.moe is None:
        shape = t("unknown_backbone", lang)
    else:
        shape = t("moe" if lenses.moe else "dense", lang)
        if lenses.structure not in ("dense", "moe", None):
            shape = f"{t(lenses.structure, lang)} {shape}"
    return f"{shape} + {t('reasoning' if lenses.reasoning else 'standard', lang)}"


def _lesson_text(lenses: Lenses, lang: Lang) -> str:
    if lenses.moe is None:
        return LESSON_UNKNOWN[lang.value]
    return LESSONS[("moe" if lenses.moe else "dense", bool(lenses.reasoning))][lang.value]


def lesson(lenses: Lenses, lang: Lang) -> str:
    """Lesson 04's sentence for the model's combination of lenses ("MoE + reasoning: the current ...")."""
    if lenses.moe is None:
        head = "Backbone unknown" if lang is Lang.en else "백본을 알 수 없어요"
    else:
        head = ("MoE" if lenses.moe else "Dense") + " + " + t("reasoning" if lenses.reasoning else "standard", lang)
    return f"{head}: {_lesson_text(lenses, lang)}"


def lenses_line(lenses: Lenses, lang: Lang) -> str:
    """The lenses and what the lesson says of them, each said once ("MoE + reasoning — the current ...")."""
    return f"{lens_label(lenses, lang)} — {_lesson_text(lenses, lang)}"


def listing(names: list[str] | tuple[str, ...], lang: Lang, last: str = "and") -> str:
    """"a, b and c" (or "a, b or c") in English, "a, b, c" in Korean."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + t(last, lang) + names[-1]


def why(murkiest: Murkiest, lang: Lang) -> str:
    """Why the murkiest axis is murky, in full, from the verdict's counts, names and materials (MurkReason)."""
    r = murkiest.reason
    ko = lang is Lang.ko
    if murkiest.axis == "post_training" and "base-only" not in r.tags:
        parts = _post_training_why(r, lang)
    else:
        parts = [_tags_why(r, lang)]
    parts = [p.strip().rstrip(".") for p in (*parts, *_provenance(r, ko)) if p.strip()]
    # English: one sentence in clauses; Korean: short sentences (the caller adds the last full stop).
    return (". " if ko else "; ").join(parts)


def _tags_why(r: MurkReason, lang: Lang) -> str:
    """An axis scored from its tags: what established it, against what it should establish."""
    found_parts = [t("w_found", lang).format(n=n, strength=t(s, lang)) for s, n in r.strengths.items() if n]
    found = ", ".join(found_parts)
    count = sum(r.strengths.values())
    names = t("w_names", lang).format(names=", ".join(r.tags)) if r.tags else ""
    marketing = tn("w_marketing", r.marketing, lang) if r.marketing else ""
    if r.no_config:
        missing = _topic(listing([t(f"m_{m}", lang) for m in r.missing], lang), lang)
        key = "w_no_config" if found else "w_no_config_none"
        return t(key, lang).format(found=found, tags=tn("w_tags", count, lang), names=names,
                                   marketing=marketing, missing=missing).strip().rstrip(".")
    expected = tn("w_expected", r.expected, lang)
    key = "w_other" if found else "w_other_none"
    return t(key, lang).format(found=found, tags=tn("w_tags", count, lang), names=names, marketing=marketing,
                               expected=expected).strip().rstrip(".")


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


def _post_training_why(r: MurkReason, lang: Lang) -> list[str]:
    """Post-training: the named methods, then what of each material a reader can check, then marketing."""
    grade = {**{k: "released" for k in r.released}, **{k: "named" for k in r.named}}
    found = {*r.released, *r.named, *r.missing}
    order = [(k, grade.get(k)) for k in ("data", "recipe", "reward") if k in found]
    methods = (tn("w_methods", len(r.methods), lang, names=", ".join(r.methods)) if r.methods
               else t("w_no_methods", lang))
    if lang is Lang.ko:
        phrases = [MATERIAL_KO[k] for k in order]
        materials = " ".join([p[0] for p in phrases[:-1]] + [phrases[-1][1]]) if phrases else ""
    else:
        materials = ", ".join(MATERIAL_EN[k] for k in order)
    marketing = tn("w_unchecked_marketing", r.marketing, lang) if r.marketing else ""
    return [methods, materials, marketing]


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
            out += [f"{name} 파일은 {UNREAD_WORDS[why]['ko']}" for name, why in r.unread]
            out.append("그래서 읽은 파일로만 매겼어요")
        else:
            files = ", ".join(f"{name} ({UNREAD_WORDS[why]['en']})" for name, why in r.unread)
            out.append(f"scored on what was read; not read: {files}")
    if r.summary_of:
        date = f" ({r.summary_date})" if r.summary_date else ""
        out.append(f"{r.summary_of}{date}의 카탈로그 요약으로 매겼어요" if ko
                   else f"from the catalog's summary of {r.summary_of}{date}")
    return out


def _topic(words: str, lang: Lang) -> str:
    """The subject of "... are undisclosed" / "... can be checked": in Korean it takes 은/는."""
    return josa(words, "은/는") if lang is Lang.ko and words else words
