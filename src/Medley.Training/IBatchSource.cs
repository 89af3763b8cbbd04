using Medley.Data.Batching;

namespace Medley.Training;

/// <summary>Batches of one split part, epoch by epoch (a <see cref="DataLoader"/>, or an in-memory source in tests).</summary>
public interface IBatchSource
{
    int BatchCount { get; }

    /// <summary>The batches of an epoch; the consumer disposes each. The order depends only on the seed and epoch.</summary>
    IEnumerable<ModalityBatch> Epoch(int epoch);
}

/// <summary>A <see cref="DataLoader"/> as a batch source.</summary>
public sealed class LoaderSource(DataLoader loader) : IBatchSource
{
    public int BatchCount => loader.BatchCount;
    public IEnumerable<ModalityBatch> Epoch(int epoch) => loader.Epoch(epoch);
}
