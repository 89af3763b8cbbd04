// Writes tests/Medley.Data.Tests/Fixtures/wordpiece_hf_cases.json: the expected BERT tokenization of the committed
// sentences (wordpiece_sentences.json) with the committed vocab (wordpiece_vocab.txt), computed by Hugging Face's
// own JavaScript tokenizer (BertTokenizer of @huggingface/transformers, which runs @huggingface/tokenizers).
//
// The tokenizer is built in memory from a tokenizer.json of the same shape as bert-base-(un)cased's on the Hub:
// BertNormalizer, BertPreTokenizer, WordPiece ("##", [UNK], 100 chars), TemplateProcessing [CLS] $A [SEP], and the
// five special tokens as non-normalized added tokens. Nothing is downloaded at run time.
//
// Run:  cd tests/reference/wordpiece_reference && npm ci --ignore-scripts && node make_fixture.mjs
// (--ignore-scripts: the onnxruntime/sharp install hooks are not needed for tokenization.)
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BertTokenizer } from "@huggingface/transformers";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "..", "..", "Medley.Data.Tests", "Fixtures");
const packageVersion = (name) => JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8")).version;

const vocabTokens = readFileSync(join(fixtures, "wordpiece_vocab.txt"), "utf8").split("\n").filter((l) => l.length > 0);
const vocab = Object.fromEntries(vocabTokens.map((t, i) => [t, i]));
const { max_length: maxLength, sentences } = JSON.parse(readFileSync(join(fixtures, "wordpiece_sentences.json"), "utf8"));

const specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

function tokenizerJson(lowercase) {
    return {
        version: "1.0",
        truncation: null,
        padding: null,
        added_tokens: specials.map((content) => ({
            id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
        })),
        normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase },
        pre_tokenizer: { type: "BertPreTokenizer" },
        post_processor: {
            type: "TemplateProcessing",
            single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
            pair: [
                { SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } },
                { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: "[SEP]", type_id: 1 } },
            ],
            special_tokens: Object.fromEntries(["[CLS]", "[SEP]"].map((t) => [t, { id: t, ids: [vocab[t]], tokens: [t] }])),
        },
        decoder: { type: "WordPiece", prefix: "##", cleanup: true },
        model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
    };
}

function tokenizerConfig(lowercase) {
    return {
        tokenizer_class: "BertTokenizer", do_lower_case: lowercase, model_max_length: 512,
        pad_token: "[PAD]", unk_token: "[UNK]", cls_token: "[CLS]", sep_token: "[SEP]", mask_token: "[MASK]",
    };
}

const tokenizers = {
    uncased: new BertTokenizer(tokenizerJson(true), tokenizerConfig(true)),
    cased: new BertTokenizer(tokenizerJson(false), tokenizerConfig(false)),
};

const cases = sentences.map((text) => {
    const entry = { text };
    for (const [name, tokenizer] of Object.entries(tokenizers)) {
        const tokens = tokenizer.tokenize(text);
        const fullIds = tokenizer.encode(text); // [CLS] ... [SEP], untruncated
        const out = { tokens, full_ids: fullIds };
        if (fullIds.length <= maxLength) {
            const padded = tokenizer(text, { padding: "max_length", truncation: true, max_length: maxLength, return_tensor: false });
            out.ids = padded.input_ids;
            out.mask = padded.attention_mask;
        } else {
            // transformers.js truncates after adding [CLS]/[SEP] and so cuts off [SEP]; Python transformers (and
            // Rust tokenizers) truncate the sequence first and then add both. Medley follows Python: the last
            // max_length-2 word pieces are dropped and [SEP] stays. We record that explicitly from the HF full ids.
            out.ids = [...fullIds.slice(0, maxLength - 1), vocab["[SEP]"]];
            out.mask = new Array(maxLength).fill(1);
            out.truncated = true;
        }
        entry[name] = out;
    }
    return entry;
});

const fixture = {
    generator: "tests/reference/wordpiece_reference/make_fixture.mjs",
    reference: `@huggingface/transformers ${packageVersion("@huggingface/transformers")} BertTokenizer ` +
        `(@huggingface/tokenizers ${packageVersion("@huggingface/tokenizers")})`,
    max_length: maxLength,
    cases,
};
// ASCII-only JSON (\u escapes) so the fixture survives any editor or diff tool unchanged.
const json = JSON.stringify(fixture, null, 1).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
writeFileSync(join(fixtures, "wordpiece_hf_cases.json"), json + "\n");
console.log(`${cases.length} sentences, ${vocabTokens.length} vocab tokens -> wordpiece_hf_cases.json (${fixture.reference})`);
