using Medley.Data.Batching;
using Medley.Data.Datasets;
using Medley.Data.Tabular;
using Medley.Torch;

namespace Medley.Training.Experiments;

/// <summary>What an evaluation-time corruption does to the test inputs (METHODS.md §1.11 robustness).</summary>
public enum CorruptionKind
{
    /// <summary>Gaussian noise added to each test image; std = level × that image's value range (max − min of its model input).</summary>
    ImageNoise,
    /// <summary>Each lab entry (one raw column of one sample) is set missing with probability = level, then imputed as the preprocessing does.</summary>
    LabMask,
}

/// <summary>
/// A seeded corruption of test inputs. The random draws depend only on (seed, level, sample id), never on batch size
/// or order, so every fold and method sees the same corruption of the same sample.
/// </summary>
public sealed record TestCorruption(CorruptionKind Kind, double Level, int Seed = 0)
{
    /// <summary>A 64-bit generator seed from the corruption's seed, its level and a sample id (FNV-1a; stable across processes).</summary>
    public ulong SampleSeed(string sampleId)
    {
        var h = 14695981039346656037UL;
        void Mix(ulong v)
        {
            for (var i = 0; i < 8; i++) { h ^= (v >> (8 * i)) & 0xFF; h *= 1099511628211UL; }
        }
        Mix((ulong)(uint)Seed);
        Mix((ulong)BitConverter.DoubleToInt64Bits(Level));
        Mix((ulong)Kind);
        foreach (var c in sampleId) Mix(c);
        return h;
    }

    /// <summary>Wraps a test batch source so each batch comes out corrupted (level 0 passes batches through untouched).</summary>
    public IBatchSource Apply(IBatchSource test, InputBinding binding, MultimodalDataset dataset)
    {
        if (Level < 0 || Level > 1) throw new ArgumentException($"corruption level must be in [0, 1] (got {Level}).");
        return Kind switch
        {
            CorruptionKind.ImageNoise => new CorruptedSource(test, this, binding.Map.TryGetValue("image", out var image)
                ? image : throw new ArgumentException("the image-noise sweep needs a model with an image input (this method has none).")),
            CorruptionKind.LabMask => new CorruptedSource(test, this, binding.Map.TryGetValue("labs", out var labs)
                ? labs : throw new ArgumentException("the lab-mask sweep needs a model with a lab input (this method has none)."),
                LabMasker.For(dataset, binding.Map["labs"])),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
        };
    }

    private sealed class CorruptedSource(IBatchSource inner, TestCorruption corruption, string modality, LabMasker? masker = null) : IBatchSource
    {
        public int BatchCount => inner.BatchCount;

        public IEnumerable<ModalityBatch> Epoch(int epoch)
        {
            foreach (var batch in inner.Epoch(epoch))
            {
                if (corruption.Level == 0 || !batch.Inputs.TryGetValue(modality, out var clean))
                {
                    yield return batch;
                    continue;
                }
                var corrupted = corruption.Kind == CorruptionKind.ImageNoise ? AddNoise(clean, batch.SampleIds) : masker!.Mask(clean, batch.SampleIds, Present(batch), corruption);
                var inputs = batch.Inputs.ToDictionary(kv => kv.Key, kv => kv.Key == modality ? corrupted : kv.Value.Clone().DetachFromScope());
                var copy = new ModalityBatch(batch.SampleIds, batch.Indices, inputs,
                    batch.Present.ToDictionary(kv => kv.Key, kv => kv.Value.Clone().DetachFromScope()),
                    batch.Masks.ToDictionary(kv => kv.Key, kv => kv.Value.Clone().DetachFromScope()),
                    batch.Labels.Clone().DetachFromScope());
                batch.Dispose();
                yield return copy;
            }
        }

        private bool[] Present(ModalityBatch batch) =>
            batch.Present.TryGetValue(modality, out var p) ? p.To(DType.Int64).ToArray<long>().Select(v => v != 0).ToArray() : Enumerable.Repeat(true, batch.Size).ToArray();

        private Tensor AddNoise(Tensor images, IReadOnlyList<string> ids)
        {
            using var scope = DisposeScope.Enter();
            var shape = images.Shape;
            var values = images.To(DType.Float32).Contiguous().ToArray<float>();
            var per = values.Length / shape[0];
            for (var b = 0; b < shape[0]; b++)
            {
                var span = values.AsSpan(b * (int)per, (int)per);
                float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
                foreach (var v in span) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
                var std = corruption.Level * (hi - lo);
                var rng = new Random(unchecked((int)(corruption.SampleSeed(ids[b]) ^ (corruption.SampleSeed(ids[b]) >> 32))));
                for (var i = 0; i < span.Length; i += 2)
                {
                    // Box–Muller: two independent standard normals per pair of uniforms.
                    var u1 = 1.0 - rng.NextDouble();
                    var u2 = rng.NextDouble();
                    var r = Math.Sqrt(-2 * Math.Log(u1));
                    span[i] += (float)(std * r * Math.Cos(2 * Math.PI * u2));
                    if (i + 1 < span.Length) span[i + 1] += (float)(std * r * Math.Sin(2 * Math.PI * u2));
                }
            }
            return Tensor.From(values, shape).To(images.DType).DetachFromScope();
        }
    }
}

/// <summary>
/// Masks lab entries of a fitted tabular modality: a masked column's features become exactly what the preprocessing
/// writes for a missing value (numeric: the training median, scaled; categorical: no level set; indicator = 1).
/// Time-series or embedding lab inputs have no raw columns: a masked entry is one element of the tensor, set to 0.
/// </summary>
internal sealed class LabMasker
{
    /// <summary>Per raw column, the feature positions it writes; null for non-tabular inputs.</summary>
    private readonly int[][]? _columns;
    private readonly float[]? _missingRow;

    private LabMasker(int[][]? columns, float[]? missingRow)
    {
        _columns = columns;
        _missingRow = missingRow;
    }

    public static LabMasker For(MultimodalDataset dataset, string modality)
    {
        if (dataset.Reader(modality) is not TabularReader tabular) return new LabMasker(null, null);
        var p = tabular.Preprocessor;
        var missingRow = p.Apply(p.Numeric.Select(_ => double.NaN).ToArray(), p.Categorical.Select(_ => "").ToArray());
        var names = p.FeatureNames();
        var columns = p.Numeric.Select(n => n.Column).Concat(p.Categorical.Select(c => c.Column))
            .Select(col => Enumerable.Range(0, names.Count)
                .Where(i => names[i] == col || names[i] == col + ":missing" || names[i].StartsWith(col + "=", StringComparison.Ordinal)).ToArray())
            .ToArray();
        return new LabMasker(columns, missingRow);
    }

    public Tensor Mask(Tensor labs, IReadOnlyList<string> ids, bool[] present, TestCorruption corruption)
    {
        using var scope = DisposeScope.Enter();
        var shape = labs.Shape;
        var values = labs.To(DType.Float32).Contiguous().ToArray<float>();
        var per = values.Length / (int)shape[0];
        for (var b = 0; b < shape[0]; b++)
        {
            if (!present[b]) continue; // an absent modality stays absent (zeros), not "imputed"
            var rng = new Random(unchecked((int)(corruption.SampleSeed(ids[b]) ^ (corruption.SampleSeed(ids[b]) >> 32))));
            var offset = b * per;
            if (_columns != null)
            {
                foreach (var positions in _columns)
                    if (rng.NextDouble() < corruption.Level)
                        foreach (var i in positions) values[offset + i] = _missingRow![i];
            }
            else
                for (var i = 0; i < per; i++)
                    if (rng.NextDouble() < corruption.Level) values[offset + i] = 0;
        }
        return Tensor.From(values, shape).To(labs.DType).DetachFromScope();
    }
}
