using System.Globalization;
using Medley.Data.Batching;
using Medley.Data.Spec;
using Medley.Torch;

namespace Medley.Training.Experiments;

/// <summary>One rule of <c>training.missing</c>: a dataset modality (or "random": one of the used modalities per sample) removed with probability Rate.</summary>
public sealed record MissingRule(string Target, double Rate)
{
    public const string Random = "random";
    public override string ToString() => $"{Target}={Rate.ToString("0.###", CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Missing-modality injection (METHODS.md §2.7(c), §5): <c>training.missing: "clinical=0.5"</c> or <c>"random=0.9"</c>
/// (several rules comma-separated) removes modalities from train, validation and test batches alike: presence set
/// false and the modality's tensor (and element mask) zeroed for that sample — exactly what the collator writes for a
/// sample that lacks the modality. The draw depends only on (missing_seed, sample id, modality): a sample loses the
/// same modalities in every epoch, fold, method and batch order; and since a modality is removed when its uniform draw
/// is below the rate, the samples removed at 0.5 include those removed at 0.3. A sample never loses every modality the
/// model reads: if the draws would remove all its present ones, one of them (chosen by the same seeded draw) is kept —
/// so for a uni-modal model the injection removes nothing. Modalities the model does not read are left alone.
/// </summary>
public sealed class MissingInjection
{
    public IReadOnlyList<MissingRule> Rules { get; }
    public int Seed { get; }

    private MissingInjection(IReadOnlyList<MissingRule> rules, int seed)
    {
        Rules = rules;
        Seed = seed;
    }

    /// <summary>Parses "name=rate[,name=rate...]"; null/empty → null (no injection). Names are checked against the spec when given.</summary>
    public static MissingInjection? Parse(string? text, int seed, DatasetSpec? spec = null)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var names = spec?.Modalities.Select(m => m.Name).ToList();
        var rules = new List<MissingRule>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            var hint = $"write modality=rate or random=rate, e.g. training.missing=\"{names?.FirstOrDefault() ?? "clinical"}=0.5\"";
            if (eq <= 0) throw new ArgumentException($"training: 'missing' entry '{part}' is not name=rate; {hint}.");
            var target = part[..eq].Trim();
            var rateText = part[(eq + 1)..].Trim();
            if (!double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !double.IsFinite(rate) || rate < 0 || rate > 1)
                throw new ArgumentException($"training: 'missing' rate of '{target}' must be a fraction in [0, 1], got '{rateText}'.");
            if (names != null && target != MissingRule.Random && !names.Contains(target))
                throw new ArgumentException($"training: 'missing' names '{target}', which is not a modality of the dataset spec (modalities: {string.Join(", ", names)}; or 'random').");
            if (rules.Any(r => r.Target == target)) throw new ArgumentException($"training: 'missing' names '{target}' twice.");
            rules.Add(new MissingRule(target, rate));
        }
        if (rules.Count == 0) return null;
        return new MissingInjection(rules, seed);
    }

    public override string ToString() => string.Join(",", Rules);

    /// <summary>A uniform number in [0, 1) from (seed, sample id, salt): FNV-1a then a SplitMix64 finaliser; stable across processes.</summary>
    internal double Uniform(string sampleId, string salt)
    {
        var h = 14695981039346656037UL;
        void Mix(ulong v)
        {
            for (var i = 0; i < 8; i++) { h ^= (v >> (8 * i)) & 0xFF; h *= 1099511628211UL; }
        }
        Mix((ulong)(uint)Seed);
        foreach (var c in sampleId) Mix(c);
        Mix(0xFF);
        foreach (var c in salt) Mix(c);
        h ^= h >> 30; h *= 0xbf58476d1ce4e5b9UL;
        h ^= h >> 27; h *= 0x94d049bb133111ebUL;
        h ^= h >> 31;
        return (h >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>
    /// The modalities (of <paramref name="used"/>) removed from one sample, given which of them it has.
    /// Never all of the present ones: if every present modality is drawn, one of them is kept (seeded).
    /// </summary>
    public IReadOnlyList<string> Removed(string sampleId, IReadOnlyList<string> used, IReadOnlyList<string> present)
    {
        var removed = new List<string>();
        foreach (var rule in Rules)
        {
            if (rule.Rate <= 0) continue;
            if (rule.Target == MissingRule.Random)
            {
                if (used.Count == 0) continue;
                var pick = used[Math.Min(used.Count - 1, (int)(Uniform(sampleId, "random:choice") * used.Count))];
                if (Uniform(sampleId, "random:drop") < rule.Rate && present.Contains(pick) && !removed.Contains(pick)) removed.Add(pick);
            }
            else if (used.Contains(rule.Target) && present.Contains(rule.Target) && Uniform(sampleId, rule.Target) < rule.Rate && !removed.Contains(rule.Target))
                removed.Add(rule.Target);
        }
        if (removed.Count > 0 && present.All(removed.Contains))
        {
            // Keep one at random: an all-missing sample carries no input at all.
            var ordered = used.Where(removed.Contains).ToList();
            var keep = ordered[Math.Min(ordered.Count - 1, (int)(Uniform(sampleId, "keep") * ordered.Count))];
            removed.Remove(keep);
        }
        return removed;
    }

    /// <summary>Wraps a batch source: each batch comes out with the drawn modalities removed (<paramref name="used"/>: dataset modality names the model reads).</summary>
    public IBatchSource Apply(IBatchSource inner, IReadOnlyList<string> used) => new Source(inner, this, used);

    /// <summary>The dataset modalities a model reads: the bound inputs of its model inputs.</summary>
    public static IReadOnlyList<string> UsedModalities(InputBinding binding, IEnumerable<string> modelInputs) =>
        modelInputs.Where(binding.Map.ContainsKey).Select(i => binding.Map[i]).Distinct().ToList();

    private sealed class Source(IBatchSource inner, MissingInjection injection, IReadOnlyList<string> used) : IBatchSource
    {
        public int BatchCount => inner.BatchCount;

        public IEnumerable<ModalityBatch> Epoch(int epoch)
        {
            foreach (var batch in inner.Epoch(epoch)) yield return injection.Inject(batch, used);
        }
    }

    /// <summary>The batch with the drawn modalities removed: the batch itself when nothing is, else a copy (and the input
    /// batch is disposed unless <paramref name="disposeInput"/> is false).</summary>
    public ModalityBatch Inject(ModalityBatch batch, IReadOnlyList<string> used, bool disposeInput = true)
    {
        var presence = used.Where(batch.Present.ContainsKey)
            .ToDictionary(m => m, m => batch.Present[m].To(DType.Int64).ToArray<long>().Select(v => v != 0).ToArray());
        var drop = used.ToDictionary(m => m, _ => new bool[batch.Size]);
        var any = false;
        for (var b = 0; b < batch.Size; b++)
        {
            var has = used.Where(m => !presence.TryGetValue(m, out var p) || p[b]).ToList();
            foreach (var m in Removed(batch.SampleIds[b], used, has))
            {
                drop[m][b] = true;
                any = true;
            }
        }
        if (!any) return batch;

        using var scope = DisposeScope.Enter();
        Tensor Masked(string modality, Tensor t)
        {
            if (!drop.TryGetValue(modality, out var d) || !d.Any(x => x)) return t.Clone().DetachFromScope();
            var shape = new long[t.Dim];
            Array.Fill(shape, 1L);
            shape[0] = batch.Size;
            var keep = Tensor.From(d.Select(x => x ? 0f : 1f).ToArray(), shape).To(t.Device);
            var result = t.DType == DType.Bool ? (t.To(DType.Float32) * keep).To(DType.Bool) : t * keep.To(t.DType);
            return result.DetachFromScope();
        }
        var present = batch.Present.ToDictionary(kv => kv.Key, kv =>
            drop.TryGetValue(kv.Key, out var d) && d.Any(x => x)
                ? Tensor.From(presence[kv.Key].Select((p, i) => p && !d[i]).ToArray()).To(kv.Value.Device).DetachFromScope()
                : kv.Value.Clone().DetachFromScope());
        var copy = new ModalityBatch(batch.SampleIds, batch.Indices,
            batch.Inputs.ToDictionary(kv => kv.Key, kv => Masked(kv.Key, kv.Value)),
            present,
            batch.Masks.ToDictionary(kv => kv.Key, kv => Masked(kv.Key, kv.Value)),
            batch.Labels.Clone().DetachFromScope());
        if (disposeInput) batch.Dispose();
        return copy;
    }
}
