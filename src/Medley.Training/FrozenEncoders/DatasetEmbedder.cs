using Medley.Data.Datasets;
using Medley.Data.Embeddings;
using Medley.Data.Spec;
using Medley.Data.Splits;
using Medley.Data.Text;
using Medley.Models.Encoders.Modality;
using Medley.Torch;
using Medley.Torch.Models;
using Medley.Torch.Serialization;

namespace Medley.Training.FrozenEncoders;

/// <summary>What `medley embed` computes: one modality of a dataset through one frozen pretrained encoder.</summary>
public sealed record EmbedRequest(string SpecPath, string Modality, string Encoder, string Weights)
{
    /// <summary>text (bert): mean of the attended tokens' states, or the [CLS] state.</summary>
    public string Pooling { get; init; } = "mean";
    /// <summary>bert: attention heads; null = config.json beside the weights, else hidden / 64.</summary>
    public int? Heads { get; init; }
    /// <summary>The whole-dataset safetensors file; null = beside the spec, "&lt;modality&gt;.&lt;encoder&gt;.safetensors".</summary>
    public string? OutFile { get; init; }
    /// <summary>The new spec; null = beside the spec, "&lt;stem&gt;.&lt;modality&gt;-&lt;encoder&gt;.yaml". Must sit beside it.</summary>
    public string? OutSpec { get; init; }
    /// <summary>Embedding cache root; null = no cache.</summary>
    public string? CacheDir { get; init; }
    /// <summary>A split file: preprocessing (e.g. image normalisation) is fitted on its first split's training part.</summary>
    public string? SplitPath { get; init; }
    public int BatchSize { get; init; } = 32;
}

/// <summary>What was written and how much work it took.</summary>
public sealed record EmbedResult(string OutFile, string OutSpec, int Samples, int Absent, long FromCache, long Computed, long[] Shape);

/// <summary>
/// Runs a frozen encoder over every sample of one modality and writes a whole-dataset embedding file keyed by
/// sample id plus a spec in which that modality is `kind: embedding` — so training reads the frozen encoder's output
/// instead of recomputing it every epoch. Results are stored in an <see cref="EmbeddingCache"/> keyed by the
/// weights' hash and the modality's preprocessing, so a second run (or another spec over the same data) only reads.
/// </summary>
public static class DatasetEmbedder
{
    public static readonly IReadOnlyList<string> Encoders = new[] { "bert", "resnet18", "resnet34", "resnet50" };

    public static EmbedResult Run(EmbedRequest r)
    {
        if (!Encoders.Contains(r.Encoder))
            throw new ArgumentException($"--encoder must be one of {string.Join(", ", Encoders)}, not '{r.Encoder}'.");
        if (r.BatchSize <= 0) throw new ArgumentException($"--batch-size must be positive, got {r.BatchSize}.");
        if (!File.Exists(r.Weights)) throw new FileNotFoundException($"--weights: file not found: {r.Weights}", r.Weights);
        var dataset = MultimodalDataset.Open(r.SpecPath);
        var spec = dataset.Spec;
        var modality = spec.Modalities.FirstOrDefault(m => m.Name == r.Modality)
            ?? throw new ArgumentException($"--modality: the spec {spec.SpecPath} has no modality '{r.Modality}' (it has: {string.Join(", ", spec.Modalities.Select(m => m.Name))}).");
        var wanted = r.Encoder == "bert" ? ModalityKind.Text : ModalityKind.Image;
        if (modality.Kind != wanted)
            throw new ArgumentException($"--encoder {r.Encoder} embeds {wanted.Name()} modalities; '{r.Modality}' is {modality.Kind.Name()}.");

        var outFile = Path.GetFullPath(r.OutFile ?? Path.Combine(spec.Directory, $"{r.Modality}.{r.Encoder}.safetensors"));
        var outSpec = Path.GetFullPath(r.OutSpec ?? Path.Combine(spec.Directory,
            $"{Path.GetFileNameWithoutExtension(spec.SpecPath)}.{r.Modality}-{r.Encoder}.yaml"));
        if (!string.Equals(Path.GetDirectoryName(outSpec), spec.Directory, StringComparison.Ordinal))
            throw new ArgumentException($"--out-spec must be in the folder of {spec.SpecPath} (its relative paths stay valid only there), not {outSpec}.");
        if (string.Equals(outSpec, Path.GetFullPath(spec.SpecPath), StringComparison.Ordinal))
            throw new ArgumentException("--out-spec must differ from the input spec.");

        var rows = r.SplitPath == null ? Enumerable.Range(0, dataset.Count).ToArray() : SplitFile.Load(r.SplitPath).Resolve(dataset)[0].Train;
        dataset.Fit(rows);
        var reader = dataset.Reader(r.Modality);

        using var scope = DisposeScope.Enter();
        using var encoder = BuildEncoder(r, reader);
        encoder.Freeze();
        encoder.Eval();

        var specYaml = SpecRewriter.ModalityYaml(spec.SpecPath, r.Modality);
        var preprocessing = dataset.SavePreprocessing().TryGetValue(r.Modality, out var state) ? state : "";
        var vocab = reader is TextModalityReader ? VocabHash(spec, modality) : "";
        var encoderId = EmbeddingCacheKey.EncoderIdOf($"{r.Encoder}:pooling={(r.Encoder == "bert" ? r.Pooling : "avg")}:heads={r.Heads}", r.Weights);
        var key = new EmbeddingCacheKey(encoderId, EmbeddingCacheKey.HashText($"{specYaml}\n{preprocessing}\n{vocab}"));
        using var cache = r.CacheDir != null ? EmbeddingCache.Open(r.CacheDir, key) : null;

        var embeddings = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var absent = 0;
        long fromCache = 0, computed = 0;
        for (var first = 0; first < dataset.Count; first += r.BatchSize)
        {
            // One scope per batch: decoded inputs die with it, the embeddings move out to the run's scope.
            using var batchScope = DisposeScope.Enter();
            var pending = new List<(string Id, Tensor Value, Tensor? Mask)>();
            foreach (var row in Enumerable.Range(first, Math.Min(r.BatchSize, dataset.Count - first)))
            {
                var id = dataset.Row(row).SampleId;
                if (cache != null && cache.TryGet(id, out var hit))
                {
                    embeddings[id] = batchScope.Keep(hit!);
                    fromCache++;
                    continue;
                }
                var value = reader.Read(dataset.Row(row));
                if (value.Present && value.Value != null) pending.Add((id, value.Value, value.Mask));
                else absent++;
            }
            if (pending.Count == 0) continue;
            Tensor features;
            using (Engine.NoGrad())
            {
                var x = Tensor.Stack(pending.Select(p => p.Value).ToArray());
                var mask = pending[0].Mask != null ? Tensor.Stack(pending.Select(p => p.Mask!).ToArray()) : null;
                features = encoder.Forward(x, mask).To(DType.Float32);
            }
            for (var i = 0; i < pending.Count; i++)
            {
                var v = features.Select(0, i).Contiguous();
                embeddings[pending[i].Id] = batchScope.Keep(cache != null ? cache.Put(pending[i].Id, v) : v);
            }
            computed += pending.Count;
        }
        if (embeddings.Count == 0) throw new ArgumentException($"modality '{r.Modality}': no sample has it, so there is nothing to embed.");

        Directory.CreateDirectory(Path.GetDirectoryName(outFile)!);
        SafeTensors.Save(outFile, embeddings, new Dictionary<string, string>
        {
            ["medley.encoder"] = key.EncoderId,
            ["medley.modality"] = r.Modality,
            ["medley.preprocessing"] = key.PreprocessingHash,
        });
        SpecRewriter.WriteWithEmbedding(spec.SpecPath, outSpec, r.Modality, Path.GetRelativePath(spec.Directory, outFile));
        return new EmbedResult(outFile, outSpec, embeddings.Count, absent, fromCache, computed, embeddings.Values.First().Shape);
    }

    private static ModalityEncoder BuildEncoder(EmbedRequest r, Data.Readers.IModalityReader reader)
    {
        if (r.Encoder == "bert")
        {
            var text = (TextModalityReader)reader;
            var hidden = BertCheckpoint.ReadConfig(r.Weights, r.Heads).Hidden;
            // BERT's own width: no projection, so the file holds BERT's feature itself.
            return new BertTextEncoder(r.Weights, r.Modality, text.Tokenizer.VocabSize, reader.ItemShape![0], hidden, r.Pooling, r.Heads);
        }
        var channels = reader.ItemShape is { Length: 3 } shape ? (int)shape[0] : 3;
        var width = r.Encoder == "resnet50" ? 2048 : 512;
        var image = new ImageModalityEncoder(r.Encoder, channels, width);
        try
        {
            image.LoadPretrained(r.Weights);
        }
        catch
        {
            image.Dispose();
            throw;
        }
        return image;
    }

    private static string VocabHash(DatasetSpec spec, ModalitySpec modality)
    {
        var vocab = modality.Options.String("vocab");
        var path = vocab == null ? null : spec.Resolve(vocab);
        return path != null && File.Exists(path) ? EmbeddingCacheKey.HashFile(path) : "";
    }
}
