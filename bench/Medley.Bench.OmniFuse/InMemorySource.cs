using Medley.Data.Batching;
using Medley.Torch;
using Medley.Training;

namespace Medley.Bench.OmniFuse;

/// <summary>
/// Cached embeddings held in memory as one tensor per modality [N, E_m] (zeros where absent) plus presence bool [N] and
/// labels [N]; an epoch slices batches out of them with index_select along a permutation from a generator seeded by
/// (seed, epoch) — bench/python/bench_omnifuse.py draws the same permutation from the same libtorch generator.
/// With <c>steps</c> > 0 an epoch is only its first <c>steps</c> batches (the 100k dataset: a fixed number of steps).
/// </summary>
public sealed class InMemorySource : IBatchSource, IDisposable
{
    private readonly IReadOnlyList<(string Name, Tensor Values, Tensor Present)> modalities;
    private readonly Tensor labels;
    private readonly int batchSize;
    private readonly int seed;
    private readonly string[] ids;
    private readonly int[] rows;

    public InMemorySource(IReadOnlyList<(string Name, Tensor Values, Tensor Present)> modalities, Tensor labels, int batchSize, int steps, int seed)
    {
        this.modalities = modalities;
        this.labels = labels;
        this.batchSize = batchSize;
        this.seed = seed;
        Samples = labels.Size(0);
        var full = (int)(Samples / batchSize);                       // drop_last: every batch has batchSize samples
        BatchCount = steps > 0 ? Math.Min(steps, full) : full;
        // The trainer never reads sample ids or row indices on this path; one shared array each keeps them off the heap.
        ids = Enumerable.Range(0, batchSize).Select(i => i.ToString()).ToArray();
        rows = new int[batchSize];
    }

    public long Samples { get; }
    /// <summary>Bytes of the tensors held (for the memory report).</summary>
    public long Bytes { get; init; }
    public int BatchCount { get; }

    /// <summary>Seed of an epoch's permutation (epoch 0: the TLA search's pass).</summary>
    public static ulong PermutationSeed(int seed, int epoch) => (ulong)(seed * 1000 + epoch + 17);

    public IEnumerable<ModalityBatch> Epoch(int epoch)
    {
        using var generator = new Generator(PermutationSeed(seed, epoch));
        Tensor perm;
        using (var scope = DisposeScope.Enter()) perm = Tensor.Randperm(Samples, generator).DetachFromScope();
        try
        {
            for (var i = 0; i < BatchCount; i++)
            {
                ModalityBatch batch;
                using (var scope = DisposeScope.Enter())
                {
                    var index = perm.Narrow(0, (long)i * batchSize, batchSize);
                    var inputs = new Dictionary<string, Tensor>(modalities.Count);
                    var present = new Dictionary<string, Tensor>(modalities.Count);
                    foreach (var (name, values, presence) in modalities)
                    {
                        inputs[name] = values.IndexSelect(0, index).DetachFromScope();
                        present[name] = presence.IndexSelect(0, index).DetachFromScope();
                    }
                    batch = new ModalityBatch(ids, rows, inputs, present, new Dictionary<string, Tensor>(), labels.IndexSelect(0, index).DetachFromScope());
                }
                yield return batch;
            }
        }
        finally
        {
            perm.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var (_, values, present) in modalities)
        {
            values.Dispose();
            present.Dispose();
        }
        labels.Dispose();
    }
}
