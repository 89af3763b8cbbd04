using Medley.Torch.Models;
using Medley.Torch.Serialization;

namespace Medley.Torch.Tests;

/// <summary>
/// BertModel against Hugging Face's BERT forward (written out in plain PyTorch by
/// tests/reference/make_encoders_fixtures.py, tiny random config: vocab 50, hidden 32, 2 layers, 4 heads).
/// </summary>
public class BertTests
{
    /// <summary>Writes the fixture's checkpoint (optionally under a prefix, optionally with a config.json) to a temp folder.</summary>
    internal static string WriteCheckpoint(Fixture fx, string prefix = "", string? configJson = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"medley-bert-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var weights = fx.WithPrefix("sd.").ToDictionary(kv => prefix + kv.Key, kv => kv.Value);
        var path = Path.Combine(dir, "model.safetensors");
        SafeTensors.Save(path, weights);
        if (configJson != null) File.WriteAllText(Path.Combine(dir, "config.json"), configJson);
        return path;
    }

    private static void Cleanup(string path) => Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);

    [Theory]
    [InlineData("", null)]
    [InlineData("bert.", """{"num_attention_heads": 4, "layer_norm_eps": 1e-12, "hidden_act": "gelu"}""")]
    public void LoadsAHuggingFaceCheckpointAndMatchesItsOutputs(string prefix, string? configJson)
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("encoders_bert_tiny");
        var path = WriteCheckpoint(fx, prefix, configJson);
        try
        {
            // Without config.json the head count must be given (hidden 32 is not a multiple of 64).
            using var bert = BertCheckpoint.Load(path, heads: configJson == null ? 4 : null);
            Assert.Equal(new BertConfig { VocabSize = 50, Hidden = 32, Layers = 2, Heads = 4, Intermediate = 64, MaxPositions = 16, TypeVocab = 2, AddPooler = true }, bert.Config);
            Assert.False(bert.Training);
            using (Engine.NoGrad())
            {
                var (last, pooled) = bert.Forward(fx["input_ids"], fx["attention_mask"]);
                // Rows 0 (padded) and 1 (full) match; row 2 (all padding) attends uniformly, as Hugging Face does.
                AssertClose.Equal(fx["last_hidden"], last, rtol: 1e-4, atol: 1e-4, what: "last hidden state");
                AssertClose.Equal(fx["pooled"], pooled!, rtol: 1e-4, atol: 1e-4, what: "pooled");
                var (typed, _) = bert.Forward(fx["input_ids"], fx["attention_mask"], fx["token_type_ids"]);
                AssertClose.Equal(fx["last_hidden_types"], typed, rtol: 1e-4, atol: 1e-4, what: "with token types");
            }
        }
        finally
        {
            Cleanup(path);
        }
    }

    [Fact]
    public void PaddingDoesNotChangeTheAttendedTokens()
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("encoders_bert_tiny");
        var path = WriteCheckpoint(fx);
        try
        {
            using var bert = BertCheckpoint.Load(path, heads: 4, addPooler: false);
            Assert.False(bert.Config.AddPooler);
            using (Engine.NoGrad())
            {
                // Row 0 has 6 real tokens: the same tokens alone give the same states.
                var ids = fx["input_ids"].Narrow(0, 0, 1);
                var (full, pooled) = bert.Forward(ids, fx["attention_mask"].Narrow(0, 0, 1));
                Assert.Null(pooled);
                var (alone, _) = bert.Forward(ids.Narrow(1, 0, 6));
                AssertClose.Equal(alone, full.Narrow(1, 0, 6), rtol: 1e-4, atol: 1e-5, what: "attended tokens");
            }
        }
        finally
        {
            Cleanup(path);
        }
    }

    [Fact]
    public void BadCheckpointsAndInputsGiveClearErrors()
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("encoders_bert_tiny");
        var dir = Path.Combine(Path.GetTempPath(), $"medley-bert-bad-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            // Not a BERT at all.
            var other = Path.Combine(dir, "other.safetensors");
            SafeTensors.Save(other, new Dictionary<string, Tensor> { ["conv1.weight"] = Tensor.Zeros(2, 3) });
            var e = Assert.Throws<ArgumentException>(() => BertCheckpoint.Load(other, heads: 4));
            Assert.Contains(other, e.Message);
            Assert.Contains("embeddings.word_embeddings.weight", e.Message);

            // A layer tensor missing: the error names the file and the key.
            var partial = Path.Combine(dir, "partial.safetensors");
            SafeTensors.Save(partial, fx.WithPrefix("sd.").Where(kv => kv.Key != "encoder.layer.1.output.dense.bias").ToDictionary());
            e = Assert.Throws<ArgumentException>(() => BertCheckpoint.Load(partial, heads: 4));
            Assert.Contains(partial, e.Message);
            Assert.Contains("encoder.layer.1.output.dense.bias", e.Message);

            // Not a safetensors file; no file; heads that do not divide the width; no head count to infer.
            var text = Path.Combine(dir, "notes.safetensors");
            File.WriteAllText(text, "hello");
            Assert.Contains(text, Assert.Throws<ArgumentException>(() => BertCheckpoint.Load(text, heads: 4)).Message);
            Assert.Throws<FileNotFoundException>(() => BertCheckpoint.Load(Path.Combine(dir, "none.safetensors")));
            var good = Path.Combine(dir, "model.safetensors");
            SafeTensors.Save(good, fx.WithPrefix("sd."));
            Assert.Contains("divisible", Assert.Throws<ArgumentException>(() => BertCheckpoint.Load(good, heads: 5)).Message);
            Assert.Contains("multiple of 64", Assert.Throws<ArgumentException>(() => BertCheckpoint.Load(good)).Message);

            using var bert = BertCheckpoint.Load(good, heads: 4);
            Assert.Contains("positions", Assert.Throws<ArgumentException>(() => bert.Forward(Tensor.Zeros(new long[] { 1, 17 }, DType.Int64))).Message);
            Assert.Contains("mask", Assert.Throws<ArgumentException>(() => bert.Forward(Tensor.Zeros(new long[] { 1, 4 }, DType.Int64), Tensor.Ones(1, 5))).Message);
            Assert.Throws<ArgumentException>(() => bert.Forward(Tensor.Zeros(new long[] { 4 }, DType.Int64)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
