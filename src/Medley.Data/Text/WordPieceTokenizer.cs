using System.Text;
using Medley.Data.Problems;

namespace Medley.Data.Text;

/// <summary>
/// BERT-compatible WordPiece, matching Hugging Face's BertTokenizer: special tokens written in the text ([CLS],
/// [SEP], [PAD], [UNK], [MASK], exact case) are kept whole, as Hugging Face's added tokens are; the text between them
/// goes through <see cref="BasicTokenizer"/>, then greedy longest-match-first sub-words with "##" continuations;
/// [UNK] for a word longer than 100 code points or with a piece not in the vocab. Thread-safe.
/// </summary>
public sealed class WordPieceTokenizer
{
    public const int MaxWordChars = 100;
    public static readonly string[] SpecialTokens = { "[PAD]", "[UNK]", "[CLS]", "[SEP]" };

    /// <summary>Tokens recognised verbatim in raw text (Hugging Face's non-normalized special added tokens).</summary>
    private static readonly string[] NeverSplit = { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };

    private readonly Dictionary<string, int> _vocab;
    private readonly string[] _neverSplit;

    public bool Lowercase { get; }
    public int PadId { get; }
    public int UnkId { get; }
    public int ClsId { get; }
    public int SepId { get; }
    public int VocabSize => _vocab.Count;

    public WordPieceTokenizer(IReadOnlyList<string> vocab, bool lowercase = true, string source = "vocab")
    {
        _vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < vocab.Count; i++) _vocab.TryAdd(vocab[i], i);
        var missing = SpecialTokens.Where(t => !_vocab.ContainsKey(t)).ToList();
        if (missing.Count > 0)
            throw new DataException(DataProblem.Error(source, null, null, $"the vocab lacks the special token(s) {string.Join(", ", missing)}"));
        Lowercase = lowercase;
        _neverSplit = NeverSplit.Where(_vocab.ContainsKey).ToArray();
        (PadId, UnkId, ClsId, SepId) = (_vocab["[PAD]"], _vocab["[UNK]"], _vocab["[CLS]"], _vocab["[SEP]"]);
    }

    /// <summary>Reads a vocab file (one token per line, the line number is its id), as BERT's vocab.txt.</summary>
    public static WordPieceTokenizer FromFile(string path, bool lowercase = true)
    {
        if (!File.Exists(path)) throw new DataException(DataProblem.Error(path, null, null, "vocab file not found"));
        var lines = File.ReadAllText(path, Encoding.UTF8).Split('\n').Select(l => l.TrimEnd('\r').Trim()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return new WordPieceTokenizer(lines, lowercase, path);
    }

    public int IdOf(string token) => _vocab.TryGetValue(token, out var id) ? id : UnkId;

    public List<string> Tokenize(string text)
    {
        var result = new List<string>();
        var sectionStart = 0;
        for (var i = 0; i < text.Length;)
        {
            var special = SpecialTokenAt(text, i);
            if (special == null) { i++; continue; }
            TokenizeSection(text[sectionStart..i], result);
            result.Add(special);
            i += special.Length;
            sectionStart = i;
        }
        TokenizeSection(text[sectionStart..], result);
        return result;
    }

    /// <summary>The longest special token starting at <paramref name="index"/>, or null.</summary>
    private string? SpecialTokenAt(string text, int index)
    {
        if (text[index] != '[') return null;
        string? best = null;
        foreach (var token in _neverSplit)
            if ((best == null || token.Length > best.Length) && string.CompareOrdinal(text, index, token, 0, token.Length) == 0)
                best = token;
        return best;
    }

    private void TokenizeSection(string section, List<string> output)
    {
        if (section.Length == 0) return;
        foreach (var word in BasicTokenizer.Tokenize(section, Lowercase)) SplitWord(word, output);
    }

    private void SplitWord(string word, List<string> output)
    {
        var runes = word.EnumerateRunes().Select(r => r.ToString()).ToArray();
        if (runes.Length > MaxWordChars) { output.Add("[UNK]"); return; }
        var pieces = new List<string>();
        var start = 0;
        while (start < runes.Length)
        {
            string? found = null;
            var end = runes.Length;
            for (; end > start; end--)
            {
                var candidate = (start > 0 ? "##" : "") + string.Concat(runes[start..end]);
                if (_vocab.ContainsKey(candidate)) { found = candidate; break; }
            }
            if (found == null) { output.Add("[UNK]"); return; }
            pieces.Add(found);
            start = end;
        }
        output.AddRange(pieces);
    }

    /// <summary>
    /// [CLS] tokens [SEP], truncated to <paramref name="maxLength"/> and padded with [PAD]; mask 1 on real tokens.
    /// <paramref name="tokenCount"/> is the number of word pieces before truncation.
    /// </summary>
    public (long[] Ids, long[] Mask) Encode(string text, int maxLength, out int tokenCount)
    {
        if (maxLength < 2) throw new ArgumentException($"max_length must be at least 2 (room for [CLS] and [SEP]), not {maxLength}");
        var tokens = Tokenize(text);
        tokenCount = tokens.Count;
        var ids = new long[maxLength];
        var mask = new long[maxLength];
        Array.Fill(ids, PadId);
        var body = Math.Min(tokens.Count, maxLength - 2);
        ids[0] = ClsId;
        for (var i = 0; i < body; i++) ids[i + 1] = IdOf(tokens[i]);
        ids[body + 1] = SepId;
        for (var i = 0; i < body + 2; i++) mask[i] = 1;
        return (ids, mask);
    }
}
