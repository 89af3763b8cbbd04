using Medley.Data.Datasets;
using Medley.Data.Spec;
using Medley.Data.Text;
using Medley.Models.Encoders.Modality;
using Medley.Torch;
using Medley.Torch.Models;
using Medley.Torch.Serialization;

namespace Medley.Training.Tests;

/// <summary>`medley embed`: frozen encoders run once over a dataset, results cached and read back as an embedding modality.</summary>
public class EmbedCommandTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"medley-embed-{Guid.NewGuid():N}");
    private readonly string spec;

    public EmbedCommandTests()
    {
        Directory.CreateDirectory(dir);
        var data = Path.Combine(dir, "data");
        var (code, _, err) = CliRunner.Run("data", "synth", "--out", data, "--samples", "24", "--modalities", "image,labs,report", "--missing", "report=0.25");
        Assert.True(code == 0, err);
        spec = Path.Combine(data, "spec.yaml");
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A random tiny BERT in Hugging Face's names (with the "bert." prefix of task checkpoints).</summary>
    private string Bert(int vocab, string name = "bert.safetensors")
    {
        using var scope = DisposeScope.Enter();
        using var model = new BertModel(new BertConfig { VocabSize = vocab, Hidden = 16, Layers = 1, Heads = 2, Intermediate = 32, MaxPositions = 64 });
        var path = Path.Combine(dir, name);
        SafeTensors.Save(path, model.StateDict().ToDictionary(kv => "bert." + kv.Key, kv => kv.Value));
        return path;
    }

    private int VocabSize() => File.ReadAllLines(Path.Combine(dir, "data", "vocab.txt")).Count(l => l.Length > 0);

    [Fact]
    public void BertEmbeddingsAreWrittenReadBackAndCachedOnTheSecondRun()
    {
        var weights = Bert(VocabSize());
        var (code, stdout, err) = CliRunner.Run("embed", "--spec", spec, "--modality", "report", "--encoder", "bert", "--weights", weights, "--heads", "2", "--batch-size", "5");
        Assert.True(code == 0, err);
        Assert.Matches(@"embedded (\d+) samples \[16\] \(\1 computed, 0 from the cache, (\d+) without the modality\)", stdout);
        var file = Path.Combine(dir, "data", "report.bert.safetensors");
        var newSpec = Path.Combine(dir, "data", "spec.report-bert.yaml");
        Assert.True(File.Exists(file) && File.Exists(newSpec));
        var bytes = File.ReadAllBytes(file);

        using var scope = DisposeScope.Enter();
        var original = MultimodalDataset.Open(spec);
        original.Fit(Enumerable.Range(0, original.Count).ToList());
        var embedded = MultimodalDataset.Open(newSpec);
        embedded.Fit(Enumerable.Range(0, embedded.Count).ToList());
        Assert.Equal(ModalityKind.Embedding, embedded.Spec.Modalities.Single(m => m.Name == "report").Kind);
        Assert.Equal(ModalityKind.Image, embedded.Spec.Modalities.Single(m => m.Name == "image").Kind);

        // Every sample: present exactly where the text is, and the value is the frozen BERT's mean-pooled state.
        var text = (TextModalityReader)original.Reader("report");
        using var encoder = new BertTextEncoder(weights, "report", text.Tokenizer.VocabSize, 64, 16, "mean", heads: 2);
        var absent = 0;
        for (var row = 0; row < original.Count; row++)
        {
            using var t = text.Read(original.Row(row));
            using var e = embedded.Reader("report").Read(embedded.Row(row));
            Assert.Equal(t.Present, e.Present);
            if (!t.Present) { absent++; continue; }
            var expected = encoder.Forward(t.Value!.Unsqueeze(0), t.Mask!.Unsqueeze(0)).Squeeze(0);
            Assert.True(expected.AllClose(e.Value!, 1e-5, 1e-6), $"row {row}: the stored embedding differs from BERT's");
        }
        Assert.InRange(absent, 1, original.Count - 1);

        // The new spec passes `data check`; a second run reads everything from the cache and writes the same file.
        Assert.Equal(0, CliRunner.Run("data", "check", "--spec", newSpec).Code);
        (code, stdout, err) = CliRunner.Run("embed", "--spec", spec, "--modality", "report", "--encoder", "bert", "--weights", weights, "--heads", "2");
        Assert.True(code == 0, err);
        Assert.Matches(@"embedded (\d+) samples \[16\] \(0 computed, \1 from the cache", stdout);
        Assert.Equal(bytes, File.ReadAllBytes(file));

        // Other pooling is another cache key: computed again.
        (code, stdout, _) = CliRunner.Run("embed", "--spec", spec, "--modality", "report", "--encoder", "bert", "--weights", weights, "--heads", "2", "--pooling", "cls", "--out", Path.Combine(dir, "data", "cls.safetensors"));
        Assert.Equal(0, code);
        Assert.Matches(@"\((\d+) computed, 0 from the cache", stdout);
    }

    [Fact]
    public void ResNetEmbeddingsHaveTheBackbonesWidth()
    {
        var weights = Path.Combine(dir, "resnet18.safetensors");
        using (var scope = DisposeScope.Enter())
        using (var resnet = ResNet.ResNet18())
            SafeTensors.Save(weights, resnet.StateDict());
        var (code, stdout, err) = CliRunner.Run("embed", "--spec", spec, "--modality", "image", "--encoder", "resnet18", "--weights", weights, "--no-cache", "--out-spec", Path.Combine(dir, "data", "frozen.yaml"));
        Assert.True(code == 0, err);
        Assert.Contains("embedded 24 samples [512] (24 computed, 0 from the cache, 0 without the modality)", stdout);
        var header = SafeTensors.ReadHeader(Path.Combine(dir, "data", "image.resnet18.safetensors"));
        Assert.Equal(24, header.Count);
        Assert.All(header.Values, h => Assert.Equal(new long[] { 512 }, h.Shape));
        Assert.Equal(0, CliRunner.Run("data", "check", "--spec", Path.Combine(dir, "data", "frozen.yaml")).Code);
        Assert.False(Directory.Exists(Path.Combine(dir, "data", ".medley-embeddings")));
    }

    [Fact]
    public void UserErrorsAreOneLineMessages()
    {
        var weights = Bert(VocabSize());
        string Error(params string[] extra)
        {
            var (code, _, err) = CliRunner.Run(new[] { "embed", "--spec", spec }.Concat(extra).ToArray());
            Assert.Equal(1, code);
            Assert.StartsWith("medley: error:", err);
            return err;
        }
        Assert.Contains("'gpt2'", Error("--modality", "report", "--encoder", "gpt2", "--weights", weights));
        Assert.Contains("'notes'", Error("--modality", "notes", "--encoder", "bert", "--weights", weights));
        Assert.Contains("embeds text modalities", Error("--modality", "image", "--encoder", "bert", "--weights", weights));
        Assert.Contains("not found", Error("--modality", "report", "--encoder", "bert", "--weights", Path.Combine(dir, "none.safetensors")));
        var wrongVocab = Bert(50, "wrong.safetensors");
        var e = Error("--modality", "report", "--encoder", "bert", "--weights", wrongVocab, "--heads", "2");
        Assert.Contains("vocabulary of 50", e);
        Assert.Contains(wrongVocab, e);
        e = Error("--modality", "image", "--encoder", "resnet18", "--weights", weights);
        Assert.Contains(weights, e);
        Assert.Contains("missing keys", e);
        Assert.Contains("must be in the folder", Error("--modality", "report", "--encoder", "bert", "--weights", weights, "--heads", "2", "--out-spec", Path.Combine(dir, "elsewhere.yaml")));
    }
}
