#!/usr/bin/env python3
"""Writes the WordPiece test inputs for Medley.Data.Tests: a small vocab (wordpiece_vocab.txt) and the sentences
(wordpiece_sentences.json) whose expected BERT tokenization is then computed by Hugging Face's own tokenizer in
tests/reference/wordpiece_reference/make_fixture.mjs (-> wordpiece_hf_cases.json).

The sentences cover BERT's basic tokenizer (control characters, whitespace kinds, CJK ideographs, accents,
punctuation and ASCII symbols), WordPiece (greedy longest match, "##" pieces, [UNK] for unmatched or over-long
words), truncation, and the places where BERT implementations are known to diverge (special tokens written in the
text, Greek final sigma, dotted capital I, NFD-only accent stripping).
Run: /usr/bin/python3 tests/reference/make_wordpiece_fixtures.py, then the node script.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Medley.Data.Tests", "Fixtures")


# ---- fixture data ------------------------------------------------------------------------------------------
def make_vocab():
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokens += list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
    tokens += ["¿", "¡", "—", "–", "“", "”", "‘", "’", "…", "«", "»", "·", "°"]
    tokens += [chr(c) for c in range(ord("a"), ord("z") + 1)]
    tokens += ["##" + chr(c) for c in range(ord("a"), ord("z") + 1)]
    tokens += [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    tokens += [str(d) for d in range(10)] + ["##" + str(d) for d in range(10)]
    tokens += ["中", "国", "医", "院", "病", "人", "日", "本", "𠀀"]
    tokens += ["οδος", "ος", "##ος", "##ς", "##σ", "ο", "##δ", "##ο", "σ", "ß", "##ß", "ǆ", "##ǆ", "ǅ", "##ǅ"]
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
    # Cases chosen where BERT implementations are known to diverge (Hugging Face is the reference).
    "a[SEP]b and [MASK]ed [UNK] tokens",
    "[cls] lower-case brackets are plain text",
    "ΟΔΟΣ οδος Οδος",
    "ΣΟΣ. ΟΣ'Σ Σ",
    "İstanbul KAYIT",
    "STRAẞE Straße",
    "\ufeffbyte order mark",
    "soft\u00adhyphen zero\u200bwidth join\u200der",
    "line\u2028separator and para\u2029graph",
    "fullwidth ＡＢＣ １２３ ligature ﬁne",
    "hangul 한국 kana カタカナ ひらがな",
    "\u0301 leading combining mark",
    "ǅungla ǆ titlecase",
    "ellipsis...and---dashes",
    "he said: «no»",
    "rare 𠀀病 ideograph",
]


def main():
    vocab_tokens = make_vocab()
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "wordpiece_vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab_tokens) + "\n")
    with open(os.path.join(OUT, "wordpiece_sentences.json"), "w", encoding="utf-8") as f:
        json.dump({"max_length": 16, "sentences": SENTENCES}, f, ensure_ascii=True, indent=1)
        f.write("\n")
    print(f"{len(vocab_tokens)} vocab tokens, {len(SENTENCES)} sentences")


if __name__ == "__main__":
    main()
