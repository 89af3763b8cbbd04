using System.Globalization;
using System.Text;

namespace Medley.Data.Text;

/// <summary>
/// BERT's basic tokenizer in Hugging Face's order (BertNormalizer, then BertPreTokenizer): drops NUL, U+FFFD and
/// control characters, maps whitespace to spaces, isolates CJK ideographs, and when uncased lower-cases the whole
/// text (full Unicode lower-casing) and strips accents (NFD, then drop non-spacing marks); then splits on whitespace
/// and splits off every punctuation character. Works on Unicode code points, as BERT does.
/// </summary>
public static class BasicTokenizer
{
    /// <summary>The words and punctuation characters of <paramref name="text"/>, before WordPiece.</summary>
    public static List<string> Tokenize(string text, bool lowercase)
    {
        var spaced = new StringBuilder(text.Length + 16);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == 0 || rune.Value == 0xFFFD || IsControl(rune)) continue;
            if (IsWhitespace(rune)) spaced.Append(' ');
            else if (IsCjk(rune.Value)) spaced.Append(' ').Append(rune.ToString()).Append(' ');
            else spaced.Append(rune.ToString());
        }
        var normalized = lowercase ? StripAccents(FullLowercase.ToLower(spaced.ToString())) : spaced.ToString();
        var result = new List<string>();
        foreach (var word in SplitWhitespace(normalized)) SplitPunctuation(word, result);
        // BERT re-splits the joined pieces on whitespace; pieces never contain spaces here, so drop empties only.
        result.RemoveAll(p => p.Length == 0);
        return result;
    }

    internal static bool IsWhitespace(Rune r) =>
        r.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(r) == UnicodeCategory.SpaceSeparator;

    internal static bool IsControl(Rune r)
    {
        if (r.Value is '\t' or '\n' or '\r') return false;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    internal static bool IsPunctuation(Rune r)
    {
        var cp = r.Value;
        // All non-alphanumeric ASCII counts as punctuation, including symbols such as $ ^ `.
        if (cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126) return true;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>The CJK Unified Ideographs blocks (not Hiragana/Katakana/Hangul, which BERT treats as letters).</summary>
    internal static bool IsCjk(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;

    private static IEnumerable<string> SplitWhitespace(string text)
    {
        var start = -1;
        var i = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                if (start >= 0) yield return text[start..i];
                start = -1;
            }
            else if (start < 0) start = i;
            i += rune.Utf16SequenceLength;
        }
        if (start >= 0) yield return text[start..];
    }

    private static string StripAccents(string word)
    {
        var decomposed = word.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark) sb.Append(rune.ToString());
        return sb.ToString();
    }

    private static void SplitPunctuation(string word, List<string> output)
    {
        var current = new StringBuilder();
        foreach (var rune in word.EnumerateRunes())
        {
            if (IsPunctuation(rune))
            {
                if (current.Length > 0) { output.Add(current.ToString()); current.Clear(); }
                output.Add(rune.ToString());
            }
            else current.Append(rune.ToString());
        }
        if (current.Length > 0) output.Add(current.ToString());
    }
}
