"""Whose claim is it? Every sentence, list item and table row of a card gets a subject.

Subjects: `self` (this repo, and for a fine-tune its own training step), `sibling` (another checkpoint of the
same family: the chat version of a base model), `family` (the family in general, on a base checkpoint),
`parent` (the model this one was made from: base model, merge parent), `other` (any other named model:
teacher, baseline, competitor), `reader` (instructions, recipes and advice for the person using the card).

How a clause's subject is found, as a reader finds it:
- advice to the reader ("you can fine-tune it with DPO", "users should add safety layers") is the reader's;
- otherwise the first model the clause names outside a prepositional phrase is its subject: in "fine-tuned
  from Mistral-7B with DPO" Mistral-7B is governed by "from", so the DPO stays this repo's;
- "we" is the author: the clause is about what the author made (this repo), unless it names the family's
  other variants ("we then trained the chat models with RLHF");
- "it", "the model" and clauses naming nobody continue the previous subject; a paragraph starts from its
  table row's model, its lead-in sentence (a list under "Our chat models were trained as follows:"), the
  model its section heading names, or this repo.
A table row is about the model its first cell (or the hit's column header) names.
The identity (reading.identity) decides what "the chat version" or "the base model" refers to.
"""

from __future__ import annotations

import re
from typing import Any, Literal, cast

from msgspec import Struct, field
from msgspec.structs import replace

from .. import regexes
from ..types import Subject
from .card import SENTENCE_END, Card, Paragraph
from .identity import Identity
from .names import NOT_NAMES, VARIANT_PARTS, ModelName, is_size

SUBJECTS: tuple[Subject, ...] = ("self", "sibling", "family", "parent", "other", "reader")

# A model's name: letters, digits and dots joined by - _ / ("Mistral-7B-v0.1", "org/name"), or a capitalised
# word and a number ("Llama 2", "Mistral 7B"). Filtered afterwards: a name has a digit, a slash or is known.
NAME_TOKEN = regexes.compile(r"(?<![A-Za-z0-9_.])[A-Za-z][A-Za-z0-9_.α-ω]{0,60}(?:[-_/][A-Za-z0-9_.α-ω]{1,60}){1,8}"
                        r"|(?<![A-Za-z0-9_.])[A-Z][A-Za-z]{2,30}[ -]\d{1,3}(?:\.\d)?[BbMm]?(?![A-Za-z0-9])")
# Phrases that name a variant without naming the model.
VARIANT_PHRASE = regexes.compile(
    r"\b(?:the|its|our|their|these|those|this|all|both|other|a|an)?\s*"
    r"(?P<kind>fine[- ]?tuned|tuned|chat|instruct|instruction[- ](?:tuned|following)|aligned|dialog(?:ue)?|rlhf|dpo|sft"
    r"|uncensored"
    r"|base|pre-?trained|foundation(?:al)?|reward|teacher|student|reasoning|thinking|distilled|judge|baseline|"
    r"reference|quantized|original|sibling)"
    r"(?:\s+(?:and\s+)?(?:fine[- ]?tuned|chat|instruct|language|LLM|[A-Z][\w.-]{1,30}))?\s+"
    r"(?P<noun>models?|versions?|ver(?=\.)|variants?|checkpoints?|LLMs?|series|siblings?)\b",
    re.I,
)
# The same in Chinese, Japanese and Korean: "Chat 版本", "基座模型", "チャットモデル", "베이스 모델".
CJK_VARIANT = regexes.compile(
    r"(?P<kind>chat|instruct|base|对话|對話|聊天|指令|基础|基座|基礎|预训练|預訓練|チャット|指示|インストラクト|ベース|"
    r"事前学習|채팅|대화|지시|인스트럭트|베이스|기본|사전 ?학습)\s?(?:版本|模型|版|モデル|版|모델|버전)", re.I)
CJK_KIND = {"对话": "chat", "對話": "chat", "聊天": "chat", "指令": "instruct", "基础": "base", "基座": "base",
            "基礎": "base", "预训练": "base", "預訓練": "base", "チャット": "chat", "指示": "instruct",
            "インストラクト": "instruct", "ベース": "base", "事前学習": "base", "채팅": "chat", "대화": "chat",
            "지시": "instruct", "인스트럭트": "instruct", "베이스": "base", "기본": "base", "사전학습": "base",
            "사전 학습": "base"}
# A clause opening with a proper name in capitals ("LLaMA is a base model", "MythoMax was trained ..."): a
# model's name even without a digit.
PROPER_SUBJECT = regexes.compile(r"^\W{0,4}(?P<name>(?:[A-Z]{2,}[a-z]*|[A-Z][a-z]+[A-Z])[A-Za-z0-9]*)"
                            r"(?=\s+(?:is|are|was|were|has|have|uses|used|comes|consists|models?)\b)")
# "A model belonging to a suite of SFT and DPO models": the family.
FAMILY_OF = regexes.compile(r"\b(?:suite|series|family|collection|line-?up|range) of\b"
                       r"|\b(?:our|these|both|all) (?:\w+ )?models\b"
                       r"|系列|シリーズ|시리즈", re.I)
SELF_PHRASE = regexes.compile(r"\b(?:this|the present|the current)\s+(?:(?:\w+[- ])?(?:model|repo(?:sitory)?|version"
                         r"|checkpoint|merge|fine-?tune|finetune))\b"
                         r"|\b(?:our|my) (?:own )?(?:model|repo|checkpoint|merge|fine-?tune|finetune)\b|\bthis one\b"
                         r"|本模型|该模型|此模型|这个模型|这是|這是|これは|이 모델|본 모델|このモデル|本モデル", re.I)
AGENT = regexes.compile(r"\b(?:we|i|our team|the authors)\b|我们|我們|저희|우리는|私たち|弊社", re.I)
PRONOUN = regexes.compile(r"\b(?:it|its|the model|this|they|their|itself)\b", re.I)
# Words that put the model after them in a prepositional or comparative phrase: not the clause's subject.
GOVERNED = regexes.compile(
    r"\b(?:of|from|on|upon|onto|than|like|with|to|into|by|vs\.?|versus|over|against|including|such as|e\.g\.,?|"
    r"i\.e\.,?|based on|built on|derived from|atop|beyond|outperform(?:s|ed|ing)?|beat(?:s|ing)?|surpass(?:es|ed|ing)?|"
    r"exceed(?:s|ed|ing)?|rival(?:s|ing)?|match(?:es|ing)?|unlike|and|or|as|for|in|at|top of|using|via|base|"
    r"fine-?tuned|finetuned|trained|tuned|merged|merging|built|created|made|distilled|quantized|converted|"
    r"fine-?tuning|finetuning|tuning|training|continued|extended|adapted|initiali[sz]ed)"
    r"(?:\s+(?:the|a|an|our|their|its|both|other|original))?\s*[\"'“‘(\[]?\s*$"
    r"|(?:基于|基於|以|从|從|由|对|對|在|用|使用|采用|比|和|与|與|及)\s*$", re.I)
# Advice and instructions for the person reading the card.
READER = regexes.compile(
    r"\byou(?:'ll| will)?\s+(?:probably\s+)?(?:can|could|may|might|should|must|need|want|have to|are (?:advised|"
    r"encouraged|responsible)|are free)\b|\bif you\b|\bfeel free\b|\bplease\b|\bone (?:can|could|may|should)\b"
    r"|\busers?\s+(?:can|could|may|should|must|need|are (?:advised|encouraged|responsible|expected))\b"
    r"|\bdevelopers?\s+(?:can|could|may|should|must|need|are)\b|\bdownstream (?:users|developers)\b|\bin your\b"
    r"|\bwe\s+(?:strongly\s+)?(?:recommend|suggest|encourage|advise|urge)\b|\b(?:is|are)\s+(?:strongly\s+)?"
    r"(?:recommended|advised|encouraged)\b|\bcan be (?:further |easily )?(?:fine-?tuned|trained|aligned|"
    r"instruction[- ]tuned|rlhf[- ]?tuned|adapted|used|combined|paired|deployed|sft'?d?|dpo'?d?)\b"
    r"|\bconsider (?:using|adding|applying|implementing)\b"
    r"|\bit(?: is|'s| remains) (?:important|advisable|best|crucial|essential|necessary|vital) to\b"
    r"|\bcould be used\b"
    r"|^(?:to )?(?:use|try|run|install|fine[- ]?tune|train|add|apply|set|make sure|load|download|follow|refer|"
    r"check|see|note|remember|ensure|avoid|do not|don't)\b|您可以|你可以|请|建议|할 수 있습니다|권장|ください"
    r"|^\W{0,3}(?:使用|用|运行|执行|安装|下载|参考)(?![^。]*了)",
    re.I,
)
# A finite verb before a model's name: the name is the object or predicate ("X is a Llama 13B model fine-tuned
# on ...", "it uses Mistral-7B"), and the clause's subject came before it, named or not.
VERB_BEFORE = regexes.compile(r"\b(?:is|are|was|were|be|been|being|has|have|had|uses|used|using|underwent|undergoes|"
                         r"became|becomes|employs|employed|leverages|adopts|applies|applied|follows|followed|"
                         r"contains|includes|combines|combined|outperforms|beats|surpasses)\b", re.I)
# A copula before a variant phrase: "X is a distilled version of Y" says what X is.
PREDICATE = regexes.compile(r"\b(?:is|are|was|were|becomes|became)\s+(?:also\s+|now\s+|simply\s+)?$", re.I)
# "the base model was (then) fine-tuned on ...": a parent made into this repo.
MADE_FROM = regexes.compile(r"[^.;]{0,40}?\b(?:was|were|has been|have been|is|are|got)\s+(?:then |further |"
                            r"subsequently |"
                       r"additionally |first |later )?(?:fine-?tuned|finetuned|trained|tuned|aligned|distilled|merged|"
                       r"optimi[sz]ed|adapted)\b", re.I)
VARIANT_TAIL = regexes.compile(r"(?:\s+(?:model|models|version|checkpoint|LLM))?")
# "the ... conversation dataset someone/chat_pairs_70k", "Dataset 2 Name: someone/stories": a dataset's id, not a
# model's.
DATASET_BEFORE = regexes.compile(r"\b(?:datasets?|data|corpus|corpora|benchmarks?|mixture)"
                            r"(?: \d{1,2})?(?: (?:name|id|link))?\W{0,3}$", re.I)
# "the open-source acme/Forge-LM trainer was used": a tool's name, not a model's.
TOOL_AFTER = regexes.compile(r"\W{0,3}\s(?:trainer|library|framework|toolkit|codebase)\b", re.I)
FOR_BEFORE = regexes.compile(r"\bfor (?:the |our |its |their )?$", re.I)
# "For the chat versions, ..." opens with its topic.
TOPIC = regexes.compile(r"^\W{0,3}(?:for|regarding|as for|about)\s+", re.I)
# "MythoMax 13b finetuned on ...", "Heron 2 13b fine tune using ..." names the model a new one was made from, not the
# one making the claim.
INPUT_AFTER = regexes.compile(r"\s{0,3}(?:\([^)]{0,60}\)\s{0,3})?(?:\d{1,3}(?:\.\d)?[bm]\s{1,3})?"
                         r"(?:(?:fine[- ]?tuned?|finetuned?|further (?:pre-?)?trained|"
                         r"re-?trained|tuned|merged|(?:SFT|DPO|RLHF|PPO|ORPO|KTO)[- ](?:trained|tuned))\s+"
                         r"(?:on|with|using|for|by|to|via|in)\b|をベースに|をベースと|を元に|に基づ|から|"
                         r"(?:을|를)? ?기반으로)", re.I)
CLAUSE_BREAK = regexes.compile(r",?\s+(?:while|whereas|but|however|unlike)\b|,\s+and\b|,\s+(?=(?:we|they|it|our|"
                               r"please)\s)"
                          r"|\s+—\s+|;\s*|\s\(|\)\s|[，；]",
                          re.I)
LEAD_IN = regexes.compile(r"[:：]\s*$")
# A lead-in that says the list below is how this model was made: its steps, even in the imperative ("Use the data
# in 3 for SFT"), are this repo's recipe, not advice to the reader.
RECIPE = regexes.compile(r"\b(?:steps|how|what)\b[^.:]{0,30}\b(?:make|made|create|created|build|built|train|trained|"
                    r"produce|produced|reproduce)\b[^.:]{0,20}\b(?:this|the|our) model\b"
                    r"|\btraining (?:recipe|procedure|steps)\s*[:：]"
                    r"|^use the following (?:\w+ ){0,2}(?:datasets?|data|corpora) to (?:fine-?tune|train)\b", re.I)
IMPERATIVE = regexes.compile(r"\W{0,4}(?:\d+[.)]\s*)?(?:then |and |finally |first |next )?(?:use|used|prepare|train|"
                        r"fine-?tune|apply|merge|collect|filter|clean|run|take|continue|combine)\b", re.I)
# A size said of a model ("the 13B parameters model"): another size than this repo's is another checkpoint.
SIZE_PHRASE = regexes.compile(r"\b(\d{1,3}(?:\.\d)?)\s?([bm])(?:illion)?[- ](?:param(?:eter)?s?|models?|"
                              r"versions?|variants?|"
                         r"checkpoints?)\b", re.I)
KINDS_TUNED = frozenset({"fine-tuned", "finetuned", "fine tuned", "tuned", "chat", "instruct", "instruction-tuned",
                         "instruction tuned", "instruction-following", "instruction following", "aligned", "dialog",
                         "dialogue", "rlhf", "dpo", "sft", "reasoning", "thinking", "distilled", "uncensored"})
# Kinds a repo name can carry too: a phrase naming another one than this repo's ("an SFT+DPO version" beside
# `-SFT`) is a sibling.
NAMED_KINDS = frozenset({"chat", "instruct", "rlhf", "dpo", "sft", "reasoning", "thinking"})
DISTILLED = frozenset({"distill", "distilled", "distil"})
METHOD_MARKS = frozenset({"sft", "dpo", "rlhf", "ppo", "orpo", "kto", "ipo", "simpo", "grpo", "rl"})  # in names
KINDS_BASE = frozenset({"base", "pretrained", "pre-trained", "foundation", "foundational", "original"})


class Mention(Struct, frozen=True):
    at: int  # offset in the text searched
    subject: Subject | Literal["agent", "inherit"]
    governed: bool  # inside a prepositional or comparative phrase
    length: int = 0
    named: bool = False  # a model's name (not a phrase like "the chat version")
    explicit: bool = False  # "this model", "a suite of": the subject wherever it stands
    own: bool = False  # this repo's own name or "this model": the card says whose it is in so many words
    sized: bool = False  # a parameter size said of a model ("the 13B parameters model")

    def within(self, text: str, left: int) -> Mention:
        """The mention as the clause starting at `left` reads it: governed by a preposition or a verb before it?"""
        governed = not self.explicit and bool(
            GOVERNED.search(text[max(left, self.at - 40):self.at]) or INPUT_AFTER.match(text, self.at + self.length)
            or (self.subject not in ("agent", "inherit") and VERB_BEFORE.search(text, left, self.at)))
        return replace(self, governed=governed)


class Attribution(Struct, frozen=True):
    """The subjects of one card's sentences under one identity; computed per paragraph on first use."""

    card: Card
    identity: Identity
    memo: dict[int | str, Any] = field(default_factory=dict)  # a cache per paragraph, not state
    shared: dict[Any, Any] = field(default_factory=dict)  # a cache of what no identity changes, shared per card

    def subject(self, index: int, start: int, end: int | None = None) -> Subject:
        """The subject of the claim at paragraph `index`, offsets [start, end): the model the words name or are
        part of the name of ("Skywork-13B-Chat model", "two chat models"), else the subject of their clause."""
        found, clause_left = None, 0
        for left, _right, subject in self._clauses(index):
            if left > start:
                break
            found, clause_left = subject, left
        if found == "reader":  # advice stays advice, whatever model it names
            return found
        if end is not None:
            text = self.card.paragraphs[index].text
            for mention in self._found(index):
                if mention.at > start:
                    break
                if mention.subject not in ("agent", "inherit") and start < mention.at + mention.length and not (
                        mention.explicit and found is not None):  # "this repository contains ...": its clause's
                    if found is not None and not mention.named and PREDICATE.search(
                            text, max(clause_left, mention.at - 24), mention.at):
                        return found  # "the 7B version is a distilled version of ...": the phrase says what its
                        # clause's subject is, whoever that is
                    return _named(mention)
        return found or self._start(index)

    def _clauses(self, index: int) -> list[tuple[int, int, Subject]]:
        if index in self.memo:
            return self.memo[index]
        para = self.card.paragraphs[index]
        out: list[tuple[int, int, Subject]] = []
        if para.code:  # a prompt format or a snippet: how the reader is to call this model
            out = [(0, len(para.text), "reader")]
        elif para.kind == "row":
            row = self._row_subject(para)
            out = [(0, len(para.text), row)]
        else:
            current = self._start(index)
            recipe = para.kind == "item" and self._recipe_item(index)
            for left, right in _sentences(para.text):
                sentence = para.text[left:right]
                steps = recipe or ("follow" in sentence and RECIPE.search(sentence) is not None)
                reader = not steps and READER.search(sentence) is not None
                for c_left, c_right in _clauses(sentence):
                    if reader and READER.search(sentence, c_left, c_right):
                        out.append((left + c_left, left + c_right, "reader"))  # advice: not anyone's claim
                        continue
                    if steps and IMPERATIVE.match(sentence, c_left):
                        current = "self"  # a step of how this model was made: the author did it, to its parent
                    else:
                        current = self._clause_subject(index, left + c_left, left + c_right, current)
                    out.append((left + c_left, left + c_right, current))
        self.memo[index] = out
        return out

    def _start(self, index: int) -> Subject:
        """What a paragraph is about before it names anyone: its lead-in, its section heading, this repo."""
        para = self.card.paragraphs[index]
        if para.kind == "item":
            for back in range(index - 1, max(-1, index - 30), -1):
                prev = self.card.paragraphs[back]
                if prev.section != para.section or prev.kind in ("heading", "row", "header"):
                    break
                if prev.kind != "item":
                    if LEAD_IN.search(prev.text):
                        clauses = self._clauses(back)
                        if clauses:
                            return clauses[-1][2]
                    break
        return self._section_subject(para.section)

    def _section_subject(self, section: str) -> Subject:
        """Whom a section is about: the model its innermost heading that names one names ("## Llama 2" over
        "### Model Details": a copied card of another model). The card's title is not such a heading: it is
        what the whole card describes, in the author's words."""
        key = "section:" + section
        if key in self.memo:
            return cast(Subject, self.memo[key])
        subject: Subject = "self"
        headings = section.split(" > ") if section else []
        if headings and headings[0] == self._title():
            headings = headings[1:]
        for heading in reversed(headings):
            mentions = [m for m in self._mentions(heading) if m.subject not in ("agent", "inherit")]
            if mentions:
                if not mentions[0].governed and mentions[0].subject in ("sibling", "other", "parent"):
                    subject = _named(mentions[0])
                break
        self.memo[key] = subject
        return subject

    def _title(self) -> str:
        """The card's first heading."""
        return next((s.split(" > ", 1)[0] for s in self.card.sections if s), "")

    def _recipe_item(self, index: int) -> bool:
        """Is list item `index` a step of a list whose lead-in says it is how this model was made?"""
        para = self.card.paragraphs[index]
        for back in range(index - 1, max(-1, index - 30), -1):
            prev = self.card.paragraphs[back]
            if prev.section != para.section or prev.kind in ("heading", "row", "header"):
                return False
            if prev.kind != "item":
                return RECIPE.search(prev.text) is not None
        return False

    def _found(self, index: int) -> list[Mention]:
        """The mentions of paragraph `index`, found once (their governance is judged per clause)."""
        key = f"found{index}"
        if key not in self.memo:
            self.memo[key] = self._mentions(self.card.paragraphs[index].text, judge=False)
        return self.memo[key]

    def _clause_subject(self, index: int, left: int, right: int, previous: Subject) -> Subject:
        text = self.card.paragraphs[index].text
        clause = text[left:right]
        mentions = [replace(m.within(text, left), at=m.at - left) for m in self._found(index) if left <= m.at < right]
        topic = TOPIC.match(clause)
        if topic and mentions and mentions[0].at <= topic.end() + 6 and mentions[0].subject not in ("agent", "inherit"):
            return _named(mentions[0])
        free = [m for m in mentions if not m.governed]
        if not free:
            # "To get the expected performance for the chat versions, ...": the model the clause is for
            topical = [m for m in mentions if m.subject in ("sibling", "family", "other")
                       and FOR_BEFORE.search(clause, max(0, m.at - 12), m.at)]
            return _named(topical[0]) if topical else previous
        first = free[0]
        if not first.named and not first.explicit and first.subject in ("self", "sibling", "family", "parent"):
            section = self._section_subject(self.card.paragraphs[index].section)
            if section in ("other", "parent"):
                return section  # "the tuned versions" under "## Llama 2": that model's variants
        if first.explicit and first.subject == "self" and any(m.sized and m.subject == "sibling" for m in mentions):
            return "sibling"  # "this repository contains ... the 13B model" on a 34B repo: a copied card's words
        if first.subject == "agent":
            later = [m for m in mentions if m.at > first.at and m.subject in ("sibling", "family", "self")]
            return _named(later[0]) if later else "self"
        if first.subject == "inherit":
            return previous
        if first.subject == "parent" and self.identity.checkpoint != "merge" and MADE_FROM.match(
                clause, self._mention_end(clause, first)):
            return "self"  # "the base model was fine-tuned on ...": how this repo was made from it
        return first.subject

    def _mention_end(self, clause: str, mention: Mention) -> int:
        end = mention.at + mention.length
        tail = VARIANT_TAIL.match(clause, end)
        return tail.end() if tail else end

    def _row_subject(self, para: Paragraph) -> Subject:
        """A table row is about the model its first cell names; a row naming no model is about the table's topic,
        and in a table whose header names several models (a comparison), about those models."""
        named = [m for h in para.header for m in self._mentions(h)[:1] if m.subject not in ("agent", "inherit")]
        if len(named) >= 2:
            return "other"
        for cell in para.cells[:2]:
            mentions = [m for m in self._mentions(cell) if m.subject not in ("agent", "inherit")]
            if mentions:
                return _named(mentions[0])
            if para.links and cell.strip() and any(cell.strip().lower() in link.lower() for link in para.links):
                return self._name_subject(ModelName(cell))
        return "self"

    def _mentions(self, text: str, judge: bool = True) -> list[Mention]:
        """Every model, variant, self-reference, author and pronoun `text` names, in order (overlaps: the first
        kind found wins); `judge` says whether each is governed, reading `text` as one clause."""
        found: dict[int, Mention] = {}
        taken = bytearray(len(text) + 1)  # 1 where a mention already stands

        def add(start: int, end: int, subject: Subject | Literal["agent", "inherit"], explicit: bool = False,
                named: bool = False, own: bool = False, sized: bool = False) -> None:
            if end <= start or taken.find(1, start, end) >= 0:
                return
            taken[start:end] = b"\x01" * (end - start)
            mention = Mention(start, subject, False, end - start, named, explicit, own, sized)
            found[start] = mention.within(text, 0) if judge else mention

        own = self._own()
        if own is not None:
            for hit in own.finditer(text):
                add(hit.start(), hit.end(), "self", own=True)
        for hit in SELF_PHRASE.finditer(text):
            add(hit.start(), hit.end(), "self", explicit=True, own=True)  # "this model": the subject wherever it stands
        for hit in NAME_TOKEN.finditer(text):
            token = hit.group(0)
            if (_looks_like_name(token) or self._kin_name(token)) and not DATASET_BEFORE.search(
                    text, max(0, hit.start() - 30), hit.start()) and not TOOL_AFTER.match(text, hit.end()):
                add(hit.start(), hit.end(), self._token_subject(token), named=True)
        for hit in VARIANT_PHRASE.finditer(text):
            of = text.startswith(" of ", hit.end())  # "a fine-tuned version of X" describes this repo
            subject = self._variant_subject(hit.group("kind").lower(), hit.group(0).lower(), of)
            if subject is not None:
                add(hit.start() + len(hit.group(0)) - len(hit.group(0).lstrip()), hit.end(), subject)
        if not text.isascii():
            for hit in CJK_VARIANT.finditer(text):
                kind = hit.group("kind").lower()
                subject = self._variant_subject(CJK_KIND.get(kind, kind), hit.group(0).lower())
                if subject is not None:
                    add(hit.start(), hit.end(), subject)
        for hit in FAMILY_OF.finditer(text):
            add(hit.start(), hit.end(), "family", explicit=True)
        for stem, subject in self._stems():
            for hit in stem.finditer(text):
                add(hit.start(), hit.end(), subject)
        proper = PROPER_SUBJECT.match(text)
        word = proper.group("name") if proper else ""
        common = word.lower() in NOT_NAMES or word.lower() in METHOD_WORDS or word.lower() in VARIANT_PARTS
        if proper and not common and not (word.isupper() and len(word) < 4):
            add(proper.start("name"), proper.end("name"), self._name_subject(ModelName(proper.group("name"))))
        sizes = self._sizes()
        if sizes and any(c.isdigit() for c in text):
            for hit in SIZE_PHRASE.finditer(text):
                size = (hit.group(1) + hit.group(2)).lower()
                add(hit.start(), hit.end(), "self" if size in sizes else "sibling", named=True, sized=True)
        for hit in AGENT.finditer(text):
            add(hit.start(), hit.end(), "agent")
        for hit in PRONOUN.finditer(text):
            add(hit.start(), hit.end(), "inherit")
        return [found[k] for k in sorted(found)]

    def _sizes(self) -> frozenset[str]:
        """This repo's parameter sizes from its name ("34b"); none for a name without one, or a mixture
        ("8x7b": its experts' size is said of parts of it)."""
        if "sizes" not in self.memo:
            core = self.identity.name.core
            sizes = frozenset(p for p in core if is_size(p) and re.fullmatch(r"\d+(?:\.\d)?[bm]", p))
            self.memo["sizes"] = frozenset() if any("x" in p for p in core if is_size(p)) else sizes
        return cast(frozenset[str], self.memo["sizes"])

    def _kin_name(self, token: str) -> bool:
        """A name without a digit that adds a part to this family's name ("ALMA-R" beside "ALMA-7B"): a relative,
        not a word; "ALMA-based" is a word."""
        stem = self.identity.name.stem
        if not stem or len(stem[0]) < 3 or "/" in token:
            return False
        name = ModelName(token)
        return (len(name.core) >= 2 and name.core[0] == stem[0] and name.core[-1] not in NOT_NAME_SUFFIXES
                and name.core != self.identity.name.core)

    def _own(self) -> re.Pattern[str] | None:
        if "own" not in self.memo:
            pattern = self.identity.own_pattern
            self.memo["own"] = re.compile(pattern, re.I) if pattern else None
        return self.memo["own"]

    def _stems(self) -> list[tuple[re.Pattern[str], Subject]]:
        """The family's bare name ("Heron is a series of ...") and the parents' ("Mistral was trained ...")."""
        if "stems" not in self.memo:
            self.memo["stems"] = self._stem_patterns()
        return self.memo["stems"]

    def _stem_patterns(self) -> list[tuple[re.Pattern[str], Subject]]:
        out: list[tuple[re.Pattern[str], Subject]] = []
        own_stem = " ".join(self.identity.name.stem)
        if len(own_stem) >= 4:
            out.append((_word(self.identity.name.stem), self._family()))
        for parent in self.identity.parents:
            stem = ModelName(parent).stem
            if stem and len("".join(stem)) >= 4 and stem != self.identity.name.stem:
                out.append((_word(stem), self._parent_subject()))
        return out

    def _parent_subject(self) -> Subject:
        # A quantized repack holds its parent's very weights: what is said of the parent is said of it.
        return "self" if self.identity.checkpoint == "quantized" else "parent"

    def _token_subject(self, token: str) -> Subject:
        key = "token:" + token
        if key not in self.memo:
            name = ModelName(token)
            subject = self._name_subject(name)
            mine = self.identity.name
            if subject == "self" and "/" in token and not name.names_same_model(mine):
                # a repo id names one repo: "org/Base-34B" is not "prefix-base-34b-v2", whatever words they share
                subject = self._name_subject(name, own=False)
            self.memo[key] = subject
        return self.memo[key]

    def _name_subject(self, name: ModelName, own: bool = True) -> Subject:
        mine = self.identity.name
        if own and mine.core and mine.names_same_model(name):
            return "self"
        for parent in self.identity.parents:
            theirs = ModelName(parent)
            if theirs.names_same_model(name) or name.names_same_model(theirs):
                return self._parent_subject()
        if mine.core and name.same_family(mine):
            return self._relative(name, mine)
        return "other"

    def _relative(self, name: ModelName, mine: ModelName) -> Subject:
        """A name of this family: another variant or size is a sibling; a fuller name of this repo (`SAM-7B` for
        `SAM`) is this repo; a name leaving out this repo's size (`Llama 2` for `Llama-2-7b`), or its variant and
        size (`Heron 3` for `heron-3-27b-it`: what its instruct models got), is the family, while this size
        without this variant (`Heron-7B` for `heron-7b-sft`) is a sibling. A shorter line name (`Raven-R1` for
        `Raven-R1-Distill-Heron-7B`) is the model this one is named after."""
        if len(name.stem) < len(mine.stem) and mine.stem[:len(name.stem)] == name.stem and DISTILLED & set(mine.core):
            return "other"  # the teacher a distilled model is named after
        if len(name.stem) > len(mine.stem):
            return "sibling"
        sizes, my_sizes = {p for p in name.core if is_size(p)}, {p for p in mine.core if is_size(p)}
        if set(name.kinds) != set(mine.kinds) and (name.kinds or sizes):
            return "sibling"  # another variant, or this size without this variant (`Heron-7B` for `heron-7b-sft`)
        if sizes and my_sizes and not sizes & my_sizes:
            return "sibling"
        if sizes and not my_sizes:
            return "self"
        return self._family()

    def _family(self) -> Subject:
        return "family"

    def family_is_self(self, axis: str) -> bool:
        """Does what the family in general is said to do count for this repo? Not on a base checkpoint (the
        family's chat models are not it), and not for training methods when the card names siblings whose names
        mark another method ("a suite of SFT and DPO models" beside `-dpo` siblings says nothing of this one)."""
        if self.identity.is_base:
            return False
        return axis != "post_training" or not self.sibling_methods()

    def names_self(self, index: int) -> bool:
        """Does paragraph `index` name this repo in so many words (its name, "this model")?"""
        return any(m.own for m in self._found(index))

    def sibling_methods(self) -> frozenset[str]:
        """The training methods this family's siblings' names mark and this repo's does not (`-dpo` beside this
        `-7b`): a claim of those methods that does not name this repo may be the sibling's, copied onto this card."""
        if "method siblings" not in self.shared:
            self.shared["method siblings"] = self._method_siblings()
        return self.shared["method siblings"]

    def _method_siblings(self) -> frozenset[str]:
        mine = self.identity.name
        if not mine.stem or len(mine.stem[0]) < 3:
            return frozenset()
        own = set(mine.core)
        found: set[str] = set()
        body = self.card.lowered or ""
        at = body.find(mine.stem[0])
        while at >= 0:  # the names around each occurrence of the family's name
            window = self.card.body[max(0, at - 40):at + 80]
            for hit in NAME_TOKEN.finditer(window):
                name = ModelName(hit.group(0))
                if _looks_like_name(hit.group(0)) and name.same_family(mine):
                    found |= (set(name.core) & METHOD_MARKS) - own
            at = body.find(mine.stem[0], at + 80)
        return frozenset(found)

    def _variant_subject(self, kind: str, phrase: str, of: bool = False) -> Subject | Literal["agent"] | None:
        if kind in ("reward", "teacher", "judge"):
            return "agent"  # the reward model scored, the teacher wrote: still how this repo was made
        if kind in ("student", "baseline", "reference"):
            return "other"
        if kind == "sibling":
            return "sibling"
        if kind in KINDS_BASE:
            if self.identity.is_base:
                return "self"
            if self.identity.weights is None or phrase.startswith(("a ", "an ")):
                return None  # "the base model" on a card that has not said what this repo is: no one in particular
            return "parent"
        if kind in KINDS_TUNED:
            if self.identity.is_base:
                return "sibling" if not phrase.startswith(("all ", "both ")) else "family"
            own = set(self.identity.name.core)
            another = phrase.startswith(("a ", "an ", "other ")) and phrase.split()[-1] in ("version", "variant")
            if another and not of or (kind in NAMED_KINDS and own & NAMED_KINDS and kind not in own):
                return "sibling"  # "we also released a DPO version", "the chat model" beside `-SFT`
            noun = phrase.split()[-1]
            versions = ("version", "versions", "ver", "variant", "variants")
            if kind in METHOD_MARKS and noun in versions and kind not in own:
                return "sibling"  # "the DPO version" beside a name that marks no DPO
            if self.identity.checkpoint == "merge":
                return "parent"  # "a DPO model", "the chat model" in a merge: its ingredients
            plural = noun in ("models", "versions", "variants", "checkpoints", "llms", "siblings")
            if plural and self.identity.weights not in ("instruct", "fine-tune", "reasoning") and kind not in own:
                return self._family()  # "the chat models", on a card that has not said what this repo is
            return "self" if not phrase.startswith(("all ", "both ")) else self._family()
        return None


def _named(mention: Mention) -> Subject:
    """The subject a mention names (callers pass only mentions of a model or variant, not "we" or "it")."""
    return "self" if mention.subject in ("agent", "inherit") else cast(Subject, mention.subject)


def _word(stem: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.-])" + r"[\s_-]?".join(re.escape(p) for p in stem) + r"(?![\w-])", re.I)


# Words a hyphen joins to a model's name that make it an adjective, not another model's name.
NOT_NAME_SUFFIXES = frozenset({"based", "like", "style", "type", "specific", "only", "family", "series", "sized",
                               "size", "compatible", "format", "formatted", "friendly", "powered", "inspired",
                               "derived", "generated", "architecture", "arch", "level", "class", "scale", "models",
                               "model", "team", "project", "paper", "data", "dataset", "prompt", "template"})


def _looks_like_name(token: str) -> bool:
    """A name has a digit or an org/ prefix, and is not a number with a unit or a common capitalised word."""
    if "/" in token:
        right = token.rsplit("/", 1)[-1]
        return not token.lower().startswith(("http", "www")) and (
            any(c.isdigit() for c in right) or any(c.isupper() for c in right) or "-" in right)
    if not any(c.isdigit() for c in token):
        return False
    first = re.split(r"[-_ ]", token, maxsplit=1)[0].lower()
    return first not in NOT_NAMES


def _sentences(text: str) -> list[tuple[int, int]]:
    out, left = [], 0
    for match in SENTENCE_END.finditer(text):
        if match.start() > left:
            out.append((left, match.start()))
        left = match.end()
    if left < len(text):
        out.append((left, len(text)))
    return out or [(0, len(text))]


def _clauses(sentence: str) -> list[tuple[int, int]]:
    """A sentence cut where a new clause may bring its own subject ("..., while X uses RLHF")."""
    out, left = [], 0
    for match in CLAUSE_BREAK.finditer(sentence):
        if match.start() > left:
            out.append((left, match.start()))
            left = match.start()
    out.append((left, len(sentence)))
    return out


# Hyphenated compounds that are a method with a plain modifier ("DPO-tuned", "SFT-only"), not a name.
MODIFIERS = frozenset({"tuned", "trained", "aligned", "based", "style", "only", "stage", "phase", "like", "tuning",
                       "training", "finetuned", "finetuning", "fine", "data", "dataset", "datasets", "step",
                       "version", "loss", "objective", "free", "ready", "enabled", "optimized", "optimised",
                       "generated", "augmented", "format", "formatted", "trainer", "lora", "then", "and", "or",
                       "plus", "with", "via", "after", "before", "first", "last", "full", "multi",
                       "single", "online", "offline", "iterative", "round", "rounds", "pass", "passes", "use",
                       "using", "calling", "call", "calls", "driven", "powered", "capable"})


def inside_name(text: str, start: int, end: int) -> bool:
    """Is text[start:end] part of a longer model or dataset name ("Finch-13B-DPO", "Tern-L1-Chat-RL-v1",
    "HH-RLHF"), or of the words a name spells out ("Wren (Web Research Agent)")? Names are not methods: the
    tagger does not read them as claims."""
    for hit in EXPANSION.finditer(text, max(0, start - 80), min(len(text), end + 80)):
        if hit.start(1) <= start and end <= hit.end(1):
            return True
    if start >= 3 and text[start - 1] == " " and text[start].isupper() and " " not in text[start:end] and (
            NAME_BEFORE.search(text, max(0, start - 64), start - 1)):
        return True  # "Heron-Kiwi Uncensored", "Story_Set Uncensored": the last word of a name
    left = max(0, start - 64)
    for hit in NAME_TOKEN.finditer(text, left, min(len(text), end + 64)):
        if hit.start() <= start and end <= hit.end() and (hit.start(), hit.end()) != (start, end):
            token = hit.group(0)
            if _looks_like_name(token) or _compound_name(token):
                return True
        if hit.start() > end:
            break
    return False


# A capitalised name joined by a hyphen or underscore, ending where a following capitalised word would extend it.
NAME_BEFORE = regexes.compile(r"(?<![\w.-])[A-Z][A-Za-z0-9.]{0,40}(?:[-_][A-Za-z0-9.]{1,40}){1,6}$")
# A name followed by the capitalised words it abbreviates: "HeRA (Helpful Reasoning Assistant)". Two words at
# least, apart: an acronym in brackets ("Optimization (DPO)") is an abbreviation, not the words of a name.
EXPANSION = regexes.compile(r"\b[A-Z][\w.-]{1,40}\s?\(((?:[A-Z][\w-]*\s){1,5}[A-Z][\w-]*\s?)\)")


def _compound_name(token: str) -> bool:
    """`HH-RLHF`, `toxic-DPO`: a method word joined to a part that is no method and no plain modifier."""
    pieces = [p.lower() for p in re.split(r"[-_]", token) if p]
    if len(pieces) < 2 or not any(p in METHOD_WORDS for p in pieces):
        return False
    return any(p not in MODIFIERS and p not in METHOD_WORDS for p in pieces)


METHOD_WORDS = frozenset({"sft", "dpo", "rlhf", "ppo", "grpo", "rlvr", "rl", "kto", "orpo", "ipo", "simpo", "rlaif",
                          "rag", "moe", "lora", "qlora", "agent", "agents", "agentic", "tool", "tools"})


# "distilled from a long chain-of-thought model", "than reasoning models": the words describe the model after
# the preposition, not this one.
OTHER_BEFORE = regexes.compile(r"\b(?:from|than|like|of|versus|vs\.?|unlike|to)\s+(?:a|an|the|other|such)?\s*"
                          r"(?:[\w-]+\s+){0,2}$",
                          re.I)
OTHER_AFTER = regexes.compile(r"^[\s-]{0,2}(?:\w+[\s-]){0,2}?(?:models?|LLMs?|teachers?|systems?)\b", re.I)


def describes_another(text: str, start: int, end: int) -> bool:
    """Is text[start:end] part of a phrase naming another model by its kind ("a long chain-of-thought model")?"""
    before = text[max(0, start - 40):start]
    if FAMILY_BEFORE.search(before):
        return False  # "a family of uncensored models": the family this repo belongs to
    return bool(OTHER_BEFORE.search(before) and OTHER_AFTER.match(text[end:end + 40]))


FAMILY_BEFORE = regexes.compile(r"\b(?:suite|series|family|collection|line-?up|range) of\s+(?:[\w-]+\s+)?$", re.I)
