using Medley.Torch;

namespace Medley.Data.Batching;

/// <summary>
/// One batch as a model receives it: per modality a tensor [B, ...] (absent samples are zeros), a presence mask
/// bool [B], and optionally a per-element mask (e.g. text attention [B, L]); the labels (binary float32 [B],
/// multiclass int64 [B], multilabel float32 [B, C]) and the sample ids. The batch owns its tensors: dispose it.
/// </summary>
public sealed class ModalityBatch : IDisposable
{
    public ModalityBatch(IReadOnlyList<string> sampleIds, IReadOnlyList<int> indices, IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyDictionary<string, Tensor> present, IReadOnlyDictionary<string, Tensor> masks, Tensor labels)
    {
        SampleIds = sampleIds;
        Indices = indices;
        Inputs = inputs;
        Present = present;
        Masks = masks;
        Labels = labels;
    }

    public int Size => SampleIds.Count;
    public IReadOnlyList<string> SampleIds { get; }
    /// <summary>Rows of the dataset in this batch, in order.</summary>
    public IReadOnlyList<int> Indices { get; }
    /// <summary>Tensors keyed by modality name. A modality with no present sample and no fixed shape is left out.</summary>
    public IReadOnlyDictionary<string, Tensor> Inputs { get; }
    /// <summary>bool [B] per modality: whether each sample has it.</summary>
    public IReadOnlyDictionary<string, Tensor> Present { get; }
    /// <summary>Per-element masks by modality name, where the modality has one (text: attention mask).</summary>
    public IReadOnlyDictionary<string, Tensor> Masks { get; }
    public Tensor Labels { get; }

    /// <summary>A copy of the batch on another device (the original keeps its tensors).</summary>
    public ModalityBatch To(Device device)
    {
        Dictionary<string, Tensor> Move(IReadOnlyDictionary<string, Tensor> d) => d.ToDictionary(kv => kv.Key, kv => kv.Value.To(device).DetachFromScope());
        return new ModalityBatch(SampleIds, Indices, Move(Inputs), Move(Present), Move(Masks), Labels.To(device).DetachFromScope());
    }

    public void Dispose()
    {
        foreach (var t in Inputs.Values.Concat(Present.Values).Concat(Masks.Values)) t.Dispose();
        Labels.Dispose();
    }
}
