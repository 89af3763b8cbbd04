using Medley.Data.Datasets;

namespace Medley.Data.Batching;

/// <summary>How a <see cref="DataLoader"/> batches: size, seeded shuffling, drop_last, background workers and queue bound.</summary>
public sealed record DataLoaderOptions
{
    public int BatchSize { get; init; } = 32;
    public bool Shuffle { get; init; }
    /// <summary>Seed of the shuffle (mixed with the epoch number) and of augmentation.</summary>
    public int Seed { get; init; }
    public bool DropLast { get; init; }
    /// <summary>Background threads preparing batches; 0 = prepare on the consuming thread.</summary>
    public int Workers { get; init; } = 2;
    /// <summary>At most this many batches are prepared ahead of the consumer (bounds memory).</summary>
    public int Prefetch { get; init; } = 4;
    /// <summary>Training loaders: augmenting readers apply their random augmentation. Off for evaluation.</summary>
    public bool Augment { get; init; }
}

/// <summary>
/// Batches over a dataset and a list of its rows (e.g. a split's training part). Batches come in a fixed order for a
/// given seed and epoch, whatever the number of workers; the consumer owns (and disposes) each batch. Breaking out of
/// the loop stops the workers and frees batches prepared ahead.
/// </summary>
public sealed class DataLoader
{
    private readonly MultimodalDataset _dataset;
    private readonly int[] _rows;

    public DataLoaderOptions Options { get; }

    public DataLoader(MultimodalDataset dataset, IReadOnlyList<int> rows, DataLoaderOptions? options = null)
    {
        _dataset = dataset;
        _rows = rows.ToArray();
        Options = options ?? new DataLoaderOptions();
        if (Options.BatchSize < 1) throw new ArgumentException($"batch size must be at least 1, not {Options.BatchSize}");
        if (Options.Workers < 0) throw new ArgumentException($"workers must be 0 or more, not {Options.Workers}");
        if (Options.Prefetch < 1) throw new ArgumentException($"prefetch must be at least 1, not {Options.Prefetch}");
        foreach (var r in _rows)
            if (r < 0 || r >= dataset.Count) throw new ArgumentException($"row {r} is outside the dataset (0..{dataset.Count - 1})");
    }

    public int BatchCount => Options.DropLast ? _rows.Length / Options.BatchSize : (_rows.Length + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The rows of each batch of an epoch (shuffled by seed and epoch when shuffling).</summary>
    public IReadOnlyList<int[]> Plan(int epoch)
    {
        var order = (int[])_rows.Clone();
        if (Options.Shuffle)
        {
            var rng = new Random(unchecked(Options.Seed * 7_368_787 + epoch * 104_729));
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = rng.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        return Enumerable.Range(0, BatchCount).Select(b => order.Skip(b * Options.BatchSize).Take(Options.BatchSize).ToArray()).ToList();
    }

    /// <summary>The batches of one epoch.</summary>
    public IEnumerable<ModalityBatch> Epoch(int epoch = 0)
    {
        var plan = Plan(epoch);
        var seed = unchecked((long)Options.Seed * 1_000_000_007L + epoch);
        if (Options.Workers == 0)
        {
            foreach (var rows in plan) yield return Collator.Collate(_dataset, rows, Options.Augment, seed);
            yield break;
        }
        using var run = new PrefetchRun(plan.Count, Options.Workers, Options.Prefetch, i => Collator.Collate(_dataset, plan[i], Options.Augment, seed));
        for (var i = 0; i < plan.Count; i++) yield return run.Take(i);
    }

    /// <summary>Workers claim batch numbers in order; at most <c>prefetch</c> are claimed but not yet taken.</summary>
    private sealed class PrefetchRun : IDisposable
    {
        private readonly TaskCompletionSource<ModalityBatch>[] _results;
        private readonly SemaphoreSlim _slots;
        private readonly CancellationTokenSource _cancel = new();
        private readonly Thread[] _threads;
        private readonly bool[] _taken;
        private int _next;

        public PrefetchRun(int count, int workers, int prefetch, Func<int, ModalityBatch> build)
        {
            _results = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource<ModalityBatch>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            _taken = new bool[count];
            _slots = new SemaphoreSlim(prefetch, prefetch);
            _threads = Enumerable.Range(0, Math.Min(workers, Math.Max(1, count))).Select(w => new Thread(() => Work(build))
            {
                IsBackground = true,
                Name = $"medley-loader-{w}",
            }).ToArray();
            foreach (var t in _threads) t.Start();
        }

        private void Work(Func<int, ModalityBatch> build)
        {
            try
            {
                while (true)
                {
                    _slots.Wait(_cancel.Token);
                    var i = Interlocked.Increment(ref _next) - 1;
                    if (i >= _results.Length) { _slots.Release(); return; }
                    try { _results[i].SetResult(build(i)); }
                    catch (Exception e) { _results[i].SetException(e); }
                }
            }
            catch (OperationCanceledException) { }
        }

        public ModalityBatch Take(int i)
        {
            try
            {
                return _results[i].Task.GetAwaiter().GetResult();
            }
            finally
            {
                _taken[i] = true;
                _slots.Release();
            }
        }

        public void Dispose()
        {
            _cancel.Cancel();
            foreach (var t in _threads) t.Join();
            // Batches prepared ahead but never handed out are ours to free.
            for (var i = 0; i < _results.Length; i++)
                if (!_taken[i] && _results[i].Task.IsCompletedSuccessfully) _results[i].Task.Result.Dispose();
            _cancel.Dispose();
            _slots.Dispose();
        }
    }
}
