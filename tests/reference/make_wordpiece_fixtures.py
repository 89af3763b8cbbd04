#!/usr/bin/env python3
"""Writes the WordPiece fixtures for Medley.Data.Tests: a small vocab and the expected BERT tokenization of ~50 sentences.

Neither HuggingFace `transformers` nor `tokenizers` is packaged for Debian, so the reference below is an
independent Python implementation of BERT's published tokenization algorithm (Devlin et al. 2018, the
`tokenization.py` of google-research/bert, described in its README): a basic tokenizer (drop NUL/U+FFFD/control
characters, map whitespace to spaces, put spaces around CJK ideographs, split on whitespace, lower-case and strip
accents via NFD when uncased, split off every punctuation character) followed by greedy longest-match-first
WordPiece with "##" continuations and [UNK] for words over 100 characters or with an unmatched piece.
It is written from that description, not copied. Run: /usr/bin/python3 tests/reference/make_wordpiece_fixtures.py
"""
import json
import os
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Medley.Data.Tests", "Fixtures")
MAX_WORD_CHARS = 100


# ---- the reference algorithm -------------------------------------------------------------------------------
def is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def is_punctuation(ch):
    cp = ord(ch)
    # Every non-alphanumeric ASCII character counts as punctuation (e.g. $ ^ ` are symbols in Unicode).
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


CJK_RANGES = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
              (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]


def is_cjk(ch):
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in CJK_RANGES)


def clean(text):
    out = []
    for ch in text:
        if ord(ch) == 0 or ord(ch) == 0xFFFD or is_control(ch):
            continue
        out.append(" " if is_whitespace(ch) else ch)
    return "".join(out)


def space_cjk(text):
    return "".join(f" {ch} " if is_cjk(ch) else ch for ch in text)


def strip_accents(word):
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if unicodedata.category(ch) != "Mn")


def split_punctuation(word):
    pieces, current = [], []
    for ch in word:
        if is_punctuation(ch):
            if current:
                pieces.append("".join(current))
                current = []
            pieces.append(ch)
        else:
            current.append(ch)
    if current:
        pieces.append("".join(current))
    return pieces


def basic_tokenize(text, lowercase):
    words = space_cjk(clean(text)).split()
    result = []
    for word in words:
        if lowercase:
            word = strip_accents(word.lower())
        result.extend(split_punctuation(word))
    return " ".join(result).split()


def wordpiece(word, vocab):
    if len(word) > MAX_WORD_CHARS:
        return ["[UNK]"]
    pieces, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            candidate = word[start:end] if start == 0 else "##" + word[start:end]
            if candidate in vocab:
                found = candidate
                break
            end -= 1
        if found is None:
            return ["[UNK]"]
        pieces.append(found)
        start = end
    return pieces


def tokenize(text, vocab, lowercase):
    return [p for w in basic_tokenize(text, lowercase) for p in wordpiece(w, vocab)]


def encode(tokens, vocab, max_length):
    body = tokens[: max_length - 2]
    ids = [vocab["[CLS]"]] + [vocab[t] for t in body] + [vocab["[SEP]"]]
    mask = [1] * len(ids)
    pad = max_length - len(ids)
    return ids + [vocab["[PAD]"]] * pad, mask + [0] * pad


# ---- fixture data ------------------------------------------------------------------------------------------
def make_vocab():
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokens += list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
    tokens += ["¿", "¡", "—", "–", "“", "”", "‘", "’", "…", "«", "»", "·", "°"]
    tokens += [chr(c) for c in range(ord("a"), ord("z") + 1)]
    tokens += ["##" + chr(c) for c in range(ord("a"), ord("z") + 1)]
    tokens += [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    tokens += [str(d) for d in range(10)] + ["##" + str(d) for d in range(10)]
    tokens += ["中", "国", "医", "院", "病", "人", "日", "本"]
    words = """the a an of and or with without no not in on at for to from by is was were be been has had have
    patient patients hospital pain chest normal left right lung lungs heart blood pressure history fever cough mass
    lesion skin ray covid test example com hello world cafe resume naive ecole que he she they this that there
    left lower upper lobe mild severe acute chronic tumor tumour biopsy benign malignant scan ct mri x dose mg ml dl
    kg cm mm day days week weeks year years old male female age show shows showed shown finding findings
    opacity effusion pneumonia consolidation fracture nodule nodules small large new stable since prior compared
    discharge admitted admission follow up bp hr temp rate heart rhythm sinus ecg label data model run unknown
    the The Patient Hospital COVID CT MRI""".split()
    tokens += words
    pieces = """##s ##es ##ed ##ing ##ly ##er ##ers ##al ##ic ##ity ##tion ##ness ##ment ##ous ##ive ##glob ##in ##bin
    ##ia ##itis ##oma ##emia ##ology ##ist hemo ##glo ##cardi cardi ##ac ##pulmon ##ary ##graph ##gram ##scopy
    ##ed ##able ##un ##pre ##post ##super ##cali ##fragil ##istic super""".split()
    for p in pieces:
        if p not in tokens:
            tokens.append(p)
    seen, unique = set(), []
    for t in tokens:
        if t not in seen:
            seen.add(t)
            unique.append(t)
    return unique


SENTENCES = [
    "The patient was admitted with chest pain.",
    "Hemoglobin 12.5 g/dL; WBC 11,200/mm3.",
    "No acute findings. Lungs are clear!",
    "Left lower lobe opacity, compared with prior (2019-03-04).",
    "Café, résumé and naïve: accents are stripped.",
    "ÉCOLE NORMALE supérieure",
    "Ångström units and Øresund bridge",
    "中国医院 hospital 病人",
    "日本の病院",
    "supercalifragilistic",
    "supercalifragilisticexpialidocious is unknown",
    "x" * 101,
    "x" * 100,
    "Hello,world!!",
    "e-mail: test@example.com",
    "COVID-19 pneumonia, day 3",
    "BP 120/80 mmHg, HR 72 bpm, temp 38.5°C",
    "tabs\tand\nnew\r\nlines",
    "  leading and trailing spaces   ",
    "control\x00chars\x07removed\ufffdhere",
    "¿Qué pasa? ¡Nada!",
    "“quoted” and ‘single’ quotes",
    "em—dash and en–dash",
    "ellipsis… continues",
    "«guillemets» · middle dot",
    "$100 ^ `backtick` ~tilde~",
    "emoji 😀 is a symbol",
    "CT scan showed a 3 mm nodule",
    "MRI: no mass.",
    "The Patient The patient the PATIENT",
    "biopsy: malignant tumour (melanoma)",
    "cardiology cardiac pulmonary",
    "chronic effusion since 2 weeks",
    "follow-up in 6 months",
    "fracture of the left 5th rib",
    "stable nodules, no new lesions",
    "12345678901234567890",
    "3.14159",
    "a b c d e f g h i j k l m n o p q r s t",
    "UPPER lower MiXeD",
    "don't won't can't",
    "sinus rhythm, rate 60-100",
    "ecg: normal",
    "",
    "   ",
    "Zürich Müller Straße",
    "naïve café crème brûlée",
    "p<0.05 & q>1",
    "[CLS] is just text here",
    "data model run label",
    "non\u00a0breaking\u2003spaces",
    "combining e\u0301 acute",
]


def main():
    vocab_tokens = make_vocab()
    vocab = {t: i for i, t in enumerate(vocab_tokens)}
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "wordpiece_vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab_tokens) + "\n")
    max_length = 16
    cases = []
    for text in SENTENCES:
        case = {"text": text}
        for name, lowercase in (("uncased", True), ("cased", False)):
            tokens = tokenize(text, vocab, lowercase)
            ids, mask = encode(tokens, vocab, max_length)
            case[name] = {"tokens": tokens, "ids": ids, "mask": mask}
        cases.append(case)
    with open(os.path.join(OUT, "wordpiece_cases.json"), "w", encoding="utf-8") as f:
        json.dump({"max_length": max_length, "cases": cases}, f, ensure_ascii=True, indent=1)
    print(f"{len(vocab_tokens)} vocab tokens, {len(cases)} sentences")


if __name__ == "__main__":
    main()
