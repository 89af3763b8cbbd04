using Medley.Data.Datasets;
using Medley.Data.Problems;
using Medley.Data.Readers;
using Medley.Torch;

namespace Medley.Data.Batching;

/// <summary>Reads the samples of one batch through every modality's reader and stacks them into a <see cref="ModalityBatch"/>.</summary>
public static class Collator
{
    /// <param name="augment">Training reads: augmenting readers apply their seeded random augmentation.</param>
    /// <param name="seed">Base seed of this epoch; each sample's augmentation seed derives from it and the row.</param>
    public static ModalityBatch Collate(MultimodalDataset dataset, IReadOnlyList<int> rows, bool augment = false, long seed = 0)
    {
        using var scope = DisposeScope.Enter();
        var inputs = new Dictionary<string, Tensor>();
        var present = new Dictionary<string, Tensor>();
        var masks = new Dictionary<string, Tensor>();
        for (var m = 0; m < dataset.Spec.Modalities.Count; m++)
        {
            var name = dataset.Spec.Modalities[m].Name;
            var reader = dataset.Reader(name);
            var values = new ModalityValue[rows.Count];
            var problems = new List<DataProblem>();
            for (var i = 0; i < rows.Count; i++)
            {
                var row = dataset.Row(rows[i]);
                values[i] = reader is IAugmentingReader a
                    ? a.Read(row, new ReadContext(augment, unchecked(seed * 1_000_003 + rows[i])))
                    : reader.Read(row);
                problems.AddRange(values[i].Problems.Where(p => p.Severity == Severity.Error));
                if (values[i].Present && values[i].Value == null)
                    throw new InvalidOperationException($"modality '{name}': its reader reported sample '{row.SampleId}' present but produced no tensor");
            }
            if (problems.Count > 0) throw new DataException(problems);
            present[name] = Tensor.From(values.Select(v => v.Present).ToArray());
            var first = values.FirstOrDefault(v => v.Present);
            var shape = reader.ItemShape ?? first?.Value!.Shape;
            if (shape == null) continue; // nothing present and no fixed shape: presence mask only
            inputs[name] = Stack(values, v => v.Value, shape, first?.Value!.DType, name, dataset, rows);
            if (values.Any(v => v.Mask != null))
                masks[name] = Stack(values, v => v.Mask, shape, values.First(v => v.Mask != null).Mask!.DType, name, dataset, rows);
        }
        var labels = dataset.Labels.ToTensor(rows);
        var batch = new ModalityBatch(rows.Select(r => dataset.Row(r).SampleId).ToList(), rows.ToArray(), inputs, present, masks, labels);
        // Move every batch tensor out of this scope: the batch (and its consumer) owns them now.
        foreach (var t in inputs.Values.Concat(present.Values).Concat(masks.Values).Append(labels)) scope.Keep(t);
        return batch;
    }

    private static Tensor Stack(ModalityValue[] values, Func<ModalityValue, Tensor?> pick, long[] shape, DType? dtype, string name,
        MultimodalDataset dataset, IReadOnlyList<int> rows)
    {
        var type = dtype ?? DType.Float32;
        var items = new Tensor[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var t = values[i].Present ? pick(values[i]) : null;
            if (t != null && !t.Shape.SequenceEqual(shape))
                throw new DataException(DataProblem.Error(dataset.Spec.ManifestPath, dataset.Row(rows[i]).Line, null,
                    $"sample '{dataset.Row(rows[i]).SampleId}', modality '{name}': shape [{string.Join(", ", t.Shape)}] differs from the batch's [{string.Join(", ", shape)}]"));
            items[i] = t ?? Tensor.Zeros(shape, type);
        }
        return Tensor.Stack(items);
    }
}
