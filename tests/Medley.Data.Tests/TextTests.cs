using System.Text.Json;
using Medley.Data.Datasets;
using Medley.Data.Problems;
using Medley.Data.Text;
using Medley.Torch;

namespace Medley.Data.Tests;

public class TextTests
{
    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>Expected outputs from Hugging Face's BertTokenizer (tests/reference/wordpiece_reference/make_fixture.mjs).</summary>
    private const string ReferenceFixture = "wordpiece_hf_cases.json";

    public static IEnumerable<object[]> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(FixturePath(ReferenceFixture)));
        var n = doc.RootElement.GetProperty("cases").GetArrayLength();
        return Enumerable.Range(0, n).Select(i => new object[] { i });
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesHuggingFaceBertTokenizer(int index)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(FixturePath(ReferenceFixture)));
        var maxLength = doc.RootElement.GetProperty("max_length").GetInt32();
        var c = doc.RootElement.GetProperty("cases")[index];
        var text = c.GetProperty("text").GetString()!;
        foreach (var (name, lowercase) in new[] { ("uncased", true), ("cased", false) })
        {
            var expected = c.GetProperty(name);
            var tokenizer = WordPieceTokenizer.FromFile(FixturePath("wordpiece_vocab.txt"), lowercase);
            Assert.Equal(expected.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!), tokenizer.Tokenize(text));
            var fullIds = expected.GetProperty("full_ids").EnumerateArray().Select(t => t.GetInt64()).ToArray();
            var (untruncated, _) = tokenizer.Encode(text, fullIds.Length, out var count);
            Assert.Equal(fullIds, untruncated);
            Assert.Equal(fullIds.Length - 2, count);
            var (ids, mask) = tokenizer.Encode(text, maxLength, out _);
            Assert.Equal(expected.GetProperty("ids").EnumerateArray().Select(t => t.GetInt64()), ids);
            Assert.Equal(expected.GetProperty("mask").EnumerateArray().Select(t => t.GetInt64()), mask);
        }
    }

    [Fact]
    public void ReferenceFixtureCoversTheDivergenceCases()
    {
        var texts = Cases().Select(c => (int)c[0]).Select(i =>
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(FixturePath(ReferenceFixture)));
            return doc.RootElement.GetProperty("cases")[i].GetProperty("text").GetString()!;
        }).ToList();
        Assert.True(texts.Count >= 60);
        Assert.Contains(texts, t => t.Contains("[SEP]"));   // special tokens written in the text
        Assert.Contains(texts, t => t.Contains('Σ'));       // final sigma
        Assert.Contains(texts, t => t.Contains('İ'));       // dotted capital I
        Assert.Contains(texts, t => t.Length > 100);        // over-long word
    }

    [Fact]
    public void SupplementaryPlaneIdeographsAreIsolatedAsRustTokenizersDo()
    {
        // Hugging Face's Rust tokenizers (and Google's BERT) isolate every CJK ideograph, including those outside the
        // BMP; the JavaScript port tests UTF-16 units and misses them, so this case is kept out of the JS fixture.
        var tokenizer = WordPieceTokenizer.FromFile(FixturePath("wordpiece_vocab.txt"));
        Assert.Equal(new[] { "𠀀", "𠀀", "病" }, tokenizer.Tokenize("𠀀𠀀病"));
    }

    [Theory]
    [InlineData("ΟΔΟΣ", "οδος")]
    [InlineData("ΟΔΟΣ.", "οδος.")]
    [InlineData("ΟΣ'Σ", "οσ'ς")]
    [InlineData("Σ", "σ")]
    [InlineData("ΣΑ", "σα")]
    [InlineData("İ", "i\u0307")]
    [InlineData("ABC Ǆ", "abc ǆ")]
    public void FullLowercaseAppliesFinalSigmaAndDottedCapitalI(string input, string expected) =>
        Assert.Equal(System.Text.RegularExpressions.Regex.Unescape(expected), FullLowercase.ToLower(input));

    [Fact]
    public void SpecialTokensInTextAreKeptWholeOnlyWhenExactAndInTheVocab()
    {
        var tokenizer = new WordPieceTokenizer(new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "[", "]", "m", "##a", "##s", "##k" });
        // [MASK] is not in this vocab, so it is plain text; [SEP] is kept whole even between letters.
        Assert.Equal(new[] { "a", "[SEP]", "a", "[", "m", "##a", "##s", "##k", "]", "[", "[UNK]" },
            tokenizer.Tokenize("a[SEP]a [MASK] [sep"));
    }

    [Fact]
    public void VocabWithoutSpecialTokensIsRejected()
    {
        var e = Assert.Throws<DataException>(() => new WordPieceTokenizer(new[] { "[PAD]", "a" }));
        Assert.Contains("[UNK], [CLS], [SEP]", e.Message);
    }

    [Fact]
    public void TextModalityFromColumnAndFiles()
    {
        using var d = new TempDataset();
        File.Copy(FixturePath("wordpiece_vocab.txt"), d.PathOf("vocab.txt"));
        d.Write("samples.csv", "id,y,note,report\ns1,0,chest pain,r1.txt\ns2,1,,r2.txt\ns3,0,fever,\n");
        d.Write("reports/r1.txt", "No acute findings.");
        d.Write("spec.yaml", """
            manifest: samples.csv
            sample_id: id
            label: {task: binary, column: y, classes: [0, 1]}
            modalities:
              - {name: note, kind: text, column: note, vocab: vocab.txt, max_length: 6}
              - {name: report, kind: text, file_column: report, root: reports, vocab: vocab.txt, max_length: 8}
            """);
        var ds = MultimodalDataset.Open(d.PathOf("spec.yaml"));
        using var scope = DisposeScope.Enter();
        var note = ds.Reader("note");
        using var v = note.Read(ds.Row(0));
        var tok = ((TextModalityReader)note).Tokenizer;
        Assert.Equal(new long[] { tok.ClsId, tok.IdOf("chest"), tok.IdOf("pain"), tok.SepId, tok.PadId, tok.PadId }, v.Value!.ToArray<long>());
        Assert.Equal(new long[] { 1, 1, 1, 1, 0, 0 }, v.Mask!.ToArray<long>());
        Assert.False(note.Check(ds.Row(1)).Present);
        var report = ds.Reader("report");
        Assert.True(report.Check(ds.Row(0)).Present);
        var missing = report.Check(ds.Row(1));
        Assert.False(missing.Present);
        Assert.Equal((Severity.Warning, 3), (missing.Problems.Single().Severity, missing.Problems.Single().Line!.Value));
        Assert.False(report.Check(ds.Row(2)).Present);
        Assert.Contains("truncated", string.Join("\n", ((TextModalityReader)report).Summarize(ds.Rows)));
    }

    [Fact]
    public void TruncationKeepsClsAndSep()
    {
        var tokenizer = WordPieceTokenizer.FromFile(FixturePath("wordpiece_vocab.txt"));
        var (ids, mask) = tokenizer.Encode("the patient was admitted with chest pain", 4, out var count);
        Assert.Equal(7, count);
        Assert.Equal(new long[] { tokenizer.ClsId, tokenizer.IdOf("the"), tokenizer.IdOf("patient"), tokenizer.SepId }, ids);
        Assert.All(mask, m => Assert.Equal(1, m));
        Assert.Throws<ArgumentException>(() => tokenizer.Encode("x", 1, out _));
    }
}
