using System.Globalization;
using System.Text;

namespace Medley.Data.Text;

/// <summary>
/// Unicode full lower-casing as Python's str.lower, Rust's to_lowercase and JavaScript's toLowerCase do it (and so
/// every Hugging Face BERT tokenizer): the simple per-character mapping plus the two language-independent special
/// cases .NET's ToLowerInvariant lacks — İ (U+0130) becomes "i̇" (i + combining dot, which accent stripping then
/// removes), and Σ becomes final ς at the end of a word (Unicode's Final_Sigma condition).
/// </summary>
public static class FullLowercase
{
    private const int CapitalSigma = 0x03A3;

    public static string ToLower(string text)
    {
        var runes = text.EnumerateRunes().ToArray();
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < runes.Length; i++)
        {
            var r = runes[i];
            if (r.Value == 0x0130) sb.Append("i\u0307");
            else if (r.Value == CapitalSigma) sb.Append(IsFinalSigma(runes, i) ? 'ς' : 'σ');
            else sb.Append(Rune.ToLowerInvariant(r).ToString());
        }
        return sb.ToString();
    }

    /// <summary>Preceded by a cased letter (skipping case-ignorables) and not followed by one (likewise).</summary>
    private static bool IsFinalSigma(Rune[] runes, int at)
    {
        var before = at - 1;
        while (before >= 0 && IsCaseIgnorable(runes[before])) before--;
        if (before < 0 || !IsCased(runes[before])) return false;
        var after = at + 1;
        while (after < runes.Length && IsCaseIgnorable(runes[after])) after++;
        return after == runes.Length || !IsCased(runes[after]);
    }

    private static bool IsCased(Rune r) =>
        Rune.GetUnicodeCategory(r) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    /// <summary>Unicode's Case_Ignorable: marks, format characters, modifiers, and the word-internal punctuation.</summary>
    private static bool IsCaseIgnorable(Rune r)
    {
        // Word_Break MidLetter, MidNumLet and Single_Quote (apostrophes, full stops, colons and their variants).
        if (r.Value is 0x27 or 0x2E or 0x3A or 0xB7 or 0x387 or 0x55F or 0x5F4 or 0x2018 or 0x2019 or 0x2024 or 0x2027
            or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A) return true;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
    }
}
